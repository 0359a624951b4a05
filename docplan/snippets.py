"""Pure builders of the content docplan puts into a planner's document, from the plan data.

Each builder returns fresh content controls (``w:sdt`` tagged ``docplan:<kind>:<id>``) and reads
nothing but the plan. The insert and refresh engines place them; the add-in server sends them to
Word's ``insertOoxml`` wrapped by `flat_opc`. `build` returns an item in a given `Shape`, so a
replacement always has the shape of the control it replaces.

Styles: ``styles`` maps a role (`docplan.ooxml.styles.ROLES`) to the target document's own style id
(`docplan.ooxml.styles.StyleSheet.roles`), plus «body»: the style of the document's own body text
(`body_style`, e.g. «Brødtekst Skaun»), used for body paragraphs when given. A role that maps to None is
formatted directly instead (table text in 9 pt), so no style definition is ever added to a planner's document.
"""

from __future__ import annotations

import functools
from typing import Iterable, Mapping

from docplan.model import Goal, Measure, Plan, SubGoal
from docplan.ooxml import build as b
from docplan.ooxml.flatopc import to_flat_opc
from docplan.ooxml.ns import NSMAP, qn
from docplan.ooxml.parser import Element, make_element, sub_element
from docplan.ooxml.sdt import Shape
from docplan.ooxml.styles import ROLES, StyleSheet
from docplan.formatting import (display_value, format_date, format_funding, format_nok, format_with_year,
                                format_years, kp_label, kp_short_text)
from docplan.i18n import translate
from docplan.tags import Tag, format_tag

Styles = Mapping[str, "str | None"]

#: Style ids of a default Word document, used when no styles part is given (e.g. for ``insertOoxml``).
DEFAULT_STYLES: dict[str, str | None] = {
    "heading1": "Heading1", "heading2": "Heading2", "heading3": "Heading3", "normal": None,
    "table": "TableGrid", "table_text": None, "quote": "Quote", "list": None,
}

@functools.lru_cache(maxsize=4)
def _t(lang: str) -> dict:
    """Return the words snippets write, in ``lang`` (the same words the standard templates use); one table per
    målform, shared: read it, never change it."""
    return {
        "goal_alias": translate("Mål", lang), "measure_alias": translate("Tiltak", lang),
        "table_alias": translate("Tiltaksplan", lang), "kp_alias": translate("Kommuneplan", lang),
        "quote_alias": translate("Kommuneplan – sitat", lang), "indicator": translate("Indikator", lang),
        "from": translate("fra", lang), "to": translate("til", lang),
        "kp_link": translate("Kobling til kommuneplanen: ", lang), "applies_to": translate("Gjelder", lang),
        "deadline": translate("Frist", lang), "sum": translate("Sum for planperioden", lang),
        "responsible": translate("Ansvarlig", lang), "partners": translate("Samarbeidspartnere", lang),
        "years": translate("År", lang), "cost": translate("Kostnad", lang),
        "funding": translate("Finansiering", lang), "status": translate("Status", lang),
        "goals": translate("Delmål", lang), "target_group": translate("Målgruppe", lang),
        "kp_list": translate("Henvisninger til kommuneplanen i tabellen:", lang),
        "measure_head": [translate("Nr.", lang), translate("Tiltak", lang), translate("Delmål", lang),
                         translate("Ansvarlig", lang), translate("Samarbeidspartnere", lang),
                         translate("År og frist", lang), translate("Kostnad og finansiering", lang),
                         translate("Status", lang), translate("Kommuneplan", lang)],
    }


#: Column widths of the measure table in centimetres (as in the standard template): wide enough on an A4
#: landscape page (1.5 cm margins) for every header word in both målformer, also in a wide fallback font.
COLUMNS_CM = (1.2, 5.6, 1.7, 3.0, 4.3, 2.2, 3.1, 2.4, 3.2)
#: The text width the measure table is made for: A4 landscape with 1.5 cm margins, in twips.
TABLE_TWIPS = round(sum(COLUMNS_CM) * 1440 / 2.54)
_HEADING_SIZE = {1: 32, 2: 28, 3: 24}  # half-points, only when the document has no heading style


