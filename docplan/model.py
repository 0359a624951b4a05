"""The plan data model: a *rusmiddelpolitisk handlingsplan* as data, without any I/O.

Identifiers are English; the Norwegian term is named once in each docstring. Field names follow
the YAML keys of the example dataset (``shared/domain/osterdalen-example.yaml``).

Structural validation (types, required fields, allowed values) is pydantic's job and reports every
problem at once. Cross references (duplicate ids, unknown goal ids, unknown kommunenummer) are
checked by `reference_problems`, which returns every problem with its data path, so loaders can
attach file/line or sheet/cell locations.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal, Optional

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from docplan.municipalities import lookup_municipality

MEASURE_STATUSES = ("ikke startet", "pågår", "gjennomført", "utsatt", "ikkje starta", "utsett")
FUNDING_STATUSES = (
    "innvilget", "søkt", "planlagt søkt", "innenfor driftsramme", "planlagt i økonomiplan", "ikke avklart",
    "innvilga", "innanfor driftsramma", "ikkje avklart",
)
COST_BASES = ("per år", "totalt", "engangs", "eingongs")
SCOPES = ("felles", "lokal")
KP_PARTS = ("samfunnsdel", "handlingsdel", "økonomiplan")

_KP_REF = re.compile(r"^(?:(?P<municipality>\d{4}):)?(?P<item>[^:\s][^:]*)$")

#: A data path, as pydantic gives it: ("measures", 3, "goal_ids", 0).
DataPath = tuple

#: Longest text one field may hold. Longer texts are refused when the data is read, not when a
#: template meets them.
MAX_TEXT_CHARS = 100_000

# Characters XML 1.0 (and so Word) cannot hold: C0 controls other than tab and line breaks, lone
# surrogates (JSON's "\ud800"), U+FFFE and U+FFFF.
_FORBIDDEN_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


_CONTROL_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "BS", 0x0B: "VT", 0x0C: "FF", 0x1B: "ESC"}


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", "\u00a0")


def check_text(value):
    """Return a text unchanged, or raise ValueError (Norwegian) if no document can hold it.

    Runs before whitespace is stripped, so a control character at either end is reported rather
    than silently removed.
    """
    if not isinstance(value, str):
        return value
    if len(value) > MAX_TEXT_CHARS:
        raise ValueError(f"teksten er for lang ({_thousands(len(value))} tegn); største tillatte lengde er "
                         f"{_thousands(MAX_TEXT_CHARS)} tegn")
    bad = _FORBIDDEN_CHARS.search(value)
    if bad:
        code = ord(bad[0])
        if code < 0x20:
            name = _CONTROL_NAMES.get(code)
            what = f"kontrolltegnet U+{code:04X}" + (f" ({name})" if name else "")
        elif 0xD800 <= code <= 0xDFFF:
            what = f"en ugyldig tegnkode (U+{code:04X}, halvt surrogatpar)"
        else:
            what = f"tegnet U+{code:04X}, som ikke er et gyldig tegn,"
        raise ValueError(f"teksten inneholder {what} på plass {bad.start() + 1}; et Word-dokument kan ikke "
                         "inneholde det, så fjern det")
    return value


#: A text field: any string a Word document can hold, at most `MAX_TEXT_CHARS` long.
Text = Annotated[str, BeforeValidator(check_text)]


def check_municipality_number(value):
    """Return a kommunenummer as four-digit text, or raise ValueError (Norwegian).

    A number is accepted only when it already has four digits: 301 may be 0301 that lost its
    leading zero, so the planner is asked to write it as text rather than have it guessed.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        if 1000 <= value <= 9999:
            return str(value)
        if 0 < value < 1000:
            raise ValueError(f"kommunenummer må ha fire sifre; {value} er et tall uten nullene foran – skriv "
                             f"kommunenummeret som tekst, for eksempel \"{value:04d}\"")
    if not isinstance(value, str):
        raise ValueError("kommunenummer må ha fire sifre, skrevet som tekst, for eksempel \"3427\"")
    check_text(value)
    if not re.fullmatch(r"[0-9]{4}", value.strip()):
        raise ValueError("kommunenummer må ha fire sifre, for eksempel \"3427\"")
    return value.strip()


#: A kommunenummer: four digits as text ("0301").
MunicipalityNumber = Annotated[str, BeforeValidator(check_municipality_number)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=False)


class Meta(_Model):
    """Facts about the data file itself."""

    fictional: bool = False
    disclaimer: Optional[Text] = None
    schema_version: int = 1
    language: Literal["nb", "nn"] = "nb"


