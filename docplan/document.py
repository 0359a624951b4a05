"""`PlanDocument`: a planner's own .docx, opened safely and edited at the part level.

The package passes `docplan.package.inspect_package` first. Each XML part is parsed at most once
(with `docplan.ooxml.parse_xml`) and only when asked for; `to_bytes`/`save` rewrite only the parts
marked changed and copy every other zip entry byte for byte, so images, comments, custom XML and
parts docplan does not know survive untouched::

    doc = PlanDocument.open("plan.docx")
    for h in doc.headings(): print(h.index, h.level, h.number, h.text)
    ... edit doc.body ...; doc.mark_changed(doc.main_part)
    doc.save("plan-ny.docx")
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Iterator, NamedTuple

from lxml import etree

from docplan.errors import DocumentError, Location
from docplan.ooxml import NSMAP, parse_xml, qn, serialize
from docplan.ooxml.sdt import element_text, iter_tagged
from docplan.ooxml.zipcopy import RawEntry, new_entry, read_raw_entries, write_entries
from docplan.package import Limits, PackageInfo, Source, inspect_package, write_atomic
from docplan.tags import Tag

REL_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
REL_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
REL_CUSTOM_XML = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml"
CONTENT_TYPES = "[Content_Types].xml"

_W_P = qn("w:p")
_W_PPR = qn("w:pPr")
_W_PSTYLE = qn("w:pStyle")
_W_VAL = qn("w:val")
_W_OUTLINE = qn("w:outlineLvl")
_W_NUMPR = qn("w:numPr")
_STYLE_PATH = f"{qn('w:pPr')}/{qn('w:pStyle')}"
_HEADING_NAME = re.compile(r"^(?:heading|overskrift|titre|überschrift|rubrik|otsikko)\s*([1-9])$", re.IGNORECASE)
_XNS = {"w": NSMAP["w"]}
_OUTLINED = etree.XPath(".//w:p/w:pPr/w:outlineLvl", namespaces=_XNS)
_MANUAL_NUMBER = re.compile(r"^\s*((?:\d+\.)*\d+)[.)]?\s+(?=\S)")


class Paragraph(NamedTuple):
    """A ``w:p`` of the main part with its stable index (document order, tables and controls included)."""

    index: int
    element: etree._Element
    style_id: str | None

    @property
    def text(self) -> str:
        return element_text(self.element)


@dataclass(frozen=True)
class Heading:
    """A heading paragraph: outline level 1–9, its number (manual "3.2" or computed auto-number) and text."""

    index: int
    level: int
    number: str | None
    text: str
    element: etree._Element

    @property
    def title(self) -> str:
        """The heading text without a manual number prefix."""
        return _MANUAL_NUMBER.sub("", self.text, count=1).strip()


class PlanDocument:
    """A checked .docx package with lazily parsed, cached XML parts."""

    def __init__(self, info: PackageInfo):
        self.info = info
        self.name = info.name
        self.main_part: str = info.main_part or "word/document.xml"
        self._entries: list[RawEntry] = read_raw_entries(info.data)
        self._by_name = {e.name: e for e in self._entries}
        self._xml: dict[str, etree._Element] = {}
        self._changed: set[str] = set()
        self._new: dict[str, bytes] = {}
        self._paragraphs: list[Paragraph] | None = None
        self._p_elems: list[etree._Element] | None = None
        self._index: dict | None = None
        self._headings: list[Heading] | None = None
        self._levels: dict[str | None, int | None] = {}
        #: Per-document memo for derived read-only facts (e.g. resolved snippet styles).
        self.cache: dict[str, object] = {}

    # -- opening ---------------------------------------------------------------------------------
    @classmethod
    def open(cls, source: Source, *, name: str | None = None, limits: Limits | None = None) -> "PlanDocument":
        """Open a user's .docx; a refused or broken package raises `DocumentError` (Norwegian)."""
        doc = cls(inspect_package(source, name=name, limits=limits))
        doc.document  # parse the main part now so a broken document fails at open
        return doc

    # -- parts -----------------------------------------------------------------------------------
    def part_names(self) -> list[str]:
        return [e.name for e in self._entries] + [n for n in self._new if n not in self._by_name]

    def has_part(self, name: str) -> bool:
        return name in self._by_name or name in self._new

    def part_bytes(self, name: str) -> bytes:
        """Return a part's current bytes (serialised when it was parsed and changed)."""
        if name in self._changed and name in self._xml:
            return serialize(self._xml[name])
        if name in self._new:
            return self._new[name]
        import zlib

        e = self._by_name.get(name)
        if e is None:
            raise KeyError(name)
        return e.compressed if e.method == 0 else zlib.decompress(e.compressed, -15)

    def xml(self, name: str) -> etree._Element:
        """Return the parsed root of an XML part (parsed once, then cached)."""
        root = self._xml.get(name)
        if root is None:
            try:
                data = self.part_bytes(name)
            except KeyError:
                raise DocumentError(f"dokumentet mangler delen {name}", Location(file=self.name, part=name),
                                    code="missing_part") from None
            try:
                root = parse_xml(data)
            except etree.XMLSyntaxError as exc:
                raise DocumentError(f"ugyldig XML i dokumentet ({exc.msg})",
                                    Location(file=self.name, part=name, line=exc.lineno), code="bad_xml") from None
            except Exception as exc:  # zlib.error from a damaged entry
                raise DocumentError("en del av dokumentet kan ikke pakkes ut",
                                    Location(file=self.name, part=name), code="bad_zip") from exc
            self._xml[name] = root
        return root

    def xml_or_none(self, name: str | None) -> etree._Element | None:
        return self.xml(name) if name and self.has_part(name) else None

    def mark_changed(self, name: str) -> None:
        """Record that the parsed part ``name`` was edited and must be written back."""
        self._changed.add(name)
        if name == self.main_part:
            self._p_elems = None
            self._paragraphs = None
            self._index = None
            self._headings = None

    def set_part(self, name: str, data: bytes | etree._Element) -> None:
        """Add or replace a part with bytes or an element."""
        if isinstance(data, etree._Element):
            self._xml[name] = data
            self._changed.add(name)
            if name not in self._by_name:
                self._new[name] = b""
        else:
            self._xml.pop(name, None)
            self._changed.discard(name)
            self._new[name] = data

    @property
    def changed_parts(self) -> set[str]:
        return set(self._changed) | set(self._new)

    # -- relationships and content types ---------------------------------------------------------
    @staticmethod
    def rels_name(part: str) -> str:
        folder, base = posixpath.split(part)
        return posixpath.join(folder, "_rels", base + ".rels")

    def rels(self, part: str) -> etree._Element | None:
        name = self.rels_name(part)
        return self.xml(name) if self.has_part(name) else None

    def related_parts(self, part: str, rel_type: str) -> list[str]:
        """Return the part names ``part`` points at with relationships of ``rel_type`` (internal only)."""
        root = self.rels(part)
        if root is None:
            return []
        folder = posixpath.dirname(part)
        out = []
        for rel in root:
            if rel.get("Type") == rel_type and rel.get("TargetMode") != "External":
                target = rel.get("Target", "")
                path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                    posixpath.join(folder, target))
                out.append(path)
        return out

    def add_relationship(self, part: str, rel_type: str, target: str) -> str:
        """Add a relationship from ``part``; return its new id."""
        name = self.rels_name(part)
        root = self.rels(part)
        if root is None:
            root = etree.Element(f"{{{NSMAP['pr']}}}Relationships", nsmap={None: NSMAP["pr"]})
            self.set_part(name, root)
        ids = {rel.get("Id") for rel in root}
        n = len(ids) + 1
        while f"rId{n}" in ids:
            n += 1
        rel = etree.SubElement(root, f"{{{NSMAP['pr']}}}Relationship")
        rel.set("Id", f"rId{n}")
        rel.set("Type", rel_type)
        rel.set("Target", target)
        self.mark_changed(name)
        return f"rId{n}"

    def add_override(self, part: str, content_type: str) -> None:
        """Declare a content type for ``part`` in ``[Content_Types].xml`` (once)."""
        root = self.xml(CONTENT_TYPES)
        pname = "/" + part
        for el in root.iter(f"{{{NSMAP['ct']}}}Override"):
            if el.get("PartName") == pname:
                el.set("ContentType", content_type)
                break
        else:
            el = etree.SubElement(root, f"{{{NSMAP['ct']}}}Override")
            el.set("PartName", pname)
            el.set("ContentType", content_type)
        self.mark_changed(CONTENT_TYPES)

    # -- the main part ---------------------------------------------------------------------------
    @property
    def document(self) -> etree._Element:
        root = self.xml(self.main_part)
        if root.tag != qn("w:document"):
            raise DocumentError("hoveddelen er ikke et Word-dokument (w:document mangler)",
                                Location(file=self.name, part=self.main_part), code="bad_xml")
        return root

    @property
    def body(self) -> etree._Element:
        body = self.document.find(qn("w:body"))
        if body is None:
            raise DocumentError("dokumentet har ingen brødtekst (w:body mangler)",
                                Location(file=self.name, part=self.main_part), code="bad_xml")
        return body

    @cached_property
    def styles_part(self) -> str | None:
        parts = [p for p in self.related_parts(self.main_part, REL_STYLES) if self.has_part(p)]
        return parts[0] if parts else None

    @property
    def styles(self) -> etree._Element | None:
        """The root of ``word/styles.xml`` (None when the document has no styles part)."""
        return self.xml_or_none(self.styles_part)

    def location(self, paragraph: int | None = None) -> Location:
        return Location(file=self.name, part=self.main_part, paragraph=paragraph)

    def _paragraph_elements(self) -> list[etree._Element]:
        if self._p_elems is None:
            self._p_elems = list(self.body.iter(_W_P))
            self._index = None
            self._headings = None
            self._paragraphs = None
        return self._p_elems

    def paragraphs(self) -> list[Paragraph]:
        """Every ``w:p`` in the body in document order; indexes are stable until the body changes."""
        elems = self._paragraph_elements()
        if self._paragraphs is None:
            out = []
            append = out.append
            for i, p in enumerate(elems):
                ppr = p.find(_W_PPR)
                style = ppr.find(_W_PSTYLE) if ppr is not None else None
                append(Paragraph(i, p, style.get(_W_VAL) if style is not None else None))
            self._paragraphs = out
        return self._paragraphs

    def paragraph_index(self, element: etree._Element) -> int | None:
        """Return the index of a ``w:p`` of the body (None when it is not in the body)."""
        elems = self._paragraph_elements()
        if self._index is None:
            self._index = {p: i for i, p in enumerate(elems)}
        return self._index.get(element)

    @cached_property
    def _style_info(self) -> dict[str, tuple[str, str | None, int | None, bool]]:
        """style id → (name, basedOn, outline level 0-based or None, numbered)."""
        out: dict[str, tuple[str, str | None, int | None, bool]] = {}
        styles = self.styles
        if styles is None:
            return out
        for st in styles.iter(qn("w:style")):
            sid = st.get(qn("w:styleId"))
            if not sid:
                continue
            name_el = st.find(qn("w:name"))
            based = st.find(qn("w:basedOn"))
            ppr = st.find(qn("w:pPr"))
            lvl = ppr.find(qn("w:outlineLvl")) if ppr is not None else None
            num = ppr.find(qn("w:numPr")) if ppr is not None else None
            out[sid] = (name_el.get(_W_VAL, "") if name_el is not None else "",
                        based.get(_W_VAL) if based is not None else None,
                        _int(lvl.get(_W_VAL)) if lvl is not None else None, num is not None)
        return out

    def style_level(self, style_id: str | None) -> int | None:
        """Return the heading level (1–9) a paragraph style gives, following ``w:basedOn``."""
        if style_id in self._levels:
            return self._levels[style_id]
        level = self._style_level(style_id)
        self._levels[style_id] = level
        return level

    def _style_level(self, style_id: str | None) -> int | None:
        seen = set()
        sid = style_id
        while sid and sid not in seen:
            seen.add(sid)
            info = self._style_info.get(sid)
            if info and info[2] is not None and info[2] < 9:
                return info[2] + 1
            for candidate in ((info[0] if info else ""), sid):
                m = _HEADING_NAME.match(re.sub(r"(\D)\s*(\d)$", r"\1 \2", candidate.strip()))
                if m:
                    return int(m.group(1))
            sid = info[1] if info else None
        return None

    def _style_numbered(self, style_id: str | None) -> bool:
        seen = set()
        sid = style_id
        while sid and sid not in seen:
            seen.add(sid)
            info = self._style_info.get(sid)
            if info is None:
                return False
            if info[3]:
                return True
            sid = info[1]
        return False

    def headings(self) -> list[Heading]:
        """Headings in document order, with level and number (manual prefix or computed auto-number)."""
        self._paragraph_elements()
        if self._headings is not None:
            return self._headings
        # only paragraphs with a heading style or an outline level can be headings: visit just those
        found: dict[etree._Element, int] = {}
        level_of = self.style_level
        for el in self.body.iter(_W_PSTYLE):
            level = level_of(el.get(_W_VAL))
            if level is not None:
                ppr = el.getparent()
                if ppr is not None and ppr.tag == _W_PPR and (p := ppr.getparent()) is not None and p.tag == _W_P:
                    found[p] = level
        for el in _OUTLINED(self.body):
            v = _int(el.get(_W_VAL))
            if v is not None and v < 9:
                found[el.getparent().getparent()] = v + 1
        out: list[Heading] = []
        counters = [0] * 9
        for p, level in sorted(found.items(), key=lambda kv: self.paragraph_index(kv[0]) or 0):
            text = element_text(p).strip()
            if not text:
                continue
            m = _MANUAL_NUMBER.match(text)
            number = m.group(1) if m else None
            ppr = p.find(_W_PPR)
            style = ppr.find(_W_PSTYLE)
            own_num = ppr.find(_W_NUMPR) is not None
            if number is None and (own_num or self._style_numbered(style.get(_W_VAL) if style is not None
                                                                   else None)):
                counters[level - 1] += 1
                for k in range(level, 9):
                    counters[k] = 0
                number = ".".join(str(max(c, 1)) for c in counters[:level])
            out.append(Heading(self.paragraph_index(p), level, number, text, p))
        self._headings = out
        return out

    def tagged_items(self) -> list[tuple[Tag, etree._Element]]:
        """Every docplan content control of the main part, in document order."""
        return list(iter_tagged(self.body))

    def iter_tagged(self, kind: str | None = None) -> Iterator[tuple[Tag, etree._Element]]:
        for tag, sdt in iter_tagged(self.body):
            if kind is None or tag.kind == kind:
                yield tag, sdt

    # -- writing ---------------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        """Return the package: changed parts re-serialised, every other entry copied byte for byte."""
        entries: list[RawEntry] = []
        for e in self._entries:
            if e.name in self._changed and e.name in self._xml:
                entries.append(new_entry(e.name, serialize(self._xml[e.name]), like=e))
            elif e.name in self._new:
                entries.append(new_entry(e.name, self._new[e.name], like=e))
            else:
                entries.append(e)
        for name, data in self._new.items():
            if name not in self._by_name:
                body = serialize(self._xml[name]) if name in self._xml else data
                entries.append(new_entry(name, body))
        return write_entries(entries)

    def save(self, path: str | os.PathLike, *, backup: bool = False) -> Path:
        """Write the document atomically to ``path`` (with ``backup=True`` keep ``<name>.bak``)."""
        return write_atomic(path, self.to_bytes(), backup=backup)


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def open_plan_document(source: Source, *, name: str | None = None) -> PlanDocument:
    """Open a user's .docx as a `PlanDocument` (the package is checked first)."""
    return PlanDocument.open(source, name=name)
