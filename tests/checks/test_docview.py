"""The checker's document view against a plain, slow reading of the same XML.

`read_document` makes the view from the one document model (paragraph numbers, texts, headings, table
cells, docplan content controls). The oracle here reads each thing on its own with XPath, as the
definitions say; random documents (tables with content-control rows and cells, nested tables, text
boxes, inline and block controls, headings by style and by outline level) must give the same view.
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from lxml import etree

from docplan.checks import docview
from docplan.checks.docview import read_document
from docplan.errors import DocumentError
from docplan.ooxml import NSMAP
from docplan.ooxml.sdt import sdt_tag, sdt_text
from docplan.ooxml.text import element_text, text_hash

W = NSMAP["w"]
NS = {"w": W}
ROOT = Path(__file__).resolve().parents[2]


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


# -- building random bodies ------------------------------------------------------------------------
_WORDS = st.sampled_from(["Tiltak", "mål", "kommuneplan", "HM-1", "Åmot", "a&b", "<x>", "  ", "Øst", "3.4"])


@st.composite
def runs(draw) -> list[etree._Element]:
    out = []
    for _ in range(draw(st.integers(0, 3))):
        r = etree.Element(_w("r"))
        kind = draw(st.sampled_from(["t", "t", "t", "tab", "br"]))
        if kind == "t":
            t = etree.SubElement(r, _w("t"))
            t.text = " ".join(draw(st.lists(_WORDS, min_size=1, max_size=3)))
        else:
            etree.SubElement(r, _w(kind))
        out.append(r)
    return out


_counter = iter(range(10**9))


def _sdt(tag: str, children: list[etree._Element]) -> etree._Element:
    sdt = etree.Element(_w("sdt"))
    pr = etree.SubElement(sdt, _w("sdtPr"))
    etree.SubElement(pr, _w("tag")).set(_w("val"), tag)
    content = etree.SubElement(sdt, _w("sdtContent"))
    content.extend(children)
    return sdt


@st.composite
def paragraph(draw, depth: int = 0) -> etree._Element:
    p = etree.Element(_w("p"))
    style = draw(st.sampled_from([None, None, "Heading1", "Heading2", "Heading3", "Normal"]))
    outline = draw(st.sampled_from([None, None, None, "0", "1", "9"]))
    if style or outline:
        ppr = etree.SubElement(p, _w("pPr"))
        if style:
            etree.SubElement(ppr, _w("pStyle")).set(_w("val"), style)
        if outline:
            etree.SubElement(ppr, _w("outlineLvl")).set(_w("val"), outline)
    content = draw(runs())
    if content and draw(st.booleans()):  # an inline control around some runs
        k = draw(st.integers(0, len(content) - 1))
        content[k:] = [_sdt(f"docplan:kp-ref:3427:KP-{next(_counter)}", content[k:])]
    p.extend(content)
    if depth == 0 and draw(st.integers(0, 9)) == 0:  # a text box: paragraphs inside this paragraph
        r = etree.SubElement(p, _w("r"))
        box = etree.SubElement(etree.SubElement(etree.SubElement(r, _w("pict")), "{urn:schemas-microsoft-com:vml}textbox"),
                               _w("txbxContent"))
        box.extend(draw(st.lists(paragraph(depth=1), min_size=1, max_size=2)))
        p.extend(draw(runs()))  # text after the box belongs to the outer paragraph
    return p


@st.composite
def table(draw, depth: int = 0) -> etree._Element:
    tbl = etree.Element(_w("tbl"))
    etree.SubElement(tbl, _w("tblGrid"))
    for r in range(draw(st.integers(1, 3))):
        tr = etree.Element(_w("tr"))
        if r == 0 and draw(st.booleans()):
            etree.SubElement(etree.SubElement(tr, _w("trPr")), _w("tblHeader"))
        for _ in range(draw(st.integers(1, 3))):
            tc = etree.Element(_w("tc"))
            paras = draw(st.lists(paragraph(depth=1), min_size=1, max_size=2))
            if draw(st.integers(0, 4)) == 0:  # a cell-level control around the cell's paragraphs
                paras = [_sdt(f"docplan:goal:G-{next(_counter)}", paras)]
            tc.extend(paras)
            if depth == 0 and draw(st.integers(0, 7)) == 0:  # a nested table, then the cell's last paragraph
                tc.append(draw(table(depth=1)))
                tc.append(draw(paragraph(depth=1)))
            tr.append(tc)
        if draw(st.integers(0, 3)) == 0:  # a row-level control (as docplan writes measure rows)
            tr = _sdt(f"docplan:measure:T-{next(_counter)}", [tr])
        tbl.append(tr)
    return tbl


@st.composite
def document(draw) -> bytes:
    d = docx.Document()
    body = d.element.body
    sect = body.find(_w("sectPr"))
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(["p", "p", "p", "tbl", "block"]))
        if kind == "p":
            el = draw(paragraph())
        elif kind == "tbl":
            el = draw(table())
        else:
            el = _sdt(f"docplan:goal:HM-{next(_counter)}", draw(st.lists(paragraph(), min_size=1, max_size=3)))
        sect.addprevious(el)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


# -- the oracle ------------------------------------------------------------------------------------
def _root(data: bytes) -> etree._Element:
    import zipfile

    return etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))


def _heading_style_levels(data: bytes) -> dict[str, int]:
    """Style id → heading level by the one heading rule (not what is under test here)."""
    import zipfile

    from docplan.ooxml.styles import StyleSheet

    sheet = StyleSheet(etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/styles.xml")))
    return {sid: level for sid in sheet.styles if (level := sheet.heading_level(sid))}


def oracle(data: bytes) -> dict:
    root = _root(data)
    paras = root.xpath("//w:p", namespaces=NS)
    index = {p: i for i, p in enumerate(paras)}
    texts = [element_text(p).strip() for p in paras]
    levels = _heading_style_levels(data)
    heading = []
    for p, text in zip(paras, texts):
        ppr = p.find(_w("pPr"))
        level = None
        if ppr is not None:  # its outline level if that is a heading level, else its style's
            lvl = ppr.find(_w("outlineLvl"))
            val = lvl.get(_w("val")) if lvl is not None else None
            if val and val.isdigit() and int(val) < 9:
                level = int(val) + 1
            elif val == "9":
                level = None
            elif ppr.find(_w("pStyle")) is not None:
                level = levels.get(ppr.find(_w("pStyle")).get(_w("val")))
        # a paragraph in a table or a text box (one inside another paragraph) is not a heading
        in_table = bool(p.xpath("ancestor::w:tbl | ancestor::w:p", namespaces=NS))
        heading.append(level if level and text and not in_table else None)

    def first(el):
        found = el.xpath(".//w:p", namespaces=NS) or el.xpath("ancestor::w:p[1]", namespaces=NS)
        return index[found[0]] if found else 0

    tables = []
    for tbl in root.xpath("//w:tbl", namespaces=NS):
        rows = []
        for tr in tbl.xpath("./w:tr | ./w:sdt/w:sdtContent/w:tr", namespaces=NS):
            cells = []
            for tc in tr.xpath("./w:tc | ./w:sdt/w:sdtContent/w:tc", namespaces=NS):
                own = [texts[index[p]] for p in tc.xpath("./w:p | ./w:sdt/w:sdtContent/w:p", namespaces=NS)]
                cells.append((" ".join(t for t in own if t), own, first(tc)))
            rows.append(cells)
        header = tbl.xpath("boolean((./w:tr | ./w:sdt/w:sdtContent/w:tr)[1]/w:trPr/w:tblHeader)", namespaces=NS)
        tables.append((first(tbl), rows, header))
    tagged = [(sdt_tag(s), first(s), text_hash(sdt_text(s)))
              for s in root.xpath("//w:sdt", namespaces=NS) if (sdt_tag(s) or "").startswith("docplan:")]
    return {"texts": texts, "levels": heading, "tables": tables, "tagged": tagged}


def view_of(data: bytes) -> dict:
    v = read_document(data)
    return {
        "texts": [p.text for p in v.paragraphs],
        "levels": [p.level for p in v.paragraphs],
        "tables": [(t.first_paragraph, [[(c.text, c.paragraphs, c.first_paragraph) for c in r] for r in t.rows],
                    t.has_header_row) for t in v.tables],
        "tagged": [(i.name, i.paragraph, text_hash(i.hash_text)) for i in v.tagged],
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=document())
def test_view_equals_the_plain_reading(data):
    assert view_of(data) == oracle(data)


@pytest.mark.corpus
def test_the_view_reads_every_corpus_document_or_refuses_it_cleanly(corpus_dir):
    read = 0
    for path in sorted(corpus_dir.rglob("*.docx")):
        try:
            view = read_document(path.read_bytes(), name=path.name)
        except DocumentError as exc:
            assert exc.message
            continue
        assert len(view.paragraphs.texts) == len(view.paragraphs)
        read += 1
    assert read > 250


def test_chapters_follow_the_level_one_headings():
    d = docx.Document()
    d.add_paragraph("Før første kapittel")
    d.add_heading("1 Innledning", level=1)
    d.add_paragraph("tekst")
    d.add_heading("1.1 Bakgrunn", level=2)
    d.add_heading("2 Tiltak", level=1)
    d.add_paragraph("mer tekst")
    out = io.BytesIO()
    d.save(out)
    v = read_document(out.getvalue())
    assert [p.chapter for p in v.paragraphs] == [None, "1 Innledning", "1 Innledning", "1 Innledning",
                                                 "2 Tiltak", "2 Tiltak"]
    assert [h.text for h in v.headings] == ["1 Innledning", "1.1 Bakgrunn", "2 Tiltak"]
    assert v.paragraphs[-1] is v.paragraphs[5] and v.paragraphs[1:3] == [v.paragraphs[1], v.paragraphs[2]]
    assert v.chapter_of(2) == "1 Innledning" and v.chapter_of(99) is None


def _replace_part(data: bytes, name: str, content: bytes) -> bytes:
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, content if info.filename == name else src.read(info.filename))
    return out.getvalue()


def test_broken_main_part_is_reported_before_a_broken_styles_part():
    d = docx.Document()
    d.add_paragraph("x")
    out = io.BytesIO()
    d.save(out)
    broken_styles = _replace_part(out.getvalue(), "word/styles.xml", b"<w:styles")
    with pytest.raises(DocumentError) as exc:
        read_document(broken_styles)
    assert exc.value.location.part == "word/styles.xml" and exc.value.code == "bad_xml"
    both = _replace_part(broken_styles, "word/document.xml", b"<w:document><w:body>")
    with pytest.raises(DocumentError) as exc:
        read_document(both)
    assert exc.value.location.part == "word/document.xml" and exc.value.code == "bad_xml"


def _damage(data: bytes, name: str) -> bytes:
    """Flip bytes near the end of a part's compressed stream: past the head the package check reads."""
    import struct
    import zipfile

    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    n, m = struct.unpack("<HH", data[info.header_offset + 26:info.header_offset + 30])
    start = info.header_offset + 30 + n + m + info.compress_size - 64
    out = bytearray(data)
    for k in range(start, start + 32):
        out[k] ^= 0xFF
    return bytes(out)


