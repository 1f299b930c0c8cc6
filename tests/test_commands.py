"""landgis.commands: the command's library, each module loaded on first use, so that a subcommand loads only
what it uses (issue 23: `landgis plan` imports no matplotlib, folium or jenkspy)."""

from __future__ import annotations

import ast
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from landgis import commands

SOURCE = Path(commands.__file__)
CALLERS = [SOURCE.with_name("cli.py"), SOURCE.with_name("cli_options.py")]
DRAWING = ("matplotlib", "folium", "jenkspy")


def _type_checking_imports() -> dict[str, str]:
    """Name → module of the imports in commands.py's ``if TYPE_CHECKING:`` block."""
    tree = ast.parse(SOURCE.read_text("utf-8"))
    block = next(node for node in tree.body if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING")
    return {alias.name: node.module for node in block.body if isinstance(node, ast.ImportFrom)
            for alias in node.names}


def test_the_table_and_the_import_statements_say_the_same():
    stated = _type_checking_imports()
    assert len(stated) > 30
    assert stated == commands.LOADED_BY_NAME


def test_every_name_is_the_library_s_own_object():
    for name, module in commands.LOADED_BY_NAME.items():
        assert getattr(commands, name) is getattr(importlib.import_module(module), name), name
    assert set(dir(commands)) >= set(commands.LOADED_BY_NAME)


def test_the_cli_calls_only_names_of_the_table():
    used = {node.attr for path in CALLERS for node in ast.walk(ast.parse(path.read_text("utf-8")))
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "lib"}
    assert len(used) > 25
    assert used - set(commands.LOADED_BY_NAME) == set()
    assert set(commands.LOADED_BY_NAME) - used == set()  # the table holds nothing the command does not call


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_function"):
        commands.no_such_function  # noqa: B018


def _modules_after(argv: list[str]) -> set[str]:
    """The modules loaded by ``landgis.cli.main(argv)`` in a fresh interpreter."""
    code = ("import json, sys, contextlib, io\n"
            "from landgis.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    status = main({argv!r})\n"
            "print(json.dumps([status, sorted(sys.modules)]))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(SOURCE.parent.parent)}).stdout
    status, modules = json.loads(out.splitlines()[-1])
    assert status == 0, argv
    return set(modules)


@pytest.mark.slow  # runs the landgis command in new processes
def test_plan_and_help_load_no_drawing_library(tmp_path):
    from landgis.plan import SEED_PLAN

    plan = _modules_after(["plan", str(SEED_PLAN), "--out", str(tmp_path / "plan.xlsx")])
    assert {"landgis.plan", "landgis.plan.export", "openpyxl"} <= plan  # it did read and write the plan
    assert (tmp_path / "plan.xlsx").stat().st_size > 0
    assert plan & set(DRAWING) == set()
    assert {"landgis.atlas", "landgis.qa", "landgis.render.static", "landgis.render.fonts"} & plan == set()
    for argv in (["--help"], ["qa", "--help"], ["atlas", "--help"]):
        loaded = _modules_after(argv)
        assert loaded & {*DRAWING, "landgis.plan", "landgis.qa", "landgis.atlas"} == set(), argv
        assert loaded & {"pandas", "geopandas", "openpyxl"} == set(), argv  # nor the tables' libraries


@pytest.mark.slow  # runs the landgis command in a new process
def test_a_drawing_command_still_loads_what_it_draws_with(tmp_path):
    loaded = _modules_after(["web", "--out", str(tmp_path / "web.html")])
    assert {"folium", "landgis.render.interactive"} <= loaded
    assert (tmp_path / "web.html").read_text("utf-8").lstrip().lower().startswith("<!doctype html")
