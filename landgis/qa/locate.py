"""Fast location of parcels in townships: points in polygons, and polygon area shares.

Both work on plain shapely arrays in one projected (equal-area) CRS. A grid over the townships answers
most questions by array indexing: a cell that no township boundary touches lies wholly inside one
township (or wholly outside all). A point in such a cell needs no polygon test; a polygon whose
bounding box covers no boundary cell (four lookups in a summed-area table) lies wholly in the township
of its cells. Only the rest gets exact GEOS work, and polygons are intersected with pieces of the
townships cut by a coarse grid of tiles rather than with whole townships. Results are identical to
``geopandas.sjoin(predicate="within")`` and ``geopandas.overlay(how="intersection")`` (see
``benchmarks/bench_qa.py``).

Large queries run on several threads (shapely and numpy release the GIL). GEOS' prepared geometries
are not safe to share between threads (libgeos/geos#825), so the townships and their pieces are lent
to one thread at a time, and copied only when another thread needs them at the same moment.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import numpy as np
import pandas as pd
import shapely

from landgis.cpus import default_threads

__all__ = ["TownshipIndex", "default_threads"]

_BOUNDARY = -2  # grid label of a cell crossed by a boundary
_OUTSIDE = -1   # label of "in no township"
_CHUNK = 1 << 15  # points per step of a thread: a few hundred kB of coordinates
_MIN_POINTS = 50_000  # per thread: fewer points are not worth a thread
_MIN_SHARES = 20_000  # per thread: parcels


def _spans(n: int, threads: int, least: int) -> list[slice]:
    """Consecutive slices of ``n`` rows, at most one per thread and none shorter than ``least``."""
    k = max(1, min(threads, n // least))
    edges = np.linspace(0, n, k + 1).astype(np.intp)
    return [slice(a, b) for a, b in zip(edges[:-1], edges[1:])]


def _point_xy(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x and y of each point, or of a point on the surface of another geometry; NaN for None and empties.

    A point's bounds are its coordinates: ``shapely.bounds`` reads them in one pass over the
    geometries, where ``get_x`` and ``get_y`` take two (and the pass is what costs, not the arithmetic).
    A geometry whose bounds are a single point (a multipoint of one location, say) is at that point.
    """
    b = shapely.bounds(geoms)
    x, y = b[:, 0], b[:, 1]
    odd = np.flatnonzero((b[:, 2] > x) | (b[:, 3] > y))  # False for NaN: None and empties stay NaN
    if len(odd):
        surface = shapely.point_on_surface(geoms[odd])
        surface[shapely.is_empty(surface)] = None
        x[odd], y[odd] = shapely.get_x(surface), shapely.get_y(surface)
    return x, y


def _leads(p: np.ndarray) -> np.ndarray:
    """True at the first occurrence of each value of ``p``."""
    lead = np.zeros(len(p), bool)
    lead[np.unique(p, return_index=True)[1]] = True
    return lead


def _towns_per_parcel(p: np.ndarray, town: np.ndarray) -> np.ndarray:
    """For each pair (parcel ``p``, township ``town``): how many townships its parcel meets."""
    if not len(p):
        return np.zeros(0, dtype=np.intp)
    key = np.unique(np.column_stack([p, town]), axis=0)
    parcels, counts = np.unique(key[:, 0], return_counts=True)
    return counts[np.searchsorted(parcels, p)]


def _prepared_copy(geoms: np.ndarray) -> np.ndarray:
    """The same geometries as new, prepared GEOS objects."""
    out = shapely.from_wkb(shapely.to_wkb(geoms, hex=False, output_dimension=2, flavor="iso"))
    shapely.prepare(out)
    return out


def _copy_towns(item: tuple) -> tuple:
    return (_prepared_copy(item[0]),)


def _copy_pieces(item: tuple) -> tuple:
    pieces, _, county = item
    pieces = _prepared_copy(pieces)
    return pieces, shapely.STRtree(pieces), _prepared_copy(county)


