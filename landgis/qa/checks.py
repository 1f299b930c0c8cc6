"""The checks of one partition of parcels, one function per family, and the checks across rows.

:func:`check_partition` runs the families in order (ids → coordinates → validity → location →
declared township → category → stated area → output geometry) on one partition whose index is
the input row number; the checks across rows are :mod:`landgis.qa.across`. Each family appends finding
records (:func:`landgis.qa.labels.finding`) and fills columns of the partition's result.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import math
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from landgis.categories import category_names, lookup
from landgis.crs import equal_area_crs, guess_crs, layer_centre
from landgis.errors import LandgisError
from landgis.names import core_name, normalise_name, suggest
from landgis.qa.labels import finding, geos_reason
from landgis.qa.locate import TownshipIndex
from landgis.qa.parcels import HA_PER_UNIT
from landgis.county import TownshipRegistry

__all__ = ["Context", "check_partition", "guess_area_unit", "fmt_ha", "pct", "text", "valid", "transformer", "reproject"]

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
def transformer(src, dst) -> Transformer:
    """A cached lon/lat-ordered pyproj transformer."""
    return Transformer.from_crs(src, dst, always_xy=True)


def fmt_ha(value: float) -> str:
    """Hectares as printed in messages."""
    return f"{value:,.4f}公顷"


def pct(value: float) -> str:
    """A share as printed in messages."""
    return f"{value * 100:.1f}%"


def text(value) -> str:
    """A cell as stripped text ("" for missing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return str(value).strip()


def valid(geoms: np.ndarray) -> np.ndarray:
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


class Context:
    """What the checks need from the township layer, the plan and the options; picklable for dask workers.

    Parameters
    ----------
    townships : geopandas.GeoDataFrame
        With ``name`` and ``geometry``.
    fields : dict
        Input columns: ``id``, ``township``, ``category``, ``area``.
    area_unit : str or None
        Unit of the stated area (公顷, 亩, 平方米).
    area_tolerance : float
        Relative stated-vs-geometry area difference that is flagged.
    plan_system : str or None
        The plan's category system.
    plan_categories : list of str
        The plan's categories.
    overlap_tolerance : float
        Overlap between two parcels, in m², beyond which it is a finding.
    registry : landgis.county.TownshipRegistry
        The county's registry (``County.registry``): declared townships written another way
        (瑶安乡 for 瑶安瑶族乡) resolve through it. It travels with the Context to dask workers.
    """

    def __init__(self, townships: gpd.GeoDataFrame, fields: dict, area_unit: str | None,
                 area_tolerance: float, plan_system: str | None, plan_categories: list[str],
                 overlap_tolerance: float = 1.0, *, registry: TownshipRegistry):

        towns = townships.to_crs(4326)
        self.centre = layer_centre(towns.geometry)
        self.crs_area = equal_area_crs(*self.centre)
        self.names = [str(n) for n in towns["name"]]
        self.towns_area = valid(towns.to_crs(self.crs_area).geometry.values)
        self.fields = fields
        self.area_unit = area_unit
        self.area_tolerance = area_tolerance
        self.overlap_tolerance = overlap_tolerance
        self.plan_system = plan_system
        self.plan_categories = plan_categories
        self.registry = registry
        self._resolve_township: dict[str, str | None] = {}
        self._index = None
        self.threads: int | None = None  # of the township index; None: the machine's cores
        self.source = "the parcels"  # where they came from, for messages

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_index"] = None
        return state

    @property
    def index(self):
        """The :class:`landgis.qa.locate.TownshipIndex` of the layer (built on first use)."""
        if self._index is None:
            self._index = TownshipIndex(self.towns_area, threads=self.threads)
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
                        canon = self.registry.resolve(name)
                    except LandgisError:
                        canon = None
                    hit = canon if canon in self.names else None
            self._resolve_township[name] = hit
        return self._resolve_township[name]

    def category(self, name: str):
        """(canonical category known to the registry or None, the plan's category it books against)."""
        return booked_category(name, self.plan_categories, self.plan_system)


def booked_category(name: str, plan_categories, system: str | None = None):
    """(canonical category known to the registry or None, the plan's category a parcel of it books against).

    Examples
    --------
    >>> booked_category("工业用地", ["工矿仓储用地"])[1]
    '工矿仓储用地'
    >>> booked_category("菜园", ["住宅用地"])
    (None, None)
    """
    cat = lookup(name, system)
    if cat is None:
        return None, None
    if cat.name in plan_categories:
        return cat, cat.name
    for other in _CROSSWALK.get(cat.name, ()):
        if other in plan_categories:
            return cat, other
    return cat, cat.name


@dataclass
class _Rows:
    """One partition being checked: its rows, ids, geometries and what the families found so far."""

    part: gpd.GeoDataFrame
    ctx: Context
    rows: np.ndarray
    out: pd.DataFrame
    findings: list = field(default_factory=list)
    pids: list = field(default_factory=list)
    # geometry state, filled by the families in turn
    geoms: np.ndarray | None = None
    src_crs: CRS | None = None
    usable: np.ndarray | None = None
    rep: np.ndarray | None = None
    ok: np.ndarray | None = None
    geom_ll: np.ndarray | None = None
    to_ll: Transformer | None = None
    corrected: dict = field(default_factory=dict)
    found: np.ndarray | None = None
    share_of: dict = field(default_factory=dict)      # polygons in several townships: {township: share}
    single_share: dict = field(default_factory=dict)  # polygons in one township: (township, share)
    area_ha: np.ndarray | None = None

    def shares(self, i: int) -> dict | None:
        """{township: share} of polygon ``i`` (None for points and polygons outside every township)."""
        if i in self.share_of:
            return self.share_of[i]
        one = self.single_share.get(i)
        return {one[0]: float(one[1])} if one is not None else None

    def add(self, i, kind, message, **kw):
        finding(self.findings, self.rows[i], self.pids[i], kind, message, **kw)

    def column(self, key: str):
        name = self.ctx.fields[key]
        return None if not name else np.array([text(v) for v in self.part[name].to_numpy(dtype=object)],
                                               dtype=object)


def check_partition(part: gpd.GeoDataFrame, ctx: Context):
    """Run every per-row check on one partition (index = input row numbers).

    Parameters
    ----------
    part : geopandas.GeoDataFrame
        Parcels as read; rows without a CRS are read as CGCS2000 lon/lat.
    ctx : Context

    Returns
    -------
    added : pandas.DataFrame
        Indexed like ``part``: ``parcel_id``, ``id_text``, ``township_declared``, ``category_booked``,
        ``stated_ha``, ``township_found``, ``area_ha``, ``geometry`` (EPSG:4326) and ``geom_key``.
    findings : list of dict
        Finding records.

    Examples
    --------
    >>> added, found = check_partition(parcels, ctx)  # doctest: +SKIP
    """
    r = _Rows(part=part, ctx=ctx, rows=part.index.to_numpy(), out=pd.DataFrame(index=part.index))
    _ids(r)
    _coordinates(r)
    _validity(r)
    _location(r)
    _declared_township(r)
    _category(r)
    _stated_area(r)
    _output_geometry(r)
    return r.out, r.findings


def _ids(r: _Rows) -> None:
    ids = r.column("id")
    ids = list(ids) if ids is not None else [""] * len(r.part)
    r.pids = [i if i else f"{_NO_ID}{row + 1}" for i, row in zip(ids, r.rows)]
    r.out["parcel_id"] = r.pids
    r.out["id_text"] = ids


def _coordinates(r: _Rows) -> None:
    """Missing/empty geometry; coordinates outside China, swapped, or Gauss-Krüger read as degrees."""
    n = len(r.part)
    r.src_crs = CRS.from_user_input(r.part.crs) if r.part.crs is not None else CRS.from_epsg(4490)
    geoms = r.geoms = np.asarray(r.part.geometry.values, dtype=object)
    missing = pd.isna(pd.Series(geoms, dtype=object)).to_numpy()
    present = ~missing
    empty = np.zeros(n, bool)
    empty[present] = shapely.is_empty(geoms[present])
    usable = r.usable = present & ~empty

    # A representative point in the source CRS, then in lon/lat.
    rep = r.rep = np.full((n, 2), np.nan)
    if usable.any():
        b = shapely.bounds(geoms[usable])
        rep[usable] = np.column_stack([(b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2])
    geom_ll = r.geom_ll = np.full(n, None, dtype=object)
    if r.src_crs.is_geographic:
        ok = usable & _in_china(rep[:, 0], rep[:, 1])
        r.to_ll = None if r.src_crs.equals(CRS.from_epsg(4326)) else transformer(r.src_crs, CRS.from_epsg(4326))
        if ok.any():
            geom_ll[ok] = geoms[ok] if r.to_ll is None else reproject(geoms[ok], r.to_ll)
        ll = rep
    else:
        r.to_ll = transformer(r.src_crs, CRS.from_epsg(4326))
        conv = np.full(n, None, dtype=object)
        ll = np.full((n, 2), np.nan)
        if usable.any():
            conv[usable] = reproject(geoms[usable], r.to_ll)
            ll[usable] = np.column_stack(r.to_ll.transform(rep[usable, 0], rep[usable, 1]))
        ok = usable & _in_china(ll[:, 0], ll[:, 1])
        geom_ll[ok] = conv[ok]
    r.ok = ok

    for i in np.nonzero(missing)[0]:
        r.add(i, "missing_geometry", "缺少几何（无坐标或坐标无法读取）")
    for i in np.nonzero(empty)[0]:
        r.add(i, "empty_geometry", "几何为空")
    for i in np.nonzero(usable & ~ok)[0]:
        _misplaced(r, i, ll[i])


def reproject(geoms, tr: Transformer):
    return shapely.transform(geoms, lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1])))


