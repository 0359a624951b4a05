"""Bootstrap plan data from an existing hand-written plan (``docplan extract``).

Goals (*hovedmål*, *delmål*) are read where planners put them: «Hovedmål 1:» / «Hovudmål 1» / «Delmål 1.1 –»
labels (also «Målsetting», «Målsetjing»), and under the plan's goal chapter («Mål og strategier»,
«Kommunen sine mål»; not «Nasjonale mål …») as Word's numbered lists (level 1 hovedmål, level 2 delmål),
typed «1.» / «1.1» lines, bullets after «Hovedmål:» / «Delmål:», sub-headings, and «Hovedmål | Delmål»
tables (merged cells too). Measures (*tiltak*) come from tables recognised by their column headings
(«Tiltak», «Aktivitet», «Hva», «Eksisterande tiltak»; «Ansvar/ansvarleg», «Når», «Frist», «Tid»;
«Kostnad/Økonomi», «Finansiering» …) and from lists after «Tiltak:». Title, kommune, period, adoption
(«vedtatt i kommunestyret 14.03.2024, K-sak 12/24») and bokmål/nynorsk come from the cover, the
properties, headers and footers and the text.

Nothing is guessed: a value that is not in the document is left out (or marked FYLL INN in the draft), and
what could not be read is reported with its paragraph number and text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from docplan.document import PlanDocument
from docplan.files import write_atomic
from docplan.kommuneplan import TYPED, container_role, grid, is_stop_chapter, parse_labelled
from docplan.ooxml.ns import qn
from docplan.ooxml.parser import Element
from docplan.package import Source
from docplan.reading import (ONGOING, PERIOD, TYPED_BULLET, clean, detect_language, find_adoption, find_municipality,
                             find_period, header_footer_texts, is_bold, parse_date)

_W_TBL, _W_TXBX = qn("w:tbl"), qn("w:txbxContent")

#: docplan's own id convention in headings («HM-1 …», «DM-1.1 …»), as the standard template writes them.
ID_GOAL = re.compile(r"^\s*(?P<kind>HM|DM)-(?P<num>\d+(?:\.\d+)*)\s+(?P<rest>\S.*)$")
_MAIN_LABELS = ("hovedmål", "hovudmål", "målsetting", "målsetjing", "målsetning", "overordnet mål", "overordna mål")
#: Column roles of a measures table, by the Norwegian (bokmål and nynorsk) header words seen in real plans.
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("nr", "nr.", "nummer", "id", "#", "tiltak nr", "tiltak nr.", "tiltaksnr", "tiltaksnr.", "løpenr"),
    "target_group": ("målgruppe", "målgruppa", "målgrupper", "målgrupper"),
    "goal_ids": ("delmål", "mål", "målområde", "hovedmål", "hovudmål", "mål nr", "knyttet til mål", "delmål nr"),
    "title": ("tiltak", "tiltaket", "tiltaka", "aktivitet", "aktiviteter", "aktivitetar", "tiltak/aktivitet", "hva",
              "kva", "beskrivelse av tiltak", "beskrivelse", "tiltaksbeskrivelse", "eksisterende tiltak",
              "eksisterande tiltak", "nye tiltak", "nytt tiltak", "handling", "tiltak og aktiviteter"),
    "responsible": ("ansvar", "ansvarlig", "ansvarleg", "hovedansvar", "hovudansvar", "ansvarlig enhet",
                    "ansvarleg eining", "hvem", "kven", "utføres av", "gjennomføres av", "ansvar/ansvarleg",
                    "ansvar/ansvarlig"),
    "partners": ("samarbeid", "samarbeidspartnere", "samarbeidspartnarar", "samarbeidspartner", "i samarbeid med",
                 "samarbeidspartar", "involverte", "samarbeidsparter"),
    "years": ("frist", "tid", "tidsrom", "tidsramme", "tidspunkt", "tidsplan", "når", "år", "periode",
              "gjennomføring", "år og frist", "tid/frist", "når/frist", "oppstart", "gjennomføringsår",
              "tidsperiode", "framdrift", "fremdrift"),
    "cost": ("kostnad", "kostnader", "økonomi", "ressurser", "ressursar", "budsjett", "kostnad og finansiering",
             "kostnad/økonomi", "midler", "midlar", "beløp", "ressursbehov", "økonomiske konsekvenser",
             "kostnadsoverslag", "kostnad (kr)", "kostnad pr. år"),
    "funding": ("finansiering", "finansieringskilde", "finansieringskjelde", "dekkes av", "dekning", "finansiert av",
                "finansiert"),
    "status": ("status",),
}
_WORDS = {role: {w for name in names for w in re.split(r"[\s/,()]+", name) if len(w) > 2}
          for role, names in COLUMNS.items()}
_WORDS["title"] |= {"tiltak"}
_WORDS["goal_ids"] = {"delmål", "hovedmål", "hovudmål", "målområde"}
_ROLE_ORDER = ("id", "target_group", "goal_ids", "title", "responsible", "years", "cost", "funding", "partners",
               "status")
_SUM = ("sum", "totalt", "til saman", "til sammen", "samla", "samlet", "total")
_GOAL_CHAPTER = re.compile(r"(?<![\w])(?:mål|måla|målet|målene|hovedmål\w*|hovudmål\w*|delmål|målsetting\w*|"
                           r"målsetjing\w*|målsetning\w*|målområd\w*)(?![\w])", re.IGNORECASE)
_NOT_OURS = re.compile(r"nasjonal|statl|regional|fylke|opptrappingsplan|stortingsmelding|folkehelsemeld",
                       re.IGNORECASE)
_MEASURE_LABEL = re.compile(r"^\s*(?:tiltak|aktiviteter|aktivitetar|nye tiltak|slik gjør vi det|slik gjer vi det)"
                            r"\s*:\s*$", re.IGNORECASE)
_MAIN_LABEL = re.compile(r"^\s*(?:hovedmål|hovudmål|overordnet mål|overordna mål|hovedmålsetting|hovudmålsetjing|mål)"
                         r"\s*:?\s*$", re.IGNORECASE)
#: «Hovedmål: «Et trygt og godt liv»», «Delmål: Færre unge drikk» (a label without a number, then the goal).
_INLINE_GOAL = re.compile(r"^\s*(?P<label>hovedmål|hovudmål|overordnet mål|overordna mål|hovedmålsetting|"
                          r"hovudmålsetjing|delmål)\s*:\s*(?P<rest>\S.{2,})$", re.IGNORECASE)
#: A heading over the plan's measures («Tiltak», «6. TILTAK», «Tiltaksplan», «Nye tiltak», «HANDLINGSPLAN»).
_MEASURE_CHAPTER = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?\s+)?(?:nye\s+|eksisterande\s+|eksisterende\s+)?"
                              r"(?:tiltak|tiltaksplan\w*|tiltaksdel\w*|tiltaksoversikt|handlingsplan|tiltak i "
                              r"planperioden|tiltak og aktivitet\w*)\s*:?\s*$", re.IGNORECASE)
_SUB_LABEL = re.compile(r"^\s*(?:delmål|delmåla|delmålene|delmålsetjingar)\s*:?\s*$", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_AMOUNT = re.compile(r"(?<![\d,.])(\d{1,3}(?:[ \u00a0.]\d{3})+|\d+)(?:,(\d+))?\s*(mill\w*\.?|mnok|millioner|'|k\b)?",
                     re.IGNORECASE)
_PER_YEAR = re.compile(r"per år|pr\.? ?år|/ ?år|årlig|årleg|i året|per år", re.IGNORECASE)
_IN_BUDGET = re.compile(r"innenfor (?:drift\w*|ramme\w*|budsjett\w*)|innanfor (?:drift\w*|ramm\w*|budsjett\w*)|"
                        r"drifts?budsjett|ordinær drift|eksisterande ramme|eksisterende ramme", re.IGNORECASE)
_FUNDING_STATUS = (("innvilget", "innvilget"), ("innvilga", "innvilga"), ("søkt", "søkt"), ("ikke avklart", "ikke avklart"),
                   ("ikkje avklart", "ikkje avklart"))


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
    municipality: tuple[str, str] | None = None
    adopted: dt.date | None = None
    case_no: str | None = None
    language: str | None = None
    #: things the planner must check although they were read (a measure id used twice …)
    warnings: list[str] = field(default_factory=list)


def _norm_header(text: str) -> str:
    return " ".join(text.lower().replace(":", "").split())


def column_role(header: str, taken: set[str] = frozenset()) -> str | None:
    """Return the role of one measures-table column by its header («Ansvar/ansvarleg» → responsible)."""
    key = _norm_header(header)
    if not key:
        return None
    for role in _ROLE_ORDER:
        if role not in taken and key in COLUMNS[role]:
            return role
    tokens = [t for t in re.split(r"[\s/,()\-–]+", key) if t]
    for role in _ROLE_ORDER:
        if role in taken or role == "id":
            continue
        if any(t in _WORDS[role] for t in tokens):
            return role
    return None


def column_roles(headers: list[str]) -> tuple[dict[int, str], list[str]]:
    """Map column index → role by header text; return also the headers not recognised."""
    roles: dict[int, str] = {}
    unknown = []
    for i, h in enumerate(headers):
        role = column_role(h, set(roles.values()))
        if role:
            roles[i] = role
        elif _norm_header(h):
            unknown.append(h)
    return roles, unknown


def parse_years(text: str) -> tuple[list[int], dt.date | None]:
    """Return the years a time cell names («2024–2027» → every year) and a deadline date, if any."""
    text = clean(text)
    date = parse_date(text) if re.search(r"\d\.\s?\d", text) or re.search(r"\d\.\s?[a-zæøå]", text) else None
    years: set[int] = set()
    for m in PERIOD.finditer(text):
        start, end = int(m.group(1)), m.group(2)
        end_year = int(end) if len(end) == 4 else (start // 100) * 100 + int(end)
        if 0 <= end_year - start <= 15:
            years.update(range(start, end_year + 1))
    years.update(int(y) for y in _YEAR.findall(text))
    if date is not None:
        years.add(date.year)
    return sorted(y for y in years if 1990 <= y <= 2100), date


def parse_cost(text: str) -> tuple[int | None, str | None]:
    """Return (amount in NOK, basis) of a cost cell: «50 000 kr/år» → (50000, "per år"), «0,5 mill.» → 500000.

    An amount is a number with «kr», «,-», «NOK», «mill.» or thousands separators; a year alone is not one.
    """
    text = clean(text)
    basis = "per år" if _PER_YEAR.search(text) else ("totalt" if re.search(r"\btotalt?\b", text, re.IGNORECASE)
                                                      else None)
    found: list[int] = []
    for m in _AMOUNT.finditer(text):
        whole, dec, unit = m.group(1), m.group(2), (m.group(3) or "").lower()
        digits = re.sub(r"[ \u00a0.]", "", whole)
        after = text[m.end():m.end() + 6].lower()
        before = text[max(0, m.start() - 4):m.start()].lower()
        money = unit or "kr" in after or ",-" in text[m.end():m.end() + 3] or "nok" in after or "kr" in before or \
            (len(whole) > len(digits))
        if unit.startswith(("mill", "mnok")):
            value = float(f"{digits}.{dec or 0}") * 1_000_000
        elif unit in ("'", "k"):
            value = int(digits) * 1000
        else:
            if dec and dec != "-":
                value = float(f"{digits}.{dec}")
            else:
                value = int(digits)
            if not money and (1990 <= int(digits) <= 2100 or int(digits) < 100):
                continue  # a year or a small count, not an amount
        found.append(int(round(value)))
    if len(set(found)) > 1 and re.search(r"\d\s*[–-]\s*\d", text):
        return None, basis  # a range («50 000 – 100 000»): not one amount
    return (found[0] if found else None), basis


def _funding(text: str) -> dict:
    entry: dict = {"source": text}
    low = text.lower()
    if _IN_BUDGET.search(text):
        entry["status"] = "innanfor driftsramma" if "innanfor" in low else "innenfor driftsramme"
    for word, status in _FUNDING_STATUS:
        if re.search(rf"\b{word}\b", low):
            entry["status"] = status
            break
    return entry


class _Extractor:
    """One walk through a hand-written plan collecting goals, measures and the report."""

    def __init__(self, doc: PlanDocument):
        self.doc = doc
        self.result = ExtractResult(title="", source=doc.name)
        self.goal_region: int | None = None  # heading level of the plan's goal chapter we are in
        self.sub_heading_goals: list[tuple[int, int, str]] = []  # (level, paragraph, text) under it
        self.current_main: dict | None = None
        self.current_sub: dict | None = None
        self.goal_label: str | None = None  # "main" | "sub" after «Hovedmål:» / «Delmål:»
        self.measure_label = False
        self.measure_context: list[str] = []
        self.used_ids: dict[str, str] = {}
        self.table_no = 0
        self.heading_level = 0
        self.region_signals = 0
        self.measure_chapter: int | None = None  # heading level of a «Tiltak» chapter we are in
        self.goal_heading: int | None = None  # heading level of a «Hovedmål 1: …» heading we are under
        self.main_numbered = False  # the last hovedmål came from a numbered list or a typed «1.»
        self.by_title: dict[str, dict] = {}
        self.ongoing: list[tuple[dict, str, str]] = []

    # -- goals -------------------------------------------------------------------------------------
    def add_main(self, number: str | None, title: str, where: str) -> dict:
        ident = f"HM-{number}" if number else f"HM-{len(self.result.goals) + 1}"
        existing = next((g for g in self.result.goals if g["id"] == ident), None)
        if existing is not None:
            if _same(existing["title"], title):
                self.current_main, self.current_sub = existing, None
                return existing
            self.result.warnings.append(f"{where}: hovedmål-id «{ident}» er brukt før («{existing['title'][:50]}»); "
                                        f"«{title[:50]}» har fått en ny id")
            ident = f"HM-{len(self.result.goals) + 1}"
            while any(g["id"] == ident for g in self.result.goals):
                ident += "-2"
        goal = {"id": ident, "title": title, "sub_goals": []}
        self.result.goals.append(goal)
        self.main_numbered = False
        self.current_main, self.current_sub = goal, None
        self.measure_context = [ident]
        return goal

    def add_sub(self, number: str | None, title: str, where: str, text: str, *, section: bool = False) -> dict | None:
        """Add a delmål; measures below it serve it when it heads a section (a heading), else its hovedmål."""
        main = self.current_main
        if number and "." in number:
            main = next((g for g in self.result.goals if g["id"] == f"HM-{number.split('.')[0]}"), main)
        if main is None:
            self.result.unrecognised.append(f"{where}: delmål uten hovedmål over seg «{text[:80]}»")
            return None
        ident = f"DM-{number}" if number and "." in number else \
            f"DM-{main['id'][3:]}.{len(main['sub_goals']) + 1}"
        existing = next((s for g in self.result.goals for s in g["sub_goals"] if s["id"] == ident), None)
        if existing is not None:
            if _same(existing["title"], title):
                return existing
            self.result.warnings.append(f"{where}: delmål-id «{ident}» er brukt før; «{title[:50]}» har fått en ny id")
            ident = f"DM-{main['id'][3:]}.{len(main['sub_goals']) + 1}"
        sub = {"id": ident, "title": title}
        main["sub_goals"].append(sub)
        self.current_main, self.current_sub = main, sub
        self.measure_context = [ident] if section else [main["id"]]
        return sub

    def labelled(self, label: str, number: str, title: str | None, where: str, text: str, *,
                 section: bool = False) -> bool:
        """Take a «Hovedmål 1: …» / «Delmål 1.1 …» goal; return whether it was one."""
        low = label.lower()
        if low.startswith(("strateg", "satsing", "innsats", "fokus", "samfunnsmål", "effektmål", "resultatmål")):
            return False
        if not title:
            self.result.unrecognised.append(f"{where}: «{text[:80]}» ser ut som et mål, men mangler tekst")
            return True
        if low == "delmål" or "." in number:
            self.add_sub(number, title, where, text, section=section)
        else:
            self.add_main(number, title, where)
        self.region_signals += 1
        return True

    # -- the walk ----------------------------------------------------------------------------------
    def heading(self, h, text: str) -> None:
        self.result.outline.append({"number": h.number or "", "title": h.title})
        self.goal_label, self.measure_label = None, False
        self.heading_level = h.level
        if self.goal_region is not None and h.level <= self.goal_region:
            self._close_region()
        if self.measure_chapter is not None and h.level <= self.measure_chapter:
            self.measure_chapter = None
        if self.goal_heading is not None and h.level <= self.goal_heading:
            self.goal_heading = None
        if self.goal_heading is None:
            self.measure_context = []  # a new chapter: measures below it serve no goal named above it
        if _MEASURE_CHAPTER.match(text):
            self.measure_chapter = h.level
        m = ID_GOAL.match(text)
        if m:
            self.region_signals += 1
            if m.group("kind") == "HM":
                self.add_main(m.group("num"), m.group("rest"), f"avsnitt {h.index}")
            else:
                self.add_sub(m.group("num"), m.group("rest"), f"avsnitt {h.index}", text, section=True)
            return
        lab = parse_labelled(text)
        if lab is not None and self.labelled(lab[0], lab[1], lab[2], f"avsnitt {h.index}", text, section=True):
            if "." not in lab[1] and lab[0].lower() != "delmål":
                self.goal_heading = h.level
            return
        title = h.title
        if self.goal_region is None and _is_goal_chapter(title):
            self.goal_region = h.level
            self.sub_heading_goals = []
            self.region_signals = 0
            return
        if self.goal_region is not None and h.level > self.goal_region:
            if _MAIN_LABEL.match(title):
                self.goal_label = "main"
            elif _SUB_LABEL.match(title):
                self.goal_label = "sub"
            elif not container_role(title) and not is_stop_chapter(title):
                self.sub_heading_goals.append((h.level, h.index, title))
        if re.match(r"^\s*tiltak\s*$", title, re.IGNORECASE) and self.current_main is not None:
            self.measure_label = True

    def _close_region(self) -> None:
        """Leaving the goal chapter: its sub-headings are the goals when nothing else in it was."""
        if self.region_signals == 0 and self.sub_heading_goals:
            top = min(level for level, _, _ in self.sub_heading_goals)
            for level, index, title in self.sub_heading_goals:
                if level == top:
                    self.add_main(None, title, f"avsnitt {index}")
                elif level == top + 1:
                    self.add_sub(None, title, f"avsnitt {index}", title)
        self.goal_region = None
        self.sub_heading_goals = []

    def paragraph(self, para, text: str, label) -> None:
        i = para.index
        where = f"avsnitt {i}"
        lab = parse_labelled(text)
        if lab is not None and self.labelled(lab[0], lab[1], lab[2], where, text):
            self.goal_label = None
            return
        inline = _INLINE_GOAL.match(text)
        if inline and len(text) <= 300:
            title = inline.group("rest").strip().strip("«»\"“”").strip()
            if inline.group("label").lower().startswith("del"):
                self.add_sub(None, title, where, text)
            else:
                self.add_main(None, title, where)
            self.region_signals += 1
            self.goal_label = None
            return
        if _MEASURE_LABEL.match(text):
            self.measure_label, self.goal_label = True, None
            return
        # under a «Hovedmål 1: …» heading, its lists are its delmål
        under_goal = self.goal_heading is not None and self.current_main is not None
        in_region = self.goal_region is not None or under_goal
        if in_region and _MAIN_LABEL.match(text):
            self.goal_label, self.measure_label = "main", False
            return
        if in_region and _SUB_LABEL.match(text):
            self.goal_label, self.measure_label = "sub", False
            return
        bullet = TYPED_BULLET.match(text)
        is_list = label is not None or bullet is not None
        body = bullet.group("rest") if bullet else text
        if (self.measure_label or (self.measure_chapter is not None and self.goal_region is None)) and is_list:
            self._list_measure(body, i)
            return
        if in_region:
            typed = TYPED.match(text)
            sub_here = self.goal_label == "sub" or (self.goal_label is None and under_goal)
            if label is not None and not label.bullet and label.number:
                if label.level == 0 and not sub_here:
                    self.add_main(None, body, where)
                    self.main_numbered = True
                else:
                    self.add_sub(None, body, where, text)
                self.region_signals += 1
                return
            if typed and len(text) <= 300:
                number = typed.group("num")
                if "." in number or sub_here:
                    self.add_sub(number if "." in number else None, typed.group("rest"), where, text)
                else:
                    self.add_main(number, typed.group("rest"), where)
                    self.main_numbered = True
                self.region_signals += 1
                return
            if is_list:
                # bullets under a numbered hovedmål («1. …» then «• …») are its delmål
                bullets_under_number = self.main_numbered and (bullet is not None or label.bullet)
                if sub_here or bullets_under_number or \
                        (self.goal_label is None and label is not None and label.level > 0):
                    self.add_sub(None, body, where, text)
                else:
                    self.add_main(None, body, where)
                self.region_signals += 1
                return
            if self.goal_label is not None:
                self.result.unrecognised.append(f"{where}: «{text[:80]}» står under «Hovedmål:»/«Delmål:», men "
                                                "er ikke en punktliste; ikke tatt med")
                self.goal_label = None
            return
        if is_list or TYPED.match(text):
            self.measure_label = self.measure_label and is_list
            return
        self.measure_label = False

    def _list_measure(self, title: str, index: int) -> None:
        if _same_key(title) in self.by_title:
            return
        ident = self._measure_id(None, f"avsnitt {index}")
        m: dict = {"id": ident, "title": title}
        self.by_title[_same_key(title)] = m
        goal_ids = [g for g in self.measure_context if g]
        if goal_ids:
            m["goal_ids"] = list(goal_ids)
        self.result.measures.append(m)

    def _measure_id(self, given: str | None, where: str) -> str:
        if given:
            ident = given.rstrip(".")
            ident = f"T-{ident}" if ident[:1].isdigit() else ident
        else:
            ident = f"T-{len(self.result.measures) + 1:02d}"
            while ident in self.used_ids:
                ident += "-2"
        if ident in self.used_ids:
            first = self.used_ids[ident]
            n = 2
            while f"{ident}-{n}" in self.used_ids:
                n += 1
            self.result.warnings.append(f"{where}: tiltak-id «{ident}» er brukt før ({first}); dette tiltaket har "
                                        f"fått id «{ident}-{n}» – rett nummeret i dokumentet eller i dataene")
            ident = f"{ident}-{n}"
        self.used_ids[ident] = where
        return ident

    # -- tables ------------------------------------------------------------------------------------
    def table(self, tbl: Element, info) -> None:
        self.table_no += 1
        rows = grid(tbl, info)
        if len(rows) < 2:
            return
        header_at, roles, unknown = None, {}, []
        for k in range(min(2, len(rows) - 1)):
            starts = _starts(rows[k])
            found, unk = column_roles([" ".join(rows[k][col][1]) for col in starts])
            if "title" in found.values() and len(found) >= 2:
                header_at, unknown = k, unk
                roles = {starts[i]: role for i, role in found.items()}
                break
        if header_at is None:
            self._goal_table(rows)
            return
        where_t = f"tabell {self.table_no}"
        for h in unknown:
            self.result.unrecognised.append(f"{where_t}: kolonnen «{h}» er ikke gjenkjent og er ikke tatt med")
        title_col = next(col for col, role in roles.items() if role == "title")
        header_texts = [c[1] for c in _distinct(rows[header_at])]
        last_title = None
        for r_index, row in enumerate(rows[header_at + 1:], start=header_at + 2):
            filled = [c for c in _distinct(row) if c[1]]
            if [c[1] for c in _distinct(row)] == header_texts:
                continue  # the heading row typed again further down
            where = f"{where_t}, rad {r_index}" + (f" (avsnitt {filled[0][2]})" if filled else "")
            if not filled:
                continue
            lone = len(filled) == 1 and (title_col >= len(row) or row[title_col][0] != filled[0][0])
            if len({c[0] for c in row}) == 1 or (lone and parse_labelled(" ".join(filled[0][1])) is not None):
                self._section_row(" ".join(filled[0][1]), where)
                continue
            if title_col < len(row) and row[title_col][0] == last_title and row[title_col][1]:
                continue  # the measure's cell is merged down: the row belongs to the measure above
            last_title = row[title_col][0] if title_col < len(row) else None
            values = {role: row[col][1] for col, role in roles.items() if col < len(row)}
            title = values.get("title") or []
            if not title:
                self.result.unrecognised.append(f"{where}: raden har ingen tiltakstekst «{' '.join(filled[0][1])[:60]}»")
                continue
            if title[0].lower().rstrip(":") in _SUM or (values.get("id") or [""])[0].lower() in _SUM:
                continue
            self._measure_row(values, title, where)

    def _section_row(self, text: str, where: str) -> None:
        lab = parse_labelled(text)
        if lab is not None and lab[2]:
            number = lab[1]
            ident = f"DM-{number}" if "." in number else f"HM-{number}"
            self.measure_context = [ident] if _goal_exists(self.result.goals, ident) else []
        else:
            self.measure_context = []

    def _measure_row(self, values: dict, title: list[str], where: str) -> None:
        first = title[0]
        bullet = TYPED_BULLET.match(first)
        first = bullet.group("rest") if bullet else first
        known = self.by_title.get(_same_key(first))
        if known is not None:  # the same measure again (a cost overview): what it adds fills the gaps
            fresh = self._read_row(values, title, where, {"id": known["id"], "title": known["title"]})
            for key, value in fresh.items():
                known.setdefault(key, value)
            return
        ident = self._measure_id(" ".join(values.get("id") or []) or None, where)
        m = self._read_row(values, title, where, {"id": ident, "title": first})
        self.by_title[_same_key(first)] = m
        self.result.measures.append(m)

    def _read_row(self, values: dict, title: list[str], where: str, m: dict) -> dict:
        """Read a measures-table row's cells into ``m`` (the measure as plan data)."""
        if len(title) > 1:
            m["text"] = " ".join(title[1:])
        if values.get("responsible"):
            m["responsible"] = ", ".join(values["responsible"])
        if values.get("partners"):
            m["partners"] = [x.strip() for x in re.split(r"[,;]", ", ".join(values["partners"])) if x.strip()]
        if values.get("target_group"):
            m["target_group"] = " ".join(values["target_group"])
        goal_text = " ".join(values.get("goal_ids") or [])
        if goal_text:
            # the goal named by its title («Færre unge drikker alkohol»), else by numbers («1.1, 2.3», «HM 2»)
            ids = [g["id"] for g in _all_goals(self.result.goals) if _same(g["title"], goal_text)]
            refs = ids or (re.findall(r"\d+(?:\.\d+)*", goal_text) if len(goal_text) <= 30 else [])
            if not ids:
                ids = [f"DM-{r}" if "." in r else f"HM-{r}" for r in refs]
            known = [i for i in ids if _goal_exists(self.result.goals, i)]
            if known != ids or not refs:
                self.result.unrecognised.append(f"{where}: målet «{goal_text}» finnes ikke blant målene som ble funnet")
            if known:
                m["goal_ids"] = known
        elif self.measure_context:
            m["goal_ids"] = list(self.measure_context)
        if values.get("years"):
            text = " ".join(values["years"])
            years, deadline = parse_years(text)
            if years:
                m["years"] = years
            if deadline is not None:
                m["deadline"] = deadline.isoformat()
            if not years and ONGOING.search(text):
                self.ongoing.append((m, text, where))  # every year of the plan period, once the period is known
            elif not years:
                self.result.unrecognised.append(f"{where}: tidspunktet «{text}» har ikke noe årstall; fyll inn "
                                                "årene for hånd")
        cost_text = " ".join(values.get("cost") or [])
        if cost_text:
            amount, basis = parse_cost(cost_text)
            if amount is not None:
                m["cost_nok"] = amount
                if basis:
                    m["cost_basis"] = basis
            if _IN_BUDGET.search(cost_text) and not values.get("funding"):
                m["funding"] = [_funding(cost_text)]
            elif amount is None:
                self.result.unrecognised.append(f"{where}: kostnaden «{cost_text}» er ikke et beløp")
        if values.get("funding"):
            m["funding"] = [_funding(" ".join(values["funding"]))]
        if values.get("status"):
            m["status_text"] = " ".join(values["status"])
        return m

    def _goal_table(self, rows) -> None:
        """A «Hovedmål | Delmål» table (merged hovedmål cells); other tables only for their labelled goals."""
        headers = [_norm_header(" ".join(c[1])) for c in rows[0]]
        main_col = next((i for i, h in enumerate(headers) if re.match(r"^(hovedmål|hovudmål|overordn\w* mål|mål)$", h)),
                        None)
        sub_col = next((i for i, h in enumerate(headers) if i != main_col and re.match(r"^delmål\w*$", h)), None)
        if main_col is None or sub_col is None:
            for row in rows:
                for _cell_id, paras, first in _distinct(row):
                    for k, text in enumerate(paras):
                        lab = parse_labelled(text)
                        if lab is not None:
                            self.labelled(lab[0], lab[1], lab[2], f"avsnitt {first + k}", text)
            return
        seen: set[Element] = set()
        for row in rows[1:]:
            if main_col < len(row):
                cell_id, paras, first = row[main_col]
                if paras and cell_id not in seen:
                    seen.add(cell_id)
                    number, title = _numbered(paras[0])
                    self.add_main(number, title, f"avsnitt {first}")
            if sub_col < len(row) and self.current_main is not None:
                cell_id, paras, first = row[sub_col]
                if cell_id in seen:
                    continue
                seen.add(cell_id)
                for k, text in enumerate(paras):
                    number, title = _numbered(text)
                    self.add_sub(number if number and "." in number else None, title, f"avsnitt {first + k}", text)


