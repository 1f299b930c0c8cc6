"""PostGIS parcels read by dask workers in chunks, all from one snapshot (``qa(url, engine="dask")``).

:func:`plan_chunks` is the one step on the client, with small queries only: it opens a
``REPEATABLE READ`` read-only transaction, exports its snapshot (``pg_export_snapshot()``), describes
the table (:func:`landgis.qa.pg_relation.describe`: columns, geometry column, SRID, key), counts the rows
and the NULLs per column, and cuts the table into chunks of about ``rows`` rows:

- a table with a primary key: key ranges starting at every ``rows``-th key in key order, so chunk *i*
  starts at input row ``i × rows``, as the local engine (which reads in key order) numbers it;
- a table without a key: ranges of ``ctid`` blocks, the row offsets from per-block counts (the local
  engine reads such a table in physical order);
- a ``--sql`` query, a view or a partitioned table without a key: rows cannot be addressed safely, so
  :meth:`ChunkPlan.stream` streams the query through a server-side cursor on the client, one chunk at a
  time (client memory bounded by one chunk), into a GeoParquet file that the workers read by row groups.

:func:`read_chunk` runs on a worker: its own connection, a transaction that imports the client's
snapshot (``SET TRANSACTION SNAPSHOT``, as ``pg_dump -j`` does), one key or ``ctid`` range. Every chunk
sees the table as it was when the plan was made, however long the run takes; the client keeps its
transaction open until the run is over (:class:`ChunkPlan` is a context manager). Its share lock also
makes a ``DROP``/``ALTER TABLE`` by someone else wait until the run is over, as with ``pg_dump``.

:func:`write_findings_partitions` writes a dask result back (``--write-back``): each worker copies (``COPY``)
its partitions into a staging table, and the client swaps it in whole.

The workers need the connection string, password included, to connect; it travels inside
:class:`ChunkSpec`, whose ``repr`` (what dask logs of a failed task) shows it redacted. Errors are one
line, redacted, as :func:`landgis.qa.pg_read.read_parcels` gives them.
"""

from __future__ import annotations

import dataclasses
import json
import re
import uuid
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from landgis.extras import lazy
from landgis.catalog import message, word
from landgis.errors import InputError
from landgis.qa.cluster import cluster, gather
from landgis.qa.pg_connect import STATEMENT_TIMEOUT, connect, failure, psycopg_module, reason, redact_url, timeout_ms
from landgis.qa.pg_relation import Relation, crs_of_srid, describe, regclass, show_table, split_table
from landgis.qa.pg_read import check_request, checked_srid, describe_source, fetch, select, to_geodataframe, typed
from landgis.qa.pg_write import (
    GEOM_TYPES, check_ident_bytes, column_values, findings_messages, geometry_column, index_name, pg_type,
    refuse_existing,
)
from landgis.qa.result import read_findings_parquet

# dask and psycopg (the dask and postgis extras) are imported inside functions: optional dependencies.

pa = lazy("pyarrow")  # the parquet extra: imported when Parquet is read or written
pq = lazy("pyarrow.parquet")

__all__ = ["plan_chunks", "read_chunk", "retype", "write_findings_partitions", "ChunkPlan", "ChunkSpec"]

SAMPLE_ROWS = 2000
FETCH_ROWS = 20_000  # rows per round trip within a chunk
_HAS_CTID = ("r", "m")  # plain tables and materialised views: ctid addresses their rows


class _Secret:
    """A connection string that shows itself redacted (in reprs, dask's logs and task listings)."""

    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        self.value = value

    def __repr__(self) -> str:
        return repr(redact_url(self.value))


class ChunkSpec:
    """What a worker needs to read one chunk (picklable; a plain class, so that dask does not unpack it).

    Attributes
    ----------
    rel : Relation
        Columns, kinds and geometry column (without the SQL source, which the queries already hold).
    chunks : list of (offset, count, query)
        The input row number of each chunk's first row, its row count, and its ``SELECT`` as text
        (bounds as quoted literals).
    snapshot : str
        The exported snapshot every chunk's transaction imports.
    has_null : dict
        Whether each column has NULLs in the whole table (so each chunk gets the table's dtypes).
    statement_timeout : float or None
        Seconds each statement of a worker's session may run (as on the client).
    """

    def __init__(self, url: str, rel: Relation, chunks: list, snapshot: str | None, has_null: dict | None,
                 crs: Any, statement_timeout: float | None = STATEMENT_TIMEOUT) -> None:
        self.url = _Secret(url)
        self.rel, self.chunks, self.snapshot, self.has_null, self.crs = rel, chunks, snapshot, has_null, crs
        self.statement_timeout = statement_timeout

    def __repr__(self) -> str:
        return f"ChunkSpec({self.url!r}, {self.rel.what!r}, {len(self.chunks)} chunks)"


