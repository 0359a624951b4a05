"""The workspace: a directory of plan YAML files plus per-municipality files the server writes.

Layout (everything the server knows lives here, so several processes can serve one workspace)::

    workspace.yaml                          access tokens (sha256 only) and settings
    plans/<plan-id>.yaml                    plan data as `docplan.loaders.load_plan` reads it
    municipalities/<nnnn>/<plan-id>.adoption.yaml   a council's adoption record, written by the API
    audit/adoption.jsonl                    every write of an adoption record, one JSON line each
    audit/adoption.jsonl.lock               the lock that writes (and reads of the log) take

Plans and adoption records are re-read when their file changes (inode, mtime, size), so edits on disk
are picked up without a restart. Every write goes through `docplan.package.write_atomic`; adoption
writes and the audit log share one file lock (`filelock`), so several server processes can serve
one workspace: each log line's «before» is the record the write replaced.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import stat
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import yaml
from filelock import FileLock, Timeout

from addin_server.errors import BusyError, NotFoundError
from docplan.errors import ConfigError, DataError, Location
from docplan.loaders import load_plan
from docplan.model import Adoption, Plan
from docplan.package import write_atomic

CONFIG_NAME = "workspace.yaml"
AUDIT_LOG = Path("audit") / "adoption.jsonl"
#: Seconds a write waits for another process's write of an adoption record.
LOCK_TIMEOUT = 10.0
log = logging.getLogger("addin_server")
#: A plan id is a file stem without path separators or a leading dot.
_PLAN_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
ALL = "*"


def hash_token(token: str) -> str:
    """Return the sha256 hex digest stored in workspace.yaml for a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Grant:
    """What one token may reach: a set of kommunenummer, or every municipality (`ALL`)."""

    name: str
    municipalities: frozenset[str] | str

    @property
    def is_maintainer(self) -> bool:
        return self.municipalities == ALL

    def covers(self, number: str) -> bool:
        return self.is_maintainer or number in self.municipalities


@dataclass
class _Cached:
    stamp: tuple[int, int, int]
    plan: Plan


