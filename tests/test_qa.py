"""Parcel QA against the shipped township layer and the seed plan, with known answers."""

from __future__ import annotations

import csv as _csv
import io
import json
import math
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer

from landgis.cli import main
from landgis.crs import equal_area_crs
from landgis.errors import InputError
from landgis.qa.labels import KIND_LABELS
from landgis.qa.locate import TownshipIndex
from landgis.qa import ADDED_COLUMNS, FINDING_COLUMNS, QUOTA_COLUMNS, qa, write_qa
from landgis.render.qa_map import write_qa_map

HOSTILE = "<img src=x onerror=alert(1)>"


def _area_crs(towns):
    c = shapely.centroid(shapely.union_all(towns.geometry.values))
    return equal_area_crs(c.x, c.y)


def _inside(towns, name):
    return towns.geometry[towns["name"] == name].iloc[0].representative_point()


def _shared_border_point(towns, a, b):
    """A point in the middle of the longest stretch of border shared by townships ``a`` and ``b``."""
    ea = towns.to_crs(_area_crs(towns))
    ga = ea.geometry[ea["name"] == a].iloc[0]
    gb = ea.geometry[ea["name"] == b].iloc[0]
    line = shapely.line_merge(shapely.intersection(ga.boundary, gb.boundary))
    parts = sorted(shapely.get_parts(line), key=lambda g: -g.length)
    return parts[0].interpolate(0.5, normalized=True), ea.crs


def _square(towns, name, half_m):
    """A square parcel of side 2 × ``half_m`` metres around a point well inside ``name``; (lon/lat polygon, ha)."""
    crs = _area_crs(towns)
    p = gpd.GeoSeries([_inside(towns, name)], crs=4326).to_crs(crs).iloc[0]
    sq = shapely.box(p.x - half_m, p.y - half_m, p.x + half_m, p.y + half_m)
    return gpd.GeoSeries([sq], crs=crs).to_crs(4326).iloc[0], (2 * half_m) ** 2 / 1e4


def adjacent_pair(towns):
    """Two townships sharing the longest border (names), for the straddling parcel."""
    ea = towns.to_crs(_area_crs(towns))
    best = (0.0, None)
    geoms = list(ea.geometry)
    for i in range(len(geoms)):
        for j in range(i + 1, len(geoms)):
            length = shapely.intersection(geoms[i].boundary, geoms[j].boundary).length
            if length > best[0]:
                best = (length, (ea["name"].iloc[i], ea["name"].iloc[j]))
    return best[1]


def build_parcels(towns) -> gpd.GeoDataFrame:
    """Parcels with known answers, in CGCS2000 lon/lat; the column ``expect`` names the finding each must raise."""
    lz = _inside(towns, "连州镇")
    ba = _inside(towns, "保安镇")
    a, b = adjacent_pair(towns)
    mid, ea = _shared_border_point(towns, a, b)
    towards_a = gpd.GeoSeries([_inside(towns, a)], crs=4326).to_crs(ea).iloc[0]
    step = np.array([towards_a.x - mid.x, towards_a.y - mid.y])
    centre = shapely.Point(np.array([mid.x, mid.y]) + 80 * step / np.hypot(*step))  # mostly in a, as declared
    straddle = gpd.GeoSeries([centre.buffer(250)], crs=ea).to_crs(4326).iloc[0]
    square, square_ha = _square(towns, "连州镇", 100)          # 4 ha
    big, big_ha = _square(towns, "瑶安瑶族乡", math.sqrt(2e4) / 2)  # 2 ha
    gk = Transformer.from_crs(4326, 4525, always_xy=True).transform(lz.x, lz.y)  # GK 3° zone 37, prefixed
    bx, by = lz.x + 0.0015, lz.y + 0.0015  # clear of the square around lz: no overlap
    bowtie = shapely.Polygon([(bx, by), (bx + 0.004, by + 0.004), (bx + 0.004, by), (bx, by + 0.004)])
    rows = [
        # id, township, category, area (ha), geometry, expected finding kinds
        ("P01", "连州", "住宅用地", round(square_ha, 6), square, "duplicate_geometry"),     # 连州 = 连州镇
        ("P02", "连州镇", "商服用地", 1.0, ba, "township_mismatch"),
        ("P03", a, "工矿仓储用地", None, straddle, "straddles_townships"),
        ("P04", "连州镇", "住宅用地", 1.0, shapely.Point(113.264, 23.129), "outside_county"),   # 广州
        ("P05", "连州镇", "住宅用地", 1.0, shapely.Point(lz.y, lz.x), "swapped_coordinates"),
        ("P06", "连州镇", "住宅用地", 1.0, shapely.Point(*gk), "gauss_kruger_as_degrees"),
        ("P07", "连州镇", "住宅用地", 1.0, None, "missing_geometry"),
        ("P08", "火星镇", "月球用地", 1.0, lz, "unknown_township,unknown_category"),
        ("P09", "连州镇", "住宅用地", None, bowtie, "invalid_geometry"),
        ("P10", "连州镇", "住宅用地", round(square_ha * 2, 6), square, "area_mismatch,duplicate_geometry"),
        ("P10", "连州镇", "住宅用地", None, shapely.Point(lz.x + 0.001, lz.y), "duplicate_id"),
        (HOSTILE, "瑶安乡", "公用设施用地", round(big_ha, 6), big, ""),  # over the 0.987772 ha quota
        ("P12", "连州镇", "居住用地", 0.5, shapely.Point(lz.x - 0.001, lz.y), ""),        # 用地用海 name → 住宅用地
        ("P13", "连州镇", "住宅用地", 1.0, shapely.Point(2.35, 48.85), "outside_china"),  # Paris
        ("P14", "", "", None, shapely.Polygon(), "empty_geometry,missing_township,missing_category"),
    ]
    gdf = gpd.GeoDataFrame(
        {"地块编号": [r[0] for r in rows], "所属乡镇": [r[1] for r in rows], "用地类型": [r[2] for r in rows],
         "面积(公顷)": [r[3] for r in rows], "expect": [r[5] for r in rows]},
        geometry=[r[4] for r in rows], crs=4490)
    gdf.attrs["straddle_pair"] = (a, b)
    return gdf


