"""What the API does with documents: snippets, checks and refresh — each the library's own engine.

This module only adapts arguments and results to JSON: snippets are `docplan.snippets`, checks
`docplan.checks`, and «Oppdater alle» is `docplan.refresh` (the same classifier and the same
row-by-row update as ``docplan refresh``), so the task pane and the command line give the same answer
for the same document.
"""

from __future__ import annotations

import re
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass, field

from addin_server.access import FORBIDDEN, visible_item
from docplan import snippets
from docplan.document import PlanDocument
from docplan.errors import InputError
from docplan.model import Plan
from docplan.ooxml.ns import qn
from docplan.ooxml.sdt import Shape
from docplan.refresh import MANAGED, Session, Status, classify, effective_tag
from docplan.state import hashes_of
from docplan.tags import Tag, format_tag, parse_tag
from docplan.i18n import _

# -- snippets ---------------------------------------------------------------------------------------
_SNIPPETS: OrderedDict[tuple, tuple[str, str, dict[str, str]]] = OrderedDict()
_SNIPPETS_MAX = 512
_SNIPPETS_LOCK = threading.Lock()


def cached_snippet(key: tuple, plan: Plan, number: str, kind: str, item_id: str,
                   lang: str) -> tuple[str, str, dict[str, str]]:
    """Return `snippet` from a small LRU cache; ``key`` must change whenever the plan file changes."""
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
    """Return (tag, flat-OPC XML, hashes) for one item to insert at the cursor.

    ``hashes`` maps every docplan tag in the snippet to the fingerprints docplan records for it, so the
    task pane can record what it inserted and a later refresh can tell a manual edit.
    """
    elements = snippet_elements(plan, number, kind, item_id, lang)
    tag = format_tag(kind, number if kind == "measure-table" else item_id)
    return tag, snippets.flat_opc(elements), snippet_hashes(elements)


def snippet_hashes(elements: list) -> dict[str, str]:
    """Return tag → fingerprint(s) of every docplan control among ``elements``."""
    merged: dict[str, list[str]] = {}
    for el in elements:
        for tag, hashes in hashes_of(el).items():
            bucket = merged.setdefault(tag, [])
            bucket.extend(h for h in hashes.split() if h not in bucket)
    return {tag: " ".join(hs) for tag, hs in merged.items()}


def snippet_elements(plan: Plan, number: str, kind: str, item_id: str, lang: str) -> list:
    if kind == "goal":  # a municipality gets its own kommuneplan references only
        return snippets.goal_block(plan, item_id, lang=lang, scope=number)
    if kind == "measure":
        return snippets.measure_block(plan, item_id, lang=lang, scope=number)
    if kind == "measure-table":
        # the municipality's own table (common + its local measures), tagged with its number
        return [snippets.measure_table(plan, plan.measures_for(number), lang=lang, scope=number)]
    if kind == "kp-ref":
        return [snippets.kp_ref_run(plan, item_id, lang=lang)]
    return [snippets.kp_quote_block(plan, item_id, lang=lang)]


# -- check ----------------------------------------------------------------------------------------
def open_document(data: bytes | None, ooxml: str | None) -> PlanDocument:
    """Return the document the pane sent: .docx bytes or flat OPC (``body.getOoxml()``), checked either way."""
    if data is not None:
        return PlanDocument.open(data, name="dokumentet")
    return PlanDocument.from_flat_opc(ooxml or "", name="dokumentet")


def check(plan: Plan, number: str, data: bytes | None, ooxml: str | None, lang: str = "nb") -> list[dict]:
    """Run `docplan.checks` on the document and the plan; return findings as in docplan-check/1.

    Each finding also carries ``comment`` (the Word comment text the library writes), ``tag`` and
    ``place`` (`finding_place`). Findings about another municipality (its adoption, its local measures)
    are left out. Messages are in ``lang`` (bokmål or nynorsk, `docplan.i18n`).
    """
    from docplan.checks import report, run_checks
    from docplan.checks.docview import read_document

    from docplan.i18n import language

    with language(lang):
        view = read_document(open_document(data, ooxml))
        findings = run_checks(document=view, data=plan, municipality=number, lang=lang)
        own = [f for f in findings if f.municipality in (None, number)]
        places = Places(view)
        return [{**report.finding_dict(f), "comment": report.comment_text(f), "tag": _subject_tag(plan, f.subject),
                 "place": places.of(f.location.paragraph)} for f in own]


#: Longest text the pane gives Word's ``body.search`` (which takes at most 255 characters).
PLACE_MAX = 200
_SEGMENT = re.compile(r"[^\t\n\r\x07\x0b\x0c]+")


