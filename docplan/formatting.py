"""How values read in a plan document: kroner, dates, years, funding lines, kommuneplan references,
opening hours and the display forms of fixed lists (statuses, cost bases …) in bokmål or nynorsk.

Used by the templates (as Jinja filters) and by the snippets docplan inserts, so a value reads the
same in a rendered plan and in a planner's own document.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING, Any

from docplan.i18n import current_language, normalise_lang, pgettext, translate
from docplan.hours import hours_ranges, parse_time_range

if TYPE_CHECKING:
    from docplan.model import Plan


def format_nok(value: Any) -> str:
    """Return an amount as Norwegian kroner: ``1234567`` → ``1 234 567 kr`` (non-breaking spaces)."""
    amount = format_amount(value)
    return amount + "\u00a0kr" if amount and amount[-1].isdigit() else amount


def format_amount(value: Any) -> str:
    """Return an amount without the unit: ``1234567`` → ``1 234 567`` (non-breaking spaces)."""
    if value is None or value == "":
        return ""
    try:
        amount = int(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{amount:,}".replace(",", "\u00a0")


def format_date(value: Any) -> str:
    """Return a date as ``dd.mm.åååå``; None becomes an empty string."""
    if value is None or value == "":
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%d.%m.%Y")
    return str(value)


def format_years(years: Any) -> str:
    """Return a list of years compactly: ``[2024, 2025, 2026]`` → ``2024–2026``, gaps as commas."""
    ys = sorted({int(y) for y in years or []})
    if not ys:
        return ""
    runs: list[list[int]] = [[ys[0]]]
    for y in ys[1:]:
        if y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


# -- display values of fixed lists -----------------------------------------------------------------

#: Nynorsk (and other) spellings of the fixed values, mapped to the bokmål value they stand for.
_SAME_AS = {
    "ikkje starta": "ikke startet", "utsett": "utsatt", "avslutta": "avsluttet", "eingongs": "engangs", "innvilga": "innvilget",
    "innanfor driftsramma": "innenfor driftsramme", "ikkje avklart": "ikke avklart", "ikkje oppgitt": "ikke oppgitt",
    "gjeldande": "gjeldende", "erstatta": "erstattet", "vedteke": "vedtatt", "vedteken": "vedtatt",
    "vedteke med endringar": "vedtatt med endringer", "vedteken med endringar": "vedtatt med endringer",
    "til handsaming": "til behandling", "ikkje handsama": "ikke behandlet", "ikkje vedteke": "ikke vedtatt",
    "ikkje vedteken": "ikke vedtatt", "brukarar": "brukere", "pårørande": "pårørende",
    "råd for personar med funksjonsnedsetjing": "råd for personer med funksjonsnedsettelse", "deltakar": "deltaker",
    "lukka selskap": "lukket selskap", "heilagdagar": "helligdager",
}


@functools.lru_cache(maxsize=4)
def _display_table(lang: str) -> dict[str, str]:
    """Return each fixed value (bokmål, lower case) as it is written in ``lang``.

    Spelt out call by call so the message extractor finds every value (context «verdi»).
    """
    return {
        # measure status
        "ikke startet": pgettext("verdi", "ikke startet", lang),
        "pågår": pgettext("verdi", "pågår", lang),
        "gjennomført": pgettext("verdi", "gjennomført", lang),
        "utsatt": pgettext("verdi", "utsatt", lang),
        "avsluttet": pgettext("verdi", "avsluttet", lang),
        # cost basis
        "per år": pgettext("verdi", "per år", lang),
        "totalt": pgettext("verdi", "totalt", lang),
        "engangs": pgettext("verdi", "engangs", lang),
        # funding status
        "innvilget": pgettext("verdi", "innvilget", lang),
        "søkt": pgettext("verdi", "søkt", lang),
        "planlagt søkt": pgettext("verdi", "planlagt søkt", lang),
        "innenfor driftsramme": pgettext("verdi", "innenfor driftsramme", lang),
        "planlagt i økonomiplan": pgettext("verdi", "planlagt i økonomiplan", lang),
        "ikke avklart": pgettext("verdi", "ikke avklart", lang),
        "ikke oppgitt": pgettext("verdi", "ikke oppgitt", lang),
        # kommuneplan status and part
        "gjeldende": pgettext("verdi", "gjeldende", lang),
        "erstattet": pgettext("verdi", "erstattet", lang),
        "under revisjon": pgettext("verdi", "under revisjon", lang),
        "samfunnsdel": pgettext("verdi", "samfunnsdel", lang),
        "handlingsdel": pgettext("verdi", "handlingsdel", lang),
        "økonomiplan": pgettext("verdi", "økonomiplan", lang),
        # adoption status
        "vedtatt": pgettext("verdi", "vedtatt", lang),
        "vedtatt med endringer": pgettext("verdi", "vedtatt med endringer", lang),
        "til behandling": pgettext("verdi", "til behandling", lang),
        "ikke behandlet": pgettext("verdi", "ikke behandlet", lang),
        "ikke vedtatt": pgettext("verdi", "ikke vedtatt", lang),
        "under arbeid": pgettext("verdi", "under arbeid", lang),
        # participation
        "brukere": pgettext("verdi", "brukere", lang),
        "pårørende": pgettext("verdi", "pårørende", lang),
        "frivillige": pgettext("verdi", "frivillige", lang),
        "ungdomsråd": pgettext("verdi", "ungdomsråd", lang),
        "eldreråd": pgettext("verdi", "eldreråd", lang),
        "råd for personer med funksjonsnedsettelse": pgettext("verdi", "råd for personer med funksjonsnedsettelse",
                                                               lang),
        "andre": pgettext("verdi", "andre", lang),
        # measure scope, municipality role
        "felles": pgettext("verdi", "felles", lang),
        "lokal": pgettext("verdi", "lokal", lang),
        "vertskommune": pgettext("verdi", "vertskommune", lang),
        "deltaker": pgettext("verdi", "deltaker", lang),
        # day types and places of opening hours
        "fredag_lørdag": pgettext("verdi", "fredag og lørdag", lang),
        "lukket selskap": pgettext("verdi", "lukket selskap", lang),
        "helligdager": pgettext("verdi", "helligdager", lang),
        "uteservering": pgettext("verdi", "uteservering", lang),
        "17_mai": pgettext("verdi", "17. mai", lang),
        "stengt": pgettext("verdi", "stengt", lang),
    }


def _lang(lang: str | None) -> str:
    """Return «nb» or «nn»: ``lang``, or the målform of the code running now when None."""
    return current_language() if lang is None else normalise_lang(lang)


def display_value(value: Any, lang: str | None = None) -> str:
    """Return a value of a fixed list (status, cost basis, funding status, KP status …) as written in ``lang``.

    Both målformer's spellings are understood («ikkje starta» reads «ikke startet» in bokmål); any other text
    is returned as it is, and None as an empty string.
    """
    if value is None:
        return ""
    text = str(value)
    key = " ".join(text.split()).casefold()
    table = _display_table(_lang(lang))
    shown = table.get(_SAME_AS.get(key, key))
    return shown if shown is not None else text


def canonical_value(value: str | None) -> str | None:
    """Return the bokmål form of a fixed value in either målform («innvilga» → «innvilget»); others unchanged."""
    if value is None:
        return None
    key = " ".join(str(value).split()).casefold()
    return _SAME_AS.get(key, key)


def is_adopted(status: str | None) -> bool:
    """Return whether an adoption status says the council adopted the plan (either målform)."""
    key = " ".join((status or "").split()).casefold()
    return _SAME_AS.get(key, key) in ("vedtatt", "vedtatt med endringer")


# -- opening hours ----------------------------------------------------------------------------------

def hours_label(label: str, lang: str | None = None) -> str:
    """Return a day type or place of an hours mapping as the reader reads it: «fredag_lørdag» → «fredag og lørdag»."""
    key = label.strip().casefold()
    table = _display_table(_lang(lang))
    if key in table:
        return table[key]
    spaced = key.replace("_", " ")
    return table.get(_SAME_AS.get(spaced, spaced), label.replace("_", " "))


def format_range(text: str, lang: str | None = None) -> str:
    """Return one range as ``08.00–20.00`` (or «stengt»); text that is no range is returned unchanged."""
    try:
        rng = parse_time_range(text)
    except ValueError:
        return str(text)
    return display_value("stengt", lang) if rng is None else str(rng)


def format_hours(hours: Any, lang: str | None = None) -> str:
    """Return opening hours for a document: one range, or one line per day type or place (default first)."""
    pairs = hours_ranges(hours)
    lines = []
    for label, text in sorted(pairs, key=lambda p: p[0] not in (None, "default")):
        shown = format_range(text, lang)
        lines.append(shown if label in (None, "default") else f"{hours_label(label, lang)}: {shown}")
    return "\n".join(lines)


def _hours_lines(label: str, hours: Any, lang: str | None) -> list[str]:
    """Return «label: range» for the default range and «label, day type: range» for the others."""
    out = []
    for day, text in sorted(hours_ranges(hours), key=lambda p: p[0] not in (None, "default")):
        shown = format_range(text, lang)
        out.append(f"{label}: {shown}" if day in (None, "default") else f"{label}, {hours_label(day, lang)}: {shown}")
    return out


def alcohol_cell(policy: Any, what: str, lang: str | None = None) -> str:
    """Return one cell of the alcohol policy table for a municipality's `AlcoholPolicy` (or None).

    ``what``: ``sales_hours``, ``serving_hours``, ``outlets`` or ``controls_per_year``; lines are separated
    by newlines (line breaks in the document). What the policy lacks reads «ikke oppgitt».
    """
    missing = display_value("ikke oppgitt", lang)
    if policy is None:
        return missing
    lines: list[str] = []
    if what == "sales_hours" and policy.sales_hours is not None:
        lines += _hours_lines(translate("Hverdager", lang), policy.sales_hours.weekdays, lang)
        lines += _hours_lines(translate("Før søn- og helligdager", lang), policy.sales_hours.before_holidays, lang)
    elif what == "serving_hours" and policy.serving_hours is not None:
        lines += _hours_lines(translate("Gruppe 1 og 2", lang), policy.serving_hours.group_1_2, lang)
        lines += _hours_lines(translate("Gruppe 3", lang), policy.serving_hours.group_3, lang)
    elif what == "outlets" and policy.outlets is not None:
        o = policy.outlets
        for label, count, most in ((translate("Salg", lang), o.sales, o.max_sales),
                                   (translate("Skjenking", lang), o.serving, o.max_serving)):
            if count is None and most is None:
                continue
            line = f"{label}: {count if count is not None else missing}"
            if most is not None:
                line += " (" + translate("høyst {n}", lang).format(n=most) + ")"
            lines.append(line)
    elif what == "controls_per_year" and policy.controls_per_year is not None:
        lines.append(str(policy.controls_per_year))
    return "\n".join(lines) or missing


# -- funding and kommuneplan references ------------------------------------------------------------

def format_funding(funding: Any, lang: str | None = None, plan: Plan | None = None) -> str:
    """Return funding lines as «source: amount (status, jf. budget item)» joined by semicolons."""
    parts = []
    for line in funding or []:
        text = line.source
        if line.amount_nok is not None:
            text += f": {format_nok(line.amount_nok)}"
        notes = [display_value(line.status, lang)] if line.status else []
        if line.budget_ref:
            ref = kp_label(plan, line.budget_ref) if plan is not None and plan.resolve_kp_ref(line.budget_ref) \
                else line.budget_ref
            notes.append(f"jf. {ref}")
        if notes:
            text += f" ({', '.join(notes)})"
        parts.append(text)
    return "; ".join(parts)


def format_with_year(value: Any, year: Any = None) -> str:
    """Return ``14 % (2024)``, or just the value when the year is unknown."""
    if value is None or value == "":
        return ""
    return f"{value} ({year})" if year else str(value)


def _part_phrase(part: str, lang: str) -> str:
    if part == "samfunnsdel":
        return translate("kommuneplanens samfunnsdel", lang)
    if part == "handlingsdel":
        return translate("kommuneplanens handlingsdel", lang)
    if part == "økonomiplan":
        return translate("økonomiplanen", lang)
    return part


def kp_short_text(plan: Plan, ref: str, lang: str = "nb") -> str:
    """Return the inline short form of a KP reference, e.g. «jf. kommuneplanens samfunnsdel (Tynset), KP-3.2 …»."""
    resolved = plan.resolve_kp_ref(ref)
    if resolved is None:
        return translate("{ref} (finnes ikke i kommuneplanen)", lang).format(ref=ref)
    owner = _part_phrase(resolved.master_plan.part, lang)
    where = f" ({resolved.municipality.name})" if len(plan.municipalities) > 1 else ""
    return f"jf. {owner}{where}, {resolved.item.id} {resolved.item.title}"


def kp_label(plan: Plan, ref: str) -> str:
    """Return the short label of a KP reference for a table cell: «Tynset KP-3.2» (just «KP-3.2» in a plan for
    one municipality)."""
    resolved = plan.resolve_kp_ref(ref) if plan is not None else None
    if resolved is None:
        return str(ref)
    if len(plan.municipalities) > 1:
        return f"{resolved.municipality.name} {resolved.item.id}"
    return resolved.item.id
