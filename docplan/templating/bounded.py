"""Render a template nobody has vetted within a time and memory bound.

A template is code: ``{% for i in range(100000) %}{% for j in range(100000) %}`` runs for hours and the
sandbox cannot stop it (each ``range`` is within its limit). So a user's own template renders in a
worker process that the caller waits for at most `Bounds.seconds`; on POSIX the worker also gets an
address-space limit (`Bounds.memory_mb`) and a CPU-time limit, elsewhere the timeout is the watchdog.
What the worker raises comes back as the same docplan error (with its location); a worker that runs out
of time is killed, one that runs out of memory or dies says so — «malen brukte for lang tid» / «malen
brukte for mye minne» — never a traceback or a hang.

The shipped standard templates are docplan's own and render in the calling process.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docplan.errors import DocplanError, Location, TemplateError
from docplan.i18n import _


def _env_number(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class Bounds:
    """How long and how much memory a template may use (``DOCPLAN_TEMPLATE_SECONDS`` / ``…_MEMORY_MB``)."""

    seconds: float = field(default_factory=lambda: _env_number("DOCPLAN_TEMPLATE_SECONDS", 120))
    memory_mb: int = field(default_factory=lambda: int(_env_number("DOCPLAN_TEMPLATE_MEMORY_MB", 2048)))


def _context() -> multiprocessing.context.BaseContext:
    # fork starts in milliseconds with docplan already imported; elsewhere a fresh interpreter
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods and sys.platform != "darwin" else "spawn")


def _limit(bounds: Bounds) -> None:
    try:
        import resource
    except ImportError:  # Windows: the parent's timeout is the only bound
        return
    memory = bounds.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(bounds.seconds) + 5
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard == resource.RLIM_INFINITY or hard > cpu:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu if hard == resource.RLIM_INFINITY else hard))


def _error_tuple(exc: DocplanError) -> tuple:
    return (type(exc).__name__, exc.message, exc.location.to_dict(), exc.code,
            [(p.message, p.location.to_dict(), p.code) for p in exc.problems])


def _worker(conn, template: str, plan, municipality: str | None, bounds: Bounds) -> None:
    try:
        _limit(bounds)
        from docplan.render import build_context, compile_template

        data = compile_template(template).render(build_context(plan, municipality=municipality))
        conn.send(("ok", data))
    except DocplanError as exc:
        conn.send(("error", _error_tuple(exc)))
    except MemoryError:
        conn.send(("memory", None))
    except BaseException as exc:  # a bug: report it by name, the parent makes it an internal error
        conn.send(("crash", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def _rebuild(kind: str, message: str, location: dict, code: str, problems: list) -> DocplanError:
    from docplan import errors
    from docplan.errors import Problem

    cls = getattr(errors, kind, None)
    if not (isinstance(cls, type) and issubclass(cls, DocplanError)):
        cls = TemplateError
    return cls(message, Location(**location), code=code,
               problems=[Problem(m, Location(**loc), code=c) for m, loc, c in problems])


def _timeout(bounds: Bounds, name: str) -> TemplateError:
    return TemplateError(
        _("malen brukte for lang tid (mer enn {seconds} sekunder) og ble stoppet; se etter løkker inne i "
          "løkker, f.eks. over range(…)").format(seconds=f"{bounds.seconds:g}"),
        Location(file=name), code="template_timeout")


def render_bounded(plan, template: str | os.PathLike, *, municipality: str | None = None,
                   bounds: Bounds | None = None) -> bytes:
    """Return the .docx bytes of ``plan`` rendered into ``template`` by a bounded worker process.

    Raises the worker's `DocplanError`, or a `TemplateError` when the template used more time or memory
    than ``bounds`` allows.
    """
    bounds = bounds or Bounds()
    name = Path(template).name
    ctx = _context()
    receive, send = ctx.Pipe(duplex=False)
    worker = ctx.Process(target=_worker, args=(send, str(template), plan, municipality, bounds), daemon=True)
    worker.start()
    send.close()
    try:
        if not receive.poll(bounds.seconds):
            raise _timeout(bounds, name)
        try:
            kind, payload = receive.recv()
        except (EOFError, OSError):
            kind, payload = "died", None
    finally:
        if worker.is_alive():
            worker.kill()
        worker.join(5)
        receive.close()
    if kind == "ok":
        return payload
    if kind == "error":
        raise _rebuild(*payload)
    if kind == "died" and worker.exitcode == -getattr(signal, "SIGXCPU", -1):  # the CPU-time limit
        raise _timeout(bounds, name)
    if kind in ("memory", "died"):
        raise TemplateError(
            _("malen brukte for mye minne (mer enn {mb} MB) og ble stoppet; se etter tekst eller lister som "
              "ganges opp, f.eks. 'a' * 1000000000, og makroer som kaller seg selv").format(mb=bounds.memory_mb),
            Location(file=name), code="template_memory")
    raise RuntimeError(payload)


__all__ = ["Bounds", "render_bounded"]
