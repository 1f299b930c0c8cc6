"""The plan's 供应方式 and 时序: read as the plan's splits, each figure in the ledger with its role, and the
plan's categories and townships unchanged by them."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import pytest

from landgis.plan import SEED_PLAN, parse_plan
from landgis.plan.splits import method_name, period_months, split_of

EXAMPLES = Path(__file__).parent / "data" / "plans"
#: The seed plan with a paragraph of 方式 and 时序, as plans print them.
SPLITS = ("（四）土地供应方式和时序\n按供应方式分，拟以出让方式供应120.5公顷，拟以划拨方式供应37.6793169公顷。"
          "第一季度计划供应30公顷，第二季度40公顷，第三季度50公顷，第四季度38.1793169公顷。\n")


@pytest.fixture(scope="module")
def split_plan():
    text = SEED_PLAN.read_text(encoding="utf-8").replace("四、政策导向", SPLITS + "四、政策导向")
    return parse_plan(text)


def test_methods_and_schedule_are_read(split_plan):
    assert split_plan.methods_ha == {"出让": D("120.5"), "划拨": D("37.6793169")}
    assert split_plan.schedule_ha == {"第一季度": D(30), "第二季度": D(40), "第三季度": D(50),
                                      "第四季度": D("38.1793169")}
    assert sum(split_plan.schedule_ha.values()) == split_plan.stated_total_ha


def test_each_split_figure_is_in_the_ledger_with_its_role(split_plan):
    led = split_plan.ledger
    methods = led[led["role"] == "method"]
    schedule = led[led["role"] == "schedule"]
    assert list(methods["what"]) == ["出让", "划拨"] and set(methods["role_zh"]) == {"供应方式"}
    assert list(schedule["what"]) == ["第一季度", "第二季度", "第三季度", "第四季度"]
    assert set(schedule["role_zh"]) == {"供应时序"}
    assert "【120.5】" in methods.iloc[0]["context"]
    counts = split_plan.figure_counts
    assert counts["read"] == len(led) == counts["used"] + counts["set_aside"] + counts["unplaced"]
    assert not (led["reason"] == "分季度/分方式/存量新增等拆分").any()


def test_the_plan_itself_is_unchanged_by_its_splits(split_plan):
    seed = parse_plan(SEED_PLAN)
    assert split_plan.table().equals(seed.table())
    assert split_plan.structure_ha == seed.structure_ha and split_plan.township_totals_ha == seed.township_totals_ha
    assert seed.methods_ha == {} and seed.schedule_ha == {}  # the seed states neither


def test_example_plans():
    quarters = parse_plan(EXAMPLES / "ex03.txt")
    assert quarters.schedule_ha == {"第一季度": D("12.5000"), "第二季度": D("21.3000"), "第三季度": D("26.4000"),
                                    "第四季度": D("18.9835")}
    assert parse_plan(EXAMPLES / "ex16.txt").methods_ha == {"出让": D("283.7410"), "划拨": D("43.3020")}


def test_months_and_a_category_part():
    plan = parse_plan("某县2026年度土地供应计划\n全县土地供应总量13公顷。3月供应5公顷，6月供应8公顷。")
    assert plan.schedule_ha == {"3月": D(5), "6月": D(8)}
    part = parse_plan("某县2026年度土地供应计划\n全县土地供应总量30公顷，其中住宅用地30公顷，其中出让20公顷。")
    assert part.methods_ha == {}  # 出让 of one category is not the plan's split: it stays set aside
    assert "set_aside" in set(part.ledger["role"])


def test_words():
    assert method_name("挂牌出让") == "出让" and method_name("作价出资") == "作价出资"
    assert method_name("出让、划拨") is None and method_name("公共租赁住房") is None
    assert split_of("前三季度累计供应") is None and split_of("6至7月公告出让约") is None
    assert split_of("下半年") == ("schedule", "下半年") and period_months("第四季度") == (10, 11, 12)


@pytest.mark.slow  # runs the landgis command in a new process
def test_plan_json_gives_the_splits(split_plan, tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text(split_plan.text, encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "landgis.cli", "plan", str(path), "--json"], capture_output=True,
                         text=True, check=True).stdout
    data = json.loads(out)
    assert data["methods_ha"] == {"出让": 120.5, "划拨": 37.6793169}
    assert list(data["schedule_ha"]) == ["第一季度", "第二季度", "第三季度", "第四季度"]
    assert {r["role"] for r in data["ledger"]} >= {"method", "schedule"}
