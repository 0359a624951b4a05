"""XLSX workbooks: one sheet per entity, a header row with Norwegian column names.

Sheets (names and headers are matched case-insensitively, bokmål or nynorsk):

- «Plan»: two columns, Felt | Verdi (Tittel, Startår, Sluttår, Visjon, …)
- «Kommuner»: Kommunenummer | Navn | Rolle | Vedtatt av | Vedtaksdato | Saksnummer | Vedtaksstatus
- «Kommuneplan» (optional): Kommunenummer | Plan | Del | Vedtatt | Status | Erstattet av | Nr | Tittel | Tekst
- «Hovedmål» and «Delmål» (optional): Nr | (Hovedmål) | Tittel | Beskrivelse | Indikator … | Kommuneplan
- «Tiltak»: Nr | Tiltak | Beskrivelse | Delmål | Målgruppe | Ansvarlig | Samarbeidspartnere | År | Frist |
  Kostnad | Kostnadsgrunnlag | Finansiering | Status | Indikator | Kommuneplan | Kommuner
- «Alkoholpolitikk» (optional): one row per municipality: Kommunenummer | Salgstid hverdager | Salgstid før
  helligdager | Skjenketid gruppe 1 og 2 | Skjenketid gruppe 3 | Salgssteder | Skjenkesteder | Kontroller per år |
  Bevillingsperiode slutt | Kriterier | Enkeltanledninger | Ambulerende | Arrangementer for barn og unge |
  Gebyrer | Kunnskapsprøve | Prikktildeling | Retningslinjer. A time cell holds one range («08:00-20:00») or
  ranges by day type or place, one per line or separated by semicolons: «10:00-01:00; fredag_lørdag:
  10:00-02:00; uteservering: 12:00-24:00» (a range without a label is the default).
- «Rapporter» (optional): yearly reports on measures, one row per measure and year: Tiltak-ID | År | Status |
  Hva ble gjort | Brukt (kr) | Kommentar (nynorsk «Rapportar»: Kva vart gjort …)
- «Indikatorverdier» (optional): measured indicator values of goals and sub-goals: Mål-ID | År | Verdi |
  Fylket | Landet (the goal's indicator itself is described in «Hovedmål» or «Delmål»)

Every value's cell is recorded, so a validation error names sheet and cell. Nothing is dropped
silently: a column or sheet docplan does not know is a warning, a duplicate column, a formula
without a computed value or an unreadable cell is an error at its cell, and a merged range's value
applies to every row it spans.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any, Iterator

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from docplan.errors import DataError, DocumentError, Location, Problem
from docplan.loaders import PositionMap, read_limited
from docplan.model import check_text
from docplan.ooxml.spreadsheet import XMLSyntaxError, merged_ranges
from docplan.package import inspect_package
from docplan.i18n import N_, _, ngettext

SHEETS = {
    "plan": ("plan", "planinfo"),
    "municipalities": ("kommuner", "kommune", "deltakarkommunar", "deltakerkommuner"),
    "kp": ("kommuneplan", "kommuneplaner", "kommuneplanar", "kommuneplanpunkter"),
    "goals": ("hovedmål", "hovudmål"),
    "sub_goals": ("delmål",),
    "measures": ("tiltak", "tiltaksplan"),
    "alcohol": ("alkoholpolitikk", "alkoholpolitikken", "bevillingspolitikk", "løyvepolitikk"),
    "reports": ("rapporter", "rapportar", "årsrapporter", "årsrapportar", "statusrapporter", "statusrapportar"),
    "indicator_values": ("indikatorverdier", "indikatorverdiar", "måltall"),
}

PLAN_FIELDS = {
    "id": "id", "plan-id": "id", "tittel": "title", "undertittel": "subtitle", "plantype": "plan_type",
    "fylke": "county", "startår": "start_year", "sluttår": "end_year", "kommunestyreperiode": "council_term",
    "bevillingsperiode slutt": "licence_period_end", "løyveperiode slutt": "licence_period_end",
    "vertskommune": "host_municipality", "koordinering": "coordination", "visjon": "vision",
    "vedtatt": "adopted", "vedtaksdato": "adopted", "saksnummer": "case_no", "budsjett": "budget_total_nok",
    "budsjett totalt": "budget_total_nok", "lovgrunnlag": "legal_basis", "rullering": "annual_rollover",
    "rapportering": "reporting", "evaluering": "evaluation", "neste revisjon": "next_full_revision",
    "språk": "language", "målform": "language",
}

COLUMNS = {
    "municipalities": {
        "kommunenummer": "number", "kommunenr": "number", "nr": "number", "navn": "name", "kommune": "name",
        "rolle": "role", "vedtatt av": "body", "organ": "body", "vedtaksdato": "date", "dato": "date",
        "saksnummer": "case_no", "sak": "case_no", "vedtaksstatus": "status", "status": "status",
        "kontaktrolle": "local_contact_role", "kontaktperson": "local_contact_role",
    },
    "kp": {
        "kommunenummer": "municipality", "kommunenr": "municipality", "kommune": "municipality",
        "plan": "plan_name", "plannavn": "plan_name", "del": "part", "vedtatt": "adopted",
        "status": "status", "erstattet av": "replaced_by", "versjon": "version", "nr": "id", "id": "id",
        "punkt": "id", "tittel": "title", "mål": "title", "tekst": "text", "beskrivelse": "text",
    },
    "goals": {
        "nr": "id", "id": "id", "hovedmål": "title", "hovudmål": "title", "tittel": "title",
        "beskrivelse": "text", "tekst": "text", "indikator": "ind_name", "kilde": "ind_source",
        "utgangsverdi": "ind_baseline", "utgangsår": "ind_baseline_year", "målverdi": "ind_target",
        "målår": "ind_target_year", "kommuneplan": "kp_refs", "kobling til kommuneplan": "kp_refs",
    },
    "sub_goals": {
        "nr": "id", "id": "id", "hovedmål": "parent", "hovudmål": "parent", "delmål": "title",
        "tittel": "title", "beskrivelse": "text", "tekst": "text", "kommuneplan": "kp_refs",
        "kobling til kommuneplan": "kp_refs", "indikator": "ind_name", "kilde": "ind_source",
        "utgangsverdi": "ind_baseline", "utgangsår": "ind_baseline_year", "målverdi": "ind_target",
        "målår": "ind_target_year",
    },
    "reports": {
        "tiltak-id": "measure", "tiltak": "measure", "nr": "measure", "id": "measure", "år": "year",
        "status": "status", "hva ble gjort": "done", "kva vart gjort": "done", "kva blei gjort": "done",
        "gjort": "done", "brukt": "spent_nok", "brukt kr": "spent_nok", "kommentar": "comment",
        "merknad": "comment",
    },
    "indicator_values": {
        "mål-id": "goal", "mål": "goal", "nr": "goal", "id": "goal", "år": "year", "verdi": "value",
        "fylket": "county", "fylke": "county", "landet": "country", "land": "country",
    },
    "measures": {
        "nr": "id", "id": "id", "tiltak": "title", "tittel": "title", "beskrivelse": "text", "tekst": "text",
        "delmål": "goal_ids", "mål": "goal_ids", "målgruppe": "target_group", "ansvarlig": "responsible",
        "ansvarleg": "responsible", "ansvar": "responsible", "samarbeidspartnere": "partners",
        "samarbeidspartnarar": "partners", "samarbeid": "partners", "år": "years", "gjennomføringsår": "years",
        "frist": "deadline", "frist/år": "deadline", "kostnad": "cost_nok", "økonomi": "cost_nok",
        "kostnadsgrunnlag": "cost_basis", "finansiering": "funding", "status": "status",
        "indikator": "indicator", "kommuneplan": "kp_refs", "kobling til kommuneplan": "kp_refs",
        "kommuner": "municipalities", "gjelder": "municipalities",
    },
}
COLUMNS["alcohol"] = {
    "kommunenummer": "municipality", "kommunenr": "municipality", "kommune": "municipality", "nr": "municipality",
    "salgstid hverdager": "sales_hours.weekdays", "salstid kvardagar": "sales_hours.weekdays",
    "salgstider hverdager": "sales_hours.weekdays", "salstider kvardagar": "sales_hours.weekdays",
    "salgstid før helligdager": "sales_hours.before_holidays",
    "salgstid før søn- og helligdager": "sales_hours.before_holidays",
    "salstid før heilagdagar": "sales_hours.before_holidays",
    "salstid før sun- og heilagdagar": "sales_hours.before_holidays",
    "skjenketid gruppe 1 og 2": "serving_hours.group_1_2", "skjenketid gruppe 1-2": "serving_hours.group_1_2",
    "skjenketid gruppe 1–2": "serving_hours.group_1_2", "skjenketider gruppe 1 og 2": "serving_hours.group_1_2",
    "skjenketid gruppe 3": "serving_hours.group_3", "skjenketider gruppe 3": "serving_hours.group_3",
    "salgssteder": "outlets.sales", "salsstader": "outlets.sales", "skjenkesteder": "outlets.serving",
    "skjenkestader": "outlets.serving", "maks salgssteder": "outlets.max_sales",
    "maks salsstader": "outlets.max_sales", "maks skjenkesteder": "outlets.max_serving",
    "maks skjenkestader": "outlets.max_serving", "kontroller per år": "controls_per_year",
    "kontrollar per år": "controls_per_year", "kontroller": "controls_per_year", "kontrollar": "controls_per_year",
    "bevillingsperiode slutt": "licence_period_end", "løyveperiode slutt": "licence_period_end",
    "bevillingsperioden slutter": "licence_period_end", "løyveperioden sluttar": "licence_period_end",
    "kriterier": "licence_criteria", "kriterium": "licence_criteria", "kriteria": "licence_criteria",
    "vilkår": "licence_criteria", "enkeltanledninger": "single_occasion", "enkeltanledning": "single_occasion",
    "einskildhøve": "single_occasion", "ambulerende": "ambulant", "ambulerande": "ambulant",
    "arrangementer for barn og unge": "youth_events", "arrangement for barn og unge": "youth_events",
    "gebyrer": "fees", "gebyr": "fees", "kunnskapsprøve": "knowledge_test", "kunnskapsprøva": "knowledge_test",
    "prikktildeling": "sanctions", "reaksjoner": "sanctions", "reaksjonar": "sanctions",
    "retningslinjer": "guidelines", "retningsliner": "guidelines",
}

REQUIRED_COLUMNS = {"municipalities": ("number", "name"), "measures": ("id", "title"),
                    "kp": ("municipality", "plan_name", "id", "title"), "goals": ("id", "title"),
                    "alcohol": ("municipality",), "reports": ("measure", "year", "status"),
                    "indicator_values": ("goal", "year", "value"),
                    "sub_goals": ("id", "parent", "title")}


#: A sheet with more filled-in cells than this is refused: plan data is a few hundred rows.
MAX_CELLS = 500_000
#: Merged ranges may together span at most this many cells of a sheet's used area.
MAX_MERGED_CELLS = 1_000_000



class _CellError(ValueError):
    """A cell's value cannot be used; the message is Norwegian and the caller adds the cell."""


