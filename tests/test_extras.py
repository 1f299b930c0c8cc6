"""Optional dependencies: a missing one is one line naming its extra, exit status 2, through the real CLI.

The module is made missing the way a core install lacks it: ``sys.modules[name] = None`` before landgis is
imported, in a fresh interpreter running ``landgis.cli.main``.
"""

from __future__ import annotations

import os
import subprocess
import sys

import geopandas as gpd
import pytest
import shapely

from landgis.extras import EXTRAS, MissingExtraError, extra_of, require

X0, Y0 = 38_512_000.0, 2_734_000.0


def _cli(args: list[str], missing: list[str], cwd) -> subprocess.CompletedProcess:
    prelude = ("import sys\n"
               f"for m in {missing!r}: sys.modules[m] = None\n"
               "from landgis.cli import main\n"
               "sys.exit(main(sys.argv[1:]))\n")
    return subprocess.run([sys.executable, "-c", prelude, *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "LANDGIS_DEBUG": ""}, timeout=600)


@pytest.fixture(scope="module")
def parcels(tmp_path_factory):
    d = tmp_path_factory.mktemp("extras")
    gdf = gpd.GeoDataFrame({"地块编号": ["A1", "A2"], "乡镇": ["连州镇", "连州镇"], "用途": ["工矿仓储用地"] * 2},
                           geometry=[shapely.box(X0, Y0, X0 + 50, Y0 + 50), shapely.box(X0 + 100, Y0, X0 + 150, Y0 + 40)],
                           crs=4526)
    gdf.to_parquet(d / "p.parquet")
    gdf.to_file(d / "p.gpkg")
    return d


@pytest.mark.slow  # runs the landgis command in a new process
def test_geoparquet_without_pyarrow_names_the_parquet_extra(parcels, tmp_path):
    r = _cli(["qa", str(parcels / "p.parquet"), "--out", str(tmp_path / "qa")], ["pyarrow", "pyarrow.parquet"],
             tmp_path)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert "pip install 'landgis[parquet]'" in lines[0] and "pyarrow" in lines[0]
    assert "bug" not in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "qa").exists()


@pytest.mark.slow  # runs the landgis command in a new process
def test_a_core_install_checks_a_geopackage_without_pyarrow_or_numba(parcels, tmp_path):
    r = _cli(["qa", str(parcels / "p.gpkg"), "--out", str(tmp_path / "qa")], ["pyarrow", "pyarrow.parquet", "numba"],
             tmp_path)
    assert r.returncode in (0, 1), r.stderr
    assert (tmp_path / "qa" / "findings.csv").is_file() and (tmp_path / "qa" / "parcels.gpkg").is_file()


@pytest.mark.slow  # runs the landgis command in a new process
def test_postgis_without_psycopg_names_the_postgis_extra(tmp_path):
    r = _cli(["qa", "postgresql://u@127.0.0.1:1/db?table=p", "--out", str(tmp_path / "qa")], ["psycopg"], tmp_path)
    assert r.returncode == 2, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "pip install 'landgis[postgis]'" in r.stderr, r.stderr


@pytest.mark.slow  # runs the landgis command in a new process
def test_dask_engine_without_dask_names_the_dask_extra(parcels, tmp_path):
    r = _cli(["qa", str(parcels / "p.gpkg"), "--engine", "dask", "--out", str(tmp_path / "qa")],
             ["dask", "distributed", "dask_geopandas"], tmp_path)
    assert r.returncode == 2, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "pip install 'landgis[dask]'" in r.stderr, r.stderr


def test_require_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(MissingExtraError, match=r"pyarrow is not installed: pip install 'landgis\[parquet\]'"):
        require("pyarrow")
    assert require("shapely") is shapely


def test_every_extra_named_is_declared():
    import tomllib
    from pathlib import Path

    extras = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text("utf-8"))["project"][
        "optional-dependencies"]
    assert set(EXTRAS.values()) <= set(extras)
    assert extra_of("pyarrow.parquet") == "parquet" and extra_of("numba") == "fast"
