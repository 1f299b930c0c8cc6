"""landgis.postgis against a real PostgreSQL 15 + PostGIS 3 server started for the session.

The ``pg_server`` fixture (tests/pgserver.py) runs initdb into a temporary folder and starts the server
on 127.0.0.1 with password (SCRAM) authentication; each test gets its own schema (``db`` fixture).
Fixture parcels are loaded with SQL: names stored as GBK bytes and converted by the server
(``convert_from(…, 'GBK')``), Gauss-Krüger coordinates with the zone prefix (EPSG:4525), an invalid
bow-tie, an empty and a NULL geometry, and hostile names.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import psycopg
import pytest
import shapely
from psycopg import sql
from pyproj import CRS, Transformer

from landgis.errors import InputError, LandgisError
from landgis.county import registry
from landgis.qa.pg_connect import redact_url
from landgis.qa.pg_relation import split_table
from landgis.qa.pg_read import read_parcels
from landgis.qa.pg_write import write_findings

from pgserver import PostgresServer, ServerUnavailable  # tests/ is on sys.path (pytest rootdir-relative import)

pytestmark = pytest.mark.slow  # a real PostgreSQL/PostGIS server

HOSTILE = "x'); DROP TABLE t; --"
HOSTILE_COLUMN = 'a"; DROP TABLE t; --'


# --- the server and a schema per test ---------------------------------------------------------
@pytest.fixture(scope="session")
def pg_server():
    """A throwaway PostgreSQL + PostGIS cluster on 127.0.0.1 for the test session."""
    try:
        server = PostgresServer().start()
    except ServerUnavailable as exc:  # fail, do not skip: CI installs the packages (tests/setup.sh)
        pytest.fail(str(exc), pytrace=False)
    yield server
    server.stop()


@dataclass
class DB:
    server: PostgresServer
    url: str
    schema: str
    conn: psycopg.Connection  # autocommit, as the (non-superuser) test role

    def table(self, name: str) -> str:
        """``schema.name`` as a --layer string (name quoted when needed)."""
        return f'{self.schema}."{name.replace(chr(34), chr(34) * 2)}"'

    def count(self, name: str) -> int | None:
        reg = self.conn.execute("SELECT to_regclass(%s)",
                                (sql.Identifier(self.schema, name).as_string(self.conn),)).fetchone()[0]
        if reg is None:
            return None
        return self.conn.execute(sql.SQL("SELECT count(*) FROM {}").format(
            sql.Identifier(self.schema, name))).fetchone()[0]


@pytest.fixture
def db(pg_server, request):
    schema = "t_" + re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:50]
    with psycopg.connect(pg_server.url(), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {0} CASCADE; CREATE SCHEMA {0}").format(
            sql.Identifier(schema)))
        # a bystander table that hostile names must not be able to drop
        conn.execute(sql.SQL("CREATE TABLE {}.t (x int); INSERT INTO {}.t VALUES (1)").format(
            sql.Identifier(schema), sql.Identifier(schema)))
        conn.execute("CREATE TABLE IF NOT EXISTS public.t (x int)")
        yield DB(pg_server, pg_server.url(), schema, conn)
        conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


# --- fixture parcels --------------------------------------------------------------------------
_TO_GK = Transformer.from_crs(4326, 4525, always_xy=True)  # CGCS2000 3° Gauss-Krüger zone 37, with prefix


def _square(town: str, size: float = 200.0, dx: float = 0.0) -> str:
    t = registry("441882").table.set_index("name").loc[town]
    x, y = _TO_GK.transform(t["seat_lon"], t["seat_lat"])
    x += dx
    return shapely.box(x, y, x + size, y + size).wkt


def _bowtie(town: str) -> str:
    t = registry("441882").table.set_index("name").loc[town]
    x, y = _TO_GK.transform(t["seat_lon"], t["seat_lat"])
    return f"POLYGON(({x} {y}, {x + 200} {y + 200}, {x + 200} {y}, {x} {y + 200}, {x} {y}))"


def fixture_parcels() -> list[dict]:
    """id, name (Chinese, stored via GBK), declared township, category, area (ha), WKT in EPSG:4525."""
    return [
        dict(id="DK-001", name="连州镇城南住宅地块", town="连州镇", cat="住宅用地", area=4.0,
             wkt=_square("连州镇")),
        dict(id="DK-002", name="保安镇工业园地块（申报连州镇）", town="连州镇", cat="工矿仓储用地", area=4.0,
             wkt=_square("保安镇")),
        dict(id="DK-003", name="西江镇蝴蝶形地块", town="西江镇", cat="商服用地", area=2.0,
             wkt=_bowtie("西江镇")),
        dict(id="DK-004", name="龙坪镇空几何地块", town="龙坪镇", cat="住宅用地", area=1.0,
             wkt="POLYGON EMPTY"),
        dict(id="DK-005", name="星子镇无坐标地块", town="星子镇", cat="公用设施用地", area=1.0, wkt=None),
        dict(id="DK-006", name=HOSTILE, town="东陂镇", cat="住宅用地", area=4.0, wkt=_square("东陂镇")),
        dict(id="DK-007", name="九陂镇面积不符地块", town="九陂镇", cat="住宅用地", area=40.0,
             wkt=_square("九陂镇", dx=500)),
    ]


def load_parcels_sql(db: DB, name: str = "parcels", srid: int = 4525) -> str:
    """Create SCHEMA.name and load the fixture parcels into it with SQL; return the --layer string."""
    ident = sql.Identifier(db.schema, name)
    db.conn.execute(sql.SQL(
        "CREATE TABLE {} (fid serial PRIMARY KEY, 地块编号 text, 地块名称 text, 所属乡镇 text, "
        "用地类型 text, \"面积（公顷）\" numeric(12,4), geom geometry(Polygon, {}))").format(
        ident, sql.Literal(srid)))
    insert = sql.SQL(
        "INSERT INTO {} (地块编号, 地块名称, 所属乡镇, 用地类型, \"面积（公顷）\", geom) VALUES "
        "(%s, convert_from(decode(%s, 'hex'), 'GBK'), convert_from(decode(%s, 'hex'), 'GBK'), %s, %s, "
        "ST_Transform(ST_GeomFromText(%s, 4525), %s))").format(ident)
    with db.conn.cursor() as cur:
        cur.executemany(insert, [
            (p["id"], p["name"].encode("gbk").hex(), p["town"].encode("gbk").hex(), p["cat"], p["area"],
             p["wkt"], srid) for p in fixture_parcels()])
    return db.table(name)


# --- the server itself ------------------------------------------------------------------------
def test_server_is_loopback_with_password_auth(pg_server, db):
    row = db.conn.execute("SELECT inet_server_addr()::text, current_setting('listen_addresses'), "
                          "current_setting('password_encryption'), postgis_lib_version()").fetchone()
    assert row[0].startswith("127.0.0.1") and row[1] == "127.0.0.1" and row[2] == "scram-sha-256"
    assert row[3].startswith("3.")
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(pg_server.url(password="not-the-password"))


# --- reading ----------------------------------------------------------------------------------
def test_read_table_gk_srid_gbk_text_and_bad_geometries(db):
    layer = load_parcels_sql(db)
    gdf = read_parcels(db.url, layer=layer)
    expected = fixture_parcels()
    assert CRS(gdf.crs).to_epsg() == 4525
    assert len(gdf) == len(expected)
    assert gdf["地块编号"].tolist() == [p["id"] for p in expected]  # primary-key order
    assert gdf["地块名称"].tolist() == [p["name"] for p in expected]  # GBK bytes → UTF-8 text, exact
    assert gdf["所属乡镇"].tolist() == [p["town"] for p in expected]
    assert gdf["面积（公顷）"].tolist() == [p["area"] for p in expected]
    geoms = gdf.geometry.array
    for p, g in zip(expected, geoms):
        if p["wkt"] is None:
            assert g is None  # NULL geometry: the row is kept, without a geometry
        else:
            assert shapely.equals_exact(g, shapely.from_wkt(p["wkt"]), tolerance=1e-6) or \
                (g.is_empty and p["wkt"] == "POLYGON EMPTY")
    assert gdf.geometry.iloc[0].bounds[0] > 37_000_000  # zone prefix kept in the easting
    assert not gdf.geometry.iloc[2].is_valid and gdf.geometry.iloc[3].is_empty
    assert gdf.attrs["postgis"]["srid"] == 4525 and gdf.attrs["postgis"]["geometry_column"] == "geom"
    source = gdf.attrs["source"]
    assert db.server.password not in source and ":***@127.0.0.1" in source
    assert source.endswith(f"{db.schema}.parcels (SRID 4525)")


@pytest.mark.parametrize("srid", [4490, 4326, 4525, 4546])
def test_read_any_srid(db, srid):
    layer = load_parcels_sql(db, srid=srid)
    gdf = read_parcels(db.url, layer=layer)
    assert CRS(gdf.crs).equals(CRS.from_epsg(srid))
    back = gdf.to_crs(4525).geometry.iloc[0]
    assert back.equals_exact(shapely.from_wkt(fixture_parcels()[0]["wkt"]), tolerance=1e-3)


def test_read_table_without_schema_and_unconstrained_srid(db):
    db.conn.execute(sql.SQL("SET search_path TO {}, public").format(sql.Identifier(db.schema)))
    db.conn.execute("CREATE TABLE loose (id int, g geometry)")  # no typmod: the SRID comes from the data
    db.conn.execute("INSERT INTO loose VALUES (1, ST_SetSRID('POINT(112.37 24.78)'::geometry, 4490)), "
                    "(2, NULL)")
    url = db.url + f"?options=-csearch_path%3D{db.schema}%2Cpublic"
    gdf = read_parcels(url, layer="loose")
    assert CRS(gdf.crs).to_epsg() == 4490 and gdf.geometry.iloc[1] is None
    db.conn.execute("INSERT INTO loose VALUES (3, ST_SetSRID('POINT(112.37 24.78)'::geometry, 4326))")
    with pytest.raises(InputError, match=r"mixes SRIDs \[4326, 4490\]"):
        read_parcels(url, layer="loose")


def test_read_in_chunks_equals_one_fetch(db):
    ident = sql.Identifier(db.schema, "many")
    db.conn.execute(sql.SQL(
        "CREATE TABLE {} AS SELECT i AS id, '地块' || i AS 名称, "
        "ST_SetSRID(ST_MakePoint(37440000 + i, 2740000 + i), 4525)::geometry(Point, 4525) AS geom "
        "FROM generate_series(1, 2500) AS i").format(ident))
    db.conn.execute(sql.SQL("ALTER TABLE {} ADD PRIMARY KEY (id)").format(ident))
    one = read_parcels(db.url, layer=f"{db.schema}.many")
    chunked = read_parcels(db.url, layer=f"{db.schema}.many", chunksize=333)
    assert len(one) == len(chunked) == 2500
    assert one["id"].tolist() == list(range(1, 2501))
    assert chunked.equals(one) and CRS(chunked.crs).to_epsg() == 4525


def test_read_sql_query(db):
    load_parcels_sql(db)
    query = (f"SELECT 地块编号, 地块名称, ST_Transform(geom, 4490) AS shape FROM {db.schema}.parcels "
             f"WHERE 所属乡镇 LIKE '%镇' AND geom IS NOT NULL ORDER BY 地块编号 ;")
    gdf = read_parcels(db.url, sql=query)
    assert CRS(gdf.crs).to_epsg() == 4490
    assert gdf["地块编号"].tolist() == ["DK-001", "DK-002", "DK-003", "DK-004", "DK-006", "DK-007"]
    assert gdf.geometry.name == "geometry" and gdf.attrs["postgis"]["geometry_column"] == "shape"


# --- --sql cannot write (issue 13) ----------------------------------------------------------------
def _victim(db: DB) -> None:
    """The parcels as {schema}.dikuai_2026, a bystander {schema}.victim, and a volatile function that
    would empty it (and try to switch its transaction to READ WRITE first)."""
    load_parcels_sql(db, name="dikuai_2026")
    s = sql.Identifier(db.schema)
    db.conn.execute(sql.SQL("CREATE TABLE {}.victim (x int); INSERT INTO {}.victim VALUES (1), (2)").format(s, s))
    db.conn.execute(sql.SQL(
        "CREATE FUNCTION {}.wipe() RETURNS int VOLATILE LANGUAGE plpgsql AS $$ BEGIN "
        "PERFORM set_config('default_transaction_read_only', 'off', false); "
        "DELETE FROM {}.victim; RETURN 1; END $$").format(s, s))


ATTACKS = {
    # the attack: closes the subquery, COMMITs the read-only transaction, drops a table
    "commit and drop": ("SELECT * FROM {s}.dikuai_2026) AS a; COMMIT; DROP TABLE {s}.victim; "
                        "SELECT * FROM (SELECT * FROM {s}.dikuai_2026", "not valid SQL"),
    "two statements": ("SELECT * FROM {s}.dikuai_2026; DROP TABLE {s}.victim", "2 statements"),
    "commit": ("COMMIT", "must be a SELECT statement"),
    "set transaction": ("SET TRANSACTION READ WRITE", "must be a SELECT statement"),
    "set then drop": ("SET TRANSACTION READ WRITE; DROP TABLE {s}.victim", "2 statements"),
    "delete cte": ("WITH d AS (DELETE FROM {s}.victim RETURNING *) SELECT *, NULL::geometry AS g FROM d",
                   "data-modifying DELETE"),
    "insert cte in a subquery": ("SELECT * FROM {s}.dikuai_2026, (WITH i AS (INSERT INTO {s}.victim "
                                 "VALUES (3) RETURNING x) SELECT * FROM i) AS q", "data-modifying INSERT"),
    "update cte": ("WITH u AS (UPDATE {s}.victim SET x = 0 RETURNING *) SELECT * FROM {s}.dikuai_2026",
                   "data-modifying UPDATE"),
    "select into": ("SELECT * INTO {s}.copied FROM {s}.dikuai_2026", "creates a table"),
    "for update": ("SELECT * FROM {s}.dikuai_2026 FOR UPDATE", "locks rows"),
    "volatile function": ("SELECT *, {s}.wipe() AS w FROM {s}.dikuai_2026", r"\.wipe is not one of them"),
    "drop alone": ("DROP TABLE {s}.victim", "must be a SELECT statement"),
}


@pytest.mark.parametrize("case", list(ATTACKS))
def test_read_sql_cannot_write(db, case):
    _victim(db)
    query, message = ATTACKS[case]
    with pytest.raises(InputError, match=message) as info:
        read_parcels(db.url, sql=query.format(s=db.schema))
    assert "\n" not in str(info.value) and db.server.password not in str(info.value)
    assert db.count("victim") == 2 and db.count("dikuai_2026") == 7 and db.count("copied") is None


# --- --sql only reads, on any server (issue 24) --------------------------------------------------
def _conn_string(server: PostgresServer, user: str) -> str:
    """A libpq key=value string a dblink call inside the server could use (the role's own password)."""
    pw = server.superpassword if user == server.superuser else server.password
    return f"host=127.0.0.1 port={server.port} dbname={server.dbname} user={user} password={pw}"


@dataclass
class Hostile:
    db: DB
    markers: list  # paths on the server's machine an attack would create
    data_dir: object
    bystander: psycopg.Connection  # another session an attack would kill

    def state(self) -> dict:
        """What must not change: rows and a checksum of the tables, large objects, the data folder's top
        level, the marker paths, and the bystander session (alive, same backend)."""
        c, s = self.db.conn, sql.Identifier(self.db.schema)
        checksum = c.execute(sql.SQL("SELECT md5(string_agg(d::text, '|' ORDER BY fid)) FROM {}.dikuai_2026 d")
                             .format(s)).fetchone()[0]
        return {
            "victim": c.execute(sql.SQL("SELECT array_agg(x ORDER BY x) FROM {}.victim").format(s)).fetchone()[0],
            "dikuai": (self.db.count("dikuai_2026"), checksum),
            "tables": c.execute("SELECT count(*) FROM pg_class WHERE relnamespace = %s::regnamespace",
                                (self.db.schema,)).fetchone()[0],
            "large objects": c.execute("SELECT count(*) FROM pg_largeobject_metadata").fetchone()[0],
            "data dir": sorted(os.listdir(self.data_dir)),
            "markers": [os.path.exists(m) for m in self.markers],
            "bystander": self.bystander.execute("SELECT pg_backend_pid()").fetchone()[0],
            "read only default": c.execute("SHOW default_transaction_read_only").fetchone()[0],
        }


@pytest.fixture
def hostile(pg_server, db, tmp_path):
    """dblink and adminpack in the test database, the victim tables, a bystander session."""
    with pg_server.admin() as admin:
        admin.execute("CREATE EXTENSION IF NOT EXISTS dblink")
        if admin.execute("SELECT count(*) FROM pg_available_extensions WHERE name = 'adminpack'").fetchone()[0]:
            admin.execute("CREATE EXTENSION IF NOT EXISTS adminpack")  # PostgreSQL <= 16 ships it
    _victim(db)
    markers = [f"/tmp/landgis-pwned-{db.schema}-{i}" for i in range(3)]
    data_dir = pg_server.dir / "data"
    with psycopg.connect(pg_server.url(), autocommit=True) as bystander:
        yield Hostile(db, markers, data_dir, bystander)
    for m in markers:
        if os.path.exists(m):
            os.unlink(m)


SWEEP = {
    # query (as the sweep ran them), the name the refusal must give
    "dblink delete": ("SELECT v.*, d.x FROM {s}.dikuai_2026 v, dblink({conn}, "
                      "'DELETE FROM {s}.victim RETURNING x') AS d(x int)", "dblink"),
    "dblink_exec copy to program": ("SELECT *, dblink_exec({conn}, 'COPY (SELECT 1) TO PROGRAM ''touch {m0}''') "
                                    "FROM {s}.dikuai_2026", "dblink_exec"),
    "dblink_exec drop": ("SELECT *, dblink_exec({conn}, 'DROP TABLE {s}.victim') FROM {s}.dikuai_2026",
                         "dblink_exec"),
    "dblink_connect": ("SELECT *, dblink_connect('x', {conn}) FROM {s}.dikuai_2026", "dblink_connect"),
    "lo_export": ("SELECT *, lo_export(lo_from_bytea(0, 'pwned'), '{m1}') FROM {s}.dikuai_2026", "lo_"),
    "lo_import": ("SELECT *, lo_import('/etc/hostname') FROM {s}.dikuai_2026", "lo_import"),
    "pg_file_write": ("SELECT *, pg_file_write('pwned-{s}', 'x', false) FROM {s}.dikuai_2026", "pg_file_write"),
    "pg_file_write absolute": ("SELECT *, pg_file_write('{m2}', 'x', false) FROM {s}.dikuai_2026", "pg_file_write"),
    "pg_terminate_backend": ("SELECT *, pg_terminate_backend({pid}) FROM {s}.dikuai_2026", "pg_terminate_backend"),
    "pg_cancel_backend": ("SELECT *, pg_cancel_backend({pid}) FROM {s}.dikuai_2026", "pg_cancel_backend"),
    "set_config": ("SELECT *, set_config('default_transaction_read_only', 'off', false) FROM {s}.dikuai_2026",
                   "set_config"),
    "qualified dblink": ("SELECT v.*, d.x FROM {s}.dikuai_2026 v, public.dblink({conn}, "
                         "'DELETE FROM {s}.victim RETURNING x') AS d(x int)", "public.dblink"),
    "ROWS FROM": ("SELECT v.* FROM {s}.dikuai_2026 v, ROWS FROM (dblink_exec({conn}, "
                  "'DELETE FROM {s}.victim')) AS r", "dblink_exec"),
    "in a CTE": ("WITH d AS (SELECT dblink_exec({conn}, 'DELETE FROM {s}.victim')) "
                 "SELECT v.* FROM {s}.dikuai_2026 v, d", "dblink_exec"),
    "user function": ("SELECT *, {s}.wipe() FROM {s}.dikuai_2026", "wipe"),
    "nextval": ("SELECT *, nextval('{s}.dikuai_2026_fid_seq') FROM {s}.dikuai_2026", "nextval"),
}


@pytest.mark.parametrize("role", ["superuser", "ordinary"])
@pytest.mark.parametrize("case", list(SWEEP))
def test_sweep_refused_and_nothing_changes(pg_server, hostile, role, case):
    db = hostile.db
    user = pg_server.superuser if role == "superuser" else pg_server.user
    url = pg_server.url(user=user)
    query, name = SWEEP[case]
    pid = hostile.bystander.execute("SELECT pg_backend_pid()").fetchone()[0]
    text = query.format(s=db.schema, conn=sql.Literal(_conn_string(pg_server, user)).as_string(db.conn),
                        m0=hostile.markers[0], m1=hostile.markers[1], m2=hostile.markers[2], pid=pid)
    before = hostile.state()
    with pytest.raises(InputError, match=re.escape(name)) as info:
        read_parcels(url, sql=text)
    message = str(info.value)
    assert "nothing was run" in message and "\n" not in message
    assert pg_server.password not in message and pg_server.superpassword not in message
    assert hostile.state() == before
    assert before["victim"] == [1, 2] and not any(before["markers"])


def test_the_sweep_is_live_on_this_server(pg_server, hostile):
    """Without the guard, the same calls do what the issue says (so the refusals above are not vacuous):
    dblink deletes through its own connection from a read-only session, lo_export writes a server file."""
    db = hostile.db
    control = sql.Identifier(db.schema, "control")
    db.conn.execute(sql.SQL("CREATE TABLE {} (x int); INSERT INTO {} VALUES (1), (2)").format(control, control))
    with psycopg.connect(db.url, options="-c default_transaction_read_only=on") as conn:
        conn.read_only = True
        conn.execute(sql.SQL("SELECT * FROM dblink({}, {}) AS d(x int)").format(
            sql.Literal(_conn_string(pg_server, pg_server.user)),
            sql.Literal(f"DELETE FROM {db.schema}.control RETURNING x")), prepare=True).fetchall()
        conn.rollback()
    assert db.count("control") == 0  # committed by dblink's own session
    with pg_server.admin() as admin:
        oid = admin.execute("SELECT lo_from_bytea(0, 'x')").fetchone()[0]
    with psycopg.connect(pg_server.url(user=pg_server.superuser),
                         options="-c default_transaction_read_only=on") as conn:
        conn.read_only = True
        conn.execute("SELECT lo_export(%s, %s)", (oid, hostile.markers[1]))
        conn.rollback()
    with pg_server.admin() as admin:
        admin.execute("SELECT lo_unlink(%s)", (oid,))
    assert os.path.exists(hostile.markers[1])  # a file written by the server from a read-only session


def test_a_view_that_calls_dblink_is_refused(pg_server, hostile):
    """A view (and a view of it) whose query calls dblink: the text names no function, the catalog does."""
    db = hostile.db
    s = sql.Identifier(db.schema)
    db.conn.execute(sql.SQL("CREATE VIEW {}.evil AS SELECT v.*, d.x AS deleted FROM {}.dikuai_2026 v, "
                            "dblink({}, {}) AS d(x int)").format(
        s, s, sql.Literal(_conn_string(pg_server, pg_server.user)),
        sql.Literal(f"DELETE FROM {db.schema}.victim RETURNING x")))
    db.conn.execute(sql.SQL("CREATE VIEW {}.looks_fine AS SELECT * FROM {}.evil").format(s, s))
    db.conn.execute(sql.SQL("CREATE VIEW {}.fine AS SELECT fid, ST_Buffer(geom, 1) AS geom FROM {}.dikuai_2026 "
                            "WHERE geom && ST_MakeEnvelope(0, 0, 1e8, 1e8, 4525)").format(s, s))
    before = hostile.state()
    for view in ("evil", "looks_fine"):
        with pytest.raises(InputError, match=rf"reads {db.schema}\.evil, which calls the function public\.dblink"):
            read_parcels(db.url, sql=f"SELECT * FROM {db.schema}.{view}")
    assert hostile.state() == before
    # PostGIS functions and operators in a view are fine (the NULL and the empty geometry are in no box)
    assert len(read_parcels(db.url, sql=f"SELECT * FROM {db.schema}.fine")) == 5


def test_a_policy_that_calls_a_function_is_refused(pg_server, hostile):
    """Row-level security: the table's policy calls a user function that would delete (as in _victim)."""
    db = hostile.db
    s = sql.Identifier(db.schema)
    db.conn.execute(sql.SQL("CREATE TABLE {0}.guarded AS SELECT * FROM {0}.dikuai_2026; "
                            "ALTER TABLE {0}.guarded ENABLE ROW LEVEL SECURITY; "
                            "ALTER TABLE {0}.guarded FORCE ROW LEVEL SECURITY; "
                            "CREATE POLICY p ON {0}.guarded USING ({0}.wipe() = 1)").format(s))
    before = hostile.state()
    with pytest.raises(InputError, match=rf"reads {db.schema}\.guarded, which calls the function {db.schema}\.wipe"):
        read_parcels(db.url, sql=f"SELECT * FROM {db.schema}.guarded")
    assert hostile.state() == before


_SLOW = ("SELECT p.* FROM {s}.parcels p, generate_series(1, 100000000) AS g(i) "
         "ORDER BY md5(g.i::text) LIMIT 7")


def test_statement_timeout_stops_a_slow_query(db):
    load_parcels_sql(db)
    with pytest.raises(InputError, match=r"statement timeout.*--statement-timeout is 0\.5 s") as info:
        read_parcels(db.url, sql=_SLOW.format(s=db.schema), statement_timeout=0.5)
    assert "\n" not in str(info.value)
    assert len(read_parcels(db.url, sql=f"SELECT * FROM {db.schema}.parcels", statement_timeout=0.5)) == 7
    with pytest.raises(InputError, match="statement timeout must be"):
        read_parcels(db.url, layer=f"{db.schema}.parcels", statement_timeout=-1)
    with pytest.raises(InputError, match="pg_sleep is not one of them"):
        read_parcels(db.url, sql="SELECT pg_sleep(1000)")


def test_statement_timeout_is_set_for_the_session(db):
    """The session's own statement_timeout: the default 5 minutes, the option's value, over one in the URL."""
    from landgis.qa.pg_connect import STATEMENT_TIMEOUT, connect

    with connect(db.url, read_only=True, statement_timeout=STATEMENT_TIMEOUT) as conn:
        assert conn.execute("SHOW statement_timeout").fetchone()[0] == "5min"
    with connect(db.url + "?options=-c%20statement_timeout%3D0", read_only=True, statement_timeout=1.5) as conn:
        assert conn.execute("SHOW statement_timeout").fetchone()[0] == "1500ms"
        assert conn.execute("SHOW default_transaction_read_only").fetchone()[0] == "on"


def test_cli_statement_timeout(db, tmp_path):
    load_parcels_sql(db)
    args = ["qa", db.url, "--sql", _SLOW.format(s=db.schema), "--statement-timeout", "1s", "--out", str(tmp_path / "qa")]
    proc = _landgis(*args, "--lang", "en")
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "statement timeout" in proc.stderr and not (tmp_path / "qa").exists()
    zh = _landgis(*args)  # the server's English reason, said in Chinese
    assert zh.returncode == 2 and "语句超时，已被取消" in zh.stderr and "--statement-timeout 为 1 秒" in zh.stderr
    bad = _landgis("qa", db.url, "--layer", f"{db.schema}.parcels", "--statement-timeout", "soon")
    assert bad.returncode == 2 and "--statement-timeout" in bad.stderr


def test_sql_attack_through_the_cli_leaves_the_table(db, tmp_path):
    _victim(db)
    attack = ATTACKS["commit and drop"][0].format(s=db.schema)
    proc = _landgis("qa", db.url, "--sql", attack, "--out", str(tmp_path / "qa"))
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "--sql" in proc.stderr and "Traceback" not in proc.stderr
    assert db.count("victim") == 2 and not (tmp_path / "qa").exists()


def test_second_and_third_locks_hold_without_the_parser(db):
    """Even a query the parser let through could not write: the session is read-only by default, and
    the extended protocol (prepare=True, as read_parcels runs the query) refuses a second statement."""
    from landgis.qa.pg_connect import connect

    _victim(db)
    victim = f"{db.schema}.victim"
    with connect(db.url, read_only=True) as conn:
        assert conn.execute("SHOW default_transaction_read_only").fetchone()[0] == "on"
        with pytest.raises(psycopg.errors.SyntaxError, match="multiple commands"):
            conn.execute(f"SELECT 1; DROP TABLE {victim}", prepare=True)
        conn.rollback()
        conn.autocommit = True  # the simple protocol, statement by statement, after a COMMIT
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute(f"COMMIT; DROP TABLE {victim}")
    assert db.count("victim") == 2


def test_read_sql_keeps_a_trailing_comment_harmless(db):
    load_parcels_sql(db)
    gdf = read_parcels(db.url, sql=f"SELECT * FROM {db.schema}.parcels -- 全部地块;")
    assert len(gdf) == 7


def test_read_sql_without_geometry(db):
    with pytest.raises(InputError, match="no geometry column"):
        read_parcels(db.url, sql="SELECT 1 AS x")


def test_hostile_table_and_parcel_names_are_data(db):
    layer = load_parcels_sql(db, name=HOSTILE)
    db.conn.execute(sql.SQL("ALTER TABLE {} ADD COLUMN {} text DEFAULT {}").format(
        sql.Identifier(db.schema, HOSTILE), sql.Identifier(HOSTILE_COLUMN), sql.Literal(HOSTILE)))
    gdf = read_parcels(db.url, layer=layer)
    assert gdf.loc[5, "地块名称"] == HOSTILE and (gdf[HOSTILE_COLUMN] == HOSTILE).all()
    # an unquoted hostile name is one identifier too, never SQL
    with pytest.raises(InputError, match="no table"):
        read_parcels(db.url, layer=f"{db.schema}.x'); DROP TABLE {db.schema}.t; --")
    n = write_findings(gdf, db.url, f'{db.schema}."{HOSTILE}_out"')
    assert n == len(gdf)
    back = read_parcels(db.url, layer=f'{db.schema}."{HOSTILE}_out"')
    assert back["地块名称"].tolist() == gdf["地块名称"].tolist()
    assert (back[HOSTILE_COLUMN] == HOSTILE).all()
    assert db.count("t") == 1 and db.count(HOSTILE) == len(gdf)
    assert db.conn.execute("SELECT to_regclass('public.t')").fetchone()[0] is not None


# --- errors: one line, no password ------------------------------------------------------------
def _bad_urls(server: PostgresServer, db: DB) -> dict[str, tuple[str, str, str]]:
    """case → (url, layer, expected message part)."""
    return {
        "wrong password": (server.url(password="Secr3t-WRONG;pw"), f"{db.schema}.t",
                           "password authentication failed"),
        "unreachable host": (server.url(password="Secr3t-WRONG;pw", port=_closed_port()),
                             f"{db.schema}.t", "Connection refused"),
        "missing table": (server.url(), f"{db.schema}.nope", f"no table {db.schema}.nope"),
        "missing database": (server.url(dbname="nope"), f"{db.schema}.t", 'database "nope" does not exist'),
        "unknown host": ("postgresql://u:Secr3t@no-such-host.invalid/db", "t", "no-such-host.invalid"),
    }


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when we return: nothing listens there


@pytest.mark.parametrize("case", ["wrong password", "unreachable host", "missing table", "missing database",
                                  "unknown host"])
def test_errors_are_one_line_without_password(pg_server, db, case):
    url, layer, expected = _bad_urls(pg_server, db)[case]
    with pytest.raises(InputError) as info:
        read_parcels(url, layer=layer)
    text = str(info.value)
    assert expected in text and "\n" not in text
    assert "Secr3t" not in text and pg_server.password not in text
    assert "127.0.0.1" in text or case == "unknown host"
    if case != "missing table":  # write_findings creates its table: only connection errors apply
        with pytest.raises(LandgisError) as info:
            write_findings(gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(0, 0)], crs=4490), url,
                           f"{db.schema}.out")
        assert expected in str(info.value) and "\n" not in str(info.value)
        assert "Secr3t" not in str(info.value)


