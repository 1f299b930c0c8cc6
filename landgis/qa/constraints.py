"""Parcels against constraint layers (三区三线): 永久基本农田, 生态保护红线, 城镇开发边界, or any named layer.

For each parcel and layer: the area it shares with the layer and its share of the parcel
(:class:`landgis.qa.overlap.OverlapIndex`, exact areas). Rules say what is a finding; the defaults, in
``landgis/data/constraint_rules.json`` (a planner copies and edits it, ``--constraint-rules``):

* overlap with 永久基本农田 or 生态保护红线 above ``tolerance_m2`` → error, with the area;
* a 住宅, 商服 or 工矿 parcel outside the 城镇开发边界 by more than ``tolerance_m2`` → warning, with the area
  outside.

A layer with a name no rule knows is measured and reported, with no findings.
"""

from __future__ import annotations

import json
import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from landgis.catalog import message
from landgis.errors import InputError, LandgisWarning
from landgis.qa.labels import finding
from landgis.qa.overlap import OverlapIndex
from landgis.qa.parcels import load_parcels
from landgis.qa.pg_connect import STATEMENT_TIMEOUT
from landgis.qa.pg_read import read_parcels
from landgis.secrets import is_conninfo, register
from landgis.shapefiles import shapefile_source

__all__ = ["Rule", "load_rules", "parse_constraint_specs", "find_constraint_files", "read_constraint",
           "check_constraints", "constraints_by_township", "add_by_township", "CONSTRAINT_COLUMNS"]

#: Feature id columns of bureau layers, most specific first (compared case-insensitively).
FEATURE_ID_NAMES = ("jbnttbbh", "tbbh", "图斑编号", "bsm", "标识码", "ysdm", "编号", "id", "objectid", "fid")
#: Columns of the per-parcel constraint table.
CONSTRAINT_COLUMNS = ("row", "parcel_id", "constraint", "overlap_m2", "share", "outside_m2", "features",
                      "township_found", "category")
_LAYER_SUFFIXES = (".shp", ".gpkg", ".geojson", ".json", ".fgb", ".zip")
_FEATURES_LISTED = 5


@dataclass(frozen=True)
class Rule:
    """What makes a finding for one constraint layer.

    Attributes
    ----------
    rule : {"overlap", "outside", "report"}
        ``overlap``: sharing more than ``tolerance_m2`` with the layer; ``outside``: lying outside it by
        more; ``report``: measured only.
    severity : {"error", "warning", "info"}
    tolerance_m2 : float
    categories : tuple of str
        Words of the land-use categories the rule applies to (empty: every parcel).
    aliases : tuple of str
        File or layer names that mean this constraint.
    """

    rule: str = "report"
    severity: str = "warning"
    tolerance_m2: float = 1.0
    categories: tuple[str, ...] = ()
    aliases: tuple[str, ...] = field(default=(), compare=False)

    def applies(self, category) -> bool:
        """Whether the rule checks a parcel of this category."""
        return not self.categories or (isinstance(category, str) and any(w in category for w in self.categories))


def _key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", unicodedata.normalize("NFKC", str(name))).lower()


