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
from docplan.i18n import N_, _

TEMP_SUFFIX = ".docplan-tmp"

_CAUSES = {
    errno.ENOSPC: N_("disken er full"),
    errno.EDQUOT: N_("diskkvoten er brukt opp"),
    errno.EACCES: N_("mangler skrivetilgang"),
    errno.EPERM: N_("mangler skrivetilgang"),
    errno.EROFS: N_("mappen er skrivebeskyttet"),
    errno.EFBIG: N_("filen blir større enn tillatt på dette systemet"),
    errno.EISDIR: N_("det finnes en mappe med det navnet"),
    errno.ENAMETOOLONG: N_("filnavnet er for langt"),
    errno.ENOENT: N_("mappen finnes ikke"),
    errno.ENOTDIR: N_("en del av stien er ikke en mappe"),
}

#: What was being done when the operating system failed (``doing`` of `os_error`), as whole sentences.
_DOING = {
    "skrive": N_("kunne ikke skrive filen: {cause}"),
    "lese": N_("kunne ikke lese filen: {cause}"),
    "lese eller skrive": N_("kunne ikke lese eller skrive filen: {cause}"),
    "lage mappen": N_("kunne ikke lage mappen: {cause}"),
}


def os_error(exc: OSError, path: str | os.PathLike, doing: str = "skrive") -> ConfigError:
    """Return a Norwegian error for an operating-system failure on ``path``."""
    known = _CAUSES.get(exc.errno or 0)
    cause = _(known) if known else exc.strerror or type(exc).__name__
    message = _(_DOING.get(doing, _DOING["skrive"]))
    return ConfigError(message.format(cause=cause), Location(file=str(path)), code="os_error")


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
        raise DocumentError(_("mappen finnes ikke"), Location(file=str(folder)), code="no_folder")
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
