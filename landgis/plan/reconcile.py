"""Reconcile: do the plan's figures add up, and can they be a county's plan? Each answer a :class:`Finding`.

Every figure is exact (Decimal); sums are taken in the plan's own unit when the figures share one.
A difference smaller than the printed precision of the figures compared is a 提示 (info) with
that reason, not a 警告 (warning).
"""

from __future__ import annotations

import re
from decimal import Decimal

import pandas as pd

from landgis.catalog import either
from landgis.names import normalise_name, suggest
from landgis.plan.context import PLAN_OWN_CATEGORIES
from landgis.plan.model import Finding, Plan
from landgis.plan.sentences import render
from landgis.units import to_hectares

__all__ = ["reconcile"]

_Q = tuple[Decimal, str]  # a figure as printed: value and unit
#: No county plans this much land for one year (1,000 km²): a larger total is a misprint or a wrong unit.
IMPLAUSIBLE_TOTAL_HA = Decimal(100000)
_MISPRINT = re.compile(r"(?<![\d.])(\d[\d,]*(?:[.。]\d+)?)\s*(?<!公)[顷頃]")


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


def _ha(q: _Q | None) -> Decimal | None:
    return None if q is None else to_hectares(*q)


def _precision_ha(figs: list[_Q]) -> Decimal:
    """The coarsest printed precision of the rounded figures, in hectares (29.3公顷 → 0.1).

    Figures printed without decimals (6公顷) are taken as exact, not as rounded to 1.
    """
    steps = [to_hectares(Decimal(1).scaleb(v.as_tuple().exponent), u) for v, u in figs
             if isinstance(v.as_tuple().exponent, int) and v.as_tuple().exponent < 0]
    return max(steps, default=Decimal(0))


def _finding(kind: str, template: str, stated: _Q | None, computed: _Q | None, parts_of: list[_Q] | None = None,
             **kw) -> Finding:
    """A finding with both sentences; a difference below the printed precision becomes a 提示."""
    diff = _minus(stated, computed) if stated is not None and computed is not None else None
    fields = {k: v for k, v in kw.items() if k not in ("severity", "line")}
    if diff is not None:
        fields.update(diff=(abs(diff[0]), diff[1]), more=diff[0] < 0)
    parts: list = [(template, {"stated": stated, "computed": computed, **fields})]
    severity = kw.get("severity", "warning")
    if diff is not None and parts_of is not None:
        step = _precision_ha([stated, *parts_of])
        if 0 < abs(to_hectares(*diff)) < step:
            parts.append(("precision_note", {"precision": (step, "公顷")}))
            severity = "info"
    return _made(kind, tuple(parts), township=kw.get("township"), category=kw.get("category"),
                 stated_ha=_ha(stated), computed_ha=_ha(computed), difference_ha=_ha(diff), severity=severity,
                 line=kw.get("line"))


def _made(kind: str, parts: tuple, **kw) -> Finding:
    """A finding whose sentences (as printed, Chinese and English) come from its parts."""
    return Finding(kind, render(parts, "zh"), message_en=render(parts, "en"), parts=parts, **kw)


def reconcile(plan: Plan, townships: list[str] | None = None) -> list[Finding]:
    """Check that the plan's figures add up, can be a county's plan, and were all placed.

    Parameters
    ----------
    plan : Plan
    townships : list of str, optional
        Every township of the county; defaults to the townships of ``plan.county`` (the county
        given to :func:`~landgis.plan.parse_plan`, or the one its text names). Where the plan has
        no county, only townships the text names as receiving nothing are reported.

    Returns
    -------
    list of Finding
        In this order: a note that the text is a report about the plan, unplaced figures and misprints, figures
        whose digits the text lost, plausibility, township_sum, county_sum,
        structure_sum, category_sum, group_sum, unknown_category, unknown_township, no_supply.

    Examples
    --------
    >>> from landgis.plan import SEED_PLAN, parse_plan
    >>> [f.kind for f in reconcile(parse_plan(SEED_PLAN))][:2]
    ['county_sum', 'structure_sum']
    """
    figures = _figures(plan)
    return [*_report(plan), *_ledger_findings(plan), *_damaged(plan), *_no_total(plan, figures),
            *_plausibility(plan, figures), *_sums(figures, plan), *_unknown_categories(plan, figures),
            *_townships(plan, townships)]


def _figures(plan: Plan) -> dict:
    """The plan's figures as printed: by township, by category, township totals, structure, total."""
    alloc = plan.allocations
    by_town: dict[str, list[_Q]] = {}
    by_cat: dict[str, list[_Q]] = {}
    for row in alloc.itertuples():
        q = (Decimal(row.value), str(row.unit)) if "value" in alloc and pd.notna(row.value) else (
            Decimal(row.hectares_exact), "公顷")
        by_town.setdefault(row.township, []).append(q)
        by_cat.setdefault(row.category, []).append(q)
    return {
        "by_town": by_town, "by_cat": by_cat,
        "town_totals": dict(plan.township_total_values) or {t: (v, "公顷") for t, v in plan.township_totals_ha.items()},
        "structure": dict(plan.structure_values) or {c: (v, "公顷") for c, v in plan.structure_ha.items()},
        "total": plan.stated_total_value or (
            (plan.stated_total_ha, "公顷") if plan.stated_total_ha is not None else None),
    }