@pytest.fixture(scope="module")
def cases(towns):
    return build_parcels(towns)


@pytest.fixture(scope="module")
def result(cases, towns, plan, tmp_path_factory):
    path = tmp_path_factory.mktemp("qa") / "parcels.gpkg"
    cases.to_file(path, layer="parcels", geometry_type="Unknown", engine="pyogrio")
    return qa(path, towns, plan)


def kinds_of(result, pid):
    return set(result.findings.loc[result.findings["parcel_id"] == pid, "kind"])


def test_every_known_answer(result, cases):
    assert len(result.parcels) == len(cases)  # nothing dropped, not even the row without geometry
    kinds = result.parcels.set_index("qa_row")["finding_kinds"]  # a group's members share its one finding
    for row, (pid, expect) in enumerate(zip(cases["地块编号"], cases["expect"])):
        got = set(filter(None, kinds.loc[row].split(",")))
        want = set(filter(None, expect.split(",")))
        assert want <= got, f"row {row} ({pid}): expected {want}, got {got}"
    assert kinds_of(result, "P01") == {"duplicate_geometry"}  # 连州 is 连州镇: no township_mismatch
    # one finding per group of duplicates, on its first row; the list names every member
    dup = result.findings[result.findings["kind"] == "duplicate_geometry"]
    assert dup["row"].tolist() == [0] and json.loads(dup["figures"].iloc[0])["group_size"] == 2
    g = result.groups[result.groups["kind"] == "duplicate_geometry"]
    assert g["row"].tolist() == [0, 9] and set(g["group"]) == {"duplicate_geometry:1"}
    clean = result.parcels.set_index("qa_row").loc[[11, 12]]
    assert set(clean["worst_severity"]) == {"ok"}, clean[["parcel_id", "finding_kinds"]]
    assert clean["township_found"].tolist() == ["瑶安瑶族乡", "连州镇"]


def test_findings_table_and_parcel_columns(result, cases):
    f = result.findings
    assert list(f.columns) == list(FINDING_COLUMNS)
    assert set(f["severity"]) <= {"error", "warning", "info"}
    assert all(isinstance(json.loads(x), dict) for x in f["figures"])
    for col in (*cases.columns.drop("geometry"), *ADDED_COLUMNS):
        assert col in result.parcels.columns
    p = result.parcels.set_index("parcel_id", drop=False)
    assert p.loc["P02", "township_found"] == "保安镇"
    assert p.loc["P07", "worst_severity"] == "error" and p.loc["P07"].geometry is None
    assert list(result.quota.columns) == list(QUOTA_COLUMNS)
    assert result.summary["n_parcels"] == len(cases)
    assert result.fields == {"id": "地块编号", "township": "所属乡镇", "category": "用地类型",
                             "area": "面积(公顷)", "area_unit": "公顷", "area_unit_source": "header"}


