"""Land supply plans (土地供应计划): parse the text into an exact table, and reconcile its figures.

Figures are kept exactly as printed: the parser works on :class:`decimal.Decimal`, never float.

How the parser reads a plan (any county, any year):

1. The text (from .txt/.docx/.pdf, see :mod:`landgis.plantext`) is folded with NFKC, so full-width
   digits and punctuation read like ASCII ones.
2. Sections and sentences about other years (上年度计划执行情况, ``2025年度，全市实际供应…``,
   ``比2025年度减少…``) are set aside, as are quarter splits (第一季度…), supply-mode splits
   (出让/划拨) and sub-categories (``（其中保障性住房用地…）``).
3. Every area figure (``X公顷``, ``X亩``, ``X平方米``; ``X公顷（Y亩）`` keeps the 公顷) is read with the
   words just before it, which say what it is: the county total (供应总量…), a township (…镇/乡/
   街道/开发区/区 …计划供应), or a land-use category (住宅用地 …, via :mod:`landgis.categories`).
   Category figures after a township belong to it; before any township, to the structure.
   ``<镇>…X公顷，全部为<类>`` gives the township's whole figure to that category; ``A、B分别为x、y``
   is paired up; ``<类>X公顷，其中<镇>Y公顷…`` (category first) is read too.
4. Text tables (whitespace or tab separated, as in a .txt, a PDF text layer or a Word table) with
   categories as columns and townships as rows (or the other way round), with 序号 columns, '-'
   cells, 合计 rows and columns, and long tables (乡镇 | 用途 | 面积) are read with their unit line.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd

from landgis import categories as _cats
from landgis.errors import InputError
from landgis.names import normalise_name, registry_for_place, suggest
from landgis.units import format_decimal, to_hectares, unit_key, unit_label

__all__ = ["Plan", "PlanParseError", "Finding", "parse_plan", "reconcile", "SEED_PLAN"]

#: The shipped seed plan: 连州市2026年度土地供应计划.
SEED_PLAN = Path(__file__).parent / "data" / "lianzhou_2026_land_supply_plan.txt"

HA_PER_MU = Decimal(1) / Decimal(15)
HA_PER_M2 = Decimal("0.0001")


class PlanParseError(InputError):
    """No plan could be read from the text; the message says where it looked and what it expected."""


@dataclass(frozen=True)
class Plan:
    """A parsed land supply plan.

    Attributes
    ----------
    place : str or None
        The county or city the plan is for (连州市).
    year : int or None
        The plan year.
    unit : str
        The unit the plan's figures are written in: ``"公顷"``, ``"亩"`` or ``"平方米"``.
    stated_total_ha : Decimal or None
        The county total as stated, in hectares.
    structure_ha : dict of str to Decimal
        The stated per-category totals (canonical category name → hectares), in text order.
    township_totals_ha : dict of str to Decimal
        The stated per-township totals (township name as written, normalised → hectares), in text order.
    allocations : pandas.DataFrame
        One row per (township, category): ``township``, ``category`` (canonical name),
        ``category_code``, ``hectares`` (float, for computing), ``hectares_exact`` (Decimal),
        ``value`` (Decimal as printed) and ``unit`` (as printed).
    no_supply : tuple of str
        Townships the text names as receiving nothing.
    unknown_categories : tuple of str
        Category names the registry does not know (kept in the allocations with an empty code).
    category_system : str or None
        ``"GB/T 21010-2017"`` or ``"用地用海分类"``, by the names the plan uses.
    source : str
        Where the text came from (a path, or ``"<text>"``).
    stated_total_value : tuple of (Decimal, str) or None
        The county total as printed: value and unit.
    structure_values, township_total_values : dict of str to (Decimal, str)
        The structure and township totals as printed: value and unit.
    ignored : tuple of str
        Area figures the parser read and set aside, each with the reason (prior year, quarter,
        sub-category …), so that nothing is dropped unseen.
    """

    place: str | None
    year: int | None
    unit: str
    stated_total_ha: Decimal | None
    structure_ha: dict[str, Decimal]
    township_totals_ha: dict[str, Decimal]
    allocations: pd.DataFrame
    no_supply: tuple[str, ...] = ()
    unknown_categories: tuple[str, ...] = ()
    category_system: str | None = None
    source: str = "<text>"
    text: str = field(default="", repr=False)
    stated_total_value: tuple[Decimal, str] | None = field(default=None, repr=False)
    structure_values: dict[str, tuple[Decimal, str]] = field(default_factory=dict, repr=False)
    township_total_values: dict[str, tuple[Decimal, str]] = field(default_factory=dict, repr=False)
    ignored: tuple[str, ...] = field(default=(), repr=False)

    @property
    def townships(self) -> list[str]:
        """Townships that receive land, in text order."""
        return list(dict.fromkeys([*self.township_totals_ha, *self.allocations["township"]]))

    @property
    def categories(self) -> list[str]:
        """Categories named in the structure or the allocations, in text order."""
        return list(dict.fromkeys([*self.structure_ha, *self.allocations["category"]]))

    def category_code(self, name: str) -> str:
        """Code of a category of this plan ('' for an unknown category)."""
        rows = self.allocations.loc[self.allocations["category"] == name, "category_code"]
        if len(rows):
            return str(rows.iloc[0])
        cat = _cats.lookup(name, self.category_system)
        return cat.code if cat else ""

    def table(self, unit: str = "ha") -> pd.DataFrame:
        """Township × category table (Decimal cells, 0 where nothing), with a 合计 column.

        Below the townships: ``乡镇合计``, the sum of each column, and ``计划总量``, the plan's stated
        structure and total (where the plan states none, the sum). The two rows differ exactly where
        the plan's own figures do not add up.

        Parameters
        ----------
        unit : str
            ``ha``/``公顷``, ``mu``/``亩`` or ``m2``/``平方米``.
        """
        from landgis.units import to_unit

        towns = self.townships
        cats = self.categories
        zero = Decimal(0)
        cells = {(r.township, r.category): r.hectares_exact for r in self.allocations.itertuples()}
        rows = []
        for t in towns:
            row = {c: to_unit(cells.get((t, c), zero), unit) for c in cats}
            total_ha = self.township_totals_ha.get(t, sum((cells.get((t, c), zero) for c in cats), zero))
            row["合计"] = to_unit(total_ha, unit)
            rows.append(row)
        df = pd.DataFrame(rows, index=pd.Index(towns, name="乡镇"), columns=[*cats, "合计"])
        sums = {c: sum((cells.get((t, c), zero) for t in towns), zero) for c in cats}
        placed = sum((self.township_totals_ha.get(t, sum((cells.get((t, c), zero) for c in cats), zero))
                      for t in towns), zero)
        df.loc["乡镇合计"] = pd.Series({**{c: to_unit(v, unit) for c, v in sums.items()}, "合计": to_unit(placed, unit)})
        stated = {c: to_unit(self.structure_ha.get(c, sums[c]), unit) for c in cats}
        stated["合计"] = to_unit(self.stated_total_ha if self.stated_total_ha is not None else placed, unit)
        df.loc["计划总量"] = pd.Series(stated)
        return df


@dataclass(frozen=True)
class Finding:
    """One reconciliation finding: a figure of the plan that does not add up.

    Attributes
    ----------
    kind : str
        ``township_sum`` (a township's categories vs its stated total), ``county_sum``
        (townships vs the county total), ``structure_sum`` (structure figures vs the county total),
        ``category_sum`` (a structure figure vs its sum over townships), ``no_supply``
        (a township of the county that receives nothing), ``unknown_category``.
    message : str
        One sentence a planner can paste into a memo, in Chinese, with the exact figures.
    township, category : str or None
        What the finding is about.
    stated_ha, computed_ha, difference_ha : Decimal or None
        The figures: what the plan states, what its parts sum to, and stated − computed.
    severity : str
        ``"warning"`` for figures that do not add up, ``"info"`` for townships with no supply.
    """

    kind: str
    message: str
    township: str | None = None
    category: str | None = None
    stated_ha: Decimal | None = None
    computed_ha: Decimal | None = None
    difference_ha: Decimal | None = None
    severity: str = "warning"


# ----------------------------------------------------------------------------------------------
# Text patterns (the text is NFKC-folded first: ，→,  ：→:  （→(  全角数字→ASCII)
# ----------------------------------------------------------------------------------------------
_NUM = r"(?<![\d.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d])"
_UNIT = r"(万平方米|万平米|平方公里|平方千米|平方米|平米|公顷|hm2|亩|m2|ha)(?![A-Za-z0-9])"
_FIG = re.compile(_NUM + r"\s*" + _UNIT)
_CELL_NUM = re.compile(r"^[+]?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)$")
_EMPTY_CELL = re.compile(r"^(?:[-—–―─/\\~〜]+|无|/|)$")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_CN_YEAR = re.compile(r"([〇零一二三四五六七八九]{4})年")
_HAN = r"\u4e00-\u9fff"

_TOWN_SUFFIX = (r"(?:街道办事处|街道|民族乡|族乡|镇|乡|经济技术开发区|高新技术产业开发区|开发区|"
                r"产业园区|工业园区|工业园|园区|高新区|新区|管理区|区|苏木|农场|林场)")
# Words that may follow a township's name before its figure: 连州镇土地供应量为 / 1.浈江区:计划供应 …
_TAIL_TOKENS = (r"(?:人民政府|政府|管委会|管理委员会|辖区|范围内|区域内|境内|内|本年度|年度|全年|国有|建设|土地|用地|计划|"
                r"拟|供应|供地|安排|总量|量|总规模|规模|总面积|面积|合计|小计|共计|总计|约为|为|约|共|"
                r"控制在|达到|达|是|规划|合|:|\s)")
_TAIL_RE = re.compile(rf"^{_TAIL_TOKENS}*$")
_TOWN_RE = re.compile(rf"^([{_HAN}]{{1,12}}?{_TOWN_SUFFIX})({_TAIL_TOKENS}*)$")
_NOT_TOWN = re.compile(r"^(?:全|本|各|该|其|每|我|中心|主城|老城|县城|城区|市区|城镇|乡镇|辖区|镇区|园区|"
                       r"开发区|高新区|新区|工业园|产业园|工业园区|产业园区|管理区|片区|社区|小区|地区|街道|山区|"
                       r"农场|林场|区|镇|乡)|[市县]区$|乡镇$|(?:用地|绿地|设施)")
_LEAD_RE = re.compile(r"^(?:\s|\d+\s*[.、)]|[(]?[一二三四五六七八九十]+[)、.]|\(\d+\)|[①-⑳]|"
                      r"(?:19|20)\d{2}\s*年度?|其中|包括|具体为|分别为|主要为|含|及|和|与|以及|另)+")
_TOTAL_WORDS = re.compile(r"总量|总规模|总面积|合计|总计|共计|小计|^(?:全|本)(?:市|县|区|旗)|市区|县域|全域|全年")
_IGNORE_WORDS = re.compile(
    r"季度|[0-9一二三四五六七八九十]+月|上半年|下半年|出让|划拨|租赁|作价|协议|招拍挂|新增|存量|储备|批而未供|"
    r"闲置|征收|农用地|耕地|未利用地|增减挂钩|城乡|已供|实际|完成"
)
_SUB_MARK = re.compile(r"^\s*(?:其中|含|包括|包含)")
_PRIOR_SECTION = re.compile(r"上年|上一年|去年|执行情况|完成情况|实施情况|回顾|供应情况")
_PRIOR_SENTENCE = re.compile(r"执行情况|上年度|上一年度|去年")  # unless the sentence names the plan year
_DONE_SENTENCE = re.compile(r"实际供应|实际供地|已供应|已供地|完成率|已完成|累计供应")  # always past figures
_COMPARE = re.compile(r"(?:比|较|同比|环比).{0,16}?(?:增加|减少|增长|下降|多|少|持平)|上年|去年|上一年")
_HEADING1 = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.]|第[一二三四五六七八九十]+[章部节])")
_HEADING2 = re.compile(r"^\s*\(\s*[一二三四五六七八九十]+\s*\)")
_STRUCT_WORDS = re.compile(r"结构|按用途|用途分|分用途|分类型|按类型|按地类")
_NO_SUPPLY = re.compile(
    r"(?:暂无|无|不安排|未安排|没有|不再安排|暂不安排|未列入|不列入|不涉及)[^,;。]{0,6}?(?:供地|供应|用地|土地|计划)"
)
_FULL_CATEGORY = re.compile(rf"^[^{_HAN}]*?(?:全部|均|都|全|全数)(?:为|是|用于|属于|作为)([{_HAN}]{{2,16}})")
_UNKNOWN_CAT = re.compile(rf"^([{_HAN}]{{2,12}}用地)$")
_NOT_CATEGORY = re.compile(r"建设|新增|存量|国有|集体|出让|划拨|储备|供应|计划|农用|未利用|耕地|土地|全|本|总|合计|其余|"
                           r"其他建设|经营性|公益性|民生|项目|重点|供地|拟供|收储|闲置|批而未供")

# Sub-categories plans name in brackets or after 其中 (they are part of a category, not one of their own).
SUBCATEGORY_WORDS = re.compile(
    r"保障性|保障房|安居|公租|廉租|经济适用|共有产权|租赁住房|安置|棚户|棚改|商品住|普通商品|中小套型|"
    r"人才住房|限价|自住|标准厂房"
)

_TABLE_NAME_HEAD = re.compile(r"镇|乡|街道|区域|地区|行政区|名称|单位|片区|区县|区名|所在")
_TABLE_SEQ_HEAD = re.compile(r"^(?:序号|编号|No\.?|#)$", re.I)
_TABLE_TOTAL = re.compile(r"^(?:合计|总计|小计|共计|总量|合\s*计|全市|全县|全区|市区合计|总计划)")
_TABLE_CAT_HEAD = re.compile(r"用途|用地类型|地类|类别|用地性质|土地用途|用地分类|类型")
_TABLE_VAL_HEAD = re.compile(r"面积|规模|供应量|数量|计划量|供地量|指标|小计|合计")
_UNIT_LINE = re.compile(r"单位\s*[:：]?\s*(万平方米|平方米|公顷|亩|hm2|m2|ha)")
_HEADER_UNIT = re.compile(r"[(\[]\s*(万平方米|平方米|公顷|亩|hm2|m2|ha)\s*[)\]]")


def _fold(text: str) -> str:
    """NFKC (full-width → ASCII), unified brackets and line ends."""
    text = unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(str.maketrans({"〔": "(", "〕": ")", "【": "(", "】": ")", "［": "(", "］": ")",
                                         "[": "(", "]": ")", "\u00a0": " ", "\u200b": ""}))
    text = _CN_YEAR.sub(lambda m: m.group(1).translate(_CN_DIGITS) + "年", text)
    return text


def _dec(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


_YEAR_RANGE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年?\s*[-—–~～至到]+\s*((?:19|20)\d{2})\s*年?")


def _years(text: str) -> set[int]:
    """Years a text speaks of: 2025年 → {2025}; 2026—2028年 → {2026, 2027, 2028}."""
    years = {int(y) for y in _YEAR.findall(text)}
    for a, b in _YEAR_RANGE.findall(text):
        lo, hi = sorted((int(a), int(b)))
        if hi - lo <= 50:
            years.update(range(lo, hi + 1))
    return years


@dataclass
class _Fig:
    value: Decimal
    unit: str  # Chinese label
    start: int
    end: int
    label: str = ""
    after: str = ""
    kind: str = ""  # category / township / total / total_weak / ignore
    name: str = ""
    reason: str = ""
    pre: str = ""  # text between the previous figure and the label
    paren_sub: bool = False  # inside "(其中…)" that directly follows a category figure
    town_prefix: str | None = None  # "连州镇安排住宅用地…"
    paren_parent: "_Fig | None" = None


@dataclass
class _State:
    """What the parser has collected so far."""

    total: tuple[Decimal, str] | None = None
    structure: dict[str, tuple[Decimal, str]] = field(default_factory=dict)
    town_totals: dict[str, tuple[Decimal, str]] = field(default_factory=dict)
    alloc: dict[tuple[str, str], tuple[Decimal, str]] = field(default_factory=dict)
    no_supply: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # figures set aside, with the reason
    units: Counter = field(default_factory=Counter)
    town: str | None = None  # the township whose figures are being read

    def add_alloc(self, town: str, cat: str, value: Decimal, unit: str) -> None:
        key = (town, cat)
        if key in self.alloc:
            old = self.alloc[key]
            if to_hectares(*old) != to_hectares(value, unit):
                self.ignored.append(f"{town}{cat}{value}{unit}（与前文{old[0]}{old[1]}不同，保留前文）")
            return
        self.alloc[key] = (value, unit)
        self.units[unit] += 1

    def add_structure(self, cat: str, value: Decimal, unit: str) -> None:
        if cat in self.structure:
            old = self.structure[cat]
            if to_hectares(*old) != to_hectares(value, unit):
                self.ignored.append(f"{cat}{value}{unit}（结构中已有{old[0]}{old[1]}，保留前者）")
            return
        self.structure[cat] = (value, unit)
        self.units[unit] += 1

    def add_town_total(self, town: str, value: Decimal, unit: str) -> None:
        if town in self.town_totals:
            old = self.town_totals[town]
            if to_hectares(*old) != to_hectares(value, unit):
                self.ignored.append(f"{town}{value}{unit}（前文已有{old[0]}{old[1]}，保留前者）")
            return
        self.town_totals[town] = (value, unit)
        self.units[unit] += 1


class _Parser:
    def __init__(self, text: str, source: str):
        self.raw = text
        self.source = source
        self.text = _fold(text)
        self.lines = self.text.split("\n")
        self.place, self.year = self._title()
        self.registry = registry_for_place(self.place) if self.place else None
        self.system = self._system()
        self.state = _State()
        self.unknown: list[str] = []
        self.headings: list[str] = []

    # --- place, year, system --------------------------------------------------------------
    def _title(self) -> tuple[str | None, int | None]:
        """Place and year from the title: 连州市2026年度…供应计划, 2026年连州市…, …供应计划（2026年度）."""
        adm = r"(?:自治县|自治州|自治旗|市|县|区|旗|盟)"
        title_re = re.compile(
            rf"([{_HAN}]{{2,14}}?{adm})?[^市县区旗\d\s]{{0,12}}?\s*((?:19|20)\d{{2}})\s*年度?\s*"
            rf"([{_HAN}]{{2,12}}?{adm})?[{_HAN}()]*?(?:供应计划|供地计划|出让计划)"
        )
        late = re.compile(rf"([{_HAN}]{{2,14}}?{adm})[{_HAN}]*?(?:供应计划|供地计划)\s*\(?\s*((?:19|20)\d{{2}})")
        for lines in (self.lines[:15], self.lines):
            for line in lines:
                m = title_re.search(line)
                if m:
                    return self._clean_place(m.group(1) or m.group(3)), int(m.group(2))
                m = late.search(line)
                if m:
                    return self._clean_place(m.group(1)), int(m.group(2))
        years = Counter(int(y) for y in _YEAR.findall(self.text))
        year = years.most_common(1)[0][0] if years else None
        return None, year

    @staticmethod
    def _clean_place(place: str | None) -> str | None:
        """关于印发广东省清远市连州市 → 连州市 (the county, without the levels above it)."""
        if not place:
            return None
        place = re.sub(r"^(?:关于|印发|发布|公布|下达|本|全|我)+", "", place)
        m = re.match(rf".*(?:省|自治区|市|州|盟)([{_HAN}]{{2,10}}?(?:自治县|自治旗|市|县|区|旗))$", place)
        if m and not place.endswith("自治州"):
            place = m.group(1)
        return place or None

    def _system(self) -> str | None:
        votes = Counter()
        for name in _cats.category_names():
            if name in self.text:
                systems = {c.system for c in _cats.CATEGORIES if name in (c.name, *c.aliases)}
                if len(systems) == 1:
                    votes[systems.pop()] += self.text.count(name)
        if not votes:
            return None
        return votes.most_common(1)[0][0]

    # --- names ----------------------------------------------------------------------------
    def category(self, name: str) -> tuple[str, str] | None:
        cat = _cats.lookup(name, self.system)
        return (cat.name, cat.code) if cat else None

    def town_name(self, name: str) -> str:
        if self.registry is not None:
            hit = self.registry.resolve(name)
            if hit:
                return hit
        return normalise_name(name)

    def _registry_town(self, label: str) -> str | None:
        """A township of the shipped registry written without its suffix (连州 …)."""
        if self.registry is None:
            return None
        names = []
        for row in self.registry.table.itertuples():
            names.extend([row.name, *row.aliases])
        for alias in sorted(names, key=len, reverse=True):
            if label.startswith(alias) and _TAIL_RE.match(label[len(alias):]):
                return self.registry.resolve(alias)
        return None

    def classify_town(self, label: str) -> str | None:
        label = _LEAD_RE.sub("", label).strip()
        if not label:
            return None
        m = _TOWN_RE.match(label)
        if m and not _NOT_TOWN.search(m.group(1)):
            return self.town_name(m.group(1))
        return self._registry_town(label)

    def classify_category(self, label: str) -> tuple[str, str] | None:
        """(canonical name, code) for a label ending in a category name ('' code when unknown)."""
        stripped = re.sub(rf"{_TAIL_TOKENS}*$", "", label)
        # the tail tokens include 用地/土地: put them back when they were the end of a name
        candidates = [label, stripped] + [label[: len(stripped) + k] for k in (2, 4) if len(label) > len(stripped)]
        for cand in candidates:
            for name in _cats.category_names():
                if cand.endswith(name):
                    hit = self.category(name)
                    if hit:
                        return hit
        for cand in candidates:
            core = _LEAD_RE.sub("", cand).strip()
            m = _UNKNOWN_CAT.match(core)
            if m and not _NOT_CATEGORY.search(m.group(1)) and not self.classify_town(core):
                return (m.group(1), "")
        return None

    def _town_prefix(self, label: str) -> str | None:
        """The township in "连州镇安排住宅用地" (a township and a category in one label)."""
        label = _LEAD_RE.sub("", label)
        m = re.match(rf"^([{_HAN}]{{1,12}}?{_TOWN_SUFFIX})", label)
        if not m or _NOT_TOWN.search(m.group(1)):
            return None
        rest = re.sub(rf"^{_TAIL_TOKENS.replace('用地|', '')}*", "", label[m.end():])
        rest = re.sub(rf"{_TAIL_TOKENS}*$", "", rest) if not _cats.lookup(rest) else rest
        return self.town_name(m.group(1)) if rest and _cats.lookup(rest) else None

    def classify(self, fig: _Fig, prev_segment: str) -> None:
        label = fig.label.strip()
        tail_only = bool(_TAIL_RE.match(label))
        # "住宅用地：29.3公顷", "连州镇：计划供应62公顷": the name is before the colon
        cands = [label, prev_segment + label] if tail_only else [label]
        for lab in cands:
            if SUBCATEGORY_WORDS.search(lab) and re.search(r"(?:用地|住房|住宅|房)$", lab):
                fig.kind, fig.reason = "ignore", "子类"
                return
        for lab in cands:
            cat = self.classify_category(lab)
            if cat:
                fig.kind, fig.name = "category", cat[0]
                fig.town_prefix = self._town_prefix(lab)
                if not cat[1] and cat[0] not in self.unknown:
                    self.unknown.append(cat[0])
                return
        if _IGNORE_WORDS.search(label):
            fig.kind, fig.reason = "ignore", "分季度/分方式/存量新增等拆分"
            return
        for lab in cands:
            town = self.classify_town(lab)
            if town:
                fig.kind, fig.name = "township", town
                return
        if _TOTAL_WORDS.search(_LEAD_RE.sub("", label)) or (tail_only and _TOTAL_WORDS.search(prev_segment)):
            fig.kind = "total"
        elif tail_only and re.search(r"供应|供地", label) and not _IGNORE_WORDS.search(prev_segment):
            fig.kind = "total_weak"  # "本年度计划供应国有建设用地X公顷": the total, unless a township's
        else:
            fig.kind, fig.reason = "ignore", "未识别的面积"

    # --- sentences ------------------------------------------------------------------------
    def _figures(self, sentence: str) -> list[_Fig]:
        figs: list[_Fig] = []
        depth_open: list[int] = []
        opens = {}
        for i, ch in enumerate(sentence):
            if ch == "(":
                depth_open.append(i)
            elif ch == ")" and depth_open:
                opens[depth_open.pop()] = i
        spans = [(o, c) for o, c in opens.items()]
        parents: dict[int, _Fig | None] = {}
        for m in _FIG.finditer(sentence):
            fig = _Fig(_dec(m.group(1)), unit_label(unit_key(m.group(2))), m.start(), m.end())
            enclosing = [(o, c) for o, c in spans if o < m.start() < c]
            if enclosing:
                o, c = max(enclosing)
                inner = sentence[o + 1 : m.start()]
                after_fig = bool(figs) and figs[-1].end <= o and sentence[figs[-1].end : o].strip() == ""
                if after_fig and re.fullmatch(r"\s*(?:约|合|约合|折合|折|即|计|为)?\s*", inner):
                    prev = figs[-1]  # X公顷(Y亩): the same figure in another unit; keep the 公顷
                    if prev.unit != "公顷" and fig.unit == "公顷":
                        self.state.ignored.append(f"{prev.value}{prev.unit}（括号内另有公顷数，取公顷数）")
                        prev.value, prev.unit = fig.value, fig.unit
                    else:
                        self.state.ignored.append(f"{fig.value}{fig.unit}（括号内换算，取括号外数字）")
                    continue
                # 住宅用地13.7561公顷（其中保障性住房用地2.1公顷、…）: parts of that category
                if o not in parents:
                    parents[o] = figs[-1] if after_fig and _SUB_MARK.match(sentence[o + 1 : c]) else None
                fig.paren_parent = parents[o]
                fig.paren_sub = fig.paren_parent is not None
            figs.append(fig)
        for k, fig in enumerate(figs):
            lo = figs[k - 1].end if k else 0
            seg = sentence[lo : fig.start]
            cut = max(seg.rfind(s) for s in ",;:。、()\t ")
            fig.label = seg[cut + 1 :]
            fig.pre = seg[: cut + 1] if cut >= 0 else ""
            # "住宅用地（含保障性住房）29.3公顷": the name is before the bracket
            prev = re.sub(r"\([^()]*\)\s*$", "", fig.pre) if fig.label.strip() == "" else fig.pre
            prev = prev.rstrip(",;:。、()\t ")
            cut2 = max(prev.rfind(s) for s in ",;:。、()\t ")
            prev_segment = prev[cut2 + 1 :]
            hi = figs[k + 1].start if k + 1 < len(figs) else len(sentence)
            fig.after = sentence[fig.end : hi]
            self.classify(fig, prev_segment)
        return figs

    def _pair_respectively(self, sentence: str) -> str:
        """``住宅用地、商服用地分别为3公顷、2公顷`` → ``住宅用地3公顷,商服用地2公顷``."""
        pat = re.compile(
            rf"((?:[{_HAN}]{{2,16}}(?:\([^()]*\))?[、和及与])+[{_HAN}]{{2,16}}?)(?:的?(?:供应量|供地量|供地|面积|规模))?分别(?:为|是|安排|供应|计划供应)?:?"
            rf"((?:\s*{_NUM}\s*(?:{_UNIT})?\s*(?:[、,和及与]|(?=[;。)\s])|$))+)"
        )

        def repl(m: re.Match) -> str:
            names = [n for n in re.split(r"[、和及与]", re.sub(r"\([^()]*\)", "", m.group(1))) if n]
            names[0] = _LEAD_RE.sub("", names[0])
            nums = re.findall(_NUM + r"\s*(?:" + _UNIT + ")?", m.group(2))
            if len(names) != len(nums):
                return m.group(0)
            unit = next((u for _, u in reversed(nums) if u), "")
            tail = "," if m.group(0).rstrip().endswith((",", "、")) else ""
            return ",".join(f"{n}{v}{u or unit}" for n, (v, u) in zip(names, nums)) + tail

        return pat.sub(repl, sentence)

    def _no_supply(self, sentence: str) -> None:
        m = _NO_SUPPLY.search(sentence)
        if not m:
            return
        head = sentence[: m.start()]
        head = re.sub(r"(?:本年度|今年|年内|\d{4}年度?|计划期内|均|都|暂时|暂)+$", "", head)
        for part in re.split(r"[、,和及与]", head):
            part = _LEAD_RE.sub("", part.split(":")[-1]).strip()
            if not part:
                continue
            mm = re.match(rf"^([{_HAN}]{{1,12}}?{_TOWN_SUFFIX})$", part)
            if mm and not _NOT_TOWN.search(mm.group(1)):
                name = self.town_name(mm.group(1))
                if name not in self.state.no_supply:
                    self.state.no_supply.append(name)
            elif self.registry is not None and self.registry.resolve(part):
                name = self.registry.resolve(part)
                if name not in self.state.no_supply:
                    self.state.no_supply.append(name)

    def read_sentence(self, sentence: str, skip: bool) -> None:
        st = self.state
        if not _FIG.search(sentence):
            if not skip:
                self._no_supply(sentence)
                alone = _LEAD_RE.sub("", sentence.strip()).strip().rstrip(":").strip()
                town = self.classify_town(alone) if alone and len(alone) <= 16 else None
                if town and not _NO_SUPPLY.search(sentence):
                    self.state.town = town  # a township on a line of its own, its figures follow
            return
        years = _years(sentence)
        other_year = bool(years) and self.year is not None and self.year not in years
        prior = (_PRIOR_SENTENCE.search(sentence) and not (self.year and self.year in years)) or (
            _DONE_SENTENCE.search(sentence))
        if skip or other_year or prior:
            for m in _FIG.finditer(sentence):
                st.ignored.append(f"{m.group(0)}（上年度或其他年份的数字）")
            return
        self._no_supply(sentence)
        sentence = self._pair_respectively(sentence)
        # figures in a clause that compares with another year (比2025年度减少…) are not plan figures
        kept = []
        for clause in re.split(r"([,;:])", sentence):
            clause_years = _years(clause)
            if _COMPARE.search(clause) or (clause_years and self.year not in clause_years):
                for m in _FIG.finditer(clause):
                    st.ignored.append(f"{clause.strip()}（与其他年份比较）")
                kept.append(re.sub(_FIG, lambda mm: "#" * len(mm.group(0)), clause))
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

    def _category_first(self, figs: list[_Fig]) -> None:
        st = self.state
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

    def _total(self, f: _Fig) -> None:
        st = self.state
        if st.town is not None and st.town_totals.get(st.town) is None:
            st.add_town_total(st.town, f.value, f.unit)
            return
        if st.total is None:
            st.total = (f.value, f.unit)
            st.units[f.unit] += 1
        elif to_hectares(*st.total) != to_hectares(f.value, f.unit):
            st.ignored.append(f"{f.label}{f.value}{f.unit}（已有供应总量{st.total[0]}{st.total[1]}）")
        st.town = None

    def _township_first(self, figs: list[_Fig]) -> None:
        st = self.state
        last_cat_fig: _Fig | None = None
        for f in figs:
            if f.kind == "township":
                st.town = f.name
                st.add_town_total(f.name, f.value, f.unit)
                m = _FULL_CATEGORY.match(f.after)
                if m:
                    cat = self.classify_category(re.split(r"[,;。(]", m.group(1))[0])
                    if cat:
                        if not cat[1] and cat[0] not in self.unknown:
                            self.unknown.append(cat[0])
                        st.add_alloc(f.name, cat[0], f.value, f.unit)
                last_cat_fig = None
            elif f.kind == "category":
                header = f.town_prefix or self._town_header(f.pre)
                if header:
                    st.town = header
                if f.paren_sub and f.paren_parent is not None and f.paren_parent.kind == "category":
                    st.ignored.append(f"{f.label}{f.value}{f.unit}（{f.paren_parent.name}的其中项）")
                    continue
                if last_cat_fig is not None and _SUB_MARK.match(f.label):
                    parent = _cats.lookup(last_cat_fig.name, self.system)
                    child = _cats.lookup(f.name, self.system)
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

    def _town_header(self, pre: str) -> str | None:
        """A township named before a colon with no figure of its own: "连州镇：住宅用地…"."""
        m = re.search(r"([^,;:。、()\t ]+)\s*:\s*(?:(?:其中|包括|具体为|主要为|分别为)\s*:?\s*)?$", pre)
        return self.classify_town(m.group(1)) if m else None

    # --- tables ---------------------------------------------------------------------------
    @staticmethod
    def _cells(line: str) -> list[str]:
        stripped = line.strip()
        if stripped.startswith("|") and stripped.count("|") >= 3:  # a Markdown table
            if re.fullmatch(r"[|:\-\s]+", stripped):
                return []
            return [c.strip() for c in stripped.strip("|").split("|")]
        if "\t" in line:
            return [c.strip() for c in line.split("\t")]
        return line.split()

    @staticmethod
    def _cell_value(cell: str) -> Decimal | None:
        """The figure in a table cell ('12.5', '1,012.35', '12.5公顷'), or None for '-', '' …."""
        cell = re.sub(r"\s+", "", cell)
        cell = re.sub(r"(?:公顷|亩|平方米|hm2|ha|m2)$", "", cell)
        return _dec(cell) if _CELL_NUM.match(cell) else None

    def _header_kind(self, cells: list[str]) -> str | None:
        clean = [_HEADER_UNIT.sub("", c).strip() for c in cells]
        n_cat = sum(1 for c in clean if c and self.classify_category(c) and not _TABLE_CAT_HEAD.fullmatch(c))
        n_town = sum(1 for c in clean if c and self.classify_town(c))
        has_num = any(_CELL_NUM.match(c.replace(" ", "")) for c in clean if c)
        if has_num or len(clean) < 2:
            return None
        name_head = any(_TABLE_NAME_HEAD.search(c) for c in clean if not self.classify_category(c))
        if (n_cat >= 2 or (n_cat == 1 and name_head)) and n_cat >= n_town:
            return "wide"
        if n_town >= 2:
            return "transposed"
        if any(_TABLE_CAT_HEAD.search(c) for c in clean) and any(_TABLE_VAL_HEAD.search(c) for c in clean):
            return "long"
        return None

    def _table_unit(self, start: int, header: list[str]) -> str | None:
        for c in header:
            m = _HEADER_UNIT.search(c)
            if m:
                return unit_label(unit_key(m.group(1)))
        for line in self.lines[max(0, start - 4) : start]:
            m = _UNIT_LINE.search(line) or _HEADER_UNIT.search(line)
            if m:
                return unit_label(unit_key(m.group(1)))
        return None

    def find_tables(self) -> dict[int, int]:
        """Line ranges of tables: {first line (header): end line (exclusive)}."""
        tables: dict[int, int] = {}
        i = 0
        while i < len(self.lines):
            cells = self._cells(self.lines[i])
            kind = self._header_kind(cells) if len(cells) >= 2 and not _FIG.search(self.lines[i]) else None
            if not kind:
                i += 1
                continue
            j = i + 1
            end = j
            while j < len(self.lines):
                line = self.lines[j]
                if not line.strip():
                    j += 1
                    continue
                rc = self._cells(line)
                if not rc:  # a Markdown separator line
                    j += 1
                    continue
                if len(rc) < 2 or not any(self._cell_value(c) is not None or _EMPTY_CELL.match(c) for c in rc[1:]):
                    break
                j += 1
                end = j
            if end > i + 1:
                tables[i] = end
                i = end
            else:
                i += 1
        return tables

    def read_table(self, start: int, end: int) -> None:
        st = self.state
        header = self._cells(self.lines[start])
        kind = self._header_kind(header)
        unit = self._table_unit(start, header) or (st.units.most_common(1)[0][0] if st.units else "公顷")
        clean = [_HEADER_UNIT.sub("", c).strip() for c in header]
        rows = [r for r in (self._cells(line) for line in self.lines[start + 1 : end] if line.strip()) if r]
        if kind == "long":
            self._read_long_table(clean, rows, unit)
            return
        # the first header column that is not 序号 names the rows
        name_col = next((k for k, c in enumerate(clean) if not _TABLE_SEQ_HEAD.match(c)), 0)
        cols = clean[name_col + 1 :]
        head_line = self.lines[start].strip()
        aligned = "\t" in head_line or head_line.startswith("|")  # empty cells are kept
        for row in rows:
            if aligned and len(row) == len(header):
                name_i = name_col
            else:  # 序号 cells are integers; a 合计 row often has none
                name_i = next((k for k, c in enumerate(row) if c and not _CELL_NUM.match(c)), None)
                if name_i is None:
                    continue
            name = re.sub(r"\([^()]*\)", "", row[name_i]).strip() if name_i < len(row) else ""
            values = row[name_i + 1 :]
            if len(values) != len(cols):
                st.ignored.append(f"表格行“{' '.join(row)}”的单元格数与表头（{' '.join(header)}）不符")
                if len(values) > len(cols):
                    values = values[: len(cols)]
            is_total_row = bool(_TABLE_TOTAL.match(name))
            row_town = None if is_total_row else (self.classify_town(name) or (normalise_name(name) if kind == "wide" else None))
            row_cat = None if is_total_row else self.classify_category(name)
            for col, cell in zip(cols, values):
                value = self._cell_value(cell)
                if value is None or value == 0:
                    continue
                col_total = bool(_TABLE_TOTAL.match(col))
                if kind == "wide":
                    cat = None if col_total else self.classify_category(col)
                    if cat and not cat[1] and cat[0] not in self.unknown:
                        self.unknown.append(cat[0])
                    if is_total_row and col_total:
                        self._table_total(value, unit)
                    elif is_total_row and cat:
                        st.add_structure(cat[0], value, unit)
                    elif col_total and row_town:
                        st.add_town_total(row_town, value, unit)
                    elif cat and row_town:
                        st.add_alloc(row_town, cat[0], value, unit)
                    elif cat and row_cat is None and not row_town:
                        st.ignored.append(f"表格“{name}”行{col}{value}{unit}（行名不是乡镇）")
                else:  # transposed: rows are categories, columns townships
                    col_town = None if col_total else self.classify_town(re.sub(r"\([^()]*\)", "", col))
                    if is_total_row and col_total:
                        self._table_total(value, unit)
                    elif is_total_row and col_town:
                        st.add_town_total(col_town, value, unit)
                    elif row_cat and col_total:
                        st.add_structure(row_cat[0], value, unit)
                    elif row_cat and col_town:
                        if not row_cat[1] and row_cat[0] not in self.unknown:
                            self.unknown.append(row_cat[0])
                        st.add_alloc(col_town, row_cat[0], value, unit)

    def _table_total(self, value: Decimal, unit: str) -> None:
        st = self.state
        if st.total is None:
            st.total = (value, unit)
        elif to_hectares(*st.total) != to_hectares(value, unit):
            st.ignored.append(f"表格合计{value}{unit}（与供应总量{st.total[0]}{st.total[1]}不同）")

    def _read_long_table(self, header: list[str], rows: list[list[str]], unit: str) -> None:
        """乡镇 | 用途 | 面积 rows (a parcel list adds up by township and category)."""
        st = self.state
        cat_col = next(k for k, c in enumerate(header) if _TABLE_CAT_HEAD.search(c))
        val_col = next(k for k, c in enumerate(header) if _TABLE_VAL_HEAD.search(c) and k != cat_col)
        town_col = next((k for pat in (r"镇|乡|街道|行政区|区县|片区", _TABLE_NAME_HEAD.pattern)
                         for k, c in enumerate(header)
                         if re.search(pat, c) and k not in (cat_col, val_col)), None)
        sums: dict[tuple[str | None, str], Decimal] = {}
        last_town = None
        for row in rows:
            if row and _TABLE_TOTAL.match(row[0]) and len(row) < len(header):
                row = [row[0]] * (len(header) - len(row)) + row  # 合计 merged over the left columns
            if len(row) != len(header):
                st.ignored.append(f"表格行“{' '.join(row)}”的单元格数与表头（{' '.join(header)}）不符")
                continue
            value = self._cell_value(row[val_col])
            if value is None:
                continue
            cat_name = row[cat_col]
            town_name = row[town_col] if town_col is not None else None
            if town_col is not None and not town_name:
                town_name = last_town  # merged cells of a Word table come out empty
            last_town = town_name
            if _TABLE_TOTAL.match(cat_name) or (town_name and _TABLE_TOTAL.match(town_name)):
                if not cat_name or _TABLE_TOTAL.match(cat_name):
                    if town_name and not _TABLE_TOTAL.match(town_name):
                        st.add_town_total(self.town_name(town_name), value, unit)
                    else:
                        self._table_total(value, unit)
                else:  # 合计 | 住宅用地 | 40: a structure figure
                    total_cat = self.classify_category(cat_name)
                    if total_cat:
                        st.add_structure(total_cat[0], value, unit)
                continue
            cat = self.classify_category(cat_name)
            if cat is None:
                st.ignored.append(f"表格行“{' '.join(row)}”（用途“{cat_name}”不是用地类别）")
                continue
            if not cat[1] and cat[0] not in self.unknown:
                self.unknown.append(cat[0])
            key = (self.town_name(town_name) if town_name else None, cat[0])
            sums[key] = sums.get(key, Decimal(0)) + value
        for (town, cat), value in sums.items():
            if town is None:
                st.add_structure(cat, value, unit)
            else:
                st.add_alloc(town, cat, value, unit)

    # --- the whole text -------------------------------------------------------------------
    def parse(self) -> Plan:
        tables = self.find_tables()
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
                self.state.town = None
                self.read_table(i, tables[i])
                continue
            if i in table_lines:
                continue
            stripped = line.strip()
            if _HEADING1.match(stripped):
                flush()
                self.headings.append(stripped[:30])
                skip = bool(_PRIOR_SECTION.search(stripped)) and not (self.year and str(self.year) in stripped)
                self.state.town = None
            elif _HEADING2.match(stripped) or (_STRUCT_WORDS.search(stripped[:12]) and not _FIG.search(stripped[:12])):
                flush()
                if _HEADING2.match(stripped):
                    self.headings.append(stripped[:30])
                    if _PRIOR_SECTION.search(stripped) and not (self.year and str(self.year) in stripped):
                        skip = True
                self.state.town = None
            buffer.append(line)
            flush()
        flush()
        return self._build()

    def _build(self) -> Plan:
        st = self.state
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
            code = codes.setdefault(cat, (self.category(cat) or ("", ""))[1])
            h = ha((value, u))
            rows.append({"township": town, "category": cat, "category_code": code, "hectares": float(h),
                         "hectares_exact": h, "value": value, "unit": u})
        alloc = pd.DataFrame(rows, columns=["township", "category", "category_code", "hectares",
                                            "hectares_exact", "value", "unit"])
        alloc["hectares"] = alloc["hectares"].astype(float)
        for cat in st.structure:
            if not (self.category(cat)) and cat not in self.unknown:
                self.unknown.append(cat)
        return Plan(
            place=self.place,
            year=self.year,
            unit=unit,
            stated_total_ha=ha(st.total) if st.total else None,
            structure_ha={c: ha(v) for c, v in st.structure.items()},
            township_totals_ha={t: ha(v) for t, v in st.town_totals.items()},
            allocations=alloc,
            no_supply=tuple(t for t in st.no_supply if t not in st.town_totals
                            and t not in set(alloc["township"])),
            unknown_categories=tuple(self.unknown),
            category_system=self.system,
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
    from landgis.plantext import read_plan_text

    try:
        text, label = read_plan_text(source)
    except PlanParseError:
        raise
    except InputError as exc:
        raise PlanParseError(str(exc)) from None
    except OSError as exc:
        raise PlanParseError(f"{source}: cannot read the plan file ({exc.strerror or exc})") from None
    try:
        return _Parser(text, label).parse()
    except PlanParseError:
        raise
    except (ValueError, InvalidOperation, IndexError, KeyError, StopIteration) as exc:  # pragma: no cover
        # a layout the parser does not cover must still fail as a plan error, with where it was
        raise PlanParseError(f"{label}: could not read the plan ({type(exc).__name__}: {exc})") from None


# ----------------------------------------------------------------------------------------------
# Reconciliation
# ----------------------------------------------------------------------------------------------
_Q = tuple[Decimal, str]  # a figure as printed: value and unit


def _total(figs: list[_Q]) -> _Q:
    """Sum of figures, in their common unit when they share one (exact), else in 公顷."""
    units = {u for _, u in figs}
    if len(units) == 1:
        unit = units.pop()
        return sum((v for v, _ in figs), Decimal(0)), unit
    return sum((to_hectares(v, u) for v, u in figs), Decimal(0)), "公顷"


def _minus(a: _Q, b: _Q) -> _Q:
    if a[1] == b[1]:
        return a[0] - b[0], a[1]
    return to_hectares(*a) - to_hectares(*b), "公顷"


def _show(q: _Q) -> str:
    """A figure for a memo: 1.7817929公顷, or 42.60亩（2.84公顷）."""
    value, unit = q
    if unit == "公顷":
        return f"{format_decimal(value)}公顷"
    exp = value.as_tuple().exponent
    text = format(value, "f") if isinstance(exp, int) and exp >= -10 else format_decimal(value)
    return f"{text}{unit}（{format_decimal(to_hectares(value, unit))}公顷）"


def _ha(q: _Q | None) -> Decimal | None:
    return None if q is None else to_hectares(*q)


def reconcile(plan: Plan, townships: list[str] | None = None) -> list[Finding]:
    """Check that the plan's figures add up, and name the townships that receive nothing.

    Parameters
    ----------
    plan : Plan
    townships : list of str, optional
        Every township of the county; defaults to the shipped registry for the plan's place
        (:func:`landgis.names.registry_for_place`). Where there is none, only townships the text
        names as receiving nothing are reported.

    Returns
    -------
    list of Finding
        In this order: township_sum, county_sum, structure_sum, category_sum, unknown_category,
        unknown_township, no_supply. Every figure is exact (Decimal, hectares).
    """
    findings: list[Finding] = []
    alloc = plan.allocations
    by_town: dict[str, list[_Q]] = {}
    by_cat: dict[str, list[_Q]] = {}
    for row in alloc.itertuples():
        q = (Decimal(row.value), str(row.unit)) if "value" in alloc and pd.notna(row.value) else (
            Decimal(row.hectares_exact), "公顷")
        by_town.setdefault(row.township, []).append(q)
        by_cat.setdefault(row.category, []).append(q)
    town_totals: dict[str, _Q] = dict(plan.township_total_values) or {
        t: (v, "公顷") for t, v in plan.township_totals_ha.items()}
    structure: dict[str, _Q] = dict(plan.structure_values) or {c: (v, "公顷") for c, v in plan.structure_ha.items()}
    total: _Q | None = plan.stated_total_value or (
        (plan.stated_total_ha, "公顷") if plan.stated_total_ha is not None else None)

    def finding(kind: str, message: str, stated: _Q | None, computed: _Q | None, **kw) -> Finding:
        diff = _minus(stated, computed) if stated is not None and computed is not None else None
        return Finding(kind, message, stated_ha=_ha(stated), computed_ha=_ha(computed),
                       difference_ha=_ha(diff), **kw)

    # a township's categories vs its stated total
    for town, stated in town_totals.items():
        if town not in by_town:
            continue
        computed = _total(by_town[town])
        diff = _minus(stated, computed)
        if diff[0] != 0:
            more = "少" if diff[0] > 0 else "多"
            findings.append(finding(
                "township_sum",
                f"{town}各类用地合计{_show(computed)}，比其土地供应量{_show(stated)}{more}"
                f"{_show((abs(diff[0]), diff[1]))}。",
                stated, computed, township=town))

    # townships vs the county total
    towns = list(dict.fromkeys([*town_totals, *by_town]))
    if total is not None and towns:
        computed = _total([town_totals[t] if t in town_totals else _total(by_town[t]) for t in towns])
        diff = _minus(total, computed)
        if diff[0] > 0:
            msg = (f"各乡镇布局合计{_show(computed)}，比供应总量{_show(total)}少{_show(diff)}，未落实到乡镇。")
        else:
            msg = (f"各乡镇布局合计{_show(computed)}，比供应总量{_show(total)}多"
                   f"{_show((-diff[0], diff[1]))}，超出供应总量。")
        if diff[0] != 0:
            findings.append(finding("county_sum", msg, total, computed))

    # structure vs the county total
    if total is not None and structure:
        computed = _total(list(structure.values()))
        diff = _minus(total, computed)
        if diff[0] != 0:
            more = "少" if diff[0] > 0 else "多"
            findings.append(finding(
                "structure_sum",
                f"供应结构各类用地合计{_show(computed)}，比供应总量{_show(total)}{more}"
                f"{_show((abs(diff[0]), diff[1]))}。",
                total, computed))

    # each structure figure vs its sum over townships (when the layout breaks townships down)
    if by_cat:
        for cat in dict.fromkeys([*structure, *by_cat]):
            computed = _total(by_cat[cat]) if cat in by_cat else (Decimal(0), (structure[cat][1]))
            stated = structure.get(cat)
            if stated is None:
                if structure:
                    findings.append(finding(
                        "category_sum",
                        f"各乡镇布局中有{cat}{_show(computed)}，但供应结构未列此类用地。",
                        None, computed, category=cat))
                continue
            diff = _minus(stated, computed)
            if diff[0] > 0:
                msg = (f"{cat}供应结构为{_show(stated)}，各乡镇布局合计{_show(computed)}，"
                       f"有{_show(diff)}未落实到乡镇。")
            elif diff[0] < 0:
                msg = (f"{cat}供应结构为{_show(stated)}，各乡镇布局合计{_show(computed)}，"
                       f"超出供应结构{_show((-diff[0], diff[1]))}。")
            else:
                continue
            findings.append(finding("category_sum", msg, stated, computed, category=cat))

    for cat in plan.unknown_categories:
        system = plan.category_system or "GB/T 21010-2017、用地用海分类"
        figs = by_cat.get(cat) or ([structure[cat]] if cat in structure else [])
        amount = f"（{_show(_total(figs))}）" if figs else ""
        findings.append(Finding(
            "unknown_category",
            f"“{cat}”{amount}不在用地分类（{system}）中，已按原名保留，未赋分类代码，请核对。",
            category=cat, computed_ha=_ha(_total(figs)) if figs else None))

    # townships of the county that receive nothing
    reg = registry_for_place(plan.place)
    county = reg.county_name if reg else (plan.place or "本县（市）")
    if townships is None and reg is not None:
        townships = reg.names
    receiving = set(plan.townships)
    reported: list[str] = []
    if townships is not None:
        if reg is not None:
            unknown = [t for t in plan.townships if reg.resolve(t) is None]
        else:
            known = {normalise_name(t) for t in townships}
            unknown = [t for t in plan.townships if normalise_name(t) not in known]
        for t in unknown:
            hint = suggest(t, townships)  # candidates from this county only
            findings.append(Finding(
                "unknown_township",
                f"计划中的“{t}”不是{county}的乡镇（街道），无法落到乡镇界线上，请核对名称"
                + (f"（是否为{'、'.join(hint)}？）。" if hint else "。"),
                township=t))
        for t in townships:
            if t not in receiving and (reg is None or reg.resolve(t) not in receiving):
                reported.append(t)
    for t in plan.no_supply:
        if t not in reported and t not in receiving:
            reported.append(t)
    for t in reported:
        findings.append(Finding("no_supply", f"{t}本年度无土地供应安排。", township=t,
                                stated_ha=Decimal(0), severity="info"))
    return findings
