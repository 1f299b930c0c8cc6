"""Land-use categories: codes, canonical names, aliases and standard planning colours.

Two classification systems are in use in land supply plans:

* GB/T 21010-2017 《土地利用现状分类》 (older plans: 商服用地, 工矿仓储用地, 住宅用地 …);
* 《国土空间调查、规划、用途管制用地用海分类指南》 (自然资源部, 2023; newer plans: 居住用地,
  商业服务业用地, 工矿用地, 仓储用地 …).

Both are kept as distinct categories (a plan is mapped in its own system); every alias a plan may
write resolves to one canonical category per system (:func:`lookup` takes the plan's system to
choose where a name exists in both). The first-level classes come first in :data:`CATEGORIES`,
second-level classes (城镇住宅用地, 工业用地, 教育用地 …) after them, so that a bare :func:`lookup`
of a name keeps resolving as it always did.

Colours are the RGB values of 附录 B 「用地用海分类配色指引表」 of 《市级国土空间总体规划制图规范
（试行）》 (自然资源部办公厅, 2021), the table planning institutes load as their GIS symbol library
(checked against a public transcription of that appendix, 39 classes): 城镇住宅 255,255,45 ·
农村宅基地 255,211,128 · 机关团体 255,0,255 · 文化 255,127,0 · 教育 255,133,201 · 科研 230,0,92 ·
体育 0,165,124 · 医疗卫生 255,127,126 · 社会福利 255,159,127 · 商业服务业 255,0,0 · 工业 187,150,116 ·
采矿 158,108,84 · 仓储 135,97,211 · 储备库 153,153,255 · 交通运输 183,183,183 · 公路 173,173,173 ·
城镇道路 163,163,163 · 公用设施 0,99,128 · 公园绿地 0,255,0 · 防护绿地 20,141,74 · 广场 172,255,207 ·
特殊 133,145,86 · 留白 255,255,255 · 陆地水域 51,142,192. A first-level class takes the colour of its
main second-level class (居住 ← 城镇住宅, 公共管理与公共服务 ← 机关团体, 工矿 ← 工业, 绿地与开敞空间 ←
公园绿地); classes the table does not list (城镇社区服务设施, 交通场站 …) take their parent's. The GB/T 21010
classes, which have no planning colour of their own, borrow the colour of their nearest 用地用海 class.
"""

from __future__ import annotations

import colorsys
import difflib
import re
import unicodedata
from dataclasses import dataclass, field

__all__ = [
    "Category",
    "CATEGORIES",
    "CONSTRAINT_STYLES",
    "NEUTRAL",
    "NO_SUPPLY_FACE",
    "NO_SUPPLY_HATCH",
    "lookup",
    "category_name",
    "find_category",
    "normalise_category_text",
    "colour_for",
    "ramp",
]

#: Fills of the maps that are not a category: slate for totals, plum grey for densities.
NEUTRAL: dict[str, str] = {"total": "#34495e", "density": "#5b4a6b"}
#: How constraint layers (三区三线) are drawn on the parcel maps, print and web: (colour, dash pattern or None,
#: fill opacity); other layers take the last.
CONSTRAINT_STYLES = {"永久基本农田": ("#c9a400", None, 0.35), "生态保护红线": ("#1b7837", None, 0.3),
                     "城镇开发边界": ("#762a83", "6 4", 0.0), None: ("#0571b0", "2 3", 0.15)}
#: 无供应 is light grey, hatched in :data:`NO_SUPPLY_HATCH`, on every map.
NO_SUPPLY_FACE = "#efefef"
NO_SUPPLY_HATCH = "#a0a0a0"


@dataclass(frozen=True)
class Category:
    """One land-use category.

    Attributes
    ----------
    code : str
        Class code in its system ("07", "0809", "1001" …).
    name : str
        Canonical Chinese name as the standard writes it.
    system : str
        ``"GB/T 21010-2017"`` or ``"用地用海分类"``.
    colour : str
        Standard planning colour as ``#RRGGBB``.
    name_en : str
        English name, for ``--lang en`` outputs.
    aliases : tuple of str
        Other ways plans write the same class.
    """

    code: str
    name: str
    system: str
    colour: str
    name_en: str
    aliases: tuple[str, ...] = field(default=())

    @property
    def short(self) -> str:
        """Name without the trailing 用地, for tight labels (住宅, 工矿仓储 …)."""
        return self.name[:-2] if self.name.endswith("用地") and len(self.name) > 3 else self.name


