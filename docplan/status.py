"""The units' yearly status workbook: one sheet per responsible unit to fill in, read back as measure reports.

`export_status` writes the workbook ``docplan status export`` hands out; `read_status` reads a filled
one back (every problem at its sheet and cell), `merge_reports` puts its reports into the plan's raw data
for that year, and `docplan.datafile.write_back` writes them into the planner's YAML where they belong;
`import_status` does all of it. The workbook carries its year,
the plan's id and a format mark as defined names, so a workbook docplan did not make is refused.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docplan.datafile import write_back
from docplan.errors import DataError, DocumentError, Location, Problem
from docplan.formatting import canonical_value, display_value
from docplan.i18n import N_, _, translate
from docplan.model import Measure, Plan, check_text

#: The statuses a unit chooses from, in the order the dropdown lists them (bokmål; shown in the plan's målform).
STATUSES = ("ikke startet", "pågår", "gjennomført", "utsatt", "avsluttet")

#: Defined names the export stores in the workbook: the year, the plan's id and the format version.
YEAR_NAME = "docplan_status_year"
PLAN_NAME = "docplan_status_plan"
FORMAT_NAME = "docplan_status_format"
FORMAT_VERSION = "1"

#: Excel's longest sheet name, and the characters a sheet name cannot hold.
MAX_SHEET_NAME = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
#: Sheet names Excel reserves for itself.
_RESERVED_SHEETS = ("history",)

# Column headers, bokmål; written in the plan's målform and read in either.
INSTRUCTION_SHEET = N_("Slik fyller du ut")
NO_UNIT_SHEET = N_("Uten ansvarlig")
H_ID = N_("Tiltak-ID")
H_TITLE = N_("Tiltak")
H_GOAL = N_("Mål")
H_DEADLINE = N_("Frist")
H_PLANNED = N_("Planlagt kostnad {year} (kr)")
H_LAST_STATUS = N_("Status {year}")
H_LAST_DONE = N_("Gjort i {year}")
H_STATUS = N_("Status")
H_DONE = N_("Hva ble gjort")
H_SPENT = N_("Brukt (kr)")
H_COMMENT = N_("Kommentar")
#: The columns a unit fills in, and the report field each becomes.
FILL_COLUMNS = {H_STATUS: "status", H_DONE: "done", H_SPENT: "spent_nok", H_COMMENT: "comment"}


def _headers() -> dict[str, str]:
    """Return the fill and id headers in both målformer (normalised) → the field they hold."""
    out = {}
    for header, key in {**FILL_COLUMNS, H_ID: "id"}.items():
        for lang in ("nb", "nn"):
            out[_norm(translate(header, lang))] = key
    return out


def _norm(text: Any) -> str:
    return " ".join(str(text or "").split()).casefold()


def _instruction_titles() -> set[str]:
    return {_norm(translate(INSTRUCTION_SHEET, lang)) for lang in ("nb", "nn")}


# -- export -------------------------------------------------------------------------------------------

def sheet_names(units: list[str | None], lang: str) -> dict[str | None, str]:
    """Return a sheet name for each responsible unit (None: measures without one): at most 31 characters,
    none of ``[]:*?/\\``, not starting or ending with an apostrophe, unique regardless of case, and never
    the instruction sheet's name."""
    taken = {_norm(translate(INSTRUCTION_SHEET, lang))}
    out: dict[str | None, str] = {}
    for unit in units:
        base = translate(NO_UNIT_SHEET, lang) if unit is None else unit
        base = " ".join(_SHEET_FORBIDDEN.sub(" ", base).split()).strip("'").strip() or translate(NO_UNIT_SHEET, lang)
        name = base[:MAX_SHEET_NAME].rstrip("' ")
        n = 1
        while _norm(name) in taken or _norm(name) in _RESERVED_SHEETS:
            n += 1
            suffix = f" ({n})"
            name = base[:MAX_SHEET_NAME - len(suffix)].rstrip("' ") + suffix
        taken.add(_norm(name))
        out[unit] = name
    return out


