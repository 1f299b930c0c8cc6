"""Fast overlap areas of parcels with one constraint layer (永久基本农田, 生态保护红线, 城镇开发边界 …).

:class:`OverlapIndex` gives, for each parcel, the area it shares with each polygon of the layer: the same
areas as ``geopandas.overlay(how="intersection")`` (see ``benchmarks/bench_constraints.py``), without
building a single intersection geometry in the usual case.

How: candidate pairs are those whose bounding boxes meet, found in a grid of square cells holding the
layer's polygon boxes (compiled, in (parcel, polygon) order, from the parcels' coordinates read once;
an STRtree of the layer where polygons of very different sizes would fill too many cells); parcels are
worked through in Z order over the ground, so that neighbours meet the same polygons one after the
other (their edges then come from the processor's cache). Each parcel is cut into convex pieces
(itself when convex; a fan of triangles when convex with many corners; GEOS' constrained Delaunay
triangles otherwise). The area of a convex piece ∩ a polygon follows from Green's theorem: the
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
from landgis.extras import installed, lazy

# numba is the ``fast`` extra: without it, every pair's area is GEOS' ``intersection`` (the same areas, slower).
# The kernels, and numba with them (0.8 s of CPU), are loaded when a constraint layer is first measured, not
# with landgis.qa: an atlas or a QA run without constraint layers never loads them.
FAST = installed("numba")
kernels = lazy("landgis.qa.overlap_kernels")

__all__ = ["OverlapIndex"]

_MIN_ROWS = 5_000  # parcels per thread: fewer are not worth a thread
_CHUNK = 1 << 14   # parcels per step of a thread
_RUN = 16          # layer edges per run
_K = 8             # most corners of a convex piece; more are cut into a fan of triangles
_EPS = 1e-6        # metres: a corner this close to a line, or a crossing this close to an edge's end, is degenerate
_CELLS = 4         # grid cells per layer polygon, at most
_ITEMS = 16        # (cell, polygon) entries per layer polygon, at most: more, and the STRtree is used
_Z_BITS = 8        # parcels are worked through in Z order on a 256 × 256 grid (keys of 16 bits: a radix sort)


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
    off, ring_part, ok = kernels.ring_offsets(xy, np.cumsum(count) - count, count, rings)
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
         self.run_box) = kernels.prepare_edges(self.xy, rings, owner, shell, len(polys), _RUN)


class _Coords:
    """Geometries' types and coordinates (one ``get_coordinates`` pass): geometry i's are
    ``xy[start[i]:start[i] + count[i]]``."""

    def __init__(self, geoms: np.ndarray) -> None:
        self.kind = shapely.get_type_id(geoms)
        xy, which = shapely.get_coordinates(geoms, return_index=True)  # no pass of its own for the counts
        self.count = np.bincount(which, minlength=len(geoms)).astype(np.int64)
        self.start = np.cumsum(self.count) - self.count
        self.xy = np.ascontiguousarray(xy, dtype=float)
        self.polygonal = np.isin(self.kind, (3, 6)) & (self.count > 0)  # non-empty (multi)polygons

    @staticmethod
    def joined(parts: "list[_Coords]") -> "_Coords":
        """The geometries of ``parts``, one part after another."""
        if len(parts) == 1:
            return parts[0]
        out = _Coords.__new__(_Coords)
        out.kind, out.count, out.polygonal = (np.concatenate([getattr(c, a) for c in parts])
                                              for a in ("kind", "count", "polygonal"))
        out.start = np.cumsum(out.count) - out.count
        out.xy = np.concatenate([c.xy for c in parts])
        return out

    def take(self, order: np.ndarray) -> "_Coords":
        """These geometries in ``order`` (sharing the coordinates)."""
        out = _Coords.__new__(_Coords)
        out.kind, out.count, out.polygonal = self.kind[order], self.count[order], self.polygonal[order]
        out.xy, out.start = self.xy, self.start[order]
        return out

    def part(self, a: int, b: int) -> "_Coords":
        """Geometries ``a`` to ``b`` (not included), sharing the coordinates."""
        out = _Coords.__new__(_Coords)
        out.kind, out.count, out.polygonal = self.kind[a:b], self.count[a:b], self.polygonal[a:b]
        out.start, out.xy = self.start[a:b], self.xy
        return out


def _convex_pieces(geoms: np.ndarray, coords: _Coords | None = None, which: np.ndarray | None = None):
    """Convex pieces of polygons: (owner, corners (pieces, _K, 2) counter-clockwise, corner count, valid).

    A convex polygon without holes is one piece (a fan of triangles when it has more than ``_K``
    corners); any other polygon is cut into GEOS' constrained Delaunay triangles. ``coords`` are
    all of ``geoms[which]``'s (default: read here; ``which`` default: all).
    """

    if coords is None:
        coords = _Coords(geoms)
    which = np.arange(len(geoms)) if which is None else which
    present = coords.polygonal[which]
    idx = np.flatnonzero(present & (coords.kind[which] == 3))
    owner, verts, vcount, convex = kernels.convex_pieces(coords.xy, coords.start[which[idx]], coords.count[which[idx]], _K)
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
    kernels.unit_areas(np.ascontiguousarray(verts), vcount.astype(np.int64), unit_piece.astype(np.int64),
               unit_poly.astype(np.int64), edges.run_start, edges.run_count, edges.run_box, edges.run_first,
               edges.run_len, edges.xy, edges.weight, _EPS, area, bad)
    return area, bad


class _Grid:
    """The layer's polygon boxes in a grid of square cells, for the (parcel, polygon) pairs whose boxes meet."""

    def __init__(self, box: np.ndarray, origin: tuple[float, float], size: float, shape: tuple[int, int]) -> None:
        self.box = box
        self.x0, self.y0 = origin
        self.size = size
        self.nx, self.ny = shape
        self.first, self.items = kernels.grid_cells(box, self.x0, self.y0, size, self.nx, self.ny)

    @classmethod
    def of(cls, polys: np.ndarray) -> "_Grid | None":
        """A grid with cells the size of a typical polygon; None when the polygons' sizes differ so much
        (a few far larger than the rest) that the large ones would fill too many cells."""
        box = np.ascontiguousarray(shapely.bounds(polys), dtype=float)
        if not np.isfinite(box).all():  # NaN coordinates: the STRtree decides
            return None
        lo, hi = box[:, :2].min(axis=0), box[:, 2:].max(axis=0)
        span = max(float((hi - lo).max()), 1e-9)
        size = max(float(np.median(np.maximum(box[:, 2] - box[:, 0], box[:, 3] - box[:, 1]))), span / 4096, 1e-9)
        shape = np.floor((hi - lo) / size).astype(np.int64) + 1
        if shape.prod() > _CELLS * len(box):  # polygons far apart: larger cells
            size *= float(np.sqrt(shape.prod() / (_CELLS * len(box))))
            shape = np.floor((hi - lo) / size).astype(np.int64) + 1
        cells = np.floor((box - np.tile(lo, 2)) / size).astype(np.int64)
        if ((cells[:, 2] - cells[:, 0] + 1) * (cells[:, 3] - cells[:, 1] + 1)).sum() > _ITEMS * len(box):
            return None
        return cls(box, (float(lo[0]), float(lo[1])), size, (int(shape[0]), int(shape[1])))

    def pairs(self, coords: _Coords, rank: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(parcel, polygon) pairs whose boxes meet, ordered by parcel, then polygon's ``rank``."""
        pbox = kernels.coordinate_boxes(coords.xy, coords.start, coords.count)
        return kernels.grid_pairs(pbox, coords.polygonal, self.box, self.first, self.items, self.x0, self.y0, self.size,
                          self.nx, self.ny, rank)


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
        keep = np.flatnonzero(np.isin(shapely.get_type_id(polys), (3, 6)) & ~shapely.is_empty(polys))
        self.feature = keep  # position in ``polygons`` of each indexed polygon
        self.polygons = polys[keep]
        self.threads = threads or default_threads()
        self._edges = _Edges(self.polygons) if len(self.polygons) and FAST else None
        self._grid = _Grid.of(self.polygons) if self._edges is not None else None
        self._tree = shapely.STRtree(self.polygons) if self._grid is None else None
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
        workers = len(_spans(len(geoms), self.threads, _MIN_ROWS))
        # steps taken by whichever thread is free (several each: on a busy machine one may wait for a core)
        step = _CHUNK if workers == 1 else min(_CHUNK, max(1024, -(-len(geoms) // (4 * workers))))
        steps = [slice(a, min(a + step, len(geoms))) for a in range(0, len(geoms), step)]
        if not steps:
            return pd.DataFrame({"parcel": np.zeros(0, np.int64), "feature": np.zeros(0, np.int64),
                                 "area": np.zeros(0)})
        if workers == 1:
            return self._overlaps(geoms, steps, map)
        with ThreadPoolExecutor(workers, thread_name_prefix="landgis-overlap") as pool:
            return self._overlaps(geoms, steps, pool.map)

    def _overlaps(self, geoms: np.ndarray, steps: list[slice], each) -> pd.DataFrame:
        order, coords = None, None
        if self._edges is not None:
            # Coordinates are read in the given order (GEOS' objects lie in memory in the order they were
            # made), the work is done in Z order over the ground, the rows put back at the end: neighbours
            # on the ground become neighbours in time, so the compiled loops find a polygon's edges in the
            # processor's cache far more often (measured: the area kernel in about half the time).
            coords = _Coords.joined(list(each(lambda step: _Coords(geoms[step]), steps)))
            key = kernels.z_keys(kernels.coordinate_boxes(coords.xy, coords.start, coords.count), _Z_BITS).astype(np.uint16)
            order = np.argsort(key, kind="stable")
            geoms, coords = geoms[order], coords.take(order)
        parts = list(each(lambda step: self._pairs(geoms[step], None if coords is None else
                                                   coords.part(step.start, step.stop), step.start), steps))
        self.by_geos = sum(p[3] for p in parts)
        parcel, feature, area = (np.concatenate([p[i] for p in parts]) for i in range(3))
        if order is not None:
            rows, parcel = kernels.regroup(parcel, order, len(order))
            feature, area = feature[rows], area[rows]
        return pd.DataFrame({"parcel": parcel.astype(np.int64), "feature": feature.astype(np.int64),
                             "area": area.astype(float)})

    def per_parcel(self, geoms) -> np.ndarray:
        """Overlap area of each parcel with the whole layer (0 for none), in ``geoms`` order."""
        pairs = self.overlaps(geoms)
        return np.bincount(pairs["parcel"].to_numpy(), weights=pairs["area"].to_numpy(), minlength=len(geoms))

    def _pairs(self, geoms: np.ndarray, coords: "_Coords | None", offset: int) -> tuple:
        if not len(self.polygons):
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), 0
        if self._edges is None:  # no numba: every pair by GEOS
            return self._by_geos(geoms, *self._query(geoms), offset)
        if self._grid is not None:
            p, q = self._grid.pairs(coords, self.feature)
        else:
            p, q = self._query(geoms, coords.polygonal)
        parcels, at = np.unique(p, return_inverse=True)
        owner, verts, count, valid = _convex_pieces(geoms[parcels], coords, parcels)
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

    def _query(self, geoms: np.ndarray, usable: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Pairs whose boxes meet, by the STRtree, ordered by parcel then polygon."""
        if usable is None:
            usable = np.isin(shapely.get_type_id(geoms), (3, 6))
            usable[usable] = ~shapely.is_empty(geoms[usable])
        idx = np.flatnonzero(usable)
        p, q = self._tree.query(geoms[idx])
        order = np.lexsort((self.feature[q], p))
        return idx[p[order]], q[order]

    def _by_geos(self, geoms: np.ndarray, p: np.ndarray, q: np.ndarray, offset: int) -> tuple:
        area = np.asarray(shapely.area(shapely.intersection(geoms[p], self.polygons[q])), dtype=float)
        return self._kept(p, q, area, offset, len(p))

    def _kept(self, p: np.ndarray, q: np.ndarray, area: np.ndarray, offset: int, by_geos: int) -> tuple:
        keep = area > 0  # pairs come ordered by parcel, then feature
        return p[keep] + offset, self.feature[q[keep]], area[keep], by_geos
