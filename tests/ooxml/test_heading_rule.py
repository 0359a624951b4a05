"""The one heading rule (`docplan.ooxml.styles.StyleSheet.heading_level`) on styles written as XML."""

from __future__ import annotations

import pytest

from docplan.document import PlanDocument
from docplan.ooxml.parser import parse_xml
from docplan.ooxml.styles import StyleSheet, heading_name_level
from tests.ooxml.minidocx import W_NS, minidocx, p


def sheet(styles: str) -> StyleSheet:
    return StyleSheet(parse_xml(f'<w:styles xmlns:w="{W_NS}">{styles}</w:styles>'.encode()))


@pytest.mark.parametrize("name, level", [("heading 2", 2), ("Overskrift 1", 1), ("Heading3", 3), ("Titre 4", 4),
                                         ("Kop 2", 2), ("Overskrift", None), ("Tittel", None), ("TOC Heading", None)])
def test_heading_names_in_the_languages_real_documents_use(name, level):
    assert heading_name_level(name) == level


def test_a_style_based_on_a_heading_is_a_heading_of_that_level_until_outline_level_9_says_body_text():
    s = sheet('<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/></w:style>'
              '<w:style w:type="paragraph" w:styleId="Maal"><w:name w:val="Mål"/><w:basedOn w:val="Heading2"/></w:style>'
              '<w:style w:type="paragraph" w:styleId="Ingress"><w:name w:val="Ingress"/><w:basedOn w:val="Maal"/>'
              '<w:pPr><w:outlineLvl w:val="9"/></w:pPr></w:style>')
    assert (s.heading_level("Maal"), s.heading_level("Ingress")) == (2, None)


def test_a_based_on_loop_ends_the_walk():
    s = sheet('<w:style w:type="paragraph" w:styleId="A"><w:name w:val="A"/><w:basedOn w:val="B"/></w:style>'
              '<w:style w:type="paragraph" w:styleId="B"><w:name w:val="B"/><w:basedOn w:val="A"/></w:style>')
    assert s.heading_level("A") is None and s.chain("A") == ["A", "B"]


def test_a_style_that_only_sets_the_level_takes_the_list_of_the_style_it_is_based_on():
    s = sheet('<w:style w:type="paragraph" w:styleId="Liste"><w:name w:val="Liste"/>'
              '<w:pPr><w:numPr><w:numId w:val="4"/></w:numPr></w:pPr></w:style>'
              '<w:style w:type="paragraph" w:styleId="Liste2"><w:name w:val="Liste 2"/><w:basedOn w:val="Liste"/>'
              '<w:pPr><w:numPr><w:ilvl w:val="1"/></w:numPr></w:pPr></w:style>')
    assert s.numbering_source("Liste2") == ("4", 1, "Liste")


def test_empty_headings_and_headings_in_tables_are_not_headings():
    body = p("", "Heading1") + p("Ekte", "Heading2") + \
        f'<w:tbl><w:tr><w:tc>{p("I tabell", "Heading1")}</w:tc></w:tr></w:tbl>'
    doc = PlanDocument.open(minidocx(body))
    assert [(h.level, h.text) for h in doc.headings()] == [(2, "Ekte")]
