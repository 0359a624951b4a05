"""Bokmål and nynorsk: one message catalogue for every word docplan puts before a planner.

Messages are written in bokmål where they are used, marked for the catalogue: ``_("ikke oppgitt")``,
``ngettext("{n} merknad", "{n} merknader", n)``, ``pgettext("status", "utsatt")``. Their nynorsk
forms live in ``docplan/locale/nn/LC_MESSAGES/docplan.po`` (edit with any PO editor); ``python
tools/messages.py`` adds new messages to it and compiles it to the ``.mo`` the standard library's
gettext reads at run time (Babel, which reads ``.po`` files, takes 0.1 s to import: too slow for every
command). Tests extract every marked message from the source and fail when one has no nynorsk form or
a ``.mo`` is stale.

The language is per run or per request: ``with language("nn"): ...`` sets it for the code inside (a
context variable, so each server request and thread has its own); ``translate(message, lang)`` names it
explicitly. Strings defined at import time (tables of display values) are marked with `N_` and
translated where they are shown.

Numbers, amounts and dates are formatted with Babel's CLDR data for Norwegian (`format_number`,
`format_date`), which writes the same for both målformer.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import gettext as gettext_module
from pathlib import Path
from typing import Iterator, Literal

Lang = Literal["nb", "nn"]
LANGS: tuple[Lang, ...] = ("nb", "nn")
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "docplan"

_current: contextvars.ContextVar[Lang] = contextvars.ContextVar("docplan_language", default="nb")

_ALIASES = {
    "nb": "nb", "nob": "nb", "no": "nb", "nor": "nb", "bokmål": "nb", "bokmal": "nb", "nb-no": "nb", "nb_no": "nb",
    "nn": "nn", "nno": "nn", "nynorsk": "nn", "nn-no": "nn", "nn_no": "nn",
}


def normalise_lang(value: object, default: Lang = "nb") -> Lang:
    """Return "nb" or "nn" for a language code or name (``nn-NO``, ``nynorsk``, ``nob`` …); others give ``default``."""
    if not isinstance(value, str) or not value.strip():
        return default
    return _ALIASES.get(value.strip().lower(), default)  # type: ignore[return-value]


def current_language() -> Lang:
    """Return the målform of the code running now (bokmål unless `language` says otherwise)."""
    return _current.get()


@contextlib.contextmanager
def language(lang: object) -> Iterator[Lang]:
    """Run the code inside with messages in ``lang`` ("nb" or "nn"; None keeps the current one)."""
    chosen = current_language() if lang is None else normalise_lang(lang)
    token = _current.set(chosen)
    try:
        yield chosen
    finally:
        _current.reset(token)


@functools.lru_cache(maxsize=None)
def _translations(lang: str, domain: str = DOMAIN) -> gettext_module.NullTranslations:
    """Return the compiled catalogue (``.mo``, built from the ``.po`` by ``tools/messages.py``) for ``lang``."""
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.mo"
    if not path.is_file():
        return gettext_module.NullTranslations()
    with path.open("rb") as fh:
        return gettext_module.GNUTranslations(fh)


def _lang(lang: object) -> Lang:
    return current_language() if lang is None else normalise_lang(lang)


def translate(message: str, lang: object = None) -> str:
    """Return ``message`` (bokmål) in ``lang`` (default: the current målform)."""
    chosen = _lang(lang)
    return message if chosen == "nb" else _translations(chosen).gettext(message)


def gettext(message: str) -> str:
    """Return ``message`` (bokmål) in the current målform."""
    return translate(message)


_ = gettext


def ngettext(singular: str, plural: str, n: int, lang: object = None) -> str:
    """Return the singular or plural form for ``n`` (Norwegian: singular only for 1) in ``lang``.

    The result is not formatted: ``ngettext("{n} merknad", "{n} merknader", n).format(n=n)``.
    """
    chosen = _lang(lang)
    if chosen == "nb":
        return singular if n == 1 else plural
    return _translations(chosen).ngettext(singular, plural, n)


def pgettext(context: str, message: str, lang: object = None) -> str:
    """Return ``message`` as meant in ``context`` (a word that reads differently elsewhere) in ``lang``."""
    chosen = _lang(lang)
    return message if chosen == "nb" else _translations(chosen).pgettext(context, message)


def display_value(value: object, lang: object = None) -> str:
    """Return a value of one of the model's fixed lists (a status, cost basis, funding status …) as a
    planner reads it in ``lang`` («ikke startet» → «ikkje starta»). The lists mark their values with
    ``pgettext("verdi", …)``; a value not in the catalogue is shown as written, None as "".
    """
    if value is None:
        return ""
    return pgettext("verdi", str(value), lang)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it now (translate where it is shown)."""
    return message


def click_word(message: str) -> str:
    """Return one of click's own English messages in bokmål (domain ``click``): the command line's language."""
    return _translations("nb", "click").gettext(message)


# -- numbers and dates (Babel, CLDR) ---------------------------------------------------------------

def _locale(lang: object = None) -> str:
    return "nn_NO" if (current_language() if lang is None else normalise_lang(lang)) == "nn" else "nb_NO"


def format_number(value: int | float, lang: object = None) -> str:
    """Return a number with Norwegian digit grouping: ``1234567`` → ``1 234 567`` (no-break spaces)."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=_locale(lang), group_separator=True)


def format_date(value: dt.date, pattern: str = "dd.MM.y", lang: object = None) -> str:
    """Return a date in a CLDR ``pattern`` (default ``14.03.2024``; ``"d. MMMM y"`` gives «14. mars 2024»)."""
    from babel.dates import format_date as babel_format_date

    return babel_format_date(value, pattern, locale=_locale(lang))


__all__ = ["LANGS", "Lang", "N_", "_", "click_word", "current_language", "display_value", "format_date", "format_number",
           "gettext", "language", "ngettext", "normalise_lang", "pgettext", "translate"]
