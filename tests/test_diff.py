"""`docplan diff`: what changed between two versions of plan data, or two documents docplan made —
as text, JSON and a Word table for the saksframlegg (opened with python-docx and LibreOffice)."""

from __future__ import annotations

import json
import subprocess
import sys

import docx
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from docplan.cli import main
from docplan.diff import diff_documents, diff_plans
from docplan.loaders import load_plan, validate_plan
from docplan.render import render_plan


@pytest.fixture(scope="module")
def raw(example_path) -> dict:
    return yaml.safe_load(example_path.read_text("utf-8"))


def plan_of(raw: dict):
    return validate_plan(raw, {}, "plan.yaml", check_references=False)


def edited(raw: dict) -> dict:
    import copy

    new = copy.deepcopy(raw)
    new["measures"][0]["title"] = "Ny tittel på første tiltak"
    new["measures"][1]["cost_nok"] = 99_000
    removed = new["measures"].pop(2)["id"]
    new["goals"][0]["sub_goals"].append({"id": "DM-1.9", "title": "Et nytt delmål"})
    new["municipalities"][0]["master_plans"][0]["items"][0]["title"] = "Ny KP-tittel"
    new["municipalities"][1]["adoption"] = {"date": "2025-03-14", "case_no": "12/25", "status": "vedtatt"}
    return new, removed


def test_every_kind_of_change_is_found_field_by_field(raw):
    new_raw, removed = edited(raw)
    d = diff_plans(plan_of(raw), plan_of(new_raw))
    found = {(c.kind, c.id, c.change): c for c in d.changes}
    first, second = raw["measures"][0]["id"], raw["measures"][1]["id"]
    assert [(f.field, f.new) for f in found[("measure", first, "changed")].fields] == [
        ("title", "Ny tittel på første tiltak")]
    assert [(f.field, f.old, f.new) for f in found[("measure", second, "changed")].fields] == [
        ("cost_nok", raw["measures"][1].get("cost_nok"), 99_000)]
    assert ("measure", removed, "removed") in found and ("sub_goal", "DM-1.9", "added") in found
    kp = raw["municipalities"][0]
    kp_id = f"{kp['number']}:{kp['master_plans'][0]['items'][0]['id']}"
    assert ("kp_item", kp_id, "changed") in found
    adoption = found[("municipality", raw["municipalities"][1]["number"], "changed")]
    assert {f.field for f in adoption.fields} >= {"adoption.date", "adoption.case_no"}
    assert d.counts == {"added": 1, "removed": 1, "changed": 4}


def test_the_same_data_twice_has_no_changes(raw):
    d = diff_plans(plan_of(raw), plan_of(raw))
    assert d.changes == [] and d.lines()[0].startswith("Ingen endringer")


@settings(max_examples=25, deadline=None)
@given(title=st.text(min_size=1, max_size=40).filter(lambda t: t.strip() and t.isprintable()),
       cost=st.integers(min_value=0, max_value=10**9))
def test_a_changed_value_is_reported_with_its_old_and_new_value(raw, title, cost):
    import copy

    new = copy.deepcopy(raw)
    new["measures"][0]["title"], new["measures"][0]["cost_nok"] = title, cost
    d = diff_plans(plan_of(raw), plan_of(new))
    changes = {f.field: (f.old, f.new) for c in d.changes for f in c.fields}
    if title.strip() != raw["measures"][0]["title"]:
        assert changes["title"] == (raw["measures"][0]["title"], title.strip())
    if cost != raw["measures"][0].get("cost_nok"):
        assert changes["cost_nok"][1] == cost