def resolve_styles(styles_part_root: Element | None) -> dict[str, str | None]:
    """Map each role to the document's own style id (`StyleSheet.roles`)."""
    return StyleSheet(styles_part_root).roles()


def body_style(paragraphs: Iterable[tuple[str, str | None]], sheet: StyleSheet) -> str | None:
    """Return the paragraph style most of the document's own body text uses (e.g. «Brødtekst Skaun»), or None.

    ``paragraphs`` are (text, style id) of the body's own paragraphs (not in tables or docplan's controls).
    Counted over those with text, leaving out headings, lists and styles for titles, quotes, captions and
    tables of contents; a paragraph without a style counts as the default paragraph style.
    """
    counts: dict[str | None, int] = {}
    default = sheet.default_paragraph_style()
    body_text: dict[str | None, bool] = {None: True}  # style id → whether it can be body text (decided once)
    for text, sid in paragraphs:
        if not text:
            continue
        sid = sid or default
        fit = body_text.get(sid)
        if fit is None:
            name = sheet.name(sid).casefold()
            fit = body_text[sid] = sheet.heading_level(sid) is None and sheet.numbering(sid) is None and not (
                name.startswith(_NOT_BODY_STYLES) or sid.casefold().startswith(_NOT_BODY_STYLES))
        if fit:
            counts[sid] = counts.get(sid, 0) + 1
    if not counts:
        return None
    return max(counts, key=counts.__getitem__)  # the first seen wins a tie


#: Style names (English or Norwegian, lower case) that mark paragraphs other than body text.
_NOT_BODY_STYLES = ("title", "tittel", "subtitle", "undertittel", "quote", "sitat", "intense quote", "sterkt sitat",
                    "caption", "bildetekst", "toc", "innhold", "list", "liste", "header", "topptekst", "footer",
                    "bunntekst", "footnote", "fotnote", "heading", "overskrift", "no spacing", "ingen mellomrom")


def _styles(styles: Styles | None) -> Mapping[str, str | None]:
    return DEFAULT_STYLES if styles is None else styles


def _lang(plan: Plan, lang: str | None) -> str:
    return lang or plan.language or "nb"


def _heading(level: int, text: str, styles: Mapping[str, str | None]) -> str:
    style = styles.get(f"heading{level}")
    if style:
        return b.para(style, [b.run(text)])
    return b.para(None, [b.run(text, bold=True, size=_HEADING_SIZE[level])], outline=level - 1)


def _body(styles: Mapping[str, str | None]) -> str | None:
    """Return the style of body text: the document's own body style (role «body»), else its normal style."""
    return styles.get("body") or styles.get("normal")


def _text_para(text: str, styles: Mapping[str, str | None], role: str = "body", **run_kw) -> str:
    return b.para(_body(styles) if role == "body" else styles.get(role), [b.run(text, **run_kw)])


# -- KP references ---------------------------------------------------------------------------------
def _kp_ref(plan: Plan, ref: str, lg: str) -> str:
    return b.sdt(format_tag("kp-ref", ref), f"{_t(lg)['kp_alias']} {ref}", b.run(kp_short_text(plan, ref, lg)))


def kp_ref_run(plan: Plan, ref: str, styles: Styles | None = None, lang: str | None = None) -> Element:
    """Return an inline ``w:sdt`` tagged ``docplan:kp-ref:<ref>`` holding the short form.

    The short form is `docplan.render.kp_short_text`, e.g. «jf. kommuneplanens samfunnsdel, KP-3.2 Folkehelse».
    """
    return b.elements(_kp_ref(plan, ref, _lang(plan, lang)))[0]


def kp_quote_text(plan: Plan, ref: str, lang: str | None = None) -> str:
    """Return the text of a KP quote block: the item's id, title and text, or a «missing» note."""
    lg = _lang(plan, lang)
    resolved = plan.resolve_kp_ref(ref)
    if resolved is None:
        return translate("{ref} (finnes ikke i kommuneplanen)", lg).format(ref=ref)
    item = resolved.item
    return f"{item.id} {item.title}" + (f": {item.text}" if item.text else "")


