"""Batch failures that are not the planner's data: a template that raises, a worker process that dies,
a document that cannot be written. Each fails its municipality only, the summary says so, and the
command exits 1 with a Norwegian reason (the traceback only with --debug)."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from docplan.batch import FAILED, MADE, MANIFEST_NAME, START_METHOD_ENV, SUMMARY_NAME, generate_batch
from docplan.cli import main
from docplan.errors import ConflictError
from docplan.loaders import load_plan
from docplan.model import Plan
from docplan.package import open_docx
from templatefactory import TemplateFactory
from testkit import docx_all_text

OSTERDALEN = ["3422", "3423", "3424", "3425", "3426", "3427", "3428", "3429", "3430"]


@pytest.fixture(scope="module")
def recursing_template(tmp_path_factory) -> Path:
    """A template that raises for Tynset only an exception docplan does not anticipate (LookupError: an
    unknown text encoding). Runaway recursion is a template error docplan names («for mye minne»)."""
    t = TemplateFactory()
    t.heading("Plan for {{ municipality.name }}")
    t.para("{% if municipality.number == '3427' %}{{ 'x'.encode('ingen-slik-koding') }}{% endif %}")
    return t.save(tmp_path_factory.mktemp("mal") / "rekursjon.docx")


def test_a_template_raising_for_one_municipality_fails_only_that_one(example_path, recursing_template, tmp_path):
    summary = generate_batch(example_path, tmp_path, template=recursing_template, jobs=2)
    assert not summary.ok
    assert [r.number for r in summary.made] == [n for n in OSTERDALEN if n != "3427"]
    (tynset,) = summary.failed
    assert tynset.number == "3427" and tynset.name == "Tynset"
    assert tynset.message.startswith("uventet feil (LookupError")
    assert "Traceback" in tynset.traceback and "LookupError" in tynset.traceback
    assert "Plan for Alvdal" in docx_all_text(tmp_path / "3428-Alvdal.docx")
    assert not (tmp_path / "3427-Tynset.docx").exists()
    data = json.loads((tmp_path / SUMMARY_NAME).read_text("utf-8"))
    assert data["ok"] is False and data["counts"][FAILED] == 1 and data["counts"][MADE] == 8
    failed = [r for r in data["results"] if r["status"] == FAILED]
    assert [r["number"] for r in failed] == ["3427"] and "uventet feil (LookupError" in failed[0]["message"]
    assert "traceback" not in failed[0]
    assert "3427" not in json.loads((tmp_path / MANIFEST_NAME).read_text("utf-8"))["entries"]


def test_a_template_raising_in_process_fails_only_that_municipality(example_path, recursing_template, tmp_path):
    summary = generate_batch(example_path, tmp_path, template=recursing_template, jobs=1,
                             municipalities=["3427", "3430"])
    assert [(r.number, r.status) for r in summary.results] == [("3427", FAILED), ("3430", MADE)]
    assert "uventet feil (LookupError" in summary.results[0].message


def test_cli_names_the_unexpected_error_exits_1_and_shows_the_traceback_only_with_debug(
        example_path, recursing_template, tmp_path):
    runner = CliRunner()
    args = ["batch", str(example_path), "-o", str(tmp_path / "ut"), "--all", "--jobs", "2",
            "-t", str(recursing_template)]
    res = runner.invoke(main, args)
    assert res.exit_code == 1, res.output
    assert "8 laget, 0 uendret, 1 feilet" in res.stdout
    assert "uventet feil (LookupError" in res.stdout and "FEILET" in res.stdout
    assert "Traceback" not in res.output and "_RemoteTraceback" not in res.output
    assert "--debug" in res.stderr
    debug = runner.invoke(main, ["--debug", *args, "--force"])
    assert debug.exit_code == 1, debug.output
    assert "Feilsporing for 3427 Tynset" in debug.stderr and "Traceback (most recent call last)" in debug.stderr
    assert "LookupError" in debug.stderr


def test_cli_reports_a_system_error_that_stops_the_run_in_norwegian(example_path, tmp_path):
    (tmp_path / MANIFEST_NAME).mkdir()  # the manifest cannot be written
    res = CliRunner().invoke(main, ["batch", str(example_path), "-o", str(tmp_path), "--kommune", "3427", "--jobs", "1"])
    assert res.exit_code == 2, res.output
    assert f"{MANIFEST_NAME}: kunne ikke skrive filen: det finnes en mappe med det navnet" in res.stderr
    assert "Traceback" not in res.output


def test_cli_reports_an_unexpected_error_without_a_traceback_unless_debug(example_path, tmp_path, monkeypatch):
    import docplan.batch

    def broken(*args, **kwargs):
        raise IsADirectoryError(21, "Is a directory")  # a bug's exception, not one docplan anticipated

    monkeypatch.setattr(docplan.batch, "_write_manifest", broken)
    runner = CliRunner()
    res = runner.invoke(main, ["batch", str(example_path), "-o", str(tmp_path), "--kommune", "3427", "--jobs", "1"])
    assert res.exit_code == 1, res.output
    assert "Feil: uventet feil (IsADirectoryError" in res.stderr and "kjøringen stoppet" in res.stderr
    assert "Traceback" not in res.output and "--debug" in res.stderr
    assert (tmp_path / "3427-Tynset.docx").is_file()
    debug = runner.invoke(main, ["--debug", "batch", str(example_path), "-o", str(tmp_path), "--kommune", "3427",
                                 "--force"])
    assert debug.exit_code == 1 and "Traceback (most recent call last)" in debug.stderr


def _pool_workers() -> list[int]:
    """Return the pids of this process's running pool workers (forked, or from a forkserver)."""
    return [p.pid for p in multiprocessing.active_children() if p.is_alive()]


