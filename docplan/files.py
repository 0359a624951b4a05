"""Writing files safely: atomically (temporary file, fsync, rename), never leaving a partial file.

A failure of the operating system (full disk, read-only folder, file size limit) becomes a Norwegian
`ConfigError` naming the path and the cause (exit code 2), and the target is left as it was.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from pathlib import Path
from typing import IO, Callable

from docplan.errors import ConfigError, DocumentError, Location

TEMP_SUFFIX = ".docplan-tmp"

_CAUSES = {
    errno.ENOSPC: "disken er full",
    errno.EDQUOT: "diskkvoten er brukt opp",
    errno.EACCES: "mangler skrivetilgang",
    errno.EPERM: "mangler skrivetilgang",
    errno.EROFS: "mappen er skrivebeskyttet",
    errno.EFBIG: "filen blir større enn tillatt på dette systemet",
    errno.EISDIR: "det finnes en mappe med det navnet",
    errno.ENAMETOOLONG: "filnavnet er for langt",
    errno.ENOENT: "mappen finnes ikke",
    errno.ENOTDIR: "en del av stien er ikke en mappe",
}


def os_error(exc: OSError, path: str | os.PathLike, doing: str = "skrive") -> ConfigError:
    """Return a Norwegian error for an operating-system failure on ``path``."""
    cause = _CAUSES.get(exc.errno or 0, exc.strerror or type(exc).__name__)
    return ConfigError(f"kunne ikke {doing} filen: {cause}", Location(file=str(path)), code="os_error")


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _write_temp(folder: Path, name: str, data: bytes | Callable[[IO[bytes]], None], mode: int) -> str:
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=TEMP_SUFFIX, dir=folder)
    try:
        os.chmod(tmp, mode)  # mkstemp makes 0600 files; give the result a normal (or the replaced file's) mode
        with os.fdopen(fd, "wb") as fh:
            if callable(data):
                data(fh)
            else:
                fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        _unlink(tmp)
        raise
    return tmp


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def write_atomic(path: str | os.PathLike, data: bytes | Callable[[IO[bytes]], None], *,
                 backup: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically; with ``backup`` first copy an existing file to ``<name>.bak``.

    The backup is itself written atomically, so a failure never leaves a cut or missing earlier backup.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise DocumentError("mappen finnes ikke", Location(file=str(folder)), code="no_folder")
    if target.is_dir():
        raise os_error(IsADirectoryError(errno.EISDIR, "is a directory"), target)
    try:
        tmp = _write_temp(folder, target.name, data, _mode_for(target))
    except OSError as exc:
        raise os_error(exc, target) from exc
    try:
        if backup and target.exists():
            bak = target.with_name(target.name + ".bak")
            if bak.is_dir():
                raise os_error(IsADirectoryError(errno.EISDIR, "is a directory"), bak)
            try:
                with open(target, "rb") as src:
                    copy = _write_temp(folder, bak.name, lambda fh: shutil.copyfileobj(src, fh), _mode_for(target))
                os.replace(copy, bak)
            except OSError as exc:
                raise os_error(exc, bak) from exc
        try:
            os.replace(tmp, target)
        except OSError as exc:
            raise os_error(exc, target) from exc
    except BaseException:
        _unlink(tmp)
        raise
    return target


def remove_stale_temp_files(folder: Path) -> int:
    """Remove docplan's temporary files left in ``folder`` by a killed run; return how many."""
    removed = 0
    for path in folder.glob(f".*{TEMP_SUFFIX}"):
        try:
            path.unlink()
            removed += 1
        except OSError:
            pass
    return removed
