"""Connection strings without their passwords, in every message and output.

A PostgreSQL connection is given as a libpq URL (``postgresql://user:pw@host/db?…``, any case of the
scheme) or as a ``key=value`` string (``host=… password=…``). The password is found by parsing —
:func:`psycopg.conninfo.conninfo_to_dict` for what libpq reads, :mod:`urllib.parse` for the user part
and the query of a URL — never by a pattern, so a password with ``?``, ``/``, ``@`` or quotes is
found as libpq would read it. :func:`register` remembers it; :func:`redact` removes every remembered
password from a text; :func:`redacting_streams` does that to everything written to stdout/stderr.

Examples
--------
>>> from landgis.secrets import display, redact
>>> display("postgresql://planner:Sec?ret99@127.0.0.1/landuse")
'postgresql://planner:***@127.0.0.1/landuse'
>>> redact("cannot connect: Sec?ret99 rejected")
'cannot connect: *** rejected'
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from typing import Iterator, TextIO
from urllib.parse import parse_qsl, quote, unquote, urlencode

# psycopg (the postgis extra) is imported inside functions: its conninfo parser, when it is installed.

__all__ = ["is_conninfo", "normalize", "register", "display", "redact", "redacting_streams"]

MASK = "***"
_SCHEMES = ("postgresql://", "postgres://")
_MIN_LEN = 4  # shorter strings are masked inside connection strings only, not in free text
_secrets: set[str] = set()


def _is_url(text: str) -> bool:
    return text.lower().startswith(_SCHEMES)


def _dict(text: str) -> dict | None:
    try:
        from psycopg.conninfo import conninfo_to_dict
    except ImportError:  # pragma: no cover - psycopg is in the postgis extra
        return None
    try:
        return conninfo_to_dict(text)
    except Exception:
        return None


def is_conninfo(text: object) -> bool:
    """Whether ``text`` is a PostgreSQL URL (any case of the scheme) or a libpq ``key=value`` string.

    Examples
    --------
    >>> is_conninfo("PostgreSQL://u@h/db"), is_conninfo("host=h dbname=db"), is_conninfo("a.gpkg")
    (True, True, False)
    """
    if not isinstance(text, str):
        return False
    if _is_url(text):
        return True
    if "=" not in text:
        return False
    params = _dict(text)
    return bool(params) and bool({"host", "hostaddr", "dbname", "user", "service"} & set(params))


def _split_url(url: str) -> tuple[str, str, str]:
    """(scheme, user part, rest) of a URL.

    The user part ends at the last ``@`` before the first ``/`` or ``?``; when there is none there, a
    password holding ``/`` or ``?`` is assumed and it ends at the last ``@`` of the URL.
    """
    scheme, _, rest = url.partition("://")
    head = rest.split("/", 1)[0].split("?", 1)[0]
    if "@" in head:
        userinfo = head.rpartition("@")[0]
    elif "@" in rest and ":" in rest.split("/", 1)[0] and "=" not in rest.rpartition("@")[0]:
        userinfo = rest.rpartition("@")[0]  # not an '@' of the query (key=value) either
    else:
        return scheme.lower(), "", rest
    return scheme.lower(), userinfo, rest[len(userinfo) + 1:]


def normalize(conninfo: str) -> str:
    """The connection string as libpq reads it: lower-case scheme, user and password percent-encoded.

    ``PostgreSQL://planner:Se/cret@host/db`` becomes ``postgresql://planner:Se%2Fcret@host/db``; a
    ``key=value`` string is returned as it is.
    """
    if not _is_url(conninfo):
        return conninfo
    scheme, userinfo, rest = _split_url(conninfo)
    if not userinfo:
        return f"{scheme}://{rest}"
    user, colon, pw = userinfo.partition(":")
    enc = (lambda s: quote(unquote(s), safe=""))
    return f"{scheme}://{enc(user)}{colon}{enc(pw) if colon else ''}@{rest}"


def _passwords(conninfo: str) -> set[str]:
    """Every form in which the password of ``conninfo`` may appear in a text."""
    found: set[str] = set()
    if _is_url(conninfo):
        _, userinfo, rest = _split_url(conninfo)
        user, colon, pw = userinfo.partition(":")
        if colon and pw:
            found |= {pw, unquote(pw), quote(unquote(pw), safe="")}
        query = rest.partition("?")[2]
        found |= {v for k, v in parse_qsl(query, keep_blank_values=True) if k.lower() == "password"}
        params = _dict(normalize(conninfo))
    else:
        params = _dict(conninfo)
    if params and params.get("password"):
        pw = str(params["password"])
        found |= {pw, pw.replace("\\", "\\\\").replace("'", "\\'")}
    return {s for s in found if s}


def register(conninfo: str) -> str:
    """Remember the password of ``conninfo`` so that :func:`redact` removes it; return ``conninfo``."""
    if is_conninfo(conninfo):
        _secrets.update(_passwords(conninfo))
    return conninfo


def display(conninfo: str) -> str:
    """``conninfo`` as it may be shown: the password replaced by ``***``.

    Examples
    --------
    >>> display("host=127.0.0.1 dbname=landuse password='a b'")
    "host=127.0.0.1 dbname=landuse password='***'"
    """
    if not is_conninfo(conninfo):
        return redact(conninfo)
    register(conninfo)
    if _is_url(conninfo):
        scheme, userinfo, rest = _split_url(conninfo)
        user, colon, _ = userinfo.partition(":")
        shown_user = f"{user}:{MASK}" if colon else user
        base, q, query = rest.partition("?")
        if q:
            pairs = [(k, MASK if k.lower() == "password" else v) for k, v in parse_qsl(query, keep_blank_values=True)]
            base += "?" + urlencode(pairs, safe="*/:")
        return f"{scheme}://{shown_user + '@' if userinfo else ''}{base}"
    return _replace(conninfo, _passwords(conninfo))


def _replace(text: str, secrets: set[str]) -> str:
    for s in sorted(secrets, key=len, reverse=True):
        text = text.replace(s, MASK)
    return text


def redact(text: str) -> str:
    """``text`` with every registered password (of 4 characters or more) replaced by ``***``."""
    if not _secrets or not isinstance(text, str):
        return text
    return _replace(text, {s for s in _secrets if len(s) >= _MIN_LEN})


class _RedactingStream(io.TextIOBase):
    """A text stream that redacts each write before passing it on."""

    def __init__(self, stream: TextIO):
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(redact(text))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._stream, "encoding", "utf-8")


@contextlib.contextmanager
def redacting_streams(argv: list[str] | tuple[str, ...] = ()) -> Iterator[None]:
    """Register the connection strings in ``argv`` (and ``PGPASSWORD``), and redact stdout and stderr.

    Examples
    --------
    >>> with redacting_streams(["qa", "postgresql://u:hunter22@h/db"]):  # doctest: +SKIP
    ...     print("hunter22")
    ***
    """
    for arg in argv:
        if isinstance(arg, str):
            register(arg)
    if len(os.environ.get("PGPASSWORD", "")) >= _MIN_LEN:
        _secrets.add(os.environ["PGPASSWORD"])
    old = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _RedactingStream(old[0]), _RedactingStream(old[1])
    try:
        yield
    finally:
        for s in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                s.flush()
        sys.stdout, sys.stderr = old
