"""Constraint layers (三区三线) under ``engine="dask"`` on a real dask.distributed cluster: the same areas and
findings as the local engine, each partition reading only the constraint features near its parcels."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest
from test_constraints import site  # noqa: F401 - the 三区三线 layers and five parcels
from test_qa_dask import client  # noqa: F401 - a LocalCluster of 2 worker processes

from landgis.qa import qa, write_qa

pytestmark = pytest.mark.slow  # a dask cluster


def _areas(table: pd.DataFrame) -> pd.DataFrame:
    t = table.assign(row=table["row"].astype(int)).set_index(["row", "constraint"]).sort_index()
    return t[["parcel_id", "overlap_m2", "share", "outside_m2", "features"]].astype(
        {"parcel_id": str, "features": object})


def test_dask_gives_the_local_areas_and_findings(site, towns, client, tmp_path):  # noqa: F811
    local = qa(site["parcels"], towns, plan=False, county="441882", constraint_folder=site["folder"])
    far = qa(site["parcels"], towns, plan=False, county="441882", constraint_folder=site["folder"], engine="dask",
             scheduler=client, partition_rows=2, out_dir=tmp_path / "store")
    assert far.summary["n_partitions"] >= 2
    got = _areas(far.constraints.compute())
    want = _areas(local.constraints)
    assert list(got.index) == list(want.index)
    np.testing.assert_allclose(got["overlap_m2"], want["overlap_m2"], rtol=1e-9)
    np.testing.assert_allclose(got["outside_m2"].astype(float), want["outside_m2"].astype(float), rtol=1e-9)
    # the features listed are the same (in the layer's order, whichever subset a partition read)
    # (none for a parcel listed with nothing shared: None here, <NA> back from Parquet)
    listed = lambda fs: [set() if pd.isna(f) else set(str(f).split("、")) for f in fs]  # noqa: E731
    assert listed(got["features"]) == listed(want["features"])
    kinds = {"constraint_overlap", "outside_constraint"}
    mine = far.findings.compute()
    pick = lambda f: sorted((int(r.row), r.kind, r.severity, r.message) for r in f.itertuples() if r.kind in kinds)
    assert pick(mine) == pick(local.findings) and len(pick(mine)) >= 4
    pd.testing.assert_frame_equal(far.constraints_by_township.reset_index(drop=True),
                                  local.constraints_by_township.reset_index(drop=True), check_dtype=False)
    assert far.summary["constraints"] == local.summary["constraints"]
    # memory: no partition read the whole 永久基本农田 layer of 1,600 fields
    assert 0 < far.summary["constraint_features_read_max"] < 1600
    written = {p.name for p in write_qa(far, tmp_path / "store", unit="mu")}
    assert {"constraints.csv", "constraints_by_township.xlsx", "constraints.parquet"} <= written
    with open(tmp_path / "store" / "constraints.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(local.constraints) and "重叠面积（亩）" in rows[0]


def test_published_findings_keep_codes_and_give_labels(site, towns, client, tmp_path):  # noqa: F811
    far = qa(site["parcels"], towns, plan=False, county="441882", constraint_folder=site["folder"], engine="dask",
             scheduler=client, partition_rows=3, out_dir=tmp_path)
    on_disk = pd.read_parquet(tmp_path / "findings.parquet")
    assert {"kind", "severity", "kind_label", "severity_label"} <= set(on_disk.columns)
    hit = on_disk[on_disk["kind"] == "constraint_overlap"]
    assert len(hit) and set(hit["kind_label"]) == {"占用管控区（三区三线）"} and set(hit["severity_label"]) == {"错误"}
    assert set(on_disk["severity"]) <= {"error", "warning", "info"}
    assert "kind_label" not in far.findings.columns  # the result keeps the record's columns
