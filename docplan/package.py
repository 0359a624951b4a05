"""The one way into a .docx/.dotx/.xlsx: open a package safely, hand out its parts, write it back.

Every package a user gives docplan (a planner's document, a template, a workbook, an upload to the
add-in) is opened with `Package.open`, which refuses it with a Norwegian `DocumentError` before any
part is used when it is

- too large, empty, not a zip, a legacy binary (.doc/.xls) or encrypted file,
- a zip bomb (too many entries, a part or the whole expanding beyond the limits),
- damaged (a part whose compressed stream or checksum is broken: every part is read here),
- XML with a DOCTYPE declaration in any part (`docplan.ooxml.parser.check_prolog`, after decoding),
- Strict Open XML, macro-enabled (.docm/.dotm) or, unless asked for, a template (.dotx).

Reading is `zipfile` only; so is writing: `write_package` makes a deterministic archive (fixed
timestamps for new parts, the original order, time stamp and compression of every other part), so the
same input gives the same bytes.
"""

from __future__ import annotations

import io
import os
import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterable, Union

from docplan.errors import DocumentError, Location
from docplan.files import write_atomic  # noqa: F401  (re-exported: docplan.write_atomic)
from docplan.ooxml.ns import NSMAP
from docplan.ooxml.parser import DoctypeRefused, XMLSyntaxError, check_prolog, parse_xml
from docplan.i18n import _

Source = Union[str, os.PathLike, bytes, IO[bytes]]

CT_WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
CT_WORD_MACRO = "application/vnd.ms-word.document.macroEnabled.main+xml"
CT_WORD_TEMPLATE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
CT_WORD_MACRO_TEMPLATE = "application/vnd.ms-word.template.macroEnabledTemplate.main+xml"
REL_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
REL_OFFICE_DOCUMENT_STRICT = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
CONTENT_TYPES = "[Content_Types].xml"
#: Time stamp of parts docplan adds (zip's earliest date), so outputs do not depend on the clock.
FIXED_DATE = (1980, 1, 1, 0, 0, 0)
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class Limits:
    """Limits checked before any part is used; defaults may be set with DOCPLAN_* variables."""

    max_bytes: int = field(default_factory=lambda: _env_int("DOCPLAN_MAX_DOCX_BYTES", 50 * 1024 * 1024))
    max_uncompressed: int = field(default_factory=lambda: _env_int("DOCPLAN_MAX_UNCOMPRESSED", 400 * 1024 * 1024))
    max_ratio: int = field(default_factory=lambda: _env_int("DOCPLAN_MAX_ZIP_RATIO", 200))
    max_entries: int = 5000


