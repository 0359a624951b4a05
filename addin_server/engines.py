"""The docplan engines the API calls: snippets (`docplan.snippets`), checks (`docplan.checks`), state.

This module only adapts arguments and results to JSON; the work is the library's. An engine that
is not installed gives a 503 with a Norwegian message instead of a crash.
"""

from __future__ import annotations

import base64
import importlib
import io
import threading
import zipfile
from collections import Counter, OrderedDict

from addin_server.errors import UnavailableError
from docplan.errors import DocumentError, Location
from docplan.model import Plan
from docplan.ooxml import parse_xml, serialize
from docplan.snippets import PKG_NS
from docplan.tags import format_tag, parse_tag



def _module(name: str):
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        raise UnavailableError(f"funksjonen er ikke tilgjengelig på denne tjeneren ({name} mangler)",
                               code="engine_unavailable") from None


# -- snippets ---------------------------------------------------------------------------------------
_SNIPPETS: OrderedDict[tuple, tuple[str, str, dict[str, str]]] = OrderedDict()
_SNIPPETS_MAX = 512
_SNIPPETS_LOCK = threading.Lock()


def cached_snippet(key: tuple, plan: Plan, number: str, kind: str, item_id: str,
                   lang: str) -> tuple[str, str, dict[str, str]]:
    """Return `snippet` from a small LRU cache; ``key`` must change whenever the plan file changes.

    A snippet is a pure function of the plan data, so the cache only saves rebuilding the XML.
    """
    key = (*key, number, kind, item_id, lang)
    with _SNIPPETS_LOCK:
        hit = _SNIPPETS.get(key)
        if hit is not None:
            _SNIPPETS.move_to_end(key)
            return hit
    value = snippet(plan, number, kind, item_id, lang)
    with _SNIPPETS_LOCK:
        _SNIPPETS[key] = value
        while len(_SNIPPETS) > _SNIPPETS_MAX:
            _SNIPPETS.popitem(last=False)
    return value


def snippet(plan: Plan, number: str, kind: str, item_id: str, lang: str) -> tuple[str, str, dict[str, str]]:
    """Return (tag, flat-OPC XML, hashes) for one item, built by `docplan.snippets`.

    ``hashes`` maps every docplan tag in the snippet to the `text_hash` of its text (distinct
    hashes space-separated, as in the document's docplan state), so the task pane can record what
    it inserted and a later refresh can tell a manual edit.
    """
    snippets = _module("docplan.snippets")
    elements = snippet_elements(snippets, plan, number, kind, item_id, lang)
    tag = format_tag(kind, number if kind == "measure-table" else item_id)
    return tag, _as_text(snippets.flat_opc(elements)), snippet_hashes(elements)


def snippet_hashes(elements: list) -> dict[str, str]:
    """Return tag → text hash(es) of every docplan control among ``elements`` (as `state.hashes_of`)."""
    state = _module("docplan.state")
    merged: dict[str, list[str]] = {}
    for el in elements:
        for tag, hashes in state.hashes_of(el).items():
            bucket = merged.setdefault(tag, [])
            bucket.extend(h for h in hashes.split() if h not in bucket)
    return {tag: " ".join(hs) for tag, hs in merged.items()}


def snippet_elements(snippets, plan: Plan, number: str, kind: str, item_id: str, lang: str) -> list:
    if kind == "goal":
        out = snippets.goal_block(plan, item_id, lang=lang)
    elif kind == "measure":
        out = snippets.measure_block(plan, item_id, lang=lang)
    elif kind == "measure-table":
        # the municipality's own table (common + its local measures), tagged with its number as the
        # library's insert/refresh does, so a CLI refresh rebuilds the same table
        out = snippets.measure_table(plan, plan.measures_for(number), lang=lang, scope=number)
    elif kind == "kp-ref":
        out = snippets.kp_ref_run(plan, item_id, lang=lang)
    else:
        out = snippets.kp_quote_block(plan, item_id, lang=lang)
    return out if isinstance(out, list) else [out]


# -- documents from the task pane ---------------------------------------------------------------------
def docx_from_flat_opc(text: str) -> bytes:
    """Return a .docx zip built from a flat-OPC ``pkg:package`` (what ``body.getOoxml()`` returns)."""
    try:
        root = parse_xml(text)
    except Exception as exc:
        raise DocumentError("dokumentets OOXML kan ikke leses (ugyldig XML)", Location(part="pkg:package"),
                            code="bad_ooxml") from exc
    if root.tag != f"{{{PKG_NS}}}package":
        raise DocumentError("OOXML-en er ikke en flat OPC-pakke (pkg:package)", code="bad_ooxml")
    buf = io.BytesIO()
    overrides, defaults = [], {"rels": "application/vnd.openxmlformats-package.relationships+xml"}
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for part in root.iter(f"{{{PKG_NS}}}part"):
            name = (part.get(f"{{{PKG_NS}}}name") or "").lstrip("/")
            ctype = part.get(f"{{{PKG_NS}}}contentType") or "application/octet-stream"
            if not name or ".." in name.split("/"):
                raise DocumentError("OOXML-en har en del uten gyldig navn", Location(part=name or "?"),
                                    code="bad_ooxml")
            xml_data = part.find(f"{{{PKG_NS}}}xmlData")
            bin_data = part.find(f"{{{PKG_NS}}}binaryData")
            if xml_data is not None and len(xml_data):
                data = serialize(xml_data[0])
            elif bin_data is not None:
                try:
                    data = base64.b64decode(bin_data.text or "", validate=False)
                except ValueError as exc:
                    raise DocumentError("en binær del kan ikke leses", Location(part=name),
                                        code="bad_ooxml") from exc
            else:
                continue
            zf.writestr(name, data)
            if not name.endswith(".rels"):
                overrides.append((name, ctype))
        ct = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
              '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">']
        ct += [f'<Default Extension="{ext}" ContentType="{t}"/>' for ext, t in defaults.items()]
        ct += [f'<Override PartName="/{n}" ContentType="{t}"/>' for n, t in overrides]
        ct.append("</Types>")
        zf.writestr("[Content_Types].xml", "".join(ct))
    return buf.getvalue()


