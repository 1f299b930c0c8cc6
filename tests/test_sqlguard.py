"""landgis.sqlguard: one read-only SELECT that calls only allow-listed functions, operators and types.

Parser-level checks (no server): ordinary planners' queries pass; every hostile query of the issue-24
sweep, and the ways around a name check (quoted and qualified names, operators, casts, functions in
FROM, LATERAL, ROWS FROM, CTEs, subqueries, other statements), is refused in one line naming what it
calls. tests/test_postgis.py runs the same sweep against a real server with dblink and adminpack.
"""

from __future__ import annotations

import pytest

from landgis.errors import InputError
from landgis.sqlguard import check_select
from landgis.sqlnames import BUILTIN_FUNCTIONS, FUNCTIONS, OPERATORS, POSTGIS_FUNCTIONS, TYPES

ALLOWED = [
    "SELECT * FROM guotu.dikuai_2026",
    "SELECT fid, ST_Transform(geom, 4490) AS geom FROM guotu.dikuai WHERE ST_Area(geom) > 100",
    "SELECT d.*, t.name FROM guotu.dikuai d JOIN guotu.towns t ON ST_Intersects(d.geom, t.geom) "
    "WHERE d.用地类型 ILIKE '%住宅%' AND d.批准日期 BETWEEN '2025-01-01' AND '2025-12-31'",
    "WITH big AS (SELECT * FROM g.t WHERE ST_Area(geom::geography) > 1e4) SELECT * FROM big "
    "UNION ALL SELECT * FROM g.t WHERE id IN (1, 2, 3)",
    "SELECT id, geom, row_number() OVER (PARTITION BY town ORDER BY area DESC) AS n, "
    "count(*) FILTER (WHERE area > 1) OVER () AS c FROM g.t",
    "SELECT id, ST_SetSRID(ST_MakePoint(x, y), 4490) AS geom, to_char(d, 'YYYY-MM-DD'), "
    "extract(year FROM d), d AT TIME ZONE 'Asia/Shanghai', coalesce(a, b), nullif(a, ''), "
    "greatest(a, b), substring(name FROM 2 FOR 3), trim(both ' ' FROM name), attrs->>'批次', "
    "attrs @> '{\"a\": 1}', tags && ARRAY['x'], geom && ST_MakeEnvelope(0, 0, 1, 1, 4490), "
    "geom <-> 'SRID=4490;POINT(0 0)'::geometry, 'POINT(0 0)'::geometry(Point, 4490), "
    "'guotu.t'::regclass, x::numeric(12, 4), CAST(y AS double precision) FROM g.t",
    "SELECT * FROM g.t, LATERAL (SELECT ST_Dump(geom)) AS d, generate_series(1, 3) AS s(i)",
    "SELECT * FROM g.t TABLESAMPLE BERNOULLI (10)",
    "SELECT geom FROM g.t WHERE (SELECT max(a) FROM g.u) > 1 AND x = ANY (SELECT y FROM g.u)",
    "VALUES (1, 'POINT(0 0)'::geometry)",
    "TABLE guotu.dikuai",
    "SELECT pg_catalog.upper(a), public.ST_X(geom), public.st_y(geom) FROM g.t",
    "SELECT a OPERATOR(pg_catalog.+) 1 FROM g.t",
]


@pytest.mark.parametrize("query", ALLOWED)
def test_ordinary_queries_pass(query):
    assert check_select(query + ";\n") == query


