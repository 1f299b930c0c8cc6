"""``qa()``: spatial QA of parcels (地块) as a short pipeline of named steps.

read the parcels → resolve the township layer and the plan → find the fields and the area unit →
check every partition (engine) → checks across rows → quota → assemble.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
from pyproj import CRS

from landgis.catalog import message, word
from landgis.extras import require
from landgis.townships import load_townships
from landgis.county import County, find_county, resolve_county
from landgis.errors import InputError
from landgis.plan import SEED_PLAN, Plan, parse_plan
from landgis.qa import engines
from landgis.qa.across import duplicate_geometries, duplicate_ids, overlaps
from landgis.qa.checks import Context, guess_area_unit
from landgis.qa.constraints import (check_constraints, constraints_by_township, find_constraint_files,
                                    load_rules, read_constraint)
from landgis.qa.execution import execution, execution_from_sums, find_supply_fields
from landgis.qa.labels import FINDING_COLUMNS, SEVERITIES
from landgis.qa.parcels import HA_PER_UNIT, area_unit_from_header, find_fields, is_geoparquet, load_parcels
from landgis.qa.pg_connect import STATEMENT_TIMEOUT
from landgis.qa.pg_read import read_parcels
from landgis.qa.postgis_chunks import plan_chunks
from landgis.qa.quota import booked, reconcile, repeated_rows
from landgis.qa.result import QAResult, assemble, read_groups_parquet, write_findings_parquet
from landgis.secrets import is_conninfo

# dask and dask-geopandas (the dask extra) are imported inside functions: only engine="dask" needs them.

__all__ = ["qa", "default_plan"]

_VECTOR = (".gpkg", ".shp", ".zip", ".geojson", ".fgb")
_UNITS = {"ha": "公顷", "mu": "亩", "m2": "平方米", "m²": "平方米"}


def qa(parcels, townships=None, plan=None, *, county=None, id_field: str | None = None, township_field: str | None = None,
       category_field: str | None = None, area_field: str | None = None, area_unit: str | None = None,
       area_tolerance: float = 0.05, overlap_tolerance: float = 1.0, engine: str = "local", scheduler=None, progress: bool = False,
       layer: str | None = None, crs=None, x_field: str | None = None, y_field: str | None = None,
       sql: str | None = None, out_dir=None, partition_rows: int = engines.PARTITION_ROWS,
       statement_timeout: float | None = STATEMENT_TIMEOUT, constraints=None, constraint_folder=None,
       constraint_rules=None, date_field: str | None = None, method_field: str | None = None) -> QAResult:
    """Check parcels against the townships and the plan's quotas.

    Parameters
    ----------
    parcels : geopandas.GeoDataFrame or str or pathlib.Path
        Parcels as points or polygons, or a file :func:`landgis.qa.parcels.load_parcels` reads
        (``layer``, ``crs``, ``x_field``, ``y_field`` are passed to it), or a ``postgresql://`` URL
        (libpq ``key=value`` strings too) with the table as ``layer`` or a query as ``sql``.
    townships : geopandas.GeoDataFrame, optional
        Township layer with ``name`` and ``geometry``; default the layer landgis ships for the
        county (:func:`landgis.townships.load_townships`), an error for a county without one.
    plan : landgis.plan.Plan or str or pathlib.Path or False, optional
        The plan whose allocations the parcels are booked against (a file is read against
        ``county``). Default: the shipped seed plan, but only for the seed plan's county (连州市):
        for another county give its plan, or ``False``, which skips the quota reconciliation.
    county : str or landgis.county.County, optional
        The county the parcels are checked in: declared townships resolve through its registry,
        on every dask worker too. Default ``plan.county`` (the county the plan names); without a
        plan that names one it must be given.
    id_field, township_field, category_field, area_field : str, optional
        Columns to use; by default found by their usual names (地块编号, 所属乡镇, 用地类型, 面积 …).
    area_unit : {"公顷", "亩", "平方米"}, optional
        Unit of the area column; default from its header (面积（亩）), else the unit under which the
        stated areas match the polygons, else 公顷.
    area_tolerance : float
        Relative difference between stated and geometry area beyond which a parcel is flagged.
    overlap_tolerance : float
        Area in m² by which two parcels may overlap before it is a finding (digitising slivers).
    engine : {"local", "dask"}
        ``"dask"`` checks partitions on a dask.distributed cluster without gathering rows: parcels
        are read in pieces on the workers (GeoParquet, GeoPackage, Shapefile …), partitioned along a
        Hilbert curve, and the results written as partitioned GeoParquet into ``out_dir``. A PostGIS
        table is read by the workers in key (or ``ctid``) ranges of ``partition_rows`` rows, all in
        one snapshot the client holds open (:mod:`landgis.qa.postgis_chunks`); an ``sql`` query is
        streamed by the client into GeoParquet first, one chunk at a time. The workers connect with
        the URL's credentials.
    scheduler : str or distributed.Client, optional
        Address of an existing dask scheduler, or a Client; default a new LocalCluster (2 workers).
    progress : bool
        Show a progress bar.
    sql : str, optional
        With a PostGIS URL: one ``SELECT`` to read the parcels with (checked, run read-only).
    out_dir : str or pathlib.Path, optional
        With ``engine="dask"``: where ``parcels.parquet/`` and ``findings.parquet/`` go
        (default: a new temporary folder). Every worker must see it: the rows pass between stages
        through a work folder in it (removed at the end); at its fullest the folder holds about
        4.5 times the input GeoParquet's size, outputs included.
    partition_rows : int
        With ``engine="dask"``: rows per partition, which bounds each worker's memory.
    constraints : dict, optional
        Constraint layers (三区三线) to check the parcels against: ``{name: file}`` (a file read like
        parcels, a ``(file, layer)`` pair, or a GeoDataFrame), e.g. ``{"永久基本农田": "YJJBNT.shp"}``.
        From PostGIS: ``("postgresql://…", "SCHEMA.TABLE")``, or ``{"source": URL, "sql": "SELECT …"}``
        (checked and run read-only, as for parcels).
    constraint_folder : str or pathlib.Path, optional
        A folder whose layers are recognised by their usual names (YJJBNT, STBHHX, CZKFBJ, 永久基本农田 …).
    constraint_rules : str or pathlib.Path, optional
        A JSON file of rules like ``landgis/data/constraint_rules.json`` (the default rules).
    date_field, method_field : str, optional
        The parcels' supply date and supply method columns for the plan's execution (计划执行情况,
        :mod:`landgis.qa.execution`); by default found by their usual names (供地日期, 签订日期 …;
        供地方式, 出让方式 …). Both engines; the dask engine adds up each partition's sums.
    statement_timeout : float, optional
        With a PostGIS URL: seconds each reading statement may run, on the client and on the dask
        workers, before the server cancels it (default 300; 0 or None: no limit).

    Returns
    -------
    QAResult
        With ``engine="dask"``, ``parcels`` is a dask-geopandas GeoDataFrame and ``findings`` a dask
        DataFrame read lazily from ``out_dir`` (rows in spatial partitions, ``qa_row`` the input row);
        ``quota`` and ``summary`` are computed by adding up per-partition sums.

    Raises
    ------
    InputError
        For unreadable parcels, a given column that does not exist, or an unknown area unit.

    Examples
    --------
    >>> result = qa("parcels.gpkg")  # doctest: +SKIP
    >>> result.findings[["parcel_id", "kind", "message"]]  # doctest: +SKIP
    >>> big = qa("postgresql://planner@gis-db/landuse", layer="guotu.dikuai", engine="dask",
    ...          partition_rows=100_000)  # doctest: +SKIP
    """
    if engine not in ("local", "dask"):
        raise InputError(message("unknown QA engine {engine!r}; expected 'local' or 'dask'", engine=engine))
    rules, layers = _constraint_layers(constraints, constraint_folder, constraint_rules, statement_timeout)
    with contextlib.ExitStack() as hold:  # a PostGIS snapshot stays open while the workers read
        gdf, sample, source_path, source = _read(parcels, engine, layer, crs, x_field, y_field, sql,
                                                 partition_rows, hold, statement_timeout)
        the_county, townships, plan = _inputs(townships, plan, county)
        fields, ctx = _context(sample, townships, plan, the_county, source, id_field, township_field,
                               category_field, area_field, area_unit, area_tolerance, overlap_tolerance)
        supply_fields = find_supply_fields([c for c in sample.columns if c != sample.geometry.name],
                                           date_field=date_field, method_field=method_field, source=source)
        if engine == "dask":
            result = _run_dask(gdf if gdf is not None else source_path, sample, ctx, plan, townships, fields,
                               source, out_dir, crs=crs or sample.crs, layer=layer, scheduler=scheduler,
                               progress=progress, partition_rows=partition_rows,
                               constraints=(layers, rules) if layers else None, supply_fields=supply_fields)
            return result
    return _run_local(gdf, ctx, plan, townships, fields, source, layers, rules, supply_fields, progress)


def _run_local(gdf, ctx, plan, townships, fields, source, layers, rules, supply_fields, progress) -> QAResult:
    """The local engine's pipeline: check every partition → checks across rows → constraints → quota →
    assemble → the plan's execution."""
    added, findings = engines.run_local(gdf, ctx, progress)
    added = added.sort_index()
    members: list[pd.DataFrame] = []
    duplicate_ids(added, findings, members)
    duplicate_geometries(added, findings, members)
    overlaps(added, ctx, findings)
    table = check_constraints(added, layers, rules, ctx.crs_area, findings) if layers else None
    repeats = repeated_rows(added)
    quota = reconcile(booked(added, repeats), plan, findings, ctx.registry)
    result = assemble(gdf, added, findings, quota, townships, fields, source, "local", plan, members)
    if plan is not None and (supply_fields["date"] or supply_fields["method"]):
        result.execution = execution(added, gdf, supply_fields, plan, ctx.registry, repeats)
    if table is not None:
        _attach_constraints(result, table, layers)
    return result


