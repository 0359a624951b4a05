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
from typing import Annotated, Literal, Optional, Union

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag,
                      field_validator, model_validator)

from docplan.formatting import canonical_value
from docplan.hours import CLOSED_WORDS, TimeRange, check_hours_text, hours_ranges, parse_time_range  # noqa: F401
from docplan.municipalities import lookup_municipality
from docplan.i18n import N_, _

MEASURE_STATUSES = ("ikke startet", "pågår", "gjennomført", "utsatt", "avsluttet", "ikkje starta", "utsett", "avslutta")
#: Statuses after which a measure is no longer worked on: rolled to the next year as closed.
FINISHED_STATUSES = ("gjennomført", "avsluttet", "avslutta")
FUNDING_STATUSES = (
    "innvilget", "søkt", "planlagt søkt", "innenfor driftsramme", "planlagt i økonomiplan", "ikke avklart",
    "innvilga", "innanfor driftsramma", "ikkje avklart",
)
COST_BASES = ("per år", "totalt", "engangs", "eingongs")
#: Cost bases counted once for each year of the measure in the plan period.
PER_YEAR_BASES = ("per år",)
#: Cost bases counted once, in the first year of the measure.
ONE_OFF_BASES = ("engangs", "eingongs")
#: Groups whose participation in the planning is recorded (*medvirkning*), bokmål and nynorsk forms.
PARTICIPANT_GROUPS = (
    "brukere", "pårørende", "frivillige", "ungdomsråd", "eldreråd", "råd for personer med funksjonsnedsettelse",
    "andre", "brukarar", "pårørande", "råd for personar med funksjonsnedsetjing",
)
#: The groups that count as user participation (*brukermedvirkning*).
USER_GROUPS = ("brukere", "brukarar")
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
        raise ValueError(_("teksten er for lang ({length} tegn); største tillatte lengde er {limit} tegn").format(
                             length=_thousands(len(value)), limit=_thousands(MAX_TEXT_CHARS)))
    bad = _FORBIDDEN_CHARS.search(value)
    if bad:
        code = ord(bad[0])
        if code < 0x20:
            name = _CONTROL_NAMES.get(code)
            if name:
                message = _("teksten inneholder kontrolltegnet U+{code:04X} ({name}) på plass {position}; et "
                            "Word-dokument kan ikke inneholde det, så fjern det")
            else:
                message = _("teksten inneholder kontrolltegnet U+{code:04X} på plass {position}; et Word-dokument "
                            "kan ikke inneholde det, så fjern det")
        elif 0xD800 <= code <= 0xDFFF:
            message = _("teksten inneholder en ugyldig tegnkode (U+{code:04X}, halvt surrogatpar) på plass "
                        "{position}; et Word-dokument kan ikke inneholde det, så fjern det")
        else:
            message = _("teksten inneholder tegnet U+{code:04X}, som ikke er et gyldig tegn, på plass {position}; et "
                        "Word-dokument kan ikke inneholde det, så fjern det")
        raise ValueError(message.format(code=code, name=_CONTROL_NAMES.get(code), position=bad.start() + 1))
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
            raise ValueError(_("kommunenummer må ha fire sifre; {value} er et tall uten nullene foran – skriv "
                               'kommunenummeret som tekst, for eksempel "{value:04d}"').format(value=value))
    if not isinstance(value, str):
        raise ValueError(_('kommunenummer må ha fire sifre, skrevet som tekst, for eksempel "3427"'))
    check_text(value)
    if not re.fullmatch(r"[0-9]{4}", value.strip()):
        raise ValueError(_('kommunenummer må ha fire sifre, for eksempel "3427"'))
    return value.strip()


#: A kommunenummer: four digits as text ("0301").
MunicipalityNumber = Annotated[str, BeforeValidator(check_municipality_number)]


# -- opening hours (alkoholloven §§ 3-7 and 4-4) ---------------------------------------------------

def _check_hours_map(value: dict) -> dict:
    if not value:
        raise ValueError(_("gruppen med tider er tom; skriv ett tidsrom, eller ett per dag eller sted"))
    return value


_HoursText = Annotated[str, BeforeValidator(check_text), AfterValidator(check_hours_text)]


def _hours_kind(value) -> str | None:
    if isinstance(value, str):
        return "hours-range"
    if isinstance(value, dict):
        return "hours-by-day"
    return None


