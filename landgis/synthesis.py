"""Synthesis of township boundaries, and how well a layer partitions its county.

- :func:`synthesize` partitions a county outline into townships around their seats so that each has a
  chosen area: the general algorithm behind the shipped (illustrative) layer (``boundaries/build.py``).
- :func:`validate_partition` measures how well a layer partitions an outline (:class:`PartitionReport`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

from landgis.crs import WORKING_CRS, area_km2, equal_area_crs
from landgis.catalog import message
from landgis.errors import LandgisError

# scipy (the build extra, for synthesis only) is imported inside functions: loading layers does not need it.

__all__ = [
    "SYNTHETIC_FOOTNOTE",
    "SYNTHETIC_FOOTNOTE_EN",
    "synthesize",
    "validate_partition",
    "PartitionReport",
    "area_km2",
]

SYNTHETIC_FOOTNOTE = "乡镇界线为示意，依据镇（乡）政府驻地与公布面积推算，不作为权属界线依据"
SYNTHETIC_FOOTNOTE_EN = (
    "Township boundaries are illustrative, derived from township seats and published areas; "
    "they are not legal boundaries."
)


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
    _check_arguments(k, areas, shares, method)
    laea = _local_equal_area(outline)
    fwd = Transformer.from_crs(WORKING_CRS, laea, always_xy=True)
    inv = Transformer.from_crs(laea, WORKING_CRS, always_xy=True)
    poly, seat_pts = _project(outline, seats, fwd, cell_m)
    targets, chosen = _targets(poly, seat_pts, areas, shares, tolerance)
    raster = _rasterise(poly, seat_pts, cell_m)
    power = method == "power"
    simplify = 1.5 * cell_m if simplify_m is None else simplify_m
    parts, got = _fit_partition(raster, poly, seat_pts, targets * 1e6, tolerance=tolerance, simplify=simplify,
                                power=power)
    geoms = [shapely.transform(p, lambda c: np.column_stack(inv.transform(c[:, 0], c[:, 1]))) for p in parts]
    return gpd.GeoDataFrame(
        {"target_km2": targets, "area_km2": got / 1e6, "chosen": chosen},
        geometry=geoms,
        crs=WORKING_CRS,
    )


def _check_arguments(k: int, areas, shares, method: str) -> None:
    if len(areas) != k:
        raise LandgisError(message("synthesize: {k} seats but {n} areas", k=k, n=len(areas)))
    if not isinstance(shares, str) and len(shares) != k:
        raise LandgisError(message("synthesize: {k} seats but {n} shares", k=k, n=len(shares)))
    if isinstance(shares, str) and shares not in ("thiessen", "equal"):
        raise LandgisError(message("synthesize: shares must be 'thiessen', 'equal' or a list of weights, not "
                                   "{shares!r}", shares=shares))
    if method not in ("additive", "power"):
        raise LandgisError(message("synthesize: method must be 'additive' or 'power', not {method!r}",
                                   method=method))


def _local_equal_area(outline: BaseGeometry) -> CRS:
    minx, miny, maxx, maxy = outline.bounds
    return equal_area_crs(round((minx + maxx) / 2, 2), round((miny + maxy) / 2, 2))


def _project(outline: BaseGeometry, seats, fwd: Transformer, cell_m: float):
    """The outline and the seats in the equal-area projection; every seat must lie inside."""
    # Densify first, so that straight edges in degrees stay (nearly) straight in both projections.
    dense = shapely.segmentize(outline, cell_m / 111_000.0)
    poly = shapely.transform(dense, lambda c: np.column_stack(fwd.transform(c[:, 0], c[:, 1])))
    seat_pts = [shapely.Point(*fwd.transform(lon, lat)) for lon, lat in seats]
    for i, p in enumerate(seat_pts):
        if not poly.contains(p):
            raise LandgisError(message("synthesize: seat {i} {seat} lies outside the outline", i=i,
                                       seat=tuple(seats[i])))
    return poly, seat_pts


def _targets(poly: BaseGeometry, seat_pts, areas, shares, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """The target area (km²) of each township, and which were chosen (given) rather than shared."""
    k = len(seat_pts)
    total = poly.area / 1e6
    chosen = np.array([a is not None for a in areas])
    given = np.array([float(a) if a is not None else 0.0 for a in areas])
    remainder = total - given.sum()
    if not (~chosen).any():
        if abs(remainder) / total > tolerance:
            raise LandgisError(message("synthesize: chosen areas sum to {given:.1f} km², the outline has {total:.1f}",
                                       given=given.sum(), total=total))
        return given, chosen
    if remainder <= 0:
        raise LandgisError(message("synthesize: chosen areas ({given:.1f} km²) leave nothing of the outline's "
                                   "{total:.1f} km² for the others", given=given.sum(), total=total))
    if shares == "thiessen":
        cells = shapely.voronoi_polygons(shapely.MultiPoint(seat_pts), extend_to=poly, ordered=True)
        sh = np.array([shapely.intersection(c, poly).area for c in cells.geoms])
    elif shares == "equal":
        sh = np.ones(k)
    else:
        sh = np.asarray(shares, dtype=float)
    sh = np.where(chosen, 0.0, sh)
    return np.where(chosen, given, remainder * sh / sh.sum()), chosen


@dataclass(frozen=True)
class _Raster:
    """Every cell that touches the outline, with its exact share of the outline's area."""

    active: np.ndarray  # (nrow, ncol) bool
    frac_area: np.ndarray  # m² of outline in each active cell
    x0: float
    y0: float
    cell: float
    cx: np.ndarray  # centres of the active cells
    cy: np.ndarray
    seats_rc: list[tuple[int, int]]


