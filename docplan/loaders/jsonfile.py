"""JSON plan files: strict JSON parsing; positions come from YAML's composer (JSON ⊂ YAML)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from docplan.errors import DataError, Location
from docplan.loaders import PositionMap, decode_text, read_limited
from docplan.loaders.yamlfile import parse_yaml


def _reject_constant(name: str):
    raise ValueError(f"{name} er ikke tillatt i JSON")


def parse_json(text: str, file: str) -> tuple[Any, PositionMap]:
    """Parse JSON, returning data plus a line/column for every value when they can be found."""
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise DataError(f"filen er ikke gyldig JSON: {_json_reason(exc.msg)}",
                        Location(file=file, line=exc.lineno, column=exc.colno), code="syntax") from exc
    except (ValueError, RecursionError) as exc:
        raise DataError(f"filen er ikke gyldig JSON: {exc}", Location(file=file), code="syntax") from exc
    try:
        _, positions = parse_yaml(text, file)
    except (DataError, yaml.YAMLError):
        positions = {}  # valid JSON that YAML 1.1 cannot compose (rare escapes): paths still name the field
    return data, positions


_JSON_REASONS = {
    "Expecting value": "mangler en verdi",
    "Expecting property name enclosed in double quotes": "feltnavn må stå i doble anførselstegn (eller et komma for mye)",
    "Expecting ',' delimiter": "mangler komma",
    "Expecting ':' delimiter": "mangler kolon",
    "Unterminated string starting at": "tekst som ikke er avsluttet med anførselstegn",
    "Extra data": "ekstra innhold etter slutten av dataene",
    "Invalid control character at": "ulovlig kontrolltegn i tekst",
}


def _json_reason(msg: str) -> str:
    for needle, nb in _JSON_REASONS.items():
        if msg.startswith(needle):
            return nb
    return msg


def load(path: Path) -> tuple[Any, PositionMap]:
    """Load a JSON plan file."""
    return parse_json(decode_text(read_limited(path), str(path)), str(path))