def _misplaced(r: _Rows, i: int, lonlat) -> None:
    """One geometry outside China: say why, and where it lands when read the way it was meant."""
    x, y = r.rep[i]
    figs = {"x": x, "y": y}
    fix = None
    if r.src_crs.is_geographic:
        gk = _gk_reading(x, y, r.ctx) if (abs(x) > 180 or abs(y) > 90) else None
        if gk is not None:
            epsg, lon, lat, flipped = gk
            kind = "gauss_kruger_as_degrees"
            msg = (f"坐标（{x:.2f}, {y:.2f}）是高斯-克吕格投影坐标（米），却被当作经纬度读入；"
                   f"按 EPSG:{epsg}{' 并互换 X/Y' if flipped else ''} 换算为 {lon:.5f}°E, {lat:.5f}°N")
            figs.update(epsg=epsg, lon=lon, lat=lat, xy_swapped=flipped)
            fix = lambda c, e=epsg, fl=flipped: np.column_stack(  # noqa: E731
                transformer(e, 4326).transform(*(c[:, 1], c[:, 0]) if fl else (c[:, 0], c[:, 1])))
        elif _in_china(np.array([y]), np.array([x]))[0]:
            kind = "swapped_coordinates"
            msg = f"经纬度疑似颠倒：（{x:.5f}, {y:.5f}）不在中国境内，互换后为 {y:.5f}°E, {x:.5f}°N"
            figs.update(lon=y, lat=x)
            fix = lambda c: c[:, ::-1].copy()  # noqa: E731
        else:
            kind = "outside_china"
            msg = f"坐标（{x:.5f}, {y:.5f}）不在中国境内，疑似坐标系错误"
    else:
        lx, ly = lonlat
        kind = "outside_china"
        msg = (f"按 {r.src_crs.to_string()} 解释，坐标（{x:.2f}, {y:.2f}）位于 "
               f"{lx:.4f}°E, {ly:.4f}°N，不在中国境内，疑似坐标系错误")
        figs.update(crs=r.src_crs.to_string(), lon=lx, lat=ly)
    if fix is not None:
        try:
            fixed = shapely.transform(r.geoms[i], fix)
            if kind == "swapped_coordinates" and r.to_ll is not None:
                fixed = reproject(fixed, r.to_ll)
            ctx = r.ctx
            where = ctx.index.locate_xy(*np.array(
                transformer(4326, ctx.crs_area).transform(
                    *shapely.get_coordinates(shapely.point_on_surface(fixed))[0])).reshape(2, 1))[0]
            figs["township_if_corrected"] = ctx.names[where] if where >= 0 else None
            msg += f"，落在{ctx.names[where]}" if where >= 0 else "，仍在县界外"
            r.corrected[i] = fixed
        except Exception:  # noqa: BLE001 - a hint only; the finding stands without it
            pass
    r.add(i, kind, msg, **figs)


