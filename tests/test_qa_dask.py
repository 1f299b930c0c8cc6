"""``qa(engine="dask")`` on a real 2-worker dask.distributed cluster (processes): the same results as the
local engine, read and written in partitions, overlaps and duplicates found across partition borders."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from test_qa import build_parcels

from landgis.cli import main
from landgis.errors import InputError
from landgis.qa import ADDED_COLUMNS, qa, write_qa
from landgis.qa.result import sort_groups, for_file, sort_findings

pytestmark = pytest.mark.slow  # a real dask LocalCluster


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    with Client(cluster) as c:
        assert len(c.scheduler_info()["workers"]) == 2
        yield c
    cluster.close()


def _cells(df: pd.DataFrame) -> pd.DataFrame:
    """Every cell as text or None, so that dtype spellings (object/str, NaN/None/<NA>) do not matter."""
    out = pd.DataFrame(index=range(len(df)))
    for col in df.columns:
        out[col] = [None if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))
                    else (repr(round(float(v), 9)) if isinstance(v, (float, np.floating)) else str(v))
                    for v in df[col].to_numpy(dtype=object)]
    return out


def _same(dist, local):
    """Findings, per-parcel results, quota and summary of a dask result equal the local engine's."""
    assert not isinstance(dist.parcels, gpd.GeoDataFrame)  # lazy: nothing gathered by qa() itself
    n = local.summary["n_parcels"]
    got = sort_findings(dist.findings.compute(), n + 1)
    pd.testing.assert_frame_equal(_cells(got), _cells(local.findings))
    parcels = dist.parcels.compute().sort_values("qa_row", ignore_index=True)
    want = for_file(local.parcels)
    assert list(parcels.columns) == list(want.columns)
    pd.testing.assert_frame_equal(_cells(parcels.drop(columns="geometry")), _cells(want.drop(columns="geometry")))
    ga, gb = parcels.geometry.values, local.parcels.geometry.values
    assert (pd.isna(ga) == pd.isna(gb)).all()
    assert shapely.equals_exact(ga[~pd.isna(ga)], gb[~pd.isna(gb)], 0).all()
    pd.testing.assert_frame_equal(dist.quota, local.quota)
    pd.testing.assert_frame_equal(sort_groups(dist.groups.compute()), local.groups)
    skip = {"engine", "store", "n_partitions", "overlaps_within_partitions", "overlaps_across_partitions",
            "booked_ha", "allocated_ha", "border_parcels", "timings_s"}
    assert {k: v for k, v in dist.summary.items() if k not in skip} == {
        k: v for k, v in local.summary.items() if k not in skip}
    for k in ("booked_ha", "allocated_ha"):  # sums of partition sums: equal up to rounding
        assert dist.summary[k] == pytest.approx(local.summary[k], rel=1e-12)


def test_known_answers_same_as_local(towns, plan, client, tmp_path):
    cases = build_parcels(towns)
    path = tmp_path / "parcels.gpkg"
    cases.to_file(path, geometry_type="Unknown", engine="pyogrio")
    local = qa(path, towns, plan)
    dist = qa(path, towns, plan, engine="dask", scheduler=client, out_dir=tmp_path / "out", partition_rows=4)
    assert dist.summary["engine"] == "dask" and dist.summary["n_partitions"] >= 3
    _same(dist, local)
    assert {"duplicate_id", "duplicate_geometry"} <= set(dist.summary["by_kind"])
    # the duplicates live in different partitions (4 rows each) and are still found
    p = dist.parcels.compute()
    assert p.loc[p["parcel_id"] == "P10", "finding_kinds"].str.contains("duplicate_id").all()