#: Opening hours: one range (``"08:00-20:00"``), or ranges by day type or place
#: (``{default: "10:00-01:00", fredag_lørdag: "10:00-02:00", uteservering: "12:00-24:00"}``).
Hours = Annotated[
    Union[Annotated[_HoursText, Tag("hours-range")],
          Annotated[dict[Annotated[str, BeforeValidator(check_text)], _HoursText], AfterValidator(_check_hours_map),
                    Tag("hours-by-day")]],
    Discriminator(_hours_kind, custom_error_type="hours_type",
                  custom_error_message="must be a range or a mapping of ranges"),
]
#: The tags of `Hours` that appear in validation error paths (they are not data keys).
HOURS_TAGS = ("hours-range", "hours-by-day")


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
            raise ValueError(_("sluttåret ({end}) kan ikke være før startåret ({start})").format(end=v, start=start))
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
    national_guidance: list[Text] = Field(default_factory=list)
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


class SalesHours(_Model):
    """Retail hours for group 1 (*salgstider*, alkoholloven § 3-7)."""

    weekdays: Optional[Hours] = None
    before_holidays: Optional[Hours] = None


class ServingHours(_Model):
    """Serving hours (*skjenketider*, alkoholloven § 4-4) for groups 1 and 2 and for group 3."""

    group_1_2: Optional[Hours] = None
    group_3: Optional[Hours] = None


class Outlets(_Model):
    """Places with a licence (*salgs- og skjenkesteder*), and the most the council allows."""

    sales: Optional[int] = Field(default=None, ge=0)
    serving: Optional[int] = Field(default=None, ge=0)
    max_sales: Optional[int] = Field(default=None, ge=0)
    max_serving: Optional[int] = Field(default=None, ge=0)

    @property
    def total(self) -> int:
        """Return the number of licensed places (sales and serving)."""
        return (self.sales or 0) + (self.serving or 0)


class AlcoholPolicy(_Model):
    """One municipality's alcohol and licensing policy (*alkohol- og bevillingspolitikk*)."""

    sales_hours: Optional[SalesHours] = None
    serving_hours: Optional[ServingHours] = None
    outlets: Optional[Outlets] = None
    controls_per_year: Optional[int] = Field(default=None, ge=0)
    licence_period_end: Optional[dt.date] = None
    licence_criteria: list[Text] = Field(default_factory=list)
    single_occasion: Optional[Text] = None
    ambulant: Optional[Text] = None
    youth_events: Optional[Text] = None
    fees: Optional[Text] = None
    knowledge_test: Optional[Text] = None
    sanctions: Optional[Text] = None
    guidelines: Optional[Text] = None


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
    alcohol_policy: Optional[AlcoholPolicy] = None

    @field_validator("adoption", mode="before")
    @classmethod
    def _no_adoption_yet(cls, v):
        return {"body": None} if v is None else v

    @field_validator("number", mode="before")
    @classmethod
    def _four_digits(cls, v):
        return check_municipality_number(v)