@pytest.mark.parametrize("part", ["word/document.xml", "word/styles.xml"])
def test_a_damaged_part_is_a_clear_error_not_a_traceback(part, tmp_path):
    from click.testing import CliRunner

    from docplan.cli import main

    d = docx.Document()
    for i in range(300):
        d.add_paragraph(f"Avsnitt {i}: tiltak og mål i planen, med nok tekst til at delen blir stor. " * 2)
    out = io.BytesIO()
    d.save(out)
    damaged = _damage(out.getvalue(), part)
    with pytest.raises(DocumentError) as exc:
        read_document(damaged)
    assert exc.value.code == "bad_zip" and exc.value.location.part == part
    path = tmp_path / "skadet.docx"
    path.write_bytes(damaged)
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 2 and "skadet" in result.output and "Traceback" not in result.output


def test_views_read_in_parallel_threads_equal_those_read_one_by_one():
    """Per-thread parsers under concurrent checks (the add-in server's document threads)."""
    from concurrent.futures import ThreadPoolExecutor

    docs = []
    for n in (3, 40):
        d = docx.Document()
        for i in range(n):
            d.add_heading(f"{i} Kapittel", level=1 + i % 3)
            d.add_paragraph(f"Tiltak {i}.1 viser til kommuneplanen kap. {i}.")
        out = io.BytesIO()
        d.save(out)
        docs.append(out.getvalue())
    expected = [view_of(d) for d in docs]
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda k: (k % 2, view_of(docs[k % 2])), range(48)))
    assert all(view == expected[k] for k, view in got)