def _attach_constraints(result: QAResult, table: pd.DataFrame, layers: dict) -> None:
    """The constraint overlaps on the result: the table, its sums by township, the layers and a summary per layer."""
    result.constraints = table
    result.constraints_by_township = constraints_by_township(table)
    result.constraint_layers = layers
    result.summary["constraints"] = {
        name: {"layer": str(layers[name].attrs.get("source", "")), "features": int(len(layers[name])),
               "parcels_overlapping": int((t["overlap_m2"] > 0).sum()),
               "overlap_m2": round(float(t["overlap_m2"].sum()), 2)}
        for name, t in ((n, table[table["constraint"] == n]) for n in layers)}


def _constraint_layers(constraints, folder, rules_path, statement_timeout: float | None = STATEMENT_TIMEOUT):
    """The rules, and the constraint layers read (before any other work, so a bad layer fails early)."""
    if not constraints and folder is None:
        return None, {}
    rules = load_rules(rules_path)
    given: dict = dict(find_constraint_files(folder, rules)) if folder is not None else {}
    given.update(constraints or {})
    layers = {}
    for name, spec in given.items():
        if isinstance(spec, gpd.GeoDataFrame):
            layers[name] = spec if "feature_id" in spec else spec.assign(
                feature_id=[f"#{i + 1}" for i in range(len(spec))])
            continue
        if isinstance(spec, dict):  # {"source": URL or file, "layer": SCHEMA.TABLE or layer, "sql": SELECT}
            unknown = set(spec) - {"source", "layer", "sql"}
            if unknown:
                raise InputError(message("constraint {name}: expected source, layer and sql, not {items}", name=name,
                                         items=", ".join(sorted(unknown))))
            if "source" not in spec:
                raise InputError(message("constraint {name}: no source given", name=name))
            layers[name] = read_constraint(name, spec["source"], layer=spec.get("layer"), sql=spec.get("sql"),
                                           statement_timeout=statement_timeout)
            continue
        path, layer, *where = spec if isinstance(spec, tuple) else (spec, None)
        layers[name] = read_constraint(name, path, layer=layer, where=tuple(where) if where else None,
                                       statement_timeout=statement_timeout)
    return rules, layers


