"""Page furniture of the printed maps: projection, page, header and footer, scale bar, north arrow,
township labels and the locator map.

Every map is drawn in a Gauss-Krüger projection of the county (CGCS2000, 3° zone, central-meridian
form, :func:`plot_crs`), so that the scale bar is true.
"""

from __future__ import annotations

import math
from typing import Sequence

import geopandas as gpd
import matplotlib
import matplotlib.lines
import numpy as np
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Polygon, Rectangle
from pyproj import CRS
from shapely.ops import polylabel

from landgis.catalog import message
from landgis.county import County, resolve_county
from landgis.crs import gk3_epsg, layer_centre
from landgis.errors import InputError
from landgis.render.simplify import simplify_for_drawing
from landgis.render.text import prefecture_name, texts

__all__ = ["plot_crs", "drawing_layer", "drawing_tolerance", "page", "header", "footer", "scale_bar", "north_arrow", "place_labels", "label_point",
           "locator", "prefecture_layer", "frame_map", "A4_LANDSCAPE", "INK", "MUTED"]

A4_LANDSCAPE = (297 / 25.4, 210 / 25.4)
INK = "#222222"
MUTED = "#5a5a5a"


def plot_crs(layer: gpd.GeoDataFrame, county: County | None = None) -> CRS:
    """The CGCS2000 3° Gauss-Krüger zone (central-meridian form, EPSG:4534–4554) of a layer's centre.

    Parameters
    ----------
    layer : geopandas.GeoDataFrame

    Returns
    -------
    pyproj.CRS
    """
    if layer.crs is None:
        raise InputError(message("the layer has no CRS; cannot project it for a map"))

    geometry = layer.geometry
    if (geometry.isna() | geometry.is_empty).all():  # a county's townships without geometry (no layer given)
        geometry = resolve_county(county, what="a map of townships without geometry").outline().geometry
    lon = layer_centre(geometry)[0]
    try:
        return CRS.from_epsg(gk3_epsg(lon, prefix=False))
    except ValueError:  # outside China's zones: UTM of the centre
        return CRS.from_epsg(32600 + int((lon + 180) // 6) + 1)


def drawing_tolerance(layer_p: gpd.GeoDataFrame | gpd.GeoSeries, *, width_in: float = 7.0, dpi: int = 300) -> float:
    """Ground distance of half a printed dot: what a border may move without a visible change.

    The layer's larger extent (in a projected CRS) is drawn ``width_in`` inches wide at ``dpi`` (the
    A4 sheet's map is about 7 in), so half a dot is ``extent / (width_in * dpi) / 2`` metres.
    """
    x0, y0, x1, y1 = layer_p.total_bounds
    return max(x1 - x0, y1 - y0) / (width_in * dpi) / 2


def drawing_layer(layer: gpd.GeoDataFrame, crs: CRS, *, width_in: float = 7.0, dpi: int = 300) -> gpd.GeoDataFrame:
    """The layer projected for a map and simplified for DRAWING only (analysis keeps the full geometry).

    Townships share their borders, so the simplification is topological
    (:func:`shapely.coverage_simplify`): neighbours keep one border and no gap opens between them.
    The tolerance is half a printed dot (:func:`drawing_tolerance`), so a layer of millions of
    vertices draws into files of a few MB and looks the same; it is simplified once for all the maps
    of a size (:func:`landgis.render.simplify.simplify_for_drawing`). A layer that is not a valid
    coverage (overlaps, borders that do not match) is simplified feature by feature, topology preserved.

    Parameters
    ----------
    layer : geopandas.GeoDataFrame
    crs : pyproj.CRS
        The map's projected CRS (metres), :func:`plot_crs`.
    width_in, dpi : float, int
        Printed width of the map and the resolution it is drawn for.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy in ``crs`` with simplified geometry; attributes unchanged.
    """

    # The extent from the features' projected boxes: a few vertices each, however dense the layer.
    tolerance = drawing_tolerance(layer.geometry.envelope.to_crs(crs), width_in=width_in, dpi=dpi)
    drawn = simplify_for_drawing(layer.geometry, crs, tolerance)
    out = layer.copy()
    out[layer.geometry.name] = drawn
    return out.set_crs(drawn.crs, allow_override=True)


def halo(width: float = 2.6, colour: str = "white") -> list:
    return [patheffects.withStroke(linewidth=width, foreground=colour)]


def nice_length(max_m: float) -> float:
    """A round scale-bar length (1, 2 or 5 × 10ⁿ metres) not longer than ``max_m``."""
    exp = 10 ** math.floor(math.log10(max_m))
    for step in (5, 2, 1):
        if step * exp <= max_m:
            return step * exp
    return exp


def scale_bar(ax, lang: str, *, loc: tuple[float, float] = (0.05, 0.05), frac: float = 0.28, fontsize: float = 7.5) -> None:
    """A checkered scale bar in kilometres; true because the axes are in metres of a conformal projection."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = nice_length((x1 - x0) * frac)
    first = length / 10 ** math.floor(math.log10(length))  # 1, 2 or 5
    segments = 5 if first == 5 else 4
    seg = length / segments
    h = (y1 - y0) * 0.011
    bx = x0 + (x1 - x0) * loc[0]
    by = y0 + (y1 - y0) * loc[1]
    for i in range(segments):
        ax.add_patch(Rectangle((bx + i * seg, by), seg, h, facecolor=INK if i % 2 == 0 else "white",
                               edgecolor=INK, linewidth=0.6, zorder=30))
    ticks = [0, segments] if segments % 2 else [0, segments // 2, segments]
    for i in ticks:
        ax.text(bx + i * seg, by + h * 1.9, f"{i * seg / 1000:g}", ha="center", va="bottom", fontsize=fontsize,
                color=INK, zorder=30, path_effects=halo(2))
    ax.text(bx + length + seg * 0.25, by + h / 2, texts(lang)["km"], ha="left", va="center",
            fontsize=fontsize, color=INK, zorder=30, path_effects=halo(2))


def north_arrow(ax, lang: str, *, loc: tuple[float, float] = (0.93, 0.86), size: float = 0.075, fontsize: float = 9) -> None:
    """A half-filled north arrow; grid north of a Gauss-Krüger map is within a degree of true north here."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    h = (y1 - y0) * size
    w = h * 0.42
    cx = x0 + (x1 - x0) * loc[0]
    cy = y0 + (y1 - y0) * loc[1]
    tip, base_l, base_r, notch = (cx, cy + h / 2), (cx - w / 2, cy - h / 2), (cx + w / 2, cy - h / 2), (cx, cy - h / 4)
    ax.add_patch(Polygon([tip, base_l, notch], closed=True, facecolor="white", edgecolor=INK, linewidth=0.8, zorder=30))
    ax.add_patch(Polygon([tip, notch, base_r], closed=True, facecolor=INK, edgecolor=INK, linewidth=0.8, zorder=30))
    ax.text(cx, cy + h / 2 + h * 0.08, texts(lang)["north"], ha="center", va="bottom", fontsize=fontsize,
            color=INK, zorder=30, path_effects=halo(2))


def label_point(geom):
    """Pole of inaccessibility: the label sits well inside even a concave township."""

    poly = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
    try:
        return polylabel(poly, tolerance=max(poly.length / 500, 1.0))
    except Exception:  # noqa: BLE001 - degenerate shapes: fall back to shapely's own point
        return poly.representative_point()


def is_dark(colour: str) -> bool:
    return float(np.array(to_rgb(colour)) @ [0.2126, 0.7152, 0.0722]) < 0.33


def place_labels(ax, items: list[tuple], fontsize: float) -> None:
    """Township labels with halos; a label that would overlap one already placed is nudged.

    ``items`` are ``(x, y, text, area)`` or ``(x, y, text, area, fill)``; on a dark fill the
    label is white with a dark halo.
    """
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    placed = []
    # Largest townships first: they have the most room, the small ones move.
    for x, y, text, weight, *fill in sorted(items, key=lambda it: -it[3]):
        dark = bool(fill) and is_dark(fill[0])
        artist = ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, zorder=25,
                         color="white" if dark else INK, linespacing=1.15,
                         path_effects=halo(2.4, "#1b1b1b" if dark else "white"))
        bbox = artist.get_window_extent(renderer).expanded(1.04, 1.08)
        if any(bbox.overlaps(b) for b in placed):
            h = bbox.height
            inv = ax.transData.inverted()
            for dx, dy in ((0, -h), (0, h), (bbox.width * 0.6, 0), (-bbox.width * 0.6, 0), (0, -1.6 * h), (0, 1.6 * h)):
                px, py = ax.transData.transform((x, y))
                artist.set_position(inv.transform((px + dx, py + dy)))
                bbox = artist.get_window_extent(renderer).expanded(1.04, 1.08)
                if not any(bbox.overlaps(b) for b in placed):
                    break
        placed.append(bbox)


def prefecture_layer(county: County, prefecture: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
    """The counties around ``county`` for the locator map: ``prefecture`` when given, else its prefecture's."""
    if prefecture is not None:
        return prefecture
    try:
        return county.prefecture_outline()
    except Exception:  # noqa: BLE001 - a missing locator layer must not stop the maps
        return None


def locator(fig: Figure, rect: Sequence[float], layer_p: gpd.GeoDataFrame, pref: gpd.GeoDataFrame,
             crs: CRS, lang: str, county: County) -> None:
    ax = fig.add_axes(rect)
    pref_p = pref.to_crs(crs)
    shape = layer_p.union_all()
    pref_p.plot(ax=ax, facecolor="#f1f1ee", edgecolor="#b4b4b4", linewidth=0.4)
    gpd.GeoSeries([shape], crs=crs).plot(ax=ax, facecolor="#c0392b", edgecolor="#7b241c", linewidth=0.5)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for s in ax.spines.values():
        s.set_linewidth(0.6)
        s.set_color(MUTED)
    county_name = county.name_en if lang == "en" else county.name
    pref_name = prefecture_name(county, lang)
    ax.set_title(texts(lang)["locator"].format(county=county_name, pref=pref_name), fontsize=8, color=MUTED, pad=3)


class _PageCanvas(FigureCanvasAgg):
    """Agg, rendering a sheet only when it is saved.

    geopandas' ``plot`` ends with ``canvas.draw_idle()``, which on Agg renders the whole figure at once:
    a sheet drawn in ten layers was rendered ten times before it was saved.
    """

    def draw_idle(self, *args, **kwargs) -> None:
        pass


def page(lang: str) -> tuple[Figure, dict]:
    fig = Figure(figsize=A4_LANDSCAPE, dpi=100)
    _PageCanvas(fig)
    fig.patch.set_facecolor("white")
    # Neat line around the sheet, as on a printed map.
    fig.add_artist(Rectangle((0.012, 0.017), 0.976, 0.966, transform=fig.transFigure, fill=False,
                             edgecolor=INK, linewidth=0.9))
    return fig, texts(lang)


def header(fig: Figure, title: str, subtitle: str) -> None:
    fig.text(0.035, 0.935, title, fontsize=17, color=INK, ha="left", va="baseline")
    fig.text(0.035, 0.900, subtitle, fontsize=10.5, color=MUTED, ha="left", va="baseline")
    fig.add_artist(matplotlib.lines.Line2D([0.035, 0.965], [0.885, 0.885], transform=fig.transFigure,
                                           color=INK, linewidth=0.8))


def footer(fig: Figure, lines: list[str], y0: float = 0.028) -> None:
    for i, line in enumerate(reversed(lines)):
        fig.text(0.035, y0 + i * 0.019, line, fontsize=6.5, color=MUTED, ha="left", va="baseline")


def frame_map(ax, layer_p: gpd.GeoDataFrame, pad: float = 0.05) -> None:
    """Fit the layer in the axes at equal scale in x and y, centred, with a margin."""
    x0, y0, x1, y1 = layer_p.total_bounds
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    w, h = (x1 - x0) * (1 + 2 * pad), (y1 - y0) * (1 + 2 * pad)
    bbox = ax.get_position(original=True)
    fw, fh = ax.figure.get_size_inches()
    box_ratio = (bbox.height * fh) / (bbox.width * fw)
    if h / w > box_ratio:
        w = h / box_ratio
    else:
        h = w * box_ratio
    ax.set_xlim(cx - w / 2, cx + w / 2)
    ax.set_ylim(cy - h / 2, cy + h / 2)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for s in ax.spines.values():
        s.set_linewidth(0.7)
        s.set_color(INK)