class ChunkPlan:
    """The client's side: the open snapshot transaction, the chunks, a sample of rows.

    Attributes
    ----------
    spec : ChunkSpec
    n : int or None
        Rows in the table (None for a streamed query until :meth:`stream` ran).
    sample : geopandas.GeoDataFrame
        The first rows (columns, CRS, area unit), with ``attrs`` as :func:`read_parcels` sets them.
    source_text : str
        ``<redacted URL> <table or (--sql)> (SRID n)``, the QA summary's ``source``.
    streamed : bool
        Whether the rows are streamed by the client (``--sql``, views) rather than read in ranges.
    """

    def __init__(self, conn, url: str, rel: Relation, spec: ChunkSpec, n: int | None, sample, srid: int,
                 streamed: bool) -> None:
        self._conn, self._url, self._rel = conn, url, rel
        self.spec, self.n, self.sample, self.srid, self.streamed = spec, n, sample, srid, streamed
        self.source_text = sample.attrs["source"]

    def __enter__(self) -> "ChunkPlan":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """End the snapshot transaction and close the connection (after the workers are done)."""
        if self._conn is not None and not self._conn.closed:
            try:
                self._conn.rollback()
            finally:
                self._conn.close()
        self._conn = None

    def __getstate__(self):  # pragma: no cover - a guard: the plan stays on the client
        raise TypeError("a ChunkPlan holds the client's connection; send its .spec to workers")

    def stream(self, folder: Path, rows: int) -> Path:
        """Stream the rows on the client, ``rows`` at a time, into ``folder/parcels.parquet`` (GeoParquet).

        One row group per chunk, column types fixed by the PostgreSQL types, so memory stays bounded
        by one chunk. Afterwards :attr:`spec` knows which columns have NULLs and :func:`retype` gives
        every piece the dtypes the whole result would have.
        """

        psycopg = psycopg_module()
        rel, path = self._rel, Path(folder) / "parcels.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        schema = _arrow_schema(rel, self.spec.crs)
        has_null = {c: False for c in rel.names}
        srids: set[int] = set()
        try:
            with pq.ParquetWriter(path, schema) as writer, self._conn.cursor(name="landgis_stream") as cur:
                cur.itersize = int(rows)
                cur.execute(select(rel))
                for frame, seen in fetch(cur, rel, rows):
                    srids |= seen
                    for c in rel.names:
                        has_null[c] = has_null[c] or bool(frame[c].isna().any())
                    writer.write_table(_arrow_table(typed(frame, rel, None), rel, schema))
        except psycopg.Error as exc:
            raise failure(exc, self._url, rel.what, self.spec.statement_timeout) from None
        srid = checked_srid(rel, srids | ({self.srid} if self.srid else set()), self._url)
        if srid != self.srid:  # pragma: no cover - the sample's SRID is the first rows'
            raise InputError(message("{shown}: {what} changed its SRID while being read",
                                     shown=redact_url(self._url), what=rel.what))
        self.spec.has_null = has_null
        return path


