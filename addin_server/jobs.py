"""Bounded document work: worker processes, a time limit that stops a job, a share per token.

Checks and refreshes run in a pool of WORKERS processes (`pebble.ProcessPool`), not threads: a job
that runs past PROCESS_TIMEOUT has its process killed and replaced, so it stops using a CPU and a
worker at once. Python cannot stop a thread, and the work is docplan's (reading the document,
running the checks, building snippets), so cooperative cancellation would need checks inside code
the server does not own; a process also keeps a pathological document's memory out of the server.
The price is one pickled copy of the plan (about 30 KB for the example) and the request body per
job, and WORKERS resident processes.

Each token may have JOBS_PER_TOKEN jobs at once; one more is refused at once with 429 and
``Retry-After``, so one caller can never take every worker. A job that waits QUEUE_TIMEOUT for a
free worker without starting is withdrawn with 503 (``busy``), so a request never waits longer than
QUEUE_TIMEOUT + PROCESS_TIMEOUT.

Workers start with ``forkserver`` (POSIX) or ``spawn`` (Windows), never by forking the threaded
server. As with any Python process pool, a script that creates the app itself must do so under
``if __name__ == "__main__":``; ``docplan serve``, ``python -m docplan`` and WSGI servers do.
"""

from __future__ import annotations

import atexit
import concurrent.futures as cf
import multiprocessing
import sys
import threading
from collections import Counter
from contextlib import contextmanager
from typing import Any, Callable, Iterator, TypeVar

from flask import Flask, current_app, g

from addin_server.errors import BusyError, TimeLimitError, TooManyJobsError
from docplan.errors import DocplanError
from docplan.i18n import _, current_language, language

T = TypeVar("T")


def init_app(app: Flask) -> None:
    runner = JobRunner(workers=int(app.config["WORKERS"]), per_token=int(app.config["JOBS_PER_TOKEN"]))
    app.extensions["docplan.jobs"] = runner
    atexit.register(runner.shutdown)


def run_limited(fn: Callable[..., T], *args) -> T:
    """Run ``fn(*args)`` in a worker process for the calling token; see `JobRunner.run`.

    ``fn`` and ``args`` must pickle: ``fn`` a module-level function, ``args`` plain data or models.
    """
    runner: JobRunner = current_app.extensions["docplan.jobs"]
    config = current_app.config
    timeout = float(config["PROCESS_TIMEOUT"])
    queue_timeout = config.get("QUEUE_TIMEOUT")
    return runner.run(g.get("caller") or "", fn, *args, timeout=timeout,
                      queue_timeout=timeout if queue_timeout is None else float(queue_timeout),
                      retry_after=int(config["RETRY_AFTER"]))


class JobRunner:
    """A process pool (started at the first job) and the number of running jobs per caller."""

    def __init__(self, workers: int, per_token: int) -> None:
        self.workers = max(1, workers)
        self.per_token = max(1, per_token)
        self._pool = None
        self._lock = threading.Lock()
        self._running: Counter[str] = Counter()

    def run(self, caller: str, fn: Callable[..., T], *args, timeout: float, queue_timeout: float,
            retry_after: int = 2) -> T:
        """Return ``fn(*args)`` computed in a worker process.

        Raise `TooManyJobsError` when ``caller`` already runs `per_token` jobs, `BusyError` when no
        worker took the job within ``queue_timeout`` seconds, `TimeLimitError` when it ran longer
        than ``timeout`` seconds (its process is killed either way). A `DocplanError` raised by
        ``fn`` is raised here as it was raised there.
        """
        with self._slot(caller, retry_after):
            future = self._get_pool().schedule(_call, args=(fn, current_language(), *args), timeout=timeout)
            try:
                outcome = future.result(timeout=timeout + queue_timeout)
            except cf.TimeoutError:
                if future.done():  # pebble stopped the job at ``timeout``
                    raise TimeLimitError(_("behandlingen tok for lang tid og ble avbrutt; prøv med et mindre "
                                           "dokument eller færre elementer"), code="time_limit") from None
                future.cancel()  # still queued, or started late: withdrawn (a started one is killed)
                raise BusyError(_("tjeneren er opptatt med andre dokumenter; prøv igjen om litt"),
                                retry_after=retry_after) from None
        kind, value = outcome
        if kind == "error":
            raise _rebuild(value)
        return value

    @contextmanager
    def _slot(self, caller: str, retry_after: int) -> Iterator[None]:
        with self._lock:
            if self._running[caller] >= self.per_token:
                raise TooManyJobsError(
                    _("tilgangsnøkkelen har allerede {per_token} dokumenter under behandling; vent til de er "
                      "ferdige og prøv igjen").format(per_token=self.per_token), retry_after=retry_after)
            self._running[caller] += 1
        try:
            yield
        finally:
            with self._lock:
                self._running[caller] -= 1
                if not self._running[caller]:
                    del self._running[caller]

    def running(self, caller: str) -> int:
        """Return how many jobs ``caller`` has now."""
        with self._lock:
            return self._running[caller]

    def _get_pool(self):
        with self._lock:
            if self._pool is None:
                from pebble import ProcessPool

                self._pool = ProcessPool(max_workers=self.workers, initializer=_warm, context=_mp_context())
            return self._pool

    def shutdown(self) -> None:
        """Stop the worker processes (running jobs are killed); later jobs start a new pool."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.stop()
            pool.join(timeout=10)


def _mp_context():
    # "fork" from a threaded server can deadlock the child; forkserver forks workers from a clean
    # process that already imported docplan (fast), spawn (Windows, macOS) starts a new interpreter.
    if sys.platform != "win32" and "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["addin_server.jobs", "addin_server.access"])
        return ctx
    return multiprocessing.get_context("spawn")


def _warm() -> None:
    """Import the engines in a new worker, so that its first job does not pay for it."""
    import addin_server.access  # noqa: F401  (imports engines and the docplan model)

    for name in ("docplan.snippets", "docplan.state", "docplan.checks", "docplan.checks.report",
                 "docplan.checks.docview"):
        try:
            __import__(name)
        except ModuleNotFoundError:
            pass  # the job itself answers with UnavailableError


def _call(fn: Callable[..., Any], lang: str, *args) -> tuple[str, Any]:
    """Run a job in the worker, in the request's målform ``lang``; return ("ok", value) or ("error", the
    DocplanError's state).

    A DocplanError does not survive pickling as it is (its constructor takes more than the
    message), so its class and attributes travel instead and `_rebuild` puts them together."""
    try:
        with language(lang):
            return "ok", fn(*args)
    except DocplanError as exc:
        return "error", (type(exc), exc.args, dict(exc.__dict__))


def _rebuild(state: tuple[type, tuple, dict]) -> DocplanError:
    cls, args, attrs = state
    exc = cls.__new__(cls)
    exc.args = args
    exc.__dict__.update(attrs)
    return exc
