"""PDF through LibreOffice (`docplan.convert`): tagged PDF/UA, converters kept alive, a clean fallback.

Real LibreOffice, real files; the PDFs are read with poppler's pdfinfo and pypdf.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from docplan import convert
from docplan.convert import Converter, ConverterPool, convert_files, to_pdf
from docplan.loaders import load_plan
from docplan.render import render_plan, standard_template
from testkit import EXAMPLE, pdf_text

pytestmark = pytest.mark.soffice


def _pdfinfo(pdf: Path) -> dict[str, str]:
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def _catalog(pdf: Path):
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(str(pdf))
    return reader.trailer["/Root"], reader.outline


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> dict[str, Path]:
    """The Østerdalen plan rendered in bokmål and nynorsk."""
    folder = tmp_path_factory.mktemp("docs")
    plan = load_plan(EXAMPLE)
    out = {}
    for lang in ("nb", "nn"):
        out[lang] = folder / f"plan-{lang}.docx"
        out[lang].write_bytes(render_plan(plan, standard_template(lang)))
    return out


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z")


def _wait_gone(pids, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while any(_alive(p) for p in pids):
        assert time.monotonic() < deadline, f"still running after {seconds} s: {[p for p in pids if _alive(p)]}"
        time.sleep(0.1)


@pytest.mark.parametrize("lang,language", [("nb", "nb-NO"), ("nn", "nn-NO")])
def test_a_plan_pdf_is_tagged_pdf_ua_with_title_language_and_bookmarks(soffice, documents, tmp_path, lang, language):
    pdf = to_pdf(documents[lang], tmp_path / "plan.pdf")
    info = _pdfinfo(pdf)
    assert info["Tagged"] == "yes"
    assert info["Title"] == "Interkommunal rusmiddelpolitisk handlingsplan for Østerdalen 2024–2027"
    root, outline = _catalog(pdf)
    assert root["/Lang"] == language
    assert bool(root["/MarkInfo"]["/Marked"])
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])  # PDF/UA: the title, not the file name
    assert len(outline) >= 5  # bookmarks from the headings
    assert "pdfuaid" in subprocess.run(["pdfinfo", "-meta", str(pdf)], capture_output=True, text=True).stdout


def test_the_one_shot_fallback_exports_the_same_tagged_pdf(soffice, documents, tmp_path, monkeypatch):
    monkeypatch.setenv(convert.CONVERTER_ENV, "oneshot")
    pool = ConverterPool()
    assert not pool.available
    missing = tmp_path / "finnes-ikke.docx"
    outcome = convert_files([(documents["nb"], tmp_path / "a.pdf"), (missing, tmp_path / "x.pdf"),
                             (documents["nn"], tmp_path / "b.pdf")], pool)
    assert outcome == {documents["nb"]: None, documents["nn"]: None,
                       missing: "LibreOffice klarte ikke å lage PDF av dokumentet"}
    for pdf, language in ((tmp_path / "a.pdf", "nb-NO"), (tmp_path / "b.pdf", "nn-NO")):
        assert _pdfinfo(pdf)["Tagged"] == "yes" and _catalog(pdf)[0]["/Lang"] == language
    assert pool.converters == []  # nothing was started


def test_without_a_python_that_has_uno_the_pdf_comes_from_one_soffice_run(soffice, documents, tmp_path, monkeypatch):
    monkeypatch.setenv(convert.UNO_PYTHON_ENV, str(tmp_path / "no-such-python"))
    pool = ConverterPool()
    outcome = convert_files([(documents["nb"], tmp_path / "plan.pdf")], pool)
    assert outcome == {documents["nb"]: None} and not pool.available
    assert "Handlingsplan" in pdf_text(tmp_path / "plan.pdf") or _pdfinfo(tmp_path / "plan.pdf")["Pages"]


@pytest.fixture()
def uno(soffice) -> str:
    python = convert.uno_python(soffice)
    if python is None:
        if os.environ.get("CI"):
            pytest.fail("no Python with LibreOffice's uno (python3-uno), but CI must have it "
                        "(scripts/install-system-deps.sh)")
        pytest.skip("no Python with LibreOffice's uno module; install python3-uno")
    return python


def test_a_converter_stays_alive_between_conversions_and_stops_with_its_pool(uno, documents, tmp_path):
    pool = ConverterPool(size=1)
    try:
        assert convert_files([(documents["nb"], tmp_path / "1.pdf")], pool) == {documents["nb"]: None}
        (first,) = pool.converters
        office = first.office_pid
        assert office and _alive(office) and Path(first.profile).is_dir()
        assert convert_files([(documents["nn"], tmp_path / "2.pdf")], pool) == {documents["nn"]: None}
        assert [c.office_pid for c in pool.converters] == [office]  # the same LibreOffice did both
        assert _pdfinfo(tmp_path / "2.pdf")["Tagged"] == "yes"
    finally:
        pool.close()
    _wait_gone([office])
    assert not Path(first.profile).exists()


def test_two_converters_share_the_work_and_one_that_cannot_open_a_file_goes_on(uno, documents, tmp_path):
    pool = ConverterPool(size=2)
    pool.launch(2)  # as a server that keeps both; a batch starts the second only when the work pays for it
    missing = tmp_path / "finnes-ikke.docx"
    pairs = [(documents["nb"], tmp_path / "a.pdf"), (missing, tmp_path / "x.pdf"),
             (documents["nn"], tmp_path / "b.pdf"), (documents["nb"].with_name("plan-nb.docx"), tmp_path / "c.pdf")]
    try:
        outcome = convert_files(pairs, pool)
        assert outcome[missing] == "LibreOffice klarte ikke å lage PDF av dokumentet"
        assert [outcome[p] for p, _ in pairs if p != missing] == [None, None, None]
        assert {p.name for p in tmp_path.glob("*.pdf")} == {"a.pdf", "b.pdf", "c.pdf"}
        offices = {c.office_pid for c in pool.converters}
        assert len(offices) == 2 and all(_alive(p) for p in offices)
    finally:
        pool.close()
    _wait_gone(offices)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_converters_stop_when_the_process_that_started_them_is_killed(uno, documents, tmp_path):
    script = (
        "import json, sys, time\n"
        "from pathlib import Path\n"
        "from docplan.convert import ConverterPool, convert_files\n"
        "pool = ConverterPool(size=1)\n"
        f"convert_files([(Path({str(documents['nb'])!r}), Path({str(tmp_path / 'k.pdf')!r}))], pool)\n"
        "c = pool.converters[0]\n"
        "print(json.dumps({'office': c.office_pid, 'worker': c.proc.pid, 'profile': c.profile}), flush=True)\n"
        "time.sleep(120)\n")
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line, "the converter did not start"
        started = json.loads(line)
        assert _alive(started["office"])
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        proc.stdout.close()
    _wait_gone([started["office"], started["worker"]])
    assert not Path(started["profile"]).exists()


def _timed(start: float | None, per_file: float | None) -> Converter:
    converter = Converter("soffice", sys.executable)  # never launched: only its measured times matter here
    converter.start_seconds, converter.file_seconds = start, per_file
    return converter


def test_a_second_libreoffice_starts_only_when_the_files_waiting_pay_for_its_start():
    pool = ConverterPool(size=2)
    assert pool._worth_another([], 0)  # the first always starts
    assert not pool._worth_another([_timed(None, None)], 100)  # not before the first has answered and converted
    # nine editions on two busy cores: 8 files × 0.45 s / 2 saves 1.8 s, less than a 3 s start
    assert not pool._worth_another([_timed(3.0, 0.45)], 8)
    assert pool._worth_another([_timed(1.2, 0.45)], 8)
    assert pool._worth_another([_timed(3.0, 0.45)], 40)
    assert not pool._worth_another([_timed(0.1, 0.1), _timed(0.1, 0.1)], 1000)  # never more than size
