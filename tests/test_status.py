"""``docplan status export|import``: the units' yearly status workbook, out and back in as measure reports."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from docplan.cli import main
from docplan.loaders import load_plan
from docplan.status import STATUSES, export_status, sheet_names

FILL = {"status": 8, "done": 9, "spent_nok": 10, "comment": 11}  # columns H–K


@pytest.fixture()
def run():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
    return invoke


@pytest.fixture()
def exported(tmp_path, example_path, run) -> Path:
    out = tmp_path / "status-2025.xlsx"
    result = run("status", "export", example_path, "--year", 2025, "-o", out)
    assert result.exit_code == 0, result.output
    return out


def measure_rows(wb) -> dict[str, tuple]:
    """Return each measure's row as (sheet title, row number), read from the id column of every unit sheet."""
    out = {}
    for ws in wb.worksheets[1:]:
        for r in range(2, ws.max_row + 1):
            ident = ws.cell(row=r, column=1).value
            if ident:
                out[ident] = (ws.title, r)
    return out


def fill(path: Path, values: dict[str, dict], out: Path | None = None) -> Path:
    """Fill the rows of the given measures (field → value) with openpyxl, as a unit would in Excel."""
    wb = openpyxl.load_workbook(path)
    rows = measure_rows(wb)
    for ident, fields in values.items():
        sheet, r = rows[ident]
        for key, value in fields.items():
            cell = wb[sheet].cell(row=r, column=FILL[key])
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # typed as text; a unit's «=…» in Excel is a formula Excel computes
    out = out or path
    wb.save(out)
    return out


def import_to(run, workbook: Path, data: Path, out: Path, *extra):
    return run("status", "import", workbook, data, "-o", out, *extra)


# -- export ---------------------------------------------------------------------------------------------

def test_export_has_the_instruction_sheet_first_then_one_sheet_per_responsible_unit(exported, sample_plan):
    wb = openpyxl.load_workbook(exported)
    assert wb.sheetnames[0] == "Slik fyller du ut"
    units = {m.responsible for m in sample_plan.measures if m.responsible}
    assert len(wb.sheetnames) == 1 + len(units) + 1  # and «Uten ansvarlig»
    rows = measure_rows(wb)
    assert sorted(rows) == sorted(m.id for m in sample_plan.measures)
    for m in sample_plan.measures:
        sheet = wb[rows[m.id][0]]
        if m.responsible is None:
            assert sheet.title == "Uten ansvarlig"
        else:
            assert sheet.title == sheet_names([m.responsible], "nb")[m.responsible]


def test_each_row_lists_the_measure_its_planned_cost_and_last_years_status(exported, sample_plan):
    wb = openpyxl.load_workbook(exported)
    rows = measure_rows(wb)
    ws = wb[rows["T-02"][0]]
    assert [c.value for c in ws[1]] == ["Tiltak-ID", "Tiltak", "Mål", "Frist", "Planlagt kostnad 2025 (kr)",
                                        "Status 2024", "Gjort i 2024", "Status", "Hva ble gjort", "Brukt (kr)",
                                        "Kommentar"]
    for m in sample_plan.measures:
        sheet, r = rows[m.id]
        values = [c.value for c in wb[sheet][r]]
        assert values[0:3] == [m.id, m.title, ", ".join(m.goal_ids) or None]
        assert values[3].date() == m.deadline
        assert values[4] == m.cost_by_year(sample_plan.info.period).get(2025, 0)
        assert values[5] == m.status
        assert values[7:] == [None, None, None, None]


def test_status_column_has_a_dropdown_of_the_five_statuses_and_spent_a_whole_number_rule(exported):
    wb = openpyxl.load_workbook(exported)
    for ws in wb.worksheets[1:]:
        status, spent = sorted(ws.data_validations.dataValidation, key=lambda dv: dv.type != "list")
        assert status.type == "list"
        assert status.formula1 == '"ikke startet,pågår,gjennomført,utsatt,avsluttet"'
        assert (spent.type, spent.operator, spent.formula1) == ("whole", "greaterThanOrEqual", "0")
        for r in range(2, ws.max_row + 1):
            assert f"H{r}" in status.sqref and f"J{r}" in spent.sqref
        assert "G2" not in status.sqref and "I2" not in spent.sqref


