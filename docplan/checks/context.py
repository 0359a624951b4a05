"""What the rules look at: plan data and/or a document, normalised into goal and measure records.

With data, records come from the data and point at the document paragraph where the item appears
(content control or table row). Without data (a hand-written plan), records come from the document:
the measures table (found by its column headings) and text patterns such as «Tiltak 3.4»,
«delmål 2.1» and «jf. kommuneplanen kap. 4».
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from docplan.checks.docview import DocumentView, Table, read_document
from docplan.errors import Location
from docplan.reading import ONGOING

if TYPE_CHECKING:  # the data model (pydantic) is loaded only when a check has data to read
    from docplan.model import Municipality, Plan

ID = r"(?:[A-ZÆØÅ]{1,4}-)?\d+(?:\.\d+)*"
_ID_CELL = re.compile(rf"^(?:tiltak\s+)?({ID})\b\.?", re.IGNORECASE)
_ID_TOKEN = re.compile(rf"(?<![\w.-])({ID})(?![\w-])")
_GOAL_DEF = re.compile(rf"^(hovedmål|hovudmål|delmål|mål)\s+({ID})\b", re.IGNORECASE)
_MEASURE_DEF = re.compile(rf"^tiltak\s+({ID})\b", re.IGNORECASE)
_PROSE_REF = re.compile(rf"\b(tiltak|delmål|hovedmål|hovudmål)\s+(?:nr\.?\s*)?({ID})(?![\w-])", re.IGNORECASE)
_KP_PROSE = re.compile(r"kommuneplan\w*(?:\s+\w+){0,2}?,?\s+(?:kap\.?|kapittel|punkt|pkt\.?|mål)\s*(\d+(?:\.\d+)*)",
                       re.IGNORECASE)
_KP_VERSION = re.compile(r"kommuneplan\w*\s+samfunnsdel\w*[^.\d]{0,40}?((?:19|20)\d\d)\s*[–-]\s*((?:19|20)\d\d)",
                         re.IGNORECASE)
_KP_CHAPTER_WORDS = ("kap", "punkt", "pkt", "mål")  # _KP_PROSE needs one of them
_PERIOD = re.compile(r"\b((?:19|20)\d\d)\s*[–-]\s*((?:19|20)\d\d)\b")
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
_AMOUNT = re.compile(r"(\d{1,3}(?:[ \u00a0.]\d{3})+|\d+)\s*(?:kr\b|kroner|,-|NOK)", re.IGNORECASE)
_BUDGET_PROSE = re.compile(r"\b(?:samlet|samla|totalt?)\s+(?:budsjett|kostnad\w*|ramme)\b[^.\d]{0,40}?"
                           r"(\d{1,3}(?:[ \u00a0.]\d{3})+|\d+)\s*(?:kr\b|kroner)", re.IGNORECASE)

_BUDGET_WORDS = ("samlet", "samla", "total")  # _BUDGET_PROSE needs one of them
_NOT_DIGIT = re.compile(r"\D")

_COLUMNS = (
    ("id", re.compile(r"^(nr\.?|id|tiltak\s*nr\.?|tiltaksnr\.?)$")),
    ("goal", re.compile(r"^(del|hoved|hovud)?mål(?!gruppe)|målsetting")),
    ("responsible", re.compile(r"ansvar")),
    ("deadline", re.compile(r"frist|^år\b|tidsrom|tidspunkt|^når|periode|tidsplan")),
    ("cost", re.compile(r"kostnad|økonomi|budsjett|ressurs")),
    ("funding", re.compile(r"finansier")),
    ("kp", re.compile(r"kommuneplan")),
    ("title", re.compile(r"^tiltak")),
)


@dataclass
class MeasureRec:
    """A measure (*tiltak*) as the rules see it, from data or from a document row."""

    id: str
    title: str = ""
    goal_ids: list[str] = field(default_factory=list)
    responsible: str | None = None
    years: list[int] = field(default_factory=list)
    deadline: dt.date | None = None
    has_deadline: bool = False
    cost: int | None = None
    funded: int | None = None
    has_funding: bool | None = None
    kp_refs: list[str] | None = None
    status: str | None = None
    municipalities: list[str] = field(default_factory=list)
    location: Location = field(default_factory=Location)
    data_index: int | None = None
    #: the cost over the plan period (a cost «per år» once per year of the measure); what budgets are compared with
    period_cost: int | None = None


@dataclass
class GoalRec:
    """A goal: *hovedmål* (level "main") or *delmål* ("sub")."""

    id: str
    title: str
    level: str
    parent: str | None
    location: Location


@dataclass
class TextRef:
    kind: str  # "measure" | "goal"
    id: str
    paragraph: int


@dataclass
class MeasureTable:
    """A table found to be a measures table by its column headings; ``ids`` holds the measure id of
    each row after the heading row (None for a row that is not a measure, such as a sum row)."""

    table: Table
    columns: dict[str, int]
    combined_cost_funding: bool
    ids: list[str | None] = field(default_factory=list)

    def cells(self, row: list, *keys: str) -> list:
        """Return the row's cell in the column for each key (None where the table has no such column)."""
        n = len(row)
        return [row[i] if i is not None and i < n else None for i in map(self.columns.get, keys)]


