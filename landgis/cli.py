"""The ``landgis`` command: a thin shell over the library functions.

Each subcommand has an ``_add_<name>(subparsers)`` that declares its options and a
``_run_<name>(args) -> int`` that calls the library. Bad input raises :class:`LandgisError`
(or an OSError for missing files), which :func:`main` prints as one line on stderr with exit code 2.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import gc
import logging
import os
import re
import signal
import sys
import warnings
from pathlib import Path
from typing import Iterator, Sequence

from landgis.catalog import Message, either, message, text, word
from landgis import commands as lib  # the library, each module loaded when a subcommand first uses it
from landgis import folders
from landgis.cli_options import (Parser, add_boundary_options, add_county_option, add_statement_timeout, breaks_arg,
                                  classes_arg, county_arg, dpi_arg, existing_input, language_of, tolerance_arg)
from landgis.errors import InputError, LandgisError, LandgisWarning
from landgis.extras import extra_of
from landgis.atomic import check_output_path
from landgis.folders import forget_installed, installed
from landgis.printable import escaping_streams
from landgis.secrets import is_conninfo, redacting_streams
from landgis.severity import severity_word
from landgis.version import __version__

__all__ = ["main"]


def _read_plan(args: argparse.Namespace, path, *, needs_county: bool = True):
    """The plan, read against its county: ``--county``, else the one the plan names.

    The county is resolved here, once, and kept as ``args.county_resolved`` for every later step.
    A plan that names no county (or an ambiguous one: 鼓楼区) needs ``--county`` when the command
    draws or checks townships (``needs_county``).
    """

    source = existing_input(path, word("term.plan")) or lib.SEED_PLAN
    county = county_arg(args)
    plan = lib.parse_plan(source, county)
    if county is None and plan.county is None:
        lib.county_of_plan_text(plan.text, plan.place, strict=True)  # an ambiguous name: the error lists the counties
        if needs_county:
            raise InputError(message("{source}: the plan names no county, so its townships cannot be placed; give "
                                     "--county CODE|NAME (e.g. --county 441882 or --county 连州市)", source=source))
    args.county_resolved = county or plan.county
    return plan


def _outline_only(args: argparse.Namespace) -> bool:
    """No township layer for the plan's county: none given, none shipped (its outline is drawn instead)."""
    return args.boundaries is None and args.county_resolved.shipped_layer() is None


def _townships_from_args(args: argparse.Namespace):
    """The township layer the options name (the layer shipped for the county when none is given)."""

    try:
        return lib.load_townships(
            args.boundaries,
            layer=args.boundary_layer,
            name_field=args.name_field,
            code_field=args.code_field,
            crs=args.boundary_crs,
            gcj02=args.gcj02,
            county=args.county_resolved,
        )
    except lib.BoundaryError as exc:
        if args.command == "qa":  # there --crs/--layer are the parcels'
            said = exc.args[0] if exc.args and isinstance(exc.args[0], Message) else either(str(exc), str(exc))
            exc.args = (either(*(re.sub(r"(?<![\w-])--(crs|layer)\b", r"--boundary-\1", said.render(lang))
                                 for lang in ("zh", "en"))),)
        raise


# --- plan (issue 2) ---------------------------------------------------------------------------
def _add_plan(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plan", help="parse a land supply plan and check its figures",
                       description="Read a land supply plan (.txt UTF-8/GB18030, .docx, .pdf with text), "
                                   "print its township × category table and what does not add up.")
    p.add_argument("file", nargs="?", metavar="FILE", help="plan file (default: the shipped seed plan)")
    p.add_argument("--unit", choices=["ha", "mu", "m2"], default="ha",
                   help="unit of the table: ha 公顷 (default), mu 亩, m2 平方米")
    p.add_argument("--json", action="store_true", help="print the plan and findings as JSON (exact numbers)")
    p.add_argument("--out", metavar="FILE.csv|FILE.xlsx", help="also write the table to a CSV or XLSX file")
    p.add_argument("--verbose", "-v", action="store_true",
                   help="also list the area figures that were read and set aside (other years, quarters …)")
    p.add_argument("--ledger", action="store_true",
                   help="list every area figure of the text: its line, the text around it and what it became")
    p.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the findings (default zh)")
    p.set_defaults(run=_run_plan)