def _gk_reading(x: float, y: float, ctx: Context):
    """(EPSG, lon, lat, flipped) when (x, y) read as degrees are Gauss-Krüger metres (either order), else None."""

    for e, n in ((x, y), (y, x)):
        guess = guess_crs((e, n, e, n), lon_hint=ctx.centre[0])
        if guess.epsg and guess.epsg != 4490:
            lon, lat = transformer(guess.epsg, 4326).transform(e, n)
            if math.isfinite(lon) and math.isfinite(lat):
                return guess.epsg, lon, lat, (e, n) != (x, y)
    return None


def _validity(r: _Rows) -> None:
    """Geometry validity, in the source CRS as drawn."""
    n = len(r.part)
    ok = np.ones(n, bool)
    if r.usable.any():
        ok[r.usable] = shapely.is_valid(r.geoms[r.usable])
    for i in np.nonzero(r.usable & ~ok)[0]:
        reason = shapely.is_valid_reason(r.geoms[i])
        r.add(i, "invalid_geometry", f"几何无效：{geos_reason(reason)}（已按修复后的几何检查）", reason=reason)


def _location(r: _Rows) -> None:
    """Township of each parcel (points) or its shares (polygons): outside the county, straddling."""
    ctx, n = r.ctx, len(r.part)
    to_area = transformer(CRS.from_epsg(4326), ctx.crs_area)
    loc = np.nonzero(r.ok)[0]
    g_area = np.full(n, None, dtype=object)
    if len(loc):
        g_area[loc] = valid(reproject(r.geom_ll[loc], to_area))
    gtype = np.full(n, -1)
    gtype[loc] = shapely.get_type_id(g_area[loc])
    is_poly = np.isin(gtype, (3, 6, 7))
    area_ha = r.area_ha = np.full(n, np.nan)
    area_ha[loc] = shapely.area(g_area[loc]) / 1e4
    area_ha[~is_poly] = np.nan
    found = r.found = np.full(n, None, dtype=object)

    pt = loc[~is_poly[loc]]
    if len(pt):
        hit = ctx.index.locate(g_area[pt])
        found[pt] = np.array([None, *ctx.names], dtype=object)[hit + 1]
    pg = loc[is_poly[loc]]
    total = np.ones(n)  # share of each polygon inside the county
    if len(pg):
        _polygon_shares(r, pg, ctx.index.shares(g_area[pg]), total)

    for i in loc[found[loc] == None]:  # noqa: E711 - elementwise on an object array
        r.add(i, "outside_county", "位于县（市）界外，不在任何乡镇内",
              lon=r.rep[i, 0] if r.src_crs.is_geographic else None)
    for i in np.nonzero((1.0 - total >= _STRADDLE_SHARE) & (found != None))[0]:  # noqa: E711
        outside = max(0.0, 1.0 - total[i])
        r.add(i, "partly_outside_county", f"地块有 {pct(outside)} 的面积位于县（市）界外", found=found[i],
              outside_share=outside)
    for i in sorted(r.share_of):
        s = r.share_of[i]
        inside = {k: v for k, v in s.items() if v >= _STRADDLE_SHARE}
        if len(inside) > 1:
            ranked = sorted(s.items(), key=lambda kv: -kv[1])
            words = "、".join(f"{k} {pct(v)}" for k, v in ranked if k in inside)
            r.add(i, "straddles_townships", f"地块跨乡镇界线：{words}", found=found[i], shares=dict(ranked),
                  areas_ha={k: v * area_ha[i] for k, v in s.items()})


