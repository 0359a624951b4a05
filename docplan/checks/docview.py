"""The checker's read-only view of a .docx: every part parsed once, paragraphs, headings, tables.

This is the only place the checker reads a document, so switching to ``docplan.document.PlanDocument``
is a change here alone. Paragraph numbers follow `docplan.ooxml.comments.paragraph_elements`, the
numbering `--annotate` anchors comments with.

The main part is read in one walk over the elements that matter (`_Walk`); a tagged item's paragraph
and texts are read when a rule asks for them. The parts beside it (styles, settings, properties,
docplan's record) are read by a worker thread while the main part is read (neither the compiled
readings nor lxml hold the GIL); a styles part's facts are remembered per content digest.
"""

from __future__ import annotations

import atexit
import hashlib
import io
import re
import threading
import zipfile
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import chain, product

from lxml import etree

from docplan.errors import DocumentError, Location
from docplan.ooxml import NSMAP, parse_xml, qn
from docplan.ooxml.props import read_core_properties, template_identity
from docplan.ooxml.sdt import element_text
from docplan.package import inspect_package, read_part
from docplan.tags import PREFIX, Tag, parse_tag

_HEADING_NAME = re.compile(r"^(?:heading|overskrift)\s*(\d)$", re.IGNORECASE)
_W_P, _W_TBL, _W_TR, _W_TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_W_T, _W_TAB, _W_BR = qn("w:t"), qn("w:tab"), qn("w:br")
_W_SDT, _W_SDT_CONTENT, _W_CUSTOM_XML = qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")
_W_PPR, _W_PSTYLE, _W_OUTLINE, _W_VAL = qn("w:pPr"), qn("w:pStyle"), qn("w:outlineLvl"), qn("w:val")
_W_TRPR, _W_TBL_HEADER = qn("w:trPr"), qn("w:tblHeader")
_W_SDT_PR, _W_TAG, _W_TXBX = qn("w:sdtPr"), qn("w:tag"), qn("w:txbxContent")
_DOCPLAN = PREFIX + ":"
_W_STYLE, _W_NAME, _W_TYPE, _W_STYLE_ID = qn("w:style"), qn("w:name"), qn("w:type"), qn("w:styleId")
_WP_DOC_PR = qn("wp:docPr")
_COUNT_P = etree.XPath("count(.//w:p)", namespaces={"w": NSMAP["w"]})
# the first w:pStyle and w:outlineLvl of each paragraph's first w:pPr, in document order
_PARAGRAPH_PROPS = etree.XPath(".//w:p/w:pPr[1]/w:pStyle[1] | .//w:p/w:pPr[1]/w:outlineLvl[1]",
                               namespaces={"w": NSMAP["w"]})

try:  # built with the package where a C compiler was at hand; the Python walk reads the same facts
    from docplan.checks._cwalk import AVAILABLE as _EXPAT_API
    from docplan.checks._cwalk import flat_rows as _compiled_rows
    from docplan.checks._cwalk import styles as _compiled_styles
    from docplan.checks._cwalk import walk as _compiled_walk

    if not _EXPAT_API:  # pragma: no cover - a Python whose pyexpat exports another C API
        _compiled_walk = None
except Exception:  # pragma: no cover - not built, or built against an lxml it cannot load with
    _compiled_walk = _compiled_rows = _compiled_styles = None

#: whether the compiled walk (`docplan.checks._cwalk`) is in use
COMPILED = _compiled_walk is not None


@dataclass(slots=True)
class Paragraph:
    """One ``w:p``: its number, text, heading level (1–9 or None), chapter; its element and style id are
    read when asked for."""

    index: int
    text: str
    level: int | None
    in_table: bool
    chapter: str | None = None
    _walk: _Walk | None = field(default=None, repr=False, compare=False)

    @property
    def element(self) -> etree._Element | None:
        return self._walk.elements[self.index] if self._walk is not None else None

    @property
    def style(self) -> str | None:
        """The paragraph style id (``w:pPr/w:pStyle``), or None."""
        return self._walk._paragraph_styles[self.index] if self._walk is not None else None