def kp_quote_block(plan: Plan, ref: str, styles: Styles | None = None, lang: str | None = None) -> Element:
    """Return a block ``w:sdt`` tagged ``docplan:kp-quote:<ref>``: the KP item's text, then its source."""
    lg = _lang(plan, lang)
    st = _styles(styles)
    resolved = plan.resolve_kp_ref(ref)
    quote_style = st.get("quote")
    indent = None if quote_style else 567
    paras = [b.para(quote_style, [b.run(kp_quote_text(plan, ref, lg), italic=not quote_style)], indent=indent)]
    if resolved is not None:
        mp = resolved.master_plan
        source = mp.plan_name + (f" ({format_date(mp.adopted)})" if mp.adopted else "")
        paras.append(b.para(quote_style, [b.run("– " + source, italic=not quote_style)], indent=indent))
    return b.elements(b.sdt(format_tag("kp-quote", ref), f"{_t(lg)['quote_alias']} {ref}", "".join(paras)))[0]


def refs_in_scope(plan: Plan, refs: Iterable[str], scope: str | None) -> list[str]:
    """Return the kommuneplan references of ``refs`` that belong to ``scope`` (a kommunenummer; None or
    "all": every one). A municipality's edition, and what the add-in gives a municipality, show only its
    own kommuneplan."""
    refs = list(refs)
    if not scope or scope == "all":
        return refs
    single = plan.municipalities[0].number if len(plan.municipalities) == 1 else None
    return [r for r in refs if r.split(":", 1)[0] == scope or (":" not in r and single == scope)]


def _kp_runs(plan: Plan, refs: list[str], lg: str) -> list[str]:
    out: list[str] = []
    for i, ref in enumerate(refs):
        if i:
            out.append(b.run("; "))
        out.append(_kp_ref(plan, ref, lg))
    return out


def _kp_link_para(plan: Plan, refs: list[str], st: Mapping[str, str | None], lg: str) -> str:
    return b.para(_body(st), [b.run(_t(lg)["kp_link"]), *_kp_runs(plan, refs, lg)])


# -- goals -----------------------------------------------------------------------------------------
def _goal_sdt(plan: Plan, goal: Goal | SubGoal, level: int, st: Mapping[str, str | None], lg: str,
              scope: str | None = None) -> str:
    t = _t(lg)
    paras = [_heading(level, f"{goal.id} {goal.title}", st)]
    if goal.text:
        paras.append(_text_para(goal.text, st))
    ind = goal.indicator
    if ind is not None:
        line = f"{t['indicator']}: {ind.name}"
        if ind.baseline or ind.target:
            line += (f", {t['from']} {format_with_year(ind.baseline, ind.baseline_year)}"
                     f" {t['to']} {format_with_year(ind.target, ind.target_year)}")
        paras.append(_text_para(line + ".", st))
    refs = refs_in_scope(plan, goal.kp_refs, scope)
    if refs:
        paras.append(_kp_link_para(plan, refs, st, lg))
    return b.sdt(format_tag("goal", goal.id), f"{t['goal_alias']} {goal.id}", "".join(paras))


def goal_block(plan: Plan, goal_id: str, styles: Styles | None = None, lang: str | None = None, *,
               sub_goals: bool = True, level: int | None = None, scope: str | None = None) -> list[Element]:
    """Return block ``w:sdt`` controls tagged ``docplan:goal:<id>``: the goal, then each sub-goal's own.

    A main goal (hovedmål) gets a level-2 heading, a sub-goal (delmål) level 3. Raises KeyError for an
    unknown id. ``scope`` (a kommunenummer) keeps only that municipality's kommuneplan references.
    """
    goal = plan.goal(goal_id)
    if goal is None:
        raise KeyError(goal_id)
    lg, st = _lang(plan, lang), _styles(styles)
    main_level = level or (2 if isinstance(goal, Goal) else 3)
    out = [_goal_sdt(plan, goal, main_level, st, lg, scope)]
    if sub_goals and isinstance(goal, Goal):
        out += [_goal_sdt(plan, sub, min(main_level + 1, 3), st, lg, scope) for sub in goal.sub_goals]
    return b.elements(*out)


