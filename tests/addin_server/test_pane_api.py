"""What the task pane needs from the server: findings in the chosen målform and each with a place Word's
``body.search`` finds, large Word on the web bodies within the limits, search fields in the catalogue,
and snippets Word maps to the document's own styles."""

from __future__ import annotations

import base64
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from addin_server.engines import PLACE_MAX, Places, search_text
from docplan.checks.docview import read_document
from docplan.document import PlanDocument
from docplan.ooxml.ns import qn
from docplan.ooxml.text import element_text
from tests.addin_server.conftest import TYNSET, auth
from tests.addin_server.test_api import BASE, DOCX, as_flat_opc, conforms

CHECK = "/plans/{plan_id}/municipalities/{number}/check"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PKG = "http://schemas.microsoft.com/office/2006/xmlPackage"


@pytest.fixture(scope="module")
def tynset_docx() -> bytes:
    from docplan.loaders import load_plan
    from docplan.render import render_plan
    from tests.testkit import EXAMPLE

    return render_plan(load_plan(EXAMPLE), municipality="3427")


@pytest.fixture()
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


# -- målform ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_check_answers_in_the_requested_malform(client, spec, tynset_docx, lang):
    r = client.post(f"{BASE}/3427/check?lang={lang}", headers=auth(TYNSET), data=tynset_docx, content_type=DOCX)
    conforms(spec, CHECK, "post", r)
    assert r.status_code == 200 and r.get_json()["lang"] == lang
    findings = r.get_json()["findings"]
    fixes = " ".join(f["fix"] for f in findings) + " ".join(f["comment"] for f in findings)
    messages = " ".join(f["message"] for f in findings)
    assert findings
    if lang == "nn":  # the bokmål document is checked in the målform the planner chose in the pane
        assert "Slik rettar du" in fixes and "Slik retter du" not in fixes and " ikkje " in f" {messages} "
    else:
        assert "Slik retter du" in fixes and "Slik rettar du" not in fixes


def test_check_refuses_an_unknown_language(client, spec, tynset_docx):
    r = client.post(f"{BASE}/3427/check?lang=sv", headers=auth(TYNSET), data=tynset_docx, content_type=DOCX)
    assert r.status_code == 400 and r.get_json()["code"] == "bad_language"
    assert "nynorsk" in r.get_json()["message"]
    conforms(spec, CHECK, "post", r)


# -- places -----------------------------------------------------------------------------------------------
def word_matches(doc: PlanDocument, text: str) -> list[int]:
    """Return, for each match of ``text`` in the body as Word's ``body.search`` finds them (within one
    paragraph, case as given, text boxes left out), the number of the paragraph it is in."""
    box = qn("w:txbxContent")
    out = []
    for n, p in enumerate(doc.paragraph_elements()):
        if next(p.iterancestors(box), None) is not None:
            continue
        own = element_text(p) if next(p.iter(box), None) is None else ""
        out.extend([n] * own.count(text))
    return out


def test_every_placed_finding_is_found_by_searching_the_body_for_its_text(client, tynset_docx):
    findings = client.post(f"{BASE}/3427/check", headers=auth(TYNSET), data=tynset_docx,
                           content_type=DOCX).get_json()["findings"]
    doc = PlanDocument.open(tynset_docx)
    placed = [f for f in findings if f["place"]]
    assert placed and all(f["location"].get("paragraph") is not None for f in placed)
    for f in placed:
        text, occurrence = f["place"]["text"], f["place"]["occurrence"]
        assert 0 < len(text) <= PLACE_MAX and text == text.strip() and not re.search(r"[\t\n\r\x07]", text)
        matches = word_matches(doc, text)
        assert matches[occurrence] == f["location"]["paragraph"], f


def _flat(body: str) -> str:
    return (f'<pkg:package xmlns:pkg="{PKG}"><pkg:part pkg:name="/_rels/.rels" '
            'pkg:contentType="application/vnd.openxmlformats-package.relationships+xml"><pkg:xmlData>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="word/document.xml"/></Relationships></pkg:xmlData></pkg:part>'
            '<pkg:part pkg:name="/word/document.xml" pkg:contentType="application/vnd.openxmlformats-'
            f'officedocument.wordprocessingml.document.main+xml"><pkg:xmlData><w:document xmlns:w="{W}" '
            'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
            'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:wps="http://schemas.microsoft.com/office/word/2010/'
            f'wordprocessingShape"><w:body>{body}</w:body></w:document></pkg:xmlData></pkg:part></pkg:package>')


def _p(text: str) -> str:
    return f"<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"


def test_text_box_paragraphs_are_not_counted_and_have_no_place():
    """The checker counts a text box's paragraphs (once per mc:AlternateContent branch); Word's body does not."""
    box = f"<w:txbxContent>{_p('Tiltak T-01 mangler ansvarlig')}</w:txbxContent>"
    body = (_p("Innledning")
            + "<w:p><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wps:txbx>" + box
            + "</wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>" + box
            + "</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
            + _p("Tiltak T-01 mangler ansvarlig") + _p("\tTiltak T-01 mangler ansvarlig\tigjen"))
    view = read_document(PlanDocument.from_flat_opc(_flat(body)))
    texts = view.paragraphs.texts
    last = len(texts) - 1
    boxed = [i for i in range(last - 1) if texts[i] == "Tiltak T-01 mangler ansvarlig"]
    assert boxed, texts  # the checker does see the text box's paragraphs
    places = Places(view)
    assert all(places.of(i) is None for i in boxed)
    assert places.of(last - 1) == {"text": "Tiltak T-01 mangler ansvarlig", "occurrence": 0}
    assert places.of(last) == {"text": "Tiltak T-01 mangler ansvarlig", "occurrence": 1}
    assert places.of(None) is None and places.of(10_000) is None


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=600))
def test_a_place_is_a_searchable_piece_of_the_paragraph(paragraph):
    text = search_text(paragraph)
    assert len(text) <= PLACE_MAX and text in paragraph and text == text.strip()
    assert not re.search(r"[\t\n\r\x07\x0b\x0c]", text)
    if any(piece.strip() for piece in re.split(r"[\t\n\r\x07\x0b\x0c]", paragraph)):
        assert text, "a paragraph with text has a place"


