"""Connecting to PostgreSQL/PostGIS: URLs (redacted for display), the connection, one-line errors.

Connection details come from the URL, the ``PG*`` environment variables and ``~/.pgpass`` — libpq
resolves them. Passwords never appear in messages: URLs are shown with ``***`` instead.

Needs ``psycopg`` (``pip install 'landgis[postgis]'``).
"""

from __future__ import annotations

import difflib
import math
import os
import re
from typing import TYPE_CHECKING, Any


from landgis.catalog import Message, message, word
from landgis.errors import InputError
from landgis.extras import require
from landgis.printable import printable
from landgis.secrets import KEYWORDS, display, normalize, redact

# psycopg (the postgis extra) is imported inside functions: landgis works without it until a URL is given.

if TYPE_CHECKING:  # pragma: no cover
    import psycopg

__all__ = [
    "SCHEMES", "PG_MAX_IDENT", "STATEMENT_TIMEOUT", "CANCELED", "is_postgres_url", "redact_url",
    "url_secrets", "one_line", "reason", "psycopg_module", "timeout_ms", "connect", "failure",
]


SCHEMES = ("postgresql://", "postgres://")
PG_MAX_IDENT = 63  # bytes; PostgreSQL truncates longer identifiers
STATEMENT_TIMEOUT = 300.0  # seconds a reading statement may run (--statement-timeout); 0: no limit
CANCELED = "57014"  # SQLSTATE query_canceled: the statement timeout ended the query


def is_postgres_url(text: object) -> bool:
    """Whether ``text`` is a ``postgresql://`` or ``postgres://`` URL."""
    return isinstance(text, str) and text.lower().startswith(SCHEMES)


def redact_url(url: str) -> str:
    """``url`` with its password replaced by ``***`` (libpq URLs and ``key=value`` strings).

    The password is found by parsing (:func:`landgis.secrets.display`) and remembered, so that
    :func:`landgis.secrets.redact` removes it from every later message too.
    """

    return display(url)


def url_secrets(url: str) -> list[str]:
    """Password strings that must never reach a message."""
    found = []
    try:
        from psycopg.conninfo import conninfo_to_dict

        pw = conninfo_to_dict(url).get("password")
        if pw:
            found.append(str(pw))
    except Exception:  # a malformed URL: the connection attempt reports it
        pass
    if os.environ.get("PGPASSWORD"):
        found.append(os.environ["PGPASSWORD"])
    return [s for s in found if s]


