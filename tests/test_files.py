"""landgis.files: workbooks a planner can sum, and no formula injection in any XLSX or CSV the tool writes."""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from landgis.cli import main
from landgis.files import csv_bytes, write_xlsx

HOSTILE = ["=HYPERLINK(\"http://evil.example/\",\"点击\")", "+1+1", "-2+3", "@SUM(A1:A9)", "\tx", "\r=1+1"]


def _cells(path: Path) -> list[list[openpyxl.cell.Cell]]:
    wb = openpyxl.load_workbook(path)
    return [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row]


def _formulas(path: Path) -> list[str]:
    """Every formula in a workbook, read from the XML itself (``<f>`` elements)."""
    with zipfile.ZipFile(path) as z:
        return [n for n in z.namelist() if n.startswith("xl/worksheets/") and b"<f>" in z.read(n)]


def test_xlsx_text_is_text_and_numbers_are_numbers(tmp_path):
    df = pd.DataFrame({
        "地块编号": HOSTILE,
        "面积（公顷）": [Decimal("-1E-7"), np.float64(2.5), -3, np.int64(7), 1e300, None],
        "乡镇": ["连州镇"] * 6,
    })
    path = write_xlsx({"地块": df}, tmp_path / "t.xlsx")
    assert _formulas(path) == []
    ws = openpyxl.load_workbook(path)["地块"]
    ids = [ws.cell(row=r, column=1) for r in range(2, 8)]
    assert [c.value for c in ids] == HOSTILE and all(c.data_type == "s" and c.quotePrefix for c in ids)
    figures = [ws.cell(row=r, column=2) for r in range(2, 7)]
    assert [c.value for c in figures] == [-1e-7, 2.5, -3, 7, 1e300]
    assert all(c.data_type == "n" and c.number_format != "General" for c in figures)
    assert ws.cell(row=7, column=2).value is None  # missing stays empty, not "None" or "nan"
    assert ws.freeze_panes == "A2" and ws.cell(row=1, column=1).font.b


def test_xlsx_widths_fit_content_with_cjk_double(tmp_path):
    df = pd.DataFrame({"a": ["x" * 10], "乡镇名称": ["连州镇" * 5]})  # 15 CJK characters = 30 columns
    ws = openpyxl.load_workbook(write_xlsx({"s": df}, tmp_path / "w.xlsx"))["s"]
    assert 30 <= ws.column_dimensions["B"].width <= 34
    assert 10 <= ws.column_dimensions["A"].width < ws.column_dimensions["B"].width


def test_csv_cells_get_the_owasp_apostrophe_and_numbers_stay_numbers():
    df = pd.DataFrame({"id": HOSTILE, "ha": [-1.5, 2, 3, 4, 5, 6]})
    rows = list(csv.reader(io.StringIO(csv_bytes(df).decode("utf-8-sig"), newline="")))
    assert [r[0] for r in rows[1:]] == ["'" + h for h in HOSTILE]
    assert rows[1][1] == "-1.5"  # a negative number is a number, not text


def test_plan_table_with_a_formula_township(tmp_path):
    plan = tmp_path / "plan.txt"
    plan.write_text("某县2026年度国有建设用地供应计划\n2026年度国有建设用地供应总量为3公顷。\n"
                    "表1 分乡镇供应计划（单位：公顷）\n乡镇\t住宅用地\t商服用地\t合计\n"
                    "=1+1镇\t1\t0\t1\n@SUM(A1)乡\t0\t2\t2\n合计\t1\t2\t3\n", encoding="utf-8")
    for suffix in ("xlsx", "csv"):
        assert main(["plan", str(plan), "--out", str(tmp_path / f"t.{suffix}")]) == 0
    assert _formulas(tmp_path / "t.xlsx") == []
    texts = [c.value for c in _cells(tmp_path / "t.xlsx") if isinstance(c.value, str)]
    numbers = [c for c in _cells(tmp_path / "t.xlsx") if isinstance(c.value, (int, float))]
    assert any(t.startswith("=1+1") for t in texts) and numbers and all(c.data_type == "n" for c in numbers)
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx").worksheets[0]
    assert ws.freeze_panes == "A3"  # the title and the header stay in view
    rows = (tmp_path / "t.csv").read_text("utf-8-sig").splitlines()
    assert any(r.startswith("'=1+1") for r in rows) and any(r.startswith("'@SUM") for r in rows)
    assert not any(r.startswith(("=", "@")) for r in rows)


