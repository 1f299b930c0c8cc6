"""Classes of a mapped column: mapclassify loaded without numba for small classifications, the same bins."""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

_SCRIPT = r"""
import json, sys
import numpy as np
if sys.argv[1] == "numba_first":
    import mapclassify  # the ordinary import: Fisher-Jenks compiled by numba
from landgis.allocation import join
from landgis.plan import SEED_PLAN, parse_plan
from landgis.render import classes
from landgis.townships import load_townships

plan = parse_plan(SEED_PLAN)
layer = join(plan, load_townships(county=plan.county))
columns = [*layer.attrs["categories"], "total", "density"]
bins = {c: list(classes.classify(layer, c).bins) for c in columns}
rng = np.random.default_rng(7)
for i in range(60):  # more values, as a big county's townships would be
    y = np.round(rng.gamma(1.5, 10, int(rng.integers(20, 300))), 2)
    bins[f"random{i}"] = [float(b) for b in classes._bins(y, "natural_breaks", 5, None)[0]]
import numba  # still importable: the import was hidden only while mapclassify loaded
mc = sys.modules["mapclassify"].classifiers
print(json.dumps({"has_numba": mc.HAS_NUMBA, "numba": numba.__name__, "bins": bins}))
"""


def _run(mode: str) -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run([sys.executable, "-c", _SCRIPT, mode], capture_output=True, text=True, check=True,
                         env=env, timeout=600)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_small_classifications_load_mapclassify_without_numba_and_give_the_same_bins():
    plain, compiled = _run("landgis_first"), _run("numba_first")
    assert plain["has_numba"] is False and compiled["has_numba"] is True
    assert plain["numba"] == "numba"
    assert len(plain["bins"]) == 60 + 8 and all(plain["bins"].values())
    assert plain["bins"] == compiled["bins"]
