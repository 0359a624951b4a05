"""Insert and update goals, measures, the measure table and kommuneplan references in a planner's document.

Like a reference manager with citations: every item is a content control tagged
``docplan:<kind>:<id>``. Running the same insertion again updates the items in place (a second
identical run changes nothing); an item whose text the planner edited since docplan wrote it
(see `docplan.state`) is reported as a conflict and only overwritten with ``force=True``::

    doc = PlanDocument.open("plan.docx")
    report = insert_items(doc, plan, "measure-table", Target(heading="4 Tiltak"))
    report = refresh(doc, plan)          # data or kommuneplan catalogue changed
    doc.save("plan-ny.docx")
"""

from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from docplan import snippets
from docplan.document import PlanDocument
from docplan.errors import ConflictError, DocumentError, InputError, Location, Problem
from docplan.model import Goal, Plan
from docplan.ooxml import NSMAP, qn
from docplan.ooxml.sdt import element_text, iter_tagged, sdt_content, sdt_tag, sdt_text, text_hash
from docplan.state import CHANGED, CURRENT, STALE, document_state, item_status, write_state
from docplan.tags import Tag, parse_tag

WHAT = ("goals", "measures", "measure-table", "kp-refs", "all")
_W_SDT, _W_P, _W_TC, _W_TR, _W_R, _W_BODY = (qn(f"w:{n}") for n in ("sdt", "p", "tc", "tr", "r", "body"))
_TEXT_HITS = etree.XPath(".//w:t[contains(., $ph)]", namespaces={"w": NSMAP["w"]})


@dataclass(frozen=True)
class _Para:
    element: etree._Element


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


@dataclass
class ItemInfo:
    """One docplan item of a document, for ``docplan list`` and reports."""

    tag: str
    kind: str
    ident: str
    status: str
    paragraph: int | None
    text: str

    def to_dict(self) -> dict:
        return {"tag": self.tag, "kind": self.kind, "id": self.ident, "status": self.status,
                "paragraph": self.paragraph, "text": self.text}


@dataclass
class Report:
    """What an insertion or refresh did; ``conflicts`` were left alone (planner's edits)."""

    inserted: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[Problem] = field(default_factory=list)
    missing_kp: list[Problem] = field(default_factory=list)
    orphans: list[Problem] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated)

    def lines(self) -> list[str]:
        """Return the report as Norwegian lines for the planner."""
        out = []
        if self.inserted:
            out.append(f"Satt inn: {', '.join(self.inserted)}")
        if self.updated:
            out.append(f"Oppdatert: {', '.join(self.updated)}")
        if self.unchanged:
            out.append(f"Uendret: {len(self.unchanged)} element(er)")
        for label, problems in (("Endret for hånd, ikke overskrevet (bruk --force)", self.conflicts),
                                ("Viser til kommuneplanpunkt som ikke finnes", self.missing_kp),
                                ("Finnes ikke lenger i dataene", self.orphans)):
            if problems:
                out.append(label + ":")
                out += [f"  - {p.format()}" for p in problems]
        return out


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
                municipality: str | None = None) -> list[etree._Element]:
    """Return the block elements for ``what`` (goals, measures, measure-table, kp-refs, all), in order."""
    if what not in WHAT:
        raise InputError(f"ukjent valg «{what}»; bruk {', '.join(WHAT)}", code="bad_option")
    measures = plan.measures_for(municipality) if municipality else plan.measures
    out: list[etree._Element] = []
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


def rebuild(plan: Plan, tag: Tag, sdt: etree._Element, styles, lang: str | None = None) -> etree._Element | None:
    """Return what docplan would write now for an existing item, or None when the data lacks it."""
    try:
        if tag.kind == "goal":
            goal = plan.goal(tag.id)
            if goal is None:
                return None
            level = 2 if isinstance(goal, Goal) else 3
            return snippets.goal_block(plan, tag.id, styles, lang, sub_goals=False, level=level)[0]
        if tag.kind == "measure":
            if _level(sdt) == "row":
                return snippets.measure_row(plan, tag.id, styles, lang)
            return snippets.measure_block(plan, tag.id, styles, lang)[0]
        if tag.kind == "measure-table":
            measures = plan.measures if tag.id == "all" else plan.measures_for(tag.id)
            return snippets.measure_table(plan, measures, styles, lang, scope=tag.id)
        if tag.kind == "kp-ref":
            return snippets.kp_ref_run(plan, tag.id, styles, lang)
        if tag.kind == "kp-quote":
            return snippets.kp_quote_block(plan, tag.id, styles, lang)
    except KeyError:
        return None
    return None  # adoption, indicator: written by the template renderer, not here


