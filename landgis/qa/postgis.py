"""Parcels from PostGIS, and QA findings back to it.

:func:`read_parcels` reads a table or a ``SELECT`` from a PostgreSQL/PostGIS database into a
GeoDataFrame in the geometry's own SRID (CGCS2000, Gauss-Krüger, any), in chunks through a
server-side cursor, as named steps (:func:`describe` → :func:`select` → :func:`fetch` →
:func:`checked_srid` → :func:`typed`) that :mod:`landgis.qa.postgis_chunks` reuses to read a table
in chunks on dask workers. :func:`write_findings` writes the parcels of a QA result with their findings to a
PostGIS table, with a geometry column in the source SRID and a GiST index, in one transaction.

Connection details come from the URL, the ``PG*`` environment variables and ``~/.pgpass`` — libpq
resolves them. Passwords never appear in messages: URLs are shown with ``***`` instead. Identifiers
are quoted with :class:`psycopg.sql.Identifier`, values travel as parameters or through ``COPY``.

Needs ``psycopg`` (``pip install 'landgis[postgis]'``).
"""

from __future__ import annotations

import datetime as _dt
import decimal
import difflib
import json
import math
import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from landgis.extras import require
from landgis.errors import InputError
from landgis.secrets import KEYWORDS, display, normalize, redact
from landgis.sqlguard import check_relations, check_select

# psycopg (the postgis extra) is imported inside functions: landgis works without it until a URL is given.

if TYPE_CHECKING:  # pragma: no cover
    import psycopg

__all__ = ["read_parcels", "write_findings", "redact_url", "is_postgres_url"]

_SCHEMES = ("postgresql://", "postgres://")
_PG_MAX_IDENT = 63  # bytes; PostgreSQL truncates longer identifiers
STATEMENT_TIMEOUT = 300.0  # seconds a reading statement may run (--statement-timeout); 0: no limit
_CANCELED = "57014"  # SQLSTATE query_canceled: the statement timeout ended the query


def is_postgres_url(text: object) -> bool:
    """Whether ``text`` is a ``postgresql://`` or ``postgres://`` URL."""
    return isinstance(text, str) and text.lower().startswith(_SCHEMES)


def redact_url(url: str) -> str:
    """``url`` with its password replaced by ``***`` (libpq URLs and ``key=value`` strings).

    The password is found by parsing (:func:`landgis.secrets.display`) and remembered, so that
    :func:`landgis.secrets.redact` removes it from every later message too.
    """

    return display(url)


def _secrets(url: str) -> list[str]:
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


