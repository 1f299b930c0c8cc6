"""Fast overlap areas of parcels with one constraint layer (永久基本农田, 生态保护红线, 城镇开发边界 …).

:class:`OverlapIndex` gives, for each parcel, the area it shares with each polygon of the layer: the same
areas as ``geopandas.overlay(how="intersection")`` (see ``benchmarks/bench_constraints.py``), without
building a single intersection geometry in the usual case.

How: candidate pairs come from an STRtree of the layer (bounding boxes). Each parcel is cut into convex
pieces (itself when convex; a fan of triangles when convex with many corners; GEOS' constrained
Delaunay triangles otherwise). The area of a convex piece ∩ a polygon follows from Green's theorem: the
parts of the polygon's edges inside the piece (clipped by the piece's half-planes) plus the parts of
the piece's edges inside the polygon (split where polygon edges cross them; in or out at the piece's
first corner by an even–odd ray count), each adding (x dy − y dx)/2. All of it is numpy over flat arrays
of edges, in coordinates local to each piece (Gauss-Krüger eastings of 38 500 000 m would cost digits).
The layer's edges are kept in runs of consecutive edges with their boxes, so a pair only looks at the
few runs near its piece. A pair with a polygon corner on a piece's edge line, or a crossing at an edge's
end (shared boundaries, touching corners), is degenerate for this arithmetic and left to GEOS'
``intersection``; so are invalid parcels.

Queries run on several threads (numpy and GEOS release the GIL); nothing is prepared, so nothing is
shared that a thread could change.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import shapely

from landgis.cpus import default_threads

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
    """Coordinates, ring offsets, and each ring's polygon (feature) and whether it is a shell."""
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
    return xy, rings.astype(np.int64), part_owner[ring_part], shell


