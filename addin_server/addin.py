"""Blueprint ``addin``: the built task pane, its icons, and the installation's manifest.

The pane is served from ``static/dist`` (built by ``npm run build`` and committed, so a server needs
no Node.js): ``/pane/taskpane.html`` is always revalidated, the script and stylesheet beside it carry a
hash of their content in their names and are cached for a year. The sources (``static/src``), tests and
npm files are not served.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, request, send_from_directory

from addin_server.manifest import PANE_PATH, manifest_xml

STATIC = Path(__file__).resolve().parent / "static"
DIST = STATIC / "dist"
ASSETS = STATIC / "assets"
#: A year: a hashed file name changes whenever its content does.
IMMUTABLE = "public, max-age=31536000, immutable"

bp = Blueprint("addin", __name__)


def base_url() -> str:
    """Return the address Word reaches this server at: PUBLIC_URL, else the request's own."""
    configured = current_app.config.get("PUBLIC_URL")
    return (configured or request.host_url).rstrip("/")


@bp.get("/manifest.xml")
def manifest():
    """The manifest for this server's address (HTTP only for a local test harness)."""
    return Response(manifest_xml(base_url(), allow_http=True), mimetype="application/xml")


@bp.get("/")
def index():
    return Response(status=302, headers={"Location": PANE_PATH.lstrip("/")})


@bp.get("/src/taskpane/taskpane.html")
def old_pane():
    """Manifests made before the build step point here: send Word on to the built pane."""
    return Response(status=301, headers={"Location": "../../" + PANE_PATH.lstrip("/")})


@bp.get("/pane/<path:name>")
def pane(name: str):
    response = send_from_directory(DIST, name, max_age=0)
    if name.endswith(".html"):
        response.headers["Cache-Control"] = "no-cache"
    else:
        response.headers["Cache-Control"] = IMMUTABLE
    return response


@bp.get("/assets/<path:name>")
def assets(name: str):
    return send_from_directory(ASSETS, name, max_age=86400)