def _number_as_text(value):
    """Return a number typed where text is expected as the planner reads it: 1.8 → «1,8»."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    if isinstance(value, float):
        return (str(int(value)) if value.is_integer() else repr(value)).replace(".", ",")
    return str(value)


class YearValue(_Model):
    """One year's figure of an indicator, with the county's and the country's for comparison.

    The shape of «values by year» wherever docplan keeps them (knowledge base series; goal indicators
    can carry the same list).
    """

    year: int = Field(ge=1990, le=2100)
    value: Optional[Text] = None
    county: Optional[Text] = None
    country: Optional[Text] = None

    @field_validator("value", "county", "country", mode="before")
    @classmethod
    def _numbers(cls, v):
        return _number_as_text(v)


class Indicator(_Model):
    """How progress towards a goal is measured (*indikator*)."""

    name: Text
    source: Optional[Text] = None
    baseline: Optional[Text] = None
    baseline_year: Optional[int] = None
    target: Optional[Text] = None
    target_year: Optional[int] = None
    #: Measured values by year (*måltall*), e.g. from Ungdata; one entry per year.
    values: list[YearValue] = Field(default_factory=list)

    @field_validator("baseline", "target", mode="before")
    @classmethod
    def _number_as_text(cls, v):
        return str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v

    @field_validator("values")
    @classmethod
    def _one_value_a_year(cls, v: list[YearValue]) -> list[YearValue]:
        return _one_per_year(v, N_("verdier for {year} står to ganger; slå dem sammen til én"))

    def value_for(self, year: int) -> YearValue | None:
        """Return the value measured for ``year``, or None."""
        return next((v for v in self.values if v.year == year), None)


def _one_per_year(entries: list, message: str) -> list:
    """Return ``entries`` (having a ``year``) sorted by year; two entries for one year are an error."""
    seen: set[int] = set()
    for e in entries:
        if e.year in seen:
            raise ValueError(_(message).format(year=e.year))
        seen.add(e.year)
    return sorted(entries, key=lambda e: e.year)


class IndicatorSeries(_Model):
    """An indicator of the knowledge base (*kunnskapsgrunnlag*): figures by year from a source."""

    id: Optional[Text] = None
    name: Text
    source: Optional[Text] = None
    unit: Optional[Text] = None
    municipality: Optional[MunicipalityNumber] = None
    area: Optional[Text] = None
    values: list[YearValue] = Field(default_factory=list)
    comment: Optional[Text] = None

    @property
    def latest_year(self) -> int | None:
        """Return the year of the newest figure, or None without figures."""
        return max((v.year for v in self.values), default=None)


class KnowledgeBase(_Model):
    """Status and challenges (*status og utfordringsbilde*): indicator series and their assessment."""

    indicators: list[IndicatorSeries] = Field(default_factory=list)
    assessment: Optional[Text] = None
    challenges: list[Text] = Field(default_factory=list)


class Participation(_Model):
    """A group that took part in the planning (*medvirkning*): who, and how."""

    group: Literal[PARTICIPANT_GROUPS]  # type: ignore[valid-type]
    who: Optional[Text] = None
    how: Optional[Text] = None


class Hearing(_Model):
    """The public hearing of the plan proposal (*høring*)."""

    start: Optional[dt.date] = None
    end: Optional[dt.date] = None
    responses: Optional[int] = Field(default=None, ge=0)
    summary: Optional[Text] = None

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, v, info):
        start = info.data.get("start")
        if v is not None and start is not None and v < start:
            raise ValueError(_("høringsfristen ({deadline:%d.%m.%Y}) kan ikke være før høringen starter "
                               "({start:%d.%m.%Y})").format(
                                 deadline=v, start=start))
        return v


class Organisation(_Model):
    """How the planning was organised: coordinator, groups, participation and hearing."""

    coordinator: Optional[Text] = None
    working_group: list[Text] = Field(default_factory=list)
    steering_group: list[Text] = Field(default_factory=list)
    reference_group: list[Text] = Field(default_factory=list)
    participation: list[Participation] = Field(default_factory=list)
    hearing: Optional[Hearing] = None


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


class MeasureReport(_Model):
    """One year's report on a measure (*årsrapportering*): its status, what was done and what it cost."""

    year: int = Field(ge=1990, le=2100)
    status: Literal[MEASURE_STATUSES]  # type: ignore[valid-type]
    done: Optional[Text] = None
    spent_nok: Optional[int] = Field(default=None, ge=0)
    comment: Optional[Text] = None


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
    #: Yearly reports, oldest first; ``status`` is the newest report's.
    reports: list[MeasureReport] = Field(default_factory=list)

    @field_validator("reports")
    @classmethod
    def _one_report_a_year(cls, v: list[MeasureReport]) -> list[MeasureReport]:
        return _one_per_year(v, N_("rapporten for {year} står to ganger; slå dem sammen til én"))

    @model_validator(mode="after")
    def _status_is_the_newest_report(self) -> "Measure":
        """``status`` is «now»: taken from the newest report when left out, and must agree with it."""
        if not self.reports:
            return self
        newest = self.reports[-1]
        if self.status is None:
            self.status = newest.status
        elif canonical_value(self.status) != canonical_value(newest.status):
            raise ValueError(_("status «{status}» er ikke den samme som i rapporten for {year} («{report_status}»); "
                               "status skal være den nyeste rapportens").format(
                                 status=self.status, year=newest.year, report_status=newest.status))
        return self

    def report_for(self, year: int) -> MeasureReport | None:
        """Return the report for ``year``, or None."""
        return next((r for r in self.reports if r.year == year), None)

    @property
    def finished(self) -> bool:
        """True when the measure's status says it is no longer worked on (gjennomført, avsluttet)."""
        return self.status in FINISHED_STATUSES

    @field_validator("years")
    @classmethod
    def _plausible_years(cls, v: list[int]) -> list[int]:
        for y in v:
            if not 1990 <= y <= 2100:
                raise ValueError(_("året {year} er ikke et gyldig årstall").format(year=y))
        return v

    @property
    def funded_nok(self) -> int:
        """Return the sum of the funding lines as entered (per year for a cost «per år»)."""
        return sum(f.amount_nok or 0 for f in self.funding)

    # -- money over the plan period ------------------------------------------------------------
    def years_in(self, period: "Period") -> list[int]:
        """Return the measure's years inside ``period``; a measure without years runs the whole period."""
        if not self.years:
            return list(period.years)
        return sorted({y for y in self.years if period.start_year <= y <= period.end_year})

    def times_counted(self, period: "Period") -> int:
        """Return how often the cost and funding lines count in ``period``: once per year of the measure
        for «per år», else once."""
        if self.cost_basis in PER_YEAR_BASES:
            return len(self.years_in(period))
        return 1

    def cost_in_period(self, period: "Period") -> int:
        """Return the measure's cost over the plan period (``cost_nok`` × the years counted)."""
        return (self.cost_nok or 0) * self.times_counted(period)

    def funded_in_period(self, period: "Period") -> int:
        """Return the measure's funding over the plan period, counted as the cost is."""
        return self.funded_nok * self.times_counted(period)

    def cost_by_year(self, period: "Period") -> dict[int, int]:
        """Return the cost in each year of ``period`` (years without cost left out).

        «per år»: the amount in every year of the measure; «engangs»: all in its first year; «totalt» (or
        no basis): spread evenly over its years (the remainder in the last). A measure whose years all lie
        outside the period has its one-off or total cost in the nearest year of the period.
        """
        amount = self.cost_nok or 0
        if not amount:
            return {}
        if self.cost_basis in PER_YEAR_BASES:
            return {y: amount for y in self.years_in(period)}
        years = self.years_in(period) if self.years else []
        if not years:
            near = (self.deadline.year if self.deadline and not self.years else None) or \
                (min(self.years) if self.years else period.start_year)
            years = [min(max(near, period.start_year), period.end_year)]
        if self.cost_basis in ONE_OFF_BASES:
            return {years[0]: amount}
        share, rest = divmod(amount, len(years))
        out = {y: share for y in years}
        out[years[-1]] += rest
        return out


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
                _("«{text}» er ikke en gyldig kommuneplanreferanse; bruk «kommunenummer:punkt», f.eks. "
                  "«3427:KP-3.2»").format(
                    text=text)
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
    knowledge_base: KnowledgeBase = Field(default_factory=KnowledgeBase)
    organisation: Organisation = Field(default_factory=Organisation)
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
        """Return the cost of all measures over the plan period (a cost «per år» once per year)."""
        return sum(m.cost_in_period(self.info.period) for m in self.measures)