def measures_by_unit(measures: list[Measure]) -> dict[str | None, list[Measure]]:
    """Return the measures grouped by responsible unit, units in the order they first appear (none last)."""
    groups: dict[str | None, list[Measure]] = {}
    for m in measures:
        unit = " ".join(m.responsible.split()) if m.responsible and m.responsible.strip() else None
        groups.setdefault(unit, []).append(m)
    if None in groups:
        groups[None] = groups.pop(None)
    return groups


def export_status(plan: Plan, year: int, *, municipality: str | None = None, lang: str | None = None) -> bytes:
    """Return the status workbook for ``year``: an instruction sheet, then one sheet per responsible unit.

    Each unit's sheet lists its measures (id, title, goals, deadline, planned cost for the year, last
    year's status and what was done), with the columns to fill unlocked: Status (a dropdown of the five
    statuses in the målform), Hva ble gjort, Brukt (kr) (a whole number ≥ 0) and Kommentar, pre-filled
    from the measure's report for ``year`` when it has one. Everything else is protected (no password).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, Protection
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.workbook.protection import WorkbookProtection
    from openpyxl.worksheet.datavalidation import DataValidation

    lang = lang or plan.meta.language
    measures = plan.measures_for(municipality) if municipality else list(plan.measures)
    groups = measures_by_unit(measures)
    names = sheet_names(list(groups), lang)
    period = plan.info.period

    wb = Workbook()
    info = wb.active
    info.title = translate(INSTRUCTION_SHEET, lang)
    _instruction_sheet(info, plan, year, groups, names, lang)

    headers = [translate(h, lang) for h in (H_ID, H_TITLE, H_GOAL, H_DEADLINE)]
    headers += [translate(H_PLANNED, lang).format(year=year), translate(H_LAST_STATUS, lang).format(year=year - 1),
                translate(H_LAST_DONE, lang).format(year=year - 1)]
    headers += [translate(h, lang) for h in FILL_COLUMNS]
    widths = [12, 40, 14, 12, 16, 16, 40, 18, 50, 14, 40]
    fill_from = 8  # column H: Status
    statuses = [display_value(s, lang) for s in STATUSES]
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    unlocked = Protection(locked=False)
    for unit, unit_measures in groups.items():
        ws = wb.create_sheet(names[unit])
        ws.append(headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for m in unit_measures:
            last = m.report_for(year - 1)
            now = m.report_for(year)
            row = [m.id, m.title, ", ".join(m.goal_ids) or None, m.deadline,
                   m.cost_by_year(period).get(year, 0) if period.start_year <= year <= period.end_year else None,
                   display_value(last.status if last else m.status, lang) or None, last.done if last else None,
                   display_value(now.status, lang) if now else None, now.done if now else None,
                   now.spent_nok if now else None, now.comment if now else None]
            ws.append(row)
            r = ws.max_row
            for c, value in enumerate(row, start=1):
                cell = ws.cell(row=r, column=c)
                if isinstance(value, str):
                    cell.data_type = "s"  # text beginning with «=» is text, never a formula
                cell.alignment = wrap if c in (2, 7, 9, 11) else top
                if c >= fill_from:
                    cell.protection = unlocked
            ws.cell(row=r, column=4).number_format = "DD.MM.YYYY"
            ws.cell(row=r, column=5).number_format = "#,##0"
            ws.cell(row=r, column=10).number_format = "#,##0"
        last_row = max(ws.max_row, 2)
        status_list = DataValidation(type="list", formula1='"' + ",".join(statuses) + '"', allow_blank=True,
                                     showErrorMessage=True, errorTitle=translate("Ugyldig status", lang),
                                     error=translate("Velg en status fra listen.", lang),
                                     promptTitle=translate(H_STATUS, lang),
                                     prompt=", ".join(statuses), showInputMessage=True)
        spent = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                               showErrorMessage=True, errorTitle=translate("Ugyldig beløp", lang),
                               error=translate("Skriv et helt antall kroner, 0 eller mer.", lang))
        ws.add_data_validation(status_list)
        ws.add_data_validation(spent)
        status_list.add(f"H2:H{last_row}")
        spent.add(f"J2:J{last_row}")
        for c, width in enumerate(widths, start=1):
            ws.column_dimensions[ws.cell(row=1, column=c).column_letter].width = width
        ws.freeze_panes = "A2"
        _protect(ws)

    # the import finds each unit by its sheet: sheets are not added, removed or renamed (no password)
    wb.security = WorkbookProtection(lockStructure=True)
    for name, value in ((YEAR_NAME, str(year)), (PLAN_NAME, _quoted(plan.info.id)), (FORMAT_NAME, FORMAT_VERSION)):
        wb.defined_names[name] = DefinedName(name, attr_text=value)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _protect(ws) -> None:
    """Protect a sheet without a password; widening columns and rows stays allowed."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _instruction_sheet(ws, plan: Plan, year: int, groups: dict, names: dict, lang: str) -> None:
    from openpyxl.styles import Alignment, Font

    statuses = ", ".join(display_value(s, lang) for s in STATUSES)
    lines = [
        (translate("Statusrapport for {year}", lang).format(year=year), True),
        (plan.info.title, False),
        (None, False),
        (translate("Hvert ark er én ansvarlig enhet. Fyll ut de fire kolonnene til høyre for hvert tiltak:", lang),
         False),
        (translate("Status: velg fra listen ({statuses}).", lang).format(statuses=statuses), False),
        (translate("Hva ble gjort: kort om hva som ble gjort i {year}.", lang).format(year=year), False),
        (translate("Brukt (kr): hvor mye tiltaket kostet i {year}, i hele kroner.", lang).format(year=year), False),
        (translate("Kommentar: det planleggeren bør vite (forsinkelser, endringer, behov).", lang), False),
        (translate("Kolonnene til venstre er låst; «Status {year}» og «Gjort i {year}» er fjorårets rapport, "
                   "eller tiltakets siste status.", lang).format(year=year - 1), False),
        (translate("Ikke legg til, fjern eller gi nytt navn til ark; send arbeidsboken tilbake til planleggeren.",
                   lang), False),
        (None, False),
    ]
    for text, bold in lines:
        ws.append([text])
        if bold:
            ws.cell(row=ws.max_row, column=1).font = Font(bold=True, size=14)
    ws.append([translate("År", lang), year])
    ws.append([translate("Plan", lang), plan.info.id])
    ws.append([])
    ws.append([translate("Ark", lang), translate("Ansvarlig", lang), translate("Tiltak", lang)])
    for c in range(1, 4):
        ws.cell(row=ws.max_row, column=c).font = Font(bold=True)
    for unit, measures in groups.items():
        ws.append([names[unit], unit if unit is not None else translate(NO_UNIT_SHEET, lang), len(measures)])
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
            cell.alignment = Alignment(vertical="top")
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 50
    ws.column_dimensions["C"].width = 10
    _protect(ws)