@dataclass(slots=True)
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


class Paragraphs(Sequence):
    """A document's paragraphs in order; each `Paragraph` object is made when first asked for (most
    rules read a few paragraphs found through `DocumentView.paragraphs_containing` or the headings)."""

    def __init__(self, texts: list[str], walk: _Walk, levels: dict[int, int], in_table: list[bool]):
        self.texts, self._walk, self._levels, self._in_table = texts, walk, levels, in_table
        self._chapters = [i for i in sorted(levels) if levels[i] == 1]  # paragraphs opening a chapter
        self._made: list[Paragraph | None] = [None] * len(texts)

    def __len__(self) -> int:
        return len(self.texts)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self.texts)))]
        made = self._made[i]
        if made is None:
            i = range(len(self.texts))[i]  # a negative index counts from the end, as for a list
            made = self._made[i] = Paragraph(i, self.texts[i], self._levels.get(i), self._in_table[i],
                                             self.chapter(i), self._walk)
        return made

    def in_table(self, i: int) -> bool:
        """Whether paragraph ``i`` is in a table."""
        return self._in_table[i]

    def chapter(self, i: int) -> str | None:
        """The text of the level-1 heading paragraph ``i`` is under (None before the first one)."""
        k = bisect_right(self._chapters, i)
        return self.texts[self._chapters[k - 1]] if k else None

    def headings(self) -> list[Paragraph]:
        return [self[i] for i in sorted(self._levels)]


