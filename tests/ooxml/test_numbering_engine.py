"""Word's numbering rules (ECMA-376 Part 1, 17.9) as `docplan.ooxml.numbering` applies them.

Each test writes the XML one rule is about and asserts the label Word shows; the last tests read
real files from ../shared/corpus whose paragraphs say which label they expect («expect II»).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docplan.document import PlanDocument
from docplan.ooxml.numbering import format_number
from tests.ooxml.minidocx import abstract, lvl, minidocx, num, p

HEADING_LIST = abstract("1", lvl(0, "%1", extra='<w:pStyle w:val="Heading1"/>'),
                        lvl(1, "%1.%2", extra='<w:pStyle w:val="Heading2"/>'),
                        lvl(2, "%1.%2.%3", extra='<w:pStyle w:val="Heading3"/>')) + num("1", "1")
NUMBERED_HEADINGS = (
    '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/>'
    '<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr><w:outlineLvl w:val="0"/></w:pPr></w:style>'
    '<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/>'
    '<w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr><w:outlineLvl w:val="1"/></w:pPr></w:style>'
)


def labels(body: str, *, styles: str = "", numbering: str = "") -> dict[str, str]:
    """Return paragraph text → the label Word shows ("" for a numbered paragraph without a label)."""
    doc = PlanDocument.open(minidocx(body, styles=styles, numbering=numbering), name="nummer.docx")
    found = doc.numbering_labels()
    return {doc.texts()[i]: label.text for i, label in found.items()}


def headings(body: str, *, styles: str = "", numbering: str = "") -> list[tuple[int, str | None, str]]:
    doc = PlanDocument.open(minidocx(body, styles=styles, numbering=numbering), name="nummer.docx")
    return [(h.level, h.number, h.text) for h in doc.headings()]


def test_the_toc_heading_with_num_id_0_is_neither_numbered_nor_a_heading():
    styles = NUMBERED_HEADINGS + (
        '<w:style w:type="paragraph" w:styleId="TOCHeading"><w:name w:val="TOC Heading"/>'
        '<w:basedOn w:val="Heading1"/><w:pPr><w:numPr><w:numId w:val="0"/></w:numPr>'
        '<w:outlineLvl w:val="9"/></w:pPr></w:style>')
    body = p("Innhold", "TOCHeading") + p("Forord", "Heading1") + p("Bakgrunn", "Heading2") + p("Mål", "Heading1")
    assert headings(body, styles=styles, numbering=HEADING_LIST) == [
        (1, "1", "Forord"), (2, "1.1", "Bakgrunn"), (1, "2", "Mål")]
    assert "Innhold" not in labels(body, styles=styles, numbering=HEADING_LIST)


def test_num_id_0_on_a_paragraph_removes_its_styles_numbering():
    body = p("Forord", "Heading1", num=("0", 0)) + p("Innledning", "Heading1") + p("Mål", "Heading1")
    assert labels(body, styles=NUMBERED_HEADINGS, numbering=HEADING_LIST) == {"Innledning": "1", "Mål": "2"}


def test_outline_level_9_makes_a_heading_style_or_paragraph_body_text():
    styles = ('<w:style w:type="paragraph" w:styleId="Ingress"><w:name w:val="Ingress"/>'
              '<w:basedOn w:val="Heading1"/><w:pPr><w:outlineLvl w:val="9"/></w:pPr></w:style>')
    body = (p("Ingress", "Ingress") + p("Egen", "Heading1", extra_ppr='<w:outlineLvl w:val="9"/>')
            + p("Ekte", "Heading1"))
    assert headings(body, styles=styles) == [(1, None, "Ekte")]


def test_a_level_starts_at_its_start_value_and_zero_when_it_has_none():
    numbering = abstract("1", lvl(0, "%1.", start=3)) + num("1", "1") + \
        abstract("2", '<w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/><w:lvlText w:val="%1)"/></w:lvl>') + num("2", "2")
    body = p("a", num=("1", 0)) + p("b", num=("1", 0)) + p("c", num=("2", 0))
    assert labels(body, numbering=numbering) == {"a": "3.", "b": "4.", "c": "0)"}


def test_lists_sharing_a_definition_continue_unless_start_override_restarts_them():
    numbering = abstract("1", lvl(0, "%1.")) + num("1", "1") + num("2", "1") + num(
        "3", "1", '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>')
    body = (p("a", num=("1", 0)) + p("b", num=("1", 0)) + p("c", num=("2", 0)) + p("d", num=("3", 0))
            + p("e", num=("3", 0)) + p("f", num=("1", 0)))
    assert labels(body, numbering=numbering) == {"a": "1.", "b": "2.", "c": "3.", "d": "1.", "e": "2.", "f": "3."}


def test_a_level_override_replaces_the_format_of_that_list_only():
    numbering = abstract("1", lvl(0, "%1.")) + num("1", "1") + num(
        "2", "1", f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/>{lvl(0, "%1)", "lowerLetter")}'
                  '</w:lvlOverride>')
    body = p("a", num=("1", 0)) + p("b", num=("2", 0)) + p("c", num=("2", 0))
    assert labels(body, numbering=numbering) == {"a": "1.", "b": "a)", "c": "b)"}


def test_a_sub_level_restarts_after_a_higher_level_unless_lvl_restart_says_never():
    restarting = abstract("1", lvl(0, "%1."), lvl(1, "%1.%2")) + num("1", "1")
    body = p("a", num=("1", 0)) + p("a1", num=("1", 1)) + p("b", num=("1", 0)) + p("b1", num=("1", 1))
    assert labels(body, numbering=restarting)["b1"] == "2.1"
    never = abstract("1", lvl(0, "%1."), lvl(1, "%2)", extra='<w:lvlRestart w:val="0"/>')) + num("1", "1")
    assert labels(body, numbering=never)["b1"] == "2)"


def test_lvl_restart_names_the_level_that_restarts_it():
    # level 2 restarts only after level 1 (lvlRestart 1): a new level-2 item keeps counting
    numbering = abstract("1", lvl(0, "%1"), lvl(1, "%1.%2"), lvl(2, "%3)", extra='<w:lvlRestart w:val="1"/>')) \
        + num("1", "1")
    body = (p("A", num=("1", 0)) + p("x", num=("1", 2)) + p("A.1", num=("1", 1)) + p("y", num=("1", 2))
            + p("B", num=("1", 0)) + p("z", num=("1", 2)))
    found = labels(body, numbering=numbering)
    assert (found["x"], found["y"], found["z"]) == ("1)", "2)", "1)")


def test_is_lgl_shows_every_level_of_a_legal_number_in_decimal():
    numbering = abstract("1", lvl(0, "Kapittel %1", "upperRoman"),
                         lvl(1, "%1.%2", extra="<w:isLgl/>"), lvl(2, "%1.%2.%3", "lowerLetter")) + num("1", "1")
    body = p("k", num=("1", 0)) + p("k", num=("1", 0)) + p("m", num=("1", 1)) + p("s", num=("1", 2))
    found = labels(body, numbering=numbering)
    assert found == {"k": "Kapittel II", "m": "2.1", "s": "II.1.a"}


def test_a_style_takes_numbering_and_level_through_based_on():
    styles = NUMBERED_HEADINGS + (
        '<w:style w:type="paragraph" w:styleId="Maal"><w:name w:val="Mål"/><w:basedOn w:val="Heading2"/></w:style>'
        '<w:style w:type="paragraph" w:styleId="Tema"><w:name w:val="Tema"/><w:basedOn w:val="Heading1"/></w:style>')
    body = p("Oppvekst", "Tema") + p("Trygg oppvekst", "Maal") + p("Gode skoler", "Maal") + p("Helse", "Tema")
    assert headings(body, styles=styles, numbering=HEADING_LIST) == [
        (1, "1", "Oppvekst"), (2, "1.1", "Trygg oppvekst"), (2, "1.2", "Gode skoler"), (1, "2", "Helse")]


def test_a_level_linked_to_a_base_style_gives_the_derived_style_its_level():
    # Heading2's own numPr names only the list; the list's level 1 names Heading2 (pStyle)
    styles = ('<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/>'
              '<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr><w:outlineLvl w:val="1"/></w:pPr></w:style>'
              '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/>'
              '<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr><w:outlineLvl w:val="0"/></w:pPr></w:style>'
              '<w:style w:type="paragraph" w:styleId="Maal"><w:name w:val="Mål"/><w:basedOn w:val="Heading2"/></w:style>')
    body = p("Oppvekst", "Heading1") + p("Trygg oppvekst", "Maal")
    assert labels(body, styles=styles, numbering=HEADING_LIST) == {"Oppvekst": "1", "Trygg oppvekst": "1.1"}


def test_an_own_list_without_a_level_is_at_level_0_not_the_styles_level():
    numbering = HEADING_LIST + abstract("2", lvl(0, "%1)"), lvl(1, "(%2)")) + num("2", "2")
    body = p("Oppvekst", "Heading1") + p("Trygg oppvekst", "Heading2") + \
        f'<w:p><w:pPr><w:pStyle w:val="Heading2"/><w:numPr><w:numId w:val="2"/></w:numPr></w:pPr>' \
        '<w:r><w:t>Eget</w:t></w:r></w:p>'
    assert labels(body, styles=NUMBERED_HEADINGS, numbering=numbering)["Eget"] == "1)"


@pytest.mark.parametrize("pattern, expected_label, expected_number", [
    ("Samfunnsmål %1:", "Samfunnsmål 1:", "1"), ("Kapittel %1", "Kapittel 1", "1"), ("Vedlegg %1", "Vedlegg 1", "1")])
def test_a_label_with_words_keeps_the_words_in_the_label_and_the_number_alone(pattern, expected_label,
                                                                              expected_number):
    numbering = abstract("1", lvl(0, pattern, extra='<w:pStyle w:val="Heading1"/>')) + num("1", "1")
    doc = PlanDocument.open(minidocx(p("Oppvekst", "Heading1"), styles=NUMBERED_HEADINGS, numbering=numbering))
    (heading,) = doc.headings()
    assert (heading.label, heading.number, heading.title) == (expected_label, expected_number, "Oppvekst")


def test_a_two_level_label_with_words_gives_the_dotted_number():
    numbering = abstract("1", lvl(0, "Kapittel %1", extra='<w:pStyle w:val="Heading1"/>'),
                         lvl(1, "Mål %1.%2", extra='<w:pStyle w:val="Heading2"/>')) + num("1", "1")
    body = p("Innledning", "Heading1") + p("Oppvekst", "Heading1") + p("Trygge oppvekstmiljø", "Heading2")
    doc = PlanDocument.open(minidocx(body, styles=NUMBERED_HEADINGS, numbering=numbering))
    assert [(h.label, h.number) for h in doc.headings()] == [("Kapittel 1", "1"), ("Kapittel 2", "2"),
                                                             ("Mål 2.1", "2.1")]


def test_a_heading_typed_with_a_number_keeps_it_when_word_does_not_number_it():
    assert headings(p("3.2 Folkehelse", "Heading2")) == [(2, "3.2", "3.2 Folkehelse")]


@pytest.mark.parametrize("n, fmt, shown", [(1, "lowerLetter", "a"), (27, "lowerLetter", "aa"), (4, "upperRoman", "IV"),
                                           (14, "lowerRoman", "xiv"), (7, "decimalZero", "07"), (3, "bullet", ""),
                                           (5, "none", ""), (2, "ordinal", "2")])
def test_numbers_are_shown_in_the_levels_format(n, fmt, shown):
    assert format_number(n, fmt) == shown


_EXPECT = re.compile(r"^(?:expect|This should be)\s+(\S+?)\)?(?:,|$)")


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["docx2python/tests__resources__example.docx",
                                  "docx2python/tests__resources__example_numbering.docx"])
def test_real_files_show_the_number_their_text_expects(corpus_dir, name):
    """docx2python's fixtures say in each numbered paragraph which number Word shows («expect II»)."""
    doc = PlanDocument.open(corpus_dir / name)
    found = doc.numbering_labels()
    checked = 0
    for i, text in enumerate(doc.texts()):
        m = _EXPECT.match(text)
        if m:
            assert found[i].number == m.group(1), text
            checked += 1
    assert checked >= 10


