"""The plan's execution (计划执行情况): parcels with a supply date and method, read from real files
(GeoPackage, CSV, XLSX), compared with the plan's townships × categories, 时序 and 方式; the QA files, the
chart, and the section of the atlas report and the Word report."""

from __future__ import annotations

import subprocess
import sys

import docx
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from landgis.crs import equal_area_crs, layer_centre
from landgis.errors import InputError
from landgis.plan import SEED_PLAN, parse_plan
from landgis.qa import qa, write_qa
from landgis.qa.result import format_summary
from landgis.qa.execution import find_supply_fields, parse_date
from landgis.render.execution_chart import execution_chart
from landgis.render.fonts import cjk_font_path

SPLITS = ("（四）土地供应方式和时序\n按供应方式分，拟以出让方式供应120.5公顷，拟以划拨方式供应37.6793169公顷。"
          "第一季度计划供应30公顷，第二季度40公顷，第三季度50公顷，第四季度38.1793169公顷。\n")


@pytest.fixture(scope="module")
def plan_text():
    return SEED_PLAN.read_text(encoding="utf-8").replace("四、政策导向", SPLITS + "四、政策导向")


@pytest.fixture(scope="module")
def split_plan(plan_text):
    return parse_plan(plan_text)


@pytest.fixture(scope="module")
def parcels(towns, tmp_path_factory):
    """A GeoPackage of parcels drawn at known places, with dates and methods as a bureau writes them."""
    crs = equal_area_crs(*layer_centre(towns.to_crs(4326).geometry))
    t = towns.to_crs(crs).set_index("name")
    lp = t.geometry["龙坪镇"].representative_point()
    lz = t.geometry["连州镇"].representative_point()
    xmin, ymin, xmax, ymax = t.total_bounds

    def sq(p, half, dx=0.0):
        return shapely.box(p.x - half + dx, p.y - half, p.x + half + dx, p.y + half)

    rows = [  # id, declared township, category, stated ha, geometry, date, method
        ("A", "龙坪镇", "工矿仓储用地", 1.0, sq(lp, 50), "2026-02-10", "挂牌出让"),
        ("B", "龙坪镇", "工矿仓储用地", 4.0, sq(lp, 100, 400), "2026年5月3日", "协议出让"),
        ("C", "连州镇", "住宅用地", 1.0, sq(lz, 50), "2026/8/1", "划拨"),
        ("D", "连州镇", "住宅用地", 1.0, sq(lz, 50, 300), None, "划拨"),           # not supplied yet
        ("E", "连州镇", "住宅用地", 1.0, sq(lz, 50, 600), "2025-12-30", "出让"),    # last year
        ("F", "连州镇", "商服用地", 1.0, sq(lz, 50, 900), "2026-11-11", "作价出资"),
        ("G", "连州镇", "商服用地", 1.0, sq(shapely.Point(xmax + 5000, ymax + 5000), 50), "2026-03-01", "出让"),
        ("H", "龙坪镇", "工矿仓储用地", 1.0, sq(lp, 50), "2026-03-01", "出让"),     # repeats A
        ("I", "连州镇", "商服用地", 1.0, sq(lz, 50, -300), "尽快", "出让"),         # no date
        ("J", "连州镇", "商服用地", 1.0, sq(lz, 50, 1200), "2026-04-02", "其他"),
    ]
    gdf = gpd.GeoDataFrame({"地块编号": [r[0] for r in rows], "所属乡镇": [r[1] for r in rows],
                            "用地类型": [r[2] for r in rows], "面积（公顷）": [r[3] for r in rows],
                            "供地日期": [r[5] for r in rows], "供地方式": [r[6] for r in rows]},
                           geometry=[r[4] for r in rows], crs=crs).to_crs(4490)
    path = tmp_path_factory.mktemp("exec") / "parcels.gpkg"
    gdf.to_file(path, engine="pyogrio")
    return path


@pytest.fixture(scope="module")
def result(parcels, towns, split_plan):
    return qa(parcels, towns, split_plan, county="441882")


def test_parcels_count_where_they_lie_by_date(result):
    found = result.parcels.set_index("parcel_id")["township_found"]
    assert found[["A", "B", "H"]].eq("龙坪镇").all() and found[["C", "D", "E", "F", "I", "J"]].eq("连州镇").all()
    ex = result.execution
    cells = ex.cells.set_index(["township", "category"])
    assert cells.loc[("龙坪镇", "工矿仓储用地"), "supplied_ha"] == pytest.approx(5.0, rel=1e-3)  # A + B, not H
    assert cells.loc[("龙坪镇", "工矿仓储用地"), "n_parcels"] == 2
    assert cells.loc[("龙坪镇", "工矿仓储用地"), "rate"] == pytest.approx(5.0 / 23.011857, rel=1e-3)
    assert cells.loc[("连州镇", "住宅用地"), "supplied_ha"] == pytest.approx(1.0, rel=1e-3)  # C only
    assert cells.loc[("连州镇", "商服用地"), "supplied_ha"] == pytest.approx(2.0, rel=1e-3)  # F + J; G lies outside
    assert cells.loc[("保安镇", "工矿仓储用地"), "supplied_ha"] == 0 and cells.loc[("保安镇", "工矿仓储用地"), "rate"] == 0
    assert list(cells.index[:2]) == [("连州镇", "住宅用地"), ("连州镇", "商服用地")]  # the plan's order


