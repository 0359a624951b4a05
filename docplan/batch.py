"""Batch generation: one plan document per municipality, on every core, deterministic and resumable.

Two kinds of input:

* **one dataset** (YAML/JSON/XLSX) with a common plan plus per-municipality parts (local measures,
  local kommuneplan catalogue, per-municipality ``language``) — the Østerdalen model. A job renders
  the common plan with the measures that apply in that municipality (`Plan.measures_for`);
* **a folder of plan files**, one plan per municipality (any ``*.yaml``, ``*.yml``, ``*.json``,
  ``*.xlsx`` directly in the folder). A file that holds several municipalities gives one job each.

Each job is a pure function of (plan, municipality, language, template) → .docx bytes. The number of
worker processes is chosen from the amount of work (`pool_size`): below the measured break-even the
documents are made in the calling process. Where fork is safe (Linux, a single-threaded caller such
as the command line) workers are forked with the templates already compiled and the plans in memory;
elsewhere (forkserver, spawn) each worker compiles every template once (pool initializer). Workers
render and write their document to a temporary file beside its target (synced to disk, in parallel);
the parent process alone puts each one in place with an atomic rename, so Ctrl-C (or a progress
callback raising `KeyboardInterrupt`) never leaves a half-written file, and a result sent back is a
few hundred bytes (a worker killed while sending cannot leave a pool waiting for the rest). At most
``2 × jobs`` results are in flight, so memory stays bounded whatever the number of municipalities.
PDFs come from LibreOffice converters kept running for the process (`docplan.convert.shared_pool`),
the first started with the batch.

A failure is isolated to its municipality: a broken municipality record or local measure in a
dataset, a broken file in a folder, a template error for one municipality's data, a selected
kommunenummer that is not in the data, a file that cannot be written, and any unexpected exception
(«uventet feil», with the exception type; the traceback is kept in `JobResult.traceback`). A worker
process that dies (killed, out of memory) breaks the pool: the jobs it had in flight are run again,
each alone in a fresh pool, so only a job that kills its worker again fails. The rest is produced;
`BatchSummary.ok` says whether all went well.

Killing the parent (even ``kill -9``) leaves nothing running: each worker watches a pipe whose only
writer is the parent and exits when it reads end-of-file (a forked worker closes its inherited copy
of the writing end), the forkserver and resource tracker exit once no process holds their pipes,
and a LibreOffice converter stops when its standard input closes. The manifest is written as
documents finish (at most every `MANIFEST_INTERVAL` seconds), so a killed run is resumed. The output
folder is locked for the run; temporary files a killed run left there (``*.docplan-tmp``, ``.docplan-pdf-*``) are removed at the
start of the next.

Re-runs skip municipalities whose inputs are unchanged: ``.docplan-batch-manifest.json`` in the
output folder records, per municipality, a SHA-256 of everything the document depends on (docplan
version, template bytes, language, and the plan with only that municipality's measures) and of the
output file. ``force=True`` renders everything again.

File names are ``<kommunenummer>-<name>.docx``. Letters are kept as they are (æ, ø, å and Sami
letters included, NFC): Windows, macOS, Linux and zip (UTF-8 flag) all store them; characters that
Windows or zip reject (``<>:"/\\|?*``, control characters, spaces) become ``-``. Because every name
starts with the four-digit number, no name can be a reserved Windows device name (CON, NUL, …).
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import copy
import errno
import gc
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
import unicodedata
from collections import deque
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Optional, Union

from docplan import __version__
from docplan.errors import ConfigError, ConflictError, DataError, DocplanError, Location
from docplan.i18n import _
if TYPE_CHECKING:  # the data model (pydantic) is imported when a batch runs, not with this module
    from docplan.model import Plan

MANIFEST_NAME = ".docplan-batch-manifest.json"
SUMMARY_NAME = "docplan-batch-sammendrag.json"
LOCK_NAME = ".docplan-batch.lock"
#: Seconds between manifest writes during a run: a killed run re-makes at most this much work.
MANIFEST_INTERVAL = 0.5
DATA_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx")

Status = str  # "laget" (made), "uendret" (skipped: unchanged), "feilet" (failed)
MADE, SKIPPED, FAILED = "laget", "uendret", "feilet"

ProgressCallback = Callable[["JobResult", int, int], None]


# -- results ---------------------------------------------------------------------------------------


@dataclass
class JobResult:
    """What happened to one municipality's document."""

    number: str
    name: str
    status: Status
    language: Optional[str] = None
    file: Optional[str] = None  # file name inside the output folder
    pdf: Optional[str] = None
    measures: Optional[int] = None
    input_hash: Optional[str] = None
    sha256: Optional[str] = None
    message: Optional[str] = None  # Norwegian, for the planner, when status is FAILED
    source: Optional[str] = None
    seconds: float = 0.0
    staged: Optional[str] = field(default=None, repr=False)  # the written document's temporary file, until placed
    traceback: Optional[str] = field(default=None, repr=False)  # of an unexpected error, for --debug

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("staged")
        d.pop("traceback")
        return {k: v for k, v in d.items() if v is not None}