def test_qa_workbooks_with_hostile_ids(tmp_path):
    parcels = tmp_path / "地块.csv"
    parcels.write_text(
        "地块编号,所属乡镇,用地类型,面积（公顷）,经度,纬度\n"
        f"\"{HOSTILE[0].replace(chr(34), chr(34) * 2)}\",+龙坪镇,工矿仓储用地,5.2,112.4777,24.82078\n"
        "@SUM(A1),=1+1镇,商服用地,1.0,112.38667,24.91722\n",
        encoding="utf-8")
    assert main(["qa", str(parcels), "--out", str(tmp_path / "qa"), "--no-map"]) in (0, 1)
    for name in ("findings", "quota"):
        path = tmp_path / "qa" / f"{name}.xlsx"
        assert _formulas(path) == []
        cells = _cells(path)
        assert all(c.data_type == "s" for c in cells if isinstance(c.value, str))
        rows = list(csv.reader(io.StringIO((tmp_path / "qa" / f"{name}.csv").read_text("utf-8-sig"))))
        assert not any(v.startswith(("=", "+", "@")) for r in rows for v in r)
    ids = [c.value for c in _cells(tmp_path / "qa" / "findings.xlsx") if c.column == 2]
    assert HOSTILE[0] in ids and "@SUM(A1)" in ids


@pytest.mark.slow  # builds an atlas
def test_atlas_tables_every_figure_is_numeric(tmp_path):
    assert main(["atlas", "--out", str(tmp_path / "a"), "--format", "png"]) == 0
    path = tmp_path / "a" / "tables" / "allocations.xlsx"
    assert _formulas(path) == []
    wb = openpyxl.load_workbook(path)
    text_figures = []
    for ws in wb.worksheets:
        header = [c.value for c in ws[1]]
        figure_cols = [i for i, h in enumerate(header, 1) if "（" in str(h) and "）" in str(h)]
        assert figure_cols, ws.title
        assert ws.freeze_panes == "A2"
        for col in figure_cols:
            for r in range(2, ws.max_row + 1):
                cell = ws.cell(row=r, column=col)
                if cell.value is not None and not (isinstance(cell.value, (int, float)) and cell.data_type == "n"):
                    text_figures.append(f"{ws.title}!{cell.coordinate}={cell.value!r}")
                elif cell.value is not None:
                    assert cell.number_format != "General"
    assert text_figures == []
    diffs = [ws.cell(row=r, column=c).value for ws in wb.worksheets
             for c, h in enumerate([x.value for x in ws[1]], 1) if str(h).startswith("差额")
             for r in range(2, ws.max_row + 1)]
    assert pytest.approx(1e-7) in [abs(v) for v in diffs if v is not None]  # "-1E-7" is a number now


@pytest.mark.slow  # a dask LocalCluster
def test_dask_findings_csv_written_in_pieces_is_safe_too(tmp_path):
    parcels = tmp_path / "地块.csv"
    parcels.write_text("地块编号,所属乡镇,用地类型,面积（公顷）,经度,纬度\n"
                       "=cmd|' /C calc'!A0,=1+1镇,商服用地,1.0,112.38667,24.91722\n", encoding="utf-8")
    assert main(["qa", str(parcels), "--engine", "dask", "--out", str(tmp_path / "qa"), "--no-map"]) in (0, 1)
    text = (tmp_path / "qa" / "findings.csv").read_text("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert any(r and r[1] == "'=cmd|' /C calc'!A0" for r in rows), rows[:3]
    assert not any(v.startswith(("=", "+", "@")) for r in rows for v in r)
