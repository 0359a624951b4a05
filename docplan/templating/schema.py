"""The template context schema and the field reference made from it.

* `context_schema` — the JSON Schema (draft 2020-12) of what a template may use: the pydantic plan
  model (``model_json_schema``, Python field names) plus read-only properties of the model classes
  and the context additions of `docplan.render.build_context` (``totals``, ``lang``, ``municipality`` …).
  Template lint checks attribute paths against it (`docplan.templating.jinja_check`).
* `schema_paths` / `field_reference_markdown` / `update_docs` — the field reference of
  docs/maintainers.md, generated from the schema and `FILTERS_NB`.
* `suggest` — the field a misspelt or Norwegian name most likely meant (`NORWEGIAN_FIELDS`).
"""

from __future__ import annotations

import difflib
import typing
from functools import lru_cache
from pathlib import Path

SCHEMA_ID = "https://docplan.invalid/schemas/template-context.json"

_PY_TYPES = {int: {"type": "integer"}, float: {"type": "number"}, str: {"type": "string"},
             bool: {"type": "boolean"}}


def _property_schema(cls: type, name: str, prop: property) -> dict:
    out: dict = {"readOnly": True}
    doc = (prop.__doc__ or "").strip().splitlines()
    if doc:
        out["description"] = doc[0]
    try:
        ret = typing.get_type_hints(prop.fget).get("return")
    except Exception:  # annotations naming types we cannot resolve: leave the type open
        ret = None
    if ret in _PY_TYPES:
        out.update(_PY_TYPES[ret])
    elif ret is range:
        out.update({"type": "array", "items": {"type": "integer"}})
    return out


