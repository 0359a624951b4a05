"""Access tokens: each municipality's data only with its own token; a maintainer token sees all."""

from __future__ import annotations

import functools

from flask import Blueprint, current_app, g, request

from addin_server.errors import AuthError
from addin_server.workspace import Grant, hash_token
from docplan.errors import AccessError
from docplan.i18n import _

bp = Blueprint("auth", __name__)


def _token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _unused, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


@bp.before_app_request
def load_grant() -> None:
    """Put the caller's `Grant` (or None) in ``g.grant``, and what tells callers apart in ``g.caller``.

    ``g.caller`` is the token's sha256 (as in workspace.yaml), so jobs are counted per token
    (`addin_server.jobs`) without keeping the token itself."""
    token = _token()
    g.grant = current_app.extensions["docplan.workspace"].grant_for(token) if token else None
    g.caller = hash_token(token) if g.grant is not None else None


def token_required(view):
    """Refuse the view with 401 unless the request carries a known token."""

    @functools.wraps(view)
    def wrapped(**kwargs):
        if g.get("grant") is None:
            raise AuthError(_("mangler gyldig tilgangsnøkkel (token); skriv inn nøkkelen du har fått fra "
                              "planansvarlig"), code="unauthorized")
        return view(**kwargs)

    return wrapped


def require_municipality(number: str) -> Grant:
    """Return the caller's grant when it covers ``number``; raise `AccessError` (403) otherwise."""
    grant: Grant = g.grant
    if not grant.covers(number):
        raise AccessError(_("tilgangsnøkkelen gir ikke tilgang til kommune {number}").format(number=number))
    return grant