def test_a_long_paragraph_is_cut_at_a_word():
    paragraph = "Kommunen skal " + "arbeide systematisk med forebygging " * 20
    text = search_text(paragraph)
    assert len(text) <= PLACE_MAX and paragraph.startswith(text) and paragraph[len(text)] == " "


# -- Word on the web: the whole body as flat OPC ----------------------------------------------------------
@pytest.mark.slow
def test_a_16_mb_body_from_word_on_the_web_is_checked(app, spec, tynset_docx):
    """libxml2 refuses a text node over 10 MB unless ``huge_tree``; Word on the web sends images inline."""
    flat = as_flat_opc(tynset_docx)
    noise = random.Random(19).randbytes(12 * 1024 * 1024)  # an image does not compress much
    image = base64.b64encode(b"\x89PNG\r\n\x1a\n" + noise).decode("ascii")  # one 16 MB text node
    part = (f'<pkg:part pkg:name="/word/media/image1.png" pkg:contentType="image/png" pkg:compression="store">'
            f"<pkg:binaryData>{image}</pkg:binaryData></pkg:part>")
    body = flat.replace("</pkg:package>", part + "</pkg:package>")
    assert 16 * 1024 * 1024 <= len(body) < app.config["MAX_CONTENT_LENGTH"]
    r = app.test_client().post(f"{BASE}/3427/check", headers=auth(TYNSET), json={"ooxml": body})
    assert r.status_code == 200, r.get_json()
    conforms(spec, CHECK, "post", r)
    assert r.get_json()["findings"]


def test_a_body_over_the_configured_limit_is_refused_before_parsing(app, spec):
    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    r = app.test_client().post(f"{BASE}/3427/check", headers=auth(TYNSET),
                               json={"ooxml": "<pkg:package>" + "x" * (3 * 1024 * 1024) + "</pkg:package>"})
    assert r.status_code == 413 and "2 MB" in r.get_json()["message"]
    conforms(spec, CHECK, "post", r)


# -- the catalogue's search fields ------------------------------------------------------------------------
def test_the_catalogue_has_what_the_pane_searches(client, spec, sample_plan):
    body = client.get(f"{BASE}/3427/catalogue", headers=auth(TYNSET)).get_json()
    measures = {m["id"]: m for m in body["measures"]}
    t01 = next(m for m in sample_plan.measures if m.id == "T-01")
    assert measures["T-01"]["text"] == t01.text and measures["T-01"]["partners"] == t01.partners
    assert measures["T-01"]["responsible"] == t01.responsible and measures["T-01"]["status"] == t01.status
    hm1 = sample_plan.goal("HM-1")
    goal = next(g for g in body["goals"] if g["id"] == "HM-1")
    assert goal["text"] == hm1.text and [s["text"] for s in goal["sub_goals"]] == [s.text for s in hm1.sub_goals]


# -- snippets carry the styles Word maps by name ----------------------------------------------------------
STYLE_NAMES = {"Heading1": "heading 1", "Heading2": "heading 2", "Heading3": "heading 3", "Quote": "Quote",
               "TableGrid": "Table Grid"}


@pytest.mark.parametrize("kind, item", [("goal", "HM-1"), ("measure", "T-01"), ("measure-table", "all"),
                                        ("kp-quote", "3427:KP-3.2"), ("kp-ref", "3427:KP-3.2")])
def test_a_snippet_names_every_style_it_uses_so_word_maps_them_to_the_documents_own(client, kind, item):
    ooxml = client.get(f"{BASE}/3427/snippets/{kind}/{item}", headers=auth(TYNSET)).get_json()["ooxml"]
    root = etree.fromstring(ooxml.encode("utf-8"))
    ns = {"pkg": PKG, "w": W}
    styles = {s.get(qn("w:styleId")): s.find(qn("w:name")).get(qn("w:val"))
              for s in root.xpath("//w:styles/w:style", namespaces=ns)}
    # Word's built-in names: a Norwegian document's «Overskrift 1» (id Overskrift1) is «heading 1» inside
    assert {sid: styles.get(sid) for sid in STYLE_NAMES} == STYLE_NAMES
    used = set(root.xpath("//w:body//w:pStyle/@w:val | //w:body//w:tblStyle/@w:val", namespaces=ns))
    assert used <= set(styles)
    rels = root.xpath("//pkg:part[@pkg:name='/word/_rels/document.xml.rels']//@Target", namespaces=ns)
    assert "styles.xml" in rels


def test_a_table_snippet_ends_with_an_empty_paragraph(client):
    ooxml = client.get(f"{BASE}/3427/snippets/measure-table/all", headers=auth(TYNSET)).get_json()["ooxml"]
    body = etree.fromstring(ooxml.encode("utf-8")).xpath("//w:body", namespaces={"w": W})[0]
    assert [el.tag for el in body] == [qn("w:sdt"), qn("w:p")]
    assert body[0].find(f"{qn('w:sdtContent')}/{qn('w:tbl')}") is not None
    assert element_text(body[1]) == ""
