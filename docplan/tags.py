"""The content-control tag grammar ``docplan:<kind>:<id>``: the only place tags are made or read."""

from __future__ import annotations

from typing import NamedTuple

PREFIX = "docplan"
KINDS = ("goal", "measure", "measure-table", "kp-ref", "kp-quote", "adoption", "indicator", "report")
_PREFIX, _KINDS = PREFIX + ":", frozenset(KINDS)


class Tag(NamedTuple):
    """A parsed tag: the kind of item and its id (ids may contain ':' as in ``3427:KP-3.2``).

    A named tuple: immutable, and cheap to make for the hundreds of controls in a long plan."""

    kind: str
    id: str

    def __str__(self) -> str:
        return format_tag(self.kind, self.id)


def format_tag(kind: str, ident: str) -> str:
    """Return ``docplan:<kind>:<id>``; raise ValueError for an unknown kind or empty id."""
    if kind not in KINDS:
        raise ValueError(f"unknown docplan tag kind {kind!r}")
    if not ident:
        raise ValueError("a docplan tag needs an id")
    return f"{PREFIX}:{kind}:{ident}"


def parse_tag(text: str | None) -> Tag | None:
    """Return the parsed tag, or None when ``text`` is not a docplan tag."""
    if not text or not text.startswith(_PREFIX):
        return None
    parts = text.split(":", 2)
    if len(parts) != 3 or parts[1] not in _KINDS or not parts[2]:
        return None
    return Tag(parts[1], parts[2])