# letters in both cases, whitespace, and the letters re.IGNORECASE equates with ASCII letters or å
_TEXT_CHARS = st.sampled_from(list("aAkKsSiIlLmMtTøØåÅæÆ .\n\t–\u00a0ßé\u0131\u0130\u017f\u212a\u212b"))
_SEARCH_WORDS = ["mål", "tiltak", "kap", "rådmann", "kommuneplan", "øst", "æ", "samla", "pkt", "s.", "ik"]


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(st.text(_TEXT_CHARS, max_size=12).map(str.strip), max_size=8),
       words=st.lists(st.sampled_from(_SEARCH_WORDS), min_size=1, max_size=3))
def test_paragraphs_containing_a_word_compare_as_ignorecase_does(texts, words):
    """The byte-level search (and its fall-back) finds exactly the paragraphs where re.IGNORECASE does."""
    import re

    view = docview.DocumentView("x.docx", b"", "word/document.xml",
                                docview.Paragraphs(texts, None, {}, [False] * len(texts)), [], [], [], None, None)
    pattern = re.compile("|".join(map(re.escape, words)), re.IGNORECASE)
    assert view.indexes_containing(*words) == [i for i, text in enumerate(texts) if pattern.search(text)]
    assert [p.index for p in view.paragraphs_containing(*words)] == view.indexes_containing(*words)


