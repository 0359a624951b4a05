"""Blueprint ``addin``: the task pane's static files and the manifest with the configured base URL."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, request, send_from_directory

STATIC = Path(__file__).resolve().parent / "static"
#: The base URL written in the checked-in manifest; replaced by the server's own at serve time.
MANIFEST_BASE = "https://localhost:3000"
#: Only these folders are public; node_modules, tests and package files are not served.
PUBLIC = ("src", "assets")

bp = Blueprint("addin", __name__)


def base_url() -> str:
    configured = current_app.config.get("PUBLIC_URL")
    return (configured or request.host_url).rstrip("/")


@bp.get("/manifest.xml")
def manifest():
    text = (STATIC / "manifest.xml").read_text(encoding="utf-8")
    return Response(text.replace(MANIFEST_BASE, base_url()), mimetype="application/xml")


@bp.get("/")
def index():
    return Response(status=302, headers={"Location": "/src/taskpane/taskpane.html"})


@bp.get("/<any(src, assets):folder>/<path:name>")
def static_file(folder: str, name: str):
    if folder not in PUBLIC:
        abort(404)
    return send_from_directory(STATIC / folder, name, max_age=300)
