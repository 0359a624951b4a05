"""Blueprint ``api`` (``/api/v1``): catalogue, snippets, check, refresh and adoption records.

Each view checks access, calls docplan and returns JSON; the OpenAPI document in `openapi.py`
describes exactly these routes (a test compares it with real responses).
"""

from __future__ import annotations

import functools

from flask import Blueprint, current_app, g, jsonify, request

from addin_server import engines, openapi
from addin_server.auth import require_municipality, token_required
from addin_server.errors import NotFoundError
from addin_server.jobs import run_limited
from addin_server.workspace import Workspace
from docplan.errors import DataError, InputError
from docplan.model import Adoption, Plan

bp = Blueprint("api", __name__, url_prefix="/api/v1")

SNIPPET_KINDS = ("goal", "measure", "measure-table", "kp-ref", "kp-quote")
DOCX_TYPES = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              "application/octet-stream")


def _workspace() -> Workspace:
    return current_app.extensions["docplan.workspace"]


def _plan_for(plan_id: str, number: str) -> Plan:
    """Return a plan after checking that the caller may see ``number`` and that it takes part."""
    return _plan_and_stamp_for(plan_id, number)[0]


def _plan_and_stamp_for(plan_id: str, number: str) -> tuple[Plan, tuple]:
    """`_plan_for`, with the stamp that changes whenever the plan (or an adoption in it) changes."""
    require_municipality(number)
    plan, stamp = _workspace().plan_and_stamp(plan_id)
    if plan.municipality(number) is None:
        raise NotFoundError(f"kommune {number} er ikke med i planen «{plan_id}»")
    return plan, stamp


def _language() -> str:
    lang = request.args.get("lang", "nb")
    if lang not in ("nb", "nn"):
        raise InputError("språket må være «nb» (bokmål) eller «nn» (nynorsk)", code="bad_language")
    return lang


@bp.get("/health")
def health():
    """A trivial endpoint (no auth, no I/O): liveness probe and the load test's baseline."""
    return jsonify(status="ok")


@bp.get("/openapi.json")
def openapi_document():
    return jsonify(openapi.document())


@bp.get("/me")
@token_required
def me():
    grant = g.grant
    munis = "*" if grant.is_maintainer else sorted(grant.municipalities)
    return jsonify(name=grant.name, maintainer=grant.is_maintainer, municipalities=munis)


@bp.get("/plans")
@token_required
def list_plans():
    """List the plans that include at least one municipality the caller may see."""
    out = []
    ws = _workspace()
    for plan_id in ws.plan_ids():
        try:
            plan = ws.plan(plan_id)
        except DataError:
            current_app.logger.warning("plan %s in the workspace cannot be read; skipped", plan_id)
            continue
        munis = [{"number": m.number, "name": m.name} for m in plan.municipalities if g.grant.covers(m.number)]
        if munis:
            out.append({"id": plan_id, "title": plan.info.title, "language": plan.language,
                        "period": {"start_year": plan.info.period.start_year,
                                   "end_year": plan.info.period.end_year},
                        "municipalities": munis})
    return jsonify(plans=out)


@bp.get("/plans/<plan_id>/municipalities/<number>/catalogue")
@token_required
def catalogue(plan_id: str, number: str):
    """Goals, the municipality's tiltak and its kommuneplan items, for browsing and search."""
    plan = _plan_for(plan_id, number)
    muni = plan.municipality(number)
    goals = [{"id": g_.id, "title": g_.title,
              "sub_goals": [{"id": s.id, "title": s.title} for s in g_.sub_goals]} for g_ in plan.goals]
    measures = [{"id": m.id, "title": m.title, "scope": m.scope, "goal_ids": m.goal_ids,
                 "responsible": m.responsible, "status": m.status, "kp_refs": m.kp_refs}
                for m in plan.measures_for(number)]
    kp = [{"ref": f"{number}:{item.id}", "id": item.id, "title": item.title, "plan_name": mp.plan_name,
           "part": mp.part, "current": mp.is_current}
          for mp in muni.master_plans for item in mp.items]
    return jsonify(plan={"id": plan_id, "title": plan.info.title},
                   municipality={"number": muni.number, "name": muni.name},
                   goals=goals, measures=measures, kp_items=kp)