# -- import -------------------------------------------------------------------------------------------

@dataclass
class StatusImport:
    """What a filled status workbook says: the reports it holds for ``year``, and the rows left blank."""

    year: int
    file: str
    #: measure id → report ({year, status, done, spent_nok, comment}, empty fields left out), in sheet order.
    reports: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: (measure id, sheet) of rows nobody filled in.
    blank: list[tuple[str, str]] = field(default_factory=list)


class _CellProblem(ValueError):
    """A filled cell cannot be used; the message is Norwegian, the caller adds sheet and cell."""


def _defined(wb, name: str) -> str | None:
    dn = wb.defined_names.get(name)
    if dn is None:
        return None
    value = (dn.attr_text or "").strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1].replace('""', '"')
    return value


def read_status(path: Path, plan: Plan) -> StatusImport:
    """Return the reports of a filled status workbook, or raise `DataError` with every problem at its cell.

    Refused: a workbook ``docplan status export`` did not make (no year mark), or one made from another
    plan. A row with a status, text or amount is a report; a row whose fill columns are all empty is
    listed in ``blank``; an unknown measure id, an invalid status, an amount that is not a whole number
    of kroner ≥ 0, or a measure on two rows is an error.
    """
    import openpyxl

    from docplan.loaders import read_limited
    from docplan.package import inspect_package

    file = str(path)
    raw = read_limited(path)
    try:
        data = inspect_package(raw, name=file, kind="xlsx").data
    except DocumentError as exc:  # a workbook is data: same checks, the data error class
        raise DataError(exc.message, exc.location, code=exc.code) from exc
    try:
        values = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
        formulas = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    except Exception as exc:  # openpyxl's internals on a damaged workbook
        raise DataError(_("arbeidsboken kan ikke leses (skadet eller ikke en .xlsx-fil)"), Location(file=file),
                        code="unreadable") from exc
    year_text = _defined(values, YEAR_NAME)
    if _defined(values, FORMAT_NAME) is None or year_text is None or not year_text.isdigit():
        raise DataError(_("arbeidsboken er ikke laget av «docplan status export», så docplan vet ikke hvilket år "
                          "den gjelder; lag en ny med «docplan status export DATA --year ÅÅÅÅ -o status.xlsx»"),
                        Location(file=file), code="not_a_status_workbook")
    made_from = _defined(values, PLAN_NAME)
    if made_from is not None and made_from != plan.info.id:
        raise DataError(_("arbeidsboken er laget fra planen «{made}», men plandataene er planen «{plan}»; bruk "
                          "plandataene arbeidsboken ble laget fra").format(made=made_from, plan=plan.info.id),
                        Location(file=file), code="other_plan")
    result = StatusImport(year=int(year_text), file=file)
    known = {m.id for m in plan.measures}
    seen: dict[str, Location] = {}
    problems: list[Problem] = []
    headers = _headers()
    skip = _instruction_titles()
    for ws in values.worksheets:
        if _norm(ws.title) in skip:
            continue
        _read_sheet(ws, formulas[ws.title], file, headers, known, seen, problems, result)
    if problems:
        raise DataError(_("statusarbeidsboken har {n} feil; ingenting er skrevet").format(n=len(problems)),
                        Location(file=file), problems=problems, code="invalid_status")
    return result


