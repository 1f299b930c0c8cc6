"""The plan's execution (计划执行情况): parcels supplied against the plan, per township × category,
per period and per supply method, with the rate (执行率).

Parcels count where they lie, with their drawn area (the quota's rule, :func:`landgis.qa.quota.booked`);
those outside the county, without geometry or repeated count nowhere. A parcel is *supplied* when it
has a supply date (供地日期 …) in the plan year; without a date field every parcel counted is taken as
supplied, and the basis says so. Where the plan gives no 方式 or 时序, or the parcels carry no method or
date, the table says so in words, never with zeros.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from landgis.plan.splits import METHODS, method_name, period_months, quarter_of_month
from landgis.qa.parcels import _pick
from landgis.qa.quota import _LEFT, _allocations, _located

__all__ = ["DATE_NAMES", "METHOD_NAMES", "Execution", "find_supply_fields", "execution", "parse_date"]

#: Headers of a parcel's supply date, most specific first (compared like the other fields).
DATE_NAMES = ("供地日期", "供应日期", "合同签订日期", "签订日期", "出让合同签订日期", "成交日期", "出让日期",
              "划拨日期", "批准日期", "供地时间", "供应时间", "签订时间", "supply_date", "date", "gdrq", "qdrq")
#: Headers of a parcel's supply method.
METHOD_NAMES = ("供地方式", "供应方式", "出让方式", "土地供应方式", "取得方式", "土地取得方式", "supply_method",
                "method", "gdfs", "gyfs", "crfs")
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(\d{1,2})\s*日?)?\s*(?:[ T].*)?$")


@dataclass
class Execution:
    """The plan's execution: three tables and what could not be compared.

    Attributes
    ----------
    cells : pandas.DataFrame
        Per township × category: ``township``, ``category``, ``planned_ha``, ``supplied_ha``, ``rate``
        (supplied / planned; NaN where nothing was planned) and ``n_parcels``.
    periods : pandas.DataFrame or None
        Per period of the plan's 时序 (or per quarter where the plan gives none): ``period``,
        ``planned_ha`` (NaN where the plan gives no 时序), ``supplied_ha``, ``rate``, ``n_parcels``.
        None when the parcels carry no supply date.
    methods : pandas.DataFrame or None
        Per supply method: ``method``, ``planned_ha`` (NaN where the plan gives no 方式), ``supplied_ha``,
        ``rate``, ``n_parcels``. None when the parcels carry no supply method.
    notes : list of str
        What the comparison could not do or left out, in Chinese (the basis first).
    fields : dict
        The date and method columns used (None where there was none).
    """

    cells: pd.DataFrame
    periods: pd.DataFrame | None
    methods: pd.DataFrame | None
    notes: list[str] = field(default_factory=list)
    fields: dict = field(default_factory=dict)
    plan_has_methods: bool = False
    plan_has_schedule: bool = False
    year: int | None = None


def find_supply_fields(columns, *, date_field: str | None = None, method_field: str | None = None,
                       source: str = "parcels") -> dict[str, str | None]:
    """The supply date and method columns, by their usual names or as given.

    Examples
    --------
    >>> find_supply_fields(["地块编号", "合同签订日期", "出让方式"])
    {'date': '合同签订日期', 'method': '出让方式'}
    >>> find_supply_fields(["地块编号"])
    {'date': None, 'method': None}
    """
    cols = list(columns)
    return {"date": _pick(cols, DATE_NAMES, date_field, "supply date", source),
            "method": _pick(cols, METHOD_NAMES, method_field, "supply method", source)}


def parse_date(value) -> dt.date | None:
    """A supply date from a cell: a date, a timestamp, ``2026-03-15``, ``2026/3/15``, ``2026年3月15日``
    or ``2026-03`` (the first of the month); None for an empty cell.

    Raises
    ------
    ValueError
        For a cell that is no date.

    Examples
    --------
    >>> parse_date("2026年3月15日"), parse_date("2026/11"), parse_date(None)
    (datetime.date(2026, 3, 15), datetime.date(2026, 11, 1), None)
    """
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    m = _DATE.match(text)
    if not m:
        raise ValueError(text)
    return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))


def _methods_of(values) -> list[str | None]:
    out = []
    for v in values:
        text = "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip()
        out.append(method_name(text) or (text or None))
    return out


def _rate(supplied: pd.Series, planned: pd.Series) -> pd.Series:
    return supplied / planned.where(planned > 0)


def execution(added: pd.DataFrame, inputs: pd.DataFrame, fields: dict, plan, registry,
              duplicates=()) -> Execution:
    """Compare the parcels supplied with the plan (see the module's text for the rules).

    Parameters
    ----------
    added : pandas.DataFrame
        The checked parcels (``township_found``, ``township_shares``, ``category_booked``, ``area_ha``,
        ``stated_ha``, ``geometry``), indexed by input row.
    inputs : pandas.DataFrame
        The input rows (for the date and method columns), same index.
    fields : dict
        From :func:`find_supply_fields`.
    plan : landgis.plan.Plan
    registry : landgis.township_registry.TownshipRegistry
    duplicates : sequence of int
        Input rows repeating another's geometry (they count nowhere).

    Returns
    -------
    Execution
    """
    rec = _located(added, duplicates)
    keep = ~pd.Series(rec["township"]).astype(str).str.startswith(_LEFT).to_numpy()
    rows = added.index.to_numpy()[rec["i"][keep]]
    located = pd.DataFrame({"row": rows, "township": rec["township"][keep], "category": rec["category"][keep],
                            "ha": rec["booked_ha"][keep], "n": rec["n_parcels"][keep]})
    notes: list[str] = []
    year = getattr(plan, "year", None)
    date_col, method_col = fields.get("date"), fields.get("method")
    counted_rows = sorted(set(rows.tolist()))
    if date_col:
        dates, bad = {}, []
        for r in counted_rows:
            try:
                dates[r] = parse_date(inputs.at[r, date_col])
            except ValueError:
                bad.append(r)
                dates[r] = None
        located["date"] = located["row"].map(dates)
        no_date = [r for r in counted_rows if dates[r] is None and r not in bad]
        other_year = [r for r in counted_rows if dates[r] is not None and year and dates[r].year != year]
        supplied = located[located["date"].notna() & located["date"].map(lambda d: d is None or not year
                                                                         or d.year == year)]
        notes.append(f"已供应地块：“{date_col}”在{year or '计划'}年度内的地块，按实际所在乡镇和图形面积统计"
                     "（跨乡镇地块按面积分摊；县界外、无几何及重复的地块不计入）。")
        if no_date:
            notes.append(f"“{date_col}”为空的 {len(no_date)} 宗视为尚未供应，不计入。")
        if other_year:
            notes.append(f"“{date_col}”不在 {year} 年度的 {len(other_year)} 宗不计入（第 "
                         f"{_rows(other_year)} 行）。")
        if bad:
            notes.append(f"“{date_col}”无法识别为日期的 {len(bad)} 宗不计入（第 {_rows(bad)} 行）。")
    else:
        supplied = located.assign(date=None)
        notes.append("地块无供地日期字段（供地日期、供应日期、签订日期 …，或 --date-field）：全部地块视为已供应，"
                     "按实际所在乡镇和图形面积统计；分季度执行情况无法统计。")
    alloc, _ = _allocations(plan, registry)
    got = supplied.groupby(["township", "category"], sort=True, as_index=False).agg(
        supplied_ha=("ha", "sum"), n_parcels=("n", "sum"))
    cells = alloc.drop(columns="category_code").rename(columns={"allocated_ha": "planned_ha"}).merge(
        got, on=["township", "category"], how="outer", sort=False)
    cells["planned_ha"] = cells["planned_ha"].astype(float).fillna(0.0)
    cells["supplied_ha"] = cells["supplied_ha"].astype(float).fillna(0.0)
    cells["n_parcels"] = cells["n_parcels"].fillna(0).astype(int)
    cells["rate"] = _rate(cells["supplied_ha"], cells["planned_ha"])
    cells = cells[["township", "category", "planned_ha", "supplied_ha", "rate", "n_parcels"]]

    periods = _periods(supplied, plan, notes) if date_col else None
    if method_col:
        by_row = dict(zip(counted_rows, _methods_of(inputs.loc[counted_rows, method_col])))
        methods = _methods(supplied.assign(method=supplied["row"].map(by_row)), plan, notes, method_col)
    else:
        methods = None
        notes.append("地块无供应方式字段（供地方式、供应方式、出让方式 …，或 --method-field）：分方式执行情况无法统计。")
    return Execution(cells, periods, methods, notes, dict(fields), bool(plan.methods_ha), bool(plan.schedule_ha),
                     year)


def _rows(rows: list[int], most: int = 10) -> str:
    """1-based input rows, the first ``most`` of them."""
    text = "、".join(str(r + 1) for r in rows[:most])
    return text + (f" 等 {len(rows)} 行" if len(rows) > most else "")


def _periods(supplied: pd.DataFrame, plan, notes: list[str]) -> pd.DataFrame:
    """Per period of the plan's 时序, else per quarter (planned NaN, the notes say why)."""
    schedule = {p: float(v) for p, v in plan.schedule_ha.items()}
    if not schedule:
        notes.append("计划未列供应时序（分季度或分月安排）：分季度只列已供应面积，无计划数与执行率。")
    names = list(schedule) or [quarter_of_month(m) for m in (1, 4, 7, 10)]
    months = supplied["date"].map(lambda d: d.month)
    out = []
    for name in names:
        inside = supplied[months.isin(period_months(name))]
        out.append({"period": name, "planned_ha": schedule.get(name, np.nan),
                    "supplied_ha": float(inside["ha"].sum()), "n_parcels": float(inside["n"].sum())})
    covered = {m for p in names for m in period_months(p)}
    if schedule and len(covered) < 12:
        rest = supplied[~months.isin(covered)]
        if len(rest):
            out.append({"period": "计划时序以外", "planned_ha": np.nan, "supplied_ha": float(rest["ha"].sum()),
                        "n_parcels": float(rest["n"].sum())})
    df = pd.DataFrame(out)
    df["n_parcels"] = df["n_parcels"].round().astype(int)
    df["rate"] = _rate(df["supplied_ha"], df["planned_ha"])
    return df[["period", "planned_ha", "supplied_ha", "rate", "n_parcels"]]


def _methods(supplied: pd.DataFrame, plan, notes: list[str], column: str) -> pd.DataFrame:
    """Per supply method: the plan's methods first, then the parcels' (unknown words kept as written)."""
    planned = {m: float(v) for m, v in plan.methods_ha.items()}
    if not planned:
        notes.append("计划未列供应方式（出让、划拨 …）：分方式只列已供应面积，无计划数与执行率。")
    empty = "（未填供应方式）"
    method = supplied["method"].fillna(empty)
    known = [m for m in METHODS if m in set(method)]
    others = sorted(set(method) - set(METHODS) - {empty})
    if others:
        notes.append(f"“{column}”中未识别的供应方式按原文列出：{'、'.join(others)}。")
    names = list(dict.fromkeys([*planned, *known, *others, *([empty] if empty in set(method) else [])]))
    out = [{"method": m, "planned_ha": planned.get(m, np.nan),
            "supplied_ha": float(supplied.loc[method == m, "ha"].sum()),
            "n_parcels": int(round(float(supplied.loc[method == m, "n"].sum())))} for m in names]
    df = pd.DataFrame(out, columns=["method", "planned_ha", "supplied_ha", "n_parcels"])
    df["rate"] = _rate(df["supplied_ha"], df["planned_ha"])
    return df[["method", "planned_ha", "supplied_ha", "rate", "n_parcels"]]
