"""The plan's substance in every data format: alcohol policy (YAML, JSON, XLSX «Alkoholpolitikk»), knowledge base
and participation, costs «per år», with every problem at its line or cell."""

from __future__ import annotations

import copy
import io
import json

import openpyxl
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from docplan.errors import DataError
from docplan.loaders import load_plan
from docplan.model import parse_time_range
from docplan.starter import starter_xlsx, starter_yaml
from testkit import EXAMPLE

RAW = yaml.safe_load(EXAMPLE.read_text("utf-8"))


def _workbook(tmp_path, edit=None, name="plan.xlsx"):
    wb = openpyxl.load_workbook(io.BytesIO(starter_xlsx("3427")))
    if edit:
        edit(wb)
    path = tmp_path / name
    wb.save(path)
    return path


def _cell(wb, sheet, header, row=2):
    ws = wb[sheet]
    col = next(c.column_letter for c in ws[1] if c.value == header)
    return ws[f"{col}{row}"]


def _problems(exc) -> list[str]:
    return [p.format() for p in exc.value.problems]


# -- XLSX -------------------------------------------------------------------------------------------------

def test_the_alcohol_policy_sheet_is_read_with_hours_by_day_type_and_place(tmp_path):
    def edit(wb):
        _cell(wb, "Alkoholpolitikk", "Skjenketid gruppe 1 og 2").value = \
            "10:00-01:00\nfredag_lørdag: 10:00-02:00\nuteservering: 12:00-24:00"
        _cell(wb, "Alkoholpolitikk", "Salgssteder").value = 4
        _cell(wb, "Alkoholpolitikk", "Skjenkesteder").value = "9"
        _cell(wb, "Alkoholpolitikk", "Kontroller per år").value = 39
        _cell(wb, "Alkoholpolitikk", "Kriterier").value = "God vandel; Ingen bevilling nær skoler"
    policy = load_plan(_workbook(tmp_path, edit)).municipalities[0].alcohol_policy
    assert policy.serving_hours.group_1_2 == {"default": "10:00-01:00", "fredag_lørdag": "10:00-02:00",
                                              "uteservering": "12:00-24:00"}
    assert policy.sales_hours.weekdays == "08:00-18:00" and policy.serving_hours.group_3 == "13:00-24:00"
    assert (policy.outlets.sales, policy.outlets.serving, policy.controls_per_year) == (4, 9, 39)
    assert policy.licence_criteria == ["God vandel", "Ingen bevilling nær skoler"]
    assert policy.licence_period_end is not None


def test_a_bad_time_in_the_alcohol_policy_sheet_is_named_by_cell(tmp_path):
    def edit(wb):
        _cell(wb, "Alkoholpolitikk", "Salgstid hverdager").value = "8 til 25"
        _cell(wb, "Alkoholpolitikk", "Skjenketid gruppe 3").value = "13:00-01:00; fredag: x"
    with pytest.raises(DataError) as exc:
        load_plan(_workbook(tmp_path, edit))
    lines = _problems(exc)
    assert any("Alkoholpolitikk" in line and "B2" in line and "8 til 25" in line for line in lines), lines
    assert any("Alkoholpolitikk" in line and "E2" in line and "«x»" in line for line in lines), lines


def test_an_alcohol_policy_for_a_municipality_not_in_the_plan_is_an_error_at_its_cell(tmp_path):
    def edit(wb):
        _cell(wb, "Alkoholpolitikk", "Kommunenummer").value = "3422"
    with pytest.raises(DataError) as exc:
        load_plan(_workbook(tmp_path, edit))
    assert any("A2" in line and "3422" in line for line in _problems(exc))


@pytest.mark.parametrize("basis", ["per år", "Per år", "pr. år", "per\u00a0år", "årlig", "  PER ÅR "])
def test_xlsx_keeps_a_cost_per_year_however_it_is_written(tmp_path, basis):
    def edit(wb):
        _cell(wb, "Tiltak", "Kostnad").value = 180000
        _cell(wb, "Tiltak", "Kostnadsgrunnlag").value = basis
        _cell(wb, "Tiltak", "År").value = "2028–2030"
    plan = load_plan(_workbook(tmp_path, edit))
    m = plan.measures[0]
    assert m.cost_basis == "per år"
    assert m.cost_in_period(plan.info.period) == 180_000 * len([y for y in (2028, 2029, 2030)
                                                                if y in plan.info.period.years])


def test_xlsx_reads_per_year_written_in_the_cost_cell(tmp_path):
    def edit(wb):
        _cell(wb, "Tiltak", "Kostnad").value = "180 000 kr per år"
        _cell(wb, "Tiltak", "Kostnadsgrunnlag").value = None
    m = load_plan(_workbook(tmp_path, edit)).measures[0]
    assert (m.cost_nok, m.cost_basis) == (180_000, "per år")