def _one_line(exc: BaseException, url: str) -> str:
    """The server's or libpq's message as one line, with any password scrubbed."""
    diag = getattr(exc, "diag", None)
    text = (getattr(diag, "message_primary", None) or str(exc)) if diag is not None else str(exc)
    text = text or exc.__class__.__name__
    text = re.sub(r"^connection failed:\s*", "", text.strip())
    text = re.sub(r"\b(FATAL|ERROR):\s+", "", text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    text = " ".join(l if l[-1] in ".;:?!" or i == len(lines) - 1 else l + ";" for i, l in enumerate(lines))
    for secret in _secrets(url):
        text = text.replace(secret, "***")

    return redact(text)


def _psycopg():
    return require("psycopg", "postgis")


def _timeout_ms(seconds: float | None) -> int:
    """``seconds`` as the milliseconds of ``statement_timeout`` (0: no limit); refused if negative."""
    if seconds is None:
        return 0
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or not math.isfinite(seconds) \
            or seconds < 0:
        raise InputError(f"statement timeout must be a number of seconds >= 0, got {seconds!r}")
    return max(1, round(seconds * 1000)) if seconds else 0


def _connect(url: str, *, read_only: bool = False, statement_timeout: float | None = None
             ) -> "psycopg.Connection":
    """A connection for ``url`` (libpq adds PG* variables and ~/.pgpass); clear one-line errors.

    ``read_only`` also sets the session's ``default_transaction_read_only``, so that not even a
    ``COMMIT`` smuggled into a query could start a transaction that writes. ``statement_timeout``
    (seconds, 0 or None: none) is set for the session: the server cancels a statement that runs longer.
    """
    psycopg = _psycopg()
    from psycopg.conninfo import conninfo_to_dict

    shown = redact_url(url)
    url = normalize(url)
    try:
        params = conninfo_to_dict(url)
    except psycopg.Error as exc:
        reason = _one_line(exc, url)
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
        options += f" -c statement_timeout={_timeout_ms(statement_timeout)}"
    if options.strip():
        kwargs["options"] = options.strip()
    try:
        conn = psycopg.connect(url, **kwargs)
    except psycopg.Error as exc:
        reason = _one_line(exc, url)
        hint = ""
        if "password" in reason.lower() and "authentication" in reason.lower():
            hint = " (check the password in the URL, PGPASSWORD or ~/.pgpass)"
        raise InputError(f"cannot connect to {shown}: {reason}{hint}") from None
    from psycopg.types.numeric import FloatLoader

    # numeric → float, as a file reader gives it; Decimal objects would not do arithmetic with floats
    conn.adapters.register_loader("numeric", FloatLoader)
    return conn


# --- table names ------------------------------------------------------------------------------
def _split_table(name: str) -> tuple[str | None, str]:
    """``SCHEMA.TABLE`` or ``TABLE`` → (schema or None, table).

    Parts may be double-quoted (``"my.schema"."a""b"``) to hold dots or quotes; an unquoted name is
    split at its first dot only. Nothing here ever becomes SQL text: the parts are quoted later.
    """
    if not isinstance(name, str) or not name.strip():
        raise InputError(f"expected a table name SCHEMA.TABLE, got {name!r}")
    parts: list[str] = []
    i, n = 0, len(name)
    while i <= n:
        if i < n and name[i] == '"':
            buf, j = [], i + 1
            while True:
                k = name.find('"', j)
                if k < 0:
                    raise InputError(f"unterminated quote in table name {name!r}")
                buf.append(name[j:k])
                if name.startswith('""', k):
                    buf.append('"')
                    j = k + 2
                    continue
                j = k + 1
                break
            parts.append("".join(buf))
            if j == n:
                break
            if name[j] != ".":
                raise InputError(f"expected '.' after the quoted part of table name {name!r}")
            i = j + 1
        else:
            k = name.find(".", i) if not parts else -1
            if k < 0:
                parts.append(name[i:])
                break
            parts.append(name[i:k])
            i = k + 1
    if len(parts) > 2 or any(p == "" for p in parts):
        raise InputError(f"expected a table name SCHEMA.TABLE, got {name!r}")
    return (None, parts[0]) if len(parts) == 1 else (parts[0], parts[1])


def _show(schema: str | None, table: str) -> str:
    """A table name for messages (quoted only where needed)."""
    def q(s: str) -> str:
        return s if re.fullmatch(r"[a-z_][a-z0-9_]*", s) else '"' + s.replace('"', '""') + '"'
    return f"{q(schema)}.{q(table)}" if schema else q(table)


def _regclass(conn, schema: str | None, table: str) -> tuple[str, str] | None:
    """(schema, table) of an existing relation, or None. Without schema, the search_path decides."""
    from psycopg import sql

    ident = sql.Identifier(schema, table) if schema else sql.Identifier(table)
    row = conn.execute(
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.oid = to_regclass(%s)",
        (ident.as_string(conn),),
    ).fetchone()
    return (row[0], row[1]) if row else None


def _geometry_tables(conn) -> list[str]:
    try:
        rows = conn.execute(
            "SELECT f_table_schema, f_table_name FROM geometry_columns "
            "ORDER BY 1, 2 LIMIT 21").fetchall()
    except Exception:
        return []
    return [_show(s, t) for s, t in rows]


def _find_table(conn, layer: str | None, url: str) -> tuple[str, str]:
    """The (schema, table) that ``layer`` names; the only geometry table when ``layer`` is None."""
    shown = redact_url(url)
    if layer is None:
        tables = _geometry_tables(conn)
        if len(tables) == 1:
            return _split_table(tables[0])  # type: ignore[return-value]
        listing = ", ".join(tables[:20]) or "none"
        raise InputError(f"{shown}: say which table to read with --layer SCHEMA.TABLE "
                         f"(or --sql); tables with geometry: {listing}")
    schema, table = _split_table(layer)
    found = _regclass(conn, schema, table)
    if found is None and (table != table.lower() or (schema and schema != schema.lower())):
        # the user may have typed an unquoted name PostgreSQL folded to lower case
        found = _regclass(conn, schema.lower() if schema else None, table.lower())
    if found is None:
        tables = _geometry_tables(conn)
        listing = ", ".join(tables[:20]) or "none"
        raise InputError(f"{shown}: no table {_show(schema, table)} in the database "
                         f"(tables with geometry: {listing})")
    return found


# --- reading ----------------------------------------------------------------------------------
def _crs_of_srid(conn, srid: int):
    """A pyproj CRS for a PostGIS SRID (EPSG codes directly; other authorities via their WKT)."""

    if not srid:
        return None
    row = conn.execute("SELECT auth_name, auth_srid, srtext FROM spatial_ref_sys WHERE srid = %s",
                       (srid,)).fetchone()
    try:
        if row and (row[0] or "").upper() == "EPSG" and row[1]:
            return CRS.from_epsg(int(row[1]))
        if row and row[2]:
            return CRS.from_wkt(row[2])
        return CRS.from_epsg(srid)
    except Exception as exc:
        raise InputError(f"SRID {srid} is not a coordinate system landgis knows: {exc}") from None


@dataclass
class Relation:
    """What is read: the table or query, its columns and their kinds, the geometry column, SRID and key.

    Made on the client by :func:`describe` (catalog queries only); the chunked reader
    (:mod:`landgis.qa.postgis_chunks`) sends the SQL it builds from it to the workers as text.
    """

    source: Any  # psycopg.sql.Composable: the table, or the checked query as a subquery
    what: str  # for messages: "table s.t" or "the --sql query"
    schema: str | None
    table: str | None
    names: list[str]
    kinds: list[str]  # per column: int, float, bool, text, date, timestamp, geometry, other (read as text)
    gname: str  # the geometry column used
    srid: int  # declared by the column's type modifier (geography: 4326), else 0
    key: list[str] = field(default_factory=list)  # primary key columns (a table's row order)
    key_types: list[str] = field(default_factory=list)  # their types as SQL (format_type)
    relkind: str | None = None  # pg_class.relkind of a table: r, p, v, m, f

    @property
    def srid_alias(self) -> str:
        alias = "landgis_srid"
        while alias in self.names:
            alias += "_"
        return alias

    @property
    def out_geom(self) -> str:
        """The geometry column's name in the GeoDataFrame (``geometry`` unless another column has it)."""
        return "geometry" if self.gname == "geometry" or "geometry" not in self.names else self.gname

    def label(self) -> str:
        return _show(self.schema, self.table) if self.table else "(--sql)"


def _kind(typname: str, category: str) -> str:
    """How a PostgreSQL type is read: a number, boolean, text, date, timestamp, or ``other`` (as text)."""
    if typname in ("geometry", "geography"):
        return "geometry"
    if typname in ("int2", "int4", "int8", "oid"):
        return "int"
    if category == "N" and typname != "money":
        return "float"  # float4, float8, numeric (loaded as float)
    if category == "B":
        return "bool"
    if category == "S":
        return "text"
    if typname in ("date", "timestamp"):
        return typname
    return "other"  # json, uuid, arrays, timestamptz, intervals …: their PostgreSQL text form


def describe(conn, url: str, layer: str | None, sql_stmt: str | None) -> Relation:
    """The relation to read (``layer``, the database's only geometry table, or the checked ``sql_stmt``).

    Raises
    ------
    InputError
        No such table, repeated column names, no geometry column.
    """
    from psycopg import sql as S

    shown = redact_url(url)
    if sql_stmt is not None:

        check_relations(conn, sql_stmt)  # views and policies it reads call only listed functions
        # the user's own, checked SQL; the line break ends a trailing -- comment
        source = S.SQL("({}\n) AS landgis_query").format(S.SQL(sql_stmt))
        what, schema, table = "the --sql query", None, None
    else:
        schema, table = _find_table(conn, layer, url)
        source = S.Identifier(schema, table)
        what = f"table {_show(schema, table)}"
    # prepare=True: the extended protocol, in which the server runs one statement only
    probe = conn.execute(S.SQL("SELECT * FROM {} LIMIT 0").format(source), prepare=True)
    names = [d.name for d in probe.description]
    types = [d.type_code for d in probe.description]
    fmods = [probe.pgresult.fmod(i) for i in range(len(names))]
    dup = sorted({c for c in names if names.count(c) > 1})
    if dup:
        raise InputError(f"{shown}: {what} has more than one column named "
                         f"{', '.join(dup)}; give them distinct names (AS …)")
    catalog = {oid: (name, cat) for oid, name, cat in conn.execute(
        "SELECT oid, typname, typcategory FROM pg_type WHERE oid = ANY(%s)", (list(set(types)),)).fetchall()}
    kinds = [_kind(*catalog.get(t, ("", "X"))) for t in types]
    geo_idx = [i for i, k in enumerate(kinds) if k == "geometry"]
    if not geo_idx:
        has_postgis = conn.execute("SELECT to_regtype('geometry') IS NOT NULL").fetchone()[0]
        hint = "" if has_postgis else " (the PostGIS extension is not installed in this database)"
        raise InputError(f"{shown}: {what} has no geometry column{hint}; columns: {', '.join(names)}")
    gi = geo_idx[0]
    srid = 4326 if catalog[types[gi]][0] == "geography" else 0
    if not srid and fmods[gi] > 0:
        srid = conn.execute("SELECT postgis_typmod_srid(%s)", (fmods[gi],)).fetchone()[0] or 0
    rel = Relation(source, what, schema, table, names, kinds, names[gi], int(srid))
    if table is not None:
        regclass = S.Identifier(schema, table).as_string(conn)
        rel.relkind = conn.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)",
                                   (regclass,)).fetchone()[0]
        key = conn.execute(
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_index i JOIN pg_attribute a "
            "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = to_regclass(%s) "
            "AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)", (regclass,)).fetchall()
        rel.key, rel.key_types = [k for k, _ in key], [t for _, t in key]
    return rel


