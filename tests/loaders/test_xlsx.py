"""XLSX workbooks: Norwegian headers, conversions, and errors at sheet + cell."""

from __future__ import annotations

import io

import openpyxl
import pytest

from docplan.errors import DataError
from docplan.loaders import load_plan
from docplan.starter import starter_xlsx


def workbook(tmp_path, edit=None, name="plan.xlsx"):
    wb = openpyxl.load_workbook(io.BytesIO(starter_xlsx("3427")))
    if edit:
        edit(wb)
    path = tmp_path / name
    wb.save(path)
    return path


def cell_of(wb, sheet, header):
    ws = wb[sheet]
    col = next(c.column_letter for c in ws[1] if c.value == header)
    return ws[f"{col}2"]


def test_starter_workbook_loads(tmp_path):
    plan = load_plan(workbook(tmp_path))
    assert plan.municipalities[0].number == "3427"
    assert plan.measures[0].funding[0].status == "innenfor driftsramme"
    assert plan.goals[0].sub_goals[0].id == "DM-1.1"


def test_conversions_of_dates_years_amounts_and_funding(tmp_path):
    def edit(wb):
        cell_of(wb, "Tiltak", "Frist").value = "30.06.2026"
        cell_of(wb, "Tiltak", "År").value = "2024–2027"
        cell_of(wb, "Tiltak", "Kostnad").value = "1 250 000 kr"
        cell_of(wb, "Tiltak", "Finansiering").value = "Husbanken: 1 000 000 (søkt); Eget budsjett: 250 000"
        cell_of(wb, "Tiltak", "Samarbeidspartnere").value = "NAV; Politiet, Tynset"
    m = load_plan(workbook(tmp_path, edit)).measures[0]
    assert str(m.deadline) == "2026-06-30"
    assert m.years == [2024, 2025, 2026, 2027]
    assert m.cost_nok == 1_250_000
    assert [(f.source, f.amount_nok, f.status) for f in m.funding] == [
        ("Husbanken", 1_000_000, "søkt"), ("Eget budsjett", 250_000, None)]
    assert m.partners == ["NAV", "Politiet, Tynset"]


def test_bad_cell_is_named_by_sheet_and_cell(tmp_path):
    def edit(wb):
        cell_of(wb, "Tiltak", "Kostnad").value = "mye"
        cell_of(wb, "Tiltak", "Delmål").value = "DM-7.7"
    with pytest.raises(DataError) as err:
        load_plan(workbook(tmp_path, edit))
    lines = [p.format() for p in err.value.problems]
    assert any("ark «Tiltak», celle I2" in line and "heltall" in line for line in lines), lines
    assert any("ark «Tiltak», celle D2" in line and "DM-7.7" in line for line in lines), lines


def test_nynorsk_headers_are_understood(tmp_path):
    def edit(wb):
        for c in wb["Tiltak"][1]:
            if c.value == "Ansvarlig":
                c.value = "Ansvarleg"
            if c.value == "Samarbeidspartnere":
                c.value = "Samarbeidspartnarar"
    assert load_plan(workbook(tmp_path, edit)).measures[0].responsible == "Enhet eller rolle"


def test_missing_sheet_and_missing_column(tmp_path):
    with pytest.raises(DataError, match="mangler arket «Tiltak»"):
        load_plan(workbook(tmp_path, lambda wb: wb.remove(wb["Tiltak"])))

    def drop_header(wb):
        cell_of(wb, "Tiltak", "Tiltak").offset(row=-1).value = "Hva"
    with pytest.raises(DataError) as err:
        load_plan(workbook(tmp_path, drop_header, "b.xlsx"))
    assert err.value.location.sheet == "Tiltak" and "«Tiltak»" in err.value.message


def test_not_a_workbook_is_refused_cleanly(tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(DataError) as err:
        load_plan(path)
    assert "skadet" in err.value.message
