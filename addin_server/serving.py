"""The servers `docplan serve` runs: waitress for HTTP, hypercorn for HTTPS, both safe from slow clients.

A client that opens connections and sends nothing, or starts a request and never finishes it,
must not keep anyone else out. Both servers read requests without tying up a thread: a thread
runs the app only once a whole request has arrived, and connections that stay idle or unfinished
are closed after a time limit.

- HTTP: waitress. Its defaults keep out everyone after 100 open connections (``connection_limit``)
  and keep an idle connection for 120 s, so 99 half-open requests stopped ``/health``. Here up to
  `CONNECTION_LIMIT` connections, idle or unfinished ones closed after `IDLE_TIMEOUT`, checked
  every `CLEANUP_INTERVAL`; ``poll()`` instead of ``select()``, which cannot watch more than 1024.
- HTTPS: hypercorn (asyncio, pure Python, Windows too). waitress has no TLS; werkzeug's
  development server and cheroot do the TLS handshake in their accept loop, so one silent
  connection holds up every other client for the socket timeout (measured: cheroot with the
  default 10 s needs 10 s per silent connection); cheroot and gunicorn (POSIX only) also give every
  new connection a thread that waits for the request, so as many half-open requests as threads
  stop the server. hypercorn does handshakes and reads in its event loop and closes a connection
  without a whole request after `IDLE_TIMEOUT` (handshake: `HANDSHAKE_TIMEOUT`). It has no
  connection limit: a silent connection costs a coroutine and a file descriptor until it is closed.

Either server takes request bodies up to twice the app's MAX_CONTENT_LENGTH, so a document a
little too large still gets the app's Norwegian 413; beyond that the server refuses by itself.
For a server on the internet, put a reverse proxy with per-client limits in front (README).
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import logging
import os
import socket
import threading
from pathlib import Path

from flask import Flask

#: Most connections open at once (waitress; the default 100 was easy to fill).
CONNECTION_LIMIT = 1000
#: Seconds an idle connection, or one with an unfinished request, is kept.
IDLE_TIMEOUT = 10
#: Seconds between waitress's sweeps for such connections.
CLEANUP_INTERVAL = 2
#: Seconds a TLS handshake may take.
HANDSHAKE_TIMEOUT = 10
#: Waiting connections the operating system queues for accept().
BACKLOG = 1024

log = logging.getLogger("addin_server")


def make_server(app: Flask, host: str, port: int, *, threads: int = 8, certfile: Path | None = None,
                keyfile: Path | None = None, idle_timeout: int = IDLE_TIMEOUT) -> "HttpServer | HttpsServer":
    """Bind ``host``:``port`` (0: a free port) and return the server; ``run()`` serves until ``close()``.

    With ``certfile`` and ``keyfile`` the server speaks HTTPS (hypercorn), otherwise HTTP (waitress).
    ``idle_timeout``: seconds an idle connection, or one with an unfinished request, is kept.
    """
    if certfile is not None and keyfile is not None:
        return HttpsServer(app, host, port, certfile=certfile, keyfile=keyfile, threads=threads,
                           idle_timeout=idle_timeout)
    return HttpServer(app, host, port, threads=threads, idle_timeout=idle_timeout)


def _listen(host: str, port: int) -> socket.socket:
    """Return a listening socket on ``host``:``port``; raise OSError when the port is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family, backlog=BACKLOG)


def _max_body(app: Flask) -> int:
    return 2 * int(app.config["MAX_CONTENT_LENGTH"])


class HttpServer:
    """waitress with the limits above."""

    scheme = "http"

    def __init__(self, app: Flask, host: str, port: int, *, threads: int = 8,
                 idle_timeout: int = IDLE_TIMEOUT) -> None:
        from waitress.server import create_server

        sock = _listen(host, port)  # bound here: waitress leaks its own socket when the port is taken
        self._server = create_server(
            app, sockets=[sock], threads=threads, connection_limit=CONNECTION_LIMIT,
            channel_timeout=idle_timeout, cleanup_interval=min(CLEANUP_INTERVAL, idle_timeout),
            asyncore_use_poll=True, max_request_body_size=_max_body(app), ident="docplan")
        self.host, self.port = host, sock.getsockname()[1]

    def run(self) -> None:
        """Serve until `close` (or Ctrl-C)."""
        self._server.run()

    def close(self) -> None:
        self._server.close()
        self._server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)


