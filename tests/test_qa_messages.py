"""Finding messages follow --unit and --lang in the QA files; the record (findings.parquet, the result) keeps the
kind codes, the numbers and the Chinese sentence in 公顷."""

from __future__ import annotations

import csv
import json
import re

import geopandas as gpd
import pytest
from test_constraints import site  # noqa: F401 - the 三区三线 layers and five parcels

from landgis.cli import main
from landgis.qa import qa, write_qa

KINDS = ("area_mismatch", "quota_over", "quota_under", "constraint_overlap", "outside_constraint")


@pytest.fixture(scope="module")
def parcels(site, tmp_path_factory):  # noqa: F811
    gdf = gpd.read_file(site["parcels"])
    gdf["面积（公顷）"] = [1.0, 8.0, 4.0, 0.0005, 0.4]  # P1 is 1 ha drawn, stated 1.0; P3 4 ha stated, 2 drawn…
    path = tmp_path_factory.mktemp("msg") / "地块.gpkg"
    gdf.to_file(path)
    return path


@pytest.fixture(scope="module")
def result(parcels, site, towns, plan):  # noqa: F811
    return qa(parcels, towns, plan, constraint_folder=site["folder"])


def _rows(folder) -> list[dict]:
    with open(folder / "findings.csv", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def test_default_files_keep_the_recorded_sentences(result, tmp_path):
    write_qa(result, tmp_path)
    assert [r["说明"] for r in _rows(tmp_path)] == list(result.findings["message"])


def test_messages_in_mu(result, tmp_path):
    write_qa(result, tmp_path, unit="mu")
    rows = _rows(tmp_path)
    f = result.findings.reset_index(drop=True)
    seen = set()
    for r, rec in zip(rows, f.itertuples()):
        if rec.kind not in KINDS:
            continue
        seen.add(rec.kind)
        assert "公顷" not in r["说明"] and "平方米" not in r["说明"] and "亩" in r["说明"], r["说明"]
        figs = json.loads(rec.figures)
        key = {"area_mismatch": "stated_ha", "quota_over": "booked_ha", "quota_under": "allocated_ha",
               "constraint_overlap": "overlap_m2", "outside_constraint": "outside_m2"}[rec.kind]
        value = figs[key] / (10_000 if key.endswith("m2") else 1) * 15
        assert f"{value:,.2f} 亩" in r["说明"], (r["说明"], value)
    assert seen == set(KINDS)
    # the record is unchanged: codes, numbers and the sentence in 公顷
    assert "公顷" in f.loc[f["kind"] == "quota_under", "message"].iloc[0]


def test_messages_in_english(result, tmp_path):
    write_qa(result, tmp_path, lang="en")
    rows = _rows(tmp_path)
    f = result.findings.reset_index(drop=True)
    for r, rec in zip(rows, f.itertuples()):
        if rec.kind in KINDS:
            words = r["message"]
            # only user data (township and layer names) stays Chinese
            for name in ("永久基本农田", "生态保护红线", "城镇开发边界", *result.townships["name"]):
                words = words.replace(name, "")
            assert not re.search(r"[\u4e00-\u9fff]", words), r["message"]
            assert " ha" in r["message"]
    over = next(r["message"] for r, rec in zip(rows, f.itertuples()) if rec.kind == "constraint_overlap")
    assert over.startswith("overlaps ") and "of the parcel; features " in over


def test_cli_unit_reaches_the_messages(parcels, site, tmp_path):  # noqa: F811
    out = tmp_path / "qa"
    assert main(["qa", str(parcels), "--constraints", str(site["folder"]), "--unit", "mu", "--out", str(out),
                 "--no-map"]) in (0, 1)
    quota = [r["说明"] for r in _rows(out) if r["类型"] in ("超出计划指标", "计划指标未用足")]
    assert quota and all("亩" in m and "公顷" not in m for m in quota)


@pytest.fixture(scope="module")
def faulty(towns, tmp_path_factory):
    """Parcels with a fault of each kind the checks word themselves: geometry, ids, overlaps, names, areas."""
    import shapely

    gk = "EPSG:4526"  # CGCS2000 / 3-degree Gauss-Krüger zone 38, with the zone prefix
    seat = towns.to_crs(gk).set_index("name").geometry["连州镇"].representative_point()
    x, y = seat.x, seat.y
    bowtie = shapely.Polygon([(x, y), (x + 100, y + 100), (x + 100, y), (x, y + 100)])
    rows = [  # id, township, category, stated ha, geometry
        ("P1", "连州镇", "住宅用地", "1", shapely.box(x - 300, y - 300, x - 200, y - 200)),
        ("P1", "连州镇", "住宅用地", "1", shapely.box(x - 600, y - 300, x - 500, y - 200)),  # duplicate id
        ("P3", "连州镇", "商服用地", "0.5", bowtie),  # self-intersection
        ("P4", "连州镇", "工矿仓储用地", "2", shapely.box(x + 400, y + 400, x + 550, y + 550)),
        ("P5", "连州镇", "工矿仓储用地", "2", shapely.box(x + 500, y + 500, x + 650, y + 650)),  # overlaps P4
        ("P6", "连州镇", "工矿仓储用地", "0.1", shapely.box(x + 420, y + 420, x + 440, y + 440)),  # inside P4
        ("P7", "连州镇", "工矿仓储用地", "2", shapely.box(x + 400, y + 400, x + 550, y + 550)),  # same as P4
        ("P8", "", "住宅用地", "1", shapely.box(x - 900, y - 300, x - 800, y - 200)),  # no township
        ("P9", "不存在镇", "住宅用地", "1", shapely.box(x - 900, y - 600, x - 800, y - 500)),
        ("P10", "连州镇", "停车用地么", "1", shapely.box(x - 600, y - 600, x - 500, y - 500)),
        ("P11", "连州镇", "住宅用地", "约一公顷", shapely.box(x - 300, y - 600, x - 200, y - 500)),
        ("P12", "连州镇", "", "9", shapely.box(x - 300, y - 900, x - 200, y - 800)),  # no category, mis-sized
        ("P13", "连州镇", "住宅用地", "1", shapely.box(x + 5e5, y, x + 5e5 + 100, y + 100)),  # outside the county
    ]
    frame = gpd.GeoDataFrame({"地块编号": [r[0] for r in rows], "所属乡镇": [r[1] for r in rows],
                              "用地类型": [r[2] for r in rows], "面积（公顷）": [r[3] for r in rows]},
                             geometry=[r[4] for r in rows], crs=gk)
    path = tmp_path_factory.mktemp("faulty") / "地块.gpkg"
    frame.to_file(path, engine="pyogrio")
    return path, {r[0] for r in rows} | {r[1] for r in rows} | {r[2] for r in rows} | {"约一公顷"}


def _written(parcels, lang, tmp_path) -> list[dict]:
    out = tmp_path / lang
    assert main(["qa", str(parcels), "--out", str(out), "--no-map", "--lang", lang, "--quiet"]) in (0, 1)
    return _rows(out)


def test_geometry_duplicate_and_overlap_findings_follow_the_language(faulty, towns, tmp_path):
    parcels, given = faulty
    user = sorted({*given, *map(str, towns["name"]), "finding_groups.csv"} - {""}, key=len, reverse=True)

    def without_user_values(words: str) -> str:
        for value in user:
            words = words.replace(value, "")
        return words

    en = _written(parcels, "en", tmp_path)
    kinds = {r["kind"] for r in en}
    for kind in ("invalid geometry", "duplicate id", "overlaps another parcel", "duplicate geometry"):
        assert any(kind in k.lower() for k in kinds), (kind, kinds)
    assert len(kinds) >= 10, kinds
    for r in en:
        for column in ("kind", "severity", "message"):
            assert not re.search(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]", without_user_values(r[column])), r
    invalid = next(r["message"] for r in en if r["message"].startswith("invalid geometry"))
    assert "self-intersection (" in invalid
    assert any(r["message"].startswith("id “P1” is used by 2 parcels (rows 1, 2)") for r in en)

    zh = _written(parcels, "zh", tmp_path)
    assert len(zh) == len(en)
    for r in zh:
        for column in ("类型", "严重程度", "说明"):
            words = without_user_values(r[column]).replace("EPSG", "")
            assert not re.search(r"[A-Za-z]{2,}", words), r
    assert any("自相交" in r["说明"] for r in zh)


def test_the_reports_qa_section_names_kinds_and_words_findings_in_english(faulty, towns, plan, layer, county, tmp_path):
    from landgis.qa.labels import KIND_LABELS_EN
    from landgis.render.report import render_report

    parcels, given = faulty
    result = qa(parcels, towns, plan, county=county)
    page = render_report(plan=plan, findings=[], layer=layer, map_fragment="", static_files=[], atlas_dir=tmp_path,
                         qa=result, lang="en", county=county)
    for kind in ("invalid_geometry", "duplicate_id", "overlaps_parcel", "outside_county"):
        assert f">{KIND_LABELS_EN[kind]}<" in page, kind
    assert "invalid geometry: self-intersection (" in page and "几何无效" not in page and "编号" not in page


# --- overlap and constraint sentences follow --unit, in Chinese and English ---------------------------
def _messages(result, folder, lang: str, unit: str) -> list[tuple[str, dict, str]]:
    """(kind, recorded numbers, sentence as written) of every finding, as findings.csv words them."""
    write_qa(result, folder, lang=lang, unit=unit)
    rows = _rows(folder)
    return [(rec.kind, json.loads(rec.figures or "{}"), r["说明" if lang == "zh" else "message"])
            for r, rec in zip(rows, result.findings.reset_index(drop=True).itertuples())]


def _no_hectares(words: str) -> bool:
    return "公顷" not in words and not re.search(r"\d ha\b", words)


def test_parcel_overlaps_are_said_in_mu(faulty, towns, plan, tmp_path):
    result = qa(faulty[0], towns, plan)
    for lang in ("zh", "en"):
        said = [(f, m) for k, f, m in _messages(result, tmp_path / lang, lang, "mu") if k == "overlaps_parcel"]
        assert len(said) >= 4, said  # P4/P5 in part, P6 inside P4 (both ways), P7 on P4
        for figs, words in said:
            m2 = figs["overlap_m2"]
            area = (f"{m2:,.1f} 平方米（{m2 / 1e4 * 15:,.2f} 亩）" if lang == "zh"
                    else f"{m2:,.1f} m² ({m2 / 1e4 * 15:,.2f} mu)")
            assert area in words and _no_hectares(words), words
        # P4 and P5 are squares of 150 m sharing a corner of 50 × 50 m (Gauss-Krüger metres, scale ~1.0003)
        part = next(f for f, m in said if f.get("relation") == "partial" and f["other"] == "P5")
        assert abs(part["overlap_m2"] - 2500) < 2500 * 0.002
        lead = "与地块 P5 部分重叠：重叠 " if lang == "zh" else "overlaps parcel P5 in part: overlap "
        assert any(m.startswith(lead) for _, m in said), said


def test_many_overlaps_in_one_sentence_in_mu(towns, plan, tmp_path):
    seat = towns.to_crs(4526).set_index("name").geometry["连州镇"].representative_point()
    x, y = seat.x + 2000, seat.y - 2000
    import shapely

    boxes = [shapely.box(x, y, x + 400, y + 400)] + [shapely.box(x + 30 * k, y, x + 30 * k + 20, y + 20)
                                                      for k in range(12)]  # 12 plots of 20 m on the big one
    frame = gpd.GeoDataFrame({"地块编号": ["BIG"] + [f"A{k:02d}" for k in range(12)], "所属乡镇": "连州镇",
                              "用地类型": "住宅用地"}, geometry=boxes, crs=4526)
    path = tmp_path / "many.gpkg"
    frame.to_file(path, engine="pyogrio")
    result = qa(path, towns, plan)
    for lang in ("zh", "en"):
        big = [(f, m) for k, f, m in _messages(result, tmp_path / lang, lang, "mu")
               if k == "overlaps_parcel" and "group_size" in f]
        assert len(big) == 1, big
        figs, words = big[0]
        assert figs["group_size"] == 12 and abs(figs["overlap_m2"] - 12 * 400) < 12 * 400 * 0.002
        mu = f"{figs['overlap_m2'] / 1e4 * 15:,.2f}"
        if lang == "zh":
            assert words == (f"与 12 个地块重叠（A00、A01、A02、A03、A04等；名单见 finding_groups.csv），"
                             f"重叠合计 {figs['overlap_m2']:,.1f} 平方米（{mu} 亩）"), words
        else:
            assert words == f"overlaps 12 parcels (all are listed in finding_groups.csv), " \
                            f"{figs['overlap_m2']:,.1f} m² ({mu} mu) in all", words


def test_constraint_sentences_in_mu_in_english(result, tmp_path):
    said = _messages(result, tmp_path, "en", "mu")
    glosses = {"永久基本农田": "permanent basic farmland", "生态保护红线": "ecological protection red line",
               "城镇开发边界": "urban development boundary"}
    seen = set()
    for kind, figs, words in said:
        layer = f"{figs.get('constraint')} ({glosses.get(figs.get('constraint'))})"  # the user's name, glossed
        if kind == "constraint_overlap":
            mu = f"{figs['overlap_m2'] / 1e4 * 15:,.2f}"
            assert words.startswith(f"overlaps {layer} by {mu} mu ("), words
        elif kind == "outside_constraint":
            mu = f"{figs['outside_m2'] / 1e4 * 15:,.2f}"
            assert words.startswith(f"{mu} mu lies outside {layer} ("), words
        else:
            continue
        seen.add(kind)
        assert _no_hectares(words) and f"{figs.get('share', figs.get('share_outside')) * 100:.1f}% of the parcel" in words
    assert seen == {"constraint_overlap", "outside_constraint"}


# --- where a parcel lies: coordinates, straddles, township mismatches, partly outside, in both languages -------
@pytest.fixture(scope="module")
def placed(towns, tmp_path_factory):
    """Parcels placed to raise each location finding, with what each sentence must say (figures found here,
    not by the checks: shares by shapely in an equal-area CRS, coordinates as written)."""
    import numpy as np
    import shapely
    from pyproj import Transformer
    from test_qa import _area_crs, _inside, _shared_border_point, adjacent_pair

    lz = _inside(towns, "连州镇")
    ba = _inside(towns, "保安镇")
    gk = Transformer.from_crs(4326, 4525, always_xy=True).transform(lz.x, lz.y)  # GK 3° zone 37, prefixed
    a, b = adjacent_pair(towns)
    mid, ea = _shared_border_point(towns, a, b)
    to_a = gpd.GeoSeries([_inside(towns, a)], crs=4326).to_crs(ea).iloc[0]
    step = np.array([to_a.x - mid.x, to_a.y - mid.y])
    disc = shapely.Point(np.array([mid.x, mid.y]) + 80 * step / np.hypot(*step)).buffer(250)  # mostly in a
    area = towns.to_crs(ea).set_index("name").geometry
    shares = {name: shapely.intersection(disc, g).area / disc.area for name, g in area.items()}
    shares = {k: v for k, v in shares.items() if v > 0.001}
    # a square on the county's outer border, east of its centre
    county = shapely.union_all(area.values)
    c = county.centroid
    edge = shapely.intersection(county.exterior, shapely.LineString([(c.x, c.y), (c.x + 2e5, c.y)]))
    e = min(shapely.get_parts(edge), key=lambda p: p.x) if edge.geom_type == "MultiPoint" else edge
    square = shapely.box(e.x - 200, e.y - 200, e.x + 200, e.y + 200)
    outside = 1 - shapely.intersection(square, county).area / square.area
    ll = (lambda g: gpd.GeoSeries([g], crs=ea).to_crs(4490).iloc[0])  # noqa: E731
    rows = [
        ("S1", "连州镇", shapely.Point(lz.y, lz.x)),           # latitude and longitude swapped
        ("S2", "连州镇", shapely.Point(*gk)),                  # Gauss-Krüger metres read as degrees
        ("S3", "连州镇", shapely.Point(gk[1], gk[0])),         # the same, northing first
        ("S4", "连州镇", shapely.Point(2.35, 48.85)),          # Paris
        ("S5", a, ll(disc)),                                   # straddles, declared where most of it lies
        ("S6", b, ll(disc)),                                   # the same, declared where the lesser part lies
        ("S7", "连州镇", ba),                                   # a point in 保安镇
        ("S8", None, ll(square)),                              # partly outside the county
    ]
    frame = gpd.GeoDataFrame({"地块编号": [r[0] for r in rows], "所属乡镇": [r[1] for r in rows],
                              "用地类型": "住宅用地"}, geometry=[r[2] for r in rows], crs=4490)
    folder = tmp_path_factory.mktemp("placed")
    frame.to_file(folder / "地块.gpkg", engine="pyogrio")
    far = gpd.GeoDataFrame({"地块编号": ["G1"], "所属乡镇": ["连州镇"], "用地类型": ["住宅用地"]},
                           geometry=[shapely.Point(38_500_000.0, 9_000_000.0)], crs=4526)  # far north of China
    far.to_file(folder / "投影.gpkg", engine="pyogrio")
    far_ll = Transformer.from_crs(4526, 4326, always_xy=True).transform(38_500_000.0, 9_000_000.0)
    return {"parcels": folder / "地块.gpkg", "projected": folder / "投影.gpkg", "lz": lz, "gk": gk, "a": a, "b": b,
            "shares": shares, "outside": outside, "far_ll": far_ll}


def _said(parcels, towns, plan, tmp_path, lang) -> dict[tuple[str, str], str]:
    """{(parcel id, kind): the sentence written to findings.csv in ``lang``}."""
    result = qa(parcels, towns, plan)
    write_qa(result, tmp_path / lang, lang=lang)
    rows = _rows(tmp_path / lang)
    column = "说明" if lang == "zh" else "message"
    return {(rec.parcel_id, rec.kind): r[column] for r, rec in zip(rows, result.findings.itertuples())}


def _percent(words: str, name: str) -> float:
    return float(re.search(re.escape(name) + r"[ （(]*([\d.]+)%", words).group(1)) / 100


def test_location_sentences_in_english(placed, towns, plan, tmp_path):
    p, en = placed, _said(placed["parcels"], towns, plan, tmp_path, "en")
    lz, (gx, gy) = p["lz"], p["gk"]
    assert en["S1", "swapped_coordinates"] == (
        f"longitude and latitude look swapped: ({lz.y:.5f}, {lz.x:.5f}) is outside China; "
        f"swapped, it is {lz.x:.5f}°E, {lz.y:.5f}°N, in 连州镇")
    assert en["S2", "gauss_kruger_as_degrees"] == (
        f"coordinates ({gx:.2f}, {gy:.2f}) are Gauss-Krüger metres read as degrees; "
        f"as EPSG:4525 they are {lz.x:.5f}°E, {lz.y:.5f}°N, in 连州镇")
    assert en["S3", "gauss_kruger_as_degrees"] == (
        f"coordinates ({gy:.2f}, {gx:.2f}) are Gauss-Krüger metres read as degrees; "
        f"as EPSG:4525 (X/Y swapped) they are {lz.x:.5f}°E, {lz.y:.5f}°N, in 连州镇")
    assert en["S4", "outside_china"] == "coordinates (2.35000, 48.85000) are outside China: a wrong coordinate system?"
    a, b, shares = p["a"], p["b"], p["shares"]
    assert set(shares) == {a, b} and shares[a] > 0.5 > shares[b]  # as placed
    for pid in ("S5", "S6"):
        words = en[pid, "straddles_townships"]
        assert words.startswith(f"the parcel straddles townships: {a} ") and f", {b} " in words, words
        assert abs(_percent(words, a) - shares[a]) <= 0.0011 and abs(_percent(words, b) - shares[b]) <= 0.0011
    assert ("S5", "township_mismatch") not in en  # declared where most of it lies: a straddle only
    words = en["S6", "township_mismatch"]
    assert re.fullmatch(rf"declared in {b}, lies mainly in {a} \([\d.]+%\); [\d.]+% of its area lies in {b}", words)
    assert abs(_percent(words, f"mainly in {a}") - shares[a]) <= 0.0011
    assert abs(float(re.search(r"; ([\d.]+)%", words).group(1)) / 100 - shares[b]) <= 0.0011
    assert en["S7", "township_mismatch"] == "declared in 连州镇, lies in 保安镇"
    words = en["S8", "partly_outside_county"]
    assert re.fullmatch(r"[\d.]+% of the parcel's area lies outside the county", words), words
    assert 0.2 < p["outside"] < 0.8 and abs(_percent(words, "") - p["outside"]) <= 0.0011
    far = _said(p["projected"], towns, plan, tmp_path / "far", "en")
    lon, lat = p["far_ll"]
    assert far["G1", "outside_china"] == (f"read as EPSG:4526, coordinates (38500000.00, 9000000.00) lie at "
                                          f"{lon:.4f}°E, {lat:.4f}°N, outside China: a wrong coordinate system?")


def test_location_sentences_in_chinese(placed, towns, plan, tmp_path):
    p, zh = placed, _said(placed["parcels"], towns, plan, tmp_path, "zh")
    lz, (gx, gy) = p["lz"], p["gk"]
    assert zh["S1", "swapped_coordinates"] == (
        f"经纬度疑似颠倒：（{lz.y:.5f}, {lz.x:.5f}）不在中国境内，互换后为 {lz.x:.5f}°E, {lz.y:.5f}°N，落在连州镇")
    assert zh["S2", "gauss_kruger_as_degrees"] == (
        f"坐标（{gx:.2f}, {gy:.2f}）是高斯-克吕格投影坐标（米），却被当作经纬度读入；"
        f"按 EPSG:4525 换算为 {lz.x:.5f}°E, {lz.y:.5f}°N，落在连州镇")
    assert zh["S3", "gauss_kruger_as_degrees"].startswith(f"坐标（{gy:.2f}, {gx:.2f}）") and \
        f"按 EPSG:4525 并互换 X/Y 换算为 {lz.x:.5f}°E" in zh["S3", "gauss_kruger_as_degrees"]
    assert zh["S4", "outside_china"] == "坐标（2.35000, 48.85000）不在中国境内，疑似坐标系错误"
    a, b, shares = p["a"], p["b"], p["shares"]
    for pid in ("S5", "S6"):
        words = zh[pid, "straddles_townships"]
        assert words.startswith(f"地块跨乡镇界线：{a} ") and f"、{b} " in words, words
        assert abs(_percent(words, a) - shares[a]) <= 0.0011 and abs(_percent(words, b) - shares[b]) <= 0.0011
    assert ("S5", "township_mismatch") not in zh
    words = zh["S6", "township_mismatch"]
    assert re.fullmatch(rf"申报位于{b}，实际主要位于{a}（[\d.]+%），在{b}内的面积占 [\d.]+%", words), words
    assert abs(_percent(words, f"实际主要位于{a}") - shares[a]) <= 0.0011
    assert abs(_percent(words, "内的面积占") - shares[b]) <= 0.0011
    assert zh["S7", "township_mismatch"] == "申报位于连州镇，实际位于保安镇"
    words = zh["S8", "partly_outside_county"]
    assert re.fullmatch(r"地块有 [\d.]+% 的面积位于县（市）界外", words), words
    assert abs(_percent(words, "地块有") - p["outside"]) <= 0.0011
    far = _said(p["projected"], towns, plan, tmp_path / "far", "zh")
    lon, lat = p["far_ll"]
    assert far["G1", "outside_china"] == (f"按 EPSG:4526 解释，坐标（38500000.00, 9000000.00）位于 "
                                          f"{lon:.4f}°E, {lat:.4f}°N，不在中国境内，疑似坐标系错误")
