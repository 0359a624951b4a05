"""The one XML parser: every part docplan reads is parsed here, safely.

No DTD is loaded, no entity is resolved, nothing is fetched from the network, and a document that
declares a DOCTYPE (internal subset, external entity, billion laughs) is refused *after* lxml has
decoded it — whatever its encoding (UTF-8, UTF-16 LE/BE with or without BOM) and however far into
the prolog the declaration is. ``huge_tree`` lifts libxml2's text-node and depth limits, so large
valid documents (a 16 MB flat-OPC body from Word on the web) parse; the size limits of
`docplan.package.Limits` and the API's request limit bound what reaches the parser.

lxml's parser objects are not thread-safe, so each thread gets its own.
"""

from __future__ import annotations

import threading
from typing import Iterable

from lxml import etree

from docplan.ooxml.ns import NSMAP

#: The element type every docplan module works with (``lxml.etree._Element``).
Element = etree._Element
#: Raised by lxml for malformed XML.
XMLSyntaxError = etree.XMLSyntaxError

_LOCAL = threading.local()
_FRAGMENT_DECL = " ".join(f'xmlns:{p}="{u}"' for p, u in NSMAP.items() if p != "xml")


class DoctypeRefused(ValueError):
    """Raised when XML carries a DOCTYPE declaration (refused: XXE, entity expansion)."""


def _parser() -> etree.XMLParser:
    parser = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = _LOCAL.parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
            huge_tree=True, remove_blank_text=False, remove_comments=False)
    return parser


def _refuse_doctype(tree: etree._ElementTree) -> None:
    info = tree.docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise DoctypeRefused("DOCTYPE declarations are not allowed")


def parse_xml(data: bytes | str) -> Element:
    """Return the root of ``data`` parsed safely; raise `DoctypeRefused` or `XMLSyntaxError`."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    root = etree.fromstring(data, _parser())
    _refuse_doctype(root.getroottree())
    return root


def check_prolog(data: bytes) -> None:
    """Raise `DoctypeRefused` when the XML in ``data`` declares a DOCTYPE; read only up to its root.

    The package check calls this for every XML part before any part is used: the parse stops at the
    first start tag (fed in growing pieces, as the prolog is short but may hold a long comment), so a
    large part costs almost nothing. Malformed XML is left to `parse_xml`.
    """
    pull = etree.XMLPullParser(events=("start",), resolve_entities=False, no_network=True, load_dtd=False,
                               huge_tree=True)
    at, chunk = 0, 512
    try:
        while at < len(data):
            pull.feed(data[at:at + chunk])
            at += chunk
            chunk = min(chunk * 4, 1 << 20)
            for _event, element in pull.read_events():
                _refuse_doctype(element.getroottree())
                return
    except XMLSyntaxError:
        return


def parse_element(xml: str) -> Element:
    """Return one element written with prefixed names (any of `NSMAP`'s prefixes), parsed as its own root.

    The prefixes it uses are declared on its start tag. A root of its own moves into a document in time
    proportional to its size; an element taken out of a holder element made lxml reconcile every node's
    namespace against the holder (inserting a 1 000-row table took seconds).
    """
    name_end = 1
    while name_end < len(xml) and xml[name_end] not in " \t\r\n/>":
        name_end += 1
    start_tag = xml[:xml.index(">")]
    used = " ".join(f'xmlns:{p}="{u}"' for p, u in NSMAP.items()
                    if p != "xml" and (f"<{p}:" in xml or f" {p}:" in xml) and f"xmlns:{p}=" not in start_tag)
    return parse_xml(f"{xml[:name_end]} {used}{xml[name_end:]}")


def parse_fragment(xml: str) -> list[Element]:
    """Return the elements of an XML fragment (prefixed names, any of `NSMAP`'s prefixes), detached.

    For content to place in a document, prefer `parse_element` per element (see there).
    """
    holder = parse_xml(f"<holder {_FRAGMENT_DECL}>{xml}</holder>")
    return list(holder)


def serialize(element: Element) -> bytes:
    """Return a part's bytes with an XML declaration, as Word writes them."""
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)


def serialize_document(root: Element) -> bytes:
    """Return the whole document ``root`` belongs to (comments before and after it too) with an XML
    declaration and no ``standalone``, as a file that is not an Office part is written."""
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8")


def to_string(element: Element) -> str:
    """Return an element's XML as text, without a declaration."""
    return etree.tostring(element, encoding="unicode")


def make_element(tag: str, attrib: dict[str, str] | None = None, nsmap: dict | None = None) -> Element:
    """Return a new element (Clark-name ``tag``)."""
    return etree.Element(tag, attrib or {}, nsmap=nsmap)


def sub_element(parent: Element, tag: str, attrib: dict[str, str] | None = None) -> Element:
    """Append and return a new child element."""
    return etree.SubElement(parent, tag, attrib or {})


def comment(text: str) -> Element:
    return etree.Comment(text)


def is_comment(node: object) -> bool:
    """Whether ``node`` is an XML comment."""
    return isinstance(node, etree._Comment)


def is_element(node: object) -> bool:
    """Whether ``node`` is an element (not a comment or processing instruction)."""
    return isinstance(node, etree._Element) and isinstance(node.tag, str)


def deep_copy(element: Element) -> Element:
    import copy

    return copy.deepcopy(element)


def xpath(expression: str, **namespaces: str):
    """Return a compiled XPath with docplan's prefixes (``w:`` …)."""
    return etree.XPath(expression, namespaces={**{k: v for k, v in NSMAP.items() if k != "xml"}, **namespaces})


def elements(nodes: Iterable) -> list[Element]:
    """Return the element nodes among ``nodes``."""
    return [n for n in nodes if is_element(n)]


def split_document(document: Element) -> tuple[str, str, str]:
    """Return a ``w:document``'s XML as (text before the body, the body element, text after the body).

    The body is serialised as an element of its own (with the namespace declarations it needs), so
    it can be rendered as a template and put back between the two other pieces.
    """
    import copy

    body = next(el for el in document if isinstance(el.tag, str) and el.tag.endswith("}body"))
    body_xml = to_string(body)
    shell = copy.deepcopy(document)
    shell_body = next(el for el in shell if isinstance(el.tag, str) and el.tag.endswith("}body"))
    for child in list(shell_body):
        shell_body.remove(child)
    shell_body.append(etree.Comment("docplan-body"))
    text = to_string(shell)
    marker = text.index("<!--docplan-body-->")
    qname = f"{body.prefix}:body" if body.prefix else "body"
    start = text.rfind(f"<{qname}", 0, marker)
    end = text.index(f"</{qname}>", marker) + len(f"</{qname}>")
    return text[:start], body_xml, text[end:]
