"""The servers `docplan serve` runs (addin_server.serving.make_server), on 127.0.0.1, against slow clients.

Each test starts the real server in a thread on a free port, holds connections that send nothing and
requests that never finish, and asks /health beside them; every socket has a timeout, so nothing
here can hang.
"""

from __future__ import annotations

import http.client
import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
from pathlib import Path

import pytest

from addin_server import create_app
from addin_server.serving import make_server

IDLE, HALF_OPEN = 60, 60


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made with openssl for this module."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key


@pytest.fixture(params=["http", "https"])
def served(request, workspace):
    """(scheme, port) of the real server in a thread; stopped (and its thread joined) afterwards."""
    app = create_app({"WORKSPACE": str(workspace)})
    tls = request.getfixturevalue("certificate") if request.param == "https" else (None, None)
    server = make_server(app, "127.0.0.1", 0, threads=4, certfile=tls[0], keyfile=tls[1], idle_timeout=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield request.param, server.port
    server.close()
    thread.join(timeout=15)
    app.extensions["docplan.jobs"].shutdown()
    assert not thread.is_alive(), "the server did not stop"


def health(scheme: str, port: int, timeout: float = 5.0) -> float:
    """GET /api/v1/health on a new connection; return the seconds it took (fail if it is not 200)."""
    start = time.monotonic()
    conn = (http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout, context=ssl._create_unverified_context())
            if scheme == "https" else http.client.HTTPConnection("127.0.0.1", port, timeout=timeout))
    try:
        conn.request("GET", "/api/v1/health")
        response = conn.getresponse()
        assert response.status == 200 and response.read() == b'{"status":"ok"}\n'
    finally:
        conn.close()
    return time.monotonic() - start


def half_open(scheme: str, port: int) -> socket.socket:
    """Return a connection with a request whose headers were started and never finished."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    if scheme == "https":
        sock = ssl._create_unverified_context().wrap_socket(sock, server_hostname="localhost")
    sock.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    return sock


def test_silent_connections_and_unfinished_requests_do_not_delay_health(served):
    scheme, port = served
    health(scheme, port)
    held = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(IDLE)]
    try:
        held += [half_open(scheme, port) for _ in range(HALF_OPEN)]
        assert health(scheme, port, timeout=1.0) < 1.0
        assert health(scheme, port, timeout=1.0) < 1.0
    finally:
        for sock in held:
            sock.close()


def test_a_connection_that_never_finishes_its_request_is_closed(served):
    scheme, port = served
    sock = half_open(scheme, port)
    silent = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        # idle_timeout is 2 s here: both are closed by the server well within 10 s (recv returns b"" or fails)
        for s in (sock, silent):
            try:
                assert s.recv(1024) == b""
            except ConnectionResetError:
                pass
            except ssl.SSLError:
                pass
    finally:
        sock.close()
        silent.close()
    assert health(scheme, port) < 5


def test_a_document_over_the_limit_gets_the_apps_norwegian_413_through_the_server(served):
    """The server's own body limit is twice the app's, so a document a little too large still gets the app's
    JSON answer, not the server's bare refusal."""
    scheme, port = served
    conn = (http.client.HTTPSConnection("127.0.0.1", port, timeout=10, context=ssl._create_unverified_context())
            if scheme == "https" else http.client.HTTPConnection("127.0.0.1", port, timeout=10))
    try:
        conn.request("POST", "/api/v1/plans/osterdalen/municipalities/3427/check", body=b"x" * (21 * 1024 * 1024),
                     headers={"Authorization": "Bearer demo-3427", "Content-Type": "application/octet-stream"})
        response = conn.getresponse()
        assert response.status == 413
        assert "største tillatte størrelse er 20 MB" in json.loads(response.read())["message"]
    finally:
        conn.close()