def _level(sdt: etree._Element) -> str:
    content = sdt_content(sdt)
    first = content[0] if content is not None and len(content) else None
    while first is not None and first.tag == _W_SDT:
        inner = sdt_content(first)
        first = inner[0] if inner is not None and len(inner) else None
    if first is None:
        return "block"
    if first.tag == _W_TR:
        return "row"
    if first.tag in (_W_R, qn("w:hyperlink"), qn("w:fldSimple")):
        return "inline"
    return "block"


# -- finding insertion points ---------------------------------------------------------------------
def _out_of_items(el: etree._Element) -> etree._Element:
    """Climb out of docplan content controls, so new items never land inside another item."""
    anchor = el
    node = el.getparent()
    while node is not None and node.tag != _W_BODY:
        if node.tag == _W_SDT and parse_tag(sdt_tag(node)) is not None:
            anchor = node
        node = node.getparent()
    return anchor


def _body_child(el: etree._Element, body: etree._Element) -> etree._Element:
    while el.getparent() is not None and el.getparent() is not body:
        el = el.getparent()
    return el


def _norm(text: str) -> str:
    """Compare headings case-insensitively, ignoring spacing and a trailing colon ("Lovgrunnlag:")."""
    return " ".join(text.split()).rstrip(":").strip().casefold()


def _find_heading(doc: PlanDocument, wanted: str):
    key = _norm(wanted)
    heads = doc.headings()
    hits = [h for h in heads if key in (_norm(h.text), _norm(h.title), (h.number or "\0").casefold(),
                                        _norm(f"{h.number} {h.title}") if h.number else "\0")]
    if not hits:
        known = "; ".join(f"«{h.text}»" for h in heads[:12]) or "dokumentet har ingen overskrifter"
        raise DocumentError(f"fant ingen overskrift «{wanted}» i dokumentet (overskrifter: {known})",
                            Location(file=doc.name, part=doc.main_part), code="insertion_point_missing")
    if len(hits) > 1:
        where = ", ".join(str(h.index) for h in hits)
        raise DocumentError(f"overskriften «{wanted}» finnes flere ganger (avsnitt {where}); bruk nummeret "
                            "eller et bokmerke", Location(file=doc.name, part=doc.main_part), code="ambiguous")
    return hits[0], heads


def _position(doc: PlanDocument, target: Target) -> tuple[etree._Element, int, etree._Element | None]:
    """Return (parent, index, paragraph to remove) for new items."""
    body = doc.body
    loc = Location(file=doc.name, part=doc.main_part)
    if target.heading:
        head, _ = _find_heading(doc, target.heading)
        anchor = _out_of_items(head.element)
        parent = anchor.getparent()
        return parent, parent.index(anchor) + 1, None
    if target.heading_end:
        head, heads = _find_heading(doc, target.heading_end)
        following = [h for h in heads if h.index > head.index and h.level <= head.level]
        if following:
            stop = _body_child(following[0].element, body)
            return body, body.index(stop), None
    if target.heading_end or target.document_end:
        last = body[-1] if len(body) else None
        end = len(body) - 1 if last is not None and last.tag == qn("w:sectPr") else len(body)
        return body, end, None
    if target.bookmark:
        for mark in body.iter(qn("w:bookmarkStart")):
            if mark.get(qn("w:name")) == target.bookmark:
                para = mark if mark.getparent() is body else next(
                    (a for a in mark.iterancestors(_W_P)), mark)
                anchor = _out_of_items(para)
                parent = anchor.getparent()
                return parent, parent.index(anchor) + 1, None
        raise DocumentError(f"fant ikke bokmerket «{target.bookmark}» i dokumentet", loc,
                            code="insertion_point_missing")
    if target.placeholder:
        # fast path: the placeholder inside one w:t; else compare whole paragraph texts
        hits = _TEXT_HITS(body, ph=target.placeholder)
        para = next(hits[0].iterancestors(_W_P), None) if hits else None
        candidates = ([p for p in [para] if p is not None] or [p.element for p in doc.paragraphs()])
        for p_el in candidates:
            text = element_text(p_el)
            if target.placeholder in text:
                p = _Para(p_el)
                anchor = _out_of_items(p.element)
                parent = anchor.getparent()
                index = parent.index(anchor)
                if anchor is p.element and text.strip() == target.placeholder.strip():
                    return parent, index, p.element
                _remove_text(p.element, target.placeholder)
                return parent, index + 1, None
        raise DocumentError(f"fant ikke plassholderen «{target.placeholder}» i dokumentet", loc,
                            code="insertion_point_missing")
    raise InputError("oppgi hvor elementene skal settes inn: --at «overskrift», --at-end «overskrift», "
                     "--bookmark eller --placeholder", loc, code="no_insertion_point")