def select(rel: Relation, where=None, order=None, limit: int | None = None):
    """``SELECT`` of every column (geometries as WKB, other types as text) and the geometry's SRID.

    Rows come in the order of the primary key when the table has one (as the GIS numbers them), else
    in ``order`` (e.g. ``ctid``) or as the server gives them.
    """
    from psycopg import sql as S

    cols = [S.SQL("ST_AsBinary({0}) AS {0}").format(S.Identifier(c)) if k == "geometry"
            else S.SQL("{0}::text AS {0}").format(S.Identifier(c)) if k == "other" else S.Identifier(c)
            for c, k in zip(rel.names, rel.kinds)]
    cols.append(S.SQL("ST_SRID({}) AS {}").format(S.Identifier(rel.gname), S.Identifier(rel.srid_alias)))
    query = S.SQL("SELECT {} FROM {}").format(S.SQL(", ").join(cols), rel.source)
    if where is not None:
        query += S.SQL(" WHERE ") + where
    if rel.key:
        query += S.SQL(" ORDER BY {}").format(S.SQL(", ").join(map(S.Identifier, rel.key)))
    elif order is not None:
        query += S.SQL(" ORDER BY ") + order
    if limit is not None:
        query += S.SQL(" LIMIT {}").format(S.Literal(int(limit)))
    return query