@pytest.mark.corpus
def test_a_real_file_with_restarts_and_jumps_is_numbered_as_its_text_says(corpus_dir):
    """Apache POI's fixture describes its own numbering («Restarted to 1 from 5», «Jump to new list at 10»)."""
    doc = PlanDocument.open(corpus_dir / "poi" / "test-data__document__ComplexNumberedLists.docx")
    found = doc.numbering_labels()
    shown = {doc.texts()[i]: label.text for i, label in found.items()}
    assert shown["Entry #4"] == "4." and shown["2-c"] == "c."
    assert shown["Restarted to 1 from 5"] == "1." and shown["Restarted @ 3"] == "3."
    assert shown["Jump to new list at 10"] == "10." and shown["Carrying on @ 13"] == "13."


def _outline(steps: list[int]) -> list[int]:
    """Turn random steps into a well-formed outline: start at level 0, go at most one level deeper."""
    levels, level = [], 0
    for step in steps:
        level = 0 if not levels else min(step, level + 1)
        levels.append(level)
    return levels


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=2), min_size=1, max_size=25).map(_outline))
def test_a_legal_outline_counts_like_nested_chapters(levels):
    """Any walk through a «1 / 1.1 / 1.1.1» list shows what a reader counting chapters would write."""
    numbering = abstract("1", lvl(0, "%1"), lvl(1, "%1.%2"), lvl(2, "%1.%2.%3")) + num("1", "1")
    body = "".join(p(f"punkt {i}", num=("1", level)) for i, level in enumerate(levels))
    doc = PlanDocument.open(minidocx(body, numbering=numbering))
    found = doc.numbering_labels()
    counters = [0, 0, 0]
    for i, level in enumerate(levels):
        counters[level] += 1
        counters[level + 1:] = [0] * (2 - level)
        expected = ".".join(str(c) for c in counters[:level + 1])
        assert found[i].number == expected
