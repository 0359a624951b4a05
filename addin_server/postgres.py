"""The PostgreSQL backend of `addin_server.storage`, for several servers on several machines.

``docplan serve --database postgresql://user@host/db`` (or ``DOCPLAN_DATABASE``). Tables: see
``migrations/*.sql``, plain versioned SQL applied in order at start-up under an advisory lock, so N
servers starting at once migrate once; ``docplan_schema`` records what has been applied.

Writes are optimistic: ``UPDATE … WHERE version = expected`` (or an INSERT for a record that does
not exist yet), in one transaction with the audit row, so a stale write changes nothing and is
refused with `StaleVersionError`, and the log's «before» is the row the write replaced (read
``FOR UPDATE``). Each server process keeps a small connection pool (psycopg_pool); reads are a few
indexed lookups per request, and a plan is parsed again only when its version changes.
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
import logging
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator

from addin_server.errors import DatabaseUnavailableError, NotFoundError
from addin_server.storage import (ABSENT, ALL, Grant, Storage, Versioned, audit_entry, plan_from_text, stale)
from docplan.errors import ConfigError
from docplan.model import Adoption
from docplan.i18n import _

#: Any constant the servers of one database share: the advisory lock taken while migrating.
MIGRATION_LOCK = 0x646F63706C616E  # "docplan"
#: Seconds to wait for a connection (at start-up, and from the pool).
CONNECT_TIMEOUT = 10.0
_PLAN_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
_NUMBER = re.compile(r"\d{4}")
log = logging.getLogger("addin_server")


def migrations() -> list[tuple[int, str, str]]:
    """Return (version, name, SQL) of every migration shipped, in order."""
    folder = importlib.resources.files("addin_server") / "migrations"
    out = []
    for entry in folder.iterdir():
        match = re.fullmatch(r"(\d{4})_(\w+)\.sql", entry.name)
        if match:
            out.append((int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    return sorted(out)


def migrate(conn) -> list[int]:
    """Apply the migrations a database lacks, in one transaction; return the versions applied."""
    applied: list[int] = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        conn.execute("CREATE TABLE IF NOT EXISTS docplan_schema (version integer PRIMARY KEY, name text NOT NULL, "
                     "applied_at timestamptz NOT NULL DEFAULT now())")
        have = {row[0] for row in conn.execute("SELECT version FROM docplan_schema")}
        for version, name, sql in migrations():
            if version not in have:
                conn.execute(sql)
                conn.execute("INSERT INTO docplan_schema (version, name) VALUES (%s, %s)", (version, name))
                applied.append(version)
    return applied


def safe_url(url: str) -> str:
    """Return a connection URL (or key=value string) without its password, to name the database in messages."""
    return re.sub(r"(password\s*=\s*)('[^']*'|[^&\s]*)", r"\1***", re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url))


@dataclass
class PostgresStorage(Storage):
    """The workspace in a PostgreSQL database (see the module docstring)."""

    url: str
    pool: Any
    kind = "postgresql"
    _closed: threading.Event = field(default_factory=threading.Event, init=False, repr=False)

    def __post_init__(self) -> None:
        self.identity = safe_url(self.url)

    @classmethod
    def open(cls, url: str, *, pool_size: int = 10, timeout: float = CONNECT_TIMEOUT) -> "PostgresStorage":
        """Connect (a pool of up to ``pool_size`` connections), migrate, and return the storage.

        ``timeout``: seconds to wait for a connection, at the start and for each request later.

        Raise `ConfigError` when psycopg is not installed or the database cannot be reached."""
        try:
            import psycopg
            from psycopg_pool import ConnectionPool, PoolTimeout
        except ImportError:
            raise ConfigError(_("PostgreSQL krever psycopg; installer med «pip install 'docplan[server]'»"),
                              code="psycopg_missing") from None
        where = safe_url(url)
        try:
            with psycopg.connect(url, autocommit=True, connect_timeout=max(1, int(timeout))) as conn:
                migrate(conn)
        except psycopg.Error as exc:
            raise ConfigError(_("kan ikke bruke databasen {where}: {reason}").format(where=where,
                                                                                     reason=_reason(exc)),
                              code="database_unavailable") from None
        pool = ConnectionPool(url, min_size=1, max_size=max(1, pool_size), kwargs={"autocommit": True},
                              timeout=timeout, open=False, name="docplan")
        try:
            pool.open(wait=True, timeout=timeout)
        except PoolTimeout:
            pool.close()
            raise ConfigError(_("kan ikke bruke databasen {where}: fikk ingen forbindelse innen {timeout:.0f} s").format(
                                  where=where, timeout=timeout), code="database_unavailable") from None
        return cls(url=url, pool=pool)

    def close(self) -> None:
        if not self._closed.is_set():
            self._closed.set()
            self.pool.close()

    @contextmanager
    def _connection(self) -> Iterator[Any]:
        """Yield a pooled connection; a database that does not answer is a 503 to retry, not a 500."""
        import psycopg
        from psycopg_pool import PoolTimeout

        try:
            with self.pool.connection() as conn:
                yield conn
        except (psycopg.OperationalError, PoolTimeout) as exc:
            log.error("database %s: %s", safe_url(self.url), _reason(exc))
            raise DatabaseUnavailableError(_("databasen svarer ikke nå; prøv igjen om litt")) from None

    def _query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._connection() as conn:
            return conn.execute(sql, params).fetchall()

    # -- tokens ---------------------------------------------------------------------------------
    def grants(self) -> dict[str, Grant]:
        return {h: _grant(name, munis) for h, name, munis in
                self._query("SELECT sha256, name, municipalities FROM tokens")}

    def grant_for(self, token: str) -> Grant | None:
        from addin_server.storage import hash_token

        if not token:
            return None
        rows = self._query("SELECT name, municipalities FROM tokens WHERE sha256 = %s", (hash_token(token),))
        return _grant(*rows[0]) if rows else None

    def put_grants(self, grants: dict[str, Grant]) -> None:
        with self._connection() as conn, conn.transaction():
            for h, g in grants.items():
                munis = None if g.is_maintainer else sorted(g.municipalities)
                conn.execute("INSERT INTO tokens (sha256, name, municipalities) VALUES (%s, %s, %s) "
                             "ON CONFLICT (sha256) DO UPDATE SET name = EXCLUDED.name, "
                             "municipalities = EXCLUDED.municipalities", (h, g.name, munis))

    # -- plans ----------------------------------------------------------------------------------
    def plan_ids(self) -> list[str]:
        return [row[0] for row in self._query("SELECT id FROM plans ORDER BY id")]

    def plan_source(self, plan_id: str) -> Versioned[str]:
        rows = self._query("SELECT source, version FROM plans WHERE id = %s", (plan_id,))
        if not rows:
            raise NotFoundError(_("planen «{plan_id}» finnes ikke i arbeidsområdet").format(plan_id=plan_id))
        return Versioned(rows[0][0], str(rows[0][1]))

    def put_plan_source(self, plan_id: str, text: str, *, expected: str) -> str:
        if not _PLAN_ID.fullmatch(plan_id):
            raise NotFoundError(_("planen «{plan_id}» finnes ikke i arbeidsområdet").format(plan_id=plan_id))
        plan_from_text(text, plan_id)  # never store a plan the server cannot read
        with self._connection() as conn, conn.transaction():
            if expected == ABSENT:
                row = conn.execute("INSERT INTO plans (id, source, version) VALUES (%s, %s, 1) "
                                   "ON CONFLICT (id) DO NOTHING RETURNING version", (plan_id, text)).fetchone()
            else:
                row = conn.execute("UPDATE plans SET source = %s, version = version + 1, updated_at = now() "
                                   "WHERE id = %s AND version = %s RETURNING version",
                                   (text, plan_id, _as_int(expected))).fetchone()
            if row is None:
                current = conn.execute("SELECT version FROM plans WHERE id = %s", (plan_id,)).fetchone()
                raise stale(expected, str(current[0]) if current else ABSENT, plan_id=plan_id)
        return str(row[0])

    def _plan_stamp(self, plan_id: str):
        rows = self._query("SELECT version FROM plans WHERE id = %s", (plan_id,))
        return rows[0][0] if rows else None

    def _read_plan(self, plan_id: str):
        rows = self._query("SELECT source, version FROM plans WHERE id = %s", (plan_id,))
        if not rows:
            raise NotFoundError(_("planen «{plan_id}» finnes ikke i arbeidsområdet").format(plan_id=plan_id))
        return rows[0][1], plan_from_text(rows[0][0], plan_id)

    # -- adoption records -------------------------------------------------------------------------
    def adoption_records(self, plan_id: str) -> dict[str, Versioned[Adoption]]:
        rows = self._query("SELECT municipality, record, version FROM adoptions WHERE plan_id = %s "
                           "ORDER BY municipality", (plan_id,))
        return {n: Versioned(Adoption.model_validate(record), str(v)) for n, record, v in rows}

    def adoption(self, plan_id: str, number: str) -> Versioned[Adoption]:
        rows = self._query("SELECT record, version FROM adoptions WHERE plan_id = %s AND municipality = %s",
                           (plan_id, number))
        if rows:
            return Versioned(Adoption.model_validate(rows[0][0]), str(rows[0][1]))
        return super().adoption(plan_id, number)

    def write_adoption(self, plan_id: str, number: str, adoption: Adoption, *, expected: str,
                       actor: str | None) -> Versioned[Adoption]:
        from psycopg.errors import UniqueViolation
        from psycopg.types.json import Jsonb

        if not _NUMBER.fullmatch(number):
            raise NotFoundError(_("kommune {number} er ikke med i planen «{plan_id}»").format(
                                    number=number, plan_id=plan_id))
        after = adoption.model_dump(mode="json")
        from_plan = self.plan_and_stamp(plan_id)[0].municipality(number)  # raises for an unknown plan
        if from_plan is None:
            raise NotFoundError(_("kommune {number} er ikke med i planen «{plan_id}»").format(
                                    number=number, plan_id=plan_id))
        with self._connection() as conn:
            try:
                with conn.transaction():
                    row = conn.execute("SELECT record, version FROM adoptions WHERE plan_id = %s AND "
                                       "municipality = %s FOR UPDATE", (plan_id, number)).fetchone()
                    current = str(row[1]) if row else ABSENT
                    if current != expected:
                        raise stale(expected, current, plan_id=plan_id, number=number)
                    if row is None:
                        # a concurrent INSERT of the same record waits for this one's commit, then fails
                        version = conn.execute(
                            "INSERT INTO adoptions (plan_id, municipality, record, version) VALUES (%s, %s, %s, 1) "
                            "RETURNING version", (plan_id, number, Jsonb(after))).fetchone()[0]
                        before = from_plan.adoption
                    else:
                        version = conn.execute(
                            "UPDATE adoptions SET record = %s, version = version + 1, updated_at = now() "
                            "WHERE plan_id = %s AND municipality = %s RETURNING version",
                            (Jsonb(after), plan_id, number)).fetchone()[0]
                        before = Adoption.model_validate(row[0])
                    if actor is not None:
                        _insert_audit(conn, [audit_entry(actor, plan_id, number, before, adoption)])
            except UniqueViolation:  # another server created the record between our read and insert
                raise stale(expected, self.adoption(plan_id, number).version, plan_id=plan_id, number=number) from None
        return Versioned(adoption, str(version))

    def _overlay_stamps(self, plan_id: str, numbers: list[str]):
        versions = dict(self._query("SELECT municipality, version FROM adoptions WHERE plan_id = %s", (plan_id,)))
        return {n: versions.get(n) for n in numbers}

    def _read_overlays(self, plan_id: str, numbers: list[str]) -> dict[str, Adoption]:
        rows = self._query("SELECT municipality, record FROM adoptions WHERE plan_id = %s AND municipality = ANY(%s)",
                           (plan_id, numbers))
        return {n: Adoption.model_validate(record) for n, record in rows}

    # -- audit log ------------------------------------------------------------------------------
    def audit_entries(self, *, plan_id: str | None = None, number: str | None = None,
                      limit: int | None = 200) -> list[dict]:
        sql = ("SELECT time, token, plan_id, municipality, before, after FROM adoption_audit "
               "WHERE (%s::text IS NULL OR plan_id = %s) AND (%s::text IS NULL OR municipality = %s) "
               "ORDER BY id DESC LIMIT %s")
        rows = self._query(sql, (plan_id, plan_id, number, number, limit))
        return [{"time": _iso(t), "token": token, "plan": p, "municipality": n, "before": before, "after": after}
                for t, token, p, n, before, after in reversed(rows)]

    def append_audit(self, entries: list[dict]) -> None:
        with self._connection() as conn, conn.transaction():
            _insert_audit(conn, entries)


def _insert_audit(conn, entries: list[dict]) -> None:
    from psycopg.types.json import Jsonb

    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO adoption_audit (time, token, plan_id, municipality, before, after) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            [(dt.datetime.fromisoformat(e["time"]), e["token"], e["plan"], e["municipality"],
              Jsonb(e["before"]) if e.get("before") is not None else None, Jsonb(e["after"])) for e in entries])


def _grant(name: str, munis: list[str] | None) -> Grant:
    return Grant(name, ALL if munis is None else frozenset(munis))


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


def _as_int(version: str) -> int:
    """Return a PostgreSQL version number; a version of the other backend (a digest) matches none."""
    return int(version) if version.isdigit() and len(version) < 18 else -1


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
