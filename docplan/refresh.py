"""The one refresh: which docplan items of a document differ from the plan, and bringing them up to date.

`classify` decides, for each docplan item (and each item inside it), a `Status`:

- ``current``: the item shows what the plan says now;
- ``stale``: it is as docplan wrote it (its record matches) and the plan has changed: safe to replace;
- ``edited``: the planner changed it since docplan wrote it (its record does not match): never replaced
  unless forced;
- ``unknown``: it differs from the plan and docplan has no record of writing it (a document from
  before the record, or a failed write), so a manual edit cannot be ruled out: treated as ``edited``;
- ``orphan``: the plan no longer has the item (it is left alone and reported).

The replacement offered always has the shape of the control it replaces (a row control gets a row, a
table control a table, an inline control runs, a block control paragraphs) and covers exactly that
control's content: items inside it that are kept (edited by the planner, or unchanged) are carried
over into it, so refreshing a table where one row was edited updates the other rows and keeps that
one. The CLI (`refresh`), the add-in server and — through the server's JSON — the task pane all use
this module::

    doc = PlanDocument.open("plan.docx")
    report = refresh(doc, plan)        # or: statuses = classify(doc.controls(), plan, "nb", state=...)
    doc.save("plan-ny.docx")
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Mapping, Protocol, Sequence

from docplan import snippets
from docplan.document import Control, PlanDocument
from docplan.errors import Location, Problem
from docplan.i18n import N_, _, ngettext, translate
from docplan.model import Plan
from docplan.ooxml.parser import Element
from docplan.ooxml.sdt import Shape, docplan_tag, iter_tagged, own_text, sdt_text
from docplan.ooxml.text import text_hash
from docplan.ooxml import tree
from docplan.state import hashes_of, matches_record
from docplan.tags import Tag

#: Kinds docplan writes and refreshes (adoption and indicator rows come from the template only).
MANAGED = frozenset({"goal", "measure", "measure-table", "kp-ref", "kp-quote", "report"})


class Status(str, enum.Enum):
    """What a docplan item is, compared with the plan and docplan's record."""

    CURRENT = "current"
    STALE = "stale"
    EDITED = "edited"
    UNKNOWN = "unknown"
    ORPHAN = "orphan"
    #: an item docplan does not rebuild (adoption, indicator rows) or not in this shape
    UNMANAGED = "unmanaged"

    @property
    def held(self) -> bool:
        """Whether a refresh leaves the item alone unless forced."""
        return self in (Status.EDITED, Status.UNKNOWN)


class Item(Protocol):
    """What `classify` needs of a document item (`docplan.document.Control` is one).

    An item may say it is ``opaque``: known only by its whole text, not by the items inside it (the
    task pane sends Word's ``ContentControl.text``); it is then compared by its whole text.
    """

    tag: Tag
    shape: Shape
    children: Sequence["Item"]

    @property
    def name(self) -> str: ...

    @property
    def text(self) -> str: ...

    @property
    def own_text(self) -> str: ...


@dataclass(eq=False)
class ItemStatus:
    """One item's status, its same-shape replacement (None when there is nothing to replace it with),
    and the statuses of the items inside it."""

    item: Item
    status: Status
    replacement: Element | None = None
    children: list["ItemStatus"] = field(default_factory=list)

    @property
    def tag(self) -> str:
        return self.item.name

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


def effective_tag(tag: Tag, edition: str | None) -> Tag:
    """Return the tag an item stands for: an edition's ``measure-table:all`` is that municipality's table."""
    if tag.kind == "measure-table" and tag.id == "all" and edition:
        return Tag("measure-table", edition)
    return tag


def classify(items: Sequence[Item], plan: Plan, language: str | None, *, state: Mapping[str, str] | None = None,
             styles: Mapping[str, str | None] | None = None, edition: str | None = None,
             scope: str | None = None) -> list[ItemStatus]:
    """Return the status of each item (and of the items inside it) against ``plan`` and the record ``state``.

    ``language`` ("nb"/"nn") is the language the replacements are written in; ``styles`` maps roles to
    the document's style ids (None: Word's built-in ids); ``edition`` is the municipality of an edition
    made with ``--kommune`` (its ``measure-table:all`` shows only that municipality's measures, and its
    items only that municipality's kommuneplan references); ``scope`` limits the kommuneplan references
    to one municipality's also where the document is no edition (what the add-in gives a municipality).
    """
    state = state or {}
    return [_classify(item, plan, language, state, styles, edition, scope or edition) for item in items]


