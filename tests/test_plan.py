"""parse_plan and reconcile: the seed exactly, the example plans, other layouts, units, errors."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landgis.errors import InputError
from landgis.plan import SEED_PLAN, Plan, PlanParseError, parse_plan, reconcile

# Plans in other layouts, with the figures a correct parse must give (expected.json).
EXAMPLES = Path(__file__).parent / "data" / "plans"
D = Decimal


def _cells(plan: Plan) -> dict[str, dict[str, Decimal]]:
    out: dict[str, dict[str, Decimal]] = {}
    for r in plan.allocations.itertuples():
        out.setdefault(r.township, {})[r.category] = r.hectares_exact
    return out


def _by_kind(findings, kind):
    return [f for f in findings if f.kind == kind]


# --- the seed -------------------------------------------------------------------------------
SEED_TOWNS = {
    "连州镇": "62.376199", "九陂镇": "13.251506", "保安镇": "18.901154", "龙坪镇": "23.011857",
    "大路边镇": "4.5158", "星子镇": "1.624511", "西岸镇": "2.044907", "西江镇": "3.429431",
    "东陂镇": "26.115587", "瑶安瑶族乡": "0.987772", "三水瑶族乡": "0.1388",
}
SEED_STRUCTURE = {
    "公用设施用地": "7.840843", "商服用地": "13.159566", "住宅用地": "29.327316",
    "工矿仓储用地": "79.238049", "公园与绿地": "21.161764", "交通运输用地": "7.451779",
}
SEED_CELLS = {
    "连州镇": {"住宅用地": "27.565821", "商服用地": "7.320903", "工矿仓储用地": "0.700006",
              "公用设施用地": "1.71784", "公园与绿地": "20.817664", "交通运输用地": "4.253965"},
    "九陂镇": {"商服用地": "2.968205", "工矿仓储用地": "8.207001", "交通运输用地": "2.0763"},
    "保安镇": {"工矿仓储用地": "18.901154"},
    "龙坪镇": {"工矿仓储用地": "23.011857"},
    "大路边镇": {"工矿仓储用地": "2.8761", "公用设施用地": "1.3492", "公园与绿地": "0.2905"},
    "星子镇": {"公用设施用地": "1.624511"},
    "西岸镇": {"住宅用地": "1.604436", "商服用地": "0.440471"},
    "西江镇": {"工矿仓储用地": "3.375831", "公园与绿地": "0.0536"},
    "东陂镇": {"住宅用地": "0.0512", "商服用地": "2.429987", "工矿仓储用地": "22.1661",
              "公用设施用地": "0.7302", "交通运输用地": "0.7381"},
    "瑶安瑶族乡": {"公用设施用地": "0.987772"},
    "三水瑶族乡": {"公用设施用地": "0.1388"},
}


@pytest.fixture(scope="module")
def seed() -> Plan:
    return parse_plan(SEED_PLAN)


def test_seed_header(seed):
    assert (seed.place, seed.year, seed.unit) == ("连州市", 2026, "公顷")
    assert seed.category_system == "GB/T 21010-2017"
    assert seed.stated_total_ha == D("158.1793169")
    assert str(seed.stated_total_ha) == "158.1793169"


def test_seed_structure_exact(seed):
    assert {k: str(v) for k, v in seed.structure_ha.items()} == SEED_STRUCTURE
    assert list(seed.structure_ha) == list(SEED_STRUCTURE)  # text order


def test_seed_townships_and_cells_exact(seed):
    assert {k: str(v) for k, v in seed.township_totals_ha.items()} == SEED_TOWNS
    assert list(seed.township_totals_ha) == list(SEED_TOWNS)
    assert {t: {c: str(v) for c, v in cats.items()} for t, cats in _cells(seed).items()} == SEED_CELLS
    row = seed.allocations.query("township == '三水瑶族乡'").iloc[0]
    assert row.hectares_exact == D("0.1388") and str(row.value) == "0.1388" and row.unit == "公顷"
    assert row.hectares == 0.1388 and row.category_code == "0809"
    codes = dict(zip(seed.allocations["category"], seed.allocations["category_code"]))
    assert codes == {"住宅用地": "07", "商服用地": "05", "工矿仓储用地": "06", "公用设施用地": "0809",
                     "公园与绿地": "0810", "交通运输用地": "10"}
    assert list(seed.allocations.columns) == ["township", "category", "category_code", "hectares",
                                              "hectares_exact", "value", "unit"]
    assert seed.unknown_categories == () and seed.no_supply == ()


def test_seed_reconcile_exact(seed):
    findings = reconcile(seed)
    county = _by_kind(findings, "county_sum")
    assert len(county) == 1
    f = county[0]
    assert (f.stated_ha, f.computed_ha, f.difference_ha) == (D("158.1793169"), D("156.397524"), D("1.7817929"))
    assert f.message == "各乡镇布局合计156.397524公顷，比供应总量158.1793169公顷少1.7817929公顷，未落实到乡镇。"
    cats = {f.category: f for f in _by_kind(findings, "category_sum")}
    assert {c: f.difference_ha for c, f in cats.items()} == {
        "住宅用地": D("0.105859"), "公用设施用地": D("1.29252"), "交通运输用地": D("0.383414")}
    assert cats["住宅用地"].computed_ha == D("29.221457")
    assert "1.29252公顷" in cats["公用设施用地"].message
    no = _by_kind(findings, "no_supply")
    assert [f.township for f in no] == ["丰阳镇"] and no[0].severity == "info"
    assert _by_kind(findings, "township_sum") == []  # every township's categories add up
    # the structure is 0.0000001 ha more than the total: reported, exactly
    (s,) = _by_kind(findings, "structure_sum")
    assert s.difference_ha == D("-0.0000001") and s.computed_ha == D("158.179317")


def test_plan_table_in_mu(seed):
    df = seed.table("mu")
    assert df.loc["三水瑶族乡", "公用设施用地"] == D("2.0820")
    assert df.loc["计划总量", "合计"] == D("158.1793169") * 15
    assert df.loc["乡镇合计", "合计"] == D("156.397524") * 15
    # the rows differ exactly where the plan does not add up (住宅, 公用设施, 交通运输)
    differ = [c for c in df.columns if df.loc["乡镇合计", c] != df.loc["计划总量", c]]
    assert differ == ["公用设施用地", "住宅用地", "交通运输用地", "合计"]


# --- the example plans ----------------------------------------------------------------------
EXPECTED = json.loads((EXAMPLES / "expected.json").read_text("utf-8"))


def _r(x) -> float:
    return round(float(x), 7)


@pytest.mark.parametrize("name", ["ex01.txt", "ex02.txt", "ex03.txt", "ex04.txt"])
def test_examples(name):
    """The first four examples, exactly (names as the registry writes them); all 24: test_plan_examples."""
    exp = EXPECTED[name]
    plan = parse_plan(EXAMPLES / name)
    assert (plan.place, plan.year) == (exp["place"], exp["year"])
    assert _r(plan.stated_total_ha) == exp["stated_total_ha"]
    assert {k: _r(v) for k, v in plan.structure_ha.items()} == exp["structure_ha"]
    assert {k: _r(v) for k, v in plan.township_totals_ha.items()} == {
        k: v["total_ha"] for k, v in exp["townships"].items()}
    assert {t: {c: _r(v) for c, v in cats.items()} for t, cats in _cells(plan).items()} == {
        k: v["categories"] for k, v in exp["townships"].items() if v["categories"]}
    assert plan.unknown_categories == ()
    findings = reconcile(plan)
    mismatches = [f for f in findings if f.kind in ("county_sum", "category_sum", "township_sum", "structure_sum")]
    assert (not mismatches) == exp["adds_up"]


def test_ex01_prior_year_and_subcategory_set_aside():
    plan = parse_plan(EXAMPLES / "ex01.txt")
    assert plan.structure_ha["住宅用地"] == D("13.7561")  # not + 保障性住房用地 2.1000
    assert "保障性住房用地" not in plan.categories
    assert _cells(plan)["杜步镇"] == {"工矿仓储用地": D("4.1270")}  # 全部为工矿仓储用地
    ignored = " ".join(plan.ignored)
    for prior in ("46.8500", "39.2617", "10.0832", "3.6523"):
        assert prior in ignored


def test_ex02_hectares_not_bracketed_mu():
    plan = parse_plan(EXAMPLES / "ex02.txt")
    assert plan.township_totals_ha["曲江区"] == D("43.2985")  # not 649.48亩/15
    assert plan.category_system == "用地用海分类"
    assert plan.allocations.query("category == '工矿用地'")["category_code"].unique().tolist() == ["10"]
    f = {x.category: x for x in reconcile(plan) if x.kind == "category_sum"}
    assert f["交通运输用地"].difference_ha == D("2.4") and f["公用设施用地"].difference_ha == D("-0.3")
    assert "超出供应结构0.3公顷" in f["公用设施用地"].message
    (county,) = [x for x in reconcile(plan) if x.kind == "county_sum"]
    assert county.difference_ha == D("2.1")


def test_ex03_table_ignores_quarters():
    plan = parse_plan(EXAMPLES / "ex03.txt")
    assert "汤塘镇" in plan.township_totals_ha and len(plan.township_totals_ha) == 6
    assert not any(str(v) == "12.5000" for v in plan.township_totals_ha.values())
    assert any("第一季度" in i for i in plan.ignored)


def test_ex04_mu_exact_and_no_supply():
    plan = parse_plan(EXAMPLES / "ex04.txt")
    assert plan.unit == "亩"
    assert plan.stated_total_value == (D("3256.80"), "亩")
    assert plan.stated_total_ha == D("217.12")
    assert plan.township_total_values["东城街道"] == (D("1012.35"), "亩")
    assert plan.no_supply == ("江谷镇", "威整镇", "罗源镇", "迳口镇", "地豆镇", "下茆镇")
    findings = reconcile(plan)
    (county,) = _by_kind(findings, "county_sum")
    assert county.difference_ha == D("2.84") and county.computed_ha == D("214.28")
    assert "3214.20亩（214.28公顷）" in county.message and "42.60亩（2.84公顷）" in county.message
    # the registry of 四会市 lists the same six townships (in code order)
    assert sorted(f.township for f in _by_kind(findings, "no_supply")) == sorted(plan.no_supply)


# --- other layouts ----------------------------------------------------------------------------
MU_TABLE = """清新区２０２５年度国有建设用地供应计划
一、上年度计划执行情况
２０２４年度全区实际供应国有建设用地９００．００亩，其中住宅用地３００．００亩。
二、供应总量
２０２５年度全区国有建设用地供应总量为１，５００．００亩。
三、供应结构和布局
表１　各镇（街道）国有建设用地供应计划表（单位：亩）
序号　镇（街道）　住宅用地　商服用地　工矿仓储用地　合计
１　太和镇　３００．００　１５０．５０　—　４５０．５０
２　太平镇　—　—　６００．００　６００．００
３　山塘镇　１２０．００　—　２００．００　３２０．００
４　石潭镇　—　—　１２９．５０　１２９．５０
合计　４２０．００　１５０．５０　９２９．５０　１，５００．００
注：“—”表示无此类用地。
"""


def test_mu_table_full_width():
    plan = parse_plan(MU_TABLE)
    assert (plan.place, plan.year, plan.unit) == ("清新区", 2025, "亩")
    assert plan.stated_total_value == (D("1500.00"), "亩") and plan.stated_total_ha == D(100)
    assert plan.structure_values["商服用地"] == (D("150.50"), "亩")
    cells = _cells(plan)
    assert cells["太和镇"] == {"住宅用地": D(20), "商服用地": D("150.50") / 15}
    row = plan.allocations.query("township == '太和镇' and category == '商服用地'").iloc[0]
    assert (row.value, row.unit) == (D("150.50"), "亩")
    assert set(cells) == {"太和镇", "太平镇", "山塘镇", "石潭镇"}
    assert plan.structure_ha["住宅用地"] == D(28)  # the 2024 figure is not taken
    assert [f.kind for f in reconcile(plan) if f.kind != "no_supply"] == []


SQM_SENTENCES = """新丰县2027年度国有建设用地供应计划
一、供应总量：全县计划供应国有建设用地共计350000平方米。
二、供应结构：包括住宅用地120000平方米、商服用地30000平方米、工矿仓储用地150000平方米、交通运输用地50000平方米。
三、供应布局：丰城街道150000平方米，包括住宅用地、商服用地分别为120000平方米、30000平方米；马头工业园区150000平方米，全部为工矿仓储用地；黄礤镇50000平方米，其中交通运输用地50000平方米。遥田镇、回龙镇本年度不安排供地。
"""


def test_square_metres_respectively_and_all_of():
    plan = parse_plan(SQM_SENTENCES)
    assert plan.unit == "平方米" and plan.stated_total_ha == D(35)
    assert _cells(plan) == {
        "丰城街道": {"住宅用地": D(12), "商服用地": D(3)},
        "马头工业园区": {"工矿仓储用地": D(15)},
        "黄礤镇": {"交通运输用地": D(5)},
    }
    assert plan.no_supply == ("遥田镇", "回龙镇")
    findings = reconcile(plan)
    # 新丰县's registry: the park is no township polygon; every township without supply is listed
    unknown = {f.township: f.message for f in findings if f.kind == "unknown_township"}
    assert set(unknown) == {"马头工业园区", "黄礤镇"}  # the registry writes 黄磜镇
    assert "是否为黄磜镇" in unknown["黄礤镇"] and "马头镇" in unknown["马头工业园区"]
    assert {"遥田镇", "回龙镇"} <= {f.township for f in findings if f.kind == "no_supply"}
    assert {f.kind for f in findings} == {"unknown_township", "no_supply"}


TRANSPOSED = """紫金县2026年度土地供应计划
（二）供应布局
单位：公顷
用地类型 龙窝镇 九和镇 临江镇 合计
住宅用地 5.1 - 1.2 6.3
工矿仓储用地 2.0 8.5 - 10.5
合计 7.1 8.5 1.2 16.8
"""


def test_transposed_table():
    plan = parse_plan(TRANSPOSED)
    assert _cells(plan) == {"龙窝镇": {"住宅用地": D("5.1"), "工矿仓储用地": D("2.0")},
                            "九和镇": {"工矿仓储用地": D("8.5")}, "临江镇": {"住宅用地": D("1.2")}}
    assert plan.township_totals_ha == {"龙窝镇": D("7.1"), "九和镇": D("8.5"), "临江镇": D("1.2")}
    assert plan.structure_ha == {"住宅用地": D("6.3"), "工矿仓储用地": D("10.5")}
    assert plan.stated_total_ha == D("16.8")


def test_category_first_sentences():
    text = ("佛冈县2025年度国有建设用地供应计划\n全县国有建设用地供应总量28公顷。"
            "住宅用地20公顷，其中石角镇15公顷、汤塘镇5公顷；商服用地8公顷，其中石角镇8公顷。")
    plan = parse_plan(text)
    assert _cells(plan) == {"石角镇": {"住宅用地": D(15), "商服用地": D(8)}, "汤塘镇": {"住宅用地": D(5)}}
    assert plan.structure_ha == {"住宅用地": D(20), "商服用地": D(8)}


def test_parcel_list_adds_up_by_township():
    text = """连州市2027年度国有建设用地供应计划
