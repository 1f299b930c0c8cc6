"""Parcels against 三区三线 layers stored as bureaus store them: GBK shapefiles without .cpg, Gauss-Krüger
zone 38 with the zone prefix, the usual field names, a 永久基本农田 layer of many small polygons."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import geopandas as gpd
import pandas as pd
import numpy as np
import pytest
import shapely

from landgis.crs import equal_area_crs, layer_centre
from landgis.errors import InputError
from landgis.qa import qa
from landgis.qa.constraints import find_constraint_files, load_rules, read_constraint

GK38 = 4526  # CGCS2000 3° Gauss-Krüger zone 38, eastings with the prefix 38


def _shapefile(gdf: gpd.GeoDataFrame, path) -> None:
    gdf.to_file(path, encoding="GBK", engine="pyogrio")
    path.with_suffix(".cpg").unlink(missing_ok=True)  # as official layers come: GBK, no .cpg


@pytest.fixture(scope="module")
def site(towns, tmp_path_factory):
    """A folder of constraint layers around 连州镇's seat, and parcels in lon/lat."""
    folder = tmp_path_factory.mktemp("sanqu")
    seat = towns.to_crs(GK38).set_index("name").geometry["连州镇"].representative_point()
    x, y = seat.x, seat.y
    # 永久基本农田: 40 × 40 small fields of 50 m with 10 m between them, east of the seat
    i, j = np.meshgrid(np.arange(40), np.arange(40))
    x0, y0 = x + 300 + 60 * i.ravel(), y - 1200 + 60 * j.ravel()
    fields = shapely.box(x0, y0, x0 + 50, y0 + 50)
    jbnt = gpd.GeoDataFrame({
        "BSM": np.arange(1, len(fields) + 1), "YSDM": "2110010100",
        "JBNTTBBH": [f"JB{k:04d}" for k in range(1, len(fields) + 1)],
        "DLMC": np.where(np.arange(len(fields)) % 3 == 0, "旱地", "水田"), "ZLDWMC": "连州镇石角村"},
        geometry=fields, crs=GK38)
    _shapefile(jbnt, folder / "YJJBNT.shp")
    red = gpd.GeoDataFrame({"BSM": [1], "HXMC": ["生态保护红线（水源涵养）"]},
                           geometry=[shapely.box(x - 2000, y + 1500, x + 2000, y + 3000)], crs=GK38)
    _shapefile(red, folder / "STBHHX.shp")
    town = gpd.GeoDataFrame({"BSM": [1], "KFBJMC": ["连州中心城区城镇开发边界"]},
                            geometry=[shapely.box(x - 1500, y - 1500, x + 1500, y + 1000)], crs=GK38)
    _shapefile(town, folder / "CZKFBJ.shp")
    parcels = gpd.GeoDataFrame({
        "地块编号": ["P1", "P2", "P3", "P4", "P5"],
        "用地类型": ["住宅用地", "工矿仓储用地", "公园与绿地", "住宅用地", "商服用地"],
        "所属乡镇": ["连州镇"] * 5},
        geometry=[
            shapely.box(x - 200, y - 200, x - 100, y - 100),            # inside the town boundary, clear
            shapely.box(x + 1300, y - 400, x + 1700, y - 200),          # over many fields, partly outside
            shapely.box(x - 100, y + 1400, x + 100, y + 1600),          # half in the red line
            shapely.box(x + 299.5, y - 1200, x + 300.5, y - 1190),      # 0.5 m × 10 m on one field
            shapely.Polygon([(x - 1400, y), (x - 1300, y), (x - 1350, y + 80)]),  # clear
        ], crs=GK38).to_crs(4490)
    parcels.to_file(folder.parent / "parcels.gpkg", engine="pyogrio")
    return {"folder": folder, "parcels": folder.parent / "parcels.gpkg", "layers": {
        "永久基本农田": jbnt, "生态保护红线": red, "城镇开发边界": town}}


