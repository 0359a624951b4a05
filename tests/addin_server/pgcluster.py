"""A real, throwaway PostgreSQL cluster for tests: initdb + pg_ctl on a Unix socket in a temporary folder.

Uses the server programs of Debian's ``postgresql`` package (``/usr/lib/postgresql/<version>/bin``, not on
PATH) or any on PATH. The cluster listens on no TCP port, only on a socket in its own folder, trusts local
connections, and is deleted when stopped. PostgreSQL refuses to run as root, so as root the cluster runs
as the ``postgres`` user the Debian package creates.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

SUPERUSER = "docplan"


def server_bindir() -> Path | None:
    """Return the folder with initdb and pg_ctl, or None when the PostgreSQL server is not installed."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).resolve().parent
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                    key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if debian and Path(debian[-1]).with_name("pg_ctl").exists():
        return Path(debian[-1]).parent
    return None


def why_not() -> str | None:
    """Return why no cluster can start here (the reason a test is skipped for), None when one can."""
    if server_bindir() is None:
        return ("PostgreSQL server programs (initdb, pg_ctl) are not installed: apt-get install postgresql "
                "(scripts/install-system-deps.sh does)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed: pip install -e '.[test]'"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run the PostgreSQL server as"
    return None


class Cluster:
    """A started cluster; `url` connects to its ``postgres`` database, `new_database` makes another."""

    def __init__(self) -> None:
        bindir = server_bindir()
        assert bindir is not None, why_not()
        self.bindir = bindir
        self.folder = Path(tempfile.mkdtemp(prefix="docplan-pg-"))
        self.data = self.folder / "data"
        self._user: dict = {}
        if os.geteuid() == 0:
            entry = pwd.getpwnam("postgres")
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
            self._user = {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
        self._names = itertools.count(1)
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--no-sync",
                  "--locale=C")
        options = (f"-k {self.folder} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off -c max_connections=200")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w", "-t", "60",
                  "start")

    def _run(self, program: str, *args: str) -> None:
        result = subprocess.run([str(self.bindir / program), *args], capture_output=True, text=True, timeout=120,
                                cwd=self.folder, env={**os.environ, "LC_ALL": "C"}, **self._user)
        if result.returncode != 0:
            raise RuntimeError(f"{program} failed: {result.stdout}{result.stderr}")

    def url_for(self, database: str) -> str:
        return f"postgresql://{SUPERUSER}@/{database}?host={self.folder}"

    @property
    def url(self) -> str:
        return self.url_for("postgres")

    def new_database(self) -> str:
        """Create an empty database and return its URL."""
        import psycopg

        name = f"t{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url_for(name)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
