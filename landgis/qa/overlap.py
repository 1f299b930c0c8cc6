"""Fast overlap areas of parcels with one constraint layer (永久基本农田, 生态保护红线, 城镇开发边界 …).

:class:`OverlapIndex` gives, for each parcel, the area it shares with each polygon of the layer: the same
areas as ``geopandas.overlay(how="intersection")`` (see ``benchmarks/bench_constraints.py``), without
building a single intersection geometry in the usual case.

How: candidate pairs come from an STRtree of the layer (bounding boxes). Each parcel is cut into convex
pieces (itself when convex; a fan of triangles when convex with many corners; GEOS' constrained
Delaunay triangles otherwise). The area of a convex piece ∩ a polygon follows from Green's theorem: the
parts of the polygon's edges inside the piece (clipped by the piece's half-planes) plus the parts of
the piece's edges inside the polygon (split where polygon edges cross them; in or out at the piece's
first corner by an even–odd ray count), each adding (x dy − y dx)/2, in coordinates local to each piece
(Gauss-Krüger eastings of 38 500 000 m would cost digits). The loops are compiled with numba
(:mod:`landgis.qa.overlap_kernels`); the layer's edges are kept in runs of consecutive edges with their
boxes, so a pair only looks at the few runs near its piece. A pair with a polygon corner on a piece's
edge line, or a crossing at an edge's end (shared boundaries, touching corners), is degenerate for this
arithmetic and left to GEOS' ``intersection``; so are invalid parcels.

Queries run on several threads (the kernels and GEOS release the GIL); nothing is prepared, so nothing
is shared that a thread could change.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import shapely

from landgis.cpus import default_threads
from landgis.extras import available

# numba is the ``fast`` extra: without it, every pair's area is GEOS' ``intersection`` (the same areas, slower).
FAST = available("numba")
if FAST:
    from landgis.qa.overlap_kernels import convex_pieces, prepare_edges, ring_offsets, unit_areas

__all__ = ["OverlapIndex"]

_MIN_ROWS = 5_000  # parcels per thread: fewer are not worth a thread
_CHUNK = 1 << 14   # parcels per step of a thread
_RUN = 16          # layer edges per run
_K = 8             # most corners of a convex piece; more are cut into a fan of triangles
_EPS = 1e-6        # metres: a corner this close to a line, or a crossing this close to an edge's end, is degenerate


def _spans(n: int, threads: int, least: int) -> list[slice]:
    k = max(1, min(threads, n // least))
    edges = np.linspace(0, n, k + 1).astype(np.intp)
    return [slice(a, b) for a, b in zip(edges[:-1], edges[1:])]


def _ranges(starts: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(owner, index): ``counts[i]`` consecutive indices from ``starts[i]``, for every i."""
    counts = np.asarray(counts, dtype=np.int64)
    owner = np.repeat(np.arange(len(counts)), counts)
    first = np.cumsum(counts) - counts
    return owner, np.repeat(np.asarray(starts, dtype=np.int64) - first, counts) + np.arange(counts.sum())


def _ragged(polys: np.ndarray):
    """Coordinates, ring offsets, and each ring's polygon (feature) and whether it is a shell.

    By ``get_coordinates`` (one pass) and ring ends found where a ring's first point comes back;
    ``to_ragged_array`` (several passes) where that does not add up.
    """

    multi = shapely.get_type_id(polys) == 6
    parts, owner = shapely.get_parts(polys, return_index=True) if multi.any() else (polys, np.arange(len(polys)))
    xy = shapely.get_coordinates(parts)
    count = shapely.get_num_coordinates(parts).astype(np.int64)
    rings = shapely.get_num_interior_rings(parts).astype(np.int64) + 1
    off, ring_part, ok = ring_offsets(xy, np.cumsum(count) - count, count, rings)
    if ok:
        shell = np.zeros(len(ring_part), bool)
        shell[np.cumsum(rings) - rings] = True
        return xy, off, owner[ring_part].astype(np.int64), shell
    kind, xy, offsets = shapely.to_ragged_array(polys)
    if int(kind) == 3:  # Polygon
        rings, parts = offsets
        part_owner = np.arange(len(parts) - 1)
    else:
        rings, parts, multi = offsets
        part_owner = np.repeat(np.arange(len(multi) - 1), np.diff(multi))
    ring_part = np.repeat(np.arange(len(parts) - 1), np.diff(parts))
    shell = np.zeros(len(rings) - 1, bool)
    shell[parts[:-1][np.diff(parts) > 0]] = True
    return np.ascontiguousarray(xy, dtype=float), rings.astype(np.int64), part_owner[ring_part].astype(np.int64), shell


