"""Which plan items a request may see: the one rule the snippet, check and refresh routes share.

A request for municipality N (``…/municipalities/N/…``) sees what N's planner sees in the joint plan:

- ``goal``: every goal; a plan's goals are common to all its municipalities.
- ``measure``: the common measures and N's own local ones (`Plan.measures_for`); another
  municipality's local measure is that municipality's.
- ``measure-table``: N's own table (``docplan:measure-table:N``). The whole plan's table
  (``docplan:measure-table:all``, which lists every municipality's local measures) only for a
  maintainer token; the snippet route's ``measure-table/all`` is N's own table (see `snippet_target`).
- ``kp-ref``, ``kp-quote``: only items of N's own kommuneplan; a reference that names another
  municipality (``3428:KP-2.1``) is not visible whether or not the item exists.

A maintainer token (``"*"``: KoRus, or the host municipality maintaining a joint plan) sees every
item of the plan: the joint plan's document holds every municipality's kommuneplan references and the
whole plan's table. What a snippet shows is still one municipality's (`docplan.snippets` scope).

An id the plan does not know (and that names no other municipality) is visible: the routes answer
it as missing (404, status ``missing``), which tells nothing about another municipality.
"""

from __future__ import annotations

from typing import Iterable

from docplan.model import KpRef, Plan
from docplan.i18n import N_, _
from docplan.tags import parse_tag

#: The item kinds the API inserts and refreshes.
KINDS = ("goal", "measure", "measure-table", "kp-ref", "kp-quote")
#: The refresh status of an item the caller may not see; it comes with no text and no OOXML.
FORBIDDEN = "forbidden"
#: The id of the whole plan's measure table.
WHOLE_PLAN = "all"


def visible_item(plan: Plan, number: str, kind: str, item_id: str, *, maintainer: bool = False) -> bool:
    """Return whether a request for municipality ``number`` may see the item ``kind``/``item_id``."""
    if maintainer and kind in (*KINDS, "report"):  # KoRus or the host maintains the joint plan: all of it
        return True
    if kind == "goal":
        return True
    if kind == "measure":
        if any(m.id == item_id for m in plan.measures_for(number)):
            return True
        return not any(m.id == item_id for m in plan.measures)  # unknown: missing, not forbidden
    if kind == "measure-table":
        return item_id == number or (item_id == WHOLE_PLAN and maintainer)
    if kind in ("kp-ref", "kp-quote"):
        return kp_municipality(plan, item_id) in (None, number)
    if kind == "report":  # «2025:3427» is Tynset's årsrapport; «2025» the whole plan's, every municipality's
        return item_id.partition(":")[2] == number
    return False


def kp_municipality(plan: Plan, ref: str) -> str | None:
    """Return the municipality a kommuneplan reference belongs to, None when it names none."""
    try:
        parsed = KpRef.parse(ref)
    except ValueError:
        return None
    if parsed.municipality:
        return parsed.municipality
    resolved = plan.resolve_kp_ref(ref)
    return resolved.municipality.number if resolved else None


def snippet_target(number: str, kind: str, item_id: str) -> str:
    """Return the item id the snippet route builds: ``measure-table/all`` is the caller's own table.

    The task pane asks for ``measure-table/all`` and gets municipality N's table, tagged
    ``docplan:measure-table:N``; the whole plan's table is never offered as a snippet."""
    return number if kind == "measure-table" and item_id == WHOLE_PLAN else item_id


def forbidden_message(number: str, kind: str, item_id: str) -> str:
    """Return the Norwegian message for an item that belongs to another municipality."""
    message = _FORBIDDEN.get(kind, _FORBIDDEN[None])
    return _(message).format(item_id=item_id, number=number)


#: The refusal of another municipality's item, by kind of item (None: any other kind).
_FORBIDDEN = {
    "measure": N_("tiltaket «{item_id}» hører til en annen kommune; en forespørsel for kommune {number} gir bare "
                  "tilgang til kommunens eget innhold"),
    "measure-table": N_("tiltakstabellen «{item_id}» hører til en annen kommune; en forespørsel for kommune {number} "
                        "gir bare tilgang til kommunens eget innhold"),
    "kp-ref": N_("kommuneplanpunktet «{item_id}» hører til en annen kommune; en forespørsel for kommune {number} gir "
                 "bare tilgang til kommunens eget innhold"),
    "kp-quote": N_("kommuneplanpunktet «{item_id}» hører til en annen kommune; en forespørsel for kommune {number} "
                   "gir bare tilgang til kommunens eget innhold"),
    None: N_("innholdet «{item_id}» hører til en annen kommune; en forespørsel for kommune {number} gir bare tilgang "
             "til kommunens eget innhold"),
}


def filter_findings(plan: Plan, number: str, findings: Iterable[dict], *, maintainer: bool = False) -> list[dict]:
    """Return the check findings a request for ``number`` may see.

    A finding about another municipality (its adoption, its local measures) is that municipality's
    data, and so is one whose subject is an item the caller may not see."""
    out = []
    for finding in findings:
        if finding.get("municipality") not in (None, number):
            continue
        tag = parse_tag(finding.get("tag"))
        if tag is not None and tag.kind in KINDS and not visible_item(plan, number, tag.kind, tag.id,
                                                                      maintainer=maintainer):
            continue
        out.append(finding)
    return out
