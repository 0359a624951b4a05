"""docplan.templating tools: schema from the model, fields, preview (LibreOffice), diff, publish and versioning."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from testkit import ROOT, pdf_text
from docplan import model
from docplan.cli import main
from docplan.errors import TemplateError
from docplan.document import PlanDocument
from docplan.ooxml import props
from docplan.registry import latest, load_registry
from docplan.render import CompiledTemplate, build_context
from docplan.templating import (
    DOCS_BEGIN,
    DOCS_END,
    context_schema,
    diff_templates,
    document_template_status,
    field_reference_markdown,
    preview,
    publish,
    schema_paths,
    stamp_identity,
    template_fields,
)
from templatefactory import TemplateFactory, good_template

NB = ROOT / "templates" / "rusplan-standard-nb-1.2.0.docx"
NN = ROOT / "templates" / "rusplan-standard-nn-1.2.0.docx"


def custom_properties(data: bytes) -> dict[str, str]:
    return PlanDocument.open(data).custom_properties


def template_identity(data: bytes) -> tuple[str, str, str] | None:
    return props.template_identity(custom_properties(data))


@pytest.fixture()
def registry(tmp_path) -> Path:
    """A copy of the shipped registry (index.yaml and every published template)."""
    folder = tmp_path / "registry"
    folder.mkdir()
    for path in (ROOT / "templates").iterdir():
        if path.suffix in (".yaml", ".docx"):
            shutil.copyfile(path, folder / path.name)
    return folder


# -- schema ---------------------------------------------------------------------------------------------


def _context_as_json(plan, municipality=None) -> dict:
    ctx = build_context(plan, municipality=municipality)

    def jsonable(v):
        if hasattr(v, "model_dump"):
            return v.model_dump(mode="json", by_alias=False)
        if isinstance(v, dict):
            return {k: jsonable(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [jsonable(x) for x in v]
        return v.isoformat() if hasattr(v, "isoformat") else v

    return jsonable(ctx)


def test_schema_is_valid_and_describes_the_real_context(sample_plan):
    import jsonschema
    schema = context_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    assert set(schema["properties"]) == set(build_context(sample_plan))
    for municipality in (None, "3427"):
        errors = list(validator.iter_errors(_context_as_json(sample_plan, municipality)))
        assert errors == [], [e.message for e in errors[:3]]
    broken = _context_as_json(sample_plan)
    broken["measures"][0]["responsible"] = 5
    broken["totals"].pop("cost_nok")
    assert len(list(validator.iter_errors(broken))) == 2


def test_schema_follows_the_model_and_adds_properties():
    schema = context_schema()
    for cls in (model.Measure, model.Goal, model.PlanInfo, model.Municipality):
        assert set(cls.model_fields) <= set(schema["$defs"][cls.__name__]["properties"]), cls.__name__
    rows = {p: (label, desc) for p, label, desc in schema_paths()}
    assert {"measures[].responsible", "measures[].funding[].amount_nok", "totals.cost_nok", "lang",
            "plan.period.start_year", "goals[].indicator.target", "municipalities[].name"} <= set(rows)
    # each object type is listed once; later uses point to it
    assert "municipality.name" not in rows and "`municipalities[]`" in rows["municipality"][1]
    assert rows["measures[].responsible"] == ("tekst (kan mangle)", "ansvarlig")
    measure = schema["$defs"]["Measure"]["properties"]
    assert measure["funded_nok"]["readOnly"] is True and measure["funded_nok"]["type"] == "integer"
    assert schema["$defs"]["Period"]["properties"]["years"]["items"] == {"type": "integer"}


def test_cli_schema_json_and_markdown(tmp_path):
    runner = CliRunner()
    res = runner.invoke(main, ["template", "schema"])
    assert res.exit_code == 0 and json.loads(res.output)["$defs"]["Measure"]["title"] == "Measure"
    out = tmp_path / "felt.md"
    res = runner.invoke(main, ["template", "schema", "--markdown", "-o", str(out)])
    assert res.exit_code == 0
    assert "| `measures[].responsible` | tekst (kan mangle) |" in out.read_text("utf-8")


def test_maintainer_docs_field_reference_is_generated_from_the_schema():
    text = (ROOT / "docs" / "maintainers.md").read_text("utf-8")
    block = text[text.index(DOCS_BEGIN) + len(DOCS_BEGIN):text.index(DOCS_END)].strip("\n")
    assert block == field_reference_markdown(), \
        "docs/maintainers.md is out of date: run `python -c 'from docplan.templating import update_docs; " \
        "from pathlib import Path; update_docs(Path(\"docs/maintainers.md\"))'`"


# -- fields ---------------------------------------------------------------------------------------------


def test_fields_of_the_shipped_template_have_paths_and_places():
    uses = template_fields(NB)
    by_path = {}
    for u in uses:
        by_path.setdefault(u["path"], []).append(u)
    assert None not in by_path
    (resp,) = by_path["measures[].responsible"]
    assert resp["expression"] == "m.responsible" and resp["part"] == "word/document.xml"
    assert resp["table"] is not None and resp["table"][2] == 4  # column «Ansvarlig»
    assert by_path["plan.title"][0]["paragraph"] == 1
    assert any(u["part"].startswith("word/header") for u in by_path["plan.title"])
    assert "goals[].kp_refs[]" in by_path and "totals.cost_nok" in by_path


def test_cli_fields_text_and_json(tmp_path):
    runner = CliRunner()
    res = runner.invoke(main, ["template", "fields", str(NN)])
    assert res.exit_code == 0
    assert any(line.startswith("measures[].responsible\tm.responsible\tword/document.xml, avsnitt ")
               for line in res.output.splitlines())
    data = json.loads(runner.invoke(main, ["template", "fields", "--format", "json", str(NN)]).output)
    assert {"path", "expression", "part", "paragraph", "table"} == set(data[0])


# -- preview ----------------------------------------------------------------------------------------------


@pytest.mark.soffice
def test_preview_pdf_and_png(soffice, tmp_path, sample_plan):
    pdf = tmp_path / "forhand.pdf"
    assert preview(NB, pdf) == [pdf]
    text = pdf_text(pdf)
    assert "9 Tiltaksplan" in text and sample_plan.measures[0].title[:25] in text.replace("\n", " ")
    assert "Østerdalen" in text
    runner = CliRunner()
    res = runner.invoke(main, ["template", "preview", str(NN), "--kommune", "3427", "--pages", "2",
                               "-o", str(tmp_path / "side.png")])
    assert res.exit_code == 0, res.output
    pngs = sorted(tmp_path.glob("side-*.png"))
    assert [p.name for p in pngs] == ["side-1.png", "side-2.png"]
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)


def test_preview_refuses_a_template_with_errors_before_libreoffice(tmp_path):
    t = good_template()
    t.para("{{ ''.__class__ }}")
    bad = t.save(tmp_path / "feil.docx")
    with pytest.raises(TemplateError) as exc:
        preview(bad, tmp_path / "x.pdf")
    assert exc.value.problems and exc.value.problems[0].code == "forbidden"
    assert not (tmp_path / "x.pdf").exists()
    res = CliRunner().invoke(main, ["template", "preview", str(bad), "-o", str(tmp_path / "x.docx")])
    assert res.exit_code == 2


# -- diff -------------------------------------------------------------------------------------------------


def test_diff_shows_chapters_fields_and_tags(tmp_path):
    old = good_template().save(tmp_path / "gammel.docx")
    t = good_template()
    t.heading("3 Økonomi")
    t.para("Finansiert: {{ totals.funded_nok | nok }}")
    new_t = TemplateFactory(identity=("testmal", "1.1.0", "nb"))
    new_t.doc = t.doc
    new = new_t.save(tmp_path / "ny.docx")
    d = diff_templates(old, new)
    assert d.added['chapters'] == ["3 Økonomi"] and d.removed['chapters'] == []
    assert d.added['fields'] == ["totals.funded_nok"] and d.removed['fields'] == []
    assert d.notes == []
    back = diff_templates(new, old)
    assert back.removed['fields'] == ["totals.funded_nok"]
    assert any("ikke høyere versjon" in n for n in back.notes)
    res = CliRunner().invoke(main, ["template", "diff", "--format", "json", str(old), str(new)])
    assert json.loads(res.output)["chapters"]["added"] == ["3 Økonomi"]
    res = CliRunner().invoke(main, ["template", "diff", str(NB), str(NB)])
    assert "Ingen endringer" in res.output


def test_diff_between_languages_keeps_tags():
    d = diff_templates(NB, NN)
    assert d.added['tags'] == d.removed['tags'] == []
    assert d.added['fields'] == d.removed['fields'] == []
    assert "6 Alkoholpolitikk og løyvepolitikk" in d.added['chapters']


# -- identity, publishing and the versioning round trip ------------------------------------------------------


def test_stamp_identity_adds_custom_properties_and_keeps_other_parts():
    t = good_template()
    t.identity = None
    plain = t.to_bytes()
    assert template_identity(plain) is None
    stamped = stamp_identity(plain, "minmal", "2.0.0", "nn")
    assert template_identity(stamped) == ("minmal", "2.0.0", "nn")
    docx.Document(io.BytesIO(stamped))  # still a valid package
    again = stamp_identity(stamped, "minmal", "2.1.0", "nn")
    assert custom_properties(again)["docplan.template_version"] == "2.1.0"
    with zipfile.ZipFile(io.BytesIO(plain)) as a, zipfile.ZipFile(io.BytesIO(stamped)) as b:
        for name in a.namelist():
            if name not in ("[Content_Types].xml", "_rels/.rels"):
                assert a.read(name) == b.read(name), name


def test_versioning_round_trip(registry, sample_plan, tmp_path):
    original = (registry / NB.name).read_bytes()
    index_before = (registry / "index.yaml").read_text("utf-8")
    pub = publish(NB, registry, version="1.3.0")
    assert pub.path == registry / "rusplan-standard-nb-1.3.0.docx"
    assert template_identity(pub.path.read_bytes()) == ("rusplan-standard", "1.3.0", "nb")
    assert (registry / NB.name).read_bytes() == original
    assert (registry / "index.yaml").read_text("utf-8").startswith(index_before)
    newest = latest("rusplan-standard", "nb", folder=registry)
    previous = [e for e in load_registry(registry) if e.version == "1.2.0" and e.language == "nb"][0]
    assert newest.version == "1.3.0" and newest.required_chapters == previous.required_chapters != ()
    assert len(load_registry(registry)) == 7

    ctx = build_context(sample_plan)
    old_doc = CompiledTemplate(registry / NB.name).render(ctx)
    new_doc = CompiledTemplate(pub.path).render(ctx)
    old_status = document_template_status(old_doc, registry)
    assert (old_status.version, old_status.latest_version, old_status.outdated) == ("1.2.0", "1.3.0", True)
    assert document_template_status(new_doc, registry).outdated is False
    # the shipped registry knows nothing newer than 1.2.0
    assert document_template_status(old_doc).outdated is False
    plain = good_template()
    plain.identity = None
    assert document_template_status(plain.to_bytes()) is None


def test_publish_never_overwrites(registry):
    publish(NB, registry, version="1.3.0")
    index = (registry / "index.yaml").read_text("utf-8")
    for version, code in (("1.3.0", "version_exists"), ("1.2.0", "version_exists"), ("1.2.9", "version_older"),
                          ("1.1", "bad_version")):
        with pytest.raises(TemplateError) as exc:
            publish(NB, registry, version=version)
        assert exc.value.code == code, version
    squatter = registry / "rusplan-standard-nb-1.4.0.docx"
    squatter.write_bytes(b"not ours")
    with pytest.raises(TemplateError) as exc:
        publish(NB, registry, version="1.4.0")
    assert exc.value.code == "version_exists"
    assert squatter.read_bytes() == b"not ours"
    assert (registry / "index.yaml").read_text("utf-8") == index


def test_publish_refuses_templates_with_errors_or_without_identity(registry, tmp_path):
    t = good_template()
    t.para("{{ m.ansvalig }}")
    with pytest.raises(TemplateError) as exc:
        publish(t.save(tmp_path / "feil.docx"), registry, version="9.0.0")
    assert exc.value.code == "lint" and exc.value.problems
    plain = good_template()
    plain.identity = None
    path = plain.save(tmp_path / "uten.docx")
    with pytest.raises(TemplateError) as exc:
        publish(path, registry, version="1.0.0", language="nb")
    assert exc.value.code == "no_identity"
    pub = publish(path, registry, template_id="kortplan", version="1.0.0", language="nb",
                  required_chapters=["Tiltaksplan"])
    assert latest("kortplan", "nb", folder=registry).required_chapters == ("Tiltaksplan",)
    assert template_identity(pub.path.read_bytes()) == ("kortplan", "1.0.0", "nb")
    assert list(registry.glob("*.docplan-tmp")) == []


def test_cli_publish(registry):
    runner = CliRunner()
    res = runner.invoke(main, ["template", "publish", str(NN), "--registry", str(registry), "--version", "1.2.1"])
    assert res.exit_code == 0 and "Publiserte rusplan-standard 1.2.1 (nn)" in res.output
    res = runner.invoke(main, ["template", "publish", str(NN), "--registry", str(registry), "--version", "1.2.1"])
    assert res.exit_code == 1 and "aldri overskrevet" in res.output


def test_docplan_check_warns_about_documents_from_an_older_version(registry, sample_plan, tmp_path, monkeypatch):
    import docplan.registry

    ctx = build_context(sample_plan)
    old_doc = tmp_path / "plan.docx"
    old_doc.write_bytes(CompiledTemplate(registry / NB.name).render(ctx))

    def outdated_findings() -> list[dict]:
        res = CliRunner().invoke(main, ["check", str(old_doc), "--format", "json"])
        return [f for f in json.loads(res.output)["findings"] if f["rule"] == "structure.outdated_template"]

    monkeypatch.setattr(docplan.registry, "default_registry_dir", lambda: registry)
    assert outdated_findings() == []
    publish(NB, registry, version="1.3.0")
    (finding,) = outdated_findings()
    assert "1.2.0" in finding["message"] and "1.3.0" in finding["message"]