def test_redact_url():
    assert redact_url("postgresql://u:p%40ss@h:5432/db?sslmode=require") == \
        "postgresql://u:***@h:5432/db?sslmode=require"
    assert redact_url("postgres://u@h/db?password=x&application_name=a") == \
        "postgres://u@h/db?password=***&application_name=a"
    assert redact_url("host=h password='a b' dbname=d") == "host=h password='***' dbname=d"
    assert redact_url("postgresql://planner:Sec?ret99@h:5432/landuse") == "postgresql://planner:***@h:5432/landuse"
    assert redact_url("PostgreSQL://planner:Se/cret@h/db") == "postgresql://planner:***@h/db"
    assert redact_url("postgresql:///db") == "postgresql:///db"


@pytest.mark.parametrize("name, parts", [
    ("parcels", (None, "parcels")),
    ("public.parcels", ("public", "parcels")),
    ('"my.schema"."地块.2026"', ("my.schema", "地块.2026")),
    ('s."a""b"', ("s", 'a"b')),
    (HOSTILE, (None, HOSTILE)),
    ("s.a.b", ("s", "a.b")),
])
def test_split_table(name, parts):
    assert split_table(name) == parts


@pytest.mark.parametrize("name", ["", ".t", "s.", '"unterminated', '"a"b'])
def test_split_table_rejects(name):
    with pytest.raises(InputError):
        split_table(name)