def _polygon_shares(r: _Rows, pg: np.ndarray, sh: pd.DataFrame, total: np.ndarray) -> None:
    """Township of each polygon (largest share; ties to the first township) and the shares of those in several."""
    names = np.array(r.ctx.names, dtype=object)
    p, t, s = sh["parcel"].to_numpy(), sh["township"].to_numpy(), sh["share"].to_numpy()
    order = np.lexsort((t, -s, p))
    head = order[np.r_[True, p[order][1:] != p[order][:-1]]] if len(order) else order
    r.found[pg[p[head]]] = names[t[head]]
    total[pg] = np.bincount(p, weights=s, minlength=len(pg))
    count = np.bincount(p, minlength=len(pg))
    one = count[p] == 1
    r.single_share.update(zip(pg[p[one]].tolist(), zip(names[t[one]], s[one])))
    several = ~one
    for q, tt, ss in zip(p[several], t[several], s[several]):  # sh is ordered by parcel, then township
        r.share_of.setdefault(int(pg[q]), {})[names[tt]] = float(ss)


def _declared_township(r: _Rows) -> None:
    """The declared township: missing, unknown (with suggestions), or not where the parcel lies."""
    n, ctx, found = len(r.part), r.ctx, r.found
    declared = np.full(n, None, dtype=object)
    names_in = r.column("township")
    if names_in is not None:
        canon_of = {name: ctx.township(name) for name in set(names_in) if name}
        declared = np.array([canon_of.get(name) for name in names_in], dtype=object)
        for i in np.nonzero(names_in == "")[0]:
            r.add(i, "missing_township", "未填写所属乡镇", found=found[i])
        for i in np.nonzero((names_in != "") & pd.isna(declared))[0]:
            name = names_in[i]
            hint = suggest(name, ctx.names)
            r.add(i, "unknown_township",
                  f"所属乡镇“{name}”不在乡镇图层中" + (f"；是否为{'、'.join(hint)}？" if hint else ""),
                  declared=name, found=found[i], candidates=hint)
        for i in np.nonzero(pd.notna(declared) & pd.notna(found) & (declared != found))[0]:
            canon, s = declared[i], r.shares(i)
            # A polygon is in the wrong township when the declared one holds less than half of it (as
            # shown, to 0.1 %: a 50/50 parcel is a straddle, not also a mismatch).
            if s is not None and round(s.get(canon, 0.0), 3) >= 0.5:
                continue
            if s is not None:
                msg = (f"申报位于{canon}，实际主要位于{found[i]}（{pct(s[found[i]])}），"
                       f"在{canon}内的面积占 {pct(s.get(canon, 0.0))}")
                figs = {"share_declared": s.get(canon, 0.0), "share_found": s[found[i]]}
            else:
                msg, figs = f"申报位于{canon}，实际位于{found[i]}", {}
            r.add(i, "township_mismatch", msg, declared=canon, found=found[i], **figs)
    r.out["township_declared"] = declared
    # where a polygon in several townships lies, for the quota by location ({township: share}, JSON)
    shares = np.full(n, None, dtype=object)
    for i, sh in r.share_of.items():
        shares[i] = json.dumps(sh, ensure_ascii=False)
    r.out["township_shares"] = shares


