"""The township layers of the web map: one branca element, its JavaScript and CSS in ``render/templates/``.

The element's own template only wires data to the shipped script: the GeoJSON and the spec go in as
JSON (``tojson``), the script (``templates/webmap.js``) puts every user string into the page with
``textContent``. The rendered macros reach the figure as literal text
(:class:`~landgis.render.literal_elements.DataMacroElement`), so user text is never compiled as Jinja2.

Examples
--------
>>> import folium
>>> m = folium.Map(tiles=None)
>>> _ = TownshipLayers({"type": "FeatureCollection", "features": []}, {"hatch": ["#eee", "#999"]}).add_to(m)
>>> html = m.get_root().render()
>>> "landgisTownshipMap(" in html and ".landgis-legend" in html
True
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

from jinja2 import Template

from landgis.printable import printable_data
from landgis.render.literal_elements import DataMacroElement

__all__ = ["TownshipLayers", "template", "template_text"]


@lru_cache(maxsize=None)
def template_text(name: str) -> str:
    """The text of a file shipped in ``landgis/render/templates/`` (our own code, no user data).

    Examples
    --------
    >>> "function el(" in template_text("dom_helpers.js")
    True
    """
    return files("landgis.render").joinpath("templates", name).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def template(name: str, autoescape: bool = True) -> Template:
    """A shipped file of ``landgis/render/templates/`` compiled as a Jinja2 template (only ever our own text;
    user values reach it as variables).

    Examples
    --------
    >>> template("iframe.html").render(title="<b>", height="9px", doc="")[:50]
    '<iframe class="landgis-map-frame" title="&lt;b&gt;'
    """
    return Template(template_text(name), autoescape=autoescape)


class TownshipLayers(DataMacroElement):
    """Leaflet side of :func:`landgis.render.interactive.web_map`: choropleths, legend, tooltip, popup, footnote.

    Parameters
    ----------
    data : dict
        GeoJSON FeatureCollection; each feature's properties carry ``name``, ``code``, ``style``, ``text``,
        ``rows`` and ``label_at``.
    spec : dict
        Layers, legend, title, footnotes, bounds and labels of the map.
    """

    _template = template("township_layers.html")  # user values only as data: tojson, then textContent

    def __init__(self, data: dict, spec: dict):
        super().__init__()
        self._name = "LandgisTownshipLayers"
        self.data = printable_data(data)  # control characters shown as escapes, like every output
        self.spec = printable_data(spec)
        self.css = template_text("webmap.css")
        self.dom_helpers = template_text("dom_helpers.js")  # the helpers qa_map's script uses too
        self.js = template_text("webmap.js")
