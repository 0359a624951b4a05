"""The docplan state record: a real customXml part that Word keeps, and item status."""

from __future__ import annotations

import hashlib
import io
import zipfile

import docx
from hypothesis import given, settings, strategies as st
from lxml import etree

from docplan.document import PlanDocument
from docplan.ooxml import make_sdt, qn
from docplan.ooxml.sdt import text_hash
from docplan.state import (CHANGED, CURRENT, STALE, STATE_NS, document_state, item_status, read_state,
                           write_state)
from tests.docfactory import municipal_plan


def _sdt(text: str) -> etree._Element:
    p = etree.Element(qn("w:p"))
    r = etree.SubElement(p, qn("w:r"))
    etree.SubElement(r, qn("w:t")).text = text
    return make_sdt("docplan:measure:T-01", "Tiltak T-01", [p])


def test_item_status():
    sdt = _sdt("T-01 Ungdata")
    state = {"docplan:measure:T-01": text_hash("T-01 Ungdata")}
    assert item_status("docplan:measure:T-01", sdt, state) == CURRENT
    assert item_status("docplan:measure:T-01", sdt, state, expected_text="T-01 Ungdata") == CURRENT
    assert item_status("docplan:measure:T-01", sdt, state, expected_text="T-01 Ungdata 2025") == STALE
    edited = _sdt("T-01 Ungdata, endret av Kari")
    assert item_status("docplan:measure:T-01", edited, state, expected_text="T-01 Ungdata 2025") == CHANGED
    # whitespace-only differences are not edits
    assert item_status("docplan:measure:T-01", _sdt("T-01  Ungdata "), state) == CURRENT
    # several occurrences of one tag: any recorded hash matches
    both = {"docplan:measure:T-01": f"{text_hash('x')} {text_hash('T-01 Ungdata')}"}
    assert item_status("docplan:measure:T-01", sdt, both) == CURRENT
    # no record: manual edits cannot be known; differs from data -> stale
    assert item_status("docplan:measure:T-01", edited, {}) == CURRENT
    assert item_status("docplan:measure:T-01", edited, {}, expected_text="T-01 Ungdata") == STALE


def test_state_part_is_a_proper_custom_xml_part(tmp_path):
    data = municipal_plan()
    assert read_state(data) == {}  # python-docx's own customXml item is not ours
    doc = PlanDocument.open(data)
    write_state(doc, {"docplan:measure:T-01": "abc", "docplan:goal:HM-1": "def"})
    out = doc.to_bytes()
    assert read_state(out) == {"docplan:measure:T-01": "abc", "docplan:goal:HM-1": "def"}
    zf = zipfile.ZipFile(io.BytesIO(out))
    names = zf.namelist()
    item = next(n for n in names if n.startswith("customXml/item") and STATE_NS.encode() in zf.read(n))
    num = item[len("customXml/item"):-len(".xml")]
    assert f"customXml/itemProps{num}.xml" in names
    assert f"customXml/_rels/item{num}.xml.rels" in names
    assert f"../customXml/item{num}.xml".encode() in zf.read("word/_rels/document.xml.rels")
    assert f"/customXml/itemProps{num}.xml".encode() in zf.read("[Content_Types].xml")
    # python-docx still opens it, and the part survives a python-docx round trip (as Word keeps it)
    path = tmp_path / "x.docx"
    path.write_bytes(out)
    d = docx.Document(str(path))
    d.save(str(path))
    assert read_state(path.read_bytes())["docplan:goal:HM-1"] == "def"


def test_write_state_twice_is_byte_identical():
    doc = PlanDocument.open(municipal_plan())
    write_state(doc, {"docplan:goal:HM-1": "a"})
    once = doc.to_bytes()
    again = PlanDocument.open(once)
    write_state(again, {"docplan:goal:HM-1": "a"})
    assert again.changed_parts == set()
    assert again.to_bytes() == once
    write_state(again, {"docplan:goal:HM-1": "b"})
    assert document_state(PlanDocument.open(again.to_bytes())) == {"docplan:goal:HM-1": "b"}


def test_read_state_of_garbage_is_empty():
    assert read_state(b"not a zip") == {}


_WHITESPACE_MIX = st.text(alphabet=st.sampled_from(list("ab ø.\t\n\r\xa0\u2003\u2028\x1c\u200b\xad")), max_size=14)


@settings(max_examples=500, deadline=None)
@given(text=_WHITESPACE_MIX | st.text(max_size=40))
def test_text_hash_is_sha256_of_the_whitespace_normalised_text(text):
    """The shortcut for already-normal text never changes the fingerprint recorded in documents."""
    normal = " ".join(text.split())
    assert text_hash(text) == hashlib.sha256(normal.encode("utf-8")).hexdigest()[:16]
    assert text_hash(text) == text_hash(normal) == text_hash(f"  {text}\t")
