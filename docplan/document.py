"""`PlanDocument`: the one document model docplan reads and edits a .docx with.

A `PlanDocument` is a checked `docplan.package.Package` plus its XML parts, each parsed at most once
(with the one parser) when first asked for. Insert, refresh, check, template lint, extract and
kommuneplan import all read documents through it, so a paragraph number, a heading, a docplan item
and its text mean the same thing on every path::

    doc = PlanDocument.open("plan.docx")
    for h in doc.headings(): print(h.index, h.level, h.number, h.text)
    for item in doc.controls(): print(item.tag, item.shape, item.own_text)
    ... edit doc.body ...; doc.mark_changed(doc.main_part)
    doc.save("plan-ny.docx")

Saving writes every part it did not change with the same bytes it had (images, comments, footnotes,
tracked changes, custom XML and unknown parts included), in the same order.

Paragraph numbers are the positions of ``w:p`` elements in document order in the main part, text-box
paragraphs included; findings, comments and the add-in use the same numbers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

from docplan.errors import DocumentError, Location
from docplan.ooxml import comments as ooxml_comments
from docplan.ooxml import customxml, flatopc, opc
from docplan.ooxml.ns import qn
from docplan.ooxml.numbering import Label, Numbering
from docplan.ooxml.parser import Element, is_element, make_element, serialize, sub_element
from docplan.ooxml.props import CORE_PART, CUSTOM_PART, core_properties, custom_properties, template_identity
from docplan.ooxml.sdt import Shape, docplan_tag, own_text, sdt_text, shape, tagged_of
from docplan.ooxml.styles import StyleSheet, paragraph_level, paragraph_style
from docplan.ooxml.scan import BodyScan, scan
from docplan.ooxml.text import element_text
from docplan.ooxml.toc import toc_paragraphs
from docplan.package import (CONTENT_TYPES, Limits, Package, Source, parse_part, rels_name, resolve_target,
                             write_package)
from docplan.tags import Tag
from docplan.i18n import _

REL_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
REL_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
REL_SETTINGS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings"

_W_P, _W_TBL, _W_BODY, _W_SDT = qn("w:p"), qn("w:tbl"), qn("w:body"), qn("w:sdt")
_W_PPR, _W_PSTYLE, _W_OUTLINE, _W_NUMPR = qn("w:pPr"), qn("w:pStyle"), qn("w:outlineLvl"), qn("w:numPr")
_W_VAL, _W_TXBX = qn("w:val"), qn("w:txbxContent")
#: Read-only style sheets by the digest of their part's bytes (see `PlanDocument.styles`).
_SHEETS: OrderedDict[bytes, StyleSheet] = OrderedDict()
_SHEETS_LOCK = threading.Lock()
_MANUAL_NUMBER = re.compile(r"^\s*((?:\d+\.)*\d+)[.)]?\s+(?=\S)")


class Paragraph(NamedTuple):
    """A ``w:p`` of the main part with its stable index (document order, tables and controls included)."""

    index: int
    element: Element
    style_id: str | None

    @property
    def text(self) -> str:
        return element_text(self.element)


@dataclass(frozen=True)
class Heading:
    """A heading paragraph: level 1–9, its number and text.

    ``number`` is the automatic number Word shows (``label`` is the whole automatic label, e.g.
    «Kapittel 3»), else a number typed at the start of the text («3.2 Tiltak»), else None.
    """

    index: int
    level: int
    number: str | None
    text: str
    element: Element
    label: str | None = None

    @property
    def title(self) -> str:
        """The heading text without a typed number prefix."""
        return _MANUAL_NUMBER.sub("", self.text, count=1).strip()


@dataclass(eq=False)
class Control:
    """A docplan content control: its tag, element, shape and the docplan controls inside it."""

    tag: Tag
    element: Element
    parent: "Control | None" = None
    children: list["Control"] = field(default_factory=list)

    @cached_property
    def shape(self) -> Shape:
        return shape(self.element)

    @cached_property
    def name(self) -> str:
        return str(self.tag)

    #: the document it was read from (its paragraph texts are reused), when there is one
    document: "PlanDocument | None" = field(default=None, repr=False, compare=False)

    @cached_property
    def text(self) -> str:
        """All its text, nested controls included (what Word's ``ContentControl.text`` shows, up to
        whitespace: paragraphs are separated by a newline)."""
        if self.document is not None and self.shape is not Shape.INLINE:
            joined = self.document.text_of_paragraphs_in(self.element)
            if joined is not None:
                return joined
        return sdt_text(self.element)

    @cached_property
    def own_text(self) -> str:
        """Its text without the docplan controls inside it."""
        return own_text(self.element) if self.children else self.text

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


class PlanDocument:
    """A checked .docx package with lazily parsed, cached XML parts."""

    def __init__(self, package: Package):
        self.package = package
        self.name = package.name
        self.main_part: str = package.main_part or "word/document.xml"
        self._xml: dict[str, Element] = {}
        self._changed: set[str] = set()
        self._new: dict[str, bytes] = {}
        self._removed: set[str] = set()
        self._reset_body_caches()
        #: Per-document memo for derived read-only facts (e.g. resolved snippet styles).
        self.cache: dict[str, object] = {}

    def _reset_body_caches(self) -> None:
        self._paragraphs: list[Paragraph] | None = None
        self._p_elems: list[Element] | None = None
        self._index: dict | None = None
        self._headings: list[Heading] | None = None
        self._controls: list[Control] | None = None
        self._texts: list[str] | None = None
        self._scan: BodyScan | None = None

    # -- opening ---------------------------------------------------------------------------------
    @classmethod
    def open(cls, source: Source, *, name: str | None = None, limits: Limits | None = None,
             allow_template: bool = False) -> "PlanDocument":
        """Open a user's .docx; a refused or broken package raises `DocumentError` (Norwegian)."""
        doc = cls(Package.open(source, name=name, limits=limits, allow_template=allow_template))
        doc.body  # parse the main part now so a broken document fails at open
        return doc

    @classmethod
    def from_flat_opc(cls, text: str, *, name: str = "dokumentet", limits: Limits | None = None) -> "PlanDocument":
        """Open a document Word sent as flat OPC (``body.getOoxml()``); it passes the same checks."""
        from docplan.ooxml.parser import DoctypeRefused, XMLSyntaxError

        try:
            parts = flatopc.parts_from_flat_opc(text)
        except (XMLSyntaxError, DoctypeRefused, flatopc.FlatOpcError) as exc:
            raise DocumentError(_("dokumentets OOXML kan ikke leses (ugyldig XML eller ikke en OPC-pakke)"),
                                Location(file=name, part="pkg:package"), code="bad_ooxml") from exc
        entries = [(CONTENT_TYPES, flatopc.content_types_xml([(n, t) for n, t, _unused in parts]), None)]
        entries += [(n, data, None) for n, _t, data in parts if n != CONTENT_TYPES]
        return cls.open(write_package(entries), name=name, limits=limits)

    # -- parts -----------------------------------------------------------------------------------
    def part_names(self) -> list[str]:
        names = [n for n in self.package.part_names() if n not in self._removed]
        return names + [n for n in self._new if not self.package.has_part(n) and n not in self._removed]

    def has_part(self, name: str) -> bool:
        return name not in self._removed and (self.package.has_part(name) or name in self._new)

    def part_bytes(self, name: str) -> bytes:
        """Return a part's current bytes (serialised when it was parsed and changed)."""
        if name in self._removed:
            raise KeyError(name)
        if name in self._changed and name in self._xml:
            return serialize(self._xml[name])
        if name in self._new:
            return self._new[name]
        return self.package.read(name)

    def xml(self, name: str) -> Element:
        """Return the parsed root of an XML part (parsed once, then cached)."""
        root = self._xml.get(name)
        if root is None:
            try:
                data = self.part_bytes(name)
            except KeyError:
                raise DocumentError(_("dokumentet mangler delen {name}").format(name=name),
                                    Location(file=self.name, part=name),
                                    code="missing_part") from None
            root = self._xml[name] = parse_part(self.name, name, data)
        return root

    def xml_or_none(self, name: str | None) -> Element | None:
        return self.xml(name) if name and self.has_part(name) else None

    def mark_changed(self, name: str) -> None:
        """Record that the parsed part ``name`` was edited and must be written back."""
        self._changed.add(name)
        if name == self.main_part:
            self._reset_body_caches()
            self.cache.pop("levels", None)
            self.cache.pop("labels", None)
            self.cache.pop("toc", None)

    def set_part(self, name: str, data: bytes | Element) -> None:
        """Add or replace a part with bytes or an element."""
        self._removed.discard(name)
        if isinstance(data, bytes):
            self._xml.pop(name, None)
            self._changed.discard(name)
            self._new[name] = data
        else:
            self._xml[name] = data
            self._changed.add(name)
            if not self.package.has_part(name):
                self._new[name] = b""

    def remove_part(self, name: str) -> None:
        self._removed.add(name)

    @property
    def changed_parts(self) -> set[str]:
        return (set(self._changed) | set(self._new) | self._removed)

    # -- relationships and content types ---------------------------------------------------------
    def related_parts(self, part: str, rel_type: str) -> list[str]:
        """Return the part names ``part`` points at with relationships of ``rel_type`` (internal only)."""
        root = self.xml_or_none(rels_name(part))
        if root is None:
            return []
        return [resolve_target(part, rel.get("Target", "")) for rel in root
                if is_element(rel) and rel.get("Type") == rel_type and rel.get("TargetMode") != "External"]

    def add_relationship(self, part: str, rel_type: str, target: str) -> str:
        """Add a relationship from ``part``; return its new id."""
        name = rels_name(part)
        root = self.xml_or_none(name)
        if root is None:
            root = opc.new_relationships()
            self.set_part(name, root)
        rid = opc.add_relationship(root, rel_type, target)
        self.mark_changed(name)
        return rid

    def add_override(self, part: str, content_type: str) -> None:
        """Declare a content type for ``part`` in ``[Content_Types].xml`` (once)."""
        if opc.set_override(self.xml(CONTENT_TYPES), part, content_type):
            self.mark_changed(CONTENT_TYPES)

    def _related_one(self, rel_type: str) -> str | None:
        parts = [p for p in self.related_parts(self.main_part, rel_type) if self.has_part(p)]
        return parts[0] if parts else None

    # -- the main part ---------------------------------------------------------------------------
    @property
    def document(self) -> Element:
        root = self.xml(self.main_part)
        if root.tag != qn("w:document"):
            raise DocumentError(_("hoveddelen er ikke et Word-dokument (w:document mangler)"),
                                Location(file=self.name, part=self.main_part), code="bad_xml")
        return root

    @property
    def body(self) -> Element:
        body = self.document.find(_W_BODY)
        if body is None:
            raise DocumentError(_("dokumentet har ingen brødtekst (w:body mangler)"),
                                Location(file=self.name, part=self.main_part), code="bad_xml")
        return body

    def location(self, paragraph: int | None = None) -> Location:
        return Location(file=self.name, part=self.main_part, paragraph=paragraph)

    # -- styles, numbering, properties -----------------------------------------------------------
    @cached_property
    def styles_part(self) -> str | None:
        return self._related_one(REL_STYLES)

    @cached_property
    def styles(self) -> StyleSheet:
        """The document's styles (an empty sheet when it has no styles part).

        Documents made from one template share their styles part (often hundreds of kB), so its facts are
        kept per content digest: a batch or the add-in server reads each distinct styles part once.
        """
        name = self.styles_part
        if name is None:
            return StyleSheet(None)
        if name in self._changed:
            return StyleSheet(self.xml(name))
        data = self.part_bytes(name)
        key = hashlib.sha256(data).digest()
        with _SHEETS_LOCK:
            sheet = _SHEETS.get(key)
            if sheet is not None:
                _SHEETS.move_to_end(key)
                return sheet
        sheet = StyleSheet(self.xml(name))
        with _SHEETS_LOCK:
            _SHEETS[key] = sheet
            while len(_SHEETS) > 32:
                _SHEETS.popitem(last=False)
        return sheet

    @cached_property
    def numbering(self) -> Numbering:
        return Numbering(self.xml_or_none(self._related_one(REL_NUMBERING)), self.styles)

    @cached_property
    def settings(self) -> Element | None:
        return self.xml_or_none(self._related_one(REL_SETTINGS))

    @cached_property
    def language(self) -> str | None:
        """The document's language tag (styles' defaults, else settings' theme language, else core)."""
        lang = self.styles.language()
        if not lang and self.settings is not None:
            el = self.settings.find(qn("w:themeFontLang"))
            lang = el.get(qn("w:val")) if el is not None else None
        return lang or self.core_properties.get("language") or None

    @property
    def target_language(self) -> str | None:
        """Return "nb" or "nn" when the document's language is one of them, else None."""
        value = (self.styles.language() or "").lower()
        if value.startswith("nn"):
            return "nn"
        if value.startswith(("nb", "no")):
            return "nb"
        return None

    @cached_property
    def core_properties(self) -> dict[str, str]:
        try:
            return core_properties(self.xml_or_none(CORE_PART))
        except DocumentError:  # broken properties: the document has none that can be read
            return {}

    @cached_property
    def custom_properties(self) -> dict[str, str]:
        try:
            return custom_properties(self.xml_or_none(CUSTOM_PART))
        except DocumentError:
            return {}

    @property
    def template_identity(self) -> tuple[str, str, str] | None:
        """(template id, version, language) the document was made from, when recorded."""
        return template_identity(self.custom_properties)

    # -- paragraphs and headings -----------------------------------------------------------------
    def body_scan(self) -> BodyScan:
        """What one walk over the body found (`docplan.ooxml.scan`); walked again after the body changes."""
        if self._scan is None:
            self._scan = scan(self.body)
        return self._scan

    def _paragraph_elements(self) -> list[Element]:
        return self.body_scan().paragraphs

    def paragraphs(self) -> list[Paragraph]:
        """Every ``w:p`` in the body in document order; indexes are stable until the body changes."""
        if self._paragraphs is None:
            styles = self.style_ids()
            self._paragraphs = [Paragraph(i, p, styles[i]) for i, p in enumerate(self._paragraph_elements())]
        return self._paragraphs

    def style_ids(self) -> list[str | None]:
        """Every paragraph's style id (as `paragraph_style`; None without one), by paragraph number.

        Found by the one body walk, so unstyled paragraphs cost nothing.
        """
        return self.body_scan().style_ids

    def paragraph_elements(self) -> list[Element]:
        return self._paragraph_elements()

    def texts(self) -> list[str]:
        """The text of every paragraph (without surrounding whitespace), by paragraph number."""
        if self._texts is None:
            body = self.body_scan()
            texts = body.texts if body.texts is not None else [element_text(p) for p in body.paragraphs]
            self._texts = [t.strip() for t in texts]
        return self._texts

    def paragraph_numbers(self) -> dict[Element, int]:
        """Return paragraph element → its number, for every ``w:p`` of the body."""
        if self._index is None:
            self._index = {p: i for i, p in enumerate(self._paragraph_elements())}
        return self._index

    def paragraph_index(self, element: Element) -> int | None:
        """Return the index of a ``w:p`` of the body (None when it is not in the body)."""
        return self.paragraph_numbers().get(element)

    @property
    def has_nested_paragraphs(self) -> bool:
        """Whether a paragraph of the body lies inside another (text boxes, shapes)."""
        return self.body_scan().nested

    def text_of_paragraphs_in(self, el: Element) -> str | None:
        """Return the texts of the paragraphs inside ``el`` joined by newlines, from the texts read once;
        None when paragraphs nest (text boxes) or ``el`` holds none (then read it on its own)."""
        if self.has_nested_paragraphs:
            return None
        first = next(el.iter(_W_P), None)
        start = self.paragraph_index(first) if first is not None else None
        if start is None:
            return None
        return "\n".join(self.texts()[start:self._paragraphs_after(el)])

    def _paragraphs_after(self, el: Element) -> int:
        """Return the number of the first paragraph after ``el`` and all it holds (the paragraphs in an
        element are a range of numbers: this ends it without counting them)."""
        node = el
        while node is not None and node is not self.body:
            sibling = node.getnext()
            while sibling is not None:
                p = sibling if sibling.tag == _W_P else next(sibling.iter(_W_P), None)
                if p is not None:
                    return self.paragraph_index(p)
                sibling = sibling.getnext()
            node = node.getparent()
        return len(self._paragraph_elements())

    def first_paragraph(self, el: Element) -> int | None:
        """Return the number of the first paragraph in ``el``, else of the paragraph around it."""
        p = el if el.tag == _W_P else next(el.iter(_W_P), None)
        if p is None:
            p = next(el.iterancestors(_W_P), None)
        return self.paragraph_index(p) if p is not None else None

    def _paragraphs_with(self, *tags: str) -> list[tuple[int, Element]]:
        """Return (number, paragraph) of the paragraphs whose own first ``w:pPr`` holds one of ``tags``."""
        return self._paragraphs_of(self.body.iter(*tags))

    def _paragraphs_of(self, props) -> list[tuple[int, Element]]:
        """Return (number, paragraph) of the paragraphs whose own first ``w:pPr`` holds a property in ``props``."""
        index = self.paragraph_index
        found: dict[int, Element] = {}
        for el in props:
            ppr = el.getparent()
            p = ppr.getparent() if ppr is not None and ppr.tag == _W_PPR else None
            if p is not None and p.tag == _W_P and next(p.iterchildren(_W_PPR), None) is ppr:
                i = index(p)
                if i is not None:
                    found[i] = p
        return sorted(found.items(), key=lambda kv: kv[0])

    def numbering_labels(self) -> dict[int, Label]:
        """Return paragraph number → the automatic number label Word shows, for numbered paragraphs.

        Only paragraphs with numbering (their own ``w:numPr`` or a numbered style) move the counters,
        so only those are walked, in document order.
        """
        if "labels" not in self.cache:
            numbering = self.numbering
            numbering.reset()
            labels: dict[int, Label] = {}
            if numbering.nums:
                numbered_styles = {sid for sid in self.styles.styles if self.styles.numbering(sid) is not None}
                candidates = dict(self._paragraphs_with(_W_NUMPR))
                if numbered_styles:
                    for i, p in self._paragraphs_of(self.body_scan().styles):
                        if paragraph_style(p) in numbered_styles:
                            candidates[i] = p
                for i in sorted(candidates):
                    label = numbering.label(candidates[i])
                    if label is not None:
                        labels[i] = label
            self.cache["labels"] = labels
        return self.cache["labels"]  # type: ignore[return-value]

    def is_body_text(self, p: Element) -> bool:
        """Whether a paragraph is in the running text: not in a table, a text box or a nested paragraph."""
        for _anc in p.iterancestors(_W_TBL, _W_TXBX, _W_P):
            return False
        return True

    def heading_levels(self) -> dict[int, int]:
        """Return paragraph number → heading level (the one heading rule, `docplan.ooxml.styles`).

        Paragraphs in tables or text boxes, and empty ones, are not headings. Only paragraphs with a
        style or an outline level of their own can be headings, so only those are looked at.
        """
        if "levels" not in self.cache:
            sheet = self.styles
            texts = self.texts()
            # a style that gives no heading level needs no further look (most paragraphs have one)
            decided: dict[str | None, bool] = {}
            candidates = []
            body = self.body_scan()
            for el in body.styles:
                sid = el.get(_W_VAL)
                hit = decided.get(sid)
                if hit is None:
                    hit = decided[sid] = sheet.heading_level(sid) is not None
                if hit:
                    candidates.append(el)
            candidates += body.outlines
            levels = {}
            for i, p in self._paragraphs_of(candidates):
                level = paragraph_level(p, sheet)
                if level is not None and texts[i].strip() and self.is_body_text(p):
                    levels[i] = level
            self.cache["levels"] = dict(sorted(levels.items()))
        return self.cache["levels"]  # type: ignore[return-value]

    def headings(self) -> list[Heading]:
        """Headings in document order (`heading_levels`), with the number each shows.

        A heading's number is its automatic number (Word's numbering), else a number typed at the start.
        """
        if self._headings is not None:
            return self._headings
        elements = self._paragraph_elements()
        texts = self.texts()
        levels = self.heading_levels()
        labels = self.numbering_labels() if levels else {}
        out: list[Heading] = []
        for i, level in levels.items():
            text = texts[i].strip()
            label = labels.get(i)
            number, label_text = None, None
            if label is not None and not label.bullet and label.number:
                number, label_text = label.number, label.text.strip() or None
            else:
                m = _MANUAL_NUMBER.match(text)
                number = m.group(1) if m else None
            out.append(Heading(i, level, number, text, elements[i], label_text))
        self._headings = out
        return out

    def toc_paragraphs(self) -> frozenset[int]:
        """Return the numbers of the paragraphs that belong to a table of contents (`docplan.ooxml.toc`).

        Import, extract and check pass over them: a TOC line repeats a heading and ends in a page number.
        """
        if "toc" not in self.cache:
            self.cache["toc"] = frozenset(toc_paragraphs(self.body, self._paragraph_elements(), self.texts(),
                                                         self.style_ids(),
                                                         self.styles))
        return self.cache["toc"]  # type: ignore[return-value]

    def chapter_of(self, paragraph: int | None) -> str | None:
        """Return the text of the level-1 heading a paragraph is under (None before the first one)."""
        if paragraph is None:
            return None
        chapter = None
        for h in self.headings():
            if h.index > paragraph:
                break
            if h.level == 1:
                chapter = h.text
        return chapter

    # -- docplan content controls ----------------------------------------------------------------
    def tagged_items(self) -> list[tuple[Tag, Element]]:
        """Every docplan content control of the main part (nested ones too), in document order."""
        return list(tagged_of(self.body_scan().tags))

    def controls(self) -> list[Control]:
        """The outermost docplan controls, each with the docplan controls inside it, in document order."""
        if self._controls is None:
            top: list[Control] = []
            made: dict[Element, Control] = {}
            for tag, sdt in tagged_of(self.body_scan().tags):
                parent = None
                for anc in sdt.iterancestors(_W_SDT):
                    parent = made.get(anc)
                    if parent is not None:
                        break
                control = Control(tag, sdt, parent, document=self)
                made[sdt] = control
                (parent.children if parent is not None else top).append(control)
            self._controls = top
        return self._controls

    def all_controls(self) -> list[Control]:
        return [c for top in self.controls() for c in top.walk()]

    # -- docplan's record ------------------------------------------------------------------------
    def state_part(self) -> str | None:
        """Return the name of the document's docplan record part (``customXml/itemN.xml``), or None."""
        for name in self.part_names():
            if name.startswith("customXml/item") and name.endswith(".xml") and "Props" not in name:
                try:
                    data = self.part_bytes(name)
                except KeyError:
                    continue
                if customxml.STATE_NS.encode() not in data:
                    continue
                try:
                    if customxml.is_state(self.xml(name)):
                        return name
                except DocumentError:  # a broken custom XML part is not docplan's record
                    continue
        return None

    def read_state(self) -> tuple[dict[str, str], str | None]:
        """Return (tag → recorded hashes, edition municipality) from docplan's record ({} and None without)."""
        name = self.state_part()
        return customxml.read_state_root(self.xml(name)) if name else ({}, None)

    def write_state(self, state: dict[str, str], municipality: str | None = None) -> None:
        """Store docplan's record, creating the part (and its links) if needed; an equal record changes nothing."""
        name = self.state_part()
        root = customxml.state_element(state, municipality)
        if name is not None:
            if customxml.read_state_root(self.xml(name)) == (state, municipality):
                return
            self.set_part(name, root)
            return
        n = 1
        while self.has_part(f"customXml/item{n}.xml") or self.has_part(f"customXml/itemProps{n}.xml"):
            n += 1
        item, props = f"customXml/item{n}.xml", f"customXml/itemProps{n}.xml"
        self.set_part(item, root)
        self.set_part(props, customxml.datastore_item())
        self.add_relationship(item, customxml.REL_CUSTOM_XML_PROPS, f"itemProps{n}.xml")
        self.add_override(props, customxml.CT_CUSTOM_XML_PROPS)
        self.add_override(item, "application/xml")
        target = "../" + item if self.main_part.startswith("word/") else "/" + item
        self.add_relationship(self.main_part, customxml.REL_CUSTOM_XML, target)

    # -- comments --------------------------------------------------------------------------------
    def replace_docplan_comments(self, comments: list[tuple[int, str]], *, date: dt.datetime | None = None) -> None:
        """Remove the comments docplan added before, then anchor one comment per (paragraph, text).

        The planner's own comments are never touched. Texts get docplan's marker. A paragraph number
        outside the document is anchored at the last paragraph, so no comment is lost.
        """
        stamp = (date or dt.datetime.now(dt.timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
        existing = [p for p in self.related_parts(self.main_part, ooxml_comments.COMMENTS_REL) if self.has_part(p)]
        part = existing[0] if existing else "word/comments.xml"
        root = self.xml(part) if existing else ooxml_comments.new_comments_part()
        main = self.document
        removed = ooxml_comments.remove_docplan_comments(root, main) if existing else set()
        if removed:
            for rel in ooxml_comments.EXTENDED_RELS:
                for ext in self.related_parts(self.main_part, rel):
                    if self.has_part(ext) and ooxml_comments.remove_by_para_id(self.xml(ext), removed):
                        self.mark_changed(ext)
        paras = self._paragraph_elements()
        if comments and not paras:
            p = make_element(_W_P)
            sect = self.body.find(qn("w:sectPr"))
            if sect is not None:
                sect.addprevious(p)
            else:
                self.body.append(p)
            paras = [p]
        cid = ooxml_comments.next_comment_id(root, main)
        for paragraph, text in comments:
            if not text.startswith(ooxml_comments.MARKER):
                text = f"{ooxml_comments.MARKER} {text}"
            root.append(ooxml_comments.comment_element(cid, text, stamp))
            ooxml_comments.anchor(paras[min(max(paragraph, 0), len(paras) - 1)], cid)
            cid += 1
        self.mark_changed(self.main_part)
        if existing:
            self.mark_changed(part)
        elif comments:
            self.set_part(part, root)
            self.add_relationship(self.main_part, ooxml_comments.COMMENTS_REL, "comments.xml"
                                  if self.main_part.startswith("word/") else "/" + part)
            self.add_override(part, ooxml_comments.COMMENTS_TYPE)

    # -- writing ---------------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        """Return the package: changed parts re-serialised, every other part with the bytes it had."""
        entries = []
        for name in self.part_names():
            entries.append((name, self.part_bytes(name), self.package.info(name)))
        return write_package(entries)

    def save(self, path: str | os.PathLike, *, backup: bool = False) -> Path:
        """Write the document atomically to ``path`` (with ``backup=True`` keep ``<name>.bak``)."""
        from docplan.files import write_atomic

        return write_atomic(path, self.to_bytes(), backup=backup)


def open_plan_document(source: Source, *, name: str | None = None) -> PlanDocument:
    """Open a user's .docx as a `PlanDocument` (the package is checked first)."""
    return PlanDocument.open(source, name=name)


def new_paragraph() -> Element:
    return make_element(_W_P)


def add_paragraph(parent: Element) -> Element:
    return sub_element(parent, _W_P)


__all__ = ["Control", "Heading", "Paragraph", "PlanDocument", "Shape", "docplan_tag", "open_plan_document"]