GB = "GB/T 21010-2017"
GUIDE = "用地用海分类"

CATEGORIES: tuple[Category, ...] = (
    # GB/T 21010-2017 (the seed plan's system)
    Category("05", "商服用地", GB, "#FF0000", "Commercial and business services",
             ("商业服务用地", "商业用地", "商服", "商服类用地", "商业服务业用地(商服)")),
    Category("06", "工矿仓储用地", GB, "#BB9674", "Industrial, mining and storage",
             ("工业仓储用地", "工矿用地仓储用地", "工矿仓储", "工矿仓储类用地", "工业及仓储用地", "工矿及仓储用地",
              "工矿仓储及工业用地", "工业和仓储用地")),
    Category("07", "住宅用地", GB, "#FFFF2D", "Residential",
             ("住房用地", "住宅", "住宅类用地", "宅地", "住宅类")),
    Category("08", "公共管理与公共服务用地", GB, "#FF00FF", "Public administration and services",
             ("公共管理和公共服务用地", "公共服务用地", "公服用地", "公共管理与公共服务设施用地", "公共管理与服务用地",
              "公共管理和服务用地")),
    Category("0809", "公用设施用地", GB, "#006380", "Public utilities",
             ("市政公用设施用地", "公用设施")),
    Category("0810", "公园与绿地", GB, "#00FF00", "Parks and green space",
             ("公园与绿地用地", "公园绿地", "公园和绿地", "公园及绿地", "绿地", "绿化用地")),
    Category("09", "特殊用地", GB, "#859156", "Special use", ()),
    Category("10", "交通运输用地", GB, "#B7B7B7", "Transport",
             ("交通用地", "道路与交通设施用地", "交通运输")),
    Category("11", "水域及水利设施用地", GB, "#338EC0", "Water and water-conservancy facilities",
             ("水域和水利设施用地", "水利设施用地")),
    # 用地用海分类 guide (2023)
    Category("07", "居住用地", GUIDE, "#FFFF2D", "Residential", ()),
    Category("08", "公共管理与公共服务用地", GUIDE, "#FF00FF", "Public administration and services", ()),
    Category("09", "商业服务业用地", GUIDE, "#FF0000", "Commercial and business services",
             ("商业服务设施用地", "商业服务业设施用地")),
    Category("10", "工矿用地", GUIDE, "#BB9674", "Industrial and mining", ()),
    Category("1001", "工业用地", GUIDE, "#BB9674", "Industrial", ()),
    Category("11", "仓储用地", GUIDE, "#8761D3", "Storage and logistics",
             ("物流仓储用地",)),
    Category("12", "交通运输用地", GUIDE, "#B7B7B7", "Transport", ()),
    Category("13", "公用设施用地", GUIDE, "#006380", "Public utilities", ()),
    Category("14", "绿地与开敞空间用地", GUIDE, "#00FF00", "Green and open space",
             ("绿地与广场用地", "绿地和开敞空间用地")),
    Category("15", "特殊用地", GUIDE, "#859156", "Special use", ()),
    Category("16", "留白用地", GUIDE, "#FFFFFF", "Reserved", ()),
    Category("17", "陆地水域", GUIDE, "#338EC0", "Inland water", ("水域",)),
    # --- second-level classes, after the first level so that bare lookups keep their old answer ---
    # GB/T 21010-2017
    Category("0505", "商务金融用地", GB, "#FF0000", "Business and finance", ()),
    Category("0601", "工业用地", GB, "#BB9674", "Industrial", ()),
    Category("0602", "采矿用地", GB, "#9E6C54", "Mining", ()),
    Category("0604", "仓储用地", GB, "#8761D3", "Storage", ()),
    Category("0701", "城镇住宅用地", GB, "#FFFF2D", "Urban residential", ()),
    Category("0702", "农村宅基地", GB, "#FFD380", "Rural homesteads", ()),
    Category("0801", "机关团体用地", GB, "#FF00FF", "Government and organisations", ()),
    Category("0803", "教育用地", GB, "#FF85C9", "Education", ()),
    Category("0804", "科研用地", GB, "#E6005C", "Research", ()),
    Category("0805", "医疗卫生用地", GB, "#FF7F7E", "Health care", ()),
    Category("0806", "社会福利用地", GB, "#FF9F7F", "Social welfare", ()),
    Category("0807", "文化设施用地", GB, "#FF7F00", "Culture", ()),
    Category("0808", "体育用地", GB, "#00A57C", "Sports", ()),
    Category("1003", "公路用地", GB, "#ADADAD", "Highways", ()),
    Category("1004", "城镇村道路用地", GB, "#A3A3A3", "Urban and village roads", ()),
    Category("1005", "交通服务场站用地", GB, "#B7B7B7", "Transport stations", ()),
    # 用地用海分类
    Category("0701", "城镇住宅用地", GUIDE, "#FFFF2D", "Urban residential", ()),
    Category("0702", "城镇社区服务设施用地", GUIDE, "#FFFF2D", "Urban community services", ()),
    Category("0703", "农村宅基地", GUIDE, "#FFD380", "Rural homesteads", ()),
    Category("0704", "农村社区服务设施用地", GUIDE, "#FFD380", "Rural community services", ()),
    Category("0801", "机关团体用地", GUIDE, "#FF00FF", "Government and organisations", ()),
    Category("0802", "科研用地", GUIDE, "#E6005C", "Research", ()),
    Category("0803", "文化用地", GUIDE, "#FF7F00", "Culture", ("文化设施用地",)),
    Category("0804", "教育用地", GUIDE, "#FF85C9", "Education", ()),
    Category("0805", "体育用地", GUIDE, "#00A57C", "Sports", ()),
    Category("0806", "医疗卫生用地", GUIDE, "#FF7F7E", "Health care", ()),
    Category("0807", "社会福利用地", GUIDE, "#FF9F7F", "Social welfare", ()),
    Category("0901", "商业用地", GUIDE, "#FF0000", "Commercial", ()),
    Category("0902", "商务金融用地", GUIDE, "#FF0000", "Business and finance", ()),
    Category("0903", "娱乐康体用地", GUIDE, "#FF0000", "Entertainment and recreation", ()),
    Category("0904", "其他商业服务业用地", GUIDE, "#FF0000", "Other commercial services", ()),
    Category("1002", "采矿用地", GUIDE, "#9E6C54", "Mining", ()),
    Category("1102", "储备库用地", GUIDE, "#9999FF", "Reserve depots", ()),
    Category("1201", "铁路用地", GUIDE, "#B7B7B7", "Railways", ()),
    Category("1202", "公路用地", GUIDE, "#ADADAD", "Highways", ()),
    Category("1207", "城镇道路用地", GUIDE, "#A3A3A3", "Urban roads", ()),
    Category("1208", "交通场站用地", GUIDE, "#B7B7B7", "Transport stations", ()),
    Category("1402", "防护绿地", GUIDE, "#148D4A", "Protective green space", ()),
    Category("1403", "广场用地", GUIDE, "#ACFFCF", "Squares", ()),
)