def _category(r: _Rows) -> None:
    """The land-use category: missing, unknown (with suggestions), or booked against the plan's name."""
    ctx = r.ctx
    cats = np.full(len(r.part), None, dtype=object)
    cats_in = r.column("category")
    if cats_in is not None:
        booked_of = {name: ctx.category(name)[1] for name in set(cats_in) if name}
        cats = np.array([booked_of.get(name) for name in cats_in], dtype=object)
        for i in np.nonzero(cats_in == "")[0]:
            r.add(i, "missing_category", "未填写用地类型")
        for i in np.nonzero((cats_in != "") & pd.isna(cats))[0]:
            name = cats_in[i]
            hint = difflib.get_close_matches(name, [*ctx.plan_categories, *category_names()], n=3, cutoff=0.3)
            r.add(i, "unknown_category", f"用地类型“{name}”无法识别" + (f"；是否为{'、'.join(hint)}？" if hint else ""),
                  category=name, candidates=hint)
    r.out["category_booked"] = cats


def _stated_area(r: _Rows) -> None:
    """The stated area: a number, and close to the polygon's area."""
    ctx, area_ha = r.ctx, r.area_ha
    stated = np.full(len(r.part), np.nan)
    name = ctx.fields["area"]
    if name:
        factor = HA_PER_UNIT[ctx.area_unit or "公顷"]
        raw = r.part[name]
        if raw.dtype.kind in "iuf":
            stated = raw.to_numpy(dtype=float) * factor
        else:
            words = pd.Series([text(v).replace(",", "") for v in raw.to_numpy(dtype=object)], dtype=object)
            num = pd.to_numeric(words, errors="coerce").to_numpy(dtype=float)
            for i in np.nonzero((words != "").to_numpy() & np.isnan(num))[0]:
                r.add(i, "unreadable_area", f"面积“{words[i]}”不是数字", value=words[i])
            stated = num * factor
        stated = _plausible_stated(r, stated)
        with np.errstate(invalid="ignore", divide="ignore"):
            diff = stated - area_ha
            bad = np.abs(diff) > ctx.area_tolerance * area_ha
        for i in np.nonzero(bad & (area_ha > 0))[0]:
            r.add(i, "area_mismatch",
                  f"填报面积 {fmt_ha(stated[i])} 与图形面积 {fmt_ha(area_ha[i])} 相差 "
                  f"{pct(diff[i] / area_ha[i])}（容差 {pct(ctx.area_tolerance)}）",
                  stated_ha=stated[i], geometry_ha=area_ha[i], difference_ha=diff[i],
                  relative=diff[i] / area_ha[i], tolerance=ctx.area_tolerance)
    r.out["stated_ha"] = stated
    r.out["township_found"] = r.found
    r.out["area_ha"] = area_ha