附表 拟供应地块清单
序号 地块名称 所在乡镇 用途 面积（公顷）
1 A地块 连州 住宅用地 2.5
2 B地块 连州镇 住宅用地 1.25
3 C地块 星子镇 工矿仓储用地 3
合计 6.75
"""
    plan = parse_plan(text)
    assert _cells(plan) == {"连州镇": {"住宅用地": D("3.75")}, "星子镇": {"工矿仓储用地": D(3)}}
    assert plan.stated_total_ha == D("6.75")
    no = [f.township for f in reconcile(plan) if f.kind == "no_supply"]
    assert len(no) == 10 and "丰阳镇" in no  # from the registry of 连州市


def test_guide_names_full_width_chinese_year_comparisons():
    text = """二〇二六年度乳源瑶族自治县国有建设用地供应计划
2026年度全县国有建设用地供应总量控制在２５．５公顷以内，比上年度增加3公顷。
其中：住宅用地１０．５公顷；工矿用地１５公顷。
乳城镇：计划供应10.5公顷，具体为：住宅用地10.5公顷。
必背瑶族乡：计划供应3公顷，包括：工矿用地3公顷。
乳源高新区：计划供应12公顷，工矿用地12公顷。
"""
    plan = parse_plan(text)
    assert (plan.place, plan.year) == ("乳源瑶族自治县", 2026)
    assert plan.stated_total_ha == D("25.5")
    assert plan.structure_ha == {"住宅用地": D("10.5"), "工矿用地": D(15)}  # names as the plan writes them
    assert _cells(plan)["必背镇"] == {"工矿用地": D(3)}  # 必背瑶族乡 is 必背镇 in the national registry
    assert _cells(plan)["乳源高新区"] == {"工矿用地": D(12)}
    assert any("比上年度增加3公顷" in i for i in plan.ignored)


def test_unknown_category_kept_and_reported():
    text = ("某某县2026年度土地供应计划\n供应总量10公顷。其中住宅用地6公顷，文旅融合用地4公顷。"
            "城关镇计划供应10公顷，其中：住宅用地6公顷，文旅融合用地4公顷。")
    plan = parse_plan(text)
    assert plan.unknown_categories == ("文旅融合用地",)
    row = plan.allocations.query("category == '文旅融合用地'").iloc[0]
    assert row.category_code == "" and row.hectares_exact == D(4)
    (f,) = [f for f in reconcile(plan) if f.kind == "unknown_category"]
    assert "文旅融合用地" in f.message and f.computed_ha == D(4)


def test_township_sum_and_overshoot_messages():
    text = ("阳山县2026年度土地供应计划\n供应总量10公顷。\n"
            "阳城镇计划供应6公顷，具体为：住宅用地4公顷，商服用地1.5公顷。\n"
            "七拱镇计划供应5公顷，全部为工矿仓储用地。")
    findings = reconcile(parse_plan(text))
    (t,) = _by_kind(findings, "township_sum")
    assert t.township == "阳城镇" and t.difference_ha == D("0.5")
    assert t.message == "阳城镇各类用地合计5.5公顷，比其土地供应量6公顷少0.5公顷。"
    (c,) = _by_kind(findings, "county_sum")
    assert c.difference_ha == D(-1) and c.message.endswith("多1公顷，超出供应总量。")


def test_bracketed_hectares_win_over_mu():
    plan = parse_plan("四会市2026年度土地供应计划\n供应总量控制在300亩（20.0000公顷）以内。")
    assert plan.stated_total_value == (D("20.0000"), "公顷")


# --- files: encodings, Word, PDF --------------------------------------------------------------
def test_gb18030_and_utf8_files_read_alike(tmp_path):
    text = SEED_PLAN.read_text("utf-8")
    (tmp_path / "u.txt").write_text(text, "utf-8")
    (tmp_path / "g.txt").write_bytes(text.encode("gb18030"))
    a, b = parse_plan(tmp_path / "u.txt"), parse_plan(str(tmp_path / "g.txt"))
    assert a.township_totals_ha == b.township_totals_ha and a.stated_total_ha == b.stated_total_ha
    assert _cells(a) == _cells(b) and b.source.endswith("g.txt")


def test_docx_with_word_table(tmp_path):
    import docx

    doc = docx.Document()
    doc.add_paragraph("翁源县2026年度国有建设用地供应计划")
    doc.add_paragraph("一、上年度供应情况")
    doc.add_paragraph("2025年度全县实际供应国有建设用地40公顷。")
    doc.add_paragraph("二、供应总量")
    doc.add_paragraph("2026年度全县国有建设用地供应总量为60.5公顷。")
    doc.add_paragraph("三、供应结构和布局（单位：公顷）")
    rows = [["序号", "乡镇名称", "居住用地", "工矿用地", "文旅融合用地", "合计"],
            ["1", "龙仙镇", "12.25", "20", "", "32.25"],
            ["2", "坝仔镇", "", "18.0", "3.5", "21.5"],
            ["3", "江尾镇", "6.75", "", "", "6.75"],
            ["", "合计", "19", "38", "3.5", "60.5"]]
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            table.cell(i, j).text = value
    table.cell(4, 0).merge(table.cell(4, 1)).text = "合计"  # a merged 合计 cell, as Word users make it
    doc.add_paragraph("四、保障措施：严格按计划供地。")
    path = tmp_path / "翁源.docx"
    doc.save(path)
    plan = parse_plan(path)
    assert (plan.place, plan.year, plan.category_system) == ("翁源县", 2026, "用地用海分类")
    assert plan.stated_total_ha == D("60.5")
    assert _cells(plan) == {"龙仙镇": {"居住用地": D("12.25"), "工矿用地": D(20)},
                            "坝仔镇": {"工矿用地": D("18.0"), "文旅融合用地": D("3.5")},
                            "江尾镇": {"居住用地": D("6.75")}}
    assert plan.structure_ha == {"居住用地": D(19), "工矿用地": D(38), "文旅融合用地": D("3.5")}
    assert plan.unknown_categories == ("文旅融合用地",)
    assert [f.kind for f in reconcile(plan) if f.kind != "no_supply"] == ["unknown_category"]


def _pdf(path: Path, lines: list[str]) -> Path:
    """A PDF with a real text layer: matplotlib writes the shipped CJK font as Type 42."""
    import matplotlib

    from landgis.render.fonts import cjk_font_path

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.font_manager import FontProperties

    font = FontProperties(fname=str(cjk_font_path()))
    with matplotlib.rc_context({"pdf.fonttype": 42}):
        fig = plt.figure(figsize=(8.27, 11.69))
        for i, line in enumerate(lines):
            if isinstance(line, str):
                fig.text(0.05, 0.95 - i * 0.03, line, fontproperties=font, fontsize=10)
            else:  # a table row: one text per cell, at column positions
                for j, cell in enumerate(line):
                    fig.text(0.05 + j * 0.15, 0.95 - i * 0.03, cell, fontproperties=font, fontsize=10)
        fig.savefig(path)
        plt.close(fig)
    return path


def test_pdf_with_text_layer(tmp_path):
    import pypdf

    path = _pdf(tmp_path / "plan.pdf", [
        "佛冈县2030年度国有建设用地供应计划",
        "全县国有建设用地供应总量为35.2654公顷，各镇安排见下表（单位：公顷）。",
        ["序号", "乡镇", "住宅用地", "商服用地", "工矿仓储用地", "合计"],
        ["1", "石角镇", "15.2304", "4.1186", "6.5023", "25.8513"],
        ["2", "汤塘镇", "8.6410", "-", "0.7731", "9.4141"],
        ["合计", "", "23.8714", "4.1186", "7.2754", "35.2654"],
    ])
    assert "石角镇" in pypdf.PdfReader(path).pages[0].extract_text()  # the text layer is real
    plan = parse_plan(path)
    assert plan.stated_total_ha == D("35.2654")
    assert _cells(plan)["汤塘镇"] == {"住宅用地": D("8.6410"), "工矿仓储用地": D("0.7731")}
    assert plan.structure_ha["住宅用地"] == D("23.8714")
    assert [f for f in reconcile(plan) if f.kind != "no_supply"] == []


def test_pdf_without_text_layer_is_a_clear_error(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure()
    fig.savefig(tmp_path / "scan.pdf")
    plt.close(fig)
    with pytest.raises(PlanParseError, match="no text layer"):
        parse_plan(tmp_path / "scan.pdf")


# --- errors ---------------------------------------------------------------------------------
def test_no_plan_says_where_it_looked_and_what_it_expected(tmp_path):
    path = tmp_path / "notice.txt"
    path.write_text("关于开展土地供应工作的通知\n一、总体要求\n各镇要高度重视。\n二、工作安排\n按时上报。", "utf-8")
    with pytest.raises(PlanParseError) as err:
        parse_plan(path)
    msg = str(err.value)
    assert "notice.txt" in msg and "一、总体要求" in msg and "二、工作安排" in msg
    assert "供应总量" in msg and "公顷" in msg and "镇名" in msg
    assert isinstance(err.value, InputError)


def test_prior_year_only_is_not_a_plan():
    with pytest.raises(PlanParseError, match="set aside"):
        parse_plan("2025年度全县实际供应国有建设用地39.2617公顷，其中住宅用地10公顷。")


@pytest.mark.parametrize("source", ["missing.txt", Path("/nonexistent/plan.docx"), "a\x00b.pdf"])
def test_missing_files(source):
    with pytest.raises(PlanParseError, match="no such plan file"):
        parse_plan(source)


def test_broken_docx(tmp_path):
    (tmp_path / "x.docx").write_bytes(b"not a zip")
    with pytest.raises(PlanParseError, match="not a readable Word"):
        parse_plan(tmp_path / "x.docx")


def test_undecodable_text(tmp_path):
    (tmp_path / "x.txt").write_bytes(b"\xff\xfe\x00\x81\x30\xff\xff\x80")
    with pytest.raises(PlanParseError, match="neither UTF-8 nor GB18030"):
        parse_plan(tmp_path / "x.txt")


_WORDS = ["连州镇", "星子镇", "供应总量", "控制在", "公顷", "亩", "平方米", "住宅用地", "商服用地", "其中",
          ":", "：", "，", ",", "；", "。", "\n", "\t", " ", "(", ")", "（", "）", "合计", "序号", "镇名", "-",
          "1.", "一、", "（二）", "2026年度", "2025年", "分别为", "、", "全部为", "暂无供地", "占", "%",
          "１２．５", "1,234.5", "0.1388", "计划供应", "街道", "开发区", "乡", "单位：亩", "用途", "面积",
          "所在乡镇", "其中保障性住房用地", "工业用地", "比上年增加", "第一季度", "文旅用地",
          "连州市2026年度土地供应计划", ".txt", ".pdf"]
_TEXT = st.lists(st.one_of(st.sampled_from(_WORDS), st.text(max_size=4),
                           st.from_regex(r"\d{1,4}(\.\d{1,4})?", fullmatch=True)), max_size=50).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.one_of(_TEXT, st.text(max_size=200)))
def test_arbitrary_text_raises_only_plan_parse_error(text):
    try:
        plan = parse_plan(text)
    except PlanParseError:
        return
    for f in reconcile(plan):
        assert f.message
    assert all(isinstance(v, Decimal) for v in plan.structure_ha.values())


def test_township_headers_brackets_and_late_year_title():
    text = """连州市国有建设用地供应计划（2027年度）