class TaggedItem:
    """A docplan content control: its tag (parsed, and ``name`` as written), element and first
    paragraph (an inline control: the paragraph it is in); its texts are read when asked."""

    __slots__ = ("tag", "name", "_sdt", "paragraph", "_walk", "_end", "_inline", "_text")

    def __init__(self, tag: Tag, name: str, sdt: etree._Element | int, walk: _Walk, paragraph: int,
                 end: int | None, inline: str | None):
        # the w:sdt, or its number among the document's w:sdt elements (the compiled walk makes no tree)
        self.tag, self.name, self._sdt, self.paragraph, self._walk = tag, name, sdt, paragraph, walk
        # the number after its last paragraph (None when it holds none, or paragraphs nest); the text
        # of a control without paragraphs, when the walk read it (all of it is in its first content)
        self._end, self._inline = end, inline
        self._text: str | None = None

    @property
    def sdt(self) -> etree._Element:
        """The ``w:sdt`` element (the main part is parsed for it where the compiled walk read it)."""
        return self._walk.element(self._sdt, _W_SDT)

    @property
    def text(self) -> str:
        """The control's text: its paragraphs' texts joined by newlines (inline: its runs' text)."""
        if self._text is None:
            if self._end is not None:
                self._text = "\n".join(self._walk.texts[self.paragraph:self._end])
            elif self._inline is not None:  # as `_Walk.text_of` reads it, without parsing the part for it
                self._text = self._inline.strip()
            else:
                self._text = self._walk.text_of(self.sdt)
        return self._text

    @property
    def hash_text(self) -> str:
        """A text with the `text_hash` of ``sdt_text(sdt)`` (equal up to whitespace), from the texts read.

        ``sdt_text`` is the text of the first ``w:sdtContent``: its paragraphs' texts with a newline
        between them. Without nested paragraphs each text node is in exactly one paragraph, and those
        paragraphs are a range of numbers; their stripped, non-empty texts joined by a space differ only
        in whitespace, which `text_hash` collapses (and then mostly has none to collapse). A control
        without paragraphs (inline), or where paragraphs nest, is read as it is.
        """
        if self._end is not None:
            return " ".join(filter(None, self._walk.texts[self.paragraph:self._end]))
        if self._inline is not None:
            return self._inline
        content = next(self.sdt.iterchildren(_W_SDT_CONTENT), None)
        return element_text(content) if content is not None else ""

    def __repr__(self) -> str:
        return f"TaggedItem({self.name!r}, paragraph={self.paragraph})"


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
    paragraphs: Paragraphs
    tables: list[Table]
    tagged: list[TaggedItem]
    images: list[Image]
    language: str | None
    template: tuple[str, str, str] | None
    core: dict[str, str] = field(default_factory=dict)
    #: docplan's record of what it inserted: tag → recorded text hashes ({} when there is none)
    state: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def headings(self) -> list[Paragraph]:
        return self.paragraphs.headings()

    def location(self, paragraph: int | None) -> Location:
        return Location(file=self.name, part=self.main_part, paragraph=paragraph)

    def chapter_of(self, paragraph: int | None) -> str | None:
        if paragraph is None or not 0 <= paragraph < len(self.paragraphs):
            return None
        return self.paragraphs.chapter(paragraph)

    @cached_property
    def _folded(self) -> bytes | None:
        """All paragraph texts as UTF-8 with ASCII letters lower-cased, joined by NUL bytes (which XML
        text cannot hold); None when the text holds a letter ``re.IGNORECASE`` equates with an ASCII
        letter or with å (dotless ı, İ, long ſ, the Kelvin sign, the Ångström sign)."""
        text = "\0".join(self.paragraphs.texts)
        if any(c in text for c in _IGNORECASE_EXTRA):
            return None
        return text.encode("utf-8").lower()

    def paragraphs_containing(self, *words: str) -> list[Paragraph]:
        """Return, in order, the paragraphs whose text contains one of ``words`` (lower-case literals),
        compared as ``re.IGNORECASE`` compares.

        A cheap filter over the whole text at once: a rule passes the words its regexes cannot match
        without, then runs those regexes on the paragraphs returned only.
        """
        return [self.paragraphs[i] for i in self.indexes_containing(*words)]

    def indexes_containing(self, *words: str) -> list[int]:
        """`paragraphs_containing`, as paragraph numbers (no `Paragraph` objects are made).

        A word is looked for as bytes in `_folded`, in each spelling of its letters outside ASCII
        (æ, ø, å and their capitals): a match is where the text holds the word in any case, and the
        NUL bytes before it count the paragraphs before it.
        """
        data = self._folded
        spellings = [_spellings(word) for word in words]
        if data is None or None in spellings:
            pattern = re.compile("|".join(map(re.escape, words)), re.IGNORECASE)
            return [i for i, text in enumerate(self.paragraphs.texts) if pattern.search(text)]
        hits = []
        for variant in chain.from_iterable(spellings):
            at = data.find(variant)
            while at >= 0:
                hits.append(at)
                at = data.find(variant, at + 1)
        hits.sort()
        found, count, last = [], 0, 0
        for at in hits:
            count += data.count(b"\0", last, at)
            last = at
            if not found or found[-1] != count:
                found.append(count)
        return found


# letters outside ASCII that re.IGNORECASE equates with an ASCII letter or with å: lower-casing the
# ASCII letters alone would miss them, so a text holding one is searched with the regex
_IGNORECASE_EXTRA = "\u0131\u0130\u017f\u212a\u212b"
_CASED = {"æ": "Æ", "ø": "Ø", "å": "Å"}


@lru_cache(maxsize=256)
def _spellings(word: str) -> tuple[bytes, ...] | None:
    """The UTF-8 spellings of a lower-case word with its letters æ, ø, å in either case (ASCII letters
    are lower-cased in `DocumentView._folded`); None for a word with other letters outside ASCII."""
    if word != word.lower() or not word:
        return None
    options = []
    for c in word:
        if c.isascii():
            options.append((c,))
        elif c in _CASED:
            options.append((c, _CASED[c]))
        else:
            return None
    return tuple("".join(p).encode("utf-8") for p in product(*options))