def test_the_word_table_is_accessible_and_opens_in_libreoffice(raw, tmp_path, soffice):
    new_raw, _ = edited(raw)
    data = diff_plans(plan_of(raw), plan_of(new_raw)).to_docx()
    path = tmp_path / "endringer.docx"
    path.write_bytes(data)
    d = docx.Document(path)
    assert d.paragraphs[0].style.name == "Heading 1" and d.paragraphs[0].text == "Endringer i planen"
    table = d.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Element", "Endring", "Før", "Etter"]
    assert table.rows[0]._tr.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is not None
    assert any("99\u00a0000\u00a0kr" in c.text for row in table.rows for c in row.cells)
    from docplan.document import PlanDocument

    assert PlanDocument.open(data).language == "nb-NO"
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=180)
    assert (tmp_path / "endringer.pdf").stat().st_size > 1000


def test_two_rendered_documents_are_compared_by_their_items(raw):
    new_raw, removed = edited(raw)
    d = diff_documents(render_plan(plan_of(raw)), render_plan(plan_of(new_raw)))
    found = {(c.id, c.change) for c in d.changes}
    assert (f"docplan:measure:{raw['measures'][0]['id']}", "changed") in found
    assert (f"docplan:measure:{removed}", "removed") in found


def test_the_command_writes_text_json_and_word_and_speaks_nynorsk(raw, tmp_path):
    new_raw, _ = edited(raw)
    old, new = tmp_path / "plan-2024.yaml", tmp_path / "plan-2025.yaml"
    old.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), "utf-8")
    new.write_text(yaml.safe_dump(new_raw, allow_unicode=True, sort_keys=False), "utf-8")
    runner = CliRunner()
    text = runner.invoke(main, ["diff", str(old), str(new)])
    assert text.exit_code == 0 and "Tiltak" in text.output and "lagt til" in text.output
    nn = runner.invoke(main, ["diff", str(old), str(new), "--lang", "nn"])
    assert "Endringar frå" in nn.output and "fjerna" in nn.output
    as_json = runner.invoke(main, ["diff", str(old), str(new), "--format", "json"])
    assert json.loads(as_json.output)["counts"] == {"added": 1, "removed": 1, "changed": 4}
    out = tmp_path / "endringer.docx"
    assert runner.invoke(main, ["diff", str(old), str(new), "-o", str(out)]).exit_code == 0
    assert docx.Document(out).tables
    again = runner.invoke(main, ["diff", str(old), str(new), "-o", str(out)])
    assert again.exit_code == 2 and "--force" in again.output


def test_data_and_a_document_cannot_be_compared(raw, tmp_path, example_path):
    doc = tmp_path / "plan.docx"
    doc.write_bytes(render_plan(load_plan(example_path)))
    r = CliRunner().invoke(main, ["diff", str(example_path), str(doc)])
    assert r.exit_code == 2 and "ikke ett av hvert" in r.output


def test_a_years_report_and_indicator_values_are_compared_year_by_year(raw):
    import copy

    old, new = copy.deepcopy(raw), copy.deepcopy(raw)
    for data in (old, new):
        data["measures"][0].pop("status", None)
        data["measures"][0]["reports"] = [{"year": 2025, "status": "pågår", "spent_nok": 1000}]
        data["goals"][0]["indicator"]["values"] = [{"year": 2025, "value": "14"}]
    new["measures"][0]["reports"].append({"year": 2026, "status": "gjennomført", "done": "Kurs & <samling>",
                                          "spent_nok": 12_500})
    new["goals"][0]["indicator"]["values"][0]["value"] = "12"
    d = diff_plans(plan_of(old), plan_of(new))
    measure = next(c for c in d.changes if c.id == raw["measures"][0]["id"])
    assert [(f.field, f.old) for f in measure.fields if f.field.startswith("reports")] == [("reports.2026", None)]
    goal = next(c for c in d.changes if c.id == raw["goals"][0]["id"])
    assert [f.field for f in goal.fields] == ["indicator.values.2025"]
    lines = "\n".join(d.lines())
    assert "rapporter: 2026: – → status: gjennomført; hva ble gjort: Kurs & <samling>; brukt: 12\u00a0500\u00a0kr" \
        in lines
    assert "indikator: verdier: 2025: verdi: 14 → verdi: 12" in lines
    assert "2\u00a0025" not in lines and "2 025" not in lines
