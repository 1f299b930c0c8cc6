"""Assemble: mentions in their context → a :class:`Plan`, every figure entered in the ledger.

How a plan is read (any county, any year):

1. The text (from .txt/.docx/.pdf, see :mod:`landgis.plan.read`) is folded with NFKC, so full-width
   digits and punctuation read like ASCII ones.
2. Sections and sentences about other years (上年度计划执行情况, ``2025年度，全市实际供应…``,
   ``比2025年度减少…``) are set aside, as are sub-categories (``（其中保障性住房用地…）``). A figure of
   one supply method (拟以出让方式供应…) or one period (第一季度…) is the plan's 方式/时序
   (:mod:`landgis.plan.splits`); other splits (存量/新增, 前三季度 …) are set aside.
3. Every area figure (:mod:`landgis.plan.mentions`) is read with the words just before it, which say
   what it is (:mod:`landgis.plan.context`): the county total, a township or a land-use category.
   Category figures after a township belong to it; before any township, to the structure.
   ``<镇>…X公顷，全部为<类>`` gives the township's whole figure to that category; ``A、B分别为x、y``
   is paired up; ``<类>X公顷，其中<镇>Y公顷…`` (category first) is read too.
4. Tables are read by :mod:`landgis.plan.tables`.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd

from landgis.catalog import Message, either, message, word
from landgis import categories as _cats
from landgis.county import County, find_county
from landgis.errors import InputError
from landgis.plan.context import (
    _COMPARE,
    _DONE_SENTENCE,
    _FULL_CATEGORY,
    _HEADING1,
    _HEADING2,
    _LEAD_RE,
    _NO_SUPPLY,
    _PRIOR_SECTION,
    _PRIOR_SENTENCE,
    _STRUCT_WORDS,
    _SUB_MARK,
    SPLIT_REASON,
    UNKNOWN_REASON,
    SUBCATEGORY_WORDS,
    Context,
)
from landgis.plan.doctype import news_without_plan, no_plan_named, not_a_plan, report_about
from landgis.plan.ledger import Ledger, ledger_frame, reason, reason_is
from landgis.plan.mentions import (
    FIGURE,
    NAME_SEP,
    NUM,
    UNIT,
    Mention,
    damaged_figures,
    decimal_of,
    figures_of,
    find_mentions,
    pair_respectively,
    unit_of,
    years_in,
)
from landgis.plan.model import Plan, PlanParseError
from landgis.plan.read import fold, read_plan_text
from landgis.plan.splits import split_of
from landgis.plan.tables import find_tables, read_table
from landgis.units import to_hectares

__all__ = ["parse_plan"]

_ALL_IN = re.compile(r"^\s*[,，]?\s*(全部|均|都)?(?:安排在|安排于|位于|落在|分布于|分布在|集中在|布局在|在)"
                     r"([\u3400-\u4dbf\u4e00-\u9fff]{2,14}?(?:街道|镇|乡|区))")
_JOINT = re.compile(rf"(?P<names>(?:[\u4e00-\u9fff]{{2,16}}[、和])+[\u4e00-\u9fff]{{2,16}}?用地)(?:合计|共计|小计|共)为?"
                    rf"(?P<total>{NUM})\s*(?P<unit>{UNIT})\s*,?\s*分别为?:?"
                    rf"(?P<nums>(?:\s*{NUM}\s*(?:{UNIT})?\s*(?:[、,和及与]|(?=[;。)\s])|$))+)")
_CLAUSES = re.compile(r"([;:]|,(?!(?<=\d,)\d{3}(?!\d)))")  # not the comma of 1,865.4
# A clause about one parcel being sold (挂牌出让, 出让面积, 竞得, 底价成交 …): an auction lot, no figure of the plan
_LOT = re.compile(r"成交|竞得|竞买|起始价|起拍价|底价|溢价|楼面价|摘牌|挂牌出让|拍卖出让|(?:地块|宗地)[^,;]{0,6}出让面积")
_PLAN_CLAUSE = re.compile(r"计划|拟|供应|供地|安排")
_THIS_YEAR = re.compile(r"本年度|本年|今年|当年|年内|计划年度|计划期")
_OPENS_WITH_YEAR = re.compile(r"^\s*(?:[(]?[一二三四五六七八九十]+[)、.]\s*)?(?:19|20)\d{2}\s*年")


_ALL_LAND = re.compile(r"(?:国有)?建设用地$|土地供应量|供应总量|供地总量|总面积|总规模")
_SUBSET = re.compile(r"^\s*(?:上述|以上)[\u4e00-\u9fff]{0,8}中\s*,?\s*(?:包括|含|有)?([^,;。]*)")
_APPROX = re.compile(r"(?:近|约|逾|超过|超|将近|大约)\s*$")  # 近15800亩: a rounded figure (a headline's)
# 住宅用地供应量前三位的分别是A区…: a ranking of areas under what it ranks (a category, or the total)
_RANKING = re.compile(r"(?P<sep>^|[,;。])\s*(?P<sub>其中\s*,?\s*)?(?P<head>[^,;。:]{0,30}?)(?:的)?"
                      r"(?:计划供应量|供应量|供应面积|供地面积|供地量|面积|规模)?(?:排名|排在)?"
                      r"(?:前[一二三四五六七八九十\d]+(?:位|名)|最大|最多|较多|居前)的?(?:区域|地区|区县)?"
                      r"(?:分别|依次)?(?:是|为)\s*:?")
_PARCEL_COUNT = re.compile(r"(?<![\d.])\d+\s*(?:宗|幅|个地块|块)(?:地块|土地)?\s*[、,，]?\s*")
_ALL_ONE = re.compile(r"^(?P<names>[^,;。:]+?)(?:均|全部|都)(?:为|是|用于|安排为)(?P<cat>[^,;。:()]{2,20}?用地)[,;。]?$")


class _Assembler:
    """One pass over the folded lines of a plan: sentences and tables into the ledger."""

    def __init__(self, text: str, source: str, county: County | None = None):
        self.raw = text
        self.source = source
        self.original = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        text = fold(text)
        self.lines = text.split("\n")
        self.ctx = Context(self.lines, text, county)
        self.county_given = county is not None
        self.ledger = Ledger()
        self.headings: list[str] = []
        # a subset of the figures read (上述用地中，包括…项目), its parts follow: the reason they are set aside
        self.subset: Message | None = None

    def _figures(self, sentence: str) -> list[Mention]:
        figs, aside = find_mentions(sentence)
        for fig, why in aside:
            self.ledger.set_aside(fig.value, fig.unit, why)
        for fig in figs:
            self.ctx.classify(fig)
        return figs

    def _no_supply(self, sentence: str) -> None:
        for name in self.ctx.no_supply_names(sentence):
            if name not in self.ledger.no_supply:
                self.ledger.no_supply.append(name)

    def _damaged(self, sentence: str, skip: bool) -> None:
        """Figures whose digits the text lost (``为.74公顷``): each enters the ledger as 数字残缺, with the area,
        category or total it was read as, so that nothing is made from a sum in its place."""
        st = self.ledger
        for start, end, unit in damaged_figures(sentence):
            printed = sentence[start:end].strip()
            fig = find_mentions(sentence[:start] + "1" + unit)[0][-1]  # the words before it, as for a figure
            self.ctx.classify(fig)
            town = fig.town_prefix or self.ctx.town_header(fig.pre) or st.town
            place = {"township": (fig.name, ""), "category": (town or "", fig.name),
                     "total": (st.town or "", ""), "total_weak": (st.town or "", "")}.get(fig.kind)
            named = [p for p in place if p] if place else [fig.name]
            what = either("、".join(named), " ".join(named)) if named else word("ledger.what.total")
            st.add_damaged(printed, unit, what, reason("damaged", printed=printed), fig.label,
                           None if skip else place)

    def read_sentence(self, sentence: str, skip: bool) -> None:
        st = self.ledger
        self.ctx.lists_areas = self._lists_areas(sentence)
        self._damaged(sentence, skip)
        if not FIGURE.search(sentence):
            self.subset = None
            if not skip:
                self._no_supply(sentence)
                self._category_paragraph(sentence)
                alone = _LEAD_RE.sub("", sentence.strip()).strip().rstrip(":").strip()
                town = self.ctx.classify_town(alone) if alone and len(alone) <= 16 else None
                if town and not _NO_SUPPLY.search(sentence):
                    self.ledger.town = town  # a township on a line of its own, its figures follow
                cat = self.ctx.classify_category(alone) if alone and len(alone) <= 16 and not town else None
                if cat and _cats.lookup(alone, self.ctx.system) is not None:
                    self.ledger.category, self.ledger.category_heading = cat[0], True  # 1.居住用地
                self._all_one_category(sentence)
            return
        years = years_in(sentence)
        this_year = bool(self.ctx.year and self.ctx.year in years) or bool(_THIS_YEAR.search(sentence))
        # 与去年基本持平: a comparison without a figure does not make the sentence last year's
        said = "".join(c for c in _CLAUSES.split(sentence) if FIGURE.search(c) or not _COMPARE.search(c))
        prior = (_PRIOR_SENTENCE.search(said) or _DONE_SENTENCE.search(sentence)) and not this_year
        if skip or prior:
            for fig in find_mentions(sentence)[0]:
                st.set_aside(fig.value, fig.unit, reason("prior_year"), fig.label)
            for fig, _ in find_mentions(sentence)[1]:
                st.set_aside(fig.value, fig.unit, reason("prior_year"), fig.label)
            return
        if self._subset(sentence):
            return
        self._no_supply(sentence)
        sentence = _PARCEL_COUNT.sub("", sentence)  # 住宅用地12宗、12公顷: the count of parcels is not a label
        sentence = self._other_years(pair_respectively(self._joint_group(sentence), _LEAD_RE))
        header = self.ctx.category_header(sentence)
        if header and not header[1]:
            st.category, st.town = header[0], None  # 住宅用地：禅城区612.45亩，南海区…
        for group in re.split(r";", sentence):
            opener = self.ctx.leading_town(group)
            if opener and not header:
                st.town = opener  # …；高新区重点保障…，安排工矿仓储用地46.3公顷: a new area opens the clause
            figs = self._list_items([f for f in self._figures(group) if f.kind])
            live = [f for f in figs if f.kind != "ignore"]
            if header and header[1]:  # 其中保障性住房用地：禅城区45亩，…: parts of the current category
                for f in [f for f in live if f.kind == "township"]:
                    st.add_sub_item(f.name, st.category or "", header[0], f.value, f.unit)
                live = [f for f in live if f.kind != "township"]
            for k, f in enumerate(figs):
                if f.kind == "ignore":
                    if reason_is(f.reason, UNKNOWN_REASON):
                        st.enter(f.value, f.unit, "unplaced", reason=reason("not_recognised"), label=f.label)
                    elif not self._split(f, figs[:k]):
                        st.set_aside(f.value, f.unit, f.reason, f.label)
            kinds = [f.kind for f in live]
            # 市本级计划供应国有建设用地309.34公顷: an area's figure of all its land is its total, in no category
            whole = any(f.kind == "township" and _ALL_LAND.search(f.label) for f in live)
            if st.category and "category" not in kinds and any(k in ("township", "total_weak") for k in kinds) \
                    and not whole:
                self._category_first(live, st.category)  # under a category heading or paragraph
            elif live and live[0].kind == "category" and ("township" in kinds or _ALL_IN.match(live[0].after)):
                self._category_first(live)
            else:
                self._township_first(live)
            if kinds == ["category"] and st.town is None:
                st.category = live[0].name  # （一）住宅用地24.45公顷。按镇分：太和镇16.39公顷…

    def _split(self, fig: Mention, before: list[Mention]) -> bool:
        """Enter a figure of one supply method or one period (拟以出让方式供应…, 第一季度…) as the plan's
        split; False (it stays set aside) when it is another split, or a part of a category or area
        read before it in the clause (住宅用地30公顷，其中出让20公顷)."""
        if not reason_is(fig.reason, SPLIT_REASON) or any(f.kind in ("category", "township", "sub_item") for f in before):
            return False
        split = split_of(fig.label)
        if split is None:
            return False
        self.ledger.add_split(*split, fig.value, fig.unit, fig.label)
        return True

    def _subset(self, sentence: str) -> bool:
        """``上述用地中，包括城市更新项目约66公顷。其中，住宅用地39公顷…``: a subset of the figures already read
        (and its parts in the next 其中 sentence) is set aside, never a second structure."""
        st = self.ledger
        opens = _SUBSET.match(sentence)
        if opens is None and not (self.subset and _SUB_MARK.match(sentence)):
            self.subset = None
            return False
        if opens is not None:
            name = re.sub(FIGURE, "", opens.group(1)).strip(",约 ")
            self.subset = reason("subset", subset=name) if name else reason("subset_unnamed")
        figs, aside = find_mentions(sentence)
        for fig in [*figs, *(f for f, _ in aside)]:
            st.set_aside(fig.value, fig.unit, self.subset, fig.label)
        return True

    def _list_items(self, figs: list[Mention]) -> list[Mention]:
        """``东钱湖69.12公顷、江北区69.06公顷``: in a list of areas, a bare name before a figure is an area too."""
        if not any(f.kind == "township" for f in figs):
            return figs
        for k, f in enumerate(figs):
            name = _LEAD_RE.sub("", f.label).strip()
            listed = k == 0 or f.joined or f.pre.strip() in ("、", ",", "和", "及")
            if f.kind == "ignore" and reason_is(f.reason, UNKNOWN_REASON) and listed and re.fullmatch(r"[\u4e00-\u9fff]{2,6}", name) \
                    and not re.match(r"其|另|剩|合|共|小|以|上|总|全|本|各|约|近", name):
                f.kind, f.name, f.reason = "township", self.ctx.town_name(name), None  # 新区 → 蓉江新区
        return figs

    def _rankings(self, text: str) -> str:
        """``住宅用地供应量前三位的分别是A区x、B区y`` → ``。住宅用地:A区x、B区y`` (a category over areas);
        ``计划供应量前三位的分别是A区x…`` → the areas' totals; ``其中，普通商品住宅…`` → that sub-item's."""

        def repl(m: re.Match) -> str:
            head = re.sub(r"\([^()]*\)", "", _LEAD_RE.sub("", m.group("head"))).strip()
            sep = "" if m.group("sep") == "" else m.group("sep")
            sub = "其中" if m.group("sub") else ""
            named = SUBCATEGORY_WORDS.search(head) or self.ctx.classify_category(head)
            return f"{sep}。{sub}{head}:" if named else f"{sep}。"

        return _RANKING.sub(repl, text)

    def _lists_areas(self, sentence: str) -> bool:
        """Whether a sentence names districts or townships by their own names (丹徒区、茌平区 …)."""
        self.ctx.lists_areas = False
        names = re.findall(r"[\u4e00-\u9fff]{1,8}?(?:区|县|镇|街道)", sentence)
        return sum(1 for n in names if self.ctx.classify_town(n)) >= 1

    def _category_paragraph(self, sentence: str) -> None:
        """``住宅用地供应将新城作为重点…。其中，大兴区178公顷…``: a sentence about one category, without a
        figure, makes the areas listed after it (on its line) that category's."""
        clauses = [_LEAD_RE.sub("", c).strip() for c in _CLAUSES.split(sentence.strip())]
        first = next((c for c in clauses if c and c not in ",;:"), "")
        m = re.match(r"^([\u4e00-\u9fff]{2,16}?用地)(?:供应|供地|计划)", first)
        if m and not SUBCATEGORY_WORDS.search(m.group(1)) and _cats.lookup(m.group(1), self.ctx.system):
            self.ledger.category = self.ctx.classify_category(m.group(1))[0]

    def _all_one_category(self, sentence: str) -> None:
        """``A镇、B镇均为工矿仓储用地`` (no figure): each township's stated total is that category's."""
        m = _ALL_ONE.match(sentence.strip())
        if not m:
            return
        cat = self.ctx.classify_category(m.group("cat"))
        towns = [self.ctx.classify_town(_LEAD_RE.sub("", n)) for n in NAME_SEP.split(m.group("names")) if n]
        if not cat or not towns or not all(towns):
            return
        st = self.ledger
        for town in towns:
            if town in st.town_totals and not any(t == town for t, _ in st.alloc):
                value, unit = st.town_totals[town]
                st.put_quietly(st.alloc, (town, cat[0]), value, unit)

    def _joint_group(self, sentence: str) -> str:
        """``A、B和C用地合计X，分别为a、b和c``: a group of its members, each a category; the rest of the sentence.

        The group's figure is entered as a group and each member's figure under its category, so
        that nothing is counted twice.
        """
        m = _JOINT.search(sentence)
        if not m:
            return sentence
        names = [n for n in re.split(r"[、和]", m.group("names")) if n]
        names = [n if n.endswith("用地") else n + "用地" for n in names]
        names[0] = _LEAD_RE.sub("", names[0])
        nums = re.findall(rf"{NUM}\s*(?:{UNIT})?", m.group("nums"))
        cats = [self.ctx.classify_category(n) for n in names]
        if len(nums) != len(names) or not all(cats):
            return sentence
        st = self.ledger
        unit = unit_of(m.group("unit"))
        st.add_group(_LEAD_RE.sub("", m.group("names")), decimal_of(m.group("total")), unit, st.town)
        for cat, (value, printed) in zip(cats, nums):
            if st.town is None:
                st.add_structure(cat[0], decimal_of(value), unit_of(printed) if printed else unit)
            else:
                st.add_alloc(st.town, cat[0], decimal_of(value), unit_of(printed) if printed else unit)
        return sentence[: m.start()] + re.sub(FIGURE, lambda x: "#" * len(x.group(0)), m.group(0)) + sentence[m.end():]

    def _other_years(self, sentence: str) -> str:
        """Set aside the figures of clauses about other years; the sentence with them masked.

        A clause speaks of another year when it compares (比2023年度增加…) or names years without the
        plan year (2023年度供应1.05公顷). A year that opens a clause (2025年度，…) holds for the clauses
        after it; a year inside a clause without figures (延续2022—2023年度…安排) does not.
        """
        st = self.ledger
        year = self.ctx.year
        active: set[int] = set()
        done = wide = planned = False
        sold = _LOT.search(sentence)
        kept = []
        for k, clause in enumerate(_CLAUSES.split(sentence)):
            figs = find_mentions(clause)[0]
            years = years_in(clause)
            if years and not _COMPARE.search(clause) and (figs or _OPENS_WITH_YEAR.match(clause)):
                active = years
            elif _THIS_YEAR.search(clause) and year is not None:
                active = {year}
            elif k == 0 and not figs:
                town = self.ctx.leading_town(clause)
                st.town = town or st.town
            scope = self.ctx.own_scope
            if scope and re.search(r"全市|全县|全域", clause) and scope not in clause:
                wide = True  # 全市范围内，住宅用地…: the whole city, not this plan's 市区
            elif scope and scope in clause:
                wide = False
            other = (bool(active) and year is not None and year not in active) or (wide and bool(figs))
            planned = planned or bool(_PLAN_CLAUSE.search(clause))
            # 某地块出让面积3公顷,由某企业竞得: a lot, where no clause before it in the sentence speaks of the plan
            lot = bool(figs) and bool(sold) and not planned
            if _DONE_SENTENCE.search(re.sub(r"\([^()]*\)", "", clause)):  # not a note in brackets
                done = True  # 实际供应…，其中…: what was supplied, to the end of the sentence
            elif _THIS_YEAR.search(clause) or (year is not None and year in years and re.search(r"计划|安排|拟", clause)):
                done = False
            if lot:
                for fig in figs + [f for f, _ in find_mentions(clause)[1]]:
                    st.set_aside(fig.value, fig.unit, reason("sold_lot"), fig.label)
                kept.append(re.sub(FIGURE, lambda mm: "#" * len(mm.group(0)), clause))
            elif _COMPARE.search(clause) or other or (done and figs):
                years = list(map(str, sorted(active)))
                why = (reason("comparison") if _COMPARE.search(clause) else reason("supplied") if done and not other
                       else reason("city_wide", scope=scope) if wide
                       else reason("other_years", years=either("、".join(years), ", ".join(years))))
                for fig in figs + [f for f, _ in find_mentions(clause)[1]]:
                    st.set_aside(fig.value, fig.unit, why, fig.label)
                if figs:
                    st.town = self.ctx.leading_town(clause) or st.town  # 莫干山镇2023年度供应…，2024年度…
                kept.append(re.sub(FIGURE, lambda mm: "#" * len(mm.group(0)), clause))
            else:
                kept.append(clause)
        return "".join(kept)

    def _category_first(self, figs: list[Mention], cat: str | None = None) -> None:
        """``<类>X公顷，其中<镇>Y公顷…`` or, under a category heading, ``安排X公顷，<镇>Y公顷…``."""
        st = self.ledger
        for f in figs:
            if f.kind in ("category", "total", "total_weak") and (f.kind == "category" or cat):
                cat = f.name if f.kind == "category" else cat
                if st.town is None:
                    st.add_structure(cat, f.value, f.unit)
                else:
                    st.add_alloc(st.town, cat, f.value, f.unit)
                place = _ALL_IN.match(f.after)  # 全部安排在太和镇 / 均位于英城街道 (not: 落在太平镇21.6公顷、…)
                whole = place is not None and (place.group(1) is not None or f.after[place.end():].strip())
                town = self.ctx.classify_town(place.group(2)) if whole else None
                if town:
                    st.add_alloc(town, cat, f.value, f.unit, same_figure=True)
            elif f.kind == "township" and cat:
                st.add_alloc(f.name, cat, f.value, f.unit)
            elif f.kind == "sub_item":
                st.add_sub_item(st.town or "structure", cat or "", f.name, f.value, f.unit)
            elif f.kind == "group":
                st.add_group(f.name, f.value, f.unit, st.town)
            elif f.kind in ("total", "total_weak"):
                self._total(f)
            else:
                st.enter(f.value, f.unit, "unplaced", reason=reason("no_category"), label=f.label)

    def _full_category(self, town: str, f: Mention) -> None:
        """``<镇>…X公顷，全部为<类>``: the township's whole figure is that category's (or group's)."""
        m = _FULL_CATEGORY.match(f.after)
        if not m:
            return
        name = re.split(r"[,;。(]", m.group(1))[0]
        group = self.ctx.classify_group(name)
        if group:
            self.ledger.add_group(group, f.value, f.unit, town, same_figure=True)
            return
        cat = self.ctx.classify_category(name)
        if cat:
            if not cat[1] and cat[0] not in self.ctx.unknown:
                self.ctx.unknown.append(cat[0])
            self.ledger.add_alloc(town, cat[0], f.value, f.unit, same_figure=True)

    def _total(self, f: Mention) -> None:
        st = self.ledger
        if st.town is not None and st.town_totals.get(st.town) is None:
            st.add_town_total(st.town, f.value, f.unit)
            return
        approx = bool(_APPROX.search(f.label))
        if st.add_total(f.value, f.unit, f.label, approx=approx) and self.ctx.total_scope is None:
            self.ctx.total_scope = self.ctx.scope_word(f.label) or self.ctx.scope_word(f.prev_segment) or "全"  # 市区…总量: the plan's scope
        st.town = None

    def _township_first(self, figs: list[Mention]) -> None:
        st = self.ledger
        last_cat_fig: Mention | None = None
        for f in figs:
            if f.kind == "township":
                st.town = f.name
                st.add_town_total(f.name, f.value, f.unit)
                self._full_category(f.name, f)
                last_cat_fig = None
            elif f.kind == "category":
                header = f.town_prefix or self.ctx.town_header(f.pre)
                if header:
                    st.town = header
                if f.paren_sub and f.paren_parent is not None and f.paren_parent.kind == "category":
                    st.add_sub_item(st.town or "structure", f.paren_parent.name, f.name, f.value, f.unit)
                    continue
                if last_cat_fig is not None and _SUB_MARK.match(f.label):
                    parent = _cats.lookup(last_cat_fig.name, self.ctx.system)
                    child = _cats.lookup(f.name, self.ctx.system)
                    if child is None or (parent and child.code.startswith(parent.code) and child.code != parent.code):
                        if child is None and f.name in self.ctx.unknown:
                            self.ctx.unknown.remove(f.name)  # 其中社会停车场用地: a part, not a category
                        st.add_sub_item(st.town or "structure", last_cat_fig.name, f.name, f.value, f.unit)
                        continue
                if st.town is None:
                    st.add_structure(f.name, f.value, f.unit)
                else:
                    st.add_alloc(st.town, f.name, f.value, f.unit)
                last_cat_fig = f
            elif f.kind == "sub_item":
                parent = f.paren_parent if f.paren_parent is not None else last_cat_fig
                parent_name, name = parent.name if parent else "", f.name
                within = re.match(r"^(.+?用地)中(.+)$", name)  # 居住用地中商品住房用地 / 保障性住房用地中租赁住宅用地
                if within:
                    cat = None if SUBCATEGORY_WORDS.search(within.group(1)) else self.ctx.classify_category(within.group(1))
                    parent_name, name = (cat[0] if cat else within.group(1)), within.group(2)
                st.add_sub_item(st.town or "structure", parent_name, name, f.value, f.unit)
            elif f.kind == "group":
                header = self.ctx.town_header(f.pre)
                if header:
                    st.town = header
                st.add_group(f.name, f.value, f.unit, st.town)
            elif f.kind == "total":
                self._total(f)
                last_cat_fig = None
            elif f.kind == "total_weak":
                if st.town is None and (st.total is None or st.total_approx):  # (an exact figure after 近…)
                    self._total(f)
                elif st.town is not None and st.town not in st.town_totals:
                    st.add_town_total(st.town, f.value, f.unit)
                    self._full_category(st.town, f)
                else:
                    st.enter(f.value, f.unit, "unplaced", reason=reason("no_township"), label=f.label)
                last_cat_fig = None

    def parse(self) -> Plan:
        other = not_a_plan(self.lines)
        if other:
            raise PlanParseError(message("{source}: not a land supply plan; the text looks like {other}. landgis reads a "
                                         "county's 国有建设用地供应计划 (annual land supply plan)", source=self.source, other=other))
        self.report = report_about(self.lines)
        tables = find_tables(self.lines, self.ctx)
        table_lines = {k for s, e in tables.items() for k in range(s, e)}
        skip = False
        buffer: list[str] = []

        def flush() -> None:
            text = self._rankings("\n".join(buffer))
            buffer.clear()
            for sentence in re.split(r"[。\n]", text):
                if sentence.strip():
                    self.read_sentence(sentence, skip)

        for i, line in enumerate(self.lines):
            self.ledger.line = i
            if not self.ledger.category_heading:
                self.ledger.category = None  # a category paragraph ends with its line
            if i in tables:
                flush()
                self.ledger.town = None
                read_table(self.lines, i, tables[i], self.ctx, self.ledger)
                continue
            if i in table_lines:
                continue
            self.ledger.found.extend((i, v, u) for v, u in figures_of(line))
            stripped = line.strip()
            if _HEADING1.match(stripped):
                flush()
                self.headings.append(stripped[:30])
                skip = bool(_PRIOR_SECTION.search(stripped)) and not (self.ctx.year and str(self.ctx.year) in stripped)
                self.ledger.town = None
                self.ledger.category, self.ledger.category_heading = None, False
            elif _HEADING2.match(stripped) or (_STRUCT_WORDS.search(stripped[:12]) and not FIGURE.search(stripped[:12])):
                flush()
                if _HEADING2.match(stripped):
                    self.headings.append(stripped[:30])
                    if _PRIOR_SECTION.search(stripped) and not (self.ctx.year and str(self.ctx.year) in stripped):
                        skip = True
                self.ledger.town = None
            buffer.append(line)
            flush()
        flush()
        return self._build()

    def _place_and_county(self) -> tuple[str | None, County | None]:
        """The plan's place and county; a district the text names in a plan of a city's part is no county.

        潍坊市城区 / 镇江市区 plans name their districts (潍城区, 丹徒区) in the body or a dateline: where the
        plan's scope is a part of a city (城区, 市区 …) and its own words do not name the district as its
        place, the plan is the city's.
        """
        place, county = self.ctx.place, self.ctx.county
        own = None if self.ctx.place_from_dateline else place  # 潍城区讯 …我市城区…计划: the dateline is no plan's word
        if (self.county_given or county is None or county.level != "county" or not self.ctx.own_scope
                or (own and (own in county.name or county.name in own))):
            return place, county
        city = _city_of(county)
        if city is None or (own and own not in city.name and city.name not in own):
            return place, county
        return city.name, city

    def _build(self) -> Plan:
        st = self.ledger
        unnamed = no_plan_named(self.lines)
        if unnamed and (st.total is not None or st.structure or st.alloc or st.town_totals):
            raise PlanParseError(message("{source}: not a land supply plan; the text looks like {other}. landgis reads a "
                                         "county's 国有建设用地供应计划 (annual land supply plan)", source=self.source, other=unnamed))
        if st.total is None and not st.structure and not st.alloc and not st.town_totals:
            news = news_without_plan(self.lines)
            if news:
                raise PlanParseError(message("{source}: not a land supply plan; the text looks like {news}", source=self.source, news=news))
            looked = message("{n} lines", n=len(self.lines))
            if self.headings:
                looked = message("{n} lines; sections {sections}", n=len(self.lines),
                                 sections=" | ".join(self.headings[:8]))
            ign = message("; {n} area figures set aside (other years, quarters …)", n=len(st.ignored)) if st.ignored else ""
            raise PlanParseError(
                message("{source}: no land supply plan found (looked at {looked}{ign}). Expected a "
                        "county total like '供应总量控制在158.1793169公顷以内', a structure like "
                        "'住宅用地29.327316公顷，商服用地13.159566公顷', or a layout by township "
                        "('阳城镇土地供应量为62.376199公顷，其中：…' or a table with a 镇名 column and category columns), "
                        "with figures in 公顷, 亩 or 平方米", source=self.source, looked=looked, ign=ign)
            )
        unit = st.units.most_common(1)[0][0] if st.units else "公顷"
        place, county = self._place_and_county()

        def ha(v: tuple[Decimal, str]) -> Decimal:
            return to_hectares(*v)

        codes = {}
        rows = []
        for (town, cat), (value, u) in st.alloc.items():
            code = codes.setdefault(cat, (self.ctx.category(cat) or ("", ""))[1])
            h = ha((value, u))
            rows.append({"township": town, "category": cat, "category_code": code, "hectares": float(h),
                         "hectares_exact": h, "value": value, "unit": u})
        alloc = pd.DataFrame(rows, columns=["township", "category", "category_code", "hectares",
                                            "hectares_exact", "value", "unit"])
        alloc["hectares"] = alloc["hectares"].astype(float)
        for cat in st.structure:
            if not (self.ctx.category(cat)) and cat not in self.ctx.unknown:
                self.ctx.unknown.append(cat)
        return Plan(
            place=place,
            year=self.ctx.year,
            unit=unit,
            stated_total_ha=ha(st.total) if st.total else None,
            structure_ha={c: ha(v) for c, v in st.structure.items()},
            township_totals_ha={t: ha(v) for t, v in st.town_totals.items()},
            allocations=alloc,
            no_supply=tuple(t for t in st.no_supply if t not in st.town_totals
                            and t not in set(alloc["township"])),
            unknown_categories=tuple(self.ctx.unknown),
            category_system=self.ctx.system,
            source=self.source,
            text=self.raw,
            stated_total_value=st.total,
            structure_values=dict(st.structure),
            township_total_values=dict(st.town_totals),
            ignored=tuple(st.ignored),
            ledger=ledger_frame(st.entries, st.found, self.lines, self.original),
            groups_ha={g: ha(v) for g, v in st.groups.items()},
            methods_ha={m: ha(v) for m, v in st.methods.items()},
            schedule_ha={p: ha(v) for p, v in st.schedule.items()},
            sub_items=tuple((sc, p, n, to_hectares(v, u)) for sc, p, n, v, u in st.sub_items),
            report=self.report,
            title=self.report[1] or None if self.report else None,
            county=county,
            read_scope=self.ctx.own_scope,  # 我市城区…计划, 市区…总量: the scope its text reads, when its title names none
            damaged=tuple(st.damaged),
        )