@dataclass(frozen=True)
class _Typed:
    """A chapter heading typed in a bold paragraph («3. MÅL»), read like a `docplan.document.Heading`."""

    index: int
    level: int
    number: str
    text: str
    title: str


def _numbered(text: str) -> tuple[str | None, str]:
    lab = parse_labelled(text)
    if lab is not None and lab[2]:
        return lab[1], lab[2]
    m = TYPED.match(text)
    return (m.group("num"), m.group("rest")) if m else (None, text)


def _starts(row) -> list[int]:
    """The grid column where each cell of a row starts (a cell spanning columns fills several)."""
    out, seen = [], set()
    for col, cell in enumerate(row):
        if cell[0] not in seen:
            seen.add(cell[0])
            out.append(col)
    return out


def _distinct(row):
    """The cells of a grid row once each (a cell spanning columns fills several grid places)."""
    out, seen = [], set()
    for cell in row:
        if cell[0] not in seen:
            seen.add(cell[0])
            out.append(cell)
    return out


def _same_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _all_goals(goals: list[dict]) -> list[dict]:
    return [x for g in goals for x in [g, *g["sub_goals"]]]


def _goal_exists(goals: list[dict], ident: str) -> bool:
    return any(g["id"] == ident or any(s["id"] == ident for s in g["sub_goals"]) for g in goals)


