"""docplan.templating lint and fix: each problem kind found where it is, shipped templates clean, --fix, refusals."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from testkit import ROOT, docx_all_text
from docplan.cli import main
from docplan.errors import DocumentError
from docplan.render import CompiledTemplate, build_context
from docplan.templating import fix_split_tags, lint_template
from templatefactory import TemplateFactory, good_template, zip_replace

SHIPPED = sorted((ROOT / "templates").glob("rusplan-standard-*-1.0.0.docx"))


def lint(t: TemplateFactory, **kw):
    return lint_template(t.to_bytes(), name="mal.docx", **kw)


def only(report, code):
    found = [f for f in report.findings if f.code == code]
    assert found, f"expected {code}, got {[f.format() for f in report.findings]}"
    return found


# -- the shipped templates and the fixture baseline ---------------------------------------------------


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_templates_lint_clean(path):
    report = lint_template(path)
    assert report.errors == [] and report.warnings == [], [f.format() for f in report.findings]
    assert report.identity[0] == "rusplan-standard"
    # the registry's required chapters were checked: removing one from the list would not matter,
    # but asking for a chapter the template lacks must fail
    assert "missing_chapter" in lint_template(path, required_chapters=["Kapittel som ikke finnes"]).codes("error")


def test_good_fixture_has_no_findings():
    report = lint(good_template())
    assert report.findings == []


# -- each problem kind ---------------------------------------------------------------------------------


def _split(t):
    t.para("Ansvarlig: ", "{{ plan.ti", "tle }}")


def _broken(t):
    t.para("Planen heter {{ plan.title.")


def _syntax(t):
    t.para("{{ plan.title | }}")


def _unknown_variable(t):
    t.para("{{ tiltak }}")


def _header_loop(t):
    t.footer("{% for m in measures %}{{ m.id }}{% endfor %}")


def _table_without_tr(t):
    t.table([["{% for m in measures %}{{ m.id }}", "{{ m.title }}{% endfor %}"]])


def _block_without_p(t):
    t.para("{% if plan.vision %}Visjon:")
    t.para("{{ plan.vision }}{% endif %}")


def _twice(t):
    t.para("{%p if plan.vision %}{%p endif %}")


def _extra_text(t):
    t.para("{%p if plan.vision %} denne teksten forsvinner")
    t.para("{%p endif %}")


def _unknown_filter(t):
    t.para("{{ totals.cost_nok | nokk }}")


def _endnote(t):
    t.note("endnotes", "{{ plan.title }}")


CASES = [
    (_split, "split_tag", "warning", 8),
    (_broken, "broken_tag", "error", 8),
    (_syntax, "syntax", "error", 8),
    (_unknown_variable, "unknown_variable", "error", 8),
    (_table_without_tr, "table_block_without_tr", "error", 8),
    (_block_without_p, "block_without_p", "warning", 8),
    (_twice, "structural_twice", "error", 8),
    (_extra_text, "structural_extra_text", "warning", 8),
    (_unknown_filter, "unknown_filter", "error", 8),
    (_header_loop, "structure_in_header", "warning", 1),
    (_endnote, "not_rendered_part", "error", 1),
]


@pytest.mark.parametrize("build,code,severity,paragraph", CASES, ids=[c[1] for c in CASES])
def test_each_problem_is_found_at_its_paragraph(build, code, severity, paragraph):
    t = good_template()  # 7 body paragraphs before the table's 12 cell paragraphs… count them:
    base = len(list(t.doc.element.body.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p")))
    build(t)
    report = lint(t)
    (finding, *_) = only(report, code)
    assert finding.severity == severity
    assert finding.message and finding.location.file == "mal.docx"
    expected = base + 1 if paragraph == 8 else paragraph
    if code == "table_block_without_tr":
        assert "tabell 2, rad 1, celle 1" in finding.message
    assert finding.location.paragraph == expected, finding.format()


def test_unknown_field_in_table_loop_suggests_the_english_name():
    t = good_template()
    t.table([["{%tr for m in measures %}"], ["{{ m.id }}", "{{ m.ansvalig }}"], ["{%tr endfor %}"]])
    report = lint(t)
    (f,) = only(report, "unknown_field")
    assert f.suggestion == "responsible"
    assert "tabell 2, rad 2, celle 2" in f.message and "ansvalig" in f.message
    assert "Mente du «responsible»?" in f.format()


def test_misspelt_attribute_gets_difflib_suggestion_and_nested_paths_resolve():
    t = good_template()
    t.para("{%p for goal in goals %}")
    t.para("{%p for sub in goal.sub_goals %}")
    t.para("{{ sub.indicator.baseline_yaer }} {{ goal.indicator.target }} {{ loop.index }}")
    t.para("{%p endfor %}")
    t.para("{%p endfor %}")
    report = lint(t)
    (f,) = only(report, "unknown_field")
    assert f.suggestion == "baseline_year"
    assert report.codes("error") == {"unknown_field"}


@pytest.mark.parametrize("code_text", ["{{ ''.__class__.__mro__ }}", "{% import os %}",
                                       "{% include 'x.docx' %}", "{{ plan.title.format(1) }}",
                                       "{{ measures.__len__() }}"])
def test_injection_attempts_are_refused(code_text):
    t = good_template()
    t.para(code_text)
    report = lint(t)
    assert not report.ok
    assert "forbidden" in report.codes("error"), [f.format() for f in report.findings]


def test_headers_and_footnotes_with_variables_are_checked_like_the_body():
    t = good_template()
    t.header("{{ plan.title }}")
    t.note("footnotes", "Kilde: {{ plan.titel }}")
    report = lint(t)
    assert {f.location.part for f in report.findings if f.code == "variables_in_header"} == \
        {"word/header1.xml", "word/footnotes.xml"}
    (f,) = only(report, "unknown_field")
    assert f.location.part == "word/footnotes.xml" and f.suggestion == "title"


def test_body_loop_variable_is_unknown_in_a_header():
    t = good_template()
    t.header("{{ m.title }}")
    (f,) = only(lint(t), "unknown_variable")
    assert f.location.part.startswith("word/header")


def test_header_and_footnote_variables_render(sample_plan, tmp_path):
    t = good_template()
    t.header("Topp: {{ plan.title }}")
    t.note("footnotes", "Fotnote: {{ plan.period }}")
    path = t.save(tmp_path / "h.docx")
    assert lint_template(path).errors == []
    out = CompiledTemplate(path).render(build_context(sample_plan))
    with zipfile.ZipFile(io.BytesIO(out)) as zf:
        header = zf.read("word/header1.xml").decode()
        notes = zf.read("word/footnotes.xml").decode()
    assert "Topp: " + sample_plan.info.title in header.replace("&amp;", "&")
    assert "Fotnote: " + str(sample_plan.info.period) in notes


def test_template_code_in_core_properties_is_checked():
    t = good_template()
    t.doc.core_properties.title = "{{ plan.titel }}"
    (f,) = only(lint(t), "unknown_field")
    assert f.location.part == "docProps/core.xml" and f.suggestion == "title"
    t = good_template()
    t.doc.core_properties.subject = "{{ plan.title "
    assert "syntax" in lint(t).codes("error")


_ALPHABET = st.sampled_from(["{{", "}}", "{%", "%}", "{#", "#}", "p ", "tr ", "r ", "for ", "if ", "endfor",
                             "endif", " m ", " in ", "measures", ".", "plan", "title", "|", "nok", "'", "“",
                             "__class__", "(", ")", "[", "0", "]", "x", " ", "\t", "&", "<"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_ALPHABET, max_size=12).map("".join), min_size=1, max_size=4))
def test_lint_and_fix_never_crash_on_arbitrary_template_text(texts):
    t = good_template()
    for text in texts:
        t.para(*[text[i:i + 5] for i in range(0, len(text), 5)] or [""])
    report = lint(t)
    for f in report.findings:
        assert f.severity in ("error", "warning", "info") and f.message
    fixed, _, _ = fix_split_tags(t.to_bytes(), name="mal.docx")
    lint_template(fixed, name="mal.docx")


def test_missing_styles_language_chapters_and_identity():
    t = TemplateFactory(lang=None, identity=None)
    t.drop_styles("heading 2", "heading 3")
    t.heading("1 Innledning")
    t.table([["a", "b"]], style=None)
    report = lint(t, required_chapters=["Tiltaksplan", "Innledning"])
    errors = report.codes("error")
    assert {"missing_style", "language_not_set", "missing_chapter"} <= errors
    assert {f.message.split("«")[1].split("»")[0] for f in report.findings if f.code == "missing_style"} == \
        {"Overskrift 2", "Overskrift 3"}
    (chapter,) = only(report, "missing_chapter")
    assert "Tiltaksplan" in chapter.message
    assert {"table_style", "no_identity"} <= report.codes("warning")


def test_wrong_language_is_a_warning():
    report = lint(TemplateFactory(lang="en-US"))
    assert "language_not_set" in report.codes("warning")


# -- refusals --------------------------------------------------------------------------------------------


def test_not_a_docx_is_refused(tmp_path):
    p = tmp_path / "mal.docx"
    p.write_text("dette er ikke en mal", "utf-8")
    with pytest.raises(DocumentError) as exc:
        lint_template(p)
    assert exc.value.code == "not_a_package" and "mal.docx" in exc.value.format()


def test_macro_enabled_template_is_refused():
    data = zip_replace(good_template().to_bytes(), "[Content_Types].xml", lambda b: b.replace(
        b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml").replace(
        b"application/vnd.openxmlformats-officedocument.ms-word", b"application/vnd.ms-word"))
    with pytest.raises(DocumentError) as exc:
        lint_template(data, name="mal.docm")
    assert exc.value.code == "macro_enabled" and "makro" in exc.value.message


def test_doctype_is_refused():
    data = zip_replace(good_template().to_bytes(), "word/document.xml", lambda b: b.replace(
        b"?>", b"?><!DOCTYPE x [<!ENTITY a 'b'>]>", 1))
    with pytest.raises(DocumentError) as exc:
        lint_template(data, name="mal.docx")
    assert exc.value.code == "dtd"


# -- --fix ------------------------------------------------------------------------------------------------


def _split_version() -> TemplateFactory:
    t = good_template()
    t.para("Ansvarlig for ", "{{ plan.ti", "tle", " }}", " er koordinator.", bold=(4,))
    t.para("{", "{ totals.cost_nok | nok }", "}")
    t.table([[("{%", "tr for m in measures %}")], [("{{ m.", "id }}"), "{{ m.responsible }}"], ["{%tr endfor %}"]])
    return t


def _correct_version() -> TemplateFactory:
    t = good_template()
    t.para("Ansvarlig for ", "{{ plan.title }}", " er koordinator.", bold=(2,))
    t.para("{{ totals.cost_nok | nok }}")
    t.table([["{%tr for m in measures %}"], ["{{ m.id }}", "{{ m.responsible }}"], ["{%tr endfor %}"]])
    return t


def test_fix_joins_split_tags_and_renders_like_the_correct_template(tmp_path, sample_plan):
    broken = _split_version().save(tmp_path / "delt.docx")
    correct = _correct_version().save(tmp_path / "riktig.docx")
    assert "split_tag" in lint_template(broken).codes("warning")
    data, fixed, skipped = fix_split_tags(broken)
    assert (fixed, skipped) == (4, 0)
    fixed_path = tmp_path / "rettet.docx"
    fixed_path.write_bytes(data)
    assert lint_template(fixed_path).findings == []
    ctx = build_context(sample_plan)
    out_fixed, out_correct = tmp_path / "a.docx", tmp_path / "b.docx"
    out_fixed.write_bytes(CompiledTemplate(fixed_path).render(ctx))
    out_correct.write_bytes(CompiledTemplate(correct).render(ctx))
    assert docx_all_text(out_fixed) == docx_all_text(out_correct)
    import docx

    para = [p for p in docx.Document(str(out_fixed)).paragraphs if p.text.startswith("Ansvarlig for")][0]
    assert [r.bold for r in para.runs if r.text.strip()][-1] is True  # the bold run after the tag kept its format
    # the input was not touched and every other part is copied unchanged
    with zipfile.ZipFile(broken) as a, zipfile.ZipFile(fixed_path) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            if name != "word/document.xml":
                assert a.read(name) == b.read(name), name


def test_fix_refuses_to_join_across_non_text_content():
    t = good_template()
    p = t.para("{{ plan.", "title }}")
    from docx.oxml.ns import qn
    from lxml import etree

    etree.SubElement(p.runs[0]._r, qn("w:tab"))
    data, fixed, skipped = fix_split_tags(t.to_bytes(), name="mal.docx")
    assert (fixed, skipped) == (0, 1)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(min_value=1, max_value=len("{{ totals.cost_nok | nok }}") - 1), max_size=5, unique=True))
def test_fix_any_split_of_a_tag(cuts):
    tag = "{{ totals.cost_nok | nok }}"
    bounds = [0, *sorted(cuts), len(tag)]
    pieces = [tag[a:b] for a, b in zip(bounds, bounds[1:])]
    t = good_template()
    t.para("Kostnad: ", *pieces, ".")
    report = lint(t)
    assert ("split_tag" in report.codes()) == (len(pieces) > 1)
    data, fixed, skipped = fix_split_tags(t.to_bytes(), name="mal.docx")
    assert (fixed, skipped) == (int(len(pieces) > 1), 0)
    after = lint_template(data, name="mal.docx")
    assert after.findings == []
    import docx
    import io

    last = docx.Document(io.BytesIO(data)).paragraphs[-1]
    assert last.text == "Kostnad: " + tag + "."
    assert tag in [r.text for r in last.runs]


# -- CLI ---------------------------------------------------------------------------------------------------


def test_cli_lint_exit_codes_text_and_json(tmp_path):
    good = good_template().save(tmp_path / "god.docx")
    bad_t = good_template()
    _unknown_variable(bad_t)
    bad = bad_t.save(tmp_path / "feil.docx")
    runner = CliRunner()
    ok = runner.invoke(main, ["template", "lint", str(good)])
    assert ok.exit_code == 0 and "OK: god.docx – 0 feil" in ok.output
    res = runner.invoke(main, ["template", "lint", str(bad)])
    assert res.exit_code == 1 and "FEIL [unknown_variable]" in res.output and "Mente du «measures»?" in res.output
    res = runner.invoke(main, ["template", "lint", "--format", "json", str(bad)])
    data = json.loads(res.output)
    assert data["ok"] is False and data["findings"][0]["code"] == "unknown_variable"
    notdocx = tmp_path / "x.docx"
    notdocx.write_bytes(b"hei")
    res = runner.invoke(main, ["template", "lint", str(notdocx)])
    assert res.exit_code == 1 and "Feil:" in res.output and "Traceback" not in res.output


def test_cli_fix_writes_a_copy_and_never_the_input(tmp_path):
    src = _split_version().save(tmp_path / "delt.docx")
    before = src.read_bytes()
    runner = CliRunner()
    res = runner.invoke(main, ["template", "lint", "--fix", str(src)])
    assert res.exit_code == 2  # -o is required
    res = runner.invoke(main, ["template", "lint", "--fix", "-o", str(src), str(src)])
    assert res.exit_code == 2
    out = tmp_path / "rettet.docx"
    res = runner.invoke(main, ["template", "lint", "--fix", "-o", str(out), str(src)])
    assert res.exit_code == 0, res.output
    assert "Slo sammen 4 delte malkoder" in res.output and "0 feil, 0 advarsler" in res.output
    assert src.read_bytes() == before


@pytest.mark.corpus
def test_corpus_is_linted_or_refused_cleanly(corpus_dir):
    files = sorted(corpus_dir.rglob("*.docx"))
    assert files
    outcomes = {"linted": 0, "refused": 0}
    for path in files:
        try:
            lint_template(path)
            outcomes["linted"] += 1
        except DocumentError as exc:
            assert exc.message
            outcomes["refused"] += 1
    assert outcomes["linted"] > 0


@pytest.mark.corpus
def test_fix_on_the_corpus_keeps_every_paragraph_text(corpus_dir):
    """Joining split tags changes no visible text (apart from curly quotes inside tags, which Jinja needs straight)."""
    import docx

    def normal(text: str) -> str:
        return text.translate(str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'}))

    joined = 0
    for path in sorted(corpus_dir.rglob("*.docx")):
        try:
            data, fixed, _ = fix_split_tags(path)
        except DocumentError:
            continue
        if not fixed:
            continue
        joined += 1
        before = docx_all_text(docx.Document(str(path)))
        after = docx_all_text(docx.Document(io.BytesIO(data)))
        assert normal(before) == normal(after), path.name
        assert "split_tag" not in lint_template(data, name=path.name).codes()
    assert joined > 0  # docxtpl's own test templates have Word-split tags


def test_template_with_broken_properties_part_is_refused_clearly():
    from docplan.templating import read_parts

    src = zipfile.ZipFile(ROOT / "templates" / "rusplan-standard-nb-1.0.0.docx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            z.writestr(info.filename, b"<broken" if info.filename == "docProps/custom.xml" else src.read(info))
    with pytest.raises(DocumentError) as exc:
        read_parts(out.getvalue(), name="mal.docx")
    assert exc.value.code == "invalid_xml" and exc.value.location.part == "docProps/custom.xml"
