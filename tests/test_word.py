"""报告.docx: read back with python-docx, and converted to PDF by LibreOffice (Debian's, headless)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm

from landgis.plan import reconcile
from landgis.render.static import render_maps
from landgis.render.word_report import write_word_report
from landgis.county import find_county

LIANZHOU = find_county("441882")  # the county of the seed plan, passed to every renderer

ARTIFACTS = Path(__file__).parent / "artifacts"
MAPS = ["工矿仓储用地", "total"]
NUMBER = re.compile(r"^-?\d{1,3}(,\d{3})*(\.\d+)?$|^-?\d+(\.\d+)?$")


@pytest.fixture(scope="module")
def maps(layer, tmp_path_factory):
    folder = tmp_path_factory.mktemp("word")
    files = render_maps(layer, folder / "maps", categories=MAPS, formats=("png",), extras=False, dpi=120, county=LIANZHOU)
    return folder, [Path(p).relative_to(folder) for p in files]


def _write(maps, plan, layer, name, **kw) -> Path:
    folder, files = maps
    return write_word_report(folder / name, plan=plan, findings=reconcile(plan), layer=layer, static_files=files,
                             atlas_dir=folder, **kw, county=LIANZHOU)


@pytest.fixture(scope="module")
def report(maps, plan, layer):
    return _write(maps, plan, layer, "报告.docx")


def _rows(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def test_tables_are_real_word_tables_with_right_aligned_numbers(report):
    doc = Document(report)
    structure, towns = doc.tables[:2]
    rows = _rows(structure)
    assert rows[0] == ["用地类型", "代码", "计划数", "乡镇合计", "差额（计划−乡镇合计）"]
    county = rows[-1]  # the report's table precision, as index.html shows them (landgis.figures)
    assert county[0] == "全市" and county[2] == "158.1793" and county[3] == "156.3975" and county[4] == "1.7818"
    rows = _rows(towns)
    assert rows[0][0] == "乡镇" and rows[0][-1] == "合计" and "工矿仓储用地" in rows[0]
    by_name = {r[0]: r for r in rows[1:]}
    assert len(by_name) == 12 + 2  # every township of the layer, 乡镇合计 and 全市
    assert by_name["龙坪镇"][rows[0].index("工矿仓储用地")] == "23.0119"
    assert set(by_name["丰阳镇"][1:]) == {"—"}  # no supply: shown, not dropped
    assert by_name["全市（计划数）"][-1] == "158.1793"  # 全市 is the plan's stated figure
    assert by_name["乡镇合计"][-1] == "156.3975"
    for table in (structure, towns):
        for row in table.rows[1:]:
            for cell in row.cells[2 if table is structure else 1:]:
                assert NUMBER.match(cell.text) or cell.text == "—", cell.text
                assert cell.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
                assert cell._tc.tcPr.find(qn("w:noWrap")) is not None  # a number never breaks inside its cell
        xml = table._tbl.xml
        assert "w:instrText" not in xml and "w:fldSimple" not in xml  # text, not formulas or fields
        assert not any(c.text.startswith("=") for row in table.rows for c in row.cells)


def test_one_picture_per_map_with_numbered_captions(report):
    doc = Document(report)
    assert len(doc.inline_shapes) == len(MAPS)
    captions = [p for p in doc.paragraphs if p.style.name == "Caption" and p._p.find(qn("w:fldSimple")) is not None]
    texts = ["".join(t.text for t in p._p.iter(qn("w:t"))) for p in captions]  # with the field's number
    assert [t.split()[0] for t in texts] == ["图1", "图2"]
    assert texts[0].endswith("工矿仓储用地") and texts[1].endswith("供应总量")
    assert all("SEQ 图" in p._p.find(qn("w:fldSimple")).get(qn("w:instr")) for p in captions)


def test_key_figures_and_findings_are_sentences(report):
    doc = Document(report)
    text = "\n".join(p.text for p in doc.paragraphs)
    # the sentences at the precision of index.html's headline cards, from the one model (landgis.figures)
    assert "供应总量158.18公顷" in text and "其中落实到乡镇156.40公顷，另有1.78公顷未落实到乡镇" in text
    assert "丰阳镇无供应" in text
    assert "乡镇界线为示意" in text and "资料来源" in text
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings[:4] == ["一、主要指标", "二、计划数据核对", "三、供应安排", "四、专题图"]
    assert "乡镇界线为示意" in doc.sections[0].footer.paragraphs[0].text


def test_builtin_styles_carry_an_east_asian_font(report):
    doc = Document(report)
    for name in ("Normal", "Heading 1", "Caption"):
        fonts = doc.styles[name].element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) in ("宋体", "黑体"), name
    used = {p.style.name for p in doc.paragraphs}
    assert {"Title", "Heading 1", "Normal", "Caption"} <= used


def test_english_in_mu(maps, plan, layer):
    doc = Document(_write(maps, plan, layer, "report-en.docx", unit="mu", lang="en"))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "1. Key figures" in text and "2,372.7 mu" in text  # 158.1793169 ha × 15, as the HTML shows it
    assert _rows(doc.tables[0])[-1][:3] == ["County", "", "2,372.69"]
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption" and p._p.find(qn("w:fldSimple")) is not None]
    assert captions[0].startswith("Figure") and captions[0].endswith("Industrial, mining and storage")


def test_maps_fill_a_landscape_page_so_labels_print_at_7pt(report):
    from docx.enum.section import WD_ORIENT

    doc = Document(report)
    orient = [s.orientation for s in doc.sections]
    assert orient[0] == WD_ORIENT.PORTRAIT and WD_ORIENT.LANDSCAPE in orient and orient[-1] == WD_ORIENT.PORTRAIT
    landscape = next(s for s in doc.sections if s.orientation == WD_ORIENT.LANDSCAPE)
    usable_w = landscape.page_width - landscape.left_margin - landscape.right_margin
    usable_h = landscape.page_height - landscape.top_margin - landscape.bottom_margin
    for shape in doc.inline_shapes:
        assert shape.width <= usable_w and shape.height < usable_h  # with its caption, one page per map
        assert 8 * shape.width / Cm(29.7) >= 7.0  # the A4 sheet's 8 pt township labels


def test_same_inputs_give_the_same_bytes(maps, plan, layer, report):
    again = _write(maps, plan, layer, "again.docx")
    assert again.read_bytes() == report.read_bytes()


@pytest.mark.slow  # LibreOffice
def test_libreoffice_shows_the_chinese_text(report, tmp_path):
    soffice = shutil.which("soffice") or "/usr/bin/soffice"
    env = dict(os.environ, HOME=str(tmp_path))  # a fresh LibreOffice profile
    proc = subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(report)],
                          env=env, capture_output=True, text=True, timeout=300)
    pdf = tmp_path / (report.stem + ".pdf")
    assert proc.returncode == 0 and pdf.exists(), proc.stderr
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    text = unicodedata.normalize("NFKC", re.sub(r"\s+", "", text))
    for phrase in ("主要指标", "计划数据核对", "丰阳镇", "158.1793", "乡镇界线为示意", "图1", "工矿仓储用地"):
        assert phrase in text, phrase
    # every number of the tables prints whole on one line (no cell breaks a number: 27.56582/1)
    layout = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                            text=True, check=True).stdout
    tokens = set(unicodedata.normalize("NFKC", layout).split())
    numbers = {c.text for t in Document(report).tables[:2] for row in t.rows for c in row.cells if NUMBER.match(c.text)}
    assert numbers and numbers <= tokens, sorted(numbers - tokens)[:5]
    # each map prints on one landscape page with its caption (the caption had gone to a page of its own)
    listed = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    with_maps = [int(line.split()[0]) for line in listed.splitlines()[2:]]  # the pages that draw a picture
    assert len(with_maps) == len(MAPS)
    for number, page in enumerate(with_maps, start=1):
        on_page = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-enc", "UTF-8", str(pdf), "-"],
                                 capture_output=True, text=True, check=True).stdout
        assert re.search(rf"图\s*{number}\s", on_page), (number, on_page[:80])
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(ARTIFACTS / "word-page1")], check=True)


def test_findings_follow_the_unit_with_one_set_of_severity_words(maps, plan, layer):
    doc = Document(_write(maps, plan, layer, "report-mu.docx", unit="mu"))
    text = "\n".join(p.text for p in doc.paragraphs)
    # 1.7817929 ha not placed, in 亩 by the display rule, the figure as printed beside it
    assert "比供应总量2,372.7亩（158.1793169公顷）少26.7亩（1.7817929公顷），未落实到乡镇" in text
    doc = Document(_write(maps, plan, layer, "report-en-m2.docx", unit="m2", lang="en"))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "The townships add up to 1,563,975 m² (156.397524 ha), 17,818 m² (1.7817929 ha) less" in text


def test_names_the_plan_and_its_sources_in_chinese(report):
    """The subtitle names the plan (not its file) and the sources are Chinese lines, as on the maps."""
    doc = Document(str(report))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "《连州市2026年度土地供应计划》" in doc.paragraphs[1].text  # the title line of the seed
    assert ".txt" not in text
    assert "synthesised" not in text and "CC BY 4.0 (" not in text
    assert "界线数据：" in text and "知识共享署名 4.0" in text
