"""Rules on who is responsible for a measure: a role or unit, never a named person (staff change)."""

from __future__ import annotations

import re

from docplan.checks import Severity, rule
from docplan.i18n import _

_NAME = re.compile(r"^[A-ZÆØÅ][a-zæøåäöüéèáàóò]+(?:-[A-ZÆØÅ][a-zæøåäöüéèáàóò]+)?$")
#: Parts of words that make a capitalised word a role or a unit rather than a name.
_ROLE_PARTS = ("leder", "leiar", "sjef", "konsulent", "koordinator", "rådgiver", "rådgjevar", "pleier", "pleiar",
               "psykolog", "lege", "direktør", "ordfører", "rektor", "styrer", "sekretær", "kontakt", "ansvarl",
               "medarbeider", "medarbeidar", "ansatt", "tilsett", "arbeider", "arbeidar", "terapeut", "pedagog",
               "assistent", "representant", "veileder", "rettleiar", "kurator", "prest", "betjent", "politi",
               "tjeneste", "teneste", "kommune", "enhet", "eining", "avdeling", "kontor", "sentral", "senter",
               "forum", "skole", "skule", "råd", "lag", "forening", "foreining", "organisasjon", "direktorat",
               "forvalter", "forvaltar", "departement", "sykehus", "sjukehus", "klinikk", "stasjon", "barnevern",
               "helse", "hus", "klubb", "gruppe", "gruppa", "team", "nettverk", "næring", "bedrift", "menighet",
               "kyrkje", "kirke", "fylke", "region", "korus", "nav", "vertskommun", "bibliotek", "kultur")


_ROLE_PART = re.compile("|".join(map(re.escape, _ROLE_PARTS)))


def _is_name_word(word: str) -> bool:
    return bool(_NAME.match(word)) and not _ROLE_PART.search(word.casefold())


def named_person(text: str | None) -> str | None:
    """Return the person's name in a «responsible» text («Per Hansen», «Rusforum v/ Kari Nordmann»), or None
    when it names a role or unit («Leder NAV Åmot», «Rektor, Rendalen skole»)."""
    if not text:
        return None
    run: list[str] = []
    for word in re.findall(r"[^\s,;:()/]+|[,;:()/]", text) + [","]:
        if _is_name_word(word):
            run.append(word)
            continue
        if 2 <= len(run) <= 4:
            return " ".join(run)
        run = []
    return None


@rule("measures.responsible_is_person", Severity.WARNING, "Ansvarlig er en navngitt person, ikke en rolle",
      known_issue="responsible_is_person")
def responsible_is_person(ctx):
    for m in ctx.measures:
        name = named_person(m.responsible)
        if name:
            yield responsible_is_person.rule.finding(
                _("Tiltak {id} har en navngitt person som ansvarlig («{name}»).").format(id=m.id, name=name),
                _("Før opp rollen eller enheten personen har (f.eks. «Ruskonsulent, NAV»), så ansvaret består når "
                  "noen slutter."), location=m.location, subject=m.id)
