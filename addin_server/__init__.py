"""The Flask backend of the docplan Word add-in: catalogue, snippets, check and refresh over JSON.

`create_app` follows Flask's tutorial factory: defaults, then ``DOCPLAN_*`` environment variables,
then ``test_config``. Blueprints: `auth` (tokens), `api` (``/api/v1``), `addin` (task pane statics
and the manifest). All data lives in the workspace (`addin_server.storage`: a directory or PostgreSQL),
so the app keeps no state of its own and several server processes can serve one workspace.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from flask import Flask, request

from addin_server.storage import open_storage
from addin_server.workspace import sample_root

#: Hosts that may show the task pane in a frame. Word on the web puts it in an iframe of
#: *.officeapps.live.com inside the document's page (SharePoint/OneDrive for work: *.sharepoint.com;
#: OneDrive personal: onedrive.live.com; Microsoft 365: *.office.com, *.cloud.microsoft,
#: *.office365.com, *.microsoft.com), and ``frame-ancestors`` checks every ancestor. Word desktop
#: shows the pane in a WebView as a top-level page, which ``frame-ancestors`` does not restrict.
FRAME_ANCESTORS = ("'self'", "https://*.office.com", "https://*.office365.com", "https://*.officeapps.live.com",
                   "https://*.sharepoint.com", "https://*.microsoft.com", "https://*.cloud.microsoft",
                   "https://*.live.com")
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' https://appsforoffice.microsoft.com; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    f"frame-ancestors {' '.join(FRAME_ANCESTORS)}")


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure an app instance.

    Settings (also as ``DOCPLAN_<NAME>`` environment variables): ``WORKSPACE`` (directory; the
    embedded sample when neither it nor DATABASE is set), ``DATABASE`` (a ``postgresql://`` URL instead of a
    directory, `addin_server.postgres`), ``DATABASE_POOL`` (connections per server process), ``PUBLIC_URL`` (base URL written into the manifest),
    ``MAX_CONTENT_LENGTH`` (bytes per request), ``MAX_RESPONSE_BYTES`` (bytes per answer),
    ``MAX_REFRESH_ITEMS`` and ``MAX_TABLES`` (items, and measure tables among them, per refresh),
    ``PROCESS_TIMEOUT`` (seconds a check/refresh may run before its process is stopped),
    ``QUEUE_TIMEOUT`` (seconds a job may wait for a worker; PROCESS_TIMEOUT when unset),
    ``WORKERS`` (processes for document work), ``JOBS_PER_TOKEN`` (jobs one token may have at
    once), ``RETRY_AFTER`` (seconds, sent with 429 and 503 ``busy``). See `addin_server.jobs`.
    """
    app = Flask(__name__, static_folder=None)
    app.config.from_mapping(
        WORKSPACE=None,
        DATABASE=None,
        DATABASE_POOL=10,
        PUBLIC_URL=None,
        MAX_CONTENT_LENGTH=20 * 1024 * 1024,
        MAX_RESPONSE_BYTES=10 * 1024 * 1024,
        MAX_REFRESH_ITEMS=500,
        MAX_TABLES=5,
        PROCESS_TIMEOUT=30.0,
        QUEUE_TIMEOUT=None,
        WORKERS=4,
        JOBS_PER_TOKEN=2,
        RETRY_AFTER=2,
        JSON_SORT_KEYS=False,
    )
    app.config.from_prefixed_env("DOCPLAN")
    if test_config is not None:
        app.config.from_mapping(test_config)

    database = app.config["DATABASE"]
    if not app.config["WORKSPACE"] and not database:
        # The sample is copied so that writes (adoption records) never touch the installed package.
        temp = tempfile.mkdtemp(prefix="docplan-sample-")
        atexit.register(shutil.rmtree, temp, ignore_errors=True)
        root = Path(temp) / "workspace"
        shutil.copytree(sample_root(), root)
        app.config["WORKSPACE"] = str(root)
        app.config["SAMPLE"] = True
    storage = open_storage(workspace=app.config["WORKSPACE"], database=database,
                           pool_size=int(app.config["DATABASE_POOL"]))
    atexit.register(storage.close)
    app.extensions["docplan.workspace"] = storage

    from addin_server import addin, api, auth, errors, jobs

    errors.init_app(app)
    jobs.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(addin.bp)
    api.init_language(app)

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.path.startswith("/api/"):
            # answers carry a municipality's data and depend on its token: no cache may keep them
            response.headers["Cache-Control"] = "no-store"
        return response

    return app