class Period(_Model):
    """Plan period (*planperiode*), whole years."""

    start_year: int = Field(ge=1990, le=2100)
    end_year: int = Field(ge=1990, le=2100)

    @field_validator("end_year")
    @classmethod
    def _end_after_start(cls, v: int, info) -> int:
        start = info.data.get("start_year")
        if start is not None and v < start:
            raise ValueError(f"sluttåret ({v}) kan ikke være før startåret ({start})")
        return v

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)

    def __str__(self) -> str:
        return f"{self.start_year}–{self.end_year}"


class FollowUp(_Model):
    """How the plan is followed up: *rullering*, *rapportering*, *evaluering*."""

    annual_rollover: Optional[Text] = None
    reporting: Optional[Text] = None
    evaluation: Optional[Text] = None
    next_full_revision: Optional[int] = None


class OutlineEntry(_Model):
    """One chapter of the plan document as the planners numbered it."""

    number: Text
    title: Text


class PlanInfo(_Model):
    """The plan's own facts: title, period, vision, legal basis (the ``plan:`` section)."""

    id: Text
    title: Text
    subtitle: Optional[Text] = None
    plan_type: Optional[Text] = None
    county: Optional[Text] = None
    period: Period
    council_term: Optional[Text] = None
    licence_period_end: Optional[dt.date] = None
    host_municipality: Optional[MunicipalityNumber] = None
    coordination: Optional[Text] = None
    vision: Optional[Text] = None
    adopted: Optional[dt.date] = None
    case_no: Optional[Text] = None
    budget_total_nok: Optional[int] = Field(default=None, ge=0)
    legal_basis: list[Text] = Field(default_factory=list)
    follow_up: FollowUp = Field(default_factory=FollowUp)
    document_outline: list[OutlineEntry] = Field(default_factory=list)


class Adoption(_Model):
    """A council's decision adopting the plan (*vedtak*)."""

    body: Optional[Text] = "kommunestyret"
    date: Optional[dt.date] = None
    case_no: Optional[Text] = None
    status: Optional[Text] = None


class KpItem(_Model):
    """One item of a kommuneplan (goal, strategy or measure), e.g. ``KP-3.2`` or ``3.2.1``.

    ``numbered`` is false for an item the document does not number (its id was made by ``docplan kp
    import`` from its parent and place); ``number`` is the number the document shows («3.2», «III»), and
    ``label`` the word in front of it («Samfunnsmål», «Kapittel»). ``kind``: *satsingsområde*, *mål* or
    *strategi*.
    """

    id: Text
    title: Text
    text: Optional[Text] = None
    numbered: bool = True
    number: Optional[Text] = None
    label: Optional[Text] = None
    kind: Optional[Literal["satsingsområde", "mål", "strategi"]] = None


class MasterPlan(_Model):
    """A part of the municipality's master plan: *kommuneplanens samfunnsdel* or *handlingsdel*."""

    plan_name: Text
    part: Literal["samfunnsdel", "handlingsdel", "økonomiplan"] = "samfunnsdel"
    adopted: Optional[dt.date] = None
    version: Optional[Text] = None
    status: Literal["gjeldende", "erstattet", "under revisjon", "gjeldande"] = "gjeldende"
    replaced_by: Optional[Text] = None
    items: list[KpItem] = Field(default_factory=list)

    @property
    def is_current(self) -> bool:
        return self.status in ("gjeldende", "gjeldande", "under revisjon")


class Municipality(_Model):
    """A municipality (*kommune*) taking part in the plan, with its own kommuneplan catalogue."""

    number: Text
    name: Text
    role: Optional[Text] = None
    adoption: Adoption = Field(default_factory=lambda: Adoption(body=None))
    local_contact_role: Optional[Text] = None
    #: Written standard for this municipality's own edition (batch: nynorsk municipalities get the nn
    #: template); None means the plan's language (``meta.language``).
    language: Optional[Literal["nb", "nn"]] = None
    master_plans: list[MasterPlan] = Field(default_factory=list)

    @field_validator("adoption", mode="before")
    @classmethod
    def _no_adoption_yet(cls, v):
        return {"body": None} if v is None else v

    @field_validator("number", mode="before")
    @classmethod
    def _four_digits(cls, v):
        return check_municipality_number(v)


class Indicator(_Model):
    """How progress towards a goal is measured (*indikator*)."""

    name: Text
    source: Optional[Text] = None
    baseline: Optional[Text] = None
    baseline_year: Optional[int] = None
    target: Optional[Text] = None
    target_year: Optional[int] = None

    @field_validator("baseline", "target", mode="before")
    @classmethod
    def _number_as_text(cls, v):
        return str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v


class _GoalFields(_Model):
    """What main goals and sub-goals share: id, title, text, indicator and kommuneplan references."""

    id: Text
    title: Text
    text: Optional[Text] = None
    indicator: Optional[Indicator] = None
    kp_refs: list[Text] = Field(default_factory=list)


class SubGoal(_GoalFields):
    """A sub-goal (*delmål*) under a main goal; measures point at these."""


