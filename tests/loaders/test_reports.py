"""Yearly measure reports and goal indicator values: read from XLSX, YAML and JSON, every error at its place."""

from __future__ import annotations

import io
import json
import textwrap

import openpyxl
import pytest
import yaml

from docplan.errors import DataError
from docplan.loaders import load_plan
from docplan.starter import starter_xlsx

YAML_BASE = """\
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
    indicator:
      name: Andel som har drukket seg beruset
      values:
        - {year: 2024, value: 12}
measures:
  - id: T-01
    title: Tiltak
    status: pågår
    reports:
      - year: 2024
        status: pågår
        done: Startet
        spent_nok: 1000
"""


def workbook(tmp_path, edit, name="plan.xlsx"):
    wb = openpyxl.load_workbook(io.BytesIO(starter_xlsx("3427")))
    ws = wb["Hovedmål"]
    ws["E1"], ws["E2"] = "Indikator", "Andel som har drukket seg beruset"
    edit(wb)
    path = tmp_path / name
    wb.save(path)
    return path


def add_rows(ws, *rows):
    for row in rows:
        ws.append(list(row))


def located(exc: DataError) -> list[tuple[str | None, str | None, str]]:
    return [(p.location.sheet, p.location.cell, p.message) for p in exc.problems]


def test_reports_and_indicator_values_are_read_from_their_sheets(tmp_path):
    def edit(wb):
        wb["Tiltak"]["L2"] = None  # status: taken from the newest report
        add_rows(wb["Rapporter"], ("T-01", 2025, "Pågår", "Kurs for 40 ansatte & ledere", "12 500 kr", "Godt i gang"),
                 ("T-01", 2024, "ikke startet", None, 0, None))
        add_rows(wb["Indikatorverdier"], ("HM-1", 2025, 1.8), ("HM-1", 2024, "2,4"))

    plan = load_plan(workbook(tmp_path, edit))
    measure = plan.measures[0]
    assert [(r.year, r.status, r.done, r.spent_nok, r.comment) for r in measure.reports] == [
        (2024, "ikke startet", None, 0, None), (2025, "pågår", "Kurs for 40 ansatte & ledere", 12500, "Godt i gang")]
    assert measure.status == "pågår"
    values = plan.goals[0].indicator.values
    assert [(v.year, v.value) for v in values] == [(2024, "2,4"), (2025, "1,8")]


def test_nynorsk_sheet_and_column_names_are_read_the_same_way(tmp_path):
    def edit(wb):
        wb["Tiltak"]["L2"] = "utsett"
        del wb["Rapporter"]
        ws = wb.create_sheet("Rapportar")
        add_rows(ws, ("Tiltak-ID", "År", "Status", "Kva vart gjort", "Brukt (kr)", "Merknad"),
                 ("T-01", 2025, "utsett", "Venta på midlar", 0, "Ny frist"))
        del wb["Indikatorverdier"]
        ws = wb.create_sheet("Indikatorverdiar")
        add_rows(ws, ("Mål-ID", "År", "Verdi", "Fylket"), ("HM-1", 2025, "14 %", "15 %"))

    plan = load_plan(workbook(tmp_path, edit))
    report = plan.measures[0].reports[0]
    assert (report.status, report.done, report.comment) == ("utsett", "Venta på midlar", "Ny frist")
    assert plan.goals[0].indicator.value_for(2025).county == "15 %"


def test_a_sub_goal_indicator_and_its_values_are_read_from_the_sub_goal_sheet(tmp_path):
    def edit(wb):
        wb["Delmål"]["E1"], wb["Delmål"]["E2"] = "Indikator", "Antall kurs"
        add_rows(wb["Indikatorverdier"], ("DM-1.1", 2025, 3))

    plan = load_plan(workbook(tmp_path, edit))
    assert plan.goals[0].sub_goals[0].indicator.value_for(2025).value == "3"


@pytest.mark.parametrize("row, cell, words", [
    (("T-01", 2025, "ferdig", None, None, None), "C2", "må være en av"),
    (("T-01", 2025, "pågår", None, -500, None), "E2", "minst 0"),
    (("T-01", 2025, "pågår", None, "mye", None), "E2", "heltall"),
    (("T-99", 2025, "pågår", None, None, None), "A2", "«T-99» står ikke i arket «Tiltak»"),
    (("T-01", "i fjor", "pågår", None, None, None), "B2", "heltall"),
])
def test_a_bad_report_row_is_reported_at_its_sheet_and_cell(tmp_path, row, cell, words):
    def edit(wb):
        wb["Tiltak"]["L2"] = None
        add_rows(wb["Rapporter"], row)

    with pytest.raises(DataError) as info:
        load_plan(workbook(tmp_path, edit))
    found = located(info.value)
    assert [(s, c) for s, c, _ in found] == [("Rapporter", cell)], found
    assert words in found[0][2]


