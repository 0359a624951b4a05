"""Insert goals, measures, the measure table and kommuneplan references into a planner's document.

Like a reference manager with citations: every item is a content control tagged
``docplan:<kind>:<id>``. Inserting an item the document already has updates it through the one
refresh (`docplan.refresh`), so a second identical run changes nothing, and an item the planner
edited by hand is reported and only overwritten with ``force=True``::

    doc = PlanDocument.open("plan.docx")
    report = insert_items(doc, plan, "measure-table", Target(heading="4 Tiltak"))
    report = refresh(doc, plan)          # data or kommuneplan catalogue changed
    doc.save("plan-ny.docx")
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

from docplan import snippets
from docplan.document import PlanDocument
from docplan.errors import DocumentError, InputError, Location
from docplan.model import Plan
from docplan.ooxml import build as b
from docplan.ooxml import tree
from docplan.ooxml.ns import qn
from docplan.ooxml.parser import Element, make_element, xpath
from docplan.ooxml.sdt import docplan_tag, outermost_item, sdt_content, shape
from docplan.ooxml.text import element_text
from docplan.refresh import (ItemInfo, Report, Session, Status, document_styles, list_items,
                             note_missing_kp, refresh)
from docplan.i18n import _

__all__ = ["WHAT", "ItemInfo", "Report", "Status", "Target", "build_items", "insert_items",
           "list_items", "refresh"]

#: What can be inserted (``docplan.cli.document.WHAT`` repeats it: the command line imports no engine at start).
WHAT = ("goals", "measures", "measure-table", "kp-refs", "all", "report")
_W_P, _W_TBL, _W_R, _W_TC, _W_SECT = qn("w:p"), qn("w:tbl"), qn("w:r"), qn("w:tc"), qn("w:sectPr")
#: ``[[kp:3427:KP-3.2]]`` typed in the planner's own text becomes an inline KP reference there.
KP_PLACEHOLDER = re.compile(r"\[\[kp:([^\]\s]+)\]\]")


@dataclass(frozen=True)
class Target:
    """Where new items go. Exactly one field is set (or none, when every item already exists).

    ``heading``: after the heading whose text, title (without number) or outline number matches,
    case-insensitive; ``heading_end``: at the end of that heading's section (before the next heading
    of the same or a higher level); ``bookmark``: after the paragraph holding the bookmark;
    ``placeholder``: in place of the paragraph holding that text (e.g. ``[[tiltaksplan]]``);
    ``document_end``: at the end of the document (before its last section properties).
    """

    heading: str | None = None
    heading_end: str | None = None
    bookmark: str | None = None
    placeholder: str | None = None
    document_end: bool = False

    @property
    def given(self) -> bool:
        return any((self.heading, self.heading_end, self.bookmark, self.placeholder, self.document_end))


# -- building what the data says -------------------------------------------------------------------
def _kp_refs_in_use(plan: Plan) -> list[str]:
    seen: dict[str, None] = {}
    for g in plan.all_goals():
        for r in g.kp_refs:
            seen.setdefault(r, None)
    for m in plan.measures:
        for r in m.kp_refs:
            seen.setdefault(r, None)
    return list(seen)


def build_items(plan: Plan, what: str, styles, lang: str | None = None,
                municipality: str | None = None, year: int | None = None) -> list[Element]:
    """Return the block elements for ``what`` (goals, measures, measure-table, kp-refs, all, report), in order.

    ``report`` is the årsrapport of ``year`` (required), for ``municipality`` when given.
    """
    if what not in WHAT:
        raise InputError(_("ukjent valg «{what}»; bruk {choices}").format(what=what, choices=', '.join(WHAT)),
                         code="bad_option")
    if what == "report":
        if year is None:
            raise InputError(_("oppgi året årsrapporten gjelder med --year, f.eks. --year 2025"), code="year_missing")
        from docplan.report import build_report, report_block

        report = build_report(plan, year, municipality=municipality, lang=lang)
        return b.elements(report_block(report, styles))
    measures = plan.measures_for(municipality) if municipality else plan.measures
    out: list[Element] = []
    if what in ("goals", "all"):
        for g in plan.goals:
            out += snippets.goal_block(plan, g.id, styles, lang)
    if what == "measures":
        for m in measures:
            out += snippets.measure_block(plan, m.id, styles, lang)
    if what in ("measure-table", "all"):
        out.append(snippets.measure_table(plan, measures, styles, lang, scope=municipality or "all"))
    if what in ("kp-refs", "all"):
        out += [snippets.kp_quote_block(plan, ref, styles, lang) for ref in _kp_refs_in_use(plan)]
    return out


# -- finding insertion points ---------------------------------------------------------------------
def _norm(text: str) -> str:
    """Compare headings case-insensitively, ignoring spacing and a trailing colon ("Lovgrunnlag:")."""
    return " ".join(text.split()).rstrip(":").strip().casefold()


def _find_heading(doc: PlanDocument, wanted: str):
    key = _norm(wanted)
    heads = doc.headings()
    hits = [h for h in heads if key in (_norm(h.text), _norm(h.title), (h.number or "\0").casefold(),
                                        _norm(f"{h.number} {h.title}") if h.number else "\0",
                                        _norm(f"{h.label} {h.title}") if h.label else "\0")]
    if not hits:
        known = "; ".join(f"«{h.text}»" for h in heads[:12]) or "dokumentet har ingen overskrifter"
        raise DocumentError(_("fant ingen overskrift «{wanted}» i dokumentet (overskrifter: {known})").format(
                                wanted=wanted, known=known),
                            Location(file=doc.name, part=doc.main_part), code="insertion_point_missing")
    if len(hits) > 1:
        where = ", ".join(str(h.index) for h in hits)
        raise DocumentError(_("overskriften «{wanted}» finnes flere ganger (avsnitt {where}); bruk nummeret eller "
                              "et bokmerke").format(wanted=wanted, where=where),
                            Location(file=doc.name, part=doc.main_part), code="ambiguous")
    return hits[0], heads


def _after(el: Element) -> tuple[Element, int, None]:
    anchor = outermost_item(el)
    parent = anchor.getparent()
    return parent, parent.index(anchor) + 1, None


def _position(doc: PlanDocument, target: Target) -> tuple[Element, int, Element | None]:
    """Return (parent, index, paragraph to remove) for new items."""
    body = doc.body
    loc = Location(file=doc.name, part=doc.main_part)
    if target.heading:
        head, _unused = _find_heading(doc, target.heading)
        return _after(head.element)
    if target.heading_end:
        head, heads = _find_heading(doc, target.heading_end)
        following = [h for h in heads if h.index > head.index and h.level <= head.level]
        if following:
            stop = tree.body_child(following[0].element, body)
            return body, body.index(stop), None
    if target.heading_end or target.document_end:
        return body, tree.end_of_body(body), None
    if target.bookmark:
        for mark in tree.bookmarks(body, target.bookmark):
            para = mark if mark.getparent() is body else tree.enclosing_paragraph(mark)
            para = mark if para is None else para
            return _after(para)
        raise DocumentError(_("fant ikke bokmerket «{bookmark}» i dokumentet").format(bookmark=target.bookmark), loc,
                            code="insertion_point_missing")
    if target.placeholder:
        # fast path: the placeholder inside one w:t; else compare whole paragraph texts
        hits = tree.text_nodes_containing(body, target.placeholder)
        para = tree.enclosing_paragraph(hits[0]) if hits else None
        candidates = [para] if para is not None else doc.paragraph_elements()
        for p_el in candidates:
            text = element_text(p_el)
            if target.placeholder in text:
                anchor = outermost_item(p_el)
                parent = anchor.getparent()
                index = parent.index(anchor)
                if anchor is p_el and text.strip() == target.placeholder.strip():
                    return parent, index, p_el
                tree.remove_text(p_el, target.placeholder)
                return parent, index + 1, None
        raise DocumentError(_("fant ikke plassholderen «{placeholder}» i dokumentet").format(
                                placeholder=target.placeholder), loc,
                            code="insertion_point_missing")
    raise InputError(_("oppgi hvor elementene skal settes inn: --at «overskrift», --at-end «overskrift», --bookmark "
                       "eller --placeholder"), loc, code="no_insertion_point")


#: Markup that may stand between two blocks without separating them (Word and LibreOffice still join the
#: tables around it).
_INVISIBLE = {qn(t) for t in ("w:bookmarkStart", "w:bookmarkEnd", "w:proofErr", "w:permStart", "w:permEnd",
                              "w:commentRangeStart", "w:commentRangeEnd", "w:moveFromRangeStart",
                              "w:moveFromRangeEnd", "w:moveToRangeStart", "w:moveToRangeEnd")}


def _edge_block(el: Element | None, last: bool) -> Element | None:
    """Return the first (or last) paragraph or table ``el`` puts on the page, looking inside content controls."""
    while el is not None and el.tag == qn("w:sdt"):
        content = sdt_content(el)
        blocks = [c for c in (content if content is not None else []) if isinstance(c.tag, str)
                  and c.tag not in _INVISIBLE]
        el = (blocks[-1] if last else blocks[0]) if blocks else None
    return el


def _neighbour(el: Element, after: bool) -> Element | None:
    node = el.getnext() if after else el.getprevious()
    while node is not None and (not isinstance(node.tag, str) or node.tag in _INVISIBLE):
        node = node.getnext() if after else node.getprevious()
    return node


def _is_table(el: Element | None, last: bool = False) -> bool:
    block = _edge_block(el, last)
    return block is not None and block.tag == _W_TBL


def _separate_tables(first: Element, last: Element) -> None:
    """Keep inserted tables from merging with a table right before or after them (Word and LibreOffice
    join adjacent tables, also across bookmarks and other invisible markup): an empty paragraph goes between."""
    if _is_table(first) and _is_table(_neighbour(first, after=False), last=True):
        first.addprevious(make_element(_W_P))
    if _is_table(last, last=True) and _is_table(_neighbour(last, after=True)):
        last.addnext(make_element(_W_P))


# -- a landscape section for the measure table ------------------------------------------------------
_W_PGSZ, _W_PGMAR, _W_PPR, _W_TYPE = qn("w:pgSz"), qn("w:pgMar"), qn("w:pPr"), qn("w:type")
_MIN_MARGIN = 851  # 1.5 cm
#: The first later sibling that ends a section: a w:sectPr, or a paragraph whose first w:pPr holds one.
_NEXT_SECTION = xpath("following-sibling::*[self::w:sectPr or (self::w:p and w:pPr[1]/w:sectPr)][1]")


def _governing_section(el: Element, body: Element) -> Element | None:
    """Return the ``w:sectPr`` of the section ``el`` (a child of the body) lies in: the first section break
    after it (one XPath step, not a Python loop over the rest of a long body), else the body's own."""
    found = _NEXT_SECTION(el)
    if found:
        node = found[0]
        return node if node.tag == _W_SECT else node.find(_W_PPR).find(_W_SECT)
    return body.find(_W_SECT)


