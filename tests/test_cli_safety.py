"""Never lose a file: concurrent in-place edits, Word's owner file, file modes, full disks, read-only
folders, a .bak that is a folder, outputs that would overwrite inputs or each other.

Each command runs as its own process (as a planner or a script runs it), so locks, signals and
resource limits are real.
"""

from __future__ import annotations

import os
import resource
import signal
import stat
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import docx
import pytest
import yaml

from docplan.document import PlanDocument
from docplan.files import TEMP_SUFFIX

ROOT = Path(__file__).resolve().parent.parent


def docplan(*args, cwd=None, preexec=None, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "docplan", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, preexec_fn=preexec, timeout=timeout)


@pytest.fixture()
def workdir(example_path) -> Path:
    """A folder with plan.yaml and plan.docx (rendered from it, so it carries docplan's record); readable by
    every user, so a test may run a command as an unprivileged one."""
    folder = Path(tempfile.mkdtemp(prefix="docplan-safety-"))
    folder.chmod(0o777)
    data = folder / "plan.yaml"
    data.write_bytes(example_path.read_bytes())
    done = docplan("render", data, "-o", folder / "plan.docx")
    assert done.returncode == 0, done.stderr
    yield folder
    for path in folder.rglob("*"):
        try:
            path.chmod(0o777)
        except OSError:
            pass
    subprocess.run(["rm", "-rf", str(folder)], check=False)


def variant(folder: Path, i: int) -> Path:
    """Plan data whose first measure's title names ``i`` (each variant updates the document differently)."""
    raw = yaml.safe_load((folder / "plan.yaml").read_text("utf-8"))
    raw["measures"][0]["title"] = f"Variant {i:02d} av første tiltak"
    path = folder / f"plan-{i:02d}.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((TEMP_SUFFIX, ".docplan-lock")))


@pytest.mark.slow
def test_twenty_concurrent_in_place_refreshes_lose_nothing_silently(workdir):
    doc = workdir / "plan.docx"
    datas = [variant(workdir, i) for i in range(20)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(lambda d: docplan("refresh", doc, d, "--in-place"), datas))
    codes = [r.returncode for r in results]
    # each run either updated the document or said why it did not (another run held it; exit 3)
    assert set(codes) <= {0, 3}, [(r.returncode, r.stderr) for r in results]
    for r in results:
        if r.returncode == 3:
            assert "prøv igjen" in r.stderr or "Kjør kommandoen på nytt" in r.stderr, r.stderr
    winners = [i for i, r in enumerate(results) if r.returncode == 0]
    assert winners, "no run updated the document"
    # the document is whole and holds exactly one of the variants that reported success
    assert docx.Document(doc) is not None
    text = "\n".join(PlanDocument.open(doc).texts())
    present = [i for i in range(20) if f"Variant {i:02d} av første tiltak" in text]
    assert len(present) == 1 and present[0] in winners, (present, winners)
    # the .bak is a whole earlier version of the document, and nothing is left behind
    backup = workdir / "plan.docx.bak"
    assert docx.Document(backup) is not None
    assert leftovers(workdir) == []


def test_in_place_is_refused_while_word_has_the_document_open(workdir):
    doc = workdir / "plan.docx"
    (workdir / "~$plan.docx").write_bytes(b"\x0bPlanlegger")
    before = doc.read_bytes()
    done = docplan("refresh", doc, variant(workdir, 1), "--in-place")
    assert done.returncode == 3, done.stderr
    assert "åpent i Word" in done.stderr and "Traceback" not in done.stderr
    assert doc.read_bytes() == before and not (workdir / "plan.docx.bak").exists()


def test_in_place_keeps_the_documents_mode_and_the_backup_gets_it_too(workdir):
    doc = workdir / "plan.docx"
    doc.chmod(0o640)
    done = docplan("refresh", doc, variant(workdir, 2), "--in-place")
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(doc.stat().st_mode) == 0o640
    assert stat.S_IMODE((workdir / "plan.docx.bak").stat().st_mode) == 0o640


def _file_size_limit(limit: int):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_a_file_size_limit_gives_a_message_and_no_partial_file(workdir):
    out = workdir / "ny.docx"
    done = docplan("render", workdir / "plan.yaml", "-o", out, preexec=_file_size_limit(16 * 1024))
    assert done.returncode == 2, done.stderr
    assert "filen blir større enn tillatt" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists() and leftovers(workdir) == []