# -- YAML and JSON ------------------------------------------------------------------------------------------

def test_the_example_in_json_gives_the_same_plan_as_in_yaml(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(RAW, default=str, ensure_ascii=False), "utf-8")
    from_json, from_yaml = load_plan(path), load_plan(EXAMPLE)
    assert from_json.municipalities[5].alcohol_policy == from_yaml.municipalities[5].alcohol_policy
    assert from_json.knowledge_base == from_yaml.knowledge_base and from_json.organisation == from_yaml.organisation


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_problems_in_the_new_sections_are_reported_at_their_line(tmp_path, fmt):
    raw = copy.deepcopy(RAW)
    raw["municipalities"][5]["alcohol_policy"]["serving_hours"]["group_1_2"]["fredag_lørdag"] = "10:00-27:00"
    raw["municipalities"][5]["alcohol_policy"]["outlets"]["sales"] = -1
    raw["knowledge_base"]["indicators"][0]["values"].append({"year": 2024, "value": "15 %"})
    raw["organisation"]["participation"][0]["group"] = "naboer"
    raw["organisation"]["hearing"]["end"] = "2024-04-01"
    path = tmp_path / f"plan.{fmt}"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False) if fmt == "yaml"
                    else json.dumps(raw, default=str, ensure_ascii=False, indent=1), "utf-8")
    with pytest.raises(DataError) as exc:
        load_plan(path)
    lines = _problems(exc)
    text = path.read_text("utf-8").splitlines()
    expected = [("alcohol_policy.serving_hours.group_1_2.fredag_lørdag", "10:00-27:00"),
                ("alcohol_policy.outlets.sales", None), ("to tall for 2024", None), ("brukere", "naboer"),
                ("høringsfristen", None)]
    for words, on_line in expected:
        line = next((l for l in lines if words in l), None)
        assert line is not None, (words, lines)
        assert "linje" in line
        if on_line:
            number = int(line.split("linje ")[1].split(",")[0])
            assert on_line in text[number - 1], (line, text[number - 1])


# -- hours -----------------------------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(h1=st.integers(0, 30), m1=st.integers(0, 70), h2=st.integers(0, 30), m2=st.integers(0, 70),
       sep=st.sampled_from(["-", "–", " - ", " til "]), dot=st.sampled_from([":", "."]))
def test_a_time_range_is_read_or_refused_with_a_reason(h1, m1, h2, m2, sep, dot):
    text = f"{h1:02d}{dot}{m1:02d}{sep}{h2:02d}{dot}{m2:02d}"
    valid = h1 <= 23 and m1 <= 59 and m2 <= 59 and (h2 <= 23 or (h2 == 24 and m2 == 0))
    if not valid:
        with pytest.raises(ValueError, match="klokkeslett"):
            parse_time_range(text)
        return
    rng = parse_time_range(text)
    start, end = h1 * 60 + m1, h2 * 60 + m2
    assert rng.start == start
    assert rng.end == (end if end > start else end + 24 * 60)  # a range to 02:00 ends the next night
    assert 0 < rng.end - rng.start <= 24 * 60


@pytest.mark.parametrize("text", ["", "åtte til ti", "08:00", "08-20-22", "kl 8"])
def test_text_that_is_no_time_range_is_refused(text):
    with pytest.raises(ValueError, match="tidsrom"):
        parse_time_range(text)


def test_a_closed_day_is_a_range_of_its_own():
    assert parse_time_range("stengt") is None and parse_time_range(" Stengt ") is None


# -- starters --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_the_starters_hold_every_part_of_a_plan_and_validate(tmp_path, lang):
    path = tmp_path / "plan.yaml"
    path.write_text(starter_yaml("4640", language=lang), "utf-8")
    plan = load_plan(path)
    assert plan.municipalities[0].alcohol_policy.sales_hours.weekdays == "08:00-18:00"
    assert plan.knowledge_base.indicators and plan.organisation.participation
    xlsx = tmp_path / "plan.xlsx"
    xlsx.write_bytes(starter_xlsx("4640", language=lang))
    assert load_plan(xlsx).municipalities[0].alcohol_policy.controls_per_year == 0


def test_the_nynorsk_starter_is_nynorsk():
    text = starter_yaml("4640", language="nn")
    for wrong, right in (("Tiltaksplanen rulleres hvert år", "Tiltaksplanen blir rullert kvart år"),
                         ("Første hovedmål", "Første hovudmål"), ("Beskriv hovedmålet", "Beskriv hovudmålet"),
                         ("Enhet eller rolle (ikke en person)", "Eining eller rolle (ikkje ein person)"),
                         ("alkoholloven", "alkohollova"), ("ikke startet", "ikkje starta")):
        assert wrong not in text and right in text, (wrong, right)