def fetch(cur, rel: Relation, size: int):
    """(frame of raw values, SRIDs seen) per ``size`` rows of an executed cursor; geometries decoded."""
    while True:
        rows = cur.fetchmany(int(size))
        if not rows:
            return
        frame = pd.DataFrame.from_records(rows, columns=[*rel.names, rel.srid_alias])
        for c, k in zip(rel.names, rel.kinds):
            if k == "geometry":
                frame[c] = _from_wkb(frame[c])
        srids = {int(s) for s in frame.pop(rel.srid_alias).dropna().unique()}
        yield frame, srids


def checked_srid(rel: Relation, srids: set[int], url: str) -> int:
    """The SRID of the rows: the declared one, or the one the rows share.

    Raises
    ------
    InputError
        Rows in another SRID than declared, or (undeclared) in several SRIDs.
    """
    shown = redact_url(url)
    if rel.srid and srids - {rel.srid}:
        raise InputError(f"{shown}: geometry column {rel.gname!r} of {rel.what} is declared SRID "
                         f"{rel.srid} but holds SRID {sorted(srids - {rel.srid})}")
    if rel.srid:
        return rel.srid
    if len(srids) > 1:
        raise InputError(f"{shown}: geometry column {rel.gname!r} of {rel.what} mixes SRIDs "
                         f"{sorted(srids)}; select one with --sql and ST_Transform")
    return next(iter(srids)) if srids else 0


def typed(df: pd.DataFrame, rel: Relation, has_null: dict | None) -> pd.DataFrame:
    """Columns in dtypes decided by their PostgreSQL type and by whether the whole source has NULLs.

    The same for a whole table and for each of its chunks (``has_null`` then counted over the table),
    so that every chunk has the dtypes the whole table would have. ``has_null=None`` (not known yet)
    gives nullable dtypes (``Int64``, ``boolean``) that a later call turns into the final ones.
    """
    out = df.copy()
    for c, k in zip(rel.names, rel.kinds):
        if k == "geometry" and c == rel.gname:
            continue  # the geometry column: shapely objects already
        col, nulls = out[c], True if has_null is None else bool(has_null.get(c, True))
        if k == "int":
            out[c] = col.astype("Int64" if has_null is None else "float64" if nulls else "int64")
        elif k == "float":
            out[c] = col.astype("float64")
        elif k == "bool":
            out[c] = (col.astype("boolean") if has_null is None else col.astype(bool) if not nulls
                      else col.astype(object).where(col.notna(), None))
        elif k in ("text", "other"):
            out[c] = col.astype("str")
        elif k == "timestamp":
            out[c] = pd.to_datetime(col)
        elif k == "geometry":
            values = col.astype(object).where(col.notna(), None).to_numpy()
            out[c] = _from_wkb(pd.Series(values)) if any(isinstance(v, (bytes, bytearray)) for v in values) \
                else values
        else:  # dates: Python date objects, None for NULL
            out[c] = col.astype(object).where(col.notna(), None)
    return out


def to_geodataframe(df: pd.DataFrame, rel: Relation, crs) -> "gpd.GeoDataFrame":
    """The read rows as a GeoDataFrame, the geometry column named as :attr:`Relation.out_geom`."""

    if rel.out_geom != rel.gname:
        df = df.rename(columns={rel.gname: rel.out_geom})
    return gpd.GeoDataFrame(df, geometry=rel.out_geom, crs=crs)


