"""The interactive map: a folium/Leaflet page that works offline and embeds in a report.

Three steps, one function each::

    m = web_map(layer)                      # folium.Map: one choropleth per category, the total, the density
    html = self_contained_html(m)           # one file: Leaflet, styles and a CJK webfont inlined
    write_html(html, "lianzhou_2026.html")  # atomic write; returns the size in bytes

:func:`fragment_html` gives the same map as a ``<div>`` with its scripts, to paste into another page
(several per page are fine). Every user string (township and category names, the footnote) travels
to the browser as JSON through the Jinja ``tojson`` filter and is put into the page with
``textContent``, never as HTML; the rendered script is handed to folium as literal text
(:mod:`landgis.render.literal_elements`), so it is never compiled as a template.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import folium
import geopandas as gpd
import shapely
import xstatic.pkg.leaflet as xl
from branca.element import Figure
from jinja2 import Template

from landgis.catalog import LANGS, table, message
from landgis import units
from landgis.categories import lookup
from landgis.county import County, resolve_county
from landgis.crs import transform_geometry, wgs84_to_gcj02
from landgis.errors import InputError, LandgisError
from landgis.figures import Figures
from landgis.files import write_bytes
from landgis.render.classes import NO_SUPPLY_FACE, NO_SUPPLY_HATCH, classify
from landgis.render.fonts import webfont_css
from landgis.render.literal_elements import LiteralElement
from landgis.render.simplify import simplify_for_drawing
from landgis.render.webmap_layers import TownshipLayers, template_text
from landgis.render.text import attribution, county_lines, county_words, density_word, source_title, unit_word

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
#: The DOM helpers every landgis map script starts with (``templates/dom_helpers.js``): ``el`` builds an
#: element whose text is set as text (user data never becomes markup), ``esc`` escapes text for the few
#: Leaflet APIs that take HTML strings (the layer control), ``footnotes`` adds the footnote panel.
DOM_HELPERS_JS = template_text("dom_helpers.js")
_TownshipLayers = TownshipLayers  # the name the tests and older callers know


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
    breakdown (every category, total, density, share). Classes and colours are those of the
    printed maps; townships with no supply are hatched grey and listed as 无供应.

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
        The run's figures; computed from ``layer`` when not given.

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

    s = _STRINGS[lang]
    if lang == "zh":  # 占全县比例 for a 县
        s = {**s, "share": s["share"].replace("全市", county_words(county)["whole"])}
    unit_label = unit_word(unit, lang)

    def area(hectares: float) -> str:
        return units.format_area(hectares, unit, lang=lang, label=False)

    geometry = simplify_coverage(layer.geometry, tolerance_m=tolerance_m or web_tolerance(layer))
    if basemap and BASEMAPS[basemap]["gcj02"]:
        geometry = _to_gcj02(geometry)

    def cat_label(cat: str) -> str:
        c = lookup(cat)
        return c.name_en if (lang == "en" and c is not None) else cat

    # The same classes, colours and legend labels as the printed maps (landgis.render.classes).
    dens_unit = density_word(lang)
    columns = [(f"c{i}", cat, cat_label(cat), unit_label) for i, cat in enumerate(categories)]
    columns += [("total", "total", s["total"], unit_label), ("density", "density", s["density"], dens_unit)]
    names = [str(n) for n in layer["name"]]
    styles: list[dict[str, list]] = [{} for _ in names]
    texts: list[dict[str, str]] = [{} for _ in names]
    layer_specs = []
    for key, column, label, suffix in columns:
        c = classify(layer, column, scheme=scheme, k=k, unit=unit)
        for row, name in enumerate(names):
            cls, value = int(c.assignment[name]), float(c.values[name])
            styles[row][key] = [NO_SUPPLY_COLOUR if cls < 0 else c.colours[cls], cls]
            shown = (units.format_density(value, label=False) if key == "density"
                     else units.format_number(value, units.PRECISION[unit]["map"]))
            texts[row][key] = f"{label}：{shown} {suffix}" if cls >= 0 else f"{label}：{s['no_supply']}"
        legend = [[colour, text] for colour, text in zip(c.colours, c.labels)][::-1]  # top class first
        if c.no_supply:
            legend.append([NO_SUPPLY_COLOUR, s["no_supply"], True])
        layer_specs.append({"key": key, "label": label, "legend_title": f"{label}（{suffix}）", "legend": legend})

    features = []
    for row, (idx, rec) in enumerate(layer.iterrows()):
        # Every figure row names its unit, as the total's does.
        rows = [[f"{cat_label(cat)}（{unit_label}）", area(rec[cat]) if rec[cat] > 0 else "—", False]
                for cat in categories]
        rows.append([f"{s['total']}（{unit_label}）", area(rec["total"]), True])
        rows.append([f"{s['density']}（{dens_unit}）", units.format_density(rec["density"], label=False), False])
        rows.append([s["share"], f"{rec['share'] * 100:.2f}%", False])  # of the plan's own 全市 figure
        name_en = rec.get("name_en")
        name = f"{rec['name']} {name_en}" if lang == "en" and isinstance(name_en, str) and name_en else str(rec["name"])
        at = geometry.loc[idx].representative_point()
        features.append({
            "type": "Feature",
            "geometry": shapely.geometry.mapping(geometry.loc[idx]),
            "properties": {"name": name, "code": "" if rec.get("code") is None else str(rec["code"]),
                           "style": styles[row], "text": texts[row], "rows": rows,
                           "label_at": [round(at.y, 5), round(at.x, 5)]},
        })

    prov = layer.attrs.get("provenance") or {}
    sep = "：" if lang == "zh" else ": "
    footnotes = [f"{s['source']}{sep}" + (f"《{source_title(layer, lang, county)}》" if lang == "zh"
                                             else source_title(layer, lang, county))]
    note = prov.get("footnote_en" if lang == "en" else "footnote") or prov.get("footnote")
    if note:
        footnotes.append(f"{s['boundaries']}{sep}{note}")
    credit = attribution(prov, lang)
    if credit:
        footnotes.append(f"{s['credit']}{sep}{credit}")
    place, year = layer.attrs.get("place") or county.name, layer.attrs.get("year") or ""
    minx, miny, maxx, maxy = geometry.total_bounds
    spec = {
        "layers": layer_specs,
        "initial": "total",
        "title": s["title"].format(place=place, year=year).strip(),
        "footnotes": footnotes,
        "bounds": [[float(miny), float(minx)], [float(maxy), float(maxx)]],
        "basemap": basemap,
        "hatch": [NO_SUPPLY_FACE, NO_SUPPLY_HATCH],
        "labels": s["labels"],
        "county": county_lines(layer, "total", unit, lang, county, figures),  # 占全市比例 is of the plan's 全市 figure
        "help_hover": s["help_hover"],
        "help_touch": s["help_touch"],
    }

    m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=10, tiles=None,
                   control_scale=False, zoom_snap=0.25)  # the scale bar is added metric-only
    _strip_cdn(m)
    if basemap:
        b = BASEMAPS[basemap]
        extra = {"subdomains": b["subdomains"]} if "subdomains" in b else {}
        for url in (b["tiles"], b.get("labels")):
            if url:
                folium.TileLayer(url.replace("{key}", tianditu_key or ""), attr=b["attr"], control=False,
                                 max_zoom=18, **extra).add_to(m)
    TownshipLayers({"type": "FeatureCollection", "features": features}, spec).add_to(m)
    m.landgis_text = "".join([spec["title"], *footnotes, *spec["county"], *(str(n) for n in layer["name"]),
                              *(ls["legend_title"] for ls in layer_specs), *s.values()])
    _stable_ids(m, json.dumps([spec, features, basemap, tianditu_key], sort_keys=True, default=str))
    return m


def _stable_ids(m: folium.Map, content: str) -> None:
    """Derive element ids from the map's content instead of folium's random ones.

    The same layer and options then give byte-identical HTML (the atlas' reproducibility), while
    maps of different content still get different ids and can share a page.
    """
    seed = hashlib.sha1(content.encode("utf-8")).hexdigest()
    for i, el in enumerate(_walk(m.get_root())):
        el._id = hashlib.sha1(f"{seed}:{i}".encode("ascii")).hexdigest()[:32]


def _to_gcj02(geometry: gpd.GeoSeries, decimals: int = 5) -> gpd.GeoSeries:
    """Shift WGS-84 geometries to GCJ-02 (高德/腾讯 tiles) with :mod:`landgis.crs`.

    The same vertex shifts the same way on both sides of a border, so the coverage stays shared.
    """

    shifted = transform_geometry(geometry.to_numpy(), wgs84_to_gcj02)
    return gpd.GeoSeries(shapely.set_precision(shifted, 10.0 ** -decimals), index=geometry.index, crs=4326)


# --- self-contained output ----------------------------------------------------------------------
_KNOWN_ASSETS = {"leaflet", "leaflet_css"}  # inlined from xstatic-leaflet
# folium's defaults that a choropleth does not use: dropped rather than fetched.
_DROPPABLE = {"jquery", "bootstrap", "awesome_markers", "bootstrap_css", "glyphicons_css",
              "awesome_markers_font_css", "awesome_markers_css", "awesome_rotate_css"}


def _walk(element):
    yield element
    for child in list(getattr(element, "_children", {}).values()):
        yield from _walk(child)


def _strip_cdn(m: folium.Map) -> None:
    """Drop every CDN script/style the elements of ``m`` reference; Leaflet is inlined instead."""
    fig = m.get_root()
    for el in _walk(fig):
        for attr in ("default_js", "default_css"):
            links = getattr(el, attr, None) or []
            unknown = [name for name, _ in links if name not in _KNOWN_ASSETS | _DROPPABLE]
            if unknown:
                raise LandgisError(message("{name} needs {items} from a CDN; it cannot be inlined for an offline map", name=type(el).__name__, items=', '.join(unknown)))
            if links:
                setattr(el, attr, [])
    if isinstance(fig, Figure):  # links left by an earlier render
        for name in [n for n in fig.header._children if n in _KNOWN_ASSETS | _DROPPABLE]:
            del fig.header._children[name]


@lru_cache(maxsize=1)
def leaflet_assets() -> tuple[str, str]:
    """Leaflet's JavaScript and CSS from the ``xstatic-leaflet`` package, images as ``data:`` URLs.

    Returns
    -------
    (str, str)
        The script and the stylesheet, ready to inline.
    """
    base = Path(xl.BASE_DIR)
    js = (base / "leaflet.js").read_text(encoding="utf-8")
    js = re.sub(r"//# sourceMappingURL=\S+", "", js).replace("</", "<\\/")
    css = (base / "leaflet.css").read_text(encoding="utf-8")

    def data_url(match: re.Match) -> str:
        data = base64.b64encode((base / match.group(1)).read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    css = re.sub(r"url\((images/[\w.-]+\.png)\)", data_url, css)
    return js, css


_ASSET_TEMPLATE = Template("""<style>
{{ css | safe }}
{{ font_css | safe }}
{{ scope }} .leaflet-container, {{ scope }} .landgis-panel { font-family: "{{ family }}", sans-serif; }
</style>
<script>{% if guard %}if (typeof window.L === "undefined") { {% endif %}
{{ js | safe }}
{% if guard %}}{% endif %}</script>
""", autoescape=True)  # our own CSS/JS (marked safe), no user text


def _page_text(html: str, extra_text: str) -> str:
    """The characters a page can show: its text, JSON \\u escapes decoded, and ``extra_text``."""
    escaped = "".join(chr(int(h, 16)) for h in re.findall(r"\\u([0-9a-fA-F]{4})", html))
    return "".join(sorted({c for c in html + escaped + extra_text if ord(c) > 0x7E}))


def _assets(text: str, family: str, scope: str, guard: bool) -> str:
    js, css = leaflet_assets()
    return _ASSET_TEMPLATE.render(css=css, js=js, font_css=webfont_css(text, family), family=family,
                                  scope=scope, guard=guard)


def _offline_check(html: str) -> None:
    """Raise when a script, stylesheet, image or frame would be fetched from the network."""
    hits = re.findall(r"<(?:script|link|img|iframe|source|video|audio)\b[^>]*?\b(?:src|href)\s*=\s*[\"']?"
                      r"((?:https?:)?//[^\"'\s>]*)", html, re.I)
    hits += re.findall(r"url\(\s*[\"']?((?:https?:)?//[^\"')\s]*)", html, re.I)
    if hits:
        raise LandgisError(message("the map still references {items}: it is not self-contained", items=', '.join(hits[:3])))


def self_contained_html(m: folium.Map, extra_text: str = "") -> str:
    """The map as one HTML file that needs no network.

    Leaflet (from ``xstatic-leaflet``) and its images are inlined; folium's other CDN assets
    (jQuery, Bootstrap, Font Awesome …) are dropped; the shipped CJK font is inlined, subset to
    the characters of the page and ``extra_text``. Tile basemaps, if the map has any, still load
    from their servers.

    Parameters
    ----------
    m : folium.Map
        From :func:`web_map`, or any folium map that uses no plugin needing a CDN.
    extra_text : str
        Text the page may show beyond what the HTML holds (added to the font subset).

    Returns
    -------
    str

    Raises
    ------
    LandgisError
        When an element of the map needs a script or style that cannot be inlined.
    """
    _strip_cdn(m)
    fig = m.get_root()
    html = fig.render()
    text = _page_text(html, extra_text + getattr(m, "landgis_text", ""))
    fig.header.add_child(LiteralElement(_assets(text, "landgis-cjk", "", guard=False)), name="landgis_assets",
                         index=1)
    html = fig.render()
    del fig.header._children["landgis_assets"]
    _offline_check(_without_tiles(html, m))
    return html


def _without_tiles(html: str, m: folium.Map) -> str:
    """The HTML minus tile URL templates, which are meant to go online when a basemap is asked for."""
    for el in _walk(m):
        if isinstance(el, folium.TileLayer):
            html = html.replace(el.tiles, "")
    return html


_FRAGMENT_TEMPLATE = Template("""<div class="landgis-map-fragment" id="{{ box_id }}" style="position: relative; width: 100%;">
<style>:where(#{{ box_id }}) { height: {{ height }}; }
#{{ box_id }} > .folium-map { position: absolute; top: 0; bottom: 0; left: 0; right: 0; }</style>
{{ header | safe }}
{{ assets | safe }}{{ body | safe }}
<script>
(function () {
{{ rename | safe }}
{{ script | safe }}
})();
</script>
</div>
""", autoescape=True)  # the parts marked safe are the rendered map (user data in it is JSON, not markup)

#: The first lines of a fragment's script. The same fragment may be pasted twice into one page: the second
#: copy then gives its map container a new id, so that each copy draws its own map. The height is a
#: zero-specificity rule (``:where``), so that the host page's own rules (a phone's smaller box) win.
_RENAME_JS = """  var script = document.currentScript, box = script && script.parentNode;
  var div = box && box.querySelector('.folium-map'), mapId = {{ map_id | tojson }};
  if (div && document.getElementById(mapId) !== div) {
    window.landgisEmbeds = (window.landgisEmbeds || 0) + 1;
    mapId = mapId + '_' + window.landgisEmbeds;
    div.id = mapId;
  }"""


def fragment_html(m: folium.Map, extra_text: str = "", *, height: str = "560px",
                  include_leaflet: bool = True) -> str:
    """The map as a piece of HTML to put inside another page: a ``<div>`` with its styles and scripts.

    Several fragments may go in one page: Leaflet runs only once (the first fragment defines it),
    each map keeps its own element ids, and each carries its own font subset under its own family
    name, scoped to its own box. Nothing is written into ``<html>``/``<body>`` styles.

    Parameters
    ----------
    m : folium.Map
        From :func:`web_map`.
    extra_text : str
        Text beyond the map's own to add to the font subset.
    height : str
        CSS height of the map box (e.g. ``"560px"``, ``"70vh"``).
    include_leaflet : bool
        Inline Leaflet (guarded so it runs once per page). ``False`` when the host page loads it.

    Returns
    -------
    str
    """
    if not re.fullmatch(r"\d+(\.\d+)?(px|vh|em|rem|%)", height):
        raise InputError(message("height must be a CSS length such as 560px or 70vh, not {height!r}", height=height))
    _strip_cdn(m)
    fig = m.get_root()
    full = fig.render()
    map_id = m.get_name()
    # The map's own header block sets html/body to 100%: leave it out of a fragment.
    header = "".join(child.render() for name, child in fig.header._children.items()
                     if name not in (map_id, "meta_http") and not name.startswith("landgis_assets"))
    text = _page_text(full, extra_text + getattr(m, "landgis_text", ""))
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
    family = f"landgis-cjk-{digest}"
    box_id = f"landgis-box-{map_id}"
    if include_leaflet:
        assets = _assets(text, family, f"#{box_id}", guard=True)
    else:
        assets = (f"<style>{webfont_css(text, family)}\n#{box_id} .leaflet-container, #{box_id} .landgis-panel "
                  f'{{ font-family: "{family}", sans-serif; }}</style>')
    script = fig.script.render()
    quoted = json.dumps(map_id)
    if script.count(quoted) != 1:  # folium's L.map("map_…", …); our own scripts use the variable
        raise LandgisError(message("cannot find the map's container id in its script ({count} times)", count=script.count(quoted)))
    rename = Template(_RENAME_JS, autoescape=False).render(map_id=map_id)  # map_id is ours: map_ + hex
    html = _FRAGMENT_TEMPLATE.render(box_id=box_id, height=height, header=header, assets=assets,
                                     body=fig.html.render(), rename=rename, script=script.replace(quoted, "mapId"))
    _offline_check(_without_tiles(html, m))
    return html


def iframe_html(m: folium.Map, extra_text: str = "", *, height: str = "560px", title: str = "map") -> str:
    """The self-contained map inside an ``<iframe srcdoc>``: isolated from the host page's styles and scripts.

    Parameters
    ----------
    m : folium.Map
    extra_text : str
    height : str
        CSS height of the frame.
    title : str
        Accessible title of the frame (escaped).

    Returns
    -------
    str
    """
    if not re.fullmatch(r"\d+(\.\d+)?(px|vh|em|rem|%)", height):
        raise InputError(message("height must be a CSS length such as 560px or 70vh, not {height!r}", height=height))
    return Template('<iframe class="landgis-map-frame" title="{{ title }}" style="width: 100%; height: {{ height }}; '
                    'border: 0;" srcdoc="{{ doc }}"></iframe>', autoescape=True).render(
        title=title, height=height, doc=self_contained_html(m, extra_text))


def write_html(html: str, path: str | os.PathLike) -> int:
    """Write ``html`` to ``path`` atomically (a temporary file in the same folder, then renamed).

    Parameters
    ----------
    html : str
    path : str or os.PathLike

    Returns
    -------
    int
        The size of the file in bytes.
    """

    data = html.encode("utf-8")
    write_bytes(path, data)
    return len(data)
