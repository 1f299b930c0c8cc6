"""The plan's execution (计划执行情况) under ``engine="dask"`` on a real dask.distributed cluster: each partition
adds up its parcels, the client adds up the partitions, and execution.csv is the local engine's, byte for byte,
with repeated geometries, parcels outside the county, undated, last year's and undatable parcels spread over
partitions."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from test_execution import parcels, plan_text, split_plan  # noqa: F401 - dated parcels and a plan with 方式/时序
from test_qa_dask import client  # noqa: F401 - a LocalCluster of 2 worker processes

from landgis.cli import main
from landgis.crs import equal_area_crs, layer_centre
from landgis.qa import qa, write_qa

pytestmark = pytest.mark.slow  # a dask cluster


def _same_execution(local, far) -> None:
    a, b = local.execution, far.execution
    for key in ("cells", "periods", "methods"):
        pd.testing.assert_frame_equal(getattr(b, key), getattr(a, key), rtol=1e-12)
    assert b.notes == a.notes and b.fields == a.fields


def _files(result, out, **kw) -> dict[str, bytes]:
    write_qa(result, out, **kw)
    return {name: (out / name).read_bytes() for name in ("execution.csv",)}


@pytest.mark.parametrize("rows", [1, 4])
def test_execution_csv_is_the_local_engines(parcels, towns, split_plan, client, tmp_path, rows):  # noqa: F811
    local = qa(parcels, towns, split_plan, county="441882")
    far = qa(parcels, towns, split_plan, county="441882", engine="dask", scheduler=client, partition_rows=rows,
             out_dir=tmp_path / "store")
    assert far.summary["n_partitions"] >= (10 if rows == 1 else 3)  # one parcel a partition: H and A apart
    _same_execution(local, far)
    cells = far.execution.cells.set_index(["township", "category"])
    assert cells.loc[("龙坪镇", "工矿仓储用地"), "n_parcels"] == 2  # A and B; H repeats A in another partition
    for unit, lang in (("ha", "zh"), ("mu", "zh"), ("ha", "en")):
        want = _files(local, tmp_path / f"local-{unit}-{lang}", unit=unit, lang=lang)
        got = _files(far, tmp_path / f"dask-{unit}-{lang}", unit=unit, lang=lang)
        assert got == want


def _many(towns, n: int, seed: int) -> gpd.GeoDataFrame:
    """``n`` squares over the county and beyond, a tenth repeating an earlier one, with dates of two years,
    empty and unreadable dates, and methods as written (some unknown, some empty)."""
    rng = np.random.default_rng(seed)
    crs = equal_area_crs(*layer_centre(towns.to_crs(4326).geometry))
    t = towns.to_crs(crs)
    xmin, ymin, xmax, ymax = t.total_bounds
    pad = (xmax - xmin) * 0.05
    xs, ys = rng.uniform(xmin - pad, xmax + pad, n), rng.uniform(ymin - pad, ymax + pad, n)
    geoms = [shapely.box(x - 80, y - 80, x + 80, y + 80) for x, y in zip(xs, ys)]
    for i in rng.choice(np.arange(20, n), n // 10, replace=False):
        geoms[i] = geoms[int(rng.integers(0, 20))]
    names = list(t["name"])
    cats = ["住宅用地", "商服用地", "工矿仓储用地", "公共管理与公共服务用地"]
    start = dt.date(2025, 11, 1)
    dates = [(start + dt.timedelta(days=int(d))).isoformat() for d in rng.integers(0, 420, n)]
    for i in rng.choice(n, n // 8, replace=False):
        dates[i] = rng.choice(["", "尽快", "待定"])
    methods = rng.choice(["挂牌出让", "划拨", "协议出让", "租赁", "作价出资", "其他", ""], n)
    return gpd.GeoDataFrame({"地块编号": [f"D{i:04d}" for i in range(n)], "所属乡镇": rng.choice(names, n),
                             "用地类型": rng.choice(cats, n), "面积（公顷）": np.full(n, 2.56),
                             "供地日期": dates, "供地方式": methods},
                            geometry=geoms, crs=crs).to_crs(4490)


def test_many_parcels_in_many_partitions(towns, split_plan, client, tmp_path):  # noqa: F811
    path = tmp_path / "many.parquet"
    _many(towns, 400, seed=7).to_parquet(path)
    local = qa(path, towns, split_plan, county="441882")
    far = qa(path, towns, split_plan, county="441882", engine="dask", scheduler=client, partition_rows=37,
             out_dir=tmp_path / "store")
    assert far.summary["n_partitions"] >= 10
    _same_execution(local, far)
    notes = "\n".join(far.execution.note_texts())
    assert "无法识别为日期的" in notes and " …" in notes  # more than ten rows: the first ten, then …
    assert far.execution.cells["n_parcels"].sum() > 100
    for unit in ("ha", "mu"):
        assert _files(far, tmp_path / f"d-{unit}", unit=unit) == _files(local, tmp_path / f"l-{unit}", unit=unit)


def test_cli_writes_execution_under_dask(parcels, towns, split_plan, plan_text, client, tmp_path):  # noqa: F811
    plan_path = tmp_path / "plan.txt"
    plan_path.write_text(plan_text, encoding="utf-8")
    args = ["qa", str(parcels), "--plan", str(plan_path), "--county", "441882"]
    code = main([*args, "--out", str(tmp_path / "local")])
    # the fields named (once refused under dask with one line): the same files
    assert main([*args, "--engine", "dask", "--scheduler", client.scheduler.address, "--partition-rows", "3",
                 "--date-field", "供地日期", "--method-field", "供地方式", "--out", str(tmp_path / "dask")]) == code
    for name in ("execution.csv",):
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()
    assert (tmp_path / "dask" / "execution.xlsx").exists()
    book = pd.read_excel(tmp_path / "dask" / "execution.xlsx", sheet_name=None)
    want = pd.read_excel(tmp_path / "local" / "execution.xlsx", sheet_name=None)
    assert list(book) == list(want)
    for name in want:
        pd.testing.assert_frame_equal(book[name], want[name])