class _Lender:
    """Prepared geometries lent to one thread at a time; a copy is made only when every one is out.

    GEOS' prepared geometries are not safe to share between threads (libgeos/geos#825), so each
    concurrent user gets its own, and there are never more copies than users at once: one thread
    uses the originals.
    """

    def __init__(self, item: tuple, copy) -> None:
        self._item, self._copy = item, copy
        self._free = [item]
        self._lock = threading.Lock()

    @contextmanager
    def lend(self):
        with self._lock:
            item = self._free.pop() if self._free else None
        if item is None:
            item = self._copy(self._item)
        try:
            yield item
        finally:
            with self._lock:
                self._free.append(item)

    def __getstate__(self) -> dict:
        return {"item": self._item, "copy": self._copy}  # not the lock, nor the copies

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["item"], state["copy"])


class TownshipIndex:
    """A lookup structure for one township layer.

    Parameters
    ----------
    polygons : array-like of shapely geometries
        The township polygons, in a projected CRS (the same as the parcels'), valid.
    cells : int
        Number of grid cells along the longer side of the layer's extent.
    tiles : int
        Number of tiles along the longer side that cut the townships into pieces for :meth:`shares`.
    threads : int, optional
        Threads for large queries (default :func:`default_threads`); give 1 where the caller already
        runs one query per core, as the dask engine's workers do.

    Examples
    --------
    >>> import shapely
    >>> index = TownshipIndex([shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10)])
    >>> index.locate([shapely.Point(3, 4), shapely.Point(15, 5), shapely.Point(30, 5)]).tolist()
    [0, 1, -1]
    >>> index.shares([shapely.box(8, 0, 12, 1)])[["parcel", "township", "share"]].to_numpy().tolist()
    [[0.0, 0.0, 0.5], [0.0, 1.0, 0.5]]
    """

    def __init__(self, polygons, cells: int = 1024, tiles: int = 16, threads: int | None = None) -> None:
        self.threads = threads or default_threads()
        self.polygons = np.asarray(polygons, dtype=object)
        shapely.prepare(self.polygons)
        self.bounds = shapely.bounds(self.polygons)
        self._init_threading()
        self._build_grid(cells)
        self._tiles = tiles
        self._piece_tree = None  # built by the first shares() call: points never need it

    def _init_threading(self) -> None:
        # Threads (dask's, or this index's own pool) share one index: the lazy builds happen once, and
        # whole; tests against prepared geometry use ones lent to the thread (see _Lender).
        self._piece_lock = threading.Lock()
        self._pool = None
        self._towns = _Lender((self.polygons,), _copy_towns)

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        for name in ("_piece_lock", "_pool", "_towns"):  # not picklable; each process makes its own
            del state[name]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._init_threading()

    def _in_threads(self, func, n: int, least: int) -> list:
        """``func(span)`` over spans of ``n`` rows, on this index's threads when worth it; in span order."""
        spans = _spans(n, self.threads, least)
        if len(spans) == 1:
            return [func(spans[0])]
        if self._pool is None:
            with self._piece_lock:
                if self._pool is None:
                    self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="landgis-locate")
        return list(self._pool.map(func, spans))

    # -- pieces ----------------------------------------------------------------------------------
    def _build_pieces(self, tiles: int) -> None:
        """Each township cut by a coarse grid of tiles: small pieces to intersect parcels with.

        A tile wholly inside a township is kept as its box; only tiles its boundary crosses are
        intersected, once, here. Parcels near a boundary are then intersected with pieces of a few
        dozen vertices instead of the whole township.
        """
        x0, y0 = self.bounds[:, 0].min(), self.bounds[:, 1].min()
        size = max(self.bounds[:, 2].max() - x0, self.bounds[:, 3].max() - y0) / tiles * (1 + 1e-9)
        town, tx, ty = [], [], []
        for i, (a, b, c, d) in enumerate(self.bounds):
            gx, gy = np.meshgrid(np.arange(int((a - x0) // size), int((c - x0) // size) + 1),
                                 np.arange(int((b - y0) // size), int((d - y0) // size) + 1))
            town.append(np.full(gx.size, i))
            tx.append(gx.ravel())
            ty.append(gy.ravel())
        town, tx, ty = np.concatenate(town), np.concatenate(tx), np.concatenate(ty)
        boxes = shapely.box(x0 + tx * size, y0 + ty * size, x0 + (tx + 1) * size, y0 + (ty + 1) * size)
        with self._towns.lend() as (polygons,):  # prepared: another thread may be testing points
            polys = polygons[town]
            meet = shapely.intersects(polys, boxes)
            inside = meet & shapely.contains_properly(polys, boxes)
        cross = meet & ~inside
        pieces = boxes.copy()
        pieces[cross] = shapely.intersection(polys[cross], boxes[cross])
        keep = meet & (shapely.area(pieces) > 0)
        pieces, piece_town = pieces[keep], town[keep]
        shapely.prepare(pieces)
        tree = shapely.STRtree(pieces)
        self.pieces, self.piece_town = pieces, piece_town
        # Where the townships form a clean coverage (no overlaps), a parcel inside the county has its
        # shares add up to its area: one township's share is the rest of it (see _cut).
        self.coverage = bool(shapely.coverage_is_valid(self.polygons))
        county = shapely.coverage_union_all(self.polygons) if self.coverage else shapely.union_all(self.polygons)
        shapely.prepare(county)
        self.county = np.array([county], dtype=object)
        self._pieces = _Lender((pieces, tree, self.county), _copy_pieces)
        self._piece_tree = tree  # set last: a non-None tree means the pieces are complete

    # -- grid ------------------------------------------------------------------------------------
    def _build_grid(self, cells: int) -> None:
        xmin, ymin = self.bounds[:, 0].min(), self.bounds[:, 1].min()
        xmax, ymax = self.bounds[:, 2].max(), self.bounds[:, 3].max()
        size = max(xmax - xmin, ymax - ymin) / cells * (1 + 1e-9)
        self.origin = (xmin, ymin)
        self.cell = size
        nx = max(1, int(np.ceil((xmax - xmin) / size)) + 1)
        ny = max(1, int(np.ceil((ymax - ymin) / size)) + 1)
        self.shape = (ny, nx)

        boundary = np.zeros(self.shape, dtype=bool)
        rings = shapely.get_rings(shapely.segmentize(self.polygons, size * 0.5))
        coords, ring_of = shapely.get_coordinates(rings, return_index=True)
        same = ring_of[1:] == ring_of[:-1]
        a, b = coords[:-1][same], coords[1:][same]
        eps = 1e-6
        lo_x = self._ix(np.minimum(a[:, 0], b[:, 0]), -eps)
        hi_x = self._ix(np.maximum(a[:, 0], b[:, 0]), eps)
        lo_y = self._iy(np.minimum(a[:, 1], b[:, 1]), -eps)
        hi_y = self._iy(np.maximum(a[:, 1], b[:, 1]), eps)
        # Segments are shorter than a cell, so each spans at most three cells per axis.
        for dx in range(3):
            for dy in range(3):
                boundary[np.minimum(lo_y + dy, hi_y), np.minimum(lo_x + dx, hi_x)] = True

        # Along a row, a run of cells no boundary touches lies in the same townships: test its first
        # cell. Where townships overlap (a layer that is not a clean coverage), a run inside two of
        # them is left to the exact tests, as boundary cells are.
        prev_boundary = np.concatenate([np.ones((ny, 1), bool), boundary[:, :-1]], axis=1)
        start = np.flatnonzero(~boundary & prev_boundary)
        rs, cs = np.divmod(start, nx)
        label = self._exact(xmin + (cs + 0.5) * size, ymin + (rs + 0.5) * size, overlaps=True)
        # Every cell takes the label of the last run start before it (row-major order); the cells
        # between runs are boundary cells.
        flat = np.full(ny * nx, _BOUNDARY, dtype=np.int32)
        if len(start):
            flat[start[0]:] = np.repeat(label, np.diff(start, append=ny * nx))
        flat[boundary.ravel()] = _BOUNDARY
        self._flat = flat
        self.grid = flat.reshape(ny, nx)
        self._boundary = boundary
        self._boundary_sums = None  # summed-area table, built by the first shares() call

    def _ix(self, x, eps=0.0):
        return np.clip(np.floor((x - self.origin[0]) / self.cell + eps), 0, self.shape[1] - 1).astype(np.intp)

    def _iy(self, y, eps=0.0):
        return np.clip(np.floor((y - self.origin[1]) / self.cell + eps), 0, self.shape[0] - 1).astype(np.intp)

    def _exact(self, x: np.ndarray, y: np.ndarray, overlaps: bool = False, polygons=None) -> np.ndarray:
        """Township of each point by prepared ``contains_xy`` after a bounding-box cull.

        The first township containing it, -1 for none; with ``overlaps``, ``_BOUNDARY`` for a point
        in more than one. ``polygons``: the prepared townships this thread holds, if it holds them.
        """
        if polygons is None:
            with self._towns.lend() as (polygons,):
                return self._exact(x, y, overlaps, polygons)
        out = np.full(len(x), _OUTSIDE, dtype=np.int32)
        for i, (poly, (x0, y0, x1, y1)) in enumerate(zip(polygons, self.bounds)):
            open_ = (out == _OUTSIDE) | (overlaps & (out >= 0))
            cand = np.nonzero(open_ & (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))[0]
            if len(cand):
                cand = cand[shapely.contains_xy(poly, x[cand], y[cand])]
                out[cand] = np.where(out[cand] >= 0, _BOUNDARY, i)
        return out

    # -- queries ---------------------------------------------------------------------------------
    def locate_xy(self, x, y) -> np.ndarray:
        """Index of the township strictly containing each point, or -1.

        Parameters
        ----------
        x, y : array-like of float
            Coordinates in the index's CRS; NaN gives -1.

        Returns
        -------
        numpy.ndarray of int32
            Position in ``polygons`` (the first one, should townships overlap), -1 for none.
        """
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        out = self._lookup(x, y)
        near = np.nonzero(out == _BOUNDARY)[0]
        if len(near):
            out[near] = self._exact(x[near], y[near])
        return out

    def _lookup(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The grid's label of each point's cell: a township, -1, or ``_BOUNDARY`` (to be tested)."""
        xmin, ymin = self.origin
        ny, nx = self.shape
        inv = 1.0 / self.cell
        fx = x * inv
        fx -= xmin * inv
        fy = y * inv
        fy -= ymin * inv
        beyond = None
        if not (fx.min(initial=0.0) >= 0.0 and fx.max(initial=0.0) < nx
                and fy.min(initial=0.0) >= 0.0 and fy.max(initial=0.0) < ny):  # min/max propagate NaN
            beyond = ~((fx >= 0.0) & (fx < nx) & (fy >= 0.0) & (fy < ny))  # NaN is beyond too
            fx[beyond] = 0.0
            fy[beyond] = 0.0
        cell = fy.astype(np.intp)
        cell *= nx
        cell += fx.astype(np.intp)
        out = self._flat[cell]
        if beyond is not None:
            out[beyond] = _OUTSIDE
        return out

    def locate(self, geoms) -> np.ndarray:
        """Township of each geometry's point (points as they are, others by a point on their surface).

        Parameters
        ----------
        geoms : array-like of shapely geometries
            In the index's CRS; None and empty geometries give -1.

        Returns
        -------
        numpy.ndarray of int32
        """
        geoms = np.asarray(geoms, dtype=object)
        out = np.empty(len(geoms), dtype=np.int32)

        def settle(span: slice) -> list[tuple]:
            # Coordinates and grid lookups on this index's threads, in chunks small enough to stay
            # in cache (and to reuse memory rather than map fresh pages); the few points in boundary
            # cells are tested afterwards, in this thread.
            near = []
            for start in range(span.start, span.stop, _CHUNK):
                chunk = slice(start, min(start + _CHUNK, span.stop))
                x, y = _point_xy(geoms[chunk])
                out[chunk] = label = self._lookup(x, y)
                i = np.flatnonzero(label == _BOUNDARY)
                near.append((i + start, x[i], y[i]))
            return near

        near = [part for parts in self._in_threads(settle, len(geoms), _MIN_POINTS) for part in parts]
        if near:
            i, x, y = (np.concatenate(column) for column in zip(*near))
            out[i] = self._exact(x, y)
        return out

    def shares(self, geoms) -> pd.DataFrame:
        """Area of each polygon in each township it overlaps.

        Parameters
        ----------
        geoms : array-like of shapely geometries
            Valid polygons in the index's (equal-area) CRS; other types and empties are skipped.

        Returns
        -------
        pandas.DataFrame
            One row per (polygon, township) with a positive overlap: ``parcel`` (position in
            ``geoms``), ``township`` (position in ``polygons``), ``area`` (overlap, CRS units²)
            and ``share`` (overlap / polygon area), ordered by parcel then township.
        """
        geoms = np.asarray(geoms, dtype=object)
        self._sum_boundary()
        parts = self._in_threads(lambda span: self._shares_span(geoms[span], span.start), len(geoms), _MIN_SHARES)
        parcel, town, area, share = (np.concatenate([p[i] for p in parts]) for i in range(4))
        return pd.DataFrame({"parcel": parcel, "township": town, "area": area, "share": share})

    def _sum_boundary(self) -> None:
        """The summed-area table of the boundary cells (a row and a column of zeros in front), flattened."""
        if self._boundary_sums is None:
            with self._piece_lock:
                if self._boundary_sums is None:
                    ny, nx = self.shape
                    sums = np.zeros((ny + 1, nx + 1), dtype=np.int32)
                    np.cumsum(self._boundary, axis=0, dtype=np.int32, out=sums[1:, 1:])
                    np.cumsum(sums[1:, 1:], axis=1, out=sums[1:, 1:])
                    self._boundary_sums = sums.ravel()

    def _shares_span(self, geoms: np.ndarray, offset: int) -> tuple[np.ndarray, ...]:
        """:meth:`shares` of some parcels (numbered from ``offset``): parcel, township, area, share."""
        total = shapely.area(geoms)
        usable = np.nonzero(np.isin(shapely.get_type_id(geoms), (3, 6)) & (total > 0))[0]
        b = shapely.bounds(geoms[usable])
        x0, y0, x1, y1 = self._ix(b[:, 0]), self._iy(b[:, 1]), self._ix(b[:, 2]), self._iy(b[:, 3])
        xmin, ymin = self.origin
        ny, nx = self.shape
        in_grid = (b[:, 0] >= xmin) & (b[:, 1] >= ymin) & (b[:, 2] < xmin + nx * self.cell) & (
            b[:, 3] < ymin + ny * self.cell)
        # A parcel whose bounding box covers no boundary cell lies wholly in the township of its cells
        # (two neighbouring cells of different townships always have a boundary cell between them):
        # count boundary cells in the box with the summed-area table, four lookups per parcel.
        cand = np.nonzero(in_grid)[0]
        s, w = self._boundary_sums, nx + 1
        crossed = (s[(y1[cand] + 1) * w + x1[cand] + 1] - s[y0[cand] * w + x1[cand] + 1]
                   - s[(y1[cand] + 1) * w + x0[cand]] + s[y0[cand] * w + x0[cand]])
        first = self.grid[y0[cand], x0[cand]]
        keep = (crossed == 0) & (first >= 0)
        whole = np.zeros(len(usable), bool)
        whole[cand[keep]] = True
        lx, ly = self.bounds[:, 0].min(), self.bounds[:, 1].min()
        hx, hy = self.bounds[:, 2].max(), self.bounds[:, 3].max()
        nowhere = (b[:, 2] < lx) | (b[:, 3] < ly) | (b[:, 0] > hx) | (b[:, 1] > hy)
        parcel, town, area = usable[cand[keep]], first[keep].astype(np.int64), total[usable[cand[keep]]]

        rest = usable[~whole & ~nowhere]
        if len(rest):
            cut = self._cut(geoms, rest, total)  # ordered by parcel, then township
            parcel = np.concatenate([parcel, cut["parcel"].to_numpy()])
            town = np.concatenate([town, cut["township"].to_numpy()])
            area = np.concatenate([area, cut["area"].to_numpy()])
            order = np.argsort(parcel, kind="stable")  # two sorted runs: a merge
            parcel, town, area = parcel[order], town[order], area[order]
        pos = area > 0
        parcel, town, area = parcel[pos].astype(np.int64), town[pos].astype(np.int64), area[pos]
        return parcel + offset, town, area, area / total[parcel]

    def _cut(self, geoms: np.ndarray, rest: np.ndarray, total: np.ndarray) -> pd.DataFrame:
        """Area of each parcel of ``rest`` (positions in ``geoms``) in each township it meets."""
        if self._piece_tree is None:
            with self._piece_lock:
                if self._piece_tree is None:
                    self._build_pieces(self._tiles)
        return self._cut_span(geoms, rest, total).groupby(["parcel", "township"], as_index=False)["area"].sum()

    def _cut_span(self, geoms: np.ndarray, sub: np.ndarray, total: np.ndarray) -> pd.DataFrame:
        """The (parcel, township piece) pairs of the parcels ``sub``, with areas.

        Pairs of (parcel, township piece) come from the pieces' tree, then predicates on the prepared
        pieces (the tree's own predicate would prepare the small parcel instead). Intersections are
        computed only where needed: not for a parcel inside a piece, nor for one whose pieces all
        belong to one township that contains it, nor, on a clean coverage, for the township holding a
        parcel's interior point when the parcel lies inside the county: that share is what the other
        townships leave.
        """
        with self._pieces.lend() as (pieces, tree, county), self._towns.lend() as (polygons,):
            return self._cut_with(geoms, sub, total, pieces, tree, county[0], polygons)

    def _cut_with(self, geoms, sub, total, pieces, tree, county, polygons) -> pd.DataFrame:
        """:meth:`_cut_span` with the prepared geometries this thread holds."""
        p, q = tree.query(geoms[sub])
        p = sub[p]
        hit = shapely.intersects(pieces[q], geoms[p])
        p, q = p[hit], q[hit]
        town = self.piece_town[q]
        area = np.full(len(p), np.nan)
        inside = shapely.contains_properly(pieces[q], geoms[p])
        area[inside] = total[p[inside]]

        todo = np.nonzero(~inside)[0]
        n_towns = _towns_per_parcel(p[todo], town[todo])
        one = todo[n_towns == 1]
        if len(one):
            whole = one[shapely.contains_properly(polygons[town[one]], geoms[p[one]])]
            area[whole] = np.where(_leads(p[whole]), total[p[whole]], 0.0)
        home = self._home_pairs(geoms, p, town, todo[n_towns > 1], county, polygons) if self.coverage else todo[:0]
        cut = np.isnan(area)
        cut[home] = False
        area[cut] = shapely.area(shapely.intersection(geoms[p[cut]], pieces[q[cut]]))
        if len(home):
            area[home] = 0.0
            others = np.bincount(p, weights=area, minlength=len(total))
            lead = home[_leads(p[home])]
            area[lead] = total[p[lead]] - others[p[lead]]
        return pd.DataFrame({"parcel": p, "township": town, "area": area})

    def _home_pairs(self, geoms: np.ndarray, p: np.ndarray, town: np.ndarray, many: np.ndarray, county,
                    polygons: np.ndarray) -> np.ndarray:
        """Of the pairs ``many`` (parcels meeting several townships), those of each parcel's home township.

        A parcel's home is the township holding a point of its interior; only parcels inside the
        county have one here, so that its shares add up to its area.
        """
        parcels = np.unique(p[many])
        parcels = parcels[shapely.contains_properly(county, geoms[parcels])]
        x, y = _point_xy(geoms[parcels])
        home = self._lookup(x, y)
        near = np.nonzero(home == _BOUNDARY)[0]
        home[near] = self._exact(x[near], y[near], polygons=polygons)
        at = np.searchsorted(parcels, p[many])
        known = at < len(parcels)
        known[known] = parcels[at[known]] == p[many][known]
        mine = np.zeros(len(many), bool)
        mine[known] = town[many][known] == home[at[known]]
        return many[mine]