def _read(parcels, engine, layer, crs, x_field, y_field, sql, partition_rows, hold: contextlib.ExitStack,
          statement_timeout: float | None = STATEMENT_TIMEOUT):
    """(the parcels or None when workers read them, a sample for columns/CRS/units, path or PostGIS
    chunk plan, source text)."""

    source_path = None
    if is_conninfo(parcels) and not Path(parcels).exists():
        if engine == "dask":
            chunks = hold.enter_context(plan_chunks(parcels, layer=layer, sql=sql, rows=partition_rows,
                                                    statement_timeout=statement_timeout))
            return None, chunks.sample, chunks, chunks.source_text

        gdf = read_parcels(parcels, layer=layer, sql=sql, statement_timeout=statement_timeout)
    elif sql is not None:
        raise InputError(message("a query (sql=, --sql) needs the parcels to be a postgresql:// URL"))
    elif isinstance(parcels, gpd.GeoDataFrame):
        gdf = parcels
    else:
        source_path = Path(parcels)
        if engine == "dask" and (source_path.suffix.lower() in _VECTOR or is_geoparquet(source_path)):
            # Only a sample is read here (for the columns, CRS and area unit); workers read the rest.
            sample = load_parcels(source_path, layer=layer, crs=crs, max_rows=2000)
            return None, sample, source_path, str(source_path)
        gdf = load_parcels(source_path, layer=layer, crs=crs, x_field=x_field, y_field=y_field)
    source = str(source_path) if source_path else str(getattr(gdf, "attrs", {}).get("source", "<GeoDataFrame>"))
    gdf = gdf.reset_index(drop=True)
    return gdf, gdf, source_path, source


