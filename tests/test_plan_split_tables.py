"""The plan's 供应方式 and 时序 given only in a table, as plans print them: methods or periods as the columns of
one row of areas, or as the rows beside a column of areas, in a text table, Markdown, HTML, Word and Excel.
Each figure is in the ledger: a split (``method``/``schedule``), or set aside with the reason (a cell naming
a method and a period, a split of one category, a share, the table's 合计)."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import docx
import openpyxl
import pytest

from landgis.plan import parse_plan

DATA = Path(__file__).parent / "data" / "split_tables"
HEAD = ("某县2026年度国有建设用地供应计划",
        "全县计划供应国有建设用地总量100公顷，其中住宅用地60公顷，工矿仓储用地40公顷。")
STRUCTURE = {"住宅用地": D(60), "工矿仓储用地": D(40)}
QUARTERS = {"第一季度": D(20), "第二季度": D(30), "第三季度": D(30), "第四季度": D(20)}


def _balanced(plan) -> None:
    """The plan is unchanged by its splits, and every figure read is in the ledger as used or set aside."""
    assert plan.stated_total_ha == 100 and plan.structure_ha == STRUCTURE
    counts = plan.figure_counts
    assert counts["read"] == len(plan.ledger) == counts["used"] + counts["set_aside"]
    assert counts["unplaced"] == 0


def _roles(plan, role: str) -> list[tuple[str, D]]:
    led = plan.ledger
    return [(r.what, D(str(r.value))) for r in led[led["role"] == role].itertuples()]


def test_methods_as_the_columns_of_a_text_table():
    """供应方式 | 出让 | 划拨 | 租赁 | 合计 over one row of areas (whitespace separated): each column a method;
    the 合计 is set aside (the plan states its total in words)."""
    plan = parse_plan(DATA / "methods_columns.txt")
    assert plan.methods_ha == {"出让": D("70.25"), "划拨": D("24.75"), "租赁": D(5)}
    assert plan.schedule_ha == {}
    assert _roles(plan, "method") == [("出让", D("70.25")), ("划拨", D("24.75")), ("租赁", D(5))]
    aside = plan.ledger[plan.ledger["role"] == "set_aside"]
    assert aside["reason"].tolist() == ["供应方式（时序）表的合计，总量以正文为准"]
    _balanced(plan)


def test_quarters_as_rows_in_a_word_table(tmp_path):
    """A Word table (python-docx) of 供应时序 | 计划供应面积（公顷） with a row per quarter and a 合计 row."""
    document = docx.Document()
    for line in HEAD:
        document.add_paragraph(line)
    document.add_paragraph("三、供应时序")
    rows = [("供应时序", "计划供应面积（公顷）"), *((q, str(v)) for q, v in QUARTERS.items()), ("合计", "100")]
    table = document.add_table(rows=len(rows), cols=2)
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            table.cell(r, c).text = cell
    document.add_paragraph("四、保障措施")
    path = tmp_path / "plan.docx"
    document.save(path)
    plan = parse_plan(path)
    assert plan.schedule_ha == QUARTERS and plan.methods_ha == {}
    assert [w for w, _ in _roles(plan, "schedule")] == list(QUARTERS)
    assert sum(plan.schedule_ha.values()) == plan.stated_total_ha
    _balanced(plan)


def test_months_as_columns_in_an_html_table_with_a_row_of_shares():
    """An HTML table of 月份 | 3月 | 6月 …: the row of areas gives the months; the 占比 row is no area."""
    plan = parse_plan(DATA / "months_columns.html")
    assert plan.schedule_ha == {"3月": D(10), "6月": D(30), "9月": D(40), "12月": D(20)}
    aside = plan.ledger[plan.ledger["role"] == "set_aside"]
    assert (aside["reason"] == "占比或累计数，不是面积").sum() == 5
    _balanced(plan)


def test_methods_as_rows_in_an_excel_workbook(tmp_path):
    """A workbook (openpyxl) with the plan's words in the first rows and a table of 供应方式 | 面积 | 占比,
    the areas as numbers and one as a formula's saved result."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "供应计划"
    for line in HEAD:
        sheet.append([line])
    sheet.append([])
    sheet.append(["供应方式", "计划供应面积（公顷）", "占比（%）"])
    sheet.append(["出让", 75.5, 75.5])
    sheet.append(["划拨", 20, 20])
    sheet.append(["作价出资", 4.5, 4.5])
    sheet.append(["合计", 100, 100])
    path = tmp_path / "plan.xlsx"
    book.save(path)
    plan = parse_plan(path)
    assert plan.methods_ha == {"出让": D("75.5"), "划拨": D(20), "作价出资": D("4.5")}
    aside = plan.ledger[plan.ledger["role"] == "set_aside"]
    assert sorted(aside["reason"].unique()) == ["供应方式（时序）表的合计，总量以正文为准", "占比或累计数，不是面积"]
    _balanced(plan)


def test_quarters_by_method_give_both_splits_from_their_totals():
    """A Markdown table of quarters × methods: a cell naming a quarter and a method is neither split; the
    合计 row gives the methods and the 合计 column the quarters."""
    plan = parse_plan(DATA / "methods_by_quarter.md")
    assert plan.methods_ha == {"出让": D(75), "划拨": D(25)} and plan.schedule_ha == QUARTERS
    aside = plan.ledger[plan.ledger["role"] == "set_aside"]
    assert (aside["reason"] == "既分方式又分时序的数字，不是全年的拆分").sum() == 8
    _balanced(plan)


def test_methods_of_one_category_are_no_split_of_the_plan():
    """用途 | 出让 | 划拨 with a row per category: the methods of each category, not of the plan (as in words:
    住宅用地30公顷，其中出让20公顷); set aside, the categories unchanged."""
    plan = parse_plan(DATA / "method_of_a_category.txt")
    assert plan.methods_ha == {} and plan.schedule_ha == {}
    aside = plan.ledger[plan.ledger["role"] == "set_aside"]
    assert aside["reason"].tolist() == ["住宅用地的供应方式（时序），不是全年的拆分"] * 2 + [
        "工矿仓储用地的供应方式（时序），不是全年的拆分"]
    _balanced(plan)


@pytest.mark.slow  # runs the landgis command in a new process
def test_plan_json_of_a_workbook(tmp_path):
    book = openpyxl.Workbook()
    for line in HEAD:
        book.active.append([line])
    book.active.append(["季度", "第一季度", "第二季度", "第三季度", "第四季度"])
    book.active.append(["面积（公顷）", 20, 30, 30.0, 20])
    path = tmp_path / "计划.xlsx"
    book.save(path)
    run = subprocess.run([sys.executable, "-m", "landgis.cli", "plan", str(path), "--json"], capture_output=True,
                         text=True)
    assert run.returncode == 0, run.stderr
    assert '"第一季度": 20' in run.stdout and '"schedule"' in run.stdout


def test_methods_by_category_give_the_structure_and_the_plans_methods():
    """用地类型 | 出让 | 划拨 | 合计 with a row per category: each row's 合计 is the category (the plan gives its
    structure only here), each category's methods are set aside, the 合计 row gives the plan's methods, and
    the grand total equals the stated one."""
    plan = parse_plan(DATA / "methods_by_category.txt")
    assert plan.structure_ha == STRUCTURE and plan.methods_ha == {"出让": D(90), "划拨": D(10)}
    aside = plan.ledger[plan.ledger["role"] == "set_aside"]
    assert (aside["reason"].str.endswith("的供应方式（时序），不是全年的拆分")).sum() == 3
    assert (aside["reason"] == "与供应总量相同，不重复计入").sum() == 1
    _balanced(plan)
