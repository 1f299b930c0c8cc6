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