@lru_cache(maxsize=1)
def _context_schema() -> dict:
    from docplan import model

    plan_schema = model.Plan.model_json_schema(by_alias=False, ref_template="#/$defs/{model}")
    defs = plan_schema.pop("$defs", {})
    defs["Plan"] = plan_schema
    for name, sub in defs.items():
        cls = getattr(model, name, None)
        if not isinstance(cls, type):
            continue
        for attr, member in vars(cls).items():
            if isinstance(member, property) and not attr.startswith("_"):
                sub.setdefault("properties", {})[attr] = _property_schema(cls, attr, member)
        if "__str__" in vars(cls):
            sub["x-docplan-str"] = True  # {{ plan.period }} prints as text, e.g. "2024–2027"
    ref = lambda n: {"$ref": f"#/$defs/{n}"}  # noqa: E731
    totals = {
        "type": "object", "title": "Totals", "description": "Sums over the measures in the document.",
        "properties": {
            "cost_nok": {"type": "integer", "description": "Sum of the measures' cost (kroner)."},
            "funded_nok": {"type": "integer", "description": "Sum of all funding lines (kroner)."},
            "funding_by_status": {"type": "array", "description": "Funding summed per status.", "items": {
                "type": "object", "properties": {"status": {"type": "string"}, "amount_nok": {"type": "integer"}},
                "required": ["status", "amount_nok"]}},
            "measure_count": {"type": "integer", "description": "Number of measures in the document."},
            "goal_count": {"type": "integer", "description": "Number of main goals."},
        },
        "required": ["cost_nok", "funded_nok", "funding_by_status", "measure_count", "goal_count"],
    }
    amounts = {"type": "array", "items": {"type": "integer"}, "description": "Cost in each year of the plan period."}
    defs["YearRow"] = {
        "type": "object", "title": "YearRow", "description": "One row of a table of costs by year.",
        "properties": {
            "kind": {"type": "string", "enum": ["goal", "none", "common", "local"],
                     "description": "goal/none (by main goal), common/local (by municipality)."},
            "id": {"anyOf": [{"type": "string"}, {"type": "null"}], "description": "The main goal's id."},
            "title": {"anyOf": [{"type": "string"}, {"type": "null"}], "description": "The main goal's title."},
            "number": {"anyOf": [{"type": "string"}, {"type": "null"}], "description": "The kommunenummer."},
            "name": {"anyOf": [{"type": "string"}, {"type": "null"}], "description": "The municipality's name."},
            "amounts": amounts,
            "total": {"type": "integer", "description": "Cost over the plan period (kroner)."},
        },
        "required": ["kind", "amounts", "total"],
    }
    defs["FundingRow"] = {
        "type": "object", "title": "FundingRow", "description": "Funding over the plan period for one status.",
        "properties": {"status": {"type": "string"}, "amount_nok": {"type": "integer"}},
        "required": ["status", "amount_nok"],
    }
    totals = {**totals, "properties": {**totals["properties"], "funding_by_status": {
        "type": "array", "description": "Funding over the plan period summed per status.",
        "items": {"$ref": "#/$defs/FundingRow"}}}}
    economy = {
        "type": "object", "title": "Economy",
        "description": "The money over the plan period (a cost «per år» once per year of the measure).",
        "properties": {
            "years": {"type": "array", "items": {"type": "integer"}, "description": "The plan period's years."},
            "by_goal": {"type": "array", "items": ref("YearRow"), "description": "Cost by year per main goal."},
            "by_municipality": {"type": "array", "items": ref("YearRow"),
                                "description": "Cost by year: common measures, then each municipality's own."},
            "sums": {"type": "object", "title": "YearSums", "properties": {"amounts": amounts,
                                                                          "total": {"type": "integer"}},
                     "required": ["amounts", "total"], "description": "Column sums."},
            "funding_by_status": {"type": "array", "items": ref("FundingRow"),
                                  "description": "Funding over the plan period per status."},
            "funded_nok": {"type": "integer", "description": "All funding over the plan period."},
            "uncovered_nok": {"type": "integer", "description": "Cost not covered by funding."},
            "total_nok": {"type": "integer", "description": "Cost over the plan period."},
        },
        "required": ["years", "by_goal", "by_municipality", "sums", "funding_by_status", "funded_nok",
                     "uncovered_nok", "total_nok"],
    }
    text_or_null = {"anyOf": [{"type": "string"}, {"type": "null"}]}
    int_or_null = {"anyOf": [{"type": "integer"}, {"type": "null"}]}
    indicator_row = {
        "type": "object", "title": "IndicatorRow", "description": "An indicator of a goal, sub-goal or measure.",
        "properties": {
            "owner": {"type": "string", "description": "The goal's or measure's id."},
            "kind": {"type": "string", "enum": ["goal", "sub_goal", "measure"]},
            "name": {"type": "string"}, "source": text_or_null, "baseline": text_or_null,
            "baseline_year": int_or_null, "target": text_or_null, "target_year": int_or_null,
        },
        "required": ["owner", "kind", "name", "source", "baseline", "baseline_year", "target", "target_year"],
    }
    alcohol_row = {
        "type": "object", "title": "AlcoholRow", "description": "One municipality's alcohol policy in the edition.",
        "properties": {
            "municipality": ref("Municipality"),
            "policy": {"anyOf": [ref("AlcoholPolicy"), {"type": "null"}]},
            "licence_period_end": {"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}],
                                   "description": "The municipality's licence period end, else the plan's."},
        },
        "required": ["municipality", "policy", "licence_period_end"],
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "docplan template context",
        "description": "What a docplan .docx template may use (docplan.render.build_context).",
        "type": "object",
        "properties": {
            "plan": {**ref("PlanInfo"), "description": "The plan's own facts (the YAML section plan:)."},
            "meta": {**ref("Meta"), "description": "Facts about the data file (language, fictional)."},
            "municipalities": {"type": "array", "items": ref("Municipality"),
                               "description": "The municipalities taking part."},
            "municipality": {"anyOf": [ref("Municipality"), {"type": "null"}],
                             "description": "The one municipality of a per-municipality edition, else none."},
            "goals": {"type": "array", "items": ref("Goal"), "description": "Main goals with sub-goals."},
            "measures": {"type": "array", "items": ref("Measure"),
                         "description": "The measures in the document (one municipality's with --kommune)."},
            "totals": totals,
            "economy": economy,
            "indicators": {"type": "array", "items": indicator_row,
                           "description": "Every indicator of the main goals, sub-goals and measures."},
            "knowledge_base": {**ref("KnowledgeBase"), "description": "Status and challenges: indicator series."},
            "series": {"type": "array", "items": ref("IndicatorSeries"),
                       "description": "The knowledge base's series in the edition."},
            "organisation": {**ref("Organisation"), "description": "Organisation, participation and hearing."},
            "alcohol": {"type": "array", "items": alcohol_row,
                        "description": "One row per municipality in the edition, with its alcohol policy."},
            "kp_table_refs": {"type": "array", "items": {"type": "string"},
                              "description": "The measure table's kommuneplan references, each once."},
            "joint": {"type": "boolean", "description": "Whether the plan has more than one municipality."},
            "adoption_state": {"type": "string", "enum": ["all", "some", "none"],
                               "description": "How many of the councils have adopted the plan."},
            "lang": {"type": "string", "enum": ["nb", "nn"], "description": "Written standard: nb or nn."},
            "scope": {"type": "string", "description": "The edition: all, or the one municipality's number."},
            "data": {**ref("Plan"), "description": "The whole plan (used by filters such as kp_short)."},
        },
        "required": ["plan", "meta", "municipalities", "municipality", "goals", "measures", "totals", "economy",
                     "indicators", "knowledge_base", "series", "organisation", "alcohol", "kp_table_refs", "joint",
                     "adoption_state", "lang", "scope", "data"],
        "$defs": defs,
    }


