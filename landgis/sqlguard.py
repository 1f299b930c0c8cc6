"""Refuse a user's SQL that is not exactly one read-only ``SELECT``, before it reaches the server.

The text is parsed by PostgreSQL's own parser (``pglast``, libpg_query), not matched by patterns: it
must be one statement, a ``SELECT`` (``VALUES``, ``TABLE``, set operations and ``WITH … SELECT``
included), with no data-modifying ``WITH`` (``INSERT/UPDATE/DELETE/MERGE``), no ``SELECT … INTO``
and no ``FOR UPDATE/SHARE``. Every function it calls, every operator and every type it casts to must
be on the allow-list of :mod:`landgis.sqlnames` (the read-only built-ins and PostGIS's), so that no
function can open its own connection (``dblink``), touch the server's files or large objects,
signal a backend or set configuration; a qualified name is allowed only in ``pg_catalog``,
``public`` or ``postgis``, and only for a listed name. ``XMLTABLE``/``XMLPARSE`` and table samples
other than ``BERNOULLI``/``SYSTEM`` are refused too.

This is the first of three locks; the query then runs as one statement through the extended
protocol (which the server refuses to run a second statement in) in a ``READ ONLY`` transaction of
a ``default_transaction_read_only`` session with a ``statement_timeout``
(:func:`landgis.qa.pg_read.read_parcels`).

What the text cannot show is what the server runs on its own: a view or a row-level security policy
calling a function. :func:`check_relations` asks the server's catalog (no user code runs) which
functions and operators the views and policies the query reads depend on, through views of views,
and refuses those off the list too. What it cannot see either is what a listed function does on a
server where someone replaced it (a ``public.st_x`` that is not PostGIS's) or the body of an
allowed-looking function another function calls: those are the database owner's, and the read-only
transaction still refuses every write in this session.

Examples
--------
>>> check_select("SELECT * FROM guotu.dikuai_2026;")
'SELECT * FROM guotu.dikuai_2026'
>>> check_select("SELECT 1; DROP TABLE guotu.victim")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
landgis.errors.InputError: --sql must be one SELECT statement; this is 2 statements ...
>>> check_select("SELECT * FROM dblink('dbname=landuse', 'DELETE FROM t') AS d(x int)")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
landgis.errors.InputError: --sql may only call read-only built-in and PostGIS functions; dblink is not one of them ...
"""

from __future__ import annotations

from landgis.catalog import message
from landgis.extras import require
from landgis.errors import InputError
from landgis.sqlnames import FUNCTIONS, OPERATORS, SCHEMAS, TYPES

# pglast (the postgis extra) is imported inside functions: only a --sql query needs it.

__all__ = ["check_select", "check_relations", "relations"]

_WRITES = {"InsertStmt": "INSERT", "UpdateStmt": "UPDATE", "DeleteStmt": "DELETE", "MergeStmt": "MERGE"}
_SAMPLES = {"bernoulli", "system"}  # TABLESAMPLE methods of the server itself
_XML = {"XmlExpr": "XML functions", "XmlSerialize": "XMLSERIALIZE", "RangeTableFunc": "XMLTABLE"}
# A_Expr kinds whose name is a keyword, not an operator (BETWEEN expands to <= and >=)
_KEYWORD_KINDS = {"AEXPR_BETWEEN", "AEXPR_NOT_BETWEEN", "AEXPR_BETWEEN_SYM", "AEXPR_NOT_BETWEEN_SYM"}


def _parse(sql: str, what: str) -> tuple:
    require("pglast.parser", "postgis")  # one line naming the extra when pglast is missing
    from pglast import parse_sql
    from pglast.parser import ParseError
    try:
        return parse_sql(sql)
    except ParseError as exc:
        raise InputError(message("{what} is not valid SQL: {exc}", what=what, exc=exc)) from None


def _strings(nodes) -> list[str]:
    return [getattr(n, "sval", None) or str(n) for n in (nodes or ())]


def _name(parts: list[str]) -> str:
    """A qualified name for a message; escaped when it holds a control character (a quoted identifier)."""
    text = ".".join(parts)
    return text if text.isprintable() else ascii(text)


