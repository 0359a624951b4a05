"""The workspace behind one interface: plans, adoption records, access tokens and the audit log.

Two implementations keep the same contract (tests/addin_server/test_storage_contract.py runs it on both):

- `addin_server.workspace.Workspace`: a directory of YAML files (the embedded default; right for one
  machine and for git);
- `addin_server.postgres.PostgresStorage`: PostgreSQL (``docplan serve --database postgresql://…``), for
  several servers on several machines.

Every write is optimistic: it names the version of the record it replaces (`Versioned.version`, an
opaque string; ``"0"`` for a record that does not exist yet) and is refused with `StaleVersionError`
(HTTP 409) when the record has changed since, so an update is never lost. Versions are counters in
PostgreSQL and content digests in the files backend (where people may also edit files by hand).

`copy_workspace` copies one storage into another (``docplan workspace import|export``).
"""

from __future__ import annotations

import abc
import datetime as dt
import hashlib
import json
import threading
from dataclasses import dataclass, field
from typing import Generic, Hashable, TypeVar

from addin_server.errors import NotFoundError, StaleVersionError
from docplan.errors import ConflictError, Location, Problem
from docplan.model import Adoption, Plan
from docplan.i18n import _, ngettext

T = TypeVar("T")
#: The version of a record that does not exist (yet).
ABSENT = "0"
ALL = "*"


def hash_token(token: str) -> str:
    """Return the sha256 hex digest stored for a token (workspace.yaml, the tokens table)."""
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


@dataclass(frozen=True)
class Versioned(Generic[T]):
    """A record and the version a write that replaces it must name."""

    value: T
    version: str


@dataclass
class _Cached:
    stamp: Hashable
    plan: Plan


def plan_file(plan_id: str) -> str:
    """Return the workspace-relative file name of a plan: its name in errors and in an export."""
    return f"plans/{plan_id}.yaml"