def _twips(el: Element | None, attr: str, default: int) -> int:
    try:
        return int(float(el.get(qn(f"w:{attr}")))) if el is not None and el.get(qn(f"w:{attr}")) else default
    except ValueError:
        return default


def _is_landscape(sect: Element) -> bool:
    size = sect.find(_W_PGSZ)
    return size is not None and (size.get(qn("w:orient")) == "landscape"
                                 or _twips(size, "w", 11906) > _twips(size, "h", 16838))


def _text_width(sect: Element) -> int:
    size, margins = sect.find(_W_PGSZ), sect.find(_W_PGMAR)
    return _twips(size, "w", 11906) - _twips(margins, "left", 1440) - _twips(margins, "right", 1440)


def _section_break(sect: Element) -> Element:
    p = make_element(_W_P)
    ppr = make_element(_W_PPR)
    p.append(ppr)
    ppr.append(sect)
    return p


def _place_in_landscape(table: Element, body: Element) -> None:
    """Give a measure table inserted into a portrait section a landscape section of its own (a section break
    before and after it), and fit its columns to the landscape text width; in a landscape section, fit it
    to that section's width."""
    if table.getparent() is not body:
        return  # inside a table cell or another control: no section can start there
    sect = _governing_section(table, body)
    if sect is None:
        return
    if _is_landscape(sect):
        snippets.set_table_width(table, _text_width(sect), flexible=1)
        return
    before = copy.deepcopy(sect)
    landscape = copy.deepcopy(sect)
    # a restart of page numbers belongs to the section's first part, which now ends before the table
    for el in (landscape, sect):
        for num in el.iter(qn("w:pgNumType")):
            num.attrib.pop(qn("w:start"), None)
    size = landscape.find(_W_PGSZ)
    if size is None:
        size = make_element(_W_PGSZ)
        follower = next((c for c in landscape if c.tag not in (qn("w:headerReference"), qn("w:footerReference"),
                                                              qn("w:footnotePr"), qn("w:endnotePr"), _W_TYPE)), None)
        if follower is not None:
            follower.addprevious(size)
        else:
            landscape.append(size)
    width, height = _twips(size, "w", 11906), _twips(size, "h", 16838)
    size.set(qn("w:w"), str(height))
    size.set(qn("w:h"), str(width))
    size.set(qn("w:orient"), "landscape")
    kind = landscape.find(_W_TYPE)
    if kind is None:
        kind = make_element(_W_TYPE)
        size.addprevious(kind)  # the schema's order: header and footer references, type, page size …
    kind.set(qn("w:val"), "nextPage")
    # side margins narrow enough for the table's full width (1.5 cm at the least)
    margins = landscape.find(_W_PGMAR)
    if margins is not None:
        side = max(_MIN_MARGIN, (height - snippets.TABLE_TWIPS) // 2)
        for attr in ("left", "right"):
            if _twips(margins, attr, 1440) > side:
                margins.set(qn(f"w:{attr}"), str(side))
    table.addprevious(_section_break(before))
    table.addnext(_section_break(landscape))
    snippets.set_table_width(table, _text_width(landscape), flexible=1)


# -- applying ------------------------------------------------------------------------------------------
def insert_items(doc: PlanDocument, plan: Plan, what: str, target: Target | None = None, *,
                 force: bool = False, lang: str | None = None, municipality: str | None = None,
                 year: int | None = None) -> Report:
    """Insert ``what`` at ``target``, or update the items the document already has (idempotent).

    ``year``: the year of the årsrapport (``what`` «report»).

    Raises `DocumentError` when the insertion point is missing; nothing is changed then.
    """
    target = target or Target()
    styles = document_styles(doc)
    language = lang or plan.language
    new_items = build_items(plan, what, styles, language, municipality, year)
    session = Session(doc, plan, force=force, language=language, styles=styles)
    existing: dict[tuple[str, str], list] = {}
    for control in doc.all_controls():
        existing.setdefault((control.name, control.shape.value), []).append(control)

    def present(el: Element) -> list:
        return existing.get((str(docplan_tag(el)), shape(el).value), [])

    kp_mode = what in ("kp-refs", "all")
    holders = _kp_placeholders(doc) if kp_mode else []
    standalone = [c for c in doc.controls() if c.tag.kind == "kp-ref"] if kp_mode else []
    missing = [el for el in new_items if not present(el)]
    if missing and what == "kp-refs" and not target.given and (holders or standalone
                                                                 or len(missing) < len(new_items)):
        # quote blocks are optional: without an insertion point only inline references are placed
        new_items = [el for el in new_items if el not in missing]
        missing = []
    position: tuple[Element, int] | None = None
    removal: Element | None = None
    if missing and target.given:
        parent, index, removal = _position(doc, target)
        position = (parent, index)
    elif missing and not any(present(el) for el in new_items):
        _position(doc, target)  # raises the "say where" error
    last: Element | None = None
    inserted: list[Element] = []
    for el in new_items:
        olds = present(el)
        if olds:
            anchor = olds[-1].element
            parent, index = anchor.getparent(), anchor.getparent().index(anchor)
            session.apply(session.classify(olds))
            last = parent[index]  # the item, or what replaced it in the same place
            continue
        if position is None:
            # no insertion point: a new item goes after the one before it in the data
            if last is None or last.getparent() is None:
                raise InputError(_("«{docplan_tag}» finnes ikke i dokumentet; oppgi hvor det skal settes inn (--at, "
                                   "--at-end, --bookmark eller --placeholder)").format(docplan_tag=docplan_tag(el)),
                                 Location(file=doc.name), code="no_insertion_point")
            parent, index = last.getparent(), last.getparent().index(last) + 1
        else:
            parent, index = position
        parent.insert(index, el)
        position = (parent, index + 1) if position is not None else None
        last = el
        inserted.append(el)
        session.changed = True
        session.report.inserted.append(str(docplan_tag(el)))
        session.record_element(el)
    if removal is not None and removal.getparent() is not None:
        tree.remove(removal)  # first, so the tables the placeholder stood between are seen as neighbours
    for el in inserted:
        tag = docplan_tag(el)
        if tag is not None and tag.kind == "measure-table":
            _place_in_landscape(el, doc.body)
    if inserted:
        _separate_tables(inserted[0], inserted[-1])
    if standalone:  # inline references in the planner's own text: keep them current
        session.apply(session.classify(standalone))
    for t in holders:
        for sdt in _replace_kp_placeholder(t, plan, styles, language):
            session.changed = True
            session.report.inserted.append(str(docplan_tag(sdt)))
            session.record_element(sdt)
    note_missing_kp(session, doc.body)
    session.finish()
    return session.report


def _kp_placeholders(doc: PlanDocument) -> list[Element]:
    """Return the ``w:t`` elements holding ``[[kp:REF]]`` (outside docplan items)."""
    out = []
    for t in tree.text_nodes_containing(doc.body, "[[kp:"):
        r = t.getparent()
        if r is not None and r.tag == _W_R and KP_PLACEHOLDER.search(t.text or "") and outermost_item(r) is r:
            out.append(t)
    return out


def _replace_kp_placeholder(t: Element, plan: Plan, styles, lang: str | None) -> list[Element]:
    """Split the run around ``t`` so each ``[[kp:REF]]`` becomes an inline KP control; keep run formatting."""
    pieces: list = []
    for i, piece in enumerate(KP_PLACEHOLDER.split(t.text or "")):
        pieces.append(snippets.kp_ref_run(plan, piece, styles, lang) if i % 2 else piece)
    return tree.split_run(t, pieces)


def document_language(doc: PlanDocument) -> str | None:
    """Return "nb" or "nn" from the document's default language, or None."""
    return doc.target_language
