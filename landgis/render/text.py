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

from landgis.categories import lookup
from landgis.errors import InputError
from landgis.units import DENSITY_LABEL, UNIT_LABELS, UNIT_LABELS_EN, unit_key

__all__ = ["TEXT", "texts", "unit_word", "plan_title", "source_title", "category_title", "footer_lines", "name_of"]

#: The labels of every sheet, by language.
TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "no_supply": "无供应",
        "total": "供应总量",
        "density": "供应强度",
        "ha": "公顷",
        "mu": "亩",
        "per_km2": "/平方公里",
        "subtitle_cat": "各镇（乡）计划供应面积",
        "subtitle_density": "各镇（乡）每平方公里辖区面积的计划供应面积",
        "legend": "计划供应面积（{u}）",
        "legend_density": "供应强度（{u}/km²）",
        "plan": "{place}{year}年度土地供应计划",
        "source": "资料来源：《{title}》",
        "boundaries": "乡镇界线：{source}",
        "crs": "坐标系：CGCS2000，3度带高斯-克吕格投影（中央经线{cm}°E）",
        "made": "制图：landgis {v}",
        "locator": "{county}在{pref}的位置",
        "north": "北",
        "km": "公里",
        "count": "{n} 个",
        "summary": "全市计划供应 {v} {u}\n落到 {n} 个镇（乡）",
        "summary_density": "全市平均 {v} {u}/km²\n{n} 个镇（乡）有供应",
        "unallocated": "另有 {v} {u} 未列入乡镇布局",
        "top": "最多：{name} {v} {u}",
        "sm_title": "{title}：各类用地供应布局（同一分级）",
        "sm_names": "镇（乡）名称",
        "bars_title": "{title}：各镇（乡）分类供应面积",
        "bars_x": "计划供应面积（{u}）",
        "county_total": "合计",
    },
    "en": {
        "no_supply": "No supply",
        "total": "Total supply",
        "density": "Supply density",
        "ha": "ha",
        "mu": "mu",
        "per_km2": "/km²",
        "subtitle_cat": "Planned supply by township",
        "subtitle_density": "Planned supply per km² of township area",
        "legend": "Planned supply ({u})",
        "legend_density": "Supply density ({u}/km²)",
        "plan": "{place} {year} land supply plan",
        "source": "Source: {title}",
        "boundaries": "Township boundaries: {source}",
        "crs": "CRS: CGCS2000 / 3-degree Gauss-Krüger, central meridian {cm}°E",
        "made": "Made with landgis {v}",
        "locator": "{county} in {pref}",
        "north": "N",
        "km": "km",
        "count": "{n}",
        "summary": "County total {v} {u}\nin {n} townships",
        "summary_density": "County mean {v} {u}/km²\n{n} townships with supply",
        "unallocated": "{v} {u} not allocated to townships",
        "top": "Largest: {name} {v} {u}",
        "sm_title": "{title}: supply by category (same classes)",
        "sm_names": "Townships",
        "bars_title": "{title}: supply by township and category",
        "bars_x": "Planned supply ({u})",
        "county_total": "Total",
    },
}


def central_meridian(crs: CRS) -> str:
    for param in crs.coordinate_operation.params if crs.coordinate_operation else ():
        if "central meridian" in param.name.lower() or "longitude of natural origin" in param.name.lower():
            return f"{param.value:g}"
    return "?"


def texts(lang: str) -> dict[str, str]:
    if lang not in TEXT:
        raise InputError(f"language must be 'zh' or 'en', not {lang!r}")
    return TEXT[lang]


def texts_for(layer: gpd.GeoDataFrame, lang: str) -> dict[str, str]:
    """The sheet texts in the words of the layer's county: 全县 or 全市, 镇（乡） or 乡镇（街道） or 区（县）."""
    t = texts(lang)
    if lang != "zh":
        return t
    words = county_words((layer.attrs.get("provenance") or {}).get("county_code"))
    return {k: v.replace("全市", words["whole"]).replace("镇（乡）", words["units"]) for k, v in t.items()}


def county_words(code: str | None) -> dict[str, str]:
    """``whole`` (全县, 全市, 全区, 全旗 …) and ``units`` (镇（乡）, 乡镇（街道）, 区（县）) of a county by its code."""
    from landgis.county import find_county
    from landgis.errors import LandgisError

    try:
        county = find_county(str(code or ""))
    except LandgisError:
        return {"whole": "全县（市）", "units": "乡镇（街道）"}
    return {"whole": county.whole_word, "units": county.units_word}


