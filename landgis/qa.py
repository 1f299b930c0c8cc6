"""Spatial QA of parcels (地块) against the townships and the plan's quotas.

``qa(parcels)`` checks every parcel: is it inside the county, in the township it is booked under,
straddling a boundary, with a sound geometry, a unique id, a stated area that matches its shape,
coordinates that are plausible for China; then it reconciles the parcel area per township × category
with the plan's allocations. :func:`write_qa` writes the outputs a planner opens.
"""

from __future__ import annotations

import difflib
import functools
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from landgis.categories import category_names, lookup
from landgis.errors import InputError, LandgisError
from landgis.names import core_name, normalise_name, registry, suggest
from landgis.parcels import HA_PER_UNIT, area_unit_from_header, find_fields, load_parcels

__all__ = ["QAResult", "qa", "write_qa", "SEVERITIES", "FINDING_COLUMNS", "QUOTA_COLUMNS"]

#: Severities, worst first. A parcel with no finding has ``worst_severity == "ok"``.
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")

#: Columns of :attr:`QAResult.findings`, in order.
FINDING_COLUMNS: tuple[str, ...] = (
    "row", "parcel_id", "kind", "severity", "message",
    "township_declared", "township_found", "category", "figures",
)

#: Columns of :attr:`QAResult.quota`, in order.
QUOTA_COLUMNS: tuple[str, ...] = (
    "township", "category", "category_code", "allocated_ha", "booked_ha", "difference_ha",
    "used_share", "n_parcels", "status",
)


@dataclass
class QAResult:
    """What :func:`qa` found.

    Attributes
    ----------
    parcels : geopandas.GeoDataFrame
        Every input row, in input order, with the input columns kept and these added:
        ``qa_row`` (int, 0-based input row), ``parcel_id`` (str: the id field, or ``"#<row+1>"``),
        ``township_found`` (str or None: the township containing the point, or holding the
        largest share of the polygon), ``area_ha`` (float: geometry area in an equal-area projection,
        NaN for points/no geometry), ``n_findings`` (int), ``worst_severity`` (``"error"``,
        ``"warning"``, ``"info"`` or ``"ok"``) and ``finding_kinds`` (str, kinds joined by ``","``).
        Geometry in EPSG:4326 (rows without a usable geometry keep None).
    findings : pandas.DataFrame
        One row per finding, columns :data:`FINDING_COLUMNS`: ``row`` (input row, <NA> for quota
        findings), ``parcel_id`` (None for quota findings), ``kind``, ``severity``, ``message``
        (Chinese, one sentence with the figures), ``township_declared``, ``township_found``,
        ``category``, and ``figures`` (JSON text: the numbers behind the message, e.g.
        ``{"shares": {"连州镇": 0.62, "保安镇": 0.38}}``).
        Kinds: ``missing_geometry``, ``empty_geometry``, ``invalid_geometry``, ``duplicate_geometry``,
        ``duplicate_id``, ``swapped_coordinates``, ``gauss_kruger_as_degrees``, ``outside_china``,
        ``outside_county``, ``partly_outside_county``, ``township_mismatch``,
        ``straddles_townships``, ``unknown_township``, ``missing_township``, ``unknown_category``,
        ``missing_category``, ``area_mismatch``, ``unreadable_area``, ``quota_over``, ``quota_under``,
        ``category_not_in_plan``.
    quota : pandas.DataFrame
        One row per (township, category) of the plan or of the parcels, columns
        :data:`QUOTA_COLUMNS`; ``status`` is ``"over"``, ``"under"``, ``"full"`` or ``"not_in_plan"``.
    summary : dict
        ``n_parcels``, ``n_with_findings``, ``by_severity`` {severity: count of findings},
        ``by_kind`` {kind: count}, ``booked_ha``, ``allocated_ha``, ``engine``, ``source``, ``plan``
        (its source) and ``source_crs`` (the parcels' CRS as read, e.g. ``"EPSG:4490"``).
    townships : geopandas.GeoDataFrame
        The township layer the parcels were checked against (for maps).
    fields : dict
        The input columns used: ``id``, ``township``, ``category``, ``area`` and ``area_unit``.
    """

    parcels: gpd.GeoDataFrame
    findings: pd.DataFrame
    quota: pd.DataFrame
    summary: dict
    townships: gpd.GeoDataFrame | None = None
    fields: dict = field(default_factory=dict)

    def has(self, severity: str) -> bool:
        """Whether a finding of ``severity`` or worse exists (``"error"`` or ``"warning"``)."""
        worst = SEVERITIES[: SEVERITIES.index(severity) + 1]
        return bool(self.findings["severity"].isin(worst).any())


# --- implementation ------------------------------------------------------------------------------

ADDED_COLUMNS = ("qa_row", "parcel_id", "township_found", "area_ha", "n_findings", "worst_severity",
                 "finding_kinds")
SEVERITY_OF = {
    "missing_geometry": "error", "empty_geometry": "error", "invalid_geometry": "error",
    "duplicate_geometry": "warning", "duplicate_id": "error", "swapped_coordinates": "error",
    "gauss_kruger_as_degrees": "error", "outside_china": "error", "outside_county": "error",
    "partly_outside_county": "warning", "township_mismatch": "error", "straddles_townships": "warning",
    "unknown_township": "error", "missing_township": "warning", "unknown_category": "error",
    "missing_category": "warning", "area_mismatch": "warning", "unreadable_area": "warning",
    "quota_over": "error", "quota_under": "info", "category_not_in_plan": "error",
}
KIND_ORDER = {k: i for i, k in enumerate(SEVERITY_OF)}
#: How each kind of finding is called in Chinese (summaries, legends).
KIND_LABELS = {
    "missing_geometry": "缺少几何", "empty_geometry": "几何为空", "invalid_geometry": "几何无效",
    "duplicate_geometry": "几何重复", "duplicate_id": "编号重复", "swapped_coordinates": "经纬度颠倒",
    "gauss_kruger_as_degrees": "投影坐标当作经纬度", "outside_china": "坐标不在中国境内", "outside_county": "位于县界外",
    "partly_outside_county": "部分位于县界外", "township_mismatch": "所在乡镇与申报不符",
    "straddles_townships": "跨乡镇界线", "unknown_township": "乡镇名称无法识别", "missing_township": "未填乡镇",
    "unknown_category": "用地类型无法识别", "missing_category": "未填用地类型", "area_mismatch": "面积不符",
    "unreadable_area": "面积不是数字", "quota_over": "超出计划指标", "quota_under": "计划指标未用足",
    "category_not_in_plan": "计划未安排该类用地",
}

