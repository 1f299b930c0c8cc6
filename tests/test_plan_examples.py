"""All 24 example plans against their expected.json: figures, place and year, sub-items, groups,
set-aside figures, refusals — and the ledger holds each area figure of the text exactly once."""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from landgis.plan import Plan, PlanParseError, parse_plan, reconcile
from landgis.plan.mentions import figures_of
from landgis.plan.read import fold, read_plan_text

EXAMPLES = Path(__file__).parent / "data" / "plans"
EXPECTED = json.loads((EXAMPLES / "expected.json").read_text("utf-8"))
TOL = Decimal("0.0001")

# A printed category name and the names a parse may report it under (GB/T 21010 ↔ 用地用海分类 aliases).
SAME = [{"住宅用地", "居住用地", "住宅类用地"}, {"商服用地", "商业服务业用地", "商服类用地", "商业用地"},
        {"绿地与开敞空间用地", "公园与绿地"}, {"工矿仓储用地", "工业仓储用地"}]

# Examples whose every figure is not yet right (the rest must be exact). Strict: fixing one fails here.
KNOWN_GAPS = {
}


def _names(cat: str) -> set[str]:
    return next((group for group in SAME if cat in group), {cat})


def _get(table: dict, name: str):
    return next((v for k, v in table.items() if k in _names(name)), None)


def _close(got, want) -> bool:
    return got is not None and abs(Decimal(got) - Decimal(str(want))) <= TOL


def _problems(plan: Plan, exp: dict) -> list[str]:
    """What differs from expected.json, one line per figure."""
    out = []
    if (plan.place, plan.year) != (exp["place"], exp["year"]):
        out.append(f"place/year {plan.place}/{plan.year}")
    if exp.get("stated_total_ha") is not None and not _close(plan.stated_total_ha, exp["stated_total_ha"]):
        out.append(f"total {plan.stated_total_ha}")
    for cat, ha in exp.get("structure_ha", {}).items():
        if not _close(_get(plan.structure_ha, cat), ha):
            out.append(f"structure {cat}")
    extra = [c for c in plan.structure_ha if not any(c in _names(e) for e in exp.get("structure_ha", {}))]
    out += [f"extra structure {c}" for c in extra]
    cells: dict[str, dict[str, Decimal]] = {}
    for r in plan.allocations.itertuples():
        cells.setdefault(r.township, {})[r.category] = r.hectares_exact
    for town, spec in exp.get("townships", {}).items():
        names = {town, *spec.get("aliases", [])}
        got = next((t for t in plan.townships if t in names), None)
        if got is None:
            out.append(f"township {town} missing")
            continue
        total = plan.township_totals_ha.get(got, sum(cells.get(got, {}).values(), Decimal(0)))
        if spec.get("total_ha") is not None and not _close(total, spec["total_ha"]):
            out.append(f"{town} total {total}")
        for cat, ha in spec.get("categories", {}).items():
            if not _close(_get(cells.get(got, {}), cat), ha):
                out.append(f"{town} × {cat}")
        if len(cells.get(got, {})) != len(spec.get("categories", {})):
            out.append(f"{town} has categories {sorted(cells.get(got, {}))}")
    wanted = {n for spec_n, spec in exp.get("townships", {}).items() for n in (spec_n, *spec.get("aliases", []))}
    out += [f"extra township {t}" for t in plan.townships if t not in wanted]
    return out


@functools.cache
def _parsed(name: str) -> Plan:
    """An example parsed once for its five checks below (a Plan is frozen; no check changes it)."""
    return parse_plan(EXAMPLES / name)


PLANS = sorted(name for name, exp in EXPECTED.items() if not exp.get("reject"))
REJECTS = sorted(name for name, exp in EXPECTED.items() if exp.get("reject"))


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.xfail(reason=KNOWN_GAPS[n], strict=True))
                                  if n in KNOWN_GAPS else n for n in PLANS])
def test_example_figures(name):
    plan = _parsed(name)
    assert _problems(plan, EXPECTED[name]) == []


@pytest.mark.parametrize("name", PLANS)
def test_example_adds_up_as_expected(name):
    """A plan that adds up has no warning; one that does not is never called 相符."""
    if name in KNOWN_GAPS:
        pytest.skip(KNOWN_GAPS[name])
    findings = reconcile(_parsed(name))
    warnings = [f.kind for f in findings if f.severity == "warning" and f.kind not in ("unknown_township",)]
    assert (not warnings) == EXPECTED[name]["adds_up"], warnings


@pytest.mark.parametrize("name", PLANS)
def test_example_sub_items_and_groups(name):
    exp = EXPECTED[name]
    plan = _parsed(name)
    if "sub_items_ha" in exp and name not in KNOWN_GAPS:
        got = Counter((scope, parent, sub, round(float(h), 4)) for scope, parent, sub, h in plan.sub_items)
        want = Counter((s["scope"], s["parent"], s["name"], round(s["ha"], 4)) for s in exp["sub_items_ha"])
        assert got == want
    for group, ha in exp.get("structure_groups_ha", {}).items():
        if name not in KNOWN_GAPS:
            assert any(_close(v, ha) for v in plan.groups_ha.values()), group
    assert not set(plan.groups_ha) & set(plan.structure_ha)  # a group is never a category


@pytest.mark.parametrize("name", PLANS)
def test_example_set_aside_figures_are_in_the_ledger(name):
    """Figures expected.json sets aside are never allocations: set aside, a group, a sub-item, or one of the
    plan's splits (供应方式, 时序)."""
    if name in KNOWN_GAPS:
        pytest.skip(KNOWN_GAPS[name])
    ledger = _parsed(name).ledger
    aside = ledger[ledger["role"].isin(["set_aside", "group", "sub_item", "method", "schedule"])]
    for item in EXPECTED[name].get("set_aside", []):
        if item["ha"] is not None:  # 每亩450万元 is a price, not an area figure
            assert any(_close(h, item["ha"]) for h in aside["hectares"]), item


@pytest.mark.parametrize("name", PLANS)
def test_example_ledger_holds_every_figure_once(name):
    """Every number with an area unit in the text is one ledger row on its line; none twice."""
    plan = _parsed(name)
    text, _ = read_plan_text(EXAMPLES / name)
    in_text = Counter((k, v) for k, line in enumerate(fold(text).split("\n"), 1) for v, _ in figures_of(line))
    in_ledger = Counter(zip(plan.ledger["line"], plan.ledger["value"]))
    assert in_text - in_ledger == Counter()  # nothing dropped
    printed = {line for line, _ in in_text}
    assert +Counter({k: n for k, n in in_ledger.items() if k[0] in printed
                     and not re.search(r"\t", fold(text).split("\n")[k[0] - 1])}) - in_text == Counter()
    counts = plan.figure_counts
    assert counts["read"] == len(plan.ledger) == counts["used"] + counts["set_aside"] + counts["unplaced"]


@pytest.mark.parametrize("name", REJECTS)
def test_not_a_plan_is_refused_with_what_it_looks_like(name):
    with pytest.raises(PlanParseError, match="not a land supply plan; the text looks like") as err:
        parse_plan(EXAMPLES / name)
    assert name in str(err.value)
