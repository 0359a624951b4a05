"""Template injection, undefined variables and syntax errors: harmless, and reported with a location."""

from __future__ import annotations

import io

import docx
import pytest

from docplan.errors import TemplateError
from docplan.render import CompiledTemplate, build_context, render_plan


def make_template(tmp_path, *paragraphs: str, name="mal.docx"):
    d = docx.Document()
    for text in paragraphs:
        d.add_paragraph(text)
    path = tmp_path / name
    d.save(path)
    return path


def test_injection_in_data_is_text_not_code(sample_plan):
    plan = sample_plan.model_copy(deep=True)
    payload = "{{ ''.__class__.__mro__[1].__subclasses__() }} {% for x in range(9) %}x{% endfor %}"
    plan.measures[0].title = payload
    from testkit import docx_all_text

    assert payload in docx_all_text(io.BytesIO(render_plan(plan))).split("\n")


@pytest.mark.parametrize("expr", [
    "{{ ''.__class__.__mro__ }}",
    "{{ plan.__class__.__init__.__globals__ }}",
    "{{ measures.append(1) }}",
    "{{ lipsum.__globals__['os'] }}",
])
def test_injection_in_template_is_refused(tmp_path, sample_plan, expr):
    path = make_template(tmp_path, "Trygg tekst", expr)
    with pytest.raises(TemplateError) as err:
        CompiledTemplate(path).render(build_context(sample_plan))
    assert err.value.location.file == "mal.docx"


def test_import_and_include_are_refused(tmp_path, sample_plan):
    path = make_template(tmp_path, "{% import 'os' as os %}{{ os }}")
    with pytest.raises(TemplateError):
        CompiledTemplate(path).render(build_context(sample_plan))


def test_undefined_variable_names_variable_and_paragraph(tmp_path, sample_plan):
    path = make_template(tmp_path, "Første", "Andre", "{%p for m in measures %}", "{{ m.ansvalig }}", "{%p endfor %}")
    with pytest.raises(TemplateError) as err:
        CompiledTemplate(path).render(build_context(sample_plan))
    assert "ansvalig" in err.value.message
    assert err.value.location.paragraph == 4
    assert err.value.location.part == "word/document.xml"


def test_syntax_error_is_reported_when_compiling(tmp_path):
    path = make_template(tmp_path, "Innledning", "{% for m in measures %}{{ m.id }}")
    with pytest.raises(TemplateError) as err:
        CompiledTemplate(path)
    assert "ikke avsluttet" in err.value.message


def test_not_a_docx_template_is_refused(tmp_path):
    path = tmp_path / "mal.docx"
    path.write_text("not a document")
    from docplan.errors import DocumentError

    with pytest.raises(DocumentError):
        CompiledTemplate(path)


def test_paragraph_numbers_count_empty_paragraphs(tmp_path, sample_plan):
    d = docx.Document()
    d.add_paragraph("Første")
    d.add_paragraph()  # serialised as an empty <w:p/>
    table = d.add_table(rows=1, cols=2)  # empty cells hold empty paragraphs too
    del table
    d.add_paragraph("{{ plan.finnes_ikke }}")
    path = tmp_path / "mal.docx"
    d.save(path)
    with pytest.raises(TemplateError) as err:
        CompiledTemplate(path).render(build_context(sample_plan))
    assert err.value.location.paragraph == 5
