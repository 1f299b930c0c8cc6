r"""Issue 24: user text is data in every output: never a Jinja2 template, a QGIS expression, mathtext,
a spreadsheet formula or a terminal command; control characters are shown as escapes, never an error.

One real ``landgis atlas`` run (module fixture) takes a plan whose title line and a parcel file whose
name, ids, declared townships and categories are template and expression payloads; every output of
that run is then read back: the web map, the QA map and the report in Chromium, the Word report, the
workbooks and CSVs, the GeoPackage, the QGIS project in QGIS itself, the SVG maps, and the terminal.
A payload that runs makes a folder ``PWNED_*`` in the working directory; none may appear.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from landgis.printable import printable

pytestmark = pytest.mark.slow  # builds an atlas, opens it in Chromium and QGIS

QGIS_PYTHON = os.environ.get("LANDGIS_QGIS_PYTHON", "/usr/bin/python3")

ESC, BEL = "\x1b", "\x07"
#: The plan's title line (at most 40 characters, so that landgis takes it for the plan's name): Jinja2
#: expression, statement and comment openers, a QGIS expression, a script end, control characters
#: and a mathtext pair that matplotlib cannot parse.
TITLE = "{{7*7}}{%{#[%6*7%]</script>" + ESC + BEL + r"$\frac{$计划"
#: Parcel rows: (id, declared township, category); longitude/latitude inside 连州市.
PARCELS = [
    ("X{{lipsum.__globals__.os.mkdir(dict(PWNED_ID=1)|first)}}Y", "龙坪镇", "工矿仓储用地", "112.4777,24.82078"),
    ("=cmd|' /C calc'!A0", "{{lipsum.__globals__.os.mkdir(dict(PWNED_TOWN=1)|first)}}镇",
     "[% 6*7 %]{{lipsum.__globals__.os.mkdir(dict(PWNED_CAT=1)|first)}}", "112.38667,24.91722"),
    ("{% if %}</script><b>x" + ESC + "[2J" + BEL, "{# [% env('HOME') %]", "{%% raw" + ESC + "]0;t" + BEL,
     "112.36611,24.66944"),
]
#: The parcel file's name: a payload too (a file name is user text).
PARCEL_FILE = "地块{{lipsum.__globals__.os.mkdir(dict(PWNED_FILE=1)|first)}}.csv"


def _csv_field(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _no_control(text: str) -> bool:
    """No control character but tab, LF and CR."""
    return not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", text)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The hostile atlas, built by the real command in a fresh working directory."""
    work = tmp_path_factory.mktemp("untrusted")
    from landgis.plan import SEED_PLAN

    lines = Path(SEED_PLAN).read_text("utf-8").split("\n")
    (work / "plan.txt").write_text("\n".join([TITLE, *lines[1:]]), encoding="utf-8")
    rows = ["地块编号,所属乡镇,用地类型,面积（公顷）,经度,纬度"]
    rows += [",".join([_csv_field(pid), _csv_field(town), _csv_field(cat), "1.0", lonlat])
             for pid, town, cat, lonlat in PARCELS]
    (work / PARCEL_FILE).write_text("\n".join(rows) + "\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "landgis.cli", "atlas", "plan.txt", "--parcels", PARCEL_FILE,
                           "--out", "atlas", "--format", "png,svg"], cwd=work, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return work, proc


def _pwned(work: Path) -> list[str]:
    return [str(p) for p in work.rglob("PWNED_*")] + [str(p) for p in Path.cwd().glob("PWNED_*")]


# --- nothing runs -------------------------------------------------------------------------------
def test_no_payload_ran_and_the_run_was_clean(run):
    work, proc = run
    assert _pwned(work) == []
    assert proc.stderr == "", proc.stderr  # no font warnings, no mathtext error, no bug line
    assert _no_control(proc.stdout)


