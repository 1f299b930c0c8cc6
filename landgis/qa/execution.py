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
from landgis.qa.labels import EXECUTION_HEADERS, EXECUTION_WORDS_EN
from landgis.units import PRECISION, UNIT_LABELS, UNIT_LABELS_EN, factor, unit_key
from landgis.qa.parcels import _pick
from landgis.qa.quota import _LEFT, _allocations, _located

__all__ = ["DATE_NAMES", "METHOD_NAMES", "NOTES", "execution_table", "rate_text", "Execution", "find_supply_fields", "execution",
           "execution_records", "execution_sums", "combine_sums", "execution_from_sums", "parse_date"]

#: Headers of a parcel's supply date, most specific first (compared like the other fields).
DATE_NAMES = ("供地日期", "供应日期", "合同签订日期", "签订日期", "出让合同签订日期", "成交日期", "出让日期",
              "划拨日期", "批准日期", "供地时间", "供应时间", "签订时间", "supply_date", "date", "gdrq", "qdrq")
#: Headers of a parcel's supply method.
METHOD_NAMES = ("供地方式", "供应方式", "出让方式", "土地供应方式", "取得方式", "土地取得方式", "supply_method",
                "method", "gdfs", "gyfs", "crfs")
#: The notes of the execution tables, by language (``{col}`` is a parcel column, ``{rows}`` 1-based rows).
NOTES: dict[str, dict[str, str]] = {
    "zh": {
        "basis_date": "已供应地块：“{col}”在{year}年度内的地块，按实际所在乡镇和图形面积统计（跨乡镇地块按面积分摊；"
                      "县界外、无几何及重复的地块不计入）。",
        "basis_no_date": "地块无供地日期字段（供地日期、供应日期、签订日期 …，或 --date-field）：全部地块视为已供应，"
                         "按实际所在乡镇和图形面积统计；分季度执行情况无法统计。",
        "no_date": "“{col}”为空的 {n} 宗视为尚未供应，不计入。",
        "other_year": "“{col}”不在 {year} 年度的 {n} 宗不计入（行号 {rows}）。",
        "bad_date": "“{col}”无法识别为日期的 {n} 宗不计入（行号 {rows}）。",
        "no_method_field": "地块无供应方式字段（供地方式、供应方式、出让方式 …，或 --method-field）：分方式执行情况无法统计。",
        "plan_no_schedule": "计划未列供应时序（分季度或分月安排）：分季度只列已供应面积，无计划数与执行率。",
        "plan_no_methods": "计划未列供应方式（出让、划拨 …）：分方式只列已供应面积，无计划数与执行率。",
        "other_methods": "“{col}”中未识别的供应方式按原文列出：{values}。",
    },
    "en": {
        "basis_date": "Supplied: parcels whose '{col}' falls in {year}, counted where they lie with their drawn area "
                      "(a parcel across townships shared by area; parcels outside the county, without geometry or "
                      "duplicated left out).",
        "basis_no_date": "The parcels have no supply date field (供地日期, 供应日期, 签订日期 …, or --date-field): every "
                         "parcel is taken as supplied, counted where it lies with its drawn area; no figures by quarter.",
        "no_date": "{n} parcels with an empty '{col}' are taken as not yet supplied and left out.",
        "other_year": "{n} parcels whose '{col}' is not in {year} are left out (rows {rows}).",
        "bad_date": "{n} parcels whose '{col}' is no date are left out (rows {rows}).",
        "no_method_field": "The parcels have no supply method field (供地方式, 供应方式, 出让方式 …, or --method-field): "
                           "no figures by method.",
        "plan_no_schedule": "The plan gives no schedule (by quarter or month): by quarter only the supplied area is "
                            "given, with no planned figure or rate.",
        "plan_no_methods": "The plan gives no supply methods (出让, 划拨 …): by method only the supplied area is given, "
                           "with no planned figure or rate.",
        "other_methods": "Supply methods not recognised in '{col}' are listed as written: {values}.",
    },
}
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
    notes : list of (str, dict)
        What the comparison could not do or left out, the basis first: keys of :data:`NOTES` and their
        figures; :meth:`note_texts` gives them in words.
    fields : dict
        The date and method columns used (None where there was none).
    """

    cells: pd.DataFrame
    periods: pd.DataFrame | None
    methods: pd.DataFrame | None
    notes: list[tuple[str, dict]] = field(default_factory=list)
    fields: dict = field(default_factory=dict)
    plan_has_methods: bool = False
    plan_has_schedule: bool = False
    year: int | None = None

    def note_texts(self, lang: str = "zh") -> list[str]:
        """The notes in ``lang`` (``zh`` or ``en``)."""
        words = NOTES["en" if lang == "en" else "zh"]
        return [words[key].format(**params) for key, params in self.notes]


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


def execution_records(added: pd.DataFrame, inputs: pd.DataFrame, fields: dict, year: int | None,
                      duplicates=()) -> pd.DataFrame:
    """What each counted parcel adds to the execution: one record per township it lies in.

    Columns ``row`` (input row), ``township``, ``category``, ``ha``, ``n`` (as the quota counts them,
    :func:`landgis.qa.quota.booked`), ``status`` (``supplied``, ``no_date``, ``other_year`` or
    ``bad_date``; every counted parcel is ``supplied`` without a date field), ``month`` (1–12, 0 where
    unknown) and ``method`` (canonical, as written, or None). Parcels outside the county, without
    geometry or in ``duplicates`` (input rows) have no record. Records of separate partitions add up:
    :func:`execution_sums` of each, :func:`combine_sums`, then :func:`execution_from_sums`.

    Examples
    --------
    >>> added = pd.DataFrame({"stated_ha": [1.0], "area_ha": [0.9], "township_found": ["甲镇"],
    ...                       "category_booked": ["住宅用地"], "geometry": ["g"]}, index=[7])
    >>> inputs = pd.DataFrame({"供地日期": ["2026-05-03"], "供地方式": ["挂牌出让"]}, index=[7])
    >>> execution_records(added, inputs, {"date": "供地日期", "method": "供地方式"}, 2026).values.tolist()
    [[7, '甲镇', '住宅用地', 0.9, 1.0, 'supplied', 5, '出让']]
    """
    rec = _located(added, duplicates)
    keep = ~pd.Series(rec["township"], dtype=object).astype(str).str.startswith(_LEFT).to_numpy()
    rows = added.index.to_numpy()[rec["i"][keep]].astype(np.int64)
    out = pd.DataFrame({"row": rows, "township": rec["township"][keep], "category": rec["category"][keep],
                        "ha": rec["booked_ha"][keep].astype(float), "n": rec["n_parcels"][keep].astype(float)})
    date_col, method_col = fields.get("date"), fields.get("method")
    counted = sorted(set(rows.tolist()))
    status, month = {}, {}
    for r in counted:
        status[r], month[r] = "supplied", 0
        if not date_col:
            continue
        try:
            d = parse_date(inputs.at[r, date_col])
        except ValueError:
            status[r] = "bad_date"
            continue
        if d is None:
            status[r] = "no_date"
        elif year and d.year != year:
            status[r] = "other_year"
        else:
            month[r] = d.month
    out["status"] = out["row"].map(status).astype(object)
    out["month"] = out["row"].map(month).astype(np.int64)
    methods = dict(zip(counted, _methods_of(inputs.loc[counted, method_col]))) if method_col else {}
    out["method"] = out["row"].map(lambda r: methods.get(r)).astype(object)
    return out


#: The input rows a note names, at most (one more tells that there are more).
_NOTE_ROWS = 10


def execution_sums(records: pd.DataFrame) -> dict:
    """The supplied sums of :func:`execution_records` (per township × category, month and method) and,
    per status, how many parcels and the first of their rows: small, whatever the number of parcels.

    Examples
    --------
    >>> rec = pd.DataFrame({"row": [0, 1], "township": ["甲镇", "甲镇"], "category": ["住宅用地"] * 2,
    ...                     "ha": [1.0, 2.0], "n": [1.0, 1.0], "status": ["supplied", "no_date"],
    ...                     "month": [3, 0], "method": ["出让", None]})
    >>> s = execution_sums(rec)
    >>> s["cells"].values.tolist(), s["status"]["no_date"]
    ([['甲镇', '住宅用地', 1.0, 1.0]], (1, [1]))
    """
    supplied = records[records["status"] == "supplied"]
    cells = supplied.groupby(["township", "category"], sort=True, as_index=False).agg(
        supplied_ha=("ha", "sum"), n_parcels=("n", "sum"))
    months = supplied.groupby("month", sort=True, as_index=False).agg(ha=("ha", "sum"), n=("n", "sum"),
                                                                       records=("ha", "size"))
    methods = supplied.assign(method=supplied["method"].fillna(_NO_METHOD)).groupby(
        "method", sort=True, as_index=False).agg(ha=("ha", "sum"), n=("n", "sum"))
    by_row = records.drop_duplicates("row")
    status = {}
    for key in ("no_date", "other_year", "bad_date"):
        rows = np.sort(by_row.loc[by_row["status"] == key, "row"].to_numpy(dtype=np.int64))
        status[key] = (len(rows), rows[:_NOTE_ROWS + 1].tolist())
    return {"cells": cells, "months": months, "methods": methods, "status": status}


def combine_sums(parts: list[dict]) -> dict:
    """Add up the :func:`execution_sums` of several partitions (the reduce of the dask engine)."""
    if not parts:  # no parcel at all
        return execution_sums(pd.DataFrame({"row": pd.Series([], dtype=np.int64), "township": [], "category": [],
                                            "ha": [], "n": [], "status": [], "month": pd.Series([], dtype=np.int64),
                                            "method": []}))

    def add(key: str, by: list[str]) -> pd.DataFrame:
        frames = [p[key] for p in parts if len(p[key])] or [parts[0][key]]
        return pd.concat(frames, ignore_index=True).groupby(by, sort=True, as_index=False).sum()

    status = {}
    for key in parts[0]["status"]:
        rows = sorted(r for p in parts for r in p["status"][key][1])
        status[key] = (sum(p["status"][key][0] for p in parts), rows[:_NOTE_ROWS + 1])
    return {"cells": add("cells", ["township", "category"]), "months": add("months", ["month"]),
            "methods": add("methods", ["method"]), "status": status}


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
    records = execution_records(added, inputs, fields, getattr(plan, "year", None), duplicates)
    return execution_from_sums(execution_sums(records), fields, plan, registry)


def execution_from_sums(sums: dict, fields: dict, plan, registry) -> Execution:
    """The execution from the added-up :func:`execution_sums` of every parcel (see :func:`execution`)."""
    notes: list[tuple[str, dict]] = []
    year = getattr(plan, "year", None)
    date_col, method_col = fields.get("date"), fields.get("method")
    if date_col:
        notes.append(("basis_date", {"col": date_col, "year": year or ""}))
        for key, note in (("no_date", "no_date"), ("other_year", "other_year"), ("bad_date", "bad_date")):
            n, rows = sums["status"][key]
            if n:
                params = {"col": date_col, "n": n}
                if key != "no_date":
                    params |= {"rows": _rows(rows, more=n > _NOTE_ROWS)}
                if key == "other_year":
                    params["year"] = year
                notes.append((note, params))
    else:
        notes.append(("basis_no_date", {}))
    alloc, _ = _allocations(plan, registry)
    got = sums["cells"]
    planned = alloc.drop(columns="category_code").rename(columns={"allocated_ha": "planned_ha"})
    keys = ["township", "category"]
    extra = got.merge(planned[keys], on=keys, how="left", indicator=True)
    cells = pd.concat([planned.merge(got, on=keys, how="left"),  # the plan's cells in plan order, then the others
                       extra[extra["_merge"] == "left_only"].drop(columns="_merge")], ignore_index=True)
    cells["planned_ha"] = cells["planned_ha"].astype(float).fillna(0.0)
    cells["supplied_ha"] = cells["supplied_ha"].astype(float).fillna(0.0)
    cells["n_parcels"] = cells["n_parcels"].astype(float).fillna(0).round().astype(int)
    cells["rate"] = _rate(cells["supplied_ha"], cells["planned_ha"])
    cells = cells[["township", "category", "planned_ha", "supplied_ha", "rate", "n_parcels"]].reset_index(drop=True)

    periods = _periods(sums["months"], plan, notes) if date_col else None
    if method_col:
        methods = _methods(sums["methods"], plan, notes, method_col)
    else:
        methods = None
        notes.append(("no_method_field", {}))
    return Execution(cells, periods, methods, notes, dict(fields), bool(plan.methods_ha), bool(plan.schedule_ha),
                     year)


def _rows(rows: list[int], most: int = _NOTE_ROWS, more: bool = False) -> str:
    """1-based input rows, the first ``most`` of them."""
    text = ", ".join(str(r + 1) for r in rows[:most])
    return text + (" …" if more or len(rows) > most else "")


def _periods(months: pd.DataFrame, plan, notes: list) -> pd.DataFrame:
    """Per period of the plan's 时序, else per quarter (planned NaN, the notes say why), from the sums by month."""
    schedule = {p: float(v) for p, v in plan.schedule_ha.items()}
    if not schedule:
        notes.append(("plan_no_schedule", {}))
    names = list(schedule) or [quarter_of_month(m) for m in (1, 4, 7, 10)]
    out = []
    for name in names:
        inside = months[months["month"].isin(period_months(name))]
        out.append({"period": name, "planned_ha": schedule.get(name, np.nan),
                    "supplied_ha": float(inside["ha"].sum()), "n_parcels": float(inside["n"].sum())})
    covered = {m for p in names for m in period_months(p)}
    if schedule and len(covered) < 12:
        rest = months[~months["month"].isin(covered)]
        if rest["records"].sum():
            out.append({"period": "计划时序以外", "planned_ha": np.nan, "supplied_ha": float(rest["ha"].sum()),
                        "n_parcels": float(rest["n"].sum())})
    df = pd.DataFrame(out)
    df["n_parcels"] = df["n_parcels"].round().astype(int)
    df["rate"] = _rate(df["supplied_ha"], df["planned_ha"])
    return df[["period", "planned_ha", "supplied_ha", "rate", "n_parcels"]]