def _city_of(county: County) -> County | None:
    """The city (prefecture) a district belongs to, as a :class:`County` of level 'prefecture'."""
    try:
        return find_county(county.prefecture_code.ljust(6, "0"))
    except InputError:
        return None


def parse_plan(source: str | Path, county: str | County | None = None) -> Plan:
    """Read a land supply plan from a file (.txt, .docx, .pdf) or a string.

    Parameters
    ----------
    source : str or pathlib.Path
        A path to a .txt (UTF-8 or GB18030), .docx or .pdf (with a text layer), or the plan text.
    county : str or landgis.county.County, optional
        The county whose townships the plan's names are read against (code, name or County).
        When not given, the county the plan's title (or text) names is used, if it names exactly
        one; otherwise the plan has no county (``plan.county is None``) and its names are only
        normalised. There is no default county: steps that need one (maps, QA, the atlas) refuse
        a plan without it unless they are given ``county=``.

    Returns
    -------
    Plan

    Raises
    ------
    PlanParseError
        When no plan can be found in the text (or the file cannot be read); the message says where
        the parser looked and what it expected.
    InputError
        When ``county`` names no county, or several.

    Examples
    --------
    >>> plan = parse_plan("怀集县2026年度土地供应计划\\n冷坑镇：住宅用地3公顷。")
    >>> plan.county.code, list(plan.allocations["township"])
    ('441224', ['冷坑镇'])
    >>> parse_plan("2026年度土地供应计划\\n冷坑镇：住宅用地3公顷。", county="怀集县").county.name
    '怀集县'
    """
    the_county = find_county(county) if county is not None else None
    try:
        text, label = read_plan_text(source)
    except PlanParseError:
        raise
    except InputError as exc:
        raise PlanParseError(*exc.args) from None
    except OSError as exc:
        raise PlanParseError(message("{source}: cannot read the plan file ({strerror})", source=source, strerror=exc.strerror or exc)) from None
    try:
        return _Assembler(text, label, the_county).parse()
    except PlanParseError:
        raise
    except (ValueError, InvalidOperation, IndexError, KeyError, StopIteration) as exc:  # pragma: no cover
        # a layout the parser does not cover must still fail as a plan error, with where it was
        raise PlanParseError(message("{label}: could not read the plan ({name}: {exc})", label=label, name=type(exc).__name__, exc=exc)) from None