def describe_source(gdf: "gpd.GeoDataFrame", rel: Relation, url: str, srid: int, crs, sql: str | None) -> None:
    """Set ``attrs["source"]`` and ``attrs["postgis"]`` (see :func:`read_parcels`)."""
    shown = redact_url(url)
    gdf.attrs["source"] = f"{shown} {rel.label()} (SRID {int(srid)})"
    gdf.attrs["postgis"] = {"url": shown, "layer": _show(rel.schema, rel.table) if rel.table else None,
                            "sql": sql, "geometry_column": rel.gname, "srid": int(srid),
                            "crs": crs.to_wkt() if crs is not None else None}


def failure(exc: BaseException, url: str, what: str, statement_timeout: float | None = None) -> InputError:
    """The one-line, redacted error for a failed read of ``what`` (naming the timeout that ended it)."""
    hint = ""
    if getattr(exc, "sqlstate", None) == _CANCELED and statement_timeout:
        hint = f" (--statement-timeout is {statement_timeout:g} s; give a slow query more)"
    return InputError(f"{redact_url(url)}: reading {what} failed: {_one_line(exc, url)}{hint}")


def check_request(layer: str | None, sql: str | None) -> str | None:
    """The checked ``--sql`` statement (None without one); refuses ``layer`` and ``sql`` together."""
    if layer is not None and sql is not None:
        raise InputError("give either a table (--layer) or a query (--sql), not both")
    if sql is None:
        return None

    return check_select(sql)  # one read-only SELECT, or refused before anything runs


def read_parcels(url: str, *, layer: str | None = None, sql: str | None = None,
                 chunksize: int = 50000, statement_timeout: float | None = STATEMENT_TIMEOUT
                 ) -> "gpd.GeoDataFrame":
    """Read parcels from a PostGIS table or query into this process.

    The steps: check the request → connect read-only → :func:`describe` the table or query →
    :func:`select` its rows (in key order) through a server-side cursor, :func:`fetch` by
    ``chunksize`` → :func:`checked_srid` → :func:`typed` columns → GeoDataFrame.
    ``qa(url, engine="dask")`` reads in chunks on the workers instead
    (:mod:`landgis.qa.postgis_chunks`), with the same steps.

    Parameters
    ----------
    url : str
        ``postgresql://USER@HOST:PORT/DB`` (a password in the URL, ``PGPASSWORD`` or ``~/.pgpass``).
    layer : str, optional
        ``SCHEMA.TABLE`` or ``TABLE`` (parts may be double-quoted). Default: the database's only
        table with a geometry column.
    sql : str, optional
        A ``SELECT`` whose result has a geometry column; it runs as a subquery in a read-only
        transaction. Exclusive with ``layer``.
    chunksize : int
        Rows fetched per round trip from the server-side cursor.
    statement_timeout : float, optional
        Seconds each statement may run before the server cancels it (default 300; 0 or None: no
        limit).

    Returns
    -------
    geopandas.GeoDataFrame
        Every row, its columns, and the first geometry column as ``geometry`` in the SRID of the data
        (rows with a NULL geometry keep ``None``). Integers are ``int64`` (``float64`` when the column
        has NULLs), other numbers ``float64``, text ``str``; types without a plain Python value
        (json, uuid, arrays, timestamptz …) come as their PostgreSQL text. A table with a primary key
        is read in key order, one without in physical (``ctid``) order. ``attrs["source"]`` is the
        redacted URL with the table (or ``(--sql)``) and ``(SRID n)``; ``attrs["postgis"]`` has
        ``url``, ``layer``, ``sql``, ``geometry_column``, ``srid`` and ``crs`` (WKT).

    Raises
    ------
    InputError
        Cannot connect (wrong password, unreachable host), no such table, no geometry column,
        mixed SRIDs, the query fails or runs past the statement timeout. One line, never with the
        password.

    Examples
    --------
    >>> parcels = read_parcels("postgresql://planner@db.example/landuse", layer="gis.parcels")  # doctest: +SKIP
    >>> parcels.attrs["source"]  # doctest: +SKIP
    'postgresql://planner@db.example/landuse gis.parcels (SRID 4490)'
    """
    psycopg = _psycopg()

    sql_stmt = check_request(layer, sql)
    if not isinstance(chunksize, (int, np.integer)) or chunksize < 1:
        raise InputError(f"chunksize must be a positive integer, got {chunksize!r}")
    what = "parcels"
    _timeout_ms(statement_timeout)  # a bad value is refused before connecting
    with _connect(url, read_only=True, statement_timeout=statement_timeout) as conn:
        conn.read_only = True
        try:
            rel = describe(conn, url, layer, sql_stmt)
            what = rel.what
            conn.execute("SET LOCAL synchronize_seqscans = off")  # a scan starts at the first block
            frames: list[pd.DataFrame] = []
            srids: set[int] = set()
            with conn.cursor(name="landgis_parcels") as cur:
                cur.itersize = int(chunksize)
                cur.execute(select(rel))  # key order, else physical order
                for frame, seen in fetch(cur, rel, chunksize):
                    frames.append(frame)
                    srids |= seen
            conn.rollback()  # read-only; end the transaction cleanly
            srid = checked_srid(rel, srids, url)
            crs = _crs_of_srid(conn, srid)
        except psycopg.Error as exc:
            raise failure(exc, url, what, statement_timeout) from None

    raw = pd.concat(frames, ignore_index=True) if frames else \
        pd.DataFrame({c: pd.Series(dtype=object) for c in rel.names})
    gdf = to_geodataframe(typed(raw, rel, {c: bool(raw[c].isna().any()) for c in rel.names}), rel, crs)
    describe_source(gdf, rel, url, srid, crs, sql)
    return gdf