def _unlisted(parts: list[str], allowed: frozenset[str]) -> bool:
    """Whether a possibly qualified name is off ``allowed`` (or qualified with a schema not allowed)."""
    if not parts:
        return True
    *schema, name = parts
    return name not in allowed or len(schema) > 1 or (schema and schema[0] not in SCHEMAS)


def _refusals(stmt) -> list[str]:
    """What in a parsed SELECT could write, lock or reach beyond the query: data-modifying CTEs, INTO,
    FOR UPDATE/SHARE, and functions, operators, types and table samples not on the allow-list."""
    from pglast import ast
    from pglast.visitors import Visitor

    found: list[str] = []

    class Finder(Visitor):
        def visit(self, ancestors, node):  # noqa: D102 - every node once
            name = type(node).__name__
            if name in _WRITES:
                found.append(f"must only read; it has a data-modifying {_WRITES[name]}")
            elif isinstance(node, ast.IntoClause):
                found.append("must only read; it has SELECT … INTO (it creates a table)")
            elif isinstance(node, ast.LockingClause):
                found.append("must only read; it has FOR UPDATE/SHARE (it locks rows)")
            elif isinstance(node, ast.FuncCall):
                parts = _strings(node.funcname)
                if _unlisted(parts, FUNCTIONS):
                    found.append(f"may only call read-only built-in and PostGIS functions; "
                                 f"{_name(parts)} is not one of them")
            elif isinstance(node, ast.A_Expr):
                kind = getattr(node.kind, "name", str(node.kind))
                parts = _strings(node.name)
                if kind not in _KEYWORD_KINDS and _unlisted(parts, OPERATORS):
                    found.append(f"may only use PostgreSQL's and PostGIS's operators; "
                                 f"{_name(parts)} is not one of them")
            elif isinstance(node, ast.SubLink) and node.operName:
                parts = _strings(node.operName)
                if _unlisted(parts, OPERATORS):
                    found.append(f"may only use PostgreSQL's and PostGIS's operators; "
                                 f"{_name(parts)} is not one of them")
            elif isinstance(node, ast.TypeName):
                parts = _strings(node.names)
                if _unlisted(parts, TYPES):
                    found.append(f"may only use built-in and PostGIS types; {_name(parts)} is not one of them")
            elif isinstance(node, ast.RangeTableSample):
                parts = _strings(node.method)
                if len(parts) != 1 or parts[0] not in _SAMPLES:
                    found.append(f"may only sample with BERNOULLI or SYSTEM, not {_name(parts)}")
            elif name in _XML:
                found.append(f"may not use {_XML[name]}")

    Finder()(stmt)
    return found


def check_select(sql: str, what: str = "--sql") -> str:
    """``sql`` without trailing semicolons if it is one read-only SELECT; else :class:`InputError`.

    Parameters
    ----------
    sql : str
        The user's query.
    what : str
        How the query is named in messages.

    Returns
    -------
    str
        The statement itself, without the blanks, comments and ``;`` around it (a comment at its end
        is kept: put a line break after it when embedding the statement).

    Raises
    ------
    InputError
        Empty, not valid SQL, more than one statement, not a SELECT, a SELECT that writes or locks,
        or one that calls a function, operator or type not on the allow-list (named in the message).
    """
    from pglast import ast

    text = (sql or "").strip()
    while text.endswith(";"):
        text = text[:-1].rstrip()
    if not text:
        raise InputError(message("{what} is empty; give one SELECT statement", what=what))
    stmts = _parse(text, what)
    if len(stmts) != 1:
        raise InputError(message("{what} must be one SELECT statement; this is {n_stmts} statements (nothing was "
                                 "run)", what=what, n_stmts=len(stmts)))
    stmt = stmts[0].stmt
    if not isinstance(stmt, ast.SelectStmt):
        kind = type(stmt).__name__.removesuffix("Stmt")
        raise InputError(message("{what} must be a SELECT statement, not {kind} (nothing was run)", what=what, kind=kind))
    bad = _refusals(stmt)
    if bad:
        raise InputError(message("{what} {bad} (nothing was run)", what=what, bad=bad[0]))
    start, length = stmts[0].stmt_location or 0, stmts[0].stmt_len or 0
    return text[start:start + length] if length else text[start:]


