"""`docplan batch` killed with SIGKILL: nothing keeps running, the manifest says what was done, and the
next run continues from there and clears what the killed run left half-done."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from docplan.batch import FAILED, MANIFEST_NAME, SKIPPED, START_METHOD_ENV, SUMMARY_NAME, generate_batch

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

ROOT = Path(__file__).resolve().parent.parent
N = 120  # enough plans that the run is still going when it is killed


def _synthetic_raw(n: int) -> list[dict]:
    spec = importlib.util.spec_from_file_location("bench_batch", ROOT / "bench" / "bench_batch.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench.synthetic_raw(n)


@pytest.fixture(scope="module")
def plan_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("planer")
    for raw in _synthetic_raw(N):
        number = raw["municipalities"][0]["number"]
        (folder / f"{number}.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), "utf-8")
    return folder


# -- processes, from psutil where it is installed, else from Linux /proc -----------------------------


def _descendants(pid: int) -> dict[int, str]:
    """Return {pid: start time} of every process below ``pid``."""
    try:
        import psutil
    except ImportError:
        if not Path("/proc/self/stat").exists():
            pytest.skip("needs psutil or Linux /proc to see the batch's processes")
        parents: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit() and (stat := _stat(int(entry))):
                parents[int(entry)] = int(stat[1])
        found: dict[int, str] = {}
        frontier = {pid}
        while frontier:
            frontier = {child for child, parent in parents.items() if parent in frontier} - set(found)
            for child in frontier:
                if stat := _stat(child):
                    found[child] = stat[19]
        return found
    return {p.pid: str(p.create_time()) for p in psutil.Process(pid).children(recursive=True)}


def _stat(pid: int) -> list[str] | None:
    """Return the fields of /proc/<pid>/stat after the command name (state first), or None."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def _running(pid: int, started: str) -> bool:
    """Return whether the process is still there (a zombie is not: it has ended, only unreaped)."""
    try:
        import psutil
    except ImportError:
        stat = _stat(pid)
        return stat is not None and stat[19] == started and stat[0] != "Z"
    try:
        proc = psutil.Process(pid)
        return str(proc.create_time()) == started and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _wait_until(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s: {what}")
        time.sleep(0.02)


def _manifest(out: Path) -> dict:
    try:
        return json.loads((out / MANIFEST_NAME).read_text("utf-8"))["entries"]
    except (OSError, ValueError):
        return {}


def _temporaries(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir()
                  if p.name.endswith(".docplan-tmp") or p.name.startswith(".docplan-pdf-"))


@pytest.mark.parametrize("method", [m for m in ("fork", "forkserver") if m in multiprocessing.get_all_start_methods()])
def test_kill_9_leaves_no_process_a_valid_manifest_and_a_run_that_resumes(plan_folder, tmp_path, method):
    out = tmp_path / "ut"
    command = [sys.executable, "-m", "docplan", "batch", str(plan_folder), "-o", str(out), "--all", "--jobs", "2"]
    env = {**os.environ, START_METHOD_ENV: method}
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        _wait_until(lambda: len(_manifest(out)) >= 1 and len(list(out.glob("*.docx"))) >= 3 or proc.poll() is not None,
                    120, "the batch wrote documents and a manifest")
        family = _descendants(proc.pid)
        assert proc.poll() is None, "the batch finished before it could be killed; raise N"
        # the two workers (forked from the batch, or from a forkserver with its resource tracker)
        assert len(family) >= (2 if method == "fork" else 4), family
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)

    _wait_until(lambda: not [p for p, started in family.items() if _running(p, started)], 10,
                "every worker, the forkserver and the resource tracker have ended")

    done = _manifest(out)
    assert done, "the manifest records what was finished before the kill"
    for number, entry in done.items():
        made = out / entry["file"]
        assert made.name.startswith(number) and hashlib.sha256(made.read_bytes()).hexdigest() == entry["sha256"]

    # What a kill during a write leaves behind (a kill between writes leaves nothing to find).
    (out / ".3427-Tynset.docx.k1ll3d.docplan-tmp").write_bytes(b"PK half a document")
    (out / ".docplan-pdf-k1ll3d").mkdir()
    (out / ".docplan-pdf-k1ll3d" / "3427-Tynset.pdf").write_bytes(b"%PDF half")
    (out / "notater.docplan-tmp.txt").write_text("the planner's own file", encoding="utf-8")

    again = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    assert again.returncode == 0, again.stderr
    results = {r["number"]: r["status"] for r in json.loads((out / SUMMARY_NAME).read_text("utf-8"))["results"]}
    assert len(results) == N and FAILED not in results.values()
    assert {n for n, status in results.items() if status == SKIPPED} == set(done)
    assert _temporaries(out) == [] and (out / "notater.docplan-tmp.txt").is_file()


def test_a_run_removes_temporary_files_a_killed_run_left(example_path, tmp_path):
    (tmp_path / ".3430-Os.docx.abc123.docplan-tmp").write_bytes(b"PK")
    (tmp_path / f".{MANIFEST_NAME}.x9.docplan-tmp").write_bytes(b"{")
    (tmp_path / ".docplan-pdf-q7").mkdir()
    summary = generate_batch(example_path, tmp_path, jobs=1, municipalities=["3430"])
    assert summary.ok and _temporaries(tmp_path) == []
