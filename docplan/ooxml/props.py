"""Document properties: core (``docProps/core.xml``) and custom (``docProps/custom.xml``) parts."""

from __future__ import annotations

from docplan.ooxml.ns import NSMAP
from docplan.ooxml.parser import Element, make_element, sub_element

CUSTOM_PART = "docProps/custom.xml"
CORE_PART = "docProps/core.xml"
CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def custom_properties(root: Element | None) -> dict[str, str]:
    """Return the custom properties of a ``Properties`` root as name → text."""
    out: dict[str, str] = {}
    if root is None:
        return out
    for prop in root.iterchildren(f"{{{NSMAP['op']}}}property"):
        value = next((v for v in prop if isinstance(v.tag, str)), None)
        out[prop.get("name", "")] = (value.text or "") if value is not None else ""
    return out


def core_properties(root: Element | None) -> dict[str, str]:
    """Return core properties (title, language, subject, …) as local name → text."""
    if root is None:
        return {}
    return {el.tag.rsplit("}", 1)[-1]: (el.text or "") for el in root if isinstance(el.tag, str)}


def template_identity(custom: dict[str, str]) -> tuple[str, str, str] | None:
    """Return (template id, version, language) recorded in a template or a document made from one."""
    if "docplan.template_id" not in custom:
        return None
    return custom["docplan.template_id"], custom.get("docplan.template_version", ""), \
        custom.get("docplan.template_language", "")


def set_custom_properties(root: Element | None, values: dict[str, str]) -> Element:
    """Return a custom properties root with ``values`` set (as text), other properties kept."""
    op, vt = NSMAP["op"], NSMAP["vt"]
    if root is None:
        root = make_element(f"{{{op}}}Properties", nsmap={None: op, "vt": vt})
    existing = {p.get("name"): p for p in root.iterchildren(f"{{{op}}}property")}
    pids = [int(p.get("pid")) for p in existing.values() if (p.get("pid") or "").isdigit()]
    next_pid = max(pids, default=1) + 1
    for name, value in values.items():
        prop = existing.get(name)
        if prop is None:
            prop = sub_element(root, f"{{{op}}}property", {"fmtid": _FMTID, "pid": str(next_pid), "name": name})
            next_pid += 1
        for child in list(prop):
            prop.remove(child)
        sub_element(prop, f"{{{vt}}}lpwstr").text = value
    return root
