"""JSON errors for the API: every failure is ``{code, message, location}``, never a traceback.

The server's own errors, besides docplan's (`docplan.errors`)::

    DocplanError
    ├── AuthError           no token or an unknown one (401, with ``WWW-Authenticate: Bearer``)
    ├── NotFoundError       a plan, municipality or item that does not exist (404)
    ├── TimeLimitError      a job ran past PROCESS_TIMEOUT and was stopped (503)
    ├── RetryLaterError     the client should try again after ``Retry-After`` seconds
    │   ├── BusyError       every worker stayed busy while the job waited, or the adoption log is
    │   │                   locked by another write (503)
    │   ├── DatabaseUnavailableError  PostgreSQL does not answer (503)
    │   └── TooManyJobsError  the caller already has JOBS_PER_TOKEN jobs running (429)
    ├── UnavailableError    a docplan engine is not installed (503)
    ├── VersionRequiredError  a write without the version it replaces (``If-Match``) (428)
    ├── ConflictError
    │   └── StaleVersionError  a write names a version the record no longer has (409)
    └── InputError
        └── LimitError      a request asks for more work or a larger answer than allowed (413)

Error bodies never show where the workspace lies on the server: paths under it are made relative.
"""

from __future__ import annotations

import logging
import os

from flask import Flask, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from docplan.errors import ConflictError, DocplanError, InputError
from docplan.i18n import N_, _

log = logging.getLogger("addin_server")

#: The challenge sent with every 401 (RFC 6750): the API takes ``Authorization: Bearer <token>``.
BEARER_CHALLENGE = 'Bearer realm="docplan"'

#: Norwegian messages for the HTTP errors Flask/werkzeug raise on their own.
HTTP_MESSAGES = {
    400: ("bad_request", N_("forespørselen er ugyldig")),
    401: ("unauthorized", N_("mangler gyldig tilgangsnøkkel (token)")),
    403: ("forbidden", N_("du har ikke tilgang til dette")),
    404: ("not_found", N_("finnes ikke")),
    409: ("conflict", N_("endret av noen andre i mellomtiden; hent på nytt og prøv igjen")),
    405: ("method_not_allowed", N_("metoden er ikke tillatt her")),
    413: ("too_large", N_("forespørselen er for stor")),
    415: ("unsupported_media_type", N_("innholdstypen støttes ikke")),
    429: ("too_many_requests", N_("for mange forespørsler; prøv igjen om litt")),
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
    """Raised when a job runs longer than PROCESS_TIMEOUT; its worker process has been stopped."""

    http_status = 503
    code = "time_limit"


class RetryLaterError(DocplanError):
    """Base of the errors a client should retry after ``retry_after`` seconds (``Retry-After``)."""

    retry_after = 2

    def __init__(self, message: str, *, retry_after: int | None = None, code: str | None = None) -> None:
        super().__init__(message, code=code)
        if retry_after is not None:
            self.retry_after = retry_after


class TooManyJobsError(RetryLaterError):
    """Raised when the caller's token already has its share of jobs running (JOBS_PER_TOKEN)."""

    http_status = 429
    code = "too_many_jobs"


class BusyError(RetryLaterError):
    """Raised when a job waited QUEUE_TIMEOUT for a free worker and was withdrawn unstarted."""

    http_status = 503
    code = "busy"


class StaleVersionError(ConflictError):
    """Raised when a write names a version of a record that has changed since: never a lost update."""

    code = "stale_version"


class VersionRequiredError(DocplanError):
    """Raised for a write that does not say which version of the record it replaces."""

    http_status = 428
    code = "version_required"


class DatabaseUnavailableError(RetryLaterError):
    """Raised when the workspace's PostgreSQL database does not answer (down, restarting, no connection)."""

    http_status = 503
    code = "database_unavailable"


class LimitError(InputError):
    """Raised when a request asks for more items, tables or answer bytes than the server allows."""

    http_status = 413
    code = "too_large"


def error_body(code: str, message: str, location: dict | None = None, problems: list | None = None) -> dict:
    body = {"code": code, "message": message, "location": location or {}}
    if problems:
        body["problems"] = problems
    return body


def relative_paths(value, root: str):
    """Return ``value`` (JSON data) with every path under ``root`` written relative to it.

    Error messages and locations name files as docplan opened them, i.e. absolute paths inside the
    workspace; a client only needs to know which workspace file it was (``plans/x.yaml``)."""
    if isinstance(value, dict):
        return {k: relative_paths(v, root) for k, v in value.items()}
    if isinstance(value, list):
        return [relative_paths(v, root) for v in value]
    if isinstance(value, str) and root in value:
        return value.replace(root + os.sep, "").replace(root, ".")
    return value


def _workspace_roots() -> list[str]:
    root = current_app.config.get("WORKSPACE")
    if not root:
        return []
    # the resolved form too: a workspace under a symlinked folder (macOS /tmp) is opened either way
    return sorted({os.path.abspath(root), os.path.realpath(root)}, key=len, reverse=True)


def safe_body(body: dict) -> dict:
    """Return an error body with workspace paths made relative (see `relative_paths`)."""
    for root in _workspace_roots():
        body = relative_paths(body, root)
    return body


def init_app(app: Flask) -> None:
    """Register handlers that turn every error into a JSON body with the right status."""

    @app.errorhandler(DocplanError)
    def _docplan(exc: DocplanError):
        status = exc.http_status
        if status >= 500:
            log.error("%s %s failed: %s", request.method, request.path, exc.format())
        response = jsonify(safe_body(exc.to_dict()))
        response.status_code = status
        if isinstance(exc, RetryLaterError):
            response.headers["Retry-After"] = str(exc.retry_after)
        if isinstance(exc, AuthError):
            response.headers["WWW-Authenticate"] = BEARER_CHALLENGE
        return response

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        code, message = HTTP_MESSAGES.get(exc.code or 500, ("http_error", N_("feil i forespørselen")))
        message = _(message)
        if exc.code == 413:
            limit = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
            message = _("forespørselen er for stor; største tillatte størrelse er {limit} MB").format(limit=limit)
        response = jsonify(error_body(code, message))
        response.status_code = exc.code or 500
        if exc.code == 401:
            response.headers["WWW-Authenticate"] = BEARER_CHALLENGE
        if exc.code == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Exception)
    def _bug(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return jsonify(error_body("internal", _("en uventet feil oppstod på tjeneren; feilen er logget"))), 500


class UnavailableError(DocplanError):
    """Raised when a docplan engine the request needs is not installed on this server."""

    http_status = 503
    code = "engine_unavailable"
