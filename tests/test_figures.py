"""The one figures model (landgis.figures), and every output of an atlas saying the same figures.

The consistency test builds real atlases and reads each output the way its reader does: the HTML's
text, the .docx through python-docx, the XLSX cells through openpyxl, the print map's PDF through
pdftotext, the GeoPackage through pyogrio, and the ``landgis plan`` output of the CLI.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
import unicodedata
from decimal import Decimal
from pathlib import Path

import openpyxl
import pyogrio
import pytest
from docx import Document

from landgis.allocation import join
from landgis.atlas import build_atlas
from landgis.county import find_county
from landgis.figures import compute_figures, layer_figures, township_figures
from landgis.plan import SEED_PLAN, parse_plan
from landgis.render.outline import OUTLINE_STEM
from landgis.render.static import file_stem

DATA = Path(__file__).parent / "data" / "plans"
HUAIJI = DATA / "huaiji_2026_town_total.txt"  # 怀城街道办53.30公顷，其中… (categories add up to 50); no layer
LIANZHOU, HUAIJI_COUNTY = find_county("441882"), find_county("怀集县")


def _plan(text: str, county=None):
    return parse_plan(text, county)


# --- the model ---------------------------------------------------------------------------------
def test_a_townships_figure_is_its_stated_total_else_its_categories():
    plan = _plan("某县2026年度国有建设用地供应计划\n供应总量12公顷。\n"
                 "城关镇供应量为7公顷，其中住宅用地5公顷；河口镇住宅用地3公顷、商服用地1公顷。")
    assert township_figures(plan) == {"城关镇": Decimal(7), "河口镇": Decimal(4)}


def test_seed_figures_and_their_words():
    plan = parse_plan(SEED_PLAN, LIANZHOU)
    from landgis.townships import load_townships

    layer = join(plan, load_townships(county=LIANZHOU))
    figs = compute_figures(plan, layer, LIANZHOU)
    assert (figs.total.stated, figs.total.townships) == (Decimal("158.1793169"), Decimal("156.397524"))
    assert figs.total.difference == Decimal("1.7817929")
    assert figs.lines() == ["全市（计划）：158.18 公顷", "乡镇合计：156.40 公顷", "未落实到乡镇：1.78 公顷"]
    assert figs.top_township() == ("连州镇", Decimal("62.376199"))
    assert float(layer["total"].sum()) == pytest.approx(float(figs.total.townships))  # the layer agrees
    en = compute_figures(plan, layer, LIANZHOU, unit="mu", lang="en")
    assert en.lines()[0] == "County (plan): 2,372.7 mu" and en.whole == "County"
    assert en.number(figs.total.stated) == pytest.approx(2372.6897535)
    assert en.number_format == "#,##0.00" and figs.number_format == "#,##0.0000"


def test_county_figures_are_the_plans_own(layer):
    figs = layer_figures(layer, LIANZHOU)
    total = figs.total
    assert (float(total.county), total.stated is not None) == (pytest.approx(158.1793169), True)
    assert float(total.townships) == pytest.approx(156.397524)
    assert float(total.difference) == pytest.approx(158.1793169 - 156.397524)
    housing = figs.columns["住宅用地"]
    assert float(housing.county) == pytest.approx(29.327316) and float(housing.townships) == pytest.approx(29.221457)
    assert float(figs.columns["工矿仓储用地"].difference) == pytest.approx(0, abs=1e-9)


def test_townships_above_the_plan_are_said_so_never_a_negative_unplaced():
    plan = _plan("某县2026年度国有建设用地供应计划\n全县供应总量10公顷。\n城关镇住宅用地6公顷。\n河口镇住宅用地5公顷。")
    county = find_county("怀集县")
    layer = join(plan, _units(plan))
    figs = compute_figures(plan, layer, county, has_layer=False)
    assert figs.gap() == ("乡镇合计超出计划", "1.00 公顷")
    assert figs.lines()[-1] == "乡镇合计超出计划：1.00 公顷" and "-" not in "".join(figs.lines())
    assert figs.whole == "全县" and figs.density() is None  # no layer, no density


def _units(plan):
    """A layer of the plan's townships without geometry, as an atlas without a township layer has."""
    import geopandas as gpd

    return gpd.GeoDataFrame({"name": list(plan.townships), "area_km2": [float("nan")] * len(plan.townships)},
                            geometry=[None] * len(plan.townships), crs=4326)