class Goal(_GoalFields):
    """A main goal (*hovedmål*) with its sub-goals (*delmål*)."""

    sub_goals: list[SubGoal] = Field(default_factory=list)


class Funding(_Model):
    """One funding line of a measure (*finansiering*): source, amount and status."""

    source: Text
    amount_nok: Optional[int] = Field(default=None, ge=0)
    status: Optional[Literal[FUNDING_STATUSES]] = None  # type: ignore[valid-type]
    budget_ref: Optional[Text] = None


class Measure(_Model):
    """A measure (*tiltak*): the row of the measures table."""

    id: Text
    title: Text
    text: Optional[Text] = None
    scope: Literal["felles", "lokal"] = "felles"
    municipalities: list[MunicipalityNumber] = Field(default_factory=list)
    goal_ids: list[Text] = Field(default_factory=list)
    target_group: Optional[Text] = None
    responsible: Optional[Text] = None
    partners: list[Text] = Field(default_factory=list)
    years: list[int] = Field(default_factory=list)
    deadline: Optional[dt.date] = None
    cost_nok: Optional[int] = Field(default=None, ge=0)
    cost_basis: Optional[Literal[COST_BASES]] = None  # type: ignore[valid-type]
    funding: list[Funding] = Field(default_factory=list)
    status: Optional[Literal[MEASURE_STATUSES]] = None  # type: ignore[valid-type]
    indicator: Optional[Text] = None
    kp_refs: list[Text] = Field(default_factory=list)

    @field_validator("years")
    @classmethod
    def _plausible_years(cls, v: list[int]) -> list[int]:
        for y in v:
            if not 1990 <= y <= 2100:
                raise ValueError(f"året {y} er ikke et gyldig årstall")
        return v

    @property
    def funded_nok(self) -> int:
        return sum(f.amount_nok or 0 for f in self.funding)


class KnownIssue(_Model):
    """A deliberate gap recorded in example data (``example_known_issues``)."""

    code: Text
    refs: list[Text] = Field(default_factory=list)
    description: Optional[Text] = None


class KpRef(BaseModel):
    """A parsed kommuneplan reference ``"3427:KP-3.2"`` (municipality may be implicit)."""

    model_config = ConfigDict(frozen=True)

    municipality: Optional[str]
    item_id: str

    @classmethod
    def parse(cls, text: str) -> "KpRef":
        m = _KP_REF.match(text.strip()) if isinstance(text, str) else None
        if not m:
            raise ValueError(
                f"«{text}» er ikke en gyldig kommuneplanreferanse; bruk «kommunenummer:punkt», f.eks. «3427:KP-3.2»"
            )
        return cls(municipality=m["municipality"], item_id=m["item"].strip())

    def __str__(self) -> str:
        return f"{self.municipality}:{self.item_id}" if self.municipality else self.item_id


class ResolvedKpRef(BaseModel):
    """A KP reference joined with the catalogue: the item, its plan and its municipality."""

    model_config = ConfigDict(frozen=True)

    ref: str
    municipality: Municipality
    master_plan: MasterPlan
    item: KpItem