# Mainland China, Hainan and the near islands, generously: outside this box a coordinate is wrong.
_CHINA = (73.0, 3.0, 135.5, 54.0)
_STRADDLE_SHARE = 0.001  # a share below 0.1 % of a parcel is digitising noise, not a straddle
_NO_ID = "#"

# GB/T 21010 ↔ 用地用海 classes, for parcels written in the other system than the plan.
_CROSSWALK: dict[str, tuple[str, ...]] = {
    "住宅用地": ("居住用地",), "居住用地": ("住宅用地",),
    "商服用地": ("商业服务业用地",), "商业服务业用地": ("商服用地",),
    "工矿用地": ("工矿仓储用地",), "工业用地": ("工矿仓储用地", "工矿用地"), "仓储用地": ("工矿仓储用地",),
    "工矿仓储用地": ("工矿用地",),
    "公园与绿地": ("绿地与开敞空间用地",), "绿地与开敞空间用地": ("公园与绿地",),
}


@functools.lru_cache(maxsize=64)
def _transformer(src, dst) -> Transformer:
    return Transformer.from_crs(src, dst, always_xy=True)


def _fmt_ha(value: float) -> str:
    return f"{value:,.4f}公顷"


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def _json(obj) -> str:
    def clean(v):
        if isinstance(v, dict):
            return {str(k): clean(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [clean(x) for x in v]
        if isinstance(v, (np.floating, float)):
            return None if not math.isfinite(float(v)) else round(float(v), 6)
        if isinstance(v, np.integer):
            return int(v)
        return v
    return json.dumps(clean(obj), ensure_ascii=False)


class _Context:
    """What the per-row checks need; picklable so that dask workers can rebuild the index."""

    def __init__(self, townships: gpd.GeoDataFrame, fields: dict, area_unit: str | None,
                 area_tolerance: float, plan_system: str | None, plan_categories: list[str]):
        towns = townships.to_crs(4326)
        c = shapely.centroid(shapely.union_all(towns.geometry.values))
        from landgis.crs import equal_area_crs

        self.crs_area = equal_area_crs(c.x, c.y)
        self.centre = (c.x, c.y)
        self.names = [str(n) for n in towns["name"]]
        self.towns_area = _valid(towns.to_crs(self.crs_area).geometry.values)
        self.fields = fields
        self.area_unit = area_unit
        self.area_tolerance = area_tolerance
        self.plan_system = plan_system
        self.plan_categories = plan_categories
        self._resolve_township: dict[str, str | None] = {}
        self._index = None

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_index"] = None
        return state

    @property
    def index(self):
        if self._index is None:
            from landgis.locate import TownshipIndex

            self._index = TownshipIndex(self.towns_area)
        return self._index

    def township(self, name: str) -> str | None:
        """Layer name for a declared township (normalised; aliases of the registry), or None."""
        if name not in self._resolve_township:
            hit = None
            norm = normalise_name(name)
            by_norm = {normalise_name(n): n for n in self.names}
            if norm in by_norm:
                hit = by_norm[norm]
            else:
                cores = [n for n in self.names if core_name(n) == core_name(norm)]
                if len(cores) == 1:
                    hit = cores[0]
                else:
                    try:
                        canon = registry().resolve(name)
                    except LandgisError:
                        canon = None
                    hit = canon if canon in self.names else None
            self._resolve_township[name] = hit
        return self._resolve_township[name]

    def category(self, name: str):
        """(canonical category known to the registry or None, the plan's category it books against)."""
        cat = lookup(name, self.plan_system)
        if cat is None:
            return None, None
        if cat.name in self.plan_categories:
            return cat, cat.name
        for other in _CROSSWALK.get(cat.name, ()):
            if other in self.plan_categories:
                return cat, other
        return cat, cat.name


def _text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return str(value).strip()


def _finding(rows, row, pid, kind, message, *, declared=None, found=None, category=None, **figures):
    rows.append({"row": row, "parcel_id": pid, "kind": kind, "severity": SEVERITY_OF[kind],
                 "message": message, "township_declared": declared, "township_found": found,
                 "category": category, "figures": _json(figures)})


def _gk_reading(x: float, y: float, ctx: _Context):
    """(EPSG, lon, lat) when (x, y) read as degrees are Gauss-Krüger metres (either order), else None."""
    from landgis.crs import guess_crs

    for e, n in ((x, y), (y, x)):
        guess = guess_crs((e, n, e, n), lon_hint=ctx.centre[0])
        if guess.epsg and guess.epsg != 4490:
            lon, lat = _transformer(guess.epsg, 4326).transform(e, n)
            if math.isfinite(lon) and math.isfinite(lat):
                return guess.epsg, lon, lat, (e, n) != (x, y)
    return None


def _valid(geoms: np.ndarray) -> np.ndarray:
    """Geometries made valid; polygons stay polygons (a spike is dropped, not kept as a line)."""
    geoms = np.asarray(geoms, dtype=object).copy()
    bad = ~shapely.is_valid(geoms)
    if bad.any():
        poly = bad & np.isin(shapely.get_type_id(geoms), (3, 6))
        geoms[poly] = shapely.make_valid(geoms[poly], method="structure", keep_collapsed=False)
        geoms[bad & ~poly] = shapely.make_valid(geoms[bad & ~poly])
    return geoms


def _in_china(x, y):
    return (x >= _CHINA[0]) & (x <= _CHINA[2]) & (y >= _CHINA[1]) & (y <= _CHINA[3])


def _check_rows(part: gpd.GeoDataFrame, ctx: _Context):
    """Per-row checks of one partition (index = input row numbers).

    Returns the added columns (DataFrame indexed like ``part``, with a ``geometry`` in EPSG:4326
    and ``geom_key`` for the duplicate test), and a list of finding dicts.
    """
    n = len(part)
    rows = part.index.to_numpy()
    f = ctx.fields
    out = pd.DataFrame(index=part.index)
    if f["id"]:
        ids = [_text(v) for v in part[f["id"]].to_numpy(dtype=object)]
    else:
        ids = [""] * n
    pids = [i if i else f"{_NO_ID}{r + 1}" for i, r in zip(ids, rows)]
    out["parcel_id"] = pids
    out["id_text"] = ids
    findings: list[dict] = []

    src_crs = CRS.from_user_input(part.crs) if part.crs is not None else CRS.from_epsg(4490)
    geoms = np.asarray(part.geometry.values, dtype=object)
    missing = pd.isna(pd.Series(geoms, dtype=object)).to_numpy()
    present = ~missing
    empty = np.zeros(n, bool)
    empty[present] = shapely.is_empty(geoms[present])
    usable = present & ~empty

    # Coordinates: a representative point in the source CRS, then in lon/lat.
    rep = np.full((n, 2), np.nan)
    if usable.any():
        b = shapely.bounds(geoms[usable])
        rep[usable] = np.column_stack([(b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2])
    geom_ll = np.full(n, None, dtype=object)
    corrected: dict[int, object] = {}  # swapped/GK rows read the way they were meant
    if src_crs.is_geographic:
        ok = usable & _in_china(rep[:, 0], rep[:, 1])
        to_ll = None if src_crs.equals(CRS.from_epsg(4326)) else Transformer.from_crs(src_crs, 4326, always_xy=True)
        if ok.any():
            geom_ll[ok] = geoms[ok] if to_ll is None else shapely.transform(
                geoms[ok], lambda c: np.column_stack(to_ll.transform(c[:, 0], c[:, 1])))
    else:
        to_ll = Transformer.from_crs(src_crs, 4326, always_xy=True)
        conv = np.full(n, None, dtype=object)
        if usable.any():
            conv[usable] = shapely.transform(
                geoms[usable], lambda c: np.column_stack(to_ll.transform(c[:, 0], c[:, 1])))
        ll = np.full((n, 2), np.nan)
        if usable.any():
            lx, ly = to_ll.transform(rep[usable, 0], rep[usable, 1])
            ll[usable] = np.column_stack([lx, ly])
        ok = usable & _in_china(ll[:, 0], ll[:, 1])
        geom_ll[ok] = conv[ok]

    for i in np.nonzero(missing)[0]:
        _finding(findings, rows[i], pids[i], "missing_geometry", "缺少几何（无坐标或坐标无法读取）")
    for i in np.nonzero(empty)[0]:
        _finding(findings, rows[i], pids[i], "empty_geometry", "几何为空")
    bad = np.nonzero(usable & ~ok)[0]
    for i in bad:
        x, y = rep[i]
        kind, msg, figs = None, None, {"x": x, "y": y}
        if src_crs.is_geographic:
            gk = _gk_reading(x, y, ctx) if (abs(x) > 180 or abs(y) > 90) else None
            if gk is not None:
                epsg, lon, lat, flipped = gk
                kind = "gauss_kruger_as_degrees"
                msg = (f"坐标（{x:.2f}, {y:.2f}）是高斯-克吕格投影坐标（米），却被当作经纬度读入；"
                       f"按 EPSG:{epsg}{'（X/Y 互换）' if flipped else ''} 换算为 {lon:.5f}°E, {lat:.5f}°N")
                figs.update(epsg=epsg, lon=lon, lat=lat, xy_swapped=flipped)
                fix = lambda c, e=epsg, fl=flipped: np.column_stack(  # noqa: E731
                    _transformer(e, 4326).transform(
                        *(c[:, 1], c[:, 0]) if fl else (c[:, 0], c[:, 1])))
            elif _in_china(np.array([y]), np.array([x]))[0]:
                kind = "swapped_coordinates"
                msg = f"经纬度疑似颠倒：（{x:.5f}, {y:.5f}）不在中国境内，互换后为 {y:.5f}°E, {x:.5f}°N"
                figs.update(lon=y, lat=x)
                fix = lambda c: c[:, ::-1].copy()  # noqa: E731
            else:
                kind = "outside_china"
                msg = f"坐标（{x:.5f}, {y:.5f}）不在中国境内，疑似坐标系错误"
                fix = None
        else:
            lx, ly = ll[i]
            kind = "outside_china"
            msg = (f"按 {src_crs.to_string()} 解释，坐标（{x:.2f}, {y:.2f}）位于 "
                   f"{lx:.4f}°E, {ly:.4f}°N，不在中国境内，疑似坐标系错误")
            figs.update(crs=src_crs.to_string(), lon=lx, lat=ly)
            fix = None
        if fix is not None:
            try:
                fixed = shapely.transform(geoms[i], fix)
                if src_crs.is_geographic and kind == "swapped_coordinates" and to_ll is not None:
                    fixed = shapely.transform(fixed, lambda c: np.column_stack(to_ll.transform(c[:, 0], c[:, 1])))
                where = ctx.index.locate_xy(*np.array(
                    _transformer(4326, ctx.crs_area).transform(
                        *shapely.get_coordinates(shapely.point_on_surface(fixed))[0])).reshape(2, 1))[0]
                figs["township_if_corrected"] = ctx.names[where] if where >= 0 else None
                msg += f"，落在{ctx.names[where]}" if where >= 0 else "，仍在县界外"
                corrected[i] = fixed
            except Exception:  # noqa: BLE001 - a hint only; the finding stands without it
                pass
        _finding(findings, rows[i], pids[i], kind, msg, **figs)

    # Geometry validity (in the source CRS, as drawn).
    valid = np.ones(n, bool)
    if usable.any():
        valid[usable] = shapely.is_valid(geoms[usable])
    for i in np.nonzero(usable & ~valid)[0]:
        reason = shapely.is_valid_reason(geoms[i])
        _finding(findings, rows[i], pids[i], "invalid_geometry", f"几何无效：{reason}（已按修复后的几何检查）",
                 reason=reason)

    # Location in the equal-area CRS.
    to_area = Transformer.from_crs(4326, ctx.crs_area, always_xy=True)
    loc = np.nonzero(ok)[0]
    g_area = np.full(n, None, dtype=object)
    if len(loc):
        g = shapely.transform(geom_ll[loc], lambda c: np.column_stack(to_area.transform(c[:, 0], c[:, 1])))
        g = _valid(g)
        g_area[loc] = g
    gtype = np.full(n, -1)
    gtype[loc] = shapely.get_type_id(g_area[loc])
    is_poly = np.isin(gtype, (3, 6)) | (gtype == 7)
    area_ha = np.full(n, np.nan)
    area_ha[loc] = shapely.area(g_area[loc]) / 1e4
    area_ha[~is_poly] = np.nan
    found = np.full(n, None, dtype=object)
    share_of: dict[int, dict[str, float]] = {}

    pt = loc[~is_poly[loc]]
    if len(pt):
        hit = ctx.index.locate(g_area[pt])
        found[pt] = [ctx.names[h] if h >= 0 else None for h in hit]
    pg = loc[is_poly[loc]]
    if len(pg):
        sh = ctx.index.shares(g_area[pg])
        for p, grp in sh.groupby("parcel", sort=False):
            share_of[pg[p]] = {ctx.names[t]: s for t, s in zip(grp["township"], grp["share"])}
        for i in pg:
            s = share_of.get(i, {})
            if s:
                found[i] = max(s, key=s.get)

    for i in loc:
        s = share_of.get(i)
        if found[i] is None:
            _finding(findings, rows[i], pids[i], "outside_county", "位于县（市）界外，不在任何乡镇内",
                     lon=rep[i, 0] if src_crs.is_geographic else None)
            continue
        if s is None:
            continue
        outside = max(0.0, 1.0 - sum(s.values()))
        if outside >= _STRADDLE_SHARE:
            _finding(findings, rows[i], pids[i], "partly_outside_county",
                     f"地块有 {_pct(outside)} 的面积位于县（市）界外", found=found[i], outside_share=outside)
        inside = {k: v for k, v in s.items() if v >= _STRADDLE_SHARE}
        if len(inside) > 1:
            text = "、".join(f"{k} {_pct(v)}" for k, v in sorted(inside.items(), key=lambda kv: -kv[1]))
            _finding(findings, rows[i], pids[i], "straddles_townships", f"地块跨乡镇界线：{text}",
                     found=found[i], shares={k: v for k, v in sorted(s.items(), key=lambda kv: -kv[1])},
                     areas_ha={k: v * area_ha[i] for k, v in s.items()})

    # Declared township (each distinct spelling resolved once; loops run over problem rows only).
    declared = np.full(n, None, dtype=object)
    if f["township"]:
        names_in = np.array([_text(v) for v in part[f["township"]].to_numpy(dtype=object)], dtype=object)
        canon_of = {name: ctx.township(name) for name in set(names_in) if name}
        declared = np.array([canon_of.get(name) for name in names_in], dtype=object)
        for i in np.nonzero(names_in == "")[0]:
            _finding(findings, rows[i], pids[i], "missing_township", "未填写所属乡镇", found=found[i])
        for i in np.nonzero((names_in != "") & pd.isna(declared))[0]:
            name = names_in[i]
            hint = suggest(name, ctx.names)
            _finding(findings, rows[i], pids[i], "unknown_township",
                     f"所属乡镇“{name}”不在乡镇图层中" + (f"；是否为{'、'.join(hint)}？" if hint else ""),
                     declared=name, found=found[i], candidates=hint)
        differ = np.nonzero(pd.notna(declared) & pd.notna(found) & (declared != found))[0]
        for i in differ:
            canon, s = declared[i], share_of.get(i)
            # A polygon is in the wrong township when the declared one holds less than half of it.
            if s is not None and s.get(canon, 0.0) >= 0.5:
                continue
            if s is not None:
                msg = (f"申报位于{canon}，实际主要位于{found[i]}（{_pct(s[found[i]])}），"
                       f"在{canon}内的面积占 {_pct(s.get(canon, 0.0))}")
                figs = {"share_declared": s.get(canon, 0.0), "share_found": s[found[i]]}
            else:
                msg, figs = f"申报位于{canon}，实际位于{found[i]}", {}
            _finding(findings, rows[i], pids[i], "township_mismatch", msg, declared=canon, found=found[i], **figs)
    out["township_declared"] = declared

    # Category.
    cats = np.full(n, None, dtype=object)
    if f["category"]:
        cats_in = np.array([_text(v) for v in part[f["category"]].to_numpy(dtype=object)], dtype=object)
        booked_of = {name: ctx.category(name)[1] for name in set(cats_in) if name}
        cats = np.array([booked_of.get(name) for name in cats_in], dtype=object)
        for i in np.nonzero(cats_in == "")[0]:
            _finding(findings, rows[i], pids[i], "missing_category", "未填写用地类型")
        for i in np.nonzero((cats_in != "") & pd.isna(cats))[0]:
            name = cats_in[i]
            hint = difflib.get_close_matches(name, [*ctx.plan_categories, *category_names()], n=3, cutoff=0.3)
            _finding(findings, rows[i], pids[i], "unknown_category",
                     f"用地类型“{name}”无法识别" + (f"；是否为{'、'.join(hint)}？" if hint else ""),
                     category=name, candidates=hint)
    out["category_booked"] = cats

    # Stated area.
    stated = np.full(n, np.nan)
    if f["area"]:
        factor = HA_PER_UNIT[ctx.area_unit or "公顷"]
        raw = part[f["area"]]
        if raw.dtype.kind in "iuf":
            stated = raw.to_numpy(dtype=float) * factor
        else:
            text = pd.Series([_text(v).replace(",", "") for v in raw.to_numpy(dtype=object)], dtype=object)
            num = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
            for i in np.nonzero((text != "").to_numpy() & np.isnan(num))[0]:
                _finding(findings, rows[i], pids[i], "unreadable_area", f"面积“{text[i]}”不是数字", value=text[i])
            stated = num * factor
        with np.errstate(invalid="ignore", divide="ignore"):
            diff = stated - area_ha
            bad_area = np.abs(diff) > ctx.area_tolerance * area_ha
        for i in np.nonzero(bad_area & (area_ha > 0))[0]:
            _finding(findings, rows[i], pids[i], "area_mismatch",
                     f"填报面积 {_fmt_ha(stated[i])} 与图形面积 {_fmt_ha(area_ha[i])} 相差 "
                     f"{_pct(diff[i] / area_ha[i])}（容差 {_pct(ctx.area_tolerance)}）",
                     stated_ha=stated[i], geometry_ha=area_ha[i], difference_ha=diff[i],
                     relative=diff[i] / area_ha[i], tolerance=ctx.area_tolerance)
    out["stated_ha"] = stated
    out["township_found"] = found
    out["area_ha"] = area_ha

    # Output geometry in lon/lat (corrected reading for swapped/GK coordinates), and a key for duplicates.
    out_geom = geom_ll.copy()
    for i, g in corrected.items():
        out_geom[i] = g
    out["geometry"] = out_geom
    key = np.full(n, None, dtype=object)
    if usable.any():
        key[usable] = shapely.to_wkb(shapely.normalize(geoms[usable]), hex=True)
    out["geom_key"] = key
    return out, findings


def _global_checks(added: pd.DataFrame, findings: list[dict]) -> None:
    """Checks across rows: duplicate ids and duplicate geometries."""
    ids = added.loc[added["id_text"] != "", "id_text"]
    ids = ids[ids.duplicated(keep=False)]
    for pid, grp in ids.groupby(ids, sort=False):
        if len(grp) > 1:
            where = "、".join(str(r + 1) for r in grp.index)
            for r in grp.index:
                _finding(findings, r, pid, "duplicate_id", f"编号“{pid}”重复（第 {where} 行）",
                         input_rows=[int(x) + 1 for x in grp.index])
    keys = added["geom_key"].dropna()
    keys = keys[keys.duplicated(keep=False)]
    for _, grp in keys.groupby(keys, sort=False):
        if len(grp) > 1:
            names = [added.at[r, "parcel_id"] for r in grp.index]
            for r in grp.index:
                others = "、".join(p for rr, p in zip(grp.index, names) if rr != r)
                _finding(findings, r, added.at[r, "parcel_id"], "duplicate_geometry",
                         f"几何与 {others} 完全相同", duplicates=[p for rr, p in zip(grp.index, names) if rr != r])


def _quota(added: pd.DataFrame, plan, findings: list[dict]) -> pd.DataFrame:
    """Parcel area per township × category against the plan's allocations."""
    booked_ha = added["stated_ha"].where(added["stated_ha"].notna(), added["area_ha"])
    township = added["township_declared"].where(added["township_declared"].notna(), added["township_found"])
    book = pd.DataFrame({"township": township, "category": added["category_booked"], "ha": booked_ha})
    book = book.dropna(subset=["township", "category"])
    got = book.groupby(["township", "category"], sort=False).agg(
        booked_ha=("ha", lambda s: float(s.fillna(0).sum())), n_parcels=("ha", "size")).reset_index()
    if plan is None:
        alloc = pd.DataFrame(columns=["township", "category", "category_code", "allocated_ha"])
        plan_cats: set = set()
    else:
        a = plan.allocations
        alloc = pd.DataFrame({"township": [registry().resolve(t) or t for t in a["township"]],
                              "category": a["category"], "category_code": a["category_code"],
                              "allocated_ha": a["hectares"].astype(float)})
        alloc = alloc.groupby(["township", "category"], sort=False, as_index=False).agg(
            category_code=("category_code", "first"), allocated_ha=("allocated_ha", "sum"))
        plan_cats = set(alloc["category"])
    q = alloc.merge(got, on=["township", "category"], how="outer", sort=False)
    q["allocated_ha"] = q["allocated_ha"].astype(float).fillna(0.0)
    q["booked_ha"] = q["booked_ha"].astype(float).fillna(0.0)
    q["n_parcels"] = q["n_parcels"].fillna(0).astype(int)
    q["category_code"] = [c if isinstance(c, str) and c else (getattr(lookup(k), "code", "") or "")
                          for c, k in zip(q["category_code"], q["category"])]
    q["difference_ha"] = q["booked_ha"] - q["allocated_ha"]
    q["used_share"] = q["booked_ha"] / q["allocated_ha"].where(q["allocated_ha"] > 0)  # NaN: nothing allocated
    eps = 1e-6
    q["status"] = np.select(
        [~q["category"].isin(plan_cats) if plan is not None else np.zeros(len(q), bool),
         q["difference_ha"] > eps, q["difference_ha"] < -eps],
        ["not_in_plan", "over", "under"], "full")
    if plan is None:
        q["status"] = "not_in_plan"
    for r in q.itertuples():
        if plan is None:
            break
        if r.status == "not_in_plan":
            _finding(findings, None, None, "category_not_in_plan",
                     f"{r.township}{r.category}：计划未安排该类用地，地块已占 {_fmt_ha(r.booked_ha)}（{r.n_parcels} 宗）",
                     declared=r.township, category=r.category, booked_ha=r.booked_ha, allocated_ha=0.0,
                     n_parcels=r.n_parcels)
        elif r.status == "over":
            _finding(findings, None, None, "quota_over",
                     f"{r.township}{r.category}超出计划：地块 {_fmt_ha(r.booked_ha)}（{r.n_parcels} 宗），"
                     f"计划 {_fmt_ha(r.allocated_ha)}，超出 {_fmt_ha(r.difference_ha)}",
                     declared=r.township, category=r.category, booked_ha=r.booked_ha,
                     allocated_ha=r.allocated_ha, difference_ha=r.difference_ha, n_parcels=r.n_parcels)
        elif r.status == "under":
            _finding(findings, None, None, "quota_under",
                     f"{r.township}{r.category}尚未用足：地块 {_fmt_ha(r.booked_ha)}（{r.n_parcels} 宗），"
                     f"计划 {_fmt_ha(r.allocated_ha)}，剩余 {_fmt_ha(-r.difference_ha)}",
                     declared=r.township, category=r.category, booked_ha=r.booked_ha,
                     allocated_ha=r.allocated_ha, difference_ha=r.difference_ha, n_parcels=r.n_parcels)
    return q[list(QUOTA_COLUMNS)].reset_index(drop=True)


def _guess_area_unit(part: gpd.GeoDataFrame, area_field: str, ctx: _Context) -> str:
    """The unit under which stated areas best match polygon areas (公顷 when that cannot be told)."""
    sample = part.head(2000)
    added, _ = _check_rows(sample.set_axis(range(len(sample))), ctx) if len(sample) else (None, None)
    if added is None or added["area_ha"].notna().sum() == 0:
        return "公顷"
    stated = pd.to_numeric(sample[area_field].astype("string").str.replace(",", ""), errors="coerce").to_numpy()
    geom = added["area_ha"].to_numpy()
    ok = np.isfinite(stated) & np.isfinite(geom) & (geom > 0) & (stated > 0)
    if not ok.any():
        return "公顷"
    score = {u: abs(np.log(np.median(stated[ok] * f / geom[ok]))) for u, f in HA_PER_UNIT.items()}
    return min(score, key=score.get)


def _chunks(n: int, size: int):
    return [(s, min(n, s + size)) for s in range(0, n, size)] or [(0, 0)]


def _run_local(gdf: gpd.GeoDataFrame, ctx: _Context, progress: bool):
    from tqdm.auto import tqdm

    parts, findings = [], []
    spans = _chunks(len(gdf), 100_000)
    for s, e in tqdm(spans, desc="QA", unit="chunk", disable=not progress or len(spans) < 2):
        added, found = _check_rows(gdf.iloc[s:e], ctx)
        parts.append(added)
        findings.extend(found)
    return pd.concat(parts), findings


def _vector_partitions(path: Path, layer, npartitions: int):
    """Lazy partitions of a vector file, read with pyogrio (encodings detected like load_parcels)."""
    import dask
    import pyogrio

    from landgis.shapefiles import shapefile_source

    src, encoding = shapefile_source(path)
    n = pyogrio.read_info(src, layer=layer, encoding=encoding)["features"]
    size = max(1, math.ceil(n / npartitions))

    def read(offset, count):
        df = pyogrio.read_dataframe(src, layer=layer, encoding=encoding, skip_features=offset,
                                    max_features=count)
        df.index = pd.RangeIndex(offset, offset + len(df))
        return df

    return [dask.delayed(read)(s, e - s) for s, e in _chunks(n, size)], n


def _run_dask(parcels, source_path, layer, crs, ctx: _Context, scheduler, progress: bool, npartitions=None):
    import dask
    import dask_geopandas
    from distributed import Client, LocalCluster, progress as dask_progress

    own = None
    if scheduler is None:
        own = Client(LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None))
        client = own
    elif isinstance(scheduler, Client):
        client = scheduler
    else:
        own = client = Client(scheduler)
    try:
        nparts = npartitions or max(2, 2 * len(client.scheduler_info().get("workers", {})))
        if parcels is None:
            from landgis.shapefiles import shapefile_source

            path = Path(source_path)
            if shapefile_source(path)[1] not in (None, "UTF-8"):
                # dask_geopandas.read_file cannot pass an encoding: read GBK partitions ourselves.
                parts, _ = _vector_partitions(path, layer, nparts)
            else:
                parts = dask_geopandas.read_file(str(path), npartitions=nparts, layer=layer).to_delayed()
        else:
            ddf = dask_geopandas.from_geopandas(parcels, npartitions=nparts)
            parts = ddf.to_delayed()
        ctx_d = dask.delayed(ctx, traverse=False)

        keep_input = parcels is None

        def check(part, c, crs_=crs):
            if part.crs is None and crs_ is not None:
                part = part.set_crs(crs_)
            added, found = _check_rows(part, c)
            return (part if keep_input else None), added, found

        futures = client.compute([dask.delayed(check)(p, ctx_d) for p in parts])
        if progress:
            dask_progress(futures)
        results = client.gather(futures)
    finally:
        if own is not None:
            cluster = getattr(own, "cluster", None)
            own.close()
            if cluster is not None:
                cluster.close()
    added = pd.concat([r[1] for r in results])
    findings = [f for r in results for f in r[2]]
    if parcels is None:
        parcels = pd.concat([r[0] for r in results])
        if not isinstance(parcels, gpd.GeoDataFrame):
            parcels = gpd.GeoDataFrame(parcels)
        if parcels.crs is None and crs is not None:
            parcels = parcels.set_crs(crs)
    return parcels, added, findings


def qa(parcels, townships=None, plan=None, *, id_field: str | None = None, township_field: str | None = None,
       category_field: str | None = None, area_field: str | None = None, area_unit: str | None = None,
       area_tolerance: float = 0.05, engine: str = "local", scheduler=None, progress: bool = False,
       layer: str | None = None, crs=None, x_field: str | None = None, y_field: str | None = None) -> QAResult:
    """Check parcels against the townships and the plan's quotas.

    Parameters
    ----------
    parcels : geopandas.GeoDataFrame or str or pathlib.Path
        Parcels as points or polygons, or a file :func:`landgis.parcels.load_parcels` reads
        (``layer``, ``crs``, ``x_field``, ``y_field`` are passed to it).
    townships : geopandas.GeoDataFrame, optional
        Township layer with ``name`` and ``geometry``; default :func:`landgis.boundaries.load_townships`.
    plan : landgis.plan.Plan or str or pathlib.Path or False, optional
        The plan whose allocations the parcels are booked against; default the seed plan.
        ``False`` skips the quota reconciliation.
    id_field, township_field, category_field, area_field : str, optional
        Columns to use; by default found by their usual names (地块编号, 所属乡镇, 用地类型, 面积 …).
    area_unit : {"公顷", "亩", "平方米"}, optional
        Unit of the area column; default from its header (面积（亩）), else the unit under which the
        stated areas match the polygons, else 公顷.
    area_tolerance : float
        Relative difference between stated and geometry area beyond which a parcel is flagged.
    engine : {"local", "dask"}
        ``"dask"`` runs the per-parcel checks on a dask.distributed cluster, partition by partition.
    scheduler : str or distributed.Client, optional
        Address of an existing dask scheduler, or a Client; default a new LocalCluster.
    progress : bool
        Show a progress bar.

    Returns
    -------
    QAResult

    Raises
    ------
    InputError
        For unreadable parcels, a given column that does not exist, or an unknown area unit.
    """
    if engine not in ("local", "dask"):
        raise InputError(f"unknown QA engine {engine!r}; expected 'local' or 'dask'")
    source_path = None
    if not isinstance(parcels, gpd.GeoDataFrame):
        source_path = Path(parcels)
        if engine == "dask" and source_path.suffix.lower() in (".gpkg", ".shp", ".zip", ".geojson", ".fgb"):
            # Only a sample is read here (for the columns, CRS and area unit); workers read the rest.
            gdf = None
            sample = load_parcels(source_path, layer=layer, crs=crs, max_rows=2000)
            columns = [c for c in sample.columns if c != sample.geometry.name]
            file_crs = sample.crs
        else:
            gdf = load_parcels(source_path, layer=layer, crs=crs, x_field=x_field, y_field=y_field)
    else:
        gdf = parcels
    source = str(source_path) if source_path else str(getattr(parcels, "attrs", {}).get("source", "<GeoDataFrame>"))
    if gdf is not None:
        gdf = gdf.reset_index(drop=True)
        columns = [c for c in gdf.columns if c != gdf.geometry.name]
        file_crs = gdf.crs

    if townships is None:
        from landgis.boundaries import load_townships

        townships = load_townships()
    if "name" not in townships.columns:
        raise InputError("the township layer has no 'name' column")
    if plan is None:
        from landgis.plan import SEED_PLAN, parse_plan

        plan = parse_plan(SEED_PLAN)
    elif plan is False:
        plan = None
    elif not hasattr(plan, "allocations"):
        from landgis.plan import parse_plan

        plan = parse_plan(plan)

    fields = find_fields(columns, id_field=id_field, township_field=township_field,
                         category_field=category_field, area_field=area_field, source=source)
    unit_source = "given"
    if area_unit is not None:
        unit = {"ha": "公顷", "mu": "亩", "m2": "平方米", "m²": "平方米"}.get(area_unit, area_unit)
        if unit not in HA_PER_UNIT:
            raise InputError(f"unknown area unit {area_unit!r}; expected 公顷, 亩 or 平方米 (ha, mu, m2)")
    elif fields["area"] and area_unit_from_header(fields["area"]):
        unit, unit_source = area_unit_from_header(fields["area"]), "header"
    else:
        unit, unit_source = None, "guessed"
    plan_cats = list(dict.fromkeys(plan.allocations["category"])) if plan is not None else []
    ctx = _Context(townships, fields, unit, area_tolerance, getattr(plan, "category_system", None), plan_cats)
    if fields["area"] and unit is None:
        ctx.area_unit = unit = _guess_area_unit(gdf if gdf is not None else sample, fields["area"], ctx)
    fields["area_unit"] = unit
    fields["area_unit_source"] = unit_source if fields["area"] else None

    if engine == "dask":
        gdf, added, findings = _run_dask(gdf, source_path, layer, crs or file_crs, ctx, scheduler, progress)
        gdf = gdf.reset_index(drop=True)
    else:
        added, findings = _run_local(gdf, ctx, progress)
    added = added.sort_index()
    _global_checks(added, findings)
    quota = _quota(added, plan, findings)
    return _assemble(gdf, added, findings, quota, townships, fields, source, engine, plan)


def _assemble(gdf, added, findings, quota, townships, fields, source, engine, plan) -> QAResult:
    fdf = pd.DataFrame(findings, columns=list(FINDING_COLUMNS))
    fdf["row"] = fdf["row"].astype("Int64")
    order = fdf["kind"].map(KIND_ORDER)
    fdf = fdf.assign(_o=order, _r=fdf["row"].fillna(len(gdf) + 1)).sort_values(
        ["_r", "_o"], kind="stable").drop(columns=["_o", "_r"]).reset_index(drop=True)

    n = len(gdf)
    rank = {sev: i for i, sev in enumerate(SEVERITIES)}
    worst: dict[int, int] = {}
    kinds: dict[int, list] = {}
    for r, k, sev in zip(fdf["row"].to_numpy(dtype=object), fdf["kind"], fdf["severity"]):
        if r is pd.NA or r is None:
            continue
        r = int(r)
        worst[r] = min(worst.get(r, 9), rank[sev])
        kinds.setdefault(r, []).append(k)
    rows = np.arange(n)
    n_find = np.zeros(n, dtype=int)
    worst_sev = np.full(n, "ok", dtype=object)
    kind_text = np.full(n, "", dtype=object)
    for r, ks in kinds.items():
        n_find[r] = len(ks)
        worst_sev[r] = SEVERITIES[worst[r]]
        kind_text[r] = ",".join(dict.fromkeys(ks))

    base = pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).copy()
    for col in ADDED_COLUMNS:
        if col in base.columns:
            base = base.rename(columns={col: f"{col}_input"})
    base["qa_row"] = rows
    base["parcel_id"] = added["parcel_id"].to_numpy()
    base["township_found"] = added["township_found"].to_numpy()
    base["area_ha"] = added["area_ha"].to_numpy()
    base["n_findings"] = n_find
    base["worst_severity"] = worst_sev
    base["finding_kinds"] = kind_text
    out = gpd.GeoDataFrame(base, geometry=list(added["geometry"]), crs=4326)

    by_sev = {s: int((fdf["severity"] == s).sum()) for s in SEVERITIES}
    summary = {
        "source": source,
        "engine": engine,
        "n_parcels": n,
        "n_with_findings": int((base["n_findings"] > 0).sum()),
        "n_ok": int((base["worst_severity"] == "ok").sum()),
        "by_severity": by_sev,
        "by_kind": {k: int(v) for k, v in fdf["kind"].value_counts().items()},
        "booked_ha": float(quota["booked_ha"].sum()),
        "allocated_ha": float(quota["allocated_ha"].sum()),
        "plan": getattr(plan, "source", None),
        "source_crs": CRS.from_user_input(gdf.crs).to_string() if gdf.crs is not None else None,
    }
    out.attrs = {k: v for k, v in getattr(gdf, "attrs", {}).items()}  # e.g. attrs["postgis"]: where it came from
    tw = townships.to_crs(4326) if townships.crs is not None else townships
    return QAResult(parcels=out, findings=fdf, quota=quota, summary=summary, townships=tw, fields=fields)


# --- outputs ---------------------------------------------------------------------------------------
def _for_file(df: pd.DataFrame) -> pd.DataFrame:
    """Columns every writer accepts: mixed/object columns as text (None kept)."""
    out = df.copy()
    for col in out.columns:
        if col == "geometry" or out[col].dtype.kind in "biufM":
            continue
        out[col] = [None if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA else str(v)
                    for v in out[col]]
    return out


def _write_table(df: pd.DataFrame, path: Path, kind: str) -> Path:
    from landgis.files import write_bytes, write_xlsx

    if kind == "csv":
        # UTF-8 with BOM: Excel then opens the Chinese text correctly.
        return write_bytes(path, df.to_csv(index=False).encode("utf-8-sig"))
    return write_xlsx({path.stem: df}, path)


def write_qa(result: QAResult, out_dir, *, map: bool = True) -> list[Path]:
    """Write the QA outputs into ``out_dir``, each file completely or not at all.

    Parameters
    ----------
    result : QAResult
    out_dir : str or pathlib.Path
        Created if needed.
    map : bool
        Also write ``qa_map.html``.

    Returns
    -------
    list of pathlib.Path
        ``parcels.gpkg`` (every input row with its findings), ``findings.csv`` (UTF-8 with BOM) and
        ``findings.xlsx``, ``quota.csv`` and ``quota.xlsx``, ``qa_map.html``.
    """
    from landgis.files import atomic_path

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    gpkg = out / "parcels.gpkg"
    parcels = _for_file(result.parcels)
    with atomic_path(gpkg) as tmp:
        gpd.GeoDataFrame(parcels, geometry="geometry", crs=result.parcels.crs).to_file(
            tmp, layer="parcels", driver="GPKG", geometry_type="Unknown", engine="pyogrio", dataset_options={"VERSION": "1.2"})
    written.append(gpkg)
    findings = result.findings.copy()
    findings["row"] = findings["row"] + 1  # 1-based for people (Int64: quota findings stay empty)
    findings = findings.rename(columns={"row": "input_row"})
    for name, df in (("findings", findings), ("quota", result.quota)):
        written.append(_write_table(df, out / f"{name}.csv", "csv"))
        written.append(_write_table(_for_file(df), out / f"{name}.xlsx", "xlsx"))
    if map:
        from landgis.render.qa_map import write_qa_map

        written.append(write_qa_map(result, out / "qa_map.html"))
    return written


def format_summary(result: QAResult) -> str:
    """A few lines for the terminal: parcels, findings by severity and kind, quota cells over."""
    s = result.summary
    sev = s["by_severity"]
    lines = [
        f"地块 {s['n_parcels']} 宗，其中有问题 {s['n_with_findings']} 宗；"
        f"问题：错误 {sev['error']}，警告 {sev['warning']}，提示 {sev['info']}",
    ]
    labels = {"error": "错误", "warning": "警告", "info": "提示"}
    for kind, count in s["by_kind"].items():
        lines.append(f"  {labels[SEVERITY_OF[kind]]}  {KIND_LABELS[kind]}（{kind}）：{count}")
    over = result.quota[result.quota["status"].isin(["over", "not_in_plan"])]
    if len(over):
        lines.append(f"指标超出 {len(over)} 项：" + "；".join(
            f"{r.township}{r.category} +{r.difference_ha:.4f}公顷" for r in over.itertuples()))
    lines.append(f"地块面积合计 {s['booked_ha']:.4f} 公顷，计划安排 {s['allocated_ha']:.4f} 公顷")
    return "\n".join(lines)