#: Both ways docplan starts workers on Linux: forked from the caller (the command line), or from a
#: forkserver (a threaded caller; the spawn-safe path of Windows and macOS).
START_METHODS = [pytest.param(m, id=m) for m in ("fork", "forkserver")
                 if m in multiprocessing.get_all_start_methods()]


@pytest.fixture(params=START_METHODS)
def start_method(request, monkeypatch) -> str:
    monkeypatch.setenv(START_METHOD_ENV, request.param)
    return request.param


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and a forkserver are POSIX")
def test_a_worker_killed_during_the_run_does_not_stop_the_batch(example_path, tmp_path, start_method):
    killed = []

    def kill_a_worker(result, done, total):
        if done == 1:
            workers = _pool_workers()
            assert workers
            os.kill(workers[0], signal.SIGKILL)
            killed.append(workers[0])

    summary = generate_batch(example_path, tmp_path, jobs=2, progress=kill_a_worker)
    assert killed and summary.workers == 2
    # The jobs in flight with the killed worker ran again: every document is made, and complete.
    assert summary.ok and [r.number for r in summary.made] == OSTERDALEN
    for r in summary.made:
        open_docx(tmp_path / r.file)
    assert json.loads((tmp_path / SUMMARY_NAME).read_text("utf-8"))["ok"] is True


def _kill_this_process() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


TEST_PROCESS = os.getpid()


class PlanThatKillsItsWorker(Plan):
    """A plan whose worker process is killed as it receives it (spawned workers unpickle it) or renders
    it (forked workers inherit it), every time, as the OOM killer might; never this test's process."""

    def __reduce_ex__(self, protocol):
        return (_kill_this_process, ())

    def measures_for(self, number):
        if os.getpid() != TEST_PROCESS:
            _kill_this_process()
        return super().measures_for(number)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and a forkserver are POSIX")
def test_a_job_that_kills_its_worker_fails_alone_and_the_others_are_made(example_path, tmp_path, start_method):
    plan = load_plan(example_path)
    plans = []
    for number in OSTERDALEN[:5]:
        one = plan.model_copy(update={"municipalities": [plan.municipality(number)]})
        if number == "3424":
            one = PlanThatKillsItsWorker.model_construct(**{name: getattr(one, name) for name in Plan.model_fields})
        plans.append(one)
    summary = generate_batch(plans, tmp_path, jobs=2)
    assert [(r.number, r.status) for r in summary.results] == [
        ("3422", MADE), ("3423", MADE), ("3424", FAILED), ("3425", MADE), ("3426", MADE)]
    rendalen = summary.results[2]
    assert rendalen.name == "Rendalen"
    assert rendalen.message.startswith("uventet feil (BrokenProcessPool)") and "arbeidsprosessen" in rendalen.message
    data = json.loads((tmp_path / SUMMARY_NAME).read_text("utf-8"))
    assert data["ok"] is False and data["counts"][FAILED] == 1


def test_a_document_that_cannot_be_written_fails_only_its_municipality(example_path, tmp_path):
    (tmp_path / "3427-Tynset.docx").mkdir()  # something in the way of the file
    summary = generate_batch(example_path, tmp_path, jobs=2)
    assert [r.number for r in summary.failed] == ["3427"]
    assert len(summary.made) == 8
    assert summary.failed[0].message == (f"{tmp_path / '3427-Tynset.docx'}: kunne ikke skrive filen: det finnes en "
                                         "mappe med det navnet")
    assert "3427" not in json.loads((tmp_path / MANIFEST_NAME).read_text("utf-8"))["entries"]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".docplan-tmp")]


def test_an_error_that_stops_the_run_makes_the_summary_say_not_ok(example_path, tmp_path):
    def broken_progress(result, done, total):
        if done == 2:
            raise RuntimeError("progress bar broke")

    with pytest.raises(RuntimeError):
        generate_batch(example_path, tmp_path, jobs=2, progress=broken_progress)
    data = json.loads((tmp_path / SUMMARY_NAME).read_text("utf-8"))
    assert data["ok"] is False and data["interrupted"] is True


def test_a_second_run_into_the_same_folder_is_refused_while_the_first_runs(example_path, tmp_path):
    refused = []

    def start_another(result, done, total):
        if done == 1:
            with pytest.raises(ConflictError) as err:
                generate_batch(example_path, tmp_path, jobs=1, municipalities=["3427"])
            refused.append(err.value)

    first = generate_batch(example_path, tmp_path, jobs=2, progress=start_another)
    assert first.ok and len(first.made) == 9
    assert refused and "skriver allerede til denne mappen" in refused[0].message
    assert refused[0].code == "folder_busy"
    again = generate_batch(example_path, tmp_path, jobs=1, municipalities=["3427"])  # the lock is released
    assert again.ok
