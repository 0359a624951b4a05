"""The rules on the plan's substance: alcohol policy against the law, old figures, user participation, named
persons as responsible and ended national plans."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from check_fixtures import example_raw, handwritten, ids, measure, write_yaml
from docplan.checks import RULES, run_checks
from docplan.checks.alcohol import latest_licence_end
from docplan.checks.national_plans import ended_plans
from docplan.checks.people import named_person
from docplan.loaders import validate_plan

TODAY = dt.date(2025, 6, 1)


def _plan(raw):
    return validate_plan(raw, {}, "plan.yaml", check_references=False)


def _muni(raw, number):
    return next(m for m in raw["municipalities"] if m["number"] == number)


def _policy(raw, number):
    return _muni(raw, number)["alcohol_policy"]


# -- each rule: the example's deliberate gap, and the fix that clears it ------------------------------

def _fix_sales(raw):
    _policy(raw, "3428")["sales_hours"]["before_holidays"] = "08:00-18:00"


def _fix_serving(raw):
    _policy(raw, "3423")["serving_hours"]["group_3"] = "13:00-24:00"


def _fix_controls(raw):
    _policy(raw, "3430")["controls_per_year"] = 24


def _fix_licence(raw):
    _policy(raw, "3425")["licence_period_end"] = "2028-09-30"


def _fix_figures(raw):
    raw["knowledge_base"]["indicators"][4]["values"].append({"year": 2024, "value": 3.0})


def _fix_person(raw):
    measure(raw, "T-15")["responsible"] = "Kommuneoverlegen i vertskommunen"


def _fix_guidance(raw):
    raw["plan"]["national_guidance"] = [g for g in raw["plan"]["national_guidance"] if "2016" not in g]


CASES = [
    ("alcohol.sales_hours", "3428", _fix_sales, "§ 3-7"),
    ("alcohol.serving_hours", "3423", _fix_serving, "§ 4-4"),
    ("alcohol.controls", "3430", _fix_controls, "§ 9-7"),
    ("alcohol.licence_period", "3425", _fix_licence, "§ 1-6"),
    ("knowledge.outdated_figures", "KB-5", _fix_figures, None),
    ("measures.responsible_is_person", "T-15", _fix_person, None),
    ("structure.ended_national_plan", "Opptrappingsplanen for rusfeltet (2016–2020)", _fix_guidance, None),
]


@pytest.mark.parametrize("rule_id,subject,fix,law", CASES, ids=[c[0] for c in CASES])
def test_each_rule_finds_the_examples_gap_and_not_the_fixed_data(tmp_path, rule_id, subject, fix, law):
    found = run_checks(data=write_yaml(tmp_path, example_raw(), "plan.yaml"), only=[rule_id], today=TODAY)
    assert ids(found, rule_id) == [subject]
    assert found[0].severity == RULES[rule_id].severity and found[0].location.line is not None
    if law:  # the law rules name the provision
        assert law in found[0].message
    raw = example_raw()
    fix(raw)
    assert run_checks(data=write_yaml(tmp_path, raw, "fixed.yaml"), only=[rule_id], today=TODAY) == []


def test_a_data_finding_points_at_the_line_of_the_value(tmp_path, example_path):
    [f] = run_checks(data=example_path, only=["alcohol.sales_hours"], today=TODAY)
    line = example_path.read_text("utf-8").splitlines()[f.location.line - 1]
    assert "19:00" in line


def test_with_a_rendered_document_the_finding_points_at_the_municipalitys_row(tmp_path, example_path):
    from docplan.render import render_plan

    doc = render_plan(_plan(example_raw()))
    [f] = run_checks(document=doc, data=example_path, only=["alcohol.controls"], today=TODAY)
    from docplan.checks.docview import read_document

    view = read_document(doc)
    assert view.paragraphs[f.location.paragraph].text == "Os"
    assert f.chapter and "Alkoholpolitikk" in f.chapter


# -- the law, for any hours -----------------------------------------------------------------------------

TIMES = st.tuples(st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))


def _clock(t):
    return f"{t[0]:02d}:{t[1]:02d}"


def _minutes(start, end):
    a, b = start[0] * 60 + start[1], end[0] * 60 + end[1]
    return a, (b if b > a else b + 24 * 60)


def _one_municipality(policy) -> dict:
    raw = example_raw()
    raw["municipalities"] = [dict(_muni(raw, "3427"), alcohol_policy=policy)]
    raw["measures"], raw["goals"] = [], []
    return raw


@settings(max_examples=60, deadline=None)
@given(start=TIMES, end=TIMES, kind=st.sampled_from(["weekdays", "before_holidays"]))
def test_sales_hours_are_flagged_exactly_when_they_end_later_than_the_law_allows(start, end, kind):
    raw = _one_municipality({"sales_hours": {kind: f"{_clock(start)}-{_clock(end)}"}})
    found = run_checks(data=_plan(raw), only=["alcohol.sales_hours"], today=TODAY)
    a, b = _minutes(start, end)
    beyond = b > (20 * 60 if kind == "weekdays" else 18 * 60)
    assert bool(found) == beyond, (start, end, kind)


@settings(max_examples=60, deadline=None)
@given(start=TIMES, end=TIMES, group=st.sampled_from(["group_1_2", "group_3"]),
       day=st.sampled_from([None, "fredag_lørdag", "uteservering"]))
def test_serving_hours_are_flagged_exactly_when_they_leave_the_serving_day_of_the_law(start, end, group, day):
    hours = f"{_clock(start)}-{_clock(end)}"
    value = hours if day is None else {"default": "13:00-24:00", day: hours}
    raw = _one_municipality({"serving_hours": {group: value}})
    found = run_checks(data=_plan(raw), only=["alcohol.serving_hours"], today=TODAY)
    a, b = _minutes(start, end)
    earliest = 6 * 60 if group == "group_1_2" else 13 * 60
    outside = a < earliest or b > 27 * 60
    assert bool(found) == outside, (hours, group, day)
    if outside and day:
        assert "fredag og lørdag" in found[0].message or "uteservering" in found[0].message


@settings(max_examples=40, deadline=None)
@given(sales=st.integers(0, 30), serving=st.integers(0, 30), planned=st.integers(0, 200))
def test_planned_controls_are_flagged_when_fewer_than_three_per_licensed_place(sales, serving, planned):
    raw = _one_municipality({"outlets": {"sales": sales, "serving": serving}, "controls_per_year": planned})
    found = run_checks(data=_plan(raw), only=["alcohol.controls"], today=TODAY)
    assert bool(found) == (planned < 3 * (sales + serving))
    if found:
        assert str(3 * (sales + serving)) in found[0].message
        assert ("færre enn én kontroll per sted" in found[0].message) == (planned < sales + serving)


@settings(max_examples=40, deadline=None)
@given(start=st.integers(2020, 2040), end=st.dates(dt.date(2020, 1, 1), dt.date(2050, 12, 31)))
def test_licence_periods_are_flagged_when_they_end_after_30_september_the_year_after_the_next_election(start, end):
    raw = _one_municipality({"licence_period_end": end.isoformat()})
    raw["plan"]["period"] = {"start_year": start, "end_year": start + 3}
    found = run_checks(data=_plan(raw), only=["alcohol.licence_period"], today=TODAY)
    election = next(y for y in range(start, start + 4) if (y - 2023) % 4 == 0)
    assert bool(found) == (end > dt.date(election + 1, 9, 30))
    assert latest_licence_end(start) == dt.date(election + 1, 9, 30)


def test_closed_days_and_a_range_over_midnight_are_read_as_the_law_reads_them():
    raw = _one_municipality({"serving_hours": {"group_1_2": {"default": "10:00-02:00", "17_mai": "stengt"}},
                             "sales_hours": {"weekdays": "08:00-20:00", "before_holidays": "stengt"}})
    assert run_checks(data=_plan(raw), only=["alcohol.serving_hours", "alcohol.sales_hours"], today=TODAY) == []


def test_check_messages_are_written_in_nynorsk_when_asked():
    [f] = run_checks(data=_plan(example_raw()), only=["alcohol.sales_hours"], today=TODAY, lang="nn")
    assert "går ut over alkohollova § 3-7" in f.message and "før sun- og heilagdagar" in f.message


# -- figures, participation, persons, national plans ----------------------------------------------------

def test_figures_are_old_when_the_newest_is_more_than_three_years_before_today(example_path):
    rule = "knowledge.outdated_figures"
    assert ids(run_checks(data=example_path, only=[rule], today=dt.date(2022, 1, 1)), rule) == []
    assert ids(run_checks(data=example_path, only=[rule], today=dt.date(2023, 1, 1)), rule) == ["KB-5"]
    late = ids(run_checks(data=example_path, only=[rule], today=dt.date(2028, 1, 1)), rule)
    assert set(late) == {"KB-1", "KB-2", "KB-3", "KB-4", "KB-5"}


def test_a_plan_without_user_participation_gets_a_note(tmp_path):
    rule = "participation.no_user_participation"
    raw = example_raw()
    assert run_checks(data=write_yaml(tmp_path, raw), only=[rule], today=TODAY) == []
    raw["organisation"]["participation"] = [p for p in raw["organisation"]["participation"]
                                            if p["group"] != "brukere"]
    [f] = run_checks(data=write_yaml(tmp_path, raw, "uten.yaml"), only=[rule], today=TODAY)
    assert f.severity.value == "info" and "brukere" in f.message
    raw["organisation"]["participation"].append({"group": "brukarar", "who": "Brukarrådet"})  # nynorsk value
    assert run_checks(data=write_yaml(tmp_path, raw, "nn.yaml"), only=[rule], today=TODAY) == []
    raw.pop("organisation")
    assert ids(run_checks(data=write_yaml(tmp_path, raw, "ingen.yaml"), only=[rule], today=TODAY), rule) == \
        ["medvirkning"]


@pytest.mark.parametrize("text, person", [
    ("Per Hansen", "Per Hansen"),
    ("Rusforum Østerdalen v/ Kari Nordmann", "Kari Nordmann"),
    ("Helsesykepleier Ole-Martin Berg", "Ole-Martin Berg"),
    ("Leder NAV Åmot (Anne Marie Solheim)", "Anne Marie Solheim"),
    ("Leder NAV Åmot", None),
    ("Rektor, Rendalen skole", None),
    ("Kultursjef, Tynset kommune", None),
    ("Rusforum Østerdalen v/ plankoordinator", None),
    ("Psykisk helse og rus, Tynset kommune", None),
    ("Sykehuset Innlandet HF", None),
    ("Tynset Frivilligsentral", None),
    ("Statsforvalteren i Innlandet", None),
    ("KoRus Øst", None),
    ("Kommunalsjef helse og omsorg, Engerdal kommune", None),
    ("", None),
])
def test_a_named_person_is_told_from_a_role_or_unit(text, person):
    assert named_person(text) == person


@pytest.mark.parametrize("text, year, expected", [
    ("Planen bygger på Opptrappingsplanen for rusfeltet (2016–2020).", 2025,
     [("Opptrappingsplanen for rusfeltet (2016–2020)", 2020)]),
    ("I tråd med opptrappingsplanen for rusfeltet skal kommunen …", 2025,
     [("Opptrappingsplanen for rusfeltet (2016–2020)", 2020)]),
    ("Arbeidet bygde på Opptrappingsplan for rusfeltet 2007-2010.", 2025,
     [("Opptrappingsplan for rusfeltet 2007-2010", 2010)]),
    ("Nasjonal strategi for boligsosialt arbeid (2014–2020)", 2025,
     [("Nasjonal strategi for boligsosialt arbeid (2014–2020)", 2020)]),
    ("Regjeringens handlingsplan mot spillproblemer (2022–2025)", 2025, []),
    ("Regjeringens handlingsplan mot spillproblemer (2022–2025)", 2026,
     [("Regjeringens handlingsplan mot spillproblemer (2022–2025)", 2025)]),
    ("Opptrappingsplan for psykisk helse (2023–2033)", 2026, []),
    ("Rusmiddelpolitisk handlingsplan for Tynset 2016–2020", 2026, []),
    ("Kommuneplanens samfunnsdel 2012–2024", 2026, []),
])
def test_ended_national_plans_are_recognised_by_name_and_period(text, year, expected):
    assert ended_plans(text, year) == expected


def test_a_document_that_refers_to_an_ended_national_plan_gets_a_finding_at_that_paragraph():
    from docplan.checks.docview import read_document

    doc = handwritten(paragraphs=("Planen bygger på Opptrappingsplanen for rusfeltet (2016–2020).",
                                  "Den bygger også på Opptrappingsplan for psykisk helse (2023–2033)."))
    [f] = run_checks(document=doc, only=["structure.ended_national_plan"], today=TODAY)
    assert "2016–2020" in read_document(doc).paragraphs[f.location.paragraph].text
