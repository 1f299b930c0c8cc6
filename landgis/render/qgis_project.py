"""A QGIS project (``.qgz``) of the atlas: the GeoPackage's layers, styled, and one A4 print layout per map.

The project is rendered from a Jinja2 template (``templates/qgis_project.qgs``, XML autoescaped), so no
QGIS is needed to write it. It refers to the GeoPackage by a relative path (the folder can be moved or
zipped), its CRS is the county's CGCS2000 Gauss-Krüger zone, every allocation style is in the layer's
style manager (right-click → Styles) and a map theme per map selects it; each print layout's map follows
its theme and carries the PNG's title, legend, scale bar, north arrow, footnote and source.

Examples
--------
>>> from landgis.render.qgis_project import write_qgis_outputs
>>> write_qgis_outputs(layer, "maps/lianzhou-2026")  # doctest: +SKIP
[PosixPath('maps/lianzhou-2026/图层.gpkg'), PosixPath('maps/lianzhou-2026/图集.qgz')]
"""

from __future__ import annotations

import math
import uuid
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
from pyproj import CRS

from landgis.catalog import LANGS, table
from landgis.county import County
from landgis.figures import Figures
from landgis.files import atomic_path
from landgis.render.gpkg_styles import (
    _ENV,
    ALLOCATION,
    FONT,
    OUTLINE,
    PARCELS,
    QGIS_VERSION,
    MapSpec,
    StyledLayers,
    Symbol,
    styled_layers,
    write_gpkg,
)
from landgis.render.text import boundary_note, texts
from landgis.units import UNIT_LABELS_EN, unit_label
from landgis.version import __version__

if TYPE_CHECKING:  # pragma: no cover
    from landgis.qa import QAResult

__all__ = ["GPKG_NAME", "PROJECT_NAME", "project_xml", "write_qgis_project", "write_qgis_outputs"]

GPKG_NAME = "图层.gpkg"
PROJECT_NAME = "图集.qgz"
PAGE = (297.0, 210.0)  # A4 landscape, mm
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)

_TEXT = {lang: table("qgis", lang) for lang in LANGS}


@dataclass
class _Box:
    """A layout item's frame in mm from the page's top-left corner."""

    x: float
    y: float
    w: float
    h: float
    id: str = ""
    uuid: str = ""


def _uid(*parts: str) -> str:
    """A stable UUID (the same inputs give the same project file)."""
    return "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "landgis:" + "/".join(parts))) + "}"


def _crs(crs: CRS) -> dict:
    auth = crs.to_authority() or ("", "")
    with warnings.catch_warnings():  # QGIS wants the PROJ string too, beside the WKT that is authoritative
        warnings.simplefilter("ignore", UserWarning)
        proj4 = crs.to_proj4()
    return {"wkt": crs.to_wkt(), "proj4": proj4, "srid": auth[1], "authid": ":".join(auth),
            "description": crs.name, "acronym": "tmerc"}


def _rgb(colour: str) -> tuple[int, int, int]:
    h = colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _nice_length(max_m: float) -> float:
    exp = 10 ** math.floor(math.log10(max_m))
    return next((s * exp for s in (5, 2, 1) if s * exp <= max_m), exp)


def _fit_extent(bounds, box: _Box, pad: float = 0.06) -> tuple[float, float, float, float]:
    """The layer's bounds with a margin, widened to the map frame's shape (equal scale in x and y)."""
    x0, y0, x1, y1 = bounds
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    w, h = (x1 - x0) * (1 + 2 * pad), (y1 - y0) * (1 + 2 * pad)
    ratio = box.h / box.w
    if h / w > ratio:
        w = h / ratio
    else:
        h = w * ratio
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def _layers(styled: StyledLayers, gpkg_name: str) -> list[dict]:
    """Layer entries, top of the drawing order first: parcels, outline, allocation."""
    order = [t for t in (PARCELS, OUTLINE, ALLOCATION) if t in styled.styles]
    out = []
    for table in order:
        frame = styled.frames[table]
        kinds = set(frame.geometry.dropna().geom_type)
        point = bool(kinds) and kinds <= {"Point", "MultiPoint"}
        polygon = bool(kinds) and kinds <= {"Polygon", "MultiPolygon"}
        x0, y0, x1, y1 = frame.geometry.dropna().total_bounds if len(frame.geometry.dropna()) else (0, 0, 0, 0)
        styles = styled.styles[table]
        out.append({
            "id": f"{table}_{_uid(table)[1:9]}", "table": table, "name": table,
            "source": f"./{gpkg_name}|layername={table}",
            "geometry": "Point" if point else "Polygon" if polygon else "Unknown geometry",
            "wkb_type": "Point" if point else "MultiPolygon" if polygon else "Unknown",
            "extent": (repr(float(x0)), repr(float(y0)), repr(float(x1)), repr(float(y1))),
            "styles": styles, "current": next(s for s in styles if s.default),
            "visible": True, "expanded": table == ALLOCATION, "abstract": styles[0].title,
        })
    return out


