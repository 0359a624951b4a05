"""The docplan exception tree and the `Location` every planner-facing error points at.

Every error a planner can cause is a `DocplanError`; anything else that escapes is a bug.
``message`` is Norwegian (bokmål), for the planner; the class decides the CLI exit code and the
HTTP status of the add-in server::

    DocplanError            .message, .location, .problems, .exit_code, .http_status, .code
    ├── InputError          the input is wrong (exit 1 / 400)
    │   ├── DataError       YAML/JSON/XLSX data: file:line:column or sheet + cell
    │   ├── DocumentError   a .docx refused: size, zip ratio, DTD, broken part; file + part + paragraph
    │   └── TemplateError   template syntax, undefined or forbidden variable; template + paragraph
    ├── ConflictError       a refresh would overwrite a planner's manual edit (exit 3 / 409)
    ├── AccessError         a token does not cover this municipality (exit 1 / 403)
    └── ConfigError         bad settings or a missing tool such as LibreOffice (exit 2 / 500)

An error may carry several `Problem`s (a data file with five mistakes reports all five); ``message``
then summarises and ``problems`` holds each one with its own location.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file plus line/column, sheet/cell, part/paragraph or data path."""

    file: str | None = None
    line: int | None = None
    column: int | None = None
    sheet: str | None = None
    cell: str | None = None
    part: str | None = None
    paragraph: int | None = None
    path: str | None = None

    def format(self) -> str:
        """Return the location in Norwegian, e.g. ``plan.xlsx, ark «Tiltak», celle C7``."""
        from docplan.i18n import _

        bits: list[str] = []
        if self.file:
            bits.append(self.file)
        if self.sheet:
            bits.append(_("ark «{sheet}»").format(sheet=self.sheet))
        if self.cell:
            bits.append(_("celle {cell}").format(cell=self.cell))
        if self.line is not None:
            bits.append(_("linje {n}").format(n=self.line))
        if self.column is not None:
            bits.append(_("kolonne {n}").format(n=self.column))
        if self.part:
            bits.append(_("del {part}").format(part=self.part))
        if self.paragraph is not None:
            bits.append(_("avsnitt {n}").format(n=self.paragraph))
        if self.path and self.line is None and self.cell is None:
            bits.append(_("felt {path}").format(path=self.path))
        return ", ".join(bits)

    def to_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, with its own location."""

    message: str
    location: Location = field(default_factory=Location)
    code: str = "invalid"

    def format(self) -> str:
        where = self.location.format()
        return f"{where}: {self.message}" if where else self.message

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "location": self.location.to_dict()}


class DocplanError(Exception):
    """Base of every error a user can cause; carries a Norwegian message for the planner."""

    exit_code = 1
    http_status = 500
    code = "error"

    def __init__(
        self,
        message: str,
        location: Location | None = None,
        *,
        problems: list[Problem] | tuple[Problem, ...] = (),
        code: str | None = None,
    ) -> None:
        self.message = message
        self.location = location or Location()
        self.problems = list(problems)
        if code:
            self.code = code
        super().__init__(self.format())

    def format(self) -> str:
        """Return every line the planner should read: the summary, then each problem."""
        where = self.location.format()
        head = f"{where}: {self.message}" if where else self.message
        return "\n".join([head, *(f"  - {p.format()}" for p in self.problems)])

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "message": self.message,
            "location": self.location.to_dict(),
            "problems": [p.to_dict() for p in self.problems],
        }


class InputError(DocplanError):
    """The input is wrong; the planner must fix it."""

    exit_code = 1
    http_status = 400
    code = "invalid_input"


class DataError(InputError):
    """Raised when plan data (YAML, JSON, XLSX) cannot be read or does not validate."""

    code = "invalid_data"


class DocumentError(InputError):
    """Raised when a .docx is refused: not a docx, too big, zip bomb, DTD, encrypted, broken part."""

    code = "invalid_document"


class TemplateError(InputError):
    """Raised for a template syntax error, an undefined variable or a construct the sandbox forbids."""

    code = "invalid_template"


class ConflictError(DocplanError):
    """Raised when an update would overwrite text a planner has edited by hand."""

    exit_code = 3
    http_status = 409
    code = "conflict"


class AccessError(DocplanError):
    """Raised when a token does not give access to the requested municipality."""

    exit_code = 1
    http_status = 403
    code = "forbidden"


class ConfigError(DocplanError):
    """Raised for bad settings or a missing external tool (e.g. LibreOffice for PDF)."""

    exit_code = 2
    http_status = 500
    code = "config"