一、供应总量
本年度计划供应国有建设用地50公顷。
二、供应结构
住宅用地：20公顷；商服用地：10公顷；工矿仓储用地：20公顷。
三、供应布局
连州镇30公顷（住宅用地20公顷、商服用地10公顷）；
星子镇：
工矿仓储用地 15公顷
保安镇：工矿仓储用地5公顷。
"""
    plan = parse_plan(text)
    assert (plan.place, plan.year, plan.stated_total_ha) == ("连州市", 2027, D(50))
    assert plan.structure_ha == {"住宅用地": D(20), "商服用地": D(10), "工矿仓储用地": D(20)}
    assert _cells(plan) == {"连州镇": {"住宅用地": D(20), "商服用地": D(10)},
                            "星子镇": {"工矿仓储用地": D(15)}, "保安镇": {"工矿仓储用地": D(5)}}
    assert plan.township_totals_ha == {"连州镇": D(30)}  # only what is stated
    assert [f.kind for f in reconcile(plan)] == ["no_supply"] * 9


def test_structure_table_then_layout_table_with_total_column_first():
    text = """英德市2026年度国有建设用地供应计划
（一）供应总量和结构
全市计划供应国有建设用地120公顷，其中住宅用地40公顷（其中保障性住房用地5公顷），商服用地20公顷，工矿仓储用地60公顷（含工业用地55公顷）。
（二）供应布局
序号 用地类型 面积（公顷） 比例（%）
1 住宅用地 40 33.33
2 商服用地 20 16.67
3 工矿仓储用地 60 50.00
合计 120 100
镇（街道） 合计 住宅用地 商服用地 工矿仓储用地
英城街道 50.5 30.5 20 -
东华镇 69.5 9.5 - 60
合计 120 40 20 60
"""
    plan = parse_plan(text)
    assert plan.stated_total_ha == D(120)
    assert plan.structure_ha == {"住宅用地": D(40), "商服用地": D(20), "工矿仓储用地": D(60)}
    assert _cells(plan) == {"英城街道": {"住宅用地": D("30.5"), "商服用地": D(20)},
                            "东华镇": {"住宅用地": D("9.5"), "工矿仓储用地": D(60)}}
    assert plan.township_totals_ha == {"英城街道": D("50.5"), "东华镇": D("69.5")}
    assert [f for f in reconcile(plan) if f.kind != "no_supply"] == []
    assert [(s, p, n) for s, p, n, _ in plan.sub_items] == [("structure", "住宅用地", "保障性住房用地"),
                                                          ("structure", "工矿仓储用地", "工业用地")]


def test_markdown_table_units_in_cells_and_town_in_label():
    text = """# 阳春市2026年度国有建设用地供应计划