def read_document(source, name: str | None = None) -> DocumentView:
    """Return the view of a .docx after the package checks; broken XML is a `DocumentError`."""
    info = inspect_package(source, name=name)
    zf = zipfile.ZipFile(io.BytesIO(info.data))
    main = info.main_part or "word/document.xml"
    # The parts beside the main part are read by a worker, through its own ZipFile, while this thread
    # unpacks and reads the main part (zlib, the compiled readings and lxml work without the GIL).
    side = _pool().submit(_package_facts, info.data, main, info.name)
    try:
        walk = _Walk(read_part(zf, main, info.name))  # needs no other part: the worker reads them meanwhile
    except etree.XMLSyntaxError as exc:  # reported before a broken styles or settings part
        side.cancel()
        raise DocumentError("dokumentet har ugyldig XML og kan ikke kontrolleres",
                            Location(file=info.name, part=main), code="bad_xml") from exc
    except DocumentError:
        side.cancel()
        raise
    facts = _package_facts(info.data, main, info.name) if side.cancel() else side.result()  # not started: here
    return DocumentView(info.name, info.data, main, walk.paragraphs(facts.heading_styles), walk.tables(),
                        walk.tagged(), walk.images(), facts.language, facts.template, facts.core, facts.state)


@dataclass(frozen=True)
class _PackageFacts:
    """What the checker takes from the parts beside the main part."""

    heading_styles: dict[str, int]
    language: str | None
    core: dict[str, str]
    template: tuple[str, str, str] | None
    state: dict[str, str]


def _package_facts(package: bytes, main: str, label: str) -> _PackageFacts:
    """Read the styles, settings, properties and docplan state parts of a checked package; broken
    styles or settings XML is a `DocumentError` (styles first), broken properties count as none.

    The styles part comes first: unpacking, hashing and parsing it run without the GIL, while the
    caller unpacks and parses the main part. The small parts' Python work comes after, while the
    caller is still parsing. (Done first, or in a second worker, that Python work held the GIL when
    the caller and the styles part's reading needed it: with the interpreter's 5 ms switch interval,
    each such wait cost milliseconds.)
    """
    from docplan.state import read_state

    zf = zipfile.ZipFile(io.BytesIO(package))
    folder = main.rpartition("/")[0]
    styles = _styles_facts(zf, f"{folder}/styles.xml", label)
    settings = _optional_part(zf, f"{folder}/settings.xml", label)
    try:
        core = read_core_properties(zf)
        template = template_identity(zf)
    except Exception:  # broken or damaged properties parts: the document has none that can be read
        core, template = {}, None
    state = read_state(zf)
    language = styles.language or _part_language(settings) or core.get("language") or None
    return _PackageFacts(styles.heading_styles, language, core, template, state)


_WALK = (_W_P, _W_T, _W_TC, _W_TAG, _W_TR, _W_TAB, _W_BR, _W_TBL, _W_TXBX, _WP_DOC_PR)


