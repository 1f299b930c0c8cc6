"""Findings across parcels: duplicate ids, duplicate geometries, overlaps, and overlaps grouped.

:func:`duplicate_ids` and :func:`duplicate_geometries` look across all rows (one finding per group, its
members listed); :func:`overlaps` finds the parcels that overlap, with exact areas; :func:`group_overlaps`
folds a parcel with many overlaps into one group finding. The checks of one row are :mod:`landgis.qa.checks`.
"""


import json

import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from landgis.limits import exceeded, limit
from landgis.qa.labels import GROUP_COLUMNS, finding
from landgis.qa.checks import Context, reproject, fmt_ha, pct, transformer, valid

__all__ = ["duplicate_ids", "duplicate_geometries", "overlaps", "group_overlaps", "MANY_OVERLAPS"]


_SHOWN = 5  # members named in a group's message; the list file has them all


def duplicate_ids(added: pd.DataFrame, findings: list[dict], members: list[pd.DataFrame] | None = None) -> None:
    """Rows sharing an id: one ``duplicate_id`` finding per group, on its first row.

    Parameters
    ----------
    added : pandas.DataFrame
        ``id_text`` and ``parcel_id``, indexed by input row, sorted.
    findings : list of dict
        Appended to: one finding per group, with ``group``, ``group_size`` and the first rows.
    members : list of pandas.DataFrame, optional
        Appended to: the members of each group (:data:`GROUP_COLUMNS`), for the list file and the
        per-parcel columns.
    """
    ids = added.loc[added["id_text"] != "", "id_text"]
    _groups(ids[ids.duplicated(keep=False)], added, "duplicate_id", findings, members,
            lambda pid, n, where: f"编号“{pid}”重复：共 {n} 个地块（第 {where} 行）")


def duplicate_geometries(added: pd.DataFrame, findings: list[dict], members: list[pd.DataFrame] | None = None) -> None:
    """Rows with the same geometry: one ``duplicate_geometry`` finding per group, on its first row.

    ``added``: ``geom_key`` and ``parcel_id``, indexed by input row, sorted; the rest as
    :func:`duplicate_ids`.
    """
    keys = added["geom_key"].dropna()
    _groups(keys[keys.duplicated(keep=False)], added, "duplicate_geometry", findings, members,
            lambda _, n, where: f"几何完全相同的地块共 {n} 个（第 {where} 行）")


