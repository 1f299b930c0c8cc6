"""The interactive map: a folium/Leaflet page that works offline and embeds in a report.

Three steps, one function each::

    m = web_map(layer)                      # folium.Map: one choropleth per category, the total, the density
    html = self_contained_html(m)           # one file: Leaflet, styles and a CJK webfont inlined
    write_html(html, "lianzhou_2026.html")  # atomic write; returns the size in bytes

:func:`fragment_html` gives the same map as a ``<div>`` with its scripts, to paste into another page
(several per page are fine); the page makers live in :mod:`landgis.render.webpage`.

:func:`web_map` is a short pipeline: check the options, take the run's figures, simplify the townships,
take each layer's classes from the run (:func:`landgis.render.classes.run_classes`), format each
township as a GeoJSON feature and the map as a spec, then hand both to one branca element
(:class:`landgis.render.webmap_layers.TownshipLayers`), whose script and styles are in ``templates/``.
Every user string (township and category names, the footnote) travels
to the browser as JSON through the Jinja ``tojson`` filter and is put into the page with
``textContent``, never as HTML; the rendered script is handed to folium as literal text
(:mod:`landgis.render.literal_elements`), so it is never compiled as a template.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any, Literal

import folium
import geopandas as gpd
import pandas as pd
import shapely

from landgis.catalog import LANGS, message, table, text
from landgis import units
from landgis.categories import category_name
from landgis.county import County, resolve_county
from landgis.crs import transform_geometry, wgs84_to_gcj02
from landgis.errors import InputError
from landgis.figures import Figures, layer_figures
from landgis.render.classes import NO_SUPPLY_FACE, NO_SUPPLY_HATCH, Classification, run_classes
from landgis.render.simplify import simplify_for_drawing
from landgis.render.text import (attribution, boundary_note, county_words, density_word, place_name, source_title,
                                  unit_word)
from landgis.render.webmap_layers import TownshipLayers
from landgis.render.webpage import (  # the page makers, re-exported: the map's own API
    fragment_html,
    iframe_html,
    leaflet_assets,
    self_contained_html,
    strip_cdn,
    walk,
    write_html,
)

__all__ = [
    "web_map",
    "self_contained_html",
    "fragment_html",
    "iframe_html",
    "write_html",
    "simplify_coverage",
    "leaflet_assets",
]

NO_SUPPLY_COLOUR = NO_SUPPLY_FACE

#: Tile services for ``basemap=``. 天地图 is CGCS2000 (≈ WGS-84, no shift); 高德 is GCJ-02.
BASEMAPS: dict[str, dict[str, Any]] = {
    "osm": {
        "tiles": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "attr": "© OpenStreetMap contributors",
        "gcj02": False,
    },
    "tianditu": {
        "tiles": ("https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
                  "&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}"
                  "&TILECOL={x}&tk={key}"),
        "labels": ("https://t{s}.tianditu.gov.cn/cva_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
                   "&LAYER=cva&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}"
                   "&TILECOL={x}&tk={key}"),
        "attr": "© 天地图 国家地理信息公共服务平台",
        "subdomains": "01234567",
        "gcj02": False,
    },
    "amap": {
        "tiles": "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
        "attr": "© 高德地图 AutoNavi",
        "subdomains": "1234",
        "gcj02": True,
    },
}

_STRINGS = {lang: table("web", lang) for lang in LANGS}


# --- geometry -----------------------------------------------------------------------------------
def simplify_coverage(geometry: gpd.GeoSeries, tolerance_m: float = 30.0, decimals: int = 5) -> gpd.GeoSeries:
    """Simplify a polygon coverage so that neighbours keep one shared border.

    Parameters
    ----------
    geometry : geopandas.GeoSeries
        Township polygons (any CRS; returned in EPSG:4326).
    tolerance_m : float
        Simplification tolerance in metres (:func:`shapely.coverage_simplify`, on a UTM projection).
    decimals : int
        Decimal places kept in the output longitude/latitude (5 ≈ 1 m).

    Returns
    -------
    geopandas.GeoSeries
        In EPSG:4326, same index; shared vertices stay identical, so no gaps or overlaps appear.

    Raises
    ------
    InputError
        When the series has no CRS or an empty geometry.
    """
    if geometry.crs is None:
        raise InputError(message("the township layer has no CRS: cannot simplify it in metres"))
    empty = geometry.is_empty | geometry.isna()
    if empty.any():
        raise InputError(message("township feature(s) {index} have no geometry", index=list(geometry.index[empty])))

    # Overlaps or borders that do not match: feature by feature, no border moving more than the tolerance.
    out = simplify_for_drawing(geometry, geometry.estimate_utm_crs(), tolerance_m).to_crs(4326)
    # Rounding the same vertex gives the same result on both sides of a border.
    rounded = shapely.set_precision(out.to_numpy(), 10.0 ** -decimals)
    return gpd.GeoSeries(rounded, index=geometry.index, crs=4326)


def web_tolerance(layer: gpd.GeoDataFrame, *, pixels: int = 1000) -> float:
    """Half a screen pixel in metres when the county fills ``pixels`` across: the web map's simplification.

    Drawing a border more finely than that adds bytes and no detail; zooming in past the fitted view
    shows borders to this tolerance (a 70 km county: about 35 m).
    """
    frame = layer.geometry.envelope  # a few vertices per feature, whatever the layer's density
    x0, y0, x1, y1 = frame.to_crs(frame.estimate_utm_crs()).total_bounds
    return max(x1 - x0, y1 - y0) / pixels / 2


# --- the map ------------------------------------------------------------------------------------
_TownshipLayers = TownshipLayers  # the name the tests and older callers know


@dataclass(frozen=True)
class _Column:
    """One switchable layer of the map: a category, the total or the density, and its classes from the figures."""

    key: str  # the layer's key in the page: c0, c1 … for categories, then total and density
    column: str  # the layer's column
    label: str
    suffix: str  # its unit words
    classes: Classification


def web_map(
    layer: gpd.GeoDataFrame,
    *,
    basemap: Literal["osm", "tianditu", "amap"] | None = None,
    tianditu_key: str | None = None,
    unit: Literal["ha", "mu", "m2"] = "ha",
    lang: Literal["zh", "en"] = "zh",
    scheme: str = "natural_breaks",
    k: int | None = None,
    tolerance_m: float | None = None,
    county: County | str | None = None,
    figures: Figures | None = None,
) -> folium.Map:
    """An interactive choropleth map of a joined allocation layer.

    One base layer (radio button) per category, for the total and for the density; the legend
    follows the layer shown. Hovering a township shows its name and value, clicking it its full
    breakdown (every category, total, density, share). Classes and colours are the run's
    (:func:`landgis.render.classes.run_classes`), those of the printed maps; townships with no supply
    are hatched grey and listed as 无供应. The map only formats: it adds up and classes nothing.

    Parameters
    ----------
    layer : geopandas.GeoDataFrame
        The output of :func:`landgis.allocation.join`.
    basemap : {None, "osm", "tianditu", "amap"}
        Tile basemap; ``None`` (default) draws none, so the map works offline. With ``"amap"``
        (高德, GCJ-02) the townships are shifted to GCJ-02 so that they sit on the tiles.
    tianditu_key : str, optional
        The user's 天地图 key (required for ``basemap="tianditu"``). It is written into the page:
        whoever receives the file can read it.
    unit : {"ha", "mu", "m2"}
        Unit of the values shown (公顷, 亩 or 平方米), by the display rule of :mod:`landgis.units`;
        densities are always 公顷/平方公里.
    lang : {"zh", "en"}
        Language of the labels.
    scheme, k : str, int, optional
        Classification, as for the printed maps (:func:`landgis.render.classes.classify`):
        ``"natural_breaks"`` (Fisher-Jenks, default), ``"quantiles"`` or ``"equal_interval"``.
    tolerance_m : float, optional
        Topological simplification tolerance in metres (:func:`simplify_coverage`); by default half
        a screen pixel of the fitted view (:func:`web_tolerance`). The analysis keeps the full geometry.
    county : landgis.county.County or str
        The county of the map (required): its words (占全县比例), names and title.
    figures : landgis.figures.Figures, optional
        The run's figures (in ``unit`` and ``lang``); computed from ``layer`` when not given.

    Returns
    -------
    folium.Map
        Pass it to :func:`self_contained_html` or :func:`fragment_html`.

    Raises
    ------
    InputError
        When the layer lacks the join's columns or an option is invalid.
    """
    unit = units.display_unit(unit)
    county = resolve_county(county, what="web_map")
    _check_options(layer, lang, basemap, tianditu_key)
    figs = _run_figures(layer, county, unit, lang, figures)
    words = _words(lang, county)
    geometry = _drawn_geometry(layer, tolerance_m, basemap)
    columns = _columns(layer, figs, words, scheme, k)
    features = [_feature(rec, geometry.loc[idx], columns, figs, words) for idx, rec in layer.iterrows()]
    spec = _spec(layer, geometry, columns, figs, words, basemap)
    m = _base_map(geometry, basemap, tianditu_key)
    TownshipLayers({"type": "FeatureCollection", "features": features}, spec).add_to(m)
    m.landgis_text = "".join([spec["title"], *spec["footnotes"], *spec["county"], *(str(n) for n in layer["name"]),
                              *(ls["legend_title"] for ls in spec["layers"]), *words.values()])
    _stable_ids(m, json.dumps([spec, features, basemap, tianditu_key], sort_keys=True, default=str))
    return m


def _check_options(layer: gpd.GeoDataFrame, lang: str, basemap: str | None, tianditu_key: str | None) -> None:
    """Raise :class:`InputError` for an unknown language or basemap, a bad 天地图 key or a layer not from the join."""
    if lang not in _STRINGS:
        raise InputError(message("lang must be one of {items}, not {lang!r}", items=', '.join(_STRINGS), lang=lang))
    if basemap not in (None, *BASEMAPS):
        raise InputError(message("basemap must be none, {items}; not {basemap!r}", items=', '.join(BASEMAPS), basemap=basemap))
    if basemap == "tianditu" and not tianditu_key:
        raise InputError(message("the 天地图 basemap needs your key: --tianditu-key KEY (apply at "
                                 "console.tianditu.gov.cn)"))
    if tianditu_key is not None and not re.fullmatch(r"[0-9A-Za-z]+", tianditu_key):
        raise InputError(message("a 天地图 key is letters and digits only, got {tianditu_key!r}", tianditu_key=tianditu_key))
    categories = list(layer.attrs.get("categories") or [])
    missing = [c for c in ["name", "total", "density", "share", *categories] if c not in layer.columns]
    if missing:
        raise InputError(message("the layer lacks column(s) {items}: pass the output of landgis.allocation.join", items=', '.join(missing)))
    if len(layer) == 0:
        raise InputError(message("the layer has no townships"))


def _run_figures(layer: gpd.GeoDataFrame, county: County, unit: str, lang: str,
                 figures: Figures | None) -> Figures:
    """The run's figures, or the layer's own when none are handed on; they must be in the map's unit and language."""
    figs = layer_figures(layer, county, unit, lang, figures)
    if (units.display_unit(figs.unit), figs.lang) != (unit, lang):
        raise InputError(message("the figures are in {figs_unit}/{figs_lang}, the map in {unit}/{lang}: compute them "
                                 "with the map's unit and language", figs_unit=figs.unit, figs_lang=figs.lang,
                                 unit=unit, lang=lang))
    return figs


