"""The schema helper of the tests: Markup Compatibility processing (ECMA-376 Part 3), offline schema
loading, and the Word rule for table cells the schema cannot express."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from lxml import etree

from tests.ooxml.schemas import (
    MC,
    MustUnderstandError,
    SchemaFetchRefused,
    compile_schema,
    preprocess,
    schema_dir,
    validate_part,
    word_rules,
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
UNDERSTOOD = frozenset({W, MC})
NSMAP = {"w": W, "w14": W14, "w15": W15, "mc": MC}


def _xml(body: str, root_attrs: str = 'mc:Ignorable="w14"') -> etree._Element:
    decl = " ".join(f'xmlns:{p}="{u}"' for p, u in NSMAP.items())
    return etree.fromstring(f"<w:document {decl} {root_attrs}><w:body>{body}</w:body></w:document>")


def _tags(el: etree._Element) -> list[str]:
    return [etree.QName(e).localname if etree.QName(e).namespace == W else etree.QName(e).text
            for e in el.iter() if isinstance(e.tag, str)]


def test_an_ignorable_namespace_nobody_understands_goes_with_its_subtree_and_attributes():
    root = _xml('<w:p w14:paraId="1A2B"><w14:x><w:r/></w14:x><w:r><w:t>a</w:t></w:r></w:p>')
    out = preprocess(root, UNDERSTOOD)
    assert _tags(out) == ["document", "body", "p", "r", "t"]
    assert dict(out.find(f".//{{{W}}}p").attrib) == {}
    assert f"{{{MC}}}Ignorable" not in out.attrib


def test_an_ignorable_namespace_that_is_understood_stays():
    root = _xml('<w:p w14:paraId="1"><w14:x/></w:p>')
    out = preprocess(root, UNDERSTOOD | {W14})
    assert _tags(out) == ["document", "body", "p", f"{{{W14}}}x"]
    assert out.find(f".//{{{W}}}p").get(f"{{{W14}}}paraId") == "1"


def test_an_unknown_namespace_that_is_not_ignorable_stays_for_the_schema_to_refuse():
    root = _xml("<w:p><w15:x/></w:p>")
    assert f"{{{W15}}}x" in _tags(preprocess(root, UNDERSTOOD))


def test_ignorable_on_an_element_covers_its_descendants_and_not_its_siblings():
    root = _xml('<w:p mc:Ignorable="w15"><w15:x/></w:p><w:p><w15:y/></w:p>', root_attrs="")
    tags = _tags(preprocess(root, UNDERSTOOD))
    assert f"{{{W15}}}x" not in tags and f"{{{W15}}}y" in tags


def test_alternate_content_takes_the_first_understood_choice_then_the_fallback():
    choice_w14 = '<mc:Choice Requires="w14"><w:p><w:r><w:t>ny</w:t></w:r></w:p></mc:Choice>'
    choice_w = '<mc:Choice Requires="w"><w:tbl/></mc:Choice>'
    fallback = "<mc:Fallback><w:p><w:r><w:t>gammel</w:t></w:r></w:p></mc:Fallback>"
    out = preprocess(_xml(f"<mc:AlternateContent>{choice_w14}{fallback}</mc:AlternateContent>"), UNDERSTOOD)
    assert "".join(out.itertext()) == "gammel"
    out = preprocess(_xml(f"<mc:AlternateContent>{choice_w14}{fallback}</mc:AlternateContent>"),
                     UNDERSTOOD | {W14})
    assert "".join(out.itertext()) == "ny"
    out = preprocess(_xml(f"<mc:AlternateContent>{choice_w14}{choice_w}{fallback}</mc:AlternateContent>"),
                     UNDERSTOOD)
    assert _tags(out) == ["document", "body", "tbl"]
    out = preprocess(_xml(f"<mc:AlternateContent>{choice_w14}</mc:AlternateContent><w:p/>"), UNDERSTOOD)
    assert _tags(out) == ["document", "body", "p"]


def test_alternate_content_inside_a_chosen_branch_is_processed_too():
    inner = ('<mc:AlternateContent><mc:Choice Requires="w15"><w:tbl/></mc:Choice>'
             '<mc:Fallback><w:p/></mc:Fallback></mc:AlternateContent>')
    root = _xml(f'<mc:AlternateContent><mc:Choice Requires="w">{inner}</mc:Choice></mc:AlternateContent>')
    assert _tags(preprocess(root, UNDERSTOOD)) == ["document", "body", "p"]


def test_process_content_keeps_the_children_of_an_ignored_element():
    root = _xml('<w14:wrap><w:p><w:r><w:t>inni</w:t></w:r></w:p></w14:wrap>',
                root_attrs='mc:Ignorable="w14" mc:ProcessContent="w14:wrap"')
    out = preprocess(root, UNDERSTOOD)
    assert _tags(out) == ["document", "body", "p", "r", "t"]
    assert "".join(out.itertext()) == "inni"


def test_must_understand_of_an_unknown_namespace_is_refused_and_of_a_known_one_is_not():
    with pytest.raises(MustUnderstandError):
        preprocess(_xml("<w:p/>", root_attrs='mc:MustUnderstand="w15"'), UNDERSTOOD)
    out = preprocess(_xml("<w:p/>", root_attrs='mc:MustUnderstand="w"'), UNDERSTOOD)
    assert f"{{{MC}}}MustUnderstand" not in out.attrib


def test_text_around_a_removed_element_is_kept():
    root = _xml('<w:p><w:r><w:t>a<w14:x/>b</w:t></w:r></w:p>')
    assert "".join(preprocess(root, UNDERSTOOD).itertext()) == "ab"


_NAMESPACES = {"w": W, "w14": W14, "w15": W15}
_tree = st.recursive(
    st.tuples(st.sampled_from(sorted(_NAMESPACES)), st.just([]), st.sets(st.sampled_from(["w", "w14", "w15"]))),
    lambda kids: st.tuples(st.sampled_from(sorted(_NAMESPACES)), st.lists(kids, max_size=4),
                           st.sets(st.sampled_from(["w", "w14", "w15"]))),
    max_leaves=25,
)


def _build(parent: etree._Element, node, counter: list[int]) -> None:
    prefix, kids, attrs = node
    counter[0] += 1
    el = etree.SubElement(parent, f"{{{_NAMESPACES[prefix]}}}e{counter[0]}")
    for a in attrs:
        el.set(f"{{{_NAMESPACES[a]}}}a", "1")
    for kid in kids:
        _build(el, kid, counter)


def _expected(el: etree._Element, ignorable: set[str], understood: set[str]) -> list:
    """What survives, worked out directly: (tag, attribute names, children)."""
    out = []
    for child in el:
        ns = etree.QName(child).namespace
        if ns in ignorable and ns not in understood:
            continue
        attrs = sorted(a for a in child.attrib if etree.QName(a).namespace not in ignorable - understood)
        out.append((child.tag, attrs, _expected(child, ignorable, understood)))
    return out


def _shape(el: etree._Element) -> list:
    return [(c.tag, sorted(c.attrib), _shape(c)) for c in el]


@settings(max_examples=150, deadline=None)
@given(nodes=st.lists(_tree, max_size=4), ignorable=st.sets(st.sampled_from(["w14", "w15"])),
       understands_w14=st.booleans())
def test_processing_removes_exactly_the_ignorable_namespaces_nobody_understands(nodes, ignorable,
                                                                                understands_w14):
    root = _xml("", root_attrs=f'mc:Ignorable="{" ".join(sorted(ignorable))}"' if ignorable else "")
    body = root[0]
    counter = [0]
    for node in nodes:
        _build(body, node, counter)
    understood = set(UNDERSTOOD) | ({W14} if understands_w14 else set())
    expected = _expected(body, {_NAMESPACES[p] for p in ignorable}, understood)
    out = preprocess(root, frozenset(understood))
    assert _shape(out[0]) == expected
    assert not any(a.startswith(f"{{{MC}}}") for e in out.iter() for a in e.attrib)


# --- offline schema loading and validation --------------------------------------------------------------

def test_a_schema_that_imports_from_the_network_fails_loudly(tmp_path: Path):
    (tmp_path / "main.xsd").write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:a">'
        '<xs:import namespace="urn:b" schemaLocation="http://example.invalid/b.xsd"/>'
        '<xs:element name="a"/></xs:schema>', encoding="utf-8")
    with pytest.raises(SchemaFetchRefused, match="example.invalid"):
        compile_schema(tmp_path, "main.xsd")


def test_a_schema_that_imports_a_file_outside_its_folder_fails_loudly(tmp_path: Path):
    (tmp_path / "other.xsd").write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:b"/>', encoding="utf-8")
    (tmp_path / "inner").mkdir()
    (tmp_path / "inner" / "main.xsd").write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:a">'
        '<xs:import namespace="urn:b" schemaLocation="../other.xsd"/><xs:element name="a"/></xs:schema>',
        encoding="utf-8")
    with pytest.raises(SchemaFetchRefused, match="not in"):
        compile_schema(tmp_path / "inner", "main.xsd")


def test_a_cell_without_a_closing_paragraph_breaks_the_word_rule():
    root = _xml('<w:tbl><w:tr><w:tc><w:tcPr/></w:tc>'
                '<w:tc><w:p/><w:tbl/></w:tc>'
                '<w:tc><w:sdt><w:sdtContent><w:p/></w:sdtContent></w:sdt><w:bookmarkEnd w:id="1"/></w:tc>'
                '<w:tc><w:p/></w:tc></w:tr></w:tbl>')
    assert len(word_rules(root)) == 2


def test_validation_finds_a_child_out_of_order_after_dropping_what_is_ignorable():
    schema_dir()
    ok = etree.tostring(_xml('<w:p w14:paraId="1"><w:pPr><w:jc w:val="left"/></w:pPr><w:r><w:t>a</w:t></w:r></w:p>'))
    assert validate_part(ok, "word/document.xml") == []
    bad = etree.tostring(_xml('<w:p><w:pPr><w:jc w:val="left"/><w:pStyle w:val="A"/></w:pPr></w:p>'))
    errors = validate_part(bad, "word/document.xml")
    assert errors and "pStyle" in errors[0]
    assert validate_part(b'<state xmlns="urn:docplan:state"/>', "customXml/item1.xml") is None