class _Walk:
    """One pass over the main part's elements that matter, in document order.

    Paragraph ``i`` is the ``i``-th ``w:p`` in document order. The walk is pre-order, so the paragraphs
    inside an element are numbered on from the count of paragraphs met before the element itself: the
    paragraphs of a table, and of each of its cells, are a range of numbers and their texts a slice of
    one list, with no lookup per paragraph. A paragraph's style id and outline level are those of its
    own first ``w:pPr``.

    Without text boxes each text node belongs to the last paragraph met before it, so texts are read
    in the walk. A text box holds paragraphs inside a paragraph: then each paragraph is read on its
    own, and table cells from their own paragraphs (``./w:p | ./w:sdt/w:sdtContent/w:p``), as where
    tables nest.

    Both walks give the facts `docplan.checks._cwalk.walk` documents. The compiled one (when it is
    built) reads them from the part's bytes where neither paragraphs nor tables nest, without building
    a tree: the part is parsed only if a rule asks for an element. `_read` reads them from lxml's tree
    in Python, for any document. Elements in the facts are then elements, and in the compiled walk's
    numbers among the elements with their tag (`element`).
    """

    def __init__(self, data: bytes):
        """Read the main part ``data``; broken XML raises lxml's `etree.XMLSyntaxError`."""
        self._data = data
        self._numbered: dict[str, list[etree._Element]] = {}  # elements by tag, listed for `element`
        self.nested, self._flat = False, True  # what the compiled walk reads; `_read` says otherwise
        facts = _compiled_walk(data) if _compiled_walk is not None else None
        if facts is None:
            root = self.__dict__["_root"] = parse_xml(data)
            facts = self._read(root)
        # the facts as `docplan.checks._cwalk.walk` documents them, from either walk
        (self.texts, self._paragraph_styles, self._paragraph_outlines, self._cell_starts, self._row_cells,
         self._tables, self._tag_records, self._doc_prs) = facts

    def _read(self, root: etree._Element) -> tuple:
        """Read the facts the compiled walk reads, in Python, for any document (nested ones too)."""
        elements: list[etree._Element] = []
        parts: list[str] = []  # text before the first paragraph (not valid WordprocessingML) is dropped
        all_parts: list[list[str]] = []
        cells: list[etree._Element] = []
        cell_starts: list[int] = []  # paragraphs before each cell
        rows: list[etree._Element] = []
        row_cells: list[int] = []  # cells before each row
        tables: list[tuple[etree._Element, int, int, int]] = []  # (w:tbl, paragraphs, cells, rows before it)
        sdt_tags: list[tuple[str, etree._Element]] = []  # (docplan tag, its w:tag)
        doc_prs: list[etree._Element] = []  # wp:docPr
        nested = False
        n = 0  # paragraphs so far
        p, t, tc, sdt_tag, tr, tab, br, tbl, txbx = _W_P, _W_T, _W_TC, _W_TAG, _W_TR, _W_TAB, _W_BR, _W_TBL, _W_TXBX
        for node in root.iter(*_WALK):
            tag = node.tag  # tested in the order of how often the tags occur in a plan
            if tag == t:
                parts.append(node.text or "")
            elif tag == p:
                elements.append(node)
                n += 1
                parts = []
                all_parts.append(parts)
            elif tag == tc:
                cells.append(node)
                cell_starts.append(n)
            elif tag == sdt_tag:
                value = node.get(_W_VAL)
                if value and value.startswith(_DOCPLAN):
                    sdt_tags.append((value, node))
            elif tag == tr:
                rows.append(node)
                row_cells.append(len(cells))
            elif tag == tab:
                parts.append("\t")
            elif tag == br:
                parts.append("\n")
            elif tag == tbl:
                tables.append((node, n, len(cells), len(rows)))
            elif tag == txbx:
                nested = True
            else:
                doc_prs.append(node)
        self.nested = nested
        self.__dict__["elements"] = elements
        self.__dict__["_cells"] = cells
        texts = [element_text(el).strip() for el in elements] if nested else \
            ["".join(parts).strip() for parts in all_parts]
        flat = self._flat = not nested and all(next(el.iterancestors(_W_TBL), None) is None for el, *_ in tables)
        # each paragraph's style id and outline level, from its own first w:pPr
        paragraph_styles: list[str | None] = [None] * len(elements)
        paragraph_outlines = []
        index_of = self.index_of
        for prop in _PARAGRAPH_PROPS(root):
            i = index_of[prop.getparent().getparent()]
            if prop.tag == _W_PSTYLE:
                paragraph_styles[i] = prop.get(_W_VAL)
            else:
                paragraph_outlines.append((i, prop.get(_W_VAL)))
        table_facts = []
        for k, (tbl, start, first_cell, first_row) in enumerate(tables):
            if flat:  # the first row met after the table starts, before the next table starts
                next_row = tables[k + 1][3] if k + 1 < len(tables) else len(rows)
                first_tr = rows[first_row] if first_row < next_row else None
            else:
                first_tr = next(iter(_children(tbl, _W_TR)), None)
            table_facts.append([tbl, start, first_cell, first_row, start + int(_COUNT_P(tbl)),
                                first_tr is not None and _has_header_row(first_tr)])
        records = []
        for value, tag_el in sdt_tags:
            pr = tag_el.getparent()
            sdt = pr.getparent() if pr is not None and pr.tag == _W_SDT_PR else None
            if sdt is not None and sdt.tag == _W_SDT:
                records.append([value, sdt, *self.span(sdt), None])
        images = [(doc_pr.get("descr"), doc_pr.get("title"), _decorative(doc_pr), self.first_paragraph(doc_pr))
                  for doc_pr in doc_prs]
        return texts, paragraph_styles, paragraph_outlines, cell_starts, row_cells, table_facts, records, images

    @cached_property
    def _root(self) -> etree._Element:
        """The main part's tree, parsed when first asked for where the compiled walk read the part."""
        return parse_xml(self._data)

    def element(self, ref: etree._Element | int, tag: str) -> etree._Element:
        """The element a fact refers to: itself, or (compiled walk) the ``ref``-th element with ``tag``."""
        if not isinstance(ref, int):
            return ref
        numbered = self._numbered.get(tag)
        if numbered is None:
            numbered = self._numbered[tag] = list(self._root.iter(tag))
        return numbered[ref]

    # the elements, listed when first asked for (the compiled walk makes none)
    @cached_property
    def elements(self) -> list[etree._Element]:
        return list(self._root.iter(_W_P))

    @cached_property
    def index_of(self) -> dict[etree._Element, int]:
        return {el: i for i, el in enumerate(self.elements)}

    @cached_property
    def _cells(self) -> list[etree._Element]:
        return list(self._root.iter(_W_TC))

    def paragraphs(self, heading_styles: dict[str, int]) -> Paragraphs:
        """Return the paragraphs, with heading levels from ``heading_styles`` (style id → level).

        A heading inside a table or without text is not a heading (it opens no chapter)."""
        in_table = [False] * len(self.texts)
        for _, start, _, _, end, _ in self._tables:
            in_table[start:end] = [True] * (end - start)
        levels = {i: level for i, level in self._heading_levels(heading_styles).items()
                  if not in_table[i] and self.texts[i]}
        return Paragraphs(self.texts, self, levels, in_table)

    def _heading_levels(self, heading_styles: dict[str, int]) -> dict[int, int]:
        """Return paragraph number → heading level for the paragraphs holding a ``w:outlineLvl`` or a
        ``w:pStyle`` naming a heading style.

        The level is read from the paragraph's first ``w:pPr``: its first ``w:outlineLvl``, else the
        heading level of its first ``w:pStyle``.
        """
        out = {i: heading_styles[style] for i, style in enumerate(self._paragraph_styles)
               if style is not None and style in heading_styles}
        for i, value in self._paragraph_outlines:
            level = _level(value)
            if level is not None:
                out[i] = level
        return out

    def first_paragraph(self, el: etree._Element) -> int:
        """Return the number of the first paragraph in ``el``, else of the paragraph around it, else 0."""
        if el.tag == _W_P:
            return self.index_of.get(el, 0)
        p = next(el.iter(_W_P), None)
        if p is None:
            p = next(el.iterancestors(_W_P), None)
        return self.index_of.get(p, 0) if p is not None else 0

    # -- tables --------------------------------------------------------------------------------
    def tables(self) -> list[Table]:
        """Return the tables. Where neither tables nor paragraphs nest, a row's cells are the cells met
        after it and before the next row, and a cell's paragraphs run up to where the next cell starts."""
        out = []
        for k, (tbl, start, first_cell, first_row, end, header) in enumerate(self._tables):
            if self._flat:
                following = self._tables[k + 1] if k + 1 < len(self._tables) else (
                    None, 0, len(self._cell_starts), len(self._row_cells))
                rows = (_compiled_rows or self._flat_rows)(
                    self.texts, self._cell_starts, self._row_cells, first_row, following[3], following[2], end, Cell,
                    self._empty_cell)
            else:
                rows = [[self._own_cell(tc) for tc in _children(tr, _W_TC)] for tr in _children(tbl, _W_TR)]
            out.append(Table(start if end > start else self.first_paragraph(self.element(tbl, _W_TBL)), rows, header))
        return out

    @staticmethod
    def _flat_rows(texts: list[str], starts: list[int], row_cells: list[int], first_row: int, last_row: int,
                   last_cell: int, table_end: int, cell: type[Cell], empty) -> list[list[Cell]]:
        """Return the rows ``first_row..last_row-1`` of a table without nesting; its cells end at
        ``last_cell`` and its paragraphs at ``table_end`` (`docplan.checks._cwalk.flat_rows` compiled)."""
        rows = []
        for j in range(first_row, last_row):
            row = []
            for i in range(row_cells[j], row_cells[j + 1] if j + 1 < last_row else last_cell):
                begin = starts[i]
                end = starts[i + 1] if i + 1 < last_cell else table_end
                paras = texts[begin:end]
                row.append(cell(" ".join(filter(None, paras)), paras, begin if end > begin else empty(i)))
            rows.append(row)
        return rows

    def _empty_cell(self, i: int) -> int:
        """The first paragraph of cell ``i``, which holds none: the one around it (else 0)."""
        return self.first_paragraph(self._cells[i])

    def _own_cell(self, tc: etree._Element) -> Cell:
        index_of = self.index_of
        paras = [self.texts[index_of[p]] for p in _children(tc, _W_P, custom_xml=False)]
        p = next(tc.iter(_W_P), None)
        return Cell(" ".join(filter(None, paras)), paras, index_of[p] if p is not None else self.first_paragraph(tc))

    # -- content controls and images -----------------------------------------------------------
    def tagged(self) -> list[TaggedItem]:
        """Return the docplan content controls: each ``w:sdt`` whose ``w:sdtPr/w:tag`` is a docplan tag.

        The walk meets the ``w:tag`` rather than the ``w:sdt``: the tag's value tells a docplan control
        without reading the control's properties.
        """
        out: list[TaggedItem] = []
        for value, sdt, first, end, inline in self._tag_records:
            parsed = parse_tag(value)
            if parsed is not None and not (out and out[-1]._sdt == sdt):  # one item per control
                out.append(TaggedItem(parsed, value, sdt, self, first, end, inline))
        return out

    def span(self, sdt: etree._Element) -> tuple[int, int | None]:
        """Return a content control's first paragraph (`first_paragraph`) and the number after its last
        one; None for the end when it holds no paragraph, or paragraphs nest (text boxes)."""
        first = None if self.nested else next(sdt.iter(_W_P), None)
        if first is None:
            return self.first_paragraph(sdt), None
        return self.index_of[first], self.paragraphs_end(sdt)

    def text_of(self, el: etree._Element) -> str:
        inner = [self.texts[self.index_of[p]] for p in el.iter(_W_P)]
        return "\n".join(inner) if inner else element_text(el).strip()

    def paragraphs_end(self, el: etree._Element) -> int:
        """Return the number of the first paragraph after ``el`` and everything in it."""
        while el is not None:
            sibling = el.getnext()
            while sibling is not None:
                p = sibling if sibling.tag == _W_P else next(sibling.iter(_W_P), None)
                if p is not None:
                    return self.index_of[p]
                sibling = sibling.getnext()
            el = el.getparent()
        return len(self.elements)

    def images(self) -> list[Image]:
        """Return the images (``wp:docPr``) not marked decorative, with their alt text."""
        return [Image((descr or title or "").strip(), paragraph)
                for descr, title, decorative, paragraph in self._doc_prs if not decorative]


