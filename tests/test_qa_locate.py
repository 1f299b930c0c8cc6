"""The township index: threaded queries, its shortcuts, and thread safety, against plain geopandas."""

from __future__ import annotations

import pickle
import threading

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from landgis.crs import equal_area_crs
from landgis.qa.locate import TownshipIndex


@pytest.fixture(scope="module")
def ea(towns):
    c = shapely.centroid(shapely.union_all(towns.geometry.values))
    return towns.to_crs(equal_area_crs(c.x, c.y))


def _sjoin(geoms, layer: gpd.GeoDataFrame) -> np.ndarray:
    pts = gpd.GeoDataFrame(geometry=gpd.GeoSeries(geoms, crs=layer.crs))
    ref = gpd.sjoin(pts, layer[["geometry"]], how="left", predicate="within")
    return ref[~ref.index.duplicated()]["index_right"].fillna(-1).astype(int).to_numpy()


def _overlay(parcels, layer: gpd.GeoDataFrame) -> pd.DataFrame:
    left = gpd.GeoDataFrame({"parcel": np.arange(len(parcels))}, geometry=list(parcels), crs=layer.crs)
    right = gpd.GeoDataFrame({"township": np.arange(len(layer))}, geometry=layer.geometry.values, crs=layer.crs)
    ov = gpd.overlay(left, right, how="intersection", keep_geom_type=True)
    ov["area"] = ov.area
    return ov[ov["area"] > 0].sort_values(["parcel", "township"], ignore_index=True)


def _assert_same_shares(got: pd.DataFrame, ref: pd.DataFrame) -> None:
    np.testing.assert_array_equal(got["parcel"].to_numpy(), ref["parcel"].to_numpy())
    np.testing.assert_array_equal(got["township"].to_numpy(), ref["township"].to_numpy())
    np.testing.assert_allclose(got["area"].to_numpy(), ref["area"].to_numpy(), rtol=1e-9)


def _near_borders(layer, n: int, rng) -> np.ndarray:
    """``n`` small polygons centred on the townships' boundary vertices: all go the exact way."""
    verts = shapely.get_coordinates(shapely.boundary(layer.geometry.values))
    c = verts[rng.integers(0, len(verts), n)] + rng.normal(0, 30, (n, 2))
    r = rng.uniform(20, 200, n)
    polys = shapely.buffer(shapely.points(c), r, quad_segs=2)
    boxes = rng.random(n) < 0.5
    polys[boxes] = shapely.box(c[boxes, 0] - r[boxes], c[boxes, 1] - r[boxes] / 3,
                               c[boxes, 0] + r[boxes], c[boxes, 1] + r[boxes] / 3)
    return polys


def test_threaded_locate_equals_one_thread_and_sjoin(ea):
    rng = np.random.default_rng(1)
    x0, y0, x1, y1 = ea.total_bounds
    n = 120_000  # two spans of the threaded path
    geoms = shapely.points(rng.uniform(x0 - 1000, x1 + 1000, n), rng.uniform(y0 - 1000, y1 + 1000, n))
    odd = rng.choice(n, 400, replace=False)
    geoms[odd[:100]] = None
    geoms[odd[100:200]] = shapely.Point()  # empty: GEOS has no x for it
    geoms[odd[200:300]] = shapely.buffer(geoms[odd[200:300]], 80)  # by a point on their surface
    geoms[odd[300:]] = shapely.multipoints(np.repeat(shapely.get_coordinates(geoms[odd[300:]]), 2, axis=0),
                                           indices=np.repeat(np.arange(100), 2))
    one = TownshipIndex(ea.geometry.values, threads=1).locate(geoms)
    two = TownshipIndex(ea.geometry.values, threads=2).locate(geoms)
    np.testing.assert_array_equal(one, two)
    assert (one[odd[:200]] == -1).all()
    plain = np.setdiff1d(np.arange(n), odd[:300])
    np.testing.assert_array_equal(one[plain], _sjoin(geoms[plain], ea))
    surface = shapely.point_on_surface(geoms[odd[200:300]])
    np.testing.assert_array_equal(one[odd[200:300]], _sjoin(surface, ea))
    assert len(set(one.tolist())) == len(ea) + 1  # every township and "outside" occur