def default_plan(county: County | None = None) -> Plan:
    """The plan QA books parcels against when none is given: the shipped seed plan, of its county only.

    Raises
    ------
    InputError
        When ``county`` is another county than the seed plan's: its plan must be given.

    Examples
    --------
    >>> default_plan().county.name
    '连州市'
    >>> default_plan(find_county("怀集县"))
    Traceback (most recent call last):
    ...
    landgis.errors.InputError: no plan of 广东省肇庆市怀集县 (441224) to check the parcels' quotas against: give its plan with --plan PATH (plan= in Python), or --no-plan (plan=False)
    """
    seed = parse_plan(SEED_PLAN)
    if county is not None and county.code != getattr(seed.county, "code", None):
        raise InputError(message("no plan of {label} ({code}) to check the parcels' quotas against: give its plan "
                                 "with --plan PATH (plan= in Python), or --no-plan (plan=False)", label=county.label, code=county.code))
    return seed


def _inputs(townships, plan, county) -> tuple[County, gpd.GeoDataFrame, Plan | None]:
    """The county, the township layer (default: the one shipped for the county) and the plan
    (default: the seed plan, for the seed plan's county only; False: none)."""
    the_county = find_county(county) if county is not None else None
    if plan is None:
        plan = default_plan(the_county)
    elif plan is False:
        plan = None
    elif not isinstance(plan, Plan):
        plan = parse_plan(plan, the_county)
    the_county = resolve_county(the_county or getattr(plan, "county", None), what=word("term.parcel_qa"))
    if townships is None:
        townships = load_townships(county=the_county)
    if "name" not in townships.columns:
        raise InputError(message("the township layer has no 'name' column"))
    layer_code = (townships.attrs.get("provenance") or {}).get("county_code")
    if layer_code and str(layer_code) != the_county.code:  # as join() refuses it: names would resolve nowhere
        raise InputError(message("the township layer is of county {layer_code}, the parcels are checked in "
                                 "{label} ({code}); give --county {layer_code} (county= in Python) and that "
                                 "county's plan, or {name}'s township layer (--boundaries)",
                                 layer_code=layer_code, label=the_county.label, code=the_county.code,
                                 name=the_county.name))
    return the_county, townships, plan


def _context(sample, townships, plan, county, source, id_field, township_field, category_field, area_field,
             area_unit, area_tolerance, overlap_tolerance):
    """The fields used, the area unit (given, from the header, or guessed), and the checks' Context."""
    columns = [c for c in sample.columns if c != sample.geometry.name]
    fields = find_fields(columns, id_field=id_field, township_field=township_field,
                         category_field=category_field, area_field=area_field, source=source)
    unit_source = "given"
    if area_unit is not None:
        unit = _UNITS.get(area_unit, area_unit)
        if unit not in HA_PER_UNIT:
            raise InputError(message("unknown area unit {area_unit!r}; expected 公顷, 亩 or 平方米 (ha, mu, m2)", area_unit=area_unit))
    elif fields["area"] and area_unit_from_header(fields["area"]):
        unit, unit_source = area_unit_from_header(fields["area"]), "header"
    else:
        unit, unit_source = None, "guessed"
    plan_cats = list(dict.fromkeys(plan.allocations["category"])) if plan is not None else []
    ctx = Context(townships, fields, unit, area_tolerance, getattr(plan, "category_system", None), plan_cats,
                  overlap_tolerance, registry=county.registry)
    ctx.source = str(source)
    if fields["area"] and unit is None:
        ctx.area_unit = unit = guess_area_unit(sample, fields["area"], ctx)
    fields["area_unit"] = unit
    fields["area_unit_source"] = unit_source if fields["area"] else None
    return fields, ctx


