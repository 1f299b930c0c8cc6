"""Time and memory of ``landgis atlas`` on the seed, against drawing the same ten maps by hand.

Run ``python benchmarks/bench_atlas.py [--repeat 3]``. Each measurement is a fresh Python process
(imports included, as a user pays them), best of ``--repeat``:

* atlas: ``python -m landgis.cli atlas --out <tmp>``, all 38 outputs;
* baseline: the same ten maps (the categories, the total and the density with
  ``GeoDataFrame.plot(column=…, legend=True)``, the categories side by side, the stacked bars)
  each saved with ``savefig`` to PNG at 300 dpi, SVG and PDF.

Peak memory is ``ru_maxrss`` of the waited-for children (``resource.getrusage(RUSAGE_CHILDREN)``),
measured in a fresh wrapper process per run: the largest resident set of any one process of the
run (the main process or one drawing worker), not the sum of processes running at the same time.

The last line is ``atlas_s=… baseline_s=… ratio=… peak_mb=…``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

_MEASURE = r"""
import json, resource, subprocess, sys, time
t = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
wall = time.perf_counter() - t
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kilobytes on Linux
print(json.dumps({"wall": wall, "peak_mb": peak_kb / 1024}))
"""

_BASELINE = r"""
import sys
from pathlib import Path
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from landgis.allocation import join
from landgis.boundaries import load_townships
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


def _measure(cmd: list[str]) -> dict:
    res = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], check=True, capture_output=True, text=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    atlas, baseline = [], []
    for i in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            atlas.append(_measure([sys.executable, "-m", "landgis.cli", "atlas", "--out", os.path.join(tmp, "a")]))
            print(f"run {i + 1}: atlas {atlas[-1]['wall']:.2f} s, {atlas[-1]['peak_mb']:.0f} MB", flush=True)
            os.mkdir(os.path.join(tmp, "b"))
            baseline.append(_measure([sys.executable, "-c", _BASELINE, os.path.join(tmp, "b")]))
            print(f"run {i + 1}: baseline {baseline[-1]['wall']:.2f} s, {baseline[-1]['peak_mb']:.0f} MB", flush=True)
    best = min(atlas, key=lambda r: r["wall"])
    base = min(r["wall"] for r in baseline)
    peak = min(r["peak_mb"] for r in atlas)
    print(f"atlas: best of {args.repeat} {best['wall']:.2f} s; baseline (ten maps by hand, PNG 300 dpi + SVG + PDF): "
          f"{base:.2f} s; atlas peak memory {peak:.0f} MB (largest single process)")
    print(f"atlas_s={best['wall']:.2f} baseline_s={base:.2f} ratio={best['wall'] / base:.2f} peak_mb={peak:.0f}")


if __name__ == "__main__":
    main()
