"""Reconcile: do the plan's figures add up? Each difference is a :class:`Finding`, exactly."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from landgis.names import normalise_name, registry_for_place, suggest
from landgis.plan.model import Finding, Plan
from landgis.units import format_decimal, to_hectares

__all__ = ["reconcile"]

_Q = tuple[Decimal, str]  # a figure as printed: value and unit


def _total(figs: list[_Q]) -> _Q:
    """Sum of figures, in their common unit when they share one (exact), else in 公顷."""
    units = {u for _, u in figs}
    if len(units) == 1:
        unit = units.pop()
        return sum((v for v, _ in figs), Decimal(0)), unit
    return sum((to_hectares(v, u) for v, u in figs), Decimal(0)), "公顷"


def _minus(a: _Q, b: _Q) -> _Q:
    if a[1] == b[1]:
        return a[0] - b[0], a[1]
    return to_hectares(*a) - to_hectares(*b), "公顷"


def _show(q: _Q) -> str:
    """A figure for a memo: 1.7817929公顷, or 42.60亩（2.84公顷）."""
    value, unit = q
    if unit == "公顷":
        return f"{format_decimal(value)}公顷"
    exp = value.as_tuple().exponent
    text = format(value, "f") if isinstance(exp, int) and exp >= -10 else format_decimal(value)
    return f"{text}{unit}（{format_decimal(to_hectares(value, unit))}公顷）"


def _ha(q: _Q | None) -> Decimal | None:
    return None if q is None else to_hectares(*q)


def reconcile(plan: Plan, townships: list[str] | None = None) -> list[Finding]:
    """Check that the plan's figures add up, and name the townships that receive nothing.

    Parameters
    ----------
    plan : Plan
    townships : list of str, optional
        Every township of the county; defaults to the shipped registry for the plan's place
        (:func:`landgis.names.registry_for_place`). Where there is none, only townships the text
        names as receiving nothing are reported.

    Returns
    -------
    list of Finding
        In this order: township_sum, county_sum, structure_sum, category_sum, unknown_category,
        unknown_township, no_supply. Every figure is exact (Decimal, hectares).
    """
    findings: list[Finding] = []
    alloc = plan.allocations
    by_town: dict[str, list[_Q]] = {}
    by_cat: dict[str, list[_Q]] = {}
    for row in alloc.itertuples():
        q = (Decimal(row.value), str(row.unit)) if "value" in alloc and pd.notna(row.value) else (
            Decimal(row.hectares_exact), "公顷")
        by_town.setdefault(row.township, []).append(q)
        by_cat.setdefault(row.category, []).append(q)
    town_totals: dict[str, _Q] = dict(plan.township_total_values) or {
        t: (v, "公顷") for t, v in plan.township_totals_ha.items()}
    structure: dict[str, _Q] = dict(plan.structure_values) or {c: (v, "公顷") for c, v in plan.structure_ha.items()}
    total: _Q | None = plan.stated_total_value or (
        (plan.stated_total_ha, "公顷") if plan.stated_total_ha is not None else None)

    def finding(kind: str, message: str, stated: _Q | None, computed: _Q | None, **kw) -> Finding:
        diff = _minus(stated, computed) if stated is not None and computed is not None else None
        return Finding(kind, message, stated_ha=_ha(stated), computed_ha=_ha(computed),
                       difference_ha=_ha(diff), **kw)

    # a township's categories vs its stated total
    for town, stated in town_totals.items():
        if town not in by_town:
            continue
        computed = _total(by_town[town])
        diff = _minus(stated, computed)
        if diff[0] != 0:
            more = "少" if diff[0] > 0 else "多"
            findings.append(finding(
                "township_sum",
                f"{town}各类用地合计{_show(computed)}，比其土地供应量{_show(stated)}{more}"
                f"{_show((abs(diff[0]), diff[1]))}。",
                stated, computed, township=town))

    # townships vs the county total
    towns = list(dict.fromkeys([*town_totals, *by_town]))
    if total is not None and towns:
        computed = _total([town_totals[t] if t in town_totals else _total(by_town[t]) for t in towns])
        diff = _minus(total, computed)
        if diff[0] > 0:
            msg = (f"各乡镇布局合计{_show(computed)}，比供应总量{_show(total)}少{_show(diff)}，未落实到乡镇。")
        else:
            msg = (f"各乡镇布局合计{_show(computed)}，比供应总量{_show(total)}多"
                   f"{_show((-diff[0], diff[1]))}，超出供应总量。")
        if diff[0] != 0:
            findings.append(finding("county_sum", msg, total, computed))

    # structure vs the county total
    if total is not None and structure:
        computed = _total(list(structure.values()))
        diff = _minus(total, computed)
        if diff[0] != 0:
            more = "少" if diff[0] > 0 else "多"
            findings.append(finding(
                "structure_sum",
                f"供应结构各类用地合计{_show(computed)}，比供应总量{_show(total)}{more}"
                f"{_show((abs(diff[0]), diff[1]))}。",
                total, computed))

    # each structure figure vs its sum over townships (when the layout breaks townships down)
    if by_cat:
        for cat in dict.fromkeys([*structure, *by_cat]):
            computed = _total(by_cat[cat]) if cat in by_cat else (Decimal(0), (structure[cat][1]))
            stated = structure.get(cat)
            if stated is None:
                if structure:
                    findings.append(finding(
                        "category_sum",
                        f"各乡镇布局中有{cat}{_show(computed)}，但供应结构未列此类用地。",
                        None, computed, category=cat))
                continue
            diff = _minus(stated, computed)
            if diff[0] > 0:
                msg = (f"{cat}供应结构为{_show(stated)}，各乡镇布局合计{_show(computed)}，"
                       f"有{_show(diff)}未落实到乡镇。")
            elif diff[0] < 0:
                msg = (f"{cat}供应结构为{_show(stated)}，各乡镇布局合计{_show(computed)}，"
                       f"超出供应结构{_show((-diff[0], diff[1]))}。")
            else:
                continue
            findings.append(finding("category_sum", msg, stated, computed, category=cat))

    for cat in plan.unknown_categories:
        system = plan.category_system or "GB/T 21010-2017、用地用海分类"
        figs = by_cat.get(cat) or ([structure[cat]] if cat in structure else [])
        amount = f"（{_show(_total(figs))}）" if figs else ""
        findings.append(Finding(
            "unknown_category",
            f"“{cat}”{amount}不在用地分类（{system}）中，已按原名保留，未赋分类代码，请核对。",
            category=cat, computed_ha=_ha(_total(figs)) if figs else None))

    # townships of the county that receive nothing
    reg = registry_for_place(plan.place)
    county = reg.county_name if reg else (plan.place or "本县（市）")
    if townships is None and reg is not None:
        townships = reg.names
    receiving = set(plan.townships)
    reported: list[str] = []
    if townships is not None:
        if reg is not None:
            unknown = [t for t in plan.townships if reg.resolve(t) is None]
        else:
            known = {normalise_name(t) for t in townships}
            unknown = [t for t in plan.townships if normalise_name(t) not in known]
        for t in unknown:
            hint = suggest(t, townships)  # candidates from this county only
            findings.append(Finding(
                "unknown_township",
                f"计划中的“{t}”不是{county}的乡镇（街道），无法落到乡镇界线上，请核对名称"
                + (f"（是否为{'、'.join(hint)}？）。" if hint else "。"),
                township=t))
        for t in townships:
            if t not in receiving and (reg is None or reg.resolve(t) not in receiving):
                reported.append(t)
    for t in plan.no_supply:
        if t not in reported and t not in receiving:
            reported.append(t)
    for t in reported:
        findings.append(Finding("no_supply", f"{t}本年度无土地供应安排。", township=t,
                                stated_ha=Decimal(0), severity="info"))
    return findings