def context_schema() -> dict:
    """Return the JSON Schema of the template context (a fresh copy; generated from the model)."""
    import copy

    return copy.deepcopy(_context_schema())


def _deref(schema: dict, s: dict) -> dict:
    while "$ref" in s:
        s = schema["$defs"][s["$ref"].rsplit("/", 1)[-1]]
    if "anyOf" in s:
        options = [o for o in s["anyOf"] if o.get("type") != "null"]
        if len(options) == 1:
            return _deref(schema, options[0])
    return s


def _type_label(schema: dict, s: dict) -> str:
    nullable = "anyOf" in s and any(o.get("type") == "null" for o in s["anyOf"])
    s2 = _deref(schema, s)
    if "$ref" in s or ("anyOf" in s and "title" in s2 and s2.get("type") == "object"):
        label = s2.get("title", "objekt")
    elif s2.get("type") == "array":
        label = f"liste av {_type_label(schema, s2.get('items', {}))}"
    elif "enum" in s2:
        label = " / ".join(f"«{v}»" for v in s2["enum"])
    elif "const" in s2:
        label = f"«{s2['const']}»"
    else:
        label = {"string": "tekst", "integer": "heltall", "number": "tall", "boolean": "ja/nei",
                 "object": "objekt"}.get(s2.get("type", ""), "verdi")
        if s2.get("format") == "date":
            label = "dato"
    return label + (" (kan mangle)" if nullable else "")


#: Norwegian names of the model's objects, for the field reference in docs/maintainers.md.
OBJECT_NAMES_NB = {
    "PlanInfo": "planens egne opplysninger (tittel, periode, visjon, lovgrunnlag)",
    "Period": "planperioden; skrives ut som «2024–2027»",
    "FollowUp": "oppfølging: rullering, rapportering og evaluering",
    "OutlineEntry": "et kapittel i planens disposisjon",
    "Meta": "opplysninger om datafila (språk, fiktive data)",
    "Municipality": "en kommune i planen",
    "Adoption": "kommunestyrets vedtak av planen",
    "MasterPlan": "en del av kommuneplanen (samfunnsdel, handlingsdel)",
    "KpItem": "et punkt i kommuneplanen, f.eks. KP-3.2",
    "Goal": "et hovedmål med delmål",
    "SubGoal": "et delmål",
    "Indicator": "en indikator: kilde, utgangsverdi og målverdi",
    "Measure": "et tiltak (en rad i tiltaksplanen)",
    "Funding": "en finansieringslinje: kilde, beløp og status",
    "Totals": "summer over tiltakene i dokumentet",
    "Economy": "økonomien i planperioden: kostnad per år, per hovedmål og per kommune, finansiering per status",
    "YearRow": "en rad i en tabell over kostnad per år",
    "YearSums": "kolonnesummene",
    "FundingRow": "finansiering i planperioden for én status",
    "IndicatorRow": "en indikator for et hovedmål, delmål eller tiltak",
    "AlcoholRow": "én kommunes alkoholpolitikk",
    "AlcoholPolicy": "kommunens alkohol- og bevillingspolitikk",
    "SalesHours": "salgstider for gruppe 1 (alkoholloven § 3-7)",
    "ServingHours": "skjenketider (alkoholloven § 4-4)",
    "Outlets": "steder med salgs- eller skjenkebevilling",
    "KnowledgeBase": "kunnskapsgrunnlaget: indikatorer med tall per år og vurderingen",
    "IndicatorSeries": "en indikator i kunnskapsgrunnlaget, med tall per år",
    "YearValue": "ett års tall, med fylket og landet til sammenligning",
    "Organisation": "organisering, medvirkning og høring",
    "Participation": "en gruppe som har medvirket",
    "Hearing": "høringen av planforslaget",
}


