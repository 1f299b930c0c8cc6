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
    seen = set()
    for kind, figs, words in said:
        if kind == "constraint_overlap":
            mu = f"{figs['overlap_m2'] / 1e4 * 15:,.2f}"
            assert words.startswith(f"overlaps {figs['constraint']} by {mu} mu ("), words
        elif kind == "outside_constraint":
            mu = f"{figs['outside_m2'] / 1e4 * 15:,.2f}"
            assert words.startswith(f"{mu} mu lies outside {figs['constraint']} ("), words
        else:
            continue
        seen.add(kind)
        assert _no_hectares(words) and f"{figs.get('share', figs.get('share_outside')) * 100:.1f}% of the parcel" in words
    assert seen == {"constraint_overlap", "outside_constraint"}
