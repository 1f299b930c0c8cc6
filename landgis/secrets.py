"""Connection strings without their passwords, in every message and output.

A PostgreSQL connection is given as a libpq URL (``postgresql://user:pw@host/db?…``, any case of the
scheme) or as a ``key=value`` string (``host=… password=…``). The password is found by parsing, never
by a pattern over the whole text:

- ``key=value`` strings are read as libpq's ``conninfo_parse`` reads them (blanks around ``=``,
  single quotes, backslash escapes), but any key is accepted, so that a string libpq refuses
  (``dbnmae=landuse password=…``) is still recognised and its secrets found: the values of
  ``password``, ``sslpassword`` and libpq's other secret keys, of keys that look like a password key
  (``passwd``, ``pasword``, ``pwd`` …), and — in a string libpq refuses — of every key libpq does not
  know, since it may be a misspelt one.
- In a URL, libpq ends the user part at the *first* ``@`` before any ``/``, so that
  ``postgresql://u:p@ss/word9@host/db`` would send the password ``p`` to a host ``ss``. landgis ends it
  at the *last* ``@`` that is followed by a host part (``host[:port][,…]`` then ``/``, ``?`` or the
  end), so that a password may hold ``@``, ``/``, ``?``, ``#`` or ``:``; :func:`normalize`
  percent-encodes it for libpq. The query's ``password=`` (and other secret keys) count too.

:func:`register` remembers the passwords; :func:`redact` removes every remembered password from a
text; :func:`redacting_streams` does that to everything written to stdout/stderr.

Examples
--------
>>> from landgis.secrets import display, redact
>>> display("postgresql://planner:Sec?ret99@127.0.0.1/landuse")
'postgresql://planner:***@127.0.0.1/landuse'
>>> redact("cannot connect: Sec?ret99 rejected")
'cannot connect: *** rejected'
>>> display("postgresql://atuser:p@ss/word9@gis-db/landuse")
'postgresql://atuser:***@gis-db/landuse'
>>> display("dbnmae=landuse host=gis-db passwd=Pl?an/ner")
'dbnmae=*** host=gis-db passwd=***'
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
from typing import Iterator
from urllib.parse import parse_qsl, quote, unquote, urlencode

from landgis.printable import filtered_streams

# psycopg (the postgis extra) is imported inside functions: its conninfo parser, when it is installed.

__all__ = ["is_conninfo", "normalize", "register", "display", "redact", "redacting_streams", "KEYWORDS"]

MASK = "***"
_SCHEMES = ("postgresql://", "postgres://")
_MIN_LEN = 4  # shorter strings are masked inside connection strings only, not in free text
_secrets: set[str] = set()

# libpq's connection keywords (PostgreSQL 18), and those whose values are secrets
KEYWORDS = frozenset("""
    service user password passfile channel_binding connect_timeout dbname host hostaddr port client_encoding
    options application_name fallback_application_name keepalives keepalives_idle keepalives_interval
    keepalives_count tcp_user_timeout sslmode sslnegotiation sslcompression sslcert sslkey sslcertmode
    sslpassword sslrootcert sslcrl sslcrldir sslsni requirepeer require_auth min_protocol_version
    max_protocol_version ssl_min_protocol_version ssl_max_protocol_version gssencmode krbsrvname gsslib
    gssdelegation replication target_session_attrs load_balance_hosts scram_client_key scram_server_key
    oauth_issuer oauth_client_id oauth_client_secret oauth_scope sslkeylogfile