def test_two_reports_for_one_year_are_reported_at_the_second_row(tmp_path):
    def edit(wb):
        wb["Tiltak"]["L2"] = None
        add_rows(wb["Rapporter"], ("T-01", 2025, "pågår"), ("T-01", 2025, "utsatt"))

    with pytest.raises(DataError) as info:
        load_plan(workbook(tmp_path, edit))
    (sheet, cell, message), = located(info.value)
    assert (sheet, cell) == ("Rapporter", "B3")
    assert "to rader for 2025" in message and "B2" in message


def test_a_status_that_disagrees_with_the_newest_report_is_reported_at_the_measure(tmp_path):
    def edit(wb):
        wb["Tiltak"]["L2"] = "ikke startet"
        add_rows(wb["Rapporter"], ("T-01", 2025, "gjennomført"))

    with pytest.raises(DataError) as info:
        load_plan(workbook(tmp_path, edit))
    (sheet, cell, message), = located(info.value)
    assert (sheet, cell) == ("Tiltak", "A2")
    assert "rapporten for 2025" in message


def test_indicator_values_for_a_goal_without_indicator_or_unknown_goal_are_errors(tmp_path):
    def edit(wb):
        wb["Hovedmål"]["E2"] = None
        add_rows(wb["Indikatorverdier"], ("HM-1", 2025, 3), ("HM-9", 2025, 3), ("HM-1", 2025, 4))

    with pytest.raises(DataError) as info:
        load_plan(workbook(tmp_path, edit))
    found = located(info.value)
    assert [(s, c) for s, c, _ in found] == [("Indikatorverdier", "A2"), ("Indikatorverdier", "A3"),
                                              ("Indikatorverdier", "B4")]
    assert "ingen indikator" in found[0][2] and "«HM-9»" in found[1][2] and "to rader for 2025" in found[2][2]


def test_the_starter_workbook_has_the_report_and_value_sheets():
    wb = openpyxl.load_workbook(io.BytesIO(starter_xlsx("3427")))
    assert [c.value for c in wb["Rapporter"][1]] == ["Tiltak-ID", "År", "Status", "Hva ble gjort", "Brukt (kr)",
                                                     "Kommentar"]
    assert [c.value for c in wb["Indikatorverdier"][1]] == ["Mål-ID", "År", "Verdi"]


# -- YAML and JSON: pydantic's errors at file and line ------------------------------------------------

def yaml_problems(tmp_path, text: str) -> list[tuple[int | None, str]]:
    path = tmp_path / "plan.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_plan(path)
    assert all(p.location.file == str(path) for p in info.value.problems)
    return [(p.location.line, p.message) for p in info.value.problems]


def test_yaml_reports_and_values_load(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(YAML_BASE, encoding="utf-8")
    plan = load_plan(path)
    assert plan.measures[0].report_for(2024).spent_nok == 1000
    assert plan.goals[0].indicator.value_for(2024).value == "12"


def test_a_bad_status_in_a_yaml_report_names_its_line(tmp_path):
    found = yaml_problems(tmp_path, YAML_BASE.replace("        status: pågår\n", "        status: ferdig\n"))
    assert [line for line, _ in found] == [21]
    assert "status" in found[0][1] and "må være en av" in found[0][1]


def test_a_negative_amount_in_a_yaml_report_names_its_line(tmp_path):
    found = yaml_problems(tmp_path, YAML_BASE.replace("spent_nok: 1000", "spent_nok: -1000"))
    assert found == [(23, "tiltak T-01, rapport nr. 1, felt «spent_nok»: må være minst 0")]


def test_two_yaml_reports_for_one_year_name_the_reports_line(tmp_path):
    text = YAML_BASE + "      - {year: 2024, status: pågår}\n"
    found = yaml_problems(tmp_path, text)
    assert [line for line, _ in found] == [19]
    assert "2024 står to ganger" in found[0][1]


def test_a_yaml_status_that_disagrees_with_the_newest_report_names_the_measure_line(tmp_path):
    found = yaml_problems(tmp_path, YAML_BASE.replace("    status: pågår\n", "    status: utsatt\n", 1))
    assert [line for line, _ in found] == [16]
    assert "status «utsatt» er ikke den samme som i rapporten for 2024" in found[0][1]


def test_two_indicator_values_for_one_year_name_the_values_line(tmp_path):
    text = YAML_BASE.replace("        - {year: 2024, value: 12}\n",
                             "        - {year: 2024, value: 12}\n        - {year: 2024, value: 13}\n")
    found = yaml_problems(tmp_path, text)
    assert [line for line, _ in found] == [13]
    assert "2024 står to ganger" in found[0][1]


def test_a_bad_json_report_names_file_and_line(tmp_path):
    data = yaml.safe_load(YAML_BASE)
    data["measures"][0]["reports"][0]["spent_nok"] = -5
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_plan(path)
    (problem,) = info.value.problems
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if '"spent_nok": -5' in text)
    assert (problem.location.file, problem.location.line) == (str(path), line)
