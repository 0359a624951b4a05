"""Which paragraphs belong to a table of contents (`docplan.ooxml.toc`), as import, extract and check see it."""

from __future__ import annotations

from docplan.document import PlanDocument
from tests.ooxml.minidocx import minidocx, p

TOC_STYLES = ('<w:style w:type="paragraph" w:styleId="INNH1"><w:name w:val="toc 1"/></w:style>'
              '<w:style w:type="paragraph" w:styleId="Innh2"><w:name w:val="innh 2"/></w:style>'
              '<w:style w:type="paragraph" w:styleId="TOCHeading"><w:name w:val="TOC Heading"/>'
              '<w:basedOn w:val="Heading1"/><w:pPr><w:outlineLvl w:val="9"/></w:pPr></w:style>')


def toc_texts(body: str, styles: str = "") -> list[str]:
    doc = PlanDocument.open(minidocx(body, styles=styles), name="toc.docx")
    return [doc.texts()[i] for i in sorted(doc.toc_paragraphs())]


def _run(inner: str) -> str:
    return f"<w:r>{inner}</w:r>"


def test_toc_styles_and_the_toc_heading_are_the_toc():
    body = (p("Innhold", "TOCHeading") + p("1 Innledning\t3", "INNH1") + p("1.1 Bakgrunn\t3", "Innh2")
            + p("Innledning", "Heading1"))
    assert toc_texts(body, TOC_STYLES) == ["Innhold", "1 Innledning\t3", "1.1 Bakgrunn\t3"]


def test_the_paragraphs_of_a_toc_field_are_the_toc_with_nested_page_fields():
    begin = _run('<w:fldChar w:fldCharType="begin"/>')
    instr = _run('<w:instrText xml:space="preserve"> TOC \\o "1-3" \\h </w:instrText>')
    sep, end = _run('<w:fldChar w:fldCharType="separate"/>'), _run('<w:fldChar w:fldCharType="end"/>')
    page = (_run('<w:fldChar w:fldCharType="begin"/>') + _run("<w:instrText> PAGEREF _Toc1 \\h </w:instrText>")
            + _run('<w:fldChar w:fldCharType="separate"/>') + _run("<w:t>7</w:t>") + _run('<w:fldChar w:fldCharType="end"/>'))
    body = (p("Innhold") + f"<w:p>{begin}{instr}{sep}{_run('<w:t>6. Tiltak</w:t><w:tab/>')}{page}</w:p>"
            + f"<w:p>{_run('<w:t>7. Rullering</w:t><w:tab/><w:t>9</w:t>')}{end}</w:p>"
            + p("Etter innholdsfortegnelsen, se tiltak 7 og side 2"))
    assert toc_texts(body) == ["Innhold", "6. Tiltak\t7", "7. Rullering\t9"]


def test_a_toc_content_control_is_the_toc():
    body = ('<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/></w:docPartObj></w:sdtPr>'
            f'<w:sdtContent>{p("Innholdsfortegnelse")}{p("Innledning")}</w:sdtContent></w:sdt>' + p("Innledning"))
    assert toc_texts(body) == ["Innholdsfortegnelse", "Innledning"]


def test_a_typed_toc_ends_at_the_first_line_without_a_page_number():
    body = p("INNHALD") + p("1 Innleiing 3") + p("") + p("2 Mål og strategiar 5") + p("Innleiing") + \
        p("Kommunen har 5 000 innbyggjarar og 12")
    assert toc_texts(body) == ["INNHALD", "1 Innleiing 3", "2 Mål og strategiar 5"]


def test_a_line_ending_in_a_page_number_after_a_tab_or_dot_leaders_is_a_toc_line():
    body = p("6. Tiltak\t7") + p("Innledning ........ 3") + p("Se tiltak 7") + p("Budsjett\t40 000")
    assert toc_texts(body) == ["6. Tiltak\t7", "Innledning ........ 3"]
