"""PDF through LibreOffice: tagged PDF/UA, from converters kept alive, or one ``soffice`` run as a fallback.

Every PDF is exported as tagged PDF/UA (`PDF_OPTIONS`): PDFs of a plan are published on the
municipality's website, where the universal design rules (WCAG 2.1) apply. Title and language come
from the document (docplan's templates set both), bookmarks from its headings.

Starting LibreOffice costs 1–2 s, more than converting a plan. A `ConverterPool` therefore keeps up to
two LibreOffice processes running (one per core, at most two; the second is started only when the files
waiting pay for its start, judged from what the first took), each driven through UNO by
``docplan/lo_worker.py`` in a Python that has LibreOffice's ``uno`` module (Debian: ``/usr/bin/python3``
with python3-uno; Windows/macOS: the ``python`` shipped beside ``soffice``). `shared_pool` is the one
pool of a process — batch and the add-in server use it — and stops its converters when the process
ends; each converter also stops when its parent dies (it watches its standard input).

When no converter can start (no ``uno``, LibreOffice does not answer) or ``DOCPLAN_PDF_CONVERTER=oneshot``
is set, conversion falls back to one ``soffice --convert-to`` run over many files, with the same
export options.
"""

from __future__ import annotations

import atexit
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Optional

from docplan.errors import ConfigError, DocumentError, Location
from docplan.i18n import _

#: Seconds one conversion may take, per file (plus a fixed start-up allowance for a one-shot run).
TIMEOUT_PER_FILE = int(os.environ.get("DOCPLAN_SOFFICE_TIMEOUT", 60))
#: Seconds a converter may take to start LibreOffice and answer.
START_TIMEOUT = 90
#: ``oneshot`` never keeps LibreOffice running; anything else (default) uses converters where possible.
CONVERTER_ENV = "DOCPLAN_PDF_CONVERTER"
#: The Python that runs ``lo_worker.py`` (one with LibreOffice's ``uno``); found when unset.
UNO_PYTHON_ENV = "DOCPLAN_UNO_PYTHON"

#: LibreOffice's PDF export options: tagged PDF/UA, bookmarks from the headings, the document's title
#: in the window (PDF/UA requires it); the language is the document's own.
PDF_OPTIONS = {
    "UseTaggedPDF": True,
    "PDFUACompliance": True,
    "ExportBookmarks": True,
    "DisplayPDFDocumentTitle": True,
    "ExportNotes": False,
}
PDF_FILTER = "writer_pdf_Export"
_WORKER = Path(__file__).with_name("lo_worker.py")


def find_soffice() -> str:
    """Return the LibreOffice executable, or raise `ConfigError` telling how to install it."""
    for name in (os.environ.get("DOCPLAN_SOFFICE"), "soffice", "libreoffice"):
        if name and (path := shutil.which(name)):
            return path
    raise ConfigError(_("LibreOffice (soffice) er ikke installert, så PDF kan ikke lages; installer for eksempel "
                        "pakken libreoffice-writer-nogui"), code="no_soffice")


def oneshot_filter(fmt: str = "pdf") -> str:
    """Return ``--convert-to``'s argument: for PDF with `PDF_OPTIONS` (LibreOffice 7.4's JSON form)."""
    if fmt != "pdf":
        return fmt
    options = {k: {"type": "boolean" if isinstance(v, bool) else "long", "value": str(v).lower()}
               for k, v in PDF_OPTIONS.items()}
    return f"pdf:{PDF_FILTER}:{json.dumps(options, separators=(',', ':'))}"


def convert_oneshot(paths: list[Path], out_dir: Path, fmt: str = "pdf") -> None:
    """Convert files with one ``soffice --convert-to`` run (fresh profile); outputs are named by stem."""
    soffice = find_soffice()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="docplan-lo-") as profile:
        cmd = [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
               "--convert-to", oneshot_filter(fmt), "--outdir", str(out_dir), *[str(p) for p in paths]]
        try:
            subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                           check=False, timeout=30 + TIMEOUT_PER_FILE * len(paths))
        except subprocess.TimeoutExpired as exc:
            raise DocumentError(_("LibreOffice brukte for lang tid på konverteringen"), Location(file=str(paths[0])),
                                code="soffice_timeout") from exc


# -- converters kept alive -------------------------------------------------------------------------


class ConverterUnavailable(Exception):
    """No converter could be started here (no ``uno``, or LibreOffice did not answer): use one-shot runs."""


_UNO_PYTHON: dict[tuple, Optional[str]] = {}


