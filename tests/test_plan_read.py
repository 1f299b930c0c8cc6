"""Reading plans: web pages (UTF-8, GBK, colspan/rowspan, boilerplate), 繁體, number forms."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from landgis.plan import PlanParseError, parse_plan
from landgis.plan.read import fold, to_simplified
from landgis.plan.webpage import html_lines

PAGE = """<!DOCTYPE html><html><head><meta charset="{charset}"><title>x</title>
<script>var a = "住宅用地99公顷";</script></head><body>
<div class="nav"><a href="/">首页</a> 住宅用地88公顷</div>
<div class="article"><h1>青山县2026年度国有建设用地供应计划</h1>
<p>全县供应总量为30公顷。</p>
<table><tr><th>乡镇</th><th>用途</th><th>面积（公顷）</th></tr>
<tr><td rowspan="2">青山镇</td><td>住宅用地</td><td>10</td></tr>
<tr><td>商服用地</td><td>5</td></tr>
<tr><td>石门镇</td><td>住宅用地</td><td>15</td></tr>
<tr><td colspan="2">合计</td><td>30</td></tr></table></div>
<div class="related"><ul><li><a href="#">青山县2025年度国有建设用地供应计划 供应总量77公顷</a></li></ul></div>
<div class="footer">主办单位：青山县人民政府</div></body></html>"""


@pytest.mark.parametrize("charset", ["utf-8", "gbk"])
def test_html_page_in_utf8_and_gbk(tmp_path, charset):
    path = tmp_path / "plan.htm"
    path.write_bytes(PAGE.format(charset=charset).encode(charset))
    plan = parse_plan(path)
    assert (plan.place, plan.year, plan.stated_total_ha) == ("青山县", 2026, D(30))
    cells = {(r.township, r.category): r.hectares_exact for r in plan.allocations.itertuples()}
    assert cells == {("青山镇", "住宅用地"): D(10), ("青山镇", "商服用地"): D(5), ("石门镇", "住宅用地"): D(15)}
    assert not plan.ledger["value"].isin([D(77), D(88), D(99)]).any()  # nav, script, related links ignored


def test_html_table_cells_spans_and_empty_marks():
    lines = html_lines("<table><tr><td rowspan='2'>甲镇</td><td>1</td><td>/</td></tr>"
                       "<tr><td>—</td><td>2</td></tr><tr><td colspan='2'>合计</td><td>-</td></tr></table>")
    assert lines == ["甲镇\t1\t", "甲镇\t\t2", "合计\t合计\t"]


def test_html_text_given_as_a_string():
    plan = parse_plan(PAGE.format(charset="utf-8"))
    assert plan.stated_total_ha == D(30)


def test_traditional_characters_converted_with_opencc():
    assert to_simplified("臺山市國有建設用地供應計劃") == "台山市国有建设用地供应计划"
    assert to_simplified("和平镇住宅用地") == "和平镇住宅用地"  # simplified text is left as it is
    plan = parse_plan("臺山市2025年度國有建設用地供應計劃\n全市供應總量20公頃，其中住宅用地20公頃。\n"
                      "台城街道計劃供應20公頃，全部為住宅用地。")
    assert (plan.place, plan.township_totals_ha) == ("台山市", {"台城街道": D(20)})
    assert plan.ledger.iloc[0]["text"].startswith("全市供應總量")


@pytest.mark.parametrize(("written", "value"), [("2。3660平方公里", "2.3660"), ("16.40 85公顷", "16.4085"),
                                                ("１６．４０８５公顷", "16.4085")])
def test_number_forms(written, value):
    assert fold(f"住宅用地{written}") .endswith(f"{value}{'平方公里' if '平方公里' in written else '公顷'}")


def test_names_are_read_whole():
    plan = parse_plan("某县2026年度国有建设用地供应计划\n供应总量8公顷。\n和平镇计划供应5公顷，全部为住宅用地。\n"
                      "和桥镇计划供应3公顷，全部为商服用地。")
    assert plan.township_totals_ha == {"和平镇": D(5), "和桥镇": D(3)}


@pytest.mark.parametrize(("text", "looks"), [
    ("某市2024年度土地储备计划\n2024年度计划新增储备土地125.6公顷。", "土地储备计划"),
    ("某区国有建设用地使用权供地结果公示\n地块面积52,680.45平方米。", "供地结果公示"),
    ("两宗宅地同日成交\n本报讯（记者 某某）地块出让面积3.2公顷，成交价4.6亿元，溢价率18%。", "news"),
])
def test_not_a_plan(text, looks):
    with pytest.raises(PlanParseError, match=f"not a land supply plan; the text looks like .*{looks}"):
        parse_plan(text)


# --- a news item's dateline names the place where its body names none --------------------------
@pytest.mark.parametrize("dateline, place", [
    ("醴陵市自然资源局讯 近日，", "醴陵市"),
    ("台山市讯 日前，", "台山市"),
    ("本报醴陵讯(记者 王明)日前，", "醴陵"),
    ("新华网长沙3月5日电 日前，", "长沙"),
])
def test_place_from_the_dateline(dateline, place):
    text = f"年度供地计划公布\n{dateline}2024年度国有建设用地供应计划公布。全年计划供应国有建设用地256.78公顷，其中住宅用地60.12公顷。"
    plan = parse_plan(text)
    assert plan.place == place and plan.stated_total_ha == D("256.78")


def test_the_body_place_wins_over_the_dateline():
    text = ("年度供地计划公布\n新华网长沙3月5日电 株洲市本级2024年度国有建设用地供应计划日前公布。"
            "计划供应总量为420.5公顷，其中住宅用地110.2公顷。")
    assert parse_plan(text).place == "株洲市"


def test_a_short_dateline_name_is_not_taken_for_a_county():
    text = "新华网长沙3月5日电 2024年度国有建设用地供应计划公布，计划供应总量为420.5公顷。"
    assert parse_plan(text).county is None  # 长沙 is the city; the registry's 长沙县 is another place


def test_no_dateline_no_place():
    text = "本报讯(记者 王明)昨日，2024年度国有建设用地供应计划公布，计划供应总量为420.5公顷。"
    assert parse_plan(text).place is None


# --- PDF line breaks inside a figure: after its decimal point, inside its unit ---------------------
@pytest.mark.parametrize("split, unit", [("312.\n45公顷", "公顷"), ("312.\n 45公顷", "公顷"), ("312.45公\n顷", "公顷"),
                                         ("312.45平方\n米", "平方米"), ("312.45万平方\n米", "万平方米"),
                                         ("312.45平方\n公里", "平方公里"), ("312.45万\n亩", "万亩")])
def test_a_figure_split_by_a_pdf_line_break_is_joined_lines_kept(split, unit):
    folded = fold(f"供应总量为{split},其中住宅用地1公顷。")
    assert folded.count("\n") == split.count("\n") and f"312.45{unit}" in folded


@pytest.mark.parametrize("text", ["第3.\n2025年", "面积3公\n告", "共3平\n方向"])
def test_a_line_break_that_splits_no_figure_is_kept(text):
    assert fold(text) == text


def test_a_plan_with_figures_split_across_pdf_lines_is_read():
    text = ("某县2025年度国有建设用地供应计划\n全县国有建设用地供应总量为312.\n45公顷，其中住宅用地98.60公\n"
            "顷，商服用地25.30公顷。")
    plan = parse_plan(text)
    assert plan.stated_total_ha == D("312.45") and plan.structure_ha["住宅用地"] == D("98.60")