def _from_wkb(values: pd.Series) -> np.ndarray:
    """WKB bytes (None for NULL) → shapely geometries (None kept)."""
    arr = np.array([bytes(v) if v is not None else None for v in values], dtype=object)
    return shapely.from_wkb(arr)


# --- writing ----------------------------------------------------------------------------------
def _pg_type(series: pd.Series) -> tuple[str, Any]:
    """(PostgreSQL type, value converter) for a column."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean", bool
    if pd.api.types.is_integer_dtype(dtype):
        return "bigint", int
    if pd.api.types.is_float_dtype(dtype):
        return "double precision", float
    if isinstance(dtype, pd.DatetimeTZDtype):
        return "timestamptz", lambda v: pd.Timestamp(v).to_pydatetime()
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "timestamp", lambda v: pd.Timestamp(v).to_pydatetime()
    if pd.api.types.is_timedelta64_dtype(dtype):
        return "interval", lambda v: pd.Timedelta(v).to_pytimedelta()
    values = [v for v in series if not _missing(v)]
    kinds = {type(v) for v in values}
    if values and all(issubclass(k, (bool, np.bool_)) for k in kinds):
        return "boolean", bool
    if values and all(issubclass(k, (int, np.integer)) and not issubclass(k, (bool, np.bool_))
                      for k in kinds):
        return "bigint", int
    if values and all(issubclass(k, (int, float, np.integer, np.floating)) for k in kinds):
        return "double precision", float
    if values and all(issubclass(k, decimal.Decimal) for k in kinds):
        return "numeric", lambda v: v
    if values and all(issubclass(k, _dt.datetime) for k in kinds):
        return "timestamp", lambda v: v
    if values and all(issubclass(k, _dt.date) for k in kinds):
        return "date", lambda v: v
    if values and all(issubclass(k, (bytes, bytearray, memoryview)) for k in kinds):
        return "bytea", bytes
    if values and all(isinstance(v, shapely.Geometry) for v in values):
        return "geometry", lambda v: shapely.to_wkb(v, hex=True, include_srid=True)
    return "text", _to_text


def _to_text(v: Any) -> str:
    if isinstance(v, (dict, list, tuple)):
        return json.dumps(v, ensure_ascii=False, default=str)
    return str(v)


def _missing(v: Any) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    if isinstance(v, (float, np.floating)) and math.isnan(v):
        return True
    return False


def _ident_bytes_ok(name: str, what: str) -> None:
    if len(name.encode("utf-8")) > _PG_MAX_IDENT:
        raise InputError(f"{what} {name!r} is longer than PostgreSQL's {_PG_MAX_IDENT} bytes")


def _index_name(table: str) -> str:
    suffix = "_geom_gist"
    name = table
    while len((name + suffix).encode("utf-8")) > _PG_MAX_IDENT:
        name = name[:-1]
    return name + suffix


def _source_srid(parcels: "gpd.GeoDataFrame", result: Any) -> int | None:
    """The SRID the parcels were read in from PostGIS, if :func:`read_parcels` read them.

    Looked up in ``attrs["postgis"]`` (kept when QA keeps the input's attrs), then in the QA
    summary: ``summary["crs"]``/``["source_crs"]``, or the ``(SRID n)`` that :func:`read_parcels`
    appends to ``attrs["source"]``, which QA reports as ``summary["source"]``.
    """

    for attrs in (getattr(parcels, "attrs", None), getattr(result, "attrs", None)):
        info = attrs.get("postgis") if isinstance(attrs, dict) else None
        if isinstance(info, dict) and info.get("srid"):
            return int(info["srid"])
    summary = getattr(result, "summary", None)
    if isinstance(summary, dict):
        for key in ("source_crs", "crs"):
            if summary.get(key):
                try:
                    return CRS.from_user_input(summary[key]).to_epsg()
                except Exception:
                    pass
        m = re.search(r"\(SRID (\d+)\)$", str(summary.get("source") or ""))
        if m and is_postgres_url(str(summary.get("source"))):
            return int(m.group(1)) or None
    return None


def _findings_messages(result: Any, parcels: "gpd.GeoDataFrame") -> pd.Series | None:
    """Per parcel, its findings' messages joined with '；' (from QAResult.findings), or None."""
    findings = getattr(result, "findings", None)
    if not isinstance(findings, pd.DataFrame) or "row" not in findings or "message" not in findings:
        return None
    if "qa_row" not in parcels:
        return None
    f = findings.dropna(subset=["row"])
    joined = f.groupby(f["row"].astype("int64"), sort=False)["message"].agg(
        lambda m: "；".join(str(x) for x in m))
    return parcels["qa_row"].map(joined)


def _geometry_column(conn, parcels: "gpd.GeoDataFrame", srid: int):
    """(column type, hex EWKB values) for the parcels' geometry in ``srid``, reprojected if needed."""
    from psycopg import sql as S

    geoms = parcels.geometry
    target = _crs_of_srid(conn, srid) if srid else None
    if target is not None and parcels.crs is not None and not CRS(parcels.crs).equals(target):
        geoms = geoms.to_crs(target)
    garr = np.asarray(geoms.array, dtype=object)
    present = ~shapely.is_missing(garr)
    gtypes = set(shapely.get_type_id(garr[present]).tolist())
    nonempty = present & ~shapely.is_empty(garr)
    zs = set(shapely.has_z(garr[nonempty]).tolist())
    gtype = _GEOM_TYPES[gtypes.pop()] if len(gtypes) == 1 else "Geometry"
    if zs == {True}:
        gtype += "Z"
    if len(zs) < 2:
        decl = S.SQL("geometry({}, {})").format(S.SQL(gtype), S.Literal(int(srid)))
    else:  # 2D and 3D mixed: no typmod could hold both
        decl = S.SQL("geometry")
    # binary WKB then bytes.hex(): several times faster than GEOS' own hex writer
    wkb = shapely.to_wkb(shapely.set_srid(garr, int(srid)), include_srid=True, output_dimension=3)
    hexes = [None if b is None else b.hex() for b in wkb.tolist()]
    return decl, hexes


_GEOM_TYPES = {0: "Point", 1: "LineString", 2: "LineString", 3: "Polygon", 4: "MultiPoint",
               5: "MultiLineString", 6: "MultiPolygon", 7: "GeometryCollection"}


def _column_values(series: pd.Series, conv) -> list:
    """The column as Python values for COPY, None for every kind of missing value."""
    missing = series.isna().to_numpy()
    values = series.astype(object).tolist()
    return [None if m else conv(v) for v, m in zip(values, missing)]


def refuse_existing(url: str, table: str, replace: bool) -> str:
    """The schema ``table`` goes into; an error if it exists and ``replace`` is False (before any work).

    Raises
    ------
    InputError
        The table exists and ``replace`` is False, no schema to write into, or the connection fails.
    """
    psycopg = _psycopg()
    schema, name = _split_table(table)
    shown = redact_url(url)
    try:
        with _connect(url) as conn:
            if schema is None:
                schema = conn.execute("SELECT current_schema()").fetchone()[0]
                if schema is None:
                    raise InputError(f"{shown}: no schema to write {table!r} into; give SCHEMA.TABLE")
            if _regclass(conn, schema, name) is not None and not replace:
                raise InputError(f"{shown}: table {_show(schema, name)} already exists; use --replace to replace it")
            conn.rollback()
    except psycopg.Error as exc:
        raise InputError(f"{shown}: writing table {_show(schema, name)} failed: {_one_line(exc, url)}") from None
    return schema


def write_findings(result: Any, url: str, table: str, *, replace: bool = False) -> int:
    """Write QA parcels with their findings to a PostGIS table, in one transaction.

    Parameters
    ----------
    result : landgis.qa.QAResult or geopandas.GeoDataFrame
        The QA result (its ``parcels``, plus a ``qa_messages`` column made from its ``findings``),
        or a GeoDataFrame to write as it is.
    url : str
        ``postgresql://…`` URL of the database.
    table : str
        ``SCHEMA.TABLE`` or ``TABLE`` (the first schema of the search_path).
    replace : bool
        Replace an existing table. Without it an existing table is an error.

    Returns
    -------
    int
        The number of rows written.

    Raises
    ------
    InputError
        The table exists and ``replace`` is False, a value or name cannot be stored, the
        connection fails. Nothing is left in the database then (an old table stays as it was).
    """

    psycopg = _psycopg()
    from psycopg import sql as S

    parcels = result if isinstance(result, gpd.GeoDataFrame) else getattr(result, "parcels", None)
    if not isinstance(parcels, gpd.GeoDataFrame):
        raise InputError("write_findings expects a QA result (with .parcels) or a GeoDataFrame")
    schema, name = _split_table(table)
    _ident_bytes_ok(name, "table name")
    shown = redact_url(url)

    source_srid = _source_srid(parcels, result)
    if source_srid is None:
        srid = parcels.crs.to_epsg() if parcels.crs is not None else 0
        if srid is None:
            raise InputError(f"the parcels' CRS has no EPSG code PostGIS would know "
                             f"({parcels.crs.name}); reproject them first")
    else:
        srid = source_srid

    frame = pd.DataFrame(parcels.drop(columns=parcels.geometry.name))
    messages = _findings_messages(result, parcels)
    if messages is not None and "qa_messages" not in frame:
        frame["qa_messages"] = messages.to_numpy()
    frame.columns = [str(c) for c in frame.columns]
    for c in frame.columns:
        _ident_bytes_ok(c, "column name")
    if len(set(frame.columns)) != len(frame.columns):
        raise InputError(f"column names repeat: {sorted(c for c in frame.columns if list(frame.columns).count(c) > 1)}")
    gcol = next(c for c in ("geom", "qa_geom", "qa_geometry") if c not in frame.columns)
    pkcol = "fid" if "fid" not in frame.columns else None

    col_types, converters = [], []
    for c in frame.columns:
        pgtype, conv = _pg_type(frame[c])
        col_types.append(pgtype)
        converters.append(conv)
    columns = ([pkcol] if pkcol else []) + list(frame.columns) + [gcol]
    defs = ([S.SQL("{} bigint PRIMARY KEY").format(S.Identifier(pkcol))] if pkcol else [])
    defs += [S.SQL("{} {}").format(S.Identifier(c), S.SQL(t)) for c, t in zip(frame.columns, col_types)]

    n = len(frame)
    row_no = -1
    with _connect(url) as conn:
        try:
            with conn.transaction():
                if schema is None:
                    schema = conn.execute("SELECT current_schema()").fetchone()[0]
                    if schema is None:
                        raise InputError(f"{shown}: no schema to write {table!r} into; give SCHEMA.TABLE")
                target = S.Identifier(schema, name)
                gdecl, hexes = _geometry_column(conn, parcels, srid)
                if _regclass(conn, schema, name) is not None:
                    if not replace:
                        raise InputError(f"{shown}: table {_show(schema, name)} already exists; "
                                         f"use --replace to replace it")
                    conn.execute(S.SQL("DROP TABLE {}").format(target))
                all_defs = [*defs, S.SQL("{} {}").format(S.Identifier(gcol), gdecl)]
                conn.execute(S.SQL("CREATE TABLE {} ({})").format(target, S.SQL(", ").join(all_defs)))
                copy_sql = S.SQL("COPY {} ({}) FROM STDIN").format(
                    target, S.SQL(", ").join(map(S.Identifier, columns)))
                values = [_column_values(frame[c], conv) for c, conv in zip(frame.columns, converters)]
                if pkcol:
                    values.insert(0, range(1, n + 1))
                values.append(hexes)
                with conn.cursor() as cur, cur.copy(copy_sql) as copy:
                    for row_no, row in enumerate(zip(*values)):
                        copy.write_row(row)
                    row_no = -1
                conn.execute(S.SQL("CREATE INDEX {} ON {} USING GIST ({})").format(
                    S.Identifier(_index_name(name)), target, S.Identifier(gcol)))
                conn.execute(S.SQL("COMMENT ON TABLE {} IS {}").format(
                    target, S.Literal(f"landgis QA findings ({n} parcels)")))
                conn.execute(S.SQL("ANALYZE {}").format(target))
        except InputError:
            raise
        except psycopg.Error as exc:
            # the server names the COPY line it rejected; a client-side error happened at row_no
            m = re.search(r"COPY .*, line (\d+)", getattr(exc.diag, "context", None) or "")
            where = (f" at parcel row {m.group(1)}" if m else
                     f" at parcel row {row_no + 1}" if row_no >= 0 and exc.sqlstate is None else "")
            raise InputError(f"{shown}: writing table {_show(schema, name)} failed{where}, nothing "
                             f"was written: {_one_line(exc, url)}") from None
        except (ValueError, TypeError, UnicodeError) as exc:
            where = f" at parcel row {row_no + 1}" if row_no >= 0 else ""
            raise InputError(f"{shown}: writing table {_show(schema, name)} failed{where}, nothing "
                             f"was written: {exc}") from None
    return n