def _themes(styled: StyledLayers, layers: list[dict], lang: str) -> list[dict]:
    """One map theme per mapped column (the allocation layer in that style, with the outline)."""
    ids = {entry["table"]: entry["id"] for entry in layers}
    themes = [{"name": spec.name, "layers": [{"id": ids[OUTLINE], "style": None},
                                             {"id": ids[ALLOCATION], "style": spec.name}]}
              for spec in styled.specs]
    if PARCELS in ids:
        total = next(s.name for s in styled.specs if s.column == "total")
        themes.append({"name": _TEXT[lang]["parcels"], "layers": [
            {"id": ids[PARCELS], "style": None}, {"id": ids[OUTLINE], "style": None},
            {"id": ids[ALLOCATION], "style": total}]})
    return themes


def _summary(styled: StyledLayers, spec: MapSpec, lang: str) -> list[str]:
    """The PNG's summary under the legend, with the plan's stated figure for 全市 (全县 …: the county's level)."""
    t = table("qgis", lang, level=styled.level)

    u = unit_label(styled.unit) if lang == "zh" else UNIT_LABELS_EN[styled.unit]
    cls = spec.classification
    supplied = cls.values[cls.values > 0]
    if spec.column == "density":
        return [t["density"].format(n=len(supplied))]
    lines = []
    stated = styled.stated.get(spec.column)  # 全市: the plan's stated figure, not the township sum
    if stated is not None:
        lines.append(t["stated"].format(v=cls.format(float(stated)), u=u))
    lines.append(t["placed"].format(v=cls.format(float(supplied.sum())), u=u, n=len(supplied)))
    if len(supplied):
        name = str(supplied.idxmax())
        if lang == "en":  # the township's English name where the layer has one
            frame = styled.frames[ALLOCATION]
            hit = frame.loc[frame["township"] == name, "name_en"]
            name = str(hit.iloc[0]) if len(hit) and isinstance(hit.iloc[0], str) else name
        lines.append(t["top"].format(name=name, v=cls.format(float(supplied.max())), u=u))
    return lines


def _layout(styled: StyledLayers, spec: MapSpec, layers: list[dict], lang: str) -> dict:
    """One A4 landscape sheet laid out as the PNG: header, map left, legend right, small print below."""
    W, H = PAGE
    name = spec.name
    box = _Box(10.4, 27.3, 178.2, 160.7, uuid=_uid(name, "map"))
    alloc = next(entry for entry in layers if entry["table"] == ALLOCATION)
    box.extent = _fit_extent(styled.frames[ALLOCATION].total_bounds, box)
    m_per_mm = (box.extent[2] - box.extent[0]) / box.w
    length = _nice_length((box.extent[2] - box.extent[0]) * 0.28)
    segments = 5 if length / 10 ** math.floor(math.log10(length)) == 5 else 4
    seg_m = length / segments
    scalebar = _Box(box.x + box.w * 0.05, box.y + box.h * 0.95 - 9, segments * seg_m / m_per_mm + 14, 9,
                    uuid=_uid(name, "scalebar"))
    scalebar.segments, scalebar.segment_km = segments, repr(seg_m / 1000)
    scalebar.segment_mm, scalebar.unit_label = repr(seg_m / m_per_mm), _TEXT[lang]["km"]
    # An arrow without a letter (QGIS's NorthArrow_01), the word for north above it: 北, as on the PNG.
    north = _Box(box.x + box.w * 0.93 - 4, box.y + box.h * 0.06 + 6, 8, 11, uuid=_uid(name, "north"))
    legend = _Box(200.5, 30.0, 86.0, 60.0, uuid=_uid(name, "legend"))
    legend.title, legend.layer = spec.legend_title, alloc

    def label(text, x, y, w, h, size, colour, key, bold=False):
        b = _Box(x, y, w, h, uuid=_uid(name, "label", key))
        b.text, b.size, b.rgb, b.bold, b.halign, b.valign = text, size, _rgb(colour), bold, 1, 128
        return b

    labels = [label(spec.title, 10.4, 4.5, 276, 9, 17, spec.ink, "title"),
              label(spec.subtitle, 10.4, 14.0, 276, 6, 10.5, spec.muted, "subtitle")]
    labels.append(label(texts(lang)["north"], north.x - 2, north.y - 6.5, north.w + 4, 6, 10, spec.ink, "north"))
    labels[-1].halign = 4  # centred over the arrow
    for i, line in enumerate(_summary(styled, spec, lang)):
        labels.append(label(line, 200.5, 165.0 + i * 5.0, 86, 5, 8.5, spec.muted, f"summary{i}"))
    for i, line in enumerate(reversed(spec.footer)):
        labels.append(label(line, 10.4, H - 7.6 - i * 4.0 - 3.0, 276, 4, 6.5, spec.muted, f"footer{i}"))
    return {
        "name": name, "theme": name, "map": box, "legend": legend, "scalebar": scalebar, "north": north,
        "labels": labels,
        "page": _Box(0, 0, W, H, uuid=_uid(name, "page")), "page_symbol": Symbol("#ffffff", stroke=None),
        "neatline": _Box(3.6, 3.6, W - 7.2, H - 7.2, uuid=_uid(name, "neatline")),
        "neatline_symbol": Symbol(None, stroke=spec.ink, stroke_width=0.3),
        "rule": _Box(10.4, 24.0, 276.2, 0.3, uuid=_uid(name, "rule")),
        "rule_symbol": Symbol(spec.ink, stroke=None),
    }


