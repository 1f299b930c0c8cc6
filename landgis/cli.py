"""The ``landgis`` command: a thin shell over the library functions.

Each subcommand has an ``_add_<name>(subparsers)`` that declares its options and a
``_run_<name>(args) -> int`` that calls the library. Bad input raises :class:`LandgisError`
(or an OSError for missing files), which :func:`main` prints as one line on stderr with exit code 2.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from landgis.errors import LandgisError

__all__ = ["main"]


# --- plan (issue 2) ---------------------------------------------------------------------------
def _add_plan(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plan", help="parse a land supply plan and check its figures")
    p.set_defaults(run=_run_plan)


def _run_plan(args: argparse.Namespace) -> int:
    raise LandgisError("landgis plan is not implemented yet")


# --- map (issue 4) ----------------------------------------------------------------------------
def _add_map(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("map", help="print-quality thematic maps (PNG, SVG, PDF)")
    p.set_defaults(run=_run_map)


def _run_map(args: argparse.Namespace) -> int:
    raise LandgisError("landgis map is not implemented yet")


# --- web (issue 4) ----------------------------------------------------------------------------
def _add_web(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("web", help="interactive HTML map, self-contained and offline")
    p.set_defaults(run=_run_web)


def _run_web(args: argparse.Namespace) -> int:
    raise LandgisError("landgis web is not implemented yet")


# --- qa (issues 5 and 7) ----------------------------------------------------------------------
def _add_qa(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("qa", help="spatial QA of parcels against townships and the plan")
    p.set_defaults(run=_run_qa)


def _run_qa(args: argparse.Namespace) -> int:
    raise LandgisError("landgis qa is not implemented yet")


# --- atlas (issue 6) --------------------------------------------------------------------------
def _add_atlas(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("atlas", help="build the whole atlas and its HTML report")
    p.set_defaults(run=_run_atlas)


def _run_atlas(args: argparse.Namespace) -> int:
    raise LandgisError("landgis atlas is not implemented yet")


# --- main -------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    from landgis import __version__

    parser = argparse.ArgumentParser(
        prog="landgis",
        description="Maps, checks and atlases from Chinese land supply plans (土地供应计划).",
    )
    parser.add_argument("--version", action="version", version=f"landgis {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in (_add_plan, _add_map, _add_web, _add_qa, _add_atlas):
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except (LandgisError, OSError) as exc:
        print(f"landgis {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("landgis: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