def test_credentials_from_pgpassword_and_pgpass(pg_server, db, monkeypatch, tmp_path):
    load_parcels_sql(db)
    bare = pg_server.url(with_password=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    monkeypatch.setenv("PGPASSWORD", pg_server.password)
    assert len(read_parcels(bare, layer=f"{db.schema}.parcels")) == 7
    monkeypatch.delenv("PGPASSWORD")
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{pg_server.port}:*:{pg_server.user}:{pg_server.password}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    assert len(read_parcels(bare, layer=f"{db.schema}.parcels")) == 7
    monkeypatch.setenv("PGPASSWORD", "wrong-from-env")
    with pytest.raises(InputError) as info:
        read_parcels(pg_server.url(password="wrong-from-url"), layer=f"{db.schema}.parcels")
    assert "wrong-from" not in str(info.value)


# --- writing ----------------------------------------------------------------------------------
def _gk_frame(db: DB) -> gpd.GeoDataFrame:
    return read_parcels(db.url, layer=load_parcels_sql(db))


def test_write_creates_table_with_srid_and_gist_index(db):
    gdf = _gk_frame(db)
    assert write_findings(gdf, db.url, f"{db.schema}.qa_out") == 7
    srid, gtype = db.conn.execute(
        "SELECT srid, type FROM geometry_columns WHERE f_table_schema = %s AND f_table_name = 'qa_out'",
        (db.schema,)).fetchone()
    assert (srid, gtype) == (4525, "POLYGON")
    indexes = db.conn.execute("SELECT indexdef FROM pg_indexes WHERE schemaname = %s AND tablename = "
                              "'qa_out'", (db.schema,)).fetchall()
    assert any("USING gist (geom)" in i[0] for i in indexes)
    back = read_parcels(db.url, layer=f"{db.schema}.qa_out")
    assert back["地块名称"].tolist() == gdf["地块名称"].tolist()
    assert back.geometry.iloc[6].equals_exact(gdf.geometry.iloc[6], tolerance=1e-9)
    assert back.geometry.iloc[4] is None and back.geometry.iloc[3].is_empty


def test_write_refuses_existing_table_without_replace(db):
    gdf = _gk_frame(db)
    write_findings(gdf.iloc[:2], db.url, f"{db.schema}.qa_out")
    with pytest.raises(InputError, match=r"qa_out already exists; use --replace"):
        write_findings(gdf, db.url, f"{db.schema}.qa_out")
    assert db.count("qa_out") == 2
    assert write_findings(gdf, db.url, f"{db.schema}.qa_out", replace=True) == 7
    assert db.count("qa_out") == 7


def _poison(gdf: gpd.GeoDataFrame, how: str) -> gpd.GeoDataFrame:
    """The parcels with a value in the last row that fails on insert."""
    bad = gdf.copy()
    if how == "NUL in text":  # PostgreSQL text cannot hold NUL: psycopg refuses it while copying
        bad.loc[6, "地块名称"] = "坏\x00值"
    else:  # too big for bigint: the server rejects row 7 of the COPY
        bad["序号"] = pd.Series([*range(1, 7), 2**64], dtype=object)
    return bad


@pytest.mark.parametrize("how", ["NUL in text", "bigint overflow"])
def test_failed_write_leaves_nothing(db, how):
    gdf = _gk_frame(db)
    bad = _poison(gdf, how)
    with pytest.raises(InputError, match="failed at parcel row 7, nothing was written") as info:
        write_findings(bad, db.url, f"{db.schema}.qa_out")
    assert "\n" not in str(info.value)
    assert db.count("qa_out") is None  # not created, not half-filled
    # replacing an existing table: a failure leaves the old one exactly as it was
    write_findings(gdf.iloc[:3], db.url, f"{db.schema}.qa_out")
    with pytest.raises(InputError, match="nothing was written"):
        write_findings(bad, db.url, f"{db.schema}.qa_out", replace=True)
    back = read_parcels(db.url, layer=f"{db.schema}.qa_out")
    assert back["地块编号"].tolist() == ["DK-001", "DK-002", "DK-003"]


# --- QA: from the database = from a GeoPackage --------------------------------------------------
def _qa():
    from landgis.qa import qa

    return qa


def test_qa_findings_from_postgis_equal_geopackage(db, tmp_path):
    qa = _qa()
    from_db = read_parcels(db.url, layer=load_parcels_sql(db))
    rows = fixture_parcels()
    gpkg = tmp_path / "parcels.gpkg"
    file_gdf = gpd.GeoDataFrame(
        {"地块编号": [p["id"] for p in rows], "地块名称": [p["name"] for p in rows],
         "所属乡镇": [p["town"] for p in rows], "用地类型": [p["cat"] for p in rows],
         "面积（公顷）": [p["area"] for p in rows]},
        geometry=[shapely.from_wkt(p["wkt"]) if p["wkt"] else None for p in rows], crs=4525)
    file_gdf.to_file(gpkg, layer="parcels", driver="GPKG")
    r_db, r_file = qa(from_db), qa(gpkg)
    kinds = set(r_db.findings["kind"])
    assert {"township_mismatch", "invalid_geometry", "empty_geometry", "missing_geometry"} <= kinds
    cols = ["row", "parcel_id", "kind", "severity", "message", "township_declared", "township_found",
            "category", "figures"]
    a = r_db.findings[cols].reset_index(drop=True)
    b = r_file.findings[cols].reset_index(drop=True)
    assert a.astype(str).equals(b.astype(str)), f"\n{a}\n{b}"
    assert r_db.quota.astype(str).equals(r_file.quota.astype(str))

    # write-back: the QA parcels with their findings, in the source SRID
    n = write_findings(r_db, db.url, f"{db.schema}.qa_findings")
    assert n == len(r_db.parcels) == 7
    srid = db.conn.execute("SELECT srid FROM geometry_columns WHERE f_table_schema = %s AND "
                           "f_table_name = 'qa_findings'", (db.schema,)).fetchone()[0]
    assert srid == 4525
    back = read_parcels(db.url, layer=f"{db.schema}.qa_findings")
    assert back["worst_severity"].tolist() == r_db.parcels["worst_severity"].tolist()
    assert back["finding_kinds"].tolist() == r_db.parcels["finding_kinds"].tolist()
    assert "qa_messages" in back and back.loc[1, "qa_messages"]
    assert back.geometry.iloc[0].equals_exact(from_db.geometry.iloc[0], tolerance=1e-3)


# --- the command line -------------------------------------------------------------------------
def _landgis(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "landgis.cli", *args], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=120, env={**os.environ, **(env or {})})