def test_parcels_at_one_coordinate_one_finding_per_group(towns, client, tmp_path):
    """2,000 points at one place, ids in 4 groups of 500: 1 + 4 duplicate findings on both engines
    (each member used to list every other: O(n²)); the list file names every member."""
    n = 2000
    pt = towns.to_crs(4490).geometry.iloc[0].representative_point()
    gdf = gpd.GeoDataFrame({"地块编号": [f"Q{i % 4}" for i in range(n)], "乡镇": towns["name"].iloc[0]},
                           geometry=[pt] * n, crs=4490)
    path = tmp_path / "same.parquet"
    gdf.to_parquet(path, row_group_size=500)
    local = qa(path, towns, False, county="441882")
    dist = qa(path, towns, False, county="441882", engine="dask", scheduler=client, out_dir=tmp_path / "out", partition_rows=500)
    _same(dist, local)
    f = local.findings
    assert (f["kind"] == "duplicate_geometry").sum() == 1 and (f["kind"] == "duplicate_id").sum() == 4
    assert len(f) == 5
    assert json.loads(f.loc[f["kind"] == "duplicate_geometry", "figures"].iloc[0])["group_size"] == n
    assert len(local.groups) == 2 * n and local.groups.groupby("group").size().to_dict() == {
        "duplicate_geometry:1": n, **{f"duplicate_id:{k + 1}": n // 4 for k in range(4)}}
    assert (local.parcels["finding_kinds"] == "duplicate_geometry,duplicate_id").all()


def _many(towns, n=3000, seed=11) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = towns.total_bounds
    x, y = rng.uniform(x0 - 0.05, x1 + 0.05, n), rng.uniform(y0 - 0.05, y1 + 0.05, n)
    radius = np.where(np.arange(n) % 3 == 0, 0.004, 0.0005)  # a third large enough to straddle and overlap often
    geoms = list(shapely.buffer(shapely.points(x, y), radius, quad_segs=2))
    geoms[5] = None
    geoms[7] = geoms[n - 100]  # an exact duplicate far apart in the input
    names = list(towns["name"])
    return gpd.GeoDataFrame({"地块编号": [f"D{i % (n - 100)}" for i in range(n)],  # 100 duplicate ids
                             "乡镇": [names[i % len(names)] for i in range(n)],
                             "用地类型": ["工矿仓储用地", "住宅用地", "商服用地"] * (n // 3),
                             "面积": rng.uniform(0.5, 30, n)}, geometry=geoms, crs=4326)


def test_geoparquet_in_partitions_with_overlaps_across_borders(towns, plan, client, tmp_path):
    gdf = _many(towns)
    path = tmp_path / "many.parquet"
    gdf.to_parquet(path, row_group_size=250)
    local = qa(path, towns, plan, area_unit="公顷")
    dist = qa(path, towns, plan, area_unit="公顷", engine="dask", scheduler=client, out_dir=tmp_path / "out",
              partition_rows=500)
    _same(dist, local)
    s = dist.summary
    assert s["n_partitions"] == 6
    assert s["overlaps_across_partitions"] > 0 and s["overlaps_within_partitions"] > 0
    n_pairs = local.summary["by_kind"]["overlaps_parcel"] // 2
    assert s["overlaps_across_partitions"] + s["overlaps_within_partitions"] == n_pairs
    assert {"township_mismatch", "straddles_townships", "outside_county", "duplicate_id", "duplicate_geometry",
            "overlaps_parcel", "missing_geometry", "area_mismatch", "quota_over"} <= set(s["by_kind"])
    # partitioned outputs: one Parquet file per partition, findings.csv streamed from them
    assert len(list((tmp_path / "out" / "parcels.parquet").glob("*.parquet"))) == 6
    written = {p.name for p in write_qa(dist, tmp_path / "out")}
    assert {"parcels.parquet", "findings.parquet", "findings.csv", "findings.xlsx", "quota.csv",
            "finding_groups.csv"} <= written
    csv = pd.read_csv(tmp_path / "out" / "findings.csv", encoding="utf-8-sig")
    assert len(csv) == len(local.findings) and csv["行号"].min() == 1
    groups = pd.read_csv(tmp_path / "out" / "finding_groups.csv", encoding="utf-8-sig")
    assert len(groups) == len(local.groups) == 2 * 100 + 2  # 100 pairs of ids, one pair of geometries
    assert not list((tmp_path / "out").glob(".qa-*"))  # no work or staging folders left


def test_gbk_shapefile_and_frame(towns, plan, client, tmp_path):
    gdf = _many(towns, n=900, seed=3)
    path = tmp_path / "many.shp"
    gdf.to_file(path, encoding="GBK", engine="pyogrio")
    path.with_suffix(".cpg").unlink()
    local = qa(path, towns, plan, area_unit="公顷")
    dist = qa(path, towns, plan, area_unit="公顷", engine="dask", scheduler=client, out_dir=tmp_path / "a",
              partition_rows=300)
    _same(dist, local)
    got = dist.parcels.compute().sort_values("qa_row")
    assert got["乡镇"].tolist() == gdf["乡镇"].tolist()  # GBK read in each partition
    frame = qa(gdf, towns, plan, area_unit="公顷", engine="dask", scheduler=client, out_dir=tmp_path / "b",
               partition_rows=300)
    assert frame.summary["by_kind"] == local.summary["by_kind"]


def test_cli_dask_engine(towns, client, tmp_path):
    cases = build_parcels(towns)
    path = tmp_path / "parcels.parquet"
    cases.to_parquet(path)
    out = tmp_path / "qa"
    address = client.scheduler.address
    assert main(["qa", str(path), "--engine", "dask", "--scheduler", address, "--partition-rows", "5",
                 "--out", str(out), "--fail-on", "error"]) == 1
    assert (out / "parcels.parquet").is_dir() and (out / "quota.xlsx").exists() and (out / "qa_map.html").exists()
    back = gpd.read_parquet(out / "parcels.parquet").sort_values("qa_row")
    assert back["parcel_id"].tolist() == cases["地块编号"].tolist()
    assert set(ADDED_COLUMNS) <= set(back.columns)


def test_no_parcels_at_all(towns, plan, client, tmp_path):
    # An empty GeoParquet (a query that matched nothing): the same result as the local engine, every
    # township's quota unbooked, rather than a failure to read partitions that were never written.
    empty = _many(towns, n=300, seed=4).iloc[:0]
    path = tmp_path / "empty.parquet"
    empty.to_parquet(path)
    local = qa(path, towns, plan, area_unit="公顷")
    dist = qa(path, towns, plan, area_unit="公顷", engine="dask", scheduler=client, out_dir=tmp_path / "a")
    assert dist.summary["n_parcels"] == 0 and len(local.quota) > 0
    _same(dist, local)
    assert list(dist.parcels.columns) == list(for_file(local.parcels).columns)


def test_workers_resolve_names_in_the_county_given_not_lianzhou(client, tmp_path):
    """The county travels to the workers inside the checks' Context: 怀乡 is 信宜市's 怀乡镇 only by its
    registry (no spelling or core-name match reaches it), so a worker that resolved names against 连州市,
    as the old ContextVar did, would call it an unknown township."""
    from county_layers import official_layer

    from landgis.townships import load_townships
    from landgis.county import find_county
    from landgis.names import core_name, normalise_name

    xinyi = find_county("信宜市")
    towns = load_townships(official_layer("信宜市", tmp_path / "layer"), county=xinyi)
    names = list(towns["name"])
    # the premise: only the county's registry says 怀乡 is 怀乡镇
    assert "怀乡镇" in names and normalise_name("怀乡") not in map(normalise_name, names)
    assert [n for n in names if core_name(n) == core_name("怀乡")] == []
    assert xinyi.registry.resolve("怀乡") == "怀乡镇" and find_county("连州市").registry.resolve("怀乡") is None
    inside = towns.loc[towns["name"] == "怀乡镇", "geometry"].iloc[0].representative_point()
    parcels = gpd.GeoDataFrame({"地块编号": [f"X{i}" for i in range(6)], "乡镇": ["怀乡"] * 6,
                                "用地类型": ["住宅用地"] * 6, "面积": [1.0] * 6},
                               geometry=[shapely.Point(inside.x + i * 1e-4, inside.y) for i in range(6)], crs=4326)
    path = tmp_path / "xinyi.parquet"
    parcels.to_parquet(path)
    plan_text = "信宜市2026年度国有建设用地供应计划\n怀乡：住宅用地10公顷。"
    local = qa(path, towns, plan_text, area_unit="公顷")
    dist = qa(path, towns, plan_text, area_unit="公顷", engine="dask", scheduler=client, out_dir=tmp_path / "out",
              partition_rows=2)
    assert dist.summary["n_partitions"] >= 3  # checked by the workers, partition by partition
    _same(dist, local)
    kinds = set(dist.findings.compute()["kind"])
    assert "unknown_township" not in kinds and "township_mismatch" not in kinds
    got = dist.parcels.compute()
    assert set(got["township_found"]) == {"怀乡镇"}
    # the parcels are booked against the plan's 怀乡镇 quota (6 of 10 ha), not as a township outside the plan
    row = dist.quota[(dist.quota["township"] == "怀乡镇") & (dist.quota["category"] == "住宅用地")].iloc[0]
    assert row["allocated_ha"] == pytest.approx(10.0) and row["booked_ha"] == pytest.approx(6.0)
    # a county named explicitly wins over the plan's; no plan of another county is taken by default
    with pytest.raises(InputError, match="--plan"):
        qa(path, towns, county=xinyi)


def test_overlap_groups_across_partitions_same_as_local(towns, client, tmp_path):
    """BIG holds 15 small parcels spread over partitions of 4 rows: one group finding on both engines."""
    from test_qa import _area_crs, _inside

    crs = _area_crs(towns)
    c = gpd.GeoSeries([_inside(towns, "九陂镇")], crs=4326).to_crs(crs).iloc[0]
    geoms = [shapely.box(c.x + 60 * i, c.y + 10, c.x + 60 * i + 50, c.y + 60) for i in range(15)]
    geoms.insert(7, shapely.box(c.x, c.y, c.x + 1000, c.y + 100))
    gdf = gpd.GeoDataFrame({"地块编号": [f"S{i}" for i in range(16)]}, geometry=geoms, crs=crs).to_crs(4490)
    path = tmp_path / "star.parquet"
    gdf.to_parquet(path)
    local = qa(path, towns, False, county="441882")
    dist = qa(path, towns, False, county="441882", engine="dask", scheduler=client, out_dir=tmp_path / "out", partition_rows=4)
    assert dist.summary["n_partitions"] >= 3 and dist.summary["overlaps_across_partitions"] > 0
    _same(dist, local)
    big = local.findings[(local.findings["kind"] == "overlaps_parcel") & (local.findings["row"] == 7)]
    assert len(big) == 1 and json.loads(big["figures"].iloc[0])["group_size"] == 15
    assert (local.groups["group"] == "overlaps_parcel:8").sum() == 15


def test_sigterm_while_the_cluster_works_is_one_line(towns, tmp_path):
    """SIGTERM to ``landgis qa --engine dask`` (its own LocalCluster) once the workers are writing partitions:
    one line, exit 130, no traceback (distributed's abandoned gathers used to log dozens), nothing left."""
    import signal
    import subprocess
    import sys
    import time

    path = tmp_path / "many.parquet"
    _many(towns, n=60_000, seed=5).to_parquet(path, row_group_size=2000)
    proc = subprocess.Popen([sys.executable, "-m", "landgis.cli", "qa", "many.parquet", "--engine", "dask",
                             "--partition-rows", "5000", "--area-unit", "公顷", "--out", "D"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while not list(tmp_path.glob(".D.building-*/.qa-work-*/keyed/*")):  # the workers have started
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err[-3000:]  # interrupted mid-run, not finished
    assert err.splitlines() == ["landgis: 已中断，没有留下写了一半的文件"], err[-3000:]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["many.parquet"]
