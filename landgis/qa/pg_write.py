"""QA findings to PostGIS: :func:`write_findings` writes the parcels of a QA result with their findings to a
PostGIS table, with a geometry column in the source SRID and a GiST index, in one transaction
(values through ``COPY``).
"""

from __future__ import annotations

import datetime as _dt
import decimal
import json
import math
import re
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from landgis.catalog import Message, message, word
from landgis.errors import InputError
from landgis.qa.pg_connect import PG_MAX_IDENT, connect, is_postgres_url, psycopg_module, reason, redact_url
from landgis.qa.pg_relation import crs_of_srid, regclass, show_table, split_table

# psycopg (the postgis extra) is imported inside functions: landgis works without it until a URL is given.


__all__ = [
    "pg_type", "to_text", "is_missing", "check_ident_bytes", "index_name", "findings_messages",
    "geometry_column", "GEOM_TYPES", "column_values", "refuse_existing", "write_findings",
]


# --- writing ----------------------------------------------------------------------------------
def pg_type(series: pd.Series) -> tuple[str, Any]:
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
    values = [v for v in series if not is_missing(v)]
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
    return "text", to_text


def to_text(v: Any) -> str:
    if isinstance(v, (dict, list, tuple)):
        return json.dumps(v, ensure_ascii=False, default=str)
    return str(v)


def is_missing(v: Any) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    if isinstance(v, (float, np.floating)) and math.isnan(v):
        return True
    return False


def check_ident_bytes(name: str, what: Message) -> None:
    """Refuse a name longer than PostgreSQL keeps (``what``: the kind of name, such as ``word("pg.table_name")``)."""
    if len(name.encode("utf-8")) > PG_MAX_IDENT:
        raise InputError(message("{what} {name!r} is longer than PostgreSQL's {limit} bytes", what=what, name=name,
                                 limit=PG_MAX_IDENT))


def index_name(table: str) -> str:
    suffix = "_geom_gist"
    name = table
    while len((name + suffix).encode("utf-8")) > PG_MAX_IDENT:
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


def findings_messages(result: Any, parcels: "gpd.GeoDataFrame") -> pd.Series | None:
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


def geometry_column(conn, parcels: "gpd.GeoDataFrame", srid: int):
    """(column type, hex EWKB values) for the parcels' geometry in ``srid``, reprojected if needed."""
    from psycopg import sql as S

    geoms = parcels.geometry
    target = crs_of_srid(conn, srid) if srid else None
    if target is not None and parcels.crs is not None and not CRS(parcels.crs).equals(target):
        geoms = geoms.to_crs(target)
    garr = np.asarray(geoms.array, dtype=object)
    present = ~shapely.is_missing(garr)
    gtypes = set(shapely.get_type_id(garr[present]).tolist())
    nonempty = present & ~shapely.is_empty(garr)
    zs = set(shapely.has_z(garr[nonempty]).tolist())
    gtype = GEOM_TYPES[gtypes.pop()] if len(gtypes) == 1 else "Geometry"
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


GEOM_TYPES = {0: "Point", 1: "LineString", 2: "LineString", 3: "Polygon", 4: "MultiPoint",
               5: "MultiLineString", 6: "MultiPolygon", 7: "GeometryCollection"}


