"""Township borders simplified for drawing: topologically, once per layer, projection and tolerance.

Print maps (half a printed dot) and the web map (half a screen pixel) draw simplified borders; the
analysis keeps the full geometry. Townships share their borders, so the simplification is
:func:`shapely.coverage_simplify`: neighbours keep one border and no gap opens between them. An
atlas draws the same layer a dozen times, so the result is kept (a few entries, keyed by the
geometry's bytes, the projection and the tolerance): a layer of millions of vertices is simplified
once per kind of map, not once per map.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS

from landgis.cpus import default_threads

__all__ = ["simplify_for_drawing"]

_KEEP = 6  # simplified layers kept
_GRID = 32  # a dense layer is snapped to tolerance / _GRID before simplifying
_kept: "OrderedDict[tuple, np.ndarray]" = OrderedDict()
_lock = threading.Lock()


def simplify_for_drawing(geometry: gpd.GeoSeries, crs, tolerance_m: float) -> gpd.GeoSeries:
    """``geometry`` projected to ``crs`` and simplified to ``tolerance_m`` metres, borders kept shared.

    Parameters
    ----------
    geometry : geopandas.GeoSeries
        Township polygons, with a CRS.
    crs : pyproj.CRS or anything pyproj accepts
        A projected CRS in metres.
    tolerance_m : float
        How far a border may move.

    Returns
    -------
    geopandas.GeoSeries
        In ``crs``, same index. A valid coverage stays one (:func:`shapely.coverage_simplify`); a
        layer that is not one (overlaps, borders that do not match) is simplified feature by feature,
        topology preserved.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> towns = gpd.GeoSeries([shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)], crs=3857).segmentize(0.01)
    >>> drawn = simplify_for_drawing(towns, 3857, 0.05)
    >>> shapely.get_num_coordinates(drawn.to_numpy()).tolist(), bool(shapely.coverage_is_valid(drawn.to_numpy()))
    ([5, 5], True)
    """
    crs = CRS.from_user_input(crs)
    key = (_fingerprint(geometry), crs.to_wkt(), float(tolerance_m))
    with _lock:
        simple = _kept.get(key)
        if simple is not None:
            _kept.move_to_end(key)
    if simple is None:
        simple = _simplify(geometry.to_crs(crs).to_numpy(), float(tolerance_m))
        with _lock:
            _kept[key] = simple
            while len(_kept) > _KEEP:
                _kept.popitem(last=False)
    return gpd.GeoSeries(simple, index=geometry.index, crs=crs)


def _simplify(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    """Coverage simplification when its result is a clean coverage, else feature by feature.

    ``coverage_simplify`` costs about 2 µs a vertex. A layer much denser than the tolerance (vertices
    centimetres apart, as exports of surveyed borders are) is first snap-rounded to a grid of
    ``tolerance / 32``: borders move by a few hundredths of the tolerance and most vertices go (a
    coarser grid also drops parts thinner than itself, and moved borders farther). Should that
    not give a clean coverage, the layer is simplified as it is. The result is checked rather than the
    input: checking a layer of millions of vertices takes as long as simplifying it, and an input that
    is not a coverage leaves overlaps in the result.
    """
    sources = [geoms]
    grid = tolerance / _GRID
    if _spacing(geoms) < grid / 4:
        snapped = _snapped(geoms, grid)
        if snapped is not None:
            sources.insert(0, snapped)
    for source in sources:
        simple = _coverage_simplify(source, tolerance)
        if simple is not None and not (shapely.is_empty(simple) & ~shapely.is_empty(geoms)).any():
            return simple
    return shapely.simplify(geoms, tolerance, preserve_topology=True)


def _spacing(geoms: np.ndarray) -> float:
    """The mean distance between consecutive vertices of the layer's borders."""
    return float(shapely.length(geoms).sum() / max(1, shapely.get_num_coordinates(geoms).sum()))


def _snapped(geoms: np.ndarray, grid: float) -> np.ndarray | None:
    """``geoms`` snap-rounded to ``grid``, kept valid; shared borders round alike. None if GEOS fails.

    Feature by feature on the machine's cores (GEOS releases the GIL): it is the costly step.
    """
    def snap(geom):
        return shapely.remove_repeated_points(shapely.set_precision(geom, grid, mode="valid_output"))

    try:
        with ThreadPoolExecutor(default_threads()) as pool:
            return np.array(list(pool.map(snap, geoms)), dtype=object)
    except shapely.errors.GEOSException:
        return None


def _coverage_simplify(geoms: np.ndarray, tolerance: float) -> np.ndarray | None:
    """``shapely.coverage_simplify`` of ``geoms``, or None when its result is not a valid coverage."""
    try:
        simple = shapely.coverage_simplify(geoms, tolerance, simplify_boundary=True)
    except shapely.errors.GEOSException:
        return None
    return simple if shapely.is_valid(simple).all() and shapely.coverage_is_valid(simple) else None


def _fingerprint(geometry: gpd.GeoSeries) -> tuple:
    """What identifies a layer's geometry: a hash of its bytes, its CRS and its length."""
    digest = hashlib.blake2b(digest_size=16)
    for wkb in shapely.to_wkb(geometry.to_numpy(), flavor="iso"):
        digest.update(b"" if wkb is None else wkb)
        digest.update(b"|")
    crs = geometry.crs.to_wkt() if geometry.crs is not None else None
    return digest.hexdigest(), crs, len(geometry)