def _run_dask(source, sample, ctx, plan, townships, fields, source_text, out_dir, supply_fields=None,
              **options) -> QAResult:
    """The dask engine's pipeline: check partitions → quota and the plan's execution from their sums →
    publish → lazy result."""

    require("dask_geopandas", "dask")  # one line naming the extra when dask is missing
    import dask.dataframe as dd
    import dask_geopandas

    out = Path(out_dir) if out_dir is not None else Path(tempfile.mkdtemp(prefix="landgis-qa-"))
    with_supply = plan is not None and supply_fields and (supply_fields["date"] or supply_fields["method"])
    run = engines.run_dask(source, ctx, out, sample, supply=(supply_fields, getattr(plan, "year", None))
                           if with_supply else None, **options)
    quota_findings: list = []
    quota = reconcile(run.booked, plan, quota_findings, ctx.registry)
    ex = execution_from_sums(run.execution_sums, supply_fields, plan, ctx.registry) if with_supply else None
    write_findings_parquet(quota_findings, run.staging / "findings.parquet" / "quota.parquet", labels=True)
    engines.publish(run)
    by_kind = dict(run.by_kind)
    by_sev = dict(run.by_severity)
    for f in quota_findings:
        by_kind[f["kind"]] = by_kind.get(f["kind"], 0) + 1
        by_sev[f["severity"]] = by_sev.get(f["severity"], 0) + 1
    crs = options.get("crs")
    summary = {
        "source": source_text, "engine": "dask", "plan": getattr(plan, "source", None),
        "source_crs": CRS.from_user_input(crs).to_string() if crs is not None else None,
        "n_parcels": run.n_parcels, "n_with_findings": run.n_with_findings,
        "n_ok": run.n_parcels - run.n_with_findings,
        "by_severity": {s: int(by_sev.get(s, 0)) for s in SEVERITIES},
        "by_kind": {k: int(v) for k, v in sorted(by_kind.items(), key=lambda kv: -kv[1])},
        "booked_ha": float(quota["booked_ha"].sum()), "allocated_ha": float(quota.attrs.get("allocated_ha", quota["allocated_ha"].sum())),
        "quota_basis": quota.attrs.get("basis"), "quota_left_out": quota.attrs.get("left_out"),
        "n_partitions": run.n_partitions, "overlaps_within_partitions": run.overlaps_within,
        "overlaps_across_partitions": run.overlaps_across, "border_parcels": run.border_parcels,
        "timings_s": run.timings, "store": str(out),
    }
    parcels = dask_geopandas.read_parquet(str(run.parcels_path))
    # the record's columns (the file adds the planner's labels for the codes: LABEL_COLUMNS)
    findings = dd.read_parquet(str(run.findings_path), columns=list(FINDING_COLUMNS)).astype({"row": "Int64"})
    groups_path = run.findings_path.parent / "finding_groups.parquet"
    groups = (dd.read_parquet(str(groups_path)) if any(groups_path.glob("*.parquet"))
              else dd.from_pandas(read_groups_parquet([]), npartitions=1))
    tw = townships.to_crs(4326) if townships.crs is not None else townships
    result = QAResult(parcels=parcels, findings=findings, quota=quota, summary=summary, townships=tw, fields=fields,
                      groups=groups, execution=ex)
    layers = (options.get("constraints") or (None, None))[0]
    if layers:
        by = run.constraints_by_township
        result.constraints = dd.read_parquet(str(out / "constraints.parquet"))
        result.constraints_by_township = by
        result.constraint_layers = layers
        summary["constraint_features_read_max"] = run.constraint_features_read
        summary["constraints"] = {
            name: {"layer": str(layers[name].attrs.get("source", "")), "features": int(len(layers[name])),
                   "parcels_overlapping": int(by.loc[by["constraint"] == name, "parcels_overlapping"].sum()),
                   "overlap_m2": round(float(by.loc[by["constraint"] == name, "overlap_m2"].sum()), 2)}
            for name in layers}
    return result
