"""The årsrapport: how far the plan came in one year, for the municipality's årsmelding.

`build_report` reads the plan's yearly measure reports (`docplan.model.MeasureReport`), planned costs
(`docplan.model.Measure.cost_by_year`) and indicator values (`docplan.model.Indicator.value_for`) into an
`AnnualReport`: per hovedmål a table of its measures, its indicators against baseline and target,
counts per status, the measures past their deadline, money spent against planned, and a short summary.
It is written as a Word document (`to_docx`, with the project's OOXML builder), a workbook (`to_xlsx`) or
JSON (`to_dict`), and inserted into a planner's own årsmelding as one content control tagged
``docplan:report:<year>`` (``docplan:report:<year>:<kommunenummer>`` for one municipality), which
`docplan.refresh` keeps current::

    report = build_report(plan, 2025, municipality="3427")
    Path("rapport.docx").write_bytes(to_docx(report))

Which measures a year's report lists: every measure (of the municipality, with ``municipality``) except
one closed before the year — its newest earlier report says «gjennomført» or «avsluttet», or it has no
reports, a finished status and only earlier years — and that has no report for the year.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import asdict, dataclass, field
from typing import Any, Mapping

from docplan.economy import main_goal_of
from docplan.errors import InputError
from docplan.formatting import canonical_value, display_value, format_nok
from docplan.i18n import N_, _, format_date, format_number, language, ngettext, translate
from docplan.model import FINISHED_STATUSES, Goal, Indicator, Measure, Plan, SubGoal
from docplan.ooxml import build as b
from docplan.tags import format_tag

#: The statuses in the order the report counts them; «ikke rapportert» is a measure without a report for the year.
NOT_REPORTED = "ikke rapportert"
STATUS_ORDER = ("gjennomført", "pågår", "ikke startet", "utsatt", "avsluttet", NOT_REPORTED)
_FINISHED = {canonical_value(s) for s in FINISHED_STATUSES}

#: Column widths (twips) of the report's tables: an A4 portrait page with 2.5 cm margins holds 9 070.
_MEASURE_WIDTHS = (650, 1570, 850, 1150, 1650, 1100, 1100, 1000)
_INDICATOR_WIDTHS = (800, 2720, 1450, 1300, 1300, 1500)
_COUNT_WIDTHS = (4000, 2000)
_MONEY_WIDTHS = (4070, 1500, 1500)
_OVERDUE_WIDTHS = (800, 3620, 1500, 1650)
_TABLE_TEXT_SIZE = 18  # 9 pt, set directly when the document has no table text style


# -- the report as data ------------------------------------------------------------------------------
@dataclass
class MeasureLine:
    """One measure in the year's report: its report for the year (None fields when not reported)."""

    id: str
    title: str
    goal_ids: list[str]
    responsible: str | None
    #: the status of the year's report, in bokmål as the data's fixed list («ikke startet» …), or «ikke rapportert»
    status: str
    done: str | None
    spent_nok: int | None
    planned_nok: int
    comment: str | None
    deadline: dt.date | None
    past_deadline: bool


@dataclass
class IndicatorLine:
    """A goal's indicator: the year's value against the baseline, the target and the year before."""

    goal_id: str
    goal_title: str
    name: str
    baseline: str | None
    baseline_year: int | None
    target: str | None
    target_year: int | None
    value: str | None
    previous_value: str | None


class _Money:
    """Spent and planned over ``measures`` (a section's, or the whole report's)."""

    measures: list[MeasureLine]

    @property
    def spent_nok(self) -> int:
        return sum(m.spent_nok or 0 for m in self.measures)

    @property
    def planned_nok(self) -> int:
        return sum(m.planned_nok for m in self.measures)


@dataclass
class GoalSection(_Money):
    """One hovedmål: its indicators (its own and its delmål's) and its measures (``id`` None: without a goal)."""

    id: str | None
    title: str | None
    indicators: list[IndicatorLine] = field(default_factory=list)
    measures: list[MeasureLine] = field(default_factory=list)