@dataclass
class Workspace:
    """A workspace directory: its access grants and its plans (cached, reloaded on change)."""

    root: Path
    grants: dict[str, Grant] = field(default_factory=dict)
    _cache: dict[str, _Cached] = field(default_factory=dict, repr=False)
    _composed: dict[str, tuple[tuple, Plan]] = field(default_factory=dict, repr=False)  # with adoptions
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def open(cls, root: str | Path) -> "Workspace":
        """Open a workspace directory; raise `ConfigError` when it or its workspace.yaml is unusable."""
        root = Path(root)
        config = root / CONFIG_NAME
        if not (root / "plans").is_dir():
            raise ConfigError("arbeidsområdet mangler mappen «plans»", Location(file=str(root)),
                              code="workspace_missing")
        grants: dict[str, Grant] = {}
        if config.is_file():
            try:
                raw = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
            except (yaml.YAMLError, UnicodeDecodeError) as exc:
                raise ConfigError("workspace.yaml kan ikke leses", Location(file=str(config))) from exc
            for i, entry in enumerate(raw.get("tokens") or []):
                grants.update(_grant(entry, i, config))
        return cls(root=root, grants=grants)

    # -- access --------------------------------------------------------------------------------
    def grant_for(self, token: str) -> Grant | None:
        """Return the grant of a token, or None for an unknown token."""
        return self.grants.get(hash_token(token)) if token else None

    # -- plans ---------------------------------------------------------------------------------
    def plan_ids(self) -> list[str]:
        return sorted(p.stem for p in (self.root / "plans").glob("*.yaml"))

    def plan(self, plan_id: str) -> Plan:
        """Return a plan with the adoption records of its municipalities applied (shared: read only)."""
        return self.plan_and_stamp(plan_id)[0]

    def plan_and_stamp(self, plan_id: str) -> tuple[Plan, tuple]:
        """Return the plan (as `plan`) and a stamp that changes whenever its file or an adoption
        record of it changes; both are re-read only then (one ``stat`` per file and request)."""
        path = self._plan_path(plan_id)
        stamp = _stamp(path)
        if stamp is None:
            raise NotFoundError(f"planen «{plan_id}» finnes ikke i arbeidsområdet")
        with self._lock:
            cached = self._cache.get(plan_id)
        if cached is None or cached.stamp != stamp:
            cached = _Cached(stamp, load_plan(path))
            with self._lock:
                self._cache[plan_id] = cached
        base = cached.plan
        overlays = {m.number: self._adoption_path(plan_id, m.number) for m in base.municipalities}
        stamps = {n: _stamp(p) for n, p in overlays.items()}
        key = (stamp, tuple(stamps.items()))
        with self._lock:
            composed = self._composed.get(plan_id)
        if composed is not None and composed[0] == key:
            return composed[1], key
        plan = base
        if any(s is not None for s in stamps.values()):
            plan = base.model_copy(deep=True)
            for muni in plan.municipalities:
                if stamps.get(muni.number) is not None:
                    muni.adoption = _read_adoption(Path(overlays[muni.number]))
        with self._lock:
            self._composed[plan_id] = (key, plan)
        return plan, key

    def write_adoption(self, plan_id: str, number: str, adoption: Adoption, *, actor: str) -> Path:
        """Store a council's adoption record atomically and append the write to the audit log.

        ``actor`` is the name of the token that writes. The record it replaces (from an earlier
        write, or the plan data) is read under the same lock, so the log is a true history even
        when several processes write."""
        path = Path(self._adoption_path(plan_id, number))
        path.parent.mkdir(parents=True, exist_ok=True)
        text = yaml.safe_dump(adoption.model_dump(mode="json"), allow_unicode=True, sort_keys=True)
        with self._audit_lock():
            before = self.plan(plan_id).municipality(number)
            written = write_atomic(path, text.encode("utf-8"))
            entry = {"time": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "token": actor,
                     "plan": plan_id, "municipality": number,
                     "before": before.adoption.model_dump(mode="json") if before else None,
                     "after": adoption.model_dump(mode="json")}
            line = json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n"
            with open(self.root / AUDIT_LOG, "a", encoding="utf-8") as fh:
                fh.write(line)
                fh.flush()
                os.fsync(fh.fileno())
        return written

    def audit_entries(self, *, plan_id: str | None = None, number: str | None = None,
                      limit: int = 200) -> list[dict]:
        """Return the last ``limit`` audit entries (oldest first), optionally for one plan/municipality."""
        path = self.root / AUDIT_LOG
        if not path.is_file():
            return []
        with self._audit_lock():
            lines = path.read_text(encoding="utf-8").splitlines()
        out: list[dict] = []
        for i, line in enumerate(lines, start=1):
            try:
                entry = json.loads(line)
            except ValueError:
                log.warning("%s line %d is not JSON; skipped", AUDIT_LOG, i)
                continue
            if (plan_id is None or entry.get("plan") == plan_id) and (number is None or
                                                                       entry.get("municipality") == number):
                out.append(entry)
        return out[-limit:]

    @contextmanager
    def _audit_lock(self) -> Iterator[None]:
        (self.root / AUDIT_LOG).parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.root / AUDIT_LOG) + ".lock", timeout=LOCK_TIMEOUT)
        try:
            lock.acquire()
        except Timeout:
            raise BusyError("vedtaksregisteret er låst av en annen skriving; prøv igjen om litt",
                            code="locked") from None
        try:
            yield
        finally:
            lock.release()

    def _plan_path(self, plan_id: str) -> str:
        if not _PLAN_ID.fullmatch(plan_id):
            raise NotFoundError(f"planen «{plan_id}» finnes ikke i arbeidsområdet")
        return os.path.join(self.root, "plans", f"{plan_id}.yaml")

    def _adoption_path(self, plan_id: str, number: str) -> str:
        return os.path.join(self.root, "municipalities", number, f"{plan_id}.adoption.yaml")


def _grant(entry, index: int, config: Path) -> dict[str, Grant]:
    loc = Location(file=str(config), path=f"tokens[{index}]")
    if not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str):
        raise ConfigError("hver token må ha feltet «sha256» (sha256 av tokenet)", loc, code="bad_token")
    scope = entry.get("municipalities", [])
    if scope == ALL:
        munis: frozenset[str] | str = ALL
    elif isinstance(scope, list) and all(isinstance(n, (str, int)) for n in scope):
        munis = frozenset(f"{n:04d}" if isinstance(n, int) else n for n in scope)
    else:
        raise ConfigError("«municipalities» må være en liste med kommunenummer eller \"*\"", loc,
                          code="bad_token")
    return {entry["sha256"].lower(): Grant(str(entry.get("name", f"token {index + 1}")), munis)}


def _stamp(path: str) -> tuple[int, int, int] | None:
    """Return (inode, mtime_ns, size) of a regular file, None when there is none.

    Files are replaced by atomic renames, so each write gives a new inode: a second write within the
    file system's timestamp granularity, of the same size, still changes the stamp."""
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size) if stat.S_ISREG(st.st_mode) else None


def _read_adoption(path: Path) -> Adoption:
    try:
        return Adoption.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    except Exception as exc:  # a damaged overlay is a data problem, not a crash
        raise DataError("vedtaksfila kan ikke leses", Location(file=str(path))) from exc


def sample_root() -> Path:
    """Return the embedded sample workspace shipped with the package."""
    return Path(__file__).resolve().parent / "sample"
