"""A LibreOffice converter kept alive: run by `docplan.convert` with a Python that has LibreOffice's ``uno``.

This file is a script, not a docplan module: it runs in LibreOffice's Python (Debian: ``/usr/bin/python3``
with the package python3-uno; Windows and macOS: the ``python`` beside ``soffice``), which has none of
docplan's dependencies, so it imports only the standard library and ``uno``.

It starts one headless LibreOffice with its own fresh profile (a folder it removes when it ends),
listening on a named pipe with a random name (never a TCP port, which any local process could drive
and which could be exposed beyond the machine), connects through UNO and then converts on request:
one JSON object per line on standard input, one answer per line on standard output::

    {"in": "/abs/plan.docx", "out": "/abs/plan.pdf", "filter": "writer_pdf_Export", "options": {...}}
    {"ok": true}   or   {"ok": false, "error": "..."}

The first line it writes is ``{"ready": true}`` once LibreOffice answers, or ``{"ok": false, "error":
...}`` when it cannot start. When standard input closes (docplan ended, however it ended) it stops
LibreOffice and exits, so nothing is left running.
"""

import sys

del sys.path[0]  # this script's folder is docplan's package folder: nothing there is for this Python

import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

try:
    import uno  # noqa: E402
    from com.sun.star.beans import PropertyValue  # noqa: E402
    from com.sun.star.connection import NoConnectException  # noqa: E402
except ImportError as exc:
    print(json.dumps({"ok": False, "error": f"no uno: {exc}"}), flush=True)
    sys.exit(3)


def reply(**answer) -> None:
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()


def props(**values):
    return tuple(PropertyValue(Name=k, Value=v) for k, v in values.items())


def start(soffice: str, profile: str, pipe: str, timeout: float):
    """Start LibreOffice (profile in the folder ``profile``) listening on ``pipe``; return (process, desktop)."""
    accept = f"pipe,name={pipe};urp;StarOffice.ComponentContext"
    proc = subprocess.Popen(
        [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--invisible", "--nologo",
         "--norestore", "--nodefault", "--nolockcheck", "--nofirststartwizard", f"--accept={accept}"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + timeout
    while True:
        try:
            context = resolver.resolve(f"uno:{accept}")
            break
        except NoConnectException:
            if proc.poll() is not None or time.monotonic() > deadline:
                stop(proc, None)
                raise RuntimeError("LibreOffice started but did not answer" if proc.poll() is None
                                   else f"LibreOffice ended at start (exit code {proc.returncode})")
            time.sleep(0.05)
    desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
    return proc, desktop


def stop(proc, desktop) -> None:
    if desktop is not None:
        try:
            desktop.terminate()
        except Exception:
            pass  # already gone, or the bridge is: the process is ended below
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def usable(proc, desktop) -> bool:
    """Whether LibreOffice still answers (a document can crash it: the bridge is then disposed)."""
    if proc.poll() is not None:
        return False
    try:
        desktop.getComponents()
        return True
    except Exception:
        return False


def convert(desktop, request: dict) -> None:
    options = request.get("options") or {}
    source = uno.systemPathToFileUrl(os.path.abspath(request["in"]))
    target = uno.systemPathToFileUrl(os.path.abspath(request["out"]))
    document = desktop.loadComponentFromURL(source, "_blank", 0, props(Hidden=True, ReadOnly=True))
    if document is None:
        raise RuntimeError("LibreOffice could not open the document")
    try:
        data = uno.Any("[]com.sun.star.beans.PropertyValue", props(**options))
        document.storeToURL(target, props(FilterName=request.get("filter") or "writer_pdf_Export", FilterData=data,
                                          Overwrite=True))
    finally:
        document.close(True)


def main() -> int:
    setup = json.loads(sys.stdin.readline() or "{}")
    try:
        return serve(setup)
    finally:
        if setup.get("profile"):  # the profile is this converter's alone: gone with it
            shutil.rmtree(setup["profile"], ignore_errors=True)


def serve(setup: dict) -> int:
    try:
        proc, desktop = start(setup["soffice"], setup["profile"], setup["pipe"], float(setup.get("timeout", 60)))
    except Exception as exc:
        reply(ok=False, error=f"{type(exc).__name__}: {exc}")
        return 2
    reply(ready=True, pid=proc.pid)
    try:
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                convert(desktop, json.loads(line))
                reply(ok=True)
            except Exception as exc:  # answered, never raised: docplan decides what a failure means
                alive = usable(proc, desktop)
                reply(ok=False, error=f"{type(exc).__name__}: {exc}", alive=alive)
                if not alive:
                    return 1
    finally:
        stop(proc, desktop)
    return 0


if __name__ == "__main__":
    sys.exit(main())
