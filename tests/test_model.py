"""The plan model: validation rules and properties that hold for any text."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from docplan.errors import DataError
from docplan.loaders.yamlfile import parse_yaml
from docplan.loaders import validate_plan
from docplan.model import MAX_TEXT_CHARS, KpRef, Plan, check_text, reference_problems
from docplan.render import format_nok, format_years

TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60).map(str.strip).filter(bool)


def base(**measure) -> dict:
    m = {"id": "T-01", "title": "Tiltak", "goal_ids": ["DM-1.1"], **measure}
    return {
        "plan": {"id": "P", "title": "Plan", "period": {"start_year": 2024, "end_year": 2027}},
        "municipalities": [{"number": "3427", "name": "Tynset"}, {"number": "3428", "name": "Alvdal"}],
        "goals": [{"id": "HM-1", "title": "Mål", "sub_goals": [{"id": "DM-1.1", "title": "Delmål"}]}],
        "measures": [m],
    }


@settings(max_examples=60, deadline=None)
@given(title=TEXT, responsible=TEXT)
def test_any_text_round_trips_through_yaml_unchanged(title, responsible):
    raw = base(title=title, responsible=responsible)
    text = yaml.safe_dump(raw, allow_unicode=True)
    data, positions = parse_yaml(text, "p.yaml")
    plan = validate_plan(data, positions, "p.yaml")
    assert plan.measures[0].title == title.strip()
    assert plan.measures[0].responsible == responsible.strip()


@given(number=st.sampled_from(["3427", "0301", "5601"]), item=st.from_regex(r"[A-Z]{1,3}-\d(\.\d){0,2}", fullmatch=True))
def test_kp_refs_parse_and_format_back(number, item):
    ref = KpRef.parse(f"{number}:{item}")
    assert (ref.municipality, ref.item_id) == (number, item)
    assert str(ref) == f"{number}:{item}"


def test_local_measure_needs_municipalities_and_refs_need_a_municipality():
    plan = Plan.model_validate(base(scope="lokal", kp_refs=["KP-1.1", "0301:KP-2"]))
    messages = [m for _, m in reference_problems(plan)]
    assert any("lokalt" in m for m in messages)
    assert any("kommunenummer foran" in m for m in messages)
    assert any("0301" in m and "ikke er med i planen" in m for m in messages)


def test_municipality_name_must_match_number():
    raw = base()
    raw["municipalities"][0]["name"] = "Oslo"
    messages = [m for _, m in reference_problems(Plan.model_validate(raw))]
    assert any("Oslo" in m and "Tynset" in m for m in messages)


def test_bilingual_official_names_are_accepted():
    raw = base()
    raw["municipalities"] = [{"number": "5601", "name": "Alta"}]
    raw["measures"][0]["goal_ids"] = ["DM-1.1"]
    assert reference_problems(Plan.model_validate(raw)) == []


def test_resolve_kp_ref_prefers_the_current_master_plan(sample_plan):
    resolved = sample_plan.resolve_kp_ref("3427:KP-3.2")
    assert resolved.item.title == "Forebygging og tidlig innsats"
    assert sample_plan.resolve_kp_ref("3427:KP-9.9") is None
    assert sample_plan.resolve_kp_ref("not a ref: at all") is None


@given(st.lists(st.integers(2000, 2040), max_size=10))
def test_year_ranges_cover_exactly_the_given_years(years):
    text = format_years(years)
    covered = set()
    for part in filter(None, text.split(", ")):
        a, _, b = part.partition("–")
        covered |= set(range(int(a), int(b or a) + 1))
    assert covered == set(years)


@given(st.integers(0, 10**10))
def test_nok_formatting_keeps_the_amount(amount):
    text = format_nok(amount)
    assert text.endswith("\u00a0kr")
    assert int(text[:-3].replace("\u00a0", "")) == amount


def string_leaves(node, path=()):
    """Yield the data path of every text value in raw plan data."""
    if isinstance(node, str):
        yield path
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from string_leaves(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from string_leaves(value, (*path, i))


def test_a_control_character_in_any_text_of_the_example_is_refused_at_its_line(example_path):
    import copy

    data, positions = parse_yaml(example_path.read_text("utf-8"), "p.yaml")
    leaves = list(string_leaves(data))
    assert len(leaves) > 300
    for path in leaves:
        raw = copy.deepcopy(data)
        node = raw
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = node[path[-1]] + "\x07"
        try:
            validate_plan(raw, positions, "p.yaml")
        except DataError as exc:
            assert positions[path] in [p.location for p in exc.problems], (path, exc.format())
        else:
            raise AssertionError(f"{path}: a text with U+0007 was accepted")


def test_check_text_names_the_character_and_its_place():
    with pytest.raises(ValueError, match=r"U\+0007 \(BEL\) på plass 4"):
        check_text("abc\adef")
    with pytest.raises(ValueError, match=r"U\+D800"):
        check_text("x\ud800")
    with pytest.raises(ValueError, match="for lang"):
        check_text("x" * (MAX_TEXT_CHARS + 1))
    text = "tab\tog\r\nlinjeskift, {{ x }} & <b> \u202e\U0001F600"
    assert check_text(text) is text


@pytest.mark.parametrize("value, expected", [(3427, "3427"), ("3427", "3427"), (" 0301 ", "0301")])
def test_a_four_digit_kommunenummer_is_kept_as_text(value, expected):
    raw = base()
    raw["municipalities"][0]["number"] = value
    assert Plan.model_validate(raw).municipalities[0].number == expected


@pytest.mark.parametrize("value, needle", [(301, '"0301"'), (True, "fire sifre"), (3427.0, "fire sifre"),
                                           ("301", "fire sifre"), ("3427\x07", "U+0007"), (-3427, "fire sifre")])
def test_a_kommunenummer_that_is_not_four_digits_is_refused_not_padded(value, needle):
    raw = base()
    raw["municipalities"][0]["number"] = value
    raw["plan"]["host_municipality"] = value
    raw["measures"][0]["municipalities"] = [value]
    with pytest.raises(ValidationError) as err:
        Plan.model_validate(raw)
    locs = {e["loc"] for e in err.value.errors()}
    assert {("municipalities", 0, "number"), ("plan", "host_municipality"), ("measures", 0, "municipalities", 0)} <= locs
    assert all(needle in str(e["ctx"]["error"]) for e in err.value.errors())