def test_a_plan_with_no_figure_by_township_says_so_never_unplaced():
    plan = _plan("某县2026年度国有建设用地供应计划\n全县供应总量10公顷，其中住宅用地6公顷、商服用地4公顷。")
    figs = compute_figures(plan, join(plan, HUAIJI_COUNTY.units()), HUAIJI_COUNTY, has_layer=False)
    assert not figs.broken_down and figs.townships == {}
    assert figs.total.townships is None and figs.total.difference is None and figs.gap() is None
    assert figs.columns["住宅用地"].townships is None and figs.columns["住宅用地"].county == Decimal(6)
    assert figs.lines() == ["全县（计划）：10.00 公顷", "计划未分列乡镇"]
    assert figs.top_township() is None


def test_a_citys_plan_by_district_says_districts():
    plan = _plan("佛山市2023年度国有建设用地供应计划\n全市供应总量10公顷。\n禅城区住宅用地6公顷。")
    city = find_county("佛山市")
    figs = compute_figures(plan, join(plan, city.units()), city, has_layer=False)
    assert figs.lines() == ["全市（计划）：10.00 公顷", "区县合计：6.00 公顷", "未落实到区县：4.00 公顷"]
    assert figs.in_units({"a": "安排供地的乡镇", "n": 3}) == {"a": "安排供地的区县", "n": 3}
    assert compute_figures(plan, join(plan, city.units()), city, lang="en", has_layer=False).lines() == [
        "City (plan): 10.00 ha", "Sum over districts: 6.00 ha", "Not placed in a district: 4.00 ha"]
    plan = _plan("怀集县2026年度国有建设用地供应计划\n全县供应总量10公顷。\n冷坑镇住宅用地6公顷。")
    county_figs = compute_figures(plan, join(plan, HUAIJI_COUNTY.units()), HUAIJI_COUNTY, has_layer=False)
    assert county_figs.in_units({"a": "乡镇合计"}) == {"a": "乡镇合计"} and county_figs.lines()[1] == "乡镇合计：6.00 公顷"