#: Field names explained in Norwegian (bokmål), for the field reference.
FIELD_NAMES_NB = {
    "id": "id, f.eks. «HM-1» eller «T-01»", "title": "tittel", "subtitle": "undertittel", "text": "tekst",
    "plan_type": "plantype", "county": "fylke", "period": "planperiode", "start_year": "første år",
    "end_year": "siste år", "years": "årene tiltaket gjelder", "council_term": "kommunestyreperiode",
    "licence_period_end": "slutten av bevillingsperioden (alkoholloven § 1-6)", "host_municipality":
    "vertskommune (kommunenummer)", "coordination": "organisering av arbeidet", "vision": "visjon",
    "adopted": "vedtaksdato", "case_no": "saksnummer", "budget_total_nok": "budsjettramme i kroner",
    "legal_basis": "lovgrunnlag", "follow_up": "oppfølging", "annual_rollover": "årlig rullering",
    "reporting": "rapportering", "evaluation": "evaluering", "next_full_revision": "år for neste revisjon",
    "document_outline": "disposisjon",
    "number": "nummer: kommunenummer (fire sifre), kapittelnummer eller nummeret kommuneplanen viser",
    "numbered": "har punktet nummer i kommuneplanen? (nei: id-en er laget av docplan)",
    "label": "ordet foran nummeret i kommuneplanen, f.eks. «Mål»", "kind": "slag: satsingsområde, mål eller strategi",
    "fictional": "fiktive data?", "disclaimer": "forbehold om fiktive data", "schema_version": "dataformatets versjon",
    "language": "målform (nb/nn)", "name": "navn", "role": "rolle i samarbeidet", "adoption": "vedtak",
    "body": "vedtaksorgan, f.eks. kommunestyret", "date": "dato", "status": "status",
    "local_contact_role": "lokal kontaktperson (rolle)", "master_plans": "kommuneplaner",
    "plan_name": "kommuneplanens navn", "part": "del av kommuneplanen", "version": "versjon",
    "replaced_by": "erstattet av", "items": "punkter", "is_current": "gjeldende? (utregnet)",
    "goals": "hovedmål", "sub_goals": "delmål", "indicator": "indikator", "source": "kilde",
    "baseline": "utgangsverdi", "baseline_year": "år for utgangsverdien", "target": "målverdi",
    "target_year": "år for målverdien", "kp_refs": "henvisninger til kommuneplanen, f.eks. «3427:KP-3.2»",
    "measures": "tiltak", "scope": "felles eller lokalt tiltak", "municipalities": "kommuner (kommunenummer)",
    "goal_ids": "delmålene tiltaket hører til", "target_group": "målgruppe", "responsible": "ansvarlig",
    "partners": "samarbeidspartnere", "deadline": "frist", "cost_nok": "kostnad i kroner",
    "cost_basis": "kostnaden gjelder per år, totalt eller engangs", "funding": "finansiering",
    "amount_nok": "beløp i kroner", "budget_ref": "henvisning til budsjettet", "funded_nok":
    "sum finansiering i kroner (utregnet)", "funding_by_status": "finansiering summert per status",
    "measure_count": "antall tiltak", "goal_count": "antall hovedmål", "lang": "målform: nb eller nn",
    "municipality": "kommunen utgaven gjelder (bare med --kommune)", "plan": "planen", "meta": "om datafila",
    "totals": "summer", "national_guidance": "nasjonale føringer (planer, strategier, veiledere)",
    "alcohol_policy": "alkoholpolitikk", "sales_hours": "salgstider", "serving_hours": "skjenketider",
    "weekdays": "hverdager", "before_holidays": "dager før søn- og helligdager", "group_1_2": "gruppe 1 og 2",
    "group_3": "gruppe 3", "outlets": "steder med bevilling", "sales": "salgssteder", "serving": "skjenkesteder",
    "max_sales": "høyeste antall salgsbevillinger", "max_serving": "høyeste antall skjenkebevillinger",
    "total": "sum", "controls_per_year": "planlagte kontroller per år (alkoholforskriften § 9-7)",
    "licence_criteria": "kriterier for bevilling", "single_occasion": "bevilling for en enkelt anledning",
    "ambulant": "ambulerende skjenkebevilling", "youth_events": "arrangementer for barn og unge",
    "fees": "gebyrer", "knowledge_test": "kunnskapsprøve", "sanctions": "prikktildeling og reaksjoner",
    "guidelines": "alkoholpolitiske retningslinjer", "knowledge_base": "kunnskapsgrunnlag",
    "indicators": "indikatorer", "unit": "enhet", "area": "område (når tallene ikke gjelder én kommune)",
    "values": "tall per år", "year": "år", "value": "tall", "county": "fylket (til sammenligning)",
    "country": "landet (til sammenligning)", "comment": "kommentar", "latest_year": "året for det nyeste tallet",
    "assessment": "vurdering", "challenges": "utfordringer", "organisation": "organisering",
    "coordinator": "plankoordinator (rolle)", "working_group": "arbeidsgruppe", "steering_group": "styringsgruppe",
    "reference_group": "referansegruppe", "participation": "medvirkning", "group": "gruppe",
    "who": "hvem", "how": "hvordan", "hearing": "høring", "start": "start", "end": "slutt",
    "responses": "antall høringsinnspill", "summary": "oppsummering", "economy": "økonomi",
    "by_goal": "kostnad per år og hovedmål", "by_municipality": "kostnad per år og kommune", "sums": "summer",
    "amounts": "beløp per år", "kind": "slag rad", "owner": "målet eller tiltaket", "series":
    "kunnskapsgrunnlagets indikatorer i utgaven", "alcohol": "alkoholpolitikken per kommune",
    "kp_table_refs": "tiltakstabellens kommuneplanhenvisninger", "joint": "flere kommuner?",
    "adoption_state": "vedtatt i alle, noen eller ingen kommuner", "funded_nok": "sum finansiering i kroner",
    "uncovered_nok": "kostnad som ikke er dekket av finansiering", "total_nok": "samlet kostnad i planperioden",
    "policy": "alkoholpolitikken",
}