def test_web_map_shows_the_title_literally(run, browser):
    work, _ = run
    html = (work / "atlas" / "web_map.html").read_text("utf-8")
    assert ESC not in html
    report = browser(work / "atlas" / "web_map.html", wait_for="path.landgis-township")
    report.assert_offline_clean()
    foot = report.page.inner_text(".landgis-footnote")
    assert printable(TITLE) in foot, foot  # the escapes shown as text: \x1b\x07
    assert report.page.locator(".landgis-footnote b").count() == 0


def test_qa_map_shows_ids_townships_categories_and_file_name_literally(run, browser):
    work, _ = run
    report = browser(work / "atlas" / "qa" / "qa_map.html", wait_for="[data-parcel]")
    report.assert_offline_clean()
    page = report.page
    shown = page.evaluate("[...document.querySelectorAll('[data-parcel]')].map(e => e.getAttribute('data-parcel'))")
    assert sorted(set(shown)) == sorted(printable(pid) for pid, *_ in PARCELS)
    assert PARCEL_FILE in page.inner_text(".landgis-title")
    assert page.locator("b").count() == 0  # the </script><b> in an id made no element
    for pid, town, cat, _ in PARCELS[1:]:
        page.locator(f'[data-parcel={json.dumps(printable(pid))}]').first.click(force=True)
        popup = page.wait_for_selector(".landgis-popup").inner_text()
        assert printable(pid) in popup and printable(town) in popup and printable(cat) in popup, popup
        page.locator(".leaflet-popup-close-button").click()
        page.wait_for_selector(".landgis-popup", state="detached")


def test_report_shows_the_title_and_ids_literally(run, browser):
    work, _ = run
    report = browser(work / "atlas" / "index.html", wait_for=".leaflet-interactive")
    report.assert_offline_clean()
    page = report.page
    body = page.inner_text("body")
    assert printable(TITLE) in body
    errors = page.inner_text("#qa-errors")
    for pid, *_ in PARCELS[1:]:
        assert printable(pid) in errors, errors
    assert page.locator("main b").count() == 0


def test_word_report_has_the_title_with_escaped_controls(run):
    import docx

    work, _ = run
    doc = docx.Document(str(work / "atlas" / "报告.docx"))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert printable(TITLE) in text


# --- spreadsheets, CSV, GeoPackage ---------------------------------------------------------------
def test_findings_workbook_holds_text_never_formulas(run):
    import openpyxl

    work, _ = run
    wb = openpyxl.load_workbook(work / "atlas" / "qa" / "findings.xlsx")
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    values = {c.value for c in cells}
    for pid, *_ in PARCELS[1:]:  # the parcels with findings (unknown townships and categories)
        assert printable(pid) in values
    assert all(c.data_type == "s" for c in cells)
    formula = next(c for c in cells if c.value == "=cmd|' /C calc'!A0")
    assert formula.quotePrefix


def test_findings_csv_is_apostrophed_and_escaped(run):
    import csv

    work, _ = run
    text = (work / "atlas" / "qa" / "findings.csv").read_text("utf-8-sig")
    assert _no_control(text.replace("\r\n", "\n"))
    cells = {c for row in csv.reader(text.splitlines()) for c in row}
    assert "'=cmd|' /C calc'!A0" in cells and "=cmd|' /C calc'!A0" not in cells
    assert printable(PARCELS[2][0]) in cells


def test_geopackage_keeps_the_ids_exactly(run):
    work, _ = run
    with sqlite3.connect(work / "atlas" / "qa" / "parcels.gpkg") as db:
        table = db.execute("SELECT table_name FROM gpkg_contents WHERE data_type = 'features'").fetchone()[0]
        ids = {r[0] for r in db.execute(f'SELECT parcel_id FROM "{table}"')}
    assert ids == {pid for pid, *_ in PARCELS}  # the data itself, unchanged: it is no display


def test_svg_maps_carry_the_title_as_written(run):
    work, _ = run
    svg = (work / "atlas" / "maps" / "供应总量.svg").read_text("utf-8")
    assert "frac" in svg and "计划" in svg
    assert ESC not in svg


