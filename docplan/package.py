"""Opening hostile .docx/.xlsx packages safely, and writing outputs atomically.

Every uploaded or user-supplied package passes `inspect_package` before any XML parser sees it:
size, zip structure, entry count, total and per-entry compression ratio (zip bombs), encryption,
DOCTYPE declarations (XXE, billion laughs), Strict OOXML, macro-enabled and template main parts.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Callable, Union

from docplan.errors import DocumentError, Location

Source = Union[str, os.PathLike, bytes, IO[bytes]]

_WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_WORD_MACRO = "application/vnd.ms-word.document.macroEnabled.main+xml"
_WORD_TEMPLATE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_WORD_MACRO_TEMPLATE = "application/vnd.ms-word.template.macroEnabledTemplate.main+xml"
_REL_OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_REL_OFFICE_DOC_STRICT = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
_DOCTYPE = re.compile(rb"<!\s*DOCTYPE|<!\s*ENTITY", re.IGNORECASE)


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class Limits:
    """Limits checked before any XML is parsed; defaults may be set with DOCPLAN_* variables."""

    max_bytes: int = field(default_factory=lambda: _env_int("DOCPLAN_MAX_DOCX_BYTES", 50 * 1024 * 1024))
    max_uncompressed: int = field(default_factory=lambda: _env_int("DOCPLAN_MAX_UNCOMPRESSED", 400 * 1024 * 1024))
    max_ratio: int = field(default_factory=lambda: _env_int("DOCPLAN_MAX_ZIP_RATIO", 200))
    max_entries: int = 5000


@dataclass
class PackageInfo:
    """What `inspect_package` learned: the bytes, the entries and the main part."""

    name: str
    data: bytes
    entries: list[str]
    main_part: str | None
    main_content_type: str | None


def _read_source(source: Source, name: str | None, limits: Limits) -> tuple[bytes, str]:
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
        label = name or "dokumentet"
    elif hasattr(source, "read"):
        data = source.read(limits.max_bytes + 1)
        label = name or getattr(source, "name", None) or "dokumentet"
    else:
        path = Path(source)
        label = name or str(path)
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise DocumentError("filen finnes ikke", Location(file=label), code="not_found") from None
        if path.is_dir():
            raise DocumentError("dette er en mappe, ikke en fil", Location(file=label), code="not_a_file")
        if size > limits.max_bytes:
            raise _too_large(label, size, limits)
        data = path.read_bytes()
    if len(data) > limits.max_bytes:
        raise _too_large(label, len(data), limits)
    return data, str(label)


def _too_large(label: str, size: int, limits: Limits) -> DocumentError:
    return DocumentError(
        f"filen er for stor ({size / 1048576:.1f} MB); største tillatte størrelse er "
        f"{limits.max_bytes // 1048576} MB", Location(file=label), code="too_large")


def inspect_package(source: Source, *, name: str | None = None, limits: Limits | None = None,
                    kind: str = "docx") -> PackageInfo:
    """Check a .docx (or, with kind="xlsx", a workbook) against the limits; return what was found.

    Raises `DocumentError` with a Norwegian message naming the file and the problem.
    """
    limits = limits or Limits()
    data, label = _read_source(source, name, limits)
    loc = Location(file=label)
    what = "et Word-dokument (.docx)" if kind == "docx" else "en Excel-arbeidsbok (.xlsx)"
    if not data:
        raise DocumentError("filen er tom", loc, code="empty")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise DocumentError(
            "filen er passordbeskyttet (kryptert) eller lagret i det gamle binære formatet (.doc/.xls); "
            f"fjern passordet eller lagre den som {what} og prøv igjen", loc, code="encrypted_or_legacy")
    if not data.startswith(b"PK"):
        raise DocumentError(f"filen er ikke {what}", loc, code="not_a_package")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise DocumentError("filen er skadet: zip-arkivet kan ikke leses (avkortet eller ødelagt fil?)",
                            loc, code="bad_zip") from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_entries:
            raise DocumentError(f"filen har for mange deler ({len(infos)})", loc, code="too_many_parts")
        total = 0
        for info in infos:
            if info.flag_bits & 0x1:
                raise DocumentError("filen er kryptert og kan ikke leses", Location(file=label, part=info.filename),
                                    code="encrypted_or_legacy")
            total += info.file_size
            compressed = max(info.compress_size, 1)
            if info.file_size > 1024 * 1024 and info.file_size / compressed > limits.max_ratio:
                raise DocumentError(
                    "filen ser ut som en zip-bombe (en del pakker seg ut til mer enn "
                    f"{limits.max_ratio} ganger størrelsen) og blir ikke åpnet",
                    Location(file=label, part=info.filename), code="zip_bomb")
        if total > limits.max_uncompressed:
            raise DocumentError(
                f"filen pakker seg ut til {total // 1048576} MB, mer enn grensen på "
                f"{limits.max_uncompressed // 1048576} MB", loc, code="zip_bomb")
        names = [i.filename for i in infos]
        if "[Content_Types].xml" not in names:
            raise DocumentError(f"filen er ikke {what}: [Content_Types].xml mangler", loc, code="not_a_package")
        for info in infos:
            if info.filename.endswith((".xml", ".rels", ".vml")) and info.file_size:
                head = _read_head(zf, info, label, data)
                if _DOCTYPE.search(head):
                    raise DocumentError("filen inneholder en DOCTYPE-/ENTITY-deklarasjon, som ikke er tillatt "
                                        "av sikkerhetshensyn", Location(file=label, part=info.filename), code="dtd")
        main_part, main_type = (None, None)
        if kind == "docx":
            main_part, main_type = _main_part(zf, names, label)
    return PackageInfo(label, data, names, main_part, main_type)


def read_part(zf: zipfile.ZipFile, name: str, label: str) -> bytes:
    """Return a part's bytes from a checked package; a missing part raises KeyError, a damaged one
    (bad checksum, broken compressed stream — `inspect_package` reads only each part's head) a
    `DocumentError`."""
    try:
        return zf.read(name)
    except KeyError:
        raise
    except Exception as exc:  # BadZipFile (CRC), zlib.error, EOFError from a damaged stream
        raise DocumentError("filen er skadet: en del kan ikke pakkes ut", Location(file=label, part=name),
                            code="bad_zip") from exc


_HEAD = 8192
_LOCAL_HEADER = b"PK\x03\x04"


def _read_head(zf: zipfile.ZipFile, info: zipfile.ZipInfo, label: str, data: bytes | None = None) -> bytes:
    """Return the first 8 KiB of a part. A stored or deflated part whose local header is where the
    central directory says is read straight from the package's bytes (``data``), without zipfile's
    stream machinery; anything else goes through `zipfile`."""
    at = info.header_offset
    if data is not None and info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) \
            and data[at:at + 4] == _LOCAL_HEADER and len(data) >= at + 30:
        start = at + 30 + int.from_bytes(data[at + 26:at + 28], "little") \
            + int.from_bytes(data[at + 28:at + 30], "little")
        end = start + info.compress_size
        if end <= len(data):
            try:
                head = data[start:min(end, start + _HEAD)] if info.compress_type == zipfile.ZIP_STORED else \
                    zlib.decompressobj(-15).decompress(memoryview(data)[start:end], _HEAD)
            except zlib.error:
                head = None
            # a part read whole is checked against its checksum, as zipfile does
            if head is not None and (len(head) == _HEAD or zlib.crc32(head) == info.CRC):
                return head
            raise DocumentError("filen er skadet: en del kan ikke pakkes ut",
                                Location(file=label, part=info.filename), code="bad_zip")
    try:
        with zf.open(info) as fh:
            head = fh.read(_HEAD)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise DocumentError("filen er skadet: en del kan ikke pakkes ut",
                            Location(file=label, part=info.filename), code="bad_zip") from exc
    except Exception as exc:  # zlib.error and friends from a damaged stream
        raise DocumentError("filen er skadet: en del kan ikke pakkes ut",
                            Location(file=label, part=info.filename), code="bad_zip") from exc
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    return head


def _main_part(zf: zipfile.ZipFile, names: list[str], label: str) -> tuple[str, str | None]:
    loc = Location(file=label)
    if "_rels/.rels" not in names:
        raise DocumentError("filen er ikke et Word-dokument: _rels/.rels mangler", loc, code="not_a_package")
    rels = zf.read("_rels/.rels")
    if _REL_OFFICE_DOC_STRICT.encode() in rels:
        raise DocumentError(
            "dokumentet er lagret som «Strict Open XML», som ikke støttes; åpne det i Word og lagre som "
            "«Word-dokument (*.docx)»", loc, code="strict_ooxml")
    m = re.search(rb'<Relationship\b[^>]*Type="' + re.escape(_REL_OFFICE_DOC.encode()) + rb'"[^>]*>', rels) \
        or re.search(rb'<Relationship\b[^>]*Target="[^"]*"[^>]*Type="' + re.escape(_REL_OFFICE_DOC.encode()), rels)
    if not m:
        raise DocumentError("filen er ikke et Word-dokument: hoveddelen mangler", loc, code="not_a_package")
    target = re.search(rb'Target="([^"]+)"', m.group(0))
    part = target.group(1).decode("utf-8", "replace").lstrip("/") if target else "word/document.xml"
    if part not in names:
        raise DocumentError(f"filen er skadet: hoveddelen {part} mangler", loc, code="missing_part")
    ctypes = zf.read("[Content_Types].xml").decode("utf-8", "replace")
    ct = re.search(r'PartName="/' + re.escape(part) + r'"\s+ContentType="([^"]+)"', ctypes) or \
        re.search(r'ContentType="([^"]+)"\s+PartName="/' + re.escape(part) + r'"', ctypes)
    content_type = ct.group(1) if ct else None
    if content_type in (_WORD_MACRO, _WORD_MACRO_TEMPLATE):
        raise DocumentError("dokumentet inneholder makroer (.docm/.dotm), som ikke støttes av sikkerhetshensyn; "
                            "lagre det som «Word-dokument (*.docx)»", loc, code="macro_enabled")
    if content_type == _WORD_TEMPLATE:
        raise DocumentError("filen er en Word-mal (.dotx), ikke et dokument; åpne malen og lagre den som "
                            "«Word-dokument (*.docx)»", loc, code="word_template")
    if content_type not in (_WORD_MAIN, None):
        raise DocumentError(f"filen er ikke et Word-dokument (hoveddelen har typen {content_type})", loc,
                            code="not_a_package")
    return part, content_type


def open_docx(source: Source, *, name: str | None = None, limits: Limits | None = None):
    """Return a python-docx `Document` for a checked package; any reader failure is a `DocumentError`."""
    import docx

    info = inspect_package(source, name=name, limits=limits)
    try:
        return docx.Document(io.BytesIO(info.data))
    except Exception as exc:  # python-docx raises KeyError, ValueError, XMLSyntaxError… on broken files
        raise DocumentError(f"dokumentet kan ikke leses ({_reason(exc)})", Location(file=info.name),
                            code="unreadable") from exc


def _reason(exc: Exception) -> str:
    from lxml import etree

    if isinstance(exc, etree.XMLSyntaxError):
        return "ugyldig XML i dokumentet"
    if isinstance(exc, KeyError):
        return f"en del dokumentet viser til, mangler: {exc.args[0] if exc.args else ''}"
    if isinstance(exc, zipfile.BadZipFile):
        return "zip-arkivet er skadet"
    return type(exc).__name__


def write_atomic(path: str | os.PathLike, data: bytes | Callable[[IO[bytes]], None], *,
                 backup: bool = False) -> Path:
    """Write a file atomically (temporary file in the same folder, fsync, rename).

    A failure leaves no partial file behind. With ``backup=True`` an existing file is first copied
    to ``<name>.bak``.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise DocumentError("mappen finnes ikke", Location(file=str(folder)), code="no_folder")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".docplan-tmp", dir=folder)
    try:
        # mkstemp makes 0600 files; give the result the mode a normal create (or the replaced file) has
        try:
            mode = target.stat().st_mode & 0o777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as fh:
            if callable(data):
                data(fh)
            else:
                fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if backup and target.exists():
            bak = target.with_name(target.name + ".bak")
            with open(target, "rb") as src, open(bak, "wb") as dst:
                dst.write(src.read())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return target