def plan_chunks(url: str, *, layer: str | None = None, sql: str | None = None, rows: int = 200_000,
                sample_rows: int = SAMPLE_ROWS, statement_timeout: float | None = STATEMENT_TIMEOUT) -> ChunkPlan:
    """Plan a chunked read of a PostGIS table or query: snapshot, description, row count, chunk bounds.

    Parameters
    ----------
    url : str
        ``postgresql://…`` or a libpq ``key=value`` string.
    layer, sql : str, optional
        The table, or a checked ``SELECT`` (see :func:`landgis.qa.pg_read.read_parcels`).
    rows : int
        Rows per chunk (about: a ``ctid`` chunk ends at a block boundary).
    sample_rows : int
        Rows read on the client for the columns, CRS and area unit.
    statement_timeout : float, optional
        Seconds each statement may run, on the client and on every worker (default 300; 0 or None:
        no limit).

    Returns
    -------
    ChunkPlan
        Open: use it as a context manager, so that the snapshot lives until the workers are done.

    Raises
    ------
    InputError
        As :func:`landgis.qa.pg_read.read_parcels`: cannot connect (wrong password), no such table,
        no geometry column, mixed SRIDs. One line, never with the password.

    Examples
    --------
    >>> with plan_chunks("postgresql://planner@db/landuse", layer="gis.parcels", rows=100_000) as plan:  # doctest: +SKIP
    ...     pieces = [dask.delayed(read_chunk)(plan.spec, i) for i in range(len(plan.spec.chunks))]
    """
    psycopg = psycopg_module()
    sql_stmt = check_request(layer, sql)
    if not isinstance(rows, int) or rows < 1:
        raise InputError(message("rows per chunk must be a positive integer, got {rows!r}", rows=rows))
    timeout_ms(statement_timeout)  # a bad value is refused before connecting
    conn = connect(url, read_only=True, statement_timeout=statement_timeout)
    what = word("pg.parcels")
    try:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        # as pg_dump does: a server's idle-in-transaction timeout must not end the snapshot mid-run
        conn.execute("SET LOCAL idle_in_transaction_session_timeout = 0")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        rel = describe(conn, url, layer, sql_stmt)
        what = rel.what
        streamed = not rel.key and rel.relkind not in _HAS_CTID
        if streamed:
            n, has_null, chunks = None, None, []
            sample, srids = _sample(conn, rel, None, sample_rows)
            srid = checked_srid(rel, srids, url)
        else:
            n, has_null, srid = _census(conn, rel, url)
            chunks = (_key_chunks if rel.key else _ctid_chunks)(conn, rel, n, rows)
            sample, _ = _sample(conn, rel, has_null, sample_rows, chunks[0][2])
        crs = crs_of_srid(conn, srid)
    except psycopg.Error as exc:
        conn.close()
        raise failure(exc, url, what, statement_timeout) from None
    except BaseException:
        conn.close()
        raise
    sample = to_geodataframe(sample, rel, crs)
    describe_source(sample, rel, url, srid, crs, sql)
    spec = ChunkSpec(url, dataclasses.replace(rel, source=None), chunks, snapshot, has_null, crs, statement_timeout)
    return ChunkPlan(conn, url, rel, spec, n, sample, srid, streamed)


def _census(conn, rel: Relation, url: str) -> tuple[int, dict, int]:
    """(rows, {column: has NULLs}, SRID) of the table, in one scan; the SRIDs checked as the local read does."""
    from psycopg import sql as S

    g = S.Identifier(rel.gname)
    counts = [S.SQL("count({})").format(S.Identifier(c)) for c in rel.names]
    row = conn.execute(S.SQL("SELECT count(*), {}, min(ST_SRID({})), max(ST_SRID({})) FROM {}").format(
        S.SQL(", ").join(counts), g, g, rel.source)).fetchone()
    n, per_column, lo, hi = row[0], row[1:-2], row[-2], row[-1]
    if lo is None:
        srids: set[int] = set()
    elif lo == hi:
        srids = {int(lo)}
    else:
        srids = {int(s) for (s,) in conn.execute(S.SQL("SELECT DISTINCT ST_SRID({}) FROM {} WHERE {} IS NOT NULL")
                                                 .format(g, rel.source, g)).fetchall()}
    has_null = {c: int(k) < n for c, k in zip(rel.names, per_column)}
    return int(n), has_null, checked_srid(rel, srids, url)