def _words(lang: str, county: County) -> dict[str, str]:
    """The map's words in ``lang``; 占全县比例 for a 县 (the county's level words from the catalogue)."""
    return table("web", lang, level=county_words(county, lang))


def _drawn_geometry(layer: gpd.GeoDataFrame, tolerance_m: float | None, basemap: str | None) -> gpd.GeoSeries:
    """The townships as drawn: simplified as a coverage, in lon/lat (GCJ-02 on a 高德 basemap)."""
    geometry = simplify_coverage(layer.geometry, tolerance_m=tolerance_m or web_tolerance(layer))
    return _to_gcj02(geometry) if basemap and BASEMAPS[basemap]["gcj02"] else geometry


def _columns(layer: gpd.GeoDataFrame, figs: Figures, words: dict[str, str], scheme: str,
             k: int | None) -> list[_Column]:
    """Each category, the total and the density, with the run's classes (those of the printed maps)."""
    unit_label = unit_word(figs.unit, figs.lang)
    named = [(f"c{i}", cat, category_name(cat, figs.lang), unit_label)
             for i, cat in enumerate(layer.attrs.get("categories") or [])]
    named += [("total", "total", words["total"], unit_label),
              ("density", "density", words["density"], density_word(figs.lang))]
    return [_Column(key, column, label, suffix, run_classes(figs, layer, column, scheme=scheme, k=k))
            for key, column, label, suffix in named]