def _python_candidates(soffice: str) -> list[str]:
    own = os.environ.get(UNO_PYTHON_ENV)
    if own:
        return [own]
    import importlib.util

    program = Path(os.path.realpath(soffice)).parent
    found = [sys.executable] if importlib.util.find_spec("uno") is not None else []  # no process to ask this one
    for beside in (program / "python.exe", program / "python", program.parent / "Resources" / "python"):
        if beside.is_file():  # LibreOffice's own Python (Windows, macOS)
            found.append(str(beside))
    for name in ("/usr/bin/python3", shutil.which("python3")):  # Debian/Ubuntu: python3-uno
        if name and os.path.isfile(name):
            found.append(name)
    return list(dict.fromkeys(found))


def uno_python(soffice: str) -> Optional[str]:
    """Return a Python that can import LibreOffice's ``uno`` (tried once per process), or None."""
    key = (soffice, os.environ.get(UNO_PYTHON_ENV))
    if key not in _UNO_PYTHON:
        _UNO_PYTHON[key] = None
        for python in _python_candidates(soffice):
            try:
                probe = subprocess.run([python, "-c", "import uno"], capture_output=True, timeout=30,
                                       stdin=subprocess.DEVNULL)
            except (OSError, subprocess.TimeoutExpired):
                continue
            if probe.returncode == 0:
                _UNO_PYTHON[key] = python
                break
    return _UNO_PYTHON[key]


