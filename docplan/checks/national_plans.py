"""Rules on national guidance the plan leans on: references to national plans that have ended."""

from __future__ import annotations

import re
from typing import Iterator

from docplan.checks import Severity, rule
from docplan.i18n import _

_YEARS = r"\(?\s*((?:19|20)\d\d)\s*[–-]\s*((?:19|20)\d\d)\s*\)?"
#: A national plan named with its period: «Opptrappingsplanen for rusfeltet (2016–2020)», «Nasjonal strategi
#: for … 2014–2020», «Regjeringens handlingsplan … (2019–2021)».
_WITH_PERIOD = re.compile(
    r"(?P<name>(?:opptrappingsplan(?:en)?|nasjonale?\s+(?:\w+\s+){0,2}?(?:strategi(?:en)?|handlingsplan(?:en)?)|"
    r"regjeringens\s+(?:\w+\s+){0,2}?(?:strategi|handlingsplan|plan)(?:en)?)\b[^.;:()\n]{0,80}?)\s*" + _YEARS,
    re.IGNORECASE)
#: National plans often named without their period, with the year they ended.
_KNOWN = (
    (re.compile(r"opptrappingsplan(?:en)?\s+for\s+rusfeltet(?!\s*\(?\s*(?:19|20)\d\d)", re.IGNORECASE),
     "Opptrappingsplanen for rusfeltet (2016–2020)", 2020),
    (re.compile(r"«?mestre\s+hele\s+livet»?", re.IGNORECASE),
     "Mestre hele livet – regjeringens strategi for god psykisk helse (2017–2022)", 2022),
    (re.compile(r"«?bolig\s+for\s+velferd»?", re.IGNORECASE),
     "Bolig for velferd – nasjonal strategi for boligsosialt arbeid (2014–2020)", 2020),
)
_WORDS = ("opptrappingsplan", "strategi", "handlingsplan", "mestre hele livet", "bolig for velferd")


def ended_plans(text: str, year: int) -> list[tuple[str, int]]:
    """Return (name, last year) of each national plan ``text`` refers to that ended before ``year``."""
    found: list[tuple[str, int]] = []
    for m in _WITH_PERIOD.finditer(text):
        start, end = int(m.group(2)), int(m.group(3))
        if start <= end < year:
            found.append((" ".join(m.group(0).split()), end))
    for pattern, name, end in _KNOWN:
        if end < year and pattern.search(text) and not any(n.casefold().startswith(name[:20].casefold())
                                                            for n, _end in found):
            found.append((name, end))
    return found


def _data_texts(value, path: tuple) -> Iterator[tuple[tuple, str]]:
    """Yield (data path, text) for every text in the plan data (field names as in the data file)."""
    from pydantic import BaseModel  # only with plan data, when pydantic is loaded already

    if isinstance(value, str):
        yield path, value
    elif isinstance(value, BaseModel):
        for name, info in type(value).model_fields.items():
            if name in ("known_issues", "meta"):
                continue
            yield from _data_texts(getattr(value, name), (*path, info.alias or name))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _data_texts(item, (*path, i))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _data_texts(item, (*path, key))


@rule("structure.ended_national_plan", Severity.WARNING, "Henvisning til en nasjonal plan som er avsluttet",
      known_issue="ended_national_plan")
def ended_national_plan(ctx):
    year = ctx.today.year
    if ctx.doc is not None:
        places = [(ctx.doc.location(p.index), p.text) for p in ctx.doc.paragraphs_containing(*_WORDS)]
    elif ctx.plan is not None:
        places = [(ctx.data_location(path), text) for path, text in _data_texts(ctx.plan, ())
                  if any(w in text.casefold() for w in _WORDS)]
    else:
        return
    for location, text in places:
        for name, end in ended_plans(text, year):
            yield ended_national_plan.rule.finding(
                _("Teksten viser til «{name}», som gjaldt til {end} og er avsluttet.").format(name=name, end=end),
                _("Vis til gjeldende nasjonale føringer, for eksempel Opptrappingsplan for psykisk helse "
                  "(2023–2033), eller skriv tydelig at planen nevnes som bakgrunn."),
                location=location, subject=name)