def _classify(item: Item, plan: Plan, language: str | None, state: Mapping[str, str], styles,
              edition: str | None, scope: str | None) -> ItemStatus:
    tag = effective_tag(item.tag, edition)
    # a municipality's own measure table shows only its own kommuneplan references too
    scope = scope or (tag.id if tag.kind == "measure-table" and tag.id != "all" else None)
    children = [_classify(child, plan, language, state, styles, edition, scope) for child in item.children]
    if tag.kind not in MANAGED:
        return ItemStatus(item, Status.UNMANAGED, None, children)
    new = snippets.build(plan, tag, item.shape, styles, language, scope=scope)
    if new is None:
        if snippets.build(plan, tag, _natural_shape(tag), styles, language) is None:
            # gone from the plan; an item the planner edited still must not be lost with its container
            edited = matches_record(state.get(item.name), item) is False
            return ItemStatus(item, Status.EDITED if edited else Status.ORPHAN, None, children)
        return ItemStatus(item, Status.UNMANAGED, None, children)  # an item docplan writes in no such shape
    record = matches_record(state.get(item.name), item)
    if getattr(item, "opaque", False):  # known by its whole text only (what Word's ContentControl.text gives)
        same = text_hash(item.text) == text_hash(sdt_text(new))
    else:
        same = text_hash(item.own_text) == text_hash(own_text(new)) and \
            [c.tag for c in item.children] == [t for t, el in iter_tagged(new) if el is not new and _direct(el, new)]
    if record is False:
        status = Status.EDITED
    elif same:
        status = Status.CURRENT
    else:
        status = Status.STALE if record else Status.UNKNOWN
    return ItemStatus(item, status, None if status is Status.CURRENT else new, children)


def _natural_shape(tag: Tag) -> Shape:
    if tag.kind == "kp-ref":
        return Shape.INLINE
    return Shape.BLOCK


def _direct(el: Element, root: Element) -> bool:
    """Whether docplan control ``el`` lies directly in ``root`` (no docplan control between them)."""
    for anc in el.iterancestors(el.tag):
        if anc is root:
            return True
        if docplan_tag(anc) is not None:
            return False
    return False


# -- applying -------------------------------------------------------------------------------------
@dataclass
class Report:
    """What an insertion or refresh did; ``conflicts`` were left alone (planner's edits)."""

    inserted: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[Problem] = field(default_factory=list)
    missing_kp: list[Problem] = field(default_factory=list)
    orphans: list[Problem] = field(default_factory=list)
    #: the tags of the items left alone because they were edited by hand (or have no record)
    held: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated)

    def lines(self) -> list[str]:
        """Return the report as Norwegian lines for the planner."""
        out = []
        if self.inserted:
            out.append(_("Satt inn: {items}").format(items=", ".join(self.inserted)))
        if self.updated:
            out.append(_("Oppdatert: {items}").format(items=", ".join(self.updated)))
        if self.unchanged:
            out.append(ngettext("Uendret: {n} element", "Uendret: {n} elementer", len(self.unchanged)).format(
                n=len(self.unchanged)))
        for label, problems in ((_("Endret for hånd, ikke overskrevet"), self.conflicts),
                                (_("Viser til kommuneplanpunkt som ikke finnes"), self.missing_kp),
                                (_("Finnes ikke lenger i dataene"), self.orphans)):
            if problems:
                out.append(label + ":")
                out += [f"  - {p.format()}" for p in problems]
        return out