def _is_goal_chapter(title: str) -> bool:
    """Whether a heading opens the plan's own goal chapter («Mål», «Kommunen sine mål og strategiar»)."""
    return bool(_GOAL_CHAPTER.search(title)) and not _NOT_OURS.search(title) and len(title.split()) <= 8


def extract_plan(source: Source, *, name: str | None = None) -> ExtractResult:
    """Read a hand-written plan and return a draft of its data plus what was not recognised."""
    doc = PlanDocument.open(source, name=name)
    x = _Extractor(doc)
    result = x.result
    heads = {h.index: h for h in doc.headings()}
    labels = doc.numbering_labels()
    toc = doc.toc_paragraphs()
    texts = doc.texts()
    seen_tables: set[Element] = set()
    title_parts: list[str] = []
    cover: list[str] = []
    seen_heading = False

    def info(q: Element) -> tuple[str, int]:
        k = doc.paragraph_index(q)
        return ("" if k is None or k in toc else clean(texts[k])), (k if k is not None else -1)

    has_headings = bool(heads)
    for para in doc.paragraphs():
        p, i = para.element, para.index
        text = clean(texts[i])
        if not text or i in toc:
            continue
        around = list(p.iterancestors(_W_TBL, _W_TXBX))
        if any(a.tag == _W_TXBX for a in around):
            continue
        if around:
            tbl = around[-1]
            if tbl not in seen_tables:
                seen_tables.add(tbl)
                x.table(tbl, info)
            continue
        style = (para.style_id or "").lower()
        if style in ("title", "tittel") or doc.styles.name(para.style_id).strip().lower() in ("title", "tittel"):
            if not seen_heading:
                title_parts.append(text)
            continue
        if i in heads:
            seen_heading = True
            x.heading(heads[i], text)
            continue
        typed = TYPED.match(text) if not has_headings else None
        if typed and len(text.split()) <= 10 and is_bold(doc, p, para.style_id):
            # a document without heading styles: «3. MÅL» in bold is its chapter heading
            seen_heading = True
            number = typed.group("num")
            x.heading(_Typed(i, number.count(".") + 1, number, text, typed.group("rest")), text)
            continue
        if not seen_heading and len(cover) < 30:
            cover.append(text)
        x.paragraph(para, text, labels.get(i))
    if x.goal_region is not None:
        x._close_region()
    header_footer = header_footer_texts(doc)
    core = doc.core_properties
    core_title = clean(core.get("title", ""))
    result.title = _title(title_parts, core_title, cover, doc)
    body = [clean(texts[i]) for i in range(min(len(texts), 120)) if i not in toc]
    facts = [result.title, *cover, *header_footer, core_title, clean(core.get("subject", ""))]
    result.period = next((p for p in map(find_period, facts + body) if p), None)
    found = find_municipality(facts + body)
    result.municipality = (found.number, found.name) if found.number else None
    result.adopted, result.case_no = find_adoption(cover + header_footer + body)
    result.language = detect_language(doc, texts)
    for m, text, where in x.ongoing:
        if result.period is not None:
            m["years"] = list(range(result.period[0], result.period[1] + 1))
            result.warnings.append(f"{where}: tidspunktet «{text}» er lest som hvert år i planperioden "
                                   f"{result.period[0]}–{result.period[1]}")
        else:
            result.unrecognised.append(f"{where}: tidspunktet «{text}» gjelder hele planperioden, men perioden ble "
                                       "ikke funnet; fyll inn årene for hånd")
    if result.period is None:
        result.unrecognised.append(f"fant ikke planperioden (f.eks. «2024–2028») i tittelen «{result.title}», på "
                                   "forsiden eller i topp- og bunntekst")
    if result.municipality is None:
        result.unrecognised.append(f"fant ikke hvilken kommune planen gjelder ({found.reason})")
    if result.adopted is None:
        result.unrecognised.append("fant ikke vedtaksdatoen (f.eks. «vedtatt i kommunestyret 14.03.2024, sak 12/24»)")
    if not result.goals:
        result.unrecognised.append("fant ingen hovedmål («Hovedmål 1: …») eller delmål («Delmål 1.1: …»)")
    if not result.measures:
        result.unrecognised.append("fant ingen tiltak (en tabell med kolonnen «Tiltak», eller en liste etter «Tiltak:»)")
    return result


