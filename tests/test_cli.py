"""The docplan CLI in-process (click's CliRunner): outputs, exit codes and Norwegian messages."""

from __future__ import annotations

import docx
import pytest
from click.testing import CliRunner

from testkit import docx_all_text
from docplan.cli import main


@pytest.fixture()
def run():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
    return invoke


@pytest.mark.parametrize("lang, heading", [("nb", "Innledning"), ("nn", "Innleiing")])
def test_render_standard_template(run, tmp_path, example_path, lang, heading):
    out = tmp_path / f"plan-{lang}.docx"
    result = run("render", example_path, "--standard", lang, "-o", out)
    assert result.exit_code == 0, result.output
    assert f"2 {heading}" in docx_all_text(out)


def test_render_with_pdf(run, tmp_path, example_path, soffice):
    out = tmp_path / "plan.docx"
    result = run("render", example_path, "-o", out, "--pdf")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "plan.pdf").read_bytes().startswith(b"%PDF")


def test_render_for_one_municipality(run, tmp_path, example_path):
    out = tmp_path / "tynset.docx"
    assert run("render", example_path, "--kommune", "3427", "-o", out).exit_code == 0
    assert "Ungdomsklubben på Tynset" in docx_all_text(out)
    result = run("render", example_path, "--kommune", "0301", "-o", tmp_path / "oslo.docx")
    assert result.exit_code == 2 and "0301" in result.output


def test_bad_data_exits_1_lists_problems_and_writes_nothing(run, tmp_path, example_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(example_path.read_text("utf-8").replace('goal_ids: ["DM-1.1"]', 'goal_ids: ["DM-8.8"]', 1)
                   .replace("cost_nok: 40000", "cost_nok: mange", 1), encoding="utf-8")
    out = tmp_path / "plan.docx"
    result = run("render", bad, "-o", out)
    assert result.exit_code == 1
    assert "DM-8.8" in result.output and "heltall" in result.output and "linje" in result.output
    assert "Traceback" not in result.output
    assert not out.exists() and list(tmp_path.iterdir()) == [bad]


def test_bad_template_exits_1_without_output(run, tmp_path, example_path):
    tpl = tmp_path / "mal.docx"
    d = docx.Document()
    d.add_paragraph("{{ plan.tittel }}")
    d.save(tpl)
    out = tmp_path / "plan.docx"
    result = run("render", example_path, "-t", tpl, "-o", out)
    assert result.exit_code == 1 and "tittel" in result.output and "avsnitt 1" in result.output
    assert not out.exists()


def test_template_and_standard_together_is_a_usage_error(run, tmp_path, example_path):
    result = run("render", example_path, "-t", tmp_path / "x.docx", "--standard", "nb", "-o", tmp_path / "o.docx")
    assert result.exit_code == 2


def test_validate_reports_counts_and_errors(run, tmp_path, example_path):
    ok = run("validate", example_path)
    assert ok.exit_code == 0 and "9 kommuner, 4 hovedmål, 11 delmål, 20 tiltak" in ok.output
    empty = tmp_path / "tom.yaml"
    empty.write_text("")
    result = run("validate", empty)
    assert result.exit_code == 1 and "tom" in result.output


def test_init_writes_starters_that_validate_and_refuses_to_overwrite(run, tmp_path):
    yaml_path, xlsx_path = tmp_path / "plan.yaml", tmp_path / "plan.xlsx"
    result = run("init", "--kommune", "4601", "-o", yaml_path, "--xlsx", xlsx_path, "--language", "nn")
    assert result.exit_code == 0, result.output
    assert "Bergen" in yaml_path.read_text("utf-8")
    assert run("validate", yaml_path).exit_code == 0
    assert run("validate", xlsx_path).exit_code == 0
    again = run("init", "--kommune", "4601", "-o", yaml_path)
    assert again.exit_code == 2 and "--force" in again.output
    assert run("init", "--kommune", "9999", "-o", tmp_path / "x.yaml").exit_code == 1


def test_debug_flag_shows_traceback(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["--debug", "validate", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1
    assert "Traceback" in result.output and "finnes ikke" in result.output


def test_help_everywhere(run):
    for args in ([], ["render"], ["validate"], ["init"]):
        result = run(*args, "--help")
        assert result.exit_code == 0 and "Avslutningskoder" in result.output


@pytest.mark.parametrize("name, content", [
    ("tom.yaml", b""),
    ("søppel.yaml", bytes(range(256)) * 40),
    ("søppel.xlsx", b"PK\x03\x04" + bytes(range(256)) * 40),
    ("liste.json", b"[1, 2, 3]"),
    ("stor.yaml", b"plan: x\n" + b"# fyll\n" * 400_000),
])
def test_bad_input_files_exit_1_with_a_message_and_no_output(run, tmp_path, monkeypatch, name, content):
    import docplan.loaders

    monkeypatch.setattr(docplan.loaders, "MAX_DATA_BYTES", 1024 * 1024)
    data = tmp_path / name
    data.write_bytes(content)
    out = tmp_path / "plan.docx"
    result = run("render", data, "-o", out)
    assert result.exit_code == 1
    assert result.output.startswith("Feil: ") and name in result.output
    assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_render_never_overwrites_its_inputs(run, tmp_path, example_path):
    data = tmp_path / "plan.yaml"
    data.write_bytes(example_path.read_bytes())
    result = run("render", data, "-o", data)
    assert result.exit_code == 2 and "inndatafila" in result.output
    assert data.read_bytes() == example_path.read_bytes()
    tpl = tmp_path / "mal.docx"
    run("render", data, "-o", tpl)
    before = tpl.read_bytes()
    result = run("render", data, "-t", tpl, "-o", tpl)
    assert result.exit_code == 2 and tpl.read_bytes() == before


@pytest.mark.parametrize("command", [
    ["check", "{doc}", "-o", "{doc}", "--fail-on", "never"],
    ["check", "{doc}", "--data", "{data}", "-o", "{data}", "--fail-on", "never"],
    ["extract", "{doc}", "-o", "{doc}"],
    ["kp", "import", "{doc}", "-o", "{doc}"],
    ["insert", "{doc}", "{data}", "--what", "goals", "--at-document-end", "-o", "{doc}"],
])
def test_no_command_overwrites_its_input(run, tmp_path, example_path, command):
    from docplan.loaders import load_plan
    from docplan.render import render_plan

    doc, data = tmp_path / "plan.docx", tmp_path / "plan.yaml"
    doc.write_bytes(render_plan(load_plan(example_path)))
    data.write_bytes(example_path.read_bytes())
    before = {p: p.read_bytes() for p in (doc, data)}
    result = run(*[a.format(doc=doc, data=data) for a in command])
    assert result.exit_code in (1, 2), result.output
    assert {p: p.read_bytes() for p in (doc, data)} == before
