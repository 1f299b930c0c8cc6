"""A plan given as an Excel workbook (.xlsx, made with openpyxl): rows as tab-separated lines, sheet after
sheet; numbers as written, a formula's saved result never evaluated; a damaged file or one beyond the cell
limit is one line and exit 2."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import openpyxl
import pytest

from landgis.errors import InputError, LimitError
from landgis.plan import parse_plan
from landgis.plan.read import read_plan_text


def _book(path, rows_by_sheet: dict[str, list[list]]):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in rows_by_sheet.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_rows_as_lines_sheet_after_sheet(tmp_path):
    path = _book(tmp_path / "plan.xlsx", {
        "说明": [["某县2026年度国有建设用地供应计划"], [None], ["制表日期", dt.date(2026, 1, 5)]],
        "表1": [["乡镇", "住宅用地", "工矿仓储用地", None], ["甲镇", 12.5, 0.1 + 0.2], ["乙镇", 3, "=B2+1"]],
    })
    text, source = read_plan_text(path)
    assert source == str(path)
    assert text.splitlines() == ["某县2026年度国有建设用地供应计划", "", "制表日期\t2026-01-05", "",
                                 "乡镇\t住宅用地\t工矿仓储用地", "甲镇\t12.5\t0.3", "乙镇\t3"]


def test_a_formula_is_never_evaluated(tmp_path):
    """openpyxl saves no result for a formula it writes: the cell is empty, not computed nor its text."""
    path = _book(tmp_path / "f.xlsx", {"表": [["供应方式", "出让", "划拨"], ["面积", "=1+1", 5]]})
    assert read_plan_text(path)[0].splitlines()[1] == "面积\t\t5"


def test_a_table_of_townships_in_a_workbook(tmp_path):
    path = _book(tmp_path / "t.xlsx", {"计划": [
        ["某县2026年度国有建设用地供应计划"],
        ["全县计划供应国有建设用地总量20公顷。"],
        ["单位：公顷"],
        ["乡镇", "住宅用地", "工矿仓储用地", "合计"],
        ["连州镇", 8, 4, 12],
        ["龙坪镇", 5, 3, 8],
        ["合计", 13, 7, 20]]})
    plan = parse_plan(path)
    assert plan.stated_total_ha == 20 and plan.township_totals_ha == {"连州镇": 12, "龙坪镇": 8}


@pytest.mark.slow  # runs the landgis command in a new process
def test_damaged_workbook_is_one_line(tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"not a zip at all")
    with pytest.raises(InputError, match="bad.xlsx: not a readable .xlsx workbook"):
        read_plan_text(path)
    run = subprocess.run([sys.executable, "-m", "landgis.cli", "plan", str(path)], capture_output=True, text=True)
    assert run.returncode == 2 and len(run.stderr.strip().splitlines()) == 1 and "bad.xlsx" in run.stderr


def test_cells_beyond_the_limit(tmp_path, monkeypatch):
    path = _book(tmp_path / "big.xlsx", {"表": [[f"c{i}" for i in range(10)] for _ in range(10)]})
    monkeypatch.setenv("LANDGIS_LIMIT_CELLS", "50")
    with pytest.raises(LimitError, match="big.xlsx.*LANDGIS_LIMIT_CELLS"):
        read_plan_text(path)
    monkeypatch.setenv("LANDGIS_LIMIT_CELLS", "100")
    assert len(read_plan_text(path)[0].splitlines()) == 10
