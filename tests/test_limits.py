"""landgis.limits: hostile inputs that would expand are refused in one line (exit 2), naming the file and limit.

Every hostile file is made here, small on disk. The CLI runs in a subprocess under a 2 GiB address-space
limit (``RLIMIT_AS``), so a reader that is not bounded fails the test instead of the machine.
"""

from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from landgis.errors import LimitError
from landgis.limits import LIMITS, check_zip, limit
from landgis.plan import SEED_PLAN, parse_plan
from landgis.plan.read import read_plan_text

pytestmark = pytest.mark.slow  # runs the landgis command in new processes, under a memory cap

CAP = 2 << 30  # bytes of address space for a landgis run under test


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CAP, CAP))


def landgis(*args, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """The real command, its memory capped; OpenBLAS kept to one thread (its buffers are address space too)."""
    full = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", **(env or {})}
    return subprocess.run([sys.executable, "-m", "landgis.cli", *map(str, args)], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, preexec_fn=_capped, timeout=timeout, env=full)


def one_limit_line(proc: subprocess.CompletedProcess, path: Path, name: str) -> str:
    """The run failed with exit 2 and one stderr line naming the file and the limit's variable."""
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-3000:])
    assert len(lines) == 1 and "Traceback" not in proc.stderr and "MemoryError" not in proc.stderr, proc.stderr[-3000:]
    assert path.name in lines[0] and f"LANDGIS_LIMIT_{name.upper()}" in lines[0], lines[0]
    return lines[0]


def test_the_cap_leaves_room_for_an_ordinary_run(tmp_path):
    """The 2 GiB cap is not what fails the hostile runs: the seed plan reads under it."""
    proc = landgis("plan", SEED_PLAN)
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_limits_can_be_raised_by_environment(monkeypatch):
    monkeypatch.setenv("LANDGIS_LIMIT_ROWS", "5_000_000")
    assert limit("rows") == 5_000_000
    monkeypatch.setenv("LANDGIS_LIMIT_ROWS", "nonsense")
    assert limit("rows") == LIMITS["rows"]


# --- HTML plans -------------------------------------------------------------------------------------
def _seed_page(depth: int) -> str:
    body = "".join(f"<p>{line}</p>" for line in SEED_PLAN.read_text(encoding="utf-8").splitlines() if line.strip())
    return f"<html><body>{'<div>' * depth}{body}{'</div>' * depth}</body></html>"


def test_html_nested_too_deep_is_an_error_not_a_shorter_plan(tmp_path):
    flat = tmp_path / "flat.html"
    flat.write_text(_seed_page(0), encoding="utf-8")
    nested = tmp_path / "nested.html"
    nested.write_text(_seed_page(200), encoding="utf-8")  # deep, but within the limit: read whole
    assert parse_plan(nested).allocations["hectares"].sum() == pytest.approx(156.397524)
    assert parse_plan(flat).allocations["hectares"].sum() == pytest.approx(156.397524)
    deep = tmp_path / "deep.html"
    deep.write_text(_seed_page(300), encoding="utf-8")  # libxml2 would drop what lies below level 255
    with pytest.raises(LimitError, match="nesting"):
        read_plan_text(deep)
    one_limit_line(landgis("plan", deep), deep, "html_nesting")


def test_html_spans_repeated_beyond_the_cell_limit(tmp_path):
    """~120 KB of cells spanning 100×100 (the page that ran 300 s): refused before the grid is built."""
    row = "<tr>" + '<td colspan="100" rowspan="100">连州镇 1</td>' * 40 + "</tr>"
    page = tmp_path / "spans.html"
    page.write_text("<html><body><table>" + row * 80 + "</table></body></html>", encoding="utf-8")
    assert page.stat().st_size < 200_000
    one_limit_line(landgis("plan", page), page, "cells")


def test_html_colspan_beyond_its_limit(tmp_path):
    page = tmp_path / "wide.html"
    page.write_text('<html><body><table><tr><td colspan="65534">x</td></tr></table></body></html>', encoding="utf-8")
    line = one_limit_line(landgis("plan", page), page, "html_colspan")
    assert "65,534" in line


# --- Word ---------------------------------------------------------------------------------------------
def _docx(tmp_path: Path, name: str, patch) -> Path:
    import docx

    d = docx.Document()
    d.add_paragraph("连州市2026年国有建设用地供应计划")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text, t.cell(1, 0).text, t.cell(1, 1).text = "乡镇", "住宅用地", "连州镇", "1"
    buf = io.BytesIO()
    d.save(buf)
    path = tmp_path / name
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            dst.writestr(info.filename, patch(body) if info.filename == "word/document.xml" else body)
    return path


def test_docx_whose_document_xml_expands_beyond_the_limit(tmp_path):
    padding = b"<!--" + b" " * (80 << 20) + b"-->"  # 80 MiB of XML, a few hundred KB zipped
    path = _docx(tmp_path, "bomb.docx", lambda body: body.replace(b"?>", b"?>" + padding, 1))
    assert path.stat().st_size < 1 << 20
    one_limit_line(landgis("plan", path), path, "xml_bytes")


