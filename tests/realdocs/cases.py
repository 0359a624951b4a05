"""The generated test set: every kommuneplan and rusplan form in bokmål and nynorsk (48 documents)."""

from __future__ import annotations

from functools import cache

from tests.realdocs import kommuneplaner, rusplaner
from tests.realdocs.content import MUNICIPALITIES


def _municipality(language: str, i: int) -> tuple[str, str]:
    mine = [(n, name) for n, name, lang in MUNICIPALITIES if lang == language]
    return mine[i % len(mine)]


@cache
def kp_cases() -> tuple[kommuneplaner.KpCase, ...]:
    """Return the generated kommuneplaner with the catalogue each must give."""
    return tuple(kommuneplaner.build(form, lang, _municipality(lang, i), seed=i)
                 for i, form in enumerate(kommuneplaner.FORMS) for lang in ("nb", "nn"))


@cache
def plan_cases() -> tuple[rusplaner.PlanCase, ...]:
    """Return the generated rusplaner with what extract must read and check must find in each."""
    return tuple(rusplaner.build(form, lang, _municipality(lang, i + 1), seed=i)
                 for i, form in enumerate(rusplaner.FORMS) for lang in ("nb", "nn"))
