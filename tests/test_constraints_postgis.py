"""Constraint layers (三区三线) read from a real PostgreSQL/PostGIS server, like parcels: a table or one checked
SELECT, read-only, the password never shown (the ``pg_server``/``db`` fixtures of tests/test_postgis.py)."""

from __future__ import annotations

import csv
import subprocess
import sys

import pandas as pd
import pytest
from psycopg import sql
from test_constraints import GK38, site  # noqa: F401 - the 三区三线 layers and five parcels
from test_postgis import SECRET, _conninfo, _leaks, db, pg_server, planner  # noqa: F401 - fixtures

from landgis.errors import InputError
from landgis.qa import qa

pytestmark = pytest.mark.slow  # a real PostgreSQL/PostGIS server


def _load_layer(db, name: str, gdf) -> str:
    """SCHEMA.name holding ``gdf``'s polygons (Gauss-Krüger zone 38 with the prefix) and its id field."""
    ident = sql.Identifier(db.schema, name)
    idcol = "JBNTTBBH" if "JBNTTBBH" in gdf else "BSM"
    db.conn.execute(sql.SQL("CREATE TABLE {} (fid serial PRIMARY KEY, {} text, geom geometry(Polygon, {}))").format(
        ident, sql.Identifier(idcol.lower()), sql.Literal(GK38)))
    with db.conn.cursor() as cur:
        cur.executemany(sql.SQL("INSERT INTO {} ({}, geom) VALUES (%s, ST_GeomFromText(%s, {}))").format(
            ident, sql.Identifier(idcol.lower()), sql.Literal(GK38)),
            [(str(v), g.wkt) for v, g in zip(gdf[idcol], gdf.geometry)])
    return f"{db.schema}.{name}"


@pytest.fixture
def stored(db, site):  # noqa: F811
    return {"永久基本农田": _load_layer(db, "yjjbnt", site["layers"]["永久基本农田"]),
            "生态保护红线": _load_layer(db, "stbhhx", site["layers"]["生态保护红线"])}


def _areas(result) -> pd.Series:
    t = result.constraints.set_index(["parcel_id", "constraint"])
    return t["overlap_m2"].sort_index()


def test_layers_from_a_table_and_a_query_give_the_files_areas(db, stored, site, towns):  # noqa: F811
    from_files = qa(site["parcels"], towns, plan=False, county="441882", constraint_folder=site["folder"])
    r = qa(site["parcels"], towns, plan=False, county="441882", constraints={
        "永久基本农田": (db.url, stored["永久基本农田"]),
        "生态保护红线": {"source": db.url, "sql": f"SELECT bsm, geom FROM {stored['生态保护红线']} WHERE bsm = '1'"},
        "城镇开发边界": str(site["folder"] / "CZKFBJ.shp")})
    pd.testing.assert_series_equal(_areas(r), _areas(from_files), rtol=1e-9)
    t = r.constraints.set_index(["parcel_id", "constraint"])
    assert t.loc[("P2", "永久基本农田"), "features"] == from_files.constraints.set_index(
        ["parcel_id", "constraint"]).loc[("P2", "永久基本农田"), "features"]  # JBNTTBBH ids, from the table
    assert r.constraint_layers["永久基本农田"].crs.to_epsg() == GK38
    src = r.summary["constraints"]["永久基本农田"]["layer"]
    assert src.endswith(f"{stored['永久基本农田']} (SRID {GK38})") and db.server.password not in src
    assert set(r.findings["kind"]) >= {"constraint_overlap", "outside_constraint"}


def test_query_is_guarded_and_read_only(db, stored, site, towns):  # noqa: F811
    for bad in (f"DELETE FROM {stored['永久基本农田']}", f"SELECT 1; DROP TABLE {stored['永久基本农田']}"):
        with pytest.raises(InputError):
            qa(site["parcels"], towns, plan=False, county="441882",
               constraints={"永久基本农田": {"source": db.url, "sql": bad}})
    assert db.count("yjjbnt") == 1600
    with pytest.raises(InputError, match="postgresql:// URL"):
        qa(site["parcels"], towns, plan=False, county="441882",
           constraints={"永久基本农田": {"source": str(site["folder"] / "YJJBNT.shp"), "sql": "SELECT 1"}})


def test_cli_reads_a_layer_from_postgis_without_showing_the_password(pg_server, db, planner, stored, site,  # noqa: F811
                                                                      tmp_path):
    role, _ = planner
    db.conn.execute(sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(
        sql.Identifier(db.schema), sql.Identifier(role)))
    url = _conninfo(pg_server, role, "raw url")
    out = tmp_path / "qa"
    proc = subprocess.run([sys.executable, "-m", "landgis.cli", "qa", str(site["parcels"]), "--no-plan",
                           "--county", "441882", "--constraint", f"永久基本农田={url}",
                           "--constraint-table", f"永久基本农田={stored['永久基本农田']}",
                           "--constraint", f"生态保护红线={url}",
                           "--constraint-sql", f"生态保护红线=SELECT * FROM {stored['生态保护红线']}",
                           "--out", str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    with open(out / "constraints.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["管控图层"] for r in rows} == {"永久基本农田", "生态保护红线"}
    assert _leaks(proc, out) == []
    # a wrong password: one line, exit 2, no password
    bad = _conninfo(pg_server, role, "raw url", password="Wr0ng?pass/x")
    proc = subprocess.run([sys.executable, "-m", "landgis.cli", "qa", str(site["parcels"]), "--no-plan",
                           "--county", "441882", "--constraint", f"永久基本农田={bad}",
                           "--constraint-table", f"永久基本农田={stored['永久基本农田']}",
                           "--out", str(tmp_path / "bad"), "--lang", "en"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "password authentication failed" in proc.stderr
    assert "Wr0ng" not in proc.stderr + proc.stdout and not (tmp_path / "bad").exists()


def test_cli_table_needs_a_database_source(site, tmp_path):  # noqa: F811
    proc = subprocess.run([sys.executable, "-m", "landgis.cli", "qa", str(site["parcels"]), "--no-plan",
                           "--county", "441882", "--constraint", f"永久基本农田={site['folder'] / 'YJJBNT.shp'}",
                           "--constraint-table", "永久基本农田=gis.yjjbnt", "--out", str(tmp_path / "x")],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "--constraint 永久基本农田=postgresql://" in proc.stderr
