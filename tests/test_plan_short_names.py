"""A short name the text defines or implies resolves to its full area.

The rule: a bare kind of development area (新区, 高新区, 经开区, 开发区 …) refers to the one area of that kind the
county's registry or the text names in full (镇江新区, 蓉江新区); where none or several are named it stays as
written. The full area is then never called 无供应 and the short name is no unknown township.
"""

from __future__ import annotations

import dataclasses

from landgis.county import find_county
from landgis.names import area_of_short_name
from landgis.plan import parse_plan, reconcile


def test_a_bare_kind_is_the_one_registry_area_of_that_kind():
    reg = find_county("镇江市").registry
    assert reg.resolve("新区") == "镇江新区"
    assert reg.resolve("高新区") is None  # the city names no 高新区


def test_a_plan_giving_figures_to_the_short_name_gives_them_to_the_full_area():
    text = ("镇江市区2026年度国有建设用地供应计划\n供应总量为30公顷。\n"
            "京口区商服用地10公顷;润州区商服用地10公顷;丹徒区商服用地5公顷;新区商服用地5公顷。")
    plan = parse_plan(text)
    assert "镇江新区" in plan.townships and "新区" not in plan.townships
    kinds = {(f.kind, f.township) for f in reconcile(plan)}
    assert ("no_supply", "镇江新区") not in kinds and ("unknown_township", "新区") not in kinds


def test_a_short_name_left_as_written_is_resolved_when_the_plan_is_checked():
    # 07 (镇江) is read against a district its body names; the plan keeps 新区 as written and is checked
    # against the city: the check resolves 新区 too
    plan = parse_plan("镇江市区2026年度国有建设用地供应计划\n供应总量为20公顷。\n丹徒区商服用地15公顷;新区商服用地5公顷。")
    alloc = plan.allocations.assign(township=plan.allocations["township"].replace({"镇江新区": "新区"}))
    as_written = dataclasses.replace(plan, allocations=alloc)
    assert "新区" in as_written.townships
    assert not [f for f in reconcile(as_written) if f.kind == "no_supply" and f.township == "镇江新区"]
    assert [f.township for f in reconcile(as_written) if f.kind == "no_supply"] == ["京口区", "润州区"]


def test_a_bare_kind_in_a_list_is_the_one_area_of_that_kind_the_text_names():
    plan = parse_plan("某市2026年度国有建设用地供应计划\n住宅用地:南城区20公顷、新区5公顷。蓉江新区以产业为主。")
    assert set(plan.allocations["township"]) == {"南城区", "蓉江新区"}


def test_a_bare_kind_stays_as_written_where_two_areas_of_that_kind_are_named():
    plan = parse_plan("某市2026年度国有建设用地供应计划\n住宅用地:南城区20公顷、新区5公顷。蓉江新区、赣江新区以产业为主。")
    assert set(plan.allocations["township"]) == {"南城区", "新区"}
    assert area_of_short_name("新区", ["蓉江新区", "赣江新区"]) is None


def test_only_a_bare_kind_is_a_short_name():
    assert area_of_short_name("高新区", ["襄阳高新技术产业开发区"]) == "襄阳高新技术产业开发区"
    assert area_of_short_name("经开区", ["经济技术开发区"]) == "经济技术开发区"
    assert area_of_short_name("城区", ["东城区"]) is None and area_of_short_name("南区", ["东南区"]) is None


def test_a_registry_place_ending_a_longer_run_of_words_is_that_place():
    # 通过上表,可以看出坳仔镇…: the words before a place name are no part of it
    plan = parse_plan("怀集县2026年度国有建设用地供应计划\n通过上表,可以看出坳仔镇供应计划为20公顷,汶朗镇为5公顷。")
    assert plan.township_totals_ha == {"坳仔镇": 20, "汶朗镇": 5}


def test_a_short_name_the_text_defines_is_the_text_own_name():
    plan = parse_plan("某市2026年度国有建设用地供应计划\n范围包括南城区和某某经济技术开发区(以下简称经开区)。\n"
                      "南城区计划供应20公顷;经开区计划供应5公顷。")
    assert set(plan.townships) == {"南城区", "经开区"}
