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