class Places:
    """Where the task pane finds a finding's paragraph: its text and which occurrence of it in the body.

    The pane searches the body for the text (``body.search``) and takes that match: a paragraph number
    would not do, as the checker counts paragraphs Word's ``body.paragraphs`` leaves out (text boxes,
    once in each ``mc:AlternateContent`` branch). Occurrences are counted in the text Word's body holds:
    paragraphs inside text boxes are left out (a finding in one has no place), and so is a text box's
    text inside the paragraph it is anchored in.
    """

    def __init__(self, view) -> None:
        self.view = view
        self._texts: list[str | None] | None = None

    @property
    def texts(self) -> list[str | None]:
        """Each paragraph's text as Word's body shows it; None for a paragraph inside a text box."""
        if self._texts is None:
            box = qn("w:txbxContent")
            texts: list[str | None] = list(self.view.paragraphs.texts)
            document = self.view.document
            for i, el in enumerate(document.paragraph_elements() if document is not None else []):
                if next(el.iterancestors(box), None) is not None:
                    texts[i] = None
                elif next(el.iter(box), None) is not None:  # anchors a text box: its own text only
                    texts[i] = _join_text(n for n in el.iter(*_TEXT_NODES) if next(n.iterancestors(box), None) is None)
            self._texts = texts
        return self._texts

    def of(self, paragraph: int | None) -> dict | None:
        """Return ``{text, occurrence}`` for paragraph number ``paragraph``, or None when it has no place."""
        texts = self.texts
        if paragraph is None or not 0 <= paragraph < len(texts) or texts[paragraph] is None:
            return None
        text = search_text(texts[paragraph])
        if not text:
            return None
        before = sum(t.count(text) for t in texts[:paragraph] if t)
        return {"text": text, "occurrence": before}