def _read_sheet(ws, formulas_ws, file: str, headers: dict[str, str], known: set[str], seen: dict[str, Location],
                problems: list[Problem], result: StatusImport) -> None:
    from openpyxl.utils import get_column_letter

    def loc(r: int, c: int) -> Location:
        return Location(file=file, sheet=ws.title, cell=f"{get_column_letter(c)}{r}")

    columns: dict[str, int] = {}
    for cell in ws[1]:
        key = headers.get(_norm(cell.value))
        if key is not None and key not in columns:
            columns[key] = cell.column
    missing = [h for h, k in {H_ID: "id", **FILL_COLUMNS}.items() if k not in columns]
    if missing:
        problems.append(Problem(_("arket mangler kolonnene {columns}; bruk arbeidsboken slik «docplan status "
                                  "export» laget den").format(columns=", ".join(f"«{h}»" for h in missing)),
                                Location(file=file, sheet=ws.title), code="missing_column"))
        return
    for r in range(2, ws.max_row + 1):
        def value(key: str) -> Any:
            c = columns[key]
            v = ws.cell(row=r, column=c).value
            if v is None and formulas_ws.cell(row=r, column=c).data_type == "f":
                raise _CellProblem(_("cellen har en formel uten beregnet verdi; skriv inn verdien"))
            return v

        cells: dict[str, Any] = {}
        for key in ("id", *FILL_COLUMNS.values()):
            try:
                cells[key] = _read_cell(key, value(key))
            except _CellProblem as exc:
                problems.append(Problem(str(exc), loc(r, columns[key]), code="invalid_cell"))
                cells[key] = _CellProblem
        ident = cells.pop("id")
        filled = {k: v for k, v in cells.items() if v is not None}
        if ident is None:
            if filled:
                problems.append(Problem(_("raden er fylt ut, men mangler tiltak-id"), loc(r, columns["id"]),
                                        code="missing_id"))
            continue
        if ident is _CellProblem:
            continue
        where = loc(r, columns["id"])
        if ident not in known:
            problems.append(Problem(_("tiltaket «{id}» finnes ikke i plandataene").format(id=ident), where,
                                    code="unknown_measure"))
            continue
        if ident in seen:
            problems.append(Problem(_("tiltaket «{id}» står også i ark «{sheet}», celle {cell}; det kan bare stå "
                                      "én gang").format(id=ident, sheet=seen[ident].sheet, cell=seen[ident].cell),
                                    where, code="duplicate_row"))
            continue
        seen[ident] = where
        if not filled:
            result.blank.append((ident, ws.title))
            continue
        if any(v is _CellProblem for v in filled.values()):
            continue
        if "status" not in filled:
            problems.append(Problem(_("status mangler; velg en status fra listen når raden er fylt ut"),
                                    loc(r, columns["status"]), code="missing_status"))
            continue
        result.reports[ident] = {"year": result.year, **filled}


