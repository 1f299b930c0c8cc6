"""Land-use categories: codes, canonical names, aliases and standard planning colours.

Two classification systems are in use in land supply plans:

* GB/T 21010-2017 《土地利用现状分类》 (older plans: 商服用地, 工矿仓储用地, 住宅用地 …);
* 《国土空间调查、规划、用途管制用地用海分类指南》 (newer plans: 商业服务业用地, 工矿用地, 仓储用地 …).

Both are kept as distinct categories (a plan is mapped in its own system); every alias a plan may
write resolves to exactly one canonical category. Colours follow the planning-map convention of the
用地用海分类 guide (居住 yellow, 商业 red, 工业 brown, 仓储 purple, 公用设施 teal, 绿地 green …);
the GB/T 21010 classes borrow the colour of their nearest 用地用海 class.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

__all__ = ["Category", "CATEGORIES", "lookup", "find_category", "normalise_category_text"]


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
             ("商业服务用地", "商业用地", "商服")),
    Category("06", "工矿仓储用地", GB, "#BB9674", "Industrial, mining and storage",
             ("工业仓储用地", "工矿用地仓储用地", "工矿仓储")),
    Category("07", "住宅用地", GB, "#FFFF2D", "Residential",
             ("住房用地", "住宅")),
    Category("08", "公共管理与公共服务用地", GB, "#FF00FF", "Public administration and services",
             ("公共管理和公共服务用地", "公共服务用地", "公服用地", "公共管理与公共服务设施用地")),
    Category("0809", "公用设施用地", GB, "#006380", "Public utilities",
             ("市政公用设施用地", "公用设施")),
    Category("0810", "公园与绿地", GB, "#00FF00", "Parks and green space",
             ("公园与绿地用地", "公园绿地", "公园和绿地")),
    Category("09", "特殊用地", GB, "#85915C", "Special use", ()),
    Category("10", "交通运输用地", GB, "#A3A3A3", "Transport",
             ("交通用地", "道路与交通设施用地", "交通运输")),
    Category("11", "水域及水利设施用地", GB, "#4DBEEE", "Water and water-conservancy facilities",
             ("水域和水利设施用地", "水利设施用地")),
    # 用地用海分类 guide (2023)
    Category("07", "居住用地", GUIDE, "#FFFF2D", "Residential", ()),
    Category("08", "公共管理与公共服务用地", GUIDE, "#FF00FF", "Public administration and services", ()),
    Category("09", "商业服务业用地", GUIDE, "#FF0000", "Commercial and business services",
             ("商业服务设施用地",)),
    Category("10", "工矿用地", GUIDE, "#BB9674", "Industrial and mining", ()),
    Category("1001", "工业用地", GUIDE, "#BB9674", "Industrial", ()),
    Category("11", "仓储用地", GUIDE, "#8761D3", "Storage and logistics",
             ("物流仓储用地",)),
    Category("12", "交通运输用地", GUIDE, "#A3A3A3", "Transport", ()),
    Category("13", "公用设施用地", GUIDE, "#006380", "Public utilities", ()),
    Category("14", "绿地与开敞空间用地", GUIDE, "#00FF00", "Green and open space",
             ("绿地与广场用地", "绿地和开敞空间用地")),
    Category("15", "特殊用地", GUIDE, "#85915C", "Special use", ()),
    Category("16", "留白用地", GUIDE, "#FFFFFF", "Reserved", ()),
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


def find_category(name: str, system: str | None = None) -> Category:
    """Like :func:`lookup`, but raise ``KeyError`` naming the closest known categories."""
    cat = lookup(name, system)
    if cat is not None:
        return cat
    import difflib

    close = difflib.get_close_matches(normalise_category_text(name), list(_INDEX), n=3, cutoff=0.3)
    hint = f"; did you mean {'、'.join(close)}?" if close else ""
    raise KeyError(f"unknown land-use category {name!r}{hint}")


def category_names() -> list[str]:
    """Every name and alias the registry knows, longest first (for scanning text)."""
    return sorted(_INDEX, key=len, reverse=True)
