"""XLSX workbooks: one sheet per entity, a header row with Norwegian column names.

Sheets (names and headers are matched case-insensitively, bokmål or nynorsk):

- «Plan»: two columns, Felt | Verdi (Tittel, Startår, Sluttår, Visjon, …)
- «Kommuner»: Kommunenummer | Navn | Rolle | Vedtatt av | Vedtaksdato | Saksnummer | Vedtaksstatus
- «Kommuneplan» (optional): Kommunenummer | Plan | Del | Vedtatt | Status | Erstattet av | Nr | Tittel | Tekst
- «Hovedmål» and «Delmål» (optional): Nr | (Hovedmål) | Tittel | Beskrivelse | Indikator … | Kommuneplan
- «Tiltak»: Nr | Tiltak | Beskrivelse | Delmål | Målgruppe | Ansvarlig | Samarbeidspartnere | År | Frist |
  Kostnad | Kostnadsgrunnlag | Finansiering | Status | Indikator | Kommuneplan | Kommuner

Every value's cell is recorded, so a validation error names sheet and cell.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any, Iterator

from docplan.errors import DataError, DocumentError, Location
from docplan.loaders import PositionMap
from docplan.package import inspect_package

SHEETS = {
    "plan": ("plan", "planinfo"),
    "municipalities": ("kommuner", "kommune", "deltakarkommunar", "deltakerkommuner"),
    "kp": ("kommuneplan", "kommuneplaner", "kommuneplanar", "kommuneplanpunkter"),
    "goals": ("hovedmål", "hovudmål"),
    "sub_goals": ("delmål",),
    "measures": ("tiltak", "tiltaksplan"),
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
        "kobling til kommuneplan": "kp_refs",
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
REQUIRED_COLUMNS = {"municipalities": ("number", "name"), "measures": ("id", "title"),
                    "kp": ("municipality", "plan_name", "id", "title"), "goals": ("id", "title"),
                    "sub_goals": ("id", "parent", "title")}


def _norm(text: Any) -> str:
    s = str(text or "").strip().casefold()
    s = re.sub(r"\(.*?\)", "", s)
    return re.sub(r"\s+", " ", s).strip(" .:*")


def _split_ids(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    return [p for p in re.split(r"[,;\s]+", str(value).strip()) if p]


def _split_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    text = str(value)
    sep = r"[;\n]" if re.search(r"[;\n]", text) else r","
    return [p.strip() for p in re.split(sep, text) if p.strip()]


def _date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
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
        if re.fullmatch(r"\d+", cleaned):
            return int(cleaned)
        if cleaned.replace(".", "").isdigit() and re.fullmatch(r"\d{1,3}(\.\d{3})+", cleaned):
            return int(cleaned.replace(".", ""))
    return value


def _years(value: Any) -> Any:
    if value is None or value == "":
        return []
    if isinstance(value, (int, float)):
        return [int(value)]
    text = str(value)
    m = re.fullmatch(r"\s*(\d{4})\s*[-–]\s*(\d{4})\s*", text)
    if m and int(m[1]) <= int(m[2]) <= int(m[1]) + 50:
        return list(range(int(m[1]), int(m[2]) + 1))
    return [_int(p) for p in re.split(r"[,;\s]+", text.strip()) if p]


_FUNDING = re.compile(r"^(?P<source>.+?)(?:\s*:\s*(?P<amount>[\d\s\u00a0.]+?)\s*(?:kr\.?|nok)?)?\s*"
                      r"(?:\((?P<status>[^)]*)\))?\s*$", re.IGNORECASE)


def _funding(value: Any) -> Any:
    """Parse «Kilde: 120 000 (søkt); Kilde 2: 60 000 (planlagt i økonomiplan)»."""
    out = []
    for part in _split_list(value) if ";" in str(value or "") or "\n" in str(value or "") else \
            ([str(value).strip()] if value not in (None, "") else []):
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


class _Sheet:
    def __init__(self, ws, file: str):
        self.ws = ws
        self.title = ws.title
        self.file = file

    def loc(self, row: int, col: int) -> Location:
        from openpyxl.utils import get_column_letter

        return Location(file=self.file, sheet=self.title, cell=f"{get_column_letter(col)}{row}")

    def rows(self) -> Iterator[tuple[int, tuple]]:
        for r, values in enumerate(self.ws.iter_rows(values_only=True), start=1):
            yield r, values


def _table(sheet: _Sheet, entity: str) -> Iterator[tuple[int, dict[str, tuple[Any, Location]]]]:
    """Yield (row number, {field: (value, location)}) for each non-empty row under the header row."""
    columns = COLUMNS[entity]
    header: dict[int, str] | None = None
    header_row = 0
    for r, values in sheet.rows():
        if header is None:
            if not any(v not in (None, "") for v in values):
                continue
            header = {}
            unknown = []
            for c, v in enumerate(values, start=1):
                key = _norm(v)
                if not key:
                    continue
                if key in columns and columns[key] not in header.values():
                    header[c] = columns[key]
                else:
                    unknown.append((c, v))
            missing = [f for f in REQUIRED_COLUMNS.get(entity, ()) if f not in header.values()]
            if missing:
                names = {v: k for k, v in reversed(list(columns.items()))}
                raise DataError(
                    "overskriftsraden mangler kolonnene " + ", ".join(f"«{names[m].capitalize()}»" for m in missing)
                    + "; kjente kolonner er " + ", ".join(sorted({k.capitalize() for k in columns})),
                    sheet.loc(r, 1), code="missing_column")
            header_row = r
            continue
        if not any(v not in (None, "") for v in values):
            continue
        row = {}
        for c, key in header.items():
            v = values[c - 1] if c - 1 < len(values) else None
            if isinstance(v, str):
                v = v.strip()
            row[key] = (v, sheet.loc(r, c))
        yield r, row
    if header is None:
        return
    del header_row


def _find_sheets(wb, file: str) -> dict[str, _Sheet]:
    found: dict[str, _Sheet] = {}
    for ws in wb.worksheets:
        name = _norm(ws.title)
        for entity, names in SHEETS.items():
            if name in names and entity not in found:
                found[entity] = _Sheet(ws, file)
    return found


def load(path: Path) -> tuple[Any, PositionMap]:
    """Load a plan workbook; raise `DataError` for a missing sheet or header with its location."""
    import openpyxl

    file = str(path)
    try:
        info = inspect_package(path, kind="xlsx")
    except DocumentError as exc:  # a workbook is data: same checks, the data error class
        raise DataError(exc.message, exc.location, code=exc.code) from exc
    try:
        import io

        wb = openpyxl.load_workbook(io.BytesIO(info.data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
        raise DataError("arbeidsboken kan ikke leses (skadet eller ikke en .xlsx-fil)", Location(file=file),
                        code="unreadable") from exc
    except Exception as exc:  # lxml/openpyxl internals on a damaged workbook
        raise DataError("arbeidsboken kan ikke leses (skadet eller ikke en .xlsx-fil)", Location(file=file),
                        code="unreadable") from exc
    try:
        return _load_workbook(wb, file)
    finally:
        wb.close()


def _load_workbook(wb, file: str) -> tuple[Any, PositionMap]:
    sheets = _find_sheets(wb, file)
    for needed, label in (("plan", "Plan"), ("municipalities", "Kommuner"), ("measures", "Tiltak")):
        if needed not in sheets:
            raise DataError(f"arbeidsboken mangler arket «{label}» (har: "
                            + ", ".join(f"«{ws.title}»" for ws in wb.worksheets) + ")",
                            Location(file=file), code="missing_sheet")
    pos: PositionMap = {}
    data: dict[str, Any] = {"meta": {}, "plan": {}, "municipalities": [], "goals": [], "measures": []}

    # -- Plan: key/value rows
    plan: dict[str, Any] = {}
    period: dict[str, Any] = {}
    follow: dict[str, Any] = {}
    sheet = sheets["plan"]
    pos[("plan",)] = sheet.loc(1, 1)
    for r, values in sheet.rows():
        if not values or values[0] in (None, ""):
            continue
        key = PLAN_FIELDS.get(_norm(values[0]))
        value = values[1] if len(values) > 1 else None
        if isinstance(value, str):
            value = value.strip()
        if key is None:
            if r == 1 and _norm(values[0]) in ("felt", "nøkkel"):
                continue
            raise DataError(f"ukjent felt «{values[0]}»; kjente felt er "
                            + ", ".join(sorted({k.capitalize() for k in PLAN_FIELDS})), sheet.loc(r, 1),
                            code="unknown_field")
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
            data["meta"]["language"] = str(value).strip().lower()
            pos[("meta", "language")] = loc
        elif key == "legal_basis":
            plan[key] = _split_list(value)
            pos[("plan", key)] = loc
        else:
            if key in ("licence_period_end", "adopted"):
                value = _date(value)
            elif key == "budget_total_nok":
                value = _int(value)
            elif key == "host_municipality" and isinstance(value, (int, float)):
                value = f"{int(value):04d}"
            plan[key] = value if not isinstance(value, float) else _int(value)
            pos[("plan", key)] = loc
    if period:
        plan["period"] = period
    if follow:
        plan["follow_up"] = follow
    data["plan"] = plan

    # -- Kommuner
    munis: dict[str, dict] = {}
    pos[("municipalities",)] = sheets["municipalities"].loc(1, 1)
    for r, row in _table(sheets["municipalities"], "municipalities"):
        i = len(data["municipalities"])
        num = row.get("number", (None, None))[0]
        number = f"{int(num):04d}" if isinstance(num, (int, float)) else num
        m: dict[str, Any] = {"number": number, "name": row.get("name", (None,))[0]}
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
                adoption[key] = _date(row[key][0]) if key == "date" else str(row[key][0])
                pos[("municipalities", i, "adoption", key)] = row[key][1]
        if adoption:
            m["adoption"] = adoption
        m["master_plans"] = []
        data["municipalities"].append(m)
        if isinstance(number, str):
            munis[number] = m

    # -- Kommuneplan catalogue
    if "kp" in sheets:
        for r, row in _table(sheets["kp"], "kp"):
            num = row["municipality"][0]
            number = f"{int(num):04d}" if isinstance(num, (int, float)) else str(num or "").strip()
            muni = munis.get(number)
            if muni is None:
                raise DataError(f"kommunenummer «{number}» står ikke i arket «Kommuner»", row["municipality"][1],
                                code="reference")
            i = data["municipalities"].index(muni)
            plans = muni["master_plans"]
            mp = next((p for p in plans if p["plan_name"] == row["plan_name"][0]), None)
            if mp is None:
                mp = {"plan_name": row["plan_name"][0], "items": []}
                plans.append(mp)
                j = len(plans) - 1
                pos[("municipalities", i, "master_plans", j)] = row["plan_name"][1]
                for key in ("part", "adopted", "status", "replaced_by", "version"):
                    if key in row and row[key][0] not in (None, ""):
                        v = row[key][0]
                        mp[key] = _date(v) if key == "adopted" else str(v).strip().lower() if key in ("part", "status") else v
                        pos[("municipalities", i, "master_plans", j, key)] = row[key][1]
            j = plans.index(mp)
            k = len(mp["items"])
            item = {"id": str(row["id"][0]), "title": row["title"][0]}
            if "text" in row and row["text"][0] not in (None, ""):
                item["text"] = row["text"][0]
            mp["items"].append(item)
            base = ("municipalities", i, "master_plans", j, "items", k)
            pos[base] = row["id"][1]
            for key, (_, loc) in row.items():
                if key in ("id", "title", "text"):
                    pos[(*base, key)] = loc

    # -- Hovedmål / Delmål
    goals: dict[str, dict] = {}
    if "goals" in sheets:
        for r, row in _table(sheets["goals"], "goals"):
            i = len(data["goals"])
            g: dict[str, Any] = {"id": str(row["id"][0]), "title": row["title"][0], "sub_goals": []}
            pos[("goals", i)] = row["id"][1]
            for key, (v, loc) in row.items():
                pos[("goals", i, key)] = loc
            if row.get("text", (None,))[0] not in (None, ""):
                g["text"] = row["text"][0]
            if "kp_refs" in row:
                g["kp_refs"] = _split_ids(row["kp_refs"][0])
            ind = {k[4:]: v for k, (v, _) in row.items() if k.startswith("ind_") and v not in (None, "")}
            if ind:
                g["indicator"] = ind
                for k, (_, loc) in row.items():
                    if k.startswith("ind_"):
                        pos[("goals", i, "indicator", k[4:])] = loc
            data["goals"].append(g)
            goals[g["id"]] = g
    if "sub_goals" in sheets:
        for r, row in _table(sheets["sub_goals"], "sub_goals"):
            parent_id = str(row["parent"][0] or "").strip()
            parent = goals.get(parent_id)
            if parent is None:
                raise DataError(f"hovedmålet «{parent_id}» finnes ikke i arket «Hovedmål»", row["parent"][1],
                                code="reference")
            i = data["goals"].index(parent)
            j = len(parent["sub_goals"])
            s: dict[str, Any] = {"id": str(row["id"][0]), "title": row["title"][0]}
            if row.get("text", (None,))[0] not in (None, ""):
                s["text"] = row["text"][0]
            if "kp_refs" in row:
                s["kp_refs"] = _split_ids(row["kp_refs"][0])
            parent["sub_goals"].append(s)
            pos[("goals", i, "sub_goals", j)] = row["id"][1]
            for key, (_, loc) in row.items():
                pos[("goals", i, "sub_goals", j, key)] = loc

    # -- Tiltak
    pos[("measures",)] = sheets["measures"].loc(1, 1)
    converters = {"goal_ids": _split_ids, "kp_refs": _split_ids, "municipalities": _split_ids,
                  "partners": _split_list, "years": _years, "deadline": _date, "cost_nok": _int,
                  "funding": _funding}
    for r, row in _table(sheets["measures"], "measures"):
        i = len(data["measures"])
        m = {}
        pos[("measures", i)] = row["id"][1]
        for key, (v, loc) in row.items():
            pos[("measures", i, key)] = loc
            if key == "id":
                m[key] = str(v) if v is not None else v
                continue
            if key in converters:
                v = converters[key](v)
            elif v in (None, ""):
                continue
            elif key == "status" or key == "cost_basis":
                v = str(v).strip().lower()
            m[key] = v
        if m.get("municipalities"):
            m["scope"] = "lokal"
            m["municipalities"] = [f"{int(x):04d}" if str(x).isdigit() else x for x in m["municipalities"]]
        if not m.get("funding"):
            m.pop("funding", None)
        data["measures"].append(m)
    return data, pos