def _remove_text(paragraph: etree._Element, text: str) -> None:
    """Remove ``text`` from the paragraph when it sits inside one ``w:t`` (otherwise leave it)."""
    for t in paragraph.iter(qn("w:t")):
        if t.text and text in t.text:
            t.text = t.text.replace(text, "", 1)
            return


# -- applying ------------------------------------------------------------------------------------------
class _Session:
    """One edit of a document: state read once, changes and report collected."""

    def __init__(self, doc: PlanDocument, plan: Plan, force: bool):
        self.doc, self.plan, self.force = doc, plan, force
        self.state = document_state(doc)
        self.report = Report()
        self.written: dict[str, set[str]] = {}
        self.kept: set[str] = set()
        self.changed = False

    def record(self, el: etree._Element) -> None:
        for tag, sdt in _tagged_with_self(el):
            self.written.setdefault(str(tag), set()).add(text_hash(sdt_text(sdt)))

    def paragraph(self, el: etree._Element) -> int | None:
        p = el if el.tag == _W_P else next(el.iter(_W_P), None)
        return self.doc.paragraph_index(p) if p is not None else None

    def update(self, old: etree._Element, new: etree._Element) -> etree._Element:
        """Bring ``old`` up to date with ``new``; return the element now in the document."""
        tag = sdt_tag(old)
        status = item_status(tag, old, self.state, expected_text=sdt_text(new))
        if status == CURRENT:
            self.report.unchanged.append(tag)
            self.record(old)
            return old
        if status == CHANGED and not self.force:
            edited = [str(t) for t, inner in iter_tagged(old) if inner is not old
                      and item_status(str(t), inner, self.state) == CHANGED]
            detail = f" (endret: {', '.join(edited)})" if edited else ""
            self.report.conflicts.append(Problem(
                f"«{tag}» er endret i dokumentet siden docplan satte det inn{detail}",
                Location(file=self.doc.name, part=self.doc.main_part, paragraph=self.paragraph(old)),
                code="manual_edit"))
            self.kept.add(tag)
            return old
        if status == STALE and tag not in self.state and not self.force:
            # differs from the data and docplan has no record of writing it (a document made from the
            # template or before the record existed): a manual edit cannot be ruled out
            self.report.conflicts.append(Problem(
                f"«{tag}» avviker fra dataene, og docplan har ingen registrering av hva som ble satt inn "
                "(dokumentet er laget fra malen eller før registreringen fantes); det kan være endret for hånd",
                Location(file=self.doc.name, part=self.doc.main_part, paragraph=self.paragraph(old)),
                code="unrecorded"))
            self.kept.add(tag)
            return old
        _keep_table_look(old, new)
        old.getparent().replace(old, new)
        self.changed = True
        self.report.updated.append(tag)
        self.record(new)
        return new

    def finish(self) -> None:
        if self.changed:
            self.doc.mark_changed(self.doc.main_part)
        state = dict(self.state)
        for tag, hashes in self.written.items():
            keep = set(state.get(tag, "").split()) if tag in self.kept else set()
            state[tag] = " ".join(sorted(hashes | keep))
        write_state(self.doc, state)


def _tagged_with_self(el: etree._Element):
    return list(iter_tagged(el))