def _decorative(doc_pr: etree._Element) -> bool:
    """Whether an element in ``doc_pr`` named ``decorative`` (in any namespace) says ``val="1"``/``"true"``."""
    return any(isinstance(el.tag, str) and el.tag.endswith("}decorative") and el.get("val") in ("1", "true")
               for el in doc_pr.iter())


def _has_header_row(tr: etree._Element) -> bool:
    """Return True when a (first) row is marked to repeat as a header row (``w:trPr/w:tblHeader``)."""
    trpr = tr.find(_W_TRPR)
    head = trpr.find(_W_TBL_HEADER) if trpr is not None else None
    return head is not None and head.get(_W_VAL, "true") not in ("0", "false", "off")


def _optional_part(zf: zipfile.ZipFile, name: str, label: str) -> etree._Element | None:
    try:
        return parse_xml(read_part(zf, name.lstrip("/"), label))
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
_POOL: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    global _POOL
    with _STYLES_LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="docplan-parts")
            atexit.register(_POOL.shutdown, wait=False)
        return _POOL


def _styles_facts(zf: zipfile.ZipFile, name: str, label: str) -> _StylesFacts:
    """Return the facts of the styles part ``name`` (empty when the package has none).

    Broken XML raises `DocumentError` as `_optional_part` does; only parsed parts are remembered.
    """
    try:
        data = read_part(zf, name.lstrip("/"), label)
    except KeyError:
        return _StylesFacts({}, None)
    key = hashlib.sha256(data).digest()
    with _STYLES_LOCK:
        facts = _STYLES_CACHE.get(key)
        if facts is not None:
            _STYLES_CACHE.move_to_end(key)
            return facts
    read = _compiled_styles(data) if _compiled_styles is not None else None
    if read is None:  # not compiled, or a part the compiled reading leaves to lxml
        try:
            root = parse_xml(data)
        except etree.XMLSyntaxError as exc:
            raise DocumentError("en del av dokumentet har ugyldig XML", Location(file=label, part=name),
                                code="bad_xml") from exc
        facts = _StylesFacts(_heading_styles(root), _part_language(root))
    else:
        rows, lang, theme_lang = read
        facts = _StylesFacts(_heading_levels_of(rows), lang or theme_lang)
    with _STYLES_LOCK:
        _STYLES_CACHE[key] = facts
        while len(_STYLES_CACHE) > _STYLES_CACHE_SIZE:
            _STYLES_CACHE.popitem(last=False)
    return facts