def test_by_period_and_method(result):
    ex = result.execution
    periods = ex.periods.set_index("period")
    assert list(periods.index) == ["第一季度", "第二季度", "第三季度", "第四季度"]
    assert periods["supplied_ha"].to_numpy() == pytest.approx([1, 5, 1, 1], rel=1e-3)
    assert periods["planned_ha"].tolist() == [30, 40, 50, pytest.approx(38.1793169)]
    assert periods.loc["第二季度", "rate"] == pytest.approx(5 / 40, rel=1e-3)
    methods = ex.methods.set_index("method")
    assert list(methods.index) == ["出让", "划拨", "作价出资", "其他"]
    assert methods["supplied_ha"].to_numpy() == pytest.approx([5, 1, 1, 1], rel=1e-3)
    assert methods["n_parcels"].tolist() == [2, 1, 1, 1]
    assert np.isnan(methods.loc["作价出资", "planned_ha"]) and np.isnan(methods.loc["作价出资", "rate"])
    notes = "\n".join(ex.note_texts())
    assert "为空的 1 宗" in notes and "不在 2026 年度的 1 宗" in notes and "行号 5" in notes
    assert "无法识别为日期的 1 宗" in notes and "行号 9" in notes and "未识别的供应方式按原文列出：其他" in notes


def test_qa_files(result, tmp_path):
    assert "计划执行情况：已供应 8.0000 公顷" in format_summary(result)
    write_qa(result, tmp_path / "zh", unit="mu")
    csv = pd.read_csv(tmp_path / "zh" / "execution.csv", encoding="utf-8-sig")
    assert list(csv.columns) == ["统计项", "乡镇", "用地类型", "时段", "供应方式", "计划面积（亩）", "已供应面积（亩）",
                                 "执行率", "已供应地块数", "说明"]
    row = csv[(csv["乡镇"] == "龙坪镇") & (csv["用地类型"] == "工矿仓储用地")].iloc[0]
    assert row["计划面积（亩）"] == pytest.approx(345.18) and row["已供应面积（亩）"] == pytest.approx(75.0, rel=1e-3)
    zj = csv[csv["供应方式"] == "作价出资"].iloc[0]
    assert pd.isna(zj["计划面积（亩）"]) and zj["说明"] == "计划未列"  # not a zero
    assert (csv["统计项"] == "说明").sum() == len(result.execution.notes)
    book = pd.read_excel(tmp_path / "zh" / "execution.xlsx", sheet_name=None)
    assert list(book) == ["执行情况说明", "计划执行情况"]
    write_qa(result, tmp_path / "en", lang="en")
    en = pd.read_csv(tmp_path / "en" / "execution.csv", encoding="utf-8-sig")
    assert "supplied (ha)" in en.columns and "transfer (出让)" in set(en["supply method"])


def test_a_plan_without_splits_and_points_from_a_table(towns, plan, tmp_path):
    """The seed plan gives no 方式 or 时序; CSV and XLSX points with 合同签订日期 and 出让方式 in 亩."""
    pts = towns.to_crs(4326).set_index("name").geometry.representative_point()
    df = pd.DataFrame({"宗地编号": ["1", "2"], "乡镇": ["连州镇", "龙坪镇"], "土地用途": ["住宅用地", "工矿仓储用地"],
                       "面积（亩）": [15.0, 30.0], "合同签订日期": ["2026-03-05", "2026-07-20"],
                       "出让方式": ["拍卖出让", "挂牌出让"], "经度": [pts["连州镇"].x, pts["龙坪镇"].x],
                       "纬度": [pts["连州镇"].y, pts["龙坪镇"].y]})
    df.to_csv(tmp_path / "p.csv", index=False, encoding="utf-8-sig")
    df.to_excel(tmp_path / "p.xlsx", index=False)
    for path in (tmp_path / "p.csv", tmp_path / "p.xlsx"):
        ex = qa(path, towns, plan, county="441882").execution
        assert ex.fields == {"date": "合同签订日期", "method": "出让方式"}
        periods = ex.periods.set_index("period")
        assert periods["supplied_ha"].tolist() == pytest.approx([1.0, 0.0, 2.0, 0.0])  # points: stated area
        assert periods["planned_ha"].isna().all() and periods["rate"].isna().all()
        assert ex.methods["method"].tolist() == ["出让"] and ex.methods["planned_ha"].isna().all()
        notes = ex.note_texts()
        assert any("计划未列供应时序" in n for n in notes) and any("计划未列供应方式" in n for n in notes)