def _keep_table_look(old: etree._Element, new: etree._Element) -> None:
    """Keep the planner's table formatting (style, widths) when a measure table is rebuilt."""
    old_tbl = old.find(f"{qn('w:sdtContent')}/{qn('w:tbl')}")
    new_tbl = new.find(f"{qn('w:sdtContent')}/{qn('w:tbl')}")
    if old_tbl is None or new_tbl is None:
        return
    old_grid, new_grid = old_tbl.find(qn("w:tblGrid")), new_tbl.find(qn("w:tblGrid"))
    if old_grid is not None and new_grid is not None and len(old_grid) == len(new_grid):
        new_tbl.replace(new_tbl.find(qn("w:tblPr")), copy.deepcopy(old_tbl.find(qn("w:tblPr"))))
        new_tbl.replace(new_grid, copy.deepcopy(old_grid))


def _existing(doc: PlanDocument) -> dict[tuple[str, str], list[etree._Element]]:
    """(tag, level) → content controls of the main part, outermost docplan items only."""
    out: dict[tuple[str, str], list[etree._Element]] = {}
    for tag, sdt in iter_tagged(doc.body):
        out.setdefault((str(tag), _level(sdt)), []).append(sdt)
    return out


def document_styles(doc: PlanDocument) -> dict:
    """The document's own style ids per snippet role (resolved once per document)."""
    if "snippet_styles" not in doc.cache:
        doc.cache["snippet_styles"] = snippets.resolve_styles(doc.styles)
    return doc.cache["snippet_styles"]  # type: ignore[return-value]


def insert_items(doc: PlanDocument, plan: Plan, what: str, target: Target | None = None, *,
                 force: bool = False, lang: str | None = None, municipality: str | None = None) -> Report:
    """Insert ``what`` at ``target``, or update the items the document already has (idempotent).

    Raises `DocumentError` when the insertion point is missing; nothing is changed then.
    """
    target = target or Target()
    styles = document_styles(doc)
    new_items = build_items(plan, what, styles, lang, municipality)
    existing = _existing(doc)
    session = _Session(doc, plan, force)
    position: tuple[etree._Element, int] | None = None
    removal: etree._Element | None = None
    last: etree._Element | None = None
    holders = _kp_placeholders(doc) if what in ("kp-refs", "all") else []
    missing = [el for el in new_items if not existing.get((sdt_tag(el), _level(el)))]
    standalone = _standalone_kp_refs(doc) if what in ("kp-refs", "all") else []
    if missing and what == "kp-refs" and not target.given and (holders or standalone
                                                                 or len(missing) < len(new_items)):
        # quote blocks are optional: without an insertion point only inline references are placed
        new_items = [el for el in new_items if el not in missing]
        missing = []
    if missing and target.given:
        parent, index, removal = _position(doc, target)
        position = (parent, index)
    elif missing:
        if not any(existing.get((sdt_tag(el), _level(el))) for el in new_items):
            _position(doc, target)  # raises the "say where" error
    for el in new_items:
        tag = sdt_tag(el)
        olds = existing.get((tag, _level(el)), [])
        if olds:
            for old in olds:
                last = session.update(old, copy.deepcopy(el) if len(olds) > 1 else el)
            continue
        if position is None:
            # no insertion point: a new item goes after the one before it in the data
            if last is None:
                raise InputError(f"«{tag}» finnes ikke i dokumentet; oppgi hvor det skal settes inn "
                                 "(--at, --at-end, --bookmark eller --placeholder)",
                                 Location(file=doc.name), code="no_insertion_point")
            parent, index = last.getparent(), last.getparent().index(last) + 1
        else:
            parent, index = position
        parent.insert(index, el)
        position = (parent, index + 1) if position is not None else None
        last = el
        session.changed = True
        session.report.inserted.append(tag)
        session.record(el)
    if removal is not None and removal.getparent() is not None:
        parent = removal.getparent()
        parent.remove(removal)
        if parent.tag == _W_TC and (len(parent) == 0 or parent[-1].tag != _W_P):
            parent.append(etree.Element(_W_P))
    for tag, sdt in standalone:  # inline references in the planner's own text: keep them current
        new = snippets.kp_ref_run(plan, tag.id, styles, lang)
        _keep_run_look(sdt, new)
        session.update(sdt, new)
    inline = [_replace_kp_placeholder(t, plan, styles, lang) for t in holders]
    for sdts in inline:
        for sdt in sdts:
            session.changed = True
            session.report.inserted.append(sdt_tag(sdt))
            session.record(sdt)
    _note_missing_kp(session, new_items + [s for sdts in inline for s in sdts])
    session.finish()
    return session.report