def column_values(series: pd.Series, conv) -> list:
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
    psycopg = psycopg_module()
    schema, name = split_table(table)
    shown = redact_url(url)
    try:
        with connect(url) as conn:
            if schema is None:
                schema = conn.execute("SELECT current_schema()").fetchone()[0]
                if schema is None:
                    raise InputError(message("{shown}: no schema to write {table!r} into; give SCHEMA.TABLE",
                                             shown=shown, table=table))
            if regclass(conn, schema, name) is not None and not replace:
                raise InputError(message("{shown}: table {table} already exists; use --replace to replace it",
                                         shown=shown, table=show_table(schema, name)))
            conn.rollback()
    except psycopg.Error as exc:
        raise InputError(message("{shown}: writing table {table} failed: {reason}", shown=shown,
                                 table=show_table(schema, name), reason=reason(exc, url))) from None
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

    psycopg = psycopg_module()
    from psycopg import sql as S

    parcels = result if isinstance(result, gpd.GeoDataFrame) else getattr(result, "parcels", None)
    if not isinstance(parcels, gpd.GeoDataFrame):
        raise InputError(message("write_findings expects a QA result (with .parcels) or a GeoDataFrame"))
    schema, name = split_table(table)
    check_ident_bytes(name, word("pg.table_name"))
    shown = redact_url(url)

    source_srid = _source_srid(parcels, result)
    if source_srid is None:
        srid = parcels.crs.to_epsg() if parcels.crs is not None else 0
        if srid is None:
            raise InputError(message("the parcels' CRS has no EPSG code PostGIS would know ({crs_name}); reproject "
                                     "them first", crs_name=parcels.crs.name))
    else:
        srid = source_srid

    frame = pd.DataFrame(parcels.drop(columns=parcels.geometry.name))
    messages = findings_messages(result, parcels)
    if messages is not None and "qa_messages" not in frame:
        frame["qa_messages"] = messages.to_numpy()
    frame.columns = [str(c) for c in frame.columns]
    for c in frame.columns:
        check_ident_bytes(c, word("pg.column_name"))
    if len(set(frame.columns)) != len(frame.columns):
        raise InputError(message("column names repeat: {names}",
                                 names=sorted(c for c in frame.columns if list(frame.columns).count(c) > 1)))
    gcol = next(c for c in ("geom", "qa_geom", "qa_geometry") if c not in frame.columns)
    pkcol = "fid" if "fid" not in frame.columns else None

    col_types, converters = [], []
    for c in frame.columns:
        pgtype, conv = pg_type(frame[c])
        col_types.append(pgtype)
        converters.append(conv)
    columns = ([pkcol] if pkcol else []) + list(frame.columns) + [gcol]
    defs = ([S.SQL("{} bigint PRIMARY KEY").format(S.Identifier(pkcol))] if pkcol else [])
    defs += [S.SQL("{} {}").format(S.Identifier(c), S.SQL(t)) for c, t in zip(frame.columns, col_types)]

    n = len(frame)
    row_no = -1
    with connect(url) as conn:
        try:
            with conn.transaction():
                if schema is None:
                    schema = conn.execute("SELECT current_schema()").fetchone()[0]
                    if schema is None:
                        raise InputError(message("{shown}: no schema to write {table!r} into; give SCHEMA.TABLE",
                                                 shown=shown, table=table))
                target = S.Identifier(schema, name)
                gdecl, hexes = geometry_column(conn, parcels, srid)
                if regclass(conn, schema, name) is not None:
                    if not replace:
                        raise InputError(message("{shown}: table {table} already exists; use --replace to replace "
                                                 "it", shown=shown, table=show_table(schema, name)))
                    conn.execute(S.SQL("DROP TABLE {}").format(target))
                all_defs = [*defs, S.SQL("{} {}").format(S.Identifier(gcol), gdecl)]
                conn.execute(S.SQL("CREATE TABLE {} ({})").format(target, S.SQL(", ").join(all_defs)))
                copy_sql = S.SQL("COPY {} ({}) FROM STDIN").format(
                    target, S.SQL(", ").join(map(S.Identifier, columns)))
                values = [column_values(frame[c], conv) for c, conv in zip(frame.columns, converters)]
                if pkcol:
                    values.insert(0, range(1, n + 1))
                values.append(hexes)
                with conn.cursor() as cur, cur.copy(copy_sql) as copy:
                    for row_no, row in enumerate(zip(*values)):
                        copy.write_row(row)
                    row_no = -1
                conn.execute(S.SQL("CREATE INDEX {} ON {} USING GIST ({})").format(
                    S.Identifier(index_name(name)), target, S.Identifier(gcol)))
                conn.execute(S.SQL("COMMENT ON TABLE {} IS {}").format(
                    target, S.Literal(f"landgis QA findings ({n} parcels)")))
                conn.execute(S.SQL("ANALYZE {}").format(target))
        except InputError:
            raise
        except psycopg.Error as exc:
            # the server names the COPY line it rejected; a client-side error happened at row_no
            m = re.search(r"COPY .*, line (\d+)", getattr(exc.diag, "context", None) or "")
            where = (message(" at parcel row {row}", row=m.group(1)) if m else
                     message(" at parcel row {row}", row=row_no + 1) if row_no >= 0 and exc.sqlstate is None else "")
            raise InputError(message("{shown}: writing table {table} failed{where}, nothing was written: {reason}",
                                     shown=shown, table=show_table(schema, name), where=where,
                                     reason=reason(exc, url))) from None
        except (ValueError, TypeError, UnicodeError) as exc:
            where = message(" at parcel row {row}", row=row_no + 1) if row_no >= 0 else ""
            raise InputError(message("{shown}: writing table {table} failed{where}, nothing was written: {reason}",
                                     shown=shown, table=show_table(schema, name), where=where,
                                     reason=word("pg.reason.value", reason=str(exc)))) from None
    return n