def _read_cell(key: str, value: Any) -> Any:
    """Return a cell's value for a report field (None when empty), or raise `_CellProblem` (Norwegian)."""
    if isinstance(value, str):
        try:
            check_text(value)
        except ValueError as exc:
            raise _CellProblem(str(exc)) from None
        value = value.strip()
        if not value:
            return None
    if value is None:
        return None
    if key == "id":
        return _text(value)
    if key == "status":
        return _status(value)
    if key == "spent_nok":
        return _amount(value)
    return _text(value)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise _CellProblem(_("må være tekst, ikke en avkrysning"))
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y") if value.time() == dt.time(0) else value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _status(value: Any) -> str:
    text = value if isinstance(value, str) else _text(value)
    canonical = canonical_value(text)
    if canonical in STATUSES:
        return canonical
    choices = ", ".join(f"«{display_value(s)}»" for s in STATUSES)
    raise _CellProblem(_("«{value}» er ikke en gyldig status; velg en av {choices}").format(
        value=_shown(text), choices=choices))


_AMOUNT_NOISE = re.compile(r"(?i)\s|kr\.?|nok|,-|\u00a0")


def _amount(value: Any) -> int:
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.time, dt.timedelta)):
        raise _CellProblem(_("beløpet må være et tall (hele kroner), ikke en dato eller avkrysning"))
    if isinstance(value, str):
        cleaned = _AMOUNT_NOISE.sub("", value)
        if re.fullmatch(r"[0-9]{1,3}(\.[0-9]{3})+", cleaned):
            cleaned = cleaned.replace(".", "")
        if re.fullmatch(r"[-−][0-9]+([.,][0-9]+)?", cleaned):
            raise _CellProblem(_("beløpet kan ikke være negativt ({value})").format(value=_shown(value)))
        if re.fullmatch(r"[0-9]+[.,][0-9]*[1-9][0-9]*", cleaned):
            raise _CellProblem(_("beløpet må være i hele kroner, uten øre ({value})").format(value=_shown(value)))
        if not re.fullmatch(r"[0-9]+([.,]0*)?", cleaned):
            raise _CellProblem(_("«{value}» er ikke et beløp; skriv et helt antall kroner, for eksempel 12500").format(
                value=_shown(value)))
        value = int(re.split(r"[.,]", cleaned)[0])
    if isinstance(value, float):
        if not value.is_integer():
            raise _CellProblem(_("beløpet må være i hele kroner, uten øre ({value})").format(value=f"{value:g}"))
        value = int(value)
    if value < 0:
        raise _CellProblem(_("beløpet kan ikke være negativt ({value})").format(value=value))
    return value


