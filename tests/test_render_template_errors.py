"""A template that fails in the document's properties, or makes a character no document can hold, is
refused with a TemplateError naming the template and part — never an unexpected exception (found by
tools/reliability.py)."""

from __future__ import annotations

import docx
import pytest

from docplan.errors import TemplateError
from docplan.render import CompiledTemplate, build_context
from docplan.templating.bounded import Bounds, render_bounded


def template_with_title(tmp_path, title: str):
    d = docx.Document()
    d.add_paragraph("Plan")
    d.core_properties.title = title
    path = tmp_path / "mal.docx"
    d.save(path)
    return path


def template_with_paragraph(tmp_path, text: str):
    d = docx.Document()
    d.add_paragraph("Plan")
    d.add_paragraph(text)
    path = tmp_path / "mal.docx"
    d.save(path)
    return path


@pytest.mark.parametrize("title, said", [
    ("{{ 1/0 }}", "division by zero"),
    ("{{ 'a' + 1 }}", "concatenate"),
    ("{{ measures[0].id.upper(1) }}", "argument"),
    ("{{ '\\x01' }}", "tegn som ikke kan stå"),
    ("{{ '\\ud800' }}", "tegn som ikke kan stå"),
])
def test_an_error_in_the_title_property_is_a_template_error_naming_the_part(tmp_path, sample_plan, title, said):
    path = template_with_title(tmp_path, title)
    with pytest.raises(TemplateError) as err:
        CompiledTemplate(path).render(build_context(sample_plan))
    assert said in err.value.message
    assert err.value.location.file == "mal.docx" and err.value.location.part == "docProps/core.xml"


def test_a_macro_that_calls_itself_in_the_title_property_ends_in_a_message(tmp_path, sample_plan):
    path = template_with_title(tmp_path, "{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(1) }}")
    with pytest.raises(TemplateError) as err:
        CompiledTemplate(path).render(build_context(sample_plan))
    assert err.value.code == "template_memory" and "makro" in err.value.message


@pytest.mark.parametrize("text", ["{{ '%c' % 55296 }}", "{{ '\\ud800' }}", "{{ '\\udfff'|safe }}"])
def test_a_lone_surrogate_made_by_the_template_is_refused(tmp_path, sample_plan, text):
    path = template_with_paragraph(tmp_path, text)
    with pytest.raises(TemplateError) as err:
        CompiledTemplate(path).render(build_context(sample_plan))
    assert err.value.code == "invalid_xml" and "U+D" in err.value.message
    assert err.value.location.part == "word/document.xml"


def test_the_bounded_renderer_returns_the_same_errors_not_a_crash(tmp_path, sample_plan):
    bounds = Bounds(seconds=60, memory_mb=4096)
    with pytest.raises(TemplateError) as err:
        render_bounded(sample_plan, template_with_title(tmp_path, "{{ 1/0 }}"), bounds=bounds)
    assert err.value.location.part == "docProps/core.xml"
    with pytest.raises(TemplateError) as err:
        render_bounded(sample_plan, template_with_paragraph(tmp_path, "{{ '%c' % 55296 }}"), bounds=bounds)
    assert err.value.code == "invalid_xml"


def test_a_good_title_property_is_still_filled_in(tmp_path, sample_plan):
    from docplan.document import PlanDocument

    path = template_with_title(tmp_path, "{{ plan.title }} & co")
    doc = PlanDocument.open(CompiledTemplate(path).render(build_context(sample_plan)))
    title = doc.xml("docProps/core.xml").find("{http://purl.org/dc/elements/1.1/}title")
    assert title.text == f"{sample_plan.info.title} & co"
