"""docplan's record of what it inserted, as a custom XML part (Word keeps these through edits)::

    customXml/itemN.xml        <state xmlns="urn:docplan:state:1" municipality="3427">
                                 <item tag="docplan:measure:T-01" hash="3f2a…"/>
                               </state>
    customXml/itemPropsN.xml   ds:datastoreItem naming the schema urn:docplan:state:1

``hash`` holds the distinct `docplan.ooxml.text.text_hash` values of what docplan wrote for the tag,
separated by spaces. ``municipality``, when present, is the edition's municipality (a document made
with ``--kommune``): its measure table shows that municipality's measures.
"""

from __future__ import annotations

import uuid

from docplan.ooxml.ns import NSMAP
from docplan.ooxml.parser import Element, make_element, sub_element

STATE_NS = "urn:docplan:state:1"
REL_CUSTOM_XML = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml"
REL_CUSTOM_XML_PROPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXmlProps"
CT_CUSTOM_XML_PROPS = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
#: Deterministic datastore id, so writing the same record twice gives the same bytes.
ITEM_ID = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, STATE_NS)).upper() + "}"
_STATE, _ITEM = f"{{{STATE_NS}}}state", f"{{{STATE_NS}}}item"


def is_state(root: Element) -> bool:
    return root.tag == _STATE


def read_state_root(root: Element) -> tuple[dict[str, str], str | None]:
    """Return (tag → hashes, edition municipality) from a ``<state>`` root."""
    out: dict[str, str] = {}
    for item in root.iter(_ITEM):
        tag, value = item.get("tag"), item.get("hash")
        if tag and value:
            out[tag] = value
    return out, root.get("municipality") or None


def state_element(state: dict[str, str], municipality: str | None = None) -> Element:
    """Return the ``<state>`` root holding ``state`` (tags sorted, so equal records give equal bytes)."""
    root = make_element(_STATE, nsmap={None: STATE_NS})
    if municipality:
        root.set("municipality", municipality)
    for tag in sorted(state):
        sub_element(root, _ITEM, {"tag": tag, "hash": state[tag]})
    return root


def datastore_item() -> Element:
    """Return the ``ds:datastoreItem`` properties part naming docplan's schema."""
    ds = NSMAP["ds"]
    root = make_element(f"{{{ds}}}datastoreItem", nsmap={"ds": ds})
    root.set(f"{{{ds}}}itemID", ITEM_ID)
    refs = sub_element(root, f"{{{ds}}}schemaRefs")
    sub_element(refs, f"{{{ds}}}schemaRef").set(f"{{{ds}}}uri", STATE_NS)
    return root
