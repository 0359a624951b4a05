"""Blueprint ``api`` (``/api/v1``): catalogue, snippets, check, refresh and adoption records.

Each view checks access, calls docplan and returns JSON; the OpenAPI document in `openapi.py`
describes exactly these routes (a test compares it with real responses).
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, g, jsonify, request
from pydantic import ValidationError

from addin_server import access, engines, openapi
from addin_server.auth import require_municipality, token_required
from addin_server.errors import LimitError, NotFoundError, VersionRequiredError, error_body
from addin_server.jobs import run_limited
from addin_server.storage import Storage, Versioned
from docplan.errors import AccessError, DataError, InputError, Location, Problem
from docplan.model import Plan
from docplan.tags import parse_tag
from docplan.i18n import _, language

bp = Blueprint("api", __name__, url_prefix="/api/v1")

SNIPPET_KINDS = access.KINDS
DOCX_TYPES = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              "application/octet-stream")


def _workspace() -> Storage:
    """Return the workspace: the storage every route reads and writes through (files or PostgreSQL)."""
    return current_app.extensions["docplan.workspace"]


def _plan_for(plan_id: str, number: str) -> Plan:
    """Return a plan after checking that the caller may see ``number`` and that it takes part."""
    return _plan_and_stamp_for(plan_id, number)[0]


def _plan_and_stamp_for(plan_id: str, number: str) -> tuple[Plan, tuple]:
    """`_plan_for`, with the stamp that changes whenever the plan (or an adoption in it) changes."""
    require_municipality(number)
    plan, stamp = _workspace().plan_and_stamp(plan_id)
    if plan.municipality(number) is None:
        raise NotFoundError(_("kommune {number} er ikke med i planen «{plan_id}»").format(
                                number=number, plan_id=plan_id))
    return plan, stamp


def _language() -> str:
    lang = request.args.get("lang", "nb")
    if lang not in ("nb", "nn"):
        raise InputError(_("språket må være «nb» (bokmål) eller «nn» (nynorsk)"), code="bad_language")
    return lang


def init_language(app: Flask) -> None:
    """Write each request's messages and errors in the målform of its ``?lang=`` (bokmål when it is missing
    or unknown; `_language` then refuses an unknown one, in bokmål)."""

    @app.before_request
    def _enter_language() -> None:
        lang = request.args.get("lang")
        chosen = language(lang if lang in ("nb", "nn") else "nb")
        chosen.__enter__()
        g.docplan_language = chosen

    @app.teardown_request
    def _leave_language(_exc: BaseException | None) -> None:
        chosen = g.pop("docplan_language", None)
        if chosen is not None:
            chosen.__exit__(None, None, None)


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
    goals = [{"id": g_.id, "title": g_.title, "text": g_.text,
              "sub_goals": [{"id": s.id, "title": s.title, "text": s.text} for s in g_.sub_goals]}
             for g_ in plan.goals]
    measures = [{"id": m.id, "title": m.title, "text": m.text, "scope": m.scope, "goal_ids": m.goal_ids,
                 "responsible": m.responsible, "partners": m.partners, "status": m.status, "kp_refs": m.kp_refs}
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
        raise NotFoundError(_("ukjent type innhold «{kind}»; bruk en av: {snippet_kinds}").format(
                                kind=kind, snippet_kinds=', '.join(SNIPPET_KINDS)))
    lang = _language()
    _check_visible(plan, number, kind, access.snippet_target(number, kind, item_id))
    key = (_workspace().identity, plan_id, stamp)
    tag, ooxml, hashes = engines.cached_snippet(key, plan, number, kind, item_id, lang)
    return jsonify(kind=kind, id=item_id, tag=tag, ooxml=ooxml, hashes=hashes)


def _check_visible(plan: Plan, number: str, kind: str, item_id: str) -> None:
    """Raise `AccessError` for another municipality's item, `NotFoundError` for an unknown one."""
    if not access.visible_item(plan, number, kind, item_id, maintainer=g.grant.is_maintainer):
        raise AccessError(access.forbidden_message(number, kind, item_id), code="forbidden")
    if kind == "goal" and plan.goal(item_id) is None:
        raise NotFoundError(_("målet «{item_id}» finnes ikke i planen").format(item_id=item_id))
    if kind == "measure" and item_id not in {m.id for m in plan.measures_for(number)}:
        raise NotFoundError(_("tiltaket «{item_id}» finnes ikke for kommune {number}").format(
                                item_id=item_id, number=number))
    if kind in ("kp-ref", "kp-quote") and plan.resolve_kp_ref(item_id) is None:
        raise NotFoundError(_("kommuneplanpunktet «{item_id}» finnes ikke for kommune {number}").format(
                                item_id=item_id, number=number))