def _run_plan(args: argparse.Namespace) -> int:
    if args.out:
        check_output_path(args.out, "file")  # before any work
    plan = _read_plan(args, args.file, needs_county=False)
    findings = lib.reconcile(plan)
    if args.out:
        lib.write_plan_table(plan, args.out, args.unit, findings)
    if args.json:
        print(lib.plan_to_json(plan, findings, args.unit, county=args.county_resolved.as_dict() if args.county_resolved else None))
        return 0

    title = lib.plan_name(plan) or (f"{plan.place or ''}{plan.year or ''}年度土地供应计划".lstrip() if plan.year
                                else "土地供应计划")
    lang = _lang(args)
    print(text("cli.plan_head", lang, title=title, unit=plan.unit, table_unit=text(f"unit.{args.unit}", lang)))
    if len(plan.allocations) or plan.township_totals_ha:
        print(lib.format_plan_table(plan, args.unit))
    print()
    print(lib.format_findings(plan, findings, args.lang, args.unit))
    if args.ledger:
        print("\n" + lib.format_ledger(plan))
    elif plan.ignored and args.verbose:
        print("\n" + text("cli.set_aside", lang))
        for item in plan.ignored:
            print(f"  - {item}")
    elif plan.ignored:
        print(text("cli.see_ledger", lang))
    if args.out:
        print("\n" + text("cli.wrote", lang, path=args.out))
    return 0