@dataclass
class AnnualReport(_Money):
    """The årsrapport of one year (for one municipality with ``municipality``), written in ``language``."""

    plan_id: str
    plan_title: str
    year: int
    language: str
    municipality: tuple[str, str] | None
    sections: list[GoalSection]

    @property
    def measures(self) -> list[MeasureLine]:
        return [m for s in self.sections for m in s.measures]

    @property
    def indicators(self) -> list[IndicatorLine]:
        return [i for s in self.sections for i in s.indicators]

    @property
    def counts(self) -> dict[str, int]:
        """Return the number of measures per status (every status of `STATUS_ORDER`, zeros included)."""
        out = {s: 0 for s in STATUS_ORDER}
        for m in self.measures:
            out[m.status] = out.get(m.status, 0) + 1
        return out

    @property
    def past_deadline(self) -> list[MeasureLine]:
        return [m for m in self.measures if m.past_deadline]

    @property
    def title(self) -> str:
        with language(self.language):
            return _("Årsrapport {year} – {title}").format(year=self.year, title=self.plan_title)

    @property
    def tag(self) -> str:
        """Return the tag of the report as an item of a planner's document."""
        ident = f"{self.year}:{self.municipality[0]}" if self.municipality else str(self.year)
        return format_tag("report", ident)

    def summary(self) -> str:
        """Return the generated summary paragraph in the report's language."""
        with language(self.language):
            return _summary(self)

    def to_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready data: stable keys, numbers as numbers, statuses in bokmål
        (with ``status_label`` as the report's language writes them)."""
        with language(self.language):
            def measure(m: MeasureLine) -> dict:
                d = asdict(m)
                d["deadline"] = m.deadline.isoformat() if m.deadline else None
                d["status_label"] = status_label(m.status)
                return d

            return {
                "plan": {"id": self.plan_id, "title": self.plan_title},
                "year": self.year,
                "language": self.language,
                "municipality": ({"number": self.municipality[0], "name": self.municipality[1]}
                                 if self.municipality else None),
                "title": self.title,
                "summary": self.summary(),
                "counts": [{"status": s, "status_label": status_label(s), "count": n} for s, n in self.counts.items()],
                "total_measures": len(self.measures),
                "spent_nok": self.spent_nok,
                "planned_nok": self.planned_nok,
                "goals": [{"id": s.id, "title": s.title, "spent_nok": s.spent_nok, "planned_nok": s.planned_nok,
                           "indicators": [asdict(i) for i in s.indicators],
                           "measures": [measure(m) for m in s.measures]} for s in self.sections],
                "past_deadline": [m.id for m in self.past_deadline],
            }


def status_label(status: str, lang: str | None = None) -> str:
    """Return a report status as the reader reads it («ikke rapportert» → nn «ikkje rapportert»)."""
    if status == NOT_REPORTED:
        return translate(N_("ikke rapportert"), lang)
    return display_value(status, lang)


# -- building ----------------------------------------------------------------------------------------
def _finished_before(m: Measure, year: int) -> bool:
    earlier = [r for r in m.reports if r.year < year]
    if earlier:
        return canonical_value(earlier[-1].status) in _FINISHED
    if not m.reports:
        return m.finished and bool(m.years) and max(m.years) < year
    return False


def _finished_by(m: Measure, year: int) -> bool:
    """Whether the measure was finished at the end of ``year``: its newest report up to then says so (a
    measure without any reports: its status)."""
    upto = [r for r in m.reports if r.year <= year]
    if upto:
        return canonical_value(upto[-1].status) in _FINISHED
    return not m.reports and m.finished


def _measure_line(plan: Plan, m: Measure, year: int) -> MeasureLine:
    report = m.report_for(year)
    status = canonical_value(report.status) if report is not None else NOT_REPORTED
    past = m.deadline is not None and m.deadline <= dt.date(year, 12, 31) and not _finished_by(m, year)
    return MeasureLine(
        id=m.id, title=m.title, goal_ids=list(m.goal_ids), responsible=m.responsible, status=status,
        done=report.done if report else None, spent_nok=report.spent_nok if report else None,
        planned_nok=m.cost_by_year(plan.info.period).get(year, 0), comment=report.comment if report else None,
        deadline=m.deadline, past_deadline=past)


def _indicator_line(goal: Goal | SubGoal, ind: Indicator, year: int) -> IndicatorLine:
    now, before = ind.value_for(year), ind.value_for(year - 1)
    return IndicatorLine(goal_id=goal.id, goal_title=goal.title, name=ind.name, baseline=ind.baseline,
                         baseline_year=ind.baseline_year, target=ind.target, target_year=ind.target_year,
                         value=now.value if now else None, previous_value=before.value if before else None)


def build_report(plan: Plan, year: int, *, municipality: str | None = None, lang: str | None = None) -> AnnualReport:
    """Return the årsrapport of ``year``: all measures, or those that apply in ``municipality`` (common ones
    and its local ones, as `docplan.model.Plan.measures_for`). Raise `InputError` for a municipality the plan
    does not have."""
    muni = None
    if municipality is not None:
        found = plan.municipality(municipality)
        if found is None:
            raise InputError(_("kommune {number} er ikke med i planen").format(number=municipality),
                             code="unknown_municipality")
        muni = (found.number, found.name)
    measures = plan.measures_for(municipality) if municipality else list(plan.measures)
    sections = {g.id: GoalSection(g.id, g.title) for g in plan.goals}
    for g in plan.goals:
        for goal in (g, *g.sub_goals):
            if goal.indicator is not None:
                sections[g.id].indicators.append(_indicator_line(goal, goal.indicator, year))
    without_goal = GoalSection(None, None)
    for m in measures:
        if m.report_for(year) is None and _finished_before(m, year):
            continue
        goal = main_goal_of(plan, m)
        (sections[goal.id] if goal is not None else without_goal).measures.append(_measure_line(plan, m, year))
    out = list(sections.values()) + ([without_goal] if without_goal.measures else [])
    return AnnualReport(plan_id=plan.info.id, plan_title=plan.info.title, year=year,
                        language=lang or plan.language, municipality=muni, sections=out)


# -- words ------------------------------------------------------------------------------------------
def _nok(amount: int | None) -> str:
    return "–" if amount is None else format_nok(amount)


def _amount(amount: int | None) -> str:
    """Return an amount for a table column whose header names the unit (kr): «–» when not given."""
    return "–" if amount is None else format_number(amount)


def _join(parts: list[str]) -> str:
    if len(parts) < 2:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " " + _("og") + " " + parts[-1]


def _summary(r: AnnualReport) -> str:
    n = len(r.measures)
    if not n:
        return _("Det er ingen tiltak å rapportere på for {year}.").format(year=r.year)
    parts = [f"{count} {status_label(status)}" for status, count in r.counts.items() if count]
    out = [ngettext("Av {n} tiltak er {parts}.", "Av {n} tiltak er {parts}.", n).format(n=n, parts=_join(parts))]
    late = len(r.past_deadline)
    if late:
        out.append(ngettext("{n} tiltak har passert fristen uten å være fullført.",
                            "{n} tiltak har passert fristen uten å være fullført.", late).format(n=late))
    out.append(_("Brukt {spent} av planlagt {planned}.").format(spent=_nok(r.spent_nok), planned=_nok(r.planned_nok)))
    missing = sum(1 for i in r.indicators if i.value is None)
    if missing:
        out.append(ngettext("{n} indikator mangler tall for {year}.", "{n} indikatorer mangler tall for {year}.",
                            missing).format(n=missing, year=r.year))
    return " ".join(out)


def _section_title(s: GoalSection) -> str:
    return f"{s.id} {s.title}" if s.id else _("Tiltak uten mål")


def _value(text: str | None, year: int | None = None) -> str:
    if not text:
        return "–"
    return f"{text} ({year})" if year else text


# -- Word -----------------------------------------------------------------------------------------------
_DEFAULT_STYLES: dict[str, str | None] = {"heading1": "Heading1", "heading2": "Heading2", "heading3": "Heading3",
                                          "normal": None, "table": "TableGrid", "table_text": None}
_HEADING_SIZE = {1: 32, 2: 28, 3: 24}


def _heading(level: int, text: str, st: Mapping[str, str | None]) -> str:
    style = st.get(f"heading{level}")
    if style:
        return b.para(style, [b.run(text)])
    return b.para(None, [b.run(text, bold=True, size=_HEADING_SIZE[level])], outline=level - 1)


def _body(text: str, st: Mapping[str, str | None]) -> str:
    return b.para(st.get("body") or st.get("normal"), [b.run(text)])


def _table(widths: tuple[int, ...], header: list[str], rows: list[list[str]], st: Mapping[str, str | None],
           total: list[str] | None = None) -> str:
    """Return a ``w:tbl``: a bold header row that repeats on every page, rows that do not split, a bold last row."""
    start = b.table_start(widths, st.get("table"))
    ts = st.get("table_text") or st.get("normal")
    size = None if st.get("table_text") else _TABLE_TEXT_SIZE

    def tr(cells: list[str], *, bold: bool = False, header: bool = False) -> str:
        return b.row([b.cell(w, [b.para(ts, [b.run(text, bold=bold, size=size)] if text else [])])
                      for w, text in zip(widths, cells)], header=header)

    body = "".join(tr(r) for r in rows) + (tr(total, bold=True) if total else "")
    return f"<w:tbl>{start}{tr(header, bold=True, header=True)}{body}</w:tbl>"


def report_xml(r: AnnualReport, styles: Mapping[str, str | None] | None = None, *, level: int = 1) -> list[str]:
    """Return the report's blocks (paragraphs and tables) as WordprocessingML text: the title as a heading of
    ``level``, its sections one level below; ``styles`` maps roles to the document's style ids."""
    st = _DEFAULT_STYLES if styles is None else styles
    sub = min(level + 1, 3)
    with language(r.language):
        out = [_heading(level, r.title, st)]
        if r.municipality:
            out.append(_body(_("Gjelder {name} kommune ({number}): felles tiltak og kommunens egne tiltak.").format(
                name=r.municipality[1], number=r.municipality[0]), st))
        out.append(_body(r.summary(), st))

        out.append(_heading(sub, _("Status for tiltakene"), st))
        counts = r.counts
        out.append(_table(_COUNT_WIDTHS, [_("Status"), _("Antall tiltak")],
                          [[status_label(s), format_number(n)] for s, n in counts.items()], st,
                          total=[_("Sum"), format_number(sum(counts.values()))]))
        out.append(_body("", st))
        out.append(_table(_MONEY_WIDTHS, [_("Hovedmål"), _("Planlagt {year} (kr)").format(year=r.year),
                                          _("Brukt (kr)")],
                          [[_section_title(s), _amount(s.planned_nok), _amount(s.spent_nok)] for s in r.sections], st,
                          total=[_("Sum"), _amount(r.planned_nok), _amount(r.spent_nok)]))

        measure_head = [_("Nr."), _("Tiltak"), _("Delmål"), _("Status"), _("Hva ble gjort"), _("Brukt (kr)"),
                        _("Planlagt (kr)"), _("Kommentar")]
        indicator_head = [_("Mål"), _("Indikator"), _("Utgangsverdi"), str(r.year - 1), str(r.year), _("Mål")]
        for s in r.sections:
            out.append(_heading(sub, _section_title(s), st))
            if s.indicators:
                out.append(_table(_INDICATOR_WIDTHS, indicator_head,
                                  [[i.goal_id, i.name, _value(i.baseline, i.baseline_year), _value(i.previous_value),
                                    _value(i.value), _value(i.target, i.target_year)] for i in s.indicators], st))
                out.append(_body("", st))
            if s.measures:
                out.append(_table(_MEASURE_WIDTHS, measure_head,
                                  [[m.id, m.title, ", ".join(m.goal_ids), status_label(m.status), m.done or "",
                                    _amount(m.spent_nok), _amount(m.planned_nok), m.comment or ""]
                                   for m in s.measures],
                                  st, total=[_("Sum"), "", "", "", "", _amount(s.spent_nok), _amount(s.planned_nok), ""]))
            else:
                out.append(_body(_("Ingen tiltak under dette målet i {year}.").format(year=r.year), st))

        out.append(_heading(sub, _("Tiltak som har passert fristen"), st))
        late = r.past_deadline
        if late:
            out.append(_table(_OVERDUE_WIDTHS, [_("Nr."), _("Tiltak"), _("Frist"), _("Status")],
                              [[m.id, m.title, format_date(m.deadline) if m.deadline else "", status_label(m.status)]
                               for m in late], st))
        else:
            out.append(_body(_("Ingen tiltak har passert fristen uten å være fullført."), st))
    return out


def report_block(r: AnnualReport, styles: Mapping[str, str | None] | None = None, *, level: int = 2) -> str:
    """Return the report as one content control tagged ``docplan:report:<year>[:<kommunenummer>]`` (XML text),
    for a planner's årsmelding: the title a heading of ``level`` (2: under the årsmelding's chapter)."""
    with language(r.language):
        alias = _("Årsrapport {year}").format(year=r.year)
    return b.sdt(r.tag, alias, "".join(report_xml(r, styles, level=level)))


def parse_report_id(ident: str) -> tuple[int, str | None] | None:
    """Return (year, kommunenummer or None) of a report tag's id (``2025`` or ``2025:3427``), or None."""
    year, _sep, number = ident.partition(":")
    if not year.isdigit() or len(year) != 4 or (number and not (number.isdigit() and len(number) == 4)):
        return None
    return int(year), number or None


def to_docx(r: AnnualReport) -> bytes:
    """Return the report as a Word document: Heading styles, tables whose header row repeats on each page,
    the document language nb-NO or nn-NO and the title in the document properties."""
    import docx
    from docx.oxml.ns import qn as docx_qn
    from docx.shared import Mm

    from docplan.document import PlanDocument
    from docplan.ooxml import tree
    from docplan.refresh import document_styles

    lang_tag = "nn-NO" if r.language == "nn" else "nb-NO"
    base = docx.Document()
    b.mend_zoom(base.settings.element)
    b.set_default_language(base.styles.element, lang_tag)
    base.core_properties.title = r.title
    base.core_properties.language = lang_tag
    section = base.sections[0]  # A4 with 2.5 cm margins: the tables' width (python-docx starts from Letter)
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    for p in list(base.element.body.iterchildren(docx_qn("w:p"))):
        base.element.body.remove(p)
    buf = io.BytesIO()
    base.save(buf)

    doc = PlanDocument.open(buf.getvalue(), name="årsrapport")
    body = doc.body
    index = tree.end_of_body(body)
    for el in b.elements(*report_xml(r, document_styles(doc), level=1)):
        body.insert(index, el)
        index += 1
    doc.mark_changed(doc.main_part)
    return doc.to_bytes()


# -- Excel and JSON -------------------------------------------------------------------------------------
def to_xlsx(r: AnnualReport) -> bytes:
    """Return the report as a workbook: a sheet with every measure and one with the counts and summary
    (frozen bold header rows; amounts as numbers)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    with language(r.language):
        wb = Workbook()
        ws = wb.active
        ws.title = _("Tiltak")
        head = [_("Hovedmål"), _("Nr."), _("Tiltak"), _("Delmål"), _("Ansvarlig"), _("Status"), _("Hva ble gjort"),
                _("Brukt (kr)"), _("Planlagt (kr)"), _("Kommentar"), _("Frist"), _("Passert fristen")]
        ws.append(head)
        for s in r.sections:
            for m in s.measures:
                # empty cells rather than empty texts: a filter or a count sees «no value»
                ws.append([s.id, m.id, m.title, ", ".join(m.goal_ids) or None, m.responsible, status_label(m.status),
                           m.done, m.spent_nok, m.planned_nok, m.comment, m.deadline,
                           _("ja") if m.past_deadline else _("nei")])
        for row in ws.iter_rows(min_row=2):
            row[10].number_format = "DD.MM.YYYY"
            for c in (row[7], row[8]):
                c.number_format = "#,##0"
            for c in row:
                c.alignment = Alignment(wrap_text=True, vertical="top")
        for col, width in zip("ABCDEFGHIJKL", (9, 7, 40, 10, 28, 14, 40, 12, 12, 40, 11, 10)):
            ws.column_dimensions[col].width = width

        summary = wb.create_sheet(_("Sammendrag"))
        summary.append([_("Status"), _("Antall tiltak")])
        for status, n in r.counts.items():
            summary.append([status_label(status), n])
        summary.append([_("Sum"), len(r.measures)])
        summary.append([])
        summary.append([_("Planlagt {year} (kr)").format(year=r.year), r.planned_nok])
        summary.append([_("Brukt (kr)"), r.spent_nok])
        summary.append([_("Passert fristen"), len(r.past_deadline)])
        summary.append([])
        summary.append([_("Sammendrag"), r.summary()])
        summary.column_dimensions["A"].width = 24
        summary.column_dimensions["B"].width = 90

        values = wb.create_sheet(_("Indikatorer"))
        values.append([_("Mål"), _("Indikator"), _("Utgangsverdi"), _("År for utgangsverdi"), str(r.year - 1),
                       str(r.year), _("Mål"), _("Målår")])
        for i in r.indicators:
            values.append([i.goal_id, i.name, i.baseline, i.baseline_year, i.previous_value, i.value, i.target,
                           i.target_year])
        for sheet in (ws, summary, values):
            sheet.freeze_panes = "A2"
            for c in sheet[1]:
                c.font = Font(bold=True)
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()


def to_json(r: AnnualReport) -> bytes:
    """Return the report as JSON (UTF-8, stable keys, numbers as numbers)."""
    return (json.dumps(r.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


WRITERS = {".docx": to_docx, ".xlsx": to_xlsx, ".json": to_json}

__all__ = ["AnnualReport", "GoalSection", "IndicatorLine", "MeasureLine", "NOT_REPORTED", "STATUS_ORDER", "WRITERS",
           "build_report", "parse_report_id", "report_block", "report_xml", "status_label", "to_docx", "to_json",
           "to_xlsx"]
