"""Generated hand-written rusplaner, one builder per form a real one takes, each with what `docplan extract`
must read (goals, measures, title, kommune, period, adoption, language) and the findings `docplan check`
should report on it (the problems planted in it, and nothing else).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tests.realdocs.builder import DocBuilder
from tests.realdocs.content import MEASURES, NATIONAL_GOALS, PLAN_GOALS, PLAN_WORDS


@dataclass(frozen=True)
class ExpMeasure:
    title: str
    responsible: str | None
    cost_nok: int | None
    years: tuple[int, ...]


@dataclass
class PlanCase:
    """One generated rusplan and what extract and check must make of it."""

    name: str
    form: str
    language: str
    kommune: tuple[str, str]
    title: str = ""
    period: tuple[int, int] = (2024, 2027)
    adopted: dt.date | None = None
    case_no: str | None = None
    #: (id, title, [(id, title)]) of each hovedmål and its delmål
    goals: list[tuple[str, str, list[tuple[str, str]]]] = field(default_factory=list)
    measures: list[ExpMeasure] = field(default_factory=list)
    #: (rule, subject) of every finding judged real; anything else the checker reports is a false alarm
    findings: set[tuple[str, str]] = field(default_factory=set)
    #: ids a measure has twice, which extract must warn about
    duplicate_ids: set[str] = field(default_factory=set)
    data: bytes = b""


CHAPTER_NAMES = {
    "alcohol": {"nb": ["Alkoholpolitikk og bevillingspolitikk", "BEVILLINGSPOLITIKKEN I {KOMMUNE}",
                       "Tiltak for å regulere tilgjengeligheten av alkohol", "Alkoholpolitiske retningslinjer"],
                "nn": ["Løyvepolitikken", "Alkoholpolitikk og løyvepolitikk", "LØYVEPOLITIKKEN I {KOMMUNE}",
                       "Alkoholpolitiske retningsliner"]},
    "measures": {"nb": ["Tiltak", "Tiltaksplan", "HANDLINGSPLAN", "Tiltaksoversikt", "Tiltaksdel"],
                 "nn": ["Tiltak", "Tiltaksdel", "Tiltaksplan", "HANDLINGSPLAN", "Tiltaksoversikt"]},
    "follow_up": {"nb": ["Evaluering og rullering av planen", "EVALUERING OG RULLERING AV PLANEN",
                         "Rullering av planen", "EVALUERING, RAPPORERING OG RULLERING", "Oppfølging og rullering"],
                  "nn": ["Evaluering og rullering av planen", "Rullering av planen", "EVALUERING OG RULLERING",
                         "Oppfølging og rullering", "Gjennomføring og evaluering"]},
}
ONGOING_TEXTS = {"løpende", "løpande", "årlig", "årleg", "hele perioden", "heile perioden"}
COVER_DATES = [("14.03.2024", dt.date(2024, 3, 14)), ("13. juni 2024", dt.date(2024, 6, 13)),
               ("19.09.24", dt.date(2024, 9, 19)), ("5. desember 2023", dt.date(2023, 12, 5))]
CASE_NOS = ["K-sak 12/24", "sak 30/24", "PS 162/24", "K. sak 9/23"]


class Plan:
    """Writes the parts every rusplan shares and records what is expected."""

    def __init__(self, b: DocBuilder, case: PlanCase, seed: int):
        self.b, self.case, self.seed = b, case, seed
        self.w = PLAN_WORDS[case.language]
        self.chapter_no = 0
        self.typed = False

    def name(self, kind: str) -> str:
        names = CHAPTER_NAMES[kind][self.case.language]
        return names[self.seed % len(names)].replace("{KOMMUNE}", self.case.kommune[1].upper())

    def h1(self, title: str) -> None:
        self.chapter_no += 1
        self.b.heading(f"{self.chapter_no}. {title}" if self.typed else title, 1)

    def cover(self, *, title_style: bool = True, period_text: str | None = None, core_only: bool = False) -> None:
        c = self.case
        start, end = c.period
        period = period_text or f"{start}–{end}"
        c.title = f"{self.w['title']} {period}" if not core_only else f"Ruspolitisk handlingsplan {period}"
        date_text, c.adopted = COVER_DATES[self.seed % len(COVER_DATES)]
        c.case_no = CASE_NOS[self.seed % len(CASE_NOS)]
        if core_only:
            self.b.para("RUSPOLITISK HANDLINGSPLAN", bold=True, size=28)
            self.b.para(period, bold=True, size=20)
            self.b.core(title=c.title)
        elif title_style:
            self.b.title(c.title)
        else:
            self.b.para(c.title, bold=True, size=26)
        self.b.para(f"{c.kommune[1]} kommune")
        self.b.para(self.w["adopted"].format(date=date_text, case=c.case_no))

    def intro(self, *, national: bool = False) -> None:
        w = self.w
        self.h1(w["forord"])
        self.b.para(w["prose"])
        self.h1(w["innledning"])
        self.b.para(w["prose"])
        self.b.heading(w["lovgrunnlag"], 2)
        self.b.para("Planen bygger på alkoholloven § 1-7d og folkehelseloven.")
        self.h1(w["status"])
        self.b.para(w["status_prose"])
        if national:
            self.h1(w["national"])
            self.b.para(w["prose"])
            for goal in NATIONAL_GOALS[self.case.language]:
                self.b.heading(goal, 2)
                self.b.para(w["prose"])

    def goals(self, count: int = 3) -> list[tuple[str, list[str]]]:
        pool = PLAN_GOALS[self.case.language]
        return [pool[(self.seed + k) % len(pool)] for k in range(count)]

    def expect_goals(self, goals, *, numbered: bool = True) -> None:
        for i, (main, subs) in enumerate(goals, 1):
            self.case.goals.append((f"HM-{i}", main, [(f"DM-{i}.{j}", s) for j, s in enumerate(subs, 1)]))

    def measures(self, count: int = 7) -> list[tuple]:
        pool = MEASURES[self.case.language]
        return [pool[(self.seed * 3 + k) % len(pool)] for k in range(count)]

    def expect_measure(self, m, *, responsible: str | None | bool = True, cost: bool | int = True,
                       years: bool = True) -> None:
        """Record a measure as extract must read it; «Årlig», «Løpende» and «Hele perioden» mean every year of
        the plan period."""
        title, resp, _cost_text, cost_nok, years_text, years_list = m
        if not years_list and years_text.lower() in ONGOING_TEXTS:
            years_list = list(range(self.case.period[0], self.case.period[1] + 1))
        self.case.measures.append(ExpMeasure(
            title, resp if responsible is True else (responsible or None),
            cost if isinstance(cost, int) and not isinstance(cost, bool) else (cost_nok if cost else None),
            tuple(years_list) if years else ()))

    def alcohol(self) -> None:
        self.h1(self.name("alcohol"))
        self.b.para(self.w["alcohol_prose"])

    def follow_up(self) -> None:
        self.h1(self.name("follow_up"))
        self.b.para(self.w["follow_prose"])

    def delmaal_refs(self, goals) -> list[str]:
        return [f"{i}.{j}" for i, (_, subs) in enumerate(goals, 1) for j in range(1, len(subs) + 1)]


def _measure_rows(p: Plan, measures, cols: list[str], refs: list[str], *, ids: bool = True,
                  blank_responsible: int | None = None) -> list[list[str]]:
    """Return the rows of a measures table and record the expected measures; where the checker can see
    numbered measures and «Delmål N.M» goals, a delmål no measure points at is a real finding."""
    rows = []
    if ids and "goal" in cols:
        used = {refs[k % len(refs)] for k in range(len(measures))}
        p.case.findings.update(("goals.without_measure", r) for r in refs if r not in used)
    for k, m in enumerate(measures):
        title, resp, cost_text, _cost, years_text, _years = m
        values = {"nr": str(k + 1), "title": title, "goal": refs[k % len(refs)],
                  "resp": "" if k == blank_responsible else resp, "years": years_text, "cost": cost_text,
                  "funding": "Driftsbudsjettet" if k % 2 else "Tilskudd"}
        rows.append([values[c] for c in cols if c != "nr" or ids])
        p.expect_measure(m, responsible=None if k == blank_responsible else True)
    return rows


# -- the forms -------------------------------------------------------------------------------------

def r01_labels(p: Plan) -> None:
    """«Hovedmål 1:» headings and «Delmål 1.1:» paragraphs; a standard measures table with ids."""
    b, w, case = p.b, p.w, p.case
    p.cover()
    b.toc([(1, f"{k} {t}", 2 + k) for k, t in enumerate((w["forord"], w["innledning"], w["goals"],
                                                         w["measures"]), 1)], kind="field")
    p.intro()
    p.h1(w["goals"])
    goals = p.goals()
    for i, (main, subs) in enumerate(goals, 1):
        b.heading(f"{w['hovedmaal']} {i}: {main}", 2)
        for j, sub in enumerate(subs, 1):
            b.para(f"{w['delmaal']} {i}.{j}: {sub}")
    p.expect_goals(goals)
    p.alcohol()
    p.h1(p.name("measures"))
    b.para(f"{w['prose']} Se også tiltak 99 om samarbeid med politiet.")
    case.findings.add(("references.unknown_measure", "99"))
    cols = ["nr", "title", "goal", "resp", "years", "cost"]
    header = [w["cols"][c] for c in cols]
    b.table([header] + _measure_rows(p, p.measures(), cols, p.delmaal_refs(goals), blank_responsible=2))
    case.findings.add(("measures.missing_responsible", "3"))
    p.follow_up()


def r02_auto_list_goals(p: Plan) -> None:
    """Goals in a Word numbered list (level 1 hovedmål, level 2 delmål); «Hva | Ansvar | Når | Kostnad/Økonomi»."""
    b, w = p.b, p.w
    p.cover()
    p.intro()
    p.h1("Mål og strategier" if p.case.language == "nb" else "Mål og strategiar")
    b.para(w["prose"])
    goals = p.goals()
    nid = b.add_list([("decimal", "%1."), ("decimal", "%1.%2")])
    b.numbered([(lvl, t) for main, subs in goals for lvl, t in [(0, main)] + [(1, s) for s in subs]], nid)
    p.expect_goals(goals)
    p.alcohol()
    p.h1(p.name("measures"))
    header = ["Hva", "Ansvar", "Når", "Kostnad/Økonomi"]
    rows = []
    for m in p.measures(6):
        rows.append([m[0], m[1], m[4], m[2]])
        p.expect_measure(m)
    b.table([header] + rows)
    p.follow_up()


def r03_typed_goal_numbers(p: Plan) -> None:
    """Goals typed «1.» and «1.1» in plain paragraphs; «Nr. | Aktivitet | Delmål | Ansvarleg | Frist | …»."""
    b, w, case = p.b, p.w, p.case
    p.cover(title_style=False)
    p.intro()
    p.h1(w["goals_short"])
    goals = p.goals()
    for i, (main, subs) in enumerate(goals, 1):
        b.para(f"{i}. {main}", bold=True)
        for j, sub in enumerate(subs, 1):
            b.para(f"{i}.{j} {sub}")
    p.expect_goals(goals)
    p.alcohol()
    b.para("Fylkesmannen har gitt råd om skjenketidene.")
    case.findings.add(("structure.outdated_names", "Fylkesmannen"))
    p.h1(p.name("measures"))
    header = ["Nr.", "Aktivitet", "Delmål", "Ansvarleg" if case.language == "nn" else "Ansvarlig", "Frist",
              "Kostnad", "Finansiering"]
    b.table([header] + _measure_rows(p, p.measures(), ["nr", "title", "goal", "resp", "years", "cost", "funding"],
                                     p.delmaal_refs(goals)))
    p.follow_up()


def r04_bullet_goals(p: Plan) -> None:
    """«Hovedmål:» and «Delmål:» with bullets under each theme; merged responsible cells, «per år» costs."""
    b, w = p.b, p.w
    p.cover()
    p.intro()
    p.h1(w["goals"])
    goals = p.goals()
    themes = ["Forebygging", "Skadeavgrensning", "Behandling og oppfølging"]
    for theme, (main, subs) in zip(themes, goals):
        b.heading(theme, 2)
        b.para(f"{w['hovedmaal']}:", bold=True)
        b.bullets([main])
        b.para(f"{w['delmaal']}:", bold=True)
        b.bullets(subs)
    p.expect_goals(goals)
    p.alcohol()
    p.h1(p.name("measures"))
    header = ["Tiltak", "Delmål", "Ansvarlig" if p.case.language == "nb" else "Ansvarleg", "År", "Kostnad"]
    ms = p.measures(6)
    refs = p.delmaal_refs(goals)
    rows = []
    for k, m in enumerate(ms):
        # rows 2 and 3 share one responsible cell (merged down); so do rows 4 and 5's goal cells
        rows.append([m[0], refs[k % len(refs)] if k != 5 else refs[4 % len(refs)], m[1] if k != 3 else ms[2][1],
                     m[4], m[2]])
        p.expect_measure(m, responsible=ms[2][1] if k == 3 else True)
    b.table([header] + rows, vmerge=[(2, 3, 4), (1, 5, 6)])
    p.follow_up()


def r05_goal_headings(p: Plan) -> None:
    """National goals first (not the plan's); the plan's goals as headings: Heading 2 hovedmål, Heading 3 delmål."""
    b, w = p.b, p.w
    p.cover()
    b.toc([(1, t, k) for k, t in enumerate((w["innledning"], w["national"], w["goals"]), 2)], kind="styles")
    p.intro(national=True)
    p.h1(w["goals"])
    goals = p.goals()
    for main, subs in goals:
        b.heading(main, 2)
        b.para(w["prose"])
        for sub in subs:
            b.heading(sub, 3)
            b.para(w["prose"])
    p.expect_goals(goals)
    p.alcohol()
    p.h1(p.name("measures"))
    header = ["Tiltak", "Mål", "Ansvarlig" if p.case.language == "nb" else "Ansvarleg", "Tidsrom", "Kostnad"]
    rows = []
    for k, m in enumerate(p.measures()):
        rows.append([m[0], p.delmaal_refs(goals)[k % 6], m[1], m[4], m[2]])
        p.expect_measure(m)
    b.table([header] + rows)
    p.follow_up()


def r06_goal_table(p: Plan) -> None:
    """Goals in a «Hovedmål | Delmål» table with merged hovedmål cells; «Eksisterende tiltak | Ansvar/ansvarlig»."""
    b, w = p.b, p.w
    p.cover()
    p.intro()
    p.h1(w["goals"])
    goals = p.goals()
    rows: list[list] = [list(w["goal_cols"])]
    merges = []
    for main, subs in goals:
        first = len(rows)
        rows += [[main, s] for s in subs]
        merges.append((0, first, len(rows) - 1))
    b.table(rows, vmerge=merges)
    p.expect_goals(goals)
    p.alcohol()
    p.h1(p.name("measures"))
    header = ["Eksisterende tiltak" if p.case.language == "nb" else "Eksisterande tiltak", "Ansvar/ansvarlig"
              if p.case.language == "nb" else "Ansvar/ansvarleg", "Når", "Kostnad"]
    rows = []
    for m in p.measures():
        rows.append([m[0], m[1], m[4], m[2]])
        p.expect_measure(m)
    b.table([header] + rows)
    p.follow_up()


def r07_nynorsk_labels_and_traps(p: Plan) -> None:
    """Nynorsk labels (Hovudmål, Målsetjing) and headings that only look like goals; language not set."""
    b, w, case = p.b, p.w, p.case
    p.cover()
    p.intro()
    p.h1("Hovudmålsetjingar og strategiar" if case.language == "nn" else "Hovedmålsetninger og strategier")
    b.para(w["prose"])
    b.heading("Mål, innsatsområde og tiltak" if case.language == "nn" else "Mål, innsatsområder og tiltak", 2)
    b.para(w["prose"])
    goals = p.goals()
    for i, (main, subs) in enumerate(goals, 1):
        label = "Målsetjing" if case.language == "nn" and i == 2 else w["hovedmaal"]
        b.para(f"{label} {i}: {main}", bold=True)
        for j, sub in enumerate(subs, 1):
            b.para(f"{w['delmaal']} {i}.{j} {sub}")
    p.expect_goals(goals)
    p.alcohol()
    p.h1(p.name("measures"))
    header = ["Tiltak", "Ansvarleg" if case.language == "nn" else "Ansvarlig", "Tid", "Økonomi"]
    rows = []
    for m in p.measures(6):
        rows.append([m[0], m[1], m[4], m[2]])
        p.expect_measure(m)
    b.table([header] + rows)
    p.follow_up()
    case.findings.add(("accessibility.language_not_set", "språk"))


def r08_measure_bullets(p: Plan) -> None:
    """Each hovedmål a chapter with its delmål, and the measures as bullets after «Tiltak:» (no table)."""
    b, w = p.b, p.w
    p.cover()
    p.intro()
    goals = p.goals()
    ms = p.measures(6)
    k = 0
    for i, (main, subs) in enumerate(goals, 1):
        p.h1(f"{w['hovedmaal']} {i}: {main}")
        b.para(w["prose"])
        for j, sub in enumerate(subs, 1):
            b.heading(f"{w['delmaal']} {i}.{j}: {sub}", 2)
            b.para(w["tiltak_label"])
            mine = ms[k:k + 1]
            k += 1
            b.bullets([m[0] for m in mine])
            for m in mine:
                p.expect_measure(m, responsible=False, cost=False, years=False)
    p.expect_goals(goals)
    p.alcohol()
    p.h1(p.name("measures"))
    b.para(w["prose"])
    p.follow_up()


def r09_table_per_goal(p: Plan) -> None:
    """One measures table under each hovedmål (no goal column); «Tidsrom», «Finansiering», «Årlig»."""
    b, w = p.b, p.w
    p.cover()
    p.intro()
    p.h1(p.name("measures") + (" og mål" if p.case.language == "nb" else " og mål"))
    goals = p.goals()
    ms = p.measures(9)
    for i, (main, subs) in enumerate(goals, 1):
        b.heading(f"{w['hovedmaal']} {i}: {main}", 2)
        for j, sub in enumerate(subs, 1):
            b.para(f"{w['delmaal']} {i}.{j}: {sub}")
        header = ["Tiltak", "Ansvarlig" if p.case.language == "nb" else "Ansvarleg", "Tidsrom", "Kostnad",
                  "Finansiering"]
        rows = []
        for m in ms[(i - 1) * 3:i * 3]:
            rows.append([m[0], m[1], m[4], m[2], "Driftsbudsjettet"])
            p.expect_measure(m)
        b.table([header] + rows)
    p.expect_goals(goals)
    p.alcohol()
    p.follow_up()


def r10_section_rows(p: Plan) -> None:
    """No Title style (cover in capitals, title in the properties); header names kommune and period;
    a measures table split by full-width «Hovedmål» rows with merged «Delmål» cells and dated deadlines."""
    b, w, case = p.b, p.w, p.case
    p.cover(core_only=True)
    b.header_footer(f"{case.kommune[1]} kommune – Ruspolitisk handlingsplan {case.period[0]}–{case.period[1]}",
                    "Side 2")
    p.intro()
    p.h1(w["goals"])
    goals = p.goals()
    for i, (main, subs) in enumerate(goals, 1):
        b.para(f"{w['hovedmaal']} {i}: {main}", bold=True)
        for j, sub in enumerate(subs, 1):
            b.para(f"{w['delmaal']} {i}.{j}: {sub}")
    p.expect_goals(goals)
    p.alcohol()
    p.h1(p.name("measures"))
    cols = ["Delmål", "Tiltak", "Ansvarlig" if case.language == "nb" else "Ansvarleg", "Frist", "Kostnad"]
    rows: list[list] = [cols]
    spans, merges = [], []
    ms = p.measures(6)
    k = 0
    for i, (main, subs) in enumerate(goals, 1):
        spans.append(len(rows))
        rows.append([f"{w['hovedmaal']} {i}: {main}"] + [""] * 4)
        first = len(rows)
        for m in ms[k:k + 2]:
            rows.append([f"{i}.1", m[0], m[1], m[4], m[2]])
            p.expect_measure(m)
        k += 2
        merges.append((0, first, len(rows) - 1))
    b.table(rows, vmerge=merges, span_rows=spans)
    p.follow_up()


def r11_capitals_and_typed_toc(p: Plan) -> None:
    """ALL-CAPS typed chapters («6. TILTAK»), a typed TOC («6. Tiltak⇥7»), a tracked change, an image and a
    measure id used twice."""
    b, w, case = p.b, p.w, p.case
    p.typed = True
    p.cover()
    titles = [w["forord"], w["innledning"], w["status"], w["goals"], p.name("alcohol"), w["measures"],
              p.name("follow_up")]
    b.toc([(1, f"{k}. {t.capitalize()}", 2 + k) for k, t in enumerate(titles, 1)], kind="typed")
    p.chapter_no = 0
    for t in titles[:3]:
        p.h1(t.upper())
        b.para(w["prose"])
    b.image("Kart over kommunen")
    p.h1(w["goals"].upper())
    goals = p.goals()
    for i, (main, subs) in enumerate(goals, 1):
        b.heading(f"{w['hovedmaal']} {i}: {main}", 2)
        for j, sub in enumerate(subs, 1):
            b.para(f"{w['delmaal']} {i}.{j}: {sub}")
    p.expect_goals(goals)
    p.h1(p.name("alcohol").upper())
    b.para(w["alcohol_prose"])
    p.h1(w["measures"].upper())
    header = ["Nr.", "Tiltak", "Delmål", w["cols"]["resp"], "Frist", "Kostnad"]
    ms = p.measures(6)
    refs = p.delmaal_refs(goals)
    rows = []
    for k, m in enumerate(ms):
        ident = str(k + 1) if k != 4 else "3"
        rows.append([ident, m[0], refs[k % len(refs)], m[1], m[4], m[2]])
        p.expect_measure(m)
    t = b.table([header] + rows)
    b.tracked(t.cell(1, 1).paragraphs[0], deleted=" (foreløpig)")
    case.duplicate_ids.add("3")
    case.findings.add(("numbering.duplicate", "3"))
    case.findings.add(("numbering.out_of_order", "3"))
    p.h1(p.name("follow_up").upper())
    b.para(w["follow_prose"])


def r12_colons_and_missing_chapter(p: Plan) -> None:
    """Headings ending in a colon, «Målsetting 1:» goals, an off-cycle period and no rullering chapter."""
    b, w, case = p.b, p.w, p.case
    case.period = (2025, 2028)
    p.cover(period_text="2025 - 2028")
    case.findings.add(("period.council_term", "planperiode"))
    p.h1(w["innledning"])
    b.para(w["prose"])
    b.heading(f"{w['lovgrunnlag']}:", 2)
    b.para("Alkoholloven § 1-7d.")
    p.h1(f"{w['goals_short']}:")
    goals = p.goals()
    label = "Målsetting" if case.language == "nb" else "Målsetjing"
    for i, (main, subs) in enumerate(goals, 1):
        b.para(f"{label} {i}: {main}")
        for j, sub in enumerate(subs, 1):
            b.para(f"{w['delmaal']} {i}.{j}: {sub}")
    p.expect_goals(goals)
    p.alcohol()
    p.h1(p.name("measures"))
    header = ["Nr.", "Tiltak", "Delmål", "Ansvar", "År", "Kostnad (kr)"]
    rows = _measure_rows(p, [m for m in p.measures() if not m[5] or 2025 <= min(m[5])][:6],
                         ["nr", "title", "goal", "resp", "years", "cost"], p.delmaal_refs(goals))
    b.table([header] + rows)
    case.findings.add(("structure.missing_chapter", "Gjennomføring, rapportering, evaluering og rullering"))


def r13_bullets_everywhere(p: Plan) -> None:
    """Goals as a two-level bullet list under «Mål» (no labels), measures as bullets under «Tiltak» (no table), and
    their costs in an «Økonomi» table that names them again."""
    b, w, case = p.b, p.w, p.case
    p.cover()
    p.intro()
    b.para("Planen er utarbeidet etter oppdrag fra rådmannen." if case.language == "nb" else
           "Planen er utarbeidd etter oppdrag frå rådmannen.")
    case.findings.add(("structure.outdated_names", "rådmann"))
    p.h1(w["goals_short"])
    goals = p.goals()
    nid = b.add_list([("bullet", "•"), ("bullet", "o")])
    b.numbered([(lvl, t) for main, subs in goals for lvl, t in [(0, main)] + [(1, s) for s in subs]], nid)
    p.expect_goals(goals)
    p.alcohol()
    p.h1(w["measures"])
    ms = p.measures(6)
    b.bullets([m[0] for m in ms])
    p.h1(w["economy"])
    b.para(w["prose"])
    priced = [m for m in ms if m[3]][:3]
    b.table([["Tiltak", "Kostnad pr. år" if case.language == "nb" else "Kostnad per år"]] +
            [[m[0], m[2]] for m in priced])
    for m in ms:
        p.expect_measure(m, responsible=False, cost=m in priced, years=False)
    p.follow_up()


def r14_quoted_unnumbered_goals(p: Plan) -> None:
    """«Hovedmål: «…»» without a number (Grane), «Delmål:» bullets; a title row above the measures table's
    header, an id column, several responsible units in one cell, «2024/2025» and «Hele perioden»."""
    b, w, case = p.b, p.w, p.case
    p.cover(core_only=True)
    b.header_footer(f"{case.kommune[1]} kommune", None)
    p.intro()
    p.h1("Mål for planperioden")
    goals = p.goals(2)
    for main, subs in goals:
        b.para(f"{w['hovedmaal']}: «{main}»")
        b.para(f"{w['delmaal']}:")
        b.bullets(subs)
    p.expect_goals(goals)
    p.alcohol()
    p.h1(p.name("measures"))
    ms = p.measures(6)
    header = ["Tiltak nr.", "Tiltak", "Ansvarlig" if case.language == "nb" else "Ansvarleg", "Tidsperiode", "Kostnad"]
    rows: list[list] = [[f"Tiltaksplan {case.period[0]}–{case.period[1]}"] + [""] * 4, header]
    for k, m in enumerate(ms):
        resp: str | list[str] = m[1]
        years_text, years = m[4], m[5]
        if k == 1:
            resp = ["NAV", "Helsestasjonen"]
        if k == 2:
            years_text, years = "2024/2025", [2024, 2025]
        if k == 3:
            years_text, years = "Hele perioden" if case.language == "nb" else "Heile perioden", []
        rows.append([str(k + 1), m[0], resp, years_text, m[2]])
        p.expect_measure((m[0], "NAV, Helsestasjonen" if k == 1 else m[1], m[2], m[3], years_text, years))
    b.table(rows, span_rows=[0])
    p.follow_up()


def r15_delplaner(p: Plan) -> None:
    """Molde's «DELPLAN 1 – FOREBYGGENDE ARBEID», each with «Mål, strategier og tiltak»: «Hovedmål: …» and
    «Delmål:» bullets, then its own measures table; an off-cycle period."""
    b, w, case = p.b, p.w, p.case
    case.period = (2023, 2026)
    p.cover()
    case.findings.add(("period.council_term", "planperiode"))
    p.intro()
    parts = ["FOREBYGGENDE ARBEID", "SKADEREDUSERENDE ARBEID", "BEHANDLING OG OPPFØLGING"]
    goals = p.goals(3)
    ms = p.measures(9)
    for n, (part, (main, subs)) in enumerate(zip(parts, goals), 1):
        b.heading(f"DELPLAN {n} – {part}", 1)
        b.heading("Mål, strategier og tiltak" if case.language == "nb" else "Mål, strategiar og tiltak", 2)
        b.para(f"{w['hovedmaal']}: {main}")
        b.para(f"{w['delmaal']}:")
        b.bullets(subs)
        rows = [["Tiltak", "Ansvar", "Tid", "Kostnad"]]
        for m in ms[(n - 1) * 3:n * 3]:
            if m[5] and not 2023 <= min(m[5]) <= max(m[5]) <= 2026:
                continue
            rows.append([m[0], m[1], m[4], m[2]])
            p.expect_measure(m)
        b.table(rows)
    p.expect_goals(goals)
    b.heading("Salgs- og skjenkebevillinger" if case.language == "nb" else "Sals- og skjenkeløyve", 1)
    b.para(w["alcohol_prose"])
    b.heading("Rullering", 1)
    b.para(w["follow_prose"])


def r16_no_heading_styles(p: Plan) -> None:
    """No heading styles: chapters are bold typed lines («3. MÅL»), goals typed «1.» / «1.1» under them."""
    b, w, case = p.b, p.w, p.case
    p.cover(title_style=False)
    chapters = [w["innledning"], w["status"], w["goals_short"], p.name("alcohol"), w["measures"],
                p.name("follow_up")]
    goals = p.goals()
    for n, title in enumerate(chapters, 1):
        b.para(f"{n}. {title.upper()}", bold=True)
        if title == w["goals_short"]:
            for i, (main, subs) in enumerate(goals, 1):
                b.para(f"{i}. {main}")
                for j, sub in enumerate(subs, 1):
                    b.para(f"{i}.{j} {sub}")
            p.expect_goals(goals)
        elif title == w["measures"]:
            header = ["Nr.", "Tiltak", "Delmål", w["cols"]["resp"], "Frist", "Kostnad"]
            b.table([header] + _measure_rows(p, p.measures(6), ["nr", "title", "goal", "resp", "years", "cost"],
                                             p.delmaal_refs(goals)))
        else:
            b.para(w["prose"])


def r17_goals_in_the_measures_table(p: Plan) -> None:
    """A «Mål | Tiltak | Ansvar | Økonomi | År» table (Krødsherad's «MÅL, TILTAK, ANSVAR ØKONOMI») whose goal cells,
    merged down, repeat the delmål by name."""
    b, w, case = p.b, p.w, p.case
    p.cover()
    p.intro()
    p.h1(w["goals"])
    goals = p.goals(2)
    for i, (main, subs) in enumerate(goals, 1):
        b.para(f"{w['hovedmaal']} {i}: {main}", bold=True)
        for j, sub in enumerate(subs, 1):
            b.para(f"{w['delmaal']} {i}.{j}: {sub}")
    p.expect_goals(goals)
    p.alcohol()
    p.h1("Mål, tiltak, ansvar og økonomi" if case.language == "nb" else "Mål, tiltak, ansvar og økonomi")
    rows: list[list] = [["Mål", "Tiltak", "Ansvar", "Økonomi", "År"]]
    merges = []
    ms = p.measures(8)
    subs = [s for _, ss in goals for s in ss]
    for k, sub in enumerate(subs):
        first = len(rows)
        for m in ms[2 * k:2 * k + 2]:
            rows.append([sub, m[0], m[1], m[2], m[4]])
            p.expect_measure(m)
        merges.append((0, first, len(rows) - 1))
    b.table(rows, vmerge=merges)
    p.follow_up()


def r18_distractions(p: Plan) -> None:
    """What is not a goal or a measure: national goals as bullets, «Hovedmålet …» in prose, a table of serving
    hours, a statistics table, the header row repeated inside the measures table and a sum row."""
    b, w, case = p.b, p.w, p.case
    p.cover()
    p.intro()
    p.h1(w["national"])
    b.para("Hovedmålet i Opptrappingsplanen er at flere skal få hjelp tidlig." if case.language == "nb" else
           "Hovudmålet i Opptrappingsplanen er at fleire skal få hjelp tidleg.")
    b.bullets(NATIONAL_GOALS[case.language])
    b.table([["År", "Andel unge som har drukket seg fulle"], ["2021", "12 %"], ["2024", "9 %"]])
    p.h1(w["goals"])
    goals = p.goals()
    for i, (main, subs) in enumerate(goals, 1):
        b.para(f"{w['hovedmaal']} {i}: {main}", bold=True)
        for j, sub in enumerate(subs, 1):
            b.para(f"{w['delmaal']} {i}.{j}: {sub}")
    p.expect_goals(goals)
    p.alcohol()
    b.table([["Dag", "Skjenketid"], ["Mandag–torsdag", "kl. 12.00–01.00"], ["Fredag–lørdag", "kl. 12.00–02.00"]])
    p.h1(p.name("measures"))
    b.para("Tiltakene under følges opp i handlings- og økonomiplanen." if case.language == "nb" else
           "Tiltaka under vert følgde opp i handlings- og økonomiplanen.")
    cols = ["nr", "title", "goal", "resp", "years", "cost"]
    header = [w["cols"][c] for c in cols]
    rows = _measure_rows(p, p.measures(6), cols, p.delmaal_refs(goals))
    total = sum(m.cost_nok or 0 for m in case.measures)
    b.table([header] + rows[:3] + [header] + rows[3:] + [["", "Sum", "", "", "", f"{total:,} kr".replace(",", " ")]])
    p.follow_up()


FORMS = [r01_labels, r02_auto_list_goals, r03_typed_goal_numbers, r04_bullet_goals, r05_goal_headings,
         r06_goal_table, r07_nynorsk_labels_and_traps, r08_measure_bullets, r09_table_per_goal, r10_section_rows,
         r11_capitals_and_typed_toc, r12_colons_and_missing_chapter, r13_bullets_everywhere,
         r14_quoted_unnumbered_goals, r15_delplaner, r16_no_heading_styles, r17_goals_in_the_measures_table,
         r18_distractions]


def build(form, language: str, kommune: tuple[str, str], seed: int) -> PlanCase:
    case = PlanCase(f"plan-{form.__name__[:3]}-{language}", form.__name__[4:].replace("_", " "), language, kommune)
    b = DocBuilder(language, set_language=form is not r07_nynorsk_labels_and_traps)
    form(Plan(b, case, seed))
    case.data = b.save()
    return case