def test_a_backup_that_cannot_be_written_keeps_the_earlier_backup_and_the_document(workdir):
    doc = workdir / "plan.docx"
    assert docplan("refresh", doc, variant(workdir, 3), "--in-place").returncode == 0
    backup = workdir / "plan.docx.bak"
    earlier_backup, document = backup.read_bytes(), doc.read_bytes()
    done = docplan("refresh", doc, variant(workdir, 4), "--in-place", preexec=_file_size_limit(16 * 1024))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "plan.docx" in done.stderr
    assert backup.read_bytes() == earlier_backup and doc.read_bytes() == document
    assert leftovers(workdir) == []


def _read_only(folder: Path) -> None:
    """Make ``folder`` read-only for this user: by its mode, or as root (who may write anywhere) with the
    immutable attribute, where the file system has it."""
    folder.chmod(0o555)
    if os.geteuid() == 0:
        done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True)
        if done.returncode != 0:
            pytest.skip("running as root on a file system without chattr +i: no folder is read-only to root")


def test_a_read_only_folder_gives_a_message_naming_the_path(workdir):
    target = workdir / "låst"
    target.mkdir()
    _read_only(target)
    try:
        done = docplan("render", workdir / "plan.yaml", "-o", target / "plan.docx")
        assert done.returncode == 2, done.stderr
        assert ("mangler skrivetilgang" in done.stderr or "skrivebeskyttet" in done.stderr), done.stderr
        assert str(target) in done.stderr and "Traceback" not in done.stderr
        assert list(target.iterdir()) == []
    finally:
        subprocess.run(["chattr", "-i", str(target)], capture_output=True)


def test_a_backup_name_taken_by_a_folder_is_reported_and_nothing_changes(workdir):
    doc = workdir / "plan.docx"
    (workdir / "plan.docx.bak").mkdir()
    before = doc.read_bytes()
    done = docplan("refresh", doc, variant(workdir, 5), "--in-place")
    assert done.returncode == 2, done.stderr
    assert "mappe" in done.stderr and "plan.docx.bak" in done.stderr and "Traceback" not in done.stderr
    assert doc.read_bytes() == before and leftovers(workdir) == []


def test_the_report_and_the_annotated_copy_may_not_be_the_same_file(workdir):
    out = workdir / "r.docx"
    done = docplan("check", workdir / "plan.docx", "--annotate", out, "-o", out)
    assert done.returncode == 2 and "samme fil" in done.stderr, done.stderr
    assert not out.exists()


@pytest.mark.parametrize("command, flag", [
    (["render", "{data}", "-o", "{existing}"], "--force"),
    (["extract", "{doc}", "-o", "{existing}"], "--force"),
    (["kp", "import", "{doc}", "--kommune", "3427", "-o", "{existing}"], "--force"),
    (["check", "{doc}", "--annotate", "{existing}"], "--force"),
    # insert and refresh use --force for the planner's edited items; their output file has --overwrite
    (["insert", "{doc}", "{data}", "--what", "goals", "--at-document-end", "-o", "{existing}"], "--overwrite"),
])
def test_an_existing_output_is_replaced_only_when_asked(workdir, command, flag):
    existing = workdir / "finnes.docx"
    existing.write_bytes(b"planleggerens fil")
    args = [a.format(data=workdir / "plan.yaml", doc=workdir / "plan.docx", existing=existing) for a in command]
    done = docplan(*args)
    assert done.returncode == 2 and flag in done.stderr, done.stderr
    assert existing.read_bytes() == b"planleggerens fil"
    forced = docplan(*args, flag)
    assert forced.returncode in (0, 1, 3), forced.stderr  # check exits 1 with findings
    assert existing.read_bytes() != b"planleggerens fil"


def test_insert_may_not_write_its_result_over_the_data_file(workdir):
    data = workdir / "plan.yaml"
    before = data.read_bytes()
    done = docplan("insert", workdir / "plan.docx", data, "--what", "goals", "--at-document-end", "-o", data,
                   "--force")
    assert done.returncode == 2 and "inndatafila" in done.stderr, done.stderr
    assert data.read_bytes() == before
