"""YAML plan files: safe parsing with a line/column for every value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from docplan.errors import DataError, Location
from docplan.loaders import PositionMap, decode_text, read_limited
from docplan.i18n import _

#: Guards against alias bombs ("billion laughs"): nodes visited, counting alias expansions.
MAX_NODES = 200_000


# libyaml's parser is about ten times faster than the pure-Python one and gives the same marks.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_BaseLoader):
    """Safe loader that refuses duplicate keys instead of silently keeping the last one."""

    def construct_mapping(self, node, deep=False):
        seen: dict[Any, Any] = {}
        for key_node, _unused in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, (list, dict)):
                raise yaml.constructor.ConstructorError(None, None, "en nøkkel kan ikke være en liste eller gruppe",
                                                        key_node.start_mark)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, _("nøkkelen «{key}» står to ganger i samme gruppe").format(key=key), key_node.start_mark)
            seen[key] = True
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node):
        # An impossible date such as 2025-13-01 stays text, so validation reports it at its line.
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_UniqueKeyLoader.add_constructor("tag:yaml.org,2002:timestamp", _UniqueKeyLoader.construct_yaml_timestamp)


def _positions(root: yaml.Node, file: str) -> PositionMap:
    positions: PositionMap = {}
    count = 0
    stack: list[tuple[tuple, yaml.Node]] = [((), root)]
    while stack:
        path, node = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise DataError(_("filen har for mange elementer eller for mange alias (&/*); forenkle den"),
                            Location(file=file), code="too_complex")
        mark = node.start_mark
        positions.setdefault(path, Location(file=file, line=mark.line + 1, column=mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    key_mark = key_node.start_mark
                    key = key_node.value
                    positions.setdefault((*path, key), Location(file=file, line=key_mark.line + 1,
                                                                column=key_mark.column + 1))
                    stack.append(((*path, key), value_node))
        elif isinstance(node, yaml.SequenceNode):
            for i, child in enumerate(node.value):
                stack.append(((*path, i), child))
    return positions


_STR_TAG = "tag:yaml.org,2002:str"
_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


def _is_municipality_number(path: tuple) -> bool:
    """Return whether a data path holds a kommunenummer."""
    return (path == ("plan", "host_municipality")
            or (len(path) == 3 and path[0] == "municipalities" and path[2] == "number")
            or (len(path) == 4 and path[0] == "measures" and path[2] == "municipalities"))


def _municipality_numbers_as_text(root: yaml.Node) -> None:
    """Retag plain numbers where a kommunenummer stands, so they keep the text the planner wrote.

    YAML 1.1 reads ``0301`` as the octal number 193 and ``3_427`` as 3427; read as text, ``0301``
    stays "0301" and anything that is not four digits is reported as such by validation.
    """
    stack: list[tuple[tuple, yaml.Node]] = [((), root)]
    seen: set[int] = set()
    while stack:
        path, node = stack.pop()
        if isinstance(node, yaml.CollectionNode):
            if id(node) in seen:  # an alias of a collection already walked
                continue
            seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            if not node.style and node.tag in _NUMBER_TAGS and _is_municipality_number(path):
                node.tag = _STR_TAG
        elif isinstance(node, yaml.MappingNode) and len(path) < 4:
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    stack.append(((*path, key_node.value), value_node))
        elif isinstance(node, yaml.SequenceNode) and len(path) < 4:
            stack.extend(((*path, i), child) for i, child in enumerate(node.value))


def parse_yaml(text: str, file: str) -> tuple[Any, PositionMap]:
    """Parse YAML text safely, returning data and the position of every value."""
    try:
        loader = _UniqueKeyLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                raise DataError(_("filen er tom"), Location(file=file), code="empty")
            positions = _positions(node, file)
            _municipality_numbers_as_text(node)
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(file=file, line=mark.line + 1, column=mark.column + 1) if mark else Location(file=file)
        raise DataError(_("filen er ikke gyldig YAML: {yaml_reason}").format(yaml_reason=_yaml_reason(exc, text)),
                        loc, code="syntax") from exc
    except yaml.YAMLError as exc:
        raise DataError(_("filen er ikke gyldig YAML: {error}").format(error=exc), Location(file=file),
                        code="syntax") from exc
    except RecursionError as exc:
        raise DataError(_("filen er for dypt nøstet"), Location(file=file), code="too_complex") from exc
    return data, positions


_REASONS = {
    "found character '\\t' that cannot start any token": "tabulator brukt til innrykk; bruk mellomrom",
    "mapping values are not allowed": "kolon på feil sted (mangler anførselstegn rundt teksten?)",
    "did not find expected ',' or ']'": "mangler komma eller avsluttende ] i en liste",
    "did not find expected ',' or '}'": "mangler komma eller avsluttende } i en gruppe",
    "could not find expected ':'": "mangler kolon etter nøkkelen",
    "found unacceptable character": "ulovlig tegn (binærdata?)",
    "found undefined tag handle": "ukjent tagg",
    "could not determine a constructor for the tag": "ukjent eller ulovlig YAML-tagg (!!python og lignende er ikke tillatt)",
    "found duplicate anchor": "samme anker (&) brukt to ganger",
    "found undefined alias": "alias (*) som ikke er definert",
    "expected <block end>, but found": "feil innrykk",
    "while scanning a quoted scalar": "anførselstegn som ikke er lukket",
    "did not find expected key": "feil innrykk eller manglende nøkkel",
    "did not find expected '-' indicator": "feil innrykk i liste",
}


def _yaml_reason(exc: yaml.MarkedYAMLError, source: str = "") -> str:
    mark = exc.problem_mark
    if mark is not None and "cannot start any token" in (exc.problem or ""):
        lines = source.splitlines()
        line = lines[mark.line] if mark.line < len(lines) else ""
        if "\t" in line[: mark.column + 1]:
            return "tabulator brukt til innrykk; bruk mellomrom"
        return "ugyldig tegn som ikke kan starte en verdi (bruk anførselstegn rundt teksten)"
    text = f"{exc.context or ''} {exc.problem or ''}"
    for needle, nb in _REASONS.items():
        if needle in text:
            return nb
    if exc.problem and ("står to ganger" in exc.problem or "nøkkel" in exc.problem):
        return exc.problem
    return (exc.problem or str(exc)).strip()


def load(path: Path) -> tuple[Any, PositionMap]:
    """Load a YAML plan file."""
    text = decode_text(read_limited(path), str(path))
    return parse_yaml(text, str(path))


__all__ = ["load", "parse_yaml"]
