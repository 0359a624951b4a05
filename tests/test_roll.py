"""``docplan roll``: next year's data from this year's reports, and the decisions left to the planner."""

from __future__ import annotations

import copy
import datetime as dt
import json
import subprocess
import sys

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from docplan.loaders import load_plan, load_raw, validate_plan
from docplan.model import FINISHED_STATUSES, MEASURE_STATUSES
from docplan.roll import roll_plan
from testkit import EXAMPLE


def docplan(*args):
    return subprocess.run([sys.executable, "-m", "docplan", *map(str, args)], capture_output=True, text=True)


def example_raw() -> dict:
    raw, _ = load_raw(EXAMPLE)
    return raw


def settled(raw: dict, year: int = 2025) -> dict:
    """Return ``raw`` with nothing left to decide when rolled to ``year`` + 1: every measure reported for
    ``year``, deadlines and years inside the period, funding granted, indicator values in, no stale links."""
    raw = copy.deepcopy(raw)
    for m in raw["measures"]:
        m["reports"] = [{"year": year, "status": "pågår", "done": "Arbeidet er i gang.", "spent_nok": 1000}]
        m.pop("status", None)
        m["deadline"] = dt.date(2027, 6, 30)
        m["years"] = [y for y in m.get("years") or [2024, 2025, 2026, 2027] if y <= 2027]
        for f in m.get("funding", []):
            f["status"] = "innvilget"
        m["kp_refs"] = [r for r in m.get("kp_refs", []) if not r.startswith("3424:")]
    for g in raw["goals"]:
        for goal in [g, *g.get("sub_goals", [])]:
            if goal.get("indicator"):
                goal["indicator"]["values"] = [{"year": year, "value": "12"}]
            goal["kp_refs"] = [r for r in goal.get("kp_refs", []) if not r.startswith("3424:")]
    return raw


def measure(raw, ident):
    return next(m for m in raw["measures"] if m["id"] == ident)


def rolled(raw, to_year=2026):
    plan = validate_plan(raw, {}, "plan.yaml", check_references=False)
    return roll_plan(raw, plan, to_year)


def test_a_finished_measure_is_closed_and_costs_nothing_in_the_new_year():
    raw = settled(example_raw())
    t02 = measure(raw, "T-02")
    assert t02["cost_basis"] == "per år" and 2026 in t02["years"]
    t02["reports"] = [{"year": 2025, "status": "gjennomført", "done": "Ferdig.", "spent_nok": 15000}]
    result = rolled(raw)
    out = measure(result.data, "T-02")
    assert out["years"] == [y for y in t02["years"] if y < 2026]
    new = validate_plan(result.data, {}, "ny.yaml", check_references=False)
    m = next(m for m in new.measures if m.id == "T-02")
    assert m.cost_by_year(new.info.period).get(2026, 0) == 0 and m.cost_by_year(new.info.period).get(2027, 0) == 0
    assert any(c.startswith("T-02 er gjennomført") for c in result.changes)
    assert measure(raw, "T-02")["years"] == t02["years"]  # the input is not changed


def test_a_finished_measure_without_years_keeps_the_years_it_ran():
    raw = settled(example_raw())
    t = measure(raw, "T-02")
    del t["years"]
    t["reports"] = [{"year": 2025, "status": "avsluttet", "comment": "Lagt ned."}]
    assert measure(rolled(raw).data, "T-02")["years"] == [2024, 2025]


def test_a_postponed_measure_is_carried_into_the_new_year_with_a_note():
    raw = settled(example_raw())
    t = measure(raw, "T-01")
    t["years"] = [2024, 2025]
    t["reports"] = [{"year": 2025, "status": "utsatt", "comment": "Venter på tilskudd."}]
    result = rolled(raw)
    assert measure(result.data, "T-01")["years"] == [2024, 2025, 2026]
    assert "T-01 er utsatt: videreført til 2026." in result.changes