def test_layers_read_as_stored(site):
    got = find_constraint_files(site["folder"], load_rules())
    assert set(got) == {"永久基本农田", "生态保护红线", "城镇开发边界"}
    jbnt = read_constraint("永久基本农田", got["永久基本农田"][0])
    assert jbnt.crs.to_epsg() == GK38 and len(jbnt) == 1600
    assert jbnt["feature_id"][0] == "JB0001"  # JBNTTBBH, the field bureaus name fields by
    assert read_constraint("生态保护红线", got["生态保护红线"][0]).attrs["source"].endswith("STBHHX.shp")


def test_overlaps_rules_and_areas_equal_overlay(site, towns):
    r = qa(site["parcels"], towns, plan=False, constraint_folder=site["folder"], county="441882")
    t = r.constraints.set_index(["parcel_id", "constraint"])
    # the areas are geopandas.overlay's, in the same equal-area CRS
    crs = equal_area_crs(*layer_centre(towns.to_crs(4326).geometry))
    mine = gpd.GeoDataFrame({"parcel_id": r.parcels["parcel_id"]}, geometry=r.parcels.geometry, crs=4326).to_crs(crs)
    for name, layer in site["layers"].items():
        ov = gpd.overlay(mine, layer[["geometry"]].to_crs(crs), how="intersection", keep_geom_type=True)
        expected = ov.assign(a=ov.area).groupby("parcel_id")["a"].sum()
        expected = expected[expected > 0]
        got = t.xs(name, level="constraint")["overlap_m2"]
        got = got[got > 0]
        assert sorted(got.index) == sorted(expected.index), name
        np.testing.assert_allclose(got[expected.index].to_numpy(), expected.to_numpy(), rtol=1e-9)
    # P2 covers parts of many small fields
    assert len(t.loc[("P2", "永久基本农田"), "features"].split("、")) > 10
    assert 0.3 < t.loc[("P2", "永久基本农田"), "share"] < 0.9
    kinds = r.findings.groupby("parcel_id")["kind"].agg(set)
    sev = r.findings.set_index(["parcel_id", "kind"])["severity"]
    assert "constraint_overlap" in kinds["P2"] and sev[("P2", "constraint_overlap")] == "error"
    assert "outside_constraint" in kinds["P2"] and sev[("P2", "outside_constraint")] == "warning"
    assert "constraint_overlap" in kinds["P3"]            # 生态保护红线
    assert "outside_constraint" not in kinds.get("P3", set())  # a park need not lie in the town boundary
    assert "constraint_overlap" in kinds["P4"]  # 5 m² is above the default 1 m² tolerance
    msg = r.findings[(r.findings["parcel_id"] == "P3") & (r.findings["kind"] == "constraint_overlap")]["message"].iloc[0]
    assert "生态保护红线" in msg and "平方米" in msg
    assert t.loc[("P1", "城镇开发边界"), "outside_m2"] == pytest.approx(0, abs=1e-6)
    # every parcel is listed against every layer, a clean one with 0: the table shows what was checked
    assert len(t) == len(r.parcels) * len(site["layers"]) and t.index.is_unique
    assert t.loc[("P1", "永久基本农田"), "overlap_m2"] == 0 and t.loc[("P1", "永久基本农田"), "share"] == 0
    assert pd.isna(t.loc[("P1", "永久基本农田"), "features"])
    by = r.constraints_by_township.set_index(["township_found", "constraint"])
    assert by.loc[("连州镇", "永久基本农田"), "overlap_m2"] == pytest.approx(
        t.xs("永久基本农田", level="constraint")["overlap_m2"].sum())


def test_tolerance_and_custom_rules(site, towns, tmp_path):
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"永久基本农田": {"aliases": ["YJJBNT"], "rule": "overlap", "severity": "error",
                                                "tolerance_m2": 10.0},
                                 "自定义保护区": {"rule": "overlap", "severity": "warning", "tolerance_m2": 0}},
                                ensure_ascii=False), encoding="utf-8")
    r = qa(site["parcels"], towns, plan=False, county="441882", constraint_rules=rules, constraints={
        "永久基本农田": str(site["folder"] / "YJJBNT.shp"), "自定义保护区": str(site["folder"] / "STBHHX.shp")})
    t = r.constraints.set_index(["parcel_id", "constraint"])
    assert t.loc[("P4", "永久基本农田"), "overlap_m2"] == pytest.approx(5.0, rel=1e-3)  # 0.5 m × 10 m
    f = r.findings.set_index(["parcel_id", "kind"])
    assert ("P4", "constraint_overlap") not in f.index  # 5 m² is within the 10 m² tolerance
    assert f.loc[("P3", "constraint_overlap"), "severity"] == "warning"  # the custom layer's rule


