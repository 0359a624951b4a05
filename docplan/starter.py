"""Starter files for a new plan (``docplan init``): a commented YAML file and an XLSX workbook, in bokmål or
nynorsk, with every part of a plan docplan renders (alcohol policy, knowledge base, participation)."""

from __future__ import annotations

import datetime as dt
import io

from docplan.errors import DataError, Location
from docplan.i18n import translate
from docplan.municipalities import MunicipalityInfo, lookup_municipality
from docplan.i18n import _

_YAML = """\
# {c_title}
# {c_fill}  docplan validate {file}
# {c_render}   docplan render {file} --standard {lang} -o plan.docx
#
# {c_keys}
# {c_ids}

meta:
  language: {lang}            # {c_lang}

plan:
  id: ROP-{number}-{start}
  title: "{title}"
  period:
    start_year: {start}       # {c_period}
    end_year: {end}
  council_term: "{term}"
  licence_period_end: {licence}  # {c_licence}
  vision: "{vision}"
  legal_basis:
    - "{law_1_7d}"
    - "{law_1_6}"
    - "{law_9_7}"
    - "{law_public_health}"
  national_guidance:
    - "Opptrappingsplan for psykisk helse (2023–2033)"
  follow_up:
    annual_rollover: "{rollover}"
    reporting: "{reporting}"

municipalities:
  - number: "{number}"         # {c_number}
    name: {name}
    adoption: {{body: kommunestyret, date: null, case_no: null, status: "under arbeid"}}
    master_plans:             # {c_master}
      - plan_name: "{kp_name}"
        part: samfunnsdel
        status: {current}
        items:
          - id: KP-1.1
            title: "{kp_title}"
            text: "{kp_text}"
    alcohol_policy:           # {c_alcohol}
      sales_hours: {{weekdays: "08:00-18:00", before_holidays: "08:00-15:00"}}   # {c_sales}
      serving_hours:          # {c_serving}
        group_1_2: "08:00-01:00"
        group_3: "13:00-24:00"
      outlets: {{sales: 0, serving: 0}}   # {c_outlets}
      controls_per_year: 0    # {c_controls}
      licence_period_end: {licence}
      licence_criteria:
        - "{criterion}"
      single_occasion: "{single_occasion}"
      knowledge_test: "{knowledge_test}"
      sanctions: "{sanctions}"

goals:
  - id: HM-1
    title: "{goal_title}"
    text: "{goal_text}"
    kp_refs: ["KP-1.1"]
    sub_goals:
      - id: DM-1.1
        title: "{sub_title}"
        text: "{sub_text}"

measures:
  - id: T-01
    title: "{measure_title}"
    text: "{measure_text}"
    goal_ids: ["DM-1.1"]      # {c_goal_ids}
    target_group: "{target_group}"
    responsible: "{responsible}"
    partners: []
    years: [{start}]
    deadline: {start}-12-31
    cost_nok: 0
    cost_basis: totalt        # {c_cost_basis}
    funding:
      - {{source: "{budget}", amount_nok: 0, status: "{within}"}}
    status: "{not_started}"    # {c_status}
    indicator: "{measure_indicator}"
    kp_refs: ["KP-1.1"]

knowledge_base:               # {c_knowledge}
  indicators:
    - id: KB-1
      name: "{series_name}"
      source: "Ungdata"
      unit: "{percent}"
      values: []              # {c_values}
  assessment: "{assessment}"

organisation:                 # {c_organisation}
  coordinator: "{coordinator}"
  working_group: []
  steering_group: []
  participation:
    - group: {users}
      who: "{users_who}"
      how: "{users_how}"
  hearing: {{start: null, end: null}}
"""