@dataclass
class CheckContext:
    """Everything one check run knows; built once, read by every rule."""

    plan: Plan | None
    data_file: str | None
    positions: dict
    doc: DocumentView | None
    catalogue: list[Municipality]
    catalogue_file: str | None
    today: dt.date
    municipality: str | None
    measures: list[MeasureRec] = field(default_factory=list)
    #: the check configuration (rules read the required chapters' other names from it)
    config: object = None
    goals: list[GoalRec] = field(default_factory=list)
    measure_tables: list[MeasureTable] = field(default_factory=list)
    doc_items: dict[tuple[str, str], int] = field(default_factory=dict)
    text_refs: list[TextRef] = field(default_factory=list)
    kp_text_refs: list[tuple[str, int]] = field(default_factory=list)
    kp_version_claims: list[tuple[int, int, int]] = field(default_factory=list)
    period: tuple[int, int] | None = None
    period_location: Location = field(default_factory=Location)

    @property
    def single_municipality(self) -> str | None:
        munis = self.plan.municipalities if self.plan is not None else self.catalogue
        return munis[0].number if len(munis) == 1 and munis[0] is not None else None

    def data_location(self, path: tuple) -> Location:
        from docplan.loaders import location_for

        return location_for(path, self.positions, self.data_file or "")

    def location(self, kind: str, ident: str, data_path: tuple | None = None) -> Location:
        """Return where an item is: its paragraph in the document when it is there, else its data line."""
        para = self.doc_items.get((kind, ident))
        if para is not None and self.doc is not None:
            return self.doc.location(para)
        if data_path is not None and self.plan is not None:
            return self.data_location(data_path)
        return self.doc.location(None) if self.doc is not None else Location()

    def catalogue_plan(self) -> Plan | None:
        if not self.catalogue:
            return None
        from docplan.model import Plan

        return Plan.model_construct(municipalities=self.catalogue, goals=[], measures=[])


def parse_amount(text: str) -> int | None:
    m = _AMOUNT.search(text or "")
    return int(_NOT_DIGIT.sub("", m.group(1))) if m else None


def build_context(*, document=None, data=None, kp=None, today: dt.date | None = None,
                  municipality: str | None = None, config=None) -> CheckContext:
    """Read the inputs once and derive every record the rules use."""
    doc = document if isinstance(document, DocumentView) or document is None else read_document(document)
    plan, data_file, positions = _load_data(data)
    catalogue, catalogue_file = _load_catalogue(kp)
    if catalogue is None:
        catalogue = [m for m in plan.municipalities if m is not None] if plan is not None else []
    ctx = CheckContext(plan, data_file, positions, doc, catalogue, catalogue_file, today or dt.date.today(),
                       municipality, config=config)
    if doc is not None:
        _scan_document(ctx, doc)
    if plan is not None:
        _records_from_data(ctx, plan)
    elif doc is not None:
        _records_from_document(ctx, doc)
    return ctx


def _load_data(data) -> tuple[Plan | None, str | None, dict]:
    if data is None:
        return None, None, {}
    from docplan.model import Plan

    if isinstance(data, Plan):
        return data, None, {}
    from docplan.loaders import load_raw, validate_plan

    raw, positions = load_raw(data)
    return validate_plan(raw, positions, str(data), check_references=False), str(data), positions


def _load_catalogue(kp) -> tuple[list[Municipality] | None, str | None]:
    """Return the kommuneplan catalogue: a file in the one catalogue shape (`docplan.loaders.validate_catalogue`)."""
    if kp is None:
        return None, None
    if isinstance(kp, list):
        return kp, None
    from docplan.loaders import load_catalogue

    return load_catalogue(kp), Path(os.fspath(kp)).name


