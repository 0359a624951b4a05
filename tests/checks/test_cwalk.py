"""The compiled readings (expat over a part's bytes) against the Python ones (lxml's tree).

`docplan.checks._cwalk.walk` and `styles` must give exactly the facts the Python readings give, or
give up (None). They must never read a part lxml refuses. Random parts vary what the two parsers
could see differently: the prefix bound to WordprocessingML, namespaces declared further in (also
two prefixes for one namespace, and prefixes never declared), comments, processing instructions,
CDATA and character references in texts, first and later property elements, header rows, content
controls, images marked decorative.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from lxml import etree

from docplan.checks import docview
from docplan.ooxml import NSMAP, parse_xml
from docplan.ooxml.sdt import element_text, sdt_text

W = NSMAP["w"]
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"

pytestmark = pytest.mark.skipif(not docview.COMPILED, reason="the compiled walk is not built")
_cwalk = pytest.importorskip("docplan.checks._cwalk") if docview.COMPILED else None


# -- random main parts, written as text ----------------------------------------------------------
_TEXT = st.sampled_from(["Tiltak 3.4", " mål ", "a &amp; b", "&lt;x&gt;", "&#229;pen", "<![CDATA[<&>]]>",
                         "<!-- merknad -->", "<?pi data?>", "", "\u00a0Øst\u00a0", "x<w:br/>y"])


@st.composite
def _run(draw, w: str) -> str:
    kind = draw(st.sampled_from(["t", "t", "t", "tab", "br", "other", "image"]))
    if kind == "t":
        inner = "".join(draw(st.lists(_TEXT, min_size=1, max_size=3)))
        return f"<{w}:r><{w}:t xml:space=\"preserve\">{inner}</{w}:t></{w}:r>"
    if kind == "image":
        attrs = draw(st.sampled_from(['descr="Kart"', 'title="Logo"', 'descr=" " title="T"', "", 'descr="a&amp;b"']))
        deco = draw(st.sampled_from(["", '<a:ext><adec:decorative xmlns:adec="urn:adec" val="1"/></a:ext>',
                                     '<a:ext><adec:decorative xmlns:adec="urn:adec" val="0"/></a:ext>',
                                     '<a:ext><decorative val="true"/></a:ext>', "<!-- c -->"]))
        return (f'<{w}:r><{w}:drawing><wp:inline><wp:docPr id="1" name="B" {attrs}>'
                f'<a:extLst xmlns:a="urn:a">{deco}</a:extLst></wp:docPr></wp:inline></{w}:drawing></{w}:r>')
    if kind == "other":
        if draw(st.integers(0, 9)) == 0:  # names lxml refuses, or may
            return draw(st.sampled_from([f'<{w}:r q:x="1"/>', f'<{w}:r a:x="1" b:x="2" xmlns:a="urn:a" xmlns:b="urn:a"/>',
                                         f'<{w}:r a:x="1" b:y="2" xmlns:a="urn:a" xmlns:b="urn:a"/>']))
        return draw(st.sampled_from([f"<{w}:r><{w}:rPr><{w}:b/></{w}:rPr></{w}:r>", "<!-- c -->", "<?x y?>",
                                     f'<{w}:r a:x="1" xmlns:a="urn:a"/>']))
    return f"<{w}:r><{w}:{kind}/></{w}:r>"


@st.composite
def _paragraph(draw, w: str) -> str:
    props = ""
    for _ in range(draw(st.integers(0, 2))):  # the first w:pPr counts, and its first pStyle/outlineLvl
        inner = "".join(draw(st.lists(st.sampled_from([
            f'<{w}:pStyle {w}:val="Heading1"/>', f'<{w}:pStyle {w}:val="Normal"/>', f"<{w}:pStyle/>",
            f'<{w}:outlineLvl {w}:val="0"/>', f'<{w}:outlineLvl {w}:val="9"/>', f"<{w}:outlineLvl/>",
            f"<{w}:jc/>"]), max_size=3)))
        props += f"<{w}:pPr>{inner}</{w}:pPr>"
    runs = draw(st.lists(_run(w), max_size=3))
    if runs and draw(st.booleans()):  # an inline control
        tag = draw(st.sampled_from(["docplan:kp-ref:3427:KP-1", "annet", "docplan:goal:HM-1"]))
        after = draw(st.sampled_from(["", "", f"<{w}:sdtContent><{w}:r><{w}:t>mer</{w}:t></{w}:r></{w}:sdtContent>",
                                      f"<{w}:sdtEndPr><{w}:r><{w}:t>slutt</{w}:t></{w}:r></{w}:sdtEndPr>"]))
        runs = [f'<{w}:sdt><{w}:sdtPr><{w}:tag {w}:val="{tag}"/></{w}:sdtPr><{w}:sdtContent>{"".join(runs)}'
                f"</{w}:sdtContent>{after}</{w}:sdt>"]
    at = draw(st.integers(0, len(runs)))
    runs.insert(at, props)
    return f"<{w}:p>{''.join(runs)}</{w}:p>"


@st.composite
def _table(draw, w: str) -> str:
    rows = []
    for r in range(draw(st.integers(1, 3))):
        head = ""
        if r == 0:
            head = draw(st.sampled_from(["", f"<{w}:trPr><{w}:tblHeader/></{w}:trPr>",
                                         f'<{w}:trPr><{w}:tblHeader {w}:val="false"/></{w}:trPr>',
                                         f'<{w}:trPr><{w}:tblHeader {w}:val="1"/></{w}:trPr>',
                                         f"<{w}:trPr/><{w}:trPr><{w}:tblHeader/></{w}:trPr>"]))
        cells = "".join(f"<{w}:tc>{''.join(draw(st.lists(_paragraph(w), max_size=2)))}</{w}:tc>"
                        for _ in range(draw(st.integers(1, 3))))
        row = f"<{w}:tr>{head}{cells}</{w}:tr>"
        if draw(st.integers(0, 3)) == 0:
            row = (f'<{w}:sdt><{w}:sdtPr><{w}:tag {w}:val="docplan:measure:T-{r}"/></{w}:sdtPr>'
                   f"<{w}:sdtContent>{row}</{w}:sdtContent></{w}:sdt>")
        rows.append(row)
    return f"<{w}:tbl><{w}:tblPr/>{''.join(rows)}</{w}:tbl>"


@st.composite
def main_part(draw) -> bytes:
    w = draw(st.sampled_from(["w", "w", "ns0", "x"]))
    blocks = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["p", "p", "tbl", "block", "stray"]))
        if kind == "p":
            blocks.append(draw(_paragraph(w)))
        elif kind == "tbl":
            blocks.append(draw(_table(w)))
        elif kind == "block":
            inner = "".join(draw(st.lists(_paragraph(w), max_size=2)))
            tags = "".join(f'<{w}:tag {w}:val="docplan:goal:HM-{i}"/>' for i in range(draw(st.integers(0, 2))))
            contents = draw(st.sampled_from([1, 1, 0, 2]))
            blocks.append(f"<{w}:sdt><{w}:sdtPr>{tags}</{w}:sdtPr>"
                          + f"<{w}:sdtContent>{inner}</{w}:sdtContent>" * contents + f"</{w}:sdt>")
        else:  # text outside paragraphs, comments, a nested redeclaration
            blocks.append(draw(st.sampled_from([f"<{w}:r><{w}:t>løs</{w}:t></{w}:r>", "<!-- x -->",
                                                f'<{w}:customXml xmlns:{w}="{W}">{draw(_paragraph(w))}</{w}:customXml>',
                                                f'<{w}:customXml xmlns:{w}="urn:annet"/>',
                                                f'<{w}:customXml xmlns="{W}"/>'])))
    decls = f'xmlns:{w}="{W}" xmlns:wp="{WP}"'
    if draw(st.integers(0, 5)) == 0:
        decls += ' xmlns:mc="urn:mc" xmlns:ve="urn:mc"'  # one namespace, two prefixes (as in real files)
    body = f'<{w}:body xmlns:{w}="{W}">' if draw(st.booleans()) else f"<{w}:body>"
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<{w}:document {decls}>'
           f"{body}{''.join(blocks)}</{w}:body></{w}:document>")
    return xml.encode("utf-8")


def _python_facts(data: bytes):
    """The Python walk's facts, with elements as their numbers among the elements with their tag."""
    walk = docview._Walk.__new__(docview._Walk)
    root = parse_xml(data)
    walk.__dict__["_root"] = root
    walk.nested, walk._flat = False, True
    texts, styles, outlines, cells, rows, tables, records, images = walk._read(root)
    tbl = {el: i for i, el in enumerate(root.iter(f"{{{W}}}tbl"))}
    sdt = {el: i for i, el in enumerate(root.iter(f"{{{W}}}sdt"))}
    return (walk.nested or not walk._flat, texts, styles, outlines, cells, rows,
            [[tbl[t[0]], *t[1:]] for t in tables], [[r[0], sdt[r[1]], *r[2:]] for r in records], images)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=main_part())
