"""Where a finding about plan data shows in the document, for the rules whose items carry no content control."""

from __future__ import annotations

from typing import Callable

from docplan.errors import Location


def paragraph_where(ctx, word: str, match: Callable[[int, str], bool]) -> int | None:
    """Return the first paragraph (among those holding ``word``, lower case) that ``match(index, text)`` accepts."""
    if ctx.doc is None:
        return None
    texts = ctx.doc.paragraphs.texts
    return next((i for i in ctx.doc.indexes_containing(word) if match(i, texts[i].strip())), None)


def place(ctx, data_path: tuple, word: str, match: Callable[[int, str], bool]) -> Location:
    """Return the document paragraph ``match`` finds, else the data's place for ``data_path``."""
    found = paragraph_where(ctx, word, match)
    return ctx.doc.location(found) if found is not None else ctx.data_location(data_path)


def in_chapter(ctx, index: int, *words: str) -> bool:
    """Return whether paragraph ``index`` lies under a level-1 heading holding one of ``words`` (lower case)."""
    chapter = (ctx.doc.chapter_of(index) or "").casefold()
    return any(w in chapter for w in words)
