"""Write plan data back: into the planner's own YAML where it changed, or whole.

A planner's YAML holds comments, an order and a layout of their own. `write_back` changes only the measure
fields a command changed (`status import`: status and reports; `roll`: years), each at its place and
indentation, and checks that the edited text reads back as exactly the new data; where that cannot be done
(a measure written as a flow mapping, aliases), the data is written whole with its leading comments kept,
and the caller tells the planner. JSON and workbooks are written whole, as YAML or JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import yaml


def write_back(source: Path, raw: dict, new: dict, suffix: str, *, keys: tuple[str, ...],
               header: str = "") -> tuple[bytes, bool]:
    """Return the bytes of ``new`` (the data read from ``source`` as ``raw``, changed) to write as ``suffix``
    (".json" or YAML), and whether a YAML source had to be written whole. ``header`` (comment lines) goes
    first in YAML, replacing an earlier header of the same command (`replace_header`)."""
    from docplan.loaders import decode_text, read_limited

    if suffix == ".json" or source.suffix.lower() not in (".yaml", ".yml"):
        return dump_plan(new, suffix, header=header), False
    text = decode_text(read_limited(source), str(source))
    if header:
        text = replace_header(text, header)
    spliced = splice_yaml(text, raw, new, keys)
    if spliced is None:
        return dump_plan(new, ".yaml", header=leading_comments(text)), True
    return spliced.encode("utf-8"), False


def replace_header(text: str, header: str) -> str:
    """Return ``text`` with ``header`` and a blank line on top: a block of the same kind an earlier run left
    there (its first word the same; it ends at the blank line) is taken out first, the planner's own
    comments below it kept."""
    first = header.split(None, 2)[1] if len(header.split()) > 1 else ""
    lines = text.splitlines(keepends=True)
    if lines and first and lines[0].startswith("# " + first):
        while lines and lines[0].startswith("#"):
            lines.pop(0)
        if lines and not lines[0].strip():
            lines.pop(0)
    newline = "\r\n" if "\r\n" in text else "\n"
    head = header.replace("\r\n", "\n").rstrip("\n").replace("\n", newline) + newline
    return head + newline + "".join(lines)


class _Dumper(yaml.SafeDumper):
    """Safe YAML with texts of several lines as literal blocks (``|``), as a planner writes them."""


def _str(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def leading_comments(text: str) -> str:
    """Return the comment lines (and blank lines between them) at the top of a YAML text."""
    out = []
    for line in text.splitlines(keepends=True):
        if line.lstrip().startswith("#") or not line.strip():
            out.append(line if line.endswith("\n") else line + "\n")
        else:
            break
    while out and not out[-1].strip():
        out.pop()
    return "".join(out)


def dump_plan(raw: dict, suffix: str, *, header: str = "") -> bytes:
    """Return plan data as YAML (``header`` comments first) or, for ``.json``, as JSON."""
    if suffix == ".json":
        text = json.dumps(raw, ensure_ascii=False, indent=2, default=_json_default) + "\n"
    else:
        body = yaml.dump(raw, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
        text = (header + "\n" if header else "") + body
    return text.encode("utf-8")


def splice_yaml(text: str, raw: dict, merged: dict, keys: tuple[str, ...] = ("status", "reports")) -> str | None:
    """Return the planner's YAML ``text`` with only the measures' ``keys`` that differ between ``raw`` and
    ``merged`` rewritten in place, so comments, order and quoting elsewhere stay as written.

    A text or a list of numbers and texts is written on the key's line (``status: pågår``, ``years: [2024,
    2025]``); a list of mappings (``reports``) as a block under it. Returns None when that cannot be done
    safely (a measure written as a flow mapping, aliases, anything the edit would not reproduce exactly): the
    text is parsed again and must give ``merged``, else the caller writes the whole data with `dump_plan`.
    """
    from docplan.loaders.yamlfile import parse_yaml

    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return None
    measures = _value(root, "measures")
    if not isinstance(measures, yaml.SequenceNode) or len(measures.value) != len(merged.get("measures") or []):
        return None
    newline = "\r\n" if "\r\n" in text else "\n"
    edits: list[tuple[int, int, str]] = []
    for node, old, new in zip(measures.value, raw.get("measures") or [], merged.get("measures") or []):
        if old == new:
            continue
        if not isinstance(node, yaml.MappingNode) or node.flow_style or not node.value:
            return None
        pad = " " * node.value[0][0].start_mark.column
        tail = _line_end(text, _span_end(node, text))
        for key in keys:
            if old.get(key) == new.get(key):
                continue
            if key not in new:
                return None  # taking a key out is not an edit this makes
            value = _value(node, key)
            inline = _inline(new[key])
            if inline is not None:
                if value is None:
                    edits.append((tail, tail, f"{newline}{pad}{key}: {inline}"))
                else:
                    edits.append((value.start_mark.index, _span_end(value, text), inline))
                continue
            lines = yaml.dump(new[key], Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                              width=100).rstrip().splitlines()
            if value is None:
                edits.append((tail, tail, newline + pad + f"{key}:" + "".join(newline + pad + "  " + line
                                                                              for line in lines)))
            elif value.flow_style or not isinstance(value, yaml.SequenceNode):
                edits.append((value.start_mark.index, _span_end(value, text),
                              "".join(newline + pad + "  " + line for line in lines)))
            else:
                indent = " " * value.start_mark.column
                edits.append((value.start_mark.index, _span_end(value, text),
                              lines[0] + "".join(newline + indent + line for line in lines[1:])))
    out = text
    for start, end, new_text in sorted(edits, reverse=True):
        out = out[:start] + new_text + out[end:]
    try:
        again, _positions = parse_yaml(out, "")
    except Exception:  # the edit broke the YAML: fall back to writing it whole
        return None
    return out if again == merged else None


def _value(node, key: str):
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)


def _span_end(node, text: str) -> int:
    """Return where a node's own text ends (a block collection's end mark, and a block scalar's, lie at the
    next token)."""
    if isinstance(node, yaml.ScalarNode) or node.flow_style or not node.value:
        end = node.end_mark.index
        if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
            end = node.start_mark.index + len(text[node.start_mark.index:end].rstrip("\r\n"))
        return end
    last = node.value[-1]
    return _span_end(last[1] if isinstance(node, yaml.MappingNode) else last, text)


def _line_end(text: str, index: int) -> int:
    """Return the end of the line ``index`` is on (before its line break); a trailing comment stays on it."""
    cut = text.find("\n", index)
    if cut == -1:
        return len(text)
    return cut - 1 if cut > 0 and text[cut - 1] == "\r" else cut


def _inline(value: Any) -> str | None:
    """Return a text, or a list of numbers and texts, as YAML on one line; None for anything else."""
    if isinstance(value, str):
        return value if re.fullmatch(r"[a-zæøåA-ZÆØÅ][a-zæøåA-ZÆØÅ ]*[a-zæøå]", value) else \
            json.dumps(value, ensure_ascii=False)
    if isinstance(value, list) and all(isinstance(v, (int, str)) and not isinstance(v, bool) for v in value):
        return "[" + ", ".join(_inline(v) if isinstance(v, str) else str(v) for v in value) + "]"
    return None


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


__all__ = ["dump_plan", "leading_comments", "replace_header", "splice_yaml", "write_back"]