def test_the_language_of_the_default_paragraph_style_is_the_documents_language():
    """Word applies the Normal style's language to every paragraph without its own: LibreOffice and
    Pages write it there instead of in w:docDefaults, and such a document has its language set."""
    import io

    import docx
    from docx.oxml.ns import qn as docx_qn

    from docplan.checks import run_checks
    from docplan.document import PlanDocument

    d = docx.Document()
    for lang in list(d.styles.element.iter(docx_qn("w:lang"))) + list(
            d.settings.element.iter(docx_qn("w:themeFontLang"))):
        lang.getparent().remove(lang)
    d.core_properties.language = ""
    d.add_paragraph("Tekst")
    buf = io.BytesIO()
    d.save(buf)
    assert PlanDocument.open(buf.getvalue()).language is None
    assert "accessibility.language_not_set" in {f.rule for f in run_checks(document=buf.getvalue())}
    normal = d.styles["Normal"].element
    rpr = normal.get_or_add_rPr()
    lang = rpr.makeelement(docx_qn("w:lang"), {docx_qn("w:val"): "nn-NO"})
    rpr.append(lang)
    buf = io.BytesIO()
    d.save(buf)
    assert PlanDocument.open(buf.getvalue()).language == "nn-NO"
    assert "accessibility.language_not_set" not in {f.rule for f in run_checks(document=buf.getvalue())}
