"""The OpenAPI 3.1 document of ``/api/v1``, served at ``/api/v1/openapi.json``, and the request
models whose JSON Schema it carries (pydantic: the schema a client reads is the one the server checks).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from docplan import __version__
from docplan.model import Adoption
from docplan.i18n import _

#: Statuses that mean the council has adopted the plan (bokmål and nynorsk, as the checker reads them).
ADOPTED = ("vedtatt", "vedtatt med endringer", "vedteke")
#: Statuses of a plan the council has not (yet) adopted.
NOT_ADOPTED = ("til behandling", "til handsaming", "ikke behandlet", "ikkje handsama", "utsatt", "utsett",
               "ikke vedtatt", "ikkje vedteke")
STATUSES = ADOPTED + NOT_ADOPTED
#: The earliest adoption date accepted; rusmiddelpolitiske handlingsplaner date from the 1990s.
EARLIEST = dt.date(1990, 1, 1)
#: How far ahead a date may lie (a council meeting already scheduled), in days.
AHEAD_DAYS = 366
#: A case number as councils print them: «PS 40/24», «24/123», «2024/1234-5», «Sak 12/2024».
CASE_NO = r"^[0-9A-Za-zÆØÅæøå][0-9A-Za-zÆØÅæøå .,/()_-]*$"


class AdoptionRequest(BaseModel):
    """The body of ``PUT …/adoption``: a council's decision on the plan (*vedtak*)."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True,
                              json_schema_extra={"examples": [{"status": "vedtatt", "date": "2024-09-26",
                                                               "case_no": "PS 40/24", "body": "kommunestyret"}]})

    status: Literal[STATUSES] = Field(description="vedtatt/vedteke means adopted; the others not (yet)")
    date: Optional[dt.date] = Field(None, description="date of the decision or of the meeting planned; "
                                                      "required when adopted, never in the future then")
    case_no: Optional[str] = Field(None, max_length=40, pattern=CASE_NO, description="the council's case number")
    body: str = Field("kommunestyret", min_length=1, max_length=80, pattern=r"^[^\x00-\x1f]+$",
                      description="the deciding body")

    @field_validator("date")
    @classmethod
    def _sane_date(cls, value: dt.date | None) -> dt.date | None:
        if value is not None and not EARLIEST <= value <= _today() + dt.timedelta(days=AHEAD_DAYS):
            raise ValueError(_("datoen må ligge mellom {earliest:%Y} og ett år fram i tid").format(earliest=EARLIEST))
        return value

    @model_validator(mode="after")
    def _adopted_needs_a_past_date(self) -> "AdoptionRequest":
        if self.status in ADOPTED:
            if self.date is None:
                raise ValueError(_("et vedtatt vedtak må ha datoen («date») det ble gjort"))
            if self.date > _today() + dt.timedelta(days=1):  # a day's slack for time zones
                raise ValueError(_("vedtaksdatoen kan ikke ligge fram i tid når status er vedtatt"))
        return self

    def to_adoption(self) -> Adoption:
        return Adoption(body=self.body, date=self.date, case_no=self.case_no, status=self.status)


def _today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


class AuditEntry(BaseModel):
    """One write of an adoption record, as kept in the workspace's audit log (``audit/adoption.jsonl``,
    or the ``adoption_audit`` table in PostgreSQL)."""

    time: str = Field(description="UTC, ISO 8601")
    token: str = Field(description="the name of the token that wrote (workspace.yaml)")
    plan: str
    municipality: str
    before: Optional[Adoption]
    after: Adoption


class AuditTrail(BaseModel):
    """``GET /audit/adoption``: the latest writes, oldest first."""

    entries: list[AuditEntry]


def _schemas(*models: type[BaseModel]) -> dict:
    """Return the components/schemas of pydantic models (and the models they use)."""
    out: dict = {}
    for model in models:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        out.update(schema.pop("$defs", {}))
        out[model.__name__] = schema
    return out

_ERROR = {"$ref": "#/components/schemas/Error"}
_LOC = {"type": "object", "additionalProperties": {"type": ["string", "integer"]}}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict:
    text = {400: "Ugyldig forespørsel", 401: "Mangler token", 403: "Ingen tilgang til kommunen eller innholdet",
            404: "Finnes ikke", 409: "Endret av noen andre siden du leste (versjonen i If-Match er utdatert)",
            413: "For stor forespørsel eller for stort svar",
            428: "Mangler versjonen du leste (If-Match med ETag fra GET)",
            429: "For mange samtidige jobber for nøkkelen (se Retry-After)",
            503: "Tidsgrense, opptatt (se Retry-After) eller motor mangler"}
    return {str(c): _json(_ERROR, text[c]) for c in codes}