def test_a_nynorsk_plan_gets_nynorsk_headers_instructions_and_dropdown(tmp_path, example_path, run):
    out = tmp_path / "status-nn.xlsx"
    assert run("status", "export", example_path, "--year", 2025, "--lang", "nn", "-o", out).exit_code == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[-1] == "Utan ansvarleg"
    ws = wb.worksheets[1]
    assert [c.value for c in ws[1]][4:] == ["Planlagd kostnad 2025 (kr)", "Status 2024", "Gjort i 2024", "Status",
                                           "Kva vart gjort", "Brukt (kr)", "Kommentar"]
    status = next(dv for dv in ws.data_validations.dataValidation if dv.type == "list")
    assert status.formula1 == '"ikkje starta,pågår,gjennomført,utsett,avslutta"'
    assert "Kvart ark" in " ".join(str(c.value) for c in wb.worksheets[0]["A"] if c.value)


def test_a_plan_in_nynorsk_is_exported_in_nynorsk_without_asking(sample_plan):
    sample_plan.meta.language = "nn"
    wb = openpyxl.load_workbook(io.BytesIO(export_status(sample_plan, 2025)))
    assert wb.worksheets[1]["I1"].value == "Kva vart gjort"


def test_only_the_fill_columns_are_unlocked_on_protected_sheets(exported):
    wb = openpyxl.load_workbook(exported)
    assert wb.security.lockStructure and not wb.security.workbookPassword
    for ws in wb.worksheets:
        assert ws.protection.sheet is True
        assert not ws.protection.password
    for ws in wb.worksheets[1:]:
        for row in ws.iter_rows(min_row=2, max_row=ws.max_row):
            locked = [cell.protection.locked for cell in row]
            assert locked == [True] * 7 + [False] * 4, ws.title
        assert all(cell.protection.locked for cell in ws[1])


def test_the_header_row_is_bold_and_frozen_and_columns_have_widths(exported):
    wb = openpyxl.load_workbook(exported)
    for ws in wb.worksheets[1:]:
        assert ws.freeze_panes == "A2"
        assert all(cell.font.bold for cell in ws[1])
        widths = [ws.column_dimensions[letter].width for letter in "ABCDEFGHIJK"]
        assert all(10 <= w <= 60 for w in widths), widths
        assert ws.column_dimensions["I"].width > ws.column_dimensions["A"].width


def test_an_existing_report_for_the_year_is_prefilled(sample_plan):
    from docplan.model import MeasureReport

    measure = next(m for m in sample_plan.measures if m.id == "T-03")
    measure.reports = [MeasureReport(year=2024, status="pågår", done="Planlagt"),
                       MeasureReport(year=2025, status="utsatt", done="Venter på tilskudd", spent_nok=1200,
                                     comment="Ny søknad")]
    measure.status = "utsatt"
    wb = openpyxl.load_workbook(io.BytesIO(export_status(sample_plan, 2025)))
    sheet, r = measure_rows(wb)["T-03"]
    assert [c.value for c in wb[sheet][r]][5:] == ["pågår", "Planlagt", "utsatt", "Venter på tilskudd", 1200,
                                                   "Ny søknad"]


def test_kommune_limits_the_export_to_the_measures_of_that_municipality(tmp_path, example_path, run, sample_plan):
    out = tmp_path / "s.xlsx"
    assert run("status", "export", example_path, "--year", 2025, "--kommune", "3428", "-o", out).exit_code == 0
    rows = measure_rows(openpyxl.load_workbook(out))
    assert sorted(rows) == sorted(m.id for m in sample_plan.measures_for("3428"))
    assert len(rows) < len(sample_plan.measures)