class _Edges:
    """The ring edges of a layer, in runs of consecutive edges with their boxes.

    ``weight`` is +1 for an edge that runs with its ring as Green's theorem wants it (shells
    counter-clockwise, holes clockwise), −1 against.
    """

    def __init__(self, polys: np.ndarray) -> None:
        xy, rings, owner, shell = _ragged(polys)
        n = len(xy)
        ring = np.repeat(np.arange(len(rings) - 1), np.diff(rings))
        is_edge = np.zeros(n, bool)
        is_edge[:-1] = ring[:-1] == ring[1:]
        i = np.flatnonzero(is_edge)
        x0, y0, x1, y1 = xy[i, 0], xy[i, 1], xy[i + 1, 0], xy[i + 1, 1]
        er = ring[i]
        # signed area of each ring, around its first point
        fx, fy = xy[rings[:-1], 0], xy[rings[:-1], 1]
        twice = np.bincount(er, weights=(x0 - fx[er]) * (y1 - fy[er]) - (x1 - fx[er]) * (y0 - fy[er]),
                            minlength=len(rings) - 1)
        want = np.where(shell, 1.0, -1.0)
        self.weight = (want * np.sign(twice))[er]
        self.x0, self.y0, self.x1, self.y1 = x0, y0, x1, y1
        feature = owner[er]
        count = np.bincount(feature, minlength=len(polys))
        first = np.cumsum(count) - count
        runs = -(-count // _RUN)
        self.run_start = np.cumsum(runs) - runs  # first run of each polygon
        self.run_count = runs
        rf, rk = _ranges(np.zeros(len(runs), np.int64), runs)
        self.run_first = first[rf] + rk * _RUN
        self.run_len = np.minimum(_RUN, count[rf] - rk * _RUN)
        at = self.run_first
        self.run_box = np.column_stack([
            np.minimum.reduceat(np.minimum(x0, x1), at) if len(at) else np.zeros(0),
            np.minimum.reduceat(np.minimum(y0, y1), at) if len(at) else np.zeros(0),
            np.maximum.reduceat(np.maximum(x0, x1), at) if len(at) else np.zeros(0),
            np.maximum.reduceat(np.maximum(y0, y1), at) if len(at) else np.zeros(0)])

    def near(self, poly, x0, y0, x1, y1) -> tuple[np.ndarray, np.ndarray]:
        """(query, edge) for the edges of ``poly[i]`` in runs whose box meets ``[x0, x1] × [y0, y1]``."""
        q, run = _ranges(self.run_start[poly], self.run_count[poly])
        b = self.run_box[run]
        hit = (b[:, 0] <= x1[q]) & (b[:, 2] >= x0[q]) & (b[:, 1] <= y1[q]) & (b[:, 3] >= y0[q])
        q, run = q[hit], run[hit]
        o, e = _ranges(self.run_first[run], self.run_len[run])
        return q[o], e


def _convex_pieces(geoms: np.ndarray):
    """Convex pieces of polygons: (owner, corners (pieces, _K, 2) counter-clockwise, corner count).

    A convex polygon without holes is one piece (a fan of triangles when it has more than ``_K``
    corners); any other polygon is cut into GEOS' constrained Delaunay triangles.
    """
    n = len(geoms)
    simple = (shapely.get_type_id(geoms) == 3) & (shapely.get_num_interior_rings(geoms) == 0)
    idx = np.flatnonzero(simple)
    convex = np.zeros(n, bool)
    owner, verts, counts = [], [], []
    if len(idx):
        xy, offsets = shapely.to_ragged_array(geoms[idx])[1:]
        ro = offsets[0].astype(np.int64)
        ring = np.repeat(np.arange(len(ro) - 1), np.diff(ro))
        # corners without the closing one and without repeats
        keep = np.ones(len(xy), bool)
        keep[ro[1:] - 1] = False
        keep[1:] &= ~np.all(xy[1:] == xy[:-1], axis=1)
        c, r = xy[keep], ring[keep]
        cnt = np.bincount(r, minlength=len(idx))
        start = np.cumsum(cnt) - cnt
        pos = np.arange(len(c)) - start[r]
        nxt = np.where(pos + 1 < cnt[r], np.arange(len(c)) + 1, start[r])
        prv = np.where(pos > 0, np.arange(len(c)) - 1, start[r] + cnt[r] - 1)
        d1, d2 = c - c[prv], c[nxt] - c
        turn = d1[:, 0] * d2[:, 1] - d1[:, 1] * d2[:, 0]
        left = np.bincount(r, weights=turn > 0, minlength=len(idx))
        right = np.bincount(r, weights=turn < 0, minlength=len(idx))
        ok = (cnt >= 3) & ((left == 0) | (right == 0)) & (left + right > 0)
        twice = np.bincount(r, weights=(c[:, 0] - c[start[r], 0]) * (c[nxt, 1] - c[start[r], 1])
                            - (c[nxt, 0] - c[start[r], 0]) * (c[:, 1] - c[start[r], 1]), minlength=len(idx))
        convex[idx[ok]] = True
        ccw = twice > 0
        # corner j of polygon i, in counter-clockwise order
        for small in (True, False):
            sel = np.flatnonzero(ok & ((cnt <= _K) == small))
            if not len(sel):
                continue
            if small:
                v = np.full((len(sel), _K, 2), np.nan)
                for j in range(_K):
                    has = cnt[sel] > j
                    s = sel[has]
                    k = np.where(ccw[s], j, cnt[s] - 1 - j)
                    v[has, j] = c[start[s] + k]
                owner.append(idx[sel]); verts.append(v); counts.append(cnt[sel])
            else:  # a fan of triangles from corner 0
                t_owner, t = _ranges(np.zeros(len(sel), np.int64), cnt[sel] - 2)
                s = sel[t_owner]
                order = lambda j: np.where(ccw[s], j, (cnt[s] - j) % cnt[s])  # noqa: E731
                v = np.full((len(s), _K, 2), np.nan)
                v[:, 0] = c[start[s] + order(np.zeros_like(t))]
                v[:, 1] = c[start[s] + order(t + 1)]
                v[:, 2] = c[start[s] + order(t + 2)]
                owner.append(idx[s]); verts.append(v); counts.append(np.full(len(s), 3))
    rest = np.flatnonzero(~convex & ~shapely.is_empty(geoms))
    if len(rest):
        tri, of = shapely.get_parts(shapely.constrained_delaunay_triangles(geoms[rest]), return_index=True)
        tri = shapely.orient_polygons(tri, exterior_cw=False)
        xy = shapely.get_coordinates(tri).reshape(len(tri), 4, 2)[:, :3]
        v = np.full((len(tri), _K, 2), np.nan)
        v[:, :3] = xy
        owner.append(rest[of]); verts.append(v); counts.append(np.full(len(tri), 3))
    if not owner:
        return np.zeros(0, np.int64), np.zeros((0, _K, 2)), np.zeros(0, np.int64)
    return np.concatenate(owner), np.concatenate(verts), np.concatenate(counts)


def _areas(unit_piece, unit_poly, verts, vcount, edges: _Edges):
    """Area of (convex piece ∩ layer polygon) for each unit (piece, polygon), and where it is degenerate."""
    nu = len(unit_piece)
    V = verts[unit_piece]
    cnt = vcount[unit_piece]
    rows = np.arange(nu)
    origin = V[:, 0, :].copy()
    active = np.arange(_K)[None, :] < cnt[:, None]
    A = np.where(active[..., None], V - origin[:, None, :], 0.0)
    B = np.roll(A, -1, axis=1)
    B[rows, cnt - 1] = 0.0                   # the edge closing the piece ends at its first corner
    D = np.where(active[..., None], B - A, 0.0)
    lo = np.where(active[..., None], A, np.inf).min(axis=1) - _EPS
    hi = np.where(active[..., None], A, -np.inf).max(axis=1) + _EPS
    bad = np.zeros(nu, bool)

    # the first corner: in or out of the polygon, by the edges crossing a ray towards +x
    far = np.full(nu, np.inf)
    u, e = edges.near(unit_poly, origin[:, 0], origin[:, 1], far, origin[:, 1])
    y0, y1 = edges.y0[e] - origin[u, 1], edges.y1[e] - origin[u, 1]
    x0, x1 = edges.x0[e] - origin[u, 0], edges.x1[e] - origin[u, 0]
    span = (y0 > 0) != (y1 > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        xc = x0 + (0 - y0) * (x1 - x0) / (y1 - y0)
    crossing = span & (xc > 0)
    start = np.bincount(u[crossing], minlength=nu) % 2 == 1

    # the polygon's edges near the piece
    u, e = edges.near(unit_poly, lo[:, 0] + origin[:, 0], lo[:, 1] + origin[:, 1],
                      hi[:, 0] + origin[:, 0], hi[:, 1] + origin[:, 1])
    ox, oy = origin[u, 0], origin[u, 1]
    x0, y0, x1, y1 = edges.x0[e] - ox, edges.y0[e] - oy, edges.x1[e] - ox, edges.y1[e] - oy
    near = ((np.maximum(x0, x1) >= lo[u, 0]) & (np.minimum(x0, x1) <= hi[u, 0])
            & (np.maximum(y0, y1) >= lo[u, 1]) & (np.minimum(y0, y1) <= hi[u, 1]))
    u, e, x0, y0, x1, y1 = u[near], e[near], x0[near], y0[near], x1[near], y1[near]
    dx, dy = x1 - x0, y1 - y0
    tmin, tmax = np.zeros(len(u)), np.ones(len(u))
    ucross, kcross, at = [], [], []
    for k in range(_K):
        on = active[u, k]
        if not on.any():
            break
        ax, ay, ex, ey = A[u, k, 0], A[u, k, 1], D[u, k, 0], D[u, k, 1]
        length = np.hypot(ex, ey)
        num = ex * (y0 - ay) - ey * (x0 - ax)            # cross(piece edge, polygon edge's start − corner)
        den = ex * dy - ey * dx                          # cross(piece edge, polygon edge)
        bad[u[on & ((np.abs(num) <= _EPS * length) | (np.abs(num + den) <= _EPS * length))]] = True
        with np.errstate(divide="ignore", invalid="ignore"):
            t = -num / den                               # where the polygon edge meets the line
            s = (dx * (y0 - ay) - dy * (x0 - ax)) / -den  # … and where along the piece edge
        tmin = np.where(on & (den > 0), np.maximum(tmin, t), tmin)
        tmax = np.where(on & (den < 0), np.minimum(tmax, t), tmax)
        tmax[on & (den == 0) & (num < 0)] = -1.0
        hit = on & (den != 0) & (s > -_EPS) & (s < 1 + _EPS) & (t > -_EPS) & (t < 1 + _EPS)
        with np.errstate(invalid="ignore"):
            end = (np.abs(s) * length < _EPS) | (np.abs(1 - s) * length < _EPS) | (t < _EPS) | (t > 1 - _EPS)
        bad[u[hit & end]] = True
        ucross.append(u[hit])
        kcross.append(np.full(int(hit.sum()), k))
        at.append(s[hit])
    inside_part = np.clip(tmax - tmin, 0, None) * (x0 * dy - y0 * dx) / 2 * edges.weight[e]
    area = np.bincount(u, weights=inside_part, minlength=nu).astype(float)

    # the piece's own edges: in or out at the first corner, changing at each crossing
    ucross = np.concatenate(ucross) if ucross else np.zeros(0, np.int64)
    kcross = np.concatenate(kcross) if kcross else np.zeros(0, np.int64)
    at = np.concatenate(at) if at else np.zeros(0)
    group = ucross * _K + kcross
    m = np.bincount(group, minlength=nu * _K).reshape(nu, _K)
    inside = start[:, None] ^ ((np.cumsum(m, axis=1) - m) % 2 == 1)
    bad |= m.sum(axis=1) % 2 == 1                # the outline must come back as it left
    length = inside.astype(float)
    if len(group):
        order = np.lexsort((at, group))
        group, at = group[order], at[order]
        first = np.r_[True, group[1:] != group[:-1]]
        rank = np.arange(len(group)) - np.maximum.accumulate(np.where(first, np.arange(len(group)), 0))
        before = inside.ravel()[group] ^ (rank % 2 == 1)
        length.ravel()[:] += np.bincount(group, weights=np.where(before, at - 1, 1 - at), minlength=nu * _K)
    area += np.sum(length * (A[..., 0] * D[..., 1] - A[..., 1] * D[..., 0]), axis=1) / 2
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
        self._edges = _Edges(self.polygons) if len(self.polygons) else None
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
        if self._edges is None or not len(idx):
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), 0
        p, q = self._tree.query(geoms[idx])
        p = idx[p]
        parcels, at = np.unique(p, return_inverse=True)
        valid = shapely.is_valid(geoms[parcels])
        owner, verts, count = _convex_pieces(np.where(valid, geoms[parcels], None))
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
        keep = area > 0
        p, q, area = p[keep], q[keep], area[keep]
        order = np.lexsort((q, p))
        return p[order] + offset, self.feature[q[order]], area[order], int(geos.sum())
