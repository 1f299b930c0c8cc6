"""A folium map as an offline page: one self-contained file, a fragment for another page, or an iframe.

Leaflet (from ``xstatic-leaflet``) and its images are inlined, folium's other CDN assets are dropped,
and the shipped CJK font is inlined, subset to the page's characters. The wrappers are templates in
``render/templates/`` (``page_assets.html``, ``fragment.html``, ``fragment_rename.js``,
``fragment_font.html``, ``iframe.html``); what they wrap is the rendered map, in which user text is
JSON data (see :mod:`landgis.render.literal_elements`), never template source.

Examples
--------
>>> import folium
>>> html = self_contained_html(folium.Map(tiles=None))
>>> "cdn.jsdelivr" in html, "L.map(" in html
(False, True)
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from functools import lru_cache
from pathlib import Path

import folium
import xstatic.pkg.leaflet as xl
from branca.element import Figure

from landgis.catalog import message
from landgis.errors import InputError, LandgisError
from landgis.files import write_bytes
from landgis.render.fonts import webfont_css
from landgis.render.literal_elements import LiteralElement
from landgis.render.shipped import template

__all__ = ["self_contained_html", "fragment_html", "iframe_html", "write_html", "leaflet_assets", "walk"]

_KNOWN_ASSETS = {"leaflet", "leaflet_css"}  # inlined from xstatic-leaflet
# folium's defaults that a choropleth does not use: dropped rather than fetched.
_DROPPABLE = {"jquery", "bootstrap", "awesome_markers", "bootstrap_css", "glyphicons_css",
              "awesome_markers_font_css", "awesome_markers_css", "awesome_rotate_css"}
_CSS_LENGTH = re.compile(r"\d+(\.\d+)?(px|vh|em|rem|%)")


def walk(element):
    """``element`` and every element below it, depth first."""
    yield element
    for child in list(getattr(element, "_children", {}).values()):
        yield from walk(child)


def strip_cdn(m: folium.Map) -> None:
    """Drop every CDN script/style the elements of ``m`` reference; Leaflet is inlined instead."""
    fig = m.get_root()
    for el in walk(fig):
        for attr in ("default_js", "default_css"):
            links = getattr(el, attr, None) or []
            unknown = [name for name, _ in links if name not in _KNOWN_ASSETS | _DROPPABLE]
            if unknown:
                raise LandgisError(message("{name} needs {items} from a CDN; it cannot be inlined for an offline map",
                                           name=type(el).__name__, items=", ".join(unknown)))
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


def _page_text(html: str, extra_text: str) -> str:
    """The characters a page can show: its text, JSON \\u escapes decoded, and ``extra_text``."""
    escaped = "".join(chr(int(h, 16)) for h in re.findall(r"\\u([0-9a-fA-F]{4})", html))
    return "".join(sorted({c for c in html + escaped + extra_text if ord(c) > 0x7E}))


def _assets(text: str, family: str, scope: str, guard: bool) -> str:
    js, css = leaflet_assets()
    return template("page_assets.html").render(css=css, js=js, font_css=webfont_css(text, family), family=family,
                                               scope=scope, guard=guard)


def _offline_check(html: str) -> None:
    """Raise when a script, stylesheet, image or frame would be fetched from the network."""
    hits = re.findall(r"<(?:script|link|img|iframe|source|video|audio)\b[^>]*?\b(?:src|href)\s*=\s*[\"']?"
                      r"((?:https?:)?//[^\"'\s>]*)", html, re.I)
    hits += re.findall(r"url\(\s*[\"']?((?:https?:)?//[^\"')\s]*)", html, re.I)
    if hits:
        raise LandgisError(message("the map still references {items}: it is not self-contained",
                                   items=", ".join(hits[:3])))


def _without_tiles(html: str, m: folium.Map) -> str:
    """The HTML minus tile URL templates, which are meant to go online when a basemap is asked for."""
    for el in walk(m):
        if isinstance(el, folium.TileLayer):
            html = html.replace(el.tiles, "")
    return html


def _check_height(height: str) -> None:
    if not _CSS_LENGTH.fullmatch(height):
        raise InputError(message("height must be a CSS length such as 560px or 70vh, not {height!r}", height=height))


def self_contained_html(m: folium.Map, extra_text: str = "") -> str:
    """The map as one HTML file that needs no network.

    Leaflet (from ``xstatic-leaflet``) and its images are inlined; folium's other CDN assets
    (jQuery, Bootstrap, Font Awesome …) are dropped; the shipped CJK font is inlined, subset to
    the characters of the page and ``extra_text``. Tile basemaps, if the map has any, still load
    from their servers.

    Parameters
    ----------
    m : folium.Map
        From :func:`landgis.render.interactive.web_map`, or any folium map that uses no plugin needing a CDN.
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
    strip_cdn(m)
    fig = m.get_root()
    html = fig.render()
    text = _page_text(html, extra_text + getattr(m, "landgis_text", ""))
    fig.header.add_child(LiteralElement(_assets(text, "landgis-cjk", "", guard=False)), name="landgis_assets",
                         index=1)
    html = fig.render()
    del fig.header._children["landgis_assets"]
    _offline_check(_without_tiles(html, m))
    return html


def fragment_html(m: folium.Map, extra_text: str = "", *, height: str = "560px",
                  include_leaflet: bool = True) -> str:
    """The map as a piece of HTML to put inside another page: a ``<div>`` with its styles and scripts.

    Several fragments may go in one page, the same one twice included: Leaflet runs only once (the
    first fragment defines it), each map keeps its own element ids, and each carries its own font
    subset under its own family name, scoped to its own box. Nothing is written into
    ``<html>``/``<body>`` styles; the box's height is a zero-specificity rule, so the host page's
    own rules (a phone's smaller box) win.

    Parameters
    ----------
    m : folium.Map
        From :func:`landgis.render.interactive.web_map`.
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
    _check_height(height)
    strip_cdn(m)
    fig = m.get_root()
    full = fig.render()
    map_id = m.get_name()
    # The map's own header block sets html/body to 100%: leave it out of a fragment.
    header = "".join(child.render() for name, child in fig.header._children.items()
                     if name not in (map_id, "meta_http") and not name.startswith("landgis_assets"))
    text = _page_text(full, extra_text + getattr(m, "landgis_text", ""))
    family = f"landgis-cjk-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:10]}"
    box_id = f"landgis-box-{map_id}"
    if include_leaflet:
        assets = _assets(text, family, f"#{box_id}", guard=True)
    else:
        assets = template("fragment_font.html").render(font_css=webfont_css(text, family), family=family,
                                                       scope=f"#{box_id}")
    script = fig.script.render()
    quoted = json.dumps(map_id)
    if script.count(quoted) != 1:  # folium's L.map("map_…", …); our own scripts use the variable
        raise LandgisError(message("cannot find the map's container id in its script ({count} times)",
                                   count=script.count(quoted)))
    rename = template("fragment_rename.js", autoescape=False).render(map_id=map_id)  # map_id is ours: map_ + hex
    html = template("fragment.html").render(box_id=box_id, height=height, header=header, assets=assets,
                                            body=fig.html.render(), rename=rename,
                                            script=script.replace(quoted, "mapId"))
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
    _check_height(height)
    return template("iframe.html").render(title=title, height=height, doc=self_contained_html(m, extra_text))


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
