"""Validate OOXML parts against the ECMA-376 (Transitional) schemas, as Word is stricter than LibreOffice.

The schemas are python-docx's ``ref/xsd`` set plus the schemas they import (W3C ``xml.xsd`` and the
Dublin Core ones), read from ``../shared/schemas/ecma376`` (or ``$DOCPLAN_ECMA376_SCHEMAS``). Loading never
reaches the network: every schema document is read through a resolver that maps it to a local file, and
any other address fails the test with `SchemaFetchRefused`.

Before validation a part goes through Markup Compatibility processing (ECMA-376 Part 3, §10): what a
consumer that understands only the schemas' namespaces would see.
"""

from __future__ import annotations

import functools
import io
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from testkit import SHARED

MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
XML_NS = "http://www.w3.org/XML/1998/namespace"
_MC_ATTRS = {f"{{{MC}}}{name}" for name in ("Ignorable", "ProcessContent", "MustUnderstand",
                                              "PreserveElements", "PreserveAttributes")}

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_OPC = "http://schemas.openxmlformats.org/package/2006"
#: The schema file for each root element, by namespace (and local name where a namespace has several).
ROOT_SCHEMAS: dict[tuple[str, str | None], str] = {
    (_W, None): "wml.xsd",
    (f"{_OPC}/content-types", "Types"): "opc-xsd/opc-contentTypes.xsd",
    (f"{_OPC}/relationships", "Relationships"): "opc-xsd/opc-relationships.xsd",
    (f"{_OPC}/metadata/core-properties", "coreProperties"): "opc-xsd/opc-coreProperties.xsd",
    ("http://schemas.openxmlformats.org/officeDocument/2006/extended-properties", "Properties"):
        "shared-documentPropertiesExtended.xsd",
    ("http://schemas.openxmlformats.org/officeDocument/2006/custom-properties", "Properties"):
        "shared-documentPropertiesCustom.xsd",
    ("http://schemas.openxmlformats.org/officeDocument/2006/customXml", "datastoreItem"):
        "shared-customXmlDataProperties.xsd",
}
#: Addresses in the schemas that name schemas kept beside them under another name.
_REMOTE_NAMES = {
    "http://dublincore.org/schemas/xmls/qdc/2003/04/02/dc.xsd": "dc.xsd",
    "http://dublincore.org/schemas/xmls/qdc/2003/04/02/dcterms.xsd": "dcterms.xsd",
    "http://www.w3.org/2001/xml.xsd": "xml.xsd",
}
_XML_IMPORT = re.compile(rb'(<xs[d]?:import\b[^>]*namespace="http://www\.w3\.org/XML/1998/namespace")(\s*/?>)')


class SchemaFetchRefused(AssertionError):
    """A schema asked for a document that is not in the local schema folder (it would reach the network)."""


class MustUnderstandError(ValueError):
    """A part declares mc:MustUnderstand for a namespace the schemas do not define."""


def schema_dir() -> Path:
    """Return the folder of the ECMA-376 schemas, skipping the test (with the reason) when it is absent."""
    path = Path(os.environ.get("DOCPLAN_ECMA376_SCHEMAS", SHARED / "schemas" / "ecma376"))
    if not (path / "wml.xsd").is_file():
        pytest.skip(f"the ECMA-376 schemas are missing at {path} (../shared/schemas/ecma376)")
    return path