#: Top-level context names whose Norwegian explanation differs from a model field of the same name.
CONTEXT_NAMES_NB = {"scope": "utgaven: «all», eller kommunenummeret til kommunen utgaven gjelder (--kommune)"}


def schema_paths(schema: dict | None = None) -> list[tuple[str, str, str]]:
    """Return (path, type, description) for every field a template can reach, e.g. ``measures[].responsible``.

    Each object type is spelt out once; later occurrences say where its fields are listed.
    """
    schema = schema or context_schema()
    words = FIELD_NAMES_NB
    out: list[tuple[str, str, str]] = []
    expanded: dict[str, str] = {}

    def describe(key: str, sub: dict) -> str:
        target = _deref(schema, sub.get("items", sub) if _deref(schema, sub).get("type") == "array" else sub)
        target = _deref(schema, target.get("items", target)) if target.get("type") == "array" else target
        title = target.get("title", "")
        if title in OBJECT_NAMES_NB and target.get("properties"):
            return OBJECT_NAMES_NB[title]
        return words.get(key, "")

    def walk(prefix: str, s: dict) -> None:
        target = _deref(schema, s)
        if target.get("type") == "array":
            walk(prefix + "[]", target.get("items", {}))
            return
        props = target.get("properties")
        if not props:
            return
        title = target.get("title", "")
        if title in expanded:
            return
        expanded[title] = prefix
        for key, sub in props.items():
            path = f"{prefix}.{key}"
            inner = _deref(schema, sub)
            inner = _deref(schema, inner.get("items", {})) if inner.get("type") == "array" else inner
            desc = describe(key, sub)
            if inner.get("properties") and inner.get("title") in expanded:
                desc += f" – feltene står under `{expanded[inner['title']]}`"
            out.append((path, _type_label(schema, sub), desc))
            walk(path, sub)

    for key, sub in schema["properties"].items():
        if key == "data":
            continue
        desc = CONTEXT_NAMES_NB.get(key) or describe(key, sub)
        inner = _deref(schema, sub)
        inner = _deref(schema, inner.get("items", {})) if inner.get("type") == "array" else inner
        if inner.get("properties") and inner.get("title") in expanded:
            desc += f" – feltene står under `{expanded[inner['title']]}`"
        out.append((key, _type_label(schema, sub), desc))
        walk(key, sub)
    return out


def field_reference_markdown() -> str:
    """Return the field reference of docs/maintainers.md, generated from `context_schema` and the filters."""
    from docplan.render import make_environment

    lines = ["| Felt | Type | Forklaring |", "|---|---|---|"]
    for path, label, desc in schema_paths():
        lines.append(f"| `{path}` | {label} | {desc.replace('|', '/')} |")
    lines += ["", "Filtre (brukes som `{{ m.cost_nok | nok }}`):", "", "| Filter | Hva det gjør |", "|---|---|"]
    env = make_environment()
    for name, text in FILTERS_NB.items():
        assert name in env.filters, name
        lines.append(f"| `{name}` | {text.replace('|', chr(92) + '|')} |")
    lines.append("")
    lines.append("I løkker finnes også `loop.index` (1, 2, …), `loop.first`, `loop.last` og `loop.length`.")
    return "\n".join(lines)