@pytest.mark.parametrize("case", ["wrong password", "unreachable host", "missing table"])
def test_cli_errors_one_line(pg_server, db, case):
    url, layer, expected = _bad_urls(pg_server, db)[case]
    proc = _landgis("qa", url, "--layer", layer, "--lang", "en")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr and "Secr3t" not in proc.stderr + proc.stdout
    assert pg_server.password not in proc.stderr + proc.stdout


def test_cli_qa_from_postgis_with_write_back(pg_server, db, tmp_path):
    layer = load_parcels_sql(db)
    out = tmp_path / "qa"
    target = f"{db.schema}.qa_cli"
    args = ["qa", db.url, "--layer", layer, "--out", str(out), "--no-map", "--write-back", target]
    proc = _landgis(*args)
    assert proc.returncode == 0, proc.stderr
    assert pg_server.password not in proc.stdout + proc.stderr
    assert db.count("qa_cli") == 7
    assert db.conn.execute("SELECT srid FROM geometry_columns WHERE f_table_schema = %s AND "
                           "f_table_name = 'qa_cli'", (db.schema,)).fetchone()[0] == 4525
    again = _landgis(*args)
    assert again.returncode == 2 and "--replace" in again.stderr
    assert _landgis(*args, "--replace").returncode == 0


# --- passwords never printed (issue 13) -------------------------------------------------------
SECRET = "Sec?ret/99x"  # a '?' and a '/': both used to end libpq's user part in a naive parse
SECRET_FORMS = (SECRET, "Sec%3Fret%2F99x", "ret/99x", "Sec?ret")


