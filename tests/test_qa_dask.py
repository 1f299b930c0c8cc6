"""``qa(engine="dask")``: the same findings as the local engine, on a 2-worker dask.distributed cluster."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from test_qa import build_parcels

from landgis.qa import qa


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None)
    with Client(cluster) as c:
        assert len(c.scheduler_info()["workers"]) == 2
        yield c
    cluster.close()


def _same(a, b):
    pd.testing.assert_frame_equal(a.findings, b.findings)
    pd.testing.assert_frame_equal(a.quota, b.quota)
    pd.testing.assert_frame_equal(pd.DataFrame(a.parcels.drop(columns="geometry")),
                                  pd.DataFrame(b.parcels.drop(columns="geometry")))
    ga, gb = a.parcels.geometry.values, b.parcels.geometry.values
    assert (pd.isna(ga) == pd.isna(gb)).all()
    assert shapely.equals_exact(ga[~pd.isna(ga)], gb[~pd.isna(gb)], 0).all()


def test_known_answers_same_as_local(towns, plan, client, tmp_path):
    cases = build_parcels(towns)
    path = tmp_path / "parcels.gpkg"
    cases.to_file(path, geometry_type="Unknown", engine="pyogrio")
    local = qa(path, towns, plan)
    dist = qa(path, towns, plan, engine="dask", scheduler=client)
    assert dist.summary["engine"] == "dask" and len(dist.parcels) == len(cases)
    _same(dist, local)
    # duplicates are found across partitions too
    assert {"duplicate_id", "duplicate_geometry"} <= set(dist.findings["kind"])


def test_many_parcels_in_partitions(towns, plan, client, tmp_path):
    rng = np.random.default_rng(11)
    x0, y0, x1, y1 = towns.total_bounds
    n = 3000
    x, y = rng.uniform(x0 - 0.05, x1 + 0.05, n), rng.uniform(y0 - 0.05, y1 + 0.05, n)
    radius = np.where(np.arange(n) % 3 == 0, 0.004, 0.0005)  # a third large enough to straddle often
    geoms = list(shapely.buffer(shapely.points(x, y), radius, quad_segs=2))
    geoms[5] = None
    names = list(towns["name"])
    gdf = gpd.GeoDataFrame({"地块编号": [f"D{i % 2900}" for i in range(n)],  # 100 duplicate ids
                            "乡镇": [names[i % len(names)] for i in range(n)],
                            "用地类型": ["工矿仓储用地", "住宅用地", "商服用地"] * (n // 3),
                            "面积": rng.uniform(0.5, 30, n)}, geometry=geoms, crs=4326)
    path = tmp_path / "many.shp"
    gdf.to_file(path, encoding="GBK", engine="pyogrio")
    path.with_suffix(".cpg").unlink()
    local = qa(path, towns, plan, area_unit="公顷")
    dist = qa(path, towns, plan, area_unit="公顷", engine="dask", scheduler=client)
    _same(dist, local)
    kinds = set(local.findings["kind"])
    assert {"township_mismatch", "straddles_townships", "outside_county", "duplicate_id",
            "missing_geometry", "area_mismatch", "quota_over"} <= kinds
    assert dist.parcels["乡镇"].tolist() == gdf["乡镇"].tolist()  # GBK read in each partition

    frame = qa(gdf, towns, plan, area_unit="公顷", engine="dask", scheduler=client)
    pd.testing.assert_frame_equal(frame.findings.drop(columns="message"), local.findings.drop(columns="message"))