class _LocalSchemas(etree.Resolver):
    """Serve schema documents from one folder only; refuse (loudly) everything else."""

    def __init__(self, folder: Path):
        super().__init__()
        self.folder = folder.resolve()
        self.refused: list[str] = []

    def local_path(self, url: str) -> Path:
        if url in _REMOTE_NAMES:
            return self.folder / _REMOTE_NAMES[url]
        if url.startswith("file:"):
            url = url[len("file:"):].lstrip("/")
            url = "/" + url
        path = Path(url)
        if not path.is_absolute() or ":" in url.split("/", 1)[0]:
            raise SchemaFetchRefused(f"a schema asked for {url!r}, which is not a local file")
        path = path.resolve()
        if self.folder not in path.parents or not path.is_file():
            raise SchemaFetchRefused(f"a schema asked for {url!r}, which is not in {self.folder}")
        return path

    def resolve(self, system_url, public_id, context):
        try:
            path = self.local_path(system_url)
        except SchemaFetchRefused as exc:
            self.refused.append(str(exc))  # libxml2 turns the exception into a vaguer parse error
            raise
        return self.resolve_string(_localized(path.read_bytes(), self.folder), context, base_url=str(path))


def _localized(xsd: bytes, folder: Path) -> bytes:
    """Return a schema document whose imports all name files of `folder`."""
    for remote, local in _REMOTE_NAMES.items():
        xsd = xsd.replace(f'schemaLocation="{remote}"'.encode(), f'schemaLocation="{folder / local}"'.encode())

    def add_location(m: re.Match) -> bytes:
        if b"schemaLocation" in m.group(1):
            return m.group(0)
        return m.group(1) + f' schemaLocation="{folder / "xml.xsd"}"'.encode() + m.group(2)

    return _XML_IMPORT.sub(add_location, xsd)


@functools.cache
def load_schema(name: str) -> etree.XMLSchema:
    """Compile one schema of the folder (cached for the session: wml.xsd and its imports are large)."""
    return compile_schema(schema_dir(), name)


def compile_schema(folder: Path, name: str) -> etree.XMLSchema:
    """Compile `folder`/`name`, reading every imported schema from `folder` and nothing from elsewhere."""
    resolver = _LocalSchemas(folder)
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(resolver)
    path = resolver.local_path(str(folder / name))
    doc = etree.parse(io.BytesIO(_localized(path.read_bytes(), resolver.folder)), parser, base_url=str(path))
    try:
        schema = etree.XMLSchema(doc)
    except etree.XMLSchemaParseError as exc:
        if resolver.refused:
            raise SchemaFetchRefused("; ".join(resolver.refused)) from exc
        raise
    if resolver.refused:
        raise SchemaFetchRefused("; ".join(resolver.refused))
    return schema


@functools.cache
def understood_namespaces() -> frozenset[str]:
    """Return the namespaces the schemas define: what an ECMA-376 consumer understands."""
    folder = schema_dir()
    found = {XML_NS, MC}
    for xsd in folder.rglob("*.xsd"):
        root = etree.parse(str(xsd), etree.XMLParser(no_network=True, resolve_entities=False)).getroot()
        if root.get("targetNamespace"):
            found.add(root.get("targetNamespace"))
    return frozenset(found)


# --- Markup Compatibility (ECMA-376 Part 3) -------------------------------------------------------------

@dataclass(frozen=True)
class _Scope:
    ignorable: frozenset[str] = frozenset()
    process_content: frozenset[tuple[str, str]] = frozenset()  # (namespace, local name or "*")


def _prefixed_namespaces(el: etree._Element, value: str) -> set[str]:
    out = set()
    for prefix in value.split():
        uri = el.nsmap.get(prefix)
        if uri is None:
            raise MustUnderstandError(f"prefix {prefix!r} in a compatibility attribute is not declared")
        out.add(uri)
    return out


def _scope_of(el: etree._Element, outer: _Scope) -> _Scope:
    ignorable = set(outer.ignorable)
    if el.get(f"{{{MC}}}Ignorable"):
        ignorable |= _prefixed_namespaces(el, el.get(f"{{{MC}}}Ignorable"))
    process = set(outer.process_content)
    for item in (el.get(f"{{{MC}}}ProcessContent") or "").split():
        prefix, _, local = item.partition(":")
        if prefix not in el.nsmap:
            raise MustUnderstandError(f"prefix {prefix!r} in mc:ProcessContent is not declared")
        process.add((el.nsmap[prefix], local))
    return _Scope(frozenset(ignorable), frozenset(process))


