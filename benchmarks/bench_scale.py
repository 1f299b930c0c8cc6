"""Province-scale parcel QA: ``--engine dask`` on a local 2-worker cluster for 1M, 2M and 4M polygons.

For each N it generates N polygon parcels inside the shipped township layer (rectangles of 15–120 m,
about 2 % overlapping another parcel partly, 0.5 % lying inside another, 1 % outside the county, some
straddling township borders, 1 % booked under the wrong township), stores them as GeoParquet
(row groups of 100,000), starts a fresh LocalCluster (2 worker processes, 1 thread each) and runs
``landgis.qa.qa(path, engine="dask")`` into a fresh folder. It prints one line per N with the wall
time and the peak memory of the client process (which also runs the scheduler) and the worker
processes together (RSS sampled every 0.2 s, peak of the sum), a line with the peak of each process
(client, worker 1, worker 2), then a last line::

    scale_time_ratio=<t(Nmax)/t(Nmin)> scale_memory_ratio=<mem(Nmax)/mem(Nmin)>

and draws ``benchmarks/bench_scale.png`` (time and memory against N). Goals: time ratio ≤ 5 and
memory ratio ≤ 1.5 for 4M/1M.

Run::

    python benchmarks/bench_scale.py                       # 1M, 2M, 4M (long; the data is cached)
    python benchmarks/bench_scale.py --sizes 100000 200000  # a quick look
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import shapely

from landgis.townships import load_townships
from landgis.crs import equal_area_crs
from landgis.qa.locate import TownshipIndex

HERE = Path(__file__).parent
CATEGORIES = ["住宅用地", "商服用地", "工矿仓储用地", "公用设施用地", "公园与绿地", "交通运输用地"]


def generate(path: Path, n: int, seed: int = 2026, chunk: int = 250_000) -> Path:
    """Write ``n`` polygon parcels as GeoParquet (EPSG:4490), chunk by chunk; return ``path``.

    Parcels sit in the cells of a grid sized so that ``n`` of them fill the county (cells of about
    45 m for 1M, 23 m for 4M): they do not overlap by chance, only where made to.
    """
    import json

    from pyproj import Transformer

    towns = load_townships(county="441882")
    c = shapely.centroid(shapely.union_all(towns.geometry.values))
    crs = equal_area_crs(c.x, c.y)
    ea = towns.to_crs(crs)
    index = TownshipIndex(ea.geometry.values)
    names = np.array(ea["name"].astype(str))
    x0, y0, x1, y1 = ea.total_bounds
    side = np.sqrt(shapely.area(shapely.union_all(ea.geometry.values)) / (n * 1.25))
    gx, gy = np.arange(x0 + side / 2, x1, side), np.arange(y0 + side / 2, y1, side)
    cx, cy = (a.ravel() for a in np.meshgrid(gx, gy))
    town = index.locate_xy(cx, cy)
    rng = np.random.default_rng(seed)
    n_out = n // 100  # 1 % outside the county
    pick = np.concatenate([rng.choice(np.nonzero(town >= 0)[0], n - n_out, replace=False),
                           rng.choice(np.nonzero(town < 0)[0], n_out, replace=False)])
    rng.shuffle(pick)
    cx, cy, town = cx[pick], cy[pick], town[pick]
    to_ll = Transformer.from_crs(crs, 4490, always_xy=True)
    geo = {"version": "1.0.0", "primary_column": "geometry",
           "columns": {"geometry": {"encoding": "WKB", "geometry_types": ["Polygon"],
                                    "crs": to_ll.target_crs.to_json_dict()}}}
    tmp = path.with_suffix(".partial")
    writer = None
    for start in range(0, n, chunk):
        sl = slice(start, min(n, start + chunk))
        x, y, t = cx[sl].copy(), cy[sl].copy(), town[sl].copy()
        m = len(x)
        w, h = rng.uniform(0.5, 0.95, m) * side, rng.uniform(0.5, 0.95, m) * side
        kind = rng.random(m)
        # 2 % overlap the previous parcel partly, 0.5 % lie inside it
        partly, inside = kind < 0.02, (kind >= 0.02) & (kind < 0.025)
        prev = np.maximum(np.arange(m) - 1, 0)
        x[partly], y[partly] = x[prev[partly]] + w[prev[partly]] / 2, y[prev[partly]]
        x[inside], y[inside] = x[prev[inside]], y[prev[inside]]
        w[inside], h[inside] = w[prev[inside]] / 3, h[prev[inside]] / 3
        t[partly | inside] = t[prev[partly | inside]]
        boxes = shapely.box(x - w / 2, y - h / 2, x + w / 2, y + h / 2)
        geoms = shapely.transform(boxes, lambda xy: np.column_stack(to_ll.transform(xy[:, 0], xy[:, 1])))
        declared = np.where(t >= 0, names[np.maximum(t, 0)], names[rng.integers(0, len(names), m)])
        wrong = rng.random(m) < 0.01
        declared[wrong] = names[rng.integers(0, len(names), int(wrong.sum()))]
        stated = w * h / 1e4 * np.where(rng.random(m) < 0.02, 1.5, rng.uniform(0.99, 1.01, m))
        table = pa.table({"地块编号": [f"DK{i:08d}" for i in range(sl.start, sl.stop)], "所属乡镇": declared,
                          "用地类型": np.array(CATEGORIES)[rng.integers(0, len(CATEGORIES), m)],
                          "面积(公顷)": np.round(stated, 6), "geometry": shapely.to_wkb(geoms)})
        if writer is None:
            writer = pq.ParquetWriter(tmp, table.schema.with_metadata({b"geo": json.dumps(geo).encode()}))
        writer.write_table(table.cast(writer.schema), row_group_size=100_000)
    writer.close()
    os.replace(tmp, path)
    return path


class PeakMemory:
    """Peak of the summed RSS of some processes, and of each one, sampled in a thread."""

    def __init__(self, pids, every: float = 0.2):
        import psutil

        self.procs = [psutil.Process(p) for p in pids]
        self.every, self.peak, self._stop = every, 0, threading.Event()
        self.each = [0] * len(self.procs)
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            total = 0
            for i, p in enumerate(self.procs):
                try:
                    rss = p.memory_info().rss
                except Exception:  # noqa: BLE001 - a worker restarting: count it next time
                    continue
                total += rss
                self.each[i] = max(self.each[i], rss)
            self.peak = max(self.peak, total)
            self._stop.wait(self.every)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self.thread.join()


def run_one(path: Path, out: Path, partition_rows: int) -> tuple[float, float, list[float], dict]:
    """(seconds, peak MiB of client + workers, peak MiB of the client and of each worker, summary)."""
    from distributed import Client, LocalCluster

    from landgis.qa import qa

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        pids = [os.getpid(), *client.run(os.getpid).values()]
        with PeakMemory(pids) as mem:
            t0 = time.perf_counter()
            result = qa(path, engine="dask", scheduler=client, out_dir=out, partition_rows=partition_rows)
            seconds = time.perf_counter() - t0
    return seconds, mem.peak / 2**20, [b / 2**20 for b in mem.each], result.summary


def plot(rows, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = np.array([r[0] for r in rows]) / 1e6
    fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3.6))
    a.plot(n, [r[1] for r in rows], "o-", label="measured")
    a.plot(n, rows[0][1] * n / n[0], "--", color="grey", label="linear from the first")
    a.set(xlabel="parcels (millions)", ylabel="wall time (s)", title="time")
    a.legend()
    b.plot(n, [r[2] for r in rows], "o-", color="C1", label="client + workers")
    for i, name in enumerate(["client (and scheduler)", *(f"worker {w}" for w in range(1, len(rows[0][3])))]):
        b.plot(n, [r[3][i] for r in rows], ".--", color=f"C{i + 2}", label=name)
    b.set(xlabel="parcels (millions)", ylabel="peak RSS (MiB)", title="memory",
          ylim=(0, max(r[2] for r in rows) * 1.2))
    b.legend(fontsize="small", loc="center right")
    fig.suptitle("landgis qa --engine dask, local cluster of 2 workers")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 2_000_000, 4_000_000])
    ap.add_argument("--partition-rows", type=int, default=200_000)
    ap.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "landgis-bench-scale")
    ap.add_argument("--plot", type=Path, default=HERE / "bench_scale.png")
    args = ap.parse_args(argv)
    args.data.mkdir(parents=True, exist_ok=True)

    rows = []
    for n in args.sizes:
        path = args.data / f"parcels_{n}.parquet"
        if not path.exists():
            t0 = time.perf_counter()
            # in a child process, so that the client's RSS measured below does not carry the generator's arrays
            with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
                pool.submit(generate, path, n).result()
            print(f"generated {n:,} parcels in {time.perf_counter() - t0:.0f} s: {path} "
                  f"({path.stat().st_size / 2**20:.0f} MiB)", flush=True)
        seconds, mib, each, s = run_one(path, args.data / f"qa_{n}", args.partition_rows)
        rows.append((n, seconds, mib, each))
        kinds = ", ".join(f"{k} {v:,}" for k, v in list(s["by_kind"].items())[:6])
        print(f"N={n:,} time={seconds:.1f}s peak_memory={mib:,.0f}MiB partitions={s['n_partitions']} "
              f"overlap_pairs_across_partitions={s['overlaps_across_partitions']:,} ({kinds}) "
              f"stages_s={s['timings_s']}", flush=True)
        print(f"  N={n:,} peak_memory_per_process client={each[0]:,.0f}MiB "
              + " ".join(f"worker{i}={m:,.0f}MiB" for i, m in enumerate(each[1:], 1)), flush=True)
    plot(rows, args.plot)
    print(f"plot: {args.plot}")
    print(f"scale_time_ratio={rows[-1][1] / rows[0][1]:.2f} scale_memory_ratio={rows[-1][2] / rows[0][2]:.2f}")


if __name__ == "__main__":
    main()
