"""JSON plan files: syntax errors and validation errors at line and column."""

from __future__ import annotations

import json

import pytest
import yaml

from docplan.errors import DataError
from docplan.loaders import load_plan


def example_json(example_path) -> str:
    data = yaml.safe_load(example_path.read_text("utf-8"))
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def test_example_as_json_loads_like_yaml(tmp_path, example_path):
    path = tmp_path / "plan.json"
    path.write_text(example_json(example_path), encoding="utf-8")
    assert load_plan(path) == load_plan(example_path)


def test_syntax_error_has_line_and_column(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text('{\n  "plan": {"id": "x",}\n}', encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_plan(path)
    assert err.value.location.line == 2
    assert "JSON" in err.value.message


def test_validation_error_points_into_the_json(tmp_path, example_path):
    text = example_json(example_path).replace('"cost_nok": 40000', '"cost_nok": "førti tusen"', 1)
    path = tmp_path / "plan.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_plan(path)
    (problem,) = err.value.problems
    line_no = next(i for i, line in enumerate(text.splitlines(), 1) if "førti tusen" in line)
    assert problem.location.line == line_no
    assert "T-01" in problem.message