def _feature(rec: pd.Series, drawn, columns: list[_Column], figs: Figures, words: dict[str, str]) -> dict:
    """One township as a GeoJSON feature: its fill and hover text on every layer, its popup rows, its label point."""
    name = str(rec["name"])
    style, hover, colon = {}, {}, text("punct.colon", figs.lang)
    for col in columns:
        cls, value = int(col.classes.assignment[name]), float(col.classes.values[name])
        style[col.key] = [NO_SUPPLY_COLOUR if cls < 0 else col.classes.colours[cls], cls]
        shown = (units.format_density(value, label=False) if col.key == "density"
                 else units.format_number(value, units.PRECISION[figs.unit]["map"]))
        hover[col.key] = f"{col.label}{colon}{shown} {col.suffix}" if cls >= 0 else f"{col.label}{colon}{words['no_supply']}"
    name_en = rec.get("name_en")
    at = drawn.representative_point()
    return {
        "type": "Feature",
        "geometry": shapely.geometry.mapping(drawn),
        "properties": {"name": f"{name} {name_en}" if figs.lang == "en" and isinstance(name_en, str) and name_en
                       else name,
                       "code": "" if rec.get("code") is None else str(rec["code"]),
                       "style": style, "text": hover, "rows": _popup_rows(rec, columns, figs, words),
                       "label_at": [round(at.y, 5), round(at.x, 5)]},
    }


