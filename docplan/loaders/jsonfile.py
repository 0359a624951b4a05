"""JSON plan files: strict JSON parsing with a line/column for every key and value.

Python's own JSON decoder does the parsing. Its pure-Python scanner lets the object and array
steps be wrapped, which is where each key's and value's offset is recorded; that also finds
duplicate keys, which `json` would otherwise resolve silently by keeping the last one.
"""

from __future__ import annotations

import bisect
import json
import json.decoder
import json.scanner
from pathlib import Path
from typing import Any

from docplan.errors import DataError, Location, Problem
from docplan.loaders import PositionMap, decode_text, read_limited
from docplan.i18n import _

_WHITESPACE = " \t\n\r"


def _reject_constant(name: str):
    raise ValueError(_("{name} er ikke tillatt i JSON").format(name=name))


def _parse_int(text: str) -> int:
    try:
        return int(text)
    except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
        raise ValueError(_("tallet som begynner med {text}… har for mange sifre").format(text=text[:12])) from None


class _KeyMemo(dict):
    """The decoder's key memo, noting the last key read so that its value can be placed."""

    last_key: str | None = None

    def setdefault(self, key, default=None):
        self.last_key = key
        return super().setdefault(key, default)


class _PositionDecoder(json.JSONDecoder):
    """A strict JSON decoder that records where each key and value starts."""

    def __init__(self, text: str, file: str) -> None:
        super().__init__(parse_constant=_reject_constant, parse_int=_parse_int)
        self.file = file
        self.positions: PositionMap = {}
        self.duplicates: list[Problem] = []
        self._line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        self._path: tuple = ()
        self.memo = _KeyMemo()
        self.parse_object = self._parse_object
        self.parse_array = self._parse_array
        self.scan_once = json.scanner.py_make_scanner(self)

    def location(self, index: int) -> Location:
        line = bisect.bisect_right(self._line_starts, index)
        return Location(file=self.file, line=line, column=index - self._line_starts[line - 1] + 1)

    def decode_with_positions(self, text: str) -> Any:
        start = len(text) - len(text.lstrip(_WHITESPACE))
        self.positions[()] = self.location(start)
        return self.decode(text)

    def _parse_object(self, s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo):
        text, start = s_and_end
        path = self._path
        cursor = start
        seen: dict[str, int] = {}

        def scan_value(string: str, index: int):
            nonlocal cursor
            key = memo.last_key
            key_at = _skip(string, cursor)
            if string[key_at:key_at + 1] == ",":
                key_at = _skip(string, key_at + 1)
            child = (*path, key)
            if key in seen:
                self.duplicates.append(Problem(
                    _("nøkkelen «{key}» står to ganger i samme gruppe (første gang på linje {line}); bare den siste "
                      "ville blitt brukt").format(key=key, line=self.location(seen[key]).line),
                    self.location(key_at), code="duplicate_key"))
            else:
                seen[key] = key_at
            self.positions.setdefault(child, self.location(key_at))
            self._path = child
            try:
                value, cursor = scan_once(string, index)
            finally:
                self._path = path
            return value, cursor

        return json.decoder.JSONObject((text, start), strict, scan_value, object_hook, object_pairs_hook, memo)

    def _parse_array(self, s_and_end, scan_once):
        text, start = s_and_end
        path = self._path
        count = 0

        def scan_item(string: str, index: int):
            nonlocal count
            child = (*path, count)
            count += 1
            self.positions.setdefault(child, self.location(index))
            self._path = child
            try:
                return scan_once(string, index)
            finally:
                self._path = path

        return json.decoder.JSONArray((text, start), scan_item)


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in _WHITESPACE:
        index += 1
    return index


def parse_json(text: str, file: str) -> tuple[Any, PositionMap]:
    """Parse JSON, returning data plus the line and column of every key and value.

    Duplicate keys are refused, all of them at once, each at its own line.
    """
    decoder = _PositionDecoder(text, file)
    try:
        data = decoder.decode_with_positions(text)
    except json.JSONDecodeError as exc:
        raise DataError(_("filen er ikke gyldig JSON: {json_reason}").format(json_reason=_json_reason(exc.msg)),
                        Location(file=file, line=exc.lineno, column=exc.colno), code="syntax") from exc
    except ValueError as exc:
        raise DataError(_("filen er ikke gyldig JSON: {error}").format(error=exc), Location(file=file),
                        code="syntax") from exc
    except RecursionError as exc:
        raise DataError(_("filen er for dypt nøstet"), Location(file=file), code="too_complex") from exc
    if decoder.duplicates:
        raise DataError(_("filen har nøkler som står to ganger i samme gruppe"), Location(file=file),
                        problems=decoder.duplicates, code="duplicate_key")
    return data, decoder.positions


_JSON_REASONS = {
    "Expecting value": "mangler en verdi",
    "Expecting property name enclosed in double quotes": "feltnavn må stå i doble anførselstegn (eller et komma for mye)",
    "Expecting ',' delimiter": "mangler komma",
    "Expecting ':' delimiter": "mangler kolon",
    "Unterminated string starting at": "tekst som ikke er avsluttet med anførselstegn",
    "Extra data": "ekstra innhold etter slutten av dataene",
    "Invalid control character at": "ulovlig kontrolltegn i tekst",
    "Invalid \\escape": "ugyldig \\-kode i tekst",
    "Invalid \\uXXXX escape": "ugyldig \\u-kode i tekst",
}


def _json_reason(msg: str) -> str:
    for needle, nb in _JSON_REASONS.items():
        if msg.startswith(needle):
            return nb
    return msg


def load(path: Path) -> tuple[Any, PositionMap]:
    """Load a JSON plan file."""
    return parse_json(decode_text(read_limited(path), str(path)), str(path))