@dataclass
class BatchSummary:
    """The outcome of a batch: one `JobResult` per municipality, in kommunenummer order."""

    out_dir: Path
    results: list[JobResult]
    seconds: float
    interrupted: bool = False
    workers: int = 1  # worker processes used (1: the documents were made in the calling process)

    @property
    def made(self) -> list[JobResult]:
        return [r for r in self.results if r.status == MADE]

    @property
    def skipped(self) -> list[JobResult]:
        return [r for r in self.results if r.status == SKIPPED]

    @property
    def failed(self) -> list[JobResult]:
        return [r for r in self.results if r.status == FAILED]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.interrupted

    def to_dict(self) -> dict:
        return {
            "docplan_version": __version__,
            "ok": self.ok,
            "interrupted": self.interrupted,
            "workers": self.workers,
            "counts": {MADE: len(self.made), SKIPPED: len(self.skipped), FAILED: len(self.failed)},
            "results": [r.to_dict() for r in self.results],
        }


# -- file names ------------------------------------------------------------------------------------

_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


def safe_filename(number: str, name: str, suffix: str = ".docx") -> str:
    """Return ``<kommunenummer>-<name><suffix>``, safe on Windows and in zip archives.

    >>> safe_filename("3427", "Tynset")
    '3427-Tynset.docx'
    >>> safe_filename("5636", "Unjárga - Nesseby")
    '5636-Unjárga-Nesseby.docx'
    """
    text = unicodedata.normalize("NFC", name or "")
    text = _UNSAFE.sub("-", text)
    text = re.sub(r"-{2,}", "-", text).strip("-._ ")[:60].rstrip("-._ ")
    return f"{number}-{text}{suffix}" if text else f"{number}{suffix}"


# -- jobs --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """Work for one worker call: a municipality's document, or (``number=None``) every selected
    municipality of one plan file, loaded in the worker."""

    number: Optional[str]
    file: Optional[str] = None  # for folder input: the plan file to load in the worker
    language: Optional[str] = None  # forced language (CLI --language); None = the municipality's
    plan: Optional[Plan] = field(default=None, compare=False, repr=False)  # for a list of plans
    index: Optional[int] = None  # for a list of plans in a forked worker: the plan's place in `_WorkerState.plans`


@dataclass
class _WorkerState:
    plan: Optional[Plan]
    templates: dict[str, str]
    manifest: dict[str, dict]
    out_dir: str
    force: bool
    selection: Optional[frozenset] = None  # folder input: only these kommunenummer (None = all)
    cache: dict[str, Any] = field(default_factory=dict)
    plans: list[Plan] = field(default_factory=list)  # a list of plans, inherited by forked workers (never pickled)


_STATE: Optional[_WorkerState] = None


def _init_worker(state: _WorkerState, ignore_sigint: bool, watch: Any = None, keep: Any = None) -> None:
    """Pool initializer: keep the shared state, watch the parent, compile every template once.

    A forked worker (``keep`` given) inherits the templates the parent compiled for its jobs, and,
    with every other descriptor, the parent's end of the watch pipe, which it closes so that only the
    parent holds it; it compiles nothing more up front.
    """
    global _STATE
    if ignore_sigint:
        # The parent alone handles Ctrl-C; a worker interrupted mid-job would only produce noise.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    if keep is not None:
        keep.close()
    if watch is not None:
        threading.Thread(target=_exit_with_parent, args=(watch,), name="docplan-parent-watch",
                         daemon=True).start()
    _STATE = state
    if keep is not None:
        return
    from docplan.render import compile_template

    for path in state.templates.values():
        try:
            compile_template(path)
        except Exception:
            pass  # reported by each job that needs this template


def _exit_with_parent(watch: Any) -> None:
    """Block until the parent's end of the pipe is closed, then end this worker at once.

    The parent never sends anything; its end closes only when the parent is gone (even after
    ``kill -9``). Without this a worker waits for work forever, and keeps the forkserver and the
    resource tracker alive with it.
    """
    try:
        watch.recv_bytes()
    except (EOFError, OSError):
        pass
    os._exit(1)


def _plan_for(job: Job, state: _WorkerState) -> Plan:
    if job.plan is not None:
        return job.plan
    if job.index is not None:
        return state.plans[job.index]
    if job.file is None:
        assert state.plan is not None
        return state.plan
    cached = state.cache.get("file")
    if cached and cached[0] == job.file:
        return cached[1]
    from docplan.loaders import load_plan

    plan = load_plan(job.file)
    state.cache["file"] = (job.file, plan)
    return plan


def job_language(plan: Plan, number: str, forced: Optional[str] = None) -> str:
    """Return the written standard of a municipality's edition: forced, its own, or the plan's."""
    muni = plan.municipality(number)
    return forced or (muni.language if muni and muni.language else None) or plan.meta.language


def _canonical(payload: Any) -> bytes:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


_COMMON: dict[int, tuple[Plan, str]] = {}


def _common_digest(plan: Plan) -> str:
    """Return the SHA-256 of the parts every edition shares (computed once per plan and process)."""
    hit = _COMMON.get(id(plan))
    if hit is not None and hit[0] is plan:
        return hit[1]
    digest = hashlib.sha256(_canonical({
        "meta": plan.meta.model_dump(mode="json"),
        "plan": plan.info.model_dump(mode="json"),
        "municipalities": [m.model_dump(mode="json") for m in plan.municipalities],
        "goals": [g.model_dump(mode="json") for g in plan.goals],
    })).hexdigest()
    if len(_COMMON) > 64:
        _COMMON.clear()
    _COMMON[id(plan)] = (plan, digest)
    return digest


def input_hash(plan: Plan, number: str, language: str, template: str) -> str:
    """Return the SHA-256 of everything one municipality's document depends on."""
    return hashlib.sha256(_canonical({
        "docplan": __version__,
        "number": number,
        "language": language,
        "template": _file_digest(template),
        "common": _common_digest(plan),
        "measures": [m.model_dump(mode="json") for m in plan.measures_for(number)],
    })).hexdigest()