def _namespace(el: etree._Element) -> str:
    return etree.QName(el).namespace or ""


def _replace_with(el: etree._Element, children: list[etree._Element]) -> None:
    """Put `children` where `el` is, keeping the text around it."""
    parent = el.getparent()
    index = parent.index(el)
    tail = el.tail
    parent.remove(el)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    if tail:
        last = children[-1] if children else (parent[index - 1] if index > 0 else None)
        if last is None:
            parent.text = (parent.text or "") + tail
        else:
            last.tail = (last.tail or "") + tail


def _process(el: etree._Element, outer: _Scope, understood: frozenset[str]) -> None:
    """Apply MC processing to the children of `el` (whose own attributes are already handled)."""
    scope = _scope_of(el, outer)
    for must in (el.get(f"{{{MC}}}MustUnderstand") or "").split():
        uri = el.nsmap.get(must)
        if uri not in understood:
            raise MustUnderstandError(f"mc:MustUnderstand names {must!r} ({uri}), which is not understood")
    for name in list(el.attrib):
        ns = etree.QName(name).namespace
        if name in _MC_ATTRS or (ns in scope.ignorable and ns not in understood):
            del el.attrib[name]
    for child in list(el):
        if isinstance(child.tag, str):  # not a comment or processing instruction
            _process_element(child, scope, understood)


def _process_element(child: etree._Element, scope: _Scope, understood: frozenset[str]) -> None:
    if _namespace(child) == MC and etree.QName(child).localname == "AlternateContent":
        chosen = _choose(child, understood)
        kids = [k for k in chosen if isinstance(k.tag, str)] if chosen is not None else []
        # The branch's own compatibility attributes (mc:Ignorable on mc:Choice) reach its content.
        branch_scope = _scope_of(chosen, _scope_of(child, scope)) if chosen is not None else scope
        _replace_with(child, list(chosen) if chosen is not None else [])
        for kid in kids:
            _process_element(kid, branch_scope, understood)
        return
    ns = _namespace(child)
    child_scope = _scope_of(child, scope)
    if ns not in understood and ns in child_scope.ignorable:
        local = etree.QName(child).localname
        if (ns, local) in child_scope.process_content or (ns, "*") in child_scope.process_content:
            # The element goes, its content stays (processed in the element's scope).
            _process(child, scope, understood)
            _replace_with(child, list(child))
        else:
            _replace_with(child, [])
        return
    _process(child, scope, understood)


def _choose(alternate: etree._Element, understood: frozenset[str]) -> etree._Element | None:
    """Return the first mc:Choice whose Requires namespaces are all understood, else mc:Fallback."""
    fallback = None
    for branch in alternate:
        if not isinstance(branch.tag, str) or _namespace(branch) != MC:
            continue
        local = etree.QName(branch).localname
        if local == "Choice":
            if fallback is None and all(uri in understood
                                        for uri in _prefixed_namespaces(branch, branch.get("Requires", ""))):
                return branch
        elif local == "Fallback":
            fallback = branch
    return fallback


def preprocess(root: etree._Element, understood: frozenset[str] | None = None) -> etree._Element:
    """Return a copy of `root` after Markup Compatibility processing for a consumer of `understood`."""
    understood = understood_namespaces() if understood is None else understood
    root = etree.fromstring(etree.tostring(root))
    wrapper = etree.Element("wrapper")
    wrapper.append(root)
    _process_element(root, _Scope(), understood)
    if len(wrapper) != 1:
        raise MustUnderstandError("the root element itself is ignorable")
    return wrapper[0]


# --- validation ----------------------------------------------------------------------------------------

def schema_for(root: etree._Element) -> str | None:
    """Return the schema file for a part's root element, or None when docplan does not validate it."""
    q = etree.QName(root)
    return ROOT_SCHEMAS.get((q.namespace, q.localname)) or ROOT_SCHEMAS.get((q.namespace, None))


