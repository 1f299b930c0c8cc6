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

from landgis.catalog import CATALOG, Message, either, message, text, word
from landgis import commands as lib  # the library, each module loaded when a subcommand first uses it
from landgis import folders
from landgis.cli_options import (Parser, add_boundary_options, add_county_option, add_statement_timeout, breaks_arg,
                                  classes_arg, county_arg, dpi_arg, existing_input, helped, language_of, tolerance_arg)
from landgis.errors import InputError, LandgisError, LandgisWarning
from landgis.heap import frozen
from landgis.extras import extra_of
from landgis.atomic import check_output_path
from landgis.folders import forget_installed, installed
from landgis.printable import escaping_streams
from landgis.secrets import is_conninfo, redacting_streams
from landgis.severity import severity_word
from landgis.units import unit_key
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


#: A command's ``--lang`` default: the one given before the command (``landgis --lang en plan``), else zh.
_BEFORE = argparse.SUPPRESS


# --- plan (issue 2) ---------------------------------------------------------------------------
def _add_plan(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plan", help=helped("plan"),
                       description=helped("plan.description", escaped=False))
    p.add_argument("file", nargs="?", metavar="FILE", help=helped("common.plan_file"))
    p.add_argument("--unit", choices=["ha", "mu", "m2"], default="ha",
                   help=helped("plan.unit"))
    p.add_argument("--json", action="store_true", help=helped("plan.json"))
    p.add_argument("--out", metavar="FILE.csv|FILE.xlsx", help=helped("plan.out"))
    p.add_argument("--verbose", "-v", action="store_true",
                   help=helped("plan.verbose"))
    p.add_argument("--ledger", action="store_true",
                   help=helped("plan.ledger"))
    p.add_argument("--lang", choices=["zh", "en"], default=_BEFORE, help=helped("plan.lang"))
    p.set_defaults(run=_run_plan)


def _run_plan(args: argparse.Namespace) -> int:
    if args.out:
        check_output_path(args.out, "file")  # before any work
    plan = _read_plan(args, args.file, needs_county=False)
    findings = lib.reconcile(plan)
    if args.out:
        lib.write_plan_table(plan, args.out, args.unit, findings, lang=_lang(args))
    if args.json:
        print(lib.plan_to_json(plan, findings, args.unit, county=args.county_resolved.as_dict() if args.county_resolved else None))
        return 0

    lang = _lang(args)
    title = lib.plan_name(plan) or (text("sheet.plan", lang, place=plan.place or "", year=plan.year).strip() if plan.year
                                else text("cli.plan_untitled", lang))
    print(text("cli.plan_head", lang, title=title, unit=_unit_said(plan.unit, lang),
               table_unit=text(f"unit.{args.unit}", lang)))
    if len(plan.allocations) or plan.township_totals_ha:
        print(lib.format_plan_table(plan, args.unit, lang))
    print()
    print(lib.format_findings(plan, findings, args.lang, args.unit))
    if args.ledger:
        print("\n" + lib.format_ledger(plan, lang))
    elif plan.ignored and args.verbose:
        print("\n" + text("cli.set_aside", lang))
        for item in plan.ignored if lang != "en" else _set_aside_en(plan):
            print(f"  - {item}")
    elif plan.ignored:
        print(text("cli.see_ledger", lang))
    if args.out:
        print("\n" + text("cli.wrote", lang, path=args.out))
    return 0


def _unit_said(unit: str, lang: str) -> str:
    """The text's unit (公顷, 亩 …) in ``lang``: as written in Chinese, the catalogue's word in English."""
    if lang != "en":
        return unit
    try:
        key = unit_key(unit)
    except InputError:
        return unit  # a unit landgis has no word for: as the text wrote it
    return text(f"unit.{key}", lang) if f"unit.{key}" in CATALOG else unit


def _set_aside_en(plan) -> list[str]:
    """The figures set aside, each with its clause and the English reason (``plan.ignored`` is Chinese)."""
    if plan.ledger is None:
        return []
    rows = plan.ledger[plan.ledger["role"] == "set_aside"]
    return [f"{r.figure} ({r.reason_en}): {text('ledger.quote', 'en', context=r.context)}" for r in rows.itertuples()]


