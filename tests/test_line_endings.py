"""A line end in plan data — LF, Windows' CR LF or a lone CR — is one line break in every document docplan
writes (rendered or inserted), never a CR inside the text, which Word would show as a space (found by
tools/reliability.py with a CR typed in an XLSX cell)."""

from __future__ import annotations

import io

import docx
import pytest

from docplan.document import PlanDocument
from docplan.insert import Target, insert_items
from docplan.ooxml.ns import qn
from docplan.refresh import refresh
from docplan.render import render_plan


def run_texts(doc: PlanDocument) -> list[str]:
    return [t.text or "" for t in doc.body.iter(qn("w:t"))]


def lines_of(doc: PlanDocument, first: str) -> list[str]:
    """Return the lines (split at w:br) of the run that starts with ``first``."""
    for r in doc.body.iter(qn("w:r")):
        pieces, line = [], ""
        for child in r:
            if child.tag == qn("w:t"):
                line += child.text or ""
            elif child.tag == qn("w:br"):
                pieces.append(line)
                line = ""
        pieces.append(line)
        if pieces[0] == first:
            return pieces
    raise AssertionError(f"no run starts with {first!r}")


@pytest.fixture()
def plan(sample_plan):
    plan = sample_plan.model_copy(deep=True)
    plan.measures[0].responsible = "Første linje\r\nandre linje\rtredje linje\nfjerde"
    plan.goals[0].title = "Mål på\r\nto linjer"
    return plan


def blank_document() -> bytes:
    d = docx.Document()
    d.add_paragraph("Planen vår")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_every_line_end_in_data_is_one_line_break_in_the_rendered_document(plan):
    doc = PlanDocument.open(render_plan(plan))
    assert not any("\r" in t or "\n" in t for t in run_texts(doc))
    assert lines_of(doc, "Første linje") == ["Første linje", "andre linje", "tredje linje", "fjerde"]
    assert "Mål på\nto linjer" in "\n".join(doc.texts())


def test_every_line_end_in_data_is_one_line_break_in_an_inserted_item(plan):
    doc = PlanDocument.open(blank_document())
    insert_items(doc, plan, "all", Target(document_end=True))
    again = PlanDocument.open(doc.to_bytes())
    assert not any("\r" in t or "\n" in t for t in run_texts(again))
    assert lines_of(again, "Første linje") == ["Første linje", "andre linje", "tredje linje", "fjerde"]
    assert not refresh(again, plan).changed  # what was inserted is what the data says
