"""The OpenAPI 3.1 document of ``/api/v1``, served at ``/api/v1/openapi.json``."""

from __future__ import annotations

from docplan import __version__

_ERROR = {"$ref": "#/components/schemas/Error"}
_LOC = {"type": "object", "additionalProperties": {"type": ["string", "integer"]}}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict:
    text = {400: "Ugyldig forespørsel", 401: "Mangler token", 403: "Ingen tilgang til kommunen",
            404: "Finnes ikke", 413: "For stor", 503: "Tidsgrense eller motor mangler"}
    return {str(c): _json(_ERROR, text[c]) for c in codes}


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
                                         "responsible": {"type": ["string", "null"]},
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
                               "comment": {"type": "string"}, "tag": {"type": ["string", "null"]}}},
    "CheckResult": {"type": "object", "required": ["findings", "summary"],
                    "properties": {"findings": {"type": "array", "items": {"$ref": "#/components/schemas/Finding"}},
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
                           "forbidden (another municipality's item: nothing is sent)",
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
    "Adoption": {"type": "object", "properties": {
        "body": {"type": ["string", "null"]}, "date": {"type": ["string", "null"], "format": "date"},
        "case_no": {"type": ["string", "null"]}, "status": {"type": ["string", "null"]}}},
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
                                "description": "Goal, measure or KP reference id; for measure-table any value "
                                               "(e.g. 'all'): the table is always the municipality's own, "
                                               "tagged docplan:measure-table:<number>."}],
                "responses": {"200": _json({"$ref": "#/components/schemas/Snippet"}, "OOXML snippet"),
                              **_errors(400, 401, 403, 404, 503)}}},
            base + "/check": {"post": {
                "operationId": "check", "security": _SECURED, "parameters": _PATH_PARAMS,
                "requestBody": {"required": True, "content": {
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
                        "schema": {"type": "string", "format": "binary"}},
                    "application/json": {"schema": {"type": "object", "required": ["ooxml"],
                                                    "properties": {"ooxml": {"type": "string"}}}}}},
                "responses": {"200": _json({"$ref": "#/components/schemas/CheckResult"}, "Findings"),
                              **_errors(400, 401, 403, 404, 413, 503)}}},
            base + "/refresh": {"post": {
                "operationId": "refresh", "security": _SECURED, "parameters": [*_PATH_PARAMS, _LANG],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/RefreshRequest"}}}},
                "responses": {"200": _json({"$ref": "#/components/schemas/RefreshResult"}, "Stale items"),
                              **_errors(400, 401, 403, 404, 503)}}},
            base + "/adoption": {
                "get": {"operationId": "getAdoption", "security": _SECURED, "parameters": _PATH_PARAMS,
                        "responses": {"200": _json({"$ref": "#/components/schemas/Adoption"}, "Adoption"),
                                      **_errors(401, 403, 404)}},
                "put": {"operationId": "putAdoption", "security": _SECURED, "parameters": _PATH_PARAMS,
                        "requestBody": {"required": True, "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/Adoption"}}}},
                        "responses": {"200": _json({"$ref": "#/components/schemas/Adoption"}, "Stored"),
                                      **_errors(400, 401, 403, 404)}}},
        },
    }
