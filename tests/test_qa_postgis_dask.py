"""``qa(postgresql://…, engine="dask")``: PostGIS parcels read by the workers in chunks, in one snapshot.

A real PostgreSQL + PostGIS server (tests/pgserver.py, the ``pg_server``/``db`` fixtures of
test_postgis.py) and a real 2-worker LocalCluster (test_qa_dask.py's ``client``). The same parcels are
stored with an integer key (in an order unlike the rows'), a composite text × integer key, no key at
all (rows deleted and updated, so that physical order has holes and moved rows), and read with
``--sql``; every time the dask result equals the local engine's on the same table. The chunks see the
snapshot the client exported, not later writes; a worker that cannot connect is one redacted line; the
findings written back partition by partition equal the local write-back, and a failed worker leaves the
old table as it was.
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import psycopg
import pytest
from psycopg import sql
from test_postgis import SECRET, _conninfo, _leaks, db, pg_server, planner  # noqa: F401 - fixtures
from test_qa_dask import _many, _same, client  # noqa: F401 - fixture

from landgis.errors import InputError
from landgis.qa import qa
from landgis.qa.pg_read import read_parcels
from landgis.qa.postgis_chunks import plan_chunks, read_chunk

pytestmark = pytest.mark.slow  # PostgreSQL and a dask LocalCluster

N = 1200
ROWS = 250  # rows per chunk: five chunks of N


def _load(db, name: str, key: str, n: int = N, seed: int = 5) -> str:
    """The parcels of test_qa_dask._many as table ``name`` (EPSG:4490), keyed by ``key``; the --layer string."""
    gdf = _many_parcels(n, seed)
    rng = np.random.default_rng(seed)
    ident = sql.Identifier(db.schema, name)
    columns = {"fid": "integer", "区块": "text", "序号": "integer", "地块编号": "text", "乡镇": "text",
               "用地类型": "text", "面积": "numeric(12,4)", "宗数": "integer", "已供": "boolean", "批准日期": "date",
               "属性": "jsonb", "geom": "geometry(Geometry, 4490)"}
    pk = {"int": ", PRIMARY KEY (fid)", "composite": ", PRIMARY KEY (区块, 序号)", "none": ""}[key]
    db.conn.execute(sql.SQL("CREATE TABLE {} ({}{})").format(
        ident, sql.SQL(", ").join(sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(t)) for c, t in columns.items()),
        sql.SQL(pk)))
    fids = rng.permutation(n) * 7 + 3  # key order unlike the insertion order
    blocks = rng.choice(["北区", "南区", "东区", "A区"], n)
    wkb = [None if g is None else g.wkb_hex for g in gdf.geometry]  # None: no geometry
    with db.conn.cursor() as cur, cur.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(
            ident, sql.SQL(", ").join(map(sql.Identifier, columns)))) as copy:
        for i in range(n):
            copy.write_row((int(fids[i]), str(blocks[i]), n - i, gdf["地块编号"][i], gdf["乡镇"][i], gdf["用地类型"][i],
                            round(float(gdf["面积"][i]), 4),
                            None if i > n - 40 and i % 3 == 0 else i % 9 + 1,  # NULLs in the last chunk only
                            i % 5 != 0, f"2025-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
                            '{"批次": %d}' % (i % 4),
                            None if wkb[i] is None else f"SRID=4490;{gdf.geometry[i].wkt}"))
    if key == "none":  # holes and moved rows in the physical order
        db.conn.execute(sql.SQL("DELETE FROM {} WHERE 序号 % 17 = 0").format(ident))
        db.conn.execute(sql.SQL("UPDATE {} SET 用地类型 = '商服用地' WHERE 序号 % 23 = 0").format(ident))
    return db.table(name)


_CACHE: dict = {}


def _many_parcels(n: int, seed: int):
    if (n, seed) not in _CACHE:
        from landgis.townships import load_townships

        _CACHE[(n, seed)] = _many(load_townships(county="441882"), n=n, seed=seed).to_crs(4490)
    return _CACHE[(n, seed)]


@pytest.mark.parametrize("key", ["int", "composite", "none"])
def test_table_in_chunks_same_as_local(db, towns, plan, client, tmp_path, key):
    layer = _load(db, "parcels", key)
    local = qa(db.url, towns, plan, layer=layer, area_unit="公顷")
    with plan_chunks(db.url, layer=layer, rows=ROWS) as chunks:
        assert not chunks.streamed and len(chunks.spec.chunks) >= 4
        assert [c[0] for c in chunks.spec.chunks] == sorted(c[0] for c in chunks.spec.chunks)
        assert sum(c[1] for c in chunks.spec.chunks) == local.summary["n_parcels"]
    dist = qa(db.url, towns, plan, layer=layer, area_unit="公顷", engine="dask", scheduler=client,
              out_dir=tmp_path / "out", partition_rows=ROWS)
    _same(dist, local)
    assert dist.summary["source"] == local.summary["source"] and db.server.password not in dist.summary["source"]
    assert dist.summary["n_partitions"] >= 4
    got = dist.parcels.compute().sort_values("qa_row")
    want = local.parcels
    assert got["宗数"].isna().sum() == want["宗数"].isna().sum() > 0  # NULLs in the last chunk only, kept
    assert got["属性"].tolist() == want["属性"].tolist() and '"批次"' in got["属性"].iloc[0]  # jsonb as its text
    assert {"duplicate_id", "duplicate_geometry", "overlaps_parcel", "township_mismatch", "outside_county",
            "missing_geometry"} <= set(dist.summary["by_kind"])


def test_sql_streamed_to_geoparquet_same_as_local(db, towns, plan, client, tmp_path):
    layer = _load(db, "parcels", "int")
    query = (f"SELECT fid, 地块编号, 乡镇, 用地类型, 面积, 宗数, ST_Transform(geom, 4326) AS geom FROM {layer} "
             f"WHERE 序号 % 10 <> 3 ORDER BY 序号")
    local = qa(db.url, towns, plan, sql=query, area_unit="公顷")
    with plan_chunks(db.url, sql=query, rows=ROWS) as chunks:
        assert chunks.streamed and chunks.srid == 4326
    dist = qa(db.url, towns, plan, sql=query, area_unit="公顷", engine="dask", scheduler=client,
              out_dir=tmp_path / "out", partition_rows=ROWS)
    _same(dist, local)
    assert dist.summary["source"].endswith("(--sql) (SRID 4326)") and dist.summary["n_partitions"] >= 4
    assert not list((tmp_path / "out").glob(".qa-*"))  # the streamed GeoParquet went with the work folder


def test_chunks_see_the_snapshot_not_later_changes(db):
    layer = _load(db, "parcels", "none", n=600)
    before = read_parcels(db.url, layer=layer)
    with plan_chunks(db.url, layer=layer, rows=100) as chunks:
        table = sql.Identifier(db.schema, "parcels")
        with psycopg.connect(db.url, autocommit=True) as other:  # committed while the plan is open
            other.execute(sql.SQL("DELETE FROM {} WHERE 序号 % 3 = 0").format(table))
            other.execute(sql.SQL("UPDATE {} SET 乡镇 = '改了' ").format(table))
            other.execute(sql.SQL("INSERT INTO {} (fid, 区块, 序号, geom) VALUES (1, 'x', -1, NULL)").format(table))
        parts = [read_chunk(chunks.spec, i) for i in range(len(chunks.spec.chunks))]
    got = pd.concat(parts)
    assert got.index.tolist() == list(range(len(before)))
    assert got["乡镇"].tolist() == before["乡镇"].tolist() and "改了" not in set(got["乡镇"])
    assert got.geometry.equals(before.geometry)
    after = read_parcels(db.url, layer=layer)
    assert len(after) < len(before) and set(after["乡镇"].dropna()) == {"改了"}


def test_worker_failure_is_one_redacted_line(pg_server, db, planner, towns, plan, client, tmp_path):
    role, layer = planner
    url = _conninfo(pg_server, role, "raw url")
    with pg_server.admin() as admin:  # the client's snapshot connection is all the role may open
        admin.execute(sql.SQL("ALTER ROLE {} CONNECTION LIMIT 1").format(sql.Identifier(role)))
    with pytest.raises(InputError) as info:
        qa(url, towns, plan, layer=layer, engine="dask", scheduler=client, out_dir=tmp_path / "out",
           partition_rows=3)
    text = str(info.value)
    assert "too many connections" in text and "\n" not in text
    assert SECRET not in text and "ret/99x" not in text and "***" in text
    assert not (tmp_path / "out" / "parcels.parquet").exists()


def test_wrong_password_fails_in_planning_as_local(pg_server, db, towns, plan, client, tmp_path):
    layer = _load(db, "parcels", "int", n=60)
    url = pg_server.url(password="Secr3t-WRONG;pw")
    messages = []
    for engine in ("local", "dask"):
        with pytest.raises(InputError) as info:
            qa(url, towns, plan, layer=layer, engine=engine, scheduler=client, out_dir=tmp_path / engine)
        messages.append(str(info.value))
    assert messages[0] == messages[1] and "password authentication failed" in messages[0]
    assert "Secr3t" not in messages[0]


def _landgis(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "landgis.cli", *args], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=300, env=dict(os.environ))


def test_cli_dask_engine_from_postgis(pg_server, db, planner, tmp_path):
    role, layer = planner  # a password with '?' and '/'
    url = _conninfo(pg_server, role, "upper-case scheme")
    out = tmp_path / "qa"
    proc = _landgis("qa", url, "--layer", layer, "--engine", "dask", "--partition-rows", "3", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert (out / "parcels.parquet").is_dir() and (out / "findings.xlsx").exists() and (out / "qa_map.html").exists()
    local = _landgis("qa", url, "--layer", layer, "--out", str(tmp_path / "local"), "--no-map")
    got, want = (pd.read_csv(d / "findings.csv", encoding="utf-8-sig", dtype=str).fillna("")
                 for d in (out, tmp_path / "local"))
    assert len(got) == len(want) > 0
    pd.testing.assert_frame_equal(got.sort_values(list(got.columns), ignore_index=True),
                                  want.sort_values(list(want.columns), ignore_index=True))
    assert not _leaks(proc, out) and not _leaks(local, tmp_path / "local")
    back = ["qa", db.url, "--layer", layer, "--engine", "dask", "--partition-rows", "3", "--no-map",
            "--write-back", f"{db.schema}.qa_cli"]
    wrote = _landgis(*back, "--out", str(tmp_path / "back"))
    assert wrote.returncode == 0, wrote.stderr
    assert db.count("qa_cli") == 7 and pg_server.password not in wrote.stdout + wrote.stderr
    refused = _landgis(*back, "--out", str(tmp_path / "again"))
    assert refused.returncode == 2 and "--replace" in refused.stderr and not (tmp_path / "again").exists()
    with pg_server.admin() as admin:  # now the workers cannot connect: one line, the workers' logs silent
        admin.execute(sql.SQL("ALTER ROLE {} CONNECTION LIMIT 1").format(sql.Identifier(role)))
    failed = _landgis("qa", url, "--layer", layer, "--engine", "dask", "--partition-rows", "3",
                      "--out", str(tmp_path / "failed"), "--lang", "en")
    assert failed.returncode == 2 and len(failed.stderr.strip().splitlines()) == 1, failed.stderr
    assert "too many connections" in failed.stderr and "Traceback" not in failed.stderr
    assert not _leaks(failed, tmp_path / "failed") and not (tmp_path / "failed" / "parcels.parquet").exists()


def _chunked(url: str, rows: int, **where):
    with plan_chunks(url, rows=rows, **where) as chunks:
        if chunks.streamed:
            return chunks, None
        return chunks, pd.concat([read_chunk(chunks.spec, i) for i in range(len(chunks.spec.chunks))])


@pytest.mark.parametrize("kind", ["text key with quotes", "view", "partitioned", "geography, no key"])
def test_chunks_equal_the_whole_read(db, kind):
    """Hostile names and key values, a view (streamed), a partitioned table, geography: chunks = one read.

    Rows of 600 bytes: a few per 8 kB block, so that a table without a key has several ctid chunks."""
    from test_postgis import HOSTILE, HOSTILE_COLUMN

    c = db.conn
    t = sql.Identifier(db.schema, HOSTILE)
    col = sql.Identifier(HOSTILE_COLUMN + "%s")
    gtype = "geography(Point, 4326)" if kind.startswith("geography") else "geometry(Point, 4490)"
    key = "" if kind.startswith("geography") else ", PRIMARY KEY (k)"
    part = " PARTITION BY LIST (grp)" if kind == "partitioned" else ""
    c.execute(sql.SQL("CREATE TABLE {} (k text, grp int, {} text, g {}{}){}").format(
        t, col, sql.SQL(gtype), sql.SQL(key.replace("(k)", "(k, grp)") if part else key), sql.SQL(part)))
    if part:
        for g in range(3):
            c.execute(sql.SQL("CREATE TABLE {} PARTITION OF {} FOR VALUES IN ({})").format(
                sql.Identifier(db.schema, f"p{g}"), t, sql.Literal(g)))
    c.execute(sql.SQL("INSERT INTO {} SELECT {} || i, i % 3, 'v' || i || repeat('长', 200), ST_SetSRID(ST_MakePoint(112 + i * 0.01, 24.5), "
                      "{}) FROM generate_series(1, 61) i").format(
        t, sql.Literal("x'); DROP TABLE t; -- "), sql.Literal(4326 if kind.startswith("geography") else 4490)))
    layer = db.table(HOSTILE)
    if kind == "view":
        c.execute(sql.SQL("CREATE VIEW {} AS SELECT * FROM {} WHERE grp <> 1").format(
            sql.Identifier(db.schema, "v"), t))
        layer = f"{db.schema}.v"
    whole = read_parcels(db.url, layer=layer)
    chunks, got = _chunked(db.url, 7, layer=layer)
    assert chunks.streamed == (kind == "view")
    if got is None:
        return
    assert len(chunks.spec.chunks) >= 5 and got.index.tolist() == list(range(len(whole)))
    pd.testing.assert_frame_equal(pd.DataFrame(got.drop(columns="geometry")), pd.DataFrame(whole.drop(columns="geometry")))
    assert got.geometry.equals(whole.geometry) and got.crs == whole.crs
    assert db.count("t") == 1


def test_write_back_by_partitions_equals_local(pg_server, db, towns, plan, client, tmp_path):
    from landgis.qa.pg_write import write_findings
    from landgis.qa.postgis_chunks import write_findings_partitions

    layer = _load(db, "parcels", "composite", n=600)
    local = qa(db.url, towns, plan, layer=layer, area_unit="公顷")
    assert write_findings(local, db.url, f"{db.schema}.qa_local") == 600
    dist = qa(db.url, towns, plan, layer=layer, area_unit="公顷", engine="dask", scheduler=client,
              out_dir=tmp_path / "out", partition_rows=150)
    assert write_findings_partitions(dist, db.url, f"{db.schema}.qa_dask", scheduler=client) == 600
    a, b = (read_parcels(db.url, layer=f"{db.schema}.{t}").sort_values("qa_row", ignore_index=True)
            for t in ("qa_local", "qa_dask"))
    assert list(a.columns) == list(b.columns) and "qa_messages" in b
    pd.testing.assert_frame_equal(pd.DataFrame(a.drop(columns="geometry")).astype(str),
                                  pd.DataFrame(b.drop(columns="geometry")).astype(str))
    assert a.geometry.equals(b.geometry) and b.attrs["postgis"]["srid"] == 4490
    assert b["qa_messages"].notna().sum() == local.parcels["n_findings"].gt(0).sum()
    index = db.conn.execute("SELECT indexdef FROM pg_indexes WHERE schemaname = %s AND tablename = 'qa_dask'",
                            (db.schema,)).fetchall()
    assert any("gist" in i[0] for i in index)
    # an existing table: refused without replace, replaced with it; a failed worker leaves the old table
    with pytest.raises(InputError, match="already exists"):
        write_findings_partitions(dist, db.url, f"{db.schema}.qa_dask", scheduler=client)
    db.conn.execute(sql.SQL("DELETE FROM {} WHERE qa_row > 10").format(sql.Identifier(db.schema, "qa_dask")))
    import geopandas as gpd

    part = sorted((tmp_path / "out" / "parcels.parquet").glob("*.parquet"))[-1]  # one partition, poisoned:
    good = gpd.read_parquet(part)  # PostgreSQL text cannot hold NUL, so that worker's COPY fails
    good.assign(乡镇=good["乡镇"].str.cat(["\x00"] * len(good))).to_parquet(part)
    with pytest.raises(InputError) as info:
        write_findings_partitions(dist, db.url, f"{db.schema}.qa_dask", replace=True, scheduler=client)
    assert "nothing was written" in str(info.value) and "\n" not in str(info.value)
    assert db.server.password not in str(info.value)
    assert db.count("qa_dask") == 11  # as it was
    left = db.conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = %s AND tablename LIKE %s",
                           (db.schema, "%landgis%")).fetchone()[0]
    assert left == 0
    good.to_parquet(part)
    assert write_findings_partitions(dist, db.url, f"{db.schema}.qa_dask", replace=True, scheduler=client) == 600
    assert db.count("qa_dask") == 600


def test_workers_sessions_have_the_statement_timeout(db, client):
    """A chunk query that runs long on a worker is cancelled by the server after --statement-timeout: the
    worker's own connection gets it, not only the client's (issue 24)."""
    layer = _load(db, "parcels", "int", n=60)
    with plan_chunks(db.url, layer=layer, rows=30, statement_timeout=1) as chunks:
        spec = chunks.spec
        assert spec.statement_timeout == 1
        fine = client.submit(read_chunk, spec, 0, pure=False).result()
        assert len(fine) == 30
        offset, count, query = spec.chunks[0]
        spec.chunks[0] = (offset, count, f"SELECT q.* FROM ({query}) AS q, LATERAL (SELECT count(*) "
                                         f"FROM generate_series(1, 2000000000)) AS slow")
        with pytest.raises(InputError, match=r"statement timeout.*--statement-timeout is 1 s") as info:
            client.submit(read_chunk, spec, 0, pure=False).result()
    assert "\n" not in str(info.value) and db.server.password not in str(info.value)


def test_cli_dask_statement_timeout(db, tmp_path):
    layer = _load(db, "parcels", "int", n=60)
    slow = (f"SELECT p.* FROM {layer} p, generate_series(1, 100000000) AS g(i) ORDER BY md5(g.i::text) LIMIT 60")
    proc = _landgis("qa", db.url, "--sql", slow, "--engine", "dask", "--statement-timeout", "1s",
                    "--out", str(tmp_path / "qa"), "--lang", "en")
    assert proc.returncode == 2 and "statement timeout" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr and db.server.password not in proc.stdout + proc.stderr
