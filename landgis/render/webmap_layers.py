"""The township layers of the web map: one branca element, its JavaScript and CSS in ``render/templates/``.

The element's own template (``templates/township_layers.html``) only wires data to the shipped script:
the GeoJSON and the spec go in as
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

from landgis.printable import printable_data
from landgis.render.literal_elements import DataMacroElement
from landgis.render.shipped import template, template_text

__all__ = ["TownshipLayers"]


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
