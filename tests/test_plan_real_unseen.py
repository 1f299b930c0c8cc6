"""Real published texts never used to write a rule (``data/real_unseen``, found after the rules were
written, figures by hand): each expected figure is right, and texts carrying no plan figure are refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from landgis.plan import PlanParseError, parse_plan
from test_plan_real import _score

UNSEEN = Path(__file__).parent / "data" / "real_unseen"
EXPECTED = json.loads((UNSEEN / "expected.json").read_text("utf-8"))


@pytest.mark.parametrize("name", sorted(n for n, e in EXPECTED.items() if not e.get("expect_refused")))
def test_every_figure_of_an_unseen_real_text_is_right(name):
    plan = parse_plan(UNSEEN / name)
    exp = EXPECTED[name]
    assert _score(plan, exp)[0] == _score(plan, exp)[1]
    assert plan.stated_total_ha is None if exp["stated_total_ha"] is None else True
    assert plan.year == exp["year"]


@pytest.mark.parametrize("name", sorted(n for n, e in EXPECTED.items() if e.get("expect_refused")))
def test_an_unseen_text_with_no_plan_figure_is_refused(name):
    with pytest.raises(PlanParseError) as exc:
        parse_plan(UNSEEN / name)
    assert "\n" not in str(exc.value)