def _popup_rows(rec: pd.Series, columns: list[_Column], figs: Figures, words: dict[str, str]) -> list[list]:
    """A township's breakdown: [label with its unit, value text, is the sum row]; the share is of the plan's figure."""
    area, unit_label = (lambda h: figs.text(h, label=False)), unit_word(figs.unit, figs.lang)
    with_unit = (lambda what, label: text("punct.with_label", figs.lang, text=what, label=label))  # 住宅用地（公顷）
    rows = [[with_unit(col.label, unit_label), area(rec[col.column]) if rec[col.column] > 0 else "—", False]
            for col in columns if col.column not in ("total", "density")]
    rows.append([with_unit(words["total"], unit_label), area(rec["total"]), True])
    rows.append([with_unit(words["density"], density_word(figs.lang)),
                 units.format_density(rec["density"], label=False), False])
    rows.append([words["share"], f"{rec['share'] * 100:.2f}%", False])
    return rows


def _footnotes(layer: gpd.GeoDataFrame, figs: Figures, words: dict[str, str]) -> list[str]:
    """Source of the plan, the boundaries' note and their credit, each a line."""
    lang, prov = figs.lang, layer.attrs.get("provenance") or {}
    sep = text("punct.colon", lang)
    title = source_title(layer, lang, figs.county)
    lines = [f"{words['source']}{sep}" + text("punct.book_title", lang, title=title)]
    note = boundary_note(prov, lang)
    if note:  # a sentence of its own (乡镇界线为示意…), not a value after a label
        lines.append(note)
    credit = attribution(prov, lang, figs.unit_level)
    if credit:
        lines.append(f"{words['credit']}{sep}{credit}")
    return lines


