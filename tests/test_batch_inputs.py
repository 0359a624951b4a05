"""``docplan batch`` never writes over its own input: a data file or template kept in the output folder
under a name the batch writes, or a data folder used as the output folder, is refused (found by
tools/reliability.py)."""

from __future__ import annotations

import json
import shutil

import yaml
from click.testing import CliRunner

from docplan.batch import SUMMARY_NAME
from docplan.cli import main
from docplan.render import standard_template


def batch(*args: str):
    return CliRunner().invoke(main, ["batch", *args, "--kommune", "3427", "-j", "1"])


def test_a_template_named_like_an_output_in_the_output_folder_is_refused(tmp_path, example_path):
    out = tmp_path / "ut"
    out.mkdir()
    template = out / "3427-Tynset.docx"
    shutil.copy(standard_template("nb"), template)
    before = template.read_bytes()
    res = batch(str(example_path), "-t", str(template), "-o", str(out))
    assert res.exit_code == 2 and "utmappen" in res.output, res.output
    assert template.read_bytes() == before and sorted(p.name for p in out.iterdir()) == ["3427-Tynset.docx"]


def test_data_named_like_the_summary_in_the_output_folder_is_refused(tmp_path, example_path):
    out = tmp_path / "ut"
    out.mkdir()
    data = out / SUMMARY_NAME
    data.write_text(json.dumps(yaml.safe_load(example_path.read_text("utf-8")), default=str), "utf-8")
    before = data.read_bytes()
    res = batch(str(data), "-o", str(out))
    assert res.exit_code == 2 and "utmappen" in res.output, res.output
    assert data.read_bytes() == before


def test_the_data_folder_may_not_be_the_output_folder(tmp_path, example_path):
    folder = tmp_path / "planer"
    folder.mkdir()
    shutil.copy(example_path, folder / "plan.yaml")
    res = batch(str(folder), "-o", str(folder))
    assert res.exit_code == 2 and "datamappen" in res.output, res.output
    assert sorted(p.name for p in folder.iterdir()) == ["plan.yaml"]


def test_a_template_elsewhere_in_the_output_folder_is_fine(tmp_path, example_path):
    out = tmp_path / "ut"
    out.mkdir()
    template = out / "min-mal.docx"
    shutil.copy(standard_template("nb"), template)
    res = batch(str(example_path), "-t", str(template), "-o", str(out))
    assert res.exit_code == 0, res.output
    assert (out / "3427-Tynset.docx").is_file()