def _scan_document(ctx: CheckContext, doc: DocumentView) -> None:
    items = ctx.doc_items  # the first place an item appears; a tagged item's paragraph is read only then
    for item in doc.tagged:
        kind, ident = item.tag
        if kind in ("measure", "goal", "adoption") and (kind, ident) not in items:
            items[(kind, ident)] = item.paragraph
    for table in doc.tables:
        mt = _measure_table(table)
        if mt is None:
            continue
        ctx.measure_tables.append(mt)
        rows = table.rows[1:]
        mt.ids = [_row_id(row, mt) for row in rows]
        for row, ident in zip(rows, mt.ids):
            if ident and ("measure", ident) not in items:
                items[("measure", ident)] = row[0].first_paragraph
    # the prose patterns run on paragraph texts by number (no Paragraph objects): each only on the
    # paragraphs holding the words it cannot match without
    texts, in_table = doc.paragraphs.texts, doc.paragraphs.in_table
    # a table-of-contents line («6. Tiltak⇥7») repeats a heading: it defines and refers to nothing
    toc = doc.document.toc_paragraphs() if doc.document is not None else frozenset()
    definitions = set()
    for i in doc.indexes_containing("tiltak", "mål"):  # the goal and measure patterns need one of them
        if i in toc:
            continue
        text = texts[i]
        m = _GOAL_DEF.match(text)
        if m:
            ctx.doc_items.setdefault(("goal", m.group(2)), i)
            definitions.add(i)
        m = _MEASURE_DEF.match(text)
        if m and not in_table(i):
            ctx.doc_items.setdefault(("measure", m.group(1)), i)
            definitions.add(i)
        for m in _PROSE_REF.finditer(text):
            if m.start() == 0 and i in definitions:
                continue
            kind = "measure" if m.group(1).lower() == "tiltak" else "goal"
            ctx.text_refs.append(TextRef(kind, m.group(2), i))
    # the kommuneplan patterns need «kommuneplan» and a chapter word, or «samfunnsdel» and a year
    chapter_words = set(doc.indexes_containing(*_KP_CHAPTER_WORDS))
    with_part = set(doc.indexes_containing("samfunnsdel"))
    for i in doc.indexes_containing("kommuneplan"):
        if i in toc:
            continue
        if i in chapter_words:
            for m in _KP_PROSE.finditer(texts[i]):
                ctx.kp_text_refs.append((m.group(1), i))
        if i in with_part:
            for m in _KP_VERSION.finditer(texts[i]):
                ctx.kp_version_claims.append((int(m.group(1)), int(m.group(2)), i))
    if ctx.plan is None:
        for i, text in enumerate(texts[:40]):
            if i in toc:
                continue
            m = _PERIOD.search(text)
            if m and int(m.group(1)) <= int(m.group(2)) <= int(m.group(1)) + 12:
                ctx.period = (int(m.group(1)), int(m.group(2)))
                ctx.period_location = doc.location(i)
                break


def _measure_table(table: Table) -> MeasureTable | None:
    if len(table.rows) < 2:
        return None
    columns: dict[str, int] = {}
    combined = False
    for i, cell in enumerate(table.rows[0]):
        head = cell.text.strip().lower()
        for key, pattern in _COLUMNS:
            if key not in columns and pattern.search(head):
                columns[key] = i
                if key == "cost" and _COLUMNS[5][1].search(head):
                    combined = True
                    columns.setdefault("funding", i)
                break
    if not ({"id", "title"} & set(columns)) or not ({"goal", "responsible", "deadline"} & set(columns)):
        return None
    return MeasureTable(table, columns, combined)


def _cell(row, mt: MeasureTable, key: str):
    i = mt.columns.get(key)
    return row[i] if i is not None and i < len(row) else None


def _row_id(row, mt: MeasureTable) -> str | None:
    for key in ("id", "title"):
        cell = _cell(row, mt, key)
        if cell is not None:
            m = _ID_CELL.match(cell.text.strip())
            if m:
                return m.group(1)
            if key == "id":
                return None
    return None


_PER_YEAR = re.compile(r"(?:per|pr\.?|/)\s*år\b|\bårl[ie]g", re.IGNORECASE)


def _years_of(text: str) -> list[int]:
    """Return the years a cell names, ranges spelt out: «2024–2026, 2028» → 2024, 2025, 2026, 2028."""
    years: set[int] = set()
    for m in _PERIOD.finditer(text):
        start, end = int(m.group(1)), int(m.group(2))
        if start <= end <= start + 20:
            years.update(range(start, end + 1))
    years.update(int(y) for y in _YEAR.findall(text))
    return sorted(years)