class Plan(_Model):
    """A whole plan dataset: one municipality's plan or an intermunicipal plan for several."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=True)

    meta: Meta = Field(default_factory=Meta)
    info: PlanInfo = Field(alias="plan")
    municipalities: list[Municipality] = Field(min_length=1)
    goals: list[Goal] = Field(default_factory=list)
    measures: list[Measure] = Field(default_factory=list)
    known_issues: list[KnownIssue] = Field(default_factory=list, alias="example_known_issues")

    # -- lookups -------------------------------------------------------------------------------
    @property
    def language(self) -> str:
        return self.meta.language

    def all_goals(self) -> list[Goal | SubGoal]:
        """Return main goals and sub-goals in document order."""
        out: list[Goal | SubGoal] = []
        for g in self.goals:
            out.append(g)
            out.extend(g.sub_goals)
        return out

    def goal(self, goal_id: str) -> Goal | SubGoal | None:
        return next((g for g in self.all_goals() if g.id == goal_id), None)

    def municipality(self, number: str) -> Municipality | None:
        return next((m for m in self.municipalities if m.number == number), None)

    def measures_for(self, number: str) -> list[Measure]:
        """Return the measures that apply in one municipality: common ones plus its local ones."""
        return [m for m in self.measures if m.scope == "felles" or number in m.municipalities]

    def resolve_kp_ref(self, ref: str) -> ResolvedKpRef | None:
        """Return the catalogue item a reference points at, or None when it does not exist."""
        try:
            parsed = KpRef.parse(ref)
        except ValueError:
            return None
        number = parsed.municipality
        if number is None and len(self.municipalities) == 1:
            number = self.municipalities[0].number
        muni = self.municipality(number) if number else None
        if muni is None:
            return None
        # A current master plan wins over a replaced one that reuses the same item id.
        for mp in sorted(muni.master_plans, key=lambda p: not p.is_current):
            for item in mp.items:
                if item.id == parsed.item_id:
                    return ResolvedKpRef(ref=ref, municipality=muni, master_plan=mp, item=item)
        return None

    def total_cost_nok(self) -> int:
        return sum(m.cost_nok or 0 for m in self.measures)


def _dupes(ids: list[tuple[DataPath, str]], what: str) -> list[tuple[DataPath, str]]:
    seen: dict[str, DataPath] = {}
    out = []
    for path, ident in ids:
        if ident in seen:
            out.append((path, f"{what} «{ident}» finnes fra før; hver id må være unik"))
        else:
            seen[ident] = path
    return out


def reference_problems(plan: Plan) -> list[tuple[DataPath, str]]:
    """Return every cross-reference problem as (data path, Norwegian message), in data order."""
    problems: list[tuple[DataPath, str]] = []
    numbers = {m.number for m in plan.municipalities if m is not None}

    problems += _dupes([(("municipalities", i, "number"), m.number) for i, m in enumerate(plan.municipalities)
                        if m is not None], "Kommunenummer")
    for i, m in enumerate(plan.municipalities):
        if m is None:
            continue
        info = lookup_municipality(m.number)
        if info is None:
            problems.append((("municipalities", i, "number"),
                             f"kommunenummer {m.number} finnes ikke i kommunelisten for 2024"))
        elif not _name_matches(m.name, info.name):
            problems.append((("municipalities", i, "name"),
                             f"navnet «{m.name}» passer ikke med kommunenummer {m.number} ({info.name})"))
        for j, mp in enumerate(m.master_plans):
            problems += _dupes([(("municipalities", i, "master_plans", j, "items", k, "id"), it.id)
                                for k, it in enumerate(mp.items)], f"Kommuneplanpunkt i «{mp.plan_name}»:")
    if plan.info is not None and plan.info.host_municipality and plan.info.host_municipality not in numbers:
        problems.append((("plan", "host_municipality"),
                         f"vertskommunen {plan.info.host_municipality} er ikke med i listen over kommuner"))

    goals = [(i, g) for i, g in enumerate(plan.goals) if g is not None]
    measures = [(i, m) for i, m in enumerate(plan.measures) if m is not None]
    goal_ids = [(("goals", i, "id"), g.id) for i, g in goals]
    goal_ids += [(("goals", i, "sub_goals", j, "id"), s.id) for i, g in goals for j, s in enumerate(g.sub_goals)]
    problems += _dupes(goal_ids, "Mål-id")
    problems += _dupes([(("measures", i, "id"), m.id) for i, m in measures], "Tiltak-id")
    known_goals = {ident for _, ident in goal_ids}

    def check_refs(path: DataPath, refs: list[str]) -> None:
        for k, ref in enumerate(refs):
            try:
                parsed = KpRef.parse(ref)
            except ValueError as exc:
                problems.append(((*path, k), str(exc)))
                continue
            if parsed.municipality is None and len(numbers) > 1:
                problems.append(((*path, k), f"kommuneplanreferansen «{ref}» må ha kommunenummer foran, "
                                             f"f.eks. «{sorted(numbers)[0]}:{ref}», når planen gjelder flere kommuner"))
            elif parsed.municipality is not None and parsed.municipality not in numbers:
                problems.append(((*path, k), f"kommuneplanreferansen «{ref}» gjelder kommune {parsed.municipality}, "
                                             "som ikke er med i planen"))

    for i, g in goals:
        check_refs(("goals", i, "kp_refs"), g.kp_refs)
        for j, s in enumerate(g.sub_goals):
            check_refs(("goals", i, "sub_goals", j, "kp_refs"), s.kp_refs)
    for i, m in measures:
        for k, gid in enumerate(m.goal_ids):
            if gid not in known_goals:
                problems.append((("measures", i, "goal_ids", k),
                                 f"tiltak {m.id} viser til målet «{gid}», som ikke finnes i planen"))
        for k, number in enumerate(m.municipalities):
            if number not in numbers:
                problems.append((("measures", i, "municipalities", k),
                                 f"tiltak {m.id} gjelder kommune «{number}», som ikke er med i planen"))
        if m.scope == "lokal" and not m.municipalities:
            problems.append((("measures", i, "scope"),
                             f"tiltak {m.id} er lokalt, men det står ikke hvilke kommuner det gjelder (municipalities)"))
        check_refs(("measures", i, "kp_refs"), m.kp_refs)
    return problems


def _name_matches(given: str, official: str) -> bool:
    norm = lambda s: re.sub(r"\s+", " ", s).strip().casefold()  # noqa: E731
    parts = {norm(p) for p in official.split(" - ")} | {norm(official)}
    return norm(given) in parts
