"""Starter files for a new plan (``docplan init``): a commented YAML file and an XLSX workbook."""

from __future__ import annotations

import datetime as dt
import io

from docplan.errors import DataError, Location
from docplan.municipalities import MunicipalityInfo, lookup_municipality

_YAML = """\
# Rusmiddelpolitisk handlingsplan for {name} kommune – startfil laget av «docplan init».
# Fyll inn, og sjekk med:  docplan validate {file}
# Lag Word-dokument med:   docplan render {file} --standard {lang} -o plan.docx
#
# Nøkler er engelske (slik docplan-malene bruker dem); verdiene skriver du på {lang_name}.
# Id-er: hovedmål «HM-n», delmål «DM-n.m», tiltak «T-nn» (eller kommunens egen nummerering).

meta:
  language: {lang}            # nb (bokmål) eller nn (nynorsk): velger standardmal

plan:
  id: ROP-{number}-{start}
  title: "Rusmiddelpolitisk handlingsplan for {name} kommune {start}–{end}"
  period:
    start_year: {start}       # planperioden bør følge kommunestyreperioden (alkoholloven § 1-7d)
    end_year: {end}
  council_term: "{term}"
  vision: "Skriv kommunens visjon for rusmiddelpolitikken her."
  legal_basis:
    - "alkoholloven § 1-7d"
    - "folkehelseloven §§ 4–7"
  follow_up:
    annual_rollover: "Tiltaksplanen rulleres hvert år, slik at endringer kan tas inn i handlings- og økonomiplanen."
    reporting: "Status for tiltakene rapporteres i årsmeldingen."

municipalities:
  - number: "{number}"         # kommunenummer fra 2024
    name: {name}
    adoption: {{body: kommunestyret, date: null, case_no: null, status: "under arbeid"}}
    master_plans:             # kommuneplanens punkter som planen henger på («knagger»)
      - plan_name: "Kommuneplanens samfunnsdel"
        part: samfunnsdel
        status: gjeldende
        items:
          - id: KP-1.1
            title: "Tittel på målet i samfunnsdelen"
            text: "Teksten slik den står i kommuneplanen."

goals:
  - id: HM-1
    title: "Første hovedmål"
    text: "Beskriv hovedmålet."
    kp_refs: ["KP-1.1"]
    sub_goals:
      - id: DM-1.1
        title: "Første delmål"
        text: "Beskriv delmålet."

measures:
  - id: T-01
    title: "Første tiltak"
    text: "Beskriv tiltaket."
    goal_ids: ["DM-1.1"]      # hvert tiltak bør høre til minst ett delmål
    responsible: "Enhet eller rolle (ikke en person)"
    partners: []
    years: [{start}]
    deadline: {start}-12-31
    cost_nok: 0
    cost_basis: totalt        # per år | totalt | engangs
    funding:
      - {{source: "Driftsbudsjett", amount_nok: 0, status: "innenfor driftsramme"}}
    status: "ikke startet"    # ikke startet | pågår | gjennomført | utsatt
    kp_refs: ["KP-1.1"]
"""


def _period(today: dt.date) -> tuple[int, int, str]:
    # Councils are elected in odd years 2023, 2027, …; a plan should follow the term after.
    start = today.year if today.year % 4 == 0 else today.year + (4 - today.year % 4) % 4
    start = max(start, 2024)
    return start, start + 3, f"{start - 1}–{start + 3}"


def municipality_or_error(number: str) -> MunicipalityInfo:
    """Return the register entry for a kommunenummer or raise `DataError` naming it."""
    info = lookup_municipality(number)
    if info is None:
        raise DataError(f"kommunenummer «{number}» finnes ikke i kommunelisten for 2024", Location(path="--kommune"),
                        code="unknown_municipality")
    return info


def starter_yaml(number: str, *, language: str = "nb", file: str = "plan.yaml",
                 today: dt.date | None = None) -> str:
    """Return a commented starter YAML for one municipality that validates as it is."""
    info = municipality_or_error(number)
    start, end, term = _period(today or dt.date.today())
    return _YAML.format(name=info.name, number=info.number, lang=language, file=file, start=start, end=end,
                        term=term, lang_name="nynorsk" if language == "nn" else "bokmål")


def starter_xlsx(number: str, *, language: str = "nb", today: dt.date | None = None) -> bytes:
    """Return a starter workbook (sheets Plan, Kommuner, Kommuneplan, Hovedmål, Delmål, Tiltak)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    info = municipality_or_error(number)
    start, end, term = _period(today or dt.date.today())
    wb = Workbook()
    sheets = {
        "Plan": [["Felt", "Verdi"], ["Id", f"ROP-{info.number}-{start}"],
                 ["Tittel", f"Rusmiddelpolitisk handlingsplan for {info.name} kommune {start}–{end}"],
                 ["Startår", start], ["Sluttår", end], ["Kommunestyreperiode", term],
                 ["Visjon", "Skriv kommunens visjon her."], ["Språk", language],
                 ["Lovgrunnlag", "alkoholloven § 1-7d; folkehelseloven §§ 4–7"]],
        "Kommuner": [["Kommunenummer", "Navn", "Vedtatt av", "Vedtaksdato", "Saksnummer", "Vedtaksstatus"],
                     [info.number, info.name, "kommunestyret", None, None, "under arbeid"]],
        "Kommuneplan": [["Kommunenummer", "Plan", "Del", "Status", "Nr", "Tittel", "Tekst"],
                        [info.number, "Kommuneplanens samfunnsdel", "samfunnsdel", "gjeldende", "KP-1.1",
                         "Tittel på målet", "Teksten slik den står i kommuneplanen."]],
        "Hovedmål": [["Nr", "Hovedmål", "Beskrivelse", "Kommuneplan"],
                     ["HM-1", "Første hovedmål", "Beskriv hovedmålet.", "KP-1.1"]],
        "Delmål": [["Nr", "Hovedmål", "Delmål", "Beskrivelse"],
                   ["DM-1.1", "HM-1", "Første delmål", "Beskriv delmålet."]],
        "Tiltak": [["Nr", "Tiltak", "Beskrivelse", "Delmål", "Ansvarlig", "Samarbeidspartnere", "År", "Frist",
                    "Kostnad", "Kostnadsgrunnlag", "Finansiering", "Status", "Kommuneplan", "Kommuner"],
                   ["T-01", "Første tiltak", "Beskriv tiltaket.", "DM-1.1", "Enhet eller rolle", "", str(start),
                    f"31.12.{start}", 0, "totalt", "Driftsbudsjett: 0 (innenfor driftsramme)", "ikke startet",
                    "KP-1.1", ""]],
    }
    first = True
    for title, rows in sheets.items():
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = title
        for row in rows:
            ws.append(row)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for col in ws.columns:
            ws.column_dimensions[col[0].column_letter].width = max(12, min(50, max(len(str(c.value or "")) for c in col)))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