""".split())
_SECRET_KEYS = frozenset({"password", "sslpassword", "oauth_client_secret", "scram_client_key", "scram_server_key"})
_HOST_PART = re.compile(r"(?:\[[0-9A-Za-z:.%]*\]|[^\s/?@:,\[\]]*)(?::\d*)?"
                        r"(?:,(?:\[[0-9A-Za-z:.%]*\]|[^\s/?@:,\[\]]*)(?::\d*)?)*")
_QUERY_KEY = re.compile(r"[?&]([A-Za-z_]+)=")


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


def _kv_pairs(text: str) -> tuple[list[tuple[str, str, int, int]], bool]:
    """``key=value`` pairs as libpq's ``conninfo_parse`` reads them, any key accepted.

    Returns (pairs, complete): each pair is (key, value, start, end), start/end delimiting the value as
    typed (inside its quotes). A key without ``=`` takes the next word as its value and makes the
    parse incomplete, as does an unterminated quote (the value runs to the end).
    """
    pairs: list[tuple[str, str, int, int]] = []
    complete, i, n = True, 0, len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            return pairs, complete
        k0 = i
        while i < n and text[i] != "=" and not text[i].isspace():
            i += 1
        key = text[k0:i]
        while i < n and text[i].isspace():
            i += 1
        if i < n and text[i] == "=" and key:
            i += 1
            while i < n and text[i].isspace():
                i += 1
        else:
            complete = False
        buf: list[str] = []
        if i < n and text[i] == "'":
            i += 1
            v0 = i
            while i < n and text[i] != "'":
                if text[i] == "\\" and i + 1 < n:
                    i += 1
                buf.append(text[i])
                i += 1
            v1 = i
            if i < n:
                i += 1  # the closing quote
            else:
                complete = False
        else:
            v0 = i
            while i < n and not text[i].isspace():
                if text[i] == "\\" and i + 1 < n:
                    i += 1
                buf.append(text[i])
                i += 1
            v1 = i
        pairs.append((key, "".join(buf), v0, v1))


def _secret_key(key: str, refused: bool) -> bool:
    """Whether the value of ``key`` is to be hidden: libpq's secret keys, keys that look like a password
    key (``passwd``, ``pasword``, ``pwd``, ``secret``), and in a string libpq refuses (``refused``),
    every key libpq does not know."""
    k = key.lower()
    if k in _SECRET_KEYS:
        return True
    if k in KEYWORDS:
        return False
    letters = re.sub(r"[^a-z]", "", k)
    if any(w in letters for w in ("pass", "pwd", "pw", "secret", "token")):
        return True
    if difflib.SequenceMatcher(None, letters, "password").ratio() >= 0.6:
        return True
    return refused


def _known_key(key: str) -> bool:
    """A libpq keyword, one misspelt (``dbnmae``, ``connect_timout``), or a password-like key."""
    k = key.lower()
    return k in KEYWORDS or _secret_key(k, False) or bool(difflib.get_close_matches(k, KEYWORDS, 1, 0.8))


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
    if params is not None:
        return bool({"host", "hostaddr", "dbname", "user", "service"} & set(params))
    # libpq refuses it (a misspelt key, a quote left open): still a connection string when its keys
    # are libpq's, misspelt or not, so that it is never echoed as a file name with its password
    pairs, _ = _kv_pairs(text)
    return bool(pairs) and any(_known_key(k) for k, *_ in pairs) and all(k for k, *_ in pairs)


def _split_url(url: str) -> tuple[str, str, str]:
    """(scheme, user part, rest) of a URL.

    The user part ends at the last ``@`` that is followed by a host part (``host[:port][,…]``, then
    ``/``, ``?`` or the end). Beyond the first ``/`` (or ``?``) an ``@`` only counts when the user part
    has a password (``:``) and holds no query (``?key=``); otherwise libpq's own reading stands: up to
    the first ``@`` before any ``/``.
    """
    scheme, _, rest = url.partition("://")
    first_sep = min([i for i in (rest.find("/"), rest.find("?")) if i >= 0], default=len(rest))
    ats = [i for i, c in enumerate(rest) if c == "@"]
    for at in reversed(ats):
        userinfo, after = rest[:at], rest[at + 1:]
        host = re.split(r"[/?]", after, maxsplit=1)[0]
        if not _HOST_PART.fullmatch(host):
            continue
        if at < first_sep and "@" not in userinfo.partition(":")[0]:
            return scheme.lower(), userinfo, after
        user, colon, _ = userinfo.partition(":")
        query_keys = {k.lower() for k in _QUERY_KEY.findall(userinfo)}
        if colon and not re.search(r"[/?]", user) and not (query_keys & KEYWORDS):
            return scheme.lower(), userinfo, after
    slash = rest.find("/")
    if ats and (slash < 0 or ats[0] < slash):  # libpq's reading: the first '@' before any '/'
        return scheme.lower(), rest[:ats[0]], rest[ats[0] + 1:]
    return scheme.lower(), "", rest


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
        for k, v in parse_qsl(query, keep_blank_values=True):
            if _secret_key(k, False):
                found |= {v, quote(v, safe="")}
        for raw in re.findall(r"(?:^|&)([^=&]*)=([^&]*)", query):
            if _secret_key(raw[0], False):
                found.add(raw[1])
        params = _dict(normalize(conninfo))
    else:
        params = _dict(conninfo)
        pairs, _ = _kv_pairs(conninfo)
        for key, value, start, end in pairs:
            if _secret_key(key, False):  # an unknown key's value is masked by display() only
                found |= {value, conninfo[start:end]}
    for key, value in (params or {}).items():
        if key in _SECRET_KEYS and value:
            pw = str(value)
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
            pairs = [(k, MASK if _secret_key(k, False) else v) for k, v in parse_qsl(query, keep_blank_values=True)]
            base += "?" + urlencode(pairs, safe="*/:")
        return redact(f"{scheme}://{shown_user + '@' if userinfo else ''}{base}")
    refused = _dict(conninfo) is None
    shown, last = [], 0
    for key, _, start, end in _kv_pairs(conninfo)[0]:
        if _secret_key(key, refused):
            shown += [conninfo[last:start], MASK]
            last = end
    return redact("".join(shown) + conninfo[last:])


def _replace(text: str, secrets: set[str]) -> str:
    for s in sorted(secrets, key=len, reverse=True):
        text = text.replace(s, MASK)
    return text


def redact(text: str) -> str:
    """``text`` with every registered password (of 4 characters or more) replaced by ``***``."""
    if not _secrets or not isinstance(text, str):
        return text
    return _replace(text, {s for s in _secrets if len(s) >= _MIN_LEN})


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
    with filtered_streams(redact):
        yield