def _key_chunks(conn, rel: Relation, n: int, rows: int) -> list:
    """Key ranges of ``rows`` rows in key order: chunk i holds input rows i×rows … (i+1)×rows − 1."""
    from psycopg import sql as S

    keys = S.SQL(", ").join(map(S.Identifier, rel.key))
    texts = S.SQL(", ").join(S.SQL("{}::text").format(S.Identifier(k)) for k in rel.key)
    bounds = conn.execute(S.SQL(
        "SELECT {} FROM (SELECT {}, row_number() OVER (ORDER BY {}) AS landgis_rn FROM {}) AS s "
        "WHERE landgis_rn > 1 AND (landgis_rn - 1) % {} = 0 ORDER BY landgis_rn").format(
        texts, keys, keys, rel.source, S.Literal(int(rows)))).fetchall()
    row_of = S.SQL("({})").format(keys)

    def cast(values) -> Any:  # the key's own types, from their text: exact for every type
        return S.SQL("({})").format(S.SQL(", ").join(
            S.SQL("CAST({} AS {})").format(S.Literal(v), S.SQL(t)) for v, t in zip(values, rel.key_types)))

    edges = [None, *[tuple(b) for b in bounds], None]
    chunks = []
    for i, (lo, hi) in enumerate(zip(edges[:-1], edges[1:])):
        parts = ([row_of + S.SQL(" >= ") + cast(lo)] if lo is not None else []) + \
                ([row_of + S.SQL(" < ") + cast(hi)] if hi is not None else [])
        where = S.SQL(" AND ").join(parts) if parts else None
        offset = i * rows
        chunks.append((offset, max(0, min(rows, n - offset)), select(rel, where).as_string(conn)))
    return chunks


def _ctid_chunks(conn, rel: Relation, n: int, rows: int) -> list:
    """Ranges of ``ctid`` blocks of about ``rows`` rows, their offsets from per-block row counts."""
    from psycopg import sql as S

    ctid = S.SQL("ctid")
    spans: list[tuple[int, int | None, int, int]] = []  # (first block, end block, offset, count)
    start, size, offset = None, 0, 0
    with conn.cursor(name="landgis_blocks") as cur:
        cur.execute(S.SQL("SELECT (ctid::text::point)[0]::bigint, count(*) FROM {} GROUP BY 1 ORDER BY 1")
                    .format(rel.source))
        for block, count in cur:
            if start is None:
                start = block
            elif size and size + count > rows:
                spans.append((start, block, offset, size))
                start, offset, size = block, offset + size, 0
            size += count
    spans.append((start if start is not None else 0, None, offset, size))
    if offset + size != n:  # pragma: no cover - one snapshot: the counts agree
        raise InputError(message("{what}: {counted} rows by blocks but {n} counted", what=rel.what,
                                 counted=offset + size, n=n))
    chunks = []
    for i, (lo, hi, off, count) in enumerate(spans):
        parts = ([ctid + S.SQL(" >= CAST({} AS tid)").format(S.Literal(f"({lo},0)"))] if i > 0 else []) + \
                ([ctid + S.SQL(" < CAST({} AS tid)").format(S.Literal(f"({hi},0)"))] if hi is not None else [])
        where = S.SQL(" AND ").join(parts) if parts else None
        chunks.append((off, count, select(rel, where, order=ctid).as_string(conn)))
    return chunks


def _sample(conn, rel: Relation, has_null: dict | None, n: int, first: str | None = None
            ) -> tuple[pd.DataFrame, set]:
    """The first ``n`` rows (in input order; of the ``first`` chunk's query), typed; and their SRIDs."""
    from psycopg import sql as S

    query = select(rel, limit=n) if first is None else S.SQL(first) + S.SQL(" LIMIT {}").format(S.Literal(int(n)))
    frames, srids = [], set()
    with conn.cursor() as cur:
        cur.execute(query)
        for frame, seen in fetch(cur, rel, n):
            frames.append(frame)
            srids |= seen
    raw = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        {c: pd.Series(dtype=object) for c in rel.names})
    known = has_null if has_null is not None else {c: bool(raw[c].isna().any()) for c in rel.names}
    return typed(raw, rel, known), srids


