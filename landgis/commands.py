"""The library the ``landgis`` command calls, each module loaded when a subcommand first uses it.

``landgis plan`` reads a plan; it has no use for matplotlib or folium, which the drawing
subcommands need and which cost seconds of CPU to import. So :mod:`landgis.cli` imports this module,
not the library, and names what it calls through it (``lib.parse_plan``, ``lib.build_atlas``): the
first use of a name imports its module by name (``importlib.import_module``, through
:func:`landgis.heap.import_quietly`), as pip and Mercurial load
their commands. Each subcommand thus loads what it uses and nothing else; ``--help`` loads none of it.

This is the command's one dispatch point by name (the package's public API in ``landgis/__init__.py``
is loaded the same way). Every other module imports at its top. The ``TYPE_CHECKING`` block below
says the same imports as statements, for type checkers and for the import graph that
tests/test_package.py checks; a test checks that it and :data:`LOADED_BY_NAME` agree.

Examples
--------
>>> from landgis import commands as lib
>>> lib.plan_name.__module__
'landgis.render.text'
>>> lib.no_such_name
Traceback (most recent call last):
...
AttributeError: module 'landgis.commands' has no attribute 'no_such_name'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from landgis.heap import import_quietly

if TYPE_CHECKING:  # the same names, as import statements (never run)
    from landgis.allocation import join, plan_units
    from landgis.atlas import build_atlas, check_destination
    from landgis.county import county_of_plan_text, find_county
    from landgis.crs import parse_crs
    from landgis.plan import SEED_PLAN, parse_plan, reconcile
    from landgis.plan.export import (format_findings, format_ledger, format_plan_table, plan_to_json,
                                     write_plan_table)
    from landgis.qa import format_summary, qa, write_qa
    from landgis.qa.constraints import parse_constraint_specs
    from landgis.qa.pg_read import read_parcels
    from landgis.qa.pg_write import refuse_existing, write_findings
    from landgis.qa.postgis_chunks import write_findings_partitions
    from landgis.qa.run import default_plan
    from landgis.render.interactive import fragment_html, self_contained_html, web_map, write_html
    from landgis.render.outline import no_layer_line, outline_layer, render_outline_maps
    from landgis.render.qa_map import MAX_FEATURES, write_qa_map
    from landgis.render.static import render_maps
    from landgis.render.text import plan_name
    from landgis.townships import BoundaryError, load_townships

#: Each name :mod:`landgis.cli` and :mod:`landgis.cli_options` use → the module that defines it, imported on the
#: name's first use.
LOADED_BY_NAME: dict[str, str] = {
    **dict.fromkeys(("join", "plan_units"), "landgis.allocation"),
    **dict.fromkeys(("build_atlas", "check_destination"), "landgis.atlas"),
    **dict.fromkeys(("county_of_plan_text", "find_county"), "landgis.county"),
    "parse_crs": "landgis.crs",
    **dict.fromkeys(("SEED_PLAN", "parse_plan", "reconcile"), "landgis.plan"),
    **dict.fromkeys(("format_findings", "format_ledger", "format_plan_table", "plan_to_json", "write_plan_table"),
                    "landgis.plan.export"),
    **dict.fromkeys(("format_summary", "qa", "write_qa"), "landgis.qa"),
    "parse_constraint_specs": "landgis.qa.constraints",
    "read_parcels": "landgis.qa.pg_read",
    **dict.fromkeys(("refuse_existing", "write_findings"), "landgis.qa.pg_write"),
    "write_findings_partitions": "landgis.qa.postgis_chunks",
    "default_plan": "landgis.qa.run",
    **dict.fromkeys(("fragment_html", "self_contained_html", "web_map", "write_html"), "landgis.render.interactive"),
    **dict.fromkeys(("no_layer_line", "outline_layer", "render_outline_maps"), "landgis.render.outline"),
    **dict.fromkeys(("MAX_FEATURES", "write_qa_map"), "landgis.render.qa_map"),
    "render_maps": "landgis.render.static",
    "plan_name": "landgis.render.text",
    **dict.fromkeys(("BoundaryError", "load_townships"), "landgis.townships"),
}

__all__ = ["LOADED_BY_NAME"]


def __getattr__(name: str) -> Any:
    module = LOADED_BY_NAME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_quietly(module), name)  # the collector off while it imports (landgis.heap)
    globals()[name] = value  # once loaded, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *LOADED_BY_NAME})