def unit_word(unit: str, lang: str) -> str:
    """The unit's name as the sheets print it: 公顷/亩/平方米, or ha/mu/m²."""
    texts(lang)
    return (UNIT_LABELS_EN if lang == "en" else UNIT_LABELS)[unit_key(unit)]


def density_word(lang: str) -> str:
    """公顷/平方公里 (or ha/km²): densities are written the same way everywhere."""
    return DENSITY_LABEL[lang]


def plan_title(layer: gpd.GeoDataFrame, lang: str) -> str:
    plan = layer.attrs.get("plan")
    place = layer.attrs.get("place") or getattr(plan, "place", None) or ""
    year = layer.attrs.get("year") or getattr(plan, "year", None) or ""
    if lang == "en":
        prov = layer.attrs.get("provenance") or {}
        place = county_en(prov.get("county_code")) or place
    return texts(lang)["plan"].format(place=place, year=year).strip()


def county_en(code: str | None) -> str | None:
    if not code:
        return None
    from landgis.county import find_county
    from landgis.errors import LandgisError

    try:
        return find_county(str(code)).name_en
    except LandgisError:
        return None


def prefecture_name(code: str | None, lang: str) -> str:
    """The name of the prefecture of the county with this code ("" when unknown)."""
    from landgis.county import find_county
    from landgis.errors import LandgisError

    try:
        county = find_county(str(code or ""))
    except LandgisError:
        return ""
    return county.prefecture if lang == "zh" else county_en(county.prefecture_code + "00") or county.prefecture


def source_title(layer: gpd.GeoDataFrame, lang: str) -> str:
    """The plan's own title (its first line when it names a plan), else place + year."""
    plan = layer.attrs.get("plan")
    text = getattr(plan, "text", "") or ""
    first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    if lang == "zh" and "计划" in first and len(first) <= 40:
        return first
    return plan_title(layer, lang)


def category_title(column: str, lang: str) -> str:
    t = texts(lang)
    if column in ("total", "density"):
        return t[column]
    cat = lookup(column)
    if lang == "en" and cat is not None:
        return cat.name_en
    return column


def clause(text: str, limit: int) -> str:
    """First clause of a provenance string, cut to ``limit`` characters."""
    first = re.split(r"[;；]\s*", str(text).strip(), maxsplit=1)[0]
    return first if len(first) <= limit else first[: limit - 1] + "…"


def footer_lines(layer: gpd.GeoDataFrame, crs: CRS, lang: str) -> list[str]:
    """Source, boundary note and attribution, and the map's CRS — the small print of every sheet."""
    from landgis import __version__

    t = texts(lang)
    zh = lang == "zh"
    prov = layer.attrs.get("provenance") or {}
    lines = [t["source"].format(title=source_title(layer, lang))]
    footnote = prov.get("footnote" if zh else "footnote_en") or prov.get("footnote")
    if footnote:
        note = str(footnote).rstrip("。.")
        if not note.startswith(("乡镇界线", "Township boundaries")):
            note = ("乡镇界线：" if zh else "Township boundaries: ") + note
        lines[0] += ("。" if zh else ". ") + note
    # Attribution of the boundary data (CC BY requires it): where it comes from and its licence.
    src = prov.get("source")
    if src and os.sep in str(src) and not re.search(r"\s", str(src)):  # a file path: its name is enough
        src = Path(str(src)).name
    licence = prov.get("licence")
    if src or licence:
        line = ("界线数据：" if zh else "Boundary data: ") + clause(str(src or ""), 80)
        if licence:
            line += (f"（许可：{clause(str(licence), 150)}）" if zh else f" (licence: {clause(str(licence), 150)})")
        lines.append(line)
    lines.append(t["crs"].format(cm=central_meridian(crs)) + ("。" if zh else ". ") + t["made"].format(v=__version__))
    return lines


def name_of(row, lang: str) -> str:
    if lang == "en" and isinstance(row.get("name_en"), str) and row.get("name_en"):
        return str(row["name_en"])
    return str(row["name"])


def version() -> str:
    from landgis import __version__

    return __version__


