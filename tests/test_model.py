"""The plan model: validation rules and properties that hold for any text."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from docplan.loaders.yamlfile import parse_yaml
from docplan.loaders import validate_plan
from docplan.model import KpRef, Plan, reference_problems
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
