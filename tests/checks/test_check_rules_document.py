"""Each document rule: a .docx that triggers it and one that does not (hand-written and generated plans)."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from check_fixtures import (GOAL_PARAGRAPHS, MEASURE_TABLE, example_raw, generated_docx, handwritten, ids,
                            replace_in_part)
from docplan.checks import run_checks
from docplan.checks.docview import read_document
from docplan.loaders import load_plan
from testkit import EXAMPLE

TODAY = dt.date(2025, 6, 1)


def _table(*changes):
    rows = [list(r) for r in MEASURE_TABLE]
    for (row, col), value in changes:
        rows[row][col] = value
    return rows


HANDWRITTEN = [
    ("measures.missing_responsible", dict(table=_table(((2, 3), ""))), "1.2"),
    ("measures.without_goal", dict(table=_table(((1, 2), ""))), "1.1"),
    ("measures.missing_deadline", dict(table=_table(((1, 4), "snarest"))), "1.1"),
    ("period.measure_outside_period", dict(table=_table(((1, 4), "2029"))), "1.1"),
    ("numbering.duplicate", dict(table=_table(((2, 0), "1.1"))), "1.1"),
    ("numbering.out_of_order", dict(table=_table(((1, 0), "1.3"))), "1.2"),
    ("goals.without_measure", dict(table=_table(((2, 2), "2.1"))), "2.2"),
    ("references.unknown_measure", dict(paragraphs=(*GOAL_PARAGRAPHS, "Se også jf. tiltak 3.4 om foreldre.")), "3.4"),
    ("references.unknown_goal", dict(paragraphs=(*GOAL_PARAGRAPHS, "Tiltaket støtter delmål 5.1.")), "5.1"),
    ("economy.budget_mismatch", dict(table=[*MEASURE_TABLE, ["Sum", "", "", "", "", "70 000 kr"]]), "budsjett"),
    ("structure.missing_chapter", dict(headings=(("1 Innledning", 1), ("2 Tiltaksplan", 1))),
     "Alkoholpolitikk og bevillingspolitikk"),
    ("structure.outdated_names", dict(paragraphs=("Fylkesmannen har gitt tilskudd.",)), "Fylkesmannen"),
    ("accessibility.skipped_heading_level", dict(headings=(("1 Innledning", 1), ("1.1.1 Bakgrunn", 3))),
     "1.1.1 Bakgrunn"),
    ("accessibility.table_without_header", dict(header_row=False), "tabell"),
    ("accessibility.language_not_set", dict(language=False), "språk"),
]


def _doc(**kw) -> bytes:
    kw.setdefault("table", MEASURE_TABLE)
    kw.setdefault("paragraphs", GOAL_PARAGRAPHS)
    return handwritten(**kw)


def test_clean_handwritten_plan_has_no_findings():
    found = run_checks(document=_doc(), today=TODAY)
    assert found == [], [(f.rule, f.message) for f in found]


@pytest.mark.parametrize("rule_id,kw,subject", HANDWRITTEN, ids=[c[0] for c in HANDWRITTEN])
def test_document_rule_triggers_on_handwritten_plan(rule_id, kw, subject):
    bad = run_checks(document=_doc(**kw), only=[rule_id], today=TODAY)
    assert subject in ids(bad, rule_id), [(f.rule, f.subject) for f in bad]
    assert run_checks(document=_doc(), only=[rule_id], today=TODAY) == []


def test_findings_point_at_the_paragraph_that_holds_the_problem():
    data = _doc(paragraphs=(*GOAL_PARAGRAPHS, "Se også jf. tiltak 3.4 om foreldre."))
    view = read_document(data)
    [f] = run_checks(document=view, only=["references.unknown_measure"])
    assert "tiltak 3.4" in view.paragraphs[f.location.paragraph].text


def test_image_without_alt_text_is_found_and_alt_text_clears_it(tmp_path):
    import io

    import docx
    from PIL import Image

    png = io.BytesIO()
    Image.new("RGB", (4, 4)).save(png, "PNG")
    d = docx.Document()
    d.add_picture(io.BytesIO(png.getvalue()))
    buf = io.BytesIO()
    d.save(buf)
    bad = run_checks(document=buf.getvalue(), only=["accessibility.image_without_alt"])
    assert ids(bad, "accessibility.image_without_alt") == ["bilde"]
    for pr in d.element.body.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"):
        pr.set("descr", "Diagram over andel unge som har drukket")
    buf = io.BytesIO()
    d.save(buf)
    assert run_checks(document=buf.getvalue(), only=["accessibility.image_without_alt"]) == []


def test_kommuneplan_chapter_reference_in_prose_is_checked_against_the_catalogue(tmp_path):
    cat = {"municipalities": [{"number": "3427", "name": "Tynset", "master_plans": [
        {"plan_name": "Kommuneplanens samfunnsdel 2022–2034", "items": [{"id": "KP-4.1", "title": "Regionsenteret"}]}]}]}
    kp = tmp_path / "kp.yaml"
    kp.write_text(yaml.safe_dump(cat, allow_unicode=True), "utf-8")
    bad = _doc(paragraphs=(*GOAL_PARAGRAPHS, "Dette følger opp mål i jf. kommuneplanen kap. 7."))
    good = _doc(paragraphs=(*GOAL_PARAGRAPHS, "Dette følger opp mål i jf. kommuneplanen kap. 4."))
    assert ids(run_checks(document=bad, kp=kp, only=["references.dangling_kp"]), "references.dangling_kp") == ["7"]
    assert run_checks(document=good, kp=kp, only=["references.dangling_kp"]) == []
    old = _doc(paragraphs=(*GOAL_PARAGRAPHS, "Planen bygger på kommuneplanens samfunnsdel 2010–2022."))
    assert ids(run_checks(document=old, kp=kp, only=["references.outdated_kp"]), "references.outdated_kp") == \
        ["2010–2022"]


# -- the generated plan (content controls) ---------------------------------------------------------

@pytest.fixture(scope="module")
def generated() -> bytes:
    return generated_docx()


def _catalogue(tmp_path, change=None):
    raw = example_raw()
    if change:
        change(raw)
    path = tmp_path / "kp.yaml"
    path.write_text(yaml.safe_dump({"municipalities": raw["municipalities"]}, allow_unicode=True), "utf-8")
    return path


def _retitle(raw):
    tynset = next(m for m in raw["municipalities"] if m["number"] == "3427")
    for item in tynset["master_plans"][0]["items"]:
        if item["id"] == "KP-3.2":
            item["title"] = "Tidlig innsats for alle"


def _drop_item(raw):
    tynset = next(m for m in raw["municipalities"] if m["number"] == "3427")
    tynset["master_plans"][0]["items"] = [i for i in tynset["master_plans"][0]["items"] if i["id"] != "KP-2.3"]


def test_generated_plan_is_clean_on_structure_and_accessibility(generated):
    rules = ["structure.missing_chapter", "structure.outdated_template", "accessibility.skipped_heading_level",
             "accessibility.table_without_header", "accessibility.language_not_set", "numbering.duplicate",
             "references.stale_kp_quote", "references.dangling_kp"]
    assert run_checks(document=generated, only=rules) == []


def test_stale_kp_quote_when_the_catalogue_changed(tmp_path, generated):
    found = run_checks(document=generated, kp=_catalogue(tmp_path, _retitle), only=["references.stale_kp_quote"])
    assert "3427:KP-3.2" in ids(found, "references.stale_kp_quote")
    assert run_checks(document=generated, kp=_catalogue(tmp_path), only=["references.stale_kp_quote"]) == []


def test_dangling_kp_when_the_item_left_the_catalogue(tmp_path, generated):
    found = run_checks(document=generated, kp=_catalogue(tmp_path, _drop_item), only=["references.dangling_kp"])
    assert "3427:KP-2.3" in ids(found, "references.dangling_kp")


def test_outdated_template_version_is_reported(generated):
    old = replace_in_part(generated, "docProps/custom.xml", "<vt:lpwstr>1.2.0</vt:lpwstr>",
                          "<vt:lpwstr>0.9.0</vt:lpwstr>")
    found = run_checks(document=old, only=["structure.outdated_template"])
    assert ids(found, "structure.outdated_template") == ["rusplan-standard"]
    assert "1.2.0" in found[0].message


def test_generated_plan_without_data_finds_the_gaps_visible_in_the_document(generated):
    found = run_checks(document=generated, today=TODAY)
    assert "T-20" in ids(found, "measures.without_goal")
    assert "T-12" in ids(found, "measures.missing_responsible")
    assert "T-14" in ids(found, "period.measure_outside_period")
    assert "T-17" in ids(found, "measures.missing_funding")
    assert "DM-2.3" in ids(found, "goals.without_measure")


def _with_state(package: bytes, tag: str, hash_value: str) -> bytes:
    """Return the package with docplan's record for ``tag`` set to ``hash_value`` (via docplan.state)."""
    from docplan.document import PlanDocument

    doc = PlanDocument.open(package)
    state, edition = doc.read_state()
    doc.write_state({**state, tag: hash_value}, edition)
    return doc.to_bytes()