# -- check ----------------------------------------------------------------------------------------
def check(plan: Plan, number: str, data: bytes | None, ooxml: str | None) -> list[dict]:
    """Run `docplan.checks` on the document and the plan; return findings as in docplan-check/1.

    Each finding also carries ``comment`` (the Word comment text the library writes) and ``tag``.
    """
    if data is None:
        data = docx_from_flat_opc(ooxml or "")
    checks = _module("docplan.checks")
    report = _module("docplan.checks.report")
    view = _module("docplan.checks.docview").read_document(data, name="dokumentet")  # checks the package first
    findings = checks.run_checks(document=view, data=plan, municipality=number)
    # A finding about another municipality (its adoption, its local measures) is that municipality's data.
    own = [f for f in findings if f.municipality in (None, number)]
    return [{**report.finding_dict(f), "comment": report.comment_text(f), "tag": _subject_tag(plan, f.subject)}
            for f in own]


def _subject_tag(plan: Plan, subject: str | None) -> str | None:
    """Return the content-control tag of a finding's subject (a measure or goal id), if it has one."""
    if not subject:
        return None
    if any(m.id == subject for m in plan.measures):
        return format_tag("measure", subject)
    if plan.goal(subject) is not None:
        return format_tag("goal", subject)
    return None


def summarise(findings: list[dict]) -> dict:
    by_rule = Counter(f["rule"] for f in findings)
    by_severity = Counter(f["severity"] for f in findings)
    return {"total": len(findings), "by_rule": dict(sorted(by_rule.items())),
            "by_severity": dict(sorted(by_severity.items()))}


# -- refresh --------------------------------------------------------------------------------------
UNKNOWN, MISSING = "unknown", "missing"


def refresh(plan: Plan, number: str, items: list[dict], lang: str) -> list[dict]:
    """Return the items whose text no longer matches the plan, each with a status.

    Never lose the planner's text: only ``stale`` items may be replaced without asking.

    - ``changed``: the item's recorded ``hash`` (from the document's docplan state) no longer
      matches its text, so it was edited by hand; no replacement is offered.
    - ``stale``: the item is as docplan wrote it (recorded hash matches) but the plan has changed;
      ``ooxml`` is the fresh content and ``hashes`` what to record after replacing it.
    - ``unknown``: the text differs from the plan and there is no record of what docplan wrote, so
      a manual edit cannot be ruled out; ``ooxml`` is offered, but a client must only use it after
      the planner has confirmed ("Overskriv likevel").
    - ``missing``: the plan no longer has the item.

    An item's optional ``id`` (the client's control id) is echoed back so a client can act on one
    control when the same tag occurs more than once.
    """
    state = _module("docplan.state")
    sdt = importlib.import_module("docplan.ooxml.sdt")
    snippets = _module("docplan.snippets")
    out = []
    for item in items:
        tag = parse_tag(item["tag"])
        if tag is None or tag.kind not in ("goal", "measure", "measure-table", "kp-ref", "kp-quote"):
            continue
        ident = {"id": item["id"]} if isinstance(item.get("id"), (str, int)) else {}
        text = str(item.get("text") or "")
        now = sdt.text_hash(text)
        recorded = item.get("hash")
        recorded = recorded.split() if isinstance(recorded, str) and recorded.strip() else None
        if recorded is not None and now not in recorded:
            out.append({"tag": item["tag"], **ident, "status": state.CHANGED, "ooxml": None})
            continue
        try:
            elements = snippet_elements(snippets, plan, number, tag.kind, tag.id, lang)
        except (LookupError, ValueError):
            out.append({"tag": item["tag"], **ident, "status": MISSING, "ooxml": None})
            continue
        expected = _tagged_text(sdt, elements, item["tag"])
        if sdt.text_hash(expected) != now:
            out.append({"tag": item["tag"], **ident, "status": state.STALE if recorded else UNKNOWN,
                        "ooxml": _as_text(snippets.flat_opc(elements)), "hashes": snippet_hashes(elements)})
    return out


def _tagged_text(sdt, elements: list, tag: str) -> str:
    """Return the text of the control tagged ``tag`` among the built elements (what Word shows for it)."""
    for el in elements:
        for found, control in sdt.iter_tagged(el):
            if str(found) == tag:
                return sdt.sdt_text(control)
    return "\n".join(sdt.element_text(e) for e in elements)


def _as_text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value
