"""A PostGIS relation: table names (quoted, length-checked), the geometry tables of a database, and
:func:`describe` (columns, geometry column, SRID, key) of a table or a checked ``SELECT``.

Identifiers are quoted with :class:`psycopg.sql.Identifier`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pyproj import CRS

from landgis.catalog import Message, message, word
from landgis.errors import InputError
from landgis.qa.pg_connect import redact_url
from landgis.sqlguard import check_relations

# psycopg (the postgis extra) is imported inside functions: landgis works without it until a URL is given.


__all__ = [
    "split_table", "show_table", "regclass", "geometry_tables", "find_table", "crs_of_srid", "Relation",
    "column_kind", "describe",
]


# --- table names ------------------------------------------------------------------------------
def split_table(name: str) -> tuple[str | None, str]:
    """``SCHEMA.TABLE`` or ``TABLE`` → (schema or None, table).

    Parts may be double-quoted (``"my.schema"."a""b"``) to hold dots or quotes; an unquoted name is
    split at its first dot only. Nothing here ever becomes SQL text: the parts are quoted later.
    """
    if not isinstance(name, str) or not name.strip():
        raise InputError(message("expected a table name SCHEMA.TABLE, got {name!r}", name=name))
    parts: list[str] = []
    i, n = 0, len(name)
    while i <= n:
        if i < n and name[i] == '"':
            buf, j = [], i + 1
            while True:
                k = name.find('"', j)
                if k < 0:
                    raise InputError(message("unterminated quote in table name {name!r}", name=name))
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
                raise InputError(message("expected '.' after the quoted part of table name {name!r}", name=name))
            i = j + 1
        else:
            k = name.find(".", i) if not parts else -1
            if k < 0:
                parts.append(name[i:])
                break
            parts.append(name[i:k])
            i = k + 1
    if len(parts) > 2 or any(p == "" for p in parts):
        raise InputError(message("expected a table name SCHEMA.TABLE, got {name!r}", name=name))
    return (None, parts[0]) if len(parts) == 1 else (parts[0], parts[1])


def show_table(schema: str | None, table: str) -> str:
    """A table name for messages (quoted only where needed)."""
    def q(s: str) -> str:
        return s if re.fullmatch(r"[a-z_][a-z0-9_]*", s) else '"' + s.replace('"', '""') + '"'
    return f"{q(schema)}.{q(table)}" if schema else q(table)


def regclass(conn, schema: str | None, table: str) -> tuple[str, str] | None:
    """(schema, table) of an existing relation, or None. Without schema, the search_path decides."""
    from psycopg import sql

    ident = sql.Identifier(schema, table) if schema else sql.Identifier(table)
    row = conn.execute(
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.oid = to_regclass(%s)",
        (ident.as_string(conn),),
    ).fetchone()
    return (row[0], row[1]) if row else None


def geometry_tables(conn) -> list[str]:
    try:
        rows = conn.execute(
            "SELECT f_table_schema, f_table_name FROM geometry_columns "
            "ORDER BY 1, 2 LIMIT 21").fetchall()
    except Exception:
        return []
    return [show_table(s, t) for s, t in rows]


def find_table(conn, layer: str | None, url: str) -> tuple[str, str]:
    """The (schema, table) that ``layer`` names; the only geometry table when ``layer`` is None."""
    shown = redact_url(url)
    if layer is None:
        tables = geometry_tables(conn)
        if len(tables) == 1:
            return split_table(tables[0])  # type: ignore[return-value]
        listing = ", ".join(tables[:20]) or word("pg.none")
        raise InputError(message("{shown}: say which table to read with --layer SCHEMA.TABLE (or --sql); tables "
                                 "with geometry: {listing}", shown=shown, listing=listing))
    schema, table = split_table(layer)
    found = regclass(conn, schema, table)
    if found is None and (table != table.lower() or (schema and schema != schema.lower())):
        # the user may have typed an unquoted name PostgreSQL folded to lower case
        found = regclass(conn, schema.lower() if schema else None, table.lower())
    if found is None:
        tables = geometry_tables(conn)
        listing = ", ".join(tables[:20]) or word("pg.none")
        raise InputError(message("{shown}: no table {table} in the database (tables with geometry: {listing})",
                                 shown=shown, table=show_table(schema, table), listing=listing))
    return found


# --- reading ----------------------------------------------------------------------------------
def crs_of_srid(conn, srid: int):
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
        raise InputError(message("SRID {srid} is not a coordinate system landgis knows: {exc}", srid=srid,
                                 exc=exc)) from None


@dataclass
class Relation:
    """What is read: the table or query, its columns and their kinds, the geometry column, SRID and key.

    Made on the client by :func:`describe` (catalog queries only); the chunked reader
    (:mod:`landgis.qa.postgis_chunks`) sends the SQL it builds from it to the workers as text.
    """

    source: Any  # psycopg.sql.Composable: the table, or the checked query as a subquery
    what: Message  # for messages: "table s.t" or "the --sql query", in either language
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
        return show_table(self.schema, self.table) if self.table else "(--sql)"


def column_kind(typname: str, category: str) -> str:
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
        what, schema, table = message("the --sql query"), None, None
    else:
        schema, table = find_table(conn, layer, url)
        source = S.Identifier(schema, table)
        what = message("table {name}", name=show_table(schema, table))
    # prepare=True: the extended protocol, in which the server runs one statement only
    probe = conn.execute(S.SQL("SELECT * FROM {} LIMIT 0").format(source), prepare=True)
    names = [d.name for d in probe.description]
    types = [d.type_code for d in probe.description]
    fmods = [probe.pgresult.fmod(i) for i in range(len(names))]
    dup = sorted({c for c in names if names.count(c) > 1})
    if dup:
        raise InputError(message("{shown}: {what} has more than one column named {names}; give them distinct "
                                 "names (AS …)", shown=shown, what=what, names=", ".join(dup)))
    catalog = {oid: (name, cat) for oid, name, cat in conn.execute(
        "SELECT oid, typname, typcategory FROM pg_type WHERE oid = ANY(%s)", (list(set(types)),)).fetchall()}
    kinds = [column_kind(*catalog.get(t, ("", "X"))) for t in types]
    geo_idx = [i for i, k in enumerate(kinds) if k == "geometry"]
    if not geo_idx:
        has_postgis = conn.execute("SELECT to_regtype('geometry') IS NOT NULL").fetchone()[0]
        if not has_postgis:
            raise InputError(message("{shown}: {what} has no geometry column (the PostGIS extension is not "
                                     "installed in this database); columns: {names}", shown=shown, what=what,
                                     names=", ".join(names)))
        raise InputError(message("{shown}: {what} has no geometry column; columns: {names}", shown=shown,
                                 what=what, names=", ".join(names)))
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
