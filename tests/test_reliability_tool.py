"""tools/reliability.py: the quick run ends with no traceback, hang, lost file, cross-municipality read or
failure, and its judges see each of those when they happen."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import time

import pytest

from docplan.errors import DataError, Location
from testkit import ROOT

TOOL = ROOT / "tools" / "reliability.py"


@pytest.fixture(scope="module")
def tool():
    spec = importlib.util.spec_from_file_location("reliability_tool", TOOL)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_the_quick_run_ends_with_no_traceback_hang_lost_file_cross_read_or_failure(tmp_path):
    out = tmp_path / "figures.json"
    done = subprocess.run([sys.executable, str(TOOL), "--quick", "--json", str(out)], capture_output=True,
                          text=True, cwd=tmp_path, timeout=600)
    assert out.is_file(), done.stdout + done.stderr
    figures = json.loads(out.read_text("utf-8"))
    families = {f["name"]: f for f in figures["families"]}
    assert set(families) == {"corpus", "hostile-data", "hostile-templates", "files", "server"}
    for name, fam in families.items():
        assert fam["tried"] > 0 or (name == "corpus" and fam["skipped"]), fam
    problems = [(f["name"], p["kind"], p["case"], p["detail"]) for f in figures["families"] for p in f["problems"]]
    totals = figures["totals"]
    assert [totals[k] for k in ("tracebacks", "hangs", "files_lost", "cross_reads", "failures")] == [0] * 5, \
        "\n".join(map(str, problems))
    assert done.returncode == 0, done.stdout[-3000:]
    assert totals["tried"] == totals["ok"] + totals["refused"]
    assert "tracebacks" in done.stdout and "refused, by reason" in done.stdout


def test_each_outcome_is_counted_once_under_its_kind(tool):
    fam = tool.Family("test", "judges")

    def unexpected():
        raise KeyError("ingen")

    def refused():
        raise DataError("feil", Location(file="plan.yaml", line=3), code="invalid_data")

    def endless():
        while True:
            time.sleep(0.05)

    fam.run("ok", lambda: None)
    fam.run("traceback", unexpected)
    fam.run("refused", refused)
    fam.run("hang", endless, seconds=0.3)
    fam.run("lost", lambda: (_ for _ in ()).throw(tool.Lost("plan.yaml was changed")))
    fam.run("a process said why", lambda: tool.Refused("usage:output_exists"))
    figures = fam.to_dict()
    assert (figures["tried"], figures["ok"], figures["tracebacks"], figures["hangs"], figures["files_lost"]) == \
        (6, 1, 1, 1, 1)
    assert figures["refused"] == {"invalid_data": 1, "usage:output_exists": 1}
    assert [p["kind"] for p in figures["problems"]] == ["tracebacks", "hangs", "files_lost"]
    assert "KeyError" in figures["problems"][0]["detail"]


def test_the_file_judge_sees_a_changed_input_a_partial_output_and_a_temporary_file(tool):
    def proc(code: int, stderr: str = "") -> subprocess.CompletedProcess:
        return subprocess.CompletedProcess([], code, "", stderr)

    before = {"plan.yaml": b"data", "plan.docx": b"doc"}
    with pytest.raises(tool.Lost, match="plan.yaml was changed"):
        tool._judge(proc(0), before, {**before, "plan.yaml": b"PK..."})
    with pytest.raises(tool.Lost, match="ny.docx was left behind"):
        tool._judge(proc(2), before, {**before, "ny.docx": b"PK"})
    with pytest.raises(tool.Lost, match="temporary"):
        tool._judge(proc(2), before, {**before, ".ny.docx.x.docplan-tmp": b""})
    with pytest.raises(tool.Crash):
        tool._judge(proc(4, "Feil: en uventet feil"), before, dict(before))
    refused = tool._judge(proc(2, "Feil: ny.docx (-o/--output) finnes fra før; bruk --force"), before, dict(before))
    assert refused == tool.Refused("usage:output_exists")


def test_the_leak_check_sees_another_municipalitys_text_in_an_answer(tool):
    """The maintainer may read Alvdal's kommuneplan quote: asked with that token, the answer holds the text
    Tynset does not have, and the check must call it a cross-municipality read."""
    server = tool.Server()
    try:
        item = "snippets/kp-quote/3428:KP-2.1"
        theirs = server.own("GET", "3428", item)["ooxml"]
        tynset = json.dumps(server.own("GET", "3427", "catalogue"), ensure_ascii=False)
        markers = [t for t in tool._paragraph_texts(theirs) if len(t) >= 8 and t not in tynset]
        assert markers
        with pytest.raises(tool.Leak, match="3428"):
            tool._refused_or_clean(server, "GET", "3428", item, "demo-korus", None, markers, "3428")
        assert tool._refused_or_clean(server, "GET", "3428", item, "demo-3427", None, markers, "3428") == \
            tool.Refused("forbidden")
    finally:
        server.close()