#: The docplan filters of `docplan.render.make_environment`, explained in Norwegian.
FILTERS_NB = {
    "nok": "beløp i kroner: `1234567` → «1 234 567 kr»",
    "date": "dato som «dd.mm.åååå»",
    "years": "årstall samlet: `[2024, 2025, 2026]` → «2024–2026»",
    "funding": "finansieringslinjer som «kilde: beløp (status)», skilt med semikolon",
    "with_year": "verdi med år i parentes: `goal.indicator.baseline | with_year(goal.indicator.baseline_year)`",
    "municipality_names": "kommunenavn for en liste kommunenummer",
    "kp_short": "kort henvisning til kommuneplanen for en KP-referanse, f.eks. «jf. kommuneplanens samfunnsdel …»",
    "kp_in_scope": "bare KP-referansene til kommunen utgaven gjelder (`scope`); alle i planen for hele planen",
    "kp_label": "kort form av en KP-referanse for tabeller, f.eks. «Tynset KP-3.2»",
    "amount": "beløp uten «kr»: `1234567` → «1 234 567»",
    "value": "en verdi fra en fast liste (status, kostnadsgrunnlag, finansieringsstatus …) på malens målform: "
             "«ikke startet» → «ikkje starta» på nynorsk",
    "hours": "åpningstider: ett tidsrom som «08.00–20.00», eller én linje per dag eller sted",
    "alcohol": "en celle i tabellen over alkoholpolitikken: `row.policy | alcohol('sales_hours')` "
               "(også `serving_hours`, `outlets`, `controls_per_year`)",
}


DOCS_BEGIN = "<!-- BEGIN field-reference (generated: docplan template schema --markdown) -->"
DOCS_END = "<!-- END field-reference -->"


def update_docs(path: Path) -> bool:
    """Replace the generated field reference in a Markdown file; return True when it changed."""
    text = path.read_text("utf-8")
    start, end = text.index(DOCS_BEGIN) + len(DOCS_BEGIN), text.index(DOCS_END)
    new = text[:start] + "\n" + field_reference_markdown() + "\n" + text[end:]
    if new != text:
        from docplan.files import write_atomic

        write_atomic(path, new.encode("utf-8"))
        return True
    return False


#: Norwegian words maintainers write for English field names (bokmål and nynorsk), for suggestions.
NORWEGIAN_FIELDS = {
    "tiltak": "measures", "tiltaka": "measures", "mal": "goals", "mål": "goals", "maal": "goals",
    "hovedmal": "goals", "delmal": "sub_goals", "delmål": "sub_goals", "kommuner": "municipalities",
    "kommunar": "municipalities", "kommune": "municipality", "ansvarlig": "responsible",
    "ansvarleg": "responsible", "frist": "deadline", "kostnad": "cost_nok", "kostnader": "cost_nok",
    "finansiering": "funding", "samarbeidspartnere": "partners", "samarbeidspartnarar": "partners",
    "partnere": "partners", "aar": "years", "år": "years", "malgruppe": "target_group",
    "målgruppe": "target_group", "tittel": "title", "titel": "title", "tekst": "text", "indikator": "indicator",
    "kilde": "source", "kjelde": "source", "visjon": "vision", "vedtak": "adoption", "kommuneplan": "master_plans",
    "planperiode": "period", "periode": "period", "navn": "name", "namn": "name", "nummer": "number",
    "kommunenummer": "number", "belop": "amount_nok", "beløp": "amount_nok", "sum": "totals", "summer": "totals",
    "status": "status", "sprak": "lang", "språk": "lang", "malform": "lang", "målform": "lang",
    "lovgrunnlag": "legal_basis", "undertittel": "subtitle", "vertskommune": "host_municipality",
    "saksnummer": "case_no", "dato": "date", "utgangsverdi": "baseline", "malverdi": "target",
    "målverdi": "target", "omfang": "scope",
}


def suggest(name: str, options: list[str]) -> str | None:
    """Return the option a misspelt (or Norwegian) name most likely meant: ``ansvalig`` → ``responsible``."""
    close = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
    if close:
        return close[0]
    for word in difflib.get_close_matches(name.lower(), list(NORWEGIAN_FIELDS), n=3, cutoff=0.75):
        if NORWEGIAN_FIELDS[word] in options:
            return NORWEGIAN_FIELDS[word]
    return None