_NO_METHOD = "（未填供应方式）"


def _methods(sums: pd.DataFrame, plan, notes: list, column: str) -> pd.DataFrame:
    """Per supply method: the plan's methods first, then the parcels' (unknown words kept as written)."""
    planned = {m: float(v) for m, v in plan.methods_ha.items()}
    if not planned:
        notes.append(("plan_no_methods", {}))
    given = set(sums["method"])
    known = [m for m in METHODS if m in given]
    others = sorted(given - set(METHODS) - {_NO_METHOD})
    if others:
        notes.append(("other_methods", {"col": column, "values": "、".join(others)}))
    names = list(dict.fromkeys([*planned, *known, *others, *([_NO_METHOD] if _NO_METHOD in given else [])]))
    by = sums.set_index("method")
    out = [{"method": m, "planned_ha": planned.get(m, np.nan),
            "supplied_ha": float(by.at[m, "ha"]) if m in given else 0.0,
            "n_parcels": int(round(float(by.at[m, "n"]))) if m in given else 0} for m in names]
    df = pd.DataFrame(out, columns=["method", "planned_ha", "supplied_ha", "n_parcels"])
    df["rate"] = _rate(df["supplied_ha"], df["planned_ha"])
    return df[["method", "planned_ha", "supplied_ha", "rate", "n_parcels"]]


