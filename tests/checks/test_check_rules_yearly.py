"""Rules on the yearly cycle: reports on measures, indicator values for the report year, a changed kommuneplan."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from docplan.checks import run_checks
from docplan.loaders import load_raw, validate_plan
from testkit import EXAMPLE

TODAY = dt.date(2026, 2, 1)
YEARLY = ["reports.done_without_text", "reports.overspent", "reports.missing_indicator_value"]


def example_raw() -> dict:
    return copy.deepcopy(load_raw(EXAMPLE)[0])


def measure(raw, ident):
    return next(m for m in raw["measures"] if m["id"] == ident)


def findings(raw, only, lang=None, tmp_path=None):
    if tmp_path is not None:
        path = tmp_path / "plan.yaml"
        path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return run_checks(data=path, only=only, today=TODAY, lang=lang)
    return run_checks(data=validate_plan(raw, {}, "plan.yaml", check_references=False), only=only, today=TODAY,
                      lang=lang)


def report(raw, ident, **fields):
    m = measure(raw, ident)
    m.pop("status", None)
    m["reports"] = [{"year": 2025, "status": "pågår", **fields}]
    return m


def test_a_plan_without_reports_gets_no_report_findings():
    assert findings(example_raw(), YEARLY) == []


def test_done_before_a_later_deadline_without_text_is_found_at_its_line(tmp_path):
    raw = example_raw()
    m = report(raw, "T-01", status="gjennomført")
    assert m["deadline"].year > 2025
    [f] = findings(raw, ["reports.done_without_text"], tmp_path=tmp_path)
    assert f.subject == "T-01" and "gjennomført i 2025" in f.message and "30.06.2027" in f.message
    assert f.location.file.endswith("plan.yaml") and f.location.line is not None
    written = (tmp_path / "plan.yaml").read_text(encoding="utf-8").splitlines()
    assert "year: 2025" in written[f.location.line - 1] or "reports" in written[f.location.line - 2]


@pytest.mark.parametrize("change", [{"done": "Kurs holdt for alle ansatte."}, {"status": "pågår"}])
def test_done_with_text_or_not_done_is_not_found(change):
    raw = example_raw()
    report(raw, "T-01", **{"status": "gjennomført", **change})
    assert findings(raw, ["reports.done_without_text"]) == []


def test_done_when_the_deadline_was_that_year_is_not_found():
    raw = example_raw()
    m = report(raw, "T-01", status="gjennomført")
    m["deadline"] = dt.date(2025, 6, 30)
    assert findings(raw, ["reports.done_without_text"]) == []


def test_spent_much_above_planned_names_both_amounts_and_the_share():
    raw = example_raw()
    m = report(raw, "T-02", spent_nok=45_000)
    assert m["cost_nok"] == 15_000 and m["cost_basis"] == "per år"
    [f] = findings(raw, ["reports.overspent"])
    assert "45\u00a0000\u00a0kr" in f.message and "15\u00a0000\u00a0kr" in f.message and "300 %" in f.message


@pytest.mark.parametrize("spent", [22_500, 24_000])
def test_spent_up_to_one_and_a_half_times_or_within_ten_thousand_is_not_found(spent):
    raw = example_raw()
    report(raw, "T-02", spent_nok=spent)
    assert findings(raw, ["reports.overspent"]) == []


def test_spent_in_a_year_with_nothing_planned_is_found():
    raw = example_raw()
    m = report(raw, "T-01", spent_nok=50_000)
    assert 2025 not in m["years"]
    [f] = findings(raw, ["reports.overspent"])
    assert "ingen kostnad var planlagt" in f.message


def test_indicator_values_missing_for_the_report_year_are_found_per_goal():
    raw = example_raw()
    report(raw, "T-02")
    with_indicator = [g["id"] for g in raw["goals"] if g.get("indicator")]
    assert with_indicator
    raw["goals"][0]["indicator"]["values"] = [{"year": 2025, "value": 14.5}]
    found = findings(raw, ["reports.missing_indicator_value"])
    assert sorted(f.subject for f in found) == sorted(with_indicator[1:])
    assert all("2025" in f.message for f in found)


def test_a_replaced_kommuneplan_explains_the_three_formal_options():
    [f] = findings(example_raw(), ["references.kp_changed"])
    assert f.municipality == "3424" and "T-19" in f.message
    for option in ("rulleres samtidig med kommuneplanen", "planendring", "prinsippvedtak"):
        assert option in f.fix


def test_report_findings_are_written_in_nynorsk_for_a_nynorsk_reader():
    raw = example_raw()
    report(raw, "T-01", status="gjennomført", spent_nok=90_000)
    found = {f.rule: f for f in findings(raw, [*YEARLY, "references.kp_changed"], lang="nn")}
    assert "seier ikkje kva som vart gjort" in found["reports.done_without_text"].message
    assert "planlagd" in found["reports.overspent"].message
    assert "prinsippvedtak no" in found["references.kp_changed"].fix


@settings(max_examples=40, deadline=None)
@given(spent=st.integers(0, 400_000), cost=st.integers(1, 200_000))
def test_overspent_is_found_exactly_when_over_the_share_and_the_floor(spent, cost):
    raw = example_raw()
    m = report(raw, "T-02", spent_nok=spent)
    m["cost_nok"] = cost
    found = findings(raw, ["reports.overspent"])
    assert bool(found) == (spent > cost * 1.5 and spent - cost >= 10_000)