def read_chunk(spec: ChunkSpec, i: int) -> "gpd.GeoDataFrame":
    """Chunk ``i`` of a :func:`plan_chunks` plan, read on a worker inside the client's snapshot.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by input row number (the chunk's offset on), in the dtypes of the whole table.

    Raises
    ------
    InputError
        One redacted line: cannot connect, the snapshot is gone, the read failed, or the chunk did
        not hold the rows the plan counted.
    """
    from psycopg import sql as S

    psycopg = psycopg_module()
    offset, count, query = spec.chunks[i]
    url, rel = spec.url.value, spec.rel
    frames = []
    try:
        with connect(url, read_only=True, statement_timeout=spec.statement_timeout) as conn:
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            conn.read_only = True
            conn.execute(S.SQL("SET TRANSACTION SNAPSHOT {}").format(S.Literal(spec.snapshot)))
            with conn.cursor(name="landgis_chunk") as cur:
                cur.itersize = FETCH_ROWS
                cur.execute(query)
                frames = [frame for frame, _ in fetch(cur, rel, FETCH_ROWS)]
            conn.rollback()
    except psycopg.Error as exc:
        raise failure(exc, url, rel.what, spec.statement_timeout) from None
    raw = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        {c: pd.Series(dtype=object) for c in rel.names})
    if len(raw) != count:
        raise InputError(message("{shown}: reading {what} failed: rows {first}–{last} gave {got} rows instead of "
                                 "{count}", shown=redact_url(url), what=rel.what, first=offset + 1,
                                 last=offset + count, got=len(raw), count=count))
    gdf = to_geodataframe(typed(raw, rel, spec.has_null), rel, spec.crs)
    gdf.index = pd.RangeIndex(offset, offset + len(gdf))
    return gdf


def retype(piece: "gpd.GeoDataFrame", spec: ChunkSpec) -> "gpd.GeoDataFrame":
    """A piece of a streamed query's GeoParquet in the dtypes of the whole result (see :func:`typed`)."""
    return typed(piece, spec.rel, spec.has_null)


# --- the streamed query as GeoParquet ----------------------------------------------------------------
def _arrow_schema(rel: Relation, crs):
    kinds = {"int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(), "date": pa.date32(),
             "timestamp": pa.timestamp("us"), "geometry": pa.binary()}
    fields = [pa.field(rel.out_geom if c == rel.gname else c, kinds.get(k, pa.large_string()))
              for c, k in zip(rel.names, rel.kinds)]
    geo = {"version": "1.0.0", "primary_column": rel.out_geom,
           "columns": {rel.out_geom: {"encoding": "WKB", "geometry_types": [],
                                      "crs": crs.to_json_dict() if crs is not None else None}}}
    return pa.schema(fields, metadata={b"geo": json.dumps(geo).encode()})


def _arrow_table(frame: pd.DataFrame, rel: Relation, schema):
    """A typed chunk as an Arrow table of ``schema`` (geometries as WKB)."""

    arrays = []
    for c, k, f in zip(rel.names, rel.kinds, schema):
        values = frame[c]
        if k == "geometry":
            geoms = np.asarray(values.astype(object).where(values.notna(), None), dtype=object)
            arrays.append(pa.array(shapely.to_wkb(geoms), pa.binary()))
        elif k == "timestamp":
            arrays.append(pa.array(pd.to_datetime(values).astype("datetime64[us]"), f.type, from_pandas=True))
        else:
            arrays.append(pa.array(values, f.type, from_pandas=True))
    return pa.Table.from_arrays(arrays, schema=schema)


# --- the findings back to PostGIS, partition by partition ----------------------------------------------
def write_findings_partitions(result, url: str, table: str, *, replace: bool = False, scheduler=None) -> int:
    """Write a dask QA result's parcels with their findings to a PostGIS table, each partition by a worker.

    The steps: the client checks the target and creates a staging table (committed, so that the workers
    see it) → each worker copies (``COPY``) one partition (its ``parcels.parquet`` file and its findings) in its
    own transaction → the client, in one transaction, checks that every parcel arrived, gives the geometry
    column its type and the SRID of the source, replaces the target (with ``replace``), renames the staging
    table into place and adds the primary key and a GiST index. On any failure the staging table is
    dropped: the target is the complete result or as it was. The table is the one
    :func:`landgis.qa.pg_write.write_findings` writes for the local engine (``fid`` = input row + 1).

    Parameters
    ----------
    result : landgis.qa.QAResult
        Of ``qa(..., engine="dask")`` (its ``summary["store"]`` holds the partitions).
    url : str
    table : str
        ``SCHEMA.TABLE`` or ``TABLE``.
    replace : bool
        Replace an existing table.
    scheduler : str or distributed.Client, optional
        Default: a new LocalCluster of 2 workers.

    Returns
    -------
    int
        Rows written.

    Raises
    ------
    InputError
        The table exists without ``replace``, the connection or a worker's ``COPY`` fails. One
        redacted line.

    Examples
    --------
    >>> write_findings_partitions(qa(url, layer="gis.dk", engine="dask"), url, "gis.dk_qa")  # doctest: +SKIP
    """

    import dask

    schema, name = split_table(table)
    check_ident_bytes(name, word("pg.table_name"))
    schema = refuse_existing(url, table, replace)
    srid = _summary_srid(result.summary)
    store = Path(result.summary["store"])
    parts = sorted((store / "parcels.parquet").glob("*.parquet"))
    meta = result.parcels._meta
    staging = name.encode("utf-8")[:40].decode("utf-8", "ignore") + "_landgis_" + uuid.uuid4().hex[:8]
    _create_staging(url, schema, staging, meta)
    try:
        with cluster(scheduler) as client:
            tasks = [dask.delayed(_copy_partition)(_Secret(url), schema, staging, meta, str(p),
                                                   str(store / "findings.parquet" / p.name), srid) for p in parts]
            written = sum(gather(client, tasks, False))
        _swap_in(url, schema, staging, name, srid, int(result.summary["n_parcels"]), written, replace,
                 _has_fid(meta))
    finally:
        _drop_staging(url, schema, staging)
    return written


