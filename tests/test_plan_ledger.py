"""The ledger: every area figure of a plan once, with its line and what it became (hypothesis-generated plans)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landgis.plan.ledger import figure_context
from landgis.plan import parse_plan, reconcile
from landgis.plan.export import format_findings, format_ledger
from landgis.plan.mentions import figures_of
from landgis.plan.read import fold

CATEGORIES = ["住宅用地", "商服用地", "工矿仓储用地", "公共管理与公共服务用地", "交通运输用地", "公用设施用地"]
TOWNS = ["青山镇", "石门镇", "河口乡", "新城街道", "东湖街道", "白沙镇", "龙潭乡", "和平镇"]
UNITS = ["公顷", "亩", "平方米"]

_value = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999"), places=4)
_unit = st.sampled_from(UNITS)


@st.composite
def plans(draw) -> str:
    """A plan text: a total, a structure, townships with categories, and figures to be set aside."""
    year = draw(st.integers(2015, 2030))
    unit = draw(_unit)

    def fig() -> str:
        return f"{draw(_value)}{unit}"

    cats = draw(st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=4, unique=True))
    towns = draw(st.lists(st.sampled_from(TOWNS), min_size=1, max_size=4, unique=True))
    lines = [f"某县{year}年度国有建设用地供应计划", "一、上年度计划执行情况",
             f"{year - 1}年度全县实际供应国有建设用地{fig()}。", "二、供应总量和结构",
             f"{year}年度全县国有建设用地供应总量为{fig()}（{draw(_value)}亩）。",
             "，".join(f"{c}{fig()}" for c in cats) + "。", "三、供应布局"]
    for town in towns:
        tcats = draw(st.lists(st.sampled_from(cats), min_size=1, max_size=len(cats), unique=True))
        extra = "，比上年度增加" + fig() if draw(st.booleans()) else ""
        lines.append(f"{town}计划供应{fig()}{extra}，其中" + "，".join(f"{c}{fig()}" for c in tcats) + "。")
    if draw(st.booleans()):
        lines.append(f"第一季度计划供应{fig()}。")
    return "\n".join(lines)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(plans())
def test_every_area_figure_appears_in_the_ledger_exactly_once(text):
    plan = parse_plan(text)
    printed = Counter((k, v) for k, line in enumerate(fold(text).split("\n"), 1) for v, _ in figures_of(line))
    in_ledger = Counter(zip(plan.ledger["line"], plan.ledger["value"]))
    assert in_ledger == printed
    assert (plan.ledger["role"] == "unplaced").sum() == 0  # a plan in the usual wording is read whole
    counts = plan.figure_counts
    assert counts["read"] == sum(printed.values()) == counts["used"] + counts["set_aside"]
    # the previous year, the comparison and the bracketed 亩 are set aside, each with a reason (a quarter is 时序)
    aside = plan.ledger[plan.ledger["role"] == "set_aside"]
    assert aside["reason"].str.len().gt(0).all() and len(aside) >= 2


def test_ledger_columns_and_original_line():
    text = "某县2026年度國有建設用地供應計劃\n全縣供應總量為12公頃。\n住宅用地12公頃。"
    plan = parse_plan(text)
    assert list(plan.ledger.columns) == ["line", "text", "context", "figure", "value", "unit", "hectares", "role", "role_zh",
                                         "what", "reason", "role_en", "what_en", "reason_en"]
    first = plan.ledger.iloc[0]
    assert (first.line, first.role, first.value) == (2, "total", Decimal(12))
    assert first.text == "全縣供應總量為12公頃。"  # the line as written, in 繁體
    assert plan.structure_ha == {"住宅用地": Decimal(12)}


def test_unplaced_figure_is_a_finding_and_nothing_says_they_agree():
    text = "某县2026年度国有建设用地供应计划\n供应总量10公顷，住宅用地10公顷。\n另有一宗地约3公顷待定。"
    plan = parse_plan(text)
    findings = reconcile(plan)
    (f,) = [f for f in findings if f.kind == "unplaced"]
    assert f.line == 3 and "第3行的3公顷" in f.message and "Line 3" in f.message_en
    assert "相符" not in format_findings(plan, findings)
    assert "未归类" in format_ledger(plan)


def test_plan_that_adds_up_says_so():
    plan = parse_plan("某县2026年度国有建设用地供应计划\n供应总量10公顷，其中住宅用地6公顷，商服用地4公顷。")
    assert "核对结果：各项数字相符。" in format_findings(plan, reconcile(plan))
    assert "every figure adds up" in format_findings(plan, reconcile(plan), "en")


def test_plausibility_findings():
    plan = parse_plan("某县2026年度国有建设用地供应计划\n供应总量1000000000000公顷。\n"
                      "青山镇计划供应-5公顷。\n石门镇计划供应2000000000000公顷。")
    kinds = {f.kind for f in reconcile(plan)}
    assert {"implausible_total", "negative", "township_over_county"} <= kinds
    neg = plan.ledger[plan.ledger["value"] < 0]
    assert list(neg["role"]) == ["set_aside"] and "负数" in neg.iloc[0]["reason"]


def test_difference_below_printed_precision_is_info_with_the_reason():
    plan = parse_plan("某县2026年度国有建设用地供应计划\n供应总量10.0000001公顷，其中住宅用地6.000000公顷，商服用地4.000000公顷。")
    (f,) = [f for f in reconcile(plan) if f.kind == "structure_sum"]
    assert f.severity == "info" and f.severity_label == "提示" and "精度" in f.message
    plan = parse_plan("某县2026年度国有建设用地供应计划\n供应总量10.5公顷，其中住宅用地6公顷，商服用地4公顷。")
    (f,) = [f for f in reconcile(plan) if f.kind == "structure_sum"]
    assert f.severity == "warning" and "精度" not in f.message


def test_qing_alone_is_read_as_hectares_and_said_so():
    plan = parse_plan("某县2026年度国有建设用地供应计划\n供应总量5.2360顷，全部为住宅用地。\n住宅用地5.2360公顷。")
    assert plan.stated_total_ha == Decimal("5.2360")
    (f,) = [f for f in reconcile(plan) if f.kind == "unit_misprint"]
    assert f.line == 2 and "5.2360顷" in f.message


def test_each_figure_quotes_its_own_clause_marked():
    text = ("某县2026年度国有建设用地供应计划\n供应总量30公顷。\n"
            "城关镇供应量为20公顷，其中住宅用地12公顷、商服用地8公顷；河口镇供应量为10公顷，其中工矿仓储用地10公顷。")
    plan = parse_plan(text)
    line3 = plan.ledger[plan.ledger["line"] == 3]
    quotes = list(line3["context"])
    assert len(quotes) == len(set(quotes)) == 5  # one quote per figure, not the line's first characters
    assert quotes[0] == "城关镇供应量为【20】公顷"
    assert "商服用地【8】公顷" in quotes[2]
    # the second printing of 10 is quoted at its own place, not at the first
    assert quotes[3] == "河口镇供应量为【10】公顷" and quotes[4] == "其中工矿仓储用地【10】公顷"


def test_table_cell_is_quoted_with_its_row_name():
    assert figure_context("连州镇 | 3.5 | 2.0", Decimal("2.0")) == "连州镇 … 【2.0】"
    assert figure_context("住宅用地1,012.35公顷", Decimal("1012.35")) == "住宅用地【1,012.35】公顷"