def _document_from_request() -> tuple[bytes | None, str | None]:
    """Return (docx bytes, None) or (None, flat-OPC/body OOXML text) from the request body."""
    if request.mimetype in DOCX_TYPES:
        return request.get_data(cache=False), None
    if request.is_json:
        body = request.get_json(silent=True)
        if isinstance(body, dict) and isinstance(body.get("ooxml"), str) and body["ooxml"].strip():
            return None, body["ooxml"]
        raise InputError(_("JSON-kroppen må ha feltet «ooxml» med dokumentets OOXML"), code="missing_document")
    raise InputError(_("send dokumentet som .docx "
                       "(application/vnd.openxmlformats-officedocument.wordprocessingml.document) eller som JSON "
                       '{"ooxml": …}'), code="unsupported_media_type")


@bp.post("/plans/<plan_id>/municipalities/<number>/check")
@token_required
def check(plan_id: str, number: str):
    """Check a document against the plan; return findings grouped by rule with selectable locations.

    Findings about another municipality, or about an item the caller may not see, are left out. The
    findings are in ``lang`` (nb/nn) where the library has them in both målformer."""
    plan = _plan_for(plan_id, number)
    lang = _language()
    data, ooxml = _document_from_request()
    findings = access.filter_findings(plan, number, run_limited(engines.check, plan, number, data, ooxml, lang),
                                      maintainer=g.grant.is_maintainer)
    return jsonify(findings=findings, summary=engines.summarise(findings), lang=lang)


@bp.post("/plans/<plan_id>/municipalities/<number>/refresh")
@token_required
def refresh(plan_id: str, number: str):
    """Given the document's tagged items ({tag, text, hash?, id?}), return those that differ from the plan.

    See `engines.refresh` for the statuses; only ``stale`` items may be replaced without asking. An
    item of another municipality is answered ``forbidden``, without text (`access.visible_item`).
    """
    plan = _plan_for(plan_id, number)
    body = request.get_json(silent=True)
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list) or not all(isinstance(i, dict) and isinstance(i.get("tag"), str)
                                              for i in items):
        raise InputError(_("JSON-kroppen må ha «items»: en liste med {tag, text, hash}"), code="bad_items")
    _check_refresh_limits(items)
    edition = body.get("edition") if isinstance(body.get("edition"), str) else None
    if edition is not None:
        # rebuilt items show the edition's municipality's kommuneplan references: the token must cover it
        require_municipality(edition)
    answers = run_limited(_refresh_job, plan, number, items, _language(), g.grant.is_maintainer, edition,
                          int(current_app.config["MAX_RESPONSE_BYTES"]))
    return jsonify(items=answers, checked=len(items))