def is_sum_row(row, mt: MeasureTable) -> bool:
    first = row[0].text.strip().lower() if row else ""
    return first.startswith(("sum", "totalt", "til sammen", "samla", "samlet"))


def _records_from_document(ctx: CheckContext, doc: DocumentView) -> None:
    for mt in ctx.measure_tables:
        combined = mt.combined_cost_funding
        for row, ident in zip(mt.table.rows[1:], mt.ids):
            if not ident:
                continue
            title, goal, resp, deadline, cost, funding, kp = mt.cells(
                row, "title", "goal", "responsible", "deadline", "cost", "funding", "kp")
            years: list[int] = []
            if deadline is not None:
                years = sorted({int(y) for y in _YEAR.findall(deadline.text)})
            amount = None
            if cost is not None:
                amount = parse_amount(next((t for t in cost.paragraphs if t), "") if combined else cost.text)
            has_funding = None
            if funding is not None:
                filled = [t for t in funding.paragraphs if t]
                has_funding = bool(filled[1:] if combined else filled)
            period_cost = amount
            if amount is not None and cost is not None and _PER_YEAR.search(cost.text):
                # «15 000 kr per år» in a row for 2024–2027 costs that much in each of those years
                counted = [y for y in _years_of(deadline.text if deadline is not None else "")
                           if ctx.period is None or ctx.period[0] <= y <= ctx.period[1]]
                period_cost = amount * max(1, len(counted))
            ctx.measures.append(MeasureRec(
                ident,
                period_cost=period_cost,
                title=title.text if title is not None else "",
                goal_ids=_ID_TOKEN.findall(goal.text) if goal is not None else ["?"],  # no goal column: cannot tell
                responsible=resp.text.strip() if resp is not None else "?",
                years=years,
                # no deadline column: cannot tell; «årlig», «løpende», «hele perioden»: every year of the plan
                has_deadline=bool(years) or bool(ONGOING.search(deadline.text)) if deadline is not None else True,
                cost=amount,
                has_funding=has_funding,
                kp_refs=([kp.text] if kp.text else []) if kp is not None else None,
                location=doc.location(row[0].first_paragraph)))
    goal_ids = {ident for (kind, ident) in ctx.doc_items if kind == "goal"}
    for (kind, ident), para in sorted(ctx.doc_items.items(), key=lambda kv: kv[1]):
        if kind != "goal":
            continue
        text = doc.paragraphs[para].text
        main = ident.upper().startswith("HM") or bool(re.match(r"^(hovedmål|hovudmål)", text, re.IGNORECASE)) \
            or ("." not in ident and "-" not in ident)
        parent = None
        if not main:
            head = ident.rsplit(".", 1)[0]
            parent = next((g for g in goal_ids if g.split("-")[-1] == head.split("-")[-1] and g != ident), None)
        ctx.goals.append(GoalRec(ident, text, "main" if main else "sub", parent, doc.location(para)))


def _records_from_data(ctx: CheckContext, plan: Plan) -> None:
    if plan.info is not None:
        ctx.period = (plan.info.period.start_year, plan.info.period.end_year)
        ctx.period_location = ctx.data_location(("plan", "period"))
    for i, g in enumerate(plan.goals):
        if g is None:
            continue
        ctx.goals.append(GoalRec(g.id, g.title, "main", None, ctx.location("goal", g.id, ("goals", i, "id"))))
        for j, s in enumerate(g.sub_goals):
            ctx.goals.append(GoalRec(s.id, s.title, "sub", g.id,
                                     ctx.location("goal", s.id, ("goals", i, "sub_goals", j, "id"))))
    for i, m in enumerate(plan.measures):
        if m is None:
            continue
        if ctx.municipality and m.scope == "lokal" and ctx.municipality not in m.municipalities:
            continue  # checking one municipality's edition: only common measures and its own local ones
        ctx.measures.append(MeasureRec(
            m.id, m.title, list(m.goal_ids), m.responsible, list(m.years), m.deadline,
            bool(m.years or m.deadline), m.cost_nok, m.funded_nok, bool(m.funding), list(m.kp_refs), m.status,
            list(m.municipalities), ctx.location("measure", m.id, ("measures", i, "id")), i,
            period_cost=m.cost_in_period(plan.info.period) if plan.info is not None else m.cost_nok))