_DIGESTS: dict[tuple[str, int], str] = {}


def _file_digest(path: str) -> str:
    p = Path(path)
    key = (str(p), p.stat().st_mtime_ns)
    if key not in _DIGESTS:
        _DIGESTS[key] = hashlib.sha256(p.read_bytes()).hexdigest()
    return _DIGESTS[key]


def run_job(job: Job, state: Optional[_WorkerState] = None) -> list[JobResult]:
    """Run one job in a worker: one document, or every selected municipality of a plan file."""
    state = state or _STATE
    assert state is not None, "run_job needs a worker state (generate_batch sets it)"
    if job.number is not None:
        return [render_job(job, state)]
    try:
        plan = _plan_for(job, state)
    except DocplanError as exc:
        return _job_failures(job, state, exc.format())
    except Exception as exc:
        return _job_failures(job, state, unexpected_message(exc), _format_traceback(exc))
    return [render_job(Job(m.number, file=job.file, language=job.language), state) for m in plan.municipalities
            if state.selection is None or m.number in state.selection]


def _run_job_in_worker(job: Job) -> list[JobResult]:
    """Run a job in a pool worker; whatever goes wrong becomes failed results, never an exception."""
    try:
        return run_job(job)
    except BaseException as exc:  # a SystemExit from a job would otherwise reach the parent and end the batch
        return _job_failures(job, _STATE, unexpected_message(exc), _format_traceback(exc))


def unexpected_message(exc: BaseException) -> str:
    """Return the Norwegian reason for an exception docplan did not expect, naming its type."""
    detail = str(exc).strip().splitlines()
    what = f"{type(exc).__name__}: {detail[0]}" if detail else type(exc).__name__
    return f"uventet feil ({what}) da dokumentet skulle lages"


def _format_traceback(exc: BaseException) -> str:
    # includes a worker's _RemoteTraceback, which concurrent.futures chains as the cause
    return "".join(traceback.format_exception(exc))


def _job_failures(job: Job, state: Optional[_WorkerState], message: str,
                 trace: Optional[str] = None) -> list[JobResult]:
    """Return the failed results of a job that produced nothing: its municipality, or its file's.

    A file job (folder input) whose file could not be read is named by the kommunenummer its file
    name starts with, else by the file name; left out when a selection does not include it.
    """
    from docplan.municipalities import lookup_municipality

    if job.number is not None:
        number = job.number
    else:
        path = Path(job.file)
        number = _number_from_filename(path) or path.stem
        if state is not None and state.selection is not None and number not in state.selection:
            return []
    info = lookup_municipality(number) if re.fullmatch(r"\d{4}", number) else None
    return [JobResult(number=number, name=info.name if info else number, status=FAILED, message=message,
                      source=job.file, traceback=trace)]


def render_job(job: Job, state: Optional[_WorkerState] = None) -> JobResult:
    """Render one municipality's document; return its result (never raises an `Exception`)."""
    from docplan.render import build_context, compile_template

    state = state or _STATE
    assert state is not None, "render_job needs a worker state (generate_batch sets it)"
    start = time.perf_counter()
    result = JobResult(number=job.number, name=job.number, status=FAILED, source=job.file)
    try:
        plan = _plan_for(job, state)
        muni = plan.municipality(job.number)
        if muni is None:
            raise DataError(_("kommune {number} er ikke med i plandataene").format(number=job.number),
                            Location(file=job.file), code="not_in_data")
        result.name = muni.name
        lang = job_language(plan, job.number, job.language)
        result.language = lang
        template = state.templates.get(lang)
        if template is None:
            raise ConfigError(_("det finnes ingen mal for målformen «{lang}»").format(lang=lang), code="no_template")
        result.file = safe_filename(job.number, muni.name)
        result.measures = len(plan.measures_for(job.number))
        result.input_hash = input_hash(plan, job.number, lang, template)
        previous = state.manifest.get(job.number)
        target = Path(state.out_dir) / result.file
        if (not state.force and previous and previous.get("input_hash") == result.input_hash
                and previous.get("file") == result.file and target.is_file()
                and hashlib.sha256(target.read_bytes()).hexdigest() == previous.get("sha256")):
            result.status = SKIPPED
            result.sha256 = previous["sha256"]
            result.pdf = previous.get("pdf")
            return result
        context = build_context(plan, municipality=job.number)
        context["lang"] = lang  # a nynorsk municipality in a bokmål plan gets nynorsk KP references
        data = compile_template(template).render(context)
        result.sha256 = hashlib.sha256(data).hexdigest()
        result.staged = _stage(target, data)
        result.status = MADE
    except DocplanError as exc:
        result.message = exc.format()
    except Exception as exc:  # a bug, or a template that recurses: this municipality fails, the batch goes on
        result.message = unexpected_message(exc)
        result.traceback = _format_traceback(exc)
    finally:
        result.seconds = time.perf_counter() - start
    return result


