"""Parcel area per township × category against the plan's allocations.

:func:`booked` sums one partition (or all rows); sums of partitions add up, so the dask engine
reconciles from per-partition sums and never collects rows. :func:`reconcile` compares them with the
plan and records the findings.
"""

from __future__ import annotations

import json
from decimal import Decimal

import numpy as np
import pandas as pd

from landgis.catalog import table, text
from landgis.categories import lookup
from landgis.county import TownshipRegistry
from landgis.figures import township_figures
from landgis.qa.checks import fmt_ha
from landgis.qa.labels import finding

__all__ = ["QUOTA_COLUMNS", "BASIS", "BASIS_EN", "LEFT_OUT_REASONS", "booked", "combine", "reconcile", "repeated_rows",
           "contributions", "repeats_taken_out", "planned_ha"]

#: Columns of :attr:`landgis.qa.QAResult.quota`, in order. ``booked_ha`` and ``n_parcels`` count parcels
#: where they lie, with their drawn area; ``declared_ha`` and ``n_declared`` as declared (township and
#: stated area), for comparison.
QUOTA_COLUMNS: tuple[str, ...] = (
    "township", "category", "category_code", "allocated_ha", "booked_ha", "difference_ha",
    "used_share", "n_parcels", "declared_ha", "n_declared", "status",
)
_SUMS = ["booked_ha", "n_parcels", "declared_ha", "n_declared"]
_BOOKED = ["township", "category", *_SUMS]
_LEFT = "〈未计入〉"  # pseudo township of the parcels that count nowhere (they add up like the rest)
#: Why a parcel counts nowhere, as said in the quota files.
LEFT_OUT_REASONS = table("qa.left_out", "zh")
#: The basis of ``booked_ha``, as written in the quota files.
BASIS = text("qa.basis", "zh")
#: The same in English (``--lang en``).
BASIS_EN = text("qa.basis", "en")


def _located(added: pd.DataFrame, duplicates) -> dict:
    """The located records of :func:`booked`: row position ``i``, township (or a left-out marker),
    category, hectares and parcels, as arrays."""
    n = len(added)
    cat = added["category_booked"].to_numpy(dtype=object)
    found = added["township_found"].to_numpy(dtype=object)
    area = added["area_ha"].to_numpy(dtype=float)
    stated = added["stated_ha"].to_numpy(dtype=float)
    drawn = np.where(np.isfinite(area), area, np.where(np.isfinite(stated), stated, 0.0))
    geom = added["geometry"] if "geometry" in added else pd.Series([None] * n)
    no_geom = pd.isna(geom).to_numpy()
    dup = np.isin(added.index.to_numpy(), np.asarray(list(duplicates), dtype=np.int64))
    reason = np.select([no_geom, pd.isna(found), dup], ["no_geometry", "outside", "duplicate"], "")
    counted = (reason == "") & pd.notna(cat)
    shares = added["township_shares"].to_numpy(dtype=object) if "township_shares" in added else np.full(n, None)
    rows, town, cats, ha, count = [], [], [], [], []
    for i in np.flatnonzero(counted):
        if isinstance(shares[i], str):
            for t, share in json.loads(shares[i]).items():
                rows.append(i), town.append(t), cats.append(cat[i]), ha.append(drawn[i] * share)
                count.append(float(t == found[i]))
        else:
            rows.append(i), town.append(found[i]), cats.append(cat[i]), ha.append(drawn[i]), count.append(1.0)
    left = np.flatnonzero(reason != "")
    rows += left.tolist()
    town += [_LEFT + r for r in reason[left]]
    cats += [""] * len(left)
    ha += drawn[left].tolist()
    count += [1.0] * len(left)
    return {"i": np.asarray(rows, dtype=np.int64), "township": np.asarray(town, dtype=object),
            "category": np.asarray(cats, dtype=object), "booked_ha": np.asarray(ha, dtype=float),
            "n_parcels": np.asarray(count, dtype=float)}


