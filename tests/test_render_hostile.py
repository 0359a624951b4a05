"""Rendering half of the hostile-text property: a plan whose text fields hold hostile strings either
fails to load with a location (tests/loaders/test_hostile_text.py) or renders to a document whose text
holds every such string verbatim — Jinja syntax, XML specials, bidi marks, emoji, 50 000 characters."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docplan.document import PlanDocument
from docplan.errors import DataError
from docplan.loaders import load_plan
from docplan.ooxml.text import element_text
from docplan.render import render_plan
from tests.loaders.test_hostile_text import HOSTILE, get, minimal_plan, put, write

#: Text fields the standard templates print (fields kept as data only are listed in docs/maintainers.md).
RENDERED = [
    ("plan", "title"), ("plan", "vision"), ("goals", 0, "title"), ("goals", 0, "text"),
    ("goals", 0, "sub_goals", 0, "title"), ("measures", 0, "title"), ("measures", 0, "responsible"),
    ("measures", 0, "partners", 0), ("measures", 0, "funding", 0, "source"),
]


def document_text(data: bytes) -> str:
    """Return the text of the main part, headers and footers (as Word's Range.text reads them)."""
    doc = PlanDocument.open(data)
    parts = [doc.main_part] + [n for n in doc.part_names() if n.startswith(("word/header", "word/footer"))
                               and n.endswith(".xml")]
    return "\n".join(element_text(doc.xml(n)) for n in parts)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(texts=st.dictionaries(st.sampled_from(RENDERED), HOSTILE, min_size=1, max_size=3),
       lang=st.sampled_from(["nb", "nn"]))
def test_hostile_text_is_refused_at_load_or_rendered_verbatim(tmp_path, texts, lang):
    data = minimal_plan()
    data["meta"] = {"language": lang}
    for path, text in texts.items():
        put(data, path, text)
    try:
        plan = load_plan(write(tmp_path, data, "yaml"))
    except DataError as exc:  # the loading half asserts it names a line
        assert exc.problems or exc.location.line is not None
        return
    text = document_text(render_plan(plan))
    for field in texts:
        # what the file says (YAML folds a few line-break characters, as its specification says; the
        # loading half checks that), verbatim in the document
        value = get(plan, field)
        assert value in text, (field, value[:80])