def test_a_settled_plan_rolls_with_nothing_to_decide_and_exit_0(tmp_path):
    data = tmp_path / "plan.yaml"
    data.write_text(yaml.safe_dump(settled(example_raw()), allow_unicode=True, sort_keys=False), encoding="utf-8")
    done = docplan("roll", data, "--to", "2026", "-o", tmp_path / "plan-2026.yaml")
    assert done.returncode == 0, done.stdout + done.stderr
    text = (tmp_path / "plan-2026.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Rullert til 2026") and "# Ingenting må avgjøres." in text
    assert load_plan(tmp_path / "plan-2026.yaml").measures


def test_pending_decisions_are_printed_written_as_a_comment_and_exit_3(tmp_path):
    out = tmp_path / "plan-2026.yaml"
    done = docplan("roll", EXAMPLE, "--to", "2026", "-o", out)
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    text = out.read_text(encoding="utf-8")
    header = text[:text.index("\n\n")].splitlines()  # the roll's block, then a blank line
    assert all(line.startswith("#") for line in header)
    # the example has no reports yet, deadlines passed (T-03, 31.01.2025), a year after the period (T-14) and a
    # link into Rendalen's replaced samfunnsdel (T-19)
    for expected in ("mangler rapport for 2025", "T-03: fristen 31.01.2025 er passert", "T-14: året 2028",
                     "T-19 → 3424:KP-5.2", "prinsippvedtak"):
        assert expected in done.stdout and expected in " ".join(h.lstrip("# ") for h in header).replace("  ", " "), \
            expected
    assert all(len(line) <= 100 for line in header)
    # the comment is a comment: the data read back is the rolled data
    assert yaml.safe_load(text) == rolled(example_raw()).data
    assert load_plan(out).info.id == load_plan(EXAMPLE).info.id


def test_the_end_of_the_plan_period_asks_for_a_revision(tmp_path):
    raw = settled(example_raw(), year=2027)
    result = rolled(raw, to_year=2028)
    assert any("Planperioden 2024–2027 er over" in d for d in result.decisions)


@pytest.mark.parametrize("to_year, words", [(2024, "planperioden er 2024–2027"), (2029, "fra 2025 til 2028")])
def test_a_year_outside_the_period_is_refused_with_a_message(tmp_path, to_year, words):
    done = docplan("roll", EXAMPLE, "--to", to_year, "-o", tmp_path / "ut.yaml")
    assert done.returncode == 1 and words in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert not (tmp_path / "ut.yaml").exists()


def test_rolling_to_a_year_that_already_has_reports_is_refused():
    raw = settled(example_raw(), year=2026)
    with pytest.raises(Exception, match="allerede rapporter for 2026"):
        rolled(raw, to_year=2026)


def test_roll_never_writes_over_its_data_file_or_an_existing_output(tmp_path):
    data = tmp_path / "plan.yaml"
    data.write_bytes(EXAMPLE.read_bytes())
    done = docplan("roll", data, "--to", "2026", "-o", data)
    assert done.returncode == 2 and data.read_bytes() == EXAMPLE.read_bytes(), done.stderr
    existing = tmp_path / "finnes.yaml"
    existing.write_text("planleggerens fil")
    assert docplan("roll", data, "--to", "2026", "-o", existing).returncode == 2
    assert existing.read_text() == "planleggerens fil"
    assert docplan("roll", data, "--to", "2026", "-o", existing, "--force").returncode == 3
    assert existing.read_text() != "planleggerens fil"


def test_json_output_holds_the_same_data(tmp_path):
    out = tmp_path / "plan-2026.json"
    assert docplan("roll", EXAMPLE, "--to", "2026", "-o", out).returncode == 3
    assert load_plan(out).model_dump() == validate_plan(rolled(example_raw()).data, {}, "x",
                                                        check_references=False).model_dump()
    json.loads(out.read_text(encoding="utf-8"))