class _Unusable:
    """Stands in a sheet's grid for a cell whose value must not be read: its problem is reported
    when (and only when) the loader reads that cell."""

    __slots__ = ("message", "code")

    def __init__(self, message: str, code: str) -> None:
        self.message = message
        self.code = code


def _norm(text: Any) -> str:
    s = str(text or "").strip().casefold()
    s = re.sub(r"\(.*?\)", "", s)
    return re.sub(r"\s+", " ", s).strip(" .:*")


def _split_ids(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    return [p for p in re.split(r"[,;\s]+", _text(value).strip()) if p]


def _split_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    text = _text(value)
    sep = r"[;\n]" if re.search(r"[;\n]", text) else r","
    return [p.strip() for p in re.split(sep, text) if p.strip()]


def _text(value: Any) -> str:
    """Return a cell as text the way the planner typed it: 12 rather than 12.0."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.time, dt.timedelta)):
        raise _CellError(_("må være tekst, ikke en dato, et klokkeslett eller en avkrysning"))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _identifier(value: Any) -> str:
    """Return an id cell («Nr») as text; a blank one is an error, never the id "None"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _CellError(_("nummeret (id) mangler; hver rad må ha et nummer, for eksempel «T-01»"))
    return _text(value)


def _municipality_number(value: Any) -> Any:
    """Return a kommunenummer cell as text.

    Excel drops the leading zero of 0301 typed as a number, so a whole number below 10 000 is padded
    to four digits; a number with decimals is refused instead of being cut to a whole one.
    """
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.time, dt.timedelta)):
        raise _CellError(_("kommunenummer må være fire sifre, ikke en dato eller avkrysning"))
    if isinstance(value, float):
        if not value.is_integer():
            raise _CellError(_("kommunenummer må være et heltall med fire sifre, ikke {value:g}").format(value=value))
        value = int(value)
    if isinstance(value, int):
        if not 0 < value < 10_000:
            raise _CellError(_("kommunenummer må ha fire sifre, ikke {value}").format(value=value))
        return f"{value:04d}"
    if value is None or not re.fullmatch(r"[0-9]{4}", str(value).strip()):
        raise _CellError(_("kommunenummer må ha fire sifre, for eksempel «3427»") if value not in (None, "")
                         else _("kommunenummer mangler"))
    return str(value).strip()


