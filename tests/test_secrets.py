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