# -- measures --------------------------------------------------------------------------------------
def _measure(plan: Plan, measure_id: str) -> Measure:
    m = next((m for m in plan.measures if m.id == measure_id), None)
    if m is None:
        raise KeyError(measure_id)
    return m


def _names(plan: Plan, numbers: list[str]) -> str:
    return ", ".join((m.name if (m := plan.municipality(n)) else n) for n in numbers)


def _cost(m: Measure, lg: str) -> str:
    return " ".join(x for x in (format_nok(m.cost_nok), display_value(m.cost_basis, lg)) if x)


def measure_block(plan: Plan, measure_id: str, styles: Styles | None = None, lang: str | None = None, *,
                  level: int = 3, scope: str | None = None) -> list[Element]:
    """Return ``[w:sdt]`` tagged ``docplan:measure:<id>``: a heading, the text and the measure's facts."""
    m = _measure(plan, measure_id)
    lg, st = _lang(plan, lang), _styles(styles)
    t = _t(lg)
    paras = [_heading(level, f"{m.id} {m.title}", st)]
    if m.text:
        paras.append(_text_para(m.text, st))
    facts = [
        (t["applies_to"], _names(plan, m.municipalities) if m.scope == "lokal" else ""),
        (t["goals"], ", ".join(m.goal_ids)),
        (t["target_group"], m.target_group or ""),
        (t["responsible"], m.responsible or ""),
        (t["partners"], ", ".join(m.partners)),
        (t["years"], format_years(m.years)),
        (t["deadline"], format_date(m.deadline)),
        (t["cost"], _cost(m, lg)),
        (t["funding"], format_funding(m.funding, lg, plan)),
        (t["status"], display_value(m.status, lg)),
        (t["indicator"], m.indicator or ""),
    ]
    for label, value in facts:
        if value:
            paras.append(b.para(_body(st), [b.run(f"{label}: ", bold=True), b.run(value)]))
    refs = refs_in_scope(plan, m.kp_refs, scope)
    if refs:
        paras.append(_kp_link_para(plan, refs, st, lg))
    return b.elements(b.sdt(format_tag("measure", m.id), f"{t['measure_alias']} {m.id}", "".join(paras)))


def _table_size(st: Mapping[str, str | None]) -> int | None:
    """Return the text size (half-points) of table cells: 9 pt set directly when the document has no table
    text style of its own (its body text is too large for nine columns)."""
    return None if st.get("table_text") else 18


def _widths(total: int = TABLE_TWIPS) -> list[int]:
    """Return the measure table's column widths in twips for a table ``total`` twips wide."""
    cm = sum(COLUMNS_CM)
    widths = [int(total * c / cm) for c in COLUMNS_CM]
    widths[1] += total - sum(widths)  # the Tiltak column takes the rounding
    return widths


def _measure_row(plan: Plan, m: Measure, st: Mapping[str, str | None], lg: str, scope: str | None = None) -> str:
    t = _t(lg)
    ts = st.get("table_text") or st.get("normal")
    size = _table_size(st)

    def p(text: str, **kw) -> str:
        return b.para(ts, [b.run(text, size=size, **kw)] if text else [])

    title = [p(m.title, bold=True)]
    if m.text:
        title.append(p(m.text))
    if m.target_group:
        title.append(p(f"{t['target_group']}: {m.target_group}"))
    if m.indicator:
        title.append(p(f"{t['indicator']}: {m.indicator}"))
    if m.scope == "lokal":
        title.append(p(f"{t['applies_to']}: {_names(plan, m.municipalities)}", italic=True))
    years = [p(format_years(m.years))] + ([p(f"{t['deadline']} {format_date(m.deadline)}")] if m.deadline else [])
    cost = [p(_cost(m, lg))] + ([p(format_funding(m.funding, lg, plan))] if m.funding else [])
    kp = [p("\n".join(kp_label(plan, ref) for ref in refs_in_scope(plan, m.kp_refs, scope)))]
    columns = [[p(m.id)], title, [p(", ".join(m.goal_ids))], [p(m.responsible or "")],
               [p(", ".join(m.partners))], years, cost, [p(display_value(m.status, lg))], kp]
    row = b.row([b.cell(w, c) for w, c in zip(_widths(), columns)])
    return b.sdt(format_tag("measure", m.id), f"{t['measure_alias']} {m.id}", row)


