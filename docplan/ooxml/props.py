"""Document properties: core (``docProps/core.xml``) and custom (``docProps/custom.xml``)."""

from __future__ import annotations

import io
import zipfile

from docplan.ooxml import NSMAP, parse_xml

CUSTOM_PART = "docProps/custom.xml"
CORE_PART = "docProps/core.xml"


def _zip(source: bytes | zipfile.ZipFile) -> zipfile.ZipFile:
    return source if isinstance(source, zipfile.ZipFile) else zipfile.ZipFile(io.BytesIO(source))


def read_custom_properties(source: bytes | zipfile.ZipFile) -> dict[str, str]:
    """Return the custom properties of a package as name → text (empty when there are none)."""
    zf = _zip(source)
    try:
        root = parse_xml(zf.read(CUSTOM_PART))
    except KeyError:
        return {}
    out = {}
    for prop in root.findall(f"{{{NSMAP['op']}}}property"):
        value = next(iter(prop), None)
        out[prop.get("name", "")] = (value.text or "") if value is not None else ""
    return out


def read_core_properties(source: bytes | zipfile.ZipFile) -> dict[str, str]:
    """Return core properties (title, language, subject, …) as local name → text."""
    zf = _zip(source)
    try:
        root = parse_xml(zf.read(CORE_PART))
    except KeyError:
        return {}
    return {el.tag.rsplit("}", 1)[-1]: (el.text or "") for el in root}


def template_identity(source: bytes | zipfile.ZipFile) -> tuple[str, str, str] | None:
    """Return (template id, version, language) recorded in a template or a document made from one."""
    props = read_custom_properties(source)
    if "docplan.template_id" not in props:
        return None
    return props["docplan.template_id"], props.get("docplan.template_version", ""), \
        props.get("docplan.template_language", "")