def test_parcels_without_a_date_or_method(towns, plan, tmp_path):
    pts = towns.to_crs(4326).set_index("name").geometry.representative_point()
    df = pd.DataFrame({"编号": ["1"], "乡镇": ["连州镇"], "用途": ["住宅用地"], "面积": [1.0], "供地方式": ["划拨"],
                       "lon": [pts["连州镇"].x], "lat": [pts["连州镇"].y]})
    df.to_csv(tmp_path / "m.csv", index=False)
    ex = qa(tmp_path / "m.csv", towns, plan, county="441882").execution
    assert ex.periods is None and ex.methods["method"].tolist() == ["划拨"]
    assert "全部地块视为已供应" in ex.note_texts()[0]
    df.drop(columns="供地方式").to_csv(tmp_path / "none.csv", index=False)
    assert qa(tmp_path / "none.csv", towns, plan, county="441882").execution is None
    with pytest.raises(InputError, match="no column '签约日' for the supply date"):
        qa(tmp_path / "m.csv", towns, plan, county="441882", date_field="签约日")


@pytest.mark.slow  # runs the landgis command in a new process
def test_cli_names_a_missing_column(tmp_path, towns):
    pts = towns.to_crs(4326).set_index("name").geometry.representative_point()
    pd.DataFrame({"编号": ["1"], "乡镇": ["连州镇"], "用途": ["住宅用地"], "面积": [1.0],
                  "lon": [pts["连州镇"].x], "lat": [pts["连州镇"].y]}).to_csv(tmp_path / "c.csv", index=False)
    run = subprocess.run([sys.executable, "-m", "landgis.cli", "qa", str(tmp_path / "c.csv"), "--out",
                          str(tmp_path / "out"), "--method-field", "方式"], capture_output=True, text=True)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "c.csv" in run.stderr and "'方式'" in run.stderr and len(run.stderr.strip().splitlines()) == 1


def test_field_names_and_dates():
    assert find_supply_fields(["供应日期", "供应方式"]) == {"date": "供应日期", "method": "供应方式"}
    assert find_supply_fields(["签订日期", "土地供应方式"]) == {"date": "签订日期", "method": "土地供应方式"}
    assert parse_date(pd.Timestamp("2026-06-30 10:00")).month == 6 and parse_date("2026.9.1").month == 9
    with pytest.raises(ValueError):
        parse_date("下月")


def test_chart_uses_the_project_font(result):
    fig = execution_chart(result.execution, title="连州市2026年度土地供应计划", unit="mu")
    from matplotlib.text import Text

    files = {t.get_fontproperties().get_file() for t in fig.findobj(Text) if t.get_text()}
    assert files == {str(cjk_font_path())}
    table = fig.landgis_table
    assert table["periods"].loc["第二季度", "supplied"] == pytest.approx(75.0, rel=1e-3)
    assert table["methods"].loc["划拨", "planned"] == pytest.approx(37.6793169 * 15)
    texts = " ".join(t.get_text() for t in fig.findobj(Text))
    assert "计划执行情况" in texts or "执行情况" in texts


@pytest.mark.slow  # builds an atlas with the landgis command in a new process
def test_atlas_report_and_word(parcels, plan_text, tmp_path):
    plan_path = tmp_path / "plan.txt"
    plan_path.write_text(plan_text, encoding="utf-8")
    out = tmp_path / "atlas"
    run = subprocess.run([sys.executable, "-m", "landgis.cli", "atlas", str(plan_path), "--parcels", str(parcels),
                          "--out", str(out), "--date-field", "供地日期", "--method-field", "供地方式"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert (out / "qa" / "execution.png").stat().st_size > 10_000
    assert (out / "qa" / "execution.csv").exists() and (out / "qa" / "execution.xlsx").exists()
    page = (out / "index.html").read_text(encoding="utf-8")
    assert 'id="execution"' in page and 'id="execution-table"' in page
    section = page[page.index('id="execution-table"'):]
    section = section[:section.index("</table>")]
    assert "第二季度" in section and "12.5%" in section and "作价出资" in section and "计划未列" in section
    doc = docx.Document(str(out / "报告.docx"))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "计划执行情况" in text and "已供应8.0000公顷" in text and "为空的 1 宗" in text
    cells = [[c.text for c in r.cells] for r in doc.tables[-1].rows]
    assert cells[0] == ["统计项", "名称", "计划", "已供应", "执行率", "地块数"]
    assert any(c[:3] == ["分供应方式", "出让", "120.5000"] and c[4:] == ["4.1%", "2"] for c in cells)
    assert any(c[:3] == ["分供应方式", "作价出资", "计划未列"] for c in cells)
