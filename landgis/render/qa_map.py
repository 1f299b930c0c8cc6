"""The QA map: parcels coloured by their worst finding over the townships, one offline HTML file.

Every user string (parcel ids, township names, finding messages) travels to the browser as JSON
through the Jinja ``tojson`` filter and is put into the page with ``textContent``, never as HTML;
the rendered script is handed to folium as literal text, never compiled as a template.
"""

from __future__ import annotations

from pathlib import Path

import folium
import numpy as np
import shapely

from landgis.catalog import message, table, text
from landgis.categories import CONSTRAINT_STYLES, category_name
from landgis.errors import InputError
from landgis.printable import printable_data
from landgis.qa.labels import SEVERITY_LABELS, constraint_label  # render may import qa; qa never imports render
from landgis.qa.messages import message as finding_message
from landgis.severity import SEVERITY_WORDS
from landgis.render.literal_elements import DataMacroElement
from landgis.render.shipped import template, template_text
from landgis.render.text import boundary_note
from landgis.render.webpage import self_contained_html, write_html

__all__ = ["qa_map", "qa_map_html", "write_qa_map", "SEVERITY_COLOURS", "SEVERITY_LABELS", "MAX_FEATURES"]

#: Colours of the worst finding of a parcel (ColorBrewer RdYlBu-like, colour-blind safe order).
SEVERITY_COLOURS = {"error": "#d7191c", "warning": "#fdae61", "info": "#2c7bb6", "ok": "#1a9641"}
#: Parcels drawn at most; the worst are drawn first, the rest counted in a footnote.
MAX_FEATURES = 20_000


class _QALayers(DataMacroElement):
    _template = template("qa_layers.html")  # user values only as data: tojson, then textContent in the page

    def __init__(self, towns: dict, parcels: dict, spec: dict, constraints: list | None = None):
        super().__init__()
        self._name = "LandgisQALayers"
        self.dom_helpers = template_text("dom_helpers.js")
        self.css = template_text("qa_map.css")
        self.js = template_text("qa_map.js")
        self.towns = printable_data(towns)  # control characters shown as escapes, like every output
        self.parcels = printable_data(parcels)
        self.spec = printable_data(spec)
        self.constraints = printable_data(constraints or [])


#: Constraint polygons drawn at most per layer (those nearest the parcels).
MAX_CONSTRAINT_FEATURES = 5_000


def _constraint_layers(result, lang: str) -> list[dict]:
    """The constraint polygons near the checked parcels (within 500 m), simplified to about 0.5 m, lon/lat,
    each layer named as the outputs of ``lang`` name it."""
    layers = getattr(result, "constraint_layers", None) or {}
    parcels = result.parcels.geometry
    geoms = np.asarray(parcels[parcels.notna() & ~parcels.is_empty].values, dtype=object)
    out = []
    for name, layer in layers.items():
        lg = layer.to_crs(4326)
        g = np.asarray(lg.geometry.values, dtype=object)
        tree = shapely.STRtree(g)
        near = np.unique(tree.query(shapely.buffer(shapely.envelope(geoms), 0.005), predicate="intersects")[1]) \
            if len(geoms) else np.zeros(0, int)
        near = near[:MAX_CONSTRAINT_FEATURES]
        colour, dash, fill = CONSTRAINT_STYLES.get(name, CONSTRAINT_STYLES[None])
        feats = [{"type": "Feature", "geometry": _rounded(shapely.simplify(g[i], 5e-6), 6), "properties": {}}
                 for i in near]
        out.append({"name": constraint_label(name, lang), "colour": colour, "dash": dash, "fill": fill,
                    "layer": {"type": "FeatureCollection", "features": feats}})
    return out


def _rounded(geom, decimals: int = 6) -> dict:
    return shapely.geometry.mapping(shapely.transform(geom, lambda c: np.round(c, decimals)))


