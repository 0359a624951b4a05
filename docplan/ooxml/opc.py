"""Package plumbing as XML: relationships parts and ``[Content_Types].xml``."""

from __future__ import annotations

from docplan.ooxml.ns import NSMAP
from docplan.ooxml.parser import Element, make_element, sub_element

_PR, _CT = NSMAP["pr"], NSMAP["ct"]


def new_relationships() -> Element:
    return make_element(f"{{{_PR}}}Relationships", nsmap={None: _PR})


def add_relationship(root: Element, rel_type: str, target: str) -> str:
    """Add a relationship to a ``Relationships`` root; return its new id."""
    ids = {rel.get("Id") for rel in root}
    n = len(ids) + 1
    while f"rId{n}" in ids:
        n += 1
    sub_element(root, f"{{{_PR}}}Relationship", {"Id": f"rId{n}", "Type": rel_type, "Target": target})
    return f"rId{n}"


def set_override(root: Element, part: str, content_type: str) -> bool:
    """Declare a part's content type in a ``Types`` root; return True when something changed."""
    name = "/" + part.lstrip("/")
    for el in root.iterchildren(f"{{{_CT}}}Override"):
        if el.get("PartName") == name:
            if el.get("ContentType") == content_type:
                return False
            el.set("ContentType", content_type)
            return True
    sub_element(root, f"{{{_CT}}}Override", {"PartName": name, "ContentType": content_type})
    return True


def ensure_default(root: Element, extension: str, content_type: str) -> bool:
    """Declare a default content type for a file extension (once); return True when added."""
    for el in root.iterchildren(f"{{{_CT}}}Default"):
        if (el.get("Extension") or "").lower() == extension.lower():
            return False
    sub_element(root, f"{{{_CT}}}Default", {"Extension": extension, "ContentType": content_type})
    return True