@pytest.fixture
def planner(pg_server, db):
    """A login role whose password holds '?' and '/', allowed to read the test schema."""
    role = f"planner_{db.schema}"[:60]
    with pg_server.admin() as admin:
        admin.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(role), sql.Literal(SECRET)))
    db.conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(sql.Identifier(db.schema), sql.Identifier(role)))
    layer = load_parcels_sql(db)
    db.conn.execute(sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(
        sql.Identifier(db.schema), sql.Identifier(role)))
    yield role, layer
    db.conn.execute(sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {0} FROM {1}; REVOKE ALL ON SCHEMA {0} FROM {1}")
                    .format(sql.Identifier(db.schema), sql.Identifier(role)))
    with pg_server.admin() as admin:
        admin.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def _conninfo(server: PostgresServer, role: str, form: str, password: str = SECRET) -> str:
    where = f"127.0.0.1:{server.port}/{server.dbname}"
    return {
        "raw url": f"postgresql://{role}:{password}@{where}",
        "upper-case scheme": f"PostgreSQL://{role}:{password}@{where}",
        "key=value": (f"host=127.0.0.1 port={server.port} dbname={server.dbname} user={role} "
                      f"password='{password}'"),
    }[form]


def _leaks(proc: subprocess.CompletedProcess, folder, forms=SECRET_FORMS) -> list[str]:
    """Where a form of the password shows: stdout, stderr, or any output file (workbooks unzipped)."""
    import zipfile
    from pathlib import Path

    texts = {"stdout": proc.stdout, "stderr": proc.stderr}
    for path in Path(folder).rglob("*") if Path(folder).exists() else []:
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                data = b"".join(z.read(n) for n in z.namelist())
        texts[str(path)] = data.decode("utf-8", "replace")
    return [f"{where}: {form}" for where, text in texts.items() for form in forms if form in text]


