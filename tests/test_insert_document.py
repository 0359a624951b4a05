"""PlanDocument: safe opening, parse-once parts, headings, byte-for-byte preservation on save."""

from __future__ import annotations

import io
import zipfile

import pytest

from docplan.document import REL_NUMBERING, PlanDocument
from docplan.ooxml.parser import parse_xml
from docplan.errors import DocumentError
from docplan.ooxml import qn
from tests.docfactory import municipal_plan


@pytest.fixture(scope="module")
def plan_bytes() -> bytes:
    return municipal_plan()


def test_headings_levels_and_numbers(plan_bytes):
    doc = PlanDocument.open(plan_bytes)
    heads = [(h.level, h.number, h.title) for h in doc.headings()]
    assert (1, "1", "Innledning") in heads
    assert (2, "2.1", "Lokale føringer") in heads
    assert heads[-1] == (1, None, "Vedlegg 1 Alkoholpolitiske retningslinjer")
    paras = doc.paragraphs()
    assert [p.index for p in paras] == list(range(len(paras)))
    assert doc.paragraphs() is paras  # cached until the body changes


_NUMBERING = """<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:abstractNum w:abstractNumId="7"><w:multiLevelType w:val="multilevel"/>
 <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="Heading1"/><w:lvlText w:val="%1"/></w:lvl>
 <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="Heading2"/><w:lvlText w:val="%1.%2"/></w:lvl>
</w:abstractNum>
<w:num w:numId="5"><w:abstractNumId w:val="7"/></w:num>
</w:numbering>"""


def test_auto_numbered_headings_follow_words_numbering(plan_bytes):
    """Heading numbers come from the numbering part (styles linked to list levels), not from counting."""
    doc = PlanDocument.open(plan_bytes)
    numbering = doc.xml(doc.related_parts(doc.main_part, REL_NUMBERING)[0])
    for child in list(numbering):
        numbering.remove(child)
    for child in parse_xml(_NUMBERING):
        numbering.append(child)
    doc.mark_changed(doc.related_parts(doc.main_part, REL_NUMBERING)[0])
    for p in doc.paragraphs():  # strip typed numbers; number Heading 1/2 through their list level
        if p.style_id in ("Heading1", "Heading2"):
            t = p.element.find(f".//{qn('w:t')}")
            t.text = t.text.split(" ", 1)[1]
            ppr = p.element.find(qn("w:pPr"))
            num = ppr.makeelement(qn("w:numPr"), {})
            num.append(num.makeelement(qn("w:numId"), {qn("w:val"): "5"}))
            ppr.append(num)
    doc.mark_changed(doc.main_part)
    numbers = [(h.number, h.title) for h in PlanDocument.open(doc.to_bytes()).headings()]
    assert numbers[:3] == [("1", "Innledning"), ("2", "Lovgrunnlag og føringer"), ("2.1", "Lokale føringer")]


def test_parts_parsed_once_and_unchanged_save_keeps_every_entry(plan_bytes):
    doc = PlanDocument.open(plan_bytes)
    assert doc.xml("word/styles.xml") is doc.xml("word/styles.xml")
    doc.body  # read only
    out = doc.to_bytes()
    a, b = zipfile.ZipFile(io.BytesIO(plan_bytes)), zipfile.ZipFile(io.BytesIO(out))
    assert a.namelist() == b.namelist()
    for info in a.infolist():
        assert a.read(info) == b.read(info.filename), info.filename
        assert b.getinfo(info.filename).compress_type == info.compress_type


def test_changed_part_only_is_rewritten(plan_bytes, tmp_path):
    doc = PlanDocument.open(plan_bytes)
    doc.paragraphs()[0].element.find(f".//{qn('w:t')}").text = "Ny tittel"
    doc.mark_changed(doc.main_part)
    path = doc.save(tmp_path / "ut.docx")
    a, b = zipfile.ZipFile(io.BytesIO(plan_bytes)), zipfile.ZipFile(path)
    changed = [n for n in a.namelist() if a.read(n) != b.read(n)]
    assert changed == ["word/document.xml"]
    assert not list(tmp_path.glob("*.docplan-tmp"))


@pytest.mark.parametrize("data, code", [
    (b"hello", "not_a_package"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "encrypted_or_legacy"),
    (b"", "empty"),
])
def test_bad_input_is_refused_in_norwegian(data, code):
    with pytest.raises(DocumentError) as err:
        PlanDocument.open(data, name="plan.docx")
    assert err.value.code == code
    assert "plan.docx" in err.value.format()


def test_truncated_and_broken_xml(plan_bytes):
    with pytest.raises(DocumentError) as err:
        PlanDocument.open(plan_bytes[: len(plan_bytes) // 2], name="avkortet.docx")
    assert err.value.code == "bad_zip"
    buf = io.BytesIO()
    src = zipfile.ZipFile(io.BytesIO(plan_bytes))
    with zipfile.ZipFile(buf, "w") as zf:
        for info in src.infolist():
            data = src.read(info)
            zf.writestr(info.filename, b"<w:document><w:body>" if info.filename == "word/document.xml" else data)
    with pytest.raises(DocumentError) as err:
        PlanDocument.open(buf.getvalue(), name="brutt.docx")
    assert err.value.code == "bad_xml" and err.value.location.part == "word/document.xml"