def _summary_srid(summary: dict) -> int:
    """The source's SRID, from the summary's ``source`` (``… (SRID n)``) or its CRS."""

    m = re.search(r"\(SRID (\d+)\)$", str(summary.get("source") or ""))
    if m and int(m.group(1)):
        return int(m.group(1))
    crs = summary.get("source_crs")
    return (CRS.from_user_input(crs).to_epsg() or 0) if crs else 0


def _columns(meta) -> list[tuple[str, str]]:
    """(column, PostgreSQL type) of the written table, from the partitions' meta (the same in every worker)."""

    frame = pd.DataFrame(meta.drop(columns=meta.geometry.name))
    cols = [(str(c), pg_type(frame[c])[0]) for c in frame.columns]
    if "qa_messages" not in frame.columns:
        cols.append(("qa_messages", "text"))
    return cols


def _has_fid(meta) -> bool:
    """Whether the table gets a ``fid`` key (input row + 1), as the local writer gives it unless the
    parcels have a ``fid`` column of their own."""
    return "fid" not in {str(c) for c in meta.columns}


def _geometry_name(meta) -> str:
    names = {str(c) for c in meta.columns}
    return next(c for c in ("geom", "qa_geom", "qa_geometry") if c not in names)


def _create_staging(url: str, schema: str, staging: str, meta) -> None:
    from psycopg import sql as S

    psycopg = psycopg_module()
    cols = [S.SQL("fid bigint")] if _has_fid(meta) else []
    cols += [S.SQL("{} {}").format(S.Identifier(c), S.SQL(t)) for c, t in _columns(meta)]
    cols.append(S.SQL("{} geometry").format(S.Identifier(_geometry_name(meta))))
    try:
        with connect(url) as conn, conn.transaction():
            conn.execute(S.SQL("CREATE TABLE {} ({})").format(S.Identifier(schema, staging),
                                                                      S.SQL(", ").join(cols)))
    except psycopg.Error as exc:
        raise InputError(message("{shown}: cannot create a table in schema {schema}: {reason}",
                                 shown=redact_url(url), schema=schema, reason=reason(exc, url))) from None


def _copy_partition(url: _Secret, schema: str, staging: str, meta, parcels_file: str, findings_file: str,
                    srid: int) -> int:
    """On a worker: one partition's parcels, their findings' messages and geometry, COPY'd into staging."""
    from psycopg import sql as S

    psycopg = psycopg_module()
    gdf = gpd.read_parquet(parcels_file)
    fdf = read_findings_parquet([findings_file] if Path(findings_file).exists() else [])
    result = type("Partition", (), {"findings": fdf})()
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    if "qa_messages" not in frame:
        messages = findings_messages(result, gdf)
        frame["qa_messages"] = messages.to_numpy() if messages is not None else None
    types = dict(_columns(meta))
    converters = {c: pg_type(pd.Series(dtype=meta[c].dtype) if c in meta else frame[c])[1] for c in types}
    gname = _geometry_name(meta)
    try:
        with connect(url.value) as conn, conn.transaction():
            _, hexes = geometry_column(conn, gdf, srid)
            fid = _has_fid(meta)
            values = [(gdf["qa_row"].to_numpy() + 1).tolist()] if fid else []
            values += [column_values(frame[c], converters[c]) for c in types]
            values.append(hexes)
            copy_sql = S.SQL("COPY {} ({}) FROM STDIN").format(S.Identifier(schema, staging), S.SQL(", ").join(
                map(S.Identifier, [*(["fid"] if fid else []), *types, gname])))
            with conn.cursor() as cur, cur.copy(copy_sql) as copy:
                for row in zip(*values):
                    copy.write_row(row)
    except psycopg.Error as exc:
        raise InputError(message("{shown}: writing the findings failed, nothing was written: {reason}",
                                 shown=redact_url(url.value), reason=reason(exc, url.value))) from None
    return len(gdf)