@pytest.mark.parametrize("form", ["raw url", "upper-case scheme", "key=value"])
def test_password_never_printed_cli_qa(pg_server, db, planner, tmp_path, form):
    role, layer = planner
    url = _conninfo(pg_server, role, form)
    out = tmp_path / "qa"
    ok = _landgis("qa", url, "--layer", layer, "--out", str(out))
    assert ok.returncode == 0, ok.stderr  # the password with '?' and '/' reaches the server intact
    assert (out / "findings.xlsx").exists() and (out / "qa_map.html").exists()
    missing = _landgis("qa", url, "--layer", f"{db.schema}.nope", "--out", str(tmp_path / "x"), "--lang", "en")
    assert missing.returncode == 2 and "no table" in missing.stderr
    wrong = _landgis("qa", _conninfo(pg_server, role, form, password="Sec?ret/99x-WRONG"), "--layer", layer,
                     "--lang", "en")
    assert wrong.returncode == 2 and len(wrong.stderr.strip().splitlines()) == 1, wrong.stderr
    assert "password authentication failed" in wrong.stderr
    assert not _leaks(ok, out) + _leaks(missing, tmp_path / "x") + _leaks(wrong, tmp_path / "none")


def test_password_never_printed_cli_atlas_parcels(pg_server, db, planner, tmp_path):
    role, layer = planner
    url = _conninfo(pg_server, role, "upper-case scheme")
    out = tmp_path / "atlas"
    proc = _landgis("atlas", "--parcels", url, "--parcel-layer", layer, "--out", str(out), "--format", "png")
    assert proc.returncode == 0, proc.stderr
    assert (out / "qa" / "findings.xlsx").exists() and (out / "manifest.json").exists()
    assert not _leaks(proc, out)
    bad = _landgis("atlas", "--parcels", url.replace(SECRET, SECRET + "-WRONG"), "--parcel-layer", layer,
                   "--out", str(tmp_path / "atlas2"))
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1, bad.stderr
    assert not _leaks(bad, tmp_path / "atlas2") and not (tmp_path / "atlas2").exists()