def qa_map(result, *, max_features: int = MAX_FEATURES, lang: str = "zh", unit: str = "ha") -> folium.Map:
    """The QA map of a :class:`landgis.qa.QAResult`, in ``lang`` with areas in ``unit``.

    Parameters
    ----------
    result : landgis.qa.QAResult
    max_features : int
        Parcels drawn at most (worst first); the others are counted in a footnote.
    lang : {"zh", "en"}
        Language of the title, layers, legend, popups and footnotes; each finding is worded in it as in
        findings.csv (:func:`landgis.qa.messages.message`).
    unit : {"ha", "mu", "m2"}
        Unit of the areas in the findings' sentences.

    Returns
    -------
    folium.Map
        Pass it to :func:`landgis.render.interactive.self_contained_html`.
    """
    lang = "en" if lang == "en" else "zh"
    towns = result.townships
    if towns is None or len(towns) == 0:
        raise InputError(message("the QA result carries no township layer to draw"))
    parcels = result.parcels
    rank = {"error": 0, "warning": 1, "info": 2, "ok": 3}
    has_geom = ~(parcels.geometry.isna() | parcels.geometry.is_empty).to_numpy()
    order = np.argsort(parcels["worst_severity"].map(rank).to_numpy(), kind="stable")
    order = order[has_geom[order]][:max_features]
    by_row = _findings_by_row(result.findings, lang, unit)
    feats = []
    for i in order:
        rec = parcels.iloc[i]
        polygonal = rec.geometry.geom_type in ("Polygon", "MultiPolygon", "GeometryCollection")
        at = rec.geometry.representative_point() if polygonal else None
        feats.append({"type": "Feature", "geometry": _rounded(rec.geometry), "properties": {
            "at": [round(at.y, 6), round(at.x, 6)] if at is not None else None,
            "id": str(rec["parcel_id"]), "severity": str(rec["worst_severity"]),
            "declared": _opt(rec, result.fields.get("township")), "found": _opt(rec, "township_found"),
            "category": _category(_opt(rec, result.fields.get("category")), lang),
            "findings": by_row.get(int(rec["qa_row"]), [])}})

    t = towns.to_crs(4326)
    tfeats = []
    for name, geom in zip(t["name"], t.geometry):
        at = geom.representative_point()
        tfeats.append({"type": "Feature", "geometry": _rounded(geom, 5),
                       "properties": {"name": str(name), "label_at": [round(at.y, 5), round(at.x, 5)]}})

    words, labels = table("qa.map", lang), SEVERITY_WORDS[lang]
    counts = parcels["worst_severity"].value_counts()
    legend = [[SEVERITY_COLOURS[s], words["legend_item"].format(label=labels[s], n=int(counts.get(s, 0)))]
              for s in ("error", "warning", "info", "ok")]
    # opens on everything checked: the county and every parcel drawn, those outside the county included
    drawn = parcels.geometry.iloc[order]
    minx, miny, maxx, maxy = t.total_bounds
    if len(drawn):
        px0, py0, px1, py1 = drawn.total_bounds
        minx, miny, maxx, maxy = min(minx, px0), min(miny, py0), max(maxx, px1), max(maxy, py1)
    source = result.summary.get("source") or ""
    spec = {
        "title": words["title_of"].format(name=Path(str(source)).name) if source else words["title"],
        "colours": SEVERITY_COLOURS, "labels": labels, "legend": legend,
        "footnotes": _footnotes(result, has_geom, len(order), lang),
        "bounds": [[float(miny), float(minx)], [float(maxy), float(maxx)]], "dots_below_zoom": 14,
        "strings": {k: words[k] for k in ("declared", "found", "category", "townships", "labels", "parcels",
                                           "legend")} | {"colon": text("punct.colon", lang)},
    }
    m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=10, tiles=None,
                   control_scale=False, zoom_snap=0.25)  # the scale is the layers' own: metric only
    _QALayers({"type": "FeatureCollection", "features": tfeats},
              {"type": "FeatureCollection", "features": feats}, spec, _constraint_layers(result, lang)).add_to(m)
    return m


def _findings_by_row(findings, lang: str, unit: str) -> dict[int, list]:
    """[severity, sentence] of each parcel's findings, worded in ``lang`` and ``unit`` as findings.csv words them."""
    by_row: dict[int, list] = {}
    for r in findings.dropna(subset=["row"]).itertuples():
        words = finding_message(r.kind, r.figures, str(r.message), township=r.township_declared,
                                category=r.category, unit=unit, lang=lang, found=r.township_found, pid=r.parcel_id)
        by_row.setdefault(int(r.row), []).append([r.severity, words])
    return by_row


def _footnotes(result, has_geom: np.ndarray, n_drawn: int, lang: str) -> list[str]:
    """What the map leaves out (parcels without geometry, beyond the limit), quota cells over, the boundaries' note."""
    words, out = table("qa.map", lang), []
    n_nogeom = int((~has_geom).sum())
    if n_nogeom:
        out.append(words["no_geometry"].format(n=n_nogeom))
    hidden = int(has_geom.sum()) - n_drawn
    if hidden > 0:
        out.append(words["hidden"].format(n=hidden))
    n_quota = int(result.findings["kind"].isin(["quota_over", "category_not_in_plan"]).sum())
    if n_quota:
        out.append(words["quota"].format(n=n_quota))
    prov = getattr(result.townships, "attrs", {}).get("provenance") or {}
    note = boundary_note(prov, lang)
    if note:  # a sentence of its own (乡镇界线为示意…), not a value after a label
        out.append(note)
    return out


def _category(name: str | None, lang: str) -> str | None:
    """A category as the planner reads it: its English name in ``en`` when it is a known category."""
    return None if name is None else category_name(name, lang)


def _opt(rec, col) -> str | None:
    if not col or col not in rec.index:
        return None
    v = rec[col]
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    return str(v)


def qa_map_html(result, *, lang: str = "zh", unit: str = "ha") -> str:
    """The self-contained QA map of ``result`` as one HTML page, in ``lang`` with areas in ``unit``
    (as :func:`qa_map`)."""

    words = SEVERITY_WORDS["en" if lang == "en" else "zh"]
    return self_contained_html(qa_map(result, lang=lang, unit=unit), extra_text="".join(words.values()))


def write_qa_map(result, path, *, lang: str = "zh", unit: str = "ha") -> Path:
    """Write the self-contained QA map of ``result`` to ``path`` atomically (:func:`qa_map_html`);
    return the path."""

    write_html(qa_map_html(result, lang=lang, unit=unit), path)
    return Path(path)