@bp.get("/plans/<plan_id>/municipalities/<number>/snippets/<kind>/<path:item_id>")
@token_required
def snippet(plan_id: str, number: str, kind: str, item_id: str):
    """Return a flat-OPC package for Word's ``insertOoxml``, tagged ``docplan:<kind>:<id>``."""
    plan, stamp = _plan_and_stamp_for(plan_id, number)
    if kind not in SNIPPET_KINDS:
        raise NotFoundError(f"ukjent type innhold «{kind}»; bruk en av: {', '.join(SNIPPET_KINDS)}")
    lang = _language()
    _check_visible(plan, number, kind, item_id)
    key = (str(_workspace().root), plan_id, stamp)
    tag, ooxml, hashes = engines.cached_snippet(key, plan, number, kind, item_id, lang)
    return jsonify(kind=kind, id=item_id, tag=tag, ooxml=ooxml, hashes=hashes)


def _check_visible(plan: Plan, number: str, kind: str, item_id: str) -> None:
    if kind == "goal" and plan.goal(item_id) is None:
        raise NotFoundError(f"målet «{item_id}» finnes ikke i planen")
    if kind == "measure" and item_id not in {m.id for m in plan.measures_for(number)}:
        raise NotFoundError(f"tiltaket «{item_id}» finnes ikke for kommune {number}")
    if kind in ("kp-ref", "kp-quote"):
        ref_muni = item_id.split(":", 1)[0] if ":" in item_id else number
        require_municipality(ref_muni)
        if ref_muni != number or plan.resolve_kp_ref(item_id) is None:
            raise NotFoundError(f"kommuneplanpunktet «{item_id}» finnes ikke for kommune {number}")


def _document_from_request() -> tuple[bytes | None, str | None]:
    """Return (docx bytes, None) or (None, flat-OPC/body OOXML text) from the request body."""
    if request.mimetype in DOCX_TYPES:
        return request.get_data(cache=False), None
    if request.is_json:
        body = request.get_json(silent=True)
        if isinstance(body, dict) and isinstance(body.get("ooxml"), str) and body["ooxml"].strip():
            return None, body["ooxml"]
        raise InputError("JSON-kroppen må ha feltet «ooxml» med dokumentets OOXML", code="missing_document")
    raise InputError("send dokumentet som .docx (application/vnd.openxmlformats-officedocument."
                     "wordprocessingml.document) eller som JSON {\"ooxml\": …}", code="unsupported_media_type")


@bp.post("/plans/<plan_id>/municipalities/<number>/check")
@token_required
def check(plan_id: str, number: str):
    """Check a document against the plan; return findings grouped by rule with selectable locations."""
    plan = _plan_for(plan_id, number)
    data, ooxml = _document_from_request()
    findings = run_limited(engines.check, plan, number, data, ooxml)
    return jsonify(findings=findings, summary=engines.summarise(findings))


@bp.post("/plans/<plan_id>/municipalities/<number>/refresh")
@token_required
def refresh(plan_id: str, number: str):
    """Given the document's tagged items ({tag, text, hash?, id?}), return those that differ from the plan.

    See `engines.refresh` for the statuses; only ``stale`` items may be replaced without asking.
    """
    plan = _plan_for(plan_id, number)
    body = request.get_json(silent=True)
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list) or not all(isinstance(i, dict) and isinstance(i.get("tag"), str)
                                              for i in items):
        raise InputError("JSON-kroppen må ha «items»: en liste med {tag, text, hash}", code="bad_items")
    if len(items) > 2000:
        raise InputError("for mange elementer i én oppdatering (høyst 2000)", code="too_many_items")
    edition = body.get("edition") if isinstance(body.get("edition"), str) else None
    answers = run_limited(functools.partial(engines.refresh, everything=g.grant.is_maintainer, edition=edition),
                          plan, number, items, _language())
    return jsonify(items=answers, checked=len(items))


@bp.get("/plans/<plan_id>/municipalities/<number>/adoption")
@token_required
def get_adoption(plan_id: str, number: str):
    plan = _plan_for(plan_id, number)
    return jsonify(plan.municipality(number).adoption.model_dump(mode="json"))


@bp.put("/plans/<plan_id>/municipalities/<number>/adoption")
@token_required
def put_adoption(plan_id: str, number: str):
    """Record the council's adoption (*vedtak*) of the plan for this municipality."""
    _plan_for(plan_id, number)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InputError("JSON-kroppen må være et objekt med «date», «case_no», «status»", code="bad_body")
    from pydantic import ValidationError

    try:
        adoption = Adoption.model_validate(body)
    except ValidationError as exc:
        fields = ", ".join(str(e["loc"][0]) for e in exc.errors() if e["loc"])
        raise InputError(f"ugyldig vedtak (sjekk feltene: {fields})", code="invalid_adoption") from None
    _workspace().write_adoption(plan_id, number, adoption)
    return jsonify(adoption.model_dump(mode="json"))
