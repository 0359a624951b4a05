"""Snippet builders: content-control structure, styles taken from the target document, flat OPC."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st
from lxml import etree

from docplan import snippets
from docplan.ooxml import parse_xml, qn
from docplan.ooxml.flatopc import PKG_NS
from docplan.ooxml.sdt import iter_tagged, sdt_tag, sdt_text
from docplan.render import kp_short_text

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _styles(*defs: tuple[str, str, str]) -> etree._Element:
    body = "".join(f'<w:style w:type="{t}" w:styleId="{i}"><w:name w:val="{n}"/></w:style>' for t, i, n in defs)
    return parse_xml(f'<w:styles xmlns:w="{W}">{body}</w:styles>')


def test_resolve_styles_finds_localized_names_and_ids():
    root = _styles(("paragraph", "Overskrift1", "Overskrift 1"), ("paragraph", "Ovs2", "overskrift 2"),
                   ("paragraph", "Normal", "Normal"), ("table", "Tabellrutenett", "Tabellrutenett"),
                   ("paragraph", "Sitat", "Sitat"))
    got = snippets.resolve_styles(root)
    assert got["heading1"] == "Overskrift1"
    assert got["heading2"] == "Ovs2"
    assert got["heading3"] is None
    assert got["table"] == "Tabellrutenett"
    assert got["quote"] == "Sitat"


def test_resolve_styles_by_outline_level():
    root = parse_xml(f'<w:styles xmlns:w="{W}"><w:style w:type="paragraph" w:styleId="KapX">'
                     '<w:name w:val="Kapittel"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style></w:styles>')
    assert snippets.resolve_styles(root)["heading1"] == "KapX"


def test_goal_block_is_tagged_with_sub_goals(sample_plan):
    goal = sample_plan.goals[0]
    blocks = snippets.goal_block(sample_plan, goal.id)
    assert [sdt_tag(b) for b in blocks] == [f"docplan:goal:{goal.id}"] + [f"docplan:goal:{s.id}"
                                                                          for s in goal.sub_goals]
    assert sdt_text(blocks[0]).startswith(f"{goal.id} {goal.title}")
    # the KP references inside the goal are inline controls
    inner = [str(t) for t, _ in iter_tagged(blocks[0]) if t.kind == "kp-ref"]
    assert inner == [f"docplan:kp-ref:{r}" for r in goal.kp_refs]
    with pytest.raises(KeyError):
        snippets.goal_block(sample_plan, "NO-SUCH")


def test_heading_uses_document_style_or_direct_formatting(sample_plan):
    styled = snippets.goal_block(sample_plan, "HM-1", {"heading2": "Overskrift2"})[0]
    assert styled.find(f".//{qn('w:pStyle')}").get(qn("w:val")) == "Overskrift2"
    bare = snippets.goal_block(sample_plan, "HM-1", {})[0]
    first = bare.find(f"{qn('w:sdtContent')}/{qn('w:p')}")
    assert first.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}").get(qn("w:val")) == "1"
    assert first.find(f".//{qn('w:b')}") is not None


def test_measure_table_structure(sample_plan):
    sdt = snippets.measure_table(sample_plan)
    assert sdt_tag(sdt) == "docplan:measure-table:all"
    tbl = sdt.find(f"{qn('w:sdtContent')}/{qn('w:tbl')}")
    rows = tbl.findall(qn("w:tr"))
    assert rows[0].find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    row_tags = [sdt_tag(s) for s in tbl.findall(qn("w:sdt"))]
    assert row_tags == [f"docplan:measure:{m.id}" for m in sample_plan.measures]
    for row_sdt in tbl.findall(qn("w:sdt")):
        assert row_sdt.find(f"{qn('w:sdtContent')}/{qn('w:tr')}") is not None
    assert len(tbl.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}")) == 9
    # every cell has a paragraph (Word calls a cell without one corrupt)
    assert all(tc.find(qn("w:p")) is not None for tc in tbl.iter(qn("w:tc")))


def test_measure_table_nynorsk_headers(sample_plan):
    sdt = snippets.measure_table(sample_plan, sample_plan.measures[:2], lang="nn")
    text = sdt_text(sdt)
    assert "Ansvarleg" in text and "Samarbeidspartnarar" in text
    assert "Ansvarlig" not in text


def test_kp_ref_and_quote(sample_plan):
    run = snippets.kp_ref_run(sample_plan, "3427:KP-3.2")
    assert sdt_tag(run) == "docplan:kp-ref:3427:KP-3.2"
    assert sdt_text(run) == kp_short_text(sample_plan, "3427:KP-3.2")
    assert run.find(f"{qn('w:sdtContent')}/{qn('w:r')}") is not None
    quote = snippets.kp_quote_block(sample_plan, "3427:KP-3.2")
    item = sample_plan.resolve_kp_ref("3427:KP-3.2").item
    assert item.title in sdt_text(quote)
    missing = snippets.kp_quote_block(sample_plan, "3427:KP-99")
    assert "finnes ikke" in sdt_text(missing)


def test_flat_opc_wraps_inline_content(sample_plan):
    xml = snippets.flat_opc([snippets.kp_ref_run(sample_plan, "3427:KP-3.2"),
                             *snippets.goal_block(sample_plan, "HM-1", sub_goals=False)])
    root = parse_xml(xml)
    ns = {"pkg": PKG_NS, "w": W}
    names = root.xpath("pkg:part/@pkg:name", namespaces=ns)
    assert names == ["/_rels/.rels", "/word/_rels/document.xml.rels", "/word/document.xml", "/word/styles.xml"]
    body = root.xpath("//w:body", namespaces=ns)[0]
    assert [el.tag for el in body] == [qn("w:p"), qn("w:sdt")]
    assert body[0][0].tag == qn("w:sdt")


def test_flat_opc_carries_the_styles_word_maps_by_name(sample_plan):
    """Without a styles part Word ignores style ids in insertOoxml: headings would arrive as Normal text."""
    root = parse_xml(snippets.flat_opc(snippets.measure_block(sample_plan, "T-01")))
    ns = {"pkg": PKG_NS, "w": W}
    names = root.xpath("*/@pkg:name", namespaces=ns)
    assert "/word/styles.xml" in names and "/word/_rels/document.xml.rels" in names
    styles = {s.get(qn("w:styleId")): s.find(qn("w:name")).get(qn("w:val"))
              for s in root.xpath("//w:styles/w:style", namespaces=ns)}
    assert styles["Heading1"] == "heading 1" and styles["Heading3"] == "heading 3"
    assert styles["Quote"] == "Quote" and styles["TableGrid"] == "Table Grid"
    used = set(root.xpath("//w:body//w:pStyle/@w:val | //w:body//w:tblStyle/@w:val", namespaces=ns))
    assert used <= set(styles)


def test_a_table_snippet_ends_with_a_paragraph(sample_plan):
    root = parse_xml(snippets.flat_opc([snippets.measure_table(sample_plan)]))
    body = root.xpath("//w:body", namespaces={"w": W})[0]
    assert [el.tag for el in body] == [qn("w:sdt"), qn("w:p")]


def test_a_row_snippet_travels_in_a_table_with_properties_and_the_rows_grid(sample_plan):
    """w:tblPr is required before w:tblGrid (ECMA-376); the grid takes the row's cell widths."""
    row = snippets.measure_row(sample_plan, "T-01")
    root = parse_xml(snippets.flat_opc([row]))
    tbl = root.xpath("//w:body/w:tbl", namespaces={"w": W})[0]
    assert [el.tag for el in tbl][:2] == [qn("w:tblPr"), qn("w:tblGrid")]
    widths = [tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}").get(qn("w:w")) for tc in row.iter(qn("w:tc"))]
    assert [c.get(qn("w:w")) for c in tbl.find(qn("w:tblGrid"))] == widths


_PLAN = None


def _plan():
    global _PLAN
    if _PLAN is None:
        from docplan.loaders import load_plan
        from testkit import EXAMPLE

        _PLAN = load_plan(EXAMPLE)
    return _PLAN.model_copy(deep=True)


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60))
def test_any_title_survives_serialisation(title):
    from docplan.ooxml.text import element_text

    plan = _plan()
    plan.measures[0].title = title
    sdt = snippets.measure_block(plan, plan.measures[0].id)[0]
    again = parse_xml(etree.tostring(sdt))
    first = again.find(f"{qn('w:sdtContent')}/{qn('w:p')}")
    assert element_text(first) == f"{plan.measures[0].id} {title}"
