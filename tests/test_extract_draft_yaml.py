"""The draft YAML `docplan extract` writes reads back as exactly the draft: a line break in the document's
text (a title over several lines) cannot end a comment and slip lines of the document in as data (found by
tools/reliability.py on the corpus)."""

from __future__ import annotations

import docx
import yaml

from docplan.extract import draft_dict, extract_plan, write_extract


def test_a_title_over_several_lines_stays_in_the_comment(tmp_path):
    d = docx.Document()
    d.add_heading("Handlingsplan\nmeta:\n  language: nn\n[Job Title]", level=1)  # the title, when no Title style
    d.add_paragraph("Hovedmål 1: Mindre rus\nblant unge")
    source = tmp_path / "plan.docx"
    d.save(source)
    result = extract_plan(source)
    assert any("\n" in u for u in result.unrecognised)  # the title has no plan period, so it is reported
    out = write_extract(result, tmp_path / "utkast.yaml")
    text = out.read_text("utf-8")
    assert yaml.safe_load(text) == draft_dict(result)
    assert any(line.startswith("# Ikke gjenkjent: ") and "«Handlingsplan meta: language: nn [Job Title]»" in line
               for line in text.split("\n"))