def _stage(target: Path, data: bytes) -> str:
    """Write a document to a temporary file beside ``target`` (synced to disk); return its path.

    Workers write in parallel; the parent puts each file in place with one atomic rename
    (`_place_document`), or removes it. What a killed run leaves is removed at the start of the next.
    """
    from docplan.files import TEMP_SUFFIX, os_error

    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent)
    except OSError as exc:
        raise os_error(exc, target) from exc
    try:
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600 files: give the document a normal mode
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise os_error(exc, target) from exc
    return tmp


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


# -- input ---------------------------------------------------------------------------------------


def _record_locations(positions: dict, prefix: tuple) -> set:
    return {loc for key, loc in positions.items() if tuple(key[: len(prefix)]) == prefix}


def split_dataset(path: Union[str, os.PathLike]) -> tuple[Plan, dict[str, list[str]]]:
    """Load a dataset, isolating broken per-municipality records.

    Returns the plan without the broken records and, per kommunenummer, the Norwegian messages
    that made its edition fail. A problem in a municipality's own record fails that municipality;
    a problem in a local measure fails the municipalities it lists. A problem in the common part
    (plan facts, goals, common measures) fails the whole batch: the `DataError` is raised.
    """
    from docplan.loaders import load_raw, validate_plan

    file = str(path)
    raw, positions = load_raw(path)
    try:
        return validate_plan(raw, positions, file), {}
    except DataError as whole:
        error = whole
    if not isinstance(raw, dict) or not error.problems:
        raise error
    records: list[tuple[tuple, list[str], set]] = []  # (record path, numbers, locations)
    for i, rec in enumerate(raw.get("municipalities") or []):
        number = rec.get("number") if isinstance(rec, dict) else None
        if isinstance(number, int):
            number = f"{number:04d}"
        if isinstance(number, str) and number.strip():
            records.append((("municipalities", i), [number.strip()], _record_locations(positions, ("municipalities", i))))
    for j, rec in enumerate(raw.get("measures") or []):
        if not isinstance(rec, dict) or rec.get("scope") != "lokal":
            continue
        numbers = [str(n).strip() for n in rec.get("municipalities") or [] if isinstance(n, (str, int))]
        if numbers:
            records.append((("measures", j), numbers, _record_locations(positions, ("measures", j))))
    failed: dict[str, list[str]] = {}
    drop: set[tuple] = set()
    for problem in error.problems:
        owners = [r for r in records if problem.location in r[2]]
        if len(owners) != 1:
            raise error  # the common part is broken: no edition can be made
        record_path, numbers, _unused = owners[0]
        drop.add(record_path)
        for n in numbers:
            failed.setdefault(n, []).append(problem.format())
    pruned = copy.deepcopy(raw)
    for section in ("municipalities", "measures"):
        keep = [rec for k, rec in enumerate(pruned.get(section) or []) if (section, k) not in drop]
        pruned[section] = keep
    # Positions refer to the full data; the pruned plan only needs its structure checked again.
    try:
        plan = validate_plan(pruned, {}, file, check_references=False)
    except DataError:
        raise error from None
    return plan, failed


def _number_from_filename(path: Path) -> Optional[str]:
    m = re.match(r"(\d{4})(?!\d)", path.name)
    return m.group(1) if m else None


def _folder_jobs(folder: Path, language: Optional[str]) -> list[Job]:
    """Return one job per plan file in a folder; the files are loaded by the workers, in parallel."""
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in DATA_SUFFIXES
                   and not p.name.startswith((".", "~$")))
    if not files:
        raise DataError(_("mappen inneholder ingen planfiler (.yaml, .yml, .json eller .xlsx)"),
                        Location(file=str(folder)), code="empty_folder")
    return [Job(None, file=str(p), language=language) for p in files]


def parse_selection(text: str) -> list[str]:
    """Return the kommunenummer of ``"3421, 3424"`` in the given order, without duplicates."""
    out: list[str] = []
    for bit in re.split(r"[,\s;]+", text or ""):
        if bit and bit not in out:
            out.append(bit)
    return out


def _select(jobs: list[Job], failures: list[JobResult], selection: Optional[Iterable[str]]
            ) -> tuple[list[Job], list[JobResult]]:
    """Keep the selected municipalities' jobs; a number not in the register or the data fails.

    File jobs (folder input, ``number=None``) are kept: their municipalities are known only once a
    worker has loaded the file, so the run filters them there and checks the rest at the end.
    """
    if selection is None:
        return jobs, failures
    from docplan.municipalities import lookup_municipality

    wanted = list(dict.fromkeys(str(s).strip() for s in selection))
    by_number = {j.number: j for j in jobs}
    failed_numbers = {f.number: f for f in failures}
    chosen: list[Job] = []
    out_failures: list[JobResult] = []
    for number in wanted:
        info = lookup_municipality(number) if re.fullmatch(r"\d{4}", number) else None
        if info is None:
            out_failures.append(JobResult(number=number, name=number, status=FAILED,
                                          message=_("kommunenummer «{number}» finnes ikke i kommunelisten for 2024").format(
                                              number=number)))
        elif number in failed_numbers:
            out_failures.append(failed_numbers[number])
        elif number in by_number:
            chosen.append(by_number[number])
        elif None in by_number:
            pass  # folder input: checked after the run
        else:
            out_failures.append(JobResult(number=number, name=info.name, status=FAILED,
                                          message=_("kommune {number} {name} er ikke med i plandataene").format(
                                              number=number, name=info.name)))
    # failures of files whose municipality could not be known stay visible
    out_failures += [f for f in failures if not re.fullmatch(r"\d{4}", f.number)]
    return chosen + [j for j in jobs if j.number is None], out_failures