@pytest.mark.slow
def test_atlas_of_a_scope_plan_without_breakdown(tmp_path):
    """成都市各区: a plan of part of a city, with a total and structure but no figure by district."""
    out = tmp_path / "atlas"
    proc = subprocess.run([sys.executable, "-m", "landgis.cli", "atlas", str(DATA / "real" / "04_chengdu_2023.txt"),
                           "--out", str(out)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    layer_line = [line for line in (proc.stdout + proc.stderr).splitlines() if "不是一个县" in line]
    assert layer_line == ["本计划的范围是成都市各区，不是一个县：本图集仅示成都市全市界线与计划合计；"
                          "请用 --boundaries XZQ.shp 提供成都市各区的区界（片区界线）图层后重新生成"]
    page = _html_text(out / "index.html")
    assert "区县合计计划未分列" in _squash(page) and "未落实到" not in page
    assert "计划未分列区县。" in _docx_text(out / "报告.docx") and "未落实" not in _docx_text(out / "报告.docx")
    sheet = openpyxl.load_workbook(out / "tables" / "allocations.xlsx")["按乡镇".replace("乡镇", "区县")]
    header = [c.value for c in sheet[1]]
    assert header[1] == "区县" and "乡镇" not in "".join(map(str, header))
    assert all(c.value is None for row in sheet.iter_rows(min_row=2) for c in row[2:])  # no 0 the plan never said
    assert "成都市各区" in _pdf_text(out / "maps" / f"{OUTLINE_STEM[0]}.pdf")


# --- every output says the same figures --------------------------------------------------------
CASES = {
    "seed": (SEED_PLAN, LIANZHOU, "ha", "zh"),
    "seed-mu-en": (SEED_PLAN, LIANZHOU, "mu", "en"),
    "huaiji-no-layer": (HUAIJI, HUAIJI_COUNTY, "ha", "zh"),
}


@pytest.fixture(scope="module", params=list(CASES))
def built(request, tmp_path_factory):
    plan, county, unit, lang = CASES[request.param]
    out = tmp_path_factory.mktemp(request.param) / "atlas"
    atlas = build_atlas(plan, out=out, county=county, unit=unit, lang=lang)
    figs = layer_figures(atlas.layer, county, unit, lang)
    return request.param, atlas, figs


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _html_text(path: Path) -> str:
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", path.read_text("utf-8"), flags=re.S)
    return _squash(html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _docx_text(path: Path) -> str:
    doc = Document(path)
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return _squash("\n".join([*(p.text for p in doc.paragraphs), *cells]))


def _pdf_text(path: Path) -> str:
    return _squash(subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                                  check=True).stdout)


def _headline(figs) -> dict[str, str]:
    """The headline figures as every output must show them (the model's display texts)."""
    total = figs.total
    out = {"plan total": figs.text(total.county, label=False), "乡镇合计": figs.text(total.townships, label=False)}
    gap = figs.gap()
    if gap is not None:
        out[gap[0]] = gap[1].rsplit(" ", 1)[0]
    top = figs.top_township()
    out["top township"] = top[0] if figs.lang == "zh" else _name_en(top[0])
    out["top township figure"] = figs.text(top[1], "table", label=False)
    for cat in figs.categories:
        out[f"{cat} total"] = figs.text(figs.columns[cat].county, "table", label=False)
    return out


def _name_en(name: str) -> str:
    from landgis.townships import load_townships

    layer = load_townships(county=LIANZHOU)
    return str(layer.loc[layer["name"] == name, "name_en"].iloc[0])


def test_html_and_docx_state_the_models_headline_figures(built):
    name, atlas, figs = built
    page, word = _html_text(atlas.out_dir / "index.html"), _docx_text(atlas.out_dir / "报告.docx")
    for what, text in _headline(figs).items():
        assert _squash(text) in page, (name, "index.html", what, text)
        assert _squash(text) in word, (name, "报告.docx", what, text)
    raw = (atlas.out_dir / "index.html").read_text("utf-8")
    cells = [c.text.strip() for t in Document(atlas.out_dir / "报告.docx").tables for row in t.rows for c in row.cells]
    assert not re.search(r">\s*nan\s*<", raw, re.I) and "nan" not in {c.lower() for c in cells}
    if figs.area_km2 is None:  # no township layer: said so, not 用户提供的乡镇界线图层
        assert "用户提供的乡镇界线图层" not in page + word
    if figs.lang == "zh":
        assert f"{figs.whole}供应总量" in page and (figs.whole != "全市" or figs.county.name.endswith("市"))


def test_workbook_cells_are_the_models_numbers(built):
    name, atlas, figs = built
    wb = openpyxl.load_workbook(atlas.out_dir / "tables" / "allocations.xlsx")
    ws = wb.worksheets[1]  # 按用地类型 / by category
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    total_row = rows["合计" if figs.lang == "zh" else "total"]
    assert total_row[2:5] == pytest.approx((figs.number(figs.total.stated), figs.number(figs.total.townships),
                                            figs.number(figs.total.difference)))
    for cat in figs.categories:
        fig = figs.columns[cat]
        assert rows[cat][3] == pytest.approx(figs.number(fig.townships)), (name, cat)
    towns = {r[1]: r for r in wb.worksheets[0].iter_rows(min_row=2, values_only=True)}
    top, value = figs.top_township()
    total_col = [c.value for c in wb.worksheets[0][1]].index(next(
        c.value for c in wb.worksheets[0][1] if str(c.value).startswith(("合计", "total"))))
    assert towns[top][total_col] == pytest.approx(figs.number(value))
    assert ws.cell(row=2, column=3).number_format == figs.number_format  # shown at the tables' precision


def test_print_maps_say_the_same(built):
    name, atlas, figs = built
    maps = atlas.out_dir / "maps"
    if figs.area_km2 is None:
        sheet = maps / f"{OUTLINE_STEM[figs.lang != 'zh']}.pdf"
        text = _pdf_text(sheet)
        assert _squash(figs.text(figs.total.county, label=False)) in text, name
        gap = figs.gap()
        if gap is not None:  # the townships' sum and the difference under the plan's total
            assert _squash(figs.label("townships")) in text and _squash(gap[1].rsplit(" ", 1)[0]) in text
        return
    text = _pdf_text(maps / f"{file_stem(atlas.layer, 'total', figs.lang)}.pdf")
    for line in figs.lines("total"):
        assert _squash(line) in text, (name, line)


def test_geopackage_attributes_are_the_models_numbers(built):
    name, atlas, figs = built
    gpkg = atlas.out_dir / "图层.gpkg"
    if figs.area_km2 is None:
        assert not gpkg.exists()  # no township polygons: nothing to style
        return
    outline = pyogrio.read_dataframe(gpkg, layer="行政区界")
    stated, towns = outline.columns[2], outline.columns[3]
    assert outline[stated].iloc[0] == pytest.approx(figs.number(figs.total.stated)), name
    assert outline[towns].iloc[0] == pytest.approx(figs.number(figs.total.townships)), name


def test_cli_plan_table_adds_up_to_the_models_township_sum(built):
    name, atlas, figs = built
    plan_file = CASES[name][0]
    args = [sys.executable, "-m", "landgis.cli", "plan", str(plan_file), "--county", figs.county.code]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    row = next(line for line in out.splitlines() if line.startswith("乡镇合计"))
    assert Decimal(row.split()[-1]) == figs.total.townships, name
    row = next(line for line in out.splitlines() if line.startswith("计划总量"))
    assert Decimal(row.split()[-1]) == figs.total.stated, name
