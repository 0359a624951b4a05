"""The files backend of `addin_server.storage`: a directory of plan YAML files plus what the server writes.

Layout (everything the server knows lives here, so several processes can serve one workspace)::

    workspace.yaml                          access tokens (sha256 only) and settings
    plans/<plan-id>.yaml                    plan data as `docplan.loaders.load_plan` reads it
    municipalities/<nnnn>/<plan-id>.adoption.yaml   a council's adoption record, written by the API
    audit/adoption.jsonl                    every write of an adoption record, one JSON line each
    audit/adoption.jsonl.lock               the lock every write (and reads of the log) take

Plans and adoption records are re-read when their file changes (inode, mtime, size), so edits on disk
are picked up without a restart. A record's version is a digest of its file's bytes, so a hand edit is
a new version too. Every write goes through `docplan.package.write_atomic` under one file lock
(`filelock`), which also covers the version comparison and the audit line: several server processes
can serve one workspace, a stale write is refused, and each log line's «before» is the record the
write replaced.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import stat
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import yaml
from filelock import FileLock, Timeout

from addin_server.errors import BusyError, NotFoundError
from addin_server.storage import (ABSENT, ALL, Grant, Storage, Versioned, audit_entry, hash_token, plan_file,
                                  plan_from_text, stale)
from docplan.errors import ConfigError, DataError, Location
from docplan.model import Adoption
from docplan.package import write_atomic
from docplan.i18n import _

__all__ = ["ALL", "Grant", "Workspace", "hash_token", "sample_root"]

CONFIG_NAME = "workspace.yaml"
AUDIT_LOG = Path("audit") / "adoption.jsonl"
#: Seconds a write waits for another process's write.
LOCK_TIMEOUT = 10.0
log = logging.getLogger("addin_server")
#: A plan id is a file stem without path separators or a leading dot.
PLAN_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
_NUMBER = re.compile(r"\d{4}")


@dataclass
class Workspace(Storage):
    """A workspace directory: its access grants and its plans (cached, reloaded on change)."""

    root: Path
    tokens: dict[str, Grant] = field(default_factory=dict)
    kind = "files"

    def __post_init__(self) -> None:
        self.identity = os.path.abspath(self.root)

    @classmethod
    def open(cls, root: str | Path) -> "Workspace":
        """Open a workspace directory; raise `ConfigError` when it or its workspace.yaml is unusable."""
        root = Path(root)
        config = root / CONFIG_NAME
        if not (root / "plans").is_dir():
            raise ConfigError(_("arbeidsområdet mangler mappen «plans»"), Location(file=str(root)),
                              code="workspace_missing")
        tokens: dict[str, Grant] = {}
        if config.is_file():
            try:
                raw = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
            except (yaml.YAMLError, UnicodeDecodeError) as exc:
                raise ConfigError(_("workspace.yaml kan ikke leses"), Location(file=str(config))) from exc
            if not isinstance(raw, dict):
                raise ConfigError(_("workspace.yaml må være en gruppe med feltet «tokens»"), Location(file=str(config)))
            for i, entry in enumerate(raw.get("tokens") or []):
                tokens.update(_grant(entry, i, config))
        return cls(root=root, tokens=tokens)

    @classmethod
    def create(cls, root: str | Path) -> "Workspace":
        """Open a workspace directory, making an empty one (``plans/``) first when there is none."""
        root = Path(root)
        try:
            (root / "plans").mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            from docplan.files import os_error

            raise os_error(exc, root / "plans", "lage mappen") from None
        return cls.open(root)

    # -- tokens ---------------------------------------------------------------------------------
    def grants(self) -> dict[str, Grant]:
        return dict(self.tokens)

    def put_grants(self, grants: dict[str, Grant]) -> None:
        """Add or replace tokens in workspace.yaml (rewritten whole: comments in it are not kept)."""
        config = self.root / CONFIG_NAME
        with self._write_lock():
            raw = {}
            if config.is_file():
                raw = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
            merged = {**self.tokens, **grants}
            raw["tokens"] = [{"name": g.name,
                              "municipalities": ALL if g.is_maintainer else sorted(g.municipalities),
                              "sha256": h} for h, g in merged.items()]
            write_atomic(config, yaml.safe_dump(raw, allow_unicode=True, sort_keys=False).encode("utf-8"))
            self.tokens = merged

    # -- plans ----------------------------------------------------------------------------------
    def plan_ids(self) -> list[str]:
        return sorted(p.stem for p in (self.root / "plans").glob("*.yaml") if PLAN_ID.fullmatch(p.stem))

    def plan_source(self, plan_id: str) -> Versioned[str]:
        data = _read_bytes(self._plan_path(plan_id))
        if data is None:
            raise NotFoundError(_("planen «{plan_id}» finnes ikke i arbeidsområdet").format(plan_id=plan_id))
        return Versioned(_decode(data, plan_file(plan_id)), _digest(data))

    def put_plan_source(self, plan_id: str, text: str, *, expected: str) -> str:
        path = self._plan_path(plan_id)
        plan_from_text(text, plan_id)  # never store a plan the server cannot read
        data = text.encode("utf-8")
        with self._write_lock():
            current = _read_bytes(path)
            version = _digest(current) if current is not None else ABSENT
            if version != expected:
                raise stale(expected, version, plan_id=plan_id)
            write_atomic(path, data)
        return _digest(data)

    def _plan_stamp(self, plan_id: str):
        return _stamp(self._plan_path(plan_id))

    def _read_plan(self, plan_id: str):
        path = self._plan_path(plan_id)
        stamp = _stamp(path)
        from docplan.loaders import load_plan

        return stamp, load_plan(path)

    # -- adoption records -------------------------------------------------------------------------
    def adoption_records(self, plan_id: str) -> dict[str, Versioned[Adoption]]:
        self._plan_path(plan_id)  # refuses a plan id that could leave the folder
        out = {}
        for path in sorted((self.root / "municipalities").glob(f"*/{plan_id}.adoption.yaml")):
            number = path.parent.name
            if _NUMBER.fullmatch(number):
                record = self._read_record(plan_id, number)
                if record is not None:
                    out[number] = record
        return out

    def adoption(self, plan_id: str, number: str) -> Versioned[Adoption]:
        record = self._read_record(plan_id, number)
        return record if record is not None else super().adoption(plan_id, number)

    def write_adoption(self, plan_id: str, number: str, adoption: Adoption, *, expected: str,
                       actor: str | None) -> Versioned[Adoption]:
        """Store an adoption record atomically (see `Storage.write_adoption`).

        The version check, the write and the audit line happen under one file lock, so the log is a
        true history and no write is lost even when several processes write."""
        path = Path(self._adoption_path(plan_id, number))
        text = yaml.safe_dump(adoption.model_dump(mode="json"), allow_unicode=True, sort_keys=True)
        data = text.encode("utf-8")
        with self._write_lock():
            current = self.adoption(plan_id, number)
            if current.version != expected:
                raise stale(expected, current.version, plan_id=plan_id, number=number)
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, data)
            if actor is not None:
                self._append_lines([audit_entry(actor, plan_id, number, current.value, adoption)])
        return Versioned(adoption, _digest(data))

    def _read_record(self, plan_id: str, number: str) -> Versioned[Adoption] | None:
        path = Path(self._adoption_path(plan_id, number))
        data = _read_bytes(path)
        return None if data is None else Versioned(_parse_adoption(data, path), _digest(data))

    def _overlay_stamps(self, plan_id: str, numbers: list[str]):
        return {n: _stamp(self._adoption_path(plan_id, n)) for n in numbers}

    def _read_overlays(self, plan_id: str, numbers: list[str]) -> dict[str, Adoption]:
        out = {}
        for number in numbers:
            record = self._read_record(plan_id, number)
            if record is not None:
                out[number] = record.value
        return out

    # -- audit log ------------------------------------------------------------------------------
    def audit_entries(self, *, plan_id: str | None = None, number: str | None = None,
                      limit: int | None = 200) -> list[dict]:
        path = self.root / AUDIT_LOG
        if not path.is_file():
            return []
        with self._write_lock():
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
        return out if limit is None else out[-limit:]

    def append_audit(self, entries: list[dict]) -> None:
        with self._write_lock():
            self._append_lines(entries)

    def _append_lines(self, entries: list[dict]) -> None:
        text = "".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in entries)
        with open(self.root / AUDIT_LOG, "a", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())

    @contextmanager
    def _write_lock(self) -> Iterator[None]:
        (self.root / AUDIT_LOG).parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.root / AUDIT_LOG) + ".lock", timeout=LOCK_TIMEOUT)
        try:
            lock.acquire()
        except Timeout:
            raise BusyError(_("arbeidsområdet er låst av en annen skriving; prøv igjen om litt"),
                            code="locked") from None
        try:
            yield
        finally:
            lock.release()

    def _plan_path(self, plan_id: str) -> str:
        if not PLAN_ID.fullmatch(plan_id):
            raise NotFoundError(_("planen «{plan_id}» finnes ikke i arbeidsområdet").format(plan_id=plan_id))
        return os.path.join(self.root, "plans", f"{plan_id}.yaml")

    def _adoption_path(self, plan_id: str, number: str) -> str:
        if not _NUMBER.fullmatch(number):
            raise NotFoundError(_("kommune {number} er ikke med i planen «{plan_id}»").format(
                                    number=number, plan_id=plan_id))
        return os.path.join(self.root, "municipalities", number, f"{plan_id}.adoption.yaml")


def _grant(entry, index: int, config: Path) -> dict[str, Grant]:
    loc = Location(file=str(config), path=f"tokens[{index}]")
    if not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str):
        raise ConfigError(_("hver token må ha feltet «sha256» (sha256 av tokenet)"), loc, code="bad_token")
    scope = entry.get("municipalities", [])
    if scope == ALL:
        munis: frozenset[str] | str = ALL
    elif isinstance(scope, list) and all(isinstance(n, (str, int)) for n in scope):
        munis = frozenset(f"{n:04d}" if isinstance(n, int) else n for n in scope)
    else:
        raise ConfigError(_('«municipalities» må være en liste med kommunenummer eller "*"'), loc,
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


def _read_bytes(path: str | Path) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _decode(data: bytes, file: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise DataError(_("filen er ikke UTF-8-tekst"), Location(file=file), code="encoding") from None


def _parse_adoption(data: bytes, path: Path) -> Adoption:
    try:
        return Adoption.model_validate(yaml.safe_load(data.decode("utf-8")) or {})
    except Exception as exc:  # a damaged overlay is a data problem, not a crash
        raise DataError(_("vedtaksfila kan ikke leses"), Location(file=str(path))) from exc


def sample_root() -> Path:
    """Return the embedded sample workspace shipped with the package."""
    return Path(__file__).resolve().parent / "sample"
