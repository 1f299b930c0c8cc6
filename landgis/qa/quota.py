"""Parcel area per township × category against the plan's allocations.

:func:`booked` sums one partition (or all rows); sums of partitions add up, so the dask engine
reconciles from per-partition sums and never collects rows. :func:`reconcile` compares them with the
plan and records the findings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from landgis.categories import lookup
from landgis.names import TownshipRegistry
from landgis.qa.checks import fmt_ha
from landgis.qa.labels import finding

__all__ = ["QUOTA_COLUMNS", "booked", "combine", "reconcile"]

#: Columns of :attr:`landgis.qa.QAResult.quota`, in order.
QUOTA_COLUMNS: tuple[str, ...] = (
    "township", "category", "category_code", "allocated_ha", "booked_ha", "difference_ha",
    "used_share", "n_parcels", "status",
)
_BOOKED = ["township", "category", "booked_ha", "n_parcels"]


def booked(added: pd.DataFrame) -> pd.DataFrame:
    """Booked hectares and parcel count per (township, category) of checked rows.

    The stated area counts where there is one, else the geometry's; the declared township where it is
    known, else the one the parcel lies in. Rows without a township or category are not booked.

    Examples
    --------
    >>> added = pd.DataFrame({"stated_ha": [1.0, np.nan], "area_ha": [9.0, 2.0],
    ...                       "township_declared": ["甲镇", None], "township_found": ["甲镇", "甲镇"],
    ...                       "category_booked": ["住宅用地", "住宅用地"]})
    >>> booked(added)[["booked_ha", "n_parcels"]].values.tolist()
    [[3.0, 2.0]]
    """
    ha = added["stated_ha"].where(added["stated_ha"].notna(), added["area_ha"])
    township = added["township_declared"].where(added["township_declared"].notna(), added["township_found"])
    book = pd.DataFrame({"township": township, "category": added["category_booked"], "ha": ha.fillna(0.0)})
    book = book.dropna(subset=["township", "category"])
    return book.groupby(["township", "category"], sort=True).agg(
        booked_ha=("ha", "sum"), n_parcels=("ha", "size")).reset_index().astype({"n_parcels": float})


def combine(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Sum the :func:`booked` tables of several partitions."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=_BOOKED)
    return pd.concat(parts).groupby(["township", "category"], sort=True, as_index=False)[
        ["booked_ha", "n_parcels"]].sum()


def reconcile(got: pd.DataFrame, plan, findings: list[dict], registry: TownshipRegistry) -> pd.DataFrame:
    """The quota table: the plan's cells in plan order, then cells only the parcels have (sorted).

    Parameters
    ----------
    got : pandas.DataFrame
        From :func:`booked` or :func:`combine`.
    plan : landgis.plan.Plan or None
    findings : list of dict
        ``quota_over``, ``quota_under`` and ``category_not_in_plan`` findings are appended.
    registry : landgis.names.TownshipRegistry
        The county's registry: the plan's township names are resolved through it.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`QUOTA_COLUMNS`.
    """
    alloc, plan_cats = _allocations(plan, registry)
    q = alloc.merge(got, on=["township", "category"], how="outer", sort=False, indicator=True)
    q = pd.concat([q[q["_merge"] != "right_only"],
                   q[q["_merge"] == "right_only"].sort_values(["township", "category"])]).drop(columns="_merge")
    q["allocated_ha"] = q["allocated_ha"].astype(float).fillna(0.0)
    q["booked_ha"] = q["booked_ha"].astype(float).fillna(0.0)
    q["n_parcels"] = q["n_parcels"].fillna(0).astype(int)
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
    return q[list(QUOTA_COLUMNS)].reset_index(drop=True)


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


def _record(q: pd.DataFrame, findings: list[dict]) -> None:
    for r in q.itertuples():
        common = dict(declared=r.township, category=r.category, booked_ha=r.booked_ha, n_parcels=r.n_parcels)
        if r.status == "not_in_plan":
            finding(findings, None, None, "category_not_in_plan",
                    f"{r.township}{r.category}：计划未安排该类用地，地块已占 {fmt_ha(r.booked_ha)}（{r.n_parcels} 宗）",
                    allocated_ha=0.0, **common)
        elif r.status == "over":
            finding(findings, None, None, "quota_over",
                    f"{r.township}{r.category}超出计划：地块 {fmt_ha(r.booked_ha)}（{r.n_parcels} 宗），"
                    f"计划 {fmt_ha(r.allocated_ha)}，超出 {fmt_ha(r.difference_ha)}",
                    allocated_ha=r.allocated_ha, difference_ha=r.difference_ha, **common)
        elif r.status == "under":
            finding(findings, None, None, "quota_under",
                    f"{r.township}{r.category}尚未用足：地块 {fmt_ha(r.booked_ha)}（{r.n_parcels} 宗），"
                    f"计划 {fmt_ha(r.allocated_ha)}，剩余 {fmt_ha(-r.difference_ha)}",
                    allocated_ha=r.allocated_ha, difference_ha=r.difference_ha, **common)