class Session:
    """One edit of a document: the record read once, changes and the report collected."""

    def __init__(self, doc: PlanDocument, plan: Plan, *, force: bool = False, language: str | None = None,
                 styles: Mapping[str, str | None] | None = None, state: Mapping[str, str] | None = None,
                 edition: str | None = None, scope: str | None = None):
        """``state``/``edition`` replace the document's own record (the add-in sends what Word keeps);
        ``scope`` as for `classify`."""
        self.doc, self.plan, self.force = doc, plan, force
        self.state, self.edition = doc.read_state() if state is None else (dict(state), edition)
        self.scope = scope
        self.language = language
        self.styles = styles
        self.report = Report()
        self.written: dict[str, set[str]] = {}
        self.kept: set[str] = set()
        self.changed = False

    def classify(self, controls: Sequence[Control]) -> list[ItemStatus]:
        return classify(controls, self.plan, self.language, state=self.state, styles=self.styles,
                        edition=self.edition, scope=self.scope)

    def paragraph(self, el: Element) -> int | None:
        return self.doc.first_paragraph(el)

    def _location(self, el: Element) -> Location:
        return Location(file=self.doc.name, part=self.doc.main_part, paragraph=self.paragraph(el))

    def record_element(self, el: Element, skip: set[Element] = frozenset()) -> None:
        """Record the fingerprints of every docplan control in ``el`` docplan wrote (not those in ``skip``)."""
        for tag, sdt in iter_tagged(el):
            if sdt in skip or any(a in skip for a in sdt.iterancestors(sdt.tag)):
                continue
            self.written.setdefault(str(tag), set()).update(hashes_of(sdt)[str(tag)].split())

    def apply(self, statuses: Sequence[ItemStatus]) -> None:
        for st in statuses:
            self._apply(st)

    def _apply(self, st: ItemStatus) -> None:
        control: Control = st.item  # type: ignore[assignment]
        el = control.element
        tag = control.name
        if st.status is Status.CURRENT:
            self.report.unchanged.append(tag)
            self.written.setdefault(tag, set()).update({text_hash(control.own_text), text_hash(control.text)})
            self.apply(st.children)
            return
        if st.status is Status.UNMANAGED:
            self.apply(st.children)
            return
        if st.status is Status.ORPHAN:
            self.report.orphans.append(Problem(_("«{tag}» finnes ikke lenger i dataene; elementet er latt stå").format(tag=tag),
                                               self._location(el), code="orphan"))
            self.kept.add(tag)
            self.apply(st.children)
            return
        if st.status.held and not self.force:
            self._hold(st)
            self.apply(st.children)
            return
        new = st.replacement
        plan = self._carry_plan(st, new)
        if plan is None:  # an item inside to keep has no place in the new content: keep the whole item
            self._hold(st, reason="children")
            self.apply(st.children)
            return
        tree.keep_look(el, new)
        for slot, child, keep in plan:
            if keep:
                tree.replace(slot, child.item.element)
        tree.replace(el, new)
        self.changed = True
        self.report.updated.append(tag)
        kept = {child.item.element for _slot, child, keep in plan if keep}
        self.record_element(new, skip=kept)
        for _slot, child, keep in plan:
            if keep:
                self._apply(child)
            else:
                self.report.updated.extend(c.tag for c in child.walk() if c.status is not Status.CURRENT)

    def _hold(self, st: ItemStatus, reason: str | None = None) -> None:
        tag = st.tag
        self.kept.add(tag)
        if reason == "children":
            message = _("«{tag}» ble ikke oppdatert fordi et element i det, som er endret for hånd, ellers ville "
                        "gått tapt").format(tag=tag)
            code = "manual_edit"
        elif st.status is Status.EDITED:
            message = _("«{tag}» er endret i dokumentet siden docplan satte det inn").format(tag=tag)
            code = "manual_edit"
        else:
            message = _("«{tag}» avviker fra dataene, og docplan har ingen registrering av hva som ble satt inn "
                        "(dokumentet er laget fra malen eller før registreringen fantes); det kan være endret for "
                        "hånd").format(tag=tag)
            code = "unrecorded"
        self.report.conflicts.append(Problem(message, self._location(st.item.element), code=code))
        self.report.held.append(tag)

    def _carry_plan(self, st: ItemStatus, new: Element) -> list[tuple[Element, ItemStatus, bool]] | None:
        """Match the items inside the old control with their places in ``new``: (place, item, keep the
        old one). None when an item that must be kept (edited by hand, or not docplan's to rebuild) has no
        place in ``new``; items the plan no longer has are dropped with the rebuilt content."""
        places: dict[str, list[Element]] = {}
        for tag, sdt in iter_tagged(new):
            if sdt is not new and _direct(sdt, new):
                places.setdefault(str(tag), []).append(sdt)
        out = []
        for child in st.children:
            held = child.status.held and not self.force
            keep = held or child.status in (Status.CURRENT, Status.UNMANAGED)
            slots = places.get(child.tag)
            if not slots:
                if held or child.status is Status.UNMANAGED:
                    return None
                continue
            out.append((slots.pop(0), child, keep))
        return out

    def finish(self) -> None:
        """Write the record: what docplan wrote now, plus the earlier record of items it kept."""
        if self.changed:
            self.doc.mark_changed(self.doc.main_part)
        state = dict(self.state)
        for tag, hashes in self.written.items():
            keep = set(state.get(tag, "").split()) if tag in self.kept else set()
            state[tag] = " ".join(sorted(hashes | keep))
        self.doc.write_state(state, self.edition)


