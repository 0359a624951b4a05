"""Each data rule: a fixture that triggers it and one that does not (example data with one change)."""

from __future__ import annotations

import datetime as dt

import pytest

from check_fixtures import example_raw, ids, measure, write_yaml
from docplan.checks import RULES, run_checks

TODAY = dt.date(2025, 6, 1)


def _set(path, value):
    def change(raw):
        node = raw
        for key in path[:-1]:
            node = measure(raw, key) if isinstance(key, str) and key.startswith("T-") else node[key]
        node[path[-1]] = value
    return change


def _both(*changes):
    def change(raw):
        for c in changes:
            c(raw)
    return change


def _swap_first_measures(raw):
    raw["measures"][0], raw["measures"][1] = raw["measures"][1], raw["measures"][0]


def _duplicate_id(raw):
    raw["measures"][1]["id"] = raw["measures"][0]["id"]


def _adopt_os(raw):
    raw["municipalities"][-1]["adoption"] = {"body": "kommunestyret", "date": "2024-11-01", "case_no": "PS 1/24",
                                            "status": "vedtatt"}


def _budget(value):
    def change(raw):
        if value is None:  # the measures' cost over the plan period, a cost «per år» once per year
            from docplan.loaders import validate_plan

            value_now = validate_plan(raw, {}, "plan.yaml", check_references=False).total_cost_nok()
        raw["plan"]["budget_total_nok"] = value if value is not None else value_now
    return change


def _same(raw):
    return None


# rule id, change that triggers it (None: the example already does), subject expected, change that clears it
CASES = [
    ("measures.without_goal", None, "T-20", _set(("T-20", "goal_ids"), ["DM-1.1"])),
    ("goals.without_measure", None, "DM-2.3", _set(("T-20", "goal_ids"), ["DM-2.3"])),
    ("measures.missing_responsible", None, "T-12", _set(("T-12", "responsible"), "Leder helsestasjonen")),
    ("measures.missing_funding", None, "T-17",
     _set(("T-17", "funding"), [{"source": "Driftsbudsjett", "amount_nok": 250000, "status": "innvilget"}])),
    ("measures.missing_deadline", _both(_set(("T-01", "years"), []), _set(("T-01", "deadline"), None)), "T-01", _same),
    ("measures.without_kp_ref", None, "T-12",
     _both(_set(("T-12", "kp_refs"), ["3427:KP-3.2"]), _set(("T-20", "kp_refs"), ["3427:KP-3.2"]))),
    ("measures.funding_mismatch", _set(("T-01", "cost_nok"), 100000), "T-01", _same),
    ("period.measure_outside_period", None, "T-14",
     _both(_set(("T-14", "years"), [2026, 2027]), _set(("T-14", "deadline"), "2027-06-30"))),
    ("references.outdated_kp", None, "T-19", _set(("T-19", "kp_refs"), ["3424:KP-2.2"])),
    ("references.unknown_goal", _set(("T-01", "goal_ids"), ["DM-9.9"]), "T-01", _same),
    ("references.dangling_kp", _set(("T-01", "kp_refs"), ["3427:KP-9.9"]), "T-01", _same),
    ("numbering.duplicate", _duplicate_id, "T-01", _same),
    ("numbering.out_of_order", _swap_first_measures, "T-01", _same),
    ("adoption.not_adopted_by_all", None, "3430", _adopt_os),
    ("economy.budget_mismatch", _budget(1), "budsjett", _budget(None)),
    ("period.council_term", _set(("plan", "period"), {"start_year": 2022, "end_year": 2025}), "planperiode", _same),
    ("period.licence_period_end", _set(("plan", "licence_period_end"), "2028-06-30"), "bevillingsperiode", _same),
]


@pytest.mark.parametrize("rule_id,trigger,subject,clear", CASES, ids=[c[0] for c in CASES])
def test_data_rule_triggers_on_fixture_and_not_on_fixed_data(tmp_path, rule_id, trigger, subject, clear):
    raw = example_raw()
    if trigger:
        trigger(raw)
    bad = run_checks(data=write_yaml(tmp_path, raw, "bad.yaml"), only=[rule_id], today=TODAY)
    assert subject in ids(bad, rule_id)
    assert all(f.rule == rule_id and f.severity == RULES[rule_id].severity for f in bad)

    raw = example_raw()
    clear(raw)
    good = run_checks(data=write_yaml(tmp_path, raw, "good.yaml"), only=[rule_id], today=TODAY)
    assert subject not in ids(good, rule_id)


def test_past_deadline_not_started_depends_on_today(example_path):
    late = run_checks(data=example_path, only=["measures.past_deadline_not_started"], today=TODAY)
    early = run_checks(data=example_path, only=["measures.past_deadline_not_started"], today=dt.date(2024, 1, 1))
    assert "T-04" in ids(late, "measures.past_deadline_not_started")
    assert early == []


def test_revision_is_overdue_after_the_plan_period(example_path):
    rule = "period.revision_overdue"
    assert ids(run_checks(data=example_path, only=[rule], today=dt.date(2029, 1, 1)), rule) == ["planperiode"]
    assert run_checks(data=example_path, only=[rule], today=TODAY) == []


def test_revision_is_overdue_when_adopted_before_the_sitting_council(tmp_path):
    raw = example_raw()
    raw["plan"]["period"] = {"start_year": 2024, "end_year": 2031}
    for m in raw["municipalities"]:
        m["adoption"] = {"body": "kommunestyret", "date": "2023-03-01", "status": "vedtatt"}
    found = run_checks(data=write_yaml(tmp_path, raw), only=["period.revision_overdue"], today=TODAY)
    assert [f.subject for f in found] == ["vedtak"]


def test_data_findings_point_at_the_yaml_line(example_path):
    found = run_checks(data=example_path, only=["measures.missing_responsible"])
    loc = found[0].location
    assert loc.file == str(example_path) and loc.line is not None
    text = example_path.read_text("utf-8").splitlines()[loc.line - 1]
    assert "T-12" in text


KNOWN_ISSUE_RULES = {
    "goal_without_measure": "goals.without_measure",
    "measure_without_goal": "measures.without_goal",
    "missing_responsible": "measures.missing_responsible",
    "missing_funding": "measures.missing_funding",
    "deadline_after_plan_period": "period.measure_outside_period",
    "outdated_master_plan_reference": "references.outdated_kp",
    "measure_without_master_plan_reference": "measures.without_kp_ref",
    "plan_not_adopted_by_all": "adoption.not_adopted_by_all",
    "sales_hours_beyond_law": "alcohol.sales_hours",
    "serving_hours_beyond_law": "alcohol.serving_hours",
    "too_few_controls": "alcohol.controls",
    "licence_period_beyond_law": "alcohol.licence_period",
    "outdated_figures": "knowledge.outdated_figures",
    "responsible_is_person": "measures.responsible_is_person",
    "ended_national_plan": "structure.ended_national_plan",
}


def test_checker_finds_every_known_issue_of_the_example(sample_plan, example_path):
    findings = run_checks(data=example_path, today=TODAY)
    assert {i.code for i in sample_plan.known_issues} == set(KNOWN_ISSUE_RULES)
    for issue in sample_plan.known_issues:
        rule_id = KNOWN_ISSUE_RULES[issue.code]
        assert RULES[rule_id].known_issue == issue.code
        subjects = set(ids(findings, rule_id))
        expected = {r for r in issue.refs if not r.startswith("3424:")}
        assert expected <= subjects, (issue.code, subjects)
