"""What every command that writes files shares: never write over an input, never over an existing file
unasked, and edit a planner's document in place only under a lock, never while Word has it open.

`guard_outputs` is the one place the "never write over an input" rule lives: every output path is
compared with every input path (``os.path.samefile`` for files that exist, the resolved path for those
that do not) and with the other outputs. `edit_in_place` reads, edits and writes a document under a
file lock, refuses while Word's owner file (``~$name.docx``) says the document is open, and refuses
when the file changed between the read and the write.
"""

from __future__ import annotations

import hashlib
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import click

from docplan.errors import ConflictError, Location
from docplan.i18n import _


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name the same file (hard links and symlinks included)."""
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return a.resolve() == b.resolve()


def guard_outputs(outputs: dict[str, Path | None], inputs: list[Path | None], *, force: bool = False,
                  existing_ok: bool = False, force_flag: str = "--force") -> None:
    """Refuse (usage error, exit 2) an output that is an input or another output, and, unless ``force``
    or ``existing_ok``, an output that exists already. ``outputs`` maps the option that names each
    output (e.g. ``"-o/--output"``) to its path; ``force_flag`` is the option that allows replacing an
    existing output (``--overwrite`` where ``--force`` means something else)."""
    given = [(flag, path) for flag, path in outputs.items() if path is not None]
    for flag, path in given:
        for source in inputs:
            if source is not None and same_file(path, source):
                raise click.UsageError(_("utfila {path} ({flag}) er den samme som inndatafila {source}; docplan "
                                         "skriver aldri over det du gir det – velg et annet navn").format(
                                           path=path, flag=flag, source=source))
        if path.is_dir():
            raise click.UsageError(_("{path} ({flag}) er en mappe; oppgi et filnavn").format(path=path, flag=flag))
    for i, (flag, path) in enumerate(given):
        for other_flag, other in given[i + 1:]:
            if same_file(path, other):
                raise click.UsageError(_("{flag} og {other_flag} peker på samme fil ({path}); velg to ulike navn").format(
                                           flag=flag, other_flag=other_flag, path=path))
    if not force and not existing_ok:
        for flag, path in given:
            if path.exists():
                raise click.UsageError(_("{path} ({flag}) finnes fra før; bruk {force_flag} for å skrive over den").format(
                                           path=path, flag=flag, force_flag=force_flag))


def word_owner_file(path: Path) -> Path | None:
    """Return Word's owner file for ``path`` when it exists: the document is open in Word (or Word crashed
    with it open). Word names it ``~$`` plus the name, dropping one leading character of a 7-character base
    name and two of a longer one (``plan.docx`` → ``~$plan.docx``, ``Dokument1.docx`` → ``~$kument1.docx``).
    """
    stem = path.stem
    cut = 0 if len(stem) <= 6 else 1 if len(stem) == 7 else 2
    owner = path.with_name("~$" + path.name[cut:])
    return owner if owner.is_file() else None


def _fingerprint(path: Path) -> tuple[int, int, str]:
    from docplan.package import Limits, read_regular_file

    # refused unless a regular file: reading a FIFO would wait forever, a device never end
    data = read_regular_file(path, str(path), Limits().max_bytes)
    st = path.stat()
    return st.st_mtime_ns, st.st_size, hashlib.sha256(data).hexdigest()


@contextmanager
def edit_in_place(path: Path, *, timeout: float = 30.0) -> Iterator["InPlace"]:
    """Hold the document's lock for a read-modify-write; yield an `InPlace` to read and to write with.

    Refused with `ConflictError` (exit 3) when Word has the document open, when another docplan run
    holds the lock longer than ``timeout`` seconds, or when the file changed after it was read.
    """
    from filelock import FileLock, Timeout

    owner = word_owner_file(path)
    if owner is not None:
        raise ConflictError(_("dokumentet ser ut til å være åpent i Word (fant {name}); lukk det i Word og prøv "
                              "igjen, eller skriv til en ny fil med -o").format(name=owner.name),
                            Location(file=str(path)), code="open_in_word")
    lock = FileLock(str(path.with_name(f".{path.name}.docplan-lock")), timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise ConflictError(_("en annen docplan-kjøring endrer dokumentet akkurat nå; prøv igjen om litt"),
                            Location(file=str(path)), code="locked") from None
    try:
        yield InPlace(path)
    finally:
        lock.release()
        try:
            Path(lock.lock_file).unlink()
        except OSError:
            pass


class InPlace:
    """The document being edited in place: its bytes as read, and a write that checks nothing changed."""

    def __init__(self, path: Path):
        self.path = path
        self.stamp = _fingerprint(path)

    def write(self, data: bytes) -> Path:
        """Write ``data`` over the document (keeping a ``.bak`` copy of what it was), if it did not change."""
        from docplan.files import write_atomic

        if _fingerprint(self.path) != self.stamp:
            raise ConflictError(_("dokumentet ble endret av noen andre mens docplan arbeidet; ingenting er skrevet. "
                                  "Kjør kommandoen på nytt"), Location(file=str(self.path)), code="changed_meanwhile")
        return write_atomic(self.path, data, backup=True)
