"""Refuse a user's SQL that is not exactly one read-only ``SELECT``, before it reaches the server.

The text is parsed by PostgreSQL's own parser (``pglast``, libpg_query), not matched by patterns: it
must be one statement, a ``SELECT`` (``VALUES``, set operations and ``WITH … SELECT`` included), with
no data-modifying ``WITH`` (``INSERT/UPDATE/DELETE/MERGE``), no ``SELECT … INTO`` and no ``FOR
UPDATE/SHARE``. This is the first of three locks; the query then runs as one statement through the
extended protocol (which the server refuses to run a second statement in) in a ``READ ONLY``
transaction of a ``default_transaction_read_only`` session (which stops writes hidden in functions).

Examples
--------
>>> check_select("SELECT * FROM guotu.dikuai_2026;")
'SELECT * FROM guotu.dikuai_2026'
>>> check_select("SELECT 1; DROP TABLE guotu.victim")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
landgis.errors.InputError: --sql must be one SELECT statement; this is 2 statements ...
"""

from __future__ import annotations

from landgis.errors import InputError

# pglast (the postgis extra) is imported inside functions: only a --sql query needs it.

__all__ = ["check_select"]

_WRITES = {"InsertStmt": "INSERT", "UpdateStmt": "UPDATE", "DeleteStmt": "DELETE", "MergeStmt": "MERGE"}


def _parse(sql: str, what: str) -> tuple:
    try:
        from pglast import parse_sql
        from pglast.parser import ParseError
    except ImportError as exc:  # pragma: no cover - pglast is in the postgis extra
        raise InputError(f"{what} needs pglast to check the query: pip install 'landgis[postgis]'") from exc
    try:
        return parse_sql(sql)
    except ParseError as exc:
        raise InputError(f"{what} is not valid SQL: {exc}") from None


def _refusals(stmt) -> list[str]:
    """What in a parsed SELECT could write or lock: data-modifying CTEs, INTO, FOR UPDATE/SHARE."""
    from pglast import ast
    from pglast.visitors import Visitor

    found: list[str] = []

    class Finder(Visitor):
        def visit(self, ancestors, node):  # noqa: D102 - every node once
            name = type(node).__name__
            if name in _WRITES:
                found.append(f"a data-modifying {_WRITES[name]}")
            elif isinstance(node, ast.IntoClause):
                found.append("SELECT … INTO (it creates a table)")
            elif isinstance(node, ast.LockingClause):
                found.append("FOR UPDATE/SHARE (it locks rows)")

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
        Empty, not valid SQL, more than one statement, not a SELECT, or a SELECT that writes or locks.
    """
    from pglast import ast

    text = (sql or "").strip()
    while text.endswith(";"):
        text = text[:-1].rstrip()
    if not text:
        raise InputError(f"{what} is empty; give one SELECT statement")
    stmts = _parse(text, what)
    if len(stmts) != 1:
        raise InputError(f"{what} must be one SELECT statement; this is {len(stmts)} statements "
                         f"(nothing was run)")
    stmt = stmts[0].stmt
    if not isinstance(stmt, ast.SelectStmt):
        kind = type(stmt).__name__.removesuffix("Stmt")
        raise InputError(f"{what} must be a SELECT statement, not {kind} (nothing was run)")
    bad = _refusals(stmt)
    if bad:
        raise InputError(f"{what} must only read; it has {bad[0]} (nothing was run)")
    start, length = stmts[0].stmt_location or 0, stmts[0].stmt_len or 0
    return text[start:start + length] if length else text[start:]