def booked(added: pd.DataFrame, duplicates=()) -> pd.DataFrame:
    """Hectares and parcel count per (township, category) where the parcels lie, and as declared.

    ``booked_ha``: a parcel counts in the township it lies in with its drawn area (a polygon in several
    townships by its area in each; a point, having no drawn area, by its stated area); parcels outside
    the county, without a usable geometry, or repeating another's geometry (``duplicates``: their input
    rows) count nowhere, in rows whose township is a ``left out`` marker (see :func:`reconcile`).
    ``declared_ha``: the stated area (else the drawn one) under the declared township (else the found one).

    Examples
    --------
    >>> added = pd.DataFrame({"stated_ha": [1.0, np.nan, 5.0], "area_ha": [0.9, 2.0, 4.0],
    ...                       "township_declared": ["甲镇", None, "甲镇"], "township_found": ["甲镇", "乙镇", None],
    ...                       "township_shares": [None, '{"乙镇": 0.75, "甲镇": 0.25}', None],
    ...                       "category_booked": ["住宅用地"] * 3, "geometry": ["g", "g", "g"]})
    >>> b = booked(added)
    >>> b[~b["township"].str.startswith("〈")][["township", "booked_ha", "n_parcels", "declared_ha"]].values.tolist()
    [['乙镇', 1.5, 1.0, 2.0], ['甲镇', 1.4, 1.0, 6.0]]
    """
    rec = _located(added, duplicates)
    where = pd.DataFrame({k: rec[k] for k in ("township", "category", "booked_ha", "n_parcels")})
    declared_ha = added["stated_ha"].where(added["stated_ha"].notna(), added["area_ha"])
    declared_town = added["township_declared"].where(added["township_declared"].notna(), added["township_found"])
    dec = pd.DataFrame({"township": declared_town, "category": added["category_booked"],
                        "declared_ha": declared_ha.fillna(0.0), "n_declared": 1.0}).dropna(subset=["township", "category"])
    out = pd.concat([where, dec], ignore_index=True)
    if out.empty:
        return pd.DataFrame(columns=_BOOKED)
    return out.groupby(["township", "category"], sort=True, as_index=False)[_SUMS].sum(min_count=0)


def contributions(added: pd.DataFrame) -> list:
    """What each row adds to :func:`booked`'s located columns, as JSON text ``{"ha": drawn, "items":
    [[township, category, ha, parcels], …]}`` (None for a row that counts nowhere anyway): for taking
    repeats out later (the dask engine finds them across partitions)."""
    rec = _located(added, ())
    area = added["area_ha"].to_numpy(dtype=float)
    stated = added["stated_ha"].to_numpy(dtype=float)
    drawn = np.where(np.isfinite(area), area, np.where(np.isfinite(stated), stated, 0.0))
    out: list = [None] * len(added)
    keep = ~pd.Series(rec["township"]).astype(str).str.startswith(_LEFT).to_numpy()
    by_row: dict = {}
    for i, t, c, ha, n in zip(rec["i"][keep], rec["township"][keep], rec["category"][keep], rec["booked_ha"][keep],
                              rec["n_parcels"][keep]):
        by_row.setdefault(int(i), []).append([t, c, float(ha), float(n)])
    geom = added["geometry"] if "geometry" in added else pd.Series([None] * len(added))
    placed = pd.notna(geom).to_numpy() & pd.notna(added["township_found"]).to_numpy()
    for i in np.flatnonzero(placed):  # a repeat counts as left out even without a category, as in booked()
        out[i] = json.dumps({"ha": float(drawn[i]), "items": by_row.get(int(i), [])}, ensure_ascii=False)
    return out


def repeats_taken_out(rows: list) -> pd.DataFrame:
    """A :func:`booked`-like table that takes the given :func:`contributions` out of the located columns
    and counts those parcels as left out (repeats)."""
    recs = []
    for text in rows:
        if not isinstance(text, str) or not text:  # None (NaN after Parquet): the row counts nowhere anyway
            continue
        row = json.loads(text)
        for t, c, ha, n in row["items"]:
            recs.append((t, c, -ha, -n, 0.0, 0.0))
        recs.append((_LEFT + "duplicate", "", row["ha"], 1.0, 0.0, 0.0))
    return pd.DataFrame(recs, columns=_BOOKED)


def repeated_rows(added: pd.DataFrame) -> np.ndarray:
    """Input rows whose geometry repeats an earlier row's exactly (the first of each group is not one)."""
    key = added["geom_key"]
    return added.index[key.notna() & key.duplicated(keep="first")].to_numpy()


