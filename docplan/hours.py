"""Opening hours as planners write them (alkoholloven §§ 3-7 and 4-4): «08:00-20:00», «10-02», «stengt».

Plain functions without the data model, so the checks can read hours without loading pydantic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from docplan.i18n import _

_TIME = r"(?:kl\.?\s*)?([0-9]{1,2})(?:[:.]([0-9]{2}))?"
_RANGE = re.compile(rf"^\s*{_TIME}\s*(?:[-–—]|til)\s*{_TIME}\s*$", re.IGNORECASE)
#: Words that mean «no sales or serving» on a day type (17 May, Christmas Eve …).
CLOSED_WORDS = ("stengt", "ingen", "ikke salg", "ikkje sal", "ingen skjenking", "ikke skjenking", "ikkje skjenking")


@dataclass(frozen=True)
class TimeRange:
    """A time of day range in minutes after midnight; ``end`` passes 24 × 60 when it runs past midnight."""

    start: int
    end: int

    def __str__(self) -> str:
        return f"{_clock(self.start)}–{_clock(self.end)}"


def _clock(minutes: int) -> str:
    hours, mins = divmod(minutes, 60)
    hours = hours if hours == 24 and mins == 0 else hours % 24
    return f"{hours:02d}.{mins:02d}"


def parse_time_range(text: str) -> TimeRange | None:
    """Return the range ``"10:00-02:00"`` stands for (the end the next day when not after the start), or
    None for a closed day («stengt»); raise ValueError (Norwegian) for anything else."""
    value = " ".join(str(text).split()).casefold()
    if value in CLOSED_WORDS:
        return None
    m = _RANGE.match(value)
    if not m:
        raise ValueError(_("«{text}» er ikke et tidsrom; skriv for eksempel «08:00-20:00» (eller «stengt»)").format(
                             text=text))
    h1, m1, h2, m2 = (int(g) if g else 0 for g in m.groups())
    if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2):
        raise ValueError(_("«{text}» har et klokkeslett som ikke finnes; timer 00–24 og minutter 00–59").format(
                             text=text))
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if end <= start:
        end += 24 * 60  # «10:00-02:00»: until two the next night
    return TimeRange(start, end)


def check_hours_text(value: str) -> str:
    """Return an hours range text unchanged, or raise ValueError (Norwegian) when it is no range."""
    parse_time_range(value)
    return value


def hours_ranges(hours: "str | dict[str, str] | None") -> list[tuple[str | None, str]]:
    """Return (day type or place, range text) pairs of an `Hours` value; a single range has no label."""
    if hours is None:
        return []
    if isinstance(hours, str):
        return [(None, hours)]
    return list(hours.items())