# --- map (issue 4) ----------------------------------------------------------------------------
def _add_map(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("map", help="print-quality thematic maps (PNG, SVG, PDF)",
                       description="Choropleths of each category, the total and the density per township "
                                   "(A4, 300 dpi PNG, SVG, PDF), a small-multiples sheet and a stacked bar chart.")
    p.add_argument("file", nargs="?", metavar="FILE", help="plan file (default: the shipped seed plan)")
    add_boundary_options(p)
    p.add_argument("--category", action="append", metavar="NAME",
                   help="map only this category (repeatable; also 'total', 'density'); default: all of them. "
                        "Only those maps are written unless --extras is given")
    p.add_argument("--scheme", choices=["natural_breaks", "quantiles", "equal_interval", "user"],
                   default="natural_breaks", help="classification (default natural_breaks, i.e. Fisher-Jenks)")
    p.add_argument("--k", type=classes_arg, metavar="N", help="number of classes, 2–9 (default: 3–5 by the data)")
    p.add_argument("--breaks", metavar="B1,B2,…", type=breaks_arg,
                   help="user class upper bounds in --unit, e.g. 1,5,10")
    p.add_argument("--unit", choices=["ha", "mu", "m2"], default="ha",
                   help="ha 公顷 (default), mu 亩 or m2 平方米; densities are always 公顷/平方公里")
    p.add_argument("--format", default="png,svg,pdf", metavar="png,svg,pdf", help="output formats (default: all three)")
    p.add_argument("--dpi", type=dpi_arg, default=300, help="PNG resolution, 50–1200 (default 300)")
    p.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the maps and messages")
    extras = p.add_mutually_exclusive_group()
    extras.add_argument("--extras", action="store_true", default=None,
                        help="also write the small-multiples sheet and the bar chart with --category")
    extras.add_argument("--no-extras", dest="extras", action="store_false",
                        help="skip the small-multiples sheet and the bar chart")
    p.add_argument("--out", metavar="DIR", default="maps", help="output folder (default: maps)")
    p.set_defaults(run=_run_map)


def _run_map(args: argparse.Namespace) -> int:
    breaks = args.breaks  # checked by argparse: finite, increasing
    check_output_path(args.out, "folder")  # before any work
    plan = _read_plan(args, args.file)
    if _outline_only(args):
        print(lib.no_layer_line(args.county_resolved, args.lang, plan.scope), file=sys.stderr)
        paths = lib.render_outline_maps(lib.join(plan, lib.plan_units(plan, args.county_resolved)[0]), args.county_resolved, args.out,
                                    formats=[f.strip() for f in args.format.split(",") if f.strip()],
                                    unit=args.unit, lang=args.lang, dpi=args.dpi)
        print("\n".join(map(str, paths)))
        return 0
    layer = lib.join(plan, _townships_from_args(args))
    paths = lib.render_maps(
        layer, args.out, categories=args.category, formats=[f.strip() for f in args.format.split(",") if f.strip()],
        scheme="user" if breaks and args.scheme == "natural_breaks" else args.scheme, k=args.k, breaks=breaks,
        unit=args.unit, lang=args.lang, dpi=args.dpi, extras=args.extras, county=args.county_resolved,
    )
    for path in paths:
        print(path)
    print(f"已写出 {len(paths)} 个文件到 {args.out}" if args.lang == "zh" else f"{len(paths)} files written to {args.out}",
          file=sys.stderr)
    return 0


# --- web (issue 4) ----------------------------------------------------------------------------
def _add_web(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("web", help="interactive HTML map, self-contained and offline")
    p.add_argument("file", nargs="?", metavar="FILE", help="plan text (default: the shipped seed plan)")
    add_boundary_options(p)
    p.add_argument("--out", metavar="FILE.html", help="where to write (default: landgis_web.html, "
                   "or landgis_web_fragment.html with --fragment)")
    p.add_argument("--basemap", choices=["none", "osm", "tianditu", "amap"], default="none",
                   help="tile basemap (default none: works offline); amap (高德) shifts the map to GCJ-02")
    p.add_argument("--tianditu-key", metavar="KEY", help="your 天地图 key, for --basemap tianditu")
    p.add_argument("--fragment", action="store_true",
                   help="write a <div> with its scripts to embed in another page, not a whole page")
    p.add_argument("--unit", choices=["ha", "mu", "m2"], default="ha", help="公顷 (ha, default), 亩 (mu) or 平方米 (m2)")
    p.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the map and messages (default zh)")
    p.set_defaults(run=_run_web)


def _run_web(args: argparse.Namespace) -> int:
    out = args.out or ("landgis_web_fragment.html" if args.fragment else "landgis_web.html")
    check_output_path(out, "file")  # before any work
    plan = _read_plan(args, args.file)
    if _outline_only(args):
        print(lib.no_layer_line(args.county_resolved, args.lang, plan.scope), file=sys.stderr)
        layer = lib.outline_layer(lib.join(plan, lib.plan_units(plan, args.county_resolved)[0]), args.county_resolved)
    else:
        layer = lib.join(plan, _townships_from_args(args))
    basemap = None if args.basemap == "none" else args.basemap
    m = lib.web_map(layer, basemap=basemap, tianditu_key=args.tianditu_key, unit=args.unit, lang=args.lang,
                county=args.county_resolved)
    html = lib.fragment_html(m) if args.fragment else lib.self_contained_html(m)
    size = lib.write_html(html, out)
    n_cats = len(layer.attrs.get("categories", []))
    if args.lang == "zh":
        kind = "网页片段" if args.fragment else "交互地图"
        print(f"已写出{kind} {out}（{size / 1024:.0f} KiB，{len(layer)} 个乡镇，{n_cats} 个用地类型）")
    else:
        kind = "fragment" if args.fragment else "map"
        print(f"wrote {kind} {out} ({size / 1024:.0f} KiB, {len(layer)} townships, {n_cats} categories)")
    return 0


# --- qa (issues 5 and 7) ----------------------------------------------------------------------
def _add_qa(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "qa", help="spatial QA of parcels against townships and the plan",
        description="Check parcels (地块): inside the county, in the township they are booked under, straddling, "
                    "geometry, ids, areas, coordinates; and their area per township × category against the plan.")
    p.add_argument("parcels", metavar="PARCELS",
                   help="GeoPackage, Shapefile, GeoJSON, GeoParquet, CSV/XLSX with coordinate columns, "
                        "or postgresql://… (with --layer or --sql)")
    p.add_argument("--plan", metavar="PATH", help="land supply plan (.txt/.docx/.pdf/.html/.xlsx; default: the seed plan, "
                   "for its county only: with --county of another county give that county's plan)")
    p.add_argument("--no-plan", action="store_true", help="skip the quota reconciliation")
    p.add_argument("--out", metavar="DIR", default="qa",
                   help="output folder, built beside it and swapped in whole (default: ./qa)")
    f = p.add_argument_group("parcel file")
    f.add_argument("--layer", "--parcel-layer", dest="parcel_layer", metavar="NAME",
                   help="layer of a GeoPackage, sheet of a workbook, or SCHEMA.TABLE in PostGIS")
    f.add_argument("--crs", "--parcel-crs", dest="parcel_crs", metavar="EPSG",
                   help="CRS of the parcels' coordinates when the file has none; projected x/y need it, e.g. 4526")
    f.add_argument("--x-field", metavar="COL", help="x/longitude column of a table")
    f.add_argument("--y-field", metavar="COL", help="y/latitude column of a table")
    f.add_argument("--id-field", metavar="COL", help="parcel id column (found by itself: 地块编号, 宗地编号, 编号 …)")
    f.add_argument("--township-field", metavar="COL", help="declared township column (所属乡镇, 乡镇 …)")
    f.add_argument("--category-field", metavar="COL", help="land-use category column (用地类型, 用途 …)")
    f.add_argument("--area-field", metavar="COL", help="stated area column (面积, 用地面积 …)")
    _add_supply_fields(f)
    f.add_argument("--area-unit", choices=["公顷", "亩", "平方米", "ha", "mu", "m2"],
                   help="unit of the area column (default: from its header, else guessed from the polygons)")
    f.add_argument("--area-tolerance", type=tolerance_arg, default=0.05, metavar="FRACTION",
                   help="stated vs geometry area difference to flag (default 0.05 = 5%%)")
    f.add_argument("--overlap-tolerance", type=float, default=1.0, metavar="M2",
                   help="overlap between two parcels to flag, in square metres (default 1)")
    add_boundary_options(p, parcels_too=True)
    _add_constraint_options(p)
    d = p.add_argument_group("PostGIS (PARCELS is a postgresql:// URL; the table with --layer SCHEMA.TABLE)")
    d.add_argument("--sql", metavar="QUERY", help="read the parcels with this one SELECT (checked first; runs read-only)")
    d.add_argument("--write-back", metavar="SCHEMA.TABLE", help="write the findings to this table")
    d.add_argument("--replace", action="store_true", help="replace the --write-back table if it exists")
    add_statement_timeout(d)
    e = p.add_argument_group("engine")
    e.add_argument("--engine", choices=["local", "dask"], default="local",
                   help="local (default) or dask: partitions on a dask.distributed cluster, results as "
                        "partitioned GeoParquet (parcels.parquet/, findings.parquet/)")
    e.add_argument("--scheduler", metavar="ADDRESS", help="address of a running dask scheduler "
                   "(default with --engine dask: a local cluster); its workers must see the folder --out is in")
    e.add_argument("--partition-rows", type=int, default=200_000, metavar="N",
                   help="rows per dask partition (bounds each worker's memory; default 200000)")
    p.add_argument("--fail-on", choices=["error", "warning"],
                   help="exit with status 1 when findings of this severity (or worse) exist")
    p.add_argument("--no-map", action="store_true", help="do not write qa_map.html")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--lang", choices=["zh", "en"], default="zh",
                   help="language of the printed lines and the QA files (default zh)")
    p.add_argument("--unit", choices=["ha", "mu", "m2"], default="ha",
                   help="unit of the areas in the QA tables: 公顷 (ha, default), 亩 (mu) or 平方米 (m2)")
    p.add_argument("--out-crs", metavar="CRS", help="CRS of parcels.gpkg, e.g. 4490 (default: the parcels' own)")
    p.set_defaults(run=_run_qa)


#: The file that marks a folder as a ``qa --out`` result, which the next run may replace whole.
_QA_MARK = ".landgis-qa"
#: What ``qa --out`` folders held before they were marked: such a folder is an earlier result too.
_QA_NAMES = {"parcels.gpkg", "findings.csv", "findings.xlsx", "quota.csv", "quota.xlsx", "qa_map.html",
             "parcels.parquet", "findings.parquet", "finding_groups.csv", "finding_groups.parquet"}


def _is_qa_folder(folder: Path) -> bool:
    """Whether ``folder`` holds an earlier ``qa --out`` result (and nothing else)."""
    names = {p.name for p in folder.iterdir()}
    return _QA_MARK in names or names <= _QA_NAMES


def _run_qa(args: argparse.Namespace) -> int:
    url = args.parcels if is_conninfo(args.parcels) and not Path(args.parcels).exists() else None
    if not url and (args.sql or args.write_back):
        raise LandgisError(message("--sql and --write-back need PARCELS to be a postgresql:// URL"))
    plan_path = None if args.no_plan else existing_input(args.plan, word("term.plan"))
    dest = folders.check_destination(args.out, earlier=_is_qa_folder, what=word("term.qa_result"),
                             inputs=[None if url else args.parcels, plan_path, args.boundaries])
    if args.write_back:  # refused before the work, so that a refused write-back leaves no files either
        lib.refuse_existing(url, args.write_back, args.replace)
    if args.no_plan:
        plan = False
        args.county_resolved = county_arg(args)
        if args.county_resolved is None:
            raise InputError(message("qa --no-plan needs the county the parcels are in: give --county CODE|NAME"))
    elif args.plan is None:
        plan = lib.default_plan(county_arg(args))  # the seed plan, for its own county only
        args.county_resolved = county_arg(args) or plan.county
    else:
        plan = _read_plan(args, args.plan)
    townships = _townships_from_args(args)
    with folders.staged_folder(dest) as work:  # swapped in whole: never new tables beside an earlier run's map
        result, written = _qa_into(args, work, url, townships, plan)
    if args.engine == "dask":
        result.summary["store"] = str(dest)
    print(lib.format_summary(result, args.lang))
    for path in written:
        path = dest / path
        print(f"已写出 {path}" if args.lang == "zh" else f"wrote {path}")
    if args.fail_on and result.has(args.fail_on):
        return 1
    return 0


def _add_supply_fields(group) -> None:
    """--date-field and --method-field: the parcels' supply date and method, for the plan's execution."""
    group.add_argument("--date-field", metavar="COL",
                       help="supply date column for the plan's execution (found by itself: 供地日期, 签订日期 …)")
    group.add_argument("--method-field", metavar="COL",
                       help="supply method column for the plan's execution (found by itself: 供地方式, 出让方式 …)")


def _qa_into(args: argparse.Namespace, work: Path, url: str | None, townships, plan):
    """Check the parcels, write back and write every QA output into ``work``: (result, files relative to it)."""
    out_crs = lib.parse_crs(args.out_crs, "--out-crs") if args.out_crs else None
    constraint_options = _constraint_options(args)
    dask_options = {"out_dir": work, "partition_rows": args.partition_rows} if args.engine == "dask" else {}
    result = lib.qa(
        args.parcels, townships, plan, county=args.county_resolved, sql=args.sql,
        id_field=args.id_field, township_field=args.township_field, category_field=args.category_field,
        area_field=args.area_field, area_unit=args.area_unit, area_tolerance=args.area_tolerance,
        date_field=args.date_field, method_field=args.method_field,
        overlap_tolerance=args.overlap_tolerance,
        engine=args.engine, scheduler=args.scheduler, progress=not args.quiet and sys.stderr.isatty(),
        statement_timeout=args.statement_timeout,
        layer=args.parcel_layer, crs=args.parcel_crs, x_field=args.x_field, y_field=args.y_field, **dask_options,
        **constraint_options,
    )
    if url and args.write_back:  # its own transaction, before the files (a failed write-back leaves none)
        if args.engine == "dask":  # each partition by a worker, swapped in whole
            n = lib.write_findings_partitions(result, url, args.write_back, replace=args.replace,
                                          scheduler=args.scheduler)
        else:
            n = lib.write_findings(result, url, args.write_back, replace=args.replace)
        print(f"已写入 {n} 条核查问题到 {args.write_back}" if args.lang == "zh"
              else f"wrote {n} findings to {args.write_back}")
    written = lib.write_qa(result, work, lang=args.lang, unit=args.unit, out_crs=out_crs)
    if not args.no_map:
        if args.engine == "dask" and result.summary["n_parcels"] > lib.MAX_FEATURES:
            n = result.summary["n_parcels"]
            print(f"未绘制 qa_map.html：地块 {n} 宗，超过网页地图上限 {lib.MAX_FEATURES} 宗；请在 QGIS 中打开 parcels.parquet"
                  if args.lang == "zh" else
                  f"qa_map.html not drawn: {n} parcels are more than the map's {lib.MAX_FEATURES}; "
                  "open parcels.parquet in QGIS")
        else:
            if args.engine == "dask":
                result.parcels = result.parcels.compute().sort_values("qa_row", ignore_index=True)
                result.findings = result.findings.compute()
            written.append(lib.write_qa_map(result, work / "qa_map.html"))
    (work / _QA_MARK).write_text(f"landgis {__version__} qa\n", encoding="utf-8")
    return result, [Path(p).relative_to(work) for p in written]


def _add_constraint_options(p: argparse.ArgumentParser) -> None:
    c = p.add_argument_group("constraint layers (三区三线)")
    c.add_argument("--constraint", action="append", metavar="NAME=FILE", default=[],
                   help="a constraint layer, e.g. 永久基本农田=YJJBNT.shp (repeatable; any name, with a rule in "
                        "--constraint-rules, else measured only)")
    c.add_argument("--constraint-table", action="append", metavar="NAME=SCHEMA.TABLE", default=[],
                   help="with --constraint NAME=postgresql://…: the PostGIS table of that layer (repeatable)")
    c.add_argument("--constraint-sql", action="append", metavar="NAME=QUERY", default=[],
                   help="with --constraint NAME=postgresql://…: one SELECT reading that layer (checked; runs read-only)")
    c.add_argument("--constraints", metavar="FOLDER",
                   help="a folder of constraint layers recognised by name (YJJBNT, STBHHX, CZKFBJ, 永久基本农田 …)")
    c.add_argument("--constraint-rules", metavar="FILE",
                   help="JSON rules like landgis/data/constraint_rules.json (default: overlap with 永久基本农田 or "
                        "生态保护红线 is an error; 住宅/商服/工矿 outside 城镇开发边界 a warning)")


def _constraint_options(args: argparse.Namespace) -> dict:
    """The qa() keywords of ``--constraint`` (with ``--constraint-table``/``--constraint-sql`` for a layer in
    PostGIS), ``--constraints`` and ``--constraint-rules``."""
    specs = lib.parse_constraint_specs(args.constraint)
    for option, key in (("--constraint-table", "layer"), ("--constraint-sql", "sql")):
        for item in getattr(args, option[2:].replace("-", "_")):
            name, sep, value = str(item).partition("=")
            name, value = name.strip(), value.strip()
            if not sep or not name or not value:
                raise InputError(message("{option}: expected NAME={what}", option=option,
                                         what="SCHEMA.TABLE" if key == "layer" else "QUERY"))
            source = specs.get(name)
            if source is None or not is_conninfo(source if isinstance(source, str) else source.get("source")):
                raise InputError(message("{option} {name}: give the layer's database as --constraint {name}=postgresql://…",
                                         option=option, name=name))
            if isinstance(source, dict):
                raise InputError(message("{option} {name}: give one table or one query for a layer, not both",
                                         option=option, name=name))
            specs[name] = {"source": source, key: value}
    return {"constraints": specs or None, "constraint_folder": args.constraints,
            "constraint_rules": args.constraint_rules}


# --- atlas (issue 6) --------------------------------------------------------------------------
def _add_atlas(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "atlas",
        help="build the whole atlas and its HTML report",
        description="Every map, table and check for one plan, with a self-contained HTML report "
                    "(index.html) and a manifest. With no argument: the seed plan's atlas into maps/.",
    )
    p.add_argument("plan", nargs="?", metavar="PLAN",
                   help="plan file (.txt, .docx, .pdf, .html, .xlsx); default: the shipped seed plan")
    add_boundary_options(p)
    p.add_argument("--parcels", metavar="PATH", help="parcels to check (GeoPackage, Shapefile, GeoJSON, CSV/XLSX, "
                   "or postgresql://… with --parcel-layer SCHEMA.TABLE)")
    _add_supply_fields(p)
    p.add_argument("--parcel-layer", metavar="NAME",
                   help="layer of the parcel GeoPackage, sheet of the workbook or SCHEMA.TABLE in PostGIS")
    add_statement_timeout(p)
    _add_constraint_options(p)
    p.add_argument("--out", metavar="DIR", help="atlas folder (default: maps/<county>-<year>)")
    p.add_argument("--unit", choices=("ha", "mu", "m2"), default="ha", help="unit of maps and tables (default: ha)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the report (default: zh)")
    p.add_argument("--format", dest="formats", default="png,svg,pdf",
                   help="static map formats, comma-separated (default: png,svg,pdf)")
    p.set_defaults(run=_run_atlas)


def _run_atlas(args: argparse.Namespace) -> int:
    formats = tuple(f.strip().lower() for f in args.formats.split(",") if f.strip())
    bad = [f for f in formats if f not in ("png", "svg", "pdf")]
    if bad or not formats:
        raise LandgisError(message("--format takes png, svg and pdf, not {items}", items=','.join(bad) or 'nothing'))
    if args.out is not None:  # before any work
        lib.check_destination(args.out, inputs=[args.plan, args.boundaries,
                                            None if args.parcels and is_conninfo(args.parcels) else args.parcels])
    plan = _read_plan(args, args.plan)
    parcels, parcel_options = args.parcels, {}
    if parcels is not None and is_conninfo(parcels) and not Path(parcels).exists():
        parcels = lib.read_parcels(parcels, layer=args.parcel_layer, statement_timeout=args.statement_timeout)
    elif parcels is not None:
        parcels = existing_input(parcels, "parcel")
        parcel_options = {"layer": args.parcel_layer} if args.parcel_layer else {}
    constraint_options = {k: v for k, v in _constraint_options(args).items() if v is not None}
    if constraint_options and parcels is None:
        raise InputError(message("--constraint, --constraints and --constraint-rules check parcels: give --parcels too"))
    parcel_options.update(constraint_options)
    if parcels is not None:
        parcel_options.update({k: v for k, v in (("date_field", args.date_field), ("method_field", args.method_field))
                               if v is not None})
    result = lib.build_atlas(
        plan,
        county=args.county_resolved,
        townships=None if _outline_only(args) else _townships_from_args(args),
        boundaries=args.boundaries,
        parcels=parcels,
        parcel_options=parcel_options,
        out=args.out,
        unit=args.unit,
        lang=args.lang,
        formats=formats,
        progress=lambda line: print(line, flush=True),
    )
    lang = _lang(args)
    print(text("cli.wrote_files", lang, n=len(result.files), folder=result.out_dir))
    print(text("cli.report", lang, path=result.report.resolve()))
    return 0


# --- main -------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""

    parser = Parser(
        prog="landgis",
        description="Maps, checks and atlases from Chinese land supply plans (土地供应计划).",
    )
    parser.add_argument("--version", action="version", version=f"landgis {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in (_add_plan, _add_map, _add_web, _add_qa, _add_atlas):
        add(sub)
    for p in sub.choices.values():
        add_county_option(p)
    return parser


def _error_line(exc: BaseException, lang: str = "en") -> str:
    """One line for an error in ``lang``: the message of an input error, the reason and file of an OSError."""
    if isinstance(exc, OSError) and not isinstance(exc, LandgisError):
        reasons = {errno.ENOSPC: "cli.os.disk_full", errno.EFBIG: "cli.os.too_large", errno.EDQUOT: "cli.os.quota",
                   errno.ENOENT: "cli.os.not_found", errno.EACCES: "cli.os.denied", errno.EROFS: "cli.os.read_only"}
        own = exc.strerror and exc.errno and exc.strerror != os.strerror(exc.errno)  # landgis said it better
        key = None if own else reasons.get(exc.errno or 0)
        reason = text(key, lang) if key else text("cli.os.other", lang, reason=exc.strerror or str(exc))
        if isinstance(exc.strerror, Message):  # landgis's own reason, in the catalogue
            reason = exc.strerror.render(lang)
        where = exc.filename if exc.filename is not None else ""
        done = text("cli.nothing_half_written", lang)
        sep, colon = ("；", "：") if lang == "zh" else ("; ", ": ")
        return f"{where}{colon}{reason}{sep}{done}" if where else f"{reason}{sep}{done}"
    said = exc.render(lang) if isinstance(exc, LandgisError) else str(exc)
    return " ".join(said.split()) or type(exc).__name__


def _interrupt(signum, frame):  # noqa: ARG001 - signal handler signature
    """Ctrl-C and SIGTERM stop the run, cleaned up; once its output folder is installed whole they pass."""

    if not installed():
        raise KeyboardInterrupt


#: The language of the running command's lines (its ``--lang``), for warnings printed while it runs.
_RUN_LANG = {"lang": "zh"}


def _one_line_warnings(message, category, filename, lineno, file=None, line=None):  # noqa: ARG001
    """Warnings as one readable line in the command's language, without Python's source line."""
    lang = _RUN_LANG["lang"]
    said = message.render(lang) if isinstance(message, LandgisError | LandgisWarning) else str(message)
    print(f"landgis: {severity_word('warning', lang) if category.__name__ != 'DeprecationWarning' else 'deprecated'}: "
          f"{' '.join(said.split())}", file=file or sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Exit status 0 on success, 1 when ``qa --fail-on`` findings exist, 2 for bad input (one line on
    stderr naming the file, row or value), 130 when interrupted (Ctrl-C or SIGTERM) before the output
    folder was swapped in (after, the run has succeeded and says so). Passwords of
    connection strings never reach stdout or stderr, nor raw control characters (they are escaped).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # "EOF marker not found" before our own one line
    # secrets are redacted first, then control characters escaped: user text never drives the terminal
    with escaping_streams(), redacting_streams(argv), warnings.catch_warnings(), _quiet_unraisable():
        warnings.showwarning = _one_line_warnings
        # numpy's floating-point notes (a coordinate of 1e308) say nothing a finding does not say better
        warnings.filterwarnings("ignore", r"(overflow|invalid value|divide by zero) encountered", RuntimeWarning)
        previous = {s: signal.signal(s, _interrupt) for s in (signal.SIGINT, signal.SIGTERM)}  # SIGTERM as Ctrl-C
        try:
            return _run(argv)
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)


@contextlib.contextmanager
def _quiet_unraisable() -> Iterator[None]:
    """While the command runs, a writer's cleanup after an error (already said in one line) prints nothing.

    The previous ``sys.unraisablehook`` is put back when the command ends (after collecting what it
    left), so a program that calls :func:`main` keeps its own hook. ``LANDGIS_DEBUG=1`` shows them all.
    """
    if os.environ.get("LANDGIS_DEBUG"):
        yield
        return
    previous = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: None
    try:
        yield
    finally:
        gc.collect()  # what the command left behind is finalised while the hook is quiet
        sys.unraisablehook = previous


def _lang(args: argparse.Namespace) -> str:
    """The language of the command's printed lines: Chinese unless ``--lang en``."""
    return "en" if getattr(args, "lang", "zh") == "en" else "zh"


def _run(argv: list[str]) -> int:

    forget_installed()
    parser = build_parser()
    Parser.lang = language_of(argv)  # a parse error is said before --lang is read
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a bad option (already said in one line)
        return exc.code if isinstance(exc.code, int) else 2
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    _RUN_LANG["lang"] = _lang(args)
    try:
        return int(args.run(args) or 0)
    except (LandgisError, OSError) as exc:
        print(f"landgis {args.command}: {severity_word('error', _lang(args))}: {_error_line(exc, _lang(args))}", file=sys.stderr)
        return 2
    except ImportError as exc:  # a module of an extra not installed: say which extra, never "a bug"
        extra = extra_of(exc.name or "")
        if extra is None or os.environ.get("LANDGIS_DEBUG"):
            raise
        print(f"landgis {args.command}: {severity_word('error', _lang(args))}: "
              f"{text('cli.not_installed', _lang(args), module=exc.name.partition('.')[0], extra=extra)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"landgis: {text('cli.interrupted', _lang(args))}", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, not bad input: still one line, with a way to see more
        if os.environ.get("LANDGIS_DEBUG"):
            raise
        print(f"landgis {args.command}: error: unexpected {type(exc).__name__}: {_error_line(exc)} "
              f"(a bug in landgis; set LANDGIS_DEBUG=1 for the traceback and please report it)", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