def test_edited_tagged_item_is_found_through_the_insertion_state(generated):
    from docplan.ooxml.text import text_hash

    rule = "structure.edited_tagged_item"
    view = read_document(generated)
    item = next(i for i in view.tagged if str(i.tag) == "docplan:measure:T-01")
    untouched = _with_state(generated, "docplan:measure:T-01", text_hash(item.control.own_text))
    assert run_checks(document=untouched, only=[rule]) == []
    # the planner rewrites the measure's title in its table row: the row is reported, not the table
    title = next(m.title for m in load_plan(EXAMPLE).measures if m.id == "T-01")
    edited = replace_in_part(generated, "word/document.xml", f">{title}<", ">Kari skrev dette selv<")
    [f] = run_checks(document=edited, only=[rule])
    assert f.subject == "docplan:measure:T-01" and f.location.paragraph == item.paragraph
    # a record that does not match the text is noticed too, where docplan reads the item itself
    tampered = _with_state(generated, "docplan:goal:HM-1", "0123456789abcdef")
    [f] = run_checks(document=tampered, only=[rule])
    assert f.subject == "docplan:goal:HM-1"




def test_a_table_of_contents_line_is_not_a_reference_to_a_measure():
    """«6. Tiltak⇥7» in the table of contents names chapter 6 on page 7, not measure 7."""
    toc_lines = ("Innhold", "1 Innledning\t2", "3.2 Tiltaksplan\t7", "6. Tiltak\t7")
    found = run_checks(document=_doc(paragraphs=(*GOAL_PARAGRAPHS, *toc_lines)), today=TODAY)
    assert ids(found, "references.unknown_measure") == []
    typed = run_checks(document=_doc(paragraphs=(*GOAL_PARAGRAPHS, "Se tiltak 7.")), today=TODAY)
    assert ids(typed, "references.unknown_measure") == ["7"]
