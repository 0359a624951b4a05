"""docplan's record of what it inserted: a real customXml part that Word keeps, and matching items."""

from __future__ import annotations

import hashlib
import io
import zipfile

import docx
import pytest
from hypothesis import given, settings, strategies as st

from docplan.document import PlanDocument
from docplan.errors import DocumentError
from docplan.ooxml.build import elements, para, run, sdt
from docplan.ooxml.customxml import STATE_NS
from docplan.ooxml.text import text_hash
from docplan.state import hashes_of, matches_record, read_state
from tests.docfactory import municipal_plan


def _control(xml: str):
    """A one-control document's `Control` (parsed through the real document model)."""
    d = docx.Document()
    body = d.element.body
    for el in elements(xml):
        body.insert(0, el)
    out = io.BytesIO()
    d.save(out)
    return PlanDocument.open(out.getvalue()).controls()[0]


def test_a_record_matches_an_item_by_its_own_text_or_its_whole_text():
    inner = sdt("docplan:kp-ref:3427:KP-1", "KP", run("jf. kommuneplanen, KP-1"))
    item = _control(sdt("docplan:goal:HM-1", "Mål", para(None, [run("HM-1 Trygg oppvekst ")])
                        + para(None, [run("Kobling: "), inner])))
    own, whole = text_hash(item.own_text), text_hash(item.text)
    assert own != whole and "jf. kommuneplanen" not in item.own_text
    assert matches_record(own, item) is True
    assert matches_record(f"{text_hash('noe annet')} {whole}", item) is True  # the pane's record of Word's text
    assert matches_record(text_hash("HM-1 Trygg oppvekst, endret"), item) is False
    assert matches_record(None, item) is None


def test_whitespace_only_differences_are_not_edits():
    item = _control(sdt("docplan:measure:T-01", "Tiltak", para(None, [run("T-01  Ungdata ")])))
    assert matches_record(text_hash("T-01 Ungdata"), item) is True


def test_an_item_holding_items_is_recorded_by_its_own_text_and_its_whole_text():
    inner = sdt("docplan:kp-ref:3427:KP-1", "KP", run("jf. KP-1"))
    root = elements(sdt("docplan:goal:HM-1", "Mål", para(None, [run("HM-1 Mål "), inner])))[0]
    record = hashes_of(root)
    assert record == {"docplan:goal:HM-1": f"{text_hash('HM-1 Mål')} {text_hash('HM-1 Mål jf. KP-1')}",
                      "docplan:kp-ref:3427:KP-1": text_hash("jf. KP-1")}


def test_state_part_is_a_proper_custom_xml_part(tmp_path):
    data = municipal_plan()
    assert read_state(data) == {}  # python-docx's own customXml item is not ours
    doc = PlanDocument.open(data)
    doc.write_state({"docplan:measure:T-01": "abc", "docplan:goal:HM-1": "def"}, municipality="3427")
    out = doc.to_bytes()
    assert PlanDocument.open(out).read_state() == ({"docplan:measure:T-01": "abc", "docplan:goal:HM-1": "def"},
                                                   "3427")
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
    doc.write_state({"docplan:goal:HM-1": "a"})
    once = doc.to_bytes()
    again = PlanDocument.open(once)
    again.write_state({"docplan:goal:HM-1": "a"})
    assert again.changed_parts == set()
    assert again.to_bytes() == once
    again.write_state({"docplan:goal:HM-1": "b"})
    assert read_state(again.to_bytes()) == {"docplan:goal:HM-1": "b"}


def test_reading_the_record_of_something_that_is_not_a_document_is_a_clear_error():
    with pytest.raises(DocumentError) as err:
        read_state(b"not a zip")
    assert err.value.code == "not_a_package"


_WHITESPACE_MIX = st.text(alphabet=st.sampled_from(list("ab ø.\t\n\r\xa0\u2003\u2028\x1c\u200b\xad\x07")), max_size=14)


@settings(max_examples=500, deadline=None)
@given(text=_WHITESPACE_MIX | st.text(max_size=40))
def test_text_hash_is_sha256_of_the_whitespace_normalised_text(text):
    """Whitespace runs and Word's cell marks (U+0007) count as one space; the fast path changes nothing."""
    normal = " ".join(text.replace("\x07", " ").split())
    assert text_hash(text) == hashlib.sha256(normal.encode("utf-8")).hexdigest()[:16]
    assert text_hash(text) == text_hash(normal) == text_hash(f"  {text}\t")