@pytest.mark.parametrize("units, expected", [
    (["A" * 40], ["A" * 31]),
    (["Helse/omsorg: [rus]?*"], ["Helse omsorg rus"]),
    (["NAV", "nav", "NAV "], ["NAV", "nav (2)", "NAV (3)"]),
    (["B" * 31 + " x", "B" * 31 + " y"], ["B" * 31, "B" * 27 + " (2)"]),
    (["'Sitat'", "History", "Slik fyller du ut", None], ["Sitat", "History (2)", "Slik fyller du ut (2)",
                                                         "Uten ansvarlig"]),
])
def test_sheet_names_keep_excels_rules(units, expected):
    names = sheet_names(units, "nb")
    assert list(names.values()) == expected
    assert all(len(n) <= 31 and not any(ch in n for ch in "[]:*?/\\") for n in names.values())


def test_an_export_year_outside_the_plan_period_is_a_usage_error(tmp_path, example_path, run):
    result = run("status", "export", example_path, "--year", 2031, "-o", tmp_path / "s.xlsx")
    assert result.exit_code == 2
    assert "utenfor planperioden 2024–2027" in result.output
    assert not (tmp_path / "s.xlsx").exists()


# -- import ---------------------------------------------------------------------------------------------

FILLED = {
    "T-01": {"status": "pågår", "done": "Ungdata gjennomført i alle ni kommuner", "spent_nok": 38500,
             "comment": "Rapport kommer i mars"},
    "T-03": {"status": "utsatt", "spent_nok": 0, "comment": "Venter på tilskudd"},
    "T-07": {"status": "Gjennomført", "done": "Vedtatt i alle kommunestyrer", "spent_nok": "12 000 kr"},
    "T-12": {"status": "ikkje starta"},
}


def test_filled_workbook_is_imported_as_reports_with_every_value(tmp_path, exported, example_path, run):
    fill(exported, FILLED)
    out = tmp_path / "plan-2025.yaml"
    result = import_to(run, exported, example_path, out)
    assert result.exit_code == 0, result.output
    assert "4 rapporter for 2025 (nye: 4, endret: 0, uendret: 0)" in result.output
    assert "Ikke fylt ut (16)" in result.output and "T-02 (ark «Rektor ved hver ungdomsskole»)" in result.output
    plan = load_plan(out)
    got = {m.id: m.report_for(2025) for m in plan.measures if m.report_for(2025)}
    assert {k: (r.status, r.done, r.spent_nok, r.comment) for k, r in got.items()} == {
        "T-01": ("pågår", "Ungdata gjennomført i alle ni kommuner", 38500, "Rapport kommer i mars"),
        "T-03": ("utsatt", None, 0, "Venter på tilskudd"),
        "T-07": ("gjennomført", "Vedtatt i alle kommunestyrer", 12000, None),
        "T-12": ("ikke startet", None, None, None),
    }
    statuses = {m.id: m.status for m in plan.measures}
    assert (statuses["T-03"], statuses["T-07"], statuses["T-12"]) == ("utsatt", "gjennomført", "ikke startet")
    before = {m.id: m for m in load_plan(example_path).measures}
    for m in plan.measures:  # everything else is as it was
        assert m.model_dump(exclude={"reports", "status"}) == before[m.id].model_dump(exclude={"reports", "status"})
        if m.id not in FILLED:
            assert (m.reports, m.status) == (before[m.id].reports, before[m.id].status)


def test_the_planners_leading_comments_are_kept(tmp_path, exported, example_path, run):
    fill(exported, {"T-01": {"status": "pågår"}})
    out = tmp_path / "plan-2025.yaml"
    assert import_to(run, exported, example_path, out).exit_code == 0
    head = example_path.read_text(encoding="utf-8").split("\nmeta:")[0]
    assert out.read_text(encoding="utf-8").startswith(head)