def execution_table(ex: Execution, lang: str = "zh", unit: str = "ha", exact: bool = False) -> pd.DataFrame:
    """The execution as one table for people: a block per comparison (分乡镇分类, 分时段, 分供应方式),
    each closed by a 合计 row; areas in ``unit`` at table precision, the rate to 4 places, and a
    note where the plan gives no figure (never a zero). ``exact``: areas and rates unrounded (for writers
    that format them, so that nothing is rounded twice).

    Examples
    --------
    >>> cells = pd.DataFrame({"township": ["甲镇"], "category": ["住宅用地"], "planned_ha": [2.0],
    ...                       "supplied_ha": [0.5], "rate": [0.25], "n_parcels": [1]})
    >>> t = execution_table(Execution(cells, None, None))
    >>> t.iloc[:, :9].values.tolist()[0]
    ['分乡镇分类', '甲镇', '住宅用地', None, None, 2.0, 0.5, 0.25, 1]
    """

    lang = "en" if lang == "en" else "zh"
    unit = unit_key(unit)
    h = EXECUTION_HEADERS[lang]
    word = (lambda v: EXECUTION_WORDS_EN.get(v, v)) if lang == "en" else (lambda v: v)
    rows = []
    for key, df, name_cols in (("cells", ex.cells, ("township", "category")), ("periods", ex.periods, ("period",)),
                               ("methods", ex.methods, ("method",))):
        if df is None:
            continue
        for r in df.itertuples():
            row = {"table": h[key], **{c: word(getattr(r, c)) for c in name_cols}, "planned_ha": r.planned_ha,
                   "supplied_ha": r.supplied_ha, "rate": r.rate, "n_parcels": int(r.n_parcels),
                   "note": h["not_given"] if pd.isna(r.planned_ha) else None}
            rows.append(row)
        planned = df["planned_ha"].dropna()
        total_planned = float(planned.sum()) if len(planned) else np.nan
        supplied = float(df["supplied_ha"].sum())
        rows.append({"table": h[key], name_cols[0]: h["total"], "planned_ha": total_planned, "supplied_ha": supplied,
                     "rate": supplied / total_planned if total_planned and total_planned > 0 else np.nan,
                     "n_parcels": int(df["n_parcels"].sum()),
                     "note": h["not_given"] if pd.isna(total_planned) else None})
    cols = ["table", "township", "category", "period", "method", "planned_ha", "supplied_ha", "rate", "n_parcels",
            "note"]
    out = pd.DataFrame(rows, columns=cols).astype({"township": object, "category": object, "period": object,
                                                   "method": object, "note": object})
    out = out.where(out.notna(), None).astype({"planned_ha": float, "supplied_ha": float, "rate": float})
    places = PRECISION[unit]["table"]
    for col in ("planned_ha", "supplied_ha"):
        out[col] = [v if pd.isna(v) else v * factor(unit) if exact else float(f"{v * factor(unit):.{places}f}")
                    for v in out[col]]
    out["rate"] = [v if pd.isna(v) or exact else float(f"{v:.4f}") for v in out["rate"]]
    out["n_parcels"] = out["n_parcels"].astype("Int64")
    u = UNIT_LABELS_EN[unit] if lang == "en" else UNIT_LABELS[unit]
    return out.rename(columns={k: h[k].format(u=u) for k in cols})


def rate_text(rate) -> str:
    """An execution rate as people read it: ``21.7%``, or ``–`` where there is none.

    Examples
    --------
    >>> rate_text(0.217279), rate_text(float("nan")), rate_text(None)
    ('21.7%', '–', '–')
    """
    return "–" if rate is None or pd.isna(rate) else f"{rate * 100:.1f}%"
