"""Where inserted content lands in a planner's own layout: a landscape section for the measure table, tables
that stay apart, and body text in the document's own body style."""

from __future__ import annotations

import io
import re
import subprocess

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Pt

from docplan.document import PlanDocument
from docplan.insert import Target, insert_items, refresh
from docplan.ooxml import qn
from docplan.ooxml.sdt import docplan_tag
from testkit import pdf_text, soffice_convert

PLACEHOLDER = "[[tiltaksplan]]"


def _portrait_plan(*, table_after_placeholder: bool = True, body_style: str | None = None) -> bytes:
    d = docx.Document()
    if body_style:
        style = d.styles.add_style(body_style, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = d.styles["Normal"]
        style.font.size = Pt(12)
    d.add_heading("1 Innledning", 1)
    for text in ("Planen gjelder hele kommunen.", "Den følges opp hvert år.", "Alle tjenester er med."):
        d.add_paragraph(text, style=body_style)
    d.add_heading("3 Mål", 1)
    d.add_paragraph("Målene står her.", style=body_style)
    d.add_heading("4 Tiltak", 1)
    d.add_paragraph(PLACEHOLDER)
    if table_after_placeholder:
        t = d.add_table(rows=2, cols=2)
        t.style = d.styles["Table Grid"]
        t.cell(0, 0).text = "Eksisterende tabell"
        t.cell(1, 0).text = "Egen rad"
    d.add_paragraph("Slutten av planen.", style=body_style)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _section_breaks(body) -> list:
    return [p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") for p in body.iterchildren(qn("w:p"))
            if p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None]


def _size(sect) -> tuple[int, int, str | None]:
    size = sect.find(qn("w:pgSz"))
    return int(size.get(qn("w:w"))), int(size.get(qn("w:h"))), size.get(qn("w:orient"))


def test_a_measure_table_in_a_portrait_document_gets_a_landscape_section_of_its_own(sample_plan):
    doc = PlanDocument.open(_portrait_plan(), name="plan.docx")
    insert_items(doc, sample_plan, "measure-table", Target(placeholder=PLACEHOLDER))
    body = doc.body
    table = next(el for el in body if docplan_tag(el) is not None and docplan_tag(el).kind == "measure-table")
    before, after = table.getprevious(), table.getnext()
    portrait, landscape = (p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") for p in (before, after))
    w, h, orient = _size(portrait)
    assert w < h and orient != "landscape"
    lw, lh, lorient = _size(landscape)
    assert (lw, lh, lorient) == (h, w, "landscape")
    assert landscape.find(qn("w:type")).get(qn("w:val")) == "nextPage"
    final = body.find(qn("w:sectPr"))
    assert _size(final)[0] < _size(final)[1]  # the rest of the document stays portrait
    # the table fits the landscape text width, and its header cells keep their room
    margins = landscape.find(qn("w:pgMar"))
    text_width = lw - int(margins.get(qn("w:left"))) - int(margins.get(qn("w:right")))
    grid = [int(c.get(qn("w:w"))) for c in table.iter(qn("w:gridCol"))]
    assert sum(grid) == text_width and len(grid) == 9
    assert min(grid[i] for i in (0, 2, 3, 4, 5, 6, 7, 8)) >= 1 * 567  # nothing like «N r.» or «T-0 1»


def test_inserting_twice_adds_no_second_section(sample_plan):
    doc = PlanDocument.open(_portrait_plan(), name="plan.docx")
    insert_items(doc, sample_plan, "measure-table", Target(placeholder=PLACEHOLDER))
    once = doc.to_bytes()
    again = PlanDocument.open(once, name="plan.docx")
    insert_items(again, sample_plan, "measure-table", Target(placeholder=PLACEHOLDER))
    assert len(_section_breaks(again.body)) == 2
    assert again.to_bytes() == once


def test_a_measure_table_in_a_landscape_section_is_fitted_to_it_without_new_sections(sample_plan):
    d = docx.Document(io.BytesIO(_portrait_plan(table_after_placeholder=False)))
    from docx.enum.section import WD_ORIENT

    sec = d.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = sec.page_height, sec.page_width
    buf = io.BytesIO()
    d.save(buf)
    doc = PlanDocument.open(buf.getvalue(), name="plan.docx")
    insert_items(doc, sample_plan, "measure-table", Target(placeholder=PLACEHOLDER))
    assert _section_breaks(doc.body) == []
    table = next(el for el in doc.body if docplan_tag(el) is not None)
    width = sum(int(c.get(qn("w:w"))) for c in table.iter(qn("w:gridCol")))
    assert width == int(sec.page_width.twips) - int(sec.left_margin.twips) - int(sec.right_margin.twips)


def test_an_inserted_table_right_before_an_existing_table_does_not_merge_with_it(sample_plan):
    doc = PlanDocument.open(_portrait_plan(), name="plan.docx")
    insert_items(doc, sample_plan, "measure-table", Target(placeholder=PLACEHOLDER))
    children = [el for el in doc.body if isinstance(el.tag, str)]
    existing = next(el for el in children if el.tag == qn("w:tbl"))
    previous = existing.getprevious()
    assert previous.tag == qn("w:p")  # a paragraph stands between the two tables
    d = docx.Document(io.BytesIO(doc.to_bytes()))
    assert any(t.cell(0, 0).text == "Eksisterende tabell" and len(t.rows) == 2 for t in d.tables)


def test_tables_separated_only_by_a_bookmark_are_kept_apart(sample_plan):
    data = _portrait_plan()
    doc = PlanDocument.open(data, name="plan.docx")
    # a bookmark between the placeholder and the existing table does not separate tables on the page
    holder = next(p for p in doc.body.iterchildren(qn("w:p")) if PLACEHOLDER in "".join(p.itertext()))
    mark = holder.makeelement(qn("w:bookmarkStart"), {qn("w:id"): "7", qn("w:name"): "tabell"})
    holder.addnext(mark)
    mark.addnext(mark.makeelement(qn("w:bookmarkEnd"), {qn("w:id"): "7"}))
    insert_items(doc, sample_plan, "goals", Target(heading="3 Mål"))
    insert_items(doc, sample_plan, "measure-table", Target(placeholder=PLACEHOLDER))
    existing = next(el for el in doc.body if el.tag == qn("w:tbl"))
    node = existing.getprevious()
    while node.tag in (qn("w:bookmarkStart"), qn("w:bookmarkEnd")):
        node = node.getprevious()
    assert node.tag == qn("w:p")


def test_inserted_body_text_uses_the_documents_own_body_style(sample_plan):
    doc = PlanDocument.open(_portrait_plan(body_style="Brødtekst Skaun"), name="plan.docx")
    insert_items(doc, sample_plan, "goals", Target(heading="3 Mål"))
    style_id = next(s.id for s in doc.styles.styles.values() if s.name == "Brødtekst Skaun")
    goal = next(el for el in doc.body if docplan_tag(el) is not None and docplan_tag(el).id == "HM-1")
    styles = [p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}") for p in goal.iter(qn("w:p"))]
    names = [s.get(qn("w:val")) if s is not None else None for s in styles]
    assert names[0] == "Heading2"  # the heading in the document's own heading style
    assert names[1:] and set(names[1:]) == {style_id}  # text, indicator, kommuneplan link
    # a refresh writes replaced items in the same style
    plan = sample_plan.model_copy(deep=True)
    plan.goals[0].text = "Ny tekst for hovedmålet."
    fresh = PlanDocument.open(doc.to_bytes(), name="plan.docx")
    report = refresh(fresh, plan)
    assert "docplan:goal:HM-1" in report.updated
    goal = next(el for el in fresh.body if docplan_tag(el) is not None and docplan_tag(el).id == "HM-1")
    assert {p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}").get(qn("w:val")) for p in goal.iter(qn("w:p"))} == \
        {"Heading2", style_id}


def test_a_document_without_a_body_style_of_its_own_gets_its_normal_style(sample_plan):
    doc = PlanDocument.open(_portrait_plan(), name="plan.docx")
    insert_items(doc, sample_plan, "goals", Target(heading="3 Mål"))
    goal = next(el for el in doc.body if docplan_tag(el) is not None and docplan_tag(el).id == "HM-1")
    body = [p for p in goal.iter(qn("w:p"))][1:]
    assert all(p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}") is None or
               p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}").get(qn("w:val")) == "Normal" for p in body)


@pytest.mark.soffice
def test_libreoffice_lays_the_inserted_table_out_on_landscape_pages_with_whole_header_words(sample_plan, soffice,
                                                                                              tmp_path):
    doc = PlanDocument.open(_portrait_plan(), name="plan.docx")
    insert_items(doc, sample_plan, "measure-table", Target(placeholder=PLACEHOLDER))
    path = doc.save(tmp_path / "plan.docx")
    (pdf,) = soffice_convert([path], tmp_path / "pdf")
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", str(pdf)], capture_output=True, text=True).stdout
    sizes = [tuple(float(x) for x in m) for m in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]
    assert sizes[0][0] < sizes[0][1] and sizes[-1][0] < sizes[-1][1]  # portrait before and after
    assert any(w > h for w, h in sizes[1:-1])  # the table's own pages are landscape
    text = pdf_text(pdf)
    for word in ("Nr.", "Tiltak", "Delmål", "Ansvarlig", "Samarbeidspartnere", "Kommuneplan", "finansiering",
                 "T-01", "T-20"):
        assert re.search(rf"(?<!\S){re.escape(word)}(?!\S)", text), word
    assert "Eksisterende tabell" in text and "Slutten av planen." in text
