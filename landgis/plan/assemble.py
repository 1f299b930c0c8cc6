"""Assemble: mentions in their context → a :class:`Plan`, every figure entered in the ledger.

How a plan is read (any county, any year):

1. The text (from .txt/.docx/.pdf, see :mod:`landgis.plan.read`) is folded with NFKC, so full-width
   digits and punctuation read like ASCII ones.
2. Sections and sentences about other years (上年度计划执行情况, ``2025年度，全市实际供应…``,
   ``比2025年度减少…``) are set aside, as are quarter splits (第一季度…), supply-mode splits
   (出让/划拨) and sub-categories (``（其中保障性住房用地…）``).
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

from landgis import categories as _cats
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
    Context,
)
from landgis.plan.ledger import Ledger
from landgis.plan.mentions import FIGURE, Mention, find_mentions, pair_respectively, years_in
from landgis.plan.model import Plan, PlanParseError
from landgis.plan.read import fold
from landgis.plan.tables import find_tables, read_table
from landgis.units import to_hectares

__all__ = ["parse_plan"]


class _Assembler:
    """One pass over the folded lines of a plan: sentences and tables into the ledger."""

    def __init__(self, text: str, source: str):
        self.raw = text
        self.source = source
        text = fold(text)
        self.lines = text.split("\n")
        self.ctx = Context(self.lines, text)
        self.ledger = Ledger()
        self.headings: list[str] = []

    def _figures(self, sentence: str) -> list[Mention]:
        figs, aside = find_mentions(sentence)
        for fig, why in aside:
            self.ledger.ignored.append(f"{fig.value}{fig.unit}（{why}）")
        for fig in figs:
            self.ctx.classify(fig)
        return figs

    def _no_supply(self, sentence: str) -> None:
        for name in self.ctx.no_supply_names(sentence):
            if name not in self.ledger.no_supply:
                self.ledger.no_supply.append(name)

    def read_sentence(self, sentence: str, skip: bool) -> None:
        st = self.ledger
        if not FIGURE.search(sentence):
            if not skip:
                self._no_supply(sentence)
                alone = _LEAD_RE.sub("", sentence.strip()).strip().rstrip(":").strip()
                town = self.ctx.classify_town(alone) if alone and len(alone) <= 16 else None
                if town and not _NO_SUPPLY.search(sentence):
                    self.ledger.town = town  # a township on a line of its own, its figures follow
            return
        years = years_in(sentence)
        other_year = bool(years) and self.ctx.year is not None and self.ctx.year not in years
        prior = (_PRIOR_SENTENCE.search(sentence) and not (self.ctx.year and self.ctx.year in years)) or (
            _DONE_SENTENCE.search(sentence))
        if skip or other_year or prior:
            for m in FIGURE.finditer(sentence):
                st.ignored.append(f"{m.group(0)}（上年度或其他年份的数字）")
            return
        self._no_supply(sentence)
        sentence = pair_respectively(sentence, _LEAD_RE)
        # figures in a clause that compares with another year (比2025年度减少…) are not plan figures
        kept = []
        for clause in re.split(r"([,;:])", sentence):
            clause_years = years_in(clause)
            if _COMPARE.search(clause) or (clause_years and self.ctx.year not in clause_years):
                for m in FIGURE.finditer(clause):
                    st.ignored.append(f"{clause.strip()}（与其他年份比较）")
                kept.append(re.sub(FIGURE, lambda mm: "#" * len(mm.group(0)), clause))
            else:
                kept.append(clause)
        sentence = "".join(kept)
        for group in re.split(r";", sentence):
            figs = [f for f in self._figures(group) if f.kind]
            live = [f for f in figs if f.kind != "ignore"]
            for f in figs:
                if f.kind == "ignore":
                    st.ignored.append(f"{f.label}{f.value}{f.unit}（{f.reason}）")
            if live and live[0].kind == "category" and any(f.kind == "township" for f in live[1:]):
                self._category_first(live)
            else:
                self._township_first(live)

    def _category_first(self, figs: list[Mention]) -> None:
        st = self.ledger
        cat = None
        for f in figs:
            if f.kind == "category":
                cat = f.name
                if st.town is None:
                    st.add_structure(f.name, f.value, f.unit)
                else:
                    st.add_alloc(st.town, f.name, f.value, f.unit)
            elif f.kind == "township" and cat:
                st.add_alloc(f.name, cat, f.value, f.unit)
            elif f.kind in ("total", "total_weak"):
                self._total(f)

    def _total(self, f: Mention) -> None:
        st = self.ledger
        if st.town is not None and st.town_totals.get(st.town) is None:
            st.add_town_total(st.town, f.value, f.unit)
            return
        if st.total is None:
            st.total = (f.value, f.unit)
            st.units[f.unit] += 1
        elif to_hectares(*st.total) != to_hectares(f.value, f.unit):
            st.ignored.append(f"{f.label}{f.value}{f.unit}（已有供应总量{st.total[0]}{st.total[1]}）")
        st.town = None

    def _township_first(self, figs: list[Mention]) -> None:
        st = self.ledger
        last_cat_fig: Mention | None = None
        for f in figs:
            if f.kind == "township":
                st.town = f.name
                st.add_town_total(f.name, f.value, f.unit)
                m = _FULL_CATEGORY.match(f.after)
                if m:
                    cat = self.ctx.classify_category(re.split(r"[,;。(]", m.group(1))[0])
                    if cat:
                        if not cat[1] and cat[0] not in self.ctx.unknown:
                            self.ctx.unknown.append(cat[0])
                        st.add_alloc(f.name, cat[0], f.value, f.unit)
                last_cat_fig = None
            elif f.kind == "category":
                header = f.town_prefix or self.ctx.town_header(f.pre)
                if header:
                    st.town = header
                if f.paren_sub and f.paren_parent is not None and f.paren_parent.kind == "category":
                    st.ignored.append(f"{f.label}{f.value}{f.unit}（{f.paren_parent.name}的其中项）")
                    continue
                if last_cat_fig is not None and _SUB_MARK.match(f.label):
                    parent = _cats.lookup(last_cat_fig.name, self.ctx.system)
                    child = _cats.lookup(f.name, self.ctx.system)
                    if parent and child and child.code.startswith(parent.code) and child.code != parent.code:
                        st.ignored.append(f"{f.label}{f.value}{f.unit}（{parent.name}的其中项）")
                        continue
                if st.town is None:
                    st.add_structure(f.name, f.value, f.unit)
                else:
                    st.add_alloc(st.town, f.name, f.value, f.unit)
                last_cat_fig = f
            elif f.kind == "total":
                self._total(f)
                last_cat_fig = None
            elif f.kind == "total_weak":
                if st.town is None and st.total is None:
                    self._total(f)
                elif st.town is not None and st.town not in st.town_totals:
                    st.add_town_total(st.town, f.value, f.unit)
                else:
                    st.ignored.append(f"{f.label}{f.value}{f.unit}（未识别的面积）")
                last_cat_fig = None

    def parse(self) -> Plan:
        tables = find_tables(self.lines, self.ctx)
        table_lines = {k for s, e in tables.items() for k in range(s, e)}
        skip = False
        buffer: list[str] = []

        def flush() -> None:
            text = "\n".join(buffer)
            buffer.clear()
            for sentence in re.split(r"[。\n]", text):
                if sentence.strip():
                    self.read_sentence(sentence, skip)

        for i, line in enumerate(self.lines):
            if i in tables:
                flush()
                self.ledger.town = None
                read_table(self.lines, i, tables[i], self.ctx, self.ledger)
                continue
            if i in table_lines:
                continue
            stripped = line.strip()
            if _HEADING1.match(stripped):
                flush()
                self.headings.append(stripped[:30])
                skip = bool(_PRIOR_SECTION.search(stripped)) and not (self.ctx.year and str(self.ctx.year) in stripped)
                self.ledger.town = None
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

    def _build(self) -> Plan:
        st = self.ledger
        if st.total is None and not st.structure and not st.alloc and not st.town_totals:
            looked = f"{len(self.lines)} lines"
            if self.headings:
                looked += "; sections " + " | ".join(self.headings[:8])
            ign = f"; {len(st.ignored)} area figures set aside (other years, quarters …)" if st.ignored else ""
            raise PlanParseError(
                f"{self.source}: no land supply plan found (looked at {looked}{ign}). Expected a county "
                "total like '供应总量控制在158.1793169公顷以内', a structure like '住宅用地29.327316公顷，"
                "商服用地13.159566公顷', or a layout by township ('连州镇土地供应量为62.376199公顷，其中：…' "
                "or a table with a 镇名 column and category columns), with figures in 公顷, 亩 or 平方米"
            )
        unit = st.units.most_common(1)[0][0] if st.units else "公顷"

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
            place=self.ctx.place,
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
        )


def parse_plan(source: str | Path) -> Plan:
    """Read a land supply plan from a file (.txt, .docx, .pdf) or a string.

    Parameters
    ----------
    source : str or pathlib.Path
        A path to a .txt (UTF-8 or GB18030), .docx or .pdf (with a text layer), or the plan text.

    Returns
    -------
    Plan

    Raises
    ------
    PlanParseError
        When no plan can be found in the text (or the file cannot be read); the message says where
        the parser looked and what it expected.
    """
    from landgis.plan.read import read_plan_text

    try:
        text, label = read_plan_text(source)
    except PlanParseError:
        raise
    except InputError as exc:
        raise PlanParseError(str(exc)) from None
    except OSError as exc:
        raise PlanParseError(f"{source}: cannot read the plan file ({exc.strerror or exc})") from None
    try:
        return _Assembler(text, label).parse()
    except PlanParseError:
        raise
    except (ValueError, InvalidOperation, IndexError, KeyError, StopIteration) as exc:  # pragma: no cover
        # a layout the parser does not cover must still fail as a plan error, with where it was
        raise PlanParseError(f"{label}: could not read the plan ({type(exc).__name__}: {exc})") from None