class Package:
    """A checked package: its parts' bytes by name (archive order), content types and main part."""

    def __init__(self, name: str, data: bytes, parts: dict[str, bytes], infos: dict[str, zipfile.ZipInfo],
                 main_part: str | None = None, main_content_type: str | None = None):
        self.name = name
        #: The package's bytes as given.
        self.data = data
        self._parts = parts
        self._infos = infos
        self.main_part = main_part
        self.main_content_type = main_content_type

    # -- opening ---------------------------------------------------------------------------------
    @classmethod
    def open(cls, source: Source, *, name: str | None = None, limits: Limits | None = None,
             kind: str = "docx", allow_template: bool = False) -> "Package":
        """Return the checked package; a refused one raises `DocumentError` naming the file and the problem.

        ``kind`` is "docx" (Word: the main part is found and checked) or "xlsx" (a workbook).
        ``allow_template`` accepts a Word template (.dotx) main part, for docplan's own template tools.
        """
        limits = limits or Limits()
        data, label = _read_source(source, name, limits)
        loc = Location(file=label)
        docx = kind == "docx"
        if not data:
            raise DocumentError(_("filen er tom"), loc, code="empty")
        if data[:8] == _OLE_MAGIC:
            raise DocumentError(
                _("filen er passordbeskyttet (kryptert) eller lagret i det gamle binære formatet (.doc/.xls); fjern "
                  "passordet eller lagre den som et Word-dokument (.docx) og prøv igjen") if docx else
                _("filen er passordbeskyttet (kryptert) eller lagret i det gamle binære formatet (.doc/.xls); fjern "
                  "passordet eller lagre den som en Excel-arbeidsbok (.xlsx) og prøv igjen"),
                loc, code="encrypted_or_legacy")
        if not data.startswith(b"PK"):
            raise DocumentError(_("filen er ikke et Word-dokument (.docx)") if docx
                                else _("filen er ikke en Excel-arbeidsbok (.xlsx)"), loc, code="not_a_package")
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
            raise DocumentError(_("filen er skadet: zip-arkivet kan ikke leses (avkortet eller ødelagt fil?)"),
                                loc, code="bad_zip") from exc
        with zf:
            infos = zf.infolist()
            _check_entries(infos, label, limits)
            parts: dict[str, bytes] = {}
            for info in infos:  # folder entries are kept too (empty), so a saved copy has every entry
                parts[info.filename] = b"" if info.is_dir() else _read_member(zf, info, label)
        by_name = {i.filename: i for i in infos}
        if CONTENT_TYPES not in parts:
            raise DocumentError((_("filen er ikke et Word-dokument (.docx): [Content_Types].xml mangler") if docx
                                 else _("filen er ikke en Excel-arbeidsbok (.xlsx): [Content_Types].xml mangler")),
                                loc, code="not_a_package")
        for part, blob in parts.items():
            if part.endswith(_XML_SUFFIXES) and blob:
                try:
                    check_prolog(blob)
                except DoctypeRefused:
                    raise _doctype_error(label, part) from None
        package = cls(label, data, parts, by_name)
        if kind == "docx":
            package.main_part, package.main_content_type = package._find_main_part(allow_template)
        return package

    # -- parts -----------------------------------------------------------------------------------
    def part_names(self) -> list[str]:
        """Return the part names in archive order."""
        return list(self._parts)

    @property
    def entries(self) -> list[str]:
        return self.part_names()

    def has_part(self, name: str) -> bool:
        return name in self._parts

    def read(self, name: str) -> bytes:
        """Return a part's bytes; KeyError when the package has no such part."""
        return self._parts[name]

    def info(self, name: str) -> zipfile.ZipInfo | None:
        """Return the zip entry of a part as it was stored (None for a part that was not in the file)."""
        return self._infos.get(name)

    def xml(self, name: str):
        """Return a part parsed with the one safe parser; broken XML is a `DocumentError`."""
        return parse_part(self.name, name, self.read(name))

    def content_type(self, name: str) -> str | None:
        """Return a part's content type from ``[Content_Types].xml`` (override, else default by suffix)."""
        root = self.xml(CONTENT_TYPES)
        ct = f"{{{NSMAP['ct']}}}"
        for el in root.iter(f"{ct}Override"):
            if (el.get("PartName") or "").lstrip("/") == name:
                return el.get("ContentType")
        suffix = name.rpartition(".")[2].lower()
        for el in root.iter(f"{ct}Default"):
            if (el.get("Extension") or "").lower() == suffix:
                return el.get("ContentType")
        return None

    def related(self, source: str, rel_type: str) -> list[str]:
        """Return the parts ``source`` points at with relationships of ``rel_type`` (internal targets only)."""
        return [target for _rid, rtype, target in self.relationships(source) if rtype == rel_type]

    def relationships(self, source: str) -> list[tuple[str, str, str]]:
        """Return (id, type, target part name) of a part's internal relationships (``""``: the package)."""
        rels = rels_name(source)
        if not self.has_part(rels):
            return []
        out = []
        for rel in self.xml(rels):
            if not isinstance(rel.tag, str) or rel.get("TargetMode") == "External":
                continue
            out.append((rel.get("Id") or "", rel.get("Type") or "", resolve_target(source, rel.get("Target") or "")))
        return out

    def _find_main_part(self, allow_template: bool) -> tuple[str, str | None]:
        loc = Location(file=self.name)
        if not self.has_part("_rels/.rels"):
            raise DocumentError(_("filen er ikke et Word-dokument: _rels/.rels mangler"), loc, code="not_a_package")
        types = {rtype for _rid, rtype, _t in self.relationships("")}
        if REL_OFFICE_DOCUMENT_STRICT in types:
            raise DocumentError(
                _("dokumentet er lagret som «Strict Open XML», som ikke støttes; åpne det i Word og lagre som "
                  "«Word-dokument (*.docx)»"), loc, code="strict_ooxml")
        targets = self.related("", REL_OFFICE_DOCUMENT)
        if not targets:
            raise DocumentError(_("filen er ikke et Word-dokument: hoveddelen mangler"), loc, code="not_a_package")
        part = targets[0]
        if not self.has_part(part):
            raise DocumentError(_("filen er skadet: hoveddelen {part} mangler").format(part=part), loc,
                                code="missing_part")
        content_type = self.content_type(part)
        if content_type in (CT_WORD_MACRO, CT_WORD_MACRO_TEMPLATE):
            raise DocumentError(_("dokumentet inneholder makroer (.docm/.dotm), som ikke støttes av "
                                  "sikkerhetshensyn; lagre det som «Word-dokument (*.docx)»"), loc,
                                code="macro_enabled")
        if content_type == CT_WORD_TEMPLATE and not allow_template:
            raise DocumentError(_("filen er en Word-mal (.dotx), ikke et dokument; åpne malen og lagre den som "
                                  "«Word-dokument (*.docx)»"), loc, code="word_template")
        if content_type not in (CT_WORD_MAIN, CT_WORD_TEMPLATE, None):
            raise DocumentError(_("filen er ikke et Word-dokument (hoveddelen har typen {content_type})").format(
                                    content_type=content_type), loc,
                                code="not_a_package")
        return part, content_type