def _standalone_kp_refs(doc: PlanDocument) -> list[tuple[Tag, etree._Element]]:
    """Inline KP references that are not part of another docplan item."""
    return [(t, sdt) for t, sdt in iter_tagged(doc.body) if t.kind == "kp-ref" and _out_of_items(sdt) is sdt]


def _keep_run_look(old: etree._Element, new: etree._Element) -> None:
    """Give a rebuilt inline control the run formatting the planner's text had."""
    path = f"{qn('w:sdtContent')}/{qn('w:r')}"
    old_run, new_run = old.find(path), new.find(path)
    rpr = old_run.find(qn("w:rPr")) if old_run is not None else None
    if rpr is not None and new_run is not None and new_run.find(qn("w:rPr")) is None:
        new_run.insert(0, copy.deepcopy(rpr))


#: ``[[kp:3427:KP-3.2]]`` typed in the planner's own text becomes an inline KP reference there.
KP_PLACEHOLDER = re.compile(r"\[\[kp:([^\]\s]+)\]\]")


def _kp_placeholders(doc: PlanDocument) -> list[etree._Element]:
    """Return the ``w:t`` elements holding ``[[kp:REF]]`` (outside docplan items)."""
    out = []
    for t in _TEXT_HITS(doc.body, ph="[[kp:"):
        r = t.getparent()
        if r is not None and r.tag == _W_R and KP_PLACEHOLDER.search(t.text or "") and _out_of_items(r) is r:
            out.append(t)
    return out


def _replace_kp_placeholder(t: etree._Element, plan: Plan, styles, lang: str | None) -> list[etree._Element]:
    """Split the run around ``t`` so each ``[[kp:REF]]`` becomes an inline KP control; keep run formatting."""
    r = t.getparent()
    rpr = r.find(qn("w:rPr"))
    before = [c for c in r if c is not t and c is not rpr and r.index(c) < r.index(t)]
    after = [c for c in r if r.index(c) > r.index(t)]
    pieces = KP_PLACEHOLDER.split(t.text or "")
    nodes: list[etree._Element] = []
    sdts: list[etree._Element] = []

    def run(children: list[etree._Element]) -> etree._Element:
        new = etree.Element(_W_R)
        if rpr is not None:
            new.append(copy.deepcopy(rpr))
        for c in children:
            new.append(c)
        return new

    if before:
        nodes.append(run(before))
    for i, piece in enumerate(pieces):
        if i % 2:
            sdt = snippets.kp_ref_run(plan, piece, styles, lang)
            inner = sdt.find(f"{qn('w:sdtContent')}/{qn('w:r')}")
            if rpr is not None and inner is not None:
                inner.insert(0, copy.deepcopy(rpr))
            nodes.append(sdt)
            sdts.append(sdt)
        elif piece:
            text = etree.Element(qn("w:t"))
            text.text = piece
            if piece != piece.strip():
                text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            nodes.append(run([text]))
    if after:
        nodes.append(run(after))
    parent = r.getparent()
    index = parent.index(r)
    parent.remove(r)
    for k, node in enumerate(nodes):
        parent.insert(index + k, node)
    return sdts


def _note_missing_kp(session: _Session, elements) -> None:
    seen = set()
    for el in elements:
        for tag, sdt in iter_tagged(el) if not isinstance(el, tuple) else []:
            if tag.kind in ("kp-ref", "kp-quote") and tag.id not in seen:
                seen.add(tag.id)
                if session.plan.resolve_kp_ref(tag.id) is None:
                    session.report.missing_kp.append(Problem(
                        f"kommuneplanreferansen «{tag.id}» viser til et punkt som ikke finnes i kommuneplanen",
                        Location(file=session.doc.name, paragraph=session.paragraph(sdt)), code="kp_missing"))


def document_language(doc: PlanDocument) -> str | None:
    """Return "nb" or "nn" from the document's default language (``w:docDefaults``), or None."""
    styles = doc.styles
    lang = styles.find(f"{qn('w:docDefaults')}//{qn('w:lang')}") if styles is not None else None
    value = (lang.get(qn("w:val")) or "").lower() if lang is not None else ""
    if value.startswith("nn"):
        return "nn"
    if value.startswith(("nb", "no")):
        return "nb"
    return None