class _Edges:
    """A layer's ring edges for the kernel: coordinates, a weight per edge start, runs with boxes."""

    def __init__(self, polys: np.ndarray) -> None:

        self.xy, rings, owner, shell = _ragged(polys)
        (self.weight, self.run_start, self.run_count, self.run_first, self.run_len,
         self.run_box) = prepare_edges(self.xy, rings, owner, shell, len(polys), _RUN)


def _convex_pieces(geoms: np.ndarray):
    """Convex pieces of polygons: (owner, corners (pieces, _K, 2) counter-clockwise, corner count, valid).

    A convex polygon without holes is one piece (a fan of triangles when it has more than ``_K``
    corners); any other polygon is cut into GEOS' constrained Delaunay triangles.
    """

    present = np.not_equal(geoms, None)
    present[present] = ~shapely.is_empty(geoms[present])
    simple = present & (shapely.get_type_id(geoms) == 3)
    simple[simple] = shapely.get_num_interior_rings(geoms[simple]) == 0
    idx = np.flatnonzero(simple)
    xy, which = shapely.get_coordinates(geoms[idx], return_index=True)
    count = np.bincount(which, minlength=len(idx))
    owner, verts, vcount, convex = convex_pieces(np.ascontiguousarray(xy), np.cumsum(count) - count, count, _K)
    owner = idx[owner]
    valid = np.zeros(len(geoms), bool)
    valid[idx[convex]] = True
    rest = np.flatnonzero(present & ~valid)
    ok = shapely.is_valid(geoms[rest])
    valid[rest[ok]] = True
    rest = rest[ok]  # invalid polygons get no pieces: the caller leaves them to GEOS
    if len(rest):
        tri, of = shapely.get_parts(shapely.constrained_delaunay_triangles(geoms[rest]), return_index=True)
        tri = shapely.orient_polygons(tri, exterior_cw=False)
        txy = shapely.get_coordinates(tri).reshape(len(tri), 4, 2)[:, :3]
        tv = np.full((len(tri), _K, 2), np.nan)
        tv[:, :3] = txy
        owner = np.concatenate([owner, rest[of]])
        verts = np.concatenate([verts, tv])
        vcount = np.concatenate([vcount, np.full(len(tri), 3, np.int64)])
    return owner, verts, vcount, valid


def _areas(unit_piece, unit_poly, verts, vcount, edges: _Edges):
    """Area of (convex piece ∩ layer polygon) per unit, and where it is degenerate (compiled kernel)."""

    area = np.empty(len(unit_piece))
    bad = np.empty(len(unit_piece), dtype=np.bool_)
    unit_areas(np.ascontiguousarray(verts), vcount.astype(np.int64), unit_piece.astype(np.int64),
               unit_poly.astype(np.int64), edges.run_start, edges.run_count, edges.run_box, edges.run_first,
               edges.run_len, edges.xy, edges.weight, _EPS, area, bad)
    return area, bad