def document_styles(doc: PlanDocument) -> dict:
    """The document's own style ids per snippet role (resolved once per document)."""
    if "snippet_styles" not in doc.cache:
        roles = doc.styles.roles() if doc.styles.root is not None else {role: None for role in snippets.ROLES}
        # body text in the style of the document's own body paragraphs («Brødtekst Skaun»)
        if doc.styles.root is not None:
            body, texts, ids = doc.body, doc.texts(), doc.style_ids()
            own = ((texts[i], ids[i]) for i, p in enumerate(doc.paragraph_elements()) if p.getparent() is body)
            roles["body"] = snippets.body_style(own, doc.styles)
        else:
            roles["body"] = None
        doc.cache["snippet_styles"] = roles
    return doc.cache["snippet_styles"]  # type: ignore[return-value]


def refresh(doc: PlanDocument, plan: Plan, *, force: bool = False, lang: str | None = None) -> Report:
    """Update every docplan item of the document from the data (and the KP catalogue).

    Items the planner edited by hand are reported and left alone unless ``force``; items whose id no
    longer exists in the data are reported as orphans; KP references to missing items are reported.
    Texts are written in ``lang``, else the document's own language, else the data's.
    """
    session = Session(doc, plan, force=force, language=lang or doc.target_language or plan.language,
                      styles=document_styles(doc))
    statuses = session.classify(doc.controls())
    session.apply(statuses)
    note_missing_kp(session, doc.body)
    session.finish()
    return session.report


def note_missing_kp(session: Session, root: Element) -> None:
    """Report each KP reference under ``root`` that points at an item the catalogue lacks (once per id)."""
    seen = set()
    for tag, sdt in iter_tagged(root):
        if tag.kind in ("kp-ref", "kp-quote") and tag.id not in seen:
            seen.add(tag.id)
            if session.plan.resolve_kp_ref(tag.id) is None:
                session.report.missing_kp.append(Problem(
                    _("kommuneplanreferansen «{ref}» viser til et punkt som ikke finnes i kommuneplanen").format(
                        ref=tag.id),
                    Location(file=session.doc.name, paragraph=session.paragraph(sdt)), code="kp_missing"))


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


def list_items(doc: PlanDocument, plan: Plan | None = None, *, lang: str | None = None) -> list[ItemInfo]:
    """Return every docplan item (nested ones too) with its `Status`; without ``plan`` only the record
    is compared (current or edited, unknown without a record)."""
    state, edition = doc.read_state()
    controls = doc.all_controls()
    statuses: dict[int, Status] = {}
    if plan is not None:
        statuses = {id(s.item): s.status for top in classify(
            doc.controls(), plan, lang or doc.target_language or plan.language, state=state,
            styles=document_styles(doc), edition=edition) for s in top.walk()}
    for c in controls:
        if statuses.get(id(c), Status.UNMANAGED) is Status.UNMANAGED:
            # without data (or for what only the template writes): only docplan's record can tell
            record = matches_record(state.get(c.name), c)
            statuses[id(c)] = Status.UNKNOWN if record is None else Status.CURRENT if record else Status.EDITED
    out = []
    for c in controls:
        text = " ".join(c.text.split())
        out.append(ItemInfo(c.name, c.tag.kind, c.tag.id, statuses[id(c)].value, doc.first_paragraph(c.element),
                            text[:80]))
    return out


STATUS_LABELS = {Status.CURRENT.value: N_("oppdatert"), Status.EDITED.value: N_("endret av planleggeren"),
                 Status.STALE.value: N_("utdatert (dataene er endret)"),
                 Status.UNKNOWN.value: N_("avviker fra dataene, uten registrering (kan være endret for hånd)"),
                 Status.ORPHAN.value: N_("finnes ikke i dataene"), Status.UNMANAGED.value: N_("lages av malen")}


def status_label(status: "Status | str", lang: str | None = None) -> str:
    """Return how a planner reads an item's status, in ``lang`` (default: the current målform)."""
    value = status.value if isinstance(status, Status) else str(status)
    label = STATUS_LABELS.get(value)
    return translate(label, lang) if label is not None else value
