"""A throwaway PostgreSQL + PostGIS server for the test session.

:class:`PostgresServer` runs ``initdb`` into a temporary folder, starts ``postgres`` listening on
127.0.0.1 only, on a free port (its unix socket stays in the temporary folder), with password
(SCRAM-SHA-256) authentication for every connection, creates a test role and a database with the
``postgis`` extension, and on :meth:`stop` shuts the server down and removes the folder.

As root (CI) the server binaries run as the ``postgres`` user (PostgreSQL refuses to run as root);
as any other user they run as that user. Nothing here reads stdin.

If the server binaries or the PostGIS extension are missing, :class:`PostgresServer` raises
:class:`ServerUnavailable` with the Debian packages to install (``tests/setup.sh`` installs them).
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

__all__ = ["PostgresServer", "ServerUnavailable", "find_bindir"]

SETUP_HINT = "install the Debian packages postgresql and postgresql-15-postgis-3 (bash tests/setup.sh)"


class ServerUnavailable(RuntimeError):
    """The PostgreSQL server binaries or the PostGIS extension are not installed."""


def find_bindir() -> Path:
    """The folder with ``initdb``/``pg_ctl``/``postgres``: ``$LANDGIS_PG_BINDIR``, else the newest
    ``/usr/lib/postgresql/<version>/bin`` (Debian), else the folder of ``initdb`` on ``PATH``."""
    candidates = []
    if os.environ.get("LANDGIS_PG_BINDIR"):
        candidates.append(Path(os.environ["LANDGIS_PG_BINDIR"]))
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                    key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0,
                    reverse=True)
    candidates += [Path(p) for p in debian]
    if shutil.which("initdb"):
        candidates.append(Path(shutil.which("initdb")).parent)
    for c in candidates:
        if all((c / exe).is_file() for exe in ("initdb", "pg_ctl", "postgres")):
            return c
    raise ServerUnavailable(f"PostgreSQL server binaries (initdb, pg_ctl, postgres) not found "
                            f"in /usr/lib/postgresql/*/bin or on PATH: {SETUP_HINT}")


def _world_traversable(path: Path) -> bool:
    """Whether another user (``postgres``) can reach ``path``'s contents."""
    p = path.resolve()
    return all(os.stat(d).st_mode & 0o001 for d in (p, *p.parents))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """A PostgreSQL cluster in a temporary folder, on 127.0.0.1.

    Attributes
    ----------
    port : int
    user, password, dbname : str
        The test role (not a superuser, owner of ``dbname``) and its password.
    superuser, superpassword : str
        The cluster's superuser, for setup only.
    """

    def __init__(self, *, user: str = "landgis_test", dbname: str = "landgis_test") -> None:
        self.bindir = find_bindir()
        version = self._version()
        ext = Path(f"/usr/share/postgresql/{version}/extension/postgis.control")
        sharedir = self._pg_config("--sharedir")
        if sharedir:
            ext = Path(sharedir) / "extension" / "postgis.control"
        if not ext.is_file():
            raise ServerUnavailable(f"the PostGIS extension for PostgreSQL {version} is not installed "
                                    f"({ext} missing): {SETUP_HINT}")
        self.user, self.dbname = user, dbname
        self.password = "pw-" + secrets.token_urlsafe(12)
        self.superuser, self.superpassword = "postgres", "su-" + secrets.token_urlsafe(12)
        self.port = 0
        self.dir: Path | None = None
        self._runas: str | None = None
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError as exc:
                raise ServerUnavailable(f"running as root but there is no 'postgres' user to run the "
                                        f"server as: {SETUP_HINT}") from exc
            self._runas = "postgres"

    # --- helpers ------------------------------------------------------------------------------
    def _version(self) -> str:
        out = subprocess.run([str(self.bindir / "postgres"), "--version"], capture_output=True,
                             text=True, check=True, stdin=subprocess.DEVNULL).stdout
        return out.split()[-1].split(".")[0]

    def _pg_config(self, flag: str) -> str | None:
        exe = self.bindir / "pg_config"
        if not exe.is_file():
            return None
        return subprocess.run([str(exe), flag], capture_output=True, text=True,
                              stdin=subprocess.DEVNULL).stdout.strip() or None

    def _run(self, *cmd: str) -> subprocess.CompletedProcess:
        argv = [str(self.bindir / cmd[0]), *cmd[1:]]
        if self._runas:
            argv = ["runuser", "-u", self._runas, "--", *argv]
        # PG* variables of the caller (PGDATA, PGPORT …) must not steer the throwaway cluster
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        proc = subprocess.run(argv, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                              cwd=self.dir, env={**env, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"})
        if proc.returncode != 0:
            log = ""
            if self.dir and (self.dir / "server.log").exists():
                log = "\n--- server.log ---\n" + (self.dir / "server.log").read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{' '.join(cmd[:2])} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}{log}")
        return proc

    def url(self, *, user: str | None = None, password: str | None = None, dbname: str | None = None,
            port: int | None = None, with_password: bool = True) -> str:
        """A ``postgresql://`` URL for the test role (or another), with its password by default."""
        user = user or self.user
        if with_password:
            pw = password if password is not None else (
                self.superpassword if user == self.superuser else self.password)
            auth = f"{quote(user, safe='')}:{quote(pw, safe='')}@"
        else:
            auth = f"{quote(user, safe='')}@"
        return f"postgresql://{auth}127.0.0.1:{port or self.port}/{dbname or self.dbname}"

    def admin(self):
        """A psycopg connection (autocommit) to the test database as the superuser."""
        import psycopg

        return psycopg.connect(self.url(user=self.superuser), autocommit=True)

    # --- life cycle ---------------------------------------------------------------------------
    def start(self) -> "PostgresServer":
        """initdb, start on 127.0.0.1:<free port>, create the test role, database and postgis."""
        parent = Path(tempfile.gettempdir())
        if self._runas and not _world_traversable(parent):
            parent = Path("/tmp")  # the postgres user cannot reach e.g. a TMPDIR under /root
        self.dir = Path(tempfile.mkdtemp(prefix="landgis-pg-", dir=parent))
        atexit.register(self.stop)  # should the session die without running its fixture teardown
        data = self.dir / "data"
        pwfile = self.dir / "superpw"
        pwfile.write_text(self.superpassword + "\n")
        if self._runas:
            pw = pwd.getpwnam(self._runas)
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            os.chown(pwfile, pw.pw_uid, pw.pw_gid)
        os.chmod(self.dir, 0o700)
        os.chmod(pwfile, 0o600)
        self._run("initdb", "-D", str(data), "-U", self.superuser, f"--pwfile={pwfile}",
                  "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions")
        pwfile.unlink()
        self.port = _free_port()
        conf = (
            "listen_addresses = '127.0.0.1'\n"
            f"port = {self.port}\n"
            f"unix_socket_directories = '{self.dir}'\n"
            "password_encryption = 'scram-sha-256'\n"
            "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
            "max_connections = 30\nshared_buffers = 32MB\n"
        )
        with open(data / "postgresql.conf", "a", encoding="utf-8") as f:
            f.write("\n# landgis test server\n" + conf)
        self._run("pg_ctl", "-D", str(data), "-l", str(self.dir / "server.log"), "-w", "-t", "60", "start")
        try:
            self._setup_database()
        except BaseException:
            self.stop()
            raise
        return self

    def _setup_database(self) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.url(user=self.superuser, dbname="postgres"), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                sql.Identifier(self.user), sql.Literal(self.password)))
            conn.execute(sql.SQL("CREATE DATABASE {} OWNER {} ENCODING 'UTF8'").format(
                sql.Identifier(self.dbname), sql.Identifier(self.user)))
        with self.admin() as conn:
            conn.execute("CREATE EXTENSION postgis")

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its folder."""
        if self.dir is None:
            return
        atexit.unregister(self.stop)
        data = self.dir / "data"
        if (data / "postmaster.pid").exists():
            try:
                self._run("pg_ctl", "-D", str(data), "-m", "fast", "-w", "-t", "30", "stop")
            except RuntimeError:
                self._run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None

    def __enter__(self) -> "PostgresServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