def project_xml(styled: StyledLayers, *, gpkg_name: str = GPKG_NAME, title: str | None = None) -> str:
    """The ``.qgs`` XML of the project: layers from ``gpkg_name`` (beside it), themes and print layouts.

    Parameters
    ----------
    styled : StyledLayers
        From :func:`landgis.render.gpkg_styles.styled_layers`.
    gpkg_name : str
        The GeoPackage's file name, relative to the project.
    title : str, optional
        The project title (the atlas title by default).

    Returns
    -------
    str
    """
    lang = styled.lang
    layers = _layers(styled, gpkg_name)
    spec0 = styled.specs[0]
    project = {
        "title": title or spec0.title.split("：")[0].split(": ")[0],
        "abstract": "\n".join(spec0.footer), "crs": _crs(styled.crs), "layers": layers,
        "themes": _themes(styled, layers, lang),
        "layouts": [_layout(styled, spec, layers, lang) for spec in styled.specs],
        "font": FONT, "landgis_version": __version__, "language": "zh-CN" if lang == "zh" else "en",
    }
    return _ENV.get_template("qgis_project.qgs").render(project=project, version=QGIS_VERSION)


def write_qgis_project(styled: StyledLayers, path: str | Path, *, gpkg_name: str = GPKG_NAME) -> Path:
    """Write the project as ``.qgz`` (zipped, as QGIS saves it) or ``.qgs``, completely or not at all.

    Parameters
    ----------
    styled : StyledLayers
    path : str or Path
        ``….qgz`` or ``….qgs``; the GeoPackage ``gpkg_name`` is expected beside it.
    gpkg_name : str

    Returns
    -------
    Path
    """
    path = Path(path)
    xml = project_xml(styled, gpkg_name=gpkg_name).encode("utf-8")
    with atomic_path(path) as tmp:
        if path.suffix.lower() == ".qgs":
            tmp.write_bytes(xml)
        else:
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
                info = zipfile.ZipInfo(path.with_suffix(".qgs").name, date_time=_ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, xml)
    return path


def write_qgis_outputs(layer: gpd.GeoDataFrame, folder: str | Path, *, qa: QAResult | None = None,
                       unit: str = "ha", lang: str = "zh", county: County | str | None = None,
                       figures: Figures | None = None) -> list[Path]:
    """The atlas' GeoPackage (``图层.gpkg``) and QGIS project (``图集.qgz``) in ``folder``.

    Parameters
    ----------
    layer : geopandas.GeoDataFrame
        An allocation layer (:func:`landgis.allocation.join`).
    folder : str or Path
    qa : QAResult, optional
        Parcel checks: their parcels are added, styled by severity.
    unit : {"ha", "mu", "m2"}
    lang : {"zh", "en"}
    county : landgis.county.County or str
        The county of the layer (required).
    figures : landgis.figures.Figures, optional
        The run's figures; computed from ``layer`` when not given.

    Returns
    -------
    list of Path
    """
    folder = Path(folder)
    styled = styled_layers(layer, qa=qa, unit=unit, lang=lang, county=county, figures=figures)
    prov = layer.attrs.get("provenance") or {}
    note = boundary_note(prov, lang) or ""
    gpkg = write_gpkg(styled, folder / GPKG_NAME, description=note)
    return [gpkg, write_qgis_project(styled, folder / PROJECT_NAME, gpkg_name=GPKG_NAME)]