def test_reimporting_the_same_workbook_gives_identical_bytes(tmp_path, exported, example_path, run):
    fill(exported, FILLED)
    first, second, again = tmp_path / "a.yaml", tmp_path / "b.yaml", tmp_path / "c.yaml"
    assert import_to(run, exported, example_path, first).exit_code == 0
    assert import_to(run, exported, example_path, second).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    result = import_to(run, exported, first, again)  # into its own result: nothing changes
    assert result.exit_code == 0
    assert "(nye: 0, endret: 0, uendret: 4)" in result.output
    assert again.read_bytes() == first.read_bytes()


def test_an_export_of_imported_data_is_prefilled_and_reimports_unchanged(tmp_path, exported, example_path, run):
    fill(exported, FILLED)
    first = tmp_path / "a.yaml"
    assert import_to(run, exported, example_path, first).exit_code == 0
    again = tmp_path / "again.xlsx"
    assert run("status", "export", first, "--year", 2025, "-o", again).exit_code == 0
    second = tmp_path / "b.yaml"
    assert import_to(run, again, first, second).exit_code == 0
    assert second.read_bytes() == first.read_bytes()


def test_a_changed_report_replaces_the_one_for_that_year_only(tmp_path, exported, example_path, run):
    fill(exported, {"T-01": {"status": "pågår", "spent_nok": 100}})
    first = tmp_path / "a.yaml"
    assert import_to(run, exported, example_path, first).exit_code == 0
    fill(exported, {"T-01": {"status": "gjennomført", "spent_nok": 200}})
    second = tmp_path / "b.yaml"
    result = import_to(run, exported, first, second)
    assert "(nye: 0, endret: 1, uendret: 0)" in result.output
    measure = next(m for m in load_plan(second).measures if m.id == "T-01")
    assert [(r.year, r.status, r.spent_nok) for r in measure.reports] == [(2025, "gjennomført", 200)]
    assert measure.status == "gjennomført"


def test_json_output_holds_the_same_reports(tmp_path, exported, example_path, run):
    fill(exported, FILLED)
    out = tmp_path / "plan-2025.json"
    assert import_to(run, exported, example_path, out).exit_code == 0
    assert load_plan(out).measures[0].report_for(2025).spent_nok == 38500


def error_lines(result) -> list[str]:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return [line.strip() for line in result.output.splitlines() if line.strip().startswith("- ")]


def test_every_bad_cell_is_reported_by_sheet_and_cell_and_nothing_is_written(tmp_path, exported, example_path, run):
    fill(exported, {"T-01": {"status": "ferdig"}, "T-02": {"status": "pågår", "spent_nok": -300},
                    "T-03": {"status": "pågår", "spent_nok": "mye"}, "T-04": {"status": "pågår", "spent_nok": 12.5},
                    "T-05": {"done": "Kontroller gjennomført"}})
    wb = openpyxl.load_workbook(exported)
    rows = measure_rows(wb)
    sheet, r = rows["T-06"]
    wb[sheet].cell(row=r, column=1).value = "T-99"
    wb.save(exported)
    out = tmp_path / "out.yaml"
    lines = error_lines(import_to(run, exported, example_path, out))
    where = {ident: f"ark «{rows[ident][0]}», celle {{col}}{rows[ident][1]}" for ident in rows}
    expected = [
        (where["T-01"].format(col="H"), "«ferdig» er ikke en gyldig status"),
        (where["T-02"].format(col="J"), "beløpet kan ikke være negativt (-300)"),
        (where["T-03"].format(col="J"), "«mye» er ikke et beløp"),
        (where["T-04"].format(col="J"), "beløpet må være i hele kroner"),
        (where["T-05"].format(col="H"), "status mangler"),
        (where["T-06"].format(col="A"), "tiltaket «T-99» finnes ikke i plandataene"),
    ]
    assert len(lines) == len(expected), lines
    for place, words in expected:
        assert any(place in line and words in line for line in lines), (place, words, lines)
    assert not out.exists()


def test_a_measure_on_two_rows_is_an_error(tmp_path, exported, example_path, run):
    wb = openpyxl.load_workbook(exported)
    rows = measure_rows(wb)
    sheet, r = rows["T-02"]
    wb[sheet].cell(row=r, column=1).value = "T-01"
    wb.save(exported)
    lines = error_lines(import_to(run, exported, example_path, tmp_path / "o.yaml"))
    assert len(lines) == 1 and "«T-01» står også i ark" in lines[0] and f"celle A{r}" in lines[0]