def measure_row(plan: Plan, measure: Measure | str, styles: Styles | None = None,
                lang: str | None = None, *, scope: str | None = None) -> Element:
    """Return the row-level ``w:sdt`` tagged ``docplan:measure:<id>`` wrapping one ``w:tr``."""
    m = _measure(plan, measure) if isinstance(measure, str) else measure
    return b.elements(_measure_row(plan, m, _styles(styles), _lang(plan, lang), scope))[0]


def table_kp_refs(plan: Plan, measures: Iterable[Measure], scope: str | None = "all") -> list[str]:
    """Return the kommuneplan references of a measure table, each once: by municipality (in the plan's
    order), then in the order the table first shows them."""
    seen: dict[str, int] = {}
    for m in measures:
        for ref in refs_in_scope(plan, m.kp_refs, scope):
            seen.setdefault(ref, len(seen))
    order = {mu.number: i for i, mu in enumerate(plan.municipalities)}

    def key(ref: str):
        resolved = plan.resolve_kp_ref(ref)
        if resolved is None:
            return len(order), 0, seen[ref]
        items = [it.id for mp in resolved.municipality.master_plans for it in mp.items]
        return order.get(resolved.municipality.number, len(order)), items.index(resolved.item.id), seen[ref]

    return sorted(seen, key=key)


def measure_table(plan: Plan, measures: Iterable[Measure | str] | None = None, styles: Styles | None = None,
                  lang: str | None = None, *, scope: str = "all") -> Element:
    """Return a ``w:sdt`` tagged ``docplan:measure-table:<scope>`` wrapping the measures table.

    The header row repeats on each page (``w:tblHeader``) and no row splits across pages; each measure is a
    row-level control ``docplan:measure:<id>``; a last row gives the cost over the plan period (a cost «per
    år» once per year). The kommuneplan column gives short labels («Tynset KP-3.2»); the full references
    follow the table, each once, as inline controls ``docplan:kp-ref:<ref>``. The table is laid out for an
    A4 landscape page (`TABLE_TWIPS`); `set_table_width` fits it to another width.
    """
    lg, st = _lang(plan, lang), _styles(styles)
    t = _t(lg)
    items = [(_measure(plan, m) if isinstance(m, str) else m) for m in (plan.measures if measures is None
                                                                       else measures)]
    widths = _widths()
    start = b.table_start(widths, st.get("table"))
    ts = st.get("table_text") or st.get("normal")
    size = _table_size(st)
    head = b.row([b.cell(w, [b.para(ts, [b.run(h, bold=True, size=size)])])
                  for w, h in zip(widths, t["measure_head"])], header=True)
    rows = "".join(_measure_row(plan, m, st, lg, scope) for m in items)
    sums = [[b.para(ts)] for _ in widths]
    sums[1] = [b.para(ts, [b.run(t["sum"], bold=True, size=size)])]
    period = plan.info.period
    sums[6] = [b.para(ts, [b.run(format_nok(sum(m.cost_in_period(period) for m in items)), bold=True,
                                 size=size)])]
    total = b.row([b.cell(w, c) for w, c in zip(widths, sums)])
    table = f"<w:tbl>{start}{head}{rows}{total}</w:tbl>"
    refs = table_kp_refs(plan, items, scope)
    after = ""
    if refs:
        after = _text_para(t["kp_list"], st) + "".join(b.para(_body(st), [_kp_ref(plan, ref, lg)])
                                                       for ref in refs)
    return b.elements(b.sdt(format_tag("measure-table", scope), t["table_alias"], table + after))[0]


#: The narrowest the Tiltak column of the measure table becomes before the other columns shrink too.
MIN_TITLE_TWIPS = round(3.5 * 1440 / 2.54)


