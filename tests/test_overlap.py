"""OverlapIndex: the same overlap areas as geopandas.overlay, including awkward shapes and shared edges."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from landgis.qa.overlap import OverlapIndex

X0, Y0 = 38_512_000.0, 2_734_000.0  # Gauss-Krüger zone 38 with the prefix: large coordinates on purpose


def _overlay(parcels, layer) -> pd.DataFrame:
    left = gpd.GeoDataFrame({"parcel": np.arange(len(parcels))}, geometry=list(parcels))
    right = gpd.GeoDataFrame({"feature": np.arange(len(layer))}, geometry=list(layer))
    ov = gpd.overlay(left, right, how="intersection", keep_geom_type=True)
    ov["area"] = ov.area
    ov = ov[ov["area"] > 0].sort_values(["parcel", "feature"], ignore_index=True)
    return pd.DataFrame(ov[["parcel", "feature", "area"]])


def _same(ours: pd.DataFrame, theirs: pd.DataFrame) -> None:
    a = ours.set_index(["parcel", "feature"])["area"]
    b = theirs.set_index(["parcel", "feature"])["area"]
    # pairs overlay keeps with a sliver of float noise (< 1e-6 m²) may be absent on one side
    a, b = a[a > 1e-6], b[b > 1e-6]
    assert a.index.equals(b.index), (set(a.index) ^ set(b.index))
    np.testing.assert_allclose(a.to_numpy(), b.to_numpy(), rtol=1e-9, atol=1e-6)


def _layer(rng, n=300):
    """Non-overlapping polygons: Voronoi cells (some with a hole), densified; one multipolygon."""
    pts = shapely.multipoints(np.column_stack([rng.uniform(X0, X0 + 3000, 2 * n), rng.uniform(Y0, Y0 + 3000, 2 * n)]))
    cells = shapely.get_parts(shapely.voronoi_polygons(pts, extend_to=shapely.box(X0, Y0, X0 + 3000, Y0 + 3000)))
    cells = shapely.clip_by_rect(cells, X0, Y0, X0 + 3000, Y0 + 3000)[:n]
    cells = shapely.segmentize(cells, 15.0)
    holed = rng.random(len(cells)) < 0.2
    inner = shapely.buffer(shapely.centroid(cells[holed]), 8.0, quad_segs=3)
    cells[holed] = shapely.difference(cells[holed], inner)
    cells[0] = shapely.MultiPolygon([cells[0], cells[1]]) if cells[0].disjoint(cells[1]) else cells[0]
    return cells


def _parcels(rng, layer, n=1500):
    c = np.column_stack([rng.uniform(X0, X0 + 3000, n), rng.uniform(Y0, Y0 + 3000, n)])
    r = rng.uniform(5, 120, n)
    kind = rng.integers(0, 5, n)
    g = shapely.buffer(shapely.points(c), r, quad_segs=rng.integers(1, 8))  # convex, 4 to 32 corners
    box = kind == 1
    g[box] = shapely.box(c[box, 0] - r[box], c[box, 1] - r[box] / 3, c[box, 0] + r[box], c[box, 1] + r[box] / 3)
    ell = kind == 2  # L-shaped (not convex)
    g[ell] = shapely.difference(shapely.box(c[ell, 0] - r[ell], c[ell, 1] - r[ell], c[ell, 0] + r[ell], c[ell, 1] + r[ell]),
                                shapely.box(c[ell, 0], c[ell, 1], c[ell, 0] + 2 * r[ell], c[ell, 1] + 2 * r[ell]))
    ring = kind == 3  # with a hole
    g[ring] = shapely.difference(g[ring], shapely.buffer(shapely.points(c[ring]), r[ring] / 3))
    # parcels cut along the layer's own edges (shared boundaries, as when a parcel follows 基本农田)
    cut = kind == 4
    g[cut] = shapely.intersection(shapely.box(c[cut, 0] - r[cut], c[cut, 1] - r[cut], c[cut, 0] + r[cut], c[cut, 1] + r[cut]),
                                  layer[rng.integers(0, len(layer), cut.sum())])
    g[cut] = np.where(shapely.is_empty(g[cut]) | ~np.isin(shapely.get_type_id(g[cut]), (3, 6)),
                      shapely.box(c[cut, 0], c[cut, 1], c[cut, 0] + 20, c[cut, 1] + 20), g[cut])
    # a parcel exactly equal to a layer polygon, one inside a hole's edge, and a multipolygon
    g[0] = layer[5]
    g[1] = shapely.MultiPolygon([shapely.box(X0 + 10, Y0 + 10, X0 + 50, Y0 + 50),
                                 shapely.box(X0 + 900, Y0 + 900, X0 + 990, Y0 + 950)])
    return g


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_areas_equal_overlay(seed):
    rng = np.random.default_rng(seed)
    layer = _layer(rng)
    parcels = _parcels(rng, layer)
    assert shapely.is_valid(layer).all() and shapely.is_valid(parcels).all()
    idx = OverlapIndex(layer, threads=2)
    ours = idx.overlaps(parcels)
    _same(ours, _overlay(parcels, layer))
    assert 0 < idx.by_geos < len(ours)  # the shared-edge parcels were left to GEOS, the rest were not


def test_threads_give_the_same_rows():
    rng = np.random.default_rng(7)
    layer = _layer(rng)
    parcels = np.concatenate([_parcels(rng, layer)] * 8)
    a = OverlapIndex(layer, threads=1).overlaps(parcels)
    b = OverlapIndex(layer, threads=3).overlaps(parcels)
    pd.testing.assert_frame_equal(a, b)


def test_points_none_and_empties_overlap_nothing():
    idx = OverlapIndex([shapely.box(0, 0, 10, 10), None, shapely.Point(1, 1)])
    out = idx.overlaps([None, shapely.Point(1, 1), shapely.Polygon(), shapely.box(1, 1, 2, 2)])
    assert out.to_dict("records") == [{"parcel": 3, "feature": 0, "area": pytest.approx(1.0)}]
    assert idx.per_parcel([shapely.box(-5, -5, 5, 5)]).tolist() == pytest.approx([25.0])


def test_convex_pieces_tell_simple_from_self_crossing():
    from landgis.qa.overlap import _convex_pieces

    angles = np.arange(5) * 4 * np.pi / 5  # every second corner of a pentagon: a pentagram, all left turns
    star = shapely.Polygon(np.column_stack([np.cos(angles), np.sin(angles)]))
    bowtie = shapely.Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])
    square_cw = shapely.Polygon([(0, 0), (0, 1), (1, 1), (1, 0)])
    ell = shapely.Polygon([(0, 0), (2, 0), (2, 1), (1, 1), (1, 2), (0, 2)])
    owner, verts, count, valid = _convex_pieces(np.array([star, bowtie, square_cw, ell, None], dtype=object))
    assert valid.tolist() == [False, False, True, True, False]
    assert sorted(set(owner.tolist())) == [2, 3]  # no pieces for the invalid ones
    sq = verts[owner == 2][0, :4]
    assert shapely.Polygon(sq).area == pytest.approx(1.0) and shapely.is_ccw(shapely.LinearRing(sq))
    assert count[owner == 3].tolist() == [3] * 4  # the L in constrained Delaunay triangles


@pytest.mark.parametrize("seed", [1, 2])
def test_without_numba_every_pair_goes_to_geos_with_the_same_areas(seed, monkeypatch):
    """numba is the ``fast`` extra: a core install gets the same pairs and areas from GEOS alone."""
    import landgis.qa.overlap as overlap

    rng = np.random.default_rng(seed)
    layer = _layer(rng)
    parcels = _parcels(rng, layer)
    fast = OverlapIndex(layer, threads=2).overlaps(parcels)
    monkeypatch.setattr(overlap, "FAST", False)
    idx = OverlapIndex(layer, threads=2)
    slow = idx.overlaps(parcels)
    assert idx.by_geos >= len(slow) > 0
    _same(slow, _overlay(parcels, layer))
    pd.testing.assert_index_equal(pd.MultiIndex.from_frame(slow[["parcel", "feature"]]),
                                  pd.MultiIndex.from_frame(fast[["parcel", "feature"]]))
    np.testing.assert_allclose(slow["area"], fast["area"], rtol=1e-9, atol=1e-6)


def test_grid_gives_the_strtree_pairs():
    """The compiled grid finds every pair of meeting boxes, once, ordered by parcel then feature."""
    from landgis.qa.overlap import _Coords, _Grid
    from landgis.qa.overlap_kernels import coordinate_boxes

    rng = np.random.default_rng(11)
    layer = _layer(rng)
    parcels = _parcels(rng, layer)
    parcels[5], parcels[6] = None, shapely.Point(X0 + 100, Y0 + 100)
    parcels[7] = shapely.box(X0 - 500, Y0 - 500, X0 - 400, Y0 - 400)  # beyond the layer's extent
    parcels[8] = shapely.box(X0 - 10, Y0 - 10, X0 + 4000, Y0 + 4000)  # over all of it
    idx = OverlapIndex(layer)
    assert idx._grid is not None
    coords = _Coords(parcels)
    p, q = idx._grid.pairs(coords, idx.feature)
    tp, tq = shapely.STRtree(idx.polygons).query(parcels[coords.polygonal])
    tp = np.flatnonzero(coords.polygonal)[tp]
    order = np.lexsort((idx.feature[tq], tp))
    np.testing.assert_array_equal(p, tp[order])
    np.testing.assert_array_equal(q, tq[order])
    assert 8 in p and not {5, 6, 7} & set(p.tolist())
    assert (coordinate_boxes(coords.xy, coords.start, coords.count)[:5] == shapely.bounds(parcels[:5])).all()
    # parcels meeting many polygons each: more pairs than the first guess of room (4 a parcel)
    wide = np.array([shapely.box(X0 + i * 100, Y0, X0 + 3000, Y0 + 3000 - i * 100) for i in range(3)])
    p, q = idx._grid.pairs(_Coords(wide), idx.feature)
    tp, tq = shapely.STRtree(idx.polygons).query(wide)
    order = np.lexsort((idx.feature[tq], tp))
    assert len(p) > 100 * 3
    np.testing.assert_array_equal(p, tp[order])
    np.testing.assert_array_equal(q, tq[order])


def test_layer_of_very_different_sizes_uses_the_strtree_with_the_same_areas():
    """A few polygons far larger than the rest would fill too many grid cells: the STRtree finds the pairs."""
    rng = np.random.default_rng(5)
    i, j = np.divmod(np.arange(2000), 50)
    small = shapely.box(X0 + j * 6.0, Y0 + 10_100 + i * 6.0, X0 + j * 6.0 + 5, Y0 + 10_100 + i * 6.0 + 5)
    k = np.arange(400)
    stripes = shapely.box(X0, Y0 + k * 25.0, X0 + 20_000, Y0 + k * 25.0 + 20)  # 20 km long, 20 m wide
    layer = np.concatenate([small, stripes])
    parcels = _parcels(rng, layer, n=400)
    idx = OverlapIndex(layer)
    assert idx._grid is None and idx._tree is not None
    _same(idx.overlaps(parcels), _overlay(parcels, layer))


def test_inside_one_outside_all_on_an_edge_and_around_a_hole():
    """Parcels wholly inside one polygon, outside all, along a shared edge, and over a hole."""
    left = shapely.box(X0, Y0, X0 + 100, Y0 + 100)
    right = shapely.box(X0 + 100, Y0, X0 + 200, Y0 + 100)
    holed = shapely.Polygon(shapely.box(X0 + 300, Y0, X0 + 400, Y0 + 100).exterior.coords,
                            [shapely.box(X0 + 330, Y0 + 30, X0 + 370, Y0 + 70).exterior.coords[::-1]])
    layer = [left, right, holed]
    octagon = shapely.buffer(shapely.Point(X0 + 50, Y0 + 50), 20, quad_segs=2)
    parcels = [octagon,                                                  # inside left
               shapely.box(X0 + 500, Y0, X0 + 520, Y0 + 20),             # outside all
               shapely.box(X0 + 90, Y0 + 10, X0 + 110, Y0 + 20),         # across the shared edge
               shapely.box(X0 + 80, Y0 + 10, X0 + 100, Y0 + 20),         # up to it, in left only
               shapely.box(X0 + 320, Y0 + 20, X0 + 380, Y0 + 80),        # over the hole
               shapely.box(X0 + 340, Y0 + 40, X0 + 360, Y0 + 60),        # inside the hole
               shapely.Polygon(shapely.box(X0 + 10, Y0 + 10, X0 + 190, Y0 + 90).exterior.coords,  # a parcel
                               [shapely.box(X0 + 40, Y0 + 40, X0 + 160, Y0 + 60).exterior.coords])]  # with a hole
    parcels = np.array(parcels * 3000, dtype=object)  # enough rows for the Z order and two threads
    out = OverlapIndex(layer, threads=2).overlaps(parcels)
    first = out[out["parcel"] < 7]
    assert list(zip(first["parcel"], first["feature"])) == [(0, 0), (2, 0), (2, 1), (3, 0), (4, 2), (6, 0), (6, 1)]
    np.testing.assert_allclose(first["area"], [octagon.area, 100, 100, 200, 3600 - 1600, 90 * 80 - 60 * 20,
                                               90 * 80 - 60 * 20], rtol=1e-12)
    assert (out["parcel"].to_numpy() // 7 == np.repeat(np.arange(3000), 7)).all()  # in the parcels' order
    _same(out, _overlay(parcels, layer))


def test_ring_through_its_first_point_twice_is_left_to_geos():
    """A single ring that comes back to its first point midway is not one convex piece (nor a shell and holes)."""
    from landgis.qa.overlap import _convex_pieces

    two_squares = shapely.Polygon([(0, 0), (1, 0), (1, 1), (0, 1), (0, 0), (-1, 0), (-1, -1), (0, -1)])
    square = shapely.box(0, 0, 1, 1)
    with_hole = shapely.Polygon([(0, 0), (4, 0), (4, 4), (0, 4)], [[(1, 1), (1, 2), (2, 2), (2, 1)]])
    owner, verts, count, valid = _convex_pieces(np.array([two_squares, square, with_hole], dtype=object))
    assert valid.tolist() == [False, True, True]
    assert (owner == 1).sum() == 1 and (owner == 2).sum() == 8  # the square itself; the holed one in triangles


def test_numba_is_loaded_by_the_first_overlap_not_by_importing_landgis():
    """numba (0.8 s of CPU, 60 MB) is loaded when a layer is first measured: an atlas or a QA run without a
    constraint layer never pays for it. In a fresh interpreter, as a user's run starts."""
    import subprocess
    import sys

    code = ("import sys, numpy as np, shapely, landgis.atlas, landgis.qa\n"
            "from landgis.qa.overlap import FAST, OverlapIndex\n"
            "print('numba' in sys.modules, FAST)\n"
            "ours = OverlapIndex(np.array([shapely.box(0, 0, 10, 10)])).overlaps(np.array([shapely.box(5, 5, 15, 15)]))\n"
            "print('numba' in sys.modules, float(ours['area'].sum()))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True", "True", "25.0"], out