# -- the batch -------------------------------------------------------------------------------------


@contextlib.contextmanager
def _locked(out_dir: Path):
    """Hold an exclusive lock on the output folder, so no two runs write (or clean) it at once.

    The operating system drops the lock when the process ends, however it ends.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        fh = open(out_dir / LOCK_NAME, "a+b")
    except OSError as exc:
        raise ConfigError(_("mappen kan ikke lages eller skrives til: {reason}").format(reason=exc.strerror or exc),
                          Location(file=str(out_dir)), code="folder_not_writable") from None
    try:
        try:
            if os.name == "nt":
                import msvcrt

                msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise ConflictError(_("en annen kjøring av docplan batch skriver allerede til denne mappen; vent til "
                                  "den er ferdig, eller velg en annen mappe"), Location(file=str(out_dir)),
                                code="folder_busy") from None
        yield
    finally:
        fh.close()


def _remove_stale_temporaries(out_dir: Path) -> None:
    """Remove what a killed run left half-done: ``write_atomic``'s temporary files, PDF folders."""
    for entry in out_dir.iterdir():
        name = entry.name
        try:
            if name.startswith(".") and name.endswith(".docplan-tmp") and entry.is_file():
                entry.unlink()
            elif name.startswith(".docplan-pdf-") and entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
        except OSError:
            pass  # still there next time; it never counts as a document


def _read_manifest(out_dir: Path) -> dict[str, dict]:
    try:
        data = json.loads((out_dir / MANIFEST_NAME).read_text("utf-8"))
        entries = data.get("entries", {})
        return entries if isinstance(entries, dict) else {}
    except (OSError, ValueError, AttributeError):
        return {}  # no manifest (or a damaged one): everything is rendered


