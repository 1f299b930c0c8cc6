"""Parcels from PostGIS.

:func:`read_parcels` reads a table or a ``SELECT`` from a PostgreSQL/PostGIS database into a
GeoDataFrame in the geometry's own SRID (CGCS2000, Gauss-Krüger, any), in chunks through a
server-side cursor, as named steps (:func:`~landgis.qa.pg_relation.describe` → :func:`select` → :func:`fetch` →
:func:`checked_srid` → :func:`typed`) that :mod:`landgis.qa.postgis_chunks` reuses to read a table
in chunks on dask workers. Values travel as parameters.
"""

from __future__ import annotations


import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landgis.catalog import message, word
from landgis.errors import InputError
from landgis.qa.pg_connect import STATEMENT_TIMEOUT, connect, failure, psycopg_module, redact_url, timeout_ms
from landgis.qa.pg_relation import Relation, crs_of_srid, describe, show_table
from landgis.sqlguard import check_select

# psycopg (the postgis extra) is imported inside functions: landgis works without it until a URL is given.


__all__ = [
    "select", "fetch", "checked_srid", "typed", "to_geodataframe", "describe_source", "check_request",
    "read_parcels", "from_wkb",
]


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
                frame[c] = from_wkb(frame[c])
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
        raise InputError(message("{shown}: geometry column {gname!r} of {what} is declared SRID {srid} but holds "
                                 "SRID {held}", shown=shown, gname=rel.gname, what=rel.what, srid=rel.srid,
                                 held=sorted(srids - {rel.srid})))
    if rel.srid:
        return rel.srid
    if len(srids) > 1:
        raise InputError(message("{shown}: geometry column {gname!r} of {what} mixes SRIDs {srids}; select one "
                                 "with --sql and ST_Transform", shown=shown, gname=rel.gname, what=rel.what,
                                 srids=sorted(srids)))
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
            out[c] = from_wkb(pd.Series(values)) if any(isinstance(v, (bytes, bytearray)) for v in values) \
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
    gdf.attrs["postgis"] = {"url": shown, "layer": show_table(rel.schema, rel.table) if rel.table else None,
                            "sql": sql, "geometry_column": rel.gname, "srid": int(srid),
                            "crs": crs.to_wkt() if crs is not None else None}


def check_request(layer: str | None, sql: str | None) -> str | None:
    """The checked ``--sql`` statement (None without one); refuses ``layer`` and ``sql`` together."""
    if layer is not None and sql is not None:
        raise InputError(message("give either a table (--layer) or a query (--sql), not both"))
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
    psycopg = psycopg_module()

    sql_stmt = check_request(layer, sql)
    if not isinstance(chunksize, (int, np.integer)) or chunksize < 1:
        raise InputError(message("chunksize must be a positive integer, got {chunksize!r}", chunksize=chunksize))
    what = word("pg.parcels")
    timeout_ms(statement_timeout)  # a bad value is refused before connecting
    with connect(url, read_only=True, statement_timeout=statement_timeout) as conn:
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
            crs = crs_of_srid(conn, srid)
        except psycopg.Error as exc:
            raise failure(exc, url, what, statement_timeout) from None

    raw = pd.concat(frames, ignore_index=True) if frames else \
        pd.DataFrame({c: pd.Series(dtype=object) for c in rel.names})
    gdf = to_geodataframe(typed(raw, rel, {c: bool(raw[c].isna().any()) for c in rel.names}), rel, crs)
    describe_source(gdf, rel, url, srid, crs, sql)
    return gdf




def from_wkb(values: pd.Series) -> np.ndarray:
    """WKB bytes (None for NULL) → shapely geometries (None kept)."""
    arr = np.array([bytes(v) if v is not None else None for v in values], dtype=object)
    return shapely.from_wkb(arr)
