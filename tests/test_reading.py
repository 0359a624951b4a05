"""`docplan.reading`: the facts kp import and extract read from a page, in the forms real plans write them."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docplan.document import PlanDocument
from docplan.reading import (ONGOING, TYPED_BULLET, detect_language, find_adoption, find_case_no, find_municipality,
                             find_period, is_bold)
from tests.ooxml.minidocx import minidocx


@pytest.mark.parametrize("text, period", [
    ("Rusmiddelpolitisk handlingsplan 2012-2016", (2012, 2016)), ("plan 2010 - 2014", (2010, 2014)),
    ("2016 – 2020", (2016, 2020)), ("(2012-2016)", (2012, 2016)), ("samfunnsdel 2018-30", (2018, 2030)),
    ("2024 til 2027", (2024, 2027)), ("sak 12/2024-2025", None), ("i 2024 og 2027", None),
    ("1990–2030", None), ("Kommuneplan 2015-2019/2027", (2015, 2019)),
])
def test_a_plan_period_in_the_forms_real_plans_write_it(text, period):
    assert find_period(text) == period


@pytest.mark.parametrize("text", ["sak 30/05", "sak 076/11", "K-sak 07/452", "K-sak 2008/550", "sak K-32/12",
                                  "k-sak 25/13", "K. sak 9/17", "PS 162/09", "Fsak 051/16", "sak 00006/06",
                                  "sak nr.20/2881"])
def test_every_case_number_form_seen_in_real_plans_is_read(text):
    assert find_case_no(f"Vedtatt i kommunestyret 14.03.2024, {text}.") == " ".join(text.split())


def test_the_adoption_is_the_dated_line_that_says_adopted():
    date, case_no = find_adoption(["Høringsutkast 01.02.2024", "Vedtatt i kommunestyret 14. mars 2024, K-sak 12/24"])
    assert (date, case_no) == (dt.date(2024, 3, 14), "K-sak 12/24")
    assert find_adoption(["Ingen dato her"]) == (None, None)


def test_the_municipality_is_the_one_the_document_names_most():
    found = find_municipality(["Tynset kommune", "Rusmiddelpolitisk handlingsplan for Tynset kommune",
                               "I samarbeid med Alvdal kommune"])
    assert (found.number, found.name) == ("3427", "Tynset")
    assert find_municipality(["Kommuneplan for Nord-Fron 2024–2036"]).number == "3436"


@pytest.mark.parametrize("texts, reason", [
    (["Herøy kommune"], "flere kommuner heter Herøy"),
    (["Alvdal kommune og Tynset kommune"], "like ofte"),
    (["Ingen kommune nevnt"], "ingen kommune"),
])
def test_an_unclear_municipality_is_not_guessed(texts, reason):
    found = find_municipality(texts)
    assert found.number is None and reason in found.reason


@pytest.mark.parametrize("text, lang", [
    ("Kommunen skal ikkje gje opp. Det er eit mål at fleire unge skal vere med i arbeidet frå starten.", "nn"),
    ("Kommunen skal ikke gi opp. Det er et mål at flere unge skal være med i arbeidet fra starten.", "nb"),
    ("Kort", None),
])
def test_the_written_standard_is_told_by_its_words_when_the_document_does_not_say(text, lang):
    doc = PlanDocument.open(minidocx(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"))
    assert detect_language(doc, doc.texts()) == lang


def test_bold_comes_from_the_runs_or_the_paragraph_style():
    styles = ('<w:style w:type="paragraph" w:styleId="Mellomtittel"><w:name w:val="Mellomtittel"/>'
              '<w:rPr><w:b/></w:rPr></w:style>')
    body = ('<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>Fet</w:t></w:r></w:p>'
            '<w:p><w:pPr><w:pStyle w:val="Mellomtittel"/></w:pPr><w:r><w:t>Stil</w:t></w:r></w:p>'
            '<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>Delvis </w:t></w:r><w:r><w:t>fet</w:t></w:r></w:p>'
            '<w:p><w:pPr><w:pStyle w:val="Mellomtittel"/></w:pPr><w:r><w:rPr><w:b w:val="0"/></w:rPr>'
            '<w:t>Slått av</w:t></w:r></w:p>')
    doc = PlanDocument.open(minidocx(body, styles=styles))
    assert [is_bold(doc, p.element, p.style_id) for p in doc.paragraphs()] == [True, True, False, False]


@pytest.mark.parametrize("text, rest", [("– Styrke foreldrestøtten", "Styrke foreldrestøtten"), ("• Ett", "Ett"),
                                        ("\uf0b7Symbolpunkt", "Symbolpunkt"), ("-5 grader", None), ("Vanlig", None)])
def test_typed_bullets_are_lists_and_a_minus_sign_is_not(text, rest):
    m = TYPED_BULLET.match(text)
    assert (m.group("rest") if m else None) == rest


@pytest.mark.parametrize("text", ["Årlig", "årleg", "Løpende", "Hele perioden", "heile planperioden",
                                  "Kvart år", "Fast"])
def test_times_meaning_every_year_of_the_plan(text):
    assert ONGOING.search(text)


@given(st.text(max_size=200))
def test_reading_any_text_never_fails(text):
    find_period(text), find_case_no(text), find_adoption([text]), find_municipality([text])