def test_messages_say_what_is_wrong(result, cases):
    f = result.findings.set_index("kind")
    assert f.loc["township_mismatch", "message"] == "申报位于连州镇，实际位于保安镇"
    assert "颠倒" in f.loc["swapped_coordinates", "message"] and "连州镇" in f.loc["swapped_coordinates", "message"]
    gk = json.loads(f.loc["gauss_kruger_as_degrees", "figures"])
    assert gk["epsg"] == 4525 and gk["township_if_corrected"] == "连州镇"
    assert "高斯-克吕格" in f.loc["gauss_kruger_as_degrees", "message"]
    assert "中国境内" in f.loc["outside_china", "message"]
    unknown = json.loads(f.loc["unknown_township", "figures"])
    assert unknown["candidates"], "an unknown township must come with the nearest candidates"
    a, b = cases.attrs["straddle_pair"]
    shares = json.loads(f.loc["straddles_townships", "figures"])["shares"]
    assert set(shares) == {a, b} and all(s > 0.1 for s in shares.values())
    assert math.isclose(sum(shares.values()), 1.0, rel_tol=1e-6)
    area = json.loads(f.loc["area_mismatch", "figures"])
    assert math.isclose(area["stated_ha"], 2 * area["geometry_ha"], rel_tol=1e-3)
    assert "invalid" not in f.loc["invalid_geometry", "message"].lower() or "无效" in f.loc["invalid_geometry", "message"]


def test_quota_reconciliation(result, plan):
    q = result.quota.set_index(["township", "category"])
    over = q.loc[("瑶安瑶族乡", "公用设施用地")]
    assert over["status"] == "over" and over["n_parcels"] == 1
    assert math.isclose(over["difference_ha"], 2.0 - 0.987772, abs_tol=1e-9)
    # 居住用地 (用地用海) books against the plan's 住宅用地; P01 + P05..P07, P09..P12 stated areas
    res = q.loc[("连州镇", "住宅用地")]
    assert res["status"] == "under" and res["allocated_ha"] == pytest.approx(27.565821)
    assert ("连州镇", "居住用地") not in q.index
    # every plan allocation is a row of the quota table
    assert len(q.loc[q["allocated_ha"] > 0]) == len(plan.allocations)
    kinds = result.findings.loc[result.findings["row"].isna(), "kind"]
    assert "quota_over" in set(kinds) and "quota_under" in set(kinds)