#: A stated parcel area above this (10,000 公顷 = 100 km²) is a typing or unit error, not a parcel.
MAX_PARCEL_HA = 10_000.0


def _plausible_stated(r: _Rows, stated: np.ndarray) -> np.ndarray:
    """Stated areas with the negative, zero, infinite or absurd ones reported and set aside (NaN).

    A set-aside parcel is booked against the quota with its geometry area, never with the figure.
    """
    with np.errstate(invalid="ignore"):
        bad = ~np.isnan(stated) & ~((stated > 0) & (stated <= MAX_PARCEL_HA))
    for i in np.nonzero(bad)[0]:
        r.add(i, "implausible_area", f"填报面积 {stated[i]:,.6g}公顷 不合理（应大于 0、不超过 {MAX_PARCEL_HA:,.0f}公顷），"
              f"未计入指标核算，改按图形面积计", stated_ha=float(stated[i]))
    return np.where(bad, np.nan, stated)


def _output_geometry(r: _Rows) -> None:
    """Geometry in lon/lat (swapped/GK coordinates read as meant) and a key for exact duplicates."""
    out_geom = r.geom_ll.copy()
    for i, g in r.corrected.items():
        out_geom[i] = g
    r.out["geometry"] = out_geom
    key = np.full(len(r.part), None, dtype=object)
    if r.usable.any():
        wkb = shapely.to_wkb(shapely.normalize(r.geoms[r.usable]))
        key[r.usable] = [hashlib.blake2b(w, digest_size=16).hexdigest() for w in wkb]
    r.out["geom_key"] = key


def guess_area_unit(part: gpd.GeoDataFrame, area_field: str, ctx: Context) -> str:
    """The unit under which stated areas best match polygon areas (公顷 when that cannot be told)."""
    sample = part.head(2000)
    added, _ = check_partition(sample.set_axis(range(len(sample))), ctx) if len(sample) else (None, None)
    if added is None or added["area_ha"].notna().sum() == 0:
        return "公顷"
    stated = pd.to_numeric(sample[area_field].astype("string").str.replace(",", ""), errors="coerce").to_numpy()
    geom = added["area_ha"].to_numpy()
    ok = np.isfinite(stated) & np.isfinite(geom) & (geom > 0) & (stated > 0)
    if not ok.any():
        return "公顷"
    score = {u: abs(np.log(np.median(stated[ok] * f / geom[ok]))) for u, f in HA_PER_UNIT.items()}
    return min(score, key=score.get)