def load_rules(path=None) -> dict[str, Rule]:
    """The constraint rules: landgis' defaults, or those of a JSON file like them.

    Examples
    --------
    >>> rules = load_rules()
    >>> rules["永久基本农田"].rule, rules["永久基本农田"].severity
    ('overlap', 'error')
    >>> rules["城镇开发边界"].applies("城镇住宅用地"), rules["城镇开发边界"].applies("公园绿地")
    (True, False)
    """
    if path is None:
        text = resources.files("landgis.data").joinpath("constraint_rules.json").read_text(encoding="utf-8")
        where = "landgis/data/constraint_rules.json"
    else:
        where = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(message("{where}: cannot read the constraint rules: {exc}", where=where, exc=exc)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(message("{where}:{lineno}: not valid JSON: {msg}", where=where, lineno=exc.lineno, msg=exc.msg)) from None
    if not isinstance(data, dict):
        raise InputError(message("{where}: expected an object of constraint names", where=where))
    rules = {}
    for name, spec in data.items():
        if name.startswith("_"):
            continue
        if not isinstance(spec, dict):
            raise InputError(message("{where}: {name}: expected an object with rule, severity, tolerance_m2", where=where, name=name))
        rule, severity = spec.get("rule", "report"), spec.get("severity", "warning")
        if rule not in ("overlap", "outside", "report"):
            raise InputError(message("{where}: {name}: rule {rule!r}; expected overlap, outside or report", where=where, name=name, rule=rule))
        if severity not in ("error", "warning", "info"):
            raise InputError(message("{where}: {name}: severity {severity!r}; expected error, warning or info", where=where, name=name, severity=severity))
        try:
            tol = float(spec.get("tolerance_m2", 1.0))
        except (TypeError, ValueError):
            raise InputError(message("{where}: {name}: tolerance_m2 is not a number", where=where, name=name)) from None
        if not np.isfinite(tol) or tol < 0:
            raise InputError(message("{where}: {name}: tolerance_m2 must be a number ≥ 0", where=where, name=name))
        rules[name] = Rule(rule, severity, tol, tuple(map(str, spec.get("categories", ()))),
                           tuple(map(str, spec.get("aliases", ()))) + (name,))
    return rules


def parse_constraint_specs(specs) -> dict[str, str]:
    """``["永久基本农田=YJJBNT.shp", …]`` as ``{name: path}``.

    Examples
    --------
    >>> parse_constraint_specs(["永久基本农田=data/YJJBNT.shp"])
    {'永久基本农田': 'data/YJJBNT.shp'}
    """
    out: dict[str, str] = {}
    for spec in specs or ():
        name, sep, path = str(spec).partition("=")
        if not sep or not name.strip() or not path.strip():
            raise InputError(message("--constraint {spec!r}: expected NAME=FILE, e.g. 永久基本农田=YJJBNT.shp", spec=spec))
        if name.strip() in out:
            raise InputError(message("--constraint {strip} is given twice", strip=name.strip()))
        out[name.strip()] = path.strip()
    return out


def _name_of(stem: str, rules: dict[str, Rule]) -> str | None:
    key = _key(stem)
    for name, rule in rules.items():
        for alias in rule.aliases:
            a = _key(alias)
            if key == a or key.startswith(a) or key.endswith(a) or (len(a) >= 4 and a in key):
                return name
    return None


#: Columns that say which control line a feature of a combined 三区三线 layer belongs to.
TYPE_FIELD_NAMES = ("kzxlx", "控制线类型", "管控类型", "kzxmc", "控制线名称", "类型", "lx", "lxmc")


def _by_type_field(path: Path, layer: str | None, rules: dict[str, Rule]) -> dict:
    """A combined layer split by its type column: ``{name: (path, layer, column, values)}`` (empty if none)."""


    src, encoding = shapefile_source(path)
    try:
        info = pyogrio.read_info(src, layer=layer, encoding=encoding)
    except Exception:  # noqa: BLE001 - an unreadable file is reported as not recognised
        return {}
    cols = {_key(c): c for c in info["fields"]}
    col = next((cols[k] for k in TYPE_FIELD_NAMES if k in cols), None)
    if col is None:
        return {}
    values = pyogrio.read_dataframe(src, layer=layer, encoding=encoding, columns=[col], read_geometry=False)[col]
    out: dict = {}
    for v in values.dropna().astype(str).unique():
        name = _name_of(v, rules)
        if name is not None:
            out.setdefault(name, (str(path), layer, col, []))[3].append(v)
    return {k: (p, lyr, c, tuple(v)) for k, (p, lyr, c, v) in out.items()}


def find_constraint_files(folder, rules: dict[str, Rule]) -> dict[str, tuple]:
    """Constraint layers in a folder, by their usual file or layer names (YJJBNT.shp, 生态保护红线.gpkg …).

    Returns
    -------
    dict
        ``{constraint name: (path, layer or None)}``, or ``(path, layer, column, values)`` for the part of
        a combined layer (三区三线.shp with a 控制线类型/KZXLX column) whose column holds one of ``values``.
        Layers that match nothing are named in a warning.
    """

    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(message("{folder}: --constraints expects a folder of constraint layers", folder=folder))
    found: dict[str, tuple[str, str | None]] = {}
    unknown = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in _LAYER_SUFFIXES:
            continue
        layers = [None]
        if path.suffix.lower() == ".gpkg":
            layers = [n for n, g in pyogrio.list_layers(path) if g]
        for layer in layers:
            stem = layer if layer is not None and _name_of(layer, rules) else path.stem
            name = _name_of(stem, rules)
            if name is None:
                split = _by_type_field(path, layer if len(layers) > 1 else None, rules)
                for kind, spec in split.items():
                    if kind in found:
                        raise InputError(message("{folder}: two layers for {kind}: {found} and {path}; give one with --constraint "
                                                 "{kind}=FILE", folder=folder, kind=kind, found=found[kind][0], path=path))
                    found[kind] = spec
                if not split:
                    unknown.append(path.name if layer is None else f"{path.name}:{layer}")
                continue
            if name in found:
                raise InputError(message("{folder}: two layers for {name}: {found} and {path}; give one with --constraint "
                                         "{name}=FILE", folder=folder, name=name, found=found[name][0], path=path))
            found[name] = (str(path), layer if len(layers) > 1 else None)
    if unknown:
        warnings.warn(LandgisWarning(message("{folder}: not recognised as a constraint layer, left out: {unknown} "
                                              "(name them with --constraint NAME=FILE)", folder=folder,
                                              unknown=", ".join(unknown))), stacklevel=2)
    if not found:
        raise InputError(message("{folder}: no constraint layer found; expected names such as YJJBNT, STBHHX, "
                                 "CZKFBJ or 永久基本农田, 生态保护红线, 城镇开发边界", folder=folder))
    return found


def read_constraint(name: str, path, *, layer: str | None = None, crs=None, where=None, sql: str | None = None,
                    statement_timeout: float | None = STATEMENT_TIMEOUT) -> gpd.GeoDataFrame:
    """A constraint layer's polygons with a ``feature_id`` column (the layer's id field, else the row).

    Read like parcels (GBK shapefiles without .cpg, projected CRS with zone prefixes …), or from PostGIS
    like parcels when ``path`` is a ``postgresql://`` URL (or libpq string): the table is ``layer``
    (``SCHEMA.TABLE``) or the rows are one checked ``SELECT`` (``sql``), read read-only within
    ``statement_timeout``; the password is never shown. Invalid polygons are repaired with
    ``make_valid`` (a warning says how many); a layer without polygons is an error.
    """

    if is_conninfo(path) and not Path(str(path)).exists():
        register(str(path))  # every message and output below shows it redacted
        gdf = read_parcels(str(path), layer=layer, sql=sql, statement_timeout=statement_timeout)
        path = gdf.attrs["source"]  # the redacted URL with the table: what messages and outputs name
    elif sql is not None:
        raise InputError(message("the {name} layer: a query (sql) needs a postgresql:// URL as its source", name=name))
    else:
        gdf = load_parcels(path, layer=layer, crs=crs)
    if where is not None:  # (column, values): this constraint's part of a combined layer
        gdf = gdf[gdf[where[0]].astype(str).isin(where[1])].reset_index(drop=True)
    if gdf.crs is None:
        raise InputError(message("{path}: the {name} layer has no CRS; give it a .prj", path=path, name=name))
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    present = ~pd.isna(pd.Series(geoms, dtype=object)).to_numpy()
    kinds = np.full(len(geoms), -1)
    kinds[present] = shapely.get_type_id(geoms[present])
    wrong = np.flatnonzero(present & ~np.isin(kinds, (3, 6)))
    if len(wrong):
        raise InputError(message("{path}: feature {n} of the {name} layer is a {get_type_id!r}-type geometry; a "
                                 "constraint layer holds polygons", path=path, n=wrong[0] + 1, name=name, get_type_id=shapely.get_type_id(geoms[wrong[0]])))
    if not present.any():
        raise InputError(message("{path}: the {name} layer has no polygons", path=path, name=name))
    bad = present.copy()
    bad[present] = ~shapely.is_valid(geoms[present])
    if bad.any():
        fixed = shapely.make_valid(geoms[bad])
        geoms[bad] = [shapely.union_all(shapely.get_parts(g)[np.isin(shapely.get_type_id(shapely.get_parts(g)),
                                                                      (3, 6))]) for g in fixed]
        warnings.warn(LandgisWarning(message("{path}: {n} invalid polygon(s) of the {name} layer repaired (make_valid)",
                                              path=path, n=int(bad.sum()), name=name)), stacklevel=2)
    cols = {_key(c): c for c in gdf.columns if c != gdf.geometry.name}
    idcol = next((cols[k] for k in FEATURE_ID_NAMES if k in cols), None)
    ids = gdf[idcol].astype(str).to_numpy() if idcol else np.array([f"#{i + 1}" for i in range(len(gdf))])
    out = gpd.GeoDataFrame({"feature_id": ids}, geometry=list(geoms), crs=gdf.crs)
    out = out[present].reset_index(drop=True)
    out.attrs["source"] = str(path)
    return out


def check_constraints(added: pd.DataFrame, layers: dict[str, gpd.GeoDataFrame], rules: dict[str, Rule],
                      crs_area, findings: list, *, threads: int | None = None) -> pd.DataFrame:
    """Overlap of each parcel with each constraint layer, and the rules' findings.

    Parameters
    ----------
    added : pandas.DataFrame
        The checked parcels (index = input row): ``parcel_id``, ``geometry`` (EPSG:4326),
        ``category_booked``, ``township_found``.
    layers : dict
        ``{name: GeoDataFrame}`` from :func:`read_constraint`.
    rules : dict
        From :func:`load_rules`; a layer without a rule is measured only.
    crs_area : pyproj.CRS
        The equal-area CRS the areas are measured in (the QA's).
    findings : list
        Finding records are appended.

    Returns
    -------
    pandas.DataFrame
        :data:`CONSTRAINT_COLUMNS`, one row per (parcel with a polygon, layer), overlap 0 included: the table
        shows every parcel checked against every layer (``outside_m2`` for ``outside`` rules).
    """

    geoms = gpd.GeoSeries(added["geometry"].to_numpy(), crs=4326)
    poly = np.zeros(len(geoms), bool)
    present = geoms.notna().to_numpy()
    poly[present] = np.isin(shapely.get_type_id(geoms.values[present]), (3, 6))
    area_geoms = np.full(len(geoms), None, dtype=object)
    if poly.any():
        # an invalid parcel (a finding of its own) is measured as repaired: polygons stay polygons
        g = np.asarray(geoms[poly].to_crs(crs_area).values, dtype=object)
        bad = ~shapely.is_valid(g)
        g[bad] = shapely.make_valid(g[bad], method="structure", keep_collapsed=False)
        area_geoms[poly] = g
    total = np.zeros(len(geoms))
    total[poly] = shapely.area(area_geoms[poly])
    rows = added.index.to_numpy()
    pids = added["parcel_id"].to_numpy(dtype=object)
    cats = added["category_booked"].to_numpy(dtype=object) if "category_booked" in added else np.full(len(added), None)
    towns = added["township_found"].to_numpy(dtype=object) if "township_found" in added else np.full(len(added), None)
    tables = []
    for name, layer in layers.items():
        rule = rules.get(name, Rule())
        lg = layer.to_crs(crs_area)
        index = OverlapIndex(lg.geometry.values, threads=threads)
        pairs = index.overlaps(area_geoms)
        over = np.bincount(pairs["parcel"].to_numpy(dtype=np.int64), weights=pairs["area"].to_numpy(dtype=float),
                           minlength=len(geoms)).astype(float)  # float even when no parcel meets the layer
        fids = lg["feature_id"].to_numpy(dtype=object)
        listed: dict[int, list] = {}
        for p, f in zip(pairs["parcel"].to_numpy(), pairs["feature"].to_numpy()):
            listed.setdefault(int(p), []).append(fids[f])
        applies = np.array([rule.applies(c) for c in cats], dtype=bool)
        outside = np.where(poly & (rule.rule == "outside"), np.clip(total - over, 0, None), np.nan)
        share = np.divide(over, total, out=np.zeros_like(over), where=total > 0)
        for i in np.flatnonzero(poly & ((over > 0) | ((rule.rule == "outside") & applies))):  # may find
            ids = listed.get(int(i), [])
            more = f" 等 {len(ids)} 个图斑" if len(ids) > _FEATURES_LISTED else ""
            named = "、".join(map(str, ids[:_FEATURES_LISTED])) + more
            if rule.rule == "overlap" and applies[i] and over[i] > rule.tolerance_m2:
                finding(findings, rows[i], pids[i], "constraint_overlap",
                        f"与{name}重叠 {over[i]:.2f} 平方米（占地块面积 {share[i]:.1%}；图斑 {named}）",
                        found=towns[i], category=cats[i], constraint=name, overlap_m2=over[i], share=share[i],
                        features=[str(x) for x in ids[:_FEATURES_LISTED]], n_features=len(ids))
                findings[-1]["severity"] = rule.severity
            if rule.rule == "outside" and applies[i] and outside[i] > rule.tolerance_m2:
                finding(findings, rows[i], pids[i], "outside_constraint",
                        f"有 {outside[i]:.2f} 平方米位于{name}外（占地块面积 {outside[i] / total[i]:.1%}）",
                        found=towns[i], category=cats[i], constraint=name, outside_m2=outside[i],
                        share_outside=outside[i] / total[i])
                findings[-1]["severity"] = rule.severity
        sel = np.flatnonzero(poly)  # every parcel checked, 0 included: the bureau files the clean ones too
        tables.append(pd.DataFrame({
            "row": rows[sel], "parcel_id": pids[sel], "constraint": name, "overlap_m2": over[sel],
            "share": share[sel], "outside_m2": outside[sel],
            "features": ["、".join(map(str, listed.get(int(i), []))) or None for i in sel],
            "township_found": towns[sel], "category": cats[sel]}))
    if not tables:
        return pd.DataFrame(columns=list(CONSTRAINT_COLUMNS))
    return pd.concat(tables, ignore_index=True)[list(CONSTRAINT_COLUMNS)]


def constraints_by_township(table: pd.DataFrame) -> pd.DataFrame:
    """Per township × constraint: parcels overlapping, overlap and outside areas.

    A parcel counts in the township holding most of it (``township_found``), its whole overlap with it;
    parcels outside the county under （县界外）.

    Examples
    --------
    >>> t = pd.DataFrame({"row": [0, 1], "parcel_id": ["A", "B"], "constraint": ["永久基本农田"] * 2,
    ...                   "overlap_m2": [10.0, 0.0], "share": [0.1, 0.0], "outside_m2": [np.nan, np.nan],
    ...                   "features": ["1", None], "township_found": ["连州镇", "连州镇"], "category": [None, None]})
    >>> constraints_by_township(t).to_dict("records")
    [{'township_found': '连州镇', 'constraint': '永久基本农田', 'parcels_overlapping': 1, 'overlap_m2': 10.0, 'parcels_outside': 0, 'outside_m2': 0.0}]
    """
    if table.empty:
        return pd.DataFrame(columns=["township_found", "constraint", "parcels_overlapping", "overlap_m2",
                                     "parcels_outside", "outside_m2"])
    t = table.assign(township_found=table["township_found"].fillna("（县界外）"),
                     hit=table["overlap_m2"] > 0, out=table["outside_m2"].fillna(0) > 0,
                     outside=table["outside_m2"].fillna(0.0))
    g = t.groupby(["township_found", "constraint"], sort=True)
    return pd.DataFrame({"parcels_overlapping": g["hit"].sum().astype(int), "overlap_m2": g["overlap_m2"].sum(),
                         "parcels_outside": g["out"].sum().astype(int),
                         "outside_m2": g["outside"].sum()}).reset_index()


def add_by_township(parts: list) -> pd.DataFrame:
    """Per-partition :func:`constraints_by_township` tables added up (the dask engine's partitions).

    Examples
    --------
    >>> a = pd.DataFrame({"township_found": ["连州镇"], "constraint": ["永久基本农田"], "parcels_overlapping": [1],
    ...                   "overlap_m2": [10.0], "parcels_outside": [0], "outside_m2": [0.0]})
    >>> add_by_township([a, a])["overlap_m2"].tolist()
    [20.0]
    """
    parts = [p for p in parts if p is not None and len(p)]
    if not parts:
        return constraints_by_township(pd.DataFrame(columns=list(CONSTRAINT_COLUMNS)))
    g = pd.concat(parts, ignore_index=True).groupby(["township_found", "constraint"], sort=True)
    return g[["parcels_overlapping", "overlap_m2", "parcels_outside", "outside_m2"]].sum().reset_index()