REFUSED = {
    # the sweep: connections, files, large objects, backends, configuration
    "dblink delete": ("SELECT * FROM dblink('dbname=landuse', 'DELETE FROM guotu.t RETURNING x') AS d(x int), "
                      "guotu.dikuai", "dblink"),
    "dblink_exec copy to program": ("SELECT dblink_exec('dbname=landuse', 'COPY (SELECT 1) TO PROGRAM ''id''')",
                                    "dblink_exec"),
    "dblink_connect": ("SELECT dblink_connect('c', 'dbname=landuse')", "dblink_connect"),
    "lo_export": ("SELECT lo_export(lo_from_bytea(0, 'x'), '/tmp/pwned')", "lo_export"),
    "lo_import": ("SELECT lo_import('/etc/passwd')", "lo_import"),
    "pg_file_write": ("SELECT pg_file_write('pwned', 'x', false)", "pg_file_write"),
    "pg_read_file": ("SELECT pg_read_file('/etc/passwd')", "pg_read_file"),
    "pg_read_binary_file": ("SELECT pg_read_binary_file('postgresql.conf')", "pg_read_binary_file"),
    "pg_ls_dir": ("SELECT * FROM pg_ls_dir('.')", "pg_ls_dir"),
    "pg_stat_file": ("SELECT pg_stat_file('postgresql.conf')", "pg_stat_file"),
    "pg_terminate_backend": ("SELECT pg_terminate_backend(pid) FROM pg_stat_activity", "pg_terminate_backend"),
    "pg_cancel_backend": ("SELECT pg_cancel_backend(1)", "pg_cancel_backend"),
    "set_config": ("SELECT set_config('default_transaction_read_only', 'off', false)", "set_config"),
    "current_setting": ("SELECT current_setting('data_directory')", "current_setting"),
    "pg_sleep": ("SELECT pg_sleep(1000)", "pg_sleep"),
    "nextval": ("SELECT nextval('guotu.seq')", "nextval"),
    "setval": ("SELECT setval('guotu.seq', 1)", "setval"),
    "currval": ("SELECT currval('guotu.seq')", "currval"),
    "query_to_xml": ("SELECT query_to_xml('SELECT dblink_exec(''x'', ''y'')', true, true, '')", "query_to_xml"),
    "advisory lock": ("SELECT pg_advisory_lock(1)", "pg_advisory_lock"),
    "pg_notify": ("SELECT pg_notify('c', 'x')", "pg_notify"),
    "txid_current": ("SELECT txid_current()", "txid_current"),
    "postgis management": ("SELECT AddGeometryColumn('t', 'g', 4326, 'POINT', 2)", "addgeometrycolumn"),
    "unknown user function": ("SELECT guotu.wipe()", "guotu.wipe"),
    # ways around a name check
    "qualified dblink": ("SELECT * FROM pg_catalog.dblink('x', 'y') AS d(x int)", "pg_catalog.dblink"),
    "public dblink": ("SELECT public.dblink_exec('x', 'y')", "public.dblink_exec"),
    "PostGIS name in another schema": ("SELECT evil.st_x(geom) FROM g.t", "evil.st_x"),
    "quoted upper case": ('SELECT "ST_X"(geom) FROM g.t', "ST_X"),
    "quoted dblink": ('SELECT * FROM "dblink"(\'x\', \'y\') AS d(x int)', "dblink"),
    "three-part name": ("SELECT landuse.public.st_x(geom) FROM g.t", "landuse.public.st_x"),
    "control character in a name": ('SELECT "\x1b[31mx"(1)', r"'\x1b[31mx'"),
    "in FROM": ("SELECT * FROM lo_export(1, '/tmp/x')", "lo_export"),
    "ROWS FROM": ("SELECT * FROM ROWS FROM (generate_series(1, 2), pg_ls_dir('.')) AS r", "pg_ls_dir"),
    "LATERAL": ("SELECT * FROM g.t, LATERAL dblink('x', 'y') AS d(x int)", "dblink"),
    "CTE": ("WITH k AS (SELECT pg_terminate_backend(1)) SELECT * FROM k", "pg_terminate_backend"),
    "scalar subquery": ("SELECT (SELECT set_config('a.b', 'c', false))", "set_config"),
    "EXISTS": ("SELECT 1 WHERE EXISTS (SELECT lo_unlink(1))", "lo_unlink"),
    "window": ("SELECT row_number() OVER (ORDER BY pg_backend_pid())", "pg_backend_pid"),
    "aggregate filter": ("SELECT count(*) FILTER (WHERE pg_sleep(1) IS NULL) FROM g.t", "pg_sleep"),
    "ORDER BY": ("SELECT * FROM g.t ORDER BY pg_reload_conf()", "pg_reload_conf"),
    "VALUES": ("VALUES (dblink_exec('x', 'y'))", "dblink_exec"),
    "set operation": ("SELECT 1 UNION SELECT lo_create(0)", "lo_create"),
    "default argument of a cast": ("SELECT CAST(pg_read_file('x') AS text)", "pg_read_file"),
    "custom operator": ("SELECT a === b FROM g.t", "==="),
    "qualified operator": ("SELECT a OPERATOR(evil.+) b FROM g.t", "evil.+"),
    "operator in ANY": ("SELECT 1 WHERE 1 === ANY (SELECT 1)", "==="),
    "cast to a user type": ("SELECT 'x'::guotu.evil", "guotu.evil"),
    "typed literal of a user type": ("SELECT evil 'x'", "evil"),
    "column definition of a user type": ("SELECT * FROM json_to_record('{}') AS r(a guotu.evil)", "guotu.evil"),
    "tablesample method": ("SELECT * FROM g.t TABLESAMPLE system_rows(10)", "system_rows"),
    "XML": ("SELECT xmlparse(document '<!DOCTYPE x SYSTEM \"file:///etc/passwd\"><x/>')", "XML"),
    "XMLTABLE": ("SELECT * FROM XMLTABLE('/a' PASSING '<a/>' COLUMNS x int)", "XMLTABLE"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_refused_in_one_line_naming_what(case):
    query, name = REFUSED[case]
    with pytest.raises(InputError) as info:
        check_select(query)
    message = str(info.value)
    assert name in message and "nothing was run" in message and "\n" not in message, message
    assert "\x1b" not in message


STATEMENTS = {
    "CALL": "CALL guotu.wipe()",
    "DO": "DO $$ BEGIN PERFORM dblink_exec('x', 'y'); END $$",
    "EXPLAIN ANALYZE": "EXPLAIN ANALYZE SELECT dblink_exec('x', 'y')",
    "SET": "SET default_transaction_read_only = off",
    "SET ROLE": "SET ROLE postgres",
    "RESET": "RESET ALL",
    "LOCK": "LOCK TABLE guotu.dikuai",
    "NOTIFY": "NOTIFY c",
    "LISTEN": "LISTEN c",
    "COPY TO PROGRAM": "COPY guotu.dikuai TO PROGRAM 'id'",
    "COPY FROM": "COPY guotu.dikuai FROM '/etc/passwd'",
    "PREPARE": "PREPARE p AS SELECT 1",
    "DECLARE": "DECLARE c CURSOR FOR SELECT 1",
    "CREATE": "CREATE TABLE x AS SELECT 1",
    "VACUUM": "VACUUM",
}


@pytest.mark.parametrize("case", list(STATEMENTS))
def test_other_statements_refused(case):
    with pytest.raises(InputError, match="must be a SELECT statement") as info:
        check_select(STATEMENTS[case])
    assert "\n" not in str(info.value)


def test_allow_list_leaves_out_the_dangerous_families():
    for name in FUNCTIONS:
        assert not name.startswith(("dblink", "lo_", "pg_file", "pg_read", "pg_ls", "pg_stat", "pg_terminate",
                                    "pg_cancel", "pg_sleep", "pg_advisory", "pg_notify", "set_config",
                                    "current_setting", "nextval", "currval", "setval", "query_to", "table_to",
                                    "cursor_to", "ts_stat", "addgeometry", "drop", "update", "populate",
                                    "postgis_extensions")), name
    assert BUILTIN_FUNCTIONS and POSTGIS_FUNCTIONS and OPERATORS and TYPES
    assert all(n == n.lower() for n in FUNCTIONS | OPERATORS | TYPES)