class OverlapIndex:
    """A constraint layer, ready to be overlaid with parcels.

    Parameters
    ----------
    polygons : array-like of shapely geometries
        The layer's polygons, valid, in the parcels' projected CRS; other types and empties are left
        out. Polygons of a layer are taken not to overlap each other (a 三区三线 layer does not); where
        they do, a parcel's area in both counts for each, as with ``geopandas.overlay``.
    threads : int, optional
        Threads for large queries (default :func:`landgis.cpus.default_threads`); 1 where the caller
        already runs one query per core.

    Examples
    --------
    >>> import shapely
    >>> idx = OverlapIndex([shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10)])
    >>> idx.overlaps([shapely.box(5, 5, 15, 15), shapely.box(30, 30, 31, 31)])
       parcel  feature  area
    0       0        0  25.0
    1       0        1  25.0
    >>> idx.per_parcel([shapely.box(5, 5, 15, 15), shapely.box(30, 30, 31, 31)]).tolist()
    [50.0, 0.0]
    """

    def __init__(self, polygons, *, threads: int | None = None) -> None:
        polys = np.asarray(polygons, dtype=object)
        keep = np.isin(shapely.get_type_id(polys), (3, 6)) & ~shapely.is_empty(polys)
        self.feature = np.flatnonzero(keep)  # position in ``polygons`` of each indexed polygon
        self.polygons = polys[keep]
        self.threads = threads or default_threads()
        self._tree = shapely.STRtree(self.polygons)
        self._edges = _Edges(self.polygons) if len(self.polygons) and FAST else None
        self.by_geos = 0  # pairs last left to GEOS (degenerate or invalid), for the curious

    def overlaps(self, geoms) -> pd.DataFrame:
        """Area of each parcel in each layer polygon it overlaps.

        Parameters
        ----------
        geoms : array-like of shapely geometries
            Parcels in the layer's CRS; points, lines, None and empties overlap nothing.

        Returns
        -------
        pandas.DataFrame
            ``parcel`` (position in ``geoms``), ``feature`` (position in the layer's ``polygons`` as
            given) and ``area`` (CRS units²): one row per pair with a positive overlap, ordered by
            parcel then feature.
        """
        geoms = np.asarray(geoms, dtype=object)
        spans = _spans(len(geoms), self.threads, _MIN_ROWS)
        if len(spans) == 1:
            parts = [self._span(geoms, spans[0])]
        else:
            with ThreadPoolExecutor(len(spans), thread_name_prefix="landgis-overlap") as pool:
                parts = list(pool.map(lambda span: self._span(geoms, span), spans))
        self.by_geos = sum(p[3] for p in parts)
        return pd.DataFrame({"parcel": np.concatenate([p[0] for p in parts]).astype(np.int64),
                             "feature": np.concatenate([p[1] for p in parts]).astype(np.int64),
                             "area": np.concatenate([p[2] for p in parts]).astype(float)})

    def per_parcel(self, geoms) -> np.ndarray:
        """Overlap area of each parcel with the whole layer (0 for none), in ``geoms`` order."""
        pairs = self.overlaps(geoms)
        return np.bincount(pairs["parcel"].to_numpy(), weights=pairs["area"].to_numpy(), minlength=len(geoms))

    def _span(self, geoms: np.ndarray, span: slice) -> tuple:
        out = [self._pairs(geoms[a:min(a + _CHUNK, span.stop)], a) for a in range(span.start, span.stop, _CHUNK)]
        if not out:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), 0
        return (*(np.concatenate([o[i] for o in out]) for i in range(3)), sum(o[3] for o in out))

    def _pairs(self, geoms: np.ndarray, offset: int) -> tuple:
        usable = np.isin(shapely.get_type_id(geoms), (3, 6))
        usable[usable] = ~shapely.is_empty(geoms[usable])
        idx = np.flatnonzero(usable)
        if not len(self.polygons) or not len(idx):
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), 0
        p, q = self._tree.query(geoms[idx])
        p = idx[p]
        if self._edges is None:  # no numba: every pair by GEOS
            return self._by_geos(geoms, p, q, offset)
        parcels, at = np.unique(p, return_inverse=True)
        owner, verts, count, valid = _convex_pieces(geoms[parcels])
        order = np.argsort(owner, kind="stable")
        per = np.bincount(owner, minlength=len(parcels))
        first = np.cumsum(per) - per
        pair, k = _ranges(first[at], per[at])
        unit_area, bad = _areas(order[k], q[pair], verts, count, self._edges)
        area = np.bincount(pair, weights=unit_area, minlength=len(p)).astype(float)
        geos = np.zeros(len(p), bool)
        geos[pair[bad]] = True
        geos |= ~valid[at]
        if geos.any():
            area[geos] = shapely.area(shapely.intersection(geoms[p[geos]], self.polygons[q[geos]]))
        return self._kept(p, q, area, offset, int(geos.sum()))

    def _by_geos(self, geoms: np.ndarray, p: np.ndarray, q: np.ndarray, offset: int) -> tuple:
        area = np.asarray(shapely.area(shapely.intersection(geoms[p], self.polygons[q])), dtype=float)
        return self._kept(p, q, area, offset, len(p))

    def _kept(self, p: np.ndarray, q: np.ndarray, area: np.ndarray, offset: int, by_geos: int) -> tuple:
        keep = area > 0
        p, q, area = p[keep], q[keep], area[keep]
        order = np.lexsort((q, p))
        return p[order] + offset, self.feature[q[order]], area[order], by_geos