def _municipality_numbers(value: Any) -> list[Any]:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [_municipality_number(value)]
    return _split_ids(value)


def _keyword(value: Any) -> Any:
    """Return a choice cell (status, kostnadsgrunnlag) in lower case; other types are left to validation."""
    return value.strip(" \u00a0").lower() if isinstance(value, str) else value


_PER_YEAR_SUFFIX = re.compile(r"\s*(?:per|pr\.?|/)\s*år\s*$|\s*årlig\s*$|\s*årleg\s*$", re.IGNORECASE)
_COST_BASIS_WORDS = {
    "per år": "per år", "pr. år": "per år", "pr år": "per år", "/år": "per år", "årlig": "per år",
    "årleg": "per år", "kr/år": "per år", "kr per år": "per år", "totalt": "totalt", "total": "totalt",
    "samlet": "totalt", "samla": "totalt", "engangs": "engangs", "engang": "engangs", "eingongs": "eingongs",
    "eingong": "eingongs", "engangsbeløp": "engangs", "eingongsbeløp": "eingongs",
}


def _cost_basis(value: Any) -> Any:
    """Return a «Kostnadsgrunnlag» cell as one of the model's words: «Pr. år», «per\u00a0år», «årlig» → «per år».

    Anything else is left for validation to name.
    """
    if not isinstance(value, str):
        return value
    words = " ".join(value.replace("\u00a0", " ").split()).lower()
    return _COST_BASIS_WORDS.get(words, words)


def _date(value: Any) -> Any:
    # A date with a time of day is left as it is, so validation says it must be a date only.
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})\s*", value)
        if m:
            try:
                return dt.date(int(m[3]), int(m[2]), int(m[1]))
            except ValueError:
                return value
    return value


def _int(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        cleaned = re.sub(r"(?i)\s|kr\.?|nok|,-", "", value.replace("\u00a0", ""))
        if re.fullmatch(r"[0-9]+", cleaned):
            return int(cleaned)
        if re.fullmatch(r"[0-9]{1,3}(\.[0-9]{3})+", cleaned):
            return int(cleaned.replace(".", ""))
    return value


def _years(value: Any) -> Any:
    if value is None or value == "":
        return []
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [_int(value)]  # 2024.5 stays a float, which validation refuses
    text = _text(value)
    m = re.fullmatch(r"\s*([0-9]{4})\s*[-–]\s*([0-9]{4})\s*", text)
    if m and int(m[1]) <= int(m[2]) <= int(m[1]) + 50:
        return list(range(int(m[1]), int(m[2]) + 1))
    return [_int(p) for p in re.split(r"[,;\s]+", text.strip()) if p]


_FUNDING = re.compile(r"^(?P<source>.+?)(?:\s*:\s*(?P<amount>[\d\s\u00a0.]+?)\s*(?:kr\.?|nok)?)?\s*"
                      r"(?:\((?P<status>[^)]*)\))?\s*$", re.IGNORECASE)


def _funding(value: Any) -> Any:
    """Parse «Kilde: 120 000 (søkt); Kilde 2: 60 000 (planlagt i økonomiplan)»."""
    if value is None or value == "":
        return []
    text = _text(value)
    out = []
    for part in _split_list(text) if ";" in text or "\n" in text else [text.strip()]:
        m = _FUNDING.match(part)
        if not m:
            out.append({"source": part})
            continue
        line: dict[str, Any] = {"source": m["source"].strip()}
        if m["amount"]:
            line["amount_nok"] = _int(m["amount"].strip())
        if m["status"]:
            line["status"] = m["status"].strip()
        out.append(line)
    return out


_HOURS_LABEL = re.compile(r"^\s*([^:0-9][^:]*?)\s*:\s*(.+?)\s*$")


def _hours(value: Any) -> Any:
    """Parse an hours cell: «10:00-01:00», or «10:00-01:00; fredag_lørdag: 10:00-02:00» (by day type or place).

    The ranges themselves are checked by validation; here only the labels are read. A range without a label is
    the default.
    """
    if value is None or value == "":
        return None
    text = _text(value)
    parts = [p.strip() for p in re.split(r"[;\n]", text) if p.strip()]
    if len(parts) == 1 and not _HOURS_LABEL.match(parts[0]):
        return parts[0]
    out: dict[str, str] = {}
    for part in parts:
        m = _HOURS_LABEL.match(part)
        label, hours = (m[1], m[2]) if m else ("default", part)
        if label in out:
            raise _CellError(_("«{label}» står to ganger i cellen; skriv hvert tidsrom med sin egen dag eller sitt "
                               "sted").format(label=label))
        out[label] = hours
    return out


def _is_percent(cell, value: Any) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and "%" in re.sub(r'"[^"]*"|\\.', "", cell.number_format or ""))