def _title(title_parts: list[str], core_title: str, cover: list[str], doc: PlanDocument) -> str:
    """Return the plan's title: the Title paragraphs, the title property when it names a plan, a cover line that
    names one (with the period on the next line), the title property, the first heading, the file name."""
    if title_parts:
        title = " ".join(title_parts)
        after = cover[0] if cover else ""
        # «Rusmiddelpolitisk handlingsplan» in the Title, «2024–2027» on the line below it
        return f"{title} {after}" if not find_period(title) and find_period(after) and len(after) <= 20 else title
    plan_word = re.compile(r"plan|strategi|retningslin", re.IGNORECASE)
    if core_title and plan_word.search(core_title):
        return core_title
    for k, text in enumerate(cover):
        if plan_word.search(text) and len(text) <= 200 and not re.search(r"vedt[ae]", text, re.IGNORECASE):
            nxt = cover[k + 1] if k + 1 < len(cover) else ""
            if not find_period(text) and find_period(nxt) and len(nxt) <= 20:
                return f"{text} {nxt}"
            return text
    if core_title:
        return core_title
    return next((h.title for h in doc.headings()), Path(doc.name).stem)


def draft_dict(result: ExtractResult) -> dict:
    """Return the draft in the shape of docplan's plan data (gaps marked FYLL INN; nothing invented)."""
    start, end = result.period or (0, 0)
    measures = []
    for m in result.measures:
        m = dict(m)
        status = m.pop("status_text", None)
        if status and status.lower() in ("ikke startet", "pågår", "gjennomført", "utsatt", "ikkje starta", "utsett"):
            m["status"] = status.lower()
        measures.append(m)
    muni: dict = {"number": result.municipality[0], "name": result.municipality[1]} if result.municipality else \
        {"number": "FYLL INN", "name": "FYLL INN"}
    if result.adopted is not None:
        adoption = {"body": "kommunestyret", "date": result.adopted.isoformat(),
                    "status": "vedteke" if result.language == "nn" else "vedtatt"}
        if result.case_no:
            adoption["case_no"] = result.case_no
        muni["adoption"] = adoption
    plan: dict = {"id": "FYLL-INN", "title": result.title,
                  "period": {"start_year": start or "FYLL INN", "end_year": end or "FYLL INN"}}
    if result.adopted is not None:
        plan["adopted"] = result.adopted.isoformat()
    if result.case_no:
        plan["case_no"] = result.case_no
    plan["document_outline"] = result.outline
    return {
        "meta": {"schema_version": 1, "language": result.language or "nb"},
        "plan": plan,
        "municipalities": [muni],
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
    if result.language is None:
        lines.append("# Målform ikke funnet; satt til bokmål (meta.language: nb).")
    lines += [f"# Advarsel: {_one_line(w)}" for w in result.warnings]
    lines += [f"# Ikke gjenkjent: {_one_line(u)}" for u in result.unrecognised]
    text = "\n".join(lines) + "\n" + yaml.safe_dump(draft_dict(result), allow_unicode=True, sort_keys=False,
                                                    width=100)
    return write_atomic(path, text.encode("utf-8"))