def test_a_filled_row_without_id_is_an_error_not_dropped(tmp_path, exported, example_path, run):
    wb = openpyxl.load_workbook(exported)
    ws = wb.worksheets[1]
    row = ws.max_row + 1
    ws.cell(row=row, column=8).value = "pågår"
    wb.save(exported)
    (line,) = error_lines(import_to(run, exported, example_path, tmp_path / "o.yaml"))
    assert f"ark «{ws.title}», celle A{row}" in line and "mangler tiltak-id" in line


def test_a_workbook_not_made_by_export_is_refused(tmp_path, example_path, run):
    from docplan.starter import starter_xlsx

    path = tmp_path / "plan.xlsx"
    path.write_bytes(starter_xlsx("3427"))
    result = import_to(run, path, example_path, tmp_path / "o.yaml")
    assert result.exit_code == 1
    assert "er ikke laget av «docplan status export»" in result.output


def test_a_workbook_made_from_another_plan_is_refused(tmp_path, exported, run):
    other = tmp_path / "other.yaml"
    text = Path(__file__).parent.parent.joinpath("examples", "osterdalen.yaml").read_text(encoding="utf-8")
    other.write_text(text.replace("id: ROP-OSTD-2024", "id: ROP-ANNEN"), encoding="utf-8")
    result = import_to(run, exported, other, tmp_path / "o.yaml")
    assert result.exit_code == 1 and "laget fra planen «ROP-OSTD-2024»" in result.output


def test_a_damaged_workbook_is_an_input_error_without_traceback(tmp_path, example_path, run):
    path = tmp_path / "status.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    result = import_to(run, path, example_path, tmp_path / "o.yaml")
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "Feil:" in result.output


def test_the_output_may_not_be_the_input(tmp_path, exported, example_path, run):
    data = tmp_path / "plan.yaml"
    shutil.copyfile(example_path, data)
    before = data.read_bytes()
    result = import_to(run, exported, data, data, "--force")
    assert result.exit_code == 2 and "den samme som inndatafila" in result.output
    assert data.read_bytes() == before


def test_an_existing_output_needs_force(tmp_path, exported, example_path, run):
    out = tmp_path / "o.yaml"
    out.write_text("x", encoding="utf-8")
    assert import_to(run, exported, example_path, out).exit_code == 2
    assert import_to(run, exported, example_path, out, "--force").exit_code == 0
    assert load_plan(out).info.id == "ROP-OSTD-2024"


def test_status_help_is_norwegian(run):
    result = run("status", "--help")
    assert result.exit_code == 0
    assert "Årlig status fra de ansvarlige enhetene" in result.output
    assert "export" in result.output and "import" in result.output


def test_the_commands_run_as_a_subprocess_without_traceback(tmp_path, example_path):
    import sys

    out = tmp_path / "s.xlsx"
    done = subprocess.run([sys.executable, "-m", "docplan", "status", "export", str(example_path), "--year", "2025",
                           "-o", str(out)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    bad = subprocess.run([sys.executable, "-m", "docplan", "status", "import", str(example_path), str(example_path),
                          "-o", str(tmp_path / "o.yaml")], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr and "Feil:" in bad.stderr


# -- round trip of anything a unit may type ------------------------------------------------------------

_TEXT = (st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
                 | st.sampled_from(["&", "<", ">", "\n", '"', "'", "=", "😀", "æ"]), max_size=40)
         | st.sampled_from(["=SUM(A1:A3)", "a & b < c\nd > e 😀", "_x000D_", "  mellomrom  "]))


@pytest.fixture(scope="module")
def blank_book(tmp_path_factory, example_path) -> Path:
    book = tmp_path_factory.mktemp("book") / "s.xlsx"
    result = CliRunner().invoke(main, ["status", "export", str(example_path), "--year", "2025", "-o", str(book)])
    assert result.exit_code == 0, result.output
    return book


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(STATUSES + ("ikkje starta", "utsett", "avslutta")),
                          st.none() | _TEXT, st.none() | st.integers(0, 10**9), st.none() | _TEXT),
                min_size=3, max_size=3))