def test_docx_table_cells_spanning_millions_of_columns(tmp_path):
    path = _docx(tmp_path, "span.docx",
                 lambda body: body.replace(b"<w:tcPr>", b'<w:tcPr><w:gridSpan w:val="50000000"/>'))
    one_limit_line(landgis("plan", path), path, "cells")


def test_docx_vertically_merged_rows_read_in_one_pass(tmp_path):
    """5,000 rows merged down one column: read (python-docx would walk up the table for every row)."""
    rows = b"".join(b"<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p>"
                    b"</w:tc></w:tr>" for _ in range(5000))
    first = b'<w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>\xe5\x90\x88\xe8\xae\xa1</w:t>' \
            b"</w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr>"
    path = _docx(tmp_path, "merged.docx", lambda body: body.replace(b"</w:tbl>", first + rows + b"</w:tbl>", 1))
    text, _ = read_plan_text(path)
    assert text.count("合计\t1") == 5000


# --- PDF ----------------------------------------------------------------------------------------------
def test_pdf_pages_beyond_the_limit(tmp_path):
    import pypdf

    w = pypdf.PdfWriter()
    for _ in range(6):
        w.add_blank_page(width=200, height=200)
    path = tmp_path / "pages.pdf"
    with open(path, "wb") as fh:
        w.write(fh)
    one_limit_line(landgis("plan", path, env={"LANDGIS_LIMIT_PDF_PAGES": "5"}), path, "pdf_pages")


# --- parcel tables and shapefiles -------------------------------------------------------------------
HEADER = "地块编号,所属乡镇,用地类型,面积（公顷）,经度,纬度\n"
ROW = "LZ-{i},龙坪镇,工矿仓储用地,1.0,112.4777,24.82078\n"


def test_csv_rows_beyond_the_limit(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text(HEADER + "".join(ROW.format(i=i) for i in range(1001)), encoding="utf-8")
    line = one_limit_line(landgis("qa", path, "--out", tmp_path / "q", env={"LANDGIS_LIMIT_ROWS": "1000"}),
                          path, "rows")
    assert "rows" in line
    assert not (tmp_path / "q" / "findings.csv").exists()


def test_csv_cell_beyond_the_field_limit(tmp_path):
    path = tmp_path / "cell.csv"
    path.write_text(HEADER + ROW.format(i=0) + ROW.format(i="X" * 20_000), encoding="utf-8")
    line = one_limit_line(landgis("qa", path, "--out", tmp_path / "q"), path, "field_chars")
    assert "第 3 行" in line


def test_xlsx_sheet_xml_beyond_the_limit(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["地块编号", "所属乡镇", "用地类型", "面积（公顷）", "经度", "纬度"])
    buf = io.BytesIO()
    wb.save(buf)
    path = tmp_path / "bomb.xlsx"
    padding = b"<!--" + b" " * (80 << 20) + b"-->"
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if "worksheets/" in info.filename:
                assert b"<sheetData" in body
                body = body.replace(b"<sheetData", padding + b"<sheetData", 1)
            dst.writestr(info.filename, body)
    one_limit_line(landgis("qa", path, "--out", tmp_path / "q"), path, "xml_bytes")


def _shapefile(tmp_path: Path, stem: str) -> Path:
    g = gpd.GeoDataFrame({"地块编号": ["A"], "所属乡镇": ["龙坪镇"]}, geometry=[shapely.Point(112.4777, 24.82078)],
                         crs=4490)
    path = tmp_path / f"{stem}.shp"
    g.to_file(path, encoding="UTF-8", engine="pyogrio")
    return path


def test_zipped_shapefile_whose_dbf_expands_like_a_bomb(tmp_path):
    shp = _shapefile(tmp_path, "p")
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for suffix in (".shp", ".shx", ".prj", ".cpg"):
            z.write(shp.with_suffix(suffix), f"p{suffix}")
        z.writestr("p.dbf", shp.with_suffix(".dbf").read_bytes() + b" " * (64 << 20))  # 64 MiB more, ~64 KB zipped
    assert path.stat().st_size < 1 << 20
    line = one_limit_line(landgis("qa", path, "--out", tmp_path / "q"), path, "zip_ratio")
    assert "p.dbf" in line


def test_dbf_declaring_more_records_than_the_limit(tmp_path):
    shp = _shapefile(tmp_path, "many")
    dbf = bytearray(shp.with_suffix(".dbf").read_bytes())
    dbf[4:8] = (50_000_000).to_bytes(4, "little")  # what a 3 GiB .dbf declares
    shp.with_suffix(".dbf").write_bytes(bytes(dbf))
    one_limit_line(landgis("qa", shp, "--out", tmp_path / "q"), shp, "rows")


def test_check_zip_counts_members(tmp_path, monkeypatch):
    monkeypatch.setenv("LANDGIS_LIMIT_ZIP_ENTRIES", "3")
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as z:
        for i in range(4):
            z.writestr(f"{i}.txt", "x")
    with zipfile.ZipFile(path) as z, pytest.raises(LimitError, match="LANDGIS_LIMIT_ZIP_ENTRIES"):
        check_zip(z, path)