class HttpsServer:
    """hypercorn (WSGI mode) with TLS and the limits above; the app runs in ``threads`` threads."""

    scheme = "https"

    def __init__(self, app: Flask, host: str, port: int, *, certfile: Path, keyfile: Path,
                 threads: int = 8, idle_timeout: int = IDLE_TIMEOUT) -> None:
        from hypercorn.config import Config

        self.app, self.threads = app, threads
        sock = _listen(host, port)
        self.host, self.port = host, sock.getsockname()[1]
        # hypercorn takes over the descriptor (and closes it when it stops)
        self._fd: int | None = sock.detach()
        config = Config()
        config.bind = [f"fd://{self._fd}"]
        config.certfile, config.keyfile = str(certfile), str(keyfile)
        config.keep_alive_timeout = idle_timeout
        config.ssl_handshake_timeout = min(HANDSHAKE_TIMEOUT, idle_timeout)
        # a whole request is in before the app runs; reads then wait for the app's answer, which
        # may take the queue and process time limits (addin_server.jobs), so the per-read limit is wider
        waits = float(app.config["PROCESS_TIMEOUT"]) + float(app.config.get("QUEUE_TIMEOUT")
                                                             or app.config["PROCESS_TIMEOUT"])
        config.read_timeout = int(waits) + 30
        config.backlog = BACKLOG
        config.wsgi_max_body_size = _max_body(app)
        config.include_server_header = False
        config.accesslog = None
        config.errorlog = log
        self.config = config
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._closed = threading.Event()

    def run(self) -> None:
        """Serve until `close` (or Ctrl-C)."""
        if self._closed.is_set():
            return
        try:
            asyncio.run(self._serve())
        finally:
            self._fd = None

    async def _serve(self) -> None:
        from hypercorn.asyncio import serve

        loop = asyncio.get_running_loop()
        loop.set_default_executor(cf.ThreadPoolExecutor(self.threads, thread_name_prefix="docplan-https"))
        self._stop = asyncio.Event()
        self._loop = loop
        if self._closed.is_set():
            return
        await serve(self.app, self.config, shutdown_trigger=self._stop.wait, mode="wsgi")

    def close(self) -> None:
        self._closed.set()
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None:
            try:
                loop.call_soon_threadsafe(stop.set)
            except RuntimeError:
                pass  # the loop has already ended
        elif self._fd is not None:
            os.close(self._fd)  # never served
            self._fd = None


class MultiProcessServer:
    """gunicorn (POSIX): ``workers`` processes on one listening socket, each with ``threads`` threads.

    Each worker process creates its own app (`create_app` with ``config``) after the fork, so each has
    its own job pool, caches and database connections; they share only the workspace, which is safe
    for several processes (file locks, or PostgreSQL transactions) and versions every write. gunicorn's
    threads wait for a whole request and it has no guard against slow clients, so put a reverse proxy
    that buffers requests (nginx, Caddy) in front of it, as gunicorn itself advises; TLS is the
    proxy's too (docs/deployment.md).
    """

    scheme = "http"

    def __init__(self, config: dict, host: str, port: int, *, workers: int, threads: int = 8,
                 idle_timeout: int = IDLE_TIMEOUT) -> None:
        from gunicorn.app.base import BaseApplication

        sock = _listen(host, port)
        self.host, self.port = host, sock.getsockname()[1]
        self._fd: int | None = sock.detach()  # gunicorn's arbiter takes the socket over (fd://)
        timeout = float(config.get("PROCESS_TIMEOUT") or 30) + float(config.get("QUEUE_TIMEOUT")
                                                                      or config.get("PROCESS_TIMEOUT") or 30)
        settings = {"bind": [f"fd://{self._fd}"], "workers": workers, "worker_class": "gthread",
                    "threads": threads, "keepalive": idle_timeout, "timeout": int(timeout) + 30,
                    "graceful_timeout": 10, "backlog": BACKLOG, "proc_name": "docplan", "loglevel": "warning",
                    "accesslog": None, "errorlog": "-", "preload_app": False}

        class _Application(BaseApplication):
            def load_config(self) -> None:
                for key, value in settings.items():
                    self.cfg.set(key, value)

            def load(self):  # in each worker, after the fork
                from addin_server import create_app

                return create_app(dict(config))

        self._application = _Application()

    def run(self) -> None:
        """Serve until SIGTERM or Ctrl-C (gunicorn's arbiter ends the process with SystemExit)."""
        fd, self._fd = self._fd, None
        if fd is not None:
            self._application.run()

    def close(self) -> None:
        if self._fd is not None:  # never served
            os.close(self._fd)
            self._fd = None