def _write_manifest(out_dir: Path, manifest: dict[str, dict]) -> None:
    from docplan.package import write_atomic

    body = {"docplan_version": __version__, "entries": dict(sorted(manifest.items()))}
    write_atomic(out_dir / MANIFEST_NAME, json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8"))


def _templates(languages: Iterable[str], template: Optional[Union[str, os.PathLike]]) -> dict[str, str]:
    from docplan.render import standard_template

    if template is not None:
        return {lang: str(Path(template).resolve()) for lang in languages}
    return {lang: str(standard_template(lang)) for lang in languages}


def default_jobs() -> int:
    """Return the number of CPUs this process may use: the most worker processes a batch starts."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


#: Seconds one job takes in a worker, by kind: an edition of a plan already in memory (render, hash,
#: send back), or a plan file of a folder (read, validate, render). Measured with bench/bench_batch.py
#: on 2 cores (standard plan, 20 tiltak); `pool_size` weighs the work with them.
JOB_SECONDS = {"plan": 0.014, "file": 0.09}
#: Seconds a pool costs before its workers render, by start method: a forked worker starts with
#: docplan imported and the templates compiled, but pays for forking, for the pages it copies on
#: first touch and for sending results; a spawned one (forkserver, spawn) first imports docplan and
#: compiles the templates (~0.35 s) — the cost that made small batches slower than one process.
#: ``bench/bench_batch.py --break-even`` on 2 cores: a forked pair pays from about 18 documents, a
#: forkserver pair not yet at 27; both costs grow with the machine's load, like `JOB_SECONDS`.
POOL_START_SECONDS = {"fork": 0.12, "forkserver": 0.45, "spawn": 0.6}
#: A pool must promise at least this much less time than one process, or the batch stays in one.
POOL_MARGIN = 0.9


def pool_size(jobs: Iterable[Job], limit: int, method: str) -> int:
    """Return how many worker processes make these jobs fastest; 1 means in this process, no pool.

    The estimate is one process doing all the work against a pool of ``w`` workers sharing it after
    the pool's start-up; a pool is chosen only when it saves at least a tenth (`POOL_MARGIN`), so a
    batch is never slower than ``--jobs 1`` by more than the estimate's error, and small batches (the
    nine Østerdalen editions) stay in one process when workers must be spawned.
    """
    jobs = list(jobs)
    work = sum(JOB_SECONDS["file" if j.number is None else "plan"] for j in jobs)
    start = POOL_START_SECONDS.get(method, POOL_START_SECONDS["spawn"])
    best, best_time = 1, work
    for workers in range(2, min(limit, len(jobs)) + 1):
        estimate = start + work / workers
        if estimate < best_time * POOL_MARGIN:
            best, best_time = workers, estimate
    return best


#: Environment variable naming the start method for worker processes (fork, forkserver or spawn),
#: e.g. to try the spawn-safe path on Linux; unset, `start_method` chooses.
START_METHOD_ENV = "DOCPLAN_BATCH_START"


def start_method() -> str:
    """Return how worker processes start: fork where it is safe, else forkserver, else spawn.

    fork (Linux, from a single-threaded process such as the command line) gives workers the parent's
    imported modules, compiled templates and plans without pickling anything. A threaded caller (the
    add-in server) must not fork — a lock held by another thread would stay locked in the child — so
    it gets forkserver (workers forked from a clean single-threaded server), and spawn where that does
    not exist (Windows; macOS, where fork is unsafe with the system libraries).
    """
    methods = multiprocessing.get_all_start_methods()
    forced = os.environ.get(START_METHOD_ENV, "").strip()
    if forced:
        if forced not in methods:
            raise ConfigError(_("{start_method_env}={forced} finnes ikke her; bruk en av {methods}").format(
                                  start_method_env=START_METHOD_ENV, forced=forced, methods=', '.join(methods)),
                              code="bad_start_method")
        return forced
    if sys.platform.startswith("linux") and "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def _mp_context(method: str):
    ctx = multiprocessing.get_context(method)
    if method == "forkserver":
        # imported once in the server, before it forks each worker (it still compiles the templates)
        ctx.set_forkserver_preload(["docplan.batch", "docplan.render"])
    return ctx


def generate_batch(
    source: Union[str, os.PathLike, Plan, list[Plan]],
    out_dir: Union[str, os.PathLike],
    *,
    municipalities: Optional[Iterable[str]] = None,
    language: Optional[str] = None,
    template: Optional[Union[str, os.PathLike]] = None,
    pdf: bool = False,
    force: bool = False,
    jobs: Optional[int] = None,
    progress: Optional[ProgressCallback] = None,
    write_summary: bool = True,
) -> BatchSummary:
    """Make one .docx (and optionally PDF) per municipality in ``out_dir``; return the summary.

    ``source`` is a dataset file, a folder of plan files, a `Plan`, or a list of `Plan` (one per
    municipality, e.g. held in memory by a server). ``municipalities`` selects
    kommunenummer (None = every municipality in the data). ``language`` forces "nb" or "nn" for
    all; otherwise each municipality's ``language`` or the plan's applies. ``template`` replaces
    the standard templates. ``jobs`` worker processes (default: all cores; 1 = in this process).
    ``progress(result, done, total)`` is called in this process after each document; if it raises
    (e.g. `KeyboardInterrupt`), the batch stops with only complete files on disk and the exception
    propagates. Raises `DataError` only when nothing can be made (unreadable dataset, broken
    common part); every per-municipality problem is a failed `JobResult`.
    """
    out = Path(out_dir)
    with _locked(out):
        _remove_stale_temporaries(out)
        return _generate_batch(source, out, municipalities=municipalities, language=language, template=template,
                               pdf=pdf, force=force, jobs=jobs, progress=progress, write_summary=write_summary)


def _generate_batch(source: Union[str, os.PathLike, Plan, list[Plan]], out: Path, *,
                    municipalities: Optional[Iterable[str]], language: Optional[str],
                    template: Optional[Union[str, os.PathLike]], pdf: bool, force: bool, jobs: Optional[int],
                    progress: Optional[ProgressCallback], write_summary: bool) -> BatchSummary:
    from docplan.model import Plan

    started = time.perf_counter()
    plan: Optional[Plan] = None
    pre_failed: list[JobResult] = []
    if isinstance(source, Plan):
        plan = source
    elif isinstance(source, (list, tuple)):
        job_list = []
        seen: set[str] = set()
        for one in source:
            for m in one.municipalities:
                if m.number in seen:
                    pre_failed.append(JobResult(number=m.number, name=m.name, status=FAILED,
                                                message=_("kommune {number} finnes i flere av planene").format(number=m.number)))
                else:
                    seen.add(m.number)
                    job_list.append(Job(m.number, language=language, plan=one))
    elif Path(source).is_dir():
        job_list = _folder_jobs(Path(source), language)
    else:
        plan, broken = split_dataset(source)
        for number, messages in sorted(broken.items()):
            muni = plan.municipality(number)
            pre_failed.append(JobResult(number=number, name=muni.name if muni else number, status=FAILED,
                                        message="\n".join(messages), source=str(source)))
    if plan is not None:
        failed_numbers = {f.number for f in pre_failed}
        job_list = [Job(m.number, language=language) for m in plan.municipalities if m.number not in failed_numbers]
    job_list, pre_failed = _select(job_list, pre_failed, municipalities)
    job_list.sort(key=lambda j: j.number or j.file)
    wanted = None
    if municipalities is not None:
        failed_early = {f.number for f in pre_failed}
        wanted = [n for n in dict.fromkeys(str(x).strip() for x in municipalities) if n not in failed_early]

    languages = {language} if language else {"nb", "nn"}
    state = _WorkerState(plan=plan, templates=_templates(sorted(languages), template),
                         manifest=_read_manifest(out), out_dir=str(out), force=force,
                         selection=frozenset(wanted) if wanted is not None else None)
    manifest = dict(state.manifest)
    results: list[JobResult] = []
    made_from: dict[str, str] = {}
    total = (len(wanted) if wanted is not None else len(job_list)) + len(pre_failed)
    done = 0
    interrupted = False
    workers = 1
    flushed = time.monotonic()

    def finish(result: JobResult) -> None:
        """Take a job's result: put its document in place, enter it in the manifest, report progress."""
        nonlocal done, total, flushed
        if result.status != FAILED:
            if result.number in made_from:  # folder input: two files for one municipality
                result.status = FAILED
                result.message = _("{source}: kommune {number} finnes også i {other}; hver kommune kan bare ha én "
                                   "planfil").format(source=result.source, number=result.number,
                                                     other=made_from[result.number])
            else:
                made_from[result.number] = result.source or ""
        _place_document(out, result)
        if result.status in (MADE, SKIPPED):
            manifest[result.number] = {"file": result.file, "input_hash": result.input_hash,
                                       "sha256": result.sha256, "pdf": result.pdf}
        else:
            manifest.pop(result.number, None)  # render it again next time, whatever the hashes say
        if time.monotonic() - flushed >= MANIFEST_INTERVAL:
            # what is done so far, so a killed run (kill -9, power cut) is resumed, not redone
            with contextlib.suppress(OSError):  # the write at the end reports a folder that refuses it
                _write_manifest(out, manifest)
            flushed = time.monotonic()
        results.append(result)
        done += 1
        total = max(total, done)
        if progress:
            progress(result, done, total)

    try:
        if pdf and (force or not state.manifest) and job_list:
            _start_converters()
        for r in pre_failed:
            finish(r)
        method = start_method()
        if jobs:  # asked for: that many workers (never more than jobs)
            workers = min(jobs, max(len(job_list), 1))
        else:
            workers = pool_size(job_list, default_jobs(), method)
        if workers <= 1:
            for job in job_list:
                for result in run_job(job, state):
                    finish(result)
        else:
            _run_pool(job_list, state, workers, finish, method)
        if wanted is not None and any(j.number is None for j in job_list):
            seen = {r.number for r in results}
            from docplan.municipalities import lookup_municipality

            for number in wanted:
                info = lookup_municipality(number)
                if number not in seen and info is not None:
                    finish(JobResult(number=number, name=info.name, status=FAILED,
                                     message=_("kommune {number} {name} er ikke med i plandataene").format(
                                         number=number, name=info.name)))
        if pdf:
            _make_pdfs(out, [r for r in results if r.status in (MADE, SKIPPED)], manifest)
    except BaseException:
        interrupted = True  # Ctrl-C, or a progress callback that raised: the summary must not say ok
        raise
    finally:
        if interrupted:  # documents rendered but never placed (in flight when the batch stopped)
            _remove_stale_temporaries(out)
        results.sort(key=lambda r: r.number)
        summary = BatchSummary(out, results, time.perf_counter() - started, interrupted, workers)
        _write_manifest(out, manifest)
        if write_summary:
            from docplan.package import write_atomic

            write_atomic(out / SUMMARY_NAME,
                         json.dumps(summary.to_dict(), ensure_ascii=False, indent=1).encode("utf-8"))
    return summary


