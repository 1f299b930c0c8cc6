"""Figures whose digits the text lost (``为.74公顷``, ``为.公顷``, ``控制在.32公顷``) are accounted for, never invented.

The rule: a unit after 为/在/约/共/计/达 with ``.`` or nothing before it, or a bare decimal part before a unit, is
a figure whose digits are lost. It enters the ledger as 数字残缺 with its clause; the area or category it was of
gets no total made from a sum, no 无供应 and no 结构未列 finding, and one 警告 says the figure was not placed.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from landgis.names import abbreviates
from landgis.plan import parse_plan, reconcile
from landgis.plan.export import plan_to_dict, plan_to_json, write_plan_table
from landgis.plan.mentions import damaged_figures

LOST = [".74", ".", ""]  # what is left of a figure: its decimals, a bare point, nothing


@pytest.mark.parametrize("lost", LOST)
def test_a_lost_township_total_is_in_the_ledger_and_no_sum_stands_in_for_it(lost):
    text = ("某县2026年度国有建设用地供应计划\n供应总量为30公顷。\n"
            f"青山镇供应计划为{lost}公顷,其中住宅用地12公顷。\n石门镇供应计划为18公顷,其中住宅用地18公顷。")
    plan = parse_plan(text)
    rows = plan.ledger[plan.ledger["role"] == "damaged"]
    assert len(rows) == 1
    row = rows.iloc[0]
    assert row["value"] is None and row["hectares"] is None and row["role_zh"] == "数字残缺"
    assert row["figure"] == f"{lost}公顷" and row["line"] == 3 and row["what"] == "青山镇"
    assert row["context"].endswith(f"【{lost}公顷】") and "青山镇" in row["context"]
    data = plan_to_dict(plan, reconcile(plan))
    assert "青山镇" not in data["township_totals_ha"]  # the text states one, lost: no sum in its place
    assert data["township_sums_ha"]["青山镇"] == Decimal(12)  # the sum is still given, as a sum
    assert data["township_totals_ha"]["石门镇"] == Decimal(18)
    assert plan.figure_counts == {"read": 5, "used": 4, "set_aside": 1, "unplaced": 0}
    damaged = [f for f in reconcile(plan) if f.kind == "damaged"]
    assert len(damaged) == 1 and damaged[0].township == "青山镇" and damaged[0].severity == "warning"
    assert "第3行" in damaged[0].message and "青山镇" in damaged[0].message
    assert "Line 3" in damaged[0].message_en


def test_a_township_sum_is_still_its_total_where_no_figure_was_lost():
    plan = parse_plan("某县2026年度国有建设用地供应计划\n青山镇住宅用地12公顷,商服用地3公顷。")
    assert plan_to_dict(plan)["township_totals_ha"] == {"青山镇": Decimal(15)}
    assert plan.damaged == ()


def test_a_township_whose_figure_is_lost_is_never_called_no_supply():
    text = ("怀集县2026年度国有建设用地供应计划\n供应总量为40公顷。\n"
            "坳仔镇供应计划为20公顷。汶朗镇为.公顷。凤岗镇供应计划为20公顷。")
    findings = reconcile(parse_plan(text))
    no_supply = {f.township for f in findings if f.kind == "no_supply"}
    assert "汶朗镇" not in no_supply and "甘洒镇" in no_supply  # 甘洒镇 is given nothing at all
    assert [f.township for f in findings if f.kind == "damaged"] == ["汶朗镇"]


def test_a_lost_structure_figure_gets_no_unlisted_category_finding_and_the_total_no_no_total_note():
    text = ("某县2026年度国有建设用地供应计划\n供应总量控制在.32公顷左右。其中,商服用地8公顷,住宅用地.95公顷。\n"
            "青山镇住宅用地5公顷,商服用地8公顷。")
    plan = parse_plan(text)
    assert plan.stated_total_ha is None and "住宅用地" not in plan.structure_ha
    assert {(a, c) for a, c, _ in plan.damaged} == {("", ""), ("", "住宅用地")}
    kinds = [(f.kind, f.category) for f in reconcile(plan)]
    assert ("category_sum", "住宅用地") not in kinds  # not 「供应结构未列此类用地」: its figure is lost
    assert ("no_total", None) not in kinds  # the plan gives a total; its digits are lost
    assert kinds.count(("damaged", None)) == 1 and ("damaged", "住宅用地") in kinds


def test_a_lost_category_of_a_township_keeps_its_sum_out_of_its_total():
    plan = parse_plan("某县2026年度国有建设用地供应计划\n青山镇住宅用地.5公顷,商服用地3公顷。")
    assert plan.is_damaged("青山镇", "住宅用地") and not plan.is_damaged("青山镇", "商服用地")
    assert "青山镇" not in plan_to_dict(plan)["township_totals_ha"]


def test_a_short_name_of_an_area_is_the_area_whose_figure_is_lost():
    plan = parse_plan("某市2026年度国有建设用地供应计划\n经济开发区的供应计划为.74公顷,经开区住宅用地59.2公顷。")
    assert plan.is_damaged("经开区") and "经开区" not in plan_to_dict(plan)["township_totals_ha"]


def test_a_table_unit_is_no_lost_figure():
    assert damaged_figures("单位为公顷,面积单位均为亩,亩均产出为万元") == []
    plan = parse_plan("某县2026年度国有建设用地供应计划\n(单位为公顷)\n供应总量为9公顷,其中住宅用地9公顷。")
    assert plan.damaged == () and "damaged" not in set(plan.ledger["role"])


def test_lost_figures_go_out_in_json_and_a_workbook(tmp_path):
    plan = parse_plan("某县2026年度国有建设用地供应计划\n供应总量为9公顷。青山镇为.公顷,石门镇为9公顷。")
    led = json.loads(plan_to_json(plan, reconcile(plan)))["ledger"]
    lost = [e for e in led if e["role"] == "damaged"]
    assert lost == [{**lost[0], "value": None, "hectares": None, "figure": ".公顷"}]
    out = tmp_path / "plan.xlsx"
    write_plan_table(plan, out, "ha", reconcile(plan))
    assert out.stat().st_size > 0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["青山镇", "石门镇", "河口乡", "白沙镇", "和平镇"]), min_size=2, max_size=5, unique=True),
       st.data())
def test_every_lost_figure_is_accounted_for_and_no_total_is_made_for_its_place(towns, data):
    lost = data.draw(st.sets(st.sampled_from(towns), min_size=1, max_size=len(towns)))
    lines = ["某县2026年度国有建设用地供应计划"]
    for town in towns:
        left = data.draw(st.sampled_from(LOST)) if town in lost else "7.5"
        lines.append(f"{town}供应计划为{left}公顷,其中住宅用地2.5公顷。")
    plan = parse_plan("\n".join(lines))
    assert {a for a, _, _ in plan.damaged} == lost
    assert int((plan.ledger["role"] == "damaged").sum()) == len(lost)
    totals = plan_to_dict(plan)["township_totals_ha"]
    assert set(totals) == set(towns) - lost
    assert all(v == Decimal("7.5") for v in totals.values())


def test_abbreviates_is_a_rule_about_development_area_names():
    assert abbreviates("高新区", "襄阳高新技术产业开发区") and abbreviates("开发区", "经济开发区")
    assert not abbreviates("新区", "新城街道") and not abbreviates("城区", "东城区")
