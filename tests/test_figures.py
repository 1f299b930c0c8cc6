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
from landgis.catalog import text
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


def test_a_maps_classes_are_made_once_in_the_runs_unit(layer):
    from landgis.render.classes import classify, run_classes

    figs = layer_figures(layer, LIANZHOU, unit="mu")
    total = run_classes(figs, layer, "total")
    assert run_classes(figs, layer, "total") is total  # every map of the run gets the same classes
    assert run_classes(figs, layer, "total", scheme="quantiles", k=3) is not total
    fresh = classify(layer, "total", unit="mu")
    assert (total.bins, total.labels, total.unit) == (fresh.bins, fresh.labels, "mu")
    assert total.assignment.to_dict() == fresh.assignment.to_dict()


#: The only modules that may call the classifier: its own, and the model's cache of a run's classes.
CLASSIFIER = {"classify", "classify_pooled", "mapclassify", "jenkspy"}


def test_no_writer_imports_the_classifier():
    """Writers take the model's classes (run_classes, Figures.map_classes); none computes a class itself."""
    import ast

    root = Path(__file__).parent.parent / "landgis"
    offenders = []
    for path in sorted(root.rglob("*.py")):
        if path == root / "render" / "classes.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom):
                names = [*(node.module or "").split("."), *(a.name for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [part for a in node.names for part in a.name.split(".")]
            elif isinstance(node, ast.Attribute) and ast.unparse(node.value).split(".")[-1] in ("classes",
                                                                                                "mapclassify"):
                names = [node.attr]  # landgis.render.classes.classify(...) without an import of the name
            if CLASSIFIER & set(names):
                offenders.append(f"{path.relative_to(root.parent)}:{node.lineno}")
    assert offenders == []


def test_print_maps_and_qgis_styles_draw_the_models_classes(layer):
    from landgis.render.classes import run_classes, run_pooled_classes
    from landgis.render.gpkg_styles import styled_layers
    from landgis.render.static import choropleth, small_multiples

    figs = layer_figures(layer, LIANZHOU, unit="mu")
    fig = choropleth(layer, "工矿仓储用地", unit="mu", county=LIANZHOU, figures=figs)
    assert fig.landgis_classification is run_classes(figs, layer, "工矿仓储用地")
    styled = styled_layers(layer, unit="mu", county=LIANZHOU, figures=figs)
    for spec in styled.specs:
        assert spec.classification is run_classes(figs, layer, spec.column)
    cats = list(layer.attrs["categories"])
    sheet = small_multiples(layer, cats, unit="mu", county=LIANZHOU, figures=figs)
    assert sheet.landgis_classification is run_pooled_classes(figs, layer, cats)[0]


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
    assert figs.unit_level == "district" and text("report.towns", "zh", unit_level=figs.unit_level) == "安排供地的区县"
    assert compute_figures(plan, join(plan, city.units()), city, lang="en", has_layer=False).lines() == [
        "City (plan): 10.00 ha", "Sum over districts: 6.00 ha", "Not placed in a district: 4.00 ha"]
    plan = _plan("怀集县2026年度国有建设用地供应计划\n全县供应总量10公顷。\n冷坑镇住宅用地6公顷。")
    county_figs = compute_figures(plan, join(plan, HUAIJI_COUNTY.units()), HUAIJI_COUNTY, has_layer=False)
    assert county_figs.unit_level == "township" and county_figs.lines()[1] == "乡镇合计：6.00 公顷"
    assert text("report.placed", "zh", unit_level=county_figs.unit_level) == "乡镇合计"


@pytest.mark.parametrize("plan_file, county, units, other", [
    (DATA / "foshan_2026_districts.txt", "佛山市", "区县", "乡镇"),  # a city's plan by district
    (None, "441882", "乡镇", "区县"),  # the seed, a county's plan by township
])
def test_report_word_and_tables_name_the_plans_units_from_the_catalogue(plan_file, county, units, other, tmp_path):
    from landgis.atlas import allocation_tables
    from landgis.render.report import render_report
    from landgis.render.word_report import write_word_report

    the_county = find_county(county)
    plan = parse_plan(plan_file.read_text("utf-8") if plan_file else SEED_PLAN, the_county)
    layer = join(plan, the_county.units())
    figs = compute_figures(plan, layer, the_county, has_layer=False)
    common = dict(plan=plan, findings=[], layer=layer, static_files=[], atlas_dir=tmp_path, county=the_county,
                  figures=figs)
    (tmp_path / "index.html").write_text(render_report(map_fragment="", **common), "utf-8")
    page = _html_text(tmp_path / "index.html")
    document = _docx_text(write_word_report(tmp_path / "报告.docx", **common))
    for said in (page, document):
        assert f"{units}合计" in said and f"分{units}供应安排" in said and other not in said
    tables = allocation_tables(plan, [], layer, county=the_county, figures=figs)
    by_units = tables[f"按{units}"]
    assert by_units.columns[1] == units and other not in "".join(map(str, by_units.columns))
    assert all(other not in "".join(map(str, frame.columns)) for frame in tables.values())
    assert f"{units}合计（公顷）" in tables["按用地类型"].columns


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


# Each case builds a whole atlas: every test of it is slow (marks on a fixture's params reach its tests).
@pytest.fixture(scope="module", params=[pytest.param(case, marks=pytest.mark.slow) for case in CASES])
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


def test_documents_name_townships_and_categories_as_the_maps_do(built):
    """index.html, 报告.docx and the print maps name a category, a township and the county alike: in English
    by their English names (the maps' Residential, Lianzhou), findings included; in Chinese as the plan."""
    name, atlas, figs = built
    page, word = _html_text(atlas.out_dir / "index.html"), _docx_text(atlas.out_dir / "报告.docx")
    sheet = _pdf_text(atlas.out_dir / "maps" / f"{file_stem(atlas.layer, 'small-multiples', figs.lang)}.pdf") \
        if figs.area_km2 is not None else ""
    english = {cat: NAMES_EN[cat] for cat in figs.categories if cat in NAMES_EN}
    assert len(english) == len(figs.categories) or figs.lang == "zh"
    for cat in figs.categories:
        shown = english[cat] if figs.lang == "en" else cat
        for where, words in (("index.html", page), ("报告.docx", word)):
            assert _squash(shown) in words, (name, where, shown)
        # the sheet wraps a long title over two lines, which pdftotext interleaves with the next panel's
        assert all(_squash(w) in sheet for w in shown.split()) or not sheet, (name, "各类用地一览.pdf", shown)
        if figs.lang == "en":  # never the Chinese name beside the maps' English one
            assert _squash(cat) not in page and _squash(cat) not in word, (name, cat)
    no_supply = [f for f in atlas.findings if f.kind == "no_supply"]
    assert no_supply or not name.startswith("seed"), name  # 丰阳镇 receives nothing in the seed plan
    for f in no_supply:
        town = f.township if figs.lang == "zh" else _name_en(f.township)
        assert _squash(town) in page and _squash(town) in word, (name, town)
    if figs.lang == "en":
        assert _squash("Land supply plan atlas: Lianzhou") in page and _squash("Lianzhou 2026") in word


#: The English names the maps give (categories.py), written out here so the test does not ask landgis.
NAMES_EN = {"公用设施用地": "Public utilities", "商服用地": "Commercial and business services", "住宅用地": "Residential",
            "工矿仓储用地": "Industrial, mining and storage", "公园与绿地": "Parks and green space",
            "交通运输用地": "Transport"}


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


# --- colours: each township's colour in the print map's PNG is its class colour -----------------
def _hex_rgb(colour: str):
    import numpy as np
    from matplotlib.colors import to_rgb

    return np.round(np.array(to_rgb(colour)) * 255).astype(int)


def _map_axes(fig, layer_p):
    """The sheet's map panel: the largest axes whose view holds the whole drawn layer (the locator is smaller)."""
    x0, y0, x1, y1 = layer_p.total_bounds
    holds = [ax for ax in fig.axes if min(ax.get_xlim()) <= x0 and max(ax.get_xlim()) >= x1
             and min(ax.get_ylim()) <= y0 and max(ax.get_ylim()) >= y1]
    return max(holds, key=lambda ax: ax.get_position().width * ax.get_position().height)


def _png_fills(png: Path, fig, layer_p, inset_px: float = 8.0) -> dict[str, tuple]:
    """Each township's modal colour in the written PNG over the pixels well inside it (borders and the
    label take only part of it), with the share of those pixels it covers.

    The PNG is the file the atlas wrote; the pixel of a point is found through the transform of the
    same sheet drawn again (the drawing is deterministic), as the file was saved (no tight bbox)."""
    import numpy as np
    import shapely
    from PIL import Image

    image = np.asarray(Image.open(png).convert("RGB")).astype(int)
    height, width = image.shape[:2]
    ax = _map_axes(fig, layer_p)
    ax.apply_aspect()
    to_fig = ax.transData + fig.transFigure.inverted()  # data → figure fraction

    def px(xy):
        f = to_fig.transform(xy)
        return np.column_stack([f[:, 0] * width, (1 - f[:, 1]) * height])

    (ax0, _), (ax1, _) = px(np.array([[ax.get_xlim()[0], 0], [ax.get_xlim()[1], 0]]))
    metres_per_px = (ax.get_xlim()[1] - ax.get_xlim()[0]) / (ax1 - ax0)
    from_px = to_fig.inverted()
    out = {}
    for name, geom in zip(layer_p["name"], layer_p.geometry):
        inner = geom.buffer(-inset_px * metres_per_px)
        if inner.is_empty:
            continue
        (cx0, cy1), (cx1, cy0) = px(np.array([[inner.bounds[0], inner.bounds[1]], [inner.bounds[2], inner.bounds[3]]]))
        cols = np.arange(max(int(cx0), 0), min(int(cx1) + 1, width))
        rows = np.arange(max(int(cy0), 0), min(int(cy1) + 1, height))
        cc, rr = np.meshgrid(cols, rows)
        frac = np.column_stack([(cc.ravel() + 0.5) / width, 1 - (rr.ravel() + 0.5) / height])
        data = from_px.transform(frac)
        inside = shapely.contains_xy(inner, data[:, 0], data[:, 1])
        pixels = image[rr.ravel()[inside], cc.ravel()[inside]]
        if len(pixels) < 30:
            continue
        colours, counts = np.unique(pixels, axis=0, return_counts=True)
        out[str(name)] = (colours[counts.argmax()], counts.max() / len(pixels))
    return out


@pytest.mark.parametrize("built", [pytest.param(c, marks=pytest.mark.slow) for c in CASES if c != "huaiji-no-layer"],
                         indirect=True)  # the atlases with a township layer
@pytest.mark.parametrize("column", ["total", "density"])
def test_print_map_png_colours_every_township_in_its_class(built, column):
    """The total and density sheets: every township's fill in the written PNG is its class colour, and a
    township without supply shows the 无供应 ground; each class holds its values."""
    import numpy as np

    from landgis.categories import NO_SUPPLY_FACE
    from landgis.render.furniture import drawing_layer, plot_crs
    from landgis.render.static import choropleth

    name, atlas, figs = built
    assert figs.area_km2 is not None
    fig = choropleth(atlas.layer, column, unit=figs.unit, lang=figs.lang, county=figs.county, figures=figs)
    cls = fig.landgis_classification
    layer_p = drawing_layer(atlas.layer, plot_crs(atlas.layer, figs.county))
    fills = _png_fills(atlas.out_dir / "maps" / f"{file_stem(atlas.layer, column, figs.lang)}.png", fig, layer_p)
    assert len(fills) >= 0.8 * len(layer_p), (name, column, sorted(set(map(str, layer_p["name"])) - set(fills)))
    bounds = [cls.lower, *cls.bins]
    for town, (pixel, share) in fills.items():
        k = int(cls.assignment[town])
        want = cls.colours[k] if k >= 0 else NO_SUPPLY_FACE
        assert share > 0.5 and np.abs(pixel - _hex_rgb(want)).max() <= 2, (name, column, town, k, pixel, want, share)
        if k >= 0:  # the class holds the township's value (each class is (lower, upper], the first closed)
            assert bounds[k] - 1e-9 <= cls.values[town] <= bounds[k + 1] + 1e-9, (town, k, cls.values[town], bounds)
        else:
            assert cls.values[town] == 0, town
    if column == "total":  # the classified values are the model's township figures
        for town, value in figs.townships.items():
            assert cls.values[town] == pytest.approx(figs.number(value)), (name, town)


# --- the example plans: their headline figures, in the cheap outputs ---------------------------
EXPECTED = __import__("json").loads((DATA / "expected.json").read_text("utf-8"))
#: Example plans with townships that a county's units take (no county of theirs ships a layer).
EXAMPLES = [f for f, e in EXPECTED.items() if not e.get("reject") and e.get("townships")
            and f not in ("ex02.txt", "ex12.txt", "ex13.txt", "ex16.txt")]
#: Plans naming areas that are not units of their county (韶关高新区, 高新区, 经开区, 淀山湖镇 not in 2023 codes):
#: without a layer holding them, the atlas stops with one line naming the file and the unknown area.
NOT_UNITS = {"ex02.txt": "韶关高新区", "ex12.txt": "高新区", "ex13.txt": "经开区", "ex16.txt": "淀山湖镇"}


def _example(file: str):
    """The example's plan, county, no-layer allocation layer (as the atlas makes it) and model."""
    from landgis.plan import reconcile

    plan = parse_plan(DATA / file)
    county = find_county(plan.county) if isinstance(plan.county, str) else plan.county
    assert county is not None and county.shipped_layer() is None, file
    layer = join(plan, county.units())
    return plan, county, layer, compute_figures(plan, layer, county, has_layer=False), reconcile(plan)


def _close(a, b, tol: float = 5e-7) -> bool:
    return abs(float(a) - float(b)) <= tol


@pytest.mark.parametrize("file", EXAMPLES)
def test_example_plans_model_is_what_expected_json_says(file):
    """The model of each example plan: plan total, each category total, each township's figure, 乡镇合计,
    the difference and the top township are those of the hand-written expected.json."""
    plan, county, layer, figs, _ = _example(file)
    want = EXPECTED[file]
    assert county.name == want["place"] or want["place"] in county.name or county.name in want["place"], file
    if want.get("stated_total_ha") is None:
        assert figs.total.stated is None, file
    else:
        assert _close(figs.total.stated, want["stated_total_ha"]), (file, figs.total.stated)
    for cat, ha in (want.get("structure_ha") or {}).items():
        assert cat in figs.columns and _close(figs.columns[cat].stated, ha), (file, cat)
    names = layer.attrs.get("township_names") or {}
    expected_towns = {names.get(t, t): v["total_ha"] for t, v in want["townships"].items()}
    got = {t: v for t, v in figs.townships.items() if v}
    assert set(got) == set(expected_towns), (file, sorted(set(got) ^ set(expected_towns)))
    for town, ha in expected_towns.items():
        assert _close(got[town], ha), (file, town, got[town], ha)
    assert _close(figs.total.townships, sum(expected_towns.values()), 1e-5), file
    if figs.total.stated is not None:
        assert _close(figs.total.difference, want["stated_total_ha"] - sum(expected_towns.values()), 1e-5), file
    top = max(expected_towns.values())
    assert figs.top_township()[0] in {t for t, v in expected_towns.items() if v == top}, file
    for cat in figs.categories:  # a category's 乡镇合计 is the sum of its township cells in expected.json
        cells = sum(v["categories"].get(cat, 0) for v in want["townships"].values())
        assert _close(figs.columns[cat].townships, cells, 1e-5), (file, cat)


@pytest.mark.parametrize("file", EXAMPLES)
def test_example_plans_tables_report_and_word_say_the_models_figures(file, tmp_path, capsys):
    """The outputs a no-layer atlas writes for the plan, by their own writers: allocations.xlsx/.csv cells,
    index.html's text (without its map) and 报告.docx, and the ``landgis plan`` table."""
    from landgis.atlas import _write_tables
    from landgis.cli import main
    from landgis.render.report import render_report
    from landgis.render.word_report import write_word_report

    plan, county, layer, figs, findings = _example(file)
    _write_tables(plan, findings, layer, tmp_path / "tables", unit="ha", lang="zh", county=county, figures=figs)
    wb = openpyxl.load_workbook(tmp_path / "tables" / "allocations.xlsx")
    rows = {r[0]: r for r in wb.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert rows["合计"][2:5] == pytest.approx((figs.number(figs.total.stated), figs.number(figs.total.townships),
                                              figs.number(figs.total.difference)), abs=1e-9), file
    for cat in figs.categories:
        assert rows[cat][2:4] == pytest.approx((figs.number(figs.columns[cat].stated),
                                                figs.number(figs.columns[cat].townships)), abs=1e-9), (file, cat)
    top, value = figs.top_township()
    sheet = wb.worksheets[0]
    head = [c.value for c in sheet[1]]
    total_col = next(i for i, h in enumerate(head) if str(h).startswith("合计"))
    towns = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert towns[top][total_col] == pytest.approx(figs.number(value)), file
    assert sum(r[total_col] or 0 for r in towns.values()) == pytest.approx(figs.number(figs.total.townships)), file
    csv = (tmp_path / "tables" / "allocations.csv").read_text("utf-8-sig").splitlines()
    csv_rows = {line.split(",")[1]: line.split(",") for line in csv[1:]}
    assert float(csv_rows[top][total_col]) == pytest.approx(figs.number(value), abs=1e-4), file

    headline = _headline(figs)
    page = render_report(plan=plan, findings=findings, layer=layer, map_fragment="", static_files=[],
                         atlas_dir=tmp_path, unit="ha", lang="zh", county=county, figures=figs)
    (tmp_path / "index.html").write_text(page, "utf-8")
    write_word_report(tmp_path / "报告.docx", plan=plan, findings=findings, layer=layer, static_files=[],
                      atlas_dir=tmp_path, unit="ha", lang="zh", county=county, figures=figs)
    page, word = _html_text(tmp_path / "index.html"), _docx_text(tmp_path / "报告.docx")
    for what, text in headline.items():
        assert _squash(text) in page, (file, "index.html", what, text)
        assert _squash(text) in word, (file, "报告.docx", what, text)
    assert f"{figs.whole}供应总量" in page and "用户提供的乡镇界线图层" not in page + word, file

    capsys.readouterr()
    assert main(["plan", str(DATA / file)]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("乡镇合计"))
    assert _close(Decimal(row.split()[-1].replace(",", "")), figs.total.townships, 5e-5), (file, row)
    if figs.total.stated is not None:
        row = next(line for line in out.splitlines() if line.startswith("计划总量"))
        assert _close(Decimal(row.split()[-1].replace(",", "")), figs.total.stated, 5e-5), (file, row)


@pytest.mark.slow  # an atlas each
@pytest.mark.parametrize("file", sorted(NOT_UNITS))
def test_example_plans_with_areas_that_are_not_units_keep_them_as_units_of_their_own(file, tmp_path):
    """Without a layer, an area the registry does not know (韶关高新区) is a unit of the atlas's tables with its
    figures, and the findings say it is no administrative unit; its figures count in 乡镇合计, never dropped."""
    args = [sys.executable, "-m", "landgis.cli", "atlas", str(DATA / file), "--out", str(tmp_path / "a"),
            "--format", "pdf"]
    run = subprocess.run(args, capture_output=True, text=True)
    assert run.returncode == 0, (file, run.stderr)
    area = NOT_UNITS[file]
    page = _squash(_html_text(tmp_path / "a" / "index.html"))
    assert f"“{area}”不是" in page
    plan = parse_plan(DATA / file)
    sheet = openpyxl.load_workbook(tmp_path / "a" / "tables" / "allocations.xlsx").worksheets[0]
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    expected = float(township_figures(plan)[area])
    assert rows[area][len(plan.categories) + 2].value == pytest.approx(expected)


# --- the QA outputs: the plan's figures they show are the model's --------------------------------
#: A 连州市 plan whose 连州镇 states a total (10) above its categories (6): 乡镇合计 is 15, its cells 11.
TOWN_TOTAL_PLAN = ("连州市2026年度国有建设用地供应计划\n全市供应总量20公顷。\n"
                   "连州镇供应量为10公顷，其中住宅用地6公顷；保安镇工矿仓储用地5公顷。\n")


def _one_parcel_per_township(towns, plan):
    """A 1 ha square parcel inside each township the plan allocates to, of its first category."""
    import geopandas as gpd
    import shapely

    from landgis.crs import equal_area_crs, layer_centre

    crs = equal_area_crs(*layer_centre(towns.to_crs(4326).geometry))
    where = towns.to_crs(crs).set_index("name").geometry
    first = plan.allocations.drop_duplicates("township")
    rows = [(f"P{i}", r.township, r.category, where[r.township].representative_point())
            for i, r in enumerate(first.itertuples())]
    return gpd.GeoDataFrame({"地块编号": [r[0] for r in rows], "所属乡镇": [r[1] for r in rows],
                             "用地类型": [r[2] for r in rows], "面积（公顷）": [1.0] * len(rows)},
                            geometry=[shapely.box(p.x - 50, p.y - 50, p.x + 50, p.y + 50) for *_, p in rows],
                            crs=crs).to_crs(4490)


@pytest.mark.parametrize("plan_text, unit", [(SEED_PLAN, "ha"), (SEED_PLAN, "mu"), (TOWN_TOTAL_PLAN, "ha")],
                         ids=["seed-ha", "seed-mu", "town-total"])
def test_qa_quota_files_show_the_models_plan_figures(towns, plan_text, unit, tmp_path):
    """quota.csv/.xlsx's 计划面积 is each plan cell at the tables' precision in the unit, as the atlas's tables
    show it; the quota findings quote the cell as the model words it; the summary's 计划安排 is 乡镇合计."""
    import pandas as pd

    from landgis.qa import format_summary, qa, write_qa

    plan = parse_plan(plan_text, LIANZHOU)
    layer = join(plan, towns)
    figs = compute_figures(plan, layer, LIANZHOU, unit=unit)
    in_ha = compute_figures(plan, layer, LIANZHOU)
    result = qa(_one_parcel_per_township(towns, plan), towns, plan, county=LIANZHOU)
    write_qa(result, tmp_path / "qa", unit=unit)
    cells = {(r.township, r.category): r.hectares_exact for r in plan.allocations.itertuples()}
    for path in ("quota.csv", "quota.xlsx"):
        table = (pd.read_csv(tmp_path / "qa" / path, dtype=str, encoding="utf-8-sig") if path.endswith("csv")
                 else pd.read_excel(tmp_path / "qa" / path, sheet_name=1, dtype=str))
        allocated = next(c for c in table.columns if c.startswith("计划面积"))
        assert allocated == f"计划面积（{figs.text(0, label=True).split(' ', 1)[1]}）", path
        shown = {(t, c): v for t, c, v in zip(table["乡镇"], table["用地类型"], table[allocated])}
        for cell, ha in cells.items():
            assert float(shown[cell]) == pytest.approx(float(figs.text(ha, "table", label=False).replace(",", "")),
                                                       abs=1e-9), (path, cell, shown[cell])
    quoted = 0
    for message, category, town in zip(result.findings["message"], result.findings["category"],
                                       result.findings["township_declared"]):
        said = re.search(r"计划 ([\d,.]+)公顷", str(message))
        if said and (town, category) in cells:
            assert said.group(1) == in_ha.text(cells[(town, category)], "table", label=False), message
            quoted += 1
    assert quoted >= 2
    assert result.summary["allocated_ha"] == pytest.approx(float(figs.total.townships)), result.summary
    assert f"计划安排 {in_ha.text(in_ha.total.townships, 'table', label=False).replace(',', '')} 公顷" in \
        format_summary(result)


@pytest.mark.slow  # builds an atlas per example plan (the outline maps in PDF only: the fewest outputs)
@pytest.mark.parametrize("file", EXAMPLES)
def test_example_plan_atlases_say_the_models_figures(file, tmp_path):
    """``landgis atlas PLAN --format pdf``: the outline sheet's PDF text, index.html and 报告.docx state the
    model's plan total, 乡镇合计 and difference; allocations.xlsx holds its numbers."""
    *_, figs, _ = _example(file)
    out = tmp_path / "atlas"
    subprocess.run([sys.executable, "-m", "landgis.cli", "atlas", str(DATA / file), "--out", str(out),
                    "--format", "pdf"], capture_output=True, text=True, check=True)
    sheet = _pdf_text(out / "maps" / f"{OUTLINE_STEM[0]}.pdf")
    page, word = _html_text(out / "index.html"), _docx_text(out / "报告.docx")
    for what, text in _headline(figs).items():
        assert _squash(text) in page and _squash(text) in word, (file, what, text)
    assert _squash(figs.text(figs.total.county, label=False)) in sheet, file
    gap = figs.gap()
    if gap is not None:
        assert _squash(figs.label("townships")) in sheet and _squash(gap[1].rsplit(" ", 1)[0]) in sheet, file
    rows = {r[0]: r for r in openpyxl.load_workbook(out / "tables" / "allocations.xlsx").worksheets[1]
            .iter_rows(min_row=2, values_only=True)}
    assert rows["合计"][2:5] == pytest.approx((figs.number(figs.total.stated), figs.number(figs.total.townships),
                                              figs.number(figs.total.difference)), abs=1e-9), file