@pytest.mark.slow  # runs the landgis command in a new process
def test_cli_writes_constraint_tables(site, tmp_path):
    out = tmp_path / "qa"
    run = subprocess.run([sys.executable, "-m", "landgis.cli", "qa", str(site["parcels"]), "--no-plan", "--county", "441882",
                          "--constraints", str(site["folder"]), "--out", str(out), "--no-map"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    with open(out / "constraints.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert {"地块编号", "管控图层", "重叠面积（公顷）", "重叠占地块面积比例"} <= set(rows[0])
    assert any(r["地块编号"] == "P2" and r["管控图层"] == "永久基本农田" for r in rows)
    assert all(len(r["重叠面积（公顷）"].split(".")[-1]) <= 4 for r in rows if r["重叠面积（公顷）"])
    assert (out / "constraints_by_township.xlsx").exists()
    findings = (out / "findings.csv").read_text(encoding="utf-8-sig")
    assert "与永久基本农田重叠" in findings


def test_constraints_named_one_by_one_give_the_folders_results(site, tmp_path):
    """``--constraint NAME=FILE`` three times, one layer a GeoPackage: the same tables as ``--constraints FOLDER``."""
    from landgis.cli import main

    gpd.read_file(site["folder"] / "STBHHX.shp", encoding="GBK").to_file(tmp_path / "STBHHX.gpkg", engine="pyogrio")
    common = ["qa", str(site["parcels"]), "--no-plan", "--county", "441882", "--no-map", "--quiet"]
    named = ["--constraint", f"永久基本农田={site['folder'] / 'YJJBNT.shp'}",
             "--constraint", f"生态保护红线={tmp_path / 'STBHHX.gpkg'}",
             "--constraint", f"城镇开发边界={site['folder'] / 'CZKFBJ.shp'}"]
    assert main([*common, *named, "--out", str(tmp_path / "named")]) in (0, 1)
    assert main([*common, "--constraints", str(site["folder"]), "--out", str(tmp_path / "folder")]) in (0, 1)
    for name in ("constraints.csv", "constraints_by_township.csv", "findings.csv"):  # layers in the order named
        got = (tmp_path / "named" / name).read_text(encoding="utf-8-sig").splitlines()
        want = (tmp_path / "folder" / name).read_text(encoding="utf-8-sig").splitlines()
        assert got[0] == want[0] and sorted(got) == sorted(want) and len(got) > 1, name
    with open(tmp_path / "named" / "constraints_by_township.csv", encoding="utf-8-sig") as fh:
        layers = {r["管控图层"] for r in csv.DictReader(fh)}
    assert layers == {"永久基本农田", "生态保护红线", "城镇开发边界"}


@pytest.mark.slow  # runs the landgis command in 3 new processes
def test_bad_constraint_arguments_exit_2(site, tmp_path):
    for extra in (["--constraint", "永久基本农田"], ["--constraint", f"永久基本农田={tmp_path / 'none.shp'}"],
                  ["--constraints", str(tmp_path / "nowhere")]):
        run = subprocess.run([sys.executable, "-m", "landgis.cli", "qa", str(site["parcels"]), "--no-plan", "--county", "441882",
                              "--out", str(tmp_path / "o"), "--no-map", *extra], capture_output=True, text=True)
        assert run.returncode == 2, (extra, run.stderr)
        assert len([ln for ln in run.stderr.splitlines() if ln.strip()]) == 1, run.stderr


def test_points_layer_is_refused(tmp_path):
    pts = gpd.GeoDataFrame({"BSM": [1]}, geometry=[shapely.Point(38_500_000, 2_700_000)], crs=GK38)
    pts.to_file(tmp_path / "YJJBNT.shp", engine="pyogrio")
    with pytest.raises(InputError, match="holds polygons"):
        read_constraint("永久基本农田", tmp_path / "YJJBNT.shp")


def test_qa_map_draws_the_constraint_layers(site, towns, tmp_path, browser):
    from landgis.render.qa_map import write_qa_map

    r = qa(site["parcels"], towns, plan=False, constraint_folder=site["folder"], county="441882")
    path = write_qa_map(r, tmp_path / "qa_map.html")
    report = browser(path, wait_for="path.landgis-parcel")
    report.assert_offline_clean()
    page = report.page
    assert page.locator("path.landgis-constraint").count() >= 3  # fields near P2/P4, the red line, the boundary
    control = page.locator(".leaflet-control-layers").inner_text()
    for name in ("永久基本农田", "生态保护红线", "城镇开发边界"):
        assert name in control
    report.screenshot("qa_map_constraints")


def test_invalid_parcel_is_measured_as_repaired(site, towns):
    """A self-crossing parcel is an invalid_geometry finding, and its overlap is still measured."""
    gdf = gpd.read_file(site["parcels"]).to_crs(GK38)
    x0, y0, x1, y1 = gdf.geometry[1].bounds  # P2, over many fields
    gdf.loc[1, "geometry"] = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])  # a bow tie
    r = qa(gdf.to_crs(4490), towns, plan=False, constraint_folder=site["folder"], county="441882")
    kinds = set(r.findings.loc[r.findings["parcel_id"] == "P2", "kind"])
    assert "invalid_geometry" in kinds and "constraint_overlap" in kinds
    t = r.constraints.set_index(["parcel_id", "constraint"])
    assert t.loc[("P2", "永久基本农田"), "overlap_m2"] > 0


def test_combined_layer_split_by_its_type_column(site, towns, tmp_path):
    """One 三区三线.shp with a KZXLX column holding each feature's control line, as some bureaus deliver it."""
    parts = [site["layers"][n].assign(KZXLX=n)[["KZXLX", "geometry"]] for n in ("永久基本农田", "生态保护红线")]
    combined = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=GK38)
    folder = tmp_path / "sanqu"
    folder.mkdir()
    _shapefile(combined, folder / "三区三线.shp")
    got = find_constraint_files(folder, load_rules())
    assert set(got) == {"永久基本农田", "生态保护红线"}
    r = qa(site["parcels"], towns, plan=False, constraint_folder=folder, county="441882")
    t = r.constraints.set_index(["parcel_id", "constraint"])
    assert t.loc[("P2", "永久基本农田"), "overlap_m2"] > 0 and t.loc[("P3", "生态保护红线"), "overlap_m2"] > 0
    assert t.loc[("P3", "永久基本农田"), "overlap_m2"] == 0  # listed, with nothing shared


