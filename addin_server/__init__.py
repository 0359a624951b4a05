"""The Flask backend of the docplan Word add-in: catalogue, snippets, check and refresh over JSON.

`create_app` follows Flask's tutorial factory: defaults, then ``DOCPLAN_*`` environment variables,
then ``test_config``. Blueprints: `auth` (tokens), `api` (``/api/v1``), `addin` (task pane statics
and the manifest). All data lives in the workspace directory, so the app keeps no state of its own.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from flask import Flask

from addin_server.workspace import Workspace, sample_root


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure an app instance.

    Settings (also as ``DOCPLAN_<NAME>`` environment variables): ``WORKSPACE`` (directory; the
    embedded sample when unset), ``PUBLIC_URL`` (base URL written into the manifest),
    ``MAX_CONTENT_LENGTH`` (bytes per request), ``PROCESS_TIMEOUT`` (seconds per check/refresh),
    ``WORKERS`` (threads for document work).
    """
    app = Flask(__name__, static_folder=None)
    app.config.from_mapping(
        WORKSPACE=None,
        PUBLIC_URL=None,
        MAX_CONTENT_LENGTH=20 * 1024 * 1024,
        PROCESS_TIMEOUT=30.0,
        WORKERS=4,
        JSON_SORT_KEYS=False,
    )
    app.config.from_prefixed_env("DOCPLAN")
    if test_config is not None:
        app.config.from_mapping(test_config)

    root = app.config["WORKSPACE"]
    if not root:
        # The sample is copied so that writes (adoption records) never touch the installed package.
        temp = tempfile.mkdtemp(prefix="docplan-sample-")
        atexit.register(shutil.rmtree, temp, ignore_errors=True)
        root = Path(temp) / "workspace"
        shutil.copytree(sample_root(), root)
        app.config["WORKSPACE"] = str(root)
        app.config["SAMPLE"] = True
    app.extensions["docplan.workspace"] = Workspace.open(root)

    from addin_server import addin, api, auth, errors, jobs

    errors.init_app(app)
    jobs.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(addin.bp)

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self' https://appsforoffice.microsoft.com; "
            "style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; "
            "base-uri 'self'")
        return response

    return app