def _swap_in(url: str, schema: str, staging: str, name: str, srid: int, expected: int, written: int,
             replace: bool, fid: bool) -> None:
    """In one transaction: check the count, type the geometry, replace the target, rename, key and index."""
    from psycopg import sql as S

    psycopg = psycopg_module()
    shown = redact_url(url)
    target, stage = S.Identifier(schema, name), S.Identifier(schema, staging)
    try:
        with connect(url) as conn, conn.transaction():
            cols = [r[0] for r in conn.execute(
                "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attnum > 0 "
                "AND NOT attisdropped ORDER BY attnum", (stage.as_string(conn),)).fetchall()]
            g = S.Identifier(cols[-1])
            count, kinds, z = conn.execute(S.SQL(
                "SELECT count(*), array_agg(DISTINCT ST_GeometryType({0})) FILTER (WHERE {0} IS NOT NULL), "
                "bool_or(ST_NDims({0}) > 2) FROM {1}").format(g, stage)).fetchone()
            if count != expected or written != expected:
                raise InputError(message("{shown}: writing table {table} failed, nothing was written: {count} of "
                                         "{expected} parcels arrived", shown=shown, table=show_table(schema, name),
                                         count=count, expected=expected))
            by_name = {v.upper(): v for v in GEOM_TYPES.values()}
            kinds = [k.removeprefix("ST_").upper() for k in (kinds or [])]
            gtype = by_name.get(kinds[0], "Geometry") if len(set(kinds)) == 1 else "Geometry"
            conn.execute(S.SQL("ALTER TABLE {} ALTER COLUMN {} TYPE geometry({}, {}) USING ST_SetSRID({}, {})")
                         .format(stage, g, S.SQL(gtype + ("Z" if z else "")), S.Literal(int(srid)), g,
                                 S.Literal(int(srid))))
            if regclass(conn, schema, name) is not None:
                if not replace:
                    raise InputError(message("{shown}: table {table} already exists; use --replace to replace it",
                                             shown=shown, table=show_table(schema, name)))
                conn.execute(S.SQL("DROP TABLE {}").format(target))
            conn.execute(S.SQL("ALTER TABLE {} RENAME TO {}").format(stage, S.Identifier(name)))
            if fid:
                conn.execute(S.SQL("ALTER TABLE {} ADD PRIMARY KEY (fid)").format(target))
            conn.execute(S.SQL("CREATE INDEX {} ON {} USING GIST ({})").format(
                S.Identifier(index_name(name)), target, g))
            conn.execute(S.SQL("COMMENT ON TABLE {} IS {}").format(
                target, S.Literal(f"landgis QA findings ({expected} parcels)")))
            conn.execute(S.SQL("ANALYZE {}").format(target))
    except psycopg.Error as exc:
        raise InputError(message("{shown}: writing table {table} failed{where}, nothing was written: {reason}",
                                 shown=shown, table=show_table(schema, name), where="",
                                 reason=reason(exc, url))) from None


def _drop_staging(url: str, schema: str, staging: str) -> None:
    """Drop the staging table if it is still there (after a failure; a success renamed it)."""
    from psycopg import sql as S

    try:
        with connect(url) as conn, conn.transaction():
            conn.execute(S.SQL("DROP TABLE IF EXISTS {}").format(S.Identifier(schema, staging)))
    except Exception:  # noqa: BLE001 - the original error (if any) is the one to report
        pass