def _versioned(response: dict) -> dict:
    """Return a response description with the record's version in the ``ETag`` header."""
    return {**response, "headers": {"ETag": {"required": True, "schema": {"type": "string"},
                                             "description": "the record's version; send it as If-Match to write"}}}


_PATH_PARAMS = [
    {"name": "plan_id", "in": "path", "required": True, "schema": {"type": "string"}},
    {"name": "number", "in": "path", "required": True, "schema": {"type": "string", "pattern": r"^\d{4}$"}},
]
_LANG = {"name": "lang", "in": "query", "required": False, "schema": {"enum": ["nb", "nn"], "default": "nb"}}
_SECURED = [{"token": []}]

SCHEMAS = {
    "Error": {"type": "object", "required": ["code", "message", "location"],
              "properties": {"code": {"type": "string"}, "message": {"type": "string"}, "location": _LOC,
                             "problems": {"type": "array", "items": {"type": "object"}}}},
    "Health": {"type": "object", "required": ["status"], "properties": {"status": {"const": "ok"}}},
    "Me": {"type": "object", "required": ["name", "maintainer", "municipalities"],
           "properties": {"name": {"type": "string"}, "maintainer": {"type": "boolean"},
                          "municipalities": {"oneOf": [{"const": "*"},
                                                       {"type": "array", "items": {"type": "string"}}]}}},
    "MunicipalityRef": {"type": "object", "required": ["number", "name"],
                        "properties": {"number": {"type": "string"}, "name": {"type": "string"}}},
    "PlanList": {"type": "object", "required": ["plans"], "properties": {"plans": {"type": "array", "items": {
        "type": "object", "required": ["id", "title", "language", "period", "municipalities"],
        "properties": {"id": {"type": "string"}, "title": {"type": "string"}, "language": {"enum": ["nb", "nn"]},
                       "period": {"type": "object", "required": ["start_year", "end_year"],
                                  "properties": {"start_year": {"type": "integer"}, "end_year": {"type": "integer"}}},
                       "municipalities": {"type": "array",
                                          "items": {"$ref": "#/components/schemas/MunicipalityRef"}}}}}}},
    "Catalogue": {"type": "object", "required": ["plan", "municipality", "goals", "measures", "kp_items"],
                  "properties": {
                      "plan": {"type": "object", "required": ["id", "title"]},
                      "municipality": {"$ref": "#/components/schemas/MunicipalityRef"},
                      "goals": {"type": "array", "items": {"type": "object", "required": ["id", "title", "sub_goals"]}},
                      "measures": {"type": "array", "items": {
                          "type": "object", "required": ["id", "title", "scope", "goal_ids"],
                          "properties": {"id": {"type": "string"}, "title": {"type": "string"},
                                         "scope": {"enum": ["felles", "lokal"]},
                                         "goal_ids": {"type": "array", "items": {"type": "string"}},
                                         "text": {"type": ["string", "null"]},
                                         "responsible": {"type": ["string", "null"]},
                                         "partners": {"type": "array", "items": {"type": "string"}},
                                         "status": {"type": ["string", "null"]},
                                         "kp_refs": {"type": "array", "items": {"type": "string"}}}}},
                      "kp_items": {"type": "array", "items": {
                          "type": "object", "required": ["ref", "id", "title", "plan_name", "current"]}}}},
    "Snippet": {"type": "object", "required": ["kind", "id", "tag", "ooxml", "hashes"],
                "properties": {"kind": {"enum": ["goal", "measure", "measure-table", "kp-ref", "kp-quote"]},
                               "id": {"type": "string"}, "tag": {"type": "string", "pattern": "^docplan:"},
                               "ooxml": {"type": "string", "description": "flat-OPC package for insertOoxml"},
                               "hashes": {"$ref": "#/components/schemas/Hashes"}}},
    "Hashes": {"type": "object",
               "additionalProperties": {"type": "string", "pattern": "^[0-9a-f]{16}( [0-9a-f]{16})*$"},
               "description": "docplan tag → text hash(es) of the content as docplan wrote it (sha256 of "
                              "whitespace-normalised text, 16 hex; several separated by spaces), to record in "
                              "the document's urn:docplan:state:1 custom XML part"},
    "Finding": {"type": "object", "required": ["rule", "severity", "message", "fix", "location", "comment", "tag"],
                "description": "A docplan-check/1 finding plus the Word comment text and the subject's tag",
                "properties": {"rule": {"type": "string"}, "title": {"type": "string"},
                               "severity": {"enum": ["error", "warning", "info"]},
                               "message": {"type": "string"}, "fix": {"type": "string"},
                               "subject": {"type": ["string", "null"]}, "chapter": {"type": ["string", "null"]},
                               "municipality": {"type": ["string", "null"]},
                               "known_issue": {"type": ["string", "null"]}, "location": _LOC,
                               "comment": {"type": "string"}, "tag": {"type": ["string", "null"]},
                               "place": {"oneOf": [{"type": "null"}, {
                                   "type": "object", "required": ["text", "occurrence"],
                                   "description": "where the pane finds the paragraph: body.search(text) and "
                                                  "take match number `occurrence` (0-based)",
                                   "properties": {"text": {"type": "string", "maxLength": 200},
                                                  "occurrence": {"type": "integer", "minimum": 0}}}]}}},
    "CheckResult": {"type": "object", "required": ["findings", "summary", "lang"],
                    "properties": {"lang": {"enum": ["nb", "nn"]},
                                   "findings": {"type": "array", "items": {"$ref": "#/components/schemas/Finding"}},
                                   "summary": {"type": "object", "required": ["total", "by_rule", "by_severity"]}}},
    "RefreshRequest": {"type": "object", "required": ["items"], "properties": {
        "edition": {"type": "string", "pattern": r"^\d{4}$",
                    "description": "the document's edition municipality, from docplan's record in it"},
        "items": {"type": "array", "items": {
        "type": "object", "required": ["tag", "shape"], "properties": {
            "tag": {"type": "string"}, "text": {"type": "string", "description": "ContentControl.text"},
            "shape": {"enum": ["block", "row", "cell", "inline"],
                      "description": "what the control wraps (ContentControl.subtype): a replacement has this shape"},
            "hash": {"type": "string", "description": "the recorded hash(es) from the document's docplan state; "
                                                      "without it a differing item is 'unknown', never 'stale'"},
            "id": {"type": ["string", "integer"], "description": "the client's control id, echoed back"},
            "parent": {"type": ["string", "integer", "null"],
                       "description": "id of the nearest docplan control around this one"},
            "ooxml": {"type": "string", "description": "the control's getOoxml(), for a control holding docplan "
                                                      "controls: it is refreshed row by row as a whole"},
            "force": {"type": "boolean", "description": "rebuild even an edited or unrecorded item (after the "
                                                        "planner confirmed)"}}}}}},
    "RefreshResult": {"type": "object", "required": ["items", "checked"], "properties": {
        "checked": {"type": "integer"},
        "items": {"type": "array", "items": {
            "type": "object", "required": ["tag", "shape", "status", "apply"],
            "description": "Every control that is not current (docplan.refresh.Status): stale (as docplan wrote "
                           "it, plan changed), edited (by hand: never replaced unasked), unknown (differs, no "
                           "record: replace only after the planner confirms), orphan (no longer in the plan), "
                           "forbidden (another municipality's item — its local measure, its kommuneplan, its table — "
                           "answered without text or OOXML)",
            "properties": {
                "tag": {"type": "string"}, "id": {"type": ["string", "integer"]},
                "shape": {"enum": ["block", "row", "cell", "inline"]},
                "status": {"enum": ["current", "stale", "edited", "unknown", "orphan", "forbidden"],
                           "description": "current only for a control holding items that were left alone"},
                "apply": {"type": "boolean", "description": "the pane may replace the control with ooxml unasked"},
                "ooxml": {"type": "string", "description": "the replacement, in the control's shape"},
                "hashes": {"$ref": "#/components/schemas/Hashes"},
                "held": {"type": "array", "items": {"type": "string"},
                         "description": "tags inside the control left alone (edited by hand)"},
                "updated": {"type": "array", "items": {"type": "string"}}}}}}},
    **_schemas(AdoptionRequest, AuditTrail),
    "Adoption": Adoption.model_json_schema(mode="serialization"),
}


