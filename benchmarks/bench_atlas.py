"""Time and memory of ``landgis atlas`` on the seed, against drawing the same ten maps by hand.

Run ``python benchmarks/bench_atlas.py [--repeat 3]``. Each measurement is a fresh Python process
(imports included, as a user pays them), best of ``--repeat``:

* atlas: ``python -m landgis.cli atlas --out <tmp>``, all 38 outputs;
* baseline: the same ten maps (the categories, the total and the density with
  ``GeoDataFrame.plot(column=…, legend=True)``, the categories side by side, the stacked bars)
  each saved with ``savefig`` to PNG at 300 dpi, SVG and PDF.

Peak memory (``peak_mb``: the worst of ``--repeat`` more runs, not timed; the best is printed too) is the largest sum, over the run's processes (the main process and its
drawing workers), of their proportional set size (``Pss`` in ``/proc/<pid>/smaps_rollup``, sampled
every 20 ms): memory shared by forked workers is counted once, split between them. Beside it the
largest resident set of any one process (``ru_maxrss``) and the CPU seconds (user + system, every
process of the run), which a busy machine distorts less than wall time.

The last line is ``atlas_s=… baseline_s=… ratio=… peak_mb=…``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time

_MEASURE = r"""
import json, os, resource, subprocess, sys, time

def tree(pid):
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        try:
            with open(f"/proc/{p}/task/{p}/children") as fh:
                todo += [int(c) for c in fh.read().split()]
        except OSError:
            pass
    return pids

def pss_kb(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            return next(int(line.split()[1]) for line in fh if line.startswith("Pss:"))
    except (OSError, StopIteration):
        return 0

sample = sys.argv[1] == "sample"
t = time.perf_counter()
proc = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL)
peak = 0
while sample and proc.poll() is None:
    peak = max(peak, sum(pss_kb(p) for p in tree(proc.pid)))
    time.sleep(0.02)
proc.wait()
wall = time.perf_counter() - t
if proc.returncode:
    sys.exit(proc.returncode)
use = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "peak_mb": peak / 1024, "max_rss_mb": use.ru_maxrss / 1024,
                  "cpu_s": use.ru_utime + use.ru_stime}))
"""

_BASELINE = r"""
import sys
from pathlib import Path
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from landgis.allocation import join
from landgis.townships import load_townships
from landgis.plan import SEED_PLAN, parse_plan

out = Path(sys.argv[1])
plan = parse_plan(SEED_PLAN)
layer = join(plan, load_townships(county=plan.county))
cats = list(layer.attrs["categories"])

def save(fig, name):
    for fmt in ("png", "svg", "pdf"):
        fig.savefig(out / f"{name}.{fmt}", dpi=300)
    plt.close(fig)

for i, column in enumerate([*cats, "total", "density"]):
    fig, ax = plt.subplots(figsize=(11.69, 8.27))
    layer.plot(column=column, legend=True, ax=ax)
    save(fig, f"map{i}")
fig, axes = plt.subplots(2, (len(cats) + 1) // 2, figsize=(11.69, 8.27))
for ax, column in zip(axes.flat, cats):
    layer.plot(column=column, legend=True, ax=ax)
save(fig, "small-multiples")
fig, ax = plt.subplots(figsize=(11.69, 8.27))
layer.set_index(layer.columns[0])[cats].plot.barh(stacked=True, ax=ax)
save(fig, "stacked-bars")
"""


def _measure(cmd: list[str], sample: bool = False) -> dict:
    """Wall, CPU and largest process of one run of ``cmd``; with ``sample``, its peak PSS too (a separate run:
    reading every process's ``smaps_rollup`` 50 times a second takes the kernel's time and the processes'
    memory-map lock, which slowed the atlas's three processes by 1–2 s and the baseline's one much less)."""
    res = subprocess.run([sys.executable, "-c", _MEASURE, "sample" if sample else "time", *cmd], check=True,
                         capture_output=True, text=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def _line(r: dict) -> str:
    return f"{r['wall']:.2f} s wall, {r['cpu_s']:.2f} s CPU, largest process {r['max_rss_mb']:.0f} MB"


def _atlas(tmp: str) -> list[str]:
    return [sys.executable, "-m", "landgis.cli", "atlas", "--out", os.path.join(tmp, "a")]


def _baseline(tmp: str) -> list[str]:
    os.makedirs(os.path.join(tmp, "b"), exist_ok=True)
    return [sys.executable, "-c", _BASELINE, os.path.join(tmp, "b")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    atlas, baseline = [], []
    for i in range(args.repeat):  # timed runs, alternating
        with tempfile.TemporaryDirectory() as tmp:
            atlas.append(_measure(_atlas(tmp)))
            print(f"run {i + 1}: atlas {_line(atlas[-1])}", flush=True)
            baseline.append(_measure(_baseline(tmp)))
            print(f"run {i + 1}: baseline {_line(baseline[-1])}", flush=True)
    sampled, base_sampled = [], []
    for i in range(args.repeat):  # as many runs again, for memory
        with tempfile.TemporaryDirectory() as tmp:
            sampled.append(_measure(_atlas(tmp), sample=True))
            base_sampled.append(_measure(_baseline(tmp), sample=True))
    peaks = sorted(r["peak_mb"] for r in sampled)
    peak = peaks[-1]  # the last line gives the worst run's, not the best's
    walls = ", ".join(f"{r['wall']:.2f}" for r in sampled)
    base_peaks = sorted(r["peak_mb"] for r in base_sampled)
    print(f"peak memory (all processes, PSS, runs of their own): atlas best of {args.repeat} {peaks[0]:.0f} MB, "
          f"worst {peak:.0f} MB ({walls} s wall while sampled); baseline {base_peaks[0]:.0f}–{base_peaks[-1]:.0f} MB")
    best = min(atlas, key=lambda r: r["wall"])
    base = min(r["wall"] for r in baseline)
    cpu_a, cpu_b = min(r["cpu_s"] for r in atlas), min(r["cpu_s"] for r in baseline)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    arrow = importlib.util.find_spec("pyarrow") is not None
    print("install: pyarrow is installed, and pandas imports it (about 45 MB more at the peak than the core install)"
          if arrow else "install: no pyarrow (as the core install of the quick start)")
    print(f"atlas: best of {args.repeat} {best['wall']:.2f} s wall, {cpu_a:.2f} s CPU; baseline (ten maps by hand, "
          f"PNG 300 dpi + SVG + PDF): {base:.2f} s wall, {cpu_b:.2f} s CPU; atlas peak memory {peak:.0f} MB "
          f"(all its processes, PSS), largest process {max(r['max_rss_mb'] for r in atlas):.0f} MB")
    print(f"atlas_s={best['wall']:.2f} baseline_s={base:.2f} ratio={best['wall'] / base:.2f} peak_mb={peak:.0f}")


if __name__ == "__main__":
    main()
