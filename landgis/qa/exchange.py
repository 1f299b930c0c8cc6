"""A shuffle through Parquet files: how the dask engine's tasks hand rows to each other.

Every sending task writes its rows once, sorted by a key, in small row groups; every receiving task
reads from each file only the rows whose key falls in its range (row-group statistics skip the rest).
A task therefore holds one piece or one partition, never the data set in flight, whatever the
cluster's shuffle settings; the work folder holds the rows in between.

Keys are integers: the Hilbert key for the spatial partitions (ranges from :func:`divisions`), or a
hash bucket (:func:`buckets`) for the duplicate checks, where a bucket ``b`` is the range ``[b, b + 1)``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from landgis.extras import lazy

pa = lazy("pyarrow")  # the parquet extra: imported when Parquet is read or written
pq = lazy("pyarrow.parquet")

__all__ = ["write_sorted", "key_sample", "divisions", "read_range", "buckets"]

#: Keys each written piece reports for the divisions (its quantiles).
SAMPLE = 1000


def write_sorted(df: pd.DataFrame, key: str, path, group_rows: int) -> None:
    """Write ``df`` sorted by the integer column ``key`` as Parquet, ``group_rows`` rows per row group.

    Examples
    --------
    >>> df = pd.DataFrame({"k": [3, 1, 2], "v": ["c", "a", "b"]})
    >>> write_sorted(df, "k", tmp / "piece.parquet", group_rows=2)  # doctest: +SKIP
    """

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(df.sort_values(key, kind="stable"), preserve_index=False)
    pq.write_table(table, path, row_group_size=max(1, int(group_rows)), write_statistics=[key])


def key_sample(keys: np.ndarray, n: int = SAMPLE) -> tuple[np.ndarray, np.ndarray]:
    """(keys, weights): ``n`` quantiles of some keys, each weighted by the rows it stands for.

    Examples
    --------
    >>> key_sample(np.arange(10), n=5)
    (array([0, 2, 4, 7, 9]), array([2., 2., 2., 2., 2.]))
    """
    keys = np.sort(np.asarray(keys))
    if not len(keys):
        return keys, np.zeros(0)
    m = min(n, len(keys))
    picks = keys[np.linspace(0, len(keys) - 1, m).round().astype(np.int64)]
    return picks, np.full(m, len(keys) / m)


def divisions(samples, nparts: int) -> np.ndarray:
    """``nparts - 1`` keys cutting the weighted samples of :func:`key_sample` into equal parts.

    Partition ``k`` holds the keys from cut ``k - 1`` (included) to cut ``k`` (excluded).

    Examples
    --------
    >>> divisions([key_sample(np.arange(100))], 4)
    array([25, 50, 75])
    """
    keys = np.concatenate([np.asarray(k) for k, _ in samples]) if samples else np.zeros(0, dtype=np.int64)
    weights = np.concatenate([np.asarray(w) for _, w in samples]) if samples else np.zeros(0)
    if nparts <= 1 or not len(keys):
        return keys[:0]
    order = np.argsort(keys, kind="stable")
    keys, cum = keys[order], np.cumsum(weights[order])
    targets = cum[-1] * np.arange(1, nparts) / nparts
    return keys[np.minimum(np.searchsorted(cum, targets, side="right"), len(keys) - 1)]


def read_range(paths, key: str, lo=None, hi=None) -> pd.DataFrame:
    """The rows of some :func:`write_sorted` files whose ``key`` is in ``[lo, hi)`` (``None``: open end).

    Examples
    --------
    >>> read_range(sorted(tmp.glob("*.parquet")), "k", 2, None)  # doctest: +SKIP
    """

    where = ([(key, ">=", int(lo))] if lo is not None else []) + ([(key, "<", int(hi))] if hi is not None else [])
    tables = [pq.read_table(p, filters=where or None) for p in paths]
    if not tables:
        return pd.DataFrame()
    return pa.concat_tables(tables, promote_options="permissive").to_pandas()


def buckets(values, n: int) -> np.ndarray:
    """A bucket ``0 … n - 1`` per value, the same in every process (pandas' fixed-key hash of the text).

    Examples
    --------
    >>> b = buckets(["DK1", "DK2", "DK1"], 7)
    >>> bool(b[0] == b[2])
    True
    """
    text = pd.Series(values, dtype=object).astype(str).to_numpy(dtype=object)
    return (pd.util.hash_array(text) % np.uint64(max(1, n))).astype(np.int64)