@pytest.mark.slow  # runs the landgis command in 3 new processes
def test_parcels_gpkg_keeps_the_input_crs(site, tmp_path):
    gk = gpd.read_file(site["parcels"]).to_crs(4546)  # CGCS2000 / 3-degree Gauss-Krüger CM 111E
    gk.to_file(tmp_path / "gk.gpkg", engine="pyogrio")
    base = [sys.executable, "-m", "landgis.cli", "qa", str(tmp_path / "gk.gpkg"), "--no-plan", "--county", "441882",
            "--no-map"]
    run = subprocess.run([*base, "--out", str(tmp_path / "a")], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    back = gpd.read_file(tmp_path / "a" / "parcels.gpkg")
    assert back.crs.to_epsg() == 4546
    assert shapely.equals_exact(back.geometry.values, gk.geometry.values, tolerance=1e-3).all()
    run = subprocess.run([*base, "--out", str(tmp_path / "b"), "--out-crs", "4490"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert gpd.read_file(tmp_path / "b" / "parcels.gpkg").crs.to_epsg() == 4490
    run = subprocess.run([*base, "--out", str(tmp_path / "c"), "--out-crs", "EPSG:99999"], capture_output=True, text=True)
    assert run.returncode == 2 and "--out-crs" in run.stderr and len(run.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "c").exists()