def _level(val: str | None) -> int | None:
    """Return the heading level (1–9) of a ``w:outlineLvl`` value, None for body text or junk."""
    return int(val) + 1 if val and val.isdigit() and int(val) < 9 else None


def _heading_styles(styles: etree._Element | None) -> dict[str, int]:
    """Return style id → heading level for paragraph styles named «heading N» or with an outline level."""
    return _heading_levels_of(_style_rows(styles)) if styles is not None else {}


def _style_rows(styles: etree._Element) -> list[tuple[str | None, ...]]:
    """Return (type, style id, the ``w:val`` of its first ``w:name``, of its first ``w:pPr``'s first
    ``w:outlineLvl``) for each ``w:style``, in document order (`docplan.checks._cwalk.styles` compiled)."""
    rows = []
    for st in styles.iter(_W_STYLE):
        name_el = st.find(_W_NAME)
        ppr = st.find(_W_PPR)
        outline = ppr.find(_W_OUTLINE) if ppr is not None else None
        rows.append((st.get(_W_TYPE), st.get(_W_STYLE_ID), name_el.get(_W_VAL) if name_el is not None else None,
                     outline.get(_W_VAL) if outline is not None else None))
    return rows


def _heading_levels_of(rows) -> dict[str, int]:
    """Return style id → heading level from (type, style id, name, outline level value) per ``w:style``."""
    out: dict[str, int] = {}
    for kind, sid, name, outline in rows:
        if kind not in (None, "paragraph"):
            continue
        m = _HEADING_NAME.match((name or "").strip()) or _HEADING_NAME.match(sid or "")
        level = int(m.group(1)) if m else _level(outline)
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


__all__ = ["DocumentView", "Paragraph", "Table", "Cell", "TaggedItem", "Image", "read_document", "NSMAP"]