def plan_from_text(text: str, plan_id: str) -> Plan:
    """Return the validated plan in a plan file's text; errors name ``plans/<id>.yaml`` and the line."""
    from docplan.errors import DataError
    from docplan.loaders import MAX_DATA_BYTES, validate_plan
    from docplan.loaders.yamlfile import parse_yaml

    if len(text.encode("utf-8")) > MAX_DATA_BYTES:
        raise DataError(_("plandataene er større enn {max_data_bytes} MB").format(
                            max_data_bytes=MAX_DATA_BYTES // (1024 * 1024)),
                        Location(file=plan_file(plan_id)), code="too_large")
    raw, positions = parse_yaml(text, plan_file(plan_id))
    return validate_plan(raw, positions, plan_file(plan_id))


def stale(sent: str, current: str, *, plan_id: str, number: str | None = None) -> StaleVersionError:
    """Return the 409 for a write that names version ``sent`` of a record now at ``current``: the plan
    ``plan_id`` or, with ``number``, that municipality's adoption of it."""
    if number is None and current == ABSENT:
        message = _("planen «{plan_id}» er endret av noen andre siden du leste det (du sendte versjon «{sent}», det "
                    "finnes ikke lenger); hent det på nytt og gjør endringen der, så går ingen endring tapt")
    elif number is None:
        message = _("planen «{plan_id}» er endret av noen andre siden du leste det (du sendte versjon «{sent}», det "
                    "er nå versjon «{current}»); hent det på nytt og gjør endringen der, så går ingen endring tapt")
    elif current == ABSENT:
        message = _("vedtaket for kommune {number} i planen «{plan_id}» er endret av noen andre siden du leste det "
                    "(du sendte versjon «{sent}», det finnes ikke lenger); hent det på nytt og gjør endringen der, så "
                    "går ingen endring tapt")
    else:
        message = _("vedtaket for kommune {number} i planen «{plan_id}» er endret av noen andre siden du leste det "
                    "(du sendte versjon «{sent}», det er nå versjon «{current}»); hent det på nytt og gjør endringen "
                    "der, så går ingen endring tapt")
    return StaleVersionError(message.format(plan_id=plan_id, number=number, sent=sent, current=current))


def audit_entry(actor: str, plan_id: str, number: str, before: Adoption | None, after: Adoption) -> dict:
    """Return one audit log entry (the shape of `openapi.AuditEntry`), stamped now in UTC."""
    return {"time": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "token": actor,
            "plan": plan_id, "municipality": number,
            "before": before.model_dump(mode="json") if before is not None else None,
            "after": after.model_dump(mode="json")}


def entry_key(entry: dict) -> str:
    """Return what identifies an audit entry when logs are merged (time, writer, record, values)."""
    return json.dumps([entry.get(k) for k in ("time", "token", "plan", "municipality", "before", "after")],
                      sort_keys=True, ensure_ascii=False)


@dataclass
class Storage(abc.ABC):
    """The workspace contract. Subclasses store; this class composes plans and caches them.

    A plan as the API sees it (`plan`) is the plan data with each municipality's stored adoption
    record applied. It is cached per stamp: the backend's cheap token that changes whenever the plan or
    one of its adoption records changes (file stat in the files backend, version numbers in PostgreSQL),
    so a record written by another process or server is seen at the next request.
    """

    kind = "storage"
    #: What tells this workspace from another in shared caches (the folder, the database URL).
    identity: str = field(default="", init=False)
    _cache: dict[str, _Cached] = field(default_factory=dict, init=False, repr=False)
    _composed: dict[str, tuple[tuple, Plan]] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    # -- tokens ---------------------------------------------------------------------------------
    @abc.abstractmethod
    def grants(self) -> dict[str, Grant]:
        """Return every token's grant by the token's sha256."""

    @abc.abstractmethod
    def put_grants(self, grants: dict[str, Grant]) -> None:
        """Add or replace the grants of these token hashes; others stay."""

    def grant_for(self, token: str) -> Grant | None:
        """Return the grant of a token, or None for an unknown token."""
        return self.grants().get(hash_token(token)) if token else None

    # -- plans ----------------------------------------------------------------------------------
    @abc.abstractmethod
    def plan_ids(self) -> list[str]:
        """Return the ids of every plan, sorted."""

    @abc.abstractmethod
    def plan_source(self, plan_id: str) -> Versioned[str]:
        """Return a plan's YAML text and version; raise `NotFoundError` when there is no such plan."""

    @abc.abstractmethod
    def put_plan_source(self, plan_id: str, text: str, *, expected: str) -> str:
        """Store a plan's YAML text (validated first: `DataError`) if its version is still ``expected``
        (`ABSENT` for a new plan); return the new version, raise `StaleVersionError` otherwise."""

    # -- adoption records -------------------------------------------------------------------------
    @abc.abstractmethod
    def adoption_records(self, plan_id: str) -> dict[str, Versioned[Adoption]]:
        """Return the stored adoption records of a plan by kommunenummer (not the plan data's own)."""

    @abc.abstractmethod
    def write_adoption(self, plan_id: str, number: str, adoption: Adoption, *, expected: str,
                       actor: str | None) -> Versioned[Adoption]:
        """Store an adoption record if its version is still ``expected`` (`ABSENT`: none stored yet).

        With an ``actor`` (the writing token's name) the write is appended to the audit log in the same
        step, with the record it replaced; ``actor=None`` (copying a workspace, whose log is copied
        apart) writes no entry. Raise `StaleVersionError` when the record has changed since."""

    def adoption(self, plan_id: str, number: str) -> Versioned[Adoption]:
        """Return a municipality's adoption: its stored record, else the plan data's with version `ABSENT`."""
        stored = self.adoption_records(plan_id).get(number)
        if stored is not None:
            return stored
        muni = self.plan_and_stamp(plan_id)[0].municipality(number)
        if muni is None:
            raise NotFoundError(_("kommune {number} er ikke med i planen «{plan_id}»").format(
                                    number=number, plan_id=plan_id))
        return Versioned(muni.adoption, ABSENT)

    # -- audit log ------------------------------------------------------------------------------
    @abc.abstractmethod
    def audit_entries(self, *, plan_id: str | None = None, number: str | None = None,
                      limit: int | None = 200) -> list[dict]:
        """Return the last ``limit`` audit entries (oldest first; all with None), optionally filtered."""

    @abc.abstractmethod
    def append_audit(self, entries: list[dict]) -> None:
        """Append entries as they are (copying a workspace's log)."""

    def close(self) -> None:
        """Release connections; the files backend holds none."""

    # -- composed plans (shared) ------------------------------------------------------------------
    @abc.abstractmethod
    def _plan_stamp(self, plan_id: str) -> Hashable | None:
        """Return a token that changes whenever the plan data changes; None when there is no plan."""

    @abc.abstractmethod
    def _read_plan(self, plan_id: str) -> tuple[Hashable, Plan]:
        """Return the validated plan data and the stamp it was read at."""

    @abc.abstractmethod
    def _overlay_stamps(self, plan_id: str, numbers: list[str]) -> dict[str, Hashable | None]:
        """Return, for each municipality, a token of its stored adoption record (None: none stored)."""

    @abc.abstractmethod
    def _read_overlays(self, plan_id: str, numbers: list[str]) -> dict[str, Adoption]:
        """Return the stored adoption records of these municipalities."""

    def plan(self, plan_id: str) -> Plan:
        """Return a plan with the adoption records of its municipalities applied (shared: read only)."""
        return self.plan_and_stamp(plan_id)[0]

    def plan_and_stamp(self, plan_id: str) -> tuple[Plan, tuple]:
        """Return the plan (as `plan`) and a stamp that changes whenever it or one of its adoption
        records changes; both are read again only then."""
        stamp = self._plan_stamp(plan_id)
        if stamp is None:
            raise NotFoundError(_("planen «{plan_id}» finnes ikke i arbeidsområdet").format(plan_id=plan_id))
        with self._lock:
            cached = self._cache.get(plan_id)
        if cached is None or cached.stamp != stamp:
            cached = _Cached(*self._read_plan(plan_id))
            with self._lock:
                self._cache[plan_id] = cached
        base = cached.plan
        stamps = self._overlay_stamps(plan_id, [m.number for m in base.municipalities])
        key = (cached.stamp, tuple(sorted(stamps.items())))
        with self._lock:
            composed = self._composed.get(plan_id)
        if composed is not None and composed[0] == key:
            return composed[1], key
        plan = base
        stored = [n for n, s in stamps.items() if s is not None]
        if stored:
            overlays = self._read_overlays(plan_id, stored)
            plan = base.model_copy(deep=True)
            for muni in plan.municipalities:
                if muni.number in overlays:
                    muni.adoption = overlays[muni.number]
        with self._lock:
            self._composed[plan_id] = (key, plan)
        return plan, key


# -- opening ------------------------------------------------------------------------------------
def open_storage(*, workspace: str | None = None, database: str | None = None, pool_size: int = 10) -> Storage:
    """Open the files backend (``workspace``, a directory) or PostgreSQL (``database``, a URL)."""
    from docplan.errors import ConfigError

    if workspace and database:
        raise ConfigError(_("oppgi enten et arbeidsområde (mappe) eller en database, ikke begge"),
                          code="workspace_and_database")
    if database:
        from addin_server.postgres import PostgresStorage

        return PostgresStorage.open(database, pool_size=pool_size)
    from addin_server.workspace import Workspace

    if not workspace:
        raise ConfigError(_("oppgi et arbeidsområde (mappe) eller en database"), code="no_workspace")
    return Workspace.open(workspace)


# -- copying ------------------------------------------------------------------------------------
@dataclass
class CopyReport:
    """What `copy_workspace` wrote (counts), and what it left because the target had it already."""

    tokens: int = 0
    plans: int = 0
    adoptions: int = 0
    audit: int = 0
    unchanged: int = 0
    skipped: int = 0

    def summary(self) -> str:
        text = _("{plans}, {adoptions}, {tokens} og {audit} kopiert; {unchanged} var like fra før").format(
            plans=ngettext("{n} plan", "{n} planer", self.plans).format(n=self.plans),
            adoptions=ngettext("{n} vedtak", "{n} vedtak", self.adoptions).format(n=self.adoptions),
            tokens=ngettext("{n} tilgangsnøkkel", "{n} tilgangsnøkler", self.tokens).format(n=self.tokens),
            audit=ngettext("{n} logglinje", "{n} logglinjer", self.audit).format(n=self.audit),
            unchanged=self.unchanged)
        if self.skipped:
            text += "; " + ngettext("{n} vedtak for en kommune som ikke lenger er med i planen er ikke kopiert",
                                    "{n} vedtak for kommuner som ikke lenger er med i planen er ikke kopiert",
                                    self.skipped).format(n=self.skipped)
        return text


def copy_workspace(source: Storage, target: Storage, *, overwrite: bool = False) -> CopyReport:
    """Copy every token, plan, adoption record and audit entry of ``source`` into ``target``.

    Idempotent: what the target already holds unchanged is left, audit entries it has are not added
    twice, and what it holds beside the source's stays. A token, plan or record the target holds
    *differently* is a conflict: nothing at all is written unless ``overwrite`` (then the source's
    replaces it). Each write names the version it read, so a server writing to the target meanwhile
    makes the copy stop with `StaleVersionError` instead of losing that write.
    """
    report = CopyReport()
    conflicts: list[Problem] = []
    grants, have_grants = source.grants(), target.grants()
    new_grants = {h: g for h, g in grants.items() if have_grants.get(h) != g}
    for h, g in new_grants.items():
        if h in have_grants:
            conflicts.append(Problem(_("tilgangsnøkkelen «{name}» finnes fra før med et annet navn eller andre "
                                       "kommuner").format(name=g.name), Location(file="workspace.yaml"),
                                     code="token_differs"))
    report.unchanged += len(grants) - len(new_grants)
    target_ids = set(target.plan_ids())
    plans: list[tuple[str, str, str]] = []  # (id, text, expected version)
    adoptions: list[tuple[str, str, Adoption, str]] = []
    for plan_id in source.plan_ids():
        text = source.plan_source(plan_id).value
        numbers = {m.number for m in plan_from_text(text, plan_id).municipalities}  # a bad plan stops all here
        if plan_id in target_ids:
            have = target.plan_source(plan_id)
            if have.value == text:
                report.unchanged += 1
            else:
                conflicts.append(Problem(_("planen finnes fra før med annet innhold"),
                                         Location(file=plan_file(plan_id)),
                                         code="plan_differs"))
                plans.append((plan_id, text, have.version))
        else:
            plans.append((plan_id, text, ABSENT))
        have_records = target.adoption_records(plan_id) if plan_id in target_ids else {}
        for number, record in sorted(source.adoption_records(plan_id).items()):
            if number not in numbers:  # a record of a municipality since taken out of the plan: not in use
                report.skipped += 1
                continue
            have = have_records.get(number)
            if have is not None and have.value == record.value:
                report.unchanged += 1
                continue
            if have is not None:
                conflicts.append(Problem(_("vedtaket for kommune {number} finnes fra før med annet innhold").format(
                                             number=number),
                                         Location(file=f"municipalities/{number}/{plan_id}.adoption.yaml"),
                                         code="adoption_differs"))
            adoptions.append((plan_id, number, record.value, have.version if have is not None else ABSENT))
    if conflicts and not overwrite:
        raise ConflictError(ngettext("målet har {n} oppføring med annet innhold enn kilden; ingenting er skrevet (bruk "
                                     "--overwrite for å skrive over den)",
                                     "målet har {n} oppføringer med annet innhold enn kilden; ingenting er skrevet "
                                     "(bruk --overwrite for å skrive over dem)",
                                     len(conflicts)).format(n=len(conflicts)), problems=conflicts,
                            code="copy_conflict")
    if new_grants:
        target.put_grants(new_grants)
        report.tokens = len(new_grants)
    for plan_id, text, expected in plans:
        target.put_plan_source(plan_id, text, expected=expected)
        report.plans += 1
    for plan_id, number, adoption, expected in adoptions:
        target.write_adoption(plan_id, number, adoption, expected=expected, actor=None)
        report.adoptions += 1
    have_entries = {entry_key(e) for e in target.audit_entries(limit=None)}
    missing = [e for e in source.audit_entries(limit=None) if entry_key(e) not in have_entries]
    if missing:
        target.append_audit(missing)
    report.audit = len(missing)
    return report