_FULLWIDTH_SPACE = re.compile(r"\s+")


def normalise_category_text(text: str) -> str:
    """Fold full-width forms and drop white space, so that aliases compare equal."""
    return _FULLWIDTH_SPACE.sub("", unicodedata.normalize("NFKC", text))


def _index() -> dict[str, list[Category]]:
    idx: dict[str, list[Category]] = {}
    for cat in CATEGORIES:
        for key in (cat.name, *cat.aliases):
            idx.setdefault(normalise_category_text(key), []).append(cat)
    return idx


_INDEX = _index()


def lookup(name: str, system: str | None = None) -> Category | None:
    """Canonical category for a name or alias, or ``None`` when it is unknown.

    Parameters
    ----------
    name : str
        A category name as written in a plan or a parcel table (住宅用地, 商业用地 …).
    system : str, optional
        Prefer this classification system where a name exists in both (交通运输用地,
        公用设施用地, 公共管理与公共服务用地 and 特殊用地 do).

    Returns
    -------
    Category or None
    """
    hits = _INDEX.get(normalise_category_text(name))
    if not hits:
        return None
    if system is not None:
        for cat in hits:
            if cat.system == system:
                return cat
    return hits[0]


def category_name(name: str, lang: str) -> str:
    """A category as an output in ``lang`` names it: its English name in ``en`` when landgis knows the
    category, else as the plan or the parcel table wrote it.

    Examples
    --------
    >>> category_name("住宅用地", "en"), category_name("住宅用地", "zh"), category_name("旅游综合用地", "en")
    ('Residential', '住宅用地', '旅游综合用地')
    """
    if lang == "en":
        cat = lookup(name)
        if cat is not None and cat.name_en:
            return cat.name_en
    return name