def combine(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Sum the :func:`booked` tables of several partitions."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=_BOOKED)
    return pd.concat(parts).groupby(["township", "category"], sort=True, as_index=False)[_SUMS].sum()


def reconcile(got: pd.DataFrame, plan, findings: list[dict], registry: TownshipRegistry) -> pd.DataFrame:
    """The quota table: the plan's cells in plan order, then cells only the parcels have (sorted).

    Parameters
    ----------
    got : pandas.DataFrame
        From :func:`booked` or :func:`combine`.
    plan : landgis.plan.Plan or None
    findings : list of dict
        ``quota_over``, ``quota_under`` and ``category_not_in_plan`` findings are appended.
    registry : landgis.county.TownshipRegistry
        The county's registry: the plan's township names are resolved through it.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`QUOTA_COLUMNS`; ``attrs["allocated_ha"]`` is what the plan places in townships
        (:func:`planned_ha`), which the summaries state.
    """
    alloc, plan_cats = _allocations(plan, registry)
    marked = got["township"].astype(str).str.startswith(_LEFT) if len(got) else pd.Series([], dtype=bool)
    left = got[marked]
    got = got[~marked]
    left_out = {r: {"n": 0, "ha": 0.0} for r in LEFT_OUT_REASONS}
    for t, n, ha in zip(left["township"], left["n_parcels"], left["booked_ha"]):
        left_out[t[len(_LEFT):]] = {"n": int(n), "ha": float(ha)}
    q = alloc.merge(got, on=["township", "category"], how="outer", sort=False, indicator=True)
    q = pd.concat([q[q["_merge"] != "right_only"],
                   q[q["_merge"] == "right_only"].sort_values(["township", "category"])]).drop(columns="_merge")
    q["allocated_ha"] = q["allocated_ha"].astype(float).fillna(0.0)
    q["booked_ha"] = q["booked_ha"].astype(float).fillna(0.0)
    q["n_parcels"] = q["n_parcels"].fillna(0).astype(int)
    q["declared_ha"] = q["declared_ha"].astype(float).fillna(0.0)
    q["n_declared"] = q["n_declared"].fillna(0).astype(int)
    q["category_code"] = [c if isinstance(c, str) and c else (getattr(lookup(k), "code", "") or "")
                          for c, k in zip(q["category_code"], q["category"])]
    q["difference_ha"] = q["booked_ha"] - q["allocated_ha"]
    q["used_share"] = q["booked_ha"] / q["allocated_ha"].where(q["allocated_ha"] > 0)  # NaN: nothing allocated
    eps = 1e-6
    if plan is None:
        q["status"] = "not_in_plan"
    else:
        q["status"] = np.select([~q["category"].isin(plan_cats), q["difference_ha"] > eps,
                                 q["difference_ha"] < -eps], ["not_in_plan", "over", "under"], "full")
        _record(q, findings)
    q = q[list(QUOTA_COLUMNS)].reset_index(drop=True)
    q.attrs["basis"] = BASIS
    q.attrs["left_out"] = left_out
    q.attrs["allocated_ha"] = planned_ha(plan)
    return q


def planned_ha(plan) -> float:
    """What the plan places in townships, in hectares: 乡镇合计 of :mod:`landgis.figures` (a township's
    stated total, else the sum of its categories), which can exceed the sum of the quota's cells.

    Examples
    --------
    >>> from landgis.plan import parse_plan
    >>> planned_ha(parse_plan("某县2026年度国有建设用地供应计划\\n供应总量9公顷。\\n"
    ...                       "城关镇供应量为6公顷，其中住宅用地5公顷；河口镇住宅用地3公顷。"))
    9.0
    """
    return 0.0 if plan is None else float(sum(township_figures(plan).values(), Decimal(0)))


def _allocations(plan, registry: TownshipRegistry):
    if plan is None:
        return pd.DataFrame(columns=["township", "category", "category_code", "allocated_ha"]), set()
    a = plan.allocations
    alloc = pd.DataFrame({"township": [registry.resolve(t) or t for t in a["township"]],
                          "category": a["category"], "category_code": a["category_code"],
                          "allocated_ha": a["hectares"].astype(float)})
    alloc = alloc.groupby(["township", "category"], sort=False, as_index=False).agg(
        category_code=("category_code", "first"), allocated_ha=("allocated_ha", "sum"))
    return alloc, set(alloc["category"])


def _parcels(n: int, ha: float) -> str:
    """How many parcels, as said in a quota finding (area but no parcel: parts of parcels lying mainly elsewhere)."""
    return "仅有跨乡镇地块的一部分" if n == 0 and ha > 0 else f"{n} 宗"


def _record(q: pd.DataFrame, findings: list[dict]) -> None:
    for r in q.itertuples():
        common = dict(declared=r.township, category=r.category, booked_ha=r.booked_ha, n_parcels=r.n_parcels)
        if r.status == "not_in_plan":
            finding(findings, None, None, "category_not_in_plan",
                    f"{r.township}{r.category}：计划未安排该类用地，地块已占 {fmt_ha(r.booked_ha)}（{_parcels(r.n_parcels, r.booked_ha)}）",
                    allocated_ha=0.0, **common)
        elif r.status == "over":
            finding(findings, None, None, "quota_over",
                    f"{r.township}{r.category}超出计划：按实际位置，地块 {fmt_ha(r.booked_ha)}（{_parcels(r.n_parcels, r.booked_ha)}），"
                    f"计划 {fmt_ha(r.allocated_ha)}，超出 {fmt_ha(r.difference_ha)}",
                    allocated_ha=r.allocated_ha, difference_ha=r.difference_ha, **common)
        elif r.status == "under":
            finding(findings, None, None, "quota_under",
                    f"{r.township}{r.category}尚未用足：按实际位置，地块 {fmt_ha(r.booked_ha)}（{_parcels(r.n_parcels, r.booked_ha)}），"
                    f"计划 {fmt_ha(r.allocated_ha)}，剩余 {fmt_ha(-r.difference_ha)}",
                    allocated_ha=r.allocated_ha, difference_ha=r.difference_ha, **common)
