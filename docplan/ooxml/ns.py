"""Namespace prefixes of the OOXML vocabularies docplan reads and writes, and `qn` for Clark names."""

from __future__ import annotations

NSMAP = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "op": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
    "vt": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "pr": "http://schemas.openxmlformats.org/package/2006/relationships",
    "ds": "http://schemas.openxmlformats.org/officeDocument/2006/customXml",
    "pkg": "http://schemas.microsoft.com/office/2006/xmlPackage",
    "xml": "http://www.w3.org/XML/1998/namespace",
}

W = NSMAP["w"]
XML_SPACE = f"{{{NSMAP['xml']}}}space"


def qn(tag: str) -> str:
    """Return the Clark name of a prefixed tag: ``qn("w:p")`` → ``{http://…/main}p``."""
    prefix, local = tag.split(":")
    return f"{{{NSMAP[prefix]}}}{local}"


def local_name(tag: object) -> str:
    """Return the local part of an element's tag (comments and processing instructions give "")."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""
