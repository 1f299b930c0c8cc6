"""landgis.secrets: passwords found by parsing libpq URLs and key=value strings, and kept out of every message."""

from __future__ import annotations

import subprocess
import sys

import pytest
from psycopg.conninfo import conninfo_to_dict

from landgis.secrets import display, is_conninfo, normalize, redact

FORMS = {
    # form: (connection string as typed, the password libpq must receive, how it is shown)
    "question mark": ("postgresql://planner:Sec?ret99@127.0.0.1:5432/landuse", "Sec?ret99",
                      "postgresql://planner:***@127.0.0.1:5432/landuse"),
    "slash": ("postgresql://planner:Sec/ret99@127.0.0.1/landuse", "Sec/ret99",
              "postgresql://planner:***@127.0.0.1/landuse"),
    "at sign": ("postgres://planner:p@ssw0rd@gis-db/landuse", "p@ssw0rd", "postgres://planner:***@gis-db/landuse"),
    "upper-case scheme": ("PostgreSQL://planner:Upper99x@gis-db/landuse", "Upper99x",
                          "postgresql://planner:***@gis-db/landuse"),
    "percent-encoded": ("postgresql://planner:Se%2Fcret9@gis-db/landuse", "Se/cret9",
                        "postgresql://planner:***@gis-db/landuse"),
    "query parameter": ("postgresql://planner@gis-db/landuse?sslmode=require&password=Qu3ry%26pw",
                        "Qu3ry&pw", "postgresql://planner@gis-db/landuse?sslmode=require&password=***"),
    "key=value": ("host=gis-db dbname=landuse user=planner password='K v\\'pw9'", "K v'pw9",
                  "host=gis-db dbname=landuse user=planner password='***'"),
    # issue 24: '@' followed by '/' or '?' in the password; '#'
    "at and slash": ("postgresql://atuser:p@ss/word9@gis-db/landuse", "p@ss/word9",
                     "postgresql://atuser:***@gis-db/landuse"),
    "at, question mark, hash": ("postgresql://atuser:p@ss?wo#rd@gis-db:5433/landuse?sslmode=prefer",
                                "p@ss?wo#rd", "postgresql://atuser:***@gis-db:5433/landuse?sslmode=prefer"),
    "at before several hosts": ("postgresql://atuser:a@b/c@h1:5432,h2:5433/landuse", "a@b/c",
                                "postgresql://atuser:***@h1:5432,h2:5433/landuse"),
    "sslpassword in the query": ("postgresql://planner:Pw0rd-x@gis-db/landuse?sslpassword=Ssl-Secret9",
                                 "Pw0rd-x", "postgresql://planner:***@gis-db/landuse?sslpassword=***"),
    "blanks around =": ("host = gis-db  dbname = landuse  password = 'Bl ank9'", "Bl ank9",
                        "host = gis-db  dbname = landuse  password = '***'"),
}


@pytest.mark.parametrize("form", list(FORMS))
def test_password_is_parsed_as_libpq_reads_it_and_never_shown(form):
    typed, password, shown = FORMS[form]
    assert is_conninfo(typed)
    assert conninfo_to_dict(normalize(typed))["password"] == password  # what the server will get
    assert display(typed) == shown
    message = f"cannot connect to {typed}: password {password!r} rejected for {password}"
    cleaned = redact(message)
    assert password not in cleaned and password.replace("/", "%2F") not in cleaned
    assert cleaned.count("***") >= 2


def test_not_connection_strings():
    assert not is_conninfo("parcels.gpkg") and not is_conninfo("地块=2026.csv") and not is_conninfo(None)
    assert normalize("postgresql://gis-db/landuse") == "postgresql://gis-db/landuse"
    assert display("postgresql:///landuse") == "postgresql:///landuse"


@pytest.mark.slow  # runs the landgis command in a new process
def test_the_command_redacts_its_own_output():
    """Whatever prints the connection string (here: the 'no such file' path of another command)."""
    url = "PostgreSQL://planner:Str3am?pw/x@127.0.0.1:1/landuse"
    proc = subprocess.run([sys.executable, "-m", "landgis.cli", "plan", url], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=120)
    assert proc.returncode == 2 and "Str3am" not in proc.stdout + proc.stderr and "***" in proc.stderr


def test_libpq_itself_would_cut_such_a_password():
    """Why landgis reads the user part itself: libpq stops at the first '@' (a host 'ss')."""
    url = "postgresql://atuser:p@ss/word9@gis-db/landuse"
    assert conninfo_to_dict(url)["host"] == "ss"
    assert conninfo_to_dict(normalize(url)) == {"user": "atuser", "password": "p@ss/word9", "host": "gis-db",
                                                "dbname": "landuse"}


def test_an_at_sign_in_the_query_or_a_user_without_password_is_libpqs():
    for url, user in [("postgresql://u@gis-db/db?application_name=a@b", "u"),
                      ("postgresql://u:pw9x@gis-db/db?application_name=a@b", "u")]:
        params = conninfo_to_dict(normalize(url))
        assert params["host"] == "gis-db" and params["user"] == user and params["application_name"] == "a@b"


MISSPELT = {
    # libpq refuses these; they are still connection strings, and the password-like values are hidden
    "dbnmae": ("dbnmae=landuse host=gis-db user=planner password=Pl?an/ner", "Pl?an/ner",
               "dbnmae=*** host=gis-db user=planner password=***"),
    "passwd": ("host=gis-db dbname=landuse passwd=Pl?an/ner", "Pl?an/ner", "host=gis-db dbname=landuse passwd=***"),
    "connect_timout": ("host=gis-db connect_timout=10 password='Pl an/ner'", "Pl an/ner",
                       "host=gis-db connect_timout=*** password='***'"),
    "pasword": ("host=gis-db pasword=Pl?an/ner dbname=landuse", "Pl?an/ner", "host=gis-db pasword=*** dbname=landuse"),
    "open quote": ("host=gis-db password='Pl?an/ner", "Pl?an/ner", "host=gis-db password='***"),
    "no =": ("host=gis-db dbname=landuse password Pl?an/ner", "Pl?an/ner",
             "host=gis-db dbname=landuse password ***"),
    "misspelt URL query key": ("postgresql://planner@gis-db/landuse?passwd=Pl%3Fan", "Pl?an",
                               "postgresql://planner@gis-db/landuse?passwd=***"),
}


@pytest.mark.parametrize("form", list(MISSPELT))
def test_misspelt_keys_still_hide_the_password(form):
    typed, password, shown = MISSPELT[form]
    assert is_conninfo(typed)
    with pytest.raises(Exception):
        conninfo_to_dict(normalize(typed))  # libpq refuses it: the error path must not echo it
    assert display(typed) == shown
    assert password not in redact(f"no such file: {typed} ({password})")


@pytest.mark.slow  # runs the landgis command in 14 new processes
def test_the_command_never_echoes_a_misspelt_conninfo(tmp_path):
    out_dir = str(tmp_path / "never")
    for typed, password, _ in MISSPELT.values():
        for args in (["qa", typed, "--out", out_dir], ["atlas", "--parcels", typed, "--out", out_dir]):
            proc = subprocess.run([sys.executable, "-m", "landgis.cli", *args], capture_output=True, text=True,
                                  stdin=subprocess.DEVNULL, timeout=120)
            out = proc.stdout + proc.stderr
            assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
            assert password not in out and password.replace("?", "%3F") not in out, out
            assert "***" in out and not (tmp_path / "never").exists()