def test_a_nynorsk_plan_is_rolled_in_nynorsk(tmp_path):
    raw = example_raw()
    raw["meta"]["language"] = "nn"
    data = tmp_path / "plan.yaml"
    data.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    done = docplan("roll", data, "--to", "2026", "-o", tmp_path / "ut.yaml")
    assert done.returncode == 3
    assert "Må avgjerast" in done.stdout and "manglar rapport for 2025" in done.stdout, done.stdout
    assert "Må avgjøres" not in done.stdout


def test_rolling_the_rolled_data_again_changes_nothing_more():
    first = rolled(example_raw())
    second = rolled(first.data)
    assert second.data == first.data and second.decisions == first.decisions


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(MEASURE_STATUSES), min_size=20, max_size=20))
def test_every_measure_survives_a_roll_and_only_finished_ones_lose_years(statuses):
    raw = settled(example_raw())
    for m, status in zip(raw["measures"], statuses):
        m["reports"][0]["status"] = status
    result = rolled(raw)
    assert [m["id"] for m in result.data["measures"]] == [m["id"] for m in raw["measures"]]
    for before, after, status in zip(raw["measures"], result.data["measures"], statuses):
        years_before = before.get("years") or [2024, 2025, 2026, 2027]
        if status in FINISHED_STATUSES:
            assert all(y < 2026 for y in after["years"])
            assert set(after["years"]) == {y for y in years_before if y < 2026}
        else:
            assert set(years_before) <= set(after.get("years") or [2024, 2025, 2026, 2027])
        assert {k: v for k, v in after.items() if k != "years"} == {k: v for k, v in before.items() if k != "years"}
    validate_plan(result.data, {}, "ny.yaml", check_references=False)


def test_the_planners_comments_and_layout_stay_and_only_the_years_change(tmp_path):
    raw = example_raw()
    t = measure(raw, "T-02")
    t["status"] = "gjennomført"
    t["reports"] = [{"year": 2025, "status": "gjennomført", "done": "Ferdig.", "spent_nok": 15000}]
    data = tmp_path / "plan.yaml"
    # the example's own text with T-02 reported finished: its comments, order and quoting are the planner's
    from docplan.datafile import splice_yaml

    text = splice_yaml(EXAMPLE.read_text(encoding="utf-8"), example_raw(), raw)
    assert text is not None
    data.write_text(text, encoding="utf-8")
    out = tmp_path / "plan-2026.yaml"
    assert docplan("roll", data, "--to", "2026", "-o", out).returncode == 3
    written = out.read_text(encoding="utf-8")
    body = written[written.index("\n\n") + 2:]
    before, after = text.splitlines(), body.splitlines()
    assert len(before) == len(after)
    changed = [(a, b) for a, b in zip(before, after) if a != b]
    assert changed == [(a, b) for a, b in changed if a.strip().startswith("years:")]
    finished = [m["id"] for m in raw["measures"] if m.get("status") in FINISHED_STATUSES and
                any(y >= 2026 for y in m.get("years", []))]
    assert "T-02" in finished and len(changed) == len(finished)
    assert not any("2026" in b or "2027" in b for _a, b in changed)
    # rolled again: one block, the newest
    again = tmp_path / "plan-2026b.yaml"
    assert docplan("roll", out, "--to", "2026", "-o", again).returncode == 3
    assert again.read_text(encoding="utf-8").count("# Rullert til") == 1


def test_a_measure_closed_by_an_earlier_roll_needs_no_new_report():
    raw = settled(example_raw(), year=2026)
    t = measure(raw, "T-02")
    t["years"] = [2024, 2025]
    t["reports"] = [{"year": 2025, "status": "gjennomført", "done": "Ferdig."}]
    result = rolled(raw, to_year=2027)
    assert not any("mangler rapport" in d for d in result.decisions), result.decisions
    t["reports"] = [{"year": 2025, "status": "pågår"}]
    assert any("T-02" in d and "mangler rapport for 2026" in d for d in rolled(raw, to_year=2027).decisions)