全市供应总量为30公顷。

| 序号 | 乡镇 | 住宅用地 | 商服用地 | 合计 |
|---|---|---|---|---|
| 1 | 春城街道 | 10.5公顷 | 4.5公顷 | 15公顷 |
| 2 | 合水镇 | — | 5 | 5 |
| | 合计 | 10.5 | 9.5 | 20 |

马水镇安排住宅用地6公顷、商服用地4公顷。
"""
    plan = parse_plan(text)
    assert _cells(plan) == {"春城街道": {"住宅用地": D("10.5"), "商服用地": D("4.5")},
                            "合水镇": {"商服用地": D(5)},
                            "马水镇": {"住宅用地": D(6), "商服用地": D(4)}}
    assert plan.structure_ha == {"住宅用地": D("10.5"), "商服用地": D("9.5")}
    kinds = [f.kind for f in reconcile(plan) if f.kind != "no_supply"]
    assert kinds == ["unplaced", "structure_sum", "category_sum", "category_sum"]
    conflict = plan.ledger[plan.ledger["role"] == "unplaced"]  # the table's 合计 20 against the stated 30
    assert list(conflict["value"]) == [D(20)] and "不一致" in conflict["reason"].iloc[0]


@pytest.mark.parametrize("title, place, year", [
    ("连州市2026年度土地供应计划", "连州市", 2026),
    ("2026年连州市国有建设用地供应计划", "连州市", 2026),
    ("连州市自然资源局关于2026年度国有建设用地供应计划的公告", "连州市", 2026),
    ("广东省清远市连州市2026年度国有建设用地供应计划", "连州市", 2026),
    ("关于印发清远市清城区2025年国有建设用地供应计划的通知", "清城区", 2025),
    ("二〇二六年度乳源瑶族自治县国有建设用地供应计划", "乳源瑶族自治县", 2026),
    ("韶关市国有建设用地供应计划（2025年度）", "韶关市", 2025),
])
def test_titles(title, place, year):
    plan = parse_plan(f"{title}\n供应总量10公顷。")
    assert (plan.place, plan.year) == (place, year)


def test_township_not_in_the_county_is_reported():
    plan = parse_plan("连州市2026年度土地供应计划\n供应总量3公顷。连州镇2公顷。阳城镇1公顷。")
    (f,) = [f for f in reconcile(plan) if f.kind == "unknown_township"]
    assert f.township == "阳城镇" and "不是连州市的乡镇" in f.message
    no = [f.township for f in reconcile(plan, townships=["连州镇", "星子镇"]) if f.kind == "no_supply"]
    assert no == ["星子镇"]


def test_bracketed_notes_after_names_and_respectively_for_townships():
    text = ("某县2026年度土地供应计划\n供应总量40公顷（合600亩），其中住宅用地（含保障性住房）29.3公顷，商服用地10.7公顷。"
            "石角镇（含工业园）、汤塘镇分别为30公顷、10公顷。")
    plan = parse_plan(text)
    assert plan.stated_total_ha == D(40) and any("600亩" in i for i in plan.ignored)
    assert plan.structure_ha == {"住宅用地": D("29.3"), "商服用地": D("10.7")}
    assert plan.township_totals_ha == {"石角镇": D(30), "汤塘镇": D(10)}


def test_single_category_table_groupings_and_committee_names():
    text = """连州市2026年度土地供应计划
