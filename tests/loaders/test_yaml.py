"""YAML plan files: every problem reported at its line and column, in Norwegian."""

from __future__ import annotations

import textwrap

import pytest

import docplan.loaders as loaders
from docplan.errors import DataError
from docplan.loaders import load_plan

BASE = """\
plan:
  id: P
  title: "Plan"
  period: {start_year: 2024, end_year: 2027}
municipalities:
  - number: "3427"
    name: Tynset
goals:
  - id: HM-1
    title: Mål
    sub_goals:
      - id: DM-1.1
        title: Delmål
measures:
  - id: T-01
    title: Tiltak
    goal_ids: [DM-1.1]
    cost_nok: 1000
"""


def write(tmp_path, text, name="plan.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(exc: DataError) -> list[str]:
    return [p.format() for p in exc.problems] or [exc.format()]


def test_minimal_plan_loads(tmp_path):
    plan = load_plan(write(tmp_path, BASE))
    assert plan.measures[0].goal_ids == ["DM-1.1"]
    assert plan.municipalities[0].name == "Tynset"


def test_wrong_type_is_reported_at_its_line_and_column(tmp_path):
    path = write(tmp_path, BASE.replace("cost_nok: 1000", "cost_nok: mye"))
    with pytest.raises(DataError) as err:
        load_plan(path)
    (line,) = problems(err.value)
    assert "linje 18, kolonne 5" in line
    assert "tiltak T-01" in line and "cost_nok" in line and "heltall" in line


def test_every_problem_is_reported_not_just_the_first(tmp_path):
    text = BASE.replace("cost_nok: 1000", "cost_nok: mye\n    deadline: 2025-13-40\n    status: ferdig") \
        .replace("goal_ids: [DM-1.1]", "goal_ids: [DM-9.9]") \
        .replace('number: "3427"', 'number: "9999"')
    with pytest.raises(DataError) as err:
        load_plan(write(tmp_path, text))
    lines = problems(err.value)
    joined = "\n".join(lines)
    assert len(lines) == 5, joined
    assert "heltall" in joined and "dato" in joined and "må være en av" in joined
    assert "DM-9.9" in joined and "9999" in joined
    assert all("plan.yaml, linje" in line for line in lines)


def test_unknown_field_suggests_a_typo(tmp_path):
    with pytest.raises(DataError) as err:
        load_plan(write(tmp_path, BASE + "    responsibel: NAV\n"))
    (line,) = problems(err.value)
    assert "responsibel" in line and "skrivefeil" in line and "linje 19" in line


def test_duplicate_ids_are_errors(tmp_path):
    text = BASE + "  - id: T-01\n    title: Igjen\n"
    with pytest.raises(DataError) as err:
        load_plan(write(tmp_path, text))
    (line,) = problems(err.value)
    assert "T-01" in line and "unik" in line and "linje 19" in line


def test_duplicate_keys_are_errors_not_silently_merged(tmp_path):
    with pytest.raises(DataError) as err:
        load_plan(write(tmp_path, BASE.replace("  title: \"Plan\"\n", "  title: \"Plan\"\n  title: \"Annen\"\n")))
    assert "to ganger" in err.value.format() and "linje 4" in err.value.format()


def test_reference_problems_can_be_left_to_the_checker(tmp_path):
    path = write(tmp_path, BASE.replace("goal_ids: [DM-1.1]", "goal_ids: [DM-9.9]"))
    with pytest.raises(DataError):
        load_plan(path)
    assert load_plan(path, check_references=False).measures[0].goal_ids == ["DM-9.9"]


@pytest.mark.parametrize("text, needle", [
    ("", "tom"),
    ("   \n\n", "tom"),
    ("plan: [unclosed\n", "YAML"),
    ("plan:\n\tid: x\n", "tabulator"),
    ("!!python/object/apply:os.system ['echo hi']\n", "ulovlig YAML-tagg"),
    ("- just\n- a list\n", "feltene"),
])
def test_bad_files_give_clear_errors(tmp_path, text, needle):
    with pytest.raises(DataError) as err:
        load_plan(write(tmp_path, text))
    assert needle in err.value.format()


def test_binary_garbage_is_refused(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_bytes(bytes(range(256)) * 10)
    with pytest.raises(DataError) as err:
        load_plan(path)
    assert "binær" in err.value.message


def test_huge_file_is_refused_before_parsing(tmp_path, monkeypatch):
    monkeypatch.setattr(loaders, "MAX_DATA_BYTES", 1000)
    path = write(tmp_path, BASE + "#" * 2000)
    with pytest.raises(DataError) as err:
        load_plan(path)
    assert err.value.code == "too_large"


def test_alias_bomb_is_refused(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    with pytest.raises(DataError) as err:
        load_plan(write(tmp_path, "\n".join(lines) + "\n"))
    assert err.value.code == "too_complex"


def test_missing_file_and_unknown_suffix(tmp_path):
    with pytest.raises(DataError, match="finnes ikke"):
        load_plan(tmp_path / "nope.yaml")
    (tmp_path / "plan.txt").write_text("x")
    with pytest.raises(DataError, match="ukjent filtype"):
        load_plan(tmp_path / "plan.txt")


def test_example_dataset_loads(example_path):
    plan = load_plan(example_path)
    assert len(plan.municipalities) == 9
    assert len(plan.measures) == 20
    assert plan.resolve_kp_ref("3424:KP-5.2").master_plan.status == "erstattet"


@pytest.mark.parametrize("written", ["0301", '"0301"', "'0301'"])
def test_a_kommunenummer_with_a_leading_zero_is_read_as_written(tmp_path, written):
    text = BASE.replace('number: "3427"', f"number: {written}").replace("    name: Tynset", "    name: Oslo") \
        .replace('  title: "Plan"\n', f'  title: "Plan"\n  host_municipality: {written}\n') \
        .replace("    cost_nok: 1000\n", f"    cost_nok: 1000\n    scope: lokal\n    municipalities: [{written}]\n")
    plan = load_plan(write(tmp_path, text))
    assert plan.municipalities[0].number == "0301"
    assert plan.info.host_municipality == "0301"
    assert plan.measures[0].municipalities == ["0301"]


@pytest.mark.parametrize("written", ["301", "3_427", "0x0D63", "3427.0", "34270"])
def test_a_kommunenummer_that_is_not_four_digits_is_an_error_not_a_conversion(tmp_path, written):
    with pytest.raises(DataError) as err:
        load_plan(write(tmp_path, BASE.replace('number: "3427"', f"number: {written}")))
    (line,) = problems(err.value)
    assert "fire sifre" in line and "linje 6" in line


def test_a_kommunenummer_in_a_measure_and_as_host_is_read_as_text(tmp_path):
    text = BASE.replace('  title: "Plan"\n', '  title: "Plan"\n  host_municipality: 301\n') \
        .replace("    cost_nok: 1000\n", "    cost_nok: 1000\n    scope: lokal\n    municipalities: [3427, 0301]\n")
    with pytest.raises(DataError) as err:
        load_plan(write(tmp_path, text))
    lines = problems(err.value)
    assert any("linje 4" in line and "host_municipality" in line and "fire sifre" in line for line in lines), lines
    assert any("linje 21" in line and "«0301»" in line for line in lines), lines
    assert not any("0193" in line or "193" in line for line in lines), lines


@pytest.mark.parametrize("escaped, code", [("\\a", "U+0007"), ("\\f", "U+000C"), ("\\0", "U+0000"),
                                           ("\\e", "U+001B"), ("\\uFFFE", "U+FFFE"), ("\\uFFFF", "U+FFFF")])
def test_a_control_character_in_a_text_is_an_error_at_its_line(tmp_path, escaped, code):
    text = BASE.replace("    title: Tiltak\n", f'    title: "Til{escaped}tak"\n')
    with pytest.raises(DataError) as err:
        load_plan(write(tmp_path, text))
    (line,) = problems(err.value)
    assert "linje 16, kolonne 5" in line and code in line and "tiltak T-01" in line


def test_a_control_character_at_the_end_of_a_text_is_not_stripped_away(tmp_path):
    with pytest.raises(DataError) as err:
        load_plan(write(tmp_path, BASE.replace("    title: Mål\n", '    title: "Mål\\v"\n')))
    assert "U+000B" in problems(err.value)[0]


def test_tab_and_line_breaks_in_a_text_are_kept(tmp_path):
    plan = load_plan(write(tmp_path, BASE.replace("    title: Tiltak\n", '    title: "Til\\ttak\\r\\nlinje 2"\n')))
    assert plan.measures[0].title == "Til\ttak\r\nlinje 2"


def test_a_text_over_the_limit_is_an_error_at_its_line_and_one_at_the_limit_is_kept(tmp_path):
    from docplan.model import MAX_TEXT_CHARS

    at_limit = "x" * MAX_TEXT_CHARS
    plan = load_plan(write(tmp_path, BASE + f"    text: {at_limit}\n"))
    assert plan.measures[0].text == at_limit
    with pytest.raises(DataError) as err:
        load_plan(write(tmp_path, BASE + f"    partners: [NAV, {at_limit}y]\n"))
    (line,) = problems(err.value)
    assert "linje 19, kolonne 21" in line and "for lang" in line