def _report(plan: Plan) -> list[Finding]:
    """A 提示 that the text is a news item, repost or Q&A about the plan, not the plan itself."""
    if not plan.report:
        return []
    evidence, title = plan.report
    parts = (("report", {"evidence": evidence, "plan_zh": f"《{title}》" if title else "土地供应计划",
                         "plan_en": f"《{title}》" if title else "a land supply plan"}),)
    return [_made("report", parts, severity="info")]


def _damaged(plan: Plan) -> list[Finding]:
    """A 警告 for each figure whose digits the text lost: what it was of, and that it was not placed."""
    out = []
    for area, category, line in plan.damaged:
        what = "".join((area, category)) or "供应总量"
        what_en = " ".join(x for x in (area, category) if x) or "the total"
        parts = (("damaged", {"what": what, "what_en": what_en, "line": line}),)
        out.append(_made("damaged", parts, township=area or None, category=category or None, line=line))
    return out


def _no_total(plan: Plan, f: dict) -> list[Finding]:
    """A 提示 that the plan states no total: what the outputs show as 合计 is a sum, labelled so (not where
    the text gives a total whose digits are lost: that is said by its own finding)."""
    if f["total"] is not None or any(not a and not c for a, c, _ in plan.damaged):
        return []
    parts = list(f["structure"].values()) or [q for qs in f["by_town"].values() for q in qs]
    parts += [] if parts else list(f["town_totals"].values())
    if not parts:
        return []
    computed = _total(parts)
    return [_made("no_total", (("no_total", {"computed": computed}),), computed_ha=_ha(computed), severity="info")]


def _ledger_findings(plan: Plan) -> list[Finding]:
    """Figures that could not be placed, and '顷' read as 公顷: each with its line."""
    out = []
    ledger = plan.ledger if plan.ledger is not None else pd.DataFrame(columns=["role"])
    for r in ledger[ledger["role"] == "unplaced"].itertuples():
        q = (Decimal(r.value), str(r.unit))
        parts = (("unplaced", {"line": r.line, "figure": q, "reason": either(r.reason, r.reason_en), "text": r.text[:60]}),)
        out.append(_made("unplaced", parts, stated_ha=to_hectares(*q), line=int(r.line)))
    for r in ledger[ledger["role"] == "set_aside"].itertuples():
        if Decimal(r.value) < 0:
            q = (Decimal(r.value), str(r.unit))
            parts = (("negative", {"line": r.line, "figure": q}),)
            out.append(_made("negative", parts, stated_ha=to_hectares(*q), line=int(r.line)))
    for k, line in enumerate(plan.text.splitlines(), 1):
        for m in _MISPRINT.finditer(line):
            parts = (("unit_misprint", {"line": k, "printed": m.group(0).strip()}),)
            out.append(_made("unit_misprint", parts, line=k, severity="info"))
    return out


def _plausibility(plan: Plan, f: dict) -> list[Finding]:
    """Figures that cannot be a county's annual plan."""
    out = []
    total = f["total"]
    if total is not None and to_hectares(*total) > IMPLAUSIBLE_TOTAL_HA:
        out.append(_finding("implausible_total", "implausible_total", total, None,
                            limit=(IMPLAUSIBLE_TOTAL_HA, "公顷")))
    if total is not None:
        for town, q in f["town_totals"].items():
            if to_hectares(*q) > to_hectares(*total):
                out.append(_finding("township_over_county", "township_over_county", q, total, township=town))
    return out


def _sums(f: dict, plan: Plan) -> list[Finding]:
    """Township, county, structure and category sums against the stated figures."""
    out: list[Finding] = []
    by_town, by_cat, town_totals, structure, total = (
        f["by_town"], f["by_cat"], f["town_totals"], f["structure"], f["total"])
    for town, stated in town_totals.items():
        if town in by_town and _minus(stated, _total(by_town[town]))[0] != 0:
            out.append(_finding("township_sum", "township_sum", stated, _total(by_town[town]), by_town[town],
                                township=town))
    towns = list(dict.fromkeys([*town_totals, *by_town]))
    if total is not None and towns:
        parts = [town_totals[t] if t in town_totals else _total(by_town[t]) for t in towns]
        diff = _minus(total, _total(parts))
        if diff[0] != 0:
            template = "county_sum_less" if diff[0] > 0 else "county_sum_more"
            out.append(_finding("county_sum", template, total, _total(parts), parts))
    if total is not None and structure:
        parts = list(structure.values())
        if _minus(total, _total(parts))[0] != 0:
            out.append(_finding("structure_sum", "structure_sum", total, _total(parts), parts))
    if by_cat:
        for cat in dict.fromkeys([*structure, *by_cat]):
            computed = _total(by_cat[cat]) if cat in by_cat else (Decimal(0), structure[cat][1])
            stated = structure.get(cat)
            if stated is None:
                if structure and not plan.is_damaged("", cat):  # a structure figure whose digits are lost
                    out.append(_finding("category_sum", "category_unlisted", None, computed, category=cat))
                continue
            diff = _minus(stated, computed)
            if diff[0] != 0:
                template = "category_sum_less" if diff[0] > 0 else "category_sum_more"
                out.append(_finding("category_sum", template, stated, computed, by_cat.get(cat, []), category=cat))
    return out