供应总量13公顷，其中经营性用地6公顷，非经营性用地7公顷。
乡镇 住宅用地 合计
连州镇（含工业园） 6 6
星子镇 4 4
合计 10 10
韶关高新区管委会计划供应3公顷。
"""
    plan = parse_plan(text)
    assert plan.township_totals_ha == {"连州镇": D(6), "星子镇": D(4), "韶关高新区": D(3)}
    assert plan.structure_ha == {"住宅用地": D(10)} and plan.unknown_categories == ()
    assert plan.groups_ha == {"经营性用地": D(6), "非经营性用地": D(7)}  # groupings, not categories
    kinds = [f.kind for f in reconcile(plan)]
    assert "unknown_township" in kinds and "structure_sum" in kinds


def test_brackets_after_a_township_hold_its_breakdown():
    plan = parse_plan("某县2026年度土地供应计划\n供应总量10公顷，其中工矿仓储用地10公顷（其中工业用地6公顷、仓储用地4公顷）。"
                      "连州镇10公顷（其中住宅用地6公顷、商服用地4公顷）。")
    assert plan.structure_ha == {"工矿仓储用地": D(10)}
    assert _cells(plan) == {"连州镇": {"住宅用地": D(6), "商服用地": D(4)}}


# --- the part of a city a plan covers ----------------------------------------------------------
@pytest.mark.parametrize("text, scope", [
    ("成都市各区2023年度国有建设用地供应计划\n供应总量3650公顷。", "各区"),
    ("无锡市区2021年度国有建设用地供应计划\n供应总量2427公顷。", "市区"),
    ("绵阳市中心城区2022年度国有建设用地供应计划\n供应总量100公顷。", "中心城区"),
    ("某市市本级2022年度国有建设用地供应计划\n供应总量100公顷。", "市本级"),
    ("我市公布城区年度国有建设用地供应计划\n城区年度国有建设用地供应总量控制31.4公顷。", "城区"),  # read from its text
    ("北京市西城区2022年度国有建设用地供应计划\n供应总量10公顷。", None),  # a district, not a part of a city
    ("佛山市2023年度国有建设用地供应计划\n供应总量1700公顷。", None),
    ("连州市2026年度国有建设用地供应计划\n供应总量10公顷。", None),
])
def test_scope_is_the_part_of_a_city_the_plan_covers(text, scope):
    assert parse_plan(text).scope == scope
