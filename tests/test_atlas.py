"""The one-command atlas: outputs, manifest, reproducibility, all-or-nothing, and the report in a browser."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from landgis.atlas import build_atlas
from landgis.plan import SEED_PLAN
from landgis.cli import main
from landgis.errors import LandgisError

pytestmark = pytest.mark.slow  # builds whole atlases (and opens them in Chromium)

ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture(scope="module")
def atlas(tmp_path_factory):
    out = tmp_path_factory.mktemp("atlas") / "lianzhou-2026"
    lines: list[str] = []
    result = build_atlas(out=out, progress=lines.append)
    result.progress_lines = lines
    return result


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_atlas_writes_every_output(atlas):
    names = {p.as_posix() for p in atlas.files}
    assert "index.html" in names and "manifest.json" in names and "web_map.html" in names
    assert "tables/allocations.csv" in names and "tables/allocations.xlsx" in names
    assert {"图层.gpkg", "图集.qgz", "报告.docx"} <= names  # for QGIS and Word (tests/test_qgis.py, test_word.py)
    pngs = [n for n in names if n.endswith(".png")]
    # one map per category (6 on the seed), the total, the density, small multiples, the bar chart
    assert len(pngs) >= 10, sorted(names)
    for ext in (".svg", ".pdf"):
        assert len([n for n in names if n.endswith(ext)]) == len(pngs)
    assert "maps/工矿仓储用地.png" in pngs and "maps/供应总量.png" in pngs  # Chinese names, as planners file them
    assert atlas.progress_lines[0].startswith("[1/") and len(atlas.progress_lines) == 6


def test_manifest_lists_every_output_with_its_hash(atlas):
    manifest = json.loads((atlas.out_dir / "manifest.json").read_text("utf-8"))
    listed = {o["path"]: o for o in manifest["outputs"]}
    on_disk = {p.as_posix() for p in atlas.files} - {"manifest.json"}
    assert set(listed) == on_disk
    for path, entry in listed.items():
        f = atlas.out_dir / path
        assert entry["size"] == f.stat().st_size
        assert entry["sha256"] == _sha(f)
    roles = {i["role"] for i in manifest["inputs"]}
    assert "plan (shipped)" in roles and any(r.startswith("boundaries") for r in roles)
    # the shipped seed by its name, as the shipped layer is: the manifest is the same in every install
    plan_in = next(i for i in manifest["inputs"] if i["role"] == "plan (shipped)")
    assert plan_in["path"] == SEED_PLAN.name and plan_in["sha256"] == _sha(SEED_PLAN)
    assert str(SEED_PLAN.parent) not in (atlas.out_dir / "manifest.json").read_text("utf-8")
    assert manifest["landgis_version"] and manifest["options"]["unit"] == "ha"


def test_tables_have_a_sheet_per_view(atlas):
    import openpyxl
    import pandas as pd

    wb = openpyxl.load_workbook(atlas.out_dir / "tables" / "allocations.xlsx")
    assert wb.sheetnames == ["按乡镇", "按用地类型", "核对结果"]
    towns = pd.read_csv(atlas.out_dir / "tables" / "allocations.csv", encoding="utf-8-sig")
    assert len(towns) == 12 and "丰阳镇" in set(towns["乡镇"])
    total_col = next(c for c in towns.columns if c.startswith("合计"))
    assert towns[total_col].sum() == pytest.approx(156.397524, abs=1e-6)
    findings = pd.read_excel(atlas.out_dir / "tables" / "allocations.xlsx", sheet_name="核对结果")
    assert "丰阳镇" in set(findings["乡镇"].dropna())


def test_report_states_the_findings_as_sentences(atlas):
    html = (atlas.out_dir / "index.html").read_text("utf-8")
    assert "连州市2026年度土地供应计划图集" in html
    assert "158.1793169" in html and "156.397524" in html and "1.7817929" in html
    assert "丰阳镇" in html
    assert "乡镇界线为示意" in html  # the shipped layer's footnote
    assert "@font-face" in html  # Chinese renders without system fonts
    assert "<script src=\"http" not in html and "<link href=\"http" not in html


def test_rerun_is_byte_identical(atlas, tmp_path):
    again = build_atlas(out=tmp_path / "again")
    first = json.loads((atlas.out_dir / "manifest.json").read_text("utf-8"))
    second = json.loads((again.out_dir / "manifest.json").read_text("utf-8"))
    differ = sorted(a["path"] for a, b in zip(first["outputs"], second["outputs"]) if a["sha256"] != b["sha256"])
    assert [a["path"] for a in first["outputs"]] == [b["path"] for b in second["outputs"]]
    assert differ == []


def test_failure_part_way_leaves_previous_atlas(atlas, tmp_path):
    out = tmp_path / "kept"
    shutil.copytree(atlas.out_dir, out)
    before = {p: _sha(p) for p in out.rglob("*") if p.is_file()}
    bad = tmp_path / "parcels.csv"
    bad.write_text("这不是地块表\n没有坐标\n", encoding="utf-8")
    with pytest.raises(LandgisError):
        build_atlas(out=out, parcels=bad, formats=("png",))
    after = {p: _sha(p) for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_atlas_with_parcels_adds_the_qa(tmp_path):
    parcels = tmp_path / "地块.csv"
    parcels.write_text(
        "地块编号,所属乡镇,用地类型,面积（公顷）,经度,纬度\n"
        "LZ-001,龙坪镇,工矿仓储用地,5.2,112.4777,24.82078\n"
        "LZ-002,连州,商服用地,1.0,112.38667,24.91722\n"      # booked under 连州镇, lies in 保安镇
        "LZ-003,九陂镇,商服用地,0.8,24.66944,112.36611\n"    # latitude and longitude swapped
        "LZ-004,星子镇,公用设施用地,1.2,,\n",                 # no coordinates: kept, reported
        encoding="utf-8")
    result = build_atlas(out=tmp_path / "with-qa", parcels=parcels, formats=("png",))
    names = {p.as_posix() for p in result.files}
    assert {"qa/findings.csv", "qa/findings.xlsx", "qa/quota.csv", "qa/parcels.gpkg", "qa/qa_map.html"} <= names
    assert len(result.qa.parcels) == 4
    html = (result.out_dir / "index.html").read_text("utf-8")
    for label in ("地块核查", "所在乡镇与申报不符", "经纬度颠倒", "缺少几何"):
        assert label in html
    # The parcels with errors are listed one by one (id, township, finding), not only counted.
    errors = result.qa.findings[(result.qa.findings["severity"] == "error") & result.qa.findings["parcel_id"].notna()]
    assert len(errors)
    listed = html[html.index('id="qa-errors"'):]
    listed = listed[:listed.index("</table>")]
    for r in errors.itertuples():
        assert f">{r.parcel_id}<" in listed and r.message in listed
    assert "有错误的地块" in html and ">错误<" in html
    manifest = json.loads((result.out_dir / "manifest.json").read_text("utf-8"))
    assert any(i["role"] == "parcels" and i["sha256"] == _sha(parcels) for i in manifest["inputs"])
    # one web-font subset for the run: the QA map, the web map and the report embed the same font
    fonts = {re.search(r"font/woff;base64,([A-Za-z0-9+/=]+)", (result.out_dir / name).read_text("utf-8")).group(1)
             for name in ("qa/qa_map.html", "web_map.html", "index.html")}
    assert len(fonts) == 1


def test_cli_atlas_english_in_mu(tmp_path, capsys):
    out = tmp_path / "en"
    parcels = tmp_path / "地块.csv"
    parcels.write_text("地块编号,所属乡镇,用地类型,面积（公顷）,经度,纬度\n"
                       "LZ-002,连州,商服用地,1.0,112.38667,24.91722\n", encoding="utf-8")  # lies in 保安镇
    assert main(["atlas", "--out", str(out), "--lang", "en", "--unit", "mu", "--format", "png",
                 "--parcels", str(parcels)]) == 0
    qa_map = (out / "qa" / "qa_map.html").read_text("utf-8")  # the QA map in the run's language too
    assert '"Worst finding"' in qa_map and "declared in" in qa_map
    printed = capsys.readouterr().out
    assert "[1/7]" in printed and str((out / "index.html").resolve()) in printed  # 7 steps: the parcels too
    html = (out / "index.html").read_text("utf-8")
    assert "Land supply plan atlas" in html and "mu" in html
    # 158.1793169 ha × 15 = 2372.6897535 亩: tables to 0.01 亩, cards to 0.1 亩 (units.PRECISION)
    assert "2,372.69" in html and "2,372.7<" in html and "2372.6897535" not in html
    # the findings in the user's unit too, by the same display rule, the printed figure beside it
    assert "26.7 mu (1.7817929 ha) less than the stated total 2,372.7 mu (158.1793169 ha)" in html
    assert "0.0000015 mu (0.0000001 ha) more than the stated total" in html  # never rounded away to 0
    assert f"wrote {len(list(p for p in out.rglob('*') if p.is_file()))} files to {out}" in printed


def test_cli_atlas_in_square_metres_speaks_chinese(tmp_path, capsys):
    import pandas as pd

    out = tmp_path / "m2"
    assert main(["atlas", "--out", str(out), "--unit", "m2", "--format", "png"]) == 0  # m2 reaches QGIS too
    printed = capsys.readouterr().out
    assert f"报告：{(out / 'index.html').resolve()}" in printed and "已写出" in printed
    assert "wrote" not in printed and "report:" not in printed
    findings = pd.read_excel(out / "tables" / "allocations.xlsx", sheet_name="核对结果")
    assert set(findings["级别"]) == {"警告", "提示"}
    assert "比供应总量1,581,793平方米（158.1793169公顷）少17,818平方米（1.7817929公顷）" in findings["说明"].iloc[0]
    html = (out / "index.html").read_text("utf-8")
    assert "少17,818平方米（1.7817929公顷），未落实到乡镇" in html and ">注意<" not in html


def test_cli_atlas_bad_plan_is_one_line(tmp_path, capsys):
    bad = tmp_path / "plan.txt"
    bad.write_text("会议纪要：今天天气很好。", encoding="utf-8")
    assert main(["atlas", str(bad), "--out", str(tmp_path / "x")]) != 0
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "plan.txt" in err
    assert not (tmp_path / "x").exists()


def test_report_in_a_real_browser(atlas, browser):
    report = browser.open_offline(atlas.out_dir / "index.html")
    page = report.page
    assert report.console_errors == [] and report.page_errors == []
    assert report.blocked_requests == []
    # the embedded interactive map draws every township
    page.wait_for_selector(".leaflet-interactive")
    assert page.locator("#webmap path.leaflet-interactive").count() >= 12
    # every image loaded
    broken = page.evaluate("[...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).length")
    assert broken == 0 and page.evaluate("document.images.length") >= 10
    assert page.evaluate("document.fonts.check('16px landgis-cjk', '连州')")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "atlas_report.png"), full_page=False)
    pdf = page.pdf(format="A4", print_background=True)
    (ARTIFACTS / "atlas_report.pdf").write_bytes(pdf)
    from pypdf import PdfReader
    import io

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 3
    box = reader.pages[0].mediabox
    # A4 is 595.28 × 841.89 pt; Chromium rounds the media box up to whole points
    assert abs(float(box.width) - 595.28) < 1.5 and abs(float(box.height) - 841.89) < 1.5


def test_report_tables_state_the_plans_figures(atlas):
    html = (atlas.out_dir / "index.html").read_text("utf-8")
    table = html[html.index('<section id="table">'):]
    table = table[:table.index("</table>")]
    # 全市 is the plan's 158.1793169 ha; the townships' 156.397524 and the signed difference stand beside it.
    rows = {r.split("</td>")[0].split(">")[-1]: r for r in table.split("<tr")[1:]}
    assert ">158.1793<" in rows["全市（计划）"] and ">29.3273<" in rows["全市（计划）"]  # total, 住宅用地
    assert ">156.3975<" in rows["乡镇合计"] and ">29.2215<" in rows["乡镇合计"]
    assert ">1.7818<" in rows["差额（计划−乡镇合计）"]  # signed: a township sum above the plan is negative
    assert "表2" in table and "依据《连州市2026年度土地供应计划》" in html
    assert "lianzhou_2026_land_supply_plan.txt" not in html  # the plan by its name, not its file
    assert "知识共享署名 4.0" in html and "synthesised" not in html  # 数据来源 in Chinese
    assert ">警告<" in html and ">注意<" not in html  # the severity words of the CLI and the workbooks


def test_report_on_a_phone_and_in_print(atlas, browser):
    report = browser.open_offline(atlas.out_dir / "index.html", viewport=(420, 860))
    page = report.page
    report.assert_offline_clean()
    # Nothing makes the page wider than the phone: wide tables scroll inside their own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 420
    wraps = page.locator(".table-wrap")
    assert wraps.count() >= 2
    for i in range(wraps.count()):
        assert wraps.nth(i).evaluate("e => e.getBoundingClientRect().right") <= 420
    assert page.locator("#table .table-wrap").evaluate("e => e.scrollWidth > e.clientWidth")  # it scrolls
    # Township names stay on one line, never one character a line.
    heights = page.eval_on_selector_all(
        "#table td.text", "els => els.map(e => [e.textContent, e.getBoundingClientRect().height,"
                          " parseFloat(getComputedStyle(e).lineHeight) + parseFloat(getComputedStyle(e).paddingTop)"
                          " + parseFloat(getComputedStyle(e).paddingBottom) + 2])")
    assert len(heights) >= 12
    assert [name for name, h, one_line in heights if h > one_line] == []
    report.screenshot("atlas_report_phone")
    # Print: every map on its own landscape A4 page at full width; 图/表 numbers; no screen-only links.
    from pypdf import PdfReader
    import io

    page.emulate_media(media="print")
    assert page.locator("figure.sheet .screen-only").first.evaluate("e => getComputedStyle(e).display") == "none"
    # at full size: the landscape page's printable width (281 mm = 1062 CSS px), not the text column's
    assert page.locator("figure.sheet img").first.evaluate("e => e.getBoundingClientRect().width") > 1000
    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True, print_background=True)))
    (ARTIFACTS / "atlas_report_print.pdf").write_bytes(page.pdf(prefer_css_page_size=True, print_background=True))
    landscape = [p for p in pdf.pages if float(p.mediabox.width) > float(p.mediabox.height)]
    n_figures = page.locator("figure.sheet").count()
    assert n_figures >= 10 and len(landscape) >= n_figures
    for p in landscape:
        assert abs(float(p.mediabox.width) - 841.89) < 1.5 and abs(float(p.mediabox.height) - 595.28) < 1.5
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "图1" in text and "表1" in text and "表2" in text
    assert "SVG" not in text  # the PNG · SVG · PDF links are for the screen
