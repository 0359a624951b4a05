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


def test_a_duplicate_key_is_refused_with_the_key_and_its_line(tmp_path):
    text = '{\n  "plan": {\n    "id": "P",\n    "title": "Plan",\n    "title": "Annen plan"\n  }\n}\n'
    path = tmp_path / "plan.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_plan(path)
    (problem,) = err.value.problems
    assert "«title»" in problem.message and "to ganger" in problem.message and "linje 4" in problem.message
    assert (problem.location.line, problem.location.column) == (5, 5)


def test_every_duplicate_key_is_reported_at_its_own_line(tmp_path, example_path):
    data = json.loads(example_json(example_path))
    text = json.dumps(data, ensure_ascii=False, indent=2)
    lines = text.splitlines()
    cost = next(i for i, line in enumerate(lines) if '"cost_nok"' in line)
    name = next(i for i, line in enumerate(lines) if '"name": "Tynset"' in line)
    lines.insert(cost + 1, lines[cost])
    lines.insert(name + 1, lines[name].replace("Tynset", "Tolga"))
    path = tmp_path / "plan.json"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_plan(path)
    assert sorted(p.location.line for p in err.value.problems) == [name + 2, cost + 3]
    assert {p.code for p in err.value.problems} == {"duplicate_key"}


def test_the_same_key_in_different_objects_is_fine(tmp_path, example_path):
    path = tmp_path / "plan.json"
    path.write_text(example_json(example_path), encoding="utf-8")
    assert len(load_plan(path).measures) == 20


@pytest.mark.parametrize("raw_text", [False, True])
def test_positions_are_found_for_texts_yaml_could_not_read(tmp_path, raw_text):
    # U+FFFE and C1 controls are valid in JSON strings but not in a YAML stream; the old
    # YAML-based positions lost every line number for such a file.
    data = {"plan": {"id": "P", "title": "Plan\u0085\ufffe", "period": {"start_year": 2024, "end_year": 2027}},
            "municipalities": [{"number": "3427", "name": "Tynset"}],
            "measures": [{"id": "T-01", "title": "Tiltak", "cost_nok": "mye"}]}
    text = json.dumps(data, ensure_ascii=not raw_text, indent=1)
    path = tmp_path / "plan.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_plan(path)
    by_field = {p.message.split(":")[0]: p.location.line for p in err.value.problems}
    lines = text.split("\n")
    assert by_field["felt «title»"] == next(i for i, line in enumerate(lines, 1) if '"title": "Plan' in line)
    assert by_field["tiltak T-01, felt «cost_nok»"] == next(i for i, line in enumerate(lines, 1) if "mye" in line)


def test_a_number_with_too_many_digits_is_a_norwegian_error(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text('{"plan": {"budget_total_nok": ' + "9" * 5000 + "}}", encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_plan(path)
    assert "for mange sifre" in err.value.message


def test_a_kommunenummer_as_a_json_number_without_four_digits_is_not_padded(tmp_path, example_path):
    data = json.loads(example_json(example_path))
    data["municipalities"][0]["number"] = 301
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_plan(path)
    assert any("fire sifre" in p.message and '"0301"' in p.message for p in err.value.problems)