def validate_part(xml_bytes: bytes, part_name: str) -> list[str] | None:
    """Return the schema errors of one part (empty when valid), or None when no schema covers it.

    customXml items are data of their own (docplan's state part among them); only their itemProps
    (ds:datastoreItem) are validated.
    """
    parser = etree.XMLParser(no_network=True, resolve_entities=False, huge_tree=True)
    root = etree.fromstring(xml_bytes, parser)
    name = schema_for(root)
    if name is None:
        return None
    try:
        processed = preprocess(root)
    except MustUnderstandError as exc:
        return [f"{part_name}: {exc}"]
    schema = load_schema(name)
    # Re-parse so that error lines refer to the processed text, which is what the schema saw.
    doc = etree.fromstring(etree.tostring(processed), parser)
    errors = [] if schema.validate(doc) else [f"{part_name}:{e.line}:{e.column}: {e.message}"
                                              for e in schema.error_log]
    return errors + [f"{part_name}:{line}: {message}" for line, message in word_rules(doc)]


#: Markup that may follow a cell's last paragraph: ranges and proofing marks, not content.
_MARKS = {"bookmarkStart", "bookmarkEnd", "commentRangeStart", "commentRangeEnd", "moveFromRangeStart",
          "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd", "customXmlInsRangeStart",
          "customXmlInsRangeEnd", "customXmlDelRangeStart", "customXmlDelRangeEnd",
          "customXmlMoveFromRangeStart", "customXmlMoveFromRangeEnd", "customXmlMoveToRangeStart",
          "customXmlMoveToRangeEnd", "proofErr", "permStart", "permEnd", "tcPr", "sdtPr", "sdtEndPr",
          "customXmlPr"}


def _ends_with_paragraph(container: etree._Element) -> bool:
    """Whether the last block of `container` is a w:p, looking into content controls and custom XML."""
    blocks = [c for c in container if isinstance(c.tag, str) and etree.QName(c).localname not in _MARKS]
    if not blocks or etree.QName(blocks[-1]).namespace != _W:
        return False
    last = blocks[-1]
    local = etree.QName(last).localname
    if local == "sdt":
        content = last.find(f"{{{_W}}}sdtContent")
        return content is not None and _ends_with_paragraph(content)
    if local == "customXml":
        return _ends_with_paragraph(last)
    return local == "p"


def word_rules(root: etree._Element) -> list[tuple[int, str]]:
    """Return breaches of ECMA-376 rules the schema cannot express but Word enforces.

    Part 1 §17.4.66 (tc): a table cell holds at least one block-level element, and Word wants its last
    block to be a paragraph; the schema's nested optional groups let an empty w:tc, or one ending in a
    nested table, through, and Word calls such a file corrupt.
    """
    return [(tc.sourceline or 0, "w:tc must end with a w:p (ECMA-376 Part 1, 17.4.66)")
            for tc in root.iter(f"{{{_W}}}tc") if not _ends_with_paragraph(tc)]


def package_parts(docx: bytes | Path) -> dict[str, bytes]:
    """Return every XML part (and .rels) of a package by name."""
    data = docx.read_bytes() if isinstance(docx, Path) else docx
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist() if n.endswith((".xml", ".rels"))}


def changed_parts(before: bytes | Path, after: bytes | Path) -> dict[str, bytes]:
    """Return the XML parts of `after` that are new or differ from `before`."""
    old = package_parts(before)
    return {n: b for n, b in package_parts(after).items() if old.get(n) != b}


def validate_parts(parts: dict[str, bytes]) -> tuple[dict[str, list[str]], list[str]]:
    """Validate parts; return (errors by part, names of the parts that were validated)."""
    errors: dict[str, list[str]] = {}
    checked = []
    for name, data in sorted(parts.items()):
        found = validate_part(data, name)
        if found is None:
            continue
        checked.append(name)
        if found:
            errors[name] = found
    return errors, checked
