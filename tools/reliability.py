"""Try docplan the way an attacker and a careless user would, in volume, and count what happens.

    python tools/reliability.py                  # every family (a few minutes on 2 cores)
    python tools/reliability.py --quick          # a small subset of each family (a smoke test)
    python tools/reliability.py --json out.json  # also write the figures as JSON
    python tools/reliability.py --only files,server --show 50   # some families; describe more problems

POSIX only (SIGALRM, resource limits, FIFOs), like the safety tests it extends.

Five families of cases (README, section «Reliability», says what each one tries):

1. ``corpus``: every Word file of ../shared/corpus/docx through the public library: check, insert the
   measure table + save + reopen, list/refresh, extract, kp import (skipped when the corpus is absent);
2. ``hostile-data``: seeded random plans (``--seed``) with hostile text in YAML, JSON and XLSX: load,
   render, insert into a document; the text must come out verbatim or be refused with a location;
3. ``hostile-templates``: injection expressions and runaway templates through the bounded renderer;
4. ``files``: ``python -m docplan`` as real processes in temporary folders, where a file could be lost;
5. ``server``: every municipality's demo token against every other municipality's items on the
   add-in server's snippet, refresh and check routes (through ``create_app`` and HTTP only).

Every case ends in exactly one outcome: ``ok``; ``refused`` (a docplan error, counted by its
``code``); a ``traceback`` (any other exception, exit code 4, or a crashed process); a ``hang`` (no
end within the case's time bound: SIGALRM in this process, a timeout for a subprocess); ``files lost``
(an input changed, a partial output or temporary file left, a ``.bak`` lost or cut); a
``cross-municipality read`` (an answer to municipality A's token holding text only municipality B
has); or a ``failure`` (any other wrong result, e.g. hostile text not verbatim and not refused).

Exit status 0 when no case ended in a traceback, hang, lost file, cross-municipality read or
failure; 1 otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import platform
import random
import re
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

from docplan.errors import DocplanError  # noqa: E402

#: The shared material (../shared next to the repository, or DOCPLAN_SHARED, as for the tests).
CORPUS = Path(os.environ.get("DOCPLAN_SHARED", ROOT.parent / "shared")) / "corpus" / "docx"
EXAMPLE = ROOT / "examples" / "osterdalen.yaml"
SEED = 15
#: Problems listed per family and kind (the counts are always complete).
SHOWN = 8
PROBLEM_KINDS = ("tracebacks", "hangs", "files_lost", "cross_reads", "failures")


# -- outcomes ------------------------------------------------------------------------------------


class Hang(BaseException):
    """Raised by the time bound's alarm. A BaseException, so no ``except Exception`` swallows it."""


class Lost(Exception):
    """A case lost or damaged a file."""


class Leak(Exception):
    """An answer held another municipality's text."""


class Wrong(Exception):
    """A case ended in a result that is neither correct nor a clean refusal."""


class Crash(Exception):
    """A subprocess or server answer that is a traceback (exit 4, «Traceback», a signal, a 500)."""


@dataclass(frozen=True)
class Refused:
    """Returned by a case that ended in a clean refusal it recognised itself (a subprocess, an HTTP 4xx)."""

    reason: str


@contextlib.contextmanager
def time_bound(seconds: float) -> Iterator[None]:
    """Raise `Hang` in this (main) thread when the block runs longer than ``seconds``."""

    def alarm(signum, frame):
        raise Hang()

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class Family:
    """The figures of one family of cases."""

    name: str
    title: str
    tried: int = 0
    ok: int = 0
    refused: Counter = field(default_factory=Counter)
    tracebacks: int = 0
    hangs: int = 0
    files_lost: int = 0
    cross_reads: int = 0
    failures: int = 0
    skipped: str | None = None
    seconds: float = 0.0
    shown: int = field(default_factory=lambda: SHOWN)
    notes: list[str] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)

    def run(self, case: str, fn: Callable[[], Any], *, seconds: float = 60.0) -> Any:
        """Run one case under a time bound and count its outcome; return what ``fn`` returned (or None)."""
        self.tried += 1
        try:
            with time_bound(seconds):
                result = fn()
        except Hang as exc:
            self._problem("hangs", case, str(exc) or f"no end within {seconds:g} s")
        except Lost as exc:
            self._problem("files_lost", case, str(exc))
        except Leak as exc:
            self._problem("cross_reads", case, str(exc))
        except Wrong as exc:
            self._problem("failures", case, str(exc))
        except Crash as exc:
            self._problem("tracebacks", case, str(exc))
        except DocplanError as exc:
            self.refused[exc.code] += 1
        except Exception as exc:  # noqa: BLE001 - anything else that escapes docplan is what we count
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            where = f"{Path(frame.filename).name}:{frame.lineno}"
            self._problem("tracebacks", case, f"{type(exc).__name__}: {str(exc)[:300]} ({where})")
        else:
            if isinstance(result, Refused):
                self.refused[result.reason] += 1
            else:
                self.ok += 1
            return result
        return None

    def _problem(self, kind: str, case: str, detail: str) -> None:
        setattr(self, kind, getattr(self, kind) + 1)
        if sum(1 for p in self.problems if p["kind"] == kind) < self.shown:
            self.problems.append({"kind": kind, "case": case, "detail": detail})

    @property
    def bad(self) -> int:
        return sum(getattr(self, kind) for kind in PROBLEM_KINDS)

    def to_dict(self) -> dict:
        return {"name": self.name, "title": self.title, "tried": self.tried, "ok": self.ok,
                "refused": dict(sorted(self.refused.items(), key=lambda kv: (-kv[1], kv[0]))),
                "refused_total": sum(self.refused.values()), "tracebacks": self.tracebacks, "hangs": self.hangs,
                "files_lost": self.files_lost, "cross_reads": self.cross_reads, "failures": self.failures,
                "skipped": self.skipped, "seconds": round(self.seconds, 1), "notes": self.notes,
                "problems": self.problems}


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


# == 1. corpus ===================================================================================