def _start_converters() -> None:
    """Start LibreOffice now, so that it is ready when the documents are (it starts in 1–2 s).

    Only processes are started (no thread), so the batch may still fork its workers. LibreOffice
    missing is reported when the PDFs are made, after the documents.
    """
    from docplan.convert import shared_pool

    with contextlib.suppress(ConfigError):
        shared_pool().launch(1)  # another when the work pays for it (ConverterPool._worth_another)


def _place_document(out: Path, result: JobResult) -> None:
    """Put a rendered document in place (one atomic rename), or remove it when its result failed.

    A document that cannot be placed fails that municipality only.
    """
    staged, result.staged = result.staged, None
    if staged is None:
        return
    if result.status != MADE:
        with contextlib.suppress(OSError):
            os.unlink(staged)
        return
    from docplan.files import os_error

    target = out / result.file
    try:
        if target.is_dir():  # os.replace would say it in a less useful way on some systems
            raise IsADirectoryError(errno.EISDIR, "is a directory", str(target))
        os.replace(staged, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(staged)
        result.status, result.message, result.sha256 = FAILED, os_error(exc, target).format(), None


#: The reason given for a job whose worker process died twice while running it.
WORKER_DIED = ("uventet feil (BrokenProcessPool): arbeidsprosessen stoppet to ganger mens dokumentet ble laget "
               "(for lite minne, eller stoppet av en annen prosess?); prøv igjen, eventuelt med færre --jobs")


def _run_pool(job_list: list[Job], state: _WorkerState, workers: int,
              finish: Callable[[JobResult], None], method: str) -> None:
    """Run jobs in process pools and hand every result to ``finish`` in this process.

    A worker that dies breaks its pool and every job in flight with it. Those jobs are then run
    again one at a time in a one-worker pool, so that a job that kills its worker (and only that
    job) fails, with `WORKER_DIED`; the other jobs go on in a fresh pool.

    With fork, the templates are compiled here first and a list of plans is put in the state, so
    each worker starts ready and a job names its plan by index instead of carrying it.
    """
    ctx = _mp_context(method)
    if method == "fork":
        _prepare_fork(job_list, state)
        unique = {id(j.plan): j.plan for j in job_list if j.plan is not None}
        state.plans = list(unique.values())
        where = {key: i for i, key in enumerate(unique)}
        job_list = [Job(j.number, j.file, j.language, index=where[id(j.plan)]) if j.plan is not None else j
                    for j in job_list]
    # The workers' watch on this process: they get the read end, the write end never leaves here
    # (a forked worker closes its inherited copy at once).
    watch, keep = ctx.Pipe(duplex=False)
    inherited = keep if method == "fork" else None
    if method == "fork":
        # What exists now is the workers' shared start: the collector must not touch it in a worker,
        # or every page it visits is copied (the cost of a first document in each worker).
        gc.freeze()
    try:
        todo = deque(job_list)
        while todo:
            alone = deque(_drain(todo, state, workers, 2 * workers, finish, ctx, (watch, inherited)))
            while alone:
                for job in _drain(alone, state, 1, 1, finish, ctx, (watch, inherited)):
                    for result in _job_failures(job, state, WORKER_DIED):
                        finish(result)
    finally:
        if method == "fork":
            gc.unfreeze()
        watch.close()
        keep.close()


def _prepare_fork(job_list: list[Job], state: _WorkerState) -> None:
    """Do once, before forking, what every worker would otherwise do before its first document.

    Compiles the templates these jobs use, builds one job's context and imports what the
    renderer's filters import on first use. Nothing is rendered here: a job that kills its process
    must kill a worker, never this one.
    """
    import docplan.snippets  # noqa: F401  (the kp filters' first call imports it: ~25 ms per worker)
    from docplan.render import build_context, compile_template

    for path in _templates_needed(job_list, state):
        with contextlib.suppress(Exception):  # reported by each job that needs this template
            compile_template(path)
    first = next((j for j in job_list if j.number is not None), None)
    if first is not None:
        with contextlib.suppress(Exception):  # a broken record fails in its job, with its message
            build_context(_plan_for(first, state), municipality=first.number)


def _templates_needed(job_list: list[Job], state: _WorkerState) -> list[str]:
    """Return the templates these jobs render with (every template when a job's plan is in a file)."""
    if any(j.number is None for j in job_list):
        return list(state.templates.values())
    languages = set()
    for job in job_list:
        plan = _plan_for(job, state)
        with contextlib.suppress(Exception):  # a broken record fails in its job, with its message
            languages.add(job_language(plan, job.number, job.language))
    return [state.templates[lang] for lang in sorted(languages) if lang in state.templates]


def _drain(todo: deque, state: _WorkerState, workers: int, window: int, finish: Callable[[JobResult], None],
           ctx: Any, pipes: tuple) -> list[Job]:
    """Run jobs from ``todo`` in one pool, at most ``window`` in flight, until done or the pool breaks.

    Returns the jobs that were in flight when a worker died (empty when none did); jobs not yet
    started stay in ``todo``.
    """
    pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                                  initargs=(state, True, *pipes))
    pending: dict[cf.Future, Job] = {}
    lost: list[Job] = []
    try:
        def submit() -> bool:
            job = todo.popleft()
            try:
                pending[pool.submit(_run_job_in_worker, job)] = job
            except BrokenProcessPool:
                todo.appendleft(job)  # never started: it goes on in the next pool
                return False
            return True

        while todo and len(pending) < window and submit():
            pass
        while pending:
            completed, _unused = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for fut in completed:
                job = pending.pop(fut)
                exc = fut.exception()
                if isinstance(exc, BrokenProcessPool):
                    lost.append(job)
                    continue
                if exc is not None:  # e.g. a result that could not be sent back from the worker
                    results = _job_failures(job, state, unexpected_message(exc), _format_traceback(exc))
                else:
                    results = fut.result()
                for one in results:
                    finish(one)
                if not lost and todo:
                    submit()
        return lost
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _make_pdfs(out: Path, results: list[JobResult], manifest: dict[str, dict]) -> None:
    """Convert documents to tagged PDF on the process's LibreOffice converters (see `docplan.convert`).

    LibreOffice writes into a temporary folder inside ``out``; each PDF is moved into place with an
    atomic rename, so an interrupted conversion leaves no partial PDF. A document LibreOffice cannot
    convert fails its municipality only; LibreOffice missing stops the batch (`ConfigError`).
    """
    from docplan.convert import convert_files, shared_pool

    todo = [r for r in results if r.file and not (r.status == SKIPPED and r.pdf and (out / r.pdf).is_file())]
    if not todo:
        return
    with tempfile.TemporaryDirectory(prefix=".docplan-pdf-", dir=out) as tmp:
        pairs = [(out / r.file, Path(tmp) / (Path(r.file).stem + ".pdf")) for r in todo]
        outcome = convert_files(pairs, shared_pool())
        for r, (source, made) in zip(todo, pairs):
            reason = outcome.get(source)
            if reason is None and made.is_file() and made.stat().st_size > 0:
                os.replace(made, out / made.name)
                r.pdf = made.name
                if r.number in manifest:
                    manifest[r.number]["pdf"] = r.pdf
            else:
                r.status = FAILED
                r.message = f"{r.file}: {reason or 'LibreOffice klarte ikke å lage PDF av dokumentet'}"