def test_threaded_shares_equal_overlay(ea):
    rng = np.random.default_rng(2)
    x0, y0, x1, y1 = ea.total_bounds
    c = rng.uniform((x0, y0), (x1, y1), (40_000, 2))  # two threads' worth of parcels, some beyond the county
    polys = np.concatenate([_near_borders(ea, 6000, rng), shapely.box(c[:, 0], c[:, 1], c[:, 0] + 90, c[:, 1] + 40)])
    polys = polys[rng.permutation(len(polys))]
    index = TownshipIndex(ea.geometry.values, threads=2)
    got = index.shares(polys)
    assert index.coverage  # the shipped layer is a clean coverage: the "what the others leave" shortcut runs
    _assert_same_shares(got, _overlay(polys, ea))
    assert (got.groupby("parcel").size() > 1).sum() > 1000
    _assert_same_shares(TownshipIndex(ea.geometry.values, threads=1).shares(polys), got)


def test_shares_on_overlapping_townships_equal_overlay():
    # Not a coverage: a parcel in the overlap lies in both; its shares add up to more than its area.
    layer = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1000, 1000), shapely.box(800, 0, 2000, 1000),
                                       shapely.box(0, 1000, 2000, 1600)], crs=3857)
    rng = np.random.default_rng(3)
    c = rng.uniform((-100, -100), (2100, 1700), (3000, 2))
    polys = shapely.buffer(shapely.points(c), rng.uniform(5, 150, 3000), quad_segs=3)
    index = TownshipIndex(layer.geometry.values, cells=64, tiles=4)
    got = index.shares(polys)
    assert not index.coverage
    ref = _overlay(polys, layer)
    _assert_same_shares(got, ref)
    in_both = got.groupby("parcel")["share"].sum()
    assert (in_both > 1.0 + 1e-9).sum() > 50  # parcels in the overlap are counted in both
    pts = shapely.points(rng.uniform((-100, -100), (2100, 1700), (5000, 2)))
    np.testing.assert_array_equal(index.locate(pts), _sjoin(pts, layer))  # the first township, as sjoin's first


def test_index_shared_by_threads_gives_the_same_answers(ea):
    # dask's threaded workers share one index: the lazy build happens once, and each thread tests
    # against its own prepared copies (GEOS' prepared geometries are not thread-safe).
    rng = np.random.default_rng(4)
    polys = _near_borders(ea, 3000, rng)
    pts = shapely.point_on_surface(polys)
    want_shares = TownshipIndex(ea.geometry.values, threads=1).shares(polys)
    want_points = TownshipIndex(ea.geometry.values, threads=1).locate(pts)
    shared = TownshipIndex(ea.geometry.values, threads=1)
    results, start = [None] * 8, threading.Barrier(8)

    def work(i):
        start.wait()
        results[i] = shared.shares(polys) if i % 2 else shared.locate(pts)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i, r in enumerate(results):
        if i % 2:
            pd.testing.assert_frame_equal(r, want_shares)
        else:
            np.testing.assert_array_equal(r, want_points)


def test_index_pickles_with_its_pieces(ea):
    rng = np.random.default_rng(5)
    polys = _near_borders(ea, 500, rng)
    index = TownshipIndex(ea.geometry.values, threads=2)
    before = index.shares(polys)
    again = pickle.loads(pickle.dumps(index))
    pd.testing.assert_frame_equal(again.shares(polys), before)
    np.testing.assert_array_equal(again.locate(shapely.point_on_surface(polys)),
                                  index.locate(shapely.point_on_surface(polys)))