def corpus_files(quick: bool) -> list[Path]:
    """Every Word file of the corpus (.docx, and the few .docm/.dotx), sorted; a spread of 8 with ``quick``."""
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix.lower() in (".docx", ".docm", ".dotx"))
    if quick:
        step = max(1, len(files) // 8)
        files = files[::step][:8]
    return files


def family_corpus(quick: bool) -> Family:
    from docplan.checks import run_checks
    from docplan.checks.docview import read_document
    from docplan.document import PlanDocument
    from docplan.extract import extract_plan, write_extract
    from docplan.insert import Target, insert_items
    from docplan.kommuneplan import import_kommuneplan, write_catalogue
    from docplan.loaders import load_plan
    from docplan.refresh import list_items, refresh

    fam = Family("corpus", "real-world Word files through the library")
    if not CORPUS.is_dir():
        fam.skipped = f"no corpus at {CORPUS}"
        return fam
    plan = load_plan(EXAMPLE)
    out = Path(tempfile.mkdtemp(prefix="docplan-reliability-corpus-"))
    try:
        for path in corpus_files(quick):
            name = str(path.relative_to(CORPUS))
            before = _sha(path.read_bytes())
            inserted: dict[str, bytes] = {}

            def check():
                run_checks(document=read_document(path))

            def insert():
                doc = PlanDocument.open(path)
                texts = [t for t in doc.texts() if t]
                insert_items(doc, plan, "measure-table", Target(document_end=True))
                data = doc.to_bytes()
                again = PlanDocument.open(data, name=path.name)
                if not any(c.tag.kind == "measure-table" for c in again.all_controls()):
                    raise Wrong("the inserted measure table is not in the reopened document")
                if not _subsequence(texts, [t for t in again.texts() if t]):
                    raise Wrong("a paragraph of the document is missing after inserting the measure table")
                inserted["data"] = data

            def list_and_refresh():
                if "data" not in inserted:  # insertion was refused: refresh the file as it is
                    doc = PlanDocument.open(path)
                    list_items(doc, plan)
                    refresh(doc, plan)
                    return
                doc = PlanDocument.open(inserted["data"], name=path.name)
                items = list_items(doc, plan)
                table = [i for i in items if i.kind == "measure-table"]
                if not table or any(i.status != "current" for i in table):
                    raise Wrong(f"the table just inserted is not current: {[i.status for i in table]}")
                report = refresh(doc, plan)
                if report.changed:
                    raise Wrong(f"refresh right after insert changed {report.updated + report.inserted}")

            def extract():
                import yaml

                target = write_extract(extract_plan(path), out / "extract.yaml")
                yaml.safe_load(target.read_text("utf-8"))

            def kp_import():
                import yaml

                target = write_catalogue(import_kommuneplan(path), out / "kp.yaml")
                yaml.safe_load(target.read_text("utf-8"))

            for op, fn in (("check", check), ("insert", insert), ("refresh", list_and_refresh),
                           ("extract", extract), ("kp-import", kp_import)):
                fam.run(f"{op} {name}", fn, seconds=60)
            if _sha(path.read_bytes()) != before:
                fam.tried += 1
                fam._problem("files_lost", name, "the corpus file changed while it was only read")
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return fam


def _subsequence(small: list[str], big: list[str]) -> bool:
    it = iter(big)
    return all(any(s == b for b in it) for s in small)


# == 2. hostile plan data ========================================================================

#: Pieces of hostile text: template syntax, XML specials, bidi marks, emoji, control characters,
#: YAML tricks (tests/loaders/test_hostile_text.py uses the same idea with hypothesis).
FRAGMENTS = [
    "{{ plan.title }}", "{% if x %}", "{%- endif -%}", "{_{", "}}", "{#", "#}", "{%p for m in measures %}",
    "{{ ''.__class__.__mro__ }}", "& < > \" '", "&amp;", "&#x41;", "<w:t>", "</w:t></w:r></w:p>", "]]>",
    "<![CDATA[x]]>", "\u200f", "\u200e", "\u202e", "\u2066", "\u2069", "\U0001F600",
    "\U0001F3F3\ufe0f\u200d\U0001F308", "\u0301", "e\u0301", "\a", "\f", "\v", "\b", "\x00", "\x1b[31m",
    "\x7f", "\x85", "\u2028", "\u2029", "\ufeff", "\ufffe", "\uffff", "\ud800", "\udfff", "\t", "\r\n", "\r",
    "\n", "  ", "\u00a0", "æøå ÆØÅ", "'", '"', "\\", "\\n", "%", "%s", "{0}", "#", ": ", "- ", "? ", "|", ">",
    "!!python/object/apply:os.system", "*alias", "&anchor", "~", "null", "yes", "no", "on", "0301", "0o17",
    "1e400", ".inf", "12:30", "2024-01-01", "---", "...", "=SUM(A1)", "+1", "@", "`", "[[kp:3427:KP-3.2]]",
    "docplan:measure:T-01", "_x0041_",
]

#: Unquoted YAML scalars a planner might type where the data wants text.
RAW_YAML = ["yes", "no", "on", "off", "0301", "0o17", "0x1F", "1e400", "12:30", "2024-01-01", ".inf", ".nan",
            "1_000", "3.10", "!!python/object/apply:os.system ['true']",
            "*ukjent", "!ukjent x", "@x", "`x", "%x", "[a, b]", "{a: b}", "a: b", "'open", '"open', "x\ty"]

#: Text fields of the plan (which of them a document shows is found by `calibrate`).
FIELDS = [
    ("plan", "title"), ("plan", "subtitle"), ("plan", "vision"), ("plan", "legal_basis", 0),
    ("plan", "follow_up", "reporting"), ("goals", 0, "title"), ("goals", 0, "text"),
    ("goals", 0, "sub_goals", 0, "title"), ("measures", 0, "title"), ("measures", 0, "text"),
    ("measures", 0, "responsible"), ("measures", 0, "target_group"), ("measures", 0, "partners", 0),
    ("measures", 0, "indicator"), ("measures", 0, "funding", 0, "source"), ("municipalities", 0, "role"),
    ("municipalities", 0, "adoption", "case_no"),
]

#: Some of the same fields in the starter workbook: (sheet, cell) → field path.
XLSX_FIELDS = {
    ("Plan", "B3"): ("plan", "title"), ("Plan", "B7"): ("plan", "vision"), ("Hovedmål", "B2"): ("goals", 0, "title"),
    ("Hovedmål", "C2"): ("goals", 0, "text"), ("Delmål", "C2"): ("goals", 0, "sub_goals", 0, "title"),
    ("Tiltak", "B2"): ("measures", 0, "title"), ("Tiltak", "C2"): ("measures", 0, "text"),
    ("Tiltak", "E2"): ("measures", 0, "responsible"),
}


def minimal_plan() -> dict:
    return {
        "plan": {"id": "P", "title": "Plan", "subtitle": "Under", "vision": "Visjon", "legal_basis": ["lov"],
                 "follow_up": {"reporting": "årlig"}, "period": {"start_year": 2024, "end_year": 2027}},
        "municipalities": [{"number": "3427", "name": "Tynset", "role": "vert",
                            "adoption": {"case_no": "24/1"}}],
        "goals": [{"id": "HM-1", "title": "Mål", "text": "Tekst",
                   "sub_goals": [{"id": "DM-1.1", "title": "Delmål"}]}],
        "measures": [{"id": "T-01", "title": "Tiltak", "text": "Tekst", "responsible": "NAV",
                      "target_group": "unge", "partners": ["skolen"], "indicator": "antall",
                      "goal_ids": ["DM-1.1"], "funding": [{"source": "Kommunen"}]}],
    }


def _random_char(rnd: random.Random) -> str:
    """Return one character from anywhere in Unicode, control characters and lone surrogates included."""
    # control characters and surrogates are rare, so that most plans load and their text is checked
    low, high = rnd.choices([(0x20, 0x7E), (0x00, 0x1F), (0x80, 0x24F), (0x250, 0xD7FF), (0xD800, 0xDFFF),
                             (0xE000, 0xFFFF), (0x10000, 0x10FFFF), (0x1F300, 0x1FAFF)],
                            weights=[30, 2, 15, 20, 1, 10, 10, 12])[0]
    return chr(rnd.randint(low, high))


def hostile_text(rnd: random.Random) -> str:
    """Return one hostile string: fragments and random text mixed, random Unicode, or 50 000 characters."""
    kind = rnd.random()
    if kind < 0.5:
        return "".join(rnd.choice(FRAGMENTS) if rnd.random() < 0.7
                       else "".join(_random_char(rnd) for _ in range(rnd.randint(0, 8)))
                       for _ in range(rnd.randint(1, 12)))
    if kind < 0.88:
        return "".join(_random_char(rnd) if rnd.random() < 0.6 else rnd.choice("abc æøå ,.")
                       for _ in range(rnd.randint(1, 40)))
    piece = rnd.choice(FRAGMENTS + ["x", "Æ", "ab "])
    return (piece * (50_000 // len(piece) + 1))[:50_000]


def _put(data: dict, path: tuple, value: str) -> None:
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


def _get(plan, path: tuple):
    node = plan
    for key in path:
        node = node[key] if isinstance(key, int) else getattr(node, "info" if key == "plan" else key)
    return node


def document_text(data: bytes) -> str:
    """Return the text of the main part, headers and footers as Word shows it: ``w:br`` a line break,
    ``w:tab`` a tab, and a line end inside a ``w:t`` (which XML reads back as LF) a space, as Word does."""
    from docplan.document import PlanDocument
    from docplan.ooxml.ns import qn

    w_t, w_tab, w_p = qn("w:t"), qn("w:tab"), qn("w:p")
    doc = PlanDocument.open(data)
    parts = [doc.main_part] + [n for n in doc.part_names()
                               if n.startswith(("word/header", "word/footer")) and n.endswith(".xml")]
    out: list[str] = []
    for name in parts:
        for node in doc.xml(name).iter(w_t, w_tab, w_p, qn("w:br"), qn("w:cr")):
            if node.tag == w_t:
                out.append((node.text or "").replace("\r", " ").replace("\n", " "))
            else:
                out.append("\t" if node.tag == w_tab else "\n")
        out.append("\n")
    return "".join(out)


def _as_written(text: str) -> str:
    """Return ``text`` as a document holds it: stripped (as the model keeps it), every line end one break."""
    return text.strip().replace("\r\n", "\n").replace("\r", "\n")


def _blank_docx() -> bytes:
    import docx

    doc = docx.Document()
    doc.add_paragraph("Planleggerens eget dokument")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _inserted_text(plan) -> str:
    """Insert everything of ``plan`` at the end of a planner's document; return the document's text."""
    from docplan.document import PlanDocument
    from docplan.insert import Target, insert_items

    doc = PlanDocument.open(_blank_docx(), name="dokument.docx")
    insert_items(doc, plan, "all", Target(document_end=True))
    return document_text(doc.to_bytes())


def calibrate(folder: Path) -> tuple[set[tuple], set[tuple]]:
    """Return the fields the rendered document and an inserted document show, found by rendering and
    inserting a plan with a distinct marker in every field."""
    from docplan.loaders import load_plan
    from docplan.render import render_plan

    data = minimal_plan()
    marks = {path: f"Merke{i:02d}Q" for i, path in enumerate(FIELDS)}
    for path, mark in marks.items():
        _put(data, path, mark)
    plan = load_plan(_write_data(folder, data, "json"))
    rendered, inserted = document_text(render_plan(plan)), _inserted_text(plan)
    return ({p for p, m in marks.items() if m in rendered}, {p for p, m in marks.items() if m in inserted})

def _write_data(folder: Path, data: dict, fmt: str) -> Path:
    import yaml

    if fmt.startswith("yaml"):
        text = yaml.safe_dump(data, allow_unicode=fmt == "yaml", sort_keys=False)
        path = folder / "plan.yaml"
    else:
        text = json.dumps(data, ensure_ascii=fmt == "json-ascii", indent=2)
        path = folder / "plan.json"
    # A lone surrogate cannot be UTF-8; "surrogatepass" writes the bytes a broken editor would.
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    return path


#: Characters outside XML 1.0's ``Char`` production.
_NOT_XML_CHAR = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _write_xlsx(folder: Path, texts: dict[tuple[str, str], str]) -> tuple[Path, dict[tuple[str, str], str]]:
    """Write the starter workbook with ``texts`` in its cells; return it and the texts it could hold.

    A workbook cannot hold characters XML 1.0 cannot (Excel never writes them; openpyxl refuses
    them), so such a text is written without them, and the expected text is what was written."""
    import openpyxl

    from docplan.starter import starter_xlsx

    wb = openpyxl.load_workbook(io.BytesIO(starter_xlsx("3427")))
    written = {}
    for (sheet, cell), text in texts.items():
        text = _NOT_XML_CHAR.sub("", text)
        wb[sheet][cell].value = text
        written[(sheet, cell)] = wb[sheet][cell].value  # a cell holds at most 32 767 characters
    path = folder / "plan.xlsx"
    wb.save(path)
    return path, written


def _clip(text: str) -> str:
    return f"{text[:60]!r}{'…' if len(text) > 60 else ''} ({len(text)} characters)"


def _verify_hostile(path: Path, expected: dict[tuple, str], shown: tuple[set[tuple], set[tuple]]) -> None:
    """Load ``path``, render it and insert it into a document: every text must be kept exactly, and
    appear verbatim where the document shows that field; or loading must refuse with a line or cell.
    Raise `Wrong` (or `Lost`, if the data file changed) otherwise."""
    from docplan.errors import DataError, DocplanError
    from docplan.loaders import load_plan
    from docplan.render import render_plan

    before = path.read_bytes()
    try:
        try:
            plan = load_plan(path)
        except DataError as exc:
            located = [p.location for p in exc.problems] or [exc.location]
            if not all(loc.line is not None or loc.cell is not None for loc in located):
                raise Wrong(f"refused without a line or cell: {exc.format()[:300]}") from None
            raise
        for field_path, text in expected.items():
            # the model strips whitespace around a text, and an empty text is no text
            value = _get(plan, field_path) or ""
            if value != text.strip():
                raise Wrong(f"{'.'.join(map(str, field_path))} loaded as {_clip(value)}, not {_clip(text.strip())}")
        for how, make, fields in (("rendered", lambda: document_text(render_plan(plan)), shown[0]),
                                  ("inserted", lambda: _inserted_text(plan), shown[1])):
            try:
                text = make()
            except DocplanError as exc:
                raise Wrong(f"loaded, then refused when {how}: {exc.format()[:300]}") from None
            for field_path, value in expected.items():
                if field_path in fields and _as_written(value) not in text:
                    raise Wrong(f"{'.'.join(map(str, field_path))} is not verbatim in the {how} document: "
                                f"{_clip(_as_written(value))}")
    finally:
        if path.read_bytes() != before:
            raise Lost(f"{path.name} changed while it was only read")


def family_hostile_data(quick: bool, seed: int) -> Family:
    import yaml

    fam = Family("hostile-data", "plans with hostile text: load, render, insert; verbatim or refused at a location")
    rnd = random.Random(seed)
    plans = 25 if quick else 500
    folder = Path(tempfile.mkdtemp(prefix="docplan-reliability-data-"))
    formats = ["yaml", "yaml-ascii", "json", "json-ascii", "xlsx"]
    raws = RAW_YAML[:4] if quick else RAW_YAML
    try:
        shown = calibrate(folder)
        if not shown[0] or not shown[1]:
            raise RuntimeError(f"calibration found no field the documents show: {shown}")
        fam.notes.append(f"{plans} random plans (seed {seed}; YAML and JSON, escaped and raw, and XLSX) and "
                         f"{len(raws) * 2} unquoted YAML scalars; verbatim checks in {len(shown[0])} rendered and "
                         f"{len(shown[1])} inserted fields, all {len(FIELDS)} kept exactly as data")
        for i in range(plans):
            fmt = formats[i % len(formats)]
            if fmt == "xlsx":
                cells = rnd.sample(sorted(XLSX_FIELDS), rnd.randint(1, 4))
                path, written = _write_xlsx(folder, {c: hostile_text(rnd) for c in cells})
                expected = {XLSX_FIELDS[c]: written[c] for c in cells}
            else:
                data = minimal_plan()
                expected = {}
                for field_path in rnd.sample(FIELDS, rnd.randint(1, 4)):
                    expected[field_path] = hostile_text(rnd)
                    _put(data, field_path, expected[field_path])
                path = _write_data(folder, data, fmt)
            fam.run(f"{fmt} plan #{i} ({', '.join('.'.join(map(str, f)) for f in expected)})",
                    lambda: _verify_hostile(path, expected, shown), seconds=60)
        for raw in raws:
            for field_path in (("plan", "title"), ("measures", 0, "responsible")):
                data = minimal_plan()
                _put(data, field_path, "RAW-SCALAR")
                text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False).replace("RAW-SCALAR", raw)
                path = folder / "plan.yaml"
                path.write_text(text, "utf-8")
                fam.run(f"unquoted YAML {raw!r} at {'.'.join(map(str, field_path))}",
                        lambda: _verify_hostile(path, {field_path: raw}, shown), seconds=60)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return fam


# == 3. hostile templates ========================================================================

#: Template code that tries to reach Python, the file system or the data's internals.
INJECTIONS = [
    "{{ ''.__class__.__mro__ }}", "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ plan.__class__.__init__.__globals__ }}", "{{ measures.append(1) }}", "{{ measures.pop() }}",
    "{{ measures.clear() }}", "{{ lipsum.__globals__['os'] }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ joiner.__init__.__globals__ }}", "{{ namespace.__init__.__globals__ }}", "{{ ''|attr('__class__') }}",
    "{{ (plan|attr('__class__')).__mro__ }}", "{{ '{0.__class__.__mro__}'.format(plan) }}",
    "{{ '{0.__init__.__globals__}'.format(plan) }}", "{{ self.__init__.__globals__ }}",
    "{{ self._TemplateReference__context }}", "{{ range.__self__ }}", "{{ ().__class__.__base__.__subclasses__() }}",
    "{{ plan.__dict__ }}", "{{ measures[0].__dict__ }}", "{{ plan.model_config }}", "{{ config }}",
    "{{ request.environ }}", "{% import 'os' as os %}{{ os }}", "{% from 'os' import system %}{{ system }}",
    "{% include '/etc/passwd' %}", "{% extends '/etc/passwd' %}", "{{ dict(a=1).update(b=2) }}",
    "{% set d = {} %}{{ d.update({'a': 1}) }}", "{{ '%s' % plan.__class__ }}", "{{ '<w:p/>'|safe }}",
    "{{ '</w:t></w:r></w:p><w:p><w:r><w:t>'|safe }}", "{{ '\\x00' }}", "{{ '\\x07' }}", "{{ '\\ud800' }}",
    "{{ '%c' % 55296 }}", "{{ '\\ud800'|safe }}", "{{ 1/0 }}", "{{ 'a' + 1 }}", "{{ finnes_ikke }}",
    "{{ measures[999].id }}", "{{ plan.finnes_ikke }}", "{% for m in measures %}{{ m.id }}",
    "{{ range(10**6)|list|length }}", "{{ (10**64)**64 * (10**64)**64 }}", "{{ 10 ** 100000 }}",
    "{{ 1e308 * 10 }}", "{{ ('9' * 5000)|int }}", "{{ '%.1000000f'|format(1) }}", "{% raw %}{{ x }}",
    "{%p if true %}", "{{ plan.title|replace('', 'x' * 100000) }}",
]
#: Where an expression goes: a body paragraph, the header, or the document's title property.
PLACES = ("body", "header", "core")
#: Templates that run away in time or memory.
RUNAWAY = [
    "{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}",
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{{ 'a' * 10**10 }}", "{{ [1] * 10**10 }}",
    "{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(1) }}",
    "{% set ns = namespace(x=[]) %}{% for i in range(100000) %}{% set ns.x = ns.x + ['x' * 9000000] %}"
    "{% endfor %}{{ ns.x | length }}",
    "{% set ns = namespace(s='ab') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}"
    "{{ ns.s | length }}",
    "{% set ns = namespace(x=2) %}{% for i in range(64) %}{% set ns.x = ns.x ** 64 %}{% endfor %}{{ ns.x > 1 }}",
    "{{ 'x'.ljust(10**10) }}", "{{ 'x'|center(10**10) }}", "{{ lipsum(10**6) }}",
    "{% for i in range(100000) %}{{ lipsum(50) }}{% endfor %}",
]
#: What must never appear in a rendered document: Python's internals.
INTERNALS = ("<class ", "<module ", "<function ", "<built-in", "<bound method", "__globals__", "__builtins__",
             "root:x:0:0", "uid=")


def _template(folder: Path, expr: str, place: str, name: str = "mal.docx") -> Path:
    import docx

    doc = docx.Document()
    doc.add_paragraph("Rusmiddelpolitisk handlingsplan")
    if place == "header":
        doc.sections[0].header.paragraphs[0].text = expr
    elif place == "core":
        doc.core_properties.title = expr
    else:
        doc.add_paragraph(expr)
    path = folder / name
    doc.save(path)
    return path


def _package_text(data: bytes) -> str:
    """Return the text of every XML part of the document and its properties.

    Read with zipfile and lxml, not docplan's opener: a template may rightly make a document whose
    text compresses beyond the zip-ratio limit docplan applies to files it is given."""
    import zipfile

    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return "\n".join("".join(etree.fromstring(zf.read(n), parser).itertext())
                         for n in zf.namelist() if n.endswith(".xml") and n.startswith(("word/", "docProps/")))


def family_hostile_templates(quick: bool) -> Family:
    from docplan.errors import TemplateError
    from docplan.loaders import load_plan
    from docplan.render import standard_template
    from docplan.templating.bounded import Bounds, render_bounded

    fam = Family("hostile-templates", "template injection and runaway templates, bounded renderer")
    plan = load_plan(EXAMPLE)
    # The worker is forked from this process, whose address space counts against the memory bound.
    own_mb = _address_space_mb()
    bounds = Bounds(seconds=2 if quick else 4, memory_mb=own_mb + 768)
    fam.notes.append(f"bounds: {bounds.seconds:g} s, {bounds.memory_mb} MB address space "
                     f"(this process: {own_mb} MB)")
    folder = Path(tempfile.mkdtemp(prefix="docplan-reliability-templates-"))
    injections = INJECTIONS[:6] + ["{{ 1/0 }}", "{{ '\\ud800' }}"] if quick else INJECTIONS
    runaway = RUNAWAY[:1] + RUNAWAY[2:3] if quick else RUNAWAY
    try:
        for place in (("body", "core") if quick else PLACES):
            for expr in injections:
                path = _template(folder, expr, place)

                def injected():
                    text = _package_text(render_bounded(plan, path, bounds=bounds))
                    leaked = [m for m in INTERNALS if m in text]
                    if leaked:
                        raise Wrong(f"the document shows Python internals ({', '.join(leaked)})")

                fam.run(f"{place}: {expr}", injected, seconds=bounds.seconds + 30)
        for expr in runaway:
            path = _template(folder, expr, "body")

            def runs_away():
                try:
                    render_bounded(plan, path, bounds=bounds)
                except TemplateError as exc:
                    if exc.code not in ("template_timeout", "template_memory", "template"):
                        raise Wrong(f"refused for an unexpected reason: {exc.code}: {exc.message[:200]}") from None
                    raise
                raise Wrong("a runaway template rendered")

            fam.run(f"runaway: {expr}", runs_away, seconds=bounds.seconds + 30)
        for lang in ("nb",) if quick else ("nb", "nn"):
            fam.run(f"control: standard template ({lang})",
                    lambda: render_bounded(plan, standard_template(lang), bounds=bounds),
                    seconds=bounds.seconds + 30)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return fam


def _address_space_mb() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


# == 4. files: the command line as real processes ================================================

#: Norwegian message → refusal reason, for processes (which print the message, not the code).
_REASONS = [
    ("er den samme som inndatafila", "usage:output_is_input"), ("peker på samme fil", "usage:outputs_are_one_file"),
    ("finnes fra før", "usage:output_exists"), ("er en mappe; oppgi et filnavn", "usage:output_is_folder"),
    ("blir ikke overskrevet", "usage:output_is_input"), ("åpent i Word", "open_in_word"),
    ("en annen docplan-kjøring", "locked"), ("ble endret av noen andre", "changed_meanwhile"),
    ("filen blir større enn tillatt", "os_error:EFBIG"), ("det finnes en mappe med det navnet", "os_error:EISDIR"),
    ("disken er full", "os_error:ENOSPC"), ("mangler skrivetilgang", "os_error:EACCES"),
    ("skrivebeskyttet", "os_error:EROFS"), ("ikke en vanlig fil", "not_a_file"), ("navngitt rør", "not_a_file"),
    ("enhetsfil", "not_a_file"), ("dette er en mappe", "not_a_file"), ("fant ingen", "no_content"),
    ("ukjent filtype", "unknown_file_type"), ("oppgi hvor elementene", "no_insertion_point"),
    ("ligger i utmappen", "usage:output_is_input"), ("er datamappen selv", "usage:output_is_input"),
]
TEMP_SUFFIXES = (".docplan-tmp", ".docplan-lock")


def _reason(stderr: str, code: int) -> str:
    return next((reason for text, reason in _REASONS if text in stderr), f"exit {code}")


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Return every regular file under ``folder`` (relative name → bytes); FIFOs and links are left out."""
    out = {}
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink() and stat.S_ISREG(path.lstat().st_mode):
            out[str(path.relative_to(folder))] = path.read_bytes()
    return out


def _whole(name: str, data: bytes) -> bool:
    """Whether a file docplan wrote is whole: a package opens, YAML/JSON parse."""
    import yaml

    try:
        if name.endswith((".docx", ".bak", ".xlsx")):
            from docplan.package import Package

            Package.open(data, name=name)
        elif name.endswith((".yaml", ".yml")):
            yaml.safe_load(data.decode("utf-8"))
        elif name.endswith(".json"):
            json.loads(data.decode("utf-8"))
    except Exception:  # noqa: BLE001 - any failure to read back means the file is not whole
        return False
    return True


#: Address space of each docplan process: a command that reads /dev/zero for ever stops here, not in swap.
PROCESS_MEMORY = 3 * 1024 ** 3


def docplan_process(args: list[str], cwd: Path, *, timeout: float = 120, file_size: int | None = None
                    ) -> subprocess.CompletedProcess:
    """Run ``python -m docplan ARGS`` in ``cwd`` (with ``file_size``: under ``ulimit -f``, so a write past
    it fails with EFBIG), bounded in time and memory."""

    def limits():
        resource.setrlimit(resource.RLIMIT_AS, (PROCESS_MEMORY, PROCESS_MEMORY))
        if file_size is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))

    return subprocess.run([sys.executable, "-m", "docplan", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, preexec_fn=limits)


def _judge(proc: subprocess.CompletedProcess, before: dict[str, bytes], after: dict[str, bytes], *,
           may_write: tuple[str, ...] = (), in_place: str | None = None, may_leave: tuple[str, ...] = ()) -> Any:
    """Return the outcome of one process from its exit and the folder before/after; raise on a loss.

    ``may_write`` are the files the command may create or replace when it succeeds (whole ones);
    ``in_place`` the document it may rewrite, keeping its former bytes as ``<name>.bak``; ``may_leave``
    (patterns) the new files it keeps whatever its exit (a batch's finished documents and manifest)."""
    import fnmatch

    left = [n for n in after if n.endswith(TEMP_SUFFIXES)]
    if left:
        raise Lost(f"temporary file(s) left: {left}")
    success = proc.returncode == 0
    allowed = set(may_write) | ({in_place, in_place + ".bak"} if in_place else set())
    for name, data in before.items():
        if name not in after:
            raise Lost(f"{name} is gone")
        if after[name] == data:
            continue
        if not success or name not in allowed:
            raise Lost(f"{name} was changed (exit {proc.returncode})")
        if name == (in_place or "") + ".bak" and after[name] != before.get(in_place):
            raise Lost(f"{name} does not hold the document as it was")
        if not _whole(name, after[name]):
            raise Lost(f"{name} was replaced by a broken file")
    for name in set(after) - set(before):
        if any(fnmatch.fnmatch(name, pattern) for pattern in may_leave):
            if not _whole(name, after[name]):
                raise Lost(f"{name} was written broken")
            continue
        if not success or name not in allowed:
            raise Lost(f"{name} was left behind (exit {proc.returncode})")
        if in_place and name == in_place + ".bak" and after[name] != before.get(in_place):
            raise Lost(f"{name} does not hold the document as it was")
        if not _whole(name, after[name]):
            raise Lost(f"{name} was written broken")
    if proc.returncode == 4 or "Traceback" in proc.stderr or proc.returncode < 0:
        raise Crash(f"exit {proc.returncode}: {proc.stderr.strip()[-400:]}")
    if success:
        return "ok"
    return Refused(_reason(proc.stderr + proc.stdout, proc.returncode))


@dataclass
class Scene:
    """One command in a fresh folder holding plan.yaml and plan.docx (rendered from it)."""

    name: str
    args: list[str]
    setup: Callable[[Path], None] | None = None
    may_write: tuple[str, ...] = ()
    in_place: str | None = None
    refuse: bool = True  # a success would be wrong (the command must refuse)
    timeout: float = 120
    limit: int | None = None  # RLIMIT_FSIZE bytes
    may_leave: tuple[str, ...] = ()  # glob patterns of files the command keeps even when it fails (whole)


def _fifo(name: str) -> Callable[[Path], None]:
    return lambda d: os.mkfifo(d / name)


def _existing(*names: str) -> Callable[[Path], None]:
    def make(d: Path) -> None:
        for name in names:
            (d / name).write_bytes(b"planleggerens egen fil\n")
    return make


def _symlink(link: str, target: str) -> Callable[[Path], None]:
    return lambda d: os.symlink(target, d / link)


def _hardlink(link: str, target: str) -> Callable[[Path], None]:
    return lambda d: os.link(d / target, d / link)


def _both(*steps: Callable[[Path], None]) -> Callable[[Path], None]:
    def run(d: Path) -> None:
        for step in steps:
            step(d)
    return run


def _owner(name: str) -> Callable[[Path], None]:
    return lambda d: (d / name).write_bytes(b"\x0bPlanlegger")


def _bak_folder(d: Path) -> None:
    (d / "plan.docx.bak").mkdir()


def _earlier_backup(d: Path) -> None:
    (d / "plan.docx.bak").write_bytes((d / "plan.docx").read_bytes())


def _batch_template(d: Path) -> None:
    (d / "ut").mkdir()
    shutil.copy(d / "mal.docx", d / "ut" / "3427-Tynset.docx")


def _batch_summary_data(d: Path) -> None:
    import yaml

    (d / "ut").mkdir()
    data = yaml.safe_load((d / "plan.yaml").read_text("utf-8"))
    (d / "ut" / "docplan-batch-sammendrag.json").write_text(json.dumps(data, ensure_ascii=False, default=str),
                                                           "utf-8")


#: What a batch keeps in its output folder whatever its exit: finished documents, manifest, summary, lock.
BATCH_FILES = ("ut/*.docx", "ut/.docplan-batch-manifest.json", "ut/docplan-batch-sammendrag.json",
               "ut/.docplan-batch.lock")


def scenes(quick: bool) -> list[Scene]:
    """Every command that writes, pointed at the files a careless user (or a script) could lose."""
    ins = ["insert", "plan.docx", "plan.yaml", "--what", "goals", "--at-document-end"]
    ref = ["refresh", "plan.docx", "variant.yaml"]
    same = [
        Scene("render -o the data file", ["render", "plan.yaml", "-o", "plan.yaml"]),
        Scene("render --force -o the data file", ["render", "plan.yaml", "-o", "plan.yaml", "--force"]),
        Scene("render -t T -o T --force", ["render", "plan.yaml", "-t", "mal.docx", "-o", "mal.docx", "--force"]),
        Scene("insert -o the data file", [*ins, "-o", "plan.yaml"]),
        Scene("insert --overwrite -o the data file", [*ins, "-o", "plan.yaml", "--overwrite", "--force"]),
        Scene("insert --overwrite -o the document", [*ins, "-o", "plan.docx", "--overwrite"]),
        Scene("refresh --overwrite -o the document", [*ref, "-o", "plan.docx", "--overwrite"]),
        Scene("refresh --overwrite -o the data file", [*ref, "-o", "variant.yaml", "--overwrite"]),
        Scene("extract --force -o the document", ["extract", "plan.docx", "-o", "plan.docx", "--force"]),
        Scene("kp import --force -o the document", ["kp", "import", "plan.docx", "-o", "plan.docx", "--force"]),
        Scene("check --annotate the document --force", ["check", "plan.docx", "--annotate", "plan.docx", "--force"]),
        Scene("check -o the document --force", ["check", "plan.docx", "-o", "plan.docx", "--force"]),
        Scene("check --data D -o D --force", ["check", "--data", "plan.yaml", "-o", "plan.yaml", "--force"]),
        Scene("check --config C -o C --force", ["check", "--data", "plan.yaml", "--config", "regler.yaml",
                                                "-o", "regler.yaml", "--force"],
              setup=lambda d: (d / "regler.yaml").write_text("rules: {}\n", "utf-8")),
        Scene("check --annotate R -o R", ["check", "plan.docx", "--annotate", "r.docx", "-o", "r.docx", "--force"]),
        Scene("init -o F --xlsx F", ["init", "--kommune", "3427", "-o", "ny.yaml", "--xlsx", "ny.yaml"]),
        Scene("render --force -o a symlink to the data", ["render", "plan.yaml", "-o", "lenke.yaml", "--force"],
              setup=_symlink("lenke.yaml", "plan.yaml")),
        Scene("refresh --overwrite -o a hard link to the document", [*ref, "-o", "hard.docx", "--overwrite"],
              setup=_hardlink("hard.docx", "plan.docx")),
        Scene("render --force -o sub/../plan.yaml", ["render", "plan.yaml", "-o", "sub/../plan.yaml", "--force"],
              setup=lambda d: (d / "sub").mkdir()),
        Scene("template lint --fix -o the template", ["template", "lint", "mal.docx", "--fix", "-o", "mal.docx"]),
        Scene("template lint --fix -o a hard link to the template",
              ["template", "lint", "mal.docx", "--fix", "-o", "hard.docx"], setup=_hardlink("hard.docx", "mal.docx")),
        Scene("batch -t a template named like an output",
              ["batch", "plan.yaml", "-t", "ut/3427-Tynset.docx", "-o", "ut", "--kommune", "3427", "-j", "1"],
              setup=_batch_template, may_leave=BATCH_FILES),
        Scene("batch with data named like its summary",
              ["batch", "ut/docplan-batch-sammendrag.json", "-o", "ut", "--kommune", "3427", "-j", "1"],
              setup=_batch_summary_data, may_leave=BATCH_FILES),
    ]
    existing = [
        Scene("render -o an existing file", ["render", "plan.yaml", "-o", "finnes.docx"],
              setup=_existing("finnes.docx")),
        Scene("insert -o an existing file", [*ins, "-o", "finnes.docx"], setup=_existing("finnes.docx")),
        Scene("refresh -o an existing file", [*ref, "-o", "finnes.docx"], setup=_existing("finnes.docx")),
        Scene("extract -o an existing file", ["extract", "plan.docx", "-o", "finnes.yaml"],
              setup=_existing("finnes.yaml")),
        Scene("kp import -o an existing file", ["kp", "import", "plan.docx", "-o", "finnes.yaml"],
              setup=_existing("finnes.yaml")),
        Scene("check --annotate an existing file", ["check", "plan.docx", "--annotate", "finnes.docx"],
              setup=_existing("finnes.docx")),
        Scene("check -o an existing file", ["check", "plan.docx", "-o", "finnes.txt"], setup=_existing("finnes.txt")),
        Scene("init -o an existing file", ["init", "--kommune", "3427", "-o", "finnes.yaml"],
              setup=_existing("finnes.yaml")),
        Scene("init --xlsx an existing file", ["init", "--kommune", "3427", "-o", "ny.yaml", "--xlsx", "finnes.xlsx"],
              setup=_existing("finnes.xlsx")),
        Scene("render --pdf next to an existing PDF", ["render", "plan.yaml", "-o", "ny.docx", "--pdf"],
              setup=_existing("ny.pdf")),
        Scene("template schema -o an existing file", ["template", "schema", "-o", "finnes.json"],
              setup=_existing("finnes.json")),
        Scene("template lint --fix -o an existing file", ["template", "lint", "mal.docx", "--fix", "-o", "finnes.docx"],
              setup=_existing("finnes.docx")),
    ]
    word = [
        Scene("refresh --in-place while Word has it open", [*ref, "--in-place"], setup=_owner("~$plan.docx")),
        Scene("insert --in-place while Word has it open", [*ins, "--in-place"], setup=_owner("~$plan.docx")),
        Scene("refresh --in-place of Dokument1.docx open in Word",
              ["refresh", "Dokument1.docx", "variant.yaml", "--in-place"],
              setup=_both(lambda d: shutil.copy(d / "plan.docx", d / "Dokument1.docx"), _owner("~$kument1.docx"))),
    ]
    limits = [
        Scene("render under a 16 KB file size limit", ["render", "plan.yaml", "-o", "ny.docx"], limit=16 * 1024),
        Scene("insert -o under a 16 KB file size limit", [*ins, "-o", "ny.docx"], limit=16 * 1024),
        Scene("check --annotate under a 16 KB limit", ["check", "plan.docx", "--annotate", "ny.docx"], limit=16 * 1024),
        Scene("extract under a 200 B file size limit", ["extract", "plan.docx", "-o", "ny.yaml"], limit=200),
        Scene("init --xlsx under a 2 KB file size limit", ["init", "--kommune", "3427", "-o", "ny.yaml", "--xlsx",
                                                          "ny.xlsx"], limit=2048),
        Scene("refresh --in-place: backup under a 16 KB limit, earlier .bak kept", [*ref, "--in-place"],
              setup=_earlier_backup, limit=16 * 1024),
        Scene("refresh --in-place: first backup under a 16 KB limit", [*ref, "--in-place"], limit=16 * 1024),
        Scene("batch under a 16 KB file size limit", ["batch", "plan.yaml", "-o", "ut", "--kommune", "3427", "-j", "1"],
              limit=16 * 1024, may_leave=BATCH_FILES),
        Scene("template schema under a 200 B limit", ["template", "schema", "-o", "ny.json"], limit=200),
    ]
    bak = [
        Scene("refresh --in-place with a folder named plan.docx.bak", [*ref, "--in-place"], setup=_bak_folder),
        Scene("insert --in-place with a folder named plan.docx.bak",
              ["insert", "plan.docx", "variant.yaml", "--at-document-end", "--in-place"], setup=_bak_folder),
    ]
    fifo = [
        Scene("validate a FIFO", ["validate", "rør.yaml"], setup=_fifo("rør.yaml"), timeout=30),
        Scene("render a FIFO", ["render", "rør.yaml", "-o", "ny.docx"], setup=_fifo("rør.yaml"), timeout=30),
        Scene("insert data from a FIFO", ["insert", "plan.docx", "rør.yaml", "--at-document-end", "-o", "ny.docx"],
              setup=_fifo("rør.yaml"), timeout=30),
        Scene("refresh --in-place from a FIFO", ["refresh", "plan.docx", "rør.yaml", "--in-place"],
              setup=_fifo("rør.yaml"), timeout=30),
        Scene("check --data a FIFO", ["check", "--data", "rør.yaml"], setup=_fifo("rør.yaml"), timeout=30),
        Scene("check --kp a FIFO", ["check", "plan.docx", "--kp", "rør.yaml"], setup=_fifo("rør.yaml"), timeout=30),
        Scene("check --config a FIFO", ["check", "plan.docx", "--config", "rør.yaml"], setup=_fifo("rør.yaml"),
              timeout=30),
        Scene("batch a FIFO", ["batch", "rør.yaml", "-o", "ut", "--all", "-j", "1"], setup=_fifo("rør.yaml"),
              timeout=30, may_leave=BATCH_FILES),
        Scene("check a FIFO document", ["check", "rør.docx"], setup=_fifo("rør.docx"), timeout=30),
        Scene("list a FIFO document", ["list", "rør.docx"], setup=_fifo("rør.docx"), timeout=30),
        Scene("extract a FIFO document", ["extract", "rør.docx", "-o", "ny.yaml"], setup=_fifo("rør.docx"),
              timeout=30),
        Scene("kp import a FIFO document", ["kp", "import", "rør.docx", "-o", "ny.yaml"], setup=_fifo("rør.docx"),
              timeout=30),
        Scene("refresh --in-place a FIFO document", ["refresh", "rør.docx", "plan.yaml", "--in-place"],
              setup=_fifo("rør.docx"), timeout=30),
        Scene("render with a FIFO template", ["render", "plan.yaml", "-t", "rør.docx", "-o", "ny.docx"],
              setup=_fifo("rør.docx"), timeout=30),
        Scene("template lint a FIFO", ["template", "lint", "rør.docx"], setup=_fifo("rør.docx"), timeout=30),
        Scene("validate a link to /dev/zero", ["validate", "null.yaml"], setup=_symlink("null.yaml", "/dev/zero"),
              timeout=30),
        Scene("check a link to /dev/zero as the document", ["check", "null.docx"],
              setup=_symlink("null.docx", "/dev/zero"), timeout=30),
        Scene("render a link to /dev/urandom", ["render", "tilfeldig.json", "-o", "ny.docx"],
              setup=_symlink("tilfeldig.json", "/dev/urandom"), timeout=30),
        Scene("refresh --in-place a link to /dev/zero", ["refresh", "null.docx", "plan.yaml", "--in-place"],
              setup=_symlink("null.docx", "/dev/zero"), timeout=30),
        Scene("render --force -o a FIFO", ["render", "plan.yaml", "-o", "rør.docx", "--force"],
              setup=_fifo("rør.docx"), may_write=("rør.docx",), refuse=False, timeout=30),
    ]
    controls = [  # the same commands where they should succeed: the judge must let them
        Scene("control: render -o a new file", ["render", "plan.yaml", "-o", "ny.docx"], may_write=("ny.docx",),
              refuse=False),
        Scene("control: refresh --in-place", [*ref, "--in-place"], in_place="plan.docx", refuse=False),
        Scene("control: render --force -o an existing file", ["render", "plan.yaml", "-o", "finnes.docx", "--force"],
              setup=_existing("finnes.docx"), may_write=("finnes.docx",), refuse=False),
    ]
    if quick:
        return [same[3], same[15], existing[3], existing[10], word[0], limits[0], limits[5], bak[0], fifo[0],
                fifo[9], controls[1]]
    return same + existing + word + limits + bak + fifo + controls


def _workdir(parent: Path, name: str) -> Path:
    """A fresh folder with plan.yaml, variant.yaml (a changed first measure), plan.docx and mal.docx."""
    import yaml

    from docplan.files import write_atomic
    from docplan.loaders import load_plan
    from docplan.render import render_plan

    folder = Path(tempfile.mkdtemp(prefix=re.sub(r"[^\w]+", "-", name)[:24] + "-", dir=parent))
    shutil.copy(EXAMPLE, folder / "plan.yaml")
    raw = yaml.safe_load(EXAMPLE.read_text("utf-8"))
    raw["measures"][0]["title"] = "Endret tittel på første tiltak"
    (folder / "variant.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), "utf-8")
    if not hasattr(_workdir, "docx"):
        _workdir.docx = render_plan(load_plan(EXAMPLE))  # type: ignore[attr-defined]
    write_atomic(folder / "plan.docx", _workdir.docx)  # type: ignore[attr-defined]
    write_atomic(folder / "mal.docx", _template_bytes())
    return folder


def _template_bytes() -> bytes:
    import docx

    doc = docx.Document()
    doc.add_paragraph("{{ plan.title }}")
    doc.add_paragraph("{% for m in measures %}{{ m.id }} {{ m.title }}{% endfor %}")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _run_scene(parent: Path, scene: Scene) -> Any:
    folder = _workdir(parent, scene.name)
    try:
        if scene.setup:
            scene.setup(folder)
        before = _snapshot(folder)
        try:
            proc = docplan_process(scene.args, folder, timeout=scene.timeout, file_size=scene.limit)
        except subprocess.TimeoutExpired:
            raise Hang(f"no end within {scene.timeout:g} s; killed") from None
        outcome = _judge(proc, before, _snapshot(folder), may_write=scene.may_write, in_place=scene.in_place,
                         may_leave=scene.may_leave)
        if scene.refuse and outcome == "ok":
            raise Wrong(f"accepted (exit 0): {proc.stdout.strip()[-200:]}")
        if not scene.refuse and outcome != "ok":
            raise Wrong(f"refused ({outcome.reason}): {proc.stderr.strip()[-300:]}")
        return outcome
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _concurrent_refreshes(fam: Family, parent: Path, n: int) -> None:
    """``n`` concurrent ``refresh --in-place`` of one document, each from its own variant of the data:
    every run updates the document or says why not, and the document holds exactly one winner's text."""
    import yaml

    folder = _workdir(parent, "concurrent")
    try:
        raw = yaml.safe_load((folder / "plan.yaml").read_text("utf-8"))
        for i in range(n):
            raw["measures"][0]["title"] = f"Variant {i:02d} av første tiltak"
            (folder / f"plan-{i:02d}.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False),
                                                        "utf-8")
        original = (folder / "plan.docx").read_bytes()

        def one(i: int):
            try:
                return docplan_process(["refresh", "plan.docx", f"plan-{i:02d}.yaml", "--in-place"], folder,
                                       timeout=300)
            except subprocess.TimeoutExpired:
                return None

        with ThreadPoolExecutor(max_workers=n) as pool:
            procs = list(pool.map(one, range(n)))
        from docplan.document import PlanDocument

        text = "\n".join(PlanDocument.open(folder / "plan.docx").texts())
        present = [i for i in range(n) if f"Variant {i:02d} av første tiltak" in text]
        winners = [i for i, p in enumerate(procs) if p is not None and p.returncode == 0]
        after = _snapshot(folder)
        leftovers = [name for name in after if name.endswith(TEMP_SUFFIXES)]
        backup = after.get("plan.docx.bak")
        for i, proc in enumerate(procs):
            def judge(i=i, proc=proc):
                if proc is None:
                    raise Hang()
                if proc.returncode == 4 or "Traceback" in proc.stderr or proc.returncode < 0:
                    raise Crash(f"exit {proc.returncode}: {proc.stderr.strip()[-300:]}")
                if proc.returncode == 0:
                    return "ok"  # what the document holds afterwards is judged once, below
                if proc.returncode != 3:
                    raise Wrong(f"exit {proc.returncode}: {proc.stderr.strip()[-300:]}")
                return Refused(_reason(proc.stderr, proc.returncode))

            fam.run(f"concurrent refresh --in-place #{i}", judge, seconds=5)

        def whole():
            if len(present) != 1 or present[0] not in winners:
                raise Lost(f"the document holds variants {present}, the runs that reported success are {winners}")
            if backup is None or not _whole("plan.docx.bak", backup):
                raise Lost("plan.docx.bak is missing or broken")
            if backup != original and not any(f"Variant {i:02d} av første tiltak" in "\n".join(
                    PlanDocument.open(backup).texts()) for i in winners):
                raise Lost("plan.docx.bak is neither the original nor a version a successful run wrote")
            if leftovers:
                raise Lost(f"temporary files left: {leftovers}")

        fam.run(f"{n} concurrent refreshes: the document and its .bak afterwards", whole, seconds=30)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def family_files(quick: bool) -> Family:
    fam = Family("files", "the command line as real processes, where a file could be lost")
    parent = Path(tempfile.mkdtemp(prefix="docplan-reliability-files-"))
    try:
        for scene in scenes(quick):
            fam.run(scene.name, lambda scene=scene: _run_scene(parent, scene), seconds=scene.timeout + 60)
        _concurrent_refreshes(fam, parent, 4 if quick else 20)
    finally:
        shutil.rmtree(parent, ignore_errors=True)
    return fam


# == 5. server: every municipality's token against every other municipality's items ===============

PLAN_ID = "osterdalen"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _paragraph_texts(ooxml: str) -> list[str]:
    """Return the text of each paragraph of a flat-OPC package or OOXML fragment."""
    from lxml import etree

    try:
        root = etree.fromstring(ooxml.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return []
    return ["".join(t.text or "" for t in p.iter(f"{{{W_NS}}}t")) for p in root.iter(f"{{{W_NS}}}p")]


def _neutral(ooxml: str) -> str:
    """Return the package with every text replaced by «x»: only the tags are left to ask about."""
    from lxml import etree

    root = etree.fromstring(ooxml.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    for t in root.iter(f"{{{W_NS}}}t"):
        t.text = "x"
    return etree.tostring(root, encoding="unicode")


def _strings(value: Any) -> Iterator[str]:
    """Yield every string in a JSON answer, and the paragraph texts of every OOXML string in it."""
    if isinstance(value, str):
        yield value
        if value.lstrip().startswith("<"):
            yield from _paragraph_texts(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


class Server:
    """The add-in app on a copy of the sample workspace, spoken to through its HTTP routes only."""

    def __init__(self) -> None:
        from addin_server import create_app
        from addin_server.workspace import sample_root

        self.folder = Path(tempfile.mkdtemp(prefix="docplan-reliability-server-"))
        shutil.copytree(sample_root(), self.folder / "workspace")
        self.app = create_app({"TESTING": True, "WORKSPACE": str(self.folder / "workspace"), "WORKERS": 2})
        self.client = self.app.test_client()

    def close(self) -> None:
        self.app.extensions["docplan.jobs"].shutdown()
        shutil.rmtree(self.folder, ignore_errors=True)

    def call(self, method: str, number: str, route: str, token: str, body: dict | None = None):
        url = f"/api/v1/plans/{PLAN_ID}/municipalities/{number}/{route}"
        r = self.client.open(url, method=method, json=body, headers={"Authorization": f"Bearer {token}"})
        answer = r.get_json(silent=True)
        if r.status_code >= 500:
            raise Crash(f"{method} {url}: {r.status_code} {str(answer)[:300]}")
        return r.status_code, answer

    def own(self, method: str, number: str, route: str, body: dict | None = None):
        status, answer = self.call(method, number, route, f"demo-{number}", body)
        if status != 200:
            raise RuntimeError(f"municipality {number}'s own {route}: {status} {answer}")
        return answer


def _items_of(catalogue: dict, others: set[str]) -> list[tuple[str, str]]:
    """Return (kind, id) of a municipality's own items: local measures the other can not see, its
    kommuneplan items as reference and as quote, and its measure table."""
    number = catalogue["municipality"]["number"]
    items = [("measure", m["id"]) for m in catalogue["measures"] if m["scope"] != "felles" and m["id"] not in others]
    for kp in catalogue["kp_items"]:
        items += [("kp-ref", kp["ref"]), ("kp-quote", kp["ref"])]
    return items + [("measure-table", number)]


def family_server(quick: bool) -> Family:
    fam = Family("server", "each municipality's token against every other municipality's items")
    server = Server()
    try:
        plans = server.client.get("/api/v1/plans", headers={"Authorization": "Bearer demo-korus"}).get_json()
        numbers = [m["number"] for p in plans["plans"] if p["id"] == PLAN_ID for m in p["municipalities"]]
        fam.notes.append(f"{len(numbers)} municipalities: {', '.join(numbers)}")
        catalogues = {n: server.own("GET", n, "catalogue") for n in numbers}
        # Everything a municipality is given for itself: what it may legitimately hold.
        universe: dict[str, str] = {}
        snippets: dict[tuple[str, str, str], str] = {}
        for n in numbers:
            seen = [json.dumps(catalogues[n], ensure_ascii=False)]
            kinds = [("goal", g["id"]) for g in catalogues[n]["goals"]]
            kinds += [("goal", s["id"]) for g in catalogues[n]["goals"] for s in g["sub_goals"]]
            kinds += [("measure", m["id"]) for m in catalogues[n]["measures"]]
            kinds += _items_of(catalogues[n], set())
            for kind, item in dict.fromkeys(kinds):
                answer = server.own("GET", n, f"snippets/{kind}/{item}")
                snippets[(n, kind, item)] = answer["ooxml"]
                seen += list(_strings(answer))
            universe[n] = "\n".join(seen)
        attackers = numbers[:2] if quick else numbers
        for a in attackers:
            visible = {m["id"] for m in catalogues[a]["measures"]}
            for b in (numbers[-2:] if quick else numbers):
                if b == a:
                    continue
                for kind, item in _items_of(catalogues[b], visible):
                    theirs = snippets[(b, kind, item)]
                    markers = sorted({t.strip() for t in _paragraph_texts(theirs)
                                      if len(t.strip()) >= 8 and t.strip() not in universe[a]})
                    _attack(fam, server, a, b, kind, item, theirs, markers)
                for route in ("catalogue", "adoption"):
                    fam.run(f"{a} → GET {b}/{route}", lambda route=route, b=b, a=a: _refused_or_clean(
                        server, "GET", b, route, f"demo-{a}", None, [], b), seconds=60)
                # a's own items, asked as in a document made for b (the pane sends the document's edition)
                theirs_all = sorted({t.strip() for (n, _k, _i), x in snippets.items() if n == b
                                     for t in _paragraph_texts(x) if len(t.strip()) >= 8
                                     and t.strip() not in universe[a]})
                own = [f"docplan:goal:{g['id']}" for g in catalogues[a]["goals"]]
                own += [f"docplan:goal:{s['id']}" for g in catalogues[a]["goals"] for s in g["sub_goals"]]
                own += [f"docplan:measure:{m['id']}" for m in catalogues[a]["measures"]]
                body = {"items": [{"tag": t, "shape": "block", "text": "x"} for t in own]
                        + [{"tag": "docplan:measure-table:all", "shape": "block", "text": "x"}], "edition": b}
                fam.run(f"{a} refreshes its own items as {b}'s edition",
                        lambda a=a, b=b, body=body, markers=theirs_all: _refused_or_clean(
                            server, "POST", a, "refresh", f"demo-{a}", body, markers, b), seconds=60)

                def edition_control(a=a, b=b, body=body, markers=theirs_all):
                    status, answer = server.call("POST", a, "refresh", "demo-korus", body)
                    if not any(m in t for m in markers for t in _strings(answer)):
                        raise Wrong(f"the maintainer's refresh as {b}'s edition holds none of {b}'s text: "
                                    "the leak check sees nothing")
                    return "ok"

                fam.run(f"control: maintainer refreshes {a}'s items as {b}'s edition", edition_control,
                        seconds=60)
    finally:
        server.close()
    return fam


def _refused_or_clean(server: Server, method: str, number: str, route: str, token: str, body: dict | None,
                      markers: list[str], owner: str, *, foreign_tags: tuple[str, ...] = ()) -> Any:
    """Call a route; an answer holding one of ``markers`` (the other municipality's own text) is a leak."""
    status, answer = server.call(method, number, route, token, body)
    texts = list(_strings(answer))
    found = [m for m in markers if any(m in t for t in texts)]
    if found:
        raise Leak(f"answer ({status}) holds municipality {owner}'s text: {found[0][:80]!r}")
    for finding in (answer or {}).get("findings", []) if isinstance(answer, dict) else []:
        if finding.get("municipality") not in (None, token.removeprefix("demo-")):
            raise Leak(f"a finding about municipality {finding.get('municipality')}: {finding.get('rule')}")
        if finding.get("tag") in foreign_tags:
            raise Leak(f"a finding about {finding.get('tag')}: {finding.get('rule')}")
    if status >= 400:
        return Refused((answer or {}).get("code", f"http {status}"))
    if route == "refresh" and answer and all(i.get("status") == "forbidden" for i in answer["items"]):
        return Refused("forbidden (per item)")
    return "ok"


def _attack(fam: Family, server: Server, a: str, b: str, kind: str, item: str, theirs: str,
            markers: list[str]) -> None:
    """Ask for municipality ``b``'s item with ``a``'s token on every route that could answer with it."""
    token, tag = f"demo-{a}", f"docplan:{kind}:{item}"
    shape = "inline" if kind == "kp-ref" else "block"
    if not markers:
        fam.notes.append(f"{b} {kind}:{item} has no text {a} does not also have; its answers are checked by tag only")
    label = f"{a} asks for {b}'s {kind}:{item}"
    foreign = (tag,)
    fam.run(f"{label} on {a}/snippets", lambda: _refused_or_clean(
        server, "GET", a, f"snippets/{kind}/{item}", token, None, markers, b), seconds=60)
    fam.run(f"{label} on {b}/snippets", lambda: _refused_or_clean(
        server, "GET", b, f"snippets/{kind}/{item}", token, None, markers, b), seconds=60)
    body = {"items": [{"tag": tag, "shape": shape, "text": "x", "id": 5},
                      {"tag": tag, "shape": shape, "text": "x", "hash": "0123456789abcdef"}]}
    fam.run(f"{label} on {a}/refresh", lambda: _refused_or_clean(
        server, "POST", a, "refresh", token, body, markers, b), seconds=60)
    fam.run(f"{label} on {b}/refresh", lambda: _refused_or_clean(
        server, "POST", b, "refresh", token, body, markers, b), seconds=60)
    # The document as municipality b has it (its text is the caller's own then: only findings can leak)
    # and with every text replaced (any of b's text in the answer came from the server).
    fam.run(f"{label} on {a}/check (their document)", lambda: _refused_or_clean(
        server, "POST", a, "check", token, {"ooxml": theirs}, [], b, foreign_tags=foreign), seconds=60)
    fam.run(f"{label} on {a}/check (tags only)", lambda: _refused_or_clean(
        server, "POST", a, "check", token, {"ooxml": _neutral(theirs)}, markers, b, foreign_tags=foreign),
        seconds=60)

    def control():
        # The maintainer's token must get b's text for the same request: else the detector is blind.
        status, answer = server.call("POST", b, "refresh", "demo-korus", body)
        if markers and not any(m in t for m in markers for t in _strings(answer)):
            raise Wrong(f"the maintainer's refresh of {tag} does not hold {b}'s text: the leak check sees nothing")
        return "ok"

    fam.run(f"control: maintainer refreshes {b}'s {kind}:{item}", control, seconds=60)


# == the run ======================================================================================

FAMILIES = ("corpus", "hostile-data", "hostile-templates", "files", "server")


def run(quick: bool, only: tuple[str, ...] = FAMILIES, seed: int = SEED) -> list[Family]:
    """Run the chosen families and return their figures."""
    makers = {"corpus": lambda: family_corpus(quick), "hostile-data": lambda: family_hostile_data(quick, seed),
              "hostile-templates": lambda: family_hostile_templates(quick), "files": lambda: family_files(quick),
              "server": lambda: family_server(quick)}
    out = []
    for name in only:
        start = time.monotonic()
        print(f"… {name}", file=sys.stderr, flush=True)
        try:
            fam = makers[name]()
        except Exception as exc:  # noqa: BLE001 - a family that cannot even run is itself a finding
            fam = Family(name, "(did not run)")
            fam.tried = 1
            fam._problem("tracebacks", f"setting up {name}", "".join(traceback.format_exception(exc))[-1500:])
        fam.seconds = time.monotonic() - start
        out.append(fam)
    return out


def totals(families: list[Family]) -> dict:
    refused: Counter = Counter()
    for fam in families:
        refused.update(fam.refused)
    return {"tried": sum(f.tried for f in families), "ok": sum(f.ok for f in families),
            "refused": sum(refused.values()), **{k: sum(getattr(f, k) for f in families) for k in PROBLEM_KINDS}}


def report(families: list[Family], header: str) -> str:
    """Return the figures as a plain-text table, the refusals by reason and every problem shown."""
    cols = ("tried", "ok", "refused", "tracebacks", "hangs", "files lost", "cross reads", "failures")
    lines = [header, "", f"{'family':<18}" + "".join(f"{c:>12}" for c in cols)]
    for fam in families:
        values = (fam.tried, fam.ok, sum(fam.refused.values()), fam.tracebacks, fam.hangs, fam.files_lost,
                  fam.cross_reads, fam.failures)
        skipped = f"   (skipped: {fam.skipped})" if fam.skipped else f"   {fam.seconds:.0f} s"
        lines.append(f"{fam.name:<18}" + "".join(f"{v:>12}" for v in values) + skipped)
    t = totals(families)
    lines.append(f"{'total':<18}" + "".join(f"{t[k]:>12}" for k in (
        "tried", "ok", "refused", "tracebacks", "hangs", "files_lost", "cross_reads", "failures")))
    lines += ["", "refused, by reason (the docplan error code; for processes, from the message):"]
    for fam in families:
        if fam.refused:
            reasons = ", ".join(f"{r} {n}" for r, n in sorted(fam.refused.items(), key=lambda kv: (-kv[1], kv[0])))
            lines.append(f"  {fam.name}: {reasons}")
    for fam in families:
        for note in fam.notes[:5]:
            lines.append(f"  note ({fam.name}): {note}")
        if len(fam.notes) > 5:
            lines.append(f"  note ({fam.name}): … {len(fam.notes) - 5} more")
    problems = [(fam.name, p) for fam in families for p in fam.problems]
    if problems:
        lines += ["", f"problems (at most {SHOWN} per family and kind are described):"]
        lines += [f"  [{name}] {p['kind']}: {p['case']}\n      {p['detail']}" for name, p in problems]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    global SHOWN
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small subset of every family (a smoke test)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--only", help=f"comma-separated families: {', '.join(FAMILIES)}")
    parser.add_argument("--seed", type=int, default=SEED, help="seed of the hostile plan data")
    parser.add_argument("--show", type=int, default=SHOWN, help="problems described per family and kind")
    args = parser.parse_args(argv)
    SHOWN = args.show
    only = tuple(args.only.split(",")) if args.only else FAMILIES
    unknown = set(only) - set(FAMILIES)
    if unknown:
        parser.error(f"unknown families: {', '.join(sorted(unknown))}")
    started = dt.datetime.now().astimezone()
    clock = time.monotonic()
    families = run(args.quick, only, args.seed)
    command = "python tools/reliability.py" + "".join(f" {a}" for a in (argv if argv is not None else sys.argv[1:]))
    header = (f"docplan reliability run, {started:%Y-%m-%d %H:%M %Z}: {command}\n"
              f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()}; "
              f"{time.monotonic() - clock:.0f} s")
    print(report(families, header))
    if args.json:
        body = {"date": started.isoformat(timespec="seconds"), "command": command, "quick": args.quick,
                "seed": args.seed, "seconds": round(time.monotonic() - clock, 1), "cpus": os.cpu_count(),
                "python": platform.python_version(), "totals": totals(families),
                "families": [f.to_dict() for f in families]}
        args.json.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return 1 if any(f.bad for f in families) else 0


if __name__ == "__main__":
    sys.exit(main())
