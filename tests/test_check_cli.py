"""`docplan check` end to end: exit codes, JSON/SARIF, config, --annotate (python-docx + LibreOffice), bench smoke."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from docplan.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def plan_docx(tmp_path_factory) -> Path:
    from docplan.loaders import load_plan
    from docplan.render import render_plan

    path = tmp_path_factory.mktemp("check") / "plan.docx"
    path.write_bytes(render_plan(load_plan(ROOT / "examples" / "osterdalen.yaml")))
    return path


def _run(*args):
    return CliRunner().invoke(main, ["check", *map(str, args), "--today", "2025-06-01"])


def test_findings_give_exit_1_and_a_report_grouped_by_chapter(plan_docx, example_path):
    r = _run(plan_docx, "--data", example_path)
    assert r.exit_code == 1, r.output
    assert "Kapittel «9 Tiltaksplan»" in r.output and "measures.without_goal" in r.output
    assert "avsnitt " in r.output and "Slik retter du:" in r.output


def test_fail_on_error_ignores_warnings_and_never_gives_0(plan_docx):
    only_warnings = _run(plan_docx, "--fail-on", "error", "--config", _config(plan_docx.parent, "rules:\n"
                         "  period.measure_outside_period: warning\n"))
    assert only_warnings.exit_code == 0, only_warnings.output
    assert _run(plan_docx, "--fail-on", "error").exit_code == 1
    assert _run(plan_docx, "--fail-on", "never").exit_code == 0


def _config(folder: Path, text: str) -> Path:
    path = folder / "docplan-check.yaml"
    path.write_text(text, "utf-8")
    return path


def test_usage_and_input_errors_give_exit_2(tmp_path, plan_docx):
    assert _run().exit_code == 2
    missing = _run(tmp_path / "finnes-ikke.docx")
    assert missing.exit_code == 2 and "filen finnes ikke" in missing.output
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not a zip")
    assert _run(broken).exit_code == 2
    assert _run(plan_docx, "--config", _config(tmp_path, "rules:\n  no.such_rule: off\n")).exit_code == 2
    assert _run(plan_docx, "--annotate", plan_docx).exit_code == 2


def test_json_report_follows_the_documented_schema(plan_docx, example_path):
    r = _run(plan_docx, "--data", example_path, "--format", "json")
    doc = json.loads(r.output)
    assert doc["schema"] == "docplan-check/1"
    assert set(doc["summary"]) == {"error", "warning", "info"}
    f = next(f for f in doc["findings"] if f["rule"] == "measures.without_goal")
    assert set(f) == {"rule", "title", "severity", "message", "fix", "subject", "chapter", "municipality",
                      "known_issue", "location"}
    assert f["known_issue"] == "measure_without_goal" and f["subject"] == "T-20"
    assert f["title"] == "Tiltak uten delmål"
    assert f["location"]["part"] == "word/document.xml" and isinstance(f["location"]["paragraph"], int)


def test_sarif_report_lists_rules_and_results(plan_docx):
    sarif = json.loads(_run(plan_docx, "--format", "sarif").output)
    run = sarif["runs"][0]
    assert sarif["version"] == "2.1.0"
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert "references.dangling_kp" in rule_ids
    res = next(r for r in run["results"] if r["ruleId"] == "measures.missing_responsible")
    assert res["level"] == "warning" and rule_ids[res["ruleIndex"]] == res["ruleId"]


def test_config_disables_a_rule_and_changes_severity_per_municipality(plan_docx, example_path, tmp_path):
    cfg = _config(tmp_path, "rules:\n  measures.without_kp_ref: off\nkommuner:\n  '3430':\n    rules:\n"
                            "      adoption.not_adopted_by_all: {severity: info}\n")
    doc = json.loads(_run(plan_docx, "--data", example_path, "--format", "json", "--config", cfg).output)
    rules = {f["rule"]: f for f in doc["findings"]}
    assert "measures.without_kp_ref" not in rules
    assert rules["adoption.not_adopted_by_all"]["severity"] == "info"
    assert rules["measures.missing_responsible"]["severity"] == "warning"


def test_annotate_puts_a_comment_at_each_finding_without_changing_text(plan_docx, example_path, tmp_path):
    out = tmp_path / "kommentert.docx"
    before = plan_docx.read_bytes()
    r = _run(plan_docx, "--data", example_path, "--annotate", out, "--format", "json")
    findings = json.loads(r.stdout)["findings"]
    assert plan_docx.read_bytes() == before  # the input is never overwritten

    annotated = docx.Document(str(out))
    comments = list(annotated.comments)
    assert len(comments) == len(findings)
    assert {c.author for c in comments} == {"docplan"}
    original = docx.Document(str(plan_docx))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    texts = ["".join(t.text or "" for t in p.iter(f"{w}t")) for p in original.element.body.iter(f"{w}p")]
    new_paras = list(annotated.element.body.iter(f"{w}p"))
    assert ["".join(t.text or "" for t in p.iter(f"{w}t")) for p in new_paras] == texts
    by_id = {c.comment_id: c for c in comments}
    for f in findings:
        p = new_paras[f["location"]["paragraph"]]
        anchored = [int(s.get(f"{w}id")) for s in p.iter(f"{w}commentRangeStart")]
        assert any(f["rule"] in by_id[i].text for i in anchored), f
    t20 = next(f for f in findings if f["rule"] == "measures.without_goal")
    assert texts[t20["location"]["paragraph"]] == "T-20"


def test_annotating_twice_replaces_docplans_comments_and_keeps_the_planners(tmp_path, example_path):
    """A second check of an annotated document used to add a second full set of comments."""
    from tests.docfactory import municipal_plan

    source = tmp_path / "plan.docx"
    municipal_plan(source)  # holds a planner's own comment («Sjekk ordlyden med rådmannen»)
    once, twice = tmp_path / "en.docx", tmp_path / "to.docx"
    r1 = _run(source, "--data", example_path, "--annotate", once, "--format", "json")
    r2 = _run(once, "--data", example_path, "--annotate", twice, "--format", "json")
    n1, n2 = len(json.loads(r1.stdout)["findings"]), len(json.loads(r2.stdout)["findings"])
    assert n1 > 0 and n2 == n1

    def comments(path):
        return [(c.author, c.text) for c in docx.Document(str(path)).comments]

    planner = [c for c in comments(source) if c[0] != "docplan"]
    assert planner == [("Kari Nordmann", "Sjekk ordlyden med rådmannen")]
    for path, n in ((once, n1), (twice, n2)):
        got = comments(path)
        assert [c for c in got if c[0] != "docplan"] == planner
        ours = [c for c in got if c[0] == "docplan"]
        assert len(ours) == n and all(text.startswith("docplan:") for _a, text in ours)
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    body = docx.Document(str(twice)).element.body
    ids = {c.comment_id for c in docx.Document(str(twice)).comments}
    anchored = {int(el.get(f"{w}id")) for el in body.iter(f"{w}commentRangeStart", f"{w}commentReference")}
    assert anchored == ids  # no range or reference left pointing at a removed comment


@pytest.mark.soffice
def test_annotated_document_converts_with_libreoffice(plan_docx, example_path, tmp_path, soffice):
    from testkit import pdf_text, soffice_convert

    out = tmp_path / "kommentert.docx"
    _run(plan_docx, "--data", example_path, "--annotate", out)
    [pdf] = soffice_convert([out], tmp_path / "pdf")
    assert "Tiltaksplan" in pdf_text(pdf)


def test_bench_smoke_runs_and_reports_a_ratio():
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import bench_check
    finally:
        sys.path.remove(str(ROOT / "bench"))
    r = bench_check.run(measures=20, repeat=2)
    assert r["python_docx_s"] > 0 and r["check_s"] > 0 and r["measures"] == 20
    assert 0 < r["ratio"].low <= r["ratio"].median <= r["ratio"].high and r["ratio"].rounds == 2


def test_one_municipality_edition_is_checked_against_its_own_measures(tmp_path, example_path):
    """A Tynset edition (common + Tynset's local measures) must not be compared with the whole plan's sum."""
    from docplan.loaders import load_plan
    from docplan.render import render_plan

    doc = tmp_path / "tynset.docx"
    doc.write_bytes(render_plan(load_plan(example_path), municipality="3427"))
    res = CliRunner().invoke(main, ["check", str(doc), "--data", str(example_path), "--kommune", "3427",
                                    "--format", "json", "--fail-on", "never"])
    assert res.exit_code == 0, res.output
    rules = {f["rule"] for f in json.loads(res.output)["findings"]}
    assert "economy.budget_mismatch" not in rules
    subjects = {f["subject"] for f in json.loads(res.output)["findings"]}
    assert "T-17" not in subjects  # Engerdal's local measure is not Tynset's problem


@pytest.fixture(scope="module")
def nynorsk_docx(tmp_path_factory) -> Path:
    from docplan.loaders import load_plan
    from docplan.render import render_plan

    plan = load_plan(ROOT / "examples" / "osterdalen.yaml")
    plan.meta.language = "nn"
    path = tmp_path_factory.mktemp("check-nn") / "plan-nn.docx"
    path.write_bytes(render_plan(plan))
    return path


def test_a_nynorsk_document_is_checked_in_nynorsk_and_lang_overrides_it(nynorsk_docx):
    nn = _run(nynorsk_docx)
    assert nn.exit_code == 1, nn.output
    assert "Slik rettar du:" in nn.output and "manglar" in nn.output
    assert "Slik retter du:" not in nn.output and "mangler" not in nn.output
    nb = _run(nynorsk_docx, "--lang", "nb")
    assert "Slik retter du:" in nb.output and "Slik rettar du:" not in nb.output
    as_json = json.loads(_run(nynorsk_docx, "--format", "json").output)
    titles = {f["rule"]: f["title"] for f in as_json["findings"]}
    assert titles.get("measures.missing_responsible") == "Tiltak utan ansvarleg"


def test_word_comments_are_written_in_the_documents_malform(nynorsk_docx, tmp_path):
    out = tmp_path / "kommentert.docx"
    r = _run(nynorsk_docx, "--annotate", out)
    assert r.exit_code == 1, r.output
    assert "kommentarar" in r.output
    from docplan.document import PlanDocument
    from docplan.ooxml.ns import qn
    from docplan.ooxml.text import element_text

    comments = [element_text(c) for c in PlanDocument.open(out).xml("word/comments.xml").iter(qn("w:comment"))]
    assert comments and not [c for c in comments if "Slik retter du" in c or "mangler" in c]
    assert any("manglar" in c for c in comments) and any("Slik rettar du" in c for c in comments)
