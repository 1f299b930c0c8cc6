"""The Parquet exchange of the dask engine: every row reaches exactly one partition / bucket, partitions
are even, only the asked range is read, and hash buckets agree between processes."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from landgis.qa.exchange import buckets, divisions, key_sample, read_range, write_sorted


def _pieces(tmp_path, sizes=(30_000, 20_000, 25_000), seed=5):
    """Pieces of random skewed keys (most of them bunched), written as the engine writes them."""
    rng = np.random.default_rng(seed)
    paths, samples, start = [], [], 0
    for i, n in enumerate(sizes):
        keys = np.where(rng.random(n) < 0.7, rng.integers(0, 1_000, n), rng.integers(0, 2**40, n))
        df = pd.DataFrame({"k": keys.astype(np.int64), "row": np.arange(start, start + n),
                           "name": [f"r{j}" for j in range(n)]})
        start += n
        path = tmp_path / f"piece.{i}.parquet"
        write_sorted(df, "k", path, group_rows=2_000)
        paths.append(path)
        samples.append(key_sample(df["k"].to_numpy()))
    return paths, samples, start


@pytest.mark.parametrize("nparts", [1, 3, 8])
def test_ranges_cover_every_row_once_and_evenly(tmp_path, nparts):
    paths, samples, n = _pieces(tmp_path)
    cuts = [None, *divisions(samples, nparts).tolist(), None]
    parts = [read_range(paths, "k", cuts[k], cuts[k + 1]) for k in range(nparts)]
    rows = np.concatenate([p["row"].to_numpy() for p in parts])
    assert np.array_equal(np.sort(rows), np.arange(n))  # nothing lost, nothing twice
    for k, p in enumerate(parts):
        if cuts[k] is not None:
            assert (p["k"] >= cuts[k]).all()
        if cuts[k + 1] is not None:
            assert (p["k"] < cuts[k + 1]).all()
    sizes = np.array([len(p) for p in parts])
    assert sizes.max() <= n / nparts * 1.05  # even: bounded by the partition size, not the data


def test_written_sorted_in_row_groups_with_statistics(tmp_path):
    paths, _, _ = _pieces(tmp_path, sizes=(10_000,))
    meta = pq.ParquetFile(paths[0]).metadata
    assert meta.num_row_groups == 5
    mins = [meta.row_group(g).column(0).statistics.min for g in range(meta.num_row_groups)]
    assert mins == sorted(mins)
    back = pq.read_table(paths[0]).to_pandas()
    assert back["k"].is_monotonic_increasing


def test_ties_stay_together(tmp_path):
    df = pd.DataFrame({"k": np.full(5_000, 7, dtype=np.int64), "row": np.arange(5_000)})
    write_sorted(df, "k", tmp_path / "p.parquet", group_rows=1_000)
    cuts = [None, *divisions([key_sample(df["k"].to_numpy())], 4).tolist(), None]
    parts = [read_range([tmp_path / "p.parquet"], "k", cuts[k], cuts[k + 1]) for k in range(4)]
    assert sorted(len(p) for p in parts) == [0, 0, 0, 5_000]


def test_pieces_with_different_column_types_are_read_together(tmp_path):
    write_sorted(pd.DataFrame({"k": [1, 2], "v": [10, 20]}), "k", tmp_path / "a.parquet", 10)
    write_sorted(pd.DataFrame({"k": [3, 4], "v": [1.5, None]}), "k", tmp_path / "b.parquet", 10)
    got = read_range([tmp_path / "a.parquet", tmp_path / "b.parquet"], "k", 2, None)
    assert got["k"].tolist() == [2, 3, 4]
    assert got["v"].dtype == np.float64 and got["v"].tolist()[:2] == [20.0, 1.5] and np.isnan(got["v"].iloc[2])


def test_buckets_are_the_same_in_another_process():
    values = ["DK00000001", "地块-丰阳-01", "b'\\x01\\x02'", "", "DK00000001"]
    here = buckets(values, 13)
    code = ("import sys, json; from landgis.qa.exchange import buckets; "
            f"print(json.dumps(buckets({values!r}, 13).tolist()))")
    there = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": "12345", "PATH": ""}).stdout
    assert here.tolist() == json.loads(there)
    assert here[0] == here[4] and ((here >= 0) & (here < 13)).all()