def set_table_width(el: Element, twips: int, *, flexible: int | None = None, minimum: int = MIN_TITLE_TWIPS) -> None:
    """Fit the columns of the (first) table in ``el`` to ``twips``.

    With ``flexible`` (a column index) a narrower width is taken from that column first, down to ``minimum``,
    so the other columns keep room for their header words; any other change scales every column.
    """
    tbl = el if el.tag == qn("w:tbl") else el.find(".//" + qn("w:tbl"))
    grid = tbl.find(qn("w:tblGrid")) if tbl is not None else None
    if grid is None:
        return
    cols = grid.findall(qn("w:gridCol"))
    old = [int(c.get(qn("w:w")) or 0) for c in cols]
    if not sum(old):
        return
    new = list(old)
    if flexible is not None and flexible < len(new) and twips < sum(old):
        new[flexible] = max(minimum, old[flexible] - (sum(old) - twips))
    if sum(new) != twips:
        new = [int(twips * w / sum(new)) for w in new]
    new[max(range(len(new)), key=new.__getitem__)] += twips - sum(new)
    for c, w in zip(cols, new):
        c.set(qn("w:w"), str(w))
    tbl_w = tbl.find(qn("w:tblPr") + "/" + qn("w:tblW"))
    if tbl_w is not None:
        tbl_w.set(qn("w:w"), str(twips))
        tbl_w.set(qn("w:type"), "dxa")
    for tr in tbl.iter(qn("w:tr")):
        if next(tr.iterancestors(qn("w:tbl")), None) is not tbl:
            continue  # a nested table's row
        for tc, w in zip(tr.findall(qn("w:tc")), new):
            tcw = tc.find(qn("w:tcPr") + "/" + qn("w:tcW"))
            if tcw is not None:
                tcw.set(qn("w:w"), str(w))


def table_measures(plan: Plan, scope: str) -> list[Measure]:
    """Return the measures a table of ``scope`` shows: all, or one municipality's (common + its local ones)."""
    return list(plan.measures) if scope == "all" else plan.measures_for(scope)


def report_element(plan: Plan, ident: str, styles: Styles | None = None, lang: str | None = None) -> Element | None:
    """Return the årsrapport block ``docplan:report:<year>[:<kommunenummer>]`` (`docplan.report`), or None when
    the id names no year or a municipality the plan does not have."""
    from docplan.report import build_report, parse_report_id, report_block

    parsed = parse_report_id(ident)
    if parsed is None or (parsed[1] is not None and plan.municipality(parsed[1]) is None):
        return None
    report = build_report(plan, parsed[0], municipality=parsed[1], lang=_lang(plan, lang))
    return b.elements(report_block(report, _styles(styles)))[0]


# -- one item in a given shape ----------------------------------------------------------------------
def _inline(tag: Tag, alias: str, text: str) -> Element:
    return b.elements(b.sdt(str(tag), alias, b.run(text)))[0]