# --- map (issue 4) ----------------------------------------------------------------------------
def _add_map(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("map", help=helped("map"),
                       description=helped("map.description", escaped=False))
    p.add_argument("file", nargs="?", metavar="FILE", help=helped("common.plan_file"))
    add_boundary_options(p)
    p.add_argument("--category", action="append", metavar="NAME",
                   help=helped("map.category"))
    p.add_argument("--scheme", choices=["natural_breaks", "quantiles", "equal_interval", "user"],
                   default="natural_breaks", help=helped("map.scheme"))
    p.add_argument("--k", type=classes_arg, metavar="N", help=helped("map.k"))
    p.add_argument("--breaks", metavar="B1,B2,…", type=breaks_arg,
                   help=helped("map.breaks"))
    p.add_argument("--unit", choices=["ha", "mu", "m2"], default="ha",
                   help=helped("map.unit"))
    p.add_argument("--format", default="png,svg,pdf", metavar="png,svg,pdf", help=helped("map.format"))
    p.add_argument("--dpi", type=dpi_arg, default=300, help=helped("map.dpi"))
    p.add_argument("--lang", choices=["zh", "en"], default=_BEFORE, help=helped("map.lang"))
    extras = p.add_mutually_exclusive_group()
    extras.add_argument("--extras", action="store_true", default=None,
                        help=helped("map.extras"))
    extras.add_argument("--no-extras", dest="extras", action="store_false",
                        help=helped("map.no_extras"))
    p.add_argument("--out", metavar="DIR", default="maps", help=helped("map.out"))
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
    print(text("cli.wrote_files", _lang(args), n=len(paths), folder=args.out), file=sys.stderr)
    return 0


# --- web (issue 4) ----------------------------------------------------------------------------
def _add_web(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("web", help=helped("web"))
    p.add_argument("file", nargs="?", metavar="FILE", help=helped("web.file"))
    add_boundary_options(p)
    p.add_argument("--out", metavar="FILE.html", help=helped("web.out"))
    p.add_argument("--basemap", choices=["none", "osm", "tianditu", "amap"], default="none",
                   help=helped("web.basemap"))
    p.add_argument("--tianditu-key", metavar="KEY", help=helped("web.tianditu_key"))
    p.add_argument("--fragment", action="store_true",
                   help=helped("web.fragment"))
    p.add_argument("--unit", choices=["ha", "mu", "m2"], default="ha", help=helped("web.unit"))
    p.add_argument("--lang", choices=["zh", "en"], default=_BEFORE, help=helped("web.lang"))
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
    lang, level = _lang(args), "district" if getattr(args.county_resolved, "level", "") == "prefecture" else "township"
    print(text("cli.wrote_fragment" if args.fragment else "cli.wrote_web", lang, path=out, kib=f"{size / 1024:.0f}",
               n=len(layer), units=text("units.plural", lang, unit_level=level), n_cats=n_cats))
    return 0


# --- qa (issues 5 and 7) ----------------------------------------------------------------------
def _add_qa(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "qa", help=helped("qa"),
        description=helped("qa.description", escaped=False))
    p.add_argument("parcels", metavar="PARCELS",
                   help=helped("qa.parcels"))
    p.add_argument("--plan", metavar="PATH", help=helped("qa.plan"))
    p.add_argument("--no-plan", action="store_true", help=helped("qa.no_plan"))
    p.add_argument("--out", metavar="DIR", default="qa",
                   help=helped("qa.out"))
    f = p.add_argument_group(helped("qa.parcel_group", escaped=False))
    f.add_argument("--layer", "--parcel-layer", dest="parcel_layer", metavar="NAME",
                   help=helped("qa.layer"))
    f.add_argument("--crs", "--parcel-crs", dest="parcel_crs", metavar="EPSG",
                   help=helped("qa.crs"))
    f.add_argument("--x-field", metavar="COL", help=helped("qa.x_field"))
    f.add_argument("--y-field", metavar="COL", help=helped("qa.y_field"))
    f.add_argument("--id-field", metavar="COL", help=helped("qa.id_field"))
    f.add_argument("--township-field", metavar="COL", help=helped("qa.township_field"))
    f.add_argument("--category-field", metavar="COL", help=helped("qa.category_field"))
    f.add_argument("--area-field", metavar="COL", help=helped("qa.area_field"))
    _add_supply_fields(f)
    f.add_argument("--area-unit", choices=["公顷", "亩", "平方米", "ha", "mu", "m2"],
                   help=helped("qa.area_unit"))
    f.add_argument("--area-tolerance", type=tolerance_arg, default=0.05, metavar="FRACTION",
                   help=helped("qa.area_tolerance"))
    f.add_argument("--overlap-tolerance", type=float, default=1.0, metavar="M2",
                   help=helped("qa.overlap_tolerance"))
    add_boundary_options(p, parcels_too=True)
    _add_constraint_options(p)
    d = p.add_argument_group(helped("qa.postgis_group", escaped=False))
    d.add_argument("--sql", metavar="QUERY", help=helped("qa.sql"))
    d.add_argument("--write-back", metavar="SCHEMA.TABLE", help=helped("qa.write_back"))
    d.add_argument("--replace", action="store_true", help=helped("qa.replace"))
    add_statement_timeout(d)
    e = p.add_argument_group(helped("qa.engine_group", escaped=False))
    e.add_argument("--engine", choices=["local", "dask"], default="local",
                   help=helped("qa.engine"))
    e.add_argument("--scheduler", metavar="ADDRESS", help=helped("qa.scheduler"))
    e.add_argument("--partition-rows", type=int, default=200_000, metavar="N",
                   help=helped("qa.partition_rows"))
    p.add_argument("--fail-on", choices=["error", "warning"],
                   help=helped("qa.fail_on"))
    p.add_argument("--no-map", action="store_true", help=helped("qa.no_map"))
    p.add_argument("--quiet", action="store_true", help=helped("qa.quiet"))
    p.add_argument("--lang", choices=["zh", "en"], default=_BEFORE,
                   help=helped("qa.lang"))
    p.add_argument("--unit", choices=["ha", "mu", "m2"], default="ha",
                   help=helped("qa.unit"))
    p.add_argument("--out-crs", metavar="CRS", help=helped("qa.out_crs"))
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
    print(lib.format_summary(result, args.lang, args.unit))
    for path in written:
        path = dest / path
        print(text("cli.wrote", _lang(args), path=path))
    if args.fail_on and result.has(args.fail_on):
        return 1
    return 0


def _add_supply_fields(group) -> None:
    """--date-field and --method-field: the parcels' supply date and method, for the plan's execution."""
    group.add_argument("--date-field", metavar="COL",
                       help=helped("common.date_field"))
    group.add_argument("--method-field", metavar="COL",
                       help=helped("common.method_field"))


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
        print(text("cli.wrote_back", _lang(args), n=n, table=args.write_back))
    written = lib.write_qa(result, work, lang=args.lang, unit=args.unit, out_crs=out_crs)
    if not args.no_map:
        if args.engine == "dask" and result.summary["n_parcels"] > lib.MAX_FEATURES:
            n = result.summary["n_parcels"]
            print(text("cli.qa_map_skipped", _lang(args), n=n, most=lib.MAX_FEATURES))
        else:
            if args.engine == "dask":
                result.parcels = result.parcels.compute().sort_values("qa_row", ignore_index=True)
                result.findings = result.findings.compute()
            written.append(lib.write_qa_map(result, work / "qa_map.html", lang=args.lang, unit=args.unit))
    (work / _QA_MARK).write_text(f"landgis {__version__} qa\n", encoding="utf-8")
    return result, [Path(p).relative_to(work) for p in written]


def _add_constraint_options(p: argparse.ArgumentParser) -> None:
    c = p.add_argument_group(helped("constraints.group", escaped=False))
    c.add_argument("--constraint", action="append", metavar="NAME=FILE", default=[],
                   help=helped("constraints.constraint"))
    c.add_argument("--constraint-table", action="append", metavar="NAME=SCHEMA.TABLE", default=[],
                   help=helped("constraints.table"))
    c.add_argument("--constraint-sql", action="append", metavar="NAME=QUERY", default=[],
                   help=helped("constraints.sql"))
    c.add_argument("--constraints", metavar="FOLDER",
                   help=helped("constraints.folder"))
    c.add_argument("--constraint-rules", metavar="FILE",
                   help=helped("constraints.rules"))


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
        help=helped("atlas"),
        description=helped("atlas.description", escaped=False),
    )
    p.add_argument("plan", nargs="?", metavar="PLAN",
                   help=helped("atlas.plan"))
    add_boundary_options(p)
    p.add_argument("--parcels", metavar="PATH", help=helped("atlas.parcels"))
    _add_supply_fields(p)
    p.add_argument("--parcel-layer", metavar="NAME",
                   help=helped("atlas.parcel_layer"))
    add_statement_timeout(p)
    _add_constraint_options(p)
    p.add_argument("--out", metavar="DIR", help=helped("atlas.out"))
    p.add_argument("--unit", choices=("ha", "mu", "m2"), default="ha", help=helped("atlas.unit"))
    p.add_argument("--lang", choices=("zh", "en"), default=_BEFORE, help=helped("atlas.lang"))
    p.add_argument("--format", dest="formats", default="png,svg,pdf",
                   help=helped("atlas.format"))
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
    """The argument parser with every subcommand, its help in the language of :attr:`Parser.lang`."""

    parser = Parser(
        prog="landgis",
        description=helped("landgis", escaped=False),
    )
    parser.add_argument("--version", action="version", version=f"landgis {__version__}", help=helped("version"))
    parser.add_argument("--lang", choices=["zh", "en"], default="zh", help=helped("lang"))
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
        return text("cli.os.where", lang, where=where, reason=reason, done=done) if where else \
            text("cli.os.why", lang, reason=reason, done=done)
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
        lang = Parser.lang
        try:
            with frozen():  # what the command imports stays out of the cyclic GC while it runs (landgis.heap)
                return _run(argv)
        finally:
            Parser.lang = lang  # a library caller's help words are not left in this command's language
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
    Parser.lang = language_of(argv)  # the help, and a parse error said before --lang is read
    parser = build_parser()
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