def _refresh_job(plan: Plan, number: str, items: list[dict], lang: str, maintainer: bool, edition: str | None,
                 max_bytes: int) -> list[dict]:
    """Answer a refresh (`engines.refresh`), refusing an answer larger than ``max_bytes``.

    Module level, so that the job pickles into a worker process. The item limits bound the work
    first; this bounds what a client must download."""
    answers = engines.refresh(plan, number, items, lang, maintainer=maintainer, edition=edition)
    size = sum(len(a.get("ooxml") or "") + sum(len(k) + len(v) for k, v in (a.get("hashes") or {}).items())
               for a in answers)
    if size > max_bytes:
        raise LimitError(_("svaret ville blitt større enn {max_bytes} MB; send færre elementer om gangen (for "
                           "eksempel ett kapittel)").format(max_bytes=max_bytes // (1024 * 1024)),
                         code="response_too_large")
    return answers


def _check_refresh_limits(items: list[dict]) -> None:
    """Raise `LimitError` for more items, or more measure tables, than one refresh may carry.

    A table costs far more than a paragraph (every row is built), and a document has one or a
    few; a client with more items sends them in parts."""
    most, most_tables = int(current_app.config["MAX_REFRESH_ITEMS"]), int(current_app.config["MAX_TABLES"])
    if len(items) > most:
        raise LimitError(_("for mange elementer i én oppdatering ({n}; høyst {most}); send dem i flere omganger").format(
                             n=len(items), most=most), code="too_many_items")
    tables = sum(1 for i in items if (tag := parse_tag(i["tag"])) is not None and tag.kind == "measure-table")
    if tables > most_tables:
        raise LimitError(_("for mange tiltakstabeller i én oppdatering ({tables}; høyst {most_tables})").format(
                             tables=tables, most_tables=most_tables),
                         code="too_many_tables")


@bp.get("/plans/<plan_id>/municipalities/<number>/adoption")
@token_required
def get_adoption(plan_id: str, number: str):
    """Return the adoption record; its version is the ``ETag``, which a ``PUT`` sends back as ``If-Match``."""
    _plan_for(plan_id, number)
    return _adoption_answer(_workspace().adoption(plan_id, number))


def _adoption_answer(record: Versioned):
    response = jsonify(record.value.model_dump(mode="json"))
    response.set_etag(record.version)
    return response


def _expected_version(plan_id: str, number: str) -> str:
    """Return the version the client read (``If-Match``); raise `VersionRequiredError` (428) without one.

    ``If-Match: *`` (any version) is refused too: it is exactly the blind overwrite that loses an update."""
    matches = request.if_match
    tags = list(matches.as_set()) if matches and not matches.star_tag else []
    if len(tags) != 1:
        raise VersionRequiredError(
            _("skriving av vedtaket krever versjonen du leste: hent det med GET "
              "…/{plan_id}/municipalities/{number}/adoption og send verdien i toppfeltet «ETag» tilbake i "
              "«If-Match»; slik kan ingen annens endring gå tapt").format(plan_id=plan_id, number=number))
    return tags[0]


@bp.put("/plans/<plan_id>/municipalities/<number>/adoption")
@token_required
def put_adoption(plan_id: str, number: str):
    """Record the council's adoption (*vedtak*) of the plan for this municipality; the write is audited.

    The request names the version it replaces (``If-Match``); a record changed since is a 409."""
    _plan_for(plan_id, number)
    try:
        wanted = openapi.AdoptionRequest.model_validate_json(request.get_data(cache=False) or b"null")
    except ValidationError as exc:
        problems = [_adoption_problem(e) for e in exc.errors(include_url=False, include_input=False)]
        raise InputError(_("ugyldig vedtak: {items}").format(items='; '.join((p.message for p in problems))),
                         problems=problems,
                         code="invalid_adoption") from None
    expected = _expected_version(plan_id, number)
    stored = _workspace().write_adoption(plan_id, number, wanted.to_adoption(), expected=expected,
                                         actor=g.grant.name)
    return _adoption_answer(stored)




def _adoption_problem(error: dict) -> Problem:
    """Return one pydantic validation error as a Norwegian `Problem` naming the field."""
    loc = [str(p) for p in error.get("loc", ())]
    name = loc[0] if loc else ""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in ("json_invalid", "json_type", "model_type", "model_attributes_type"):
        message = _("JSON-kroppen må være et objekt med feltene «status», «date», «case_no» og «body»")
    elif kind == "missing":
        message = _("«{name}» mangler").format(name=name)
    elif kind == "extra_forbidden":
        message = _("«{name}» er ikke et kjent felt; bruk «status», «date», «case_no» og «body»").format(name=name)
    elif kind == "literal_error":
        message = _("«{name}» må være en av: {choices}").format(name=name, choices=", ".join(openapi.STATUSES))
    elif kind.startswith("date_"):
        message = _("«{name}» må være en dato på formen ÅÅÅÅ-MM-DD").format(name=name)
    elif kind == "string_type":
        message = _("«{name}» må være tekst").format(name=name)
    elif kind == "string_too_long":
        message = _("«{name}» er for lang (høyst {limit} tegn)").format(name=name, limit=ctx.get("max_length"))
    elif kind == "string_too_short":
        message = _("«{name}» kan ikke være tom").format(name=name)
    elif kind == "string_pattern_mismatch" and name == "case_no":
        message = _("«case_no» må være et saksnummer som «PS 40/24» eller «2024/1234-5» (bokstaver, tall, / - . ( ))")
    elif kind == "string_pattern_mismatch":
        message = _("«{name}» kan ikke ha linjeskift eller kontrolltegn").format(name=name)
    elif kind == "value_error":
        reason = str(ctx.get("error", ""))
        if name and reason:
            message = f"«{name}»: {reason}"
        else:
            message = reason or _("«{name}» er ugyldig").format(name=name)
    else:
        message = _("«{name}» er ugyldig").format(name=name) if name else _("vedtaket er ugyldig")
    return Problem(message, Location(path=".".join(loc) or None), code=kind)


@bp.get("/audit/adoption")
@token_required
def adoption_audit():
    """Return the latest writes of adoption records (oldest first): for maintainer tokens only."""
    if not g.grant.is_maintainer:
        raise AccessError(_("bare en forvalternøkkel (for alle kommuner) kan lese loggen over vedtak"))
    limit = request.args.get("limit", "200")
    if not limit.isdigit() or not 1 <= int(limit) <= 1000:
        raise InputError(_("«limit» må være et tall fra 1 til 1000"), code="bad_limit")
    entries = _workspace().audit_entries(plan_id=request.args.get("plan") or None,
                                         number=request.args.get("municipality") or None, limit=int(limit))
    return jsonify(entries=entries)


@bp.after_request
def _bounded_answer(response):
    """Replace an answer larger than MAX_RESPONSE_BYTES by a 413 (the routes stop earlier where they can)."""
    limit = int(current_app.config["MAX_RESPONSE_BYTES"])
    if not response.direct_passthrough and (response.content_length or 0) > limit:
        body = error_body("response_too_large", _("svaret ville blitt større enn {limit} MB; send mindre om "
                                                  "gangen").format(limit=limit // (1024 * 1024)))
        response = jsonify(body)
        response.status_code = 413
    return response