def _unknown_categories(plan: Plan, f: dict) -> list[Finding]:
    out = []
    for cat in plan.unknown_categories:
        system = plan.category_system or "GB/T 21010-2017、用地用海分类"
        figs = f["by_cat"].get(cat) or ([f["structure"][cat]] if cat in f["structure"] else [])
        amount = _total(figs) if figs else None
        if cat in PLAN_OWN_CATEGORIES:  # 深圳's 产业用地: the plan's own class, with the standard one it falls in
            std = PLAN_OWN_CATEGORIES[cat]
            parts = (("plan_own_category", {"category": cat, "amount": amount if amount else "",
                                            "maps_zh": f"（对应标准类：{std}）" if std else "（无单一对应的标准类）",
                                            "maps_en": f" (standard class: {std})" if std else
                                            " (no single standard class)"}),)
            out.append(_made("plan_own_category", parts, category=cat, computed_ha=_ha(amount), severity="info"))
            continue
        parts = (("unknown_category", {"category": cat, "system": system, "amount": amount if amount else ""}),)
        out.append(_made("unknown_category", parts, category=cat, computed_ha=_ha(amount)))
    return out


def _named_unplaced(plan: Plan, townships: list[str] | None, reg) -> dict[str, tuple[int, _Q]]:
    """Townships whose name stands on a line with a figure that was not placed (or set aside as unknown)."""
    out: dict[str, tuple[int, _Q]] = {}
    if plan.ledger is None or not townships:
        return out
    rows = plan.ledger[plan.ledger["role"] == "unplaced"]
    for t in townships:
        names = {t}
        if reg is not None:
            for row in reg.table[reg.table["name"] == t].itertuples():
                names.update(a for a in row.aliases if len(a) >= 2)
        short = re.sub(r"(?:街道办事处|街道|镇|乡|区|县)$", "", t)
        if len(short) >= 2:
            names.add(short)
        for r in rows.itertuples():
            if any(n and n in r.text for n in names):
                out[t] = (int(r.line), (Decimal(r.value), str(r.unit)))
                break
    return out


def _townships(plan: Plan, townships: list[str] | None) -> list[Finding]:
    """Townships the county's registry does not know, and townships that receive nothing.

    无供应 is said only where the plan gives a breakdown by township or district and this one is not in
    it, and the text gives it no figure that could not be placed; a plan with no breakdown gets one
    note saying so. A plan of a city's part (市区, 各区) says nothing of the city's counties.
    """
    out = []
    reg = plan.county.registry if plan.county is not None else None
    county = reg.county_name if reg else (plan.place or "本县（市）")
    if townships is None and reg is not None:
        townships = reg.names
    if townships and plan.scope and plan.county is not None and plan.county.level == "prefecture":
        # a plan of a city's 市区 / 各区 / 城区 covers districts: its counties and county-level cities are
        # outside the plan, not places without supply
        townships = [t for t in townships if t.endswith("区")]
    receiving = set(plan.townships)
    reported: list[str] = []
    named = _named_unplaced(plan, townships, reg)
    if townships is not None and not receiving:
        # no breakdown by township or district: nobody is said to receive nothing
        out.append(_made("no_breakdown", (("no_breakdown", {}),), severity="info"))
        townships = []
    if townships is not None:
        if reg is not None:
            unknown = [t for t in plan.townships if reg.resolve(t) is None]
        else:
            known = {normalise_name(t) for t in townships}
            unknown = [t for t in plan.townships if normalise_name(t) not in known]
        for t in unknown:
            hint = suggest(t, townships)  # candidates from this county only
            parts = (("unknown_township", {"township": t, "county": county,
                                           "hint_zh": f"（是否为{'、'.join(hint)}？）" if hint else "",
                                           "hint_en": f" (did you mean {', '.join(hint)}?)" if hint else ""}),)
            out.append(_made("unknown_township", parts, township=t))
        resolved = {reg.resolve(r) for r in receiving} if reg is not None else set()  # 新区 → 镇江新区
        for t in townships:
            if t not in receiving and (reg is None or reg.resolve(t) not in receiving | resolved):
                reported.append(t)
    for t in plan.no_supply:
        if t not in reported and t not in receiving:
            reported.append(t)
    for t, (line, figure) in named.items():
        if t in reported:  # the text gives it a figure that was not placed: never 无供应
            reported.remove(t)
            parts = (("named_unplaced", {"township": t, "line": line, "figure": figure}),)
            out.append(_made("named_unplaced", parts, township=t, line=line))
    for t in [t for t in reported if not plan.is_damaged(t)]:  # the text gave it a figure, lost: never 无供应
        out.append(_made("no_supply", (("no_supply", {"township": t}),), township=t, stated_ha=Decimal(0),
                         severity="info"))
    return out