# --- issue 24: a password with '@' then '/', '?' or '#' ------------------------------------------
AT_SECRET = "p@ss/wo?rd#9x"  # libpq alone would send 'p' to a host 'ss'
AT_FORMS = (AT_SECRET, "ss/wo", "wo?rd", "rd#9x", "p%40ss", "ss%2Fwo")


@pytest.fixture
def at_planner(pg_server, db):
    role = f"at_{db.schema}"[:60]
    with pg_server.admin() as admin:
        admin.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(role), sql.Literal(AT_SECRET)))
    db.conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(sql.Identifier(db.schema), sql.Identifier(role)))
    layer = load_parcels_sql(db)
    db.conn.execute(sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(
        sql.Identifier(db.schema), sql.Identifier(role)))
    yield role, layer
    db.conn.execute(sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {0} FROM {1}; REVOKE ALL ON SCHEMA {0} FROM {1}")
                    .format(sql.Identifier(db.schema), sql.Identifier(role)))
    with pg_server.admin() as admin:
        admin.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def test_password_with_at_slash_question_hash_reaches_the_server_and_is_never_printed(pg_server, db, at_planner,
                                                                                     tmp_path):
    role, layer = at_planner
    url = f"postgresql://{role}:{AT_SECRET}@127.0.0.1:{pg_server.port}/{pg_server.dbname}"
    qa_out, atlas_out = tmp_path / "qa", tmp_path / "atlas"
    ok = _landgis("qa", url, "--layer", layer, "--out", str(qa_out))
    assert ok.returncode == 0, ok.stderr  # the whole password reached the server
    atlas = _landgis("atlas", "--parcels", url, "--parcel-layer", layer, "--out", str(atlas_out), "--format", "png")
    assert atlas.returncode == 0, atlas.stderr
    assert f"{role}:***@127.0.0.1" in (atlas_out / "manifest.json").read_text(encoding="utf-8")
    sql_run = _landgis("qa", url, "--sql", f"SELECT * FROM {layer}", "--out", str(tmp_path / "qa_sql"), "--no-map")
    assert sql_run.returncode == 0, sql_run.stderr
    wrong = _landgis("qa", url.replace(AT_SECRET, AT_SECRET + "-WRONG"), "--layer", layer,
                     "--out", str(tmp_path / "wrong"), "--lang", "en")
    assert wrong.returncode == 2 and len(wrong.stderr.strip().splitlines()) == 1, wrong.stderr
    assert "password authentication failed" in wrong.stderr and "ss/wo" not in wrong.stderr
    leaks = (_leaks(ok, qa_out, AT_FORMS) + _leaks(atlas, atlas_out, AT_FORMS)
             + _leaks(sql_run, tmp_path / "qa_sql", AT_FORMS) + _leaks(wrong, tmp_path / "wrong", AT_FORMS))
    assert not leaks, leaks


