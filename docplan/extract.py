"""Bootstrap plan data from an existing hand-written plan (``docplan extract``).

Headings become the chapter outline, "Hovedmål N …" / "Delmål N.M …" lines (headings or
paragraphs) become goals, and the measures table (*tiltak*), recognised by its Norwegian column
headers, becomes measures. What is not recognised is reported; nothing is guessed silently: the
output is a draft YAML with the gaps marked for the planner to fill in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from docplan.document import PlanDocument
from docplan.kommuneplan import PERIOD
from docplan.files import write_atomic
from docplan.ooxml import tables
from docplan.ooxml.ns import qn
from docplan.ooxml.parser import Element
from docplan.ooxml.text import element_text
from docplan.package import Source

GOAL = re.compile(r"^\s*(?P<kind>hovedmål|hovudmål|overordnet mål|overordna mål|delmål|mål)\s*"
                  r"(?P<num>\d+(?:\.\d+)*)?\s*[:.)–-]?\s*(?P<rest>.*)$", re.IGNORECASE)
#: docplan's own id convention in headings («HM-1 …», «DM-1.1 …»), as the standard template writes them.
ID_GOAL = re.compile(r"^\s*(?P<kind>HM|DM)-(?P<num>\d+(?:\.\d+)*)\s+(?P<rest>\S.*)$")
#: Column roles of a measures table, by the Norwegian (bokmål and nynorsk) header words seen in real plans.
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("nr", "nr.", "nummer", "id", "#"),
    "title": ("tiltak", "tiltaket", "aktivitet", "tiltak/aktivitet", "beskrivelse av tiltak"),
    "goal_ids": ("delmål", "mål", "målområde", "hovedmål", "hovudmål"),
    "responsible": ("ansvar", "ansvarlig", "ansvarleg", "hovedansvar", "hovudansvar", "ansvarlig enhet"),
    "partners": ("samarbeid", "samarbeidspartnere", "samarbeidspartnarar", "samarbeidspartner", "i samarbeid med"),
    "years": ("frist", "tid", "tidsramme", "tidspunkt", "når", "år", "periode", "gjennomføring", "år og frist"),
    "cost": ("kostnad", "kostnader", "økonomi", "ressurser", "ressursar", "budsjett", "kostnad og finansiering"),
    "funding": ("finansiering", "finansieringskilde", "finansieringskjelde", "dekkes av"),
    "status": ("status",),
    "target_group": ("målgruppe", "målgruppa"),
}
_AMOUNT = re.compile(r"(\d[\d\s\u00a0.]*\d|\d)\s*(?:kr|,-|nok)?", re.IGNORECASE)


@dataclass
class ExtractResult:
    """A draft of plan data and the report of what was not recognised."""

    title: str
    outline: list[dict] = field(default_factory=list)
    goals: list[dict] = field(default_factory=list)
    measures: list[dict] = field(default_factory=list)
    period: tuple[int, int] | None = None
    unrecognised: list[str] = field(default_factory=list)
    source: str = ""


def _norm_header(text: str) -> str:
    return " ".join(text.lower().replace(":", "").split())


def column_roles(headers: list[str]) -> tuple[dict[int, str], list[str]]:
    """Map column index → role by header text; return also the headers not recognised."""
    roles: dict[int, str] = {}
    unknown = []
    for i, h in enumerate(headers):
        key = _norm_header(h)
        role = next((r for r, names in COLUMNS.items() if key in names and r not in roles.values()), None)
        if role is None:
            role = next((r for r, names in COLUMNS.items() if r not in roles.values()
                         and any(key.startswith(n + " ") or key.startswith(n + "/") for n in names if len(n) > 2)),
                        None)
        if role:
            roles[i] = role
        elif key:
            unknown.append(h)
    return roles, unknown


def _cell_paragraphs(tc: Element) -> list[str]:
    return [t for t in (" ".join(element_text(p).split()) for p in tc.iter(qn("w:p"))) if t]


def _rows(tbl: Element) -> list[list[Element]]:
    return [tables.cells(tr) for tr in tables.rows(tbl)]


def _amount(text: str) -> int | None:
    m = _AMOUNT.search(text)
    if not m:
        return None
    digits = re.sub(r"[\s\u00a0.]", "", m.group(1))
    return int(digits) if digits.isdigit() else None


def extract_plan(source: Source, *, name: str | None = None) -> ExtractResult:
    """Read a hand-written plan and return a draft of its data plus what was not recognised."""
    doc = PlanDocument.open(source, name=name)
    heads = {h.element: h for h in doc.headings()}
    result = ExtractResult(title="", source=doc.name)
    current_goal: dict | None = None
    title_style = None
    for para in doc.paragraphs():
        p = para.element
        text = " ".join(element_text(p).split())
        if not text or next(p.iterancestors(qn("w:tbl")), None) is not None:
            continue
        if not result.title and (para.style_id or "").lower() in ("title", "tittel"):
            result.title, title_style = text, para.style_id
            continue
        head = heads.get(p)
        if head is not None:
            result.outline.append({"number": head.number or "", "title": head.title})
        m = GOAL.match(text) or (ID_GOAL.match(text) if head is not None else None)
        if m and (m.group("num") or head is not None) and m.group("rest"):
            kind = {"hm": "hovedmål", "dm": "delmål"}.get(m.group("kind").lower(), m.group("kind").lower())
            num = m.group("num")
            if kind.startswith("del"):
                if current_goal is None:
                    result.unrecognised.append(f"avsnitt {para.index}: delmål uten hovedmål over seg «{text}»")
                    continue
                ident = f"DM-{num}" if num else f"DM-{current_goal['id'][3:]}.{len(current_goal['sub_goals']) + 1}"
                current_goal["sub_goals"].append({"id": ident, "title": m.group("rest")})
            else:
                ident = f"HM-{num}" if num else f"HM-{len(result.goals) + 1}"
                current_goal = {"id": ident, "title": m.group("rest"), "sub_goals": []}
                result.goals.append(current_goal)
        elif m and not m.group("rest") and head is None:
            result.unrecognised.append(f"avsnitt {para.index}: «{text}» ser ut som et mål, men mangler tekst")
    if not result.title:
        result.title = next((h.title for h in doc.headings()), Path(doc.name).stem)
    del title_style
    period = PERIOD.search(result.title)
    result.period = (int(period.group(1)), int(period.group(2))) if period else None
    if result.period is None:
        result.unrecognised.append(f"planperioden (f.eks. «2024–2028») står ikke i tittelen «{result.title}»")
    _measures(doc, result)
    if not result.goals:
        result.unrecognised.append("fant ingen hovedmål («Hovedmål 1: …») eller delmål («Delmål 1.1: …»)")
    return result


def _measures(doc: PlanDocument, result: ExtractResult) -> None:
    goal_ids = {s["id"] for g in result.goals for s in g["sub_goals"]} | {g["id"] for g in result.goals}
    found_table = False
    for t_index, tbl in enumerate(doc.body.iter(qn("w:tbl"))):
        rows = _rows(tbl)
        if len(rows) < 2:
            continue
        headers = [" ".join(_cell_paragraphs(tc)) for tc in rows[0]]
        roles, unknown = column_roles(headers)
        if "title" not in roles.values():
            continue
        found_table = True
        for h in unknown:
            result.unrecognised.append(f"tabell {t_index + 1}: kolonnen «{h}» er ikke gjenkjent og er ikke tatt med")
        for r_index, row in enumerate(rows[1:], start=2):
            values = {roles[i]: _cell_paragraphs(tc) for i, tc in enumerate(row) if i in roles}
            title = values.get("title") or []
            if not title:
                if any(values.values()):
                    result.unrecognised.append(f"tabell {t_index + 1}, rad {r_index}: raden har ingen tiltakstekst")
                continue
            if title[0].lower() in ("sum", "totalt", "til saman", "til sammen"):
                continue
            ident = " ".join(values.get("id") or []) or f"T-{len(result.measures) + 1:02d}"
            m: dict = {"id": ident if not ident[0].isdigit() else f"T-{ident.rstrip('.')}", "title": title[0]}
            if len(title) > 1:
                m["text"] = " ".join(title[1:])
            if values.get("responsible"):
                m["responsible"] = " ".join(values["responsible"])
            if values.get("partners"):
                m["partners"] = [x.strip() for x in re.split(r"[,;]", " ".join(values["partners"])) if x.strip()]
            if values.get("target_group"):
                m["target_group"] = " ".join(values["target_group"])
            if values.get("goal_ids"):
                refs = re.findall(r"\d+(?:\.\d+)*", " ".join(values["goal_ids"]))
                ids = [f"DM-{r}" if "." in r else f"HM-{r}" for r in refs]
                known = [i for i in ids if i in goal_ids]
                if known != ids:
                    result.unrecognised.append(f"tabell {t_index + 1}, rad {r_index}: målet «"
                                               f"{' '.join(values['goal_ids'])}» finnes ikke blant målene som ble funnet")
                if known:
                    m["goal_ids"] = known
            if values.get("years"):
                years = sorted({int(y) for y in re.findall(r"\b(?:19|20)\d{2}\b", " ".join(values["years"]))})
                if years:
                    m["years"] = years
                else:
                    result.unrecognised.append(f"tabell {t_index + 1}, rad {r_index}: tidspunktet "
                                               f"«{' '.join(values['years'])}» har ikke noe årstall")
            if values.get("cost"):
                amount = _amount(" ".join(values["cost"]))
                if amount is not None:
                    m["cost_nok"] = amount
                else:
                    result.unrecognised.append(f"tabell {t_index + 1}, rad {r_index}: kostnaden "
                                               f"«{' '.join(values['cost'])}» er ikke et beløp")
            if values.get("funding"):
                m["funding"] = [{"source": " ".join(values["funding"])}]
            if values.get("status"):
                m["status_text"] = " ".join(values["status"])
            result.measures.append(m)
    if not found_table:
        result.unrecognised.append("fant ingen tiltakstabell (en tabell med kolonnen «Tiltak»)")


def draft_dict(result: ExtractResult) -> dict:
    """Return the draft in the shape of docplan's plan data (gaps marked FYLL INN)."""
    start, end = result.period or (0, 0)
    measures = []
    for m in result.measures:
        m = dict(m)
        status = m.pop("status_text", None)
        if status and status.lower() in ("ikke startet", "pågår", "gjennomført", "utsatt"):
            m["status"] = status.lower()
        measures.append(m)
    return {
        "meta": {"schema_version": 1, "language": "nb"},
        "plan": {"id": "FYLL-INN", "title": result.title,
                 "period": {"start_year": start or "FYLL INN", "end_year": end or "FYLL INN"},
                 "document_outline": result.outline},
        "municipalities": [{"number": "FYLL INN", "name": "FYLL INN"}],
        "goals": [{k: v for k, v in g.items() if v or k != "sub_goals"} for g in result.goals],
        "measures": measures,
    }


def _one_line(text: str) -> str:
    """Return ``text`` on one line: a line break in a document's text would end the YAML comment, and what
    followed it would be read as data."""
    return " ".join(text.split())


def write_extract(result: ExtractResult, path: str | Path) -> Path:
    """Write the draft YAML atomically, with the report of unrecognised content as comments at the top."""
    lines = [f"# Utkast laget av «docplan extract» fra {_one_line(Path(result.source).name)}.",
             "# Fyll inn feltene merket FYLL INN og sjekk alt før bruk."]
    lines += [f"# Ikke gjenkjent: {_one_line(u)}" for u in result.unrecognised]
    text = "\n".join(lines) + "\n" + yaml.safe_dump(draft_dict(result), allow_unicode=True, sort_keys=False,
                                                    width=100)
    return write_atomic(path, text.encode("utf-8"))
