"""Rendering the example into the standard templates (nb and nn), opened by python-docx and LibreOffice."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from testkit import docx_all_text, docx_headings, pdf_text, soffice_convert
from docplan.ooxml import NSMAP, parse_xml
from docplan.ooxml.sdt import iter_tagged
from docplan.render import compile_template, render_plan, standard_template

W = NSMAP["w"]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    from docplan.loaders import load_plan
    from testkit import EXAMPLE

    out = tmp_path_factory.mktemp("render")
    paths = {}
    for lang in ("nb", "nn"):
        plan = load_plan(EXAMPLE)
        plan.meta.language = lang
        path = out / f"plan-{lang}.docx"
        path.write_bytes(render_plan(plan))
        paths[lang] = path
    return paths


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_every_goal_measure_and_kp_item_is_in_the_document(rendered, sample_plan, lang):
    text = docx_all_text(rendered[lang])
    for goal in sample_plan.all_goals():
        assert goal.title in text
    for m in sample_plan.measures:
        assert m.title in text and m.id in text
    assert "Kommuneplanens samfunnsdel 2024–2036" in text
    assert "{{" not in text and "{%" not in text


@pytest.mark.parametrize("lang, chapter", [("nb", "Alkoholpolitikk og bevillingspolitikk"),
                                           ("nn", "Alkoholpolitikk og løyvepolitikk")])
def test_real_headings_language_and_properties(rendered, lang, chapter):
    d = docx.Document(str(rendered[lang]))
    headings = docx_headings(rendered[lang])
    assert ("Heading 1", f"6 {chapter}") in headings
    assert any(s == "Heading 2" and t.startswith("HM-1") for s, t in headings)
    assert any(s == "Heading 3" and t.startswith("DM-1.1") for s, t in headings)
    assert d.core_properties.language == f"{lang}-NO"
    assert d.core_properties.title.startswith("Interkommunal rusmiddelpolitisk handlingsplan")
    lang_el = d.styles.element.find(f"{{{W}}}docDefaults//{{{W}}}lang")
    assert lang_el.get(f"{{{W}}}val") == f"{lang}-NO"


def test_every_table_repeats_its_header_row_and_no_row_splits_across_pages(rendered):
    d = docx.Document(str(rendered["nb"]))
    tables = list(d.element.body.iter(f"{{{W}}}tbl"))  # includes the table inside its content control
    assert len(tables) >= 8  # adoption, participation, indicators, alcohol ×2, measures, costs ×2, funding
    for tbl in tables:
        first = tbl.find(f"{{{W}}}tr")
        assert first.find(f"{{{W}}}trPr/{{{W}}}tblHeader") is not None
        for tr in tbl.iter(f"{{{W}}}tr"):
            assert tr.find(f"{{{W}}}trPr/{{{W}}}cantSplit") is not None


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_every_table_cell_ends_with_a_paragraph_even_when_its_conditions_left_it_empty(rendered, lang):
    # Word calls a cell without a closing paragraph corrupt; Tolga has no alcohol policy, so every
    # {%p if %} of its cell in the criteria table is false.
    root = docx.Document(str(rendered[lang])).element.body
    marks = {f"{{{W}}}{n}" for n in ("tcPr", "sdtPr", "sdtEndPr", "bookmarkStart", "bookmarkEnd")}

    def last_block(el):
        blocks = [c for c in el if c.tag not in marks]
        if blocks and blocks[-1].tag == f"{{{W}}}sdt":
            return last_block(blocks[-1].find(f"{{{W}}}sdtContent"))
        return blocks[-1] if blocks else None

    cells = list(root.iter(f"{{{W}}}tc"))
    assert cells and all(last_block(tc) is not None and last_block(tc).tag == f"{{{W}}}p" for tc in cells)
    tolga = next(tr for tr in root.iter(f"{{{W}}}tr") if len(tr.findall(f"{{{W}}}tc")) == 2
                 and _cell_text(tr.findall(f"{{{W}}}tc")[0]) == "Tolga")
    closing = tolga.findall(f"{{{W}}}tc")[1].find(f"{{{W}}}p")
    assert closing.find(f"{{{W}}}pPr/{{{W}}}pStyle").get(f"{{{W}}}val") == "Tabelltekst"


def _cell_text(el) -> str:
    return "".join(t.text or "" for t in el.iter(f"{{{W}}}t"))


def test_content_controls_are_tagged_for_every_item(rendered, sample_plan):
    with zipfile.ZipFile(rendered["nb"]) as zf:
        root = parse_xml(zf.read("word/document.xml"))
    tags = {(t.kind, t.id) for t, _ in iter_tagged(root)}
    for g in sample_plan.all_goals():
        assert ("goal", g.id) in tags
    for m in sample_plan.measures:
        assert ("measure", m.id) in tags
        for ref in m.kp_refs:
            assert ("kp-ref", ref) in tags
    assert ("measure-table", "all") in tags
    assert ("kp-quote", "3427:KP-3.2") in tags


def test_libreoffice_converts_both_languages(rendered, soffice, tmp_path):
    pdfs = soffice_convert([rendered["nb"], rendered["nn"]], tmp_path)
    nb, nn = (pdf_text(p) for p in pdfs)
    assert "Tiltaksplan" in nb and "Forord og vedtak" in nb
    assert "Føreord og vedtak" in nn and "Innleiing" in nn
    assert "Felles Ungdata-" in nn


def test_rendering_is_deterministic_and_compiled_once(sample_plan):
    path = standard_template("nb")
    assert compile_template(path) is compile_template(path)
    assert render_plan(sample_plan) == render_plan(sample_plan)


def test_one_municipality_edition_has_common_and_only_its_local_measures(sample_plan):
    text = docx_all_text(io.BytesIO(render_plan(sample_plan, municipality="3423")))
    assert "To oppfølgingsboliger i Stor-Elvdal" in text      # local to 3423
    assert "Felles Ungdata-undersøkelse" in text              # common
    assert "Ungdomsklubben på Tynset åpen fredag kveld" not in text  # local to 3427


SPECIAL = st.lists(st.sampled_from(list("&<>\"'{}%#æøåÆØÅ §–\\a") + ["{{", "}}", "{%", "%}", "]]>", "&amp;"]),
                   min_size=1, max_size=20).map("".join).map(str.strip).filter(bool)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=SPECIAL, responsible=SPECIAL)
def test_special_characters_in_data_survive_verbatim(sample_plan, title, responsible):
    plan = sample_plan.model_copy(deep=True)
    plan.measures[0].title = title
    plan.measures[0].responsible = responsible
    paragraphs = docx_all_text(io.BytesIO(render_plan(plan))).split("\n")
    assert title in paragraphs
    assert responsible in paragraphs


def test_rendered_document_records_every_item_it_wrote(sample_plan):
    from docplan.document import PlanDocument
    from docplan.state import matches_record, read_state

    data = render_plan(sample_plan)
    state = read_state(data)
    doc = PlanDocument.open(data)
    controls = doc.all_controls()
    assert {c.name for c in controls} == set(state)
    assert all(matches_record(state[c.name], c) for c in controls)
    row = next(c for c in controls if c.name == "docplan:measure:T-05")
    row.element.find(".//{%s}t" % W).text = "Endret av planleggeren"
    edited = next(c for c in PlanDocument.open(doc.to_bytes() if doc.mark_changed(doc.main_part) is None else b"")
                  .all_controls() if c.name == "docplan:measure:T-05")
    assert matches_record(state[edited.name], edited) is False
    table = next(c for c in PlanDocument.open(doc.to_bytes()).all_controls() if c.tag.kind == "measure-table")
    assert matches_record(state[table.name], table) is True  # an edited row is not an edited table


def test_nynorsk_template_writes_nynorsk_phrases_even_for_bokmal_data(sample_plan):
    assert sample_plan.meta.language == "nb"
    text = docx_all_text(io.BytesIO(render_plan(sample_plan, standard_template("nn"))))
    assert "jf. kommuneplanen sin samfunnsdel (Tynset), KP-3.2" in text
    assert "kommuneplanens samfunnsdel (Tynset)" not in text


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_a_rendered_plan_is_current_for_the_insert_engine(sample_plan, lang):
    """What the template writes equals what docplan.snippets would write: a refresh changes nothing."""
    from docplan.document import PlanDocument
    from docplan.refresh import list_items, refresh

    data = render_plan(sample_plan, standard_template(lang))
    statuses = {i.tag: i.status for i in list_items(PlanDocument.open(data), sample_plan)}
    assert statuses and set(statuses.values()) == {"current"}, {t: s for t, s in statuses.items() if s != "current"}
    doc = PlanDocument.open(data)
    report = refresh(doc, sample_plan)
    assert not report.updated and not report.conflicts