def one_line(exc: BaseException, url: str) -> str:
    """The server's or libpq's message as one line, with any password scrubbed."""
    diag = getattr(exc, "diag", None)
    text = (getattr(diag, "message_primary", None) or str(exc)) if diag is not None else str(exc)
    text = text or exc.__class__.__name__
    text = re.sub(r"^connection failed:\s*", "", text.strip())
    text = re.sub(r"\b(FATAL|ERROR):\s+", "", text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    text = " ".join(l if l[-1] in ".;:?!" or i == len(lines) - 1 else l + ";" for i, l in enumerate(lines))
    for secret in url_secrets(url):
        text = text.replace(secret, "***")

    return redact(text)


#: What a server's or libpq's English reason means, by SQLSTATE (the reason itself is kept for --lang en).
_SQLSTATES = {
    "42P01": "undefined_table", "42703": "undefined_column", "42883": "undefined_function", "42601": "syntax",
    "42501": "privilege", CANCELED: "canceled", "25006": "read_only", "3F000": "no_schema",
    "42P07": "duplicate_table", "28P01": "auth", "28000": "auth", "3D000": "no_database",
    "53300": "too_many_connections",
}
#: ... and by its words, for a failed connection (libpq's messages carry no SQLSTATE).
_WORDING = [
    (re.compile(r"connection refused|no such file or directory.*socket|server closed the connection", re.I),
     "refused"),
    (re.compile(r"could not translate host name|name or service not known|nodename nor servname", re.I), "host"),
    (re.compile(r"timeout expired", re.I), "timeout"),
    (re.compile(r"authentication failed|no password supplied", re.I), "auth"),
    (re.compile(r"database \S+ does not exist", re.I), "no_database"),
    (re.compile(r"role \S+ does not exist", re.I), "no_role"),
    (re.compile(r"too many (clients|connections)", re.I), "too_many_connections"),
    (re.compile(r"missing \"=\"|invalid uri|invalid (integer|percent-encoded)|unterminated quoted|"
                r"missing connection option", re.I), "bad_dsn"),
]


def reason(exc: BaseException, url: str) -> Message:
    """The server's or libpq's reason for ``exc``: its own words (redacted) in English, their meaning in Chinese.

    Examples
    --------
    >>> class Undefined(Exception):
    ...     sqlstate = "42P01"
    >>> r = reason(Undefined('relation "gis.x" does not exist'), "postgresql://u@h/db")
    >>> r.render("en"), r.render("zh")
    ('relation "gis.x" does not exist', '表或视图 "gis.x" 不存在')
    """
    said = one_line(exc, url)
    option = re.search(r'invalid (?:connection option|URI query parameter):? "([^"]+)"', said)
    if option:
        return word("pg.reason.bad_option", reason=said, option=option.group(1))
    key = _SQLSTATES.get(getattr(exc, "sqlstate", None) or "")
    key = key or next((k for rx, k in _WORDING if rx.search(said)), None)
    named = _NAMED.get(key or "")
    name = named.search(said) if named else None
    if name:  # the server's detail in Chinese too; escaped, as all user text is
        return word(f"pg.named.{key}", reason=said, name=printable(next(g for g in name.groups() if g is not None)))
    return word(f"pg.reason.{key or 'other'}", reason=said)


#: Where the server's English names the relation, column … it means (a quoted name may hold quotes itself).
_NAMED = {key: re.compile(rf'\b{what} (?:"(.*)"|(\S+)) {verb}\b') for key, what, verb in (
    ("undefined_table", "relation", "does not exist"), ("undefined_column", "column", "does not exist"),
    ("no_schema", "schema", "does not exist"), ("duplicate_table", "relation", "already exists"),
    ("no_database", "database", "does not exist"), ("no_role", "role", "does not exist"))}
_NAMED["undefined_function"] = re.compile(r"\bfunction (.+?) does not exist\b")


def psycopg_module():
    """psycopg, or the one-line error naming the ``postgis`` extra."""
    return require("psycopg", "postgis")


def timeout_ms(seconds: float | None) -> int:
    """``seconds`` as the milliseconds of ``statement_timeout`` (0: no limit); refused if negative."""
    if seconds is None:
        return 0
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or not math.isfinite(seconds) \
            or seconds < 0:
        raise InputError(message("statement timeout must be a number of seconds >= 0, got {seconds!r}",
                                 seconds=seconds))
    return max(1, round(seconds * 1000)) if seconds else 0


def connect(url: str, *, read_only: bool = False, statement_timeout: float | None = None
             ) -> "psycopg.Connection":
    """A connection for ``url`` (libpq adds PG* variables and ~/.pgpass); clear one-line errors.

    ``read_only`` also sets the session's ``default_transaction_read_only``, so that not even a
    ``COMMIT`` smuggled into a query could start a transaction that writes. ``statement_timeout``
    (seconds, 0 or None: none) is set for the session: the server cancels a statement that runs longer.
    """
    psycopg = psycopg_module()
    from psycopg.conninfo import conninfo_to_dict

    shown = redact_url(url)
    url = normalize(url)
    try:
        params = conninfo_to_dict(url)
    except psycopg.Error as exc:
        why = reason(exc, url)
        m = re.search(r'invalid (?:connection option|URI query parameter):? "([^"]+)"', one_line(exc, url))
        close = difflib.get_close_matches(m.group(1).lower(), KEYWORDS, 1, 0.6) if m else []
        if close:
            raise InputError(message("not a valid PostgreSQL connection string: {shown}: {reason} (did you mean "
                                     "{close}?)", shown=shown, reason=why, close=close[0])) from None
        raise InputError(message("not a valid PostgreSQL connection string: {shown}: {reason}", shown=shown,
                                 reason=why)) from None
    kwargs: dict[str, Any] = {"client_encoding": "UTF8", "application_name": "landgis"}
    if "connect_timeout" not in params and "PGCONNECT_TIMEOUT" not in os.environ:
        kwargs["connect_timeout"] = 15
    options = params.get("options") or os.environ.get("PGOPTIONS", "")  # kwargs replace both
    if read_only:
        options += " -c default_transaction_read_only=on"
    if statement_timeout:  # last, so that it wins over one in the URL's own options
        options += f" -c statement_timeout={timeout_ms(statement_timeout)}"
    if options.strip():
        kwargs["options"] = options.strip()
    try:
        conn = psycopg.connect(url, **kwargs)
    except psycopg.Error as exc:
        said = one_line(exc, url).lower()
        if "password" in said and "authentication" in said:
            raise InputError(message("cannot connect to {shown}: {reason} (check the password in the URL, "
                                     "PGPASSWORD or ~/.pgpass)", shown=shown, reason=reason(exc, url))) from None
        raise InputError(message("cannot connect to {shown}: {reason}", shown=shown, reason=reason(exc, url))) from None
    from psycopg.types.numeric import FloatLoader

    # numeric → float, as a file reader gives it; Decimal objects would not do arithmetic with floats
    conn.adapters.register_loader("numeric", FloatLoader)
    return conn


def failure(exc: BaseException, url: str, what: "str | Message",
            statement_timeout: float | None = None) -> InputError:
    """The one-line, redacted error for a failed read of ``what`` (naming the timeout that ended it)."""
    shown, why = redact_url(url), reason(exc, url)
    if getattr(exc, "sqlstate", None) == CANCELED and statement_timeout:
        return InputError(message("{shown}: reading {what} failed: {reason} (--statement-timeout is {timeout:g} s; "
                                  "give a slow query more)", shown=shown, what=what, reason=why,
                                  timeout=statement_timeout))
    return InputError(message("{shown}: reading {what} failed: {reason}", shown=shown, what=what, reason=why))