def test_allow_list_against_the_catalog(pg_server, hostile):
    """On a real server with dblink and adminpack: the listed built-ins are the server's own and do not
    change anything (immutable or stable, but for four harmless volatile ones), no function of dblink or
    adminpack is listed, and the functions a row's attribute notation (``t.f`` = ``f(t)``) could reach
    off the list change nothing either."""
    from landgis.sqlnames import BUILTIN_FUNCTIONS, FUNCTIONS, OPERATORS, POSTGIS_FUNCTIONS

    c = hostile.db.conn
    rows = c.execute("SELECT proname, array_agg(DISTINCT provolatile) FROM pg_proc WHERE pronamespace = "
                     "'pg_catalog'::regnamespace AND proname = ANY(%s) GROUP BY 1", (list(BUILTIN_FUNCTIONS),)).fetchall()
    volatile = {name for name, kinds in rows if "v" in kinds}
    assert volatile == {"random", "gen_random_uuid", "clock_timestamp", "timeofday"}
    newer = BUILTIN_FUNCTIONS - {name for name, _ in rows}  # in PostgreSQL 16-18, not in this 15
    assert newer <= {"any_value", "date_add", "date_subtract", "erf", "erfc", "system_user"}, newer
    postgis = {r[0] for r in c.execute(
        "SELECT p.proname FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass "
        "JOIN pg_extension e ON e.oid = d.refobjid WHERE e.extname = 'postgis'")}
    assert {n for n in POSTGIS_FUNCTIONS if n.startswith("st_")} <= postgis
    extension_functions = {r[0] for r in c.execute(
        "SELECT p.proname FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass "
        "JOIN pg_extension e ON e.oid = d.refobjid WHERE e.extname IN ('dblink', 'adminpack')")}
    assert extension_functions and not extension_functions & FUNCTIONS
    operators = {r[0] for r in c.execute("SELECT DISTINCT oprname FROM pg_operator")}
    assert OPERATORS - operators <= {"!="}  # != is the parser's spelling of <>
    attribute_notation = c.execute(
        "SELECT p.proname, p.provolatile FROM pg_proc p JOIN pg_type t ON t.oid = p.proargtypes[0] "
        "WHERE p.pronargs >= 1 AND p.pronargs - p.pronargdefaults <= 1 "
        "AND (t.typtype IN ('c', 'p') AND t.typname IN ('record', 'anyelement', 'any', 'anynonarray', "
        "'anycompatible', 'anycompatiblenonarray') OR t.typtype = 'c')").fetchall()
    assert {name for name, kind in attribute_notation if name not in FUNCTIONS and kind == "v"} == set()