def _shown(text: str, limit: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- merge and write ------------------------------------------------------------------------------------

@dataclass
class MergeSummary:
    """What a merge changed: measure ids whose report for the year is new, changed or the same as before."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def merge_reports(raw: dict, imported: StatusImport) -> tuple[dict, MergeSummary]:
    """Return a copy of the plan's raw data with the imported reports for the year, and what changed.

    A measure's report for the year is replaced (other years are kept), reports stay sorted by year, and
    the measure's ``status`` becomes the newest report's (left as written when it means the same).
    """
    out = copy.deepcopy(raw)
    summary = MergeSummary()
    by_id = {str(m.get("id")).strip(): m for m in out.get("measures") or [] if isinstance(m, dict)}
    for ident, report in imported.reports.items():
        measure = by_id[ident]
        reports = [r for r in measure.get("reports") or [] if isinstance(r, dict)]
        old = next((r for r in reports if r.get("year") == report["year"]), None)
        if old is None:
            summary.added.append(ident)
        elif _same_report(old, report):
            summary.unchanged.append(ident)
            continue
        else:
            summary.changed.append(ident)
        new = [r for r in reports if r.get("year") != report["year"]] + [dict(report)]
        measure["reports"] = sorted(new, key=lambda r: r.get("year", 0))
        newest = measure["reports"][-1].get("status")
        if canonical_value(measure.get("status")) != canonical_value(newest):
            measure["status"] = newest
    return out, summary


def _same_report(old: dict, new: dict) -> bool:
    def norm(r: dict) -> dict:
        out = {k: v for k, v in r.items() if v not in (None, "")}
        if "status" in out:
            out["status"] = canonical_value(out["status"])
        return {k: v.strip() if isinstance(v, str) else v for k, v in out.items()}

    return norm(old) == norm(new)


@dataclass
class StatusResult:
    """The plan data with a status workbook's reports merged in, ready to write, and what the merge did."""

    data: bytes
    imported: StatusImport
    summary: MergeSummary
    #: True when the planner's YAML could not be edited in place and was written whole.
    rewritten: bool = False
    #: What reading the plan data warned about (unknown columns of a plan workbook).
    warnings: list[Problem] = field(default_factory=list)


def import_status(workbook: Path, data: Path, suffix: str = ".yaml") -> StatusResult:
    """Return plan ``data`` (YAML, JSON or XLSX) with the filled status ``workbook``'s reports for its year, as
    YAML, or JSON for ``suffix`` ".json"; raise `DataError` naming every bad cell (then nothing is merged).

    A YAML file is edited in place (`docplan.datafile.write_back`): only the changed measures' status and
    reports; when that cannot be done it is written whole, its leading comments kept.
    """
    from docplan.loaders import load_raw_with_warnings, validate_plan

    raw, positions, warnings = load_raw_with_warnings(data)
    plan = validate_plan(raw, positions, str(data))
    imported = read_status(workbook, plan)
    merged, summary = merge_reports(raw, imported)
    validate_plan(merged, positions, str(data))
    written, rewritten = write_back(data, raw, merged, suffix, keys=("status", "reports"))
    return StatusResult(written, imported, summary, rewritten=rewritten, warnings=warnings)


__all__ = ["FORMAT_NAME", "MergeSummary", "PLAN_NAME", "STATUSES", "StatusImport", "StatusResult", "YEAR_NAME",
           "export_status", "import_status", "measures_by_unit", "merge_reports", "read_status", "sheet_names"]
