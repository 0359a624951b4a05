"""What docplan inserted into a document, kept to notice a planner's manual edits.

The record is a custom XML part (Word keeps these through edits)::

    customXml/itemN.xml        <state xmlns="urn:docplan:state:1">
                                 <item tag="docplan:measure:T-01" hash="3f2a…"/>
                               </state>
    customXml/itemPropsN.xml   ds:datastoreItem naming the schema urn:docplan:state:1
    customXml/_rels/itemN.xml.rels, a customXml relationship from the main part, content types

``hash`` is `docplan.ooxml.sdt.text_hash` of the control's text when docplan wrote it. When the same
tag occurs more than once (a measure as a table row and as a block), ``hash`` holds each distinct
hash separated by spaces.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from typing import TYPE_CHECKING

from lxml import etree

from docplan.ooxml import parse_xml
from docplan.ooxml.sdt import iter_tagged, sdt_text, text_hash

if TYPE_CHECKING:
    from docplan.document import PlanDocument

STATE_NS = "urn:docplan:state:1"
DS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"
REL_CUSTOM_XML = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml"
REL_CUSTOM_XML_PROPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXmlProps"
CT_CUSTOM_XML_PROPS = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
#: Deterministic datastore id, so writing the same state twice gives the same bytes.
ITEM_ID = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, STATE_NS)).upper() + "}"

CURRENT, CHANGED, STALE = "current", "changed", "stale"
_ITEM_PART = re.compile(r"^customXml/item(\d+)\.xml$")


def _state_from_root(root: etree._Element) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in root.iter(f"{{{STATE_NS}}}item"):
        tag, value = item.get("tag"), item.get("hash")
        if tag and value:
            out[tag] = value
    return out


def _is_state(root: etree._Element) -> bool:
    return root.tag == f"{{{STATE_NS}}}state"


def read_state(package: bytes | zipfile.ZipFile) -> dict[str, str]:
    """Return tag → hash from a .docx package's docplan state part ({} when there is none)."""
    if isinstance(package, zipfile.ZipFile):
        return _read_state(package)
    try:
        zf = zipfile.ZipFile(io.BytesIO(package))
    except zipfile.BadZipFile:
        return {}
    with zf:
        return _read_state(zf)


def _read_state(zf: zipfile.ZipFile) -> dict[str, str]:
    for name in zf.namelist():
        if not _ITEM_PART.match(name):
            continue
        try:
            data = zf.read(name)
            if STATE_NS.encode() not in data:
                continue
            root = parse_xml(data)
        except Exception:  # a broken custom XML part is not docplan's record
            continue
        if _is_state(root):
            return _state_from_root(root)
    return {}


def item_status(tag: str, sdt: etree._Element, state: dict[str, str], expected_text: str | None = None) -> str:
    """Return "current", "changed" (planner edited it since insertion) or "stale" (data changed).

    "stale" is only possible with ``expected_text`` (the text docplan would write now). An item
    without a record cannot show manual edits: it is "current" or, when the text differs from
    ``expected_text``, "stale".
    """
    now = text_hash(sdt_text(sdt))
    recorded = state.get(tag)
    if recorded is not None and now not in recorded.split():
        return CHANGED
    if expected_text is not None and text_hash(expected_text) != now:
        return STALE
    return CURRENT


# -- inside a PlanDocument ----------------------------------------------------------------------
def find_state_part(doc: "PlanDocument") -> str | None:
    """Return the name of the document's docplan state part, or None."""
    for name in doc.part_names():
        if _ITEM_PART.match(name):
            try:
                data = doc.part_bytes(name)
            except KeyError:
                continue
            if STATE_NS.encode() not in data:
                continue
            try:
                if _is_state(doc.xml(name)):
                    return name
            except Exception:
                continue
    return None


def document_state(doc: "PlanDocument") -> dict[str, str]:
    """Return tag → hash from an open `PlanDocument` (parses the state part once)."""
    name = find_state_part(doc)
    return _state_from_root(doc.xml(name)) if name else {}


def record_hashes(doc: "PlanDocument") -> dict[str, str]:
    """Return tag → hash(es) of every docplan control in the document as it is now."""
    return hashes_of(doc.body)


def state_element(state: dict[str, str]) -> etree._Element:
    """Return the ``<state>`` root holding ``state`` (tags sorted, so equal records give equal bytes)."""
    root = etree.Element(f"{{{STATE_NS}}}state", nsmap={None: STATE_NS})
    for tag in sorted(state):
        etree.SubElement(root, f"{{{STATE_NS}}}item", tag=tag, hash=state[tag])
    return root


def hashes_of(root: etree._Element) -> dict[str, str]:
    """Return tag → hash(es) of every docplan control under an XML root."""
    hashes: dict[str, list[str]] = {}
    for tag, sdt in iter_tagged(root):
        h = text_hash(sdt_text(sdt))
        bucket = hashes.setdefault(str(tag), [])
        if h not in bucket:
            bucket.append(h)
    return {tag: " ".join(hs) for tag, hs in hashes.items()}


def write_state(doc: "PlanDocument", state: dict[str, str]) -> None:
    """Store ``state`` in the document's state part, creating the part (and its links) if needed.

    Leaves the package untouched when the stored state is already equal, so a second identical run
    changes nothing.
    """
    name = find_state_part(doc)
    root = state_element(state)
    if name is not None:
        if _state_from_root(doc.xml(name)) == state:
            return
        doc.set_part(name, root)
        return
    n = 1
    while doc.has_part(f"customXml/item{n}.xml") or doc.has_part(f"customXml/itemProps{n}.xml"):
        n += 1
    item, props = f"customXml/item{n}.xml", f"customXml/itemProps{n}.xml"
    doc.set_part(item, root)
    ds = etree.Element(f"{{{DS_NS}}}datastoreItem", nsmap={"ds": DS_NS})
    ds.set(f"{{{DS_NS}}}itemID", ITEM_ID)
    refs = etree.SubElement(ds, f"{{{DS_NS}}}schemaRefs")
    etree.SubElement(refs, f"{{{DS_NS}}}schemaRef").set(f"{{{DS_NS}}}uri", STATE_NS)
    doc.set_part(props, ds)
    doc.add_relationship(item, REL_CUSTOM_XML_PROPS, f"itemProps{n}.xml")
    doc.add_override(props, CT_CUSTOM_XML_PROPS)
    doc.add_override(item, "application/xml")
    target = "../" + item if doc.main_part.startswith("word/") else "/" + item
    doc.add_relationship(doc.main_part, REL_CUSTOM_XML, target)
