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


from landgis.errors import InputError
from landgis.extras import require
from landgis.secrets import KEYWORDS, display, normalize, redact

# psycopg (the postgis extra) is imported inside functions: landgis works without it until a URL is given.

if TYPE_CHECKING:  # pragma: no cover
    import psycopg

__all__ = [
    "SCHEMES", "PG_MAX_IDENT", "STATEMENT_TIMEOUT", "CANCELED", "is_postgres_url", "redact_url",
    "url_secrets", "one_line", "psycopg_module", "timeout_ms", "connect", "failure",
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


def psycopg_module():
    """psycopg, or the one-line error naming the ``postgis`` extra."""
    return require("psycopg", "postgis")


def timeout_ms(seconds: float | None) -> int:
    """``seconds`` as the milliseconds of ``statement_timeout`` (0: no limit); refused if negative."""
    if seconds is None:
        return 0
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or not math.isfinite(seconds) \
            or seconds < 0:
        raise InputError(f"statement timeout must be a number of seconds >= 0, got {seconds!r}")
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
        reason = one_line(exc, url)
        m = re.search(r'invalid (?:connection option|URI query parameter):? "([^"]+)"', reason)

        close = difflib.get_close_matches(m.group(1).lower(), KEYWORDS, 1, 0.6) if m else []
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise InputError(f"not a valid PostgreSQL connection string: {shown}: {reason}{hint}") from None
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
        reason = one_line(exc, url)
        hint = ""
        if "password" in reason.lower() and "authentication" in reason.lower():
            hint = " (check the password in the URL, PGPASSWORD or ~/.pgpass)"
        raise InputError(f"cannot connect to {shown}: {reason}{hint}") from None
    from psycopg.types.numeric import FloatLoader

    # numeric → float, as a file reader gives it; Decimal objects would not do arithmetic with floats
    conn.adapters.register_loader("numeric", FloatLoader)
    return conn


def failure(exc: BaseException, url: str, what: str, statement_timeout: float | None = None) -> InputError:
    """The one-line, redacted error for a failed read of ``what`` (naming the timeout that ended it)."""
    hint = ""
    if getattr(exc, "sqlstate", None) == CANCELED and statement_timeout:
        hint = f" (--statement-timeout is {statement_timeout:g} s; give a slow query more)"
    return InputError(f"{redact_url(url)}: reading {what} failed: {one_line(exc, url)}{hint}")
