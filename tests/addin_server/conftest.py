"""Fixtures for the add-in server: a fresh app on a temporary workspace, clients, a live loopback server."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from addin_server import create_app
from addin_server.workspace import sample_root

#: Demo tokens of the embedded sample workspace (public by design; see sample/workspace.yaml).
TYNSET, ALVDAL, KORUS = "demo-3427", "demo-3428", "demo-korus"
PLAN = "osterdalen"


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture()
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "workspace"
    shutil.copytree(sample_root(), root)
    return root


@pytest.fixture()
def app(workspace: Path):
    app = create_app({"TESTING": True, "WORKSPACE": str(workspace), "PUBLIC_URL": "https://plan.example.no"})
    yield app
    app.extensions["docplan.jobs"].shutdown()


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """`docplan serve`'s server (`addin_server.serving.make_server`, HTTP) on 127.0.0.1, in a thread."""
    from addin_server.serving import make_server

    root = tmp_path_factory.mktemp("live") / "workspace"
    shutil.copytree(sample_root(), root)
    app = create_app({"WORKSPACE": str(root)})
    server = make_server(app, "127.0.0.1", 0, threads=8)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}"
    server.close()
    thread.join(timeout=5)
    app.extensions["docplan.jobs"].shutdown()


@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway PostgreSQL cluster (tests/addin_server/pgcluster.py); skipped when it cannot run here."""
    from tests.addin_server import pgcluster

    reason = pgcluster.why_not()
    if reason:
        pytest.skip(reason)
    cluster = pgcluster.Cluster()
    yield cluster
    cluster.stop()


@pytest.fixture()
def database_url(pg_cluster) -> str:
    """The URL of a new, empty database in the test cluster."""
    return pg_cluster.new_database()