def _groups(keys: pd.Series, added: pd.DataFrame, kind: str, findings: list, members: list | None, say) -> None:
    if not len(keys):
        return
    codes, _ = pd.factorize(keys, sort=False)
    order = np.lexsort((keys.index.to_numpy(), codes))  # by group, then input row
    rows = keys.index.to_numpy()[order]
    codes = codes[order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    sizes = np.diff(np.r_[starts, len(codes)])
    pids = added["parcel_id"].reindex(rows).to_numpy(dtype=object)
    for start, n in zip(starts, sizes):
        first = int(rows[start])
        shown = [int(r) + 1 for r in rows[start:start + min(int(n), _SHOWN)]]
        where = "、".join(map(str, shown)) + ("等；名单见 finding_groups.csv" if n > _SHOWN else "")
        finding(findings, first, pids[start], kind, say(keys.loc[first], int(n), where),
                group=f"{kind}:{first + 1}", group_size=int(n), input_rows=shown)
    if members is not None:
        firsts = np.repeat(rows[starts], sizes)
        members.append(pd.DataFrame({"group": [f"{kind}:{r + 1}" for r in firsts], "kind": kind,
                                     "group_size": np.repeat(sizes, sizes).astype(np.int64),
                                     "row": rows.astype(np.int64), "parcel_id": pids}))


def overlaps(added: pd.DataFrame, ctx: Context, findings: list[dict], other: pd.DataFrame | None = None) -> int:
    """Polygon parcels overlapping another by more than ``ctx.overlap_tolerance`` m².

    Candidates come from an STRtree query (``predicate="intersects"``), never all pairs; exact
    duplicates are left to :func:`duplicate_geometries`. Each pair gives one finding on each parcel,
    with the other's id and row, the overlap in m² and ha, and whether one lies inside the other.

    Parameters
    ----------
    added : pandas.DataFrame
        Indexed by input row: ``parcel_id``, ``geom_key`` and ``geometry`` (EPSG:4326).
    ctx : Context
    findings : list of dict
        Appended to.
    other : pandas.DataFrame, optional
        Only pairs between ``added`` and ``other`` (another partition's rows) are tested.

    Returns
    -------
    int
        Number of overlapping pairs found.
    """
    a = _polygons(added)
    b = a if other is None else _polygons(other)
    if not len(a) or not len(b):
        return 0
    ga = np.asarray(a["geometry"].values, dtype=object)
    gb = np.asarray(b["geometry"].values, dtype=object)
    ia, ib = _candidate_pairs(ga, gb, other is None, getattr(ctx, "source", "the parcels"))
    same = a["geom_key"].to_numpy(dtype=object)[ia] == b["geom_key"].to_numpy(dtype=object)[ib]
    ia, ib = ia[~same], ib[~same]
    if not len(ia):
        return 0
    to_area = transformer(CRS.from_epsg(4326), ctx.crs_area)
    pa = valid(reproject(ga[ia], to_area))
    pb = valid(reproject(gb[ib], to_area))
    area = shapely.area(shapely.intersection(pa, pb))
    big = area > ctx.overlap_tolerance
    pairs = pd.DataFrame({"ra": a.index.to_numpy()[ia][big], "rb": b.index.to_numpy()[ib][big],
                          "ida": a["parcel_id"].to_numpy()[ia][big], "idb": b["parcel_id"].to_numpy()[ib][big],
                          "area": area[big], "sa": area[big] / shapely.area(pa[big]),
                          "sb": area[big] / shapely.area(pb[big])})
    both = pd.concat([pairs, pairs.rename(columns={"ra": "rb", "rb": "ra", "ida": "idb", "idb": "ida",
                                                   "sa": "sb", "sb": "sa"})], ignore_index=True)
    for p in both.sort_values(["ra", "rb"]).itertuples():
        _overlap_finding(findings, p)
    return len(pairs)


MANY_OVERLAPS = 10
"""A parcel overlapping more others than this gets one ``overlaps_parcel`` finding for them all (the
others listed in ``finding_groups.csv``) instead of one finding per pair."""


def group_overlaps(fdf: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Replace the pair findings of a parcel that overlaps more than :data:`MANY_OVERLAPS` others by one.

    Parameters
    ----------
    fdf : pandas.DataFrame
        Findings (:data:`~landgis.qa.labels.FINDING_COLUMNS`) holding every ``overlaps_parcel`` finding of
        the parcels in it (all parcels, or one dask partition's).

    Returns
    -------
    (findings, members)
        The findings with each such parcel's pairs replaced by one finding (``group``, ``group_size``,
        the overlap in m² added up), and the other parcels of each group (:data:`GROUP_COLUMNS`).
    """
    empty = pd.DataFrame({c: pd.Series(dtype=np.int64 if c in ("row", "group_size") else object)
                          for c in GROUP_COLUMNS})
    ov = (fdf["kind"] == "overlaps_parcel").to_numpy()
    if not ov.any():
        return fdf, empty
    counts = fdf.loc[ov, "row"].value_counts()
    many = set(counts[counts > MANY_OVERLAPS].index)
    if not many:
        return fdf, empty
    sel = ov & fdf["row"].isin(many).to_numpy()
    pairs = fdf[sel]
    figs = pd.DataFrame([json.loads(f) for f in pairs["figures"]], index=pairs.index)
    new: list[dict] = []
    members = []
    for row, grp in pairs.groupby("row", sort=True):
        f = figs.loc[grp.index].sort_values("other_row", kind="stable")
        n, total = len(f), float(f["overlap_m2"].sum())
        group = f"overlaps_parcel:{int(row) + 1}"
        named = [str(o) for o in f["other"].head(_SHOWN)]
        shown = "、".join(named)
        finding(new, int(row), grp["parcel_id"].iloc[0], "overlaps_parcel",
                f"与 {n} 个地块重叠（{shown}等；名单见 finding_groups.csv），重叠合计 {total:,.1f} 平方米"
                f"（{fmt_ha(total / 1e4)}）", group=group, group_size=n, overlap_m2=total,
                other_row=int(f["other_row"].iloc[0]), shown=named)  # named: re-worded in another unit
        members.append(pd.DataFrame({"group": group, "kind": "overlaps_parcel", "group_size": np.int64(n),
                                     "row": (f["other_row"].to_numpy(dtype=np.int64) - 1),
                                     "parcel_id": f["other"].astype(str).to_numpy()}))
    out = pd.concat([fdf[~sel], pd.DataFrame(new, columns=list(fdf.columns)).astype({"row": fdf["row"].dtype})],
                    ignore_index=True)
    return out, pd.concat(members, ignore_index=True)


def _candidate_pairs(ga: np.ndarray, gb: np.ndarray, same: bool, where: str) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of intersecting polygons (positions in ``ga``, ``gb``; each pair once when ``same``), queried
    in blocks so that more pairs than the ``overlap_pairs`` limit stop the run before filling memory."""
    tree = shapely.STRtree(gb)
    most, n = limit("overlap_pairs"), 0
    found_a, found_b = [], []
    for start in range(0, len(ga), _BLOCK):
        ia, ib = tree.query(ga[start:start + _BLOCK], predicate="intersects")
        ia += start
        if same:
            keep = ia < ib
            ia, ib = ia[keep], ib[keep]
        n += len(ia)
        if n > most:
            raise exceeded(where, "pairs of intersecting polygons (copies of one parcel?)", "overlap_pairs")
        found_a.append(ia)
        found_b.append(ib)
    if not found_a:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    return np.concatenate(found_a), np.concatenate(found_b)


_BLOCK = 10_000  # polygons queried at a time


def _polygons(frame: pd.DataFrame) -> pd.DataFrame:
    g = np.asarray(frame["geometry"].values, dtype=object)
    ok = ~pd.isna(pd.Series(g, dtype=object)).to_numpy()
    ok[ok] = np.isin(shapely.get_type_id(g[ok]), (3, 6))
    return frame.loc[ok, ["parcel_id", "geom_key", "geometry"]]


_INSIDE = 0.999  # an overlap of 99.9 % of a parcel: it lies inside the other


def _overlap_finding(findings: list, p) -> None:
    words = f"{p.area:,.1f} 平方米（{fmt_ha(p.area / 1e4)}）"
    if p.sa >= _INSIDE:
        relation, msg = "inside", f"位于地块 {p.idb} 内：重叠 {words}，占本地块 {pct(p.sa)}"
    elif p.sb >= _INSIDE:
        relation, msg = "contains", f"包含地块 {p.idb}：重叠 {words}，占本地块 {pct(p.sa)}"
    else:
        relation, msg = "partial", f"与地块 {p.idb} 部分重叠：重叠 {words}，占本地块 {pct(p.sa)}、占对方 {pct(p.sb)}"
    finding(findings, p.ra, p.ida, "overlaps_parcel", msg, other=p.idb, other_row=int(p.rb) + 1,
            overlap_m2=p.area, share=p.sa, other_share=p.sb, relation=relation)