def test_outputs_written(result, tmp_path, cases):
    paths = write_qa(result, tmp_path)
    names = {p.name for p in paths}
    assert names == {"parcels.gpkg", "findings.csv", "findings.xlsx", "quota.csv", "quota.xlsx",
                     "finding_groups.csv"}  # QA does not draw
    groups = pd.read_csv(tmp_path / "finding_groups.csv", encoding="utf-8-sig", dtype={"地块编号": str})
    assert list(groups.columns) == ["重复组", "类型", "组内地块数", "行号", "地块编号"]
    assert groups.loc[groups["类型"] == "编号重复", "行号"].tolist() == [10, 11]
    back = gpd.read_file(tmp_path / "parcels.gpkg")
    assert len(back) == len(cases) and back.geometry.isna().sum() >= 1
    raw = (tmp_path / "findings.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Chinese as UTF-8
    csv = pd.read_csv(tmp_path / "findings.csv", encoding="utf-8-sig")
    assert list(csv.columns)[:5] == ["行号", "地块编号", "类型", "严重程度", "说明"]
    assert len(csv) == len(result.findings) and "申报位于" in " ".join(csv["说明"])
    assert set(csv["严重程度"]) <= {"错误", "警告", "提示"} and "位于县界外" in set(csv["类型"])
    assert not any("_" in k for k in csv["类型"])  # no codes such as outside_county
    xlsx = pd.read_excel(tmp_path / "findings.xlsx", sheet_name=None)
    assert list(xlsx) == ["问题清单"]
    assert list(xlsx["问题清单"]["类型"]) == [KIND_LABELS[k] for k in result.findings["kind"]]
    sheets = pd.read_excel(tmp_path / "quota.xlsx", sheet_name=None)
    assert list(sheets) == ["说明", "配额核对"]  # the basis on the first sheet
    assert "实际所在乡镇和图形面积" in " ".join(sheets["说明"]["说明"])
    assert sheets["配额核对"]["乡镇"].notna().all()
    assert set(sheets["配额核对"]["状态"]) <= {"超出", "未用足", "持平", "计划外"}
    text = (tmp_path / "quota.csv").read_text(encoding="utf-8-sig")
    header = text.splitlines()[0]
    assert "按地块实际所在乡镇与图形面积" in header and "未计入" in header and "（公顷" in header
    assert not re.search(r"\d\.\d{5,}", text)  # no float noise: 4 decimals in hectares at most
    assert not list(tmp_path.glob(".*"))  # no temporary files left behind


def test_outputs_follow_lang_and_unit(result, tmp_path):
    write_qa(result, tmp_path / "en", lang="en")
    csv = pd.read_csv(tmp_path / "en" / "findings.csv", encoding="utf-8-sig")
    assert list(csv.columns)[:4] == ["input_row", "parcel_id", "kind", "severity"]
    assert "outside the county" in set(csv["kind"]) and set(csv["severity"]) <= {"error", "warning", "note"}
    assert list(pd.read_excel(tmp_path / "en" / "quota.xlsx", sheet_name=None)) == ["basis", "quota"]
    write_qa(result, tmp_path / "mu", unit="mu")
    ha = pd.read_csv(tmp_path / "en" / "quota.csv", encoding="utf-8-sig")
    mu = pd.read_csv(tmp_path / "mu" / "quota.csv", encoding="utf-8-sig")
    assert "计划面积（亩）" in mu.columns and "allocated (ha)" in ha.columns
    assert np.allclose(mu["计划面积（亩）"], ha["allocated (ha)"] * 15, atol=0.01)
    rows = list(_csv.DictReader(io.StringIO((tmp_path / "mu" / "quota.csv").read_text("utf-8-sig"))))
    areas = [v for r in rows for k, v in r.items() if "（亩" in k and v]
    assert areas and all(len(v.split(".")[-1]) <= 2 for v in areas)  # 2 places in 亩, no float noise


def test_invalid_geometry_reason_is_chinese_with_its_point():
    from landgis.qa.labels import geos_reason

    bow = shapely.from_wkt("POLYGON((650950 2743650, 650960 2743675, 650960 2743650, 650950 2743675, 650950 2743650))")
    assert geos_reason(shapely.is_valid_reason(bow)) == "自相交 (650955.00, 2743662.50)"
    assert geos_reason("Ring is not closed[1 2]") == "环未闭合 (1, 2)"
    assert geos_reason("something new") == "something new"  # kept as GEOS gave it, never dropped


@pytest.mark.slow  # Chromium
def test_qa_map_offline_and_escaped(result, tmp_path, browser):
    write_qa_map(result, tmp_path / "qa_map.html")
    report = browser(tmp_path / "qa_map.html", wait_for="[data-parcel]")
    page = report.page
    assert page.locator(".leaflet-zoom-anim").count() == 0  # opens on its final view: clicks land where aimed
    hostile = page.locator(f'[data-parcel="{HOSTILE}"]')
    assert hostile.count() == 1
    hostile.click(force=True)
    page.wait_for_selector(".landgis-popup")
    assert page.locator(".landgis-popup .landgis-pid").inner_text() == HOSTILE  # shown as text
    assert page.locator(".landgis-popup img").count() == 0
    assert page.locator('[data-severity="error"]').count() >= 5
    page.locator('[data-parcel="P02"]').click(force=True)
    popup = page.locator(".landgis-popup", has_text="P02")
    popup.wait_for()
    assert "申报位于连州镇，实际位于保安镇" in popup.inner_text()
    report.screenshot("qa_map")
    report.assert_offline_clean()


def test_qa_map_opens_on_every_parcel_with_a_metric_scale(result, tmp_path, browser):
    write_qa_map(result, tmp_path / "qa_map.html")
    report = browser(tmp_path / "qa_map.html", wait_for="[data-parcel]")
    page = report.page
    box = page.locator(".leaflet-container").bounding_box()
    outside = set(result.parcels.loc[result.parcels["finding_kinds"].str.contains("outside_county"), "parcel_id"])
    assert outside  # the case parcels include some outside the county, the most serious errors
    shown = page.locator("[data-parcel], [data-parcel-dot]")
    seen = set()
    for k in range(shown.count()):
        el = shown.nth(k)
        b = el.bounding_box()
        pid = el.get_attribute("data-parcel") or el.get_attribute("data-parcel-dot")
        assert b is not None and b["width"] + b["height"] > 0, pid
        cx, cy = b["x"] + b["width"] / 2, b["y"] + b["height"] / 2
        assert box["x"] <= cx <= box["x"] + box["width"] and box["y"] <= cy <= box["y"] + box["height"], pid
        seen.add(pid)
    assert outside <= seen
    scale = page.locator(".leaflet-control-scale-line")
    assert scale.count() == 1 and re.fullmatch(r"\d+ k?m", scale.inner_text().strip())
    attribution = page.locator(".leaflet-control-attribution")
    assert attribution.count() == 0 or "Leaflet" not in attribution.inner_text()
    assert page.locator(".leaflet-control-attribution svg").count() == 0  # no flag


def test_geodataframe_input_same_as_file(result, cases, towns, plan):
    direct = qa(cases, towns, plan)
    cols = ["row", "kind", "severity", "message"]
    pd.testing.assert_frame_equal(direct.findings[cols], result.findings[cols])


def test_projected_parcels_and_area_units(towns, plan):
    square, ha = _square(towns, "西江镇", 50)  # 1 ha
    gdf = gpd.GeoDataFrame({"编号": ["M1", "M2"], "乡镇": ["西江", "西江镇"], "用途": ["工矿仓储用地"] * 2,
                            "用地面积": [15.0, 30.0]}, geometry=[square, square.buffer(0)], crs=4490).to_crs(4525)
    r = qa(gdf, towns, plan)
    assert r.fields["area_unit"] == "亩" and r.fields["area_unit_source"] == "guessed"
    assert kinds_of(r, "M1") == {"duplicate_geometry"}
    assert "area_mismatch" in kinds_of(r, "M2")
    assert r.parcels["township_found"].tolist() == ["西江镇", "西江镇"]
    assert r.parcels["area_ha"].iloc[0] == pytest.approx(1.0, rel=1e-6)


def test_bad_options(cases, towns, plan):
    with pytest.raises(InputError, match="no column 'nope'"):
        qa(cases, towns, plan, id_field="nope")
    with pytest.raises(InputError, match="area unit"):
        qa(cases, towns, plan, area_unit="acre")
    with pytest.raises(InputError, match="engine"):
        qa(cases, towns, plan, engine="spark")


def test_cli_fail_on_and_summary(cases, tmp_path, capsys):
    path = tmp_path / "parcels.gpkg"
    cases.to_file(path, geometry_type="Unknown", engine="pyogrio")
    out = tmp_path / "out"
    assert main(["qa", str(path), "--out", str(out), "--fail-on", "error", "--no-map"]) == 1
    printed = capsys.readouterr().out
    assert "地块 15 宗" in printed and "township_mismatch" in printed
    assert (out / "findings.csv").exists() and not (out / "qa_map.html").exists()
    ok = cases.iloc[[0]]
    ok.to_file(tmp_path / "ok.gpkg", engine="pyogrio")
    assert main(["qa", str(tmp_path / "ok.gpkg"), "--out", str(out), "--no-plan", "--county", "连州市", "--fail-on", "warning",
                 "--no-map"]) == 0


def test_cli_bad_input_is_one_line(tmp_path, capsys):
    bad = tmp_path / "p.csv"
    bad.write_text("名称,X,Y\na,38500000,2750000\n", encoding="utf-8")
    assert main(["qa", str(bad), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--crs" in err and "p.csv" in err


def test_cli_projected_table_with_crs(towns, tmp_path, capsys):
    p = _inside(towns, "龙坪镇")
    x, y = Transformer.from_crs(4326, 4526, always_xy=True).transform(p.x, p.y)
    table = tmp_path / "p.csv"
    table.write_text(f"地块编号,所属乡镇,X,Y\nL1,龙坪,{x:.2f},{y:.2f}\n", encoding="utf-8")
    assert main(["qa", str(table), "--crs", "4526", "--no-plan", "--county", "连州市", "--out", str(tmp_path / "o"),
                 "--fail-on", "warning", "--no-map"]) == 0
    back = gpd.read_file(tmp_path / "o" / "parcels.gpkg")
    assert back["township_found"].tolist() == ["龙坪镇"]


# --- the fast paths against geopandas ------------------------------------------------------------
def test_fast_paths_match_sjoin_and_overlay(towns):
    rng = np.random.default_rng(5)
    ea = towns.to_crs(_area_crs(towns))
    x0, y0, x1, y1 = ea.total_bounds
    n = 4000
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(rng.uniform(x0 - 2000, x1 + 2000, n),
                                                       rng.uniform(y0 - 2000, y1 + 2000, n)), crs=ea.crs)
    # points on grid-cell borders and on the boundaries' vertices are the hard cases
    verts = shapely.get_coordinates(ea.geometry.values)[::7]
    pts = pd.concat([pts, gpd.GeoDataFrame(geometry=gpd.points_from_xy(verts[:, 0], verts[:, 1]), crs=ea.crs)],
                    ignore_index=True)
    index = TownshipIndex(ea.geometry.values, cells=256)
    xy = shapely.get_coordinates(pts.geometry.values)
    got = index.locate_xy(xy[:, 0], xy[:, 1])
    ref = gpd.sjoin(pts, ea[["geometry"]], how="left", predicate="within")
    ref = ref[~ref.index.duplicated()]["index_right"].fillna(-1).astype(int).to_numpy()
    np.testing.assert_array_equal(got, ref)

    m = 3000
    c = np.column_stack([rng.uniform(x0, x1, m), rng.uniform(y0, y1, m)])
    polys = shapely.buffer(shapely.points(c), rng.uniform(50, 2500, m), quad_segs=3)
    sh = index.shares(polys)
    left = gpd.GeoDataFrame({"parcel": np.arange(m)}, geometry=polys, crs=ea.crs)
    right = gpd.GeoDataFrame({"township": np.arange(len(ea))}, geometry=ea.geometry.values, crs=ea.crs)
    ov = gpd.overlay(left, right, how="intersection", keep_geom_type=True)
    ov = ov[ov.area > 0].sort_values(["parcel", "township"], ignore_index=True)
    np.testing.assert_array_equal(sh["parcel"].to_numpy(), ov["parcel"].to_numpy())
    np.testing.assert_array_equal(sh["township"].to_numpy(), ov["township"].to_numpy())
    np.testing.assert_allclose(sh["area"].to_numpy(), ov.area.to_numpy(), rtol=1e-9)
    assert (sh.groupby("parcel").size() > 1).sum() > 50  # many straddle: the exact path is exercised


def test_invalid_polygon_with_spike_is_located(towns):
    sq, _ = _square(towns, "九陂镇", 100)
    x0, y0, x1, y1 = sq.bounds
    xm = (x0 + x1) / 2
    spike = shapely.Polygon([(x0, y0), (x1, y0), (x1, y1), (xm, y1), (xm, y1 + 0.001), (xm, y1), (x0, y1)])
    assert not spike.is_valid
    r = qa(gpd.GeoDataFrame({"id": ["S"], "乡镇": ["九陂镇"]}, geometry=[spike], crs=4326), towns, False, county="441882")
    assert r.parcels["township_found"].tolist() == ["九陂镇"]
    assert kinds_of(r, "S") == {"invalid_geometry"}
    assert r.parcels["area_ha"].iloc[0] == pytest.approx(4.0, rel=1e-3)


def test_summary_lines_in_chinese_and_english(result):
    from landgis.qa.result import format_summary

    zh, en = format_summary(result), format_summary(result, "en")
    n = result.summary["n_parcels"]
    assert zh.startswith(f"地块 {n} 宗") and "错误" in zh and "警告" in zh and "注意" not in zh
    assert en.startswith(f"{n} parcels") and " error" in en and "地块" not in en
    from landgis.qa.labels import KIND_LABELS, KIND_LABELS_EN

    for kind in result.summary["by_kind"]:
        assert f"{KIND_LABELS_EN[kind]} ({kind})" in en and f"{KIND_LABELS[kind]}（{kind}）" in zh


def test_summary_areas_follow_the_unit(result):
    """`landgis qa --unit mu` prints its totals and quota cells in 亩, as its files are; never 公顷."""
    from landgis.qa.result import format_summary
    from landgis.units import format_area

    s = result.summary
    for lang, word in (("zh", "亩"), ("en", "mu")):
        text = format_summary(result, lang, "mu")
        assert "公顷" not in text and " ha" not in text
        assert format_area(s["booked_ha"], "mu", where="table", lang=lang) in text
        assert format_area(s["allocated_ha"], "mu", where="table", lang=lang) in text
        over = result.quota[result.quota["status"].isin(["over", "not_in_plan"])]
        for d in over["difference_ha"]:
            assert "+" + format_area(d, "mu", where="table", lang=lang) in text
        assert f"{float(s['booked_ha']) * 15:,.2f} {word}" in text
    assert f"{float(s['booked_ha']):,.4f} 公顷" in format_summary(result)