def document() -> dict:
    """Return the OpenAPI document (a fresh dict each call)."""
    base = "/plans/{plan_id}/municipalities/{number}"
    return {
        "openapi": "3.1.0",
        "info": {"title": "docplan add-in API", "version": __version__,
                 "description": "Backend for the docplan Word add-in. Errors are JSON {code, message "
                                "(Norwegian), location}. Each municipality's data needs its own token."},
        "servers": [{"url": "/api/v1"}],
        "components": {"schemas": SCHEMAS,
                       "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}},
        "paths": {
            "/health": {"get": {"operationId": "health", "security": [],
                                "responses": {"200": _json({"$ref": "#/components/schemas/Health"}, "OK")}}},
            "/openapi.json": {"get": {"operationId": "openapi", "security": [],
                                      "responses": {"200": _json({"type": "object"}, "This document")}}},
            "/me": {"get": {"operationId": "me", "security": _SECURED,
                            "responses": {"200": _json({"$ref": "#/components/schemas/Me"}, "The caller"),
                                          **_errors(401)}}},
            "/plans": {"get": {"operationId": "listPlans", "security": _SECURED,
                               "responses": {"200": _json({"$ref": "#/components/schemas/PlanList"}, "Plans"),
                                             **_errors(401)}}},
            base + "/catalogue": {"get": {
                "operationId": "catalogue", "security": _SECURED, "parameters": _PATH_PARAMS,
                "responses": {"200": _json({"$ref": "#/components/schemas/Catalogue"}, "Catalogue"),
                              **_errors(401, 403, 404)}}},
            base + "/snippets/{kind}/{item_id}": {"get": {
                "operationId": "snippet", "security": _SECURED,
                "parameters": [*_PATH_PARAMS, _LANG,
                               {"name": "kind", "in": "path", "required": True,
                                "schema": {"enum": ["goal", "measure", "measure-table", "kp-ref", "kp-quote"]}},
                               {"name": "item_id", "in": "path", "required": True, "schema": {"type": "string"},
                                "description": "Goal, measure or KP reference id; for measure-table 'all' or the "
                                               "municipality's number: the table is always the municipality's "
                                               "own, tagged docplan:measure-table:<number>. Another "
                                               "municipality's local measure, kommuneplan item or table is 403."}],
                "responses": {"200": _json({"$ref": "#/components/schemas/Snippet"}, "OOXML snippet"),
                              **_errors(400, 401, 403, 404, 503)}}},
            base + "/check": {"post": {
                "operationId": "check", "security": _SECURED, "parameters": [*_PATH_PARAMS, _LANG],
                "requestBody": {"required": True, "content": {
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
                        "schema": {"type": "string", "format": "binary"}},
                    "application/json": {"schema": {"type": "object", "required": ["ooxml"],
                                                    "properties": {"ooxml": {"type": "string"}}}}}},
                "responses": {"200": _json({"$ref": "#/components/schemas/CheckResult"}, "Findings"),
                              **_errors(400, 401, 403, 404, 413, 429, 503)}}},
            base + "/refresh": {"post": {
                "operationId": "refresh", "security": _SECURED, "parameters": [*_PATH_PARAMS, _LANG],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/RefreshRequest"}}}},
                "description": "At most MAX_REFRESH_ITEMS items (500), MAX_TABLES measure tables among them (5), "
                               "and an answer of at most MAX_RESPONSE_BYTES (10 MB); more is a 413.",
                "responses": {"200": _json({"$ref": "#/components/schemas/RefreshResult"}, "Stale items"),
                              **_errors(400, 401, 403, 404, 413, 429, 503)}}},
            base + "/adoption": {
                "get": {"operationId": "getAdoption", "security": _SECURED, "parameters": _PATH_PARAMS,
                        "responses": {"200": _versioned(_json({"$ref": "#/components/schemas/Adoption"}, "Adoption")),
                                      **_errors(401, 403, 404)}},
                "put": {"operationId": "putAdoption", "security": _SECURED,
                        "parameters": [*_PATH_PARAMS, {
                            "name": "If-Match", "in": "header", "required": True, "schema": {"type": "string"},
                            "description": "The ETag of the record as read (GET); a record changed since is a "
                                           "409, so no update is lost. '*' is refused."}],
                        "description": "Optimistic: the write names the version it replaces. Every write is "
                                       "appended to the workspace's audit log.",
                        "requestBody": {"required": True, "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/AdoptionRequest"}}}},
                        "responses": {"200": _versioned(_json({"$ref": "#/components/schemas/Adoption"}, "Stored")),
                                      **_errors(400, 401, 403, 404, 409, 428, 503)}}},
            "/audit/adoption": {"get": {
                "operationId": "adoptionAudit", "security": _SECURED,
                "description": "The latest writes of adoption records, oldest first (maintainer tokens only).",
                "parameters": [
                    {"name": "plan", "in": "query", "required": False, "schema": {"type": "string"}},
                    {"name": "municipality", "in": "query", "required": False,
                     "schema": {"type": "string", "pattern": r"^\d{4}$"}},
                    {"name": "limit", "in": "query", "required": False,
                     "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 200}}],
                "responses": {"200": _json({"$ref": "#/components/schemas/AuditTrail"}, "Audit trail"),
                              **_errors(400, 401, 403)}}},
        },
    }