def find_category(name: str, system: str | None = None) -> Category:
    """Like :func:`lookup`, but raise ``KeyError`` naming the closest known categories."""
    cat = lookup(name, system)
    if cat is not None:
        return cat

    close = difflib.get_close_matches(normalise_category_text(name), list(_INDEX), n=3, cutoff=0.3)
    hint = f"; did you mean {'、'.join(close)}?" if close else ""
    raise KeyError(f"unknown land-use category {name!r}{hint}")


def category_names() -> list[str]:
    """Every name and alias the registry knows, longest first (for scanning text)."""
    return sorted(_INDEX, key=len, reverse=True)


def colour_for(column: str) -> str:
    """The colour a map of ``column`` is drawn in: the category's standard colour, or a neutral one.

    Examples
    --------
    >>> colour_for("工矿仓储用地")
    '#BB9674'
    >>> colour_for("total")
    '#34495e'
    """
    if column in NEUTRAL:
        return NEUTRAL[column]
    cat = lookup(column)
    return cat.colour if cat is not None and cat.colour.upper() != "#FFFFFF" else NEUTRAL["total"]


def _rgb(colour: str) -> tuple[float, float, float]:
    h = colour.lstrip("#")
    return tuple(int(h[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def _hex(rgb) -> str:
    return "#" + "".join(f"{round(min(1.0, max(0.0, float(c))) * 255):02x}" for c in rgb)


def _interpolate(stops: list[tuple[float, tuple[float, float, float]]], x: float) -> tuple[float, ...]:
    """Colour at ``x`` on a piecewise-linear ramp, sampled on 256 levels as matplotlib's colormaps are."""
    x = min(255, int(x * 256)) / 255
    for (x0, c0), (x1, c1) in zip(stops, stops[1:]):
        if x <= x1:
            f = 0.0 if x1 == x0 else (x - x0) / (x1 - x0)
            return tuple(a + (b - a) * f for a, b in zip(c0, c1))
    return stops[-1][1]


def ramp(colour: str, k: int) -> list[str]:
    """``k`` fills from a light tint of ``colour`` to a shade dark enough to tell the classes apart.

    The standard colour sits in the upper part of the ramp. Light colours continue to a darker
    shade of the same hue; yellow (住宅/居住) turns to orange, as in ColorBrewer's YlOrRd, and never
    reaches the brown of 工矿.

    Examples
    --------
    >>> ramp("#FFFF2D", 3)
    ['#ffffc2', '#ffff39', '#ff9100']
    """

    rgb = _rgb(colour)
    tint = tuple(0.88 + c * 0.12 for c in rgb)
    lum = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
    if lum > 0.45:
        h, _, s = colorsys.rgb_to_hls(*rgb)
        if 0.10 < h < 0.20:  # yellow: on to a full orange, never darker (brown is 工矿's)
            shade = colorsys.hls_to_rgb(0.095, 0.5, 1.0)
        else:
            shade = colorsys.hls_to_rgb(h, 0.30, min(1.0, s * 0.9))
        stops = [(0.0, tint), (0.6, rgb), (1.0, shade)]
    else:
        stops = [(0.0, tint), (1.0, rgb)]
    if k == 1:
        return [_hex(_interpolate(stops, 0.75))]
    return [_hex(_interpolate(stops, 0.12 + (1.0 - 0.12) * i / (k - 1))) for i in range(k)]