def _texts(lang: str) -> dict[str, str]:
    """Return the starter's words in ``lang`` (comments and example values alike)."""
    return {
        "c_fill": translate("Fyll inn, og sjekk med:", lang),
        "c_render": translate("Lag Word-dokument med:", lang),
        "c_keys": translate("Nøkler er engelske (slik docplan-malene bruker dem); verdiene skriver du på målformen "
                            "du valgte.", lang),
        "c_ids": translate("Id-er: hovedmål «HM-n», delmål «DM-n.m», tiltak «T-nn» (eller kommunens egen "
                           "nummerering).", lang),
        "c_lang": translate("nb (bokmål) eller nn (nynorsk): velger standardmal", lang),
        "c_period": translate("planperioden bør følge kommunestyreperioden (alkoholloven § 1-7d)", lang),
        "c_licence": translate("alkoholloven § 1-6: senest 30. september året etter valget", lang),
        "c_number": translate("kommunenummer fra 2024", lang),
        "c_master": translate("kommuneplanens punkter som planen henger på («knagger»)", lang),
        "c_alcohol": translate("kommunens egen alkoholpolitikk (alkoholloven §§ 1-6, 3-7 og 4-4)", lang),
        "c_sales": translate("gruppe 1: aldri etter kl. 20 (18 før søn- og helligdager)", lang),
        "c_serving": translate("ett tidsrom, eller per dag og sted: {default: \"10:00-01:00\", fredag_lørdag: "
                               "\"10:00-02:00\"}; gruppe 1 og 2 innenfor 06–03, gruppe 3 innenfor 13–03", lang),
        "c_outlets": translate("steder med salgs- og skjenkebevilling", lang),
        "c_controls": translate("minst tre ganger så mange som steder (alkoholforskriften § 9-7)", lang),
        "c_goal_ids": translate("hvert tiltak bør høre til minst ett delmål", lang),
        "c_cost_basis": translate("per år | totalt | engangs", lang),
        "c_status": translate("ikke startet | pågår | gjennomført | utsatt", lang),
        "c_knowledge": translate("tall fra Ungdata, Kommunehelsa, BrukerPlan, KOSTRA …", lang),
        "c_values": translate("f.eks. - {year: 2024, value: \"14 %\", county: \"12 %\", country: \"11 %\"}", lang),
        "c_organisation": translate("hvem som har laget planen, og hvem som har medvirket", lang),
        "vision": translate("Skriv kommunens visjon for rusmiddelpolitikken her.", lang),
        "law_1_7d": translate("alkoholloven § 1-7d", lang),
        "law_1_6": translate("alkoholloven §§ 1-6, 3-7 og 4-4", lang),
        "law_9_7": translate("alkoholforskriften § 9-7 og kapittel 10", lang),
        "law_public_health": translate("folkehelseloven §§ 4–7", lang),
        "rollover": translate("Tiltaksplanen rulleres hvert år, slik at endringer kan tas inn i handlings- og "
                              "økonomiplanen.", lang),
        "reporting": translate("Status for tiltakene rapporteres i årsmeldingen.", lang),
        "kp_name": translate("Kommuneplanens samfunnsdel", lang),
        "current": "gjeldande" if lang == "nn" else "gjeldende",
        "kp_title": translate("Tittel på målet i samfunnsdelen", lang),
        "kp_text": translate("Teksten slik den står i kommuneplanen.", lang),
        "criterion": translate("Styrer og stedfortreder har bestått kunnskapsprøven.", lang),
        "single_occasion": translate("Hvor mange bevillinger for en enkelt anledning som gis, og på hvilke vilkår.",
                                     lang),
        "knowledge_test": translate("Styrer og stedfortreder skal ha bestått kunnskapsprøven før bevillingen gis.",
                                    lang),
        "sanctions": translate("Prikktildeling etter alkoholforskriften kapittel 10.", lang),
        "goal_title": translate("Første hovedmål", lang),
        "goal_text": translate("Beskriv hovedmålet.", lang),
        "sub_title": translate("Første delmål", lang),
        "sub_text": translate("Beskriv delmålet.", lang),
        "measure_title": translate("Første tiltak", lang),
        "measure_text": translate("Beskriv tiltaket.", lang),
        "target_group": translate("Hvem tiltaket er for", lang),
        "responsible": translate("Enhet eller rolle (ikke en person)", lang),
        "budget": translate("Driftsbudsjett", lang),
        "within": "innanfor driftsramma" if lang == "nn" else "innenfor driftsramme",
        "not_started": "ikkje starta" if lang == "nn" else "ikke startet",
        "measure_indicator": translate("Hvordan det måles at tiltaket virker", lang),
        "series_name": translate("Elever på ungdomstrinnet som har vært tydelig beruset siste 12 måneder", lang),
        "percent": translate("prosent", lang),
        "assessment": translate("Skriv vurderingen av utfordringsbildet her.", lang),
        "coordinator": translate("Plankoordinator (rolle)", lang),
        "users": "brukarar" if lang == "nn" else "brukere",
        "users_who": translate("Hvilke brukere eller brukerorganisasjoner", lang),
        "users_how": translate("Hvordan de har vært med (møter, innspill, høring)", lang),
    }


def _period(today: dt.date) -> tuple[int, int, str]:
    # Councils are elected in odd years 2023, 2027, …; a plan should follow the term after.
    start = today.year if today.year % 4 == 0 else today.year + (4 - today.year % 4) % 4
    start = max(start, 2024)
    return start, start + 3, f"{start - 1}–{start + 3}"


def _licence_end(start: int) -> dt.date:
    """Return 30 September the year after the next election (alkoholloven § 1-6)."""
    from docplan.checks.alcohol import latest_licence_end

    return latest_licence_end(start)