class Converter:
    """One LibreOffice process, started with a fresh profile and driven by ``lo_worker.py``.

    `launch` only starts the processes (no thread is created, so a batch may still fork its workers);
    the first conversion waits until LibreOffice answers. One conversion at a time.
    """

    def __init__(self, soffice: str, python: str):
        self.soffice, self.python = soffice, python
        self.proc: Optional[subprocess.Popen] = None
        self.ready = False
        self.dead = False
        self.office_pid: Optional[int] = None  # LibreOffice's process, once it answered
        self.profile: Optional[str] = None
        self.launched = 0.0
        self.start_seconds: Optional[float] = None  # from launch until LibreOffice answered
        self.file_seconds: Optional[float] = None  # the last conversion

    def launch(self) -> None:
        self.launched = time.monotonic()
        self.profile = profile = tempfile.mkdtemp(prefix="docplan-lo-")  # the worker removes it when it ends
        setup = {"soffice": self.soffice, "profile": profile, "timeout": START_TIMEOUT,
                 "pipe": f"docplan-{os.getpid()}-{uuid.uuid4().hex[:12]}"}
        try:
            self.proc = subprocess.Popen([self.python, str(_WORKER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=subprocess.DEVNULL, text=True, encoding="utf-8", bufsize=1)
            self.proc.stdin.write(json.dumps(setup) + "\n")
            self.proc.stdin.flush()
        except OSError as exc:
            self.close()
            shutil.rmtree(profile, ignore_errors=True)
            raise ConverterUnavailable(str(exc)) from exc

    def _answer(self, timeout: float) -> dict:
        """Read the worker's next line, waiting at most ``timeout`` seconds (then it is stopped)."""
        box: list[str] = []
        proc = self.proc
        reader = threading.Thread(target=lambda: box.append(proc.stdout.readline()), daemon=True,
                                  name="docplan-lo-answer")
        reader.start()
        reader.join(timeout)
        if reader.is_alive():
            proc.kill()  # a LibreOffice that hangs is ended with its worker (it watches the worker's pipe)
            self.close()
            reader.join(10)
            return {"ok": False, "error": "timeout", "timeout": True}
        try:
            return json.loads(box[0]) if box and box[0].strip() else {"ok": False, "error": "ended"}
        except ValueError:
            return {"ok": False, "error": box[0][:200]}

    def convert(self, source: Path, target: Path) -> None:
        """Convert ``source`` into ``target`` (PDF/UA); raise `DocumentError`, or `ConverterUnavailable`
        when this converter cannot start or has died (the caller may try elsewhere)."""
        if self.dead or self.proc is None:
            raise ConverterUnavailable("converter stopped")
        if not self.ready:
            answer = self._answer(START_TIMEOUT + 10)
            if not answer.get("ready"):
                self.close()
                raise ConverterUnavailable(answer.get("error", "LibreOffice did not start"))
            self.ready, self.office_pid = True, answer.get("pid")
            self.start_seconds = time.monotonic() - self.launched
        began = time.monotonic()
        request = {"in": str(Path(source).resolve()), "out": str(Path(target).resolve()), "filter": PDF_FILTER,
                   "options": PDF_OPTIONS}
        try:
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.flush()
        except OSError as exc:
            self.close()
            raise ConverterUnavailable(str(exc)) from exc
        answer = self._answer(TIMEOUT_PER_FILE)
        if answer.get("ok"):
            self.file_seconds = time.monotonic() - began
            return
        if answer.get("timeout"):
            raise DocumentError(_("LibreOffice brukte for lang tid på konverteringen"), Location(file=str(source)),
                                code="soffice_timeout")
        if self.proc is None or self.proc.poll() is not None or answer.get("alive") is False \
                or answer.get("error") == "ended":
            self.close()
            raise ConverterUnavailable(answer.get("error", "LibreOffice stopped"))
        raise DocumentError(_("LibreOffice klarte ikke å lage PDF av dokumentet"), Location(file=str(source)),
                            code="soffice_failed")

    def close(self, wait: float = 20) -> None:
        """Stop the worker: it stops LibreOffice and removes the profile when its input closes.

        Waits up to ``wait`` seconds for that (0: not at all, as at the end of the process, where
        the worker finishes on its own).
        """
        self.dead = True
        proc, self.proc = self.proc, None
        if proc is None:
            return
        try:
            proc.stdin.close()
        except OSError:
            pass
        if wait:
            _reap(proc, wait)


def _reap(proc: subprocess.Popen, wait: float) -> None:
    """Wait for a stopped worker (killing it after ``wait`` seconds) and close its output pipe."""
    try:
        proc.wait(wait)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


class ConverterPool:
    """Up to ``size`` converters (default: one per core, at most two), shared by the threads of a process."""

    def __init__(self, size: Optional[int] = None):
        self.size = max(1, size or min(2, os.cpu_count() or 1))
        self._lock = threading.Lock()
        self._idle: "queue.SimpleQueue[Converter]" = queue.SimpleQueue()
        self._all: list[Converter] = []
        self._unavailable: Optional[str] = None
        if os.environ.get(CONVERTER_ENV, "").strip().lower() == "oneshot":
            self._unavailable = f"{CONVERTER_ENV}=oneshot"

    @property
    def available(self) -> bool:
        return self._unavailable is None

    def launch(self, count: int) -> None:
        """Start converters until ``count`` (at most `size`) are running or starting; never waits."""
        with self._lock:
            if self._unavailable is not None:
                return
            self._all = [c for c in self._all if not c.dead]
            while len(self._all) < min(count, self.size):
                soffice = find_soffice()
                python = uno_python(soffice)
                if python is None:
                    self._unavailable = "no Python with LibreOffice's uno module (Debian: apt install python3-uno)"
                    return
                converter = Converter(soffice, python)
                try:
                    converter.launch()
                except ConverterUnavailable as exc:
                    self._unavailable = str(exc)
                    return
                self._all.append(converter)
                self._idle.put(converter)

    def _worth_another(self, live: list[Converter], backlog: int) -> bool:
        """Whether one more LibreOffice would finish ``backlog`` waiting files sooner than those running.

        Judged from what the running ones took here, now: to start, and per file. On two busy cores
        a second LibreOffice's start (1–4 s of CPU) costs as much as it saves on a handful of files;
        for a long batch, or a server that keeps it, it halves the time.
        """
        if not live:
            return True
        if len(live) >= self.size:
            return False
        timed = [c for c in live if c.start_seconds is not None and c.file_seconds is not None]
        if not timed:
            return False  # wait until one has answered and converted a file
        start = max(c.start_seconds for c in timed)
        per_file = max(c.file_seconds for c in timed)
        return backlog * per_file * (1 - len(live) / (len(live) + 1)) > start

    def _take(self, backlog: int = 0) -> Converter:
        """Return an idle converter, starting another when `_worth_another` says so; raise when none can."""
        while True:
            if self._unavailable is not None:
                raise ConverterUnavailable(self._unavailable)
            try:
                converter = self._idle.get_nowait()
            except queue.Empty:
                with self._lock:
                    live = [c for c in self._all if not c.dead]
                if self._worth_another(live, backlog):
                    self.launch(len(live) + 1)
                    continue
                try:
                    converter = self._idle.get(timeout=0.1)
                except queue.Empty:
                    continue
            if not converter.dead:
                return converter

    def convert(self, source: Path, target: Path, backlog: int = 0) -> None:
        """Convert one file on an idle converter; see `Converter.convert`. ``backlog``: files waiting after it."""
        converter = self._take(backlog)
        try:
            converter.convert(source, target)
        except ConverterUnavailable as exc:
            with self._lock:
                if not any(c.ready for c in self._all):
                    # none has ever answered: this machine cannot run converters, use one-shot runs
                    self._unavailable = str(exc)
            raise
        finally:
            if not converter.dead:
                self._idle.put(converter)

    @property
    def converters(self) -> list[Converter]:
        """The converters running or starting now."""
        with self._lock:
            return [c for c in self._all if not c.dead]

    def close(self, wait: float = 20) -> None:
        """Stop every converter (see `Converter.close`)."""
        with self._lock:
            converters, self._all = self._all, []
            self._idle = queue.SimpleQueue()
        procs = [c.proc for c in converters if c.proc is not None]
        for converter in converters:
            converter.close(wait=0)  # all stop at once
        for proc in procs if wait else ():
            _reap(proc, wait)


_SHARED: Optional[ConverterPool] = None
_SHARED_LOCK = threading.Lock()


def shared_pool() -> ConverterPool:
    """Return this process's converter pool (created on first use, stopped when the process ends)."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = ConverterPool()
            atexit.register(_SHARED.close, wait=0)
        return _SHARED


def convert_files(pairs: list[tuple[Path, Path]], pool: Optional[ConverterPool] = None) -> dict[Path, Optional[str]]:
    """Convert each (source .docx, target .pdf) pair; return, per source, None or the Norwegian reason it failed.

    Runs on the pool's converters in parallel; what no converter could take or convert (some
    documents LibreOffice opens in ``--convert-to`` mode but not through UNO, or one that crashed it)
    is converted by one-shot ``soffice`` runs. Targets are written in place (callers write into a
    temporary folder first).
    """
    pool = pool or shared_pool()
    outcome: dict[Path, Optional[str]] = {}
    leftover: list[tuple[Path, Path]] = []
    lock = threading.Lock()
    if pool.available and pairs:
        pool.launch(1)  # another starts when the work left pays for it (ConverterPool._worth_another)
        work: "queue.SimpleQueue[tuple[Path, Path]]" = queue.SimpleQueue()
        for pair in pairs:
            work.put(pair)

        def run() -> None:
            while True:
                try:
                    source, target = work.get_nowait()
                except queue.Empty:
                    return
                try:
                    pool.convert(source, target, backlog=work.qsize())
                    outcome[source] = None
                except DocumentError as exc:
                    if exc.code == "soffice_timeout":
                        outcome[source] = exc.message
                    else:  # a document LibreOffice cannot open through UNO may convert in a one-shot run
                        with lock:
                            leftover.append((source, target))
                except ConverterUnavailable:
                    with lock:
                        leftover.append((source, target))

        threads = [threading.Thread(target=run, name="docplan-pdf") for _unused in range(min(pool.size, len(pairs)))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    else:
        leftover = list(pairs)
    by_folder: dict[Path, list[tuple[Path, Path]]] = {}
    for source, target in leftover:
        by_folder.setdefault(target.parent, []).append((source, target))
    for folder, group in by_folder.items():
        with tempfile.TemporaryDirectory(prefix=".docplan-pdf-", dir=folder) as tmp:
            staged, copies = [], []
            (Path(tmp) / "in").mkdir()
            for k, (source, target) in enumerate(group):  # one-shot runs name outputs by stem: make them unique
                copy = Path(tmp) / "in" / f"{k:05d}.docx"
                try:
                    shutil.copyfile(source, copy)
                except OSError:
                    outcome[source] = "LibreOffice klarte ikke å lage PDF av dokumentet"
                    continue
                staged.append(copy)
                copies.append((source, target))
            group = copies
            if not staged:
                continue
            try:
                convert_oneshot(staged, Path(tmp) / "out")
            except DocumentError as exc:
                for source, _unused in group:
                    outcome[source] = exc.message
                continue
            for copy, (source, target) in zip(staged, group):
                made = Path(tmp) / "out" / (copy.stem + ".pdf")
                if made.is_file() and made.stat().st_size > 0:
                    os.replace(made, target)
                    outcome[source] = None
                else:
                    outcome[source] = "LibreOffice klarte ikke å lage PDF av dokumentet"
    return outcome


def convert(paths: list[Path], out_dir: Path, fmt: str = "pdf") -> list[Path]:
    """Convert .docx files; return the output paths (``<stem>.<fmt>`` in ``out_dir``) in the same order."""
    if not paths:
        return []
    find_soffice()
    out_dir.mkdir(parents=True, exist_ok=True)
    outputs = [out_dir / (Path(p).stem + "." + fmt) for p in paths]
    if fmt == "pdf":
        outcome = convert_files(list(zip(map(Path, paths), outputs)))
        for src in paths:
            if outcome.get(Path(src)):
                raise DocumentError(outcome[Path(src)], Location(file=str(src)), code="soffice_failed")
    else:
        convert_oneshot(list(map(Path, paths)), out_dir, fmt)
    for src, out in zip(paths, outputs):
        if not out.is_file() or out.stat().st_size == 0:
            raise DocumentError(_("LibreOffice klarte ikke å lage PDF av dokumentet"), Location(file=str(src)),
                                code="soffice_failed")
    return outputs


def to_pdf(docx_path: Path, pdf_path: Path) -> Path:
    """Convert one .docx to a tagged PDF at ``pdf_path`` (written atomically)."""
    from docplan.files import write_atomic

    with tempfile.TemporaryDirectory(prefix="docplan-pdf-") as tmp:
        (out,) = convert([Path(docx_path)], Path(tmp))
        write_atomic(pdf_path, out.read_bytes())
    return pdf_path