def relations(sql: str) -> list[str]:
    """The tables and views a checked query names, as SQL text (``schema.name``, quoted as needed).

    Examples
    --------
    >>> relations('SELECT * FROM guotu.dikuai d JOIN "Towns" t ON true')
    ['guotu.dikuai', '"Towns"']
    """
    from pglast import parse_sql
    from pglast.ast import RangeVar
    from pglast.visitors import Visitor
    from psycopg import sql as S

    found: list[str] = []

    class Finder(Visitor):
        def visit(self, ancestors, node):  # noqa: D102
            if isinstance(node, RangeVar):
                parts = [p for p in (node.schemaname, node.relname) if p]
                text = ".".join(S.Identifier(p).as_string(None) if not _plain(p) else p for p in parts)
                if text not in found:
                    found.append(text)

    Finder()(parse_sql(sql))
    return found


def _plain(name: str) -> bool:
    return name.isidentifier() and name == name.lower() and name.isascii()


_DEPENDENCIES = """
WITH RECURSIVE rels(oid) AS (
    SELECT c.oid FROM unnest(%(names)s::text[]) AS n(name) JOIN pg_class c ON c.oid = to_regclass(n.name)
  UNION
    SELECT d.refobjid FROM rels r
    JOIN pg_class c ON c.oid = r.oid AND c.relkind = 'v'
    JOIN pg_rewrite w ON w.ev_class = r.oid
    JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = w.oid
         AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> r.oid
), objects(classid, objid, rel) AS (
    SELECT 'pg_rewrite'::regclass, w.oid, r.oid FROM rels r
    JOIN pg_class c ON c.oid = r.oid AND c.relkind = 'v' JOIN pg_rewrite w ON w.ev_class = r.oid
  UNION ALL
    SELECT 'pg_policy'::regclass, p.oid, r.oid FROM rels r
    JOIN pg_class c ON c.oid = r.oid AND c.relrowsecurity JOIN pg_policy p ON p.polrelid = r.oid
)
SELECT DISTINCT o.rel::regclass::text, 'function', n.nspname, f.proname FROM objects o
JOIN pg_depend d ON d.classid = o.classid AND d.objid = o.objid AND d.refclassid = 'pg_proc'::regclass
JOIN pg_proc f ON f.oid = d.refobjid JOIN pg_namespace n ON n.oid = f.pronamespace
UNION
SELECT DISTINCT o.rel::regclass::text, 'operator', n.nspname, x.oprname FROM objects o
JOIN pg_depend d ON d.classid = o.classid AND d.objid = o.objid AND d.refclassid = 'pg_operator'::regclass
JOIN pg_operator x ON x.oid = d.refobjid JOIN pg_namespace n ON n.oid = x.oprnamespace
ORDER BY 1, 2, 3, 4
"""


def check_relations(conn, sql: str, what: str = "--sql") -> None:
    """Refuse a query that reads a view or a row-level-security table calling a function off the list.

    Asks the catalog only (``pg_depend`` of the views' rules and the tables' policies, through views
    of views): nothing of the query runs. Built-in functions are not recorded there (they are pinned),
    so every function found is an extension's or a user's and must be on the PostGIS list, in
    ``pg_catalog``, ``public``, ``postgis`` or the schema the ``postgis`` extension is installed in.

    Raises
    ------
    InputError
        Naming the view (or table) and the function or operator.
    """
    names = relations(sql)
    if not names:
        return
    row = conn.execute("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'postgis'"
                       ).fetchone()
    schemas = SCHEMAS | ({row[0]} if row else set())
    for rel, kind, schema, name in conn.execute(_DEPENDENCIES, {"names": names}).fetchall():
        allowed = FUNCTIONS if kind == "function" else OPERATORS
        if name not in allowed or schema not in schemas:
            raise InputError(message("{what} reads {value}, which calls the {kind} {value2}: not a read-only built-in "
                                     "or PostGIS {kind} (nothing was run)", what=what, value=_name([rel]), kind=kind, value2=_name([schema, name])))