_TEXT_NODES = (qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"))


def _join_text(nodes) -> str:
    """Return the text of run-level text nodes: ``w:t`` text, tabs, breaks as line ends."""
    t, tab = qn("w:t"), qn("w:tab")
    return "".join((n.text or "") if n.tag == t else "\t" if n.tag == tab else "\n" for n in nodes)


def search_text(paragraph: str) -> str:
    """Return the start of a paragraph's text that Word's search can match: its first piece of text
    between tabs and breaks, at most `PLACE_MAX` characters, cut at a space; "" when it has no text."""
    text = next((t for t in (m.group(0).strip() for m in _SEGMENT.finditer(paragraph or "")) if t), "")
    if len(text) > PLACE_MAX:
        cut = text.rfind(" ", PLACE_MAX // 2, PLACE_MAX)
        text = text[:cut if cut > 0 else PLACE_MAX].rstrip()
    return text


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
@dataclass(eq=False)
class PaneItem:
    """A docplan control as the task pane reads it from Word: tag, shape and text (no XML)."""

    tag: Tag
    shape: Shape
    text: str
    children: list["PaneItem"] = field(default_factory=list)
    #: compared by its whole text: the pane does not send the items inside it without its OOXML
    opaque: bool = True

    @property
    def name(self) -> str:
        return str(self.tag)

    @property
    def own_text(self) -> str:
        return self.text




def refresh(plan: Plan, number: str, items: list[dict], lang: str, *, maintainer: bool = False,
            edition: str | None = None) -> list[dict]:
    """Answer «Oppdater alle»: each control that is not current, with its `docplan.refresh.Status`.

    ``items`` are the pane's docplan controls: ``{tag, shape, text, hash?, id?, parent?, ooxml?,
    force?}``. A control that holds other docplan controls (a measure table, a goal with kommuneplan
    references) comes with its ``ooxml`` (Word's ``getOoxml``): it is refreshed by the library as a
    document of its own — row by row, kept rows carried over — and answered with the whole control
    rebuilt, in the shape it has. The controls inside it are answered through it.

    Each answer: ``{tag, id?, shape, status, apply, ooxml?, hashes?, held?}``. ``apply`` is true when
    the pane may replace the control without asking (it holds only docplan's own updates);
    ``ooxml`` on an ``edited``/``unknown`` control is the plan's version, to use only after the
    planner confirms («Overskriv likevel»). Items the caller may not see (`addin_server.access`) get
    ``forbidden``, with no text. ``edition`` is the document's edition municipality (from
    docplan's record in it): its ``measure-table:all`` shows that municipality's measures.
    """
    # what rebuilt items show: an edition's municipality's; for a municipality's token always its own
    # kommuneplan references only, as in the snippets it inserted
    scope = edition if maintainer else (edition or number)
    by_id = {str(i["id"]): i for i in items if i.get("id") is not None}
    handled_by_parent = {id(i) for i in items
                         if i.get("parent") is not None and by_id.get(str(i["parent"]), {}).get("ooxml")}
    out = []
    for item in items:
        if id(item) in handled_by_parent:
            continue
        tag = parse_tag(item["tag"])
        if tag is None:
            continue
        ident = {"id": item["id"]} if item.get("id") is not None else {}
        shape = _shape(item)
        if tag.kind not in MANAGED:
            continue  # written by the template only (adoption, indicator rows): nothing to refresh
        shown = effective_tag(tag, edition)
        if not visible_item(plan, number, shown.kind, shown.id, maintainer=maintainer):
            out.append({"tag": item["tag"], **ident, "shape": shape.value, "status": FORBIDDEN, "apply": False})
            continue
        if item.get("ooxml"):
            answer = _refresh_container(plan, number, item, tag, shape, lang, items, by_id, maintainer, edition,
                                        scope)
        else:
            answer = _refresh_leaf(plan, item, tag, shape, lang, edition, scope)
        if answer is not None:
            out.append({"tag": item["tag"], **ident, **answer})
    return out


def _shape(item: dict) -> Shape:
    try:
        return Shape(item.get("shape"))
    except ValueError:
        raise InputError(_("hvert element må ha «shape»: block, row, cell eller inline (fra ContentControl.subtype)"),
                         code="bad_items") from None


def _refresh_leaf(plan: Plan, item: dict, tag: Tag, shape: Shape, lang: str, edition: str | None,
                  scope: str | None) -> dict | None:
    recorded = item.get("hash") if isinstance(item.get("hash"), str) and item["hash"].strip() else None
    pane = PaneItem(tag, shape, str(item.get("text") or ""))
    (st,) = classify([pane], plan, lang, state={str(tag): recorded} if recorded else {}, edition=edition,
                     scope=scope)
    if st.status is Status.CURRENT or st.status is Status.UNMANAGED:
        return None
    answer = {"shape": shape.value, "status": st.status.value, "apply": st.status is Status.STALE}
    if st.replacement is not None:
        answer["ooxml"] = snippets.flat_opc([st.replacement])
        answer["hashes"] = snippet_hashes([st.replacement])
    return answer


def _refresh_container(plan: Plan, number: str, item: dict, tag: Tag, shape: Shape, lang: str,
                       items: list[dict], by_id: dict, maintainer: bool, edition: str | None,
                       scope: str | None) -> dict | None:
    doc = open_document(None, item["ooxml"])
    controls = [c for c in doc.controls() if c.tag == tag]
    if not controls:  # Word gave the content without the control around it: judge it by its text
        return _refresh_leaf(plan, item, tag, shape, lang, edition, scope)
    control = controls[0]
    state = _pane_state(item, items, by_id)
    session = Session(doc, plan, force=bool(item.get("force")), language=lang, state=state, edition=edition,
                      scope=scope)
    parent, index = control.element.getparent(), control.element.getparent().index(control.element)
    (st,) = session.classify([control])
    for inner in st.walk():  # nothing another municipality owns is rebuilt or sent back
        shown = effective_tag(parse_tag(inner.tag) or tag, edition)
        if shown.kind in MANAGED and not visible_item(plan, number, shown.kind, shown.id, maintainer=maintainer):
            return {"shape": shape.value, "status": FORBIDDEN, "apply": False}
    session.apply([st])
    held = list(session.report.held)
    if not session.changed:
        if st.status is Status.CURRENT and not held:
            return None
        return {"shape": shape.value, "status": st.status.value, "apply": False, "held": held,
                **_forced(st)}
    now = parent[index]
    status = st.status if st.status is not Status.CURRENT else Status.STALE
    return {"shape": shape.value, "status": status.value, "apply": True, "held": held,
            "updated": list(session.report.updated), "ooxml": snippets.flat_opc([now]),
            "hashes": {t: " ".join(sorted(h)) for t, h in session.written.items()}}


def _forced(st) -> dict:
    if st.replacement is None:
        return {}
    return {"ooxml": snippets.flat_opc([st.replacement]), "hashes": snippet_hashes([st.replacement])}


def _pane_state(item: dict, items: list[dict], by_id: dict) -> dict[str, str]:
    """Return the record the pane sent for a control and every control inside it."""
    root = str(item.get("id")) if item.get("id") is not None else None
    state: dict[str, set[str]] = {}

    def inside(candidate: dict) -> bool:
        seen = set()
        parent = candidate.get("parent")
        while parent is not None and str(parent) not in seen:
            if str(parent) == root:
                return True
            seen.add(str(parent))
            parent = by_id.get(str(parent), {}).get("parent")
        return False

    for candidate in items:
        if candidate is item or (root is not None and inside(candidate)):
            value = candidate.get("hash")
            if isinstance(value, str) and value.strip():
                state.setdefault(candidate["tag"], set()).update(value.split())
    return {tag: " ".join(sorted(hs)) for tag, hs in state.items()}