def municipality_or_error(number: str) -> MunicipalityInfo:
    """Return the register entry for a kommunenummer or raise `DataError` naming it."""
    info = lookup_municipality(number)
    if info is None:
        raise DataError(_("kommunenummer «{number}» finnes ikke i kommunelisten for 2024").format(number=number),
                        Location(path="--kommune"),
                        code="unknown_municipality")
    return info


def _title(info: MunicipalityInfo, start: int, end: int, lang: str) -> str:
    return translate("Rusmiddelpolitisk handlingsplan for {name} kommune {start}–{end}", lang).format(
        name=info.name, start=start, end=end)


def starter_yaml(number: str, *, language: str = "nb", file: str = "plan.yaml",
                 today: dt.date | None = None) -> str:
    """Return a commented starter YAML for one municipality that validates as it is."""
    info = municipality_or_error(number)
    lang = "nn" if language == "nn" else "nb"
    start, end, term = _period(today or dt.date.today())
    words = _texts(lang)
    words["c_title"] = translate("Rusmiddelpolitisk handlingsplan for {name} kommune – startfil laget av «docplan "
                                 "init».", lang).format(name=info.name)
    return _YAML.format(name=info.name, number=info.number, lang=lang, file=file, start=start, end=end,
                        term=term, licence=_licence_end(start).isoformat(), title=_title(info, start, end, lang),
                        **words)


def starter_xlsx(number: str, *, language: str = "nb", today: dt.date | None = None) -> bytes:
    """Return a starter workbook (sheets Plan, Kommuner, Kommuneplan, Hovedmål, Delmål, Tiltak, Alkoholpolitikk,
    Rapporter, Indikatorverdier)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    info = municipality_or_error(number)
    lang = "nn" if language == "nn" else "nb"
    w = _texts(lang)
    start, end, term = _period(today or dt.date.today())
    wb = Workbook()
    sheets = {
        "Plan": [["Felt", "Verdi"], ["Id", f"ROP-{info.number}-{start}"], ["Tittel", _title(info, start, end, lang)],
                 ["Startår", start], ["Sluttår", end], ["Kommunestyreperiode", term],
                 ["Visjon", w["vision"]], ["Språk", lang],
                 ["Lovgrunnlag", "; ".join(w[k] for k in ("law_1_7d", "law_1_6", "law_9_7", "law_public_health"))]],
        "Kommuner": [["Kommunenummer", "Navn", "Vedtatt av", "Vedtaksdato", "Saksnummer", "Vedtaksstatus"],
                     [info.number, info.name, "kommunestyret", None, None, "under arbeid"]],
        "Kommuneplan": [["Kommunenummer", "Plan", "Del", "Status", "Nr", "Tittel", "Tekst"],
                        [info.number, w["kp_name"], "samfunnsdel", w["current"], "KP-1.1", w["kp_title"],
                         w["kp_text"]]],
        "Hovedmål": [["Nr", "Hovedmål", "Beskrivelse", "Kommuneplan"],
                     ["HM-1", w["goal_title"], w["goal_text"], "KP-1.1"]],
        "Delmål": [["Nr", "Hovedmål", "Delmål", "Beskrivelse"],
                   ["DM-1.1", "HM-1", w["sub_title"], w["sub_text"]]],
        # the columns «Målgruppe» and «Indikator» are read too; the starter keeps to the essentials
        "Tiltak": [["Nr", "Tiltak", "Beskrivelse", "Delmål", "Ansvarlig", "Samarbeidspartnere", "År", "Frist",
                    "Kostnad", "Kostnadsgrunnlag", "Finansiering", "Status", "Kommuneplan", "Kommuner"],
                   ["T-01", w["measure_title"], w["measure_text"], "DM-1.1", w["responsible"], "", str(start),
                    f"31.12.{start}", 0, "totalt", f"{w['budget']}: 0 ({w['within']})", w["not_started"], "KP-1.1",
                    ""]],
        "Alkoholpolitikk": [["Kommunenummer", "Salgstid hverdager", "Salgstid før helligdager",
                             "Skjenketid gruppe 1 og 2", "Skjenketid gruppe 3", "Salgssteder", "Skjenkesteder",
                             "Kontroller per år", "Bevillingsperiode slutt", "Kriterier", "Enkeltanledninger",
                             "Kunnskapsprøve", "Prikktildeling"],
                            [info.number, "08:00-18:00", "08:00-15:00", "08:00-01:00", "13:00-24:00", 0, 0, 0,
                             _licence_end(start), w["criterion"], w["single_occasion"], w["knowledge_test"],
                             w["sanctions"]]],
        # filled in year by year («docplan status import» writes the reports into YAML data)
        "Rapporter": [["Tiltak-ID", "År", "Status", "Hva ble gjort", "Brukt (kr)", "Kommentar"]],
        "Indikatorverdier": [["Mål-ID", "År", "Verdi"]],
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
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "DD.MM.YYYY"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