def _dupes(ids: list[tuple[DataPath, str]], message: str, **fields: str) -> list[tuple[DataPath, str]]:
    """Return a problem for each id seen before; ``message`` (marked with `N_`) has ``{ident}``."""
    seen: dict[str, DataPath] = {}
    out = []
    for path, ident in ids:
        if ident in seen:
            out.append((path, _(message).format(ident=ident, **fields)))
        else:
            seen[ident] = path
    return out


def reference_problems(plan: Plan) -> list[tuple[DataPath, str]]:
    """Return every cross-reference problem as (data path, Norwegian message), in data order."""
    problems: list[tuple[DataPath, str]] = []
    numbers = {m.number for m in plan.municipalities if m is not None}

    problems += _dupes([(("municipalities", i, "number"), m.number) for i, m in enumerate(plan.municipalities)
                        if m is not None], N_("Kommunenummer «{ident}» finnes fra før; hver id må være unik"))
    for i, m in enumerate(plan.municipalities):
        if m is None:
            continue
        info = lookup_municipality(m.number)
        if info is None:
            problems.append((("municipalities", i, "number"),
                             _("kommunenummer {number} finnes ikke i kommunelisten for 2024").format(number=m.number)))
        elif not _name_matches(m.name, info.name):
            problems.append((("municipalities", i, "name"),
                             _("navnet «{name}» passer ikke med kommunenummer {number} ({official})").format(
                                 name=m.name, number=m.number, official=info.name)))
        for j, mp in enumerate(m.master_plans):
            problems += _dupes([(("municipalities", i, "master_plans", j, "items", k, "id"), it.id)
                                for k, it in enumerate(mp.items)],
                                N_("Kommuneplanpunkt i «{plan_name}»: «{ident}» finnes fra før; hver id må være unik"),
                                plan_name=mp.plan_name)
    if plan.info is not None and plan.info.host_municipality and plan.info.host_municipality not in numbers:
        problems.append((("plan", "host_municipality"),
                         _("vertskommunen {number} er ikke med i listen over kommuner").format(
                             number=plan.info.host_municipality)))

    knowledge = getattr(plan, "knowledge_base", None)
    # a series may be another municipality's, for comparison (and a plan split per municipality keeps them)
    for i, series in enumerate(knowledge.indicators if knowledge is not None else []):
        years = [v.year for v in series.values]
        for k, year in enumerate(years):
            if year in years[:k]:
                problems.append((("knowledge_base", "indicators", i, "values", k, "year"),
                                 _("indikatoren «{name}» har to tall for {year}; hvert år kan stå én gang").format(
                                     name=series.name, year=year)))

    goals = [(i, g) for i, g in enumerate(plan.goals) if g is not None]
    measures = [(i, m) for i, m in enumerate(plan.measures) if m is not None]
    goal_ids = [(("goals", i, "id"), g.id) for i, g in goals]
    goal_ids += [(("goals", i, "sub_goals", j, "id"), s.id) for i, g in goals for j, s in enumerate(g.sub_goals)]
    problems += _dupes(goal_ids, N_("Mål-id «{ident}» finnes fra før; hver id må være unik"))
    problems += _dupes([(("measures", i, "id"), m.id) for i, m in measures],
                       N_("Tiltak-id «{ident}» finnes fra før; hver id må være unik"))
    known_goals = {ident for _unused, ident in goal_ids}

    def check_refs(path: DataPath, refs: list[str]) -> None:
        for k, ref in enumerate(refs):
            try:
                parsed = KpRef.parse(ref)
            except ValueError as exc:
                problems.append(((*path, k), str(exc)))
                continue
            if parsed.municipality is None and len(numbers) > 1:
                problems.append(((*path, k), _("kommuneplanreferansen «{ref}» må ha kommunenummer foran, f.eks. "
                                               "«{number}:{ref}», når planen gjelder flere kommuner").format(
                                                 ref=ref, number=sorted(numbers)[0])))
            elif parsed.municipality is not None and parsed.municipality not in numbers:
                problems.append(((*path, k), _("kommuneplanreferansen «{ref}» gjelder kommune {number}, som ikke er "
                                               "med i planen").format(ref=ref, number=parsed.municipality)))

    for i, g in goals:
        check_refs(("goals", i, "kp_refs"), g.kp_refs)
        for j, s in enumerate(g.sub_goals):
            check_refs(("goals", i, "sub_goals", j, "kp_refs"), s.kp_refs)
    for i, m in measures:
        for k, gid in enumerate(m.goal_ids):
            if gid not in known_goals:
                problems.append((("measures", i, "goal_ids", k),
                                 _("tiltak {id} viser til målet «{goal}», som ikke finnes i planen").format(
                                     id=m.id, goal=gid)))
        for k, number in enumerate(m.municipalities):
            if number not in numbers:
                problems.append((("measures", i, "municipalities", k),
                                 _("tiltak {id} gjelder kommune «{number}», som ikke er med i planen").format(
                                     id=m.id, number=number)))
        if m.scope == "lokal" and not m.municipalities:
            problems.append((("measures", i, "scope"),
                             _("tiltak {id} er lokalt, men det står ikke hvilke kommuner det gjelder "
                               "(municipalities)").format(id=m.id)))
        check_refs(("measures", i, "kp_refs"), m.kp_refs)
    return problems


def _name_matches(given: str, official: str) -> bool:
    norm = lambda s: re.sub(r"\s+", " ", s).strip().casefold()  # noqa: E731
    parts = {norm(p) for p in official.split(" - ")} | {norm(official)}
    return norm(given) in parts