def _legend(col: _Column, words: dict[str, str], lang: str) -> dict:
    """A layer's switch and legend: classes top first, 无供应 last."""
    c = col.classes
    legend = [[colour, label] for colour, label in zip(c.colours, c.labels)][::-1]
    if c.no_supply:
        legend.append([NO_SUPPLY_COLOUR, words["no_supply"], True])
    title = text("punct.with_label", lang, text=col.label, label=col.suffix)  # 供应总量（公顷）, Total supply (ha)
    return {"key": col.key, "label": col.label, "legend_title": title, "legend": legend}


def _spec(layer: gpd.GeoDataFrame, geometry: gpd.GeoSeries, columns: list[_Column], figs: Figures,
          words: dict[str, str], basemap: str | None) -> dict:
    """Everything the page's script needs besides the townships: layers, legends, title, notes, bounds, words."""
    place, year = layer.attrs.get("place") or figs.county.name, layer.attrs.get("year") or ""
    minx, miny, maxx, maxy = geometry.total_bounds
    return {
        "layers": [_legend(col, words, figs.lang) for col in columns],
        "initial": "total",
        "title": words["title"].format(place=place_name(place, figs.lang, figs.county), year=year).strip(),
        "footnotes": _footnotes(layer, figs, words),
        "bounds": [[float(miny), float(minx)], [float(maxy), float(maxx)]],
        "basemap": basemap,
        "hatch": [NO_SUPPLY_FACE, NO_SUPPLY_HATCH],
        "labels": words["labels"],
        "county": figs.lines("total"),  # 全市（计划）, and 乡镇合计 with the difference where they differ
        "help_hover": words["help_hover"],
        "help_touch": words["help_touch"],
    }


def _base_map(geometry: gpd.GeoSeries, basemap: str | None, tianditu_key: str | None) -> folium.Map:
    """The folium map, centred on the townships, no CDN links, with the basemap's tile layers if one is asked for."""
    minx, miny, maxx, maxy = geometry.total_bounds
    m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=10, tiles=None,
                   control_scale=False, zoom_snap=0.25)  # the scale bar is added metric-only
    strip_cdn(m)
    if basemap:
        b = BASEMAPS[basemap]
        extra = {"subdomains": b["subdomains"]} if "subdomains" in b else {}
        for url in (b["tiles"], b.get("labels")):
            if url:
                folium.TileLayer(url.replace("{key}", tianditu_key or ""), attr=b["attr"], control=False,
                                 max_zoom=18, **extra).add_to(m)
    return m


def _stable_ids(m: folium.Map, content: str) -> None:
    """Derive element ids from the map's content instead of folium's random ones.

    The same layer and options then give byte-identical HTML (the atlas' reproducibility), while
    maps of different content still get different ids and can share a page.
    """
    seed = hashlib.sha1(content.encode("utf-8")).hexdigest()
    for i, el in enumerate(walk(m.get_root())):
        el._id = hashlib.sha1(f"{seed}:{i}".encode("ascii")).hexdigest()[:32]


def _to_gcj02(geometry: gpd.GeoSeries, decimals: int = 5) -> gpd.GeoSeries:
    """Shift WGS-84 geometries to GCJ-02 (高德/腾讯 tiles) with :mod:`landgis.crs`.

    The same vertex shifts the same way on both sides of a border, so the coverage stays shared.
    """

    shifted = transform_geometry(geometry.to_numpy(), wgs84_to_gcj02)
    return gpd.GeoSeries(shapely.set_precision(shifted, 10.0 ** -decimals), index=geometry.index, crs=4326)
