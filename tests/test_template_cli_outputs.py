"""``template lint --fix -o`` and ``template schema -o`` follow the rule of every command that writes: never
over the input (by any name, a hard link too) and never over an existing file without ``--force`` (found
by tools/reliability.py)."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from docplan.cli import main
from templatefactory import good_template


@pytest.fixture()
def template(tmp_path):
    t = good_template()
    t.para("{{ plan.ti", "tle }}")  # a split tag, so --fix has something to write
    return t.save(tmp_path / "mal.docx")


def test_lint_fix_may_not_write_over_the_template_through_a_hard_link(tmp_path, template):
    link = tmp_path / "lenke.docx"
    os.link(template, link)
    before = template.read_bytes()
    for args in (["-o", str(link)], ["-o", str(link), "--force"]):
        res = CliRunner().invoke(main, ["template", "lint", str(template), "--fix", *args])
        assert res.exit_code == 2 and "inndatafila" in res.output, res.output
    assert template.read_bytes() == before


def test_lint_fix_replaces_an_existing_copy_only_with_force(tmp_path, template):
    out = tmp_path / "rettet.docx"
    out.write_bytes(b"planleggerens fil")
    res = CliRunner().invoke(main, ["template", "lint", str(template), "--fix", "-o", str(out)])
    assert res.exit_code == 2 and "--force" in res.output, res.output
    assert out.read_bytes() == b"planleggerens fil"
    res = CliRunner().invoke(main, ["template", "lint", str(template), "--fix", "-o", str(out), "--force"])
    assert res.exit_code == 0, res.output
    assert out.read_bytes().startswith(b"PK")


def test_schema_replaces_an_existing_file_only_with_force(tmp_path):
    out = tmp_path / "skjema.json"
    out.write_text("mitt eget skjema", "utf-8")
    res = CliRunner().invoke(main, ["template", "schema", "-o", str(out)])
    assert res.exit_code == 2 and "--force" in res.output, res.output
    assert out.read_text("utf-8") == "mitt eget skjema"
    res = CliRunner().invoke(main, ["template", "schema", "-o", str(out), "--force"])
    assert res.exit_code == 0, res.output
    assert json.loads(out.read_text("utf-8"))["$defs"]