def _read_source(source: Source, name: str | None, limits: Limits) -> tuple[bytes, str]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        label = name or "dokumentet"
    elif hasattr(source, "read"):
        data = source.read(limits.max_bytes + 1)
        label = name or getattr(source, "name", None) or "dokumentet"
    else:
        path = Path(source)
        label = name or str(path)
        data = read_regular_file(path, label, limits.max_bytes)
    if len(data) > limits.max_bytes:
        raise _too_large(label, len(data), limits)
    return data, str(label)


def read_regular_file(path: Path, label: str, max_bytes: int) -> bytes:
    """Return a file's bytes after checking that it exists, is a regular file and is not too large.

    A FIFO or a device would block or never end, so anything but a regular file is refused.
    """
    import stat

    try:
        st = path.stat()
    except FileNotFoundError:
        raise DocumentError(_("filen finnes ikke"), Location(file=label), code="not_found") from None
    except OSError as exc:
        raise DocumentError(_("filen kan ikke leses ({reason})").format(reason=exc.strerror), Location(file=label),
                            code="unreadable") from exc
    if stat.S_ISDIR(st.st_mode):
        raise DocumentError(_("dette er en mappe, ikke en fil"), Location(file=label), code="not_a_file")
    if not stat.S_ISREG(st.st_mode):
        raise DocumentError(_("dette er ikke en vanlig fil (en FIFO, en enhet eller lignende), og blir ikke lest"),
                            Location(file=label), code="not_a_file")
    if st.st_size > max_bytes:
        raise DocumentError(
            _("filen er for stor ({size:.1f} MB); største tillatte størrelse er {max_bytes} MB").format(
                size=st.st_size / 1048576, max_bytes=max_bytes // 1048576), Location(file=label), code="too_large")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DocumentError(_("filen kan ikke leses ({reason})").format(reason=exc.strerror), Location(file=label),
                            code="unreadable") from exc


def _too_large(label: str, size: int, limits: Limits) -> DocumentError:
    return DocumentError(
        _("filen er for stor ({size:.1f} MB); største tillatte størrelse er {max_bytes} MB").format(
            size=size / 1048576, max_bytes=limits.max_bytes // 1048576), Location(file=label), code="too_large")


def _check_entries(infos: list[zipfile.ZipInfo], label: str, limits: Limits) -> None:
    loc = Location(file=label)
    if len(infos) > limits.max_entries:
        raise DocumentError(_("filen har for mange deler ({n})").format(n=len(infos)), loc, code="too_many_parts")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise DocumentError(_("filen er kryptert og kan ikke leses"), Location(file=label, part=info.filename),
                                code="encrypted_or_legacy")
        total += info.file_size
        compressed = max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and info.file_size / compressed > limits.max_ratio:
            raise DocumentError(
                _("filen ser ut som en zip-bombe (en del pakker seg ut til mer enn {max_ratio} ganger størrelsen) "
                  "og blir ikke åpnet").format(max_ratio=limits.max_ratio),
                Location(file=label, part=info.filename), code="zip_bomb")
    if total > limits.max_uncompressed:
        raise DocumentError(
            _("filen pakker seg ut til {total} MB, mer enn grensen på {max_uncompressed} MB").format(
                total=total // 1048576, max_uncompressed=limits.max_uncompressed // 1048576), loc, code="zip_bomb")


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, label: str) -> bytes:
    try:
        # read no more than the entry claims: a lying header cannot make us inflate a bomb
        with zf.open(info) as fh:
            data = fh.read(info.file_size + 1)
    except Exception as exc:  # BadZipFile (CRC), zlib.error, EOFError, NotImplementedError (method)
        raise DocumentError(_("filen er skadet: en del kan ikke pakkes ut"), Location(file=label, part=info.filename),
                            code="bad_zip") from exc
    if len(data) != info.file_size:
        raise DocumentError(_("filen er skadet: en del har feil lengde"), Location(file=label, part=info.filename),
                            code="bad_zip")
    return data


def _doctype_error(label: str, part: str) -> DocumentError:
    return DocumentError(_("filen inneholder en DOCTYPE-/ENTITY-deklarasjon, som ikke er tillatt av sikkerhetshensyn"),
                         Location(file=label, part=part), code="dtd")


def parse_part(label: str, part: str, data: bytes):
    """Return a part's root parsed with the one parser; broken XML or a DOCTYPE is a `DocumentError`."""
    try:
        return parse_xml(data)
    except DoctypeRefused:
        raise _doctype_error(label, part) from None
    except XMLSyntaxError as exc:
        raise DocumentError(_("ugyldig XML i dokumentet ({msg})").format(msg=exc.msg),
                            Location(file=label, part=part, line=exc.lineno), code="bad_xml") from None


def rels_name(part: str) -> str:
    """Return the name of a part's relationships part (``""``: the package's own ``_rels/.rels``)."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def resolve_target(source: str, target: str) -> str:
    """Return the part name a relationship target of ``source`` points at."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target)).lstrip("/")


def write_package(parts: Iterable[tuple[str, bytes, zipfile.ZipInfo | None]]) -> bytes:
    """Return a zip archive of ``(name, bytes, stored entry or None)`` in the given order.

    A part that was in the original package keeps its time stamp, compression method and attributes; a
    new part gets `FIXED_DATE` and is deflated. The result depends only on the input.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data, like in parts:
            info = zipfile.ZipInfo(name, date_time=like.date_time if like is not None else FIXED_DATE)
            method = like.compress_type if like is not None else zipfile.ZIP_DEFLATED
            info.compress_type = method if method in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) else zipfile.ZIP_DEFLATED
            info.external_attr = like.external_attr if like is not None else 0o600 << 16
            info.create_system = 3
            zf.writestr(info, data, compresslevel=3)  # level 3: ~4x faster than 6 on large parts, ~15 % larger
    return out.getvalue()


def inspect_package(source: Source, *, name: str | None = None, limits: Limits | None = None,
                    kind: str = "docx") -> Package:
    """Return the checked `Package` (`Package.open`); kept as the name the tests and tools know."""
    return Package.open(source, name=name, limits=limits, kind=kind)


PackageInfo = Package


def open_docx(source: Source, *, name: str | None = None, limits: Limits | None = None):
    """Return a python-docx `Document` for a checked package; any reader failure is a `DocumentError`."""
    import docx

    package = Package.open(source, name=name, limits=limits)
    try:
        return docx.Document(io.BytesIO(package.data))
    except Exception as exc:  # python-docx raises KeyError, ValueError, XMLSyntaxError… on broken files
        raise DocumentError(_("dokumentet kan ikke leses ({reason})").format(reason=_reason(exc)),
                            Location(file=package.name),
                            code="unreadable") from exc


def _reason(exc: Exception) -> str:
    if isinstance(exc, XMLSyntaxError):
        return _("ugyldig XML i dokumentet")
    if isinstance(exc, KeyError):
        return _("en del dokumentet viser til, mangler: {part}").format(part=exc.args[0] if exc.args else "")
    if isinstance(exc, zipfile.BadZipFile):
        return _("zip-arkivet er skadet")
    return type(exc).__name__
