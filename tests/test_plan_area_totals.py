"""Two rules on what a figure is, each from how plans are written.

* An area's figure of all its land (市本级计划供应国有建设用地X公顷, X区土地供应量Y公顷) is that area's total, never a
  cell of the category a sentence before it spoke of.
* 保障性安居工程(用地) is housing: a part of 住宅用地, not a category of its own.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from landgis.plan import parse_plan


@pytest.mark.parametrize("words", ["计划供应国有建设用地", "土地供应量为", "供应总量为"])
def test_an_area_figure_of_all_its_land_after_a_category_is_the_area_total(words):
    text = ("某市2026年度国有建设用地供应计划\n供应总量为900公顷。\n"
            f"商服用地100公顷;工矿仓储用地300公顷;住宅用地200公顷。市本级{words}50公顷,其中棚户区改造用地5公顷。")
    plan = parse_plan(text)
    assert plan.township_totals_ha == {"市本级": Decimal(50)}
    assert plan.allocations.empty  # not 市本级 × 住宅用地
    assert plan.structure_ha == {"商服用地": 100, "工矿仓储用地": 300, "住宅用地": 200}


def test_an_area_figure_under_a_category_paragraph_is_still_that_category():
    plan = parse_plan("某县2026年度国有建设用地供应计划\n住宅用地24公顷。按镇分:青山镇16公顷,石门镇8公顷。")
    cells = {(r.township, r.category): r.hectares for r in plan.allocations.itertuples()}
    assert cells == {("青山镇", "住宅用地"): 16.0, ("石门镇", "住宅用地"): 8.0}


def test_housing_project_land_is_a_part_of_housing_land():
    plan = parse_plan("全国2013年住房用地供应计划\n2013年全国住房用地计划供应15.08万公顷。\n"
                      "今年保障性安居工程用地计划供应4.15万公顷,商品住房用地计划供应10.92万公顷。")
    assert plan.structure_ha == {"住宅用地": Decimal("150800")}
    assert {n for _, _, n, _ in plan.sub_items} == {"保障性安居工程", "商品住房"}
