"""Fast location of parcels in townships: points in polygons, and polygon area shares.

Both work on plain shapely arrays in one projected (equal-area) CRS. A grid over the townships answers
most questions by array indexing: a cell that no township boundary touches lies wholly inside one
township (or wholly outside all). A point in such a cell needs no polygon test; a polygon whose
bounding box covers no boundary cell (four lookups in a summed-area table) lies wholly in the township
of its cells. Only the rest gets exact GEOS work, and polygons are intersected with pieces of the
townships cut by a coarse grid of tiles rather than with whole townships. Results are identical to
``geopandas.sjoin(predicate="within")`` and ``geopandas.overlay(how="intersection")`` (see
``benchmarks/bench_qa.py``).
"""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import shapely

__all__ = ["TownshipIndex"]

_BOUNDARY = -2  # grid label of a cell crossed by a boundary
_OUTSIDE = -1   # label of "in no township"


class TownshipIndex:
    """A lookup structure for one township layer.

    Parameters
    ----------
    polygons : array-like of shapely geometries
        The township polygons, in a projected CRS (the same as the parcels'), valid.
    cells : int
        Number of grid cells along the longer side of the layer's extent.
    """

    def __init__(self, polygons, cells: int = 1024, tiles: int = 16) -> None:
        self.polygons = np.asarray(polygons, dtype=object)
        shapely.prepare(self.polygons)
        self.bounds = shapely.bounds(self.polygons)
        self._build_grid(cells)
        self._tiles = tiles
        self._piece_tree = None  # built by the first shares() call: points never need it
        # Dask's threaded workers share one index: the lazy build must happen once, and whole.
        self._piece_lock = threading.Lock()

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        del state["_piece_lock"]  # locks do not pickle; each process gets its own
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._piece_lock = threading.Lock()

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
        polys = self.polygons[town]
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

        # Along a row, a run of cells no boundary touches lies in one township: test its first cell.
        cols = np.arange(nx, dtype=np.int32)
        prev_boundary = np.concatenate([np.ones((ny, 1), bool), boundary[:, :-1]], axis=1)
        start = ~boundary & prev_boundary
        rs, cs = np.nonzero(start)
        start_label = np.full(self.shape, _OUTSIDE, dtype=np.int32)
        start_label[rs, cs] = self._exact(xmin + (cs + 0.5) * size, ymin + (rs + 0.5) * size)
        run_start = np.maximum.accumulate(np.where(start, cols, np.int32(0)), axis=1)
        run_start += np.arange(0, ny * nx, nx, dtype=np.int32)[:, None]
        grid = start_label.ravel()[run_start]
        grid[boundary] = _BOUNDARY
        self.grid = grid
        self._boundary = boundary
        self._boundary_sums = None  # summed-area table, built by the first shares() call
        # The same grid with a border of "outside" cells, flattened, for the point lookup.
        self._padded = np.pad(grid, 1, constant_values=_OUTSIDE).ravel()

    def _ix(self, x, eps=0.0):
        return np.clip(np.floor((x - self.origin[0]) / self.cell + eps), 0, self.shape[1] - 1).astype(np.intp)

    def _iy(self, y, eps=0.0):
        return np.clip(np.floor((y - self.origin[1]) / self.cell + eps), 0, self.shape[0] - 1).astype(np.intp)

    def _exact(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Township of each point by prepared ``contains_xy`` after a bounding-box cull."""
        out = np.full(len(x), _OUTSIDE, dtype=np.int32)
        for i, (poly, (x0, y0, x1, y1)) in enumerate(zip(self.polygons, self.bounds)):
            cand = np.nonzero((out == _OUTSIDE) & (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))[0]
            if len(cand):
                hit = shapely.contains_xy(poly, x[cand], y[cand])
                out[cand[hit]] = i
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
        xmin, ymin = self.origin
        ny, nx = self.shape
        inv = 1.0 / self.cell
        # Cell numbers shifted by one into the padded grid; fmax/fmin also send NaN to the border.
        fx = x * inv
        fx += 1.0 - xmin * inv
        np.fmax(fx, 0.0, out=fx)
        np.fmin(fx, nx + 1.0, out=fx)
        fy = y * inv
        fy += 1.0 - ymin * inv
        np.fmax(fy, 0.0, out=fy)
        np.fmin(fy, ny + 1.0, out=fy)
        flat = fy.astype(np.intp)
        flat *= nx + 2
        flat += fx.astype(np.intp)
        out = self._padded[flat]
        near = np.nonzero(out == _BOUNDARY)[0]
        if len(near):
            out[near] = self._exact(x[near], y[near])
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
        pts = np.asarray(geoms, dtype=object)
        kind = shapely.get_type_id(pts)
        other = kind != 0
        if not other.any():
            # All points: one pass for both coordinates when none is empty (their rows then align).
            xy, at = shapely.get_coordinates(pts, return_index=True)
            if len(at) == len(pts):
                return self.locate_xy(xy[:, 0], xy[:, 1])
        if other.any():
            pts = pts.copy()
            pts[other] = shapely.point_on_surface(pts[other])
        return self.locate_xy(shapely.get_x(pts), shapely.get_y(pts))

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
        if self._boundary_sums is None:
            # Summed-area table of the boundary cells (a row and a column of zeros in front), flattened.
            sums = np.zeros((ny + 1, nx + 1), dtype=np.int32)
            np.cumsum(self._boundary, axis=0, dtype=np.int32, out=sums[1:, 1:])
            np.cumsum(sums[1:, 1:], axis=1, out=sums[1:, 1:])
            self._boundary_sums = sums.ravel()
        s = self._boundary_sums
        w = nx + 1
        crossed = (s[(y1[cand] + 1) * w + x1[cand] + 1] - s[y0[cand] * w + x1[cand] + 1]
                   - s[(y1[cand] + 1) * w + x0[cand]] + s[y0[cand] * w + x0[cand]])
        first = self.grid[y0[cand], x0[cand]]
        keep = (crossed == 0) & (first >= 0)
        cand, first = cand[keep], first[keep]
        whole = np.zeros(len(usable), bool)
        whole[cand] = True
        label = np.full(len(usable), _OUTSIDE, dtype=np.int64)
        label[cand] = first
        lx, ly = self.bounds[:, 0].min(), self.bounds[:, 1].min()
        hx, hy = self.bounds[:, 2].max(), self.bounds[:, 3].max()
        nowhere = (b[:, 2] < lx) | (b[:, 3] < ly) | (
            b[:, 0] > hx) | (b[:, 1] > hy)
        parts = [pd.DataFrame({"parcel": usable[whole], "township": label[whole],
                               "area": total[usable[whole]]})]

        rest = usable[~whole & ~nowhere]
        if len(rest) and self._piece_tree is None:
            with self._piece_lock:
                if self._piece_tree is None:
                    self._build_pieces(self._tiles)
        if len(rest):
            # Bounding-box candidates among the pieces, then predicates on the prepared pieces (the
            # tree's own predicate would prepare the small parcel instead); areas summed per township.
            p, q = self._piece_tree.query(geoms[rest])
            p = rest[p]
            hit = shapely.intersects(self.pieces[q], geoms[p])
            p, q = p[hit], q[hit]
            area = np.empty(len(p))
            inside = shapely.contains_properly(self.pieces[q], geoms[p])
            area[inside] = total[p[inside]]
            cut = ~inside
            area[cut] = shapely.area(shapely.intersection(geoms[p[cut]], self.pieces[q[cut]]))
            pairs = pd.DataFrame({"parcel": p, "township": self.piece_town[q], "area": area})
            parts.append(pairs.groupby(["parcel", "township"], as_index=False, sort=False)["area"].sum())
        out = pd.concat(parts, ignore_index=True)
        out = out[out["area"] > 0].sort_values(["parcel", "township"], ignore_index=True)
        out["parcel"] = out["parcel"].astype(np.int64)
        out["township"] = out["township"].astype(np.int64)
        out["share"] = out["area"].to_numpy() / total[out["parcel"].to_numpy()]
        return out