def _percent_text(value: float) -> str:
    """Return a percent-formatted number as the planner sees it: 0.255 shown as 25,5 % is "25,5 %".

    The stored number is a hundredth of what is displayed; reading it as a number would change it.
    """
    return f"{round(value * 100, 10):.10g}".replace(".", ",") + "\u00a0%"


class _Sheet:
    """One worksheet as a sparse grid of the values the planner sees.

    A merged range's value stands in every cell the range spans (and is located at its top-left
    cell). A formula Excel never computed, or a cell showing an error such as #REF!, is kept as an
    `_Unusable` and reported when the loader reads it.
    """

    def __init__(self, ws, formulas_ws, merged: list[str], file: str, problems: list[Problem]) -> None:
        self.title = ws.title
        self.file = file
        self.problems = problems
        self.rows: dict[int, dict[int, Any]] = {}
        self._origin: dict[tuple[int, int], tuple[int, int]] = {}
        self._ranges: dict[tuple[int, int], str] = {}
        self._reported: set[tuple[int, int]] = set()
        text_results = self._read_values(ws)
        self._read_formulas(formulas_ws, text_results)
        self._spread_merged(merged)

    def _read_values(self, ws) -> set[tuple[int, int]]:
        count = 0
        text_results: set[tuple[int, int]] = set()
        ws.reset_dimensions()  # the stored size may claim far more than the cells there are
        for row in ws.iter_rows():
            for cell in row:
                r, c = getattr(cell, "row", None), getattr(cell, "column", None)
                if r is None:
                    continue  # a gap openpyxl fills in
                value = cell.value
                if cell.data_type == "e":
                    value = _Unusable(f"cellen viser feilverdien {value} fra en formel; rett formelen eller "
                                      "skriv inn verdien", "formula_error")
                elif value is None or value == "":
                    if cell.data_type in ("s", "str"):
                        text_results.add((r, c))  # a formula whose result is empty text
                    continue
                elif _is_percent(cell, value):
                    value = _percent_text(value)
                count += 1
                if count > MAX_CELLS:
                    raise DataError(_("arket har mer enn {max_cells} utfylte celler; plandata skal være mye mindre").format(
                                        max_cells=MAX_CELLS),
                                    Location(file=self.file, sheet=self.title), code="too_large")
                self.rows.setdefault(r, {})[c] = value
        return text_results

    def _read_formulas(self, ws, text_results: set[tuple[int, int]]) -> None:
        count = 0
        ws.reset_dimensions()
        for row in ws.iter_rows():
            for cell in row:
                if getattr(cell, "data_type", None) != "f":
                    continue
                r, c = cell.row, cell.column
                if c in self.rows.get(r, {}) or (r, c) in text_results:
                    continue
                count += 1
                if count > MAX_CELLS:
                    raise DataError(_("arket har mer enn {max_cells} formler; plandata skal være mye mindre").format(
                                        max_cells=MAX_CELLS),
                                    Location(file=self.file, sheet=self.title), code="too_large")
                self.rows.setdefault(r, {})[c] = _Unusable(
                    "cellen har en formel uten beregnet verdi (arbeidsboken er ikke lagret i et regneark etter at "
                    "formelen ble skrevet); åpne og lagre den i Excel eller LibreOffice, eller skriv inn tallet",
                    "formula_without_value")

    def _spread_merged(self, merged: list[str]) -> None:
        if not merged or not self.rows:
            return
        last_row = max(self.rows)
        last_col = max(max(cols) for cols in self.rows.values())
        spread = 0
        for ref in merged:
            try:
                rng = CellRange(ref)
            except (ValueError, TypeError):
                continue  # openpyxl reads the same sheet; a range it cannot name merges nothing
            top = (rng.min_row, rng.min_col)
            value = self.rows.get(rng.min_row, {}).get(rng.min_col)
            self._ranges[top] = rng.coord
            if value is None:
                continue
            max_row, max_col = min(rng.max_row, last_row), min(rng.max_col, last_col)
            spread += max(0, max_row - rng.min_row + 1) * max(0, max_col - rng.min_col + 1)
            if spread > MAX_MERGED_CELLS:
                raise DataError(_("de sammenslåtte cellene ({coord} og andre) dekker for mange celler").format(
                                    coord=rng.coord),
                                Location(file=self.file, sheet=self.title), code="too_large")
            for r in range(rng.min_row, max_row + 1):
                for c in range(rng.min_col, max_col + 1):
                    if (r, c) != top:
                        self.rows.setdefault(r, {})[c] = value
                        self._origin[(r, c)] = top

    def loc(self, row: int, col: int) -> Location:
        """Return where a cell's value is: the top-left cell of the merged range it lies in."""
        r, c = self._origin.get((row, col), (row, col))
        return Location(file=self.file, sheet=self.title, cell=f"{get_column_letter(c)}{r}")

    def merged_across(self, row: int, col: int) -> str | None:
        """Return the range a cell shares with the cell to its left or right, if any."""
        top = self._origin.get((row, col), (row, col))
        coord = self._ranges.get(top)
        if coord is None:
            return None
        rng = CellRange(coord)
        return coord if rng.min_col != rng.max_col else None

    def filled(self, row: int, cols=None) -> bool:
        cells = self.rows.get(row, {})
        return any(c in cells for c in cols) if cols is not None else bool(cells)

    def value(self, row: int, col: int) -> Any:
        """Return a cell's value; an unusable cell or a text no document can hold is reported and read as empty."""
        value = self.rows.get(row, {}).get(col)
        origin = self._origin.get((row, col), (row, col))
        if isinstance(value, _Unusable):
            self._report(origin, value.message, value.code)
            return None
        if isinstance(value, str):
            try:
                check_text(value)
            except ValueError as exc:
                self._report(origin, str(exc), "invalid_text")
                return None
        return value

    def _report(self, origin: tuple[int, int], message: str, code: str) -> None:
        if origin not in self._reported:
            self._reported.add(origin)
            self.problems.append(Problem(message, self.loc(*origin), code=code))