def refresh(doc: PlanDocument, plan: Plan, *, force: bool = False, lang: str | None = None) -> Report:
    """Update every docplan item of the document from the data (and the KP catalogue).

    Items the planner edited by hand are reported and left alone unless ``force``; items whose id no
    longer exists in the data are reported as orphans; KP references to missing items are reported.
    Texts are written in ``lang``, else the document's own language, else the data's.
    """
    lang = lang or document_language(doc)
    styles = document_styles(doc)
    session = _Session(doc, plan, force)
    outer = []
    for tag, sdt in iter_tagged(doc.body):
        if any(a.tag == _W_SDT and parse_tag(sdt_tag(a)) is not None for a in sdt.iterancestors(_W_SDT)):
            continue  # nested: rebuilt with the item around it
        outer.append((tag, sdt))
    current = []
    for tag, sdt in outer:
        new = rebuild(plan, tag, sdt, styles, lang)
        if new is None:
            if tag.kind in ("goal", "measure", "measure-table", "kp-ref", "kp-quote"):
                session.report.orphans.append(Problem(
                    f"«{tag}» finnes ikke lenger i dataene; elementet er latt stå",
                    Location(file=doc.name, part=doc.main_part, paragraph=session.paragraph(sdt)), code="orphan"))
            continue
        if tag.kind == "kp-ref":
            _keep_run_look(sdt, new)
        current.append(session.update(sdt, new))
    _note_missing_kp(session, current)
    session.finish()
    return session.report


def list_items(doc: PlanDocument, plan: Plan | None = None, *, lang: str | None = None) -> list[ItemInfo]:
    """Return every docplan item with its status.

    current, changed (by the planner), stale (data changed), unknown (differs from the data and has no
    record, so a manual edit cannot be ruled out) or orphan (no longer in the data).
    """
    state = document_state(doc)
    styles = document_styles(doc) if plan is not None else None
    lang = lang or document_language(doc)
    out = []
    for tag, sdt in iter_tagged(doc.body):
        expected = None
        if plan is not None:
            new = rebuild(plan, tag, sdt, styles, lang)
            expected = sdt_text(new) if new is not None else None
        status = item_status(str(tag), sdt, state, expected)
        if status == STALE and str(tag) not in state:
            status = "unknown"
        if plan is not None and expected is None and tag.kind in ("goal", "measure", "measure-table"):
            status = "orphan"
        p = sdt if sdt.tag == _W_P else next(sdt.iter(_W_P), None)
        if p is None:
            p = next(sdt.iterancestors(_W_P), None)
        text = " ".join(sdt_text(sdt).split())
        out.append(ItemInfo(str(tag), tag.kind, tag.id, status,
                            doc.paragraph_index(p) if p is not None else None, text[:80]))
    return out


STATUS_NB = {CURRENT: "oppdatert", CHANGED: "endret av planleggeren", STALE: "utdatert (dataene er endret)",
             "unknown": "avviker fra dataene, uten registrering (kan være endret for hånd)",
             "orphan": "finnes ikke i dataene"}


# -- files -------------------------------------------------------------------------------------------
def output_path(source: Path, output: Path | None, in_place: bool) -> tuple[Path, bool]:
    """Return (where to write, keep backup); refuse to overwrite the input unless ``in_place``."""
    if in_place:
        return source, True
    if output is None:
        raise InputError("oppgi utfil med -o/--output, eller --in-place for å endre dokumentet selv",
                         code="no_output")
    if output.exists() and source.exists() and os.path.samefile(output, source):
        raise InputError("utfila er den samme som dokumentet; bruk --in-place for å endre det (en kopi "
                         "lagres som .bak)", Location(file=str(output)), code="would_overwrite")
    return output, False


def raise_for_conflicts(report: Report, written_to: Path | None = None) -> None:
    """Raise `ConflictError` (exit 3) when items were left alone because the planner edited them."""
    if report.conflicts:
        where = f" Resten er lagret i {written_to}." if written_to else ""
        raise ConflictError(f"{len(report.conflicts)} element(er) er endret for hånd og ble ikke oppdatert; "
                            f"bruk --force for å overskrive.{where}", problems=report.conflicts)