def build(plan: Plan, tag: Tag, shape: Shape, styles: Styles | None = None, lang: str | None = None,
          *, level: int | None = None, scope: str | None = None) -> Element | None:
    """Return what docplan writes for ``tag`` in ``shape`` now, or None when the data lacks the item
    or docplan writes no such item in that shape.

    A goal's block holds only the goal itself (its sub-goals have their own controls). ``scope`` (an
    edition's or the caller's kommunenummer) keeps only that municipality's kommuneplan references.
    """
    lg = _lang(plan, lang)
    t = _t(lg)
    try:
        if tag.kind == "goal":
            goal = plan.goal(tag.id)
            if goal is None:
                return None
            if shape is Shape.BLOCK:
                return goal_block(plan, tag.id, styles, lg, sub_goals=False,
                                  level=level or (2 if isinstance(goal, Goal) else 3), scope=scope)[0]
            if shape is Shape.INLINE:
                return _inline(tag, f"{t['goal_alias']} {goal.id}", f"{goal.id} {goal.title}")
            return None
        if tag.kind == "measure":
            if shape is Shape.ROW:
                return measure_row(plan, tag.id, styles, lg, scope=scope)
            if shape is Shape.BLOCK:
                return measure_block(plan, tag.id, styles, lg, scope=scope)[0]
            if shape is Shape.INLINE:
                m = _measure(plan, tag.id)
                return _inline(tag, f"{t['measure_alias']} {m.id}", f"{m.id} {m.title}")
            return None
        if tag.kind == "measure-table":
            if shape is not Shape.BLOCK or (tag.id != "all" and plan.municipality(tag.id) is None):
                return None
            return measure_table(plan, table_measures(plan, tag.id), styles, lg, scope=tag.id)
        if tag.kind == "kp-ref":
            if shape is Shape.INLINE:
                return kp_ref_run(plan, tag.id, styles, lg)
            if shape is Shape.BLOCK:
                return b.elements(b.sdt(str(tag), f"{t['kp_alias']} {tag.id}",
                                        _text_para(kp_short_text(plan, tag.id, lg), _styles(styles))))[0]
            return None
        if tag.kind == "report":
            return report_element(plan, tag.id, styles, lg) if shape is Shape.BLOCK else None
        if tag.kind == "kp-quote":
            if shape is Shape.BLOCK:
                return kp_quote_block(plan, tag.id, styles, lg)
            if shape is Shape.INLINE:
                return _inline(tag, f"{t['quote_alias']} {tag.id}", kp_quote_text(plan, tag.id, lg))
            return None
    except KeyError:
        return None
    return None  # adoption, indicator: written by the template renderer, never rebuilt


# -- Word's insertOoxml ----------------------------------------------------------------------------
_SNIPPET_STYLES = (
    # (id, name, type, outline level, based on) — Word maps styles by name to the document's own,
    # localised ones included («Overskrift 1» is «heading 1» under the hood)
    ("Normal", "Normal", "paragraph", None, None),
    ("Heading1", "heading 1", "paragraph", 0, "Normal"),
    ("Heading2", "heading 2", "paragraph", 1, "Normal"),
    ("Heading3", "heading 3", "paragraph", 2, "Normal"),
    ("Quote", "Quote", "paragraph", None, "Normal"),
    ("TableGrid", "Table Grid", "table", None, None),
)


def snippet_styles() -> Element:
    """Return a minimal ``w:styles`` root naming the styles snippets use (Heading 1–3, Quote, Table Grid).

    Without a styles part in the package Word ignores the style ids in an ``insertOoxml`` body, and
    headings would arrive as Normal text. Only names and the outline level are given: Word maps each
    to the document's own style of that name and keeps the document's formatting.
    """
    w = NSMAP["w"]
    root = make_element(qn("w:styles"), nsmap={"w": w})
    for sid, name, kind, outline, based in _SNIPPET_STYLES:
        st = sub_element(root, qn("w:style"), {qn("w:type"): kind, qn("w:styleId"): sid})
        if sid == "Normal":
            st.set(qn("w:default"), "1")
        sub_element(st, qn("w:name")).set(qn("w:val"), name)
        if based:
            sub_element(st, qn("w:basedOn")).set(qn("w:val"), based)
        if outline is not None:
            ppr = sub_element(st, qn("w:pPr"))
            sub_element(ppr, qn("w:keepNext"))
            sub_element(ppr, qn("w:outlineLvl")).set(qn("w:val"), str(outline))
    return root


def flat_opc(elements: Iterable[Element], *, styles: bool = True) -> str:
    """Return the flat-OPC package of ``elements`` for ``Range.insertOoxml``, with `snippet_styles`."""
    return to_flat_opc(elements, snippet_styles() if styles else None)


__all__ = ["COLUMNS_CM", "DEFAULT_STYLES", "ROLES", "TABLE_TWIPS", "body_style", "build", "flat_opc", "goal_block",
           "kp_quote_block", "kp_quote_text", "kp_ref_run", "measure_block", "measure_row", "measure_table",
           "refs_in_scope", "report_element", "resolve_styles", "set_table_width", "snippet_styles", "table_kp_refs",
           "table_measures"]