class _Reader:
    """Reads the recognised sheets, collecting cell problems (errors) and warnings as it goes."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def convert(self, fn, value: Any, loc: Location, default: Any = None) -> Any:
        """Return ``fn(value)``; a value it cannot convert is reported at its cell and read as ``default``."""
        try:
            return fn(value)
        except (_CellError, ValueError, TypeError, OverflowError) as exc:
            shown = str(value) if len(str(value)) <= 60 else str(value)[:59] + "…"
            message = str(exc) if isinstance(exc, _CellError) else _("verdien «{value}» kan ikke leses").format(value=shown)
            self.problems.append(Problem(message, loc, code="invalid_cell"))
            return default

    def table(self, sheet: _Sheet, entity: str) -> Iterator[tuple[int, dict[str, tuple[Any, Location]]]]:
        """Yield (row number, {field: (value, location)}) for each row under the header row that has a
        value in a known column."""
        columns = COLUMNS[entity]
        rows = sorted(sheet.rows)
        header_row = next((r for r in rows if sheet.filled(r)), None)
        if header_row is None:
            return
        header: dict[int, str] = {}
        first: dict[str, tuple[int, str]] = {}
        ignored: set[int] = set()
        merged_reported: set[str] = set()
        for c in sorted(sheet.rows[header_row]):
            across = sheet.merged_across(header_row, c)
            raw = sheet.value(header_row, c)
            key = _norm(raw)
            if not key:
                continue
            if across:
                if across not in merged_reported:
                    merged_reported.add(across)
                    self.problems.append(Problem(
                        _("overskriften «{raw}» står i sammenslåtte celler ({across}); hver kolonne må ha sin egen "
                          "overskrift, så del opp cellene").format(raw=raw, across=across), sheet.loc(header_row, c),
                        code="merged_header"))
                ignored.add(c)
                continue
            field = columns.get(key)
            if field is None:
                ignored.add(c)
                self.warnings.append(Problem(
                    _("kolonnen «{raw}» er ukjent og blir ikke lest; kjente kolonner er {known}").format(
                        raw=raw, known=', '.join(sorted({k.capitalize() for k in columns}))), sheet.loc(header_row, c),
                    code="unknown_column"))
            elif field in first:
                ignored.add(c)
                other_col, other = first[field]
                if _norm(other) == key:
                    message = _("kolonnen «{raw}» står to ganger (celle {cell}); fjern den ene kolonnen eller slå dem "
                                "sammen")
                else:
                    message = _("kolonnen «{raw}» betyr det samme som «{other}» (celle {cell}); fjern den ene "
                                "kolonnen eller slå dem sammen")
                self.problems.append(Problem(
                    message.format(raw=raw, other=other, cell=f"{get_column_letter(other_col)}{header_row}"),
                    sheet.loc(header_row, c), code="duplicate_column"))
            else:
                header[c] = field
                first[field] = (c, str(raw))
        missing = [f for f in REQUIRED_COLUMNS.get(entity, ()) if f not in header.values()]
        if missing:
            names = {v: k for k, v in reversed(list(columns.items()))}
            raise DataError(
                _("overskriftsraden mangler kolonnene {missing}; kjente kolonner er {known}").format(
                    missing=', '.join((f'«{names[m].capitalize()}»' for m in missing)),
                    known=', '.join(sorted({k.capitalize() for k in columns}))),
                sheet.loc(header_row, 1), code="missing_column")
        unheaded: set[int] = set()
        for r in rows:
            if r <= header_row:
                continue
            for c in sorted(sheet.rows[r]):
                if c not in header and c not in ignored and c not in unheaded:
                    unheaded.add(c)
                    self.warnings.append(Problem(
                        _("cellen har en verdi, men kolonnen har ingen overskrift, så den blir ikke lest"),
                        sheet.loc(r, c), code="unheaded_column"))
            if not sheet.filled(r, header):
                continue
            yield r, {field: (sheet.value(r, c), sheet.loc(r, c)) for c, field in header.items()}


def _merged_ranges(package, ws, file: str) -> list[str]:
    """Return the merged ranges of a sheet (openpyxl's streaming reader does not read them)."""
    part = getattr(ws, "_worksheet_path", None)
    if part is None:
        return []
    try:
        return merged_ranges(package.read(part.lstrip("/")))
    except (KeyError, XMLSyntaxError) as exc:
        raise _unreadable(file) from exc


def _find_sheets(wb, formulas_wb, package, reader: _Reader) -> dict[str, _Sheet]:
    found: dict[str, _Sheet] = {}
    for ws, formulas_ws in zip(wb.worksheets, formulas_wb.worksheets):
        name = _norm(ws.title)
        entity = next((e for e, names in SHEETS.items() if name in names), None)
        if entity is None:
            reader.warnings.append(Problem(
                _("arket er ukjent og blir ikke lest; docplan leser arkene Plan, Kommuner, Kommuneplan, Hovedmål, "
                  "Delmål, Tiltak, Alkoholpolitikk, Rapporter og Indikatorverdier"),
                Location(file=reader.file, sheet=ws.title), code="unknown_sheet"))
            continue
        if entity in found:
            raise DataError(_("arbeidsboken har både arket «{title}» og «{other}» for det samme; slå dem sammen "
                              "til ett ark").format(title=found[entity].title, other=ws.title),
                            Location(file=reader.file, sheet=ws.title),
                            code="duplicate_sheet")
        found[entity] = _Sheet(ws, formulas_ws, _merged_ranges(package, ws, reader.file), reader.file, reader.problems)
    return found


def _unreadable(file: str) -> DataError:
    return DataError(_("arbeidsboken kan ikke leses (skadet eller ikke en .xlsx-fil)"), Location(file=file),
                     code="unreadable")


def load(path: Path) -> tuple[Any, PositionMap, list[Problem]]:
    """Load a plan workbook; return data, positions and warnings (unknown columns and sheets).

    A missing sheet or header raises `DataError` at once; problems with single cells are collected
    and raised together once every sheet has been read.
    """
    import openpyxl

    file = str(path)
    raw = read_limited(path)
    try:
        info = inspect_package(raw, name=file, kind="xlsx")
    except DocumentError as exc:  # a workbook is data: same checks, the data error class
        raise DataError(exc.message, exc.location, code=exc.code) from exc
    reader = _Reader(file)
    workbooks = []
    try:
        # Two streaming reads: the values Excel computed, and which cells hold formulas (a formula
        # never computed reads as an empty cell in the first). openpyxl parses a sheet while it is
        # iterated, so reading the cells is inside this guard too.
        for data_only in (True, False):
            workbooks.append(openpyxl.load_workbook(io.BytesIO(info.data), read_only=True, data_only=data_only))
        sheets = _find_sheets(workbooks[0], workbooks[1], info, reader)
        titles = [ws.title for ws in workbooks[0].worksheets]
    except DataError:
        raise
    except Exception as exc:  # openpyxl's internals on a damaged workbook
        raise _unreadable(file) from exc
    finally:
        for wb in workbooks:
            wb.close()
    return _load_workbook(sheets, titles, reader)


def _goal_fields(goal: dict[str, Any], row: dict, convert, pos: PositionMap, path: tuple) -> None:
    """Fill a main goal's or a sub-goal's fields from its row: id, title, text, kommuneplan refs, indicator."""
    ident = convert(_identifier, *row["id"])
    if ident is not None:
        goal["id"] = ident
    if row["title"][0] not in (None, ""):
        goal["title"] = row["title"][0]
    if row.get("text", (None,))[0] not in (None, ""):
        goal["text"] = row["text"][0]
    if "kp_refs" in row:
        goal["kp_refs"] = convert(_split_ids, *row["kp_refs"], [])
    indicator = {k[4:]: v for k, (v, _unused) in row.items() if k.startswith("ind_") and v not in (None, "")}
    if indicator:
        goal["indicator"] = indicator
        for k, (_unused, loc) in row.items():
            if k.startswith("ind_"):
                pos[(*path, "indicator", k[4:])] = loc


_ALCOHOL_CONVERTERS = {
    "sales_hours": _hours, "serving_hours": _hours, "outlets": _int, "controls_per_year": _int,
    "licence_period_end": _date, "licence_criteria": _split_list,
}


def _alcohol_rows(sheet: _Sheet, reader: _Reader, data: dict, munis: dict[str, dict], pos: PositionMap,
                  numbers_ok: bool) -> None:
    """Read the «Alkoholpolitikk» sheet into each municipality's ``alcohol_policy``."""
    seen: dict[str, Location] = {}
    for r, row in reader.table(sheet, "alcohol"):
        v, loc = row["municipality"]
        number = reader.convert(_municipality_number, v, loc)
        if number is None:
            continue
        muni = munis.get(number)
        if muni is None:
            if numbers_ok:
                reader.problems.append(Problem(_("kommunenummer «{number}» står ikke i arket «Kommuner»").format(
                                                   number=number), loc,
                                               code="reference"))
            continue
        if number in seen:
            reader.problems.append(Problem(
                _("kommune {number} har alkoholpolitikk i to rader (også i celle {cell}); slå dem sammen").format(
                    number=number, cell=seen[number].cell),
                loc, code="duplicate_row"))
            continue
        seen[number] = loc
        i = data["municipalities"].index(muni)
        base = ("municipalities", i, "alcohol_policy")
        policy: dict[str, Any] = {}
        pos[base] = loc
        for field, (value, cell) in row.items():
            if field == "municipality":
                continue
            group, _unused, key = field.partition(".")
            value = reader.convert(_ALCOHOL_CONVERTERS.get(group, lambda x: x), value, cell)
            if value in (None, "") or value == []:
                continue
            if key:
                policy.setdefault(group, {})[key] = value
                pos[(*base, group, key)] = cell
                pos.setdefault((*base, group), cell)
            else:
                policy[group] = value
                pos[(*base, group)] = cell
        muni["alcohol_policy"] = policy


def _year_rows(sheet: _Sheet, reader: _Reader, entity: str, key: str, targets: dict[str, tuple[dict, tuple]],
               unknown: str, what: str) -> Iterator[tuple[dict, tuple, dict]]:
    """Yield (target entry, its data path, row) for each row of a by-year sheet («Rapporter», «Indikatorverdier»).

    The row's id must name a target and each target may have one row a year; otherwise the problem is
    reported at its cell and the row is not used.
    """
    seen: dict[tuple[str, Any], Location] = {}
    for r, row in reader.table(sheet, entity):
        ident = reader.convert(_identifier, *row[key])
        if ident is None:
            continue
        ident = ident.strip()
        target = targets.get(ident)
        if target is None:
            reader.problems.append(Problem(_(unknown).format(id=ident), row[key][1], code="reference"))
            continue
        year, year_loc = row["year"]
        year = _int(year)
        if isinstance(year, int) and not isinstance(year, bool):
            if (ident, year) in seen:
                reader.problems.append(Problem(
                    _(what).format(id=ident, year=year, cell=seen[ident, year].cell), year_loc, code="duplicate_row"))
                continue
            seen[(ident, year)] = year_loc
        yield target[0], target[1], {**row, "year": (year, year_loc)}


def _report_rows(sheet: _Sheet, reader: _Reader, data: dict, pos: PositionMap) -> None:
    """Read the «Rapporter» sheet into each measure's ``reports``."""
    measures = {m["id"].strip(): (m, ("measures", i)) for i, m in enumerate(data["measures"])
                if isinstance(m.get("id"), str)}
    converters = {"status": _keyword, "spent_nok": _int, "done": _text, "comment": _text}
    for measure, path, row in _year_rows(sheet, reader, "reports", "measure", measures,
                                         N_("tiltaket «{id}» står ikke i arket «Tiltak»"),
                                         N_("tiltak {id} har to rader for {year} (også i celle {cell}); hvert år kan "
                                            "stå én gang")):
        reports = measure.setdefault("reports", [])
        base = (*path, "reports", len(reports))
        report: dict[str, Any] = {}
        pos[base] = row["measure"][1]
        for key, (value, loc) in row.items():
            if key == "measure":
                continue
            pos[(*base, key)] = loc
            if key in converters and value not in (None, ""):
                value = reader.convert(converters[key], value, loc)
            if value not in (None, ""):
                report[key] = value
        reports.append(report)


def _indicator_value_rows(sheet: _Sheet, reader: _Reader, data: dict, pos: PositionMap) -> None:
    """Read the «Indikatorverdier» sheet into the ``values`` of each goal's and sub-goal's indicator."""
    goals: dict[str, tuple[dict, tuple]] = {}
    for i, g in enumerate(data["goals"]):
        if isinstance(g.get("id"), str):
            goals.setdefault(g["id"].strip(), (g, ("goals", i)))
        for j, s in enumerate(g.get("sub_goals", [])):
            if isinstance(s.get("id"), str):
                goals.setdefault(s["id"].strip(), (s, ("goals", i, "sub_goals", j)))
    for goal, path, row in _year_rows(sheet, reader, "indicator_values", "goal", goals,
                                      N_("målet «{id}» står ikke i arket «Hovedmål» eller «Delmål»"),
                                      N_("målet {id} har to rader for {year} (også i celle {cell}); hvert år kan stå "
                                         "én gang")):
        indicator = goal.get("indicator")
        if indicator is None:
            reader.problems.append(Problem(
                _("målet «{goal}» har ingen indikator; skriv indikatoren i kolonnen «Indikator» for målet i arket "
                  "«Hovedmål» eller «Delmål»").format(goal=goal.get('id')), row["goal"][1], code="no_indicator"))
            continue
        values = indicator.setdefault("values", [])
        base = (*path, "indicator", "values", len(values))
        entry: dict[str, Any] = {}
        pos[base] = row["goal"][1]
        for key, (value, loc) in row.items():
            if key == "goal":
                continue
            pos[(*base, key)] = loc
            if value not in (None, ""):
                entry[key] = value
        values.append(entry)


def _load_workbook(sheets: dict[str, _Sheet], titles: list[str],
                   reader: _Reader) -> tuple[Any, PositionMap, list[Problem]]:
    file = reader.file
    for needed, label in (("plan", "Plan"), ("municipalities", "Kommuner"), ("measures", "Tiltak")):
        if needed not in sheets:
            raise DataError(_("arbeidsboken mangler arket «{label}» (har: {sheets})").format(
                                label=label, sheets=', '.join((f'«{title}»' for title in titles))),
                            Location(file=file), code="missing_sheet")
    pos: PositionMap = {}
    data: dict[str, Any] = {"meta": {}, "plan": {}, "municipalities": [], "goals": [], "measures": []}
    convert = reader.convert

    # -- Plan: key/value rows
    plan: dict[str, Any] = {}
    period: dict[str, Any] = {}
    follow: dict[str, Any] = {}
    sheet = sheets["plan"]
    pos[("plan",)] = sheet.loc(1, 1)
    seen_fields: dict[str, Location] = {}
    extra_cols: set[int] = set()
    first_row = min(sheet.rows, default=1)
    for r in sorted(sheet.rows):
        for c in sorted(sheet.rows[r]):
            if c > 2 and c not in extra_cols:
                extra_cols.add(c)
                reader.warnings.append(Problem(
                    _("cellen blir ikke lest: arket «Plan» har bare to kolonner (Felt og Verdi)"), sheet.loc(r, c),
                    code="unheaded_column"))
        label = sheet.value(r, 1)
        if label in (None, ""):
            if sheet.filled(r, (2,)):
                reader.warnings.append(Problem(_("verdien blir ikke lest fordi feltnavnet i kolonne A mangler"),
                                               sheet.loc(r, 2), code="unheaded_column"))
            continue
        key = PLAN_FIELDS.get(_norm(label))
        if key is None:
            if r == first_row and _norm(label) in ("felt", "nøkkel"):
                continue
            raise DataError(_("ukjent felt «{label}»; kjente felt er {known}").format(
                                label=label, known=', '.join(sorted({k.capitalize() for k in PLAN_FIELDS}))),
                            sheet.loc(r, 1),
                            code="unknown_field")
        if key in seen_fields:
            reader.problems.append(Problem(
                _("feltet «{label}» står to ganger (også i celle {cell}); bare ett kan gjelde").format(
                    label=label, cell=seen_fields[key].cell),
                sheet.loc(r, 1), code="duplicate_field"))
            continue
        seen_fields[key] = sheet.loc(r, 1)
        value = sheet.value(r, 2)
        if value in (None, ""):
            continue
        loc = sheet.loc(r, 2)
        if key in ("start_year", "end_year"):
            period[key] = _int(value)
            pos[("plan", "period", key)] = loc
        elif key in ("annual_rollover", "reporting", "evaluation", "next_full_revision"):
            follow[key] = _int(value) if key == "next_full_revision" else value
            pos[("plan", "follow_up", key)] = loc
        elif key == "language":
            data["meta"]["language"] = _keyword(value)
            pos[("meta", "language")] = loc
        elif key == "legal_basis":
            plan[key] = convert(_split_list, value, loc, [])
            pos[("plan", key)] = loc
        else:
            if key in ("licence_period_end", "adopted"):
                value = _date(value)
            elif key == "budget_total_nok":
                value = _int(value)
            elif key == "host_municipality":
                value = convert(_municipality_number, value, loc)
            elif key == "id":
                value = convert(_identifier, value, loc)
            plan[key] = _int(value) if isinstance(value, float) else value
            pos[("plan", key)] = loc
    if period:
        plan["period"] = period
    if follow:
        plan["follow_up"] = follow
    data["plan"] = plan

    # -- Kommuner
    munis: dict[str, dict] = {}
    pos[("municipalities",)] = sheets["municipalities"].loc(1, 1)
    numbers_ok = True
    for r, row in reader.table(sheets["municipalities"], "municipalities"):
        i = len(data["municipalities"])
        number = convert(_municipality_number, row["number"][0], row["number"][1])
        numbers_ok = numbers_ok and number is not None
        m: dict[str, Any] = {"number": number, "name": row["name"][0]}
        pos[("municipalities", i)] = row["number"][1]
        pos[("municipalities", i, "number")] = row["number"][1]
        pos[("municipalities", i, "name")] = row["name"][1]
        for key in ("role", "local_contact_role"):
            if key in row and row[key][0] not in (None, ""):
                m[key] = row[key][0]
                pos[("municipalities", i, key)] = row[key][1]
        adoption = {}
        for key in ("body", "date", "case_no", "status"):
            if key in row and row[key][0] not in (None, ""):
                v, loc = row[key]
                adoption[key] = _date(v) if key == "date" else convert(_text, v, loc)
                pos[("municipalities", i, "adoption", key)] = loc
        if adoption:
            m["adoption"] = adoption
        m["master_plans"] = []
        data["municipalities"].append(m)
        if isinstance(number, str):
            munis[number.strip()] = m

    # -- Kommuneplan catalogue
    if "kp" in sheets:
        for r, row in reader.table(sheets["kp"], "kp"):
            v, loc = row["municipality"]
            number = convert(_municipality_number, v, loc)
            if number is None:
                continue  # reported by convert
            muni = munis.get(number)
            if muni is None:
                if numbers_ok:  # else the «Kommuner» sheet's own problem is the one to fix first
                    reader.problems.append(Problem(_("kommunenummer «{number}» står ikke i arket «Kommuner»").format(
                                                       number=number), loc,
                                                   code="reference"))
                continue
            i = data["municipalities"].index(muni)
            plans = muni["master_plans"]
            plan_name = row["plan_name"][0]
            mp = next((p for p in plans if p["plan_name"] == plan_name), None)
            if mp is None:
                mp = {"plan_name": plan_name, "items": []}
                plans.append(mp)
                j = len(plans) - 1
                pos[("municipalities", i, "master_plans", j)] = row["plan_name"][1]
                pos[("municipalities", i, "master_plans", j, "plan_name")] = row["plan_name"][1]
                for key in ("part", "adopted", "status", "replaced_by", "version"):
                    if key in row and row[key][0] not in (None, ""):
                        v, loc = row[key]
                        mp[key] = (_date(v) if key == "adopted" else _keyword(v) if key in ("part", "status")
                                   else convert(_text, v, loc))
                        pos[("municipalities", i, "master_plans", j, key)] = loc
            j = plans.index(mp)
            k = len(mp["items"])
            item: dict[str, Any] = {}
            base = ("municipalities", i, "master_plans", j, "items", k)
            ident = convert(_identifier, *row["id"])
            if ident is not None:
                item["id"] = ident
            for key in ("id", "title", "text"):
                if key in row:
                    v, loc = row[key]
                    pos[(*base, key)] = loc
                    if key != "id" and v not in (None, ""):
                        item[key] = v
            mp["items"].append(item)
            pos[base] = row["id"][1]

    # -- Hovedmål / Delmål
    goals: dict[str, dict] = {}
    if "goals" in sheets:
        for r, row in reader.table(sheets["goals"], "goals"):
            i = len(data["goals"])
            g: dict[str, Any] = {"sub_goals": []}
            pos[("goals", i)] = row["id"][1]
            for key, (v, loc) in row.items():
                pos[("goals", i, key)] = loc
            _goal_fields(g, row, convert, pos, ("goals", i))
            if g.get("id") is not None:
                goals.setdefault(g["id"].strip(), g)
            data["goals"].append(g)
    if "sub_goals" in sheets:
        for r, row in reader.table(sheets["sub_goals"], "sub_goals"):
            parent_id = convert(_identifier, *row["parent"])
            parent = goals.get((parent_id or "").strip())
            if parent is None:
                reader.problems.append(Problem(
                    _("hovedmålet «{id}» finnes ikke i arket «Hovedmål»").format(id=parent_id) if parent_id
                    else _("hovedmålet mangler (skriv nummeret på hovedmålet delmålet hører til)"),
                    row["parent"][1], code="reference"))
                continue
            i = data["goals"].index(parent)
            j = len(parent["sub_goals"])
            s: dict[str, Any] = {}
            _goal_fields(s, row, convert, pos, ("goals", i, "sub_goals", j))
            parent["sub_goals"].append(s)
            pos[("goals", i, "sub_goals", j)] = row["id"][1]
            for key, (_unused, loc) in row.items():
                pos[("goals", i, "sub_goals", j, key)] = loc

    # -- Alkoholpolitikk: one row per municipality
    if "alcohol" in sheets:
        _alcohol_rows(sheets["alcohol"], reader, data, munis, pos, numbers_ok)

    # -- Tiltak
    pos[("measures",)] = sheets["measures"].loc(1, 1)
    converters = {"id": _identifier, "goal_ids": _split_ids, "kp_refs": _split_ids,
                  "municipalities": _municipality_numbers, "partners": _split_list, "years": _years,
                  "deadline": _date, "cost_nok": _int, "funding": _funding, "status": _keyword,
                  "cost_basis": _cost_basis}
    for r, row in reader.table(sheets["measures"], "measures"):
        i = len(data["measures"])
        m = {}
        pos[("measures", i)] = row["id"][1]
        for key, (v, loc) in row.items():
            pos[("measures", i, key)] = loc
            if key == "cost_nok" and isinstance(v, str) and _PER_YEAR_SUFFIX.search(v):
                # «180 000 kr per år» in the cost cell: the amount is per year
                m.setdefault("cost_basis", "per år")
                pos.setdefault(("measures", i, "cost_basis"), loc)
                v = _PER_YEAR_SUFFIX.sub("", v)
            if key in converters:
                v = convert(converters[key], v, loc)
            if v in (None, "") or v == []:
                continue
            m[key] = v
        if m.get("municipalities"):
            m["scope"] = "lokal"
        data["measures"].append(m)
    if "reports" in sheets:
        _report_rows(sheets["reports"], reader, data, pos)
    if "indicator_values" in sheets:
        _indicator_value_rows(sheets["indicator_values"], reader, data, pos)
    if reader.problems:
        raise DataError(ngettext("arbeidsboken har {n} feil", "arbeidsboken har {n} feil", len(reader.problems)).format(
            n=len(reader.problems)), Location(file=file),
                        problems=reader.problems, code="invalid_cells")
    return data, pos, reader.warnings