def test_the_compiled_walk_gives_the_python_walks_facts_or_gives_up(data):
    fast = _cwalk.walk(data)
    try:
        slow = _python_facts(data)
    except etree.XMLSyntaxError:
        assert fast is None  # never reads a part lxml refuses
        return
    if fast is None:
        return
    nested, *facts = slow
    assert not nested
    fast = list(fast)
    # the Python walk reads an inline control's text only when asked (None); the compiled one reads it,
    # where it is all the control's text (`TaggedItem.text` and `hash_text` take it then)
    sdts = list(parse_xml(data).iter(f"{{{W}}}sdt"))
    for value, ordinal, first, end, inline in fast[6]:
        if inline is not None:
            assert end is None and inline == element_text(sdts[ordinal]) == sdt_text(sdts[ordinal])
    fast[6] = [[*r[:4], None] for r in fast[6]]
    assert fast == facts


def test_the_compiled_walk_reads_the_usual_part_and_gives_up_where_lxml_would_disagree():
    ok = f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>a<!--c-->b</w:t></w:r></w:p></w:body></w:document>'
    assert _cwalk.walk(ok.encode())[0] == ["a"]  # the text up to the comment, as lxml's tree has it
    for bad in (
        f'<w:document xmlns:w="{W}"><w:p q:x="1"/></w:document>',  # q never declared
        f'<w:document xmlns:w="{W}" xmlns:a="u" xmlns:b="u"><w:p a:x="1" b:x="2"/></w:document>',
        f'<!DOCTYPE d [<!ENTITY e "x">]><w:document xmlns:w="{W}"><w:p/></w:document>',
        f'<document xmlns="{W}"><p/></document>',  # a default namespace: left to the Python walk
        f'<w:document xmlns:w="{W}"><w:body xmlns:w="urn:x"/></w:document>',
        f'<w:document xmlns:w="{W}">' + "<w:x>" * 300 + "</w:x>" * 300 + "</w:document>",
        f'<w:document xmlns:w="{W}"><w:p>',
    ):
        assert _cwalk.walk(bad.encode()) is None, bad


