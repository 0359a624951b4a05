"""JSON errors for the API: every failure is ``{code, message, location}``, never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from docplan.errors import DocplanError

log = logging.getLogger("addin_server")

#: Norwegian messages for the HTTP errors Flask/werkzeug raise on their own.
HTTP_MESSAGES = {
    400: ("bad_request", "forespørselen er ugyldig"),
    401: ("unauthorized", "mangler gyldig tilgangsnøkkel (token)"),
    403: ("forbidden", "du har ikke tilgang til dette"),
    404: ("not_found", "finnes ikke"),
    405: ("method_not_allowed", "metoden er ikke tillatt her"),
    413: ("too_large", "forespørselen er for stor"),
    415: ("unsupported_media_type", "innholdstypen støttes ikke"),
    429: ("too_many_requests", "for mange forespørsler; prøv igjen om litt"),
}


class AuthError(DocplanError):
    """Raised when a request carries no token or an unknown one."""

    http_status = 401
    code = "unauthorized"


class NotFoundError(DocplanError):
    """Raised for a plan, municipality or item that does not exist (or is not visible)."""

    http_status = 404
    code = "not_found"


class TimeLimitError(DocplanError):
    """Raised when processing a request takes longer than the configured limit."""

    http_status = 503
    code = "time_limit"


def error_body(code: str, message: str, location: dict | None = None, problems: list | None = None) -> dict:
    body = {"code": code, "message": message, "location": location or {}}
    if problems:
        body["problems"] = problems
    return body


def init_app(app: Flask) -> None:
    """Register handlers that turn every error into a JSON body with the right status."""

    @app.errorhandler(DocplanError)
    def _docplan(exc: DocplanError):
        status = exc.http_status
        if status >= 500:
            log.error("%s %s failed: %s", request.method, request.path, exc.format())
        return jsonify(exc.to_dict()), status

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        code, message = HTTP_MESSAGES.get(exc.code or 500, ("http_error", "feil i forespørselen"))
        if exc.code == 413:
            limit = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
            message = f"forespørselen er for stor; største tillatte størrelse er {limit} MB"
        response = jsonify(error_body(code, message))
        response.status_code = exc.code or 500
        if exc.code == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Exception)
    def _bug(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return jsonify(error_body("internal", "en uventet feil oppstod på tjeneren; feilen er logget")), 500


class UnavailableError(DocplanError):
    """Raised when a docplan engine the request needs is not installed on this server."""

    http_status = 503
    code = "engine_unavailable"