def _rasterise(poly: BaseGeometry, seat_pts, cell_m: float) -> _Raster:
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
    return _Raster(active=active, frac_area=frac[active], x0=x0, y0=y0, cell=cell_m,
                   cx=x0 + (xx + 0.5) * cell_m, cy=y0 - (yy + 0.5) * cell_m, seats_rc=seats_rc)


def _fit_partition(raster: _Raster, poly: BaseGeometry, seat_pts, targets_m2: np.ndarray, *, tolerance: float,
                   simplify: float, power: bool) -> tuple[list[BaseGeometry], np.ndarray]:
    """Fit the weights, polygonise, clip and simplify; refit on the final polygons' areas (up to 6 rounds)."""
    k = len(seat_pts)
    sx = np.array([p.x for p in seat_pts])
    sy = np.array([p.y for p in seat_pts])
    dist = _distances(raster.cx, raster.cy, sx, sy, power)
    w = np.zeros(k)
    goal = targets_m2.copy()
    for _round in range(6):
        w, _ = _fit_weights(dist, raster.frac_area, goal, w, tol=tolerance / 4, power=power)
        parts = _regions(raster, dist, w, poly, seat_pts, simplify)
        got = np.array([p.area for p in parts])
        err = (got - targets_m2) / targets_m2
        if np.abs(err).max() < tolerance:
            break
        goal = goal * targets_m2 / got
    else:
        if np.abs(err).max() >= 4 * tolerance:
            raise LandgisError(message("synthesize: areas off by up to {err:.1%} after refitting",
                                       err=np.abs(err).max()))
    return parts, got


def _regions(raster: _Raster, dist: np.ndarray, w: np.ndarray, poly: BaseGeometry, seat_pts,
             simplify: float) -> list[BaseGeometry]:
    """One polygon per township for the weights ``w``: each holds its seat, edges shared exactly."""
    k = len(seat_pts)
    labels = -np.ones(raster.active.shape, dtype=np.int64)
    labels[raster.active] = _assign(dist, w)
    for i, rc in enumerate(raster.seats_rc):
        if labels[rc] != i:
            raise LandgisError(message("synthesize: township {i} cannot reach its area without losing its seat to "
                                       "township {j}; check the seats and the chosen areas", i=i,
                                       j=labels[rc]))
    labels = _relabel_fragments(labels, raster.seats_rc)
    parts = _polygonize(labels, raster.x0, raster.y0, raster.cell, k)
    parts = [shapely.intersection(p, poly) for p in parts]
    parts = [shapely.union_all([g for g in shapely.get_parts(p) if g.geom_type == "Polygon"]) for p in parts]
    parts = _single_parts(parts, seat_pts)
    return list(shapely.coverage_simplify(np.array(parts, dtype=object), simplify, simplify_boundary=False))


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