# -- random styles parts --------------------------------------------------------------------------
@st.composite
def styles_part(draw) -> bytes:
    w = draw(st.sampled_from(["w", "ns1"]))
    parts = []
    lang = draw(st.sampled_from(["", f"<{w}:lang/>", f'<{w}:lang {w}:val=""/>', f'<{w}:lang {w}:val="nb-NO"/>']))
    parts.append(f"<{w}:docDefaults><{w}:rPrDefault><{w}:rPr>{lang}</{w}:rPr></{w}:rPrDefault></{w}:docDefaults>")
    for i in range(draw(st.integers(0, 6))):
        attrs = draw(st.sampled_from([f'{w}:type="paragraph" ', f'{w}:type="character" ', ""]))
        attrs += draw(st.sampled_from([f'{w}:styleId="Heading{i}"', f'{w}:styleId="Overskrift{i}"',
                                       f'{w}:styleId="S{i}"', ""]))
        inner = draw(st.lists(st.sampled_from([
            f'<{w}:name {w}:val="heading {i}"/>', f'<{w}:name {w}:val="Overskrift {i}"/>', f"<{w}:name/>",
            f'<{w}:pPr><{w}:outlineLvl {w}:val="{i}"/></{w}:pPr>', f"<{w}:pPr><{w}:outlineLvl/></{w}:pPr>",
            f"<{w}:pPr/>", f'<{w}:rPr><{w}:lang {w}:val="en-GB"/></{w}:rPr>', "<!-- c -->",
            f'<{w}:themeFontLang {w}:val="nn-NO"/>']), max_size=4))
        parts.append(f"<{w}:style {attrs}>{''.join(inner)}</{w}:style>")
    if draw(st.booleans()):
        parts.append(f'<{w}:themeFontLang {w}:val="{draw(st.sampled_from(["", "nb-NO"]))}"/>')
    return f'<{w}:styles xmlns:{w}="{W}">{"".join(parts)}</{w}:styles>'.encode()


def _python_styles(data: bytes):
    root = parse_xml(data)
    return docview._style_rows(root), docview._part_language(root)


@settings(max_examples=200, deadline=None)
@given(data=styles_part())
def test_the_compiled_styles_reading_gives_the_python_readings_facts(data):
    fast = _cwalk.styles(data)
    assert fast is not None
    rows, lang, theme_lang = fast
    expected_rows, language = _python_styles(data)
    assert rows == expected_rows
    assert docview._heading_levels_of(rows) == docview._heading_styles(parse_xml(data))
    assert (lang or theme_lang) == language


def test_a_control_with_two_docplan_tags_is_one_item_also_past_the_256th_control():
    """The compiled walk names a control by its number among the w:sdt elements: numbers past 256 are
    distinct int objects, so a control's tags must be told apart by value, not identity."""
    import io
    import zipfile

    import docx

    d = docx.Document()
    body = d.element.body
    sect = body.find(f"{{{W}}}sectPr")
    for i in range(300):
        tags = f'<w:tag w:val="docplan:goal:HM-{i}"/>' + (f'<w:tag w:val="docplan:goal:DM-{i}"/>' if i >= 290 else "")
        sect.addprevious(etree.fromstring(
            f'<w:sdt xmlns:w="{W}"><w:sdtPr>{tags}</w:sdtPr><w:sdtContent><w:p><w:r><w:t>Mål {i}</w:t></w:r>'
            f"</w:p></w:sdtContent></w:sdt>"))
    out = io.BytesIO()
    d.save(out)
    main = zipfile.ZipFile(io.BytesIO(out.getvalue())).read("word/document.xml")
    assert _cwalk.walk(main) is not None  # read by the compiled walk
    view = docview.read_document(out.getvalue())
    assert [i.name for i in view.tagged] == [f"docplan:goal:HM-{i}" for i in range(300)]
    assert view.tagged[295].text == "Mål 295" and view.tagged[295].sdt.tag == f"{{{W}}}sdt"
