"""Bounded document work: a small thread pool and a time limit per job."""

from __future__ import annotations

import concurrent.futures as cf
from typing import Callable, TypeVar

from flask import Flask, current_app

from addin_server.errors import TimeLimitError

T = TypeVar("T")


def init_app(app: Flask) -> None:
    app.extensions["docplan.jobs"] = cf.ThreadPoolExecutor(
        max_workers=int(app.config["WORKERS"]), thread_name_prefix="docplan-job")


def run_limited(fn: Callable[..., T], *args) -> T:
    """Run ``fn(*args)`` in the job pool; raise `TimeLimitError` when it exceeds PROCESS_TIMEOUT.

    Python cannot stop a thread, so a job that times out finishes in the background; the pool's
    size bounds how many such jobs can pile up, and the package limits bound each job's work.
    """
    pool: cf.ThreadPoolExecutor = current_app.extensions["docplan.jobs"]
    future = pool.submit(fn, *args)
    try:
        return future.result(timeout=float(current_app.config["PROCESS_TIMEOUT"]))
    except cf.TimeoutError:
        future.cancel()
        raise TimeLimitError("behandlingen tok for lang tid og ble avbrutt; prøv med et mindre dokument",
                             code="time_limit") from None
