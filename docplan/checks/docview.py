"""The checker's read-only view of a .docx: every part parsed once, paragraphs, headings, tables.

This is the only place the checker reads a document, so switching to ``docplan.document.PlanDocument``
is a change here alone. Paragraph numbers follow `docplan.ooxml.comments.paragraph_elements`, the
numbering `--annotate` anchors comments with.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
import zipfile
from collections import OrderedDict
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

from lxml import etree

from docplan.errors import DocumentError, Location
from docplan.ooxml import NSMAP, parse_xml, qn
from docplan.ooxml.comments import paragraph_elements
from docplan.ooxml.props import read_core_properties, template_identity
from docplan.ooxml.sdt import element_text, has_nested_paragraphs, iter_tagged, paragraph_texts
from docplan.package import inspect_package
from docplan.tags import Tag

_HEADING_NAME = re.compile(r"^(?:heading|overskrift)\s*(\d)$", re.IGNORECASE)
_W_P, _W_TBL, _W_TR, _W_TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_W_SDT, _W_SDT_CONTENT, _W_CUSTOM_XML = qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")
_W_PPR, _W_PSTYLE, _W_OUTLINE, _W_VAL = qn("w:pPr"), qn("w:pStyle"), qn("w:outlineLvl"), qn("w:val")
_NS = {"w": NSMAP["w"]}
_W_STYLE = qn("w:style")
_COUNT_P = etree.XPath("count(.//w:p)", namespaces=_NS)


@dataclass
class Paragraph:
    """One ``w:p``: its number, text, heading level (1–9 or None), chapter and (read when asked) style id."""

    index: int
    text: str
    level: int | None
    in_table: bool
    chapter: str | None = None
    element: etree._Element | None = field(default=None, repr=False, compare=False)

    @property
    def style(self) -> str | None:
        """The paragraph style id (``w:pPr/w:pStyle``), or None."""
        return _pstyle(self.element) if self.element is not None else None


@dataclass
class Cell:
    text: str
    paragraphs: list[str]
    first_paragraph: int


@dataclass
class Table:
    """A ``w:tbl``: rows of cells (rows inside row-level content controls included)."""

    first_paragraph: int
    rows: list[list[Cell]]
    has_header_row: bool


@dataclass
class TaggedItem:
    """A docplan content control: its tag, first paragraph and element; ``text`` is read when asked."""

    tag: Tag
    paragraph: int
    sdt: etree._Element
    read_text: Callable[[etree._Element], str] = field(repr=False, compare=False, default=lambda sdt: "")
    read_hash_text: Callable[[etree._Element], str | None] = field(repr=False, compare=False,
                                                                   default=lambda sdt: None)

    @cached_property
    def text(self) -> str:
        """The control's text: its paragraphs' texts joined by newlines (inline: its runs' text)."""
        return self.read_text(self.sdt)

    @property
    def hash_text(self) -> str | None:
        """``sdt_text(sdt)`` up to whitespace, so with the same `text_hash`, from the paragraph texts
        already read; None when it has to be read from the XML (inline control, nested paragraphs)."""
        return self.read_hash_text(self.sdt)


@dataclass
class Image:
    alt: str
    paragraph: int


@dataclass
class DocumentView:
    """Everything the rules need from one document, read in one pass."""

    name: str
    data: bytes
    main_part: str
    paragraphs: list[Paragraph]
    tables: list[Table]
    tagged: list[TaggedItem]
    images: list[Image]
    language: str | None
    template: tuple[str, str, str] | None
    core: dict[str, str] = field(default_factory=dict)

    @property
    def headings(self) -> list[Paragraph]:
        return [p for p in self.paragraphs if p.level is not None]

    def location(self, paragraph: int | None) -> Location:
        return Location(file=self.name, part=self.main_part, paragraph=paragraph)

    def chapter_of(self, paragraph: int | None) -> str | None:
        if paragraph is None or not 0 <= paragraph < len(self.paragraphs):
            return None
        return self.paragraphs[paragraph].chapter

    @cached_property
    def _lowered(self) -> tuple[str | None, list[int]]:
        """All paragraph texts lower-cased and joined by newlines, and where each paragraph starts.

        The text is None when lower-casing would not compare as ``re.IGNORECASE`` does (a character
        that changes length, or dotless ı / long ſ, which IGNORECASE equates with i / s).
        """
        starts, pos = [], 0
        for p in self.paragraphs:
            starts.append(pos)
            pos += len(p.text) + 1
        text = "\n".join(p.text for p in self.paragraphs)
        low = text.lower()
        if len(low) != len(text) or "ı" in text or "ſ" in text:
            return None, starts
        return low, starts

    def paragraphs_containing(self, *words: str) -> list[Paragraph]:
        """Return, in order, the paragraphs whose text contains one of ``words`` (lower-case literals),
        compared as ``re.IGNORECASE`` compares.

        A cheap filter over the whole text at once: a rule passes the words its regexes cannot match
        without, then runs those regexes on the paragraphs returned only.
        """
        low, starts = self._lowered
        if low is None:
            pattern = re.compile("|".join(map(re.escape, words)), re.IGNORECASE)
            return [p for p in self.paragraphs if pattern.search(p.text)]
        found = set()
        for word in words:
            at = low.find(word)
            while at >= 0:
                found.add(bisect_right(starts, at) - 1)
                at = low.find(word, at + 1)
        return [self.paragraphs[i] for i in sorted(found)]

def read_document(source, name: str | None = None) -> DocumentView:
    """Return the view of a .docx after the package checks; broken XML is a `DocumentError`."""
    info = inspect_package(source, name=name)
    zf = zipfile.ZipFile(io.BytesIO(info.data))
    main = info.main_part or "word/document.xml"
    try:
        root = parse_xml(zf.read(main))
    except etree.XMLSyntaxError as exc:
        raise DocumentError("dokumentet har ugyldig XML og kan ikke kontrolleres",
                            Location(file=info.name, part=main), code="bad_xml") from exc
    folder = main.rpartition("/")[0]
    styles = _styles_facts(zf, f"{folder}/styles.xml", info.name)
    settings = _optional_part(zf, f"{folder}/settings.xml", info.name)

    elements = paragraph_elements(root)
    index_of = {el: i for i, el in enumerate(elements)}
    nested = has_nested_paragraphs(root)
    texts = [t.strip() for t in paragraph_texts(root, elements, nested=nested)]
    levels = _heading_levels(root, elements, index_of, styles.heading_styles)
    in_table = [False] * len(elements)
    for tbl in root.iter(_W_TBL):
        first = next(tbl.iter(_W_P), None)
        if first is not None:
            start, count = index_of[first], int(_COUNT_P(tbl))
            in_table[start:start + count] = [True] * count
    paragraphs: list[Paragraph] = []
    chapter = None
    for i, text in enumerate(texts):
        level = levels.get(i)
        if level is not None and (in_table[i] or not text):
            level = None
        if level == 1:
            chapter = text
        paragraphs.append(Paragraph(i, text, level, in_table[i], chapter, elements[i]))

    def first_para(el: etree._Element) -> int:
        if el.tag == _W_P:
            return index_of.get(el, 0)
        p = next(el.iter(_W_P), None)
        if p is None:
            p = next(el.iterancestors(_W_P), None)
        return index_of.get(p, 0) if p is not None else 0

    def text_of(el: etree._Element) -> str:
        inner = [texts[index_of[p]] for p in el.iter(_W_P)]
        return "\n".join(inner) if inner else element_text(el).strip()

    def hash_text_of(sdt: etree._Element) -> str | None:
        # sdt_text is element_text of the first w:sdtContent: its paragraphs' texts with a newline
        # between them; stripped paragraph texts joined by a space differ only in whitespace, which
        # text_hash collapses. Without nested paragraphs each text node is in exactly one of them.
        content = None if nested else next(sdt.iterchildren(_W_SDT_CONTENT), None)
        inner = [texts[index_of[p]] for p in content.iter(_W_P)] if content is not None else None
        return " ".join(inner) if inner else None

    tables = [_table(tbl, first_para, texts, index_of) for tbl in root.iter(_W_TBL)]
    tagged = [TaggedItem(tag, first_para(sdt), sdt, text_of, hash_text_of) for tag, sdt in iter_tagged(root)]
    images = []
    for doc_pr in root.iter(qn("wp:docPr")):
        if any(el.tag.endswith("}decorative") and el.get("val") in ("1", "true") for el in doc_pr.iter()):
            continue
        alt = (doc_pr.get("descr") or doc_pr.get("title") or "").strip()
        images.append(Image(alt, first_para(doc_pr)))
    try:
        core = read_core_properties(zf)
        template = template_identity(zf)
    except etree.XMLSyntaxError:
        core, template = {}, None
    language = styles.language or _part_language(settings) or core.get("language") or None
    return DocumentView(info.name, info.data, main, paragraphs, tables, tagged, images, language, template, core)


def _optional_part(zf: zipfile.ZipFile, name: str, label: str) -> etree._Element | None:
    try:
        return parse_xml(zf.read(name.lstrip("/")))
    except KeyError:
        return None
    except etree.XMLSyntaxError as exc:
        raise DocumentError("en del av dokumentet har ugyldig XML", Location(file=label, part=name),
                            code="bad_xml") from exc


@dataclass(frozen=True)
class _StylesFacts:
    """What the checker takes from a styles part: heading style id → level, and its language."""

    heading_styles: dict[str, int]
    language: str | None


# Plans made from one template share their styles part (often 300 kB or more), so its facts are kept
# per content digest: a check parses each distinct styles part once per process. Read-only values.
_STYLES_CACHE: OrderedDict[bytes, _StylesFacts] = OrderedDict()
_STYLES_CACHE_SIZE = 64
_STYLES_LOCK = threading.Lock()


def _styles_facts(zf: zipfile.ZipFile, name: str, label: str) -> _StylesFacts:
    """Return the facts of the styles part ``name`` (empty when the package has none).

    Broken XML raises `DocumentError` as `_optional_part` does; only parsed parts are remembered.
    """
    try:
        data = zf.read(name.lstrip("/"))
    except KeyError:
        return _StylesFacts({}, None)
    key = hashlib.sha256(data).digest()
    with _STYLES_LOCK:
        facts = _STYLES_CACHE.get(key)
        if facts is not None:
            _STYLES_CACHE.move_to_end(key)
            return facts
    try:
        root = parse_xml(data)
    except etree.XMLSyntaxError as exc:
        raise DocumentError("en del av dokumentet har ugyldig XML", Location(file=label, part=name),
                            code="bad_xml") from exc
    facts = _StylesFacts(_heading_styles(root), _part_language(root))
    with _STYLES_LOCK:
        _STYLES_CACHE[key] = facts
        while len(_STYLES_CACHE) > _STYLES_CACHE_SIZE:
            _STYLES_CACHE.popitem(last=False)
    return facts


def _pstyle(p: etree._Element) -> str | None:
    ppr = p.find(_W_PPR)
    st = ppr.find(_W_PSTYLE) if ppr is not None else None
    return st.get(_W_VAL) if st is not None else None


def _heading_levels(root: etree._Element, elements: list, index_of: dict,
                    heading_styles: dict[str, int]) -> dict[int, int]:
    """Return paragraph index → heading level from the paragraph's outline level, else its style.

    Only paragraphs holding a ``w:outlineLvl``, or a ``w:pStyle`` naming a heading style, are looked
    at (one walk over those elements instead of lookups in every paragraph); for them the level is
    read as before: the first ``w:pPr``'s first ``w:outlineLvl``, else its first ``w:pStyle``.
    """
    candidates = set()
    for el in root.iter(_W_PSTYLE, _W_OUTLINE):
        if el.tag == _W_OUTLINE or el.get(_W_VAL) in heading_styles:
            ppr = el.getparent()
            i = index_of.get(ppr.getparent()) if ppr is not None else None
            if i is not None:
                candidates.add(i)
    out: dict[int, int] = {}
    for i in sorted(candidates):
        p = elements[i]
        if p.find(_W_PPR) is None:
            continue
        level = _outline_level(p)
        if level is None:
            style = _pstyle(p)
            level = heading_styles.get(style) if style is not None else None
        if level is not None:
            out[i] = level
    return out


def _level(val: str | None) -> int | None:
    """Return the heading level (1–9) of a ``w:outlineLvl`` value, None for body text or junk."""
    return int(val) + 1 if val and val.isdigit() and int(val) < 9 else None


def _outline_level(p: etree._Element) -> int | None:
    ppr = p.find(_W_PPR)
    lvl = ppr.find(_W_OUTLINE) if ppr is not None else None
    return _level(lvl.get(_W_VAL) if lvl is not None else None)


def _heading_styles(styles: etree._Element | None) -> dict[str, int]:
    """Return style id → heading level for paragraph styles named «heading N» or with an outline level."""
    out: dict[str, int] = {}
    if styles is None:
        return out
    for st in styles.iter(_W_STYLE):
        if st.get(qn("w:type")) not in (None, "paragraph"):
            continue
        sid = st.get(qn("w:styleId"))
        name_el = st.find(qn("w:name"))
        name = name_el.get(qn("w:val"), "") if name_el is not None else ""
        m = _HEADING_NAME.match(name.strip()) or _HEADING_NAME.match(sid or "")
        level = int(m.group(1)) if m else _outline_level(st)
        if sid and level:
            out[sid] = level
    return out


def _part_language(root: etree._Element | None) -> str | None:
    """Return the first ``w:lang`` value of a styles/settings part, else its ``w:themeFontLang``."""
    if root is None:
        return None
    for lang in root.iter(qn("w:lang")):
        if lang.get(qn("w:val")):
            return lang.get(qn("w:val"))
    for lang in root.iter(qn("w:themeFontLang")):
        if lang.get(qn("w:val")):
            return lang.get(qn("w:val"))
    return None


def _children(el: etree._Element, tag: str, custom_xml: bool = True) -> list[etree._Element]:
    """Return ``./tag | ./w:sdt/w:sdtContent/tag`` (and ``| ./w:customXml/tag``) in document order.

    Direct child iteration (``iterchildren`` runs in C, ``find`` does not): the same elements as the
    XPath union, without an XPath call per row/cell.
    """
    wrappers = (_W_SDT, _W_CUSTOM_XML) if custom_xml else (_W_SDT,)
    if next(el.iterchildren(*wrappers), None) is None:
        return list(el.iterchildren(tag))
    out = []
    for ch in el.iterchildren(tag, *wrappers):
        if ch.tag == tag:
            out.append(ch)
        elif ch.tag == _W_SDT:
            for content in ch.iterchildren(_W_SDT_CONTENT):
                out.extend(content.iterchildren(tag))
        else:
            out.extend(ch.iterchildren(tag))
    return out


def _cell_paragraphs(tbl: etree._Element, cells: list[etree._Element], index_of: dict) -> dict | None:
    """Return cell → indexes of its paragraphs (``./w:p | ./w:sdt/w:sdtContent/w:p``), in one walk.

    None when some paragraph of the table is not one of its cells' own (a nested table, another
    wrapper): the caller then reads cell by cell. Otherwise every paragraph under a cell is its own,
    so a cell's first paragraph is also the first ``w:p`` under it.
    """
    cell_of: dict = {tc: [] for tc in cells}
    for p in tbl.iter(_W_P):
        parent = p.getparent()
        bucket = cell_of.get(parent)
        if bucket is None and parent.tag == _W_SDT_CONTENT:
            sdt = parent.getparent()
            bucket = cell_of.get(sdt.getparent()) if sdt is not None and sdt.tag == _W_SDT else None
        if bucket is None:
            return None
        bucket.append(index_of[p])
    return cell_of


def _table(tbl: etree._Element, first_para, texts: list[str], index_of: dict) -> Table:
    rows_el = [(tr, _children(tr, _W_TC)) for tr in _children(tbl, _W_TR)]
    own = _cell_paragraphs(tbl, [tc for _, tcs in rows_el for tc in tcs], index_of)
    rows = []
    header = False
    for n, (tr, tcs) in enumerate(rows_el):
        if n == 0:
            trpr = tr.find(qn("w:trPr"))
            header = trpr is not None and trpr.find(qn("w:tblHeader")) is not None \
                and trpr.find(qn("w:tblHeader")).get(qn("w:val"), "true") not in ("0", "false", "off")
        cells = []
        for tc in tcs:
            if own is not None:
                found = own[tc]
                paras = [texts[i] for i in found]
                first = found[0] if found else first_para(tc)
            else:
                paras = [texts[index_of[p]] for p in _children(tc, _W_P, custom_xml=False)]
                p = next(tc.iter(_W_P), None)
                first = index_of[p] if p is not None else first_para(tc)
            cells.append(Cell(" ".join(filter(None, paras)), paras, first))
        rows.append(cells)
    return Table(first_para(tbl), rows, header)


__all__ = ["DocumentView", "Paragraph", "Table", "Cell", "TaggedItem", "Image", "read_document", "NSMAP"]
