"""Every part docplan writes or changes is valid ECMA-376 (Transitional), after Markup Compatibility.

Word refuses what LibreOffice forgives: a child out of order in w:pPr, a w:tc without a w:p. Whole
documents docplan makes (render, batch, report, diff) are validated part by part; in documents docplan
edits (insert, refresh, check --annotate, template fix/publish) the parts it changed are. A planner's own
part that was invalid before may stay so, but one that was valid must stay valid (checked on the corpus).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from click.testing import CliRunner
from lxml import etree

from docplan.cli import main
from testkit import EXAMPLE
from tests.ooxml.schemas import changed_parts, package_parts, schema_dir, validate_part, validate_parts

#: Parts a whole Word document docplan makes always has, and which must all have been validated.
CORE_PARTS = {"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/_rels/document.xml.rels",
              "word/styles.xml", "docProps/core.xml"}


@pytest.fixture(scope="module", autouse=True)
def _schemas():
    schema_dir()


def _run(*args) -> None:
    res = CliRunner().invoke(main, [str(a) for a in args])
    assert res.exit_code == 0, res.output


def _assert_valid(parts: dict[str, bytes], must_check: set[str] = frozenset()) -> list[str]:
    errors, checked = validate_parts(parts)
    assert not errors, "\n".join(e for found in errors.values() for e in found[:10])
    assert set(must_check) <= set(checked), f"not validated: {set(must_check) - set(checked)}"
    return checked


def _assert_whole_document_valid(path: Path) -> list[str]:
    return _assert_valid(package_parts(path), CORE_PARTS)


def _write_yaml(path: Path, raw: dict) -> Path:
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _raw() -> dict:
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("plan") / "plan.docx"
    _run("render", EXAMPLE, "--standard", "nb", "-o", out)
    return out


def _python_docx_document(path: Path) -> Path:
    d = docx.Document()
    d.add_heading("Rusmiddelpolitisk handlingsplan", 1)
    d.add_paragraph("Innledning skrevet av planleggeren.")
    d.add_heading("Tiltaksplan", 1)
    d.add_paragraph("Tiltakene følger.")
    d.save(str(path))
    return path


# --- documents docplan makes -------------------------------------------------------------------------

@pytest.mark.parametrize("args", [["--standard", "nb"], ["--standard", "nn"], ["--kommune", "3427"]],
                         ids=["nb", "nn", "kommune-3427"])
def test_a_rendered_plan_is_valid_in_every_part(tmp_path, args):
    out = tmp_path / "plan.docx"
    _run("render", EXAMPLE, *args, "-o", out)
    checked = _assert_whole_document_valid(out)
    assert {"word/numbering.xml", "word/settings.xml", "docProps/app.xml"} <= set(checked)


def test_every_plan_of_a_batch_is_valid(tmp_path):
    _run("batch", EXAMPLE, "--kommune", "3427,3430", "-o", tmp_path / "ut", "-j", "1")
    made = sorted((tmp_path / "ut").rglob("*.docx"))
    assert len(made) == 2
    for path in made:
        _assert_whole_document_valid(path)


def test_the_word_report_is_valid(tmp_path):
    from tests.test_report import _raw as raw_with_reports

    data = _write_yaml(tmp_path / "plan-2025.yaml", raw_with_reports())
    for lang in ("nb", "nn"):
        out = tmp_path / f"rapport-{lang}.docx"
        _run("report", data, "--year", "2025", "--standard", lang, "-o", out)
        _assert_whole_document_valid(out)


def test_the_word_table_of_changes_is_valid(tmp_path):
    from tests.test_diff import edited

    old = _write_yaml(tmp_path / "gammel.yaml", _raw())
    new = _write_yaml(tmp_path / "ny.yaml", edited(_raw())[0])
    out = tmp_path / "endringer.docx"
    _run("diff", old, new, "-o", out)
    _assert_whole_document_valid(out)


def test_every_snippet_the_word_add_in_inserts_is_valid(sample_plan):
    from docplan import snippets
    from docplan.ooxml.flatopc import parts_from_flat_opc
    from docplan.ooxml.sdt import Shape
    from docplan.tags import parse_tag

    plan = sample_plan
    goal, measure = plan.goals[0], plan.measures[0]
    ref = snippets.table_kp_refs(plan, plan.measures)[0]
    tags = [f"docplan:goal:{goal.id}", f"docplan:goal:{goal.sub_goals[0].id}", f"docplan:measure:{measure.id}",
            "docplan:measure-table:all", "docplan:measure-table:3427", f"docplan:kp-ref:{ref}",
            f"docplan:kp-quote:{ref}"]
    shapes = set()
    for tag in tags:
        for shape in Shape:
            el = snippets.build(plan, parse_tag(tag), shape)
            if el is None:
                continue
            shapes.add(shape)
            parts = {name: data for name, _, data in parts_from_flat_opc(snippets.flat_opc([el]))}
            _assert_valid(parts, {"word/document.xml", "word/styles.xml", "_rels/.rels"})
    assert shapes == {Shape.BLOCK, Shape.ROW, Shape.INLINE}


# --- documents docplan edits -------------------------------------------------------------------------

@pytest.mark.parametrize("what", ["all", "measure-table"])
def test_insert_into_a_python_docx_document_writes_valid_parts(tmp_path, what):
    src = _python_docx_document(tmp_path / "egen.docx")
    out = tmp_path / "ut.docx"
    _run("insert", src, EXAMPLE, "--what", what, "--at-end", "Tiltaksplan", "-o", out)
    changed = changed_parts(src, out)
    assert "word/document.xml" in changed
    _assert_valid(changed, {"word/document.xml"})


@pytest.mark.parametrize("what", ["all", "measure-table"])
def test_insert_into_the_rendered_plan_writes_valid_parts(tmp_path, rendered, what):
    from tests.test_diff import edited

    new = _write_yaml(tmp_path / "ny.yaml", edited(_raw())[0])
    out = tmp_path / "ut.docx"
    _run("insert", rendered, new, "--what", what, "--at-document-end", "-o", out)
    changed = changed_parts(rendered, out)
    assert "word/document.xml" in changed
    _assert_valid(changed, {"word/document.xml"})


def test_inserting_the_annual_report_into_the_rendered_plan_writes_valid_parts(tmp_path, rendered):
    from tests.test_report import _raw as raw_with_reports

    data = _write_yaml(tmp_path / "plan-2025.yaml", raw_with_reports())
    out = tmp_path / "ut.docx"
    _run("insert", rendered, data, "--what", "report", "--year", "2025", "--at-document-end", "-o", out)
    changed = changed_parts(rendered, out)
    assert "word/document.xml" in changed
    _assert_valid(changed, {"word/document.xml"})


def test_refresh_after_the_data_changed_writes_valid_parts(tmp_path, rendered):
    from tests.test_diff import edited

    new = _write_yaml(tmp_path / "ny.yaml", edited(_raw())[0])
    out = tmp_path / "oppdatert.docx"
    _run("refresh", rendered, new, "-o", out)
    changed = changed_parts(rendered, out)
    assert "word/document.xml" in changed
    _assert_valid(changed, {"word/document.xml"})


def test_check_annotate_writes_a_valid_comments_part_and_document(tmp_path, rendered):
    raw = _raw()
    raw["measures"][0]["responsible"] = ""
    raw["measures"][1].pop("goals", None)
    data = _write_yaml(tmp_path / "plan.yaml", raw)
    out = tmp_path / "kommentert.docx"
    _run("check", rendered, "--data", data, "--annotate", out, "--fail-on", "never")
    changed = changed_parts(rendered, out)
    _assert_valid(changed, {"word/document.xml", "word/comments.xml"})


def test_a_fixed_and_a_published_template_are_valid_where_docplan_changed_them(tmp_path):
    from templatefactory import good_template

    t = good_template()
    t.para("Ansvarlig: ", "{{ plan.ti", "tle }}")
    src = t.save(tmp_path / "delt.docx")
    fixed = tmp_path / "rettet.docx"
    _run("template", "lint", src, "--fix", "-o", fixed)
    changed = changed_parts(src, fixed)
    _assert_valid(changed, {"word/document.xml"})

    registry = tmp_path / "register"
    nb = Path(__file__).resolve().parent.parent / "templates" / "rusplan-standard-nb-1.2.0.docx"
    _run("template", "publish", nb, "--registry", registry, "--version", "9.0.0")
    published = next(registry.glob("*.docx"))
    _assert_valid(changed_parts(nb, published), {"docProps/custom.xml"})


# --- the planner's own documents ---------------------------------------------------------------------

#: How many corpus files are tried, spread over the manifest so every source project is in (all take minutes).
CORPUS_SAMPLE = 40


@pytest.mark.corpus
@pytest.mark.slow
def test_inserting_measures_never_makes_a_valid_corpus_document_invalid(corpus_dir):
    from docplan.document import PlanDocument
    from docplan.errors import DocplanError, DocumentError
    from docplan.insert import Target, insert_items
    from docplan.loaders import load_plan

    plan = load_plan(EXAMPLE)
    rows = (corpus_dir / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]
    edited = []
    for row in rows[::max(1, len(rows) // CORPUS_SAMPLE)]:
        path = corpus_dir / row.split("\t")[0]
        data = path.read_bytes()
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                before = z.read("word/document.xml")
            if validate_part(before, "word/document.xml") != []:
                continue
            doc = PlanDocument.open(data, name=path.name)
            heads = doc.headings()
            try:  # mid-body after the first chapter, as a planner would, else at the end
                target = Target(heading_end=heads[0].text) if heads else Target(document_end=True)
                insert_items(doc, plan, "all", target)
            except DocumentError as exc:
                if exc.code != "ambiguous":
                    raise
                insert_items(doc, plan, "all", Target(document_end=True))
            after = doc.to_bytes()
        except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError, DocplanError):
            continue  # not a document docplan edits; test_insert_corpus covers its refusals
        old = package_parts(data)
        for name, part in changed_parts(data, after).items():
            was = old.get(name)
            if was is not None and validate_part(was, name):
                continue  # the planner's part was invalid before; docplan need not mend it
            found = validate_part(part, name)
            assert not found, f"{path.name}: " + "\n".join(found[:10])
        edited.append(path.name)
    assert len(edited) >= 10, f"too few corpus documents validate before editing: {edited}"