# --- the terminal -------------------------------------------------------------------------------
def _landgis(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "landgis.cli", *args], cwd=cwd, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=300)


def test_plan_title_reaches_stdout_escaped(run):
    work, _ = run
    proc = _landgis("plan", "plan.txt", cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert _no_control(proc.stdout) and printable(TITLE) in proc.stdout


def test_error_line_with_escapes_is_one_escaped_line(run):
    work, _ = run
    proc = _landgis("qa", f"nowhere{ESC}[2J{BEL}.csv", cwd=work)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and _no_control(proc.stderr)
    assert "nowhere\\x1b[2J\\x07.csv" in proc.stderr


def test_parcel_with_a_control_character_is_checked_not_a_bug(run):
    """openpyxl refused the id (IllegalCharacterError); it is written escaped (the unknown township makes a finding)."""
    work, _ = run
    csv_path = work / "ctrl.csv"
    csv_path.write_text("地块编号,所属乡镇,用地类型,面积（公顷）,经度,纬度\n"
                        f"LZ{ESC}[31m-001{BEL},没有这个镇,工矿仓储用地,1.0,112.4777,24.82078\n", encoding="utf-8")
    proc = _landgis("qa", "ctrl.csv", "--out", "ctrl", cwd=work)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert _no_control(proc.stdout)
    import openpyxl

    values = {c.value for row in openpyxl.load_workbook(work / "ctrl" / "findings.xlsx").active.iter_rows()
              for c in row}
    assert "LZ\\x1b[31m-001\\x07" in values


# --- QGIS evaluates nothing of the user's ----------------------------------------------------------
QGIS_PROBE = r"""
import json, sys
from qgis.core import (QgsApplication, QgsProject, QgsLayoutItemLabel, QgsLayoutItemLegend, QgsExpression,
                       QgsExpressionContext, QgsExpressionContextUtils)
QgsApplication.setPrefixPath("/usr", True)
app = QgsApplication([], False)
app.initQgis()
payloads = json.loads(open(sys.argv[2], encoding="utf-8").read())
out = {"projects": {}, "expressions": []}
context = QgsExpressionContext()
context.appendScope(QgsExpressionContextUtils.globalScope())
for raw, escaped in payloads:
    out["expressions"].append([QgsExpression.replaceExpressionText(raw, context),
                               QgsExpression.replaceExpressionText(escaped, context)])
for path in sys.argv[3:]:
    proj = QgsProject.instance()
    ok = proj.read(path)
    labels, legends = [], []
    for layout in proj.layoutManager().layouts():
        for item in layout.items():
            if isinstance(item, QgsLayoutItemLabel):
                labels.append(item.currentText())
            elif isinstance(item, QgsLayoutItemLegend):
                legends.append("\n".join(item.legendSettings().evaluateItemText(item.title(),
                                                                                 item.createExpressionContext())))
    out["projects"][path] = {"read": ok, "labels": labels, "legends": legends}
    proj.clear()
open(sys.argv[1], "w", encoding="utf-8").write(json.dumps(out, ensure_ascii=False))
app.exitQgis()
"""

QGIS_PAYLOADS = ["[% 6*7 %][% env('HOME') %]", "a[%1+1%]b%]c[[%", "[% '%]' %]x", "$CURRENT_DATE(yyyy)",
                 "[% 'x' || '[%' %]"]


@pytest.fixture(scope="module")
def qgis_probe(run, layer, tmp_path_factory):
    """QGIS reads the hostile atlas' project and one whose footnote holds expressions, and evaluates payloads."""
    import dataclasses

    from landgis.render.gpkg_styles import qgis_literal
    from landgis.render.qgis_project import PROJECT_NAME, write_qgis_outputs

    work, _ = run
    out = tmp_path_factory.mktemp("qgis-untrusted")
    nasty = "界线[% 6*7 %][% env('HOME') %]$CURRENT_DATE(yyyy)"
    odd = layer.copy()
    plan = dataclasses.replace(layer.attrs["plan"], text="连州市[% 6*7 %][% env('HOME') %]计划\n" +
                               layer.attrs["plan"].text.split("\n", 1)[1])
    odd.attrs = {**layer.attrs, "plan": plan, "provenance": {**layer.attrs["provenance"], "footnote": nasty}}
    write_qgis_outputs(odd, out / "footnote", county="441882")
    (out / "payloads.json").write_text(json.dumps([[p, qgis_literal(p)] for p in QGIS_PAYLOADS]), encoding="utf-8")
    (out / "probe.py").write_text(QGIS_PROBE, encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(out), XDG_RUNTIME_DIR=str(out))
    env.pop("PYTHONPATH", None)
    projects = [str(work / "atlas" / PROJECT_NAME), str(out / "footnote" / PROJECT_NAME)]
    proc = subprocess.run([QGIS_PYTHON, str(out / "probe.py"), str(out / "report.json"), str(out / "payloads.json"),
                           *projects], env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0 and (out / "report.json").exists(), proc.stderr[-3000:]
    return projects, nasty, json.loads((out / "report.json").read_text("utf-8")), str(out)


def test_qgis_would_evaluate_the_raw_payloads_but_not_the_escaped(qgis_probe):
    _, _, report, home = qgis_probe
    evaluated = [raw for raw, _ in report["expressions"]]
    assert evaluated[0] == "42" + home  # the probe is live: QGIS evaluates the raw text
    assert [escaped for _, escaped in report["expressions"]] == QGIS_PAYLOADS


def test_qgis_layouts_show_plan_titles_and_footnotes_literally(qgis_probe):
    (atlas, footnote), nasty, report, home = qgis_probe
    hostile = report["projects"][atlas]
    assert hostile["read"] and any(printable(TITLE) in text for text in hostile["labels"]), hostile["labels"][:5]
    odd = report["projects"][footnote]
    assert odd["read"]
    assert any("连州市[% 6*7 %][% env('HOME') %]计划" in text for text in odd["labels"]), odd["labels"][:5]
    assert any(nasty in text for text in odd["labels"])
    assert not any(home in text for text in odd["labels"])  # env('HOME') never ran


def test_qgis_project_xml_holds_no_control_characters(run):
    from landgis.render.qgis_project import PROJECT_NAME

    work, _ = run
    with zipfile.ZipFile(work / "atlas" / PROJECT_NAME) as zf:
        xml = zf.read(zf.namelist()[0]).decode("utf-8")
    ET.fromstring(xml)  # well-formed
    assert _no_control(xml)


# --- the pieces -----------------------------------------------------------------------------------
def test_every_landgis_jinja_environment_autoescapes():
    from landgis.render import gpkg_styles, interactive, qa_map, report
    from landgis.render.shipped import template

    assert report._ENV.autoescape is True and gpkg_styles._ENV.autoescape is True
    pages = [template(name) for name in ("page_assets.html", "fragment.html", "fragment_font.html", "iframe.html")]
    for tpl in (interactive._TownshipLayers._template, qa_map._QALayers._template, *pages):
        assert tpl.environment.autoescape is True


@pytest.mark.parametrize("payload", ["{{ 7*7 }}", "{% if %}", "{# x", "{% raw %}", "{{ lipsum }}", "</script>"])
def test_web_map_fragment_keeps_template_syntax_as_data(layer, payload):
    """The fragment renders the map's script by itself: a township name is JSON in it, never template source."""
    from landgis.render.interactive import fragment_html, web_map

    odd = layer.copy()
    name = f"{layer['name'].iloc[0]}{payload}"
    odd["name"] = [name, *layer["name"].iloc[1:]]
    html = fragment_html(web_map(odd, county="441882"))  # a TemplateSyntaxError before the fix, for {% if %} and {# x
    as_json = json.dumps(name)  # as Jinja's tojson writes it: ASCII, with <>&' as \u escapes
    for ch, code in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("'", "\\u0027")):
        as_json = as_json.replace(ch, code)
    assert as_json in html