@example(rows=[("pågår", "_x000D_ & <b>", 0, "=SUM(A1:A3)"), ("utsett", "a & b < c\nd > e 😀", 10**9, "  x  "),
               ("avslutta", None, None, None)])
def test_anything_a_unit_types_comes_back_unchanged(tmp_path_factory, blank_book, example_path, rows):
    from docplan.formatting import canonical_value

    tmp = tmp_path_factory.mktemp("roundtrip")
    filled = {ident: {"status": s, "done": d, "spent_nok": n, "comment": c}
              for ident, (s, d, n, c) in zip(("T-01", "T-05", "T-12"), rows)}
    book = fill(blank_book, filled, out=tmp / "s.xlsx")
    out = tmp / "o.yaml"
    result = CliRunner().invoke(main, ["status", "import", str(book), str(example_path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    plan = load_plan(out)
    for ident, f in filled.items():
        report = next(m for m in plan.measures if m.id == ident).report_for(2025)
        blank = lambda t: t.strip() or None if t is not None else None  # noqa: E731
        assert (report.status, report.done, report.spent_nok, report.comment) == (
            canonical_value(f["status"]), blank(f["done"]), f["spent_nok"], blank(f["comment"]))
    raw = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert raw["plan"]["id"] == "ROP-OSTD-2024"


@pytest.fixture()
def calc(soffice) -> str:
    """LibreOffice with Calc, which opens workbooks (Writer alone cannot)."""
    if not (Path(os.path.realpath(soffice)).parent / "libsclo.so").exists():
        reason = "LibreOffice Calc (libreoffice-calc-nogui) is not installed; run `make system-deps`"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return soffice


def test_libreoffice_opens_the_exported_workbook(tmp_path, exported, calc):
    from docplan.convert import convert


    (pdf,) = convert([exported], tmp_path / "pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, timeout=60).stdout
        assert "Statusrapport for 2025" in text and "T-01" in text and "Hva ble gjort" in text


# -- writing the planner's YAML back ---------------------------------------------------------------------

def test_import_changes_only_the_status_and_reports_lines_of_the_planners_yaml(tmp_path, exported, example_path,
                                                                               run):
    import difflib

    fill(exported, FILLED)
    out = tmp_path / "plan-2025.yaml"
    result = import_to(run, exported, example_path, out)
    assert "Merk:" not in result.output
    before = example_path.read_text(encoding="utf-8").splitlines()
    after = out.read_text(encoding="utf-8").splitlines()
    removed = [line[2:] for line in difflib.ndiff(before, after) if line.startswith("- ")]
    assert removed == ["    status: pågår"]  # T-03 is now «utsatt»; the other statuses mean the same as before
    added = [line[2:] for line in difflib.ndiff(before, after) if line.startswith("+ ")]
    assert sum(line.strip() == "reports:" for line in added) == 4
    assert all(line.startswith("    ") for line in added)


SPLICE_BASE = """\
# Planen vår
plan:
  id: P
  title: "Plan"
  period: {start_year: 2024, end_year: 2027}
municipalities:
  - number: "3427"
    name: Tynset
measures:
  - id: T-01
    title: Tiltak   # ved siden av
    status: "ikke startet"
MEASURE_TAIL
  - id: T-02   # den andre
    title: Andre
"""


def splice(tail: str, report: dict, newline: str = "\n"):
    from docplan.loaders.yamlfile import parse_yaml
    from docplan.datafile import splice_yaml
    from docplan.status import StatusImport, merge_reports

    text = SPLICE_BASE.replace("MEASURE_TAIL\n", tail).replace("\n", newline)
    raw, _ = parse_yaml(text, "plan.yaml")
    merged, _ = merge_reports(raw, StatusImport(year=2025, file="s.xlsx", reports={"T-01": report}))
    return text, merged, splice_yaml(text, raw, merged)


@pytest.mark.parametrize("tail", [
    "",
    "    reports: []\n",
    "    reports:\n      - {year: 2024, status: pågår}\n      - year: 2025\n        status: pågår\n",
    "    reports:\n    - year: 2025\n      status: utsatt  # indentless\n",
    "    text: |\n      Første linje\n      andre linje\n\n",
    "    kp_refs: [KP-1]   # slutten\n",
])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_reports_are_written_into_the_yaml_text_in_place(tail, newline):
    text, merged, out = splice(tail, {"year": 2025, "status": "gjennomført", "done": "A & B\n<ferdig> 😀",
                                      "spent_nok": 10}, newline)
    assert out is not None
    from docplan.loaders.yamlfile import parse_yaml

    assert parse_yaml(out, "x")[0] == merged
    for keep in ("# Planen vår", "title: Tiltak   # ved siden av", "  - id: T-02   # den andre"):
        assert keep in out
    assert out.count("\r\n") == (out.count("\n") if newline == "\r\n" else 0)


def test_a_measure_written_as_a_flow_mapping_is_not_edited_in_place(tmp_path, run):
    from docplan.datafile import splice_yaml
    from docplan.loaders.yamlfile import parse_yaml

    text = SPLICE_BASE.replace("  - id: T-02   # den andre\n    title: Andre\n", "  - {id: T-02, title: Andre}\n")
    text = text.replace("MEASURE_TAIL\n", "")
    raw, _ = parse_yaml(text, "plan.yaml")
    merged = {**raw, "measures": [raw["measures"][0], {**raw["measures"][1], "status": "pågår",
                                                       "reports": [{"year": 2025, "status": "pågår"}]}]}
    assert splice_yaml(text, raw, merged) is None
    data = tmp_path / "plan.yaml"
    data.write_text(text, encoding="utf-8")
    plan = load_plan(data)
    book = tmp_path / "s.xlsx"
    book.write_bytes(export_status(plan, 2025))
    fill(book, {"T-02": {"status": "pågår"}})
    result = import_to(run, book, data, tmp_path / "out.yaml")
    assert result.exit_code == 0, result.output
    assert "Merk:" in result.output
    out = (tmp_path / "out.yaml").read_text(encoding="utf-8")
    assert out.startswith("# Planen vår\n")
    assert load_plan(tmp_path / "out.yaml").measures[1].report_for(2025).status == "pågår"


def test_plan_data_kept_in_a_workbook_is_imported_into_yaml(tmp_path, run):
    from docplan.starter import starter_xlsx

    data = tmp_path / "plan.xlsx"
    data.write_bytes(starter_xlsx("3427", language="nn"))
    start = load_plan(data).info.period.start_year
    book = tmp_path / "s.xlsx"
    assert run("status", "export", data, "--year", start, "-o", book).exit_code == 0
    assert openpyxl.load_workbook(book).worksheets[1]["I1"].value == "Kva vart gjort"
    fill(book, {"T-01": {"status": "utsett", "spent_nok": 100, "done": "Litt"}})
    out = tmp_path / "plan.yaml"
    result = import_to(run, book, data, out)
    assert result.exit_code == 0, result.output
    report = load_plan(out).measures[0].report_for(start)
    assert (report.status, report.done, report.spent_nok) == ("utsatt", "Litt", 100)


def test_a_workbook_saved_again_by_libreoffice_imports_the_same(tmp_path, exported, example_path, run, calc):
    from docplan.convert import convert

    fill(exported, FILLED)
    (resaved,) = convert([exported], tmp_path / "calc", fmt="xlsx")
    direct, via_calc = tmp_path / "a.yaml", tmp_path / "b.yaml"
    assert import_to(run, exported, example_path, direct).exit_code == 0
    result = import_to(run, resaved, example_path, via_calc)
    assert result.exit_code == 0, result.output
    assert via_calc.read_bytes() == direct.read_bytes()
