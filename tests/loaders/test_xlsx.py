"""XLSX workbooks: Norwegian headers, conversions, and errors at sheet + cell."""

from __future__ import annotations

import datetime as dt
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
    assert load_plan(workbook(tmp_path, edit)).measures[0].responsible == "Enhet eller rolle (ikke en person)"


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


def column_of(ws, header):
    return next(c.column_letter for c in ws[1] if c.value == header)


def add_measure_row(wb, **values):
    """Append a row to «Tiltak» by header name."""
    ws = wb["Tiltak"]
    headers = [c.value for c in ws[1]]
    ws.append([values.get(h) for h in headers])


def problem_lines(err) -> list[str]:
    return [p.format() for p in err.value.problems] or [err.value.format()]


def edit_part(path, part: str, edit):
    """Change one XML part of a saved workbook, for what openpyxl cannot write (cached formula
    results as Excel stores them, texts longer than openpyxl allows)."""
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    root = etree.fromstring(parts[part])
    edit(root)
    parts[part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def set_cached_values(path, part: str, values: dict[str, tuple[str, str]]):
    """Store a computed result (type, text) with formula cells, as Excel does when it saves."""
    def edit(root):
        for cell in root.iter(f"{NS}c"):
            if cell.get("r") in values:
                kind, text = values[cell.get("r")]
                if kind != "n":
                    cell.set("t", kind)
                cell.find(f"{NS}v").text = text
    edit_part(path, part, edit)


def sheet_part(path, title: str) -> str:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return wb[title]._worksheet_path
    finally:
        wb.close()


def test_a_formula_never_computed_is_an_error_at_its_cell_not_a_missing_cost(tmp_path):
    def edit(wb):
        cell_of(wb, "Tiltak", "Kostnad").value = "=1000*12"
    with pytest.raises(DataError) as err:
        load_plan(workbook(tmp_path, edit))
    (line,) = problem_lines(err)
    assert "ark «Tiltak», celle I2" in line
    assert "formel uten beregnet verdi" in line and "Excel eller LibreOffice" in line


def test_a_formula_with_the_value_excel_computed_is_read_as_that_value(tmp_path):
    def edit(wb):
        cell_of(wb, "Tiltak", "Kostnad").value = "=1000*12"
        cell_of(wb, "Tiltak", "Ansvarlig").value = '=IF(1,"","x")'
    path = workbook(tmp_path, edit)
    set_cached_values(path, sheet_part(path, "Tiltak"), {"I2": ("n", "12000"), "E2": ("str", "")})
    measure = load_plan(path).measures[0]
    assert measure.cost_nok == 12000
    assert measure.responsible is None


def test_a_formula_showing_an_error_value_is_reported_at_its_cell(tmp_path):
    def edit(wb):
        cell_of(wb, "Tiltak", "Tiltak").value = "#REF!"
    with pytest.raises(DataError) as err:
        load_plan(workbook(tmp_path, edit))
    (line,) = problem_lines(err)
    assert "celle B2" in line and "#REF!" in line


def test_a_merged_cell_gives_its_value_to_every_row_it_spans(tmp_path):
    def edit(wb):
        add_measure_row(wb, Nr="T-02", Tiltak="Andre tiltak", Delmål="DM-1.1")
        ws = wb["Tiltak"]
        col = column_of(ws, "Ansvarlig")
        ws[f"{col}2"].value = "Helse og omsorg"
        ws.merge_cells(f"{col}2:{col}3")
    plan = load_plan(workbook(tmp_path, edit))
    assert [m.responsible for m in plan.measures] == ["Helse og omsorg", "Helse og omsorg"]


def test_a_header_merged_over_two_columns_is_an_error(tmp_path):
    def edit(wb):
        ws = wb["Tiltak"]
        col = column_of(ws, "Samarbeidspartnere")
        nxt = openpyxl.utils.get_column_letter(openpyxl.utils.column_index_from_string(col) + 1)
        ws.merge_cells(f"{col}1:{nxt}1")
    with pytest.raises(DataError) as err:
        load_plan(workbook(tmp_path, edit))
    (line,) = problem_lines(err)
    assert "ark «Tiltak», celle F1" in line and "sammenslåtte celler (F1:G1)" in line


@pytest.mark.parametrize("second, needle", [("Ansvarlig", "står to ganger"), ("Ansvar", "betyr det samme som «Ansvarlig»")])
def test_a_duplicate_column_header_is_an_error_naming_both_cells(tmp_path, second, needle):
    def edit(wb):
        ws = wb["Tiltak"]
        col = ws.max_column + 1
        ws.cell(1, col, second)
        ws.cell(2, col, "Noen andre")
    with pytest.raises(DataError) as err:
        load_plan(workbook(tmp_path, edit))
    (line,) = problem_lines(err)
    assert "ark «Tiltak», celle O1" in line and needle in line and "celle E1" in line


def test_an_unknown_column_is_a_warning_naming_its_cell(tmp_path):
    from docplan.loaders import load_plan_with_warnings

    def edit(wb):
        ws = wb["Tiltak"]
        ws.cell(1, ws.max_column + 1, "Kommentar")
        ws.cell(2, ws.max_column, "Husk å spørre NAV")
        ws.cell(3, ws.max_column + 2, "uten overskrift")
    plan, warnings = load_plan_with_warnings(workbook(tmp_path, edit))
    assert len(plan.measures) == 1
    lines = [w.format() for w in warnings]
    assert any("ark «Tiltak», celle O1" in w and "«Kommentar» er ukjent" in w for w in lines), lines
    assert any("ark «Tiltak», celle Q3" in w and "ingen overskrift" in w for w in lines), lines
    assert all(w.code != "invalid" for w in warnings)


def test_an_unknown_sheet_is_a_warning(tmp_path):
    from docplan.loaders import load_plan_with_warnings

    plan, warnings = load_plan_with_warnings(workbook(tmp_path, lambda wb: wb.create_sheet("Notater")))
    assert [(w.location.sheet, w.code) for w in warnings] == [("Notater", "unknown_sheet")]


def test_two_sheets_for_the_same_table_are_an_error(tmp_path):
    with pytest.raises(DataError, match="både arket «Tiltak» og «Tiltaksplan»"):
        load_plan(workbook(tmp_path, lambda wb: wb.copy_worksheet(wb["Tiltak"]).__setattr__("title", "Tiltaksplan")))


def test_a_field_given_twice_in_the_plan_sheet_is_an_error(tmp_path):
    with pytest.raises(DataError) as err:
        load_plan(workbook(tmp_path, lambda wb: wb["Plan"].append(["Tittel", "En annen tittel"])))
    (line,) = problem_lines(err)
    assert "ark «Plan», celle A10" in line and "celle A3" in line and "to ganger" in line


@pytest.mark.parametrize("sheet, header", [("Tiltak", "Nr"), ("Hovedmål", "Nr"), ("Delmål", "Nr"),
                                           ("Kommuneplan", "Nr")])
def test_a_blank_id_is_reported_at_its_cell_not_read_as_none(tmp_path, sheet, header):
    def edit(wb):
        cell_of(wb, sheet, header).value = None
    with pytest.raises(DataError) as err:
        load_plan(workbook(tmp_path, edit), check_references=False)
    lines = problem_lines(err)
    col = column_of(openpyxl.load_workbook(io.BytesIO(starter_xlsx("3427")))[sheet], header)
    assert any(f"ark «{sheet}», celle {col}2" in line and "mangler" in line for line in lines), lines
    assert not any("None" in line for line in lines), lines


@pytest.mark.parametrize("value, needle", [(3427.9, "heltall med fire sifre"), ("3427, ³", "fire sifre")])
def test_a_kommunenummer_that_is_not_four_digits_is_an_error_at_its_cell(tmp_path, value, needle):
    def edit(wb):
        cell_of(wb, "Kommuner", "Kommunenummer").value = value
    with pytest.raises(DataError) as err:
        load_plan(workbook(tmp_path, edit))
    lines = problem_lines(err)
    assert any("ark «Kommuner», celle A2" in line and needle in line for line in lines), lines


@pytest.mark.parametrize("value", ["3427, ³", 3427.9, "3427;\u0663\u0664\u0662\u0667"])
def test_a_bad_kommunenummer_in_a_measure_is_an_error_not_a_traceback(tmp_path, value):
    def edit(wb):
        cell_of(wb, "Tiltak", "Kommuner").value = value
    with pytest.raises(DataError) as err:
        load_plan(workbook(tmp_path, edit))
    lines = problem_lines(err)
    assert lines and all("ark «Tiltak», celle N2" in line for line in lines), lines


def test_a_kommunenummer_typed_as_a_number_gets_its_leading_zero_back(tmp_path):
    def edit(wb):
        cell_of(wb, "Kommuner", "Kommunenummer").value = 301
        cell_of(wb, "Kommuner", "Navn").value = "Oslo"
        cell_of(wb, "Kommuneplan", "Kommunenummer").value = 301
        cell_of(wb, "Alkoholpolitikk", "Kommunenummer").value = 301
        cell_of(wb, "Tiltak", "Kommuner").value = 301
        wb["Plan"].append(["Vertskommune", 301.0])
    plan = load_plan(workbook(tmp_path, edit))
    assert plan.municipalities[0].number == "0301"
    assert plan.municipalities[0].alcohol_policy is not None
    assert plan.measures[0].municipalities == ["0301"]
    assert plan.info.host_municipality == "0301"


def test_a_kommunenummer_written_as_three_digit_text_is_not_guessed(tmp_path):
    def edit(wb):
        cell_of(wb, "Tiltak", "Kommuner").value = "301"
    with pytest.raises(DataError) as err:
        load_plan(workbook(tmp_path, edit))
    assert any("celle N2" in line and "fire sifre" in line for line in problem_lines(err))


@pytest.mark.parametrize("header, value, needle", [
    ("År", 2024.5, "heltall"),
    ("Frist", dt.datetime(2026, 6, 30, 14, 30), "uten klokkeslett"),
    ("Kostnad", 1250.75, "heltall"),
    ("Delmål", dt.datetime(2026, 1, 1), "må være tekst"),
])
def test_a_cell_that_cannot_be_converted_exactly_is_an_error_at_its_cell(tmp_path, header, value, needle):
    def edit(wb):
        cell_of(wb, "Tiltak", header).value = value
    with pytest.raises(DataError) as err:
        load_plan(workbook(tmp_path, edit))
    col = column_of(openpyxl.load_workbook(io.BytesIO(starter_xlsx("3427")))["Tiltak"], header)
    lines = problem_lines(err)
    assert any(f"ark «Tiltak», celle {col}2" in line and needle in line for line in lines), lines


@pytest.mark.parametrize("typed, kept", [("Per år", "per år"), ("per år", "per år"), ("Totalt", "totalt"),
                                         ("engangs", "engangs")])
def test_cost_basis_is_kept(tmp_path, typed, kept):
    def edit(wb):
        cell_of(wb, "Tiltak", "Kostnadsgrunnlag").value = typed
    assert load_plan(workbook(tmp_path, edit)).measures[0].cost_basis == kept


def test_a_text_longer_than_the_limit_is_an_error_at_its_cell(tmp_path):
    path = workbook(tmp_path)

    def lengthen(root):
        text = next(t for t in root.iter(f"{NS}t") if t.text == "Beskriv tiltaket.")
        text.text = "x" * 100_001
    edit_part(path, sheet_part(path, "Tiltak"), lengthen)
    with pytest.raises(DataError) as err:
        load_plan(path)
    (line,) = problem_lines(err)
    assert "ark «Tiltak», celle C2" in line and "for lang (100\u00a0001 tegn)" in line


def test_every_cell_problem_is_reported_together(tmp_path):
    def edit(wb):
        cell_of(wb, "Tiltak", "Kostnad").value = "=1+1"
        cell_of(wb, "Kommuner", "Kommunenummer").value = 3427.5
        cell_of(wb, "Tiltak", "Nr").value = None
    with pytest.raises(DataError) as err:
        load_plan(workbook(tmp_path, edit))
    cells = sorted((p.location.sheet, p.location.cell) for p in err.value.problems)
    assert cells == [("Kommuner", "A2"), ("Tiltak", "A2"), ("Tiltak", "I2")]


def test_a_sheet_claiming_a_huge_size_is_read_by_its_cells(tmp_path):
    import subprocess
    import sys

    def edit(wb):
        wb["Tiltak"]["XFD1048576"].value = None
        wb["Tiltak"]["XFD1048576"].font = openpyxl.styles.Font(bold=True)
    path = workbook(tmp_path, edit)
    # In a subprocess with a time limit: reading every cell of A1:XFD1048576 would never finish.
    result = subprocess.run([sys.executable, "-m", "docplan", "validate", str(path)], capture_output=True,
                            text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    assert "1 tiltak" in result.stdout


def test_a_merged_range_to_the_end_of_the_sheet_is_read_only_where_there_are_rows(tmp_path):
    from lxml import etree

    path = workbook(tmp_path, lambda wb: cell_of(wb, "Tiltak", "Ansvarlig").__setattr__("value", "NAV"))

    def merge(root):
        data = root.find(f"{NS}sheetData")
        merges = etree.Element(f"{NS}mergeCells", count="1")
        etree.SubElement(merges, f"{NS}mergeCell", ref="E2:E1048576")
        data.addnext(merges)
    edit_part(path, sheet_part(path, "Tiltak"), merge)
    plan = load_plan(path)
    assert [m.responsible for m in plan.measures] == ["NAV"]


def test_validate_prints_the_warnings_and_still_succeeds(tmp_path):
    from click.testing import CliRunner

    from docplan.cli import main

    def edit(wb):
        ws = wb["Tiltak"]
        ws.cell(1, ws.max_column + 1, "Kommentar")
    result = CliRunner().invoke(main, ["validate", str(workbook(tmp_path, edit))], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "OK:" in result.stdout
    assert "Advarsel:" in result.stderr and "ark «Tiltak», celle O1" in result.stderr and "Kommentar" in result.stderr


def test_a_percent_cell_is_read_as_the_percent_shown_not_the_fraction_stored(tmp_path):
    def edit(wb):
        ws = wb["Hovedmål"]
        for col, (header, value) in enumerate([("Indikator", "Andel som røyker"), ("Utgangsverdi", 0.255),
                                               ("Målverdi", 0.2)], start=ws.max_column + 1):
            ws.cell(1, col, header)
            ws.cell(2, col, value).number_format = "0.0%" if isinstance(value, float) else "General"
    indicator = load_plan(workbook(tmp_path, edit)).goals[0].indicator
    assert (indicator.baseline, indicator.target) == ("25,5\u00a0%", "20\u00a0%")


def test_a_percent_in_an_amount_column_is_an_error_at_its_cell(tmp_path):
    def edit(wb):
        cell = cell_of(wb, "Tiltak", "Kostnad")
        cell.value = 0.5
        cell.number_format = "0%"
    with pytest.raises(DataError) as err:
        load_plan(workbook(tmp_path, edit))
    (line,) = problem_lines(err)
    assert "ark «Tiltak», celle I2" in line and "heltall" in line
