"""Generated kommuneplaner (samfunnsdel and handlingsdel), one builder per form a real one takes, each
with the catalogue `docplan kp import` must find.

Expected ids follow the catalogue's rule (docs/import.md): a numbered item is ``KP-`` plus the number the
document shows; an unnumbered one is its parent's id plus a letter for its place among the parent's
unnumbered items (``KP-3.a``, ``KP-3.a.b``; ``KP-a`` at the top). Chapters that hold no goals (forord,
innledning, status, visjon, arealstrategi, rullering, vedlegg) are not items.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.realdocs.builder import DocBuilder
from tests.realdocs.content import KP_THEMES, KP_WORDS


@dataclass(frozen=True)
class ExpItem:
    id: str
    title: str
    numbered: bool
    kind: str  # "satsingsområde" | "mål" | "strategi"


@dataclass
class KpCase:
    """One generated kommuneplan and what the import must find in it."""

    name: str
    form: str
    language: str
    kommune: tuple[str, str]
    plan_name: str
    part: str
    items: list[ExpItem] = field(default_factory=list)
    data: bytes = b""


def letters(n: int) -> str:
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


class Outline:
    """Numbers headings as the document shows them: by Word (``auto``), typed, or not at all."""

    def __init__(self, b: DocBuilder, mode: str, *, dot: bool = False, roman: bool = False):
        self.b, self.mode, self.dot, self.roman = b, mode, dot, roman
        self.counters = [0] * 9

    def number(self, level: int) -> str:
        self.counters[level - 1] += 1
        self.counters[level:] = [0] * (9 - level)
        return ".".join(str(c) for c in self.counters[:level])

    def heading(self, title: str, level: int = 1, *, numbered: bool = True, style: str | None = None) -> str | None:
        if self.mode == "none" or not numbered:
            self.b.heading(title, level, style=style)
            return None
        number = self.number(level)
        shown = _roman(int(number)) if self.roman and level == 1 else number
        if self.mode == "auto":
            self.b.heading(title, level, style=style)
        else:
            self.b.heading(f"{shown}{'.' if self.dot and level == 1 else ''} {title}", level, style=style)
        return shown


def _roman(n: int) -> str:
    out = ""
    for value, mark in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += mark
            n -= value
    return out


def _themes(lang: str, seed: int, count: int = 3):
    pool = KP_THEMES[lang]
    return [pool[(seed + k) % len(pool)] for k in range(count)]


def _cover(b: DocBuilder, case: KpCase, w: dict, *, title_style: bool = True, period: str = "2024–2036") -> None:
    case.plan_name = f"{w['part']} {period}" if case.part == "samfunnsdel" else case.plan_name
    if title_style:
        b.title(case.plan_name)
    else:
        b.para(case.plan_name.upper(), bold=True, size=26)
    b.para(f"{case.kommune[1]} kommune")
    b.para(w["adopted"].format(date="14.03.2024", case="12/24"))


def _front(b: DocBuilder, o: Outline, w: dict, *, numbered: bool = True) -> None:
    o.heading(w["forord"], numbered=numbered)
    b.para(w["prose"])
    o.heading(w["innledning"], numbered=numbered)
    b.para(w["prose"])
    b.para(w["builds_on"])
    b.bullets(w["laws"])
    o.heading(w["bakgrunn"], 2, numbered=numbered)
    b.para(w["prose"])
    o.heading(w["prosess"], 2, numbered=numbered)
    b.para(w["prose"])
    o.heading(w["status"], numbered=numbered)
    b.para(w["prose"])
    o.heading(w["visjon"], numbered=numbered)
    b.para(w["slogan"], bold=True)
    b.image("Bilde av sentrum")


def _back(b: DocBuilder, o: Outline, w: dict, *, numbered: bool = True, appendix: bool = False) -> None:
    o.heading(w["areal"], numbered=numbered)
    b.para(w["prose"])
    b.bullets(w["area_points"])
    o.heading(w["rullering"], numbered=numbered)
    b.para(w["prose"])
    if appendix:
        b.heading(f"{w['vedlegg']} 1 Kart over sentrum", 1)
        b.heading(f"{w['vedlegg']} 2 Innspel frå høyringa", 1)


def _toc_entries(w: dict, themes, numbered: bool = True) -> list[tuple[int, str, int]]:
    titles = [w["forord"], w["innledning"], w["status"], w["visjon"], *(t for t, _ in themes), w["areal"],
              w["rullering"]]
    return [(1, f"{k + 1} {t}" if numbered else t, 2 + 2 * k) for k, t in enumerate(titles)]


def _strategies(b, case: KpCase, parent: str, strategies: list[str], *, typed: str | None = None) -> None:
    b.bullets(strategies, typed=typed)
    for k, s in enumerate(strategies, 1):
        case.items.append(ExpItem(f"{parent}.{letters(k)}", s, False, "strategi"))


# -- the forms -------------------------------------------------------------------------------------

def k01_auto_numbered(b: DocBuilder, case: KpCase, w: dict, seed: int) -> None:
    """Word numbers the headings; a TOC field under a TOC Heading; «Vi vil:» bullets under each goal."""
    b.number_headings([("decimal", "%1"), ("decimal", "%1.%2"), ("decimal", "%1.%2.%3")])
    themes = _themes(case.language, seed)
    _cover(b, case, w)
    b.toc(_toc_entries(w, themes), kind="field")
    o = Outline(b, "auto")
    _front(b, o, w)
    for t, (theme, goals) in enumerate(themes):
        n = o.heading(theme)
        case.items.append(ExpItem(f"KP-{n}", theme, True, "satsingsområde"))
        b.para(w["prose"])
        for g, (goal, strategies) in enumerate(goals):
            m = o.heading(goal, 2)
            p_title = goal
            if t == 0 and g == 0:  # a tracked insertion counts, a tracked deletion does not
                p = b.d.paragraphs[-1]
                b.tracked(p, inserted=" for alle", deleted=" (utkast)")
                p_title = goal + " for alle"
            case.items.append(ExpItem(f"KP-{m}", p_title, True, "mål"))
            b.para(w["prose"])
            b.para(w["vi_vil"], bold=True)
            _strategies(b, case, f"KP-{m}", strategies)
    _back(b, o, w)
    b.header_footer(f"{case.kommune[1]} kommune – {case.plan_name}", "Side 1")


def k02_typed_numbers(b: DocBuilder, case: KpCase, w: dict, seed: int) -> None:
    """Numbers typed in the heading text; TOC in TOC styles only; a colon inside a goal's title."""
    themes = _themes(case.language, seed + 1)
    _cover(b, case, w)
    b.toc(_toc_entries(w, themes), kind="styles")
    o = Outline(b, "typed")
    _front(b, o, w)
    for t, (theme, goals) in enumerate(themes):
        n = o.heading(theme)
        case.items.append(ExpItem(f"KP-{n}", theme, True, "satsingsområde"))
        b.para(w["prose"])
        for g, (goal, strategies) in enumerate(goals):
            title = f"{goal}: et felles ansvar" if g == 0 else goal
            m = o.heading(title, 2)
            case.items.append(ExpItem(f"KP-{m}", title, True, "mål"))
            b.para(w["prose"])
            b.para(w["strategier"], bold=True)
            _strategies(b, case, f"KP-{m}", strategies)
    _back(b, o, w, appendix=True)


def k03_bullet_goals(b: DocBuilder, case: KpCase, w: dict, seed: int) -> None:
    """Goals and strategies as bullet lists after «Mål:» and «Strategier:» under a numbered theme."""
    b.number_headings([("decimal", "%1"), ("decimal", "%1.%2")])
    themes = _themes(case.language, seed + 2)
    _cover(b, case, w)
    b.toc(_toc_entries(w, themes), kind="sdt")
    o = Outline(b, "auto")
    _front(b, o, w)
    for theme, goals in themes:
        n = o.heading(theme)
        case.items.append(ExpItem(f"KP-{n}", theme, True, "satsingsområde"))
        b.para(w["prose"])
        b.para(w["maal"], bold=True)
        b.bullets([g for g, _ in goals])
        k = 0
        for goal, _ in goals:
            k += 1
            case.items.append(ExpItem(f"KP-{n}.{letters(k)}", goal, False, "mål"))
        b.para(w["strategier"], bold=True)
        strategies = [s for _, ss in goals for s in ss[:2]]
        b.bullets(strategies)
        for s in strategies:
            k += 1
            case.items.append(ExpItem(f"KP-{n}.{letters(k)}", s, False, "strategi"))
    _back(b, o, w)


def k04_unnumbered_goal_headings(b: DocBuilder, case: KpCase, w: dict, seed: int) -> None:
    """Numbered themes, unnumbered Heading 2 goals, «Vi vil:» with bullets (typed dashes in nynorsk)."""
    b.number_headings([("decimal", "%1")])
    themes = _themes(case.language, seed + 3)
    _cover(b, case, w)
    b.toc(_toc_entries(w, themes), kind="field")
    o = Outline(b, "auto")
    _front(b, o, w)
    for theme, goals in themes:
        n = o.heading(theme)
        case.items.append(ExpItem(f"KP-{n}", theme, True, "satsingsområde"))
        b.para(w["prose"])
        for g, (goal, strategies) in enumerate(goals, 1):
            o.heading(goal, 2, numbered=False)
            gid = f"KP-{n}.{letters(g)}"
            case.items.append(ExpItem(gid, goal, False, "mål"))
            b.para(w["prose"])
            b.para(w["vi_vil"])
            _strategies(b, case, gid, strategies, typed="–" if case.language == "nn" else None)
    _back(b, o, w)
    b.header_footer(case.plan_name, f"{case.kommune[1]} kommune")


def k05_bold_goals(b: DocBuilder, case: KpCase, w: dict, seed: int) -> None:
    """Themes typed «1.»; goals as bold Normal paragraphs, each with text and «Vi vil:» bullets."""
    themes = _themes(case.language, seed + 4)
    _cover(b, case, w, title_style=False)
    o = Outline(b, "typed", dot=True)
    _front(b, o, w)
    for theme, goals in themes:
        n = o.heading(theme)
        case.items.append(ExpItem(f"KP-{n}", theme, True, "satsingsområde"))
        b.para(w["prose"])
        for g, (goal, strategies) in enumerate(goals, 1):
            b.para(goal, bold=True)
            gid = f"KP-{n}.{letters(g)}"
            case.items.append(ExpItem(gid, goal, False, "mål"))
            b.para(w["prose"])
            b.para(w["vi_vil"], bold=True)
            _strategies(b, case, gid, strategies)
    _back(b, o, w)
    b.core(title=case.plan_name)


def k06_word_labels(b: DocBuilder, case: KpCase, w: dict, seed: int) -> None:
    """Word numbering with words in the label: «Kapittel %1», «Mål %1.%2»; TOC in a content control."""
    b.number_headings([("decimal", f"{w['kapittel']} %1"), ("decimal", "Mål %1.%2")])
    themes = _themes(case.language, seed + 5)
    _cover(b, case, w)
    b.toc(_toc_entries(w, themes), kind="sdt")
    o = Outline(b, "auto")
    _front(b, o, w)
    for theme, goals in themes:
        n = o.heading(theme)
        case.items.append(ExpItem(f"KP-{n}", theme, True, "satsingsområde"))
        for goal, strategies in goals:
            m = o.heading(goal, 2)
            case.items.append(ExpItem(f"KP-{m}", goal, True, "mål"))
            b.para(w["prose"])
            b.para(w["strategier"], bold=True)
            _strategies(b, case, f"KP-{m}", strategies)
    _back(b, o, w)


def k07_typed_under_unnumbered(b: DocBuilder, case: KpCase, w: dict, seed: int) -> None:
    """Unnumbered themes; goals typed «1.1 …» (headings in bokmål, bold paragraphs in nynorsk); dashes."""
    themes = _themes(case.language, seed + 6)
    _cover(b, case, w)
    b.toc(_toc_entries(w, themes, numbered=False), kind="typed")
    o = Outline(b, "none")
    _front(b, o, w, numbered=False)
    for t, (theme, goals) in enumerate(themes, 1):
        b.heading(theme, 1)
        case.items.append(ExpItem(f"KP-{t}", theme, False, "satsingsområde"))
        b.para(w["prose"])
        for g, (goal, strategies) in enumerate(goals, 1):
            if case.language == "nb":
                b.heading(f"{t}.{g} {goal}", 2)
            else:
                b.para(f"{t}.{g} {goal}", bold=True)
            case.items.append(ExpItem(f"KP-{t}.{g}", goal, True, "mål"))
            b.para(w["vi_vil"])
            _strategies(b, case, f"KP-{t}.{g}", strategies, typed="–")
    _back(b, o, w, numbered=False)


def k08_roman_and_letters(b: DocBuilder, case: KpCase, w: dict, seed: int) -> None:
    """Roman numerals typed in the themes; goals in a Word list lettered «a)»; typed «Vedlegg N»."""
    themes = _themes(case.language, seed + 7)
    _cover(b, case, w)
    o = Outline(b, "typed", roman=True)
    _front(b, o, w)
    for theme, goals in themes:
        n = o.heading(theme)
        case.items.append(ExpItem(f"KP-{n}", theme, True, "satsingsområde"))
        b.para(w["prose"])
        b.para(w["maal"], bold=True)
        nid = b.add_list([("lowerLetter", "%1)")])
        b.numbered([(0, g) for g, _ in goals], nid)
        for g, (goal, _) in enumerate(goals, 1):
            case.items.append(ExpItem(f"KP-{n}.{letters(g)}", goal, True, "mål"))
    _back(b, o, w, appendix=True)


def k09_goal_table(b: DocBuilder, case: KpCase, w: dict, seed: int) -> None:
    """Goals in a «Mål | Strategier» table: goal cells merged down their strategy rows, or bullets in a cell."""
    themes = _themes(case.language, seed + 8)
    _cover(b, case, w)
    b.toc(_toc_entries(w, themes), kind="field")
    o = Outline(b, "typed")
    _front(b, o, w)
    for t, (theme, goals) in enumerate(themes):
        n = o.heading(theme)
        case.items.append(ExpItem(f"KP-{n}", theme, True, "satsingsområde"))
        b.para(w["prose"])
        rows: list[list] = [[w["goal_col"], w["strategy_col"]]]
        merges = []
        for g, (goal, strategies) in enumerate(goals, 1):
            gid = f"KP-{n}.{letters(g)}"
            case.items.append(ExpItem(gid, goal, False, "mål"))
            for k, s in enumerate(strategies, 1):
                case.items.append(ExpItem(f"{gid}.{letters(k)}", s, False, "strategi"))
            if t % 2 == 0:
                first = len(rows)
                rows += [[goal, s] for s in strategies]
                merges.append((0, first, len(rows) - 1))
            else:
                rows.append([goal, list(strategies)])
        b.table(rows, vmerge=merges, bullets_in_cells=t % 2 == 1)
    _back(b, o, w)


def k10_labels(b: DocBuilder, case: KpCase, w: dict, seed: int) -> None:
    """«Livskvalitet Hovedmål 1: …» with the label inside the line, «Delmål 1.1: …», strategies as bullets."""
    themes = _themes(case.language, seed + 9)
    _cover(b, case, w)
    o = Outline(b, "none")
    _front(b, o, w, numbered=False)
    b.heading(w["samfunnsmaal"], 1)
    b.para(w["prose"])
    for t, (theme, goals) in enumerate(themes, 1):
        main, subs = goals[0][0], [goals[0][1][0], goals[1][0]]
        b.para(f"{theme.split(',')[0].split(' og ')[0]} {w['hovedmaal']} {t}: {main}", bold=True)
        case.items.append(ExpItem(f"KP-{t}", main, True, "mål"))
        for k, sub in enumerate(subs, 1):
            b.para(f"{w['delmaal']} {t}.{k}: {sub}")
            case.items.append(ExpItem(f"KP-{t}.{k}", sub, True, "mål"))
        b.para(w["strategier"], bold=True)
        _strategies(b, case, f"KP-{t}.2", goals[1][1])
    _back(b, o, w, numbered=False)


def k11_overrides_and_legal(b: DocBuilder, case: KpCase, w: dict, seed: int) -> None:
    """Roman chapter numbers with isLgl sub-numbers («III.», «3.1»), a restarted list, goals as plain headings."""
    levels = [("upperRoman", "%1."), ("decimal", "%1.%2")]
    base = b.add_list(levels, styles=["Heading1", "Heading2"], legal={1})
    themes = _themes(case.language, seed + 10)
    _cover(b, case, w)
    # the heading list shares its definition with this one and restarts it (startOverride): «I.» again
    b.numbered([(0, "Utkast fra arbeidsgruppen"), (0, "Høringsutkast")], base)
    b.number_headings(levels, abstract_of=base, overrides={0: 1})
    b.toc(_toc_entries(w, themes), kind="field")
    o = Outline(b, "auto")
    _front(b, o, w)
    for theme, goals in themes:
        n = o.heading(theme)
        case.items.append(ExpItem(f"KP-{_roman(int(n))}", theme, True, "satsingsområde"))
        b.para(w["prose"])
        for goal, _ in goals:
            m = o.heading(goal, 2)
            case.items.append(ExpItem(f"KP-{m}", goal, True, "mål"))
            b.para(w["prose"])
    _back(b, o, w)


def k12_handlingsdel(b: DocBuilder, case: KpCase, w: dict, seed: int) -> None:
    """A handlingsdel: «Slik vil vi ha det:» goals and «Dette må gjøres:» / «Slik gjer vi det:» strategies."""
    themes = _themes(case.language, seed + 11)
    case.part = "handlingsdel"
    case.plan_name = ("Kommuneplanens handlingsdel 2025–2028" if case.language == "nb"
                      else "Kommuneplanen sin handlingsdel 2025–2028")
    _cover(b, case, w)
    o = Outline(b, "typed")
    o.heading(w["innledning"])
    b.para(w["prose"])
    for theme, goals in themes:
        n = o.heading(theme)
        case.items.append(ExpItem(f"KP-{n}", theme, True, "satsingsområde"))
        b.para(w["slik_vil"], bold=True)
        b.bullets([g for g, _ in goals])
        k = 0
        for goal, _ in goals:
            k += 1
            case.items.append(ExpItem(f"KP-{n}.{letters(k)}", goal, False, "mål"))
        b.para(w["slik_gjer"], bold=True)
        strategies = [ss[0] for _, ss in goals]
        b.bullets(strategies)
        for s in strategies:
            k += 1
            case.items.append(ExpItem(f"KP-{n}.{letters(k)}", s, False, "strategi"))
    o.heading(w["rullering"])
    b.para(w["prose"])


def k13_bullets_without_label(b: DocBuilder, case: KpCase, w: dict, seed: int) -> None:
    """Themes in capitals typed «3.0 …»; goals as a bullet list right under the theme, with no «Mål:» before it;
    a «3.1 Utfordringer» sub-chapter whose bullets are challenges, not goals."""
    themes = _themes(case.language, seed + 12)
    _cover(b, case, w)
    o = Outline(b, "none")
    n = 0
    for title in (w["forord"], w["innledning"], w["status"], w["visjon"]):
        n += 1
        b.heading(f"{n}.0 {title.upper()}", 1)
        b.para(w["prose"])
    challenges = ["Flere eldre og færre i arbeid", "Lav gjennomføring i videregående skole"] \
        if case.language == "nb" else ["Fleire eldre og færre i arbeid", "Låg gjennomføring i vidaregåande skule"]
    for theme, goals in themes:
        n += 1
        b.heading(f"{n}.0 {theme.upper()}", 1)
        case.items.append(ExpItem(f"KP-{n}.0", theme.upper(), True, "satsingsområde"))
        b.para(w["prose"])
        b.bullets([g for g, _ in goals])
        for k, (goal, _) in enumerate(goals, 1):
            case.items.append(ExpItem(f"KP-{n}.0.{letters(k)}", goal, False, "mål"))
        b.heading(f"{n}.1 {'Utfordringer' if case.language == 'nb' else 'Utfordringar'}", 2)
        b.bullets(challenges)
    del o


def k14_question_headings(b: DocBuilder, case: KpCase, w: dict, seed: int) -> None:
    """Under each theme, «Hvor vil vi?» and «Hvordan kommer vi dit?» headings with bullets (Hamar's web form)."""
    b.number_headings([("decimal", "%1")])
    themes = _themes(case.language, seed + 13)
    _cover(b, case, w)
    b.toc(_toc_entries(w, themes), kind="field")
    o = Outline(b, "auto")
    _front(b, o, w, numbered=True)
    ask_goal, ask_how = ("Hvor vil vi?", "Hvordan kommer vi dit?") if case.language == "nb" else \
        ("Kvar vil vi?", "Korleis kjem vi dit?")
    for theme, goals in themes:
        n = o.heading(theme)
        case.items.append(ExpItem(f"KP-{n}", theme, True, "satsingsområde"))
        b.para(w["prose"])
        o.heading(ask_goal, 2, numbered=False)
        b.bullets([g for g, _ in goals])
        o.heading(ask_how, 2, numbered=False)
        strategies = [ss[0] for _, ss in goals]
        b.bullets(strategies)
        for k, title in enumerate([g for g, _ in goals] + strategies, 1):
            case.items.append(ExpItem(f"KP-{n}.{letters(k)}", title, False, "mål" if k <= len(goals) else "strategi"))
    _back(b, o, w)


def k15_bold_goals_only(b: DocBuilder, case: KpCase, w: dict, seed: int) -> None:
    """Goals as bold paragraphs phrased «I 2036 er … », each followed by text only (no lists)."""
    b.number_headings([("decimal", "%1")])
    themes = _themes(case.language, seed + 14)
    _cover(b, case, w)
    o = Outline(b, "auto")
    _front(b, o, w)
    verb = "er" if case.language == "nb" else "er"
    for theme, goals in themes:
        n = o.heading(theme)
        case.items.append(ExpItem(f"KP-{n}", theme, True, "satsingsområde"))
        b.para(w["prose"])
        for k, (goal, _) in enumerate(goals, 1):
            title = f"I 2036 {verb} {case.kommune[1]} kjent for {goal[0].lower()}{goal[1:]}"
            b.para(title, bold=True)
            case.items.append(ExpItem(f"KP-{n}.{letters(k)}", title, False, "mål"))
            b.para(w["prose"])
    _back(b, o, w)


def k16_letters_and_theme_table(b: DocBuilder, case: KpCase, w: dict, seed: int) -> None:
    """Typed letter goals «a) …» under typed themes, and a «Satsingsområde | Mål | Strategier» table with merged
    theme and goal cells under an unnumbered «Satsingsområder» chapter."""
    themes = _themes(case.language, seed + 15)
    _cover(b, case, w)
    o = Outline(b, "typed")
    _front(b, o, w)
    theme, goals = themes[0]
    n = o.heading(theme)
    case.items.append(ExpItem(f"KP-{n}", theme, True, "satsingsområde"))
    b.para(w["prose"])
    for k, (goal, _) in enumerate(goals, 1):
        b.para(f"{letters(k)}) {goal}")
        case.items.append(ExpItem(f"KP-{n}.{letters(k)}", goal, True, "mål"))
    b.heading("Satsingsområder" if case.language == "nb" else "Satsingsområde", 1)
    rows: list[list] = [[w["theme_col"], w["goal_col"], w["strategy_col"]]]
    merges = []
    for t, (theme, goals) in enumerate(themes[1:], 1):
        tid = f"KP-{letters(t)}"
        case.items.append(ExpItem(tid, theme, False, "satsingsområde"))
        first = len(rows)
        for g, (goal, strategies) in enumerate(goals, 1):
            gid = f"{tid}.{letters(g)}"
            case.items.append(ExpItem(gid, goal, False, "mål"))
            gfirst = len(rows)
            for k, st in enumerate(strategies[:2], 1):
                rows.append([theme, goal, st])
                case.items.append(ExpItem(f"{gid}.{letters(k)}", st, False, "strategi"))
            merges.append((1, gfirst, len(rows) - 1))
        merges.append((0, first, len(rows) - 1))
    b.table(rows, vmerge=merges)
    _back(b, o, w)


def k17_no_heading_styles(b: DocBuilder, case: KpCase, w: dict, seed: int) -> None:
    """No heading styles at all: chapters are bold Normal lines with typed numbers («3 OPPVEKST», «3.1 Trygge …»)."""
    themes = _themes(case.language, seed + 16)
    b.para(case.plan_name or f"{w['part']} 2024–2036", bold=True, size=24)
    case.plan_name = f"{w['part']} 2024–2036"
    b.para(f"{case.kommune[1]} kommune")
    n = 0
    for title in (w["forord"], w["innledning"], w["visjon"]):
        n += 1
        b.para(f"{n} {title.upper()}", bold=True)
        b.para(w["prose"])
    b.para(w["builds_on"])
    b.bullets(w["laws"])
    for theme, goals in themes:
        n += 1
        b.para(f"{n} {theme.upper()}", bold=True)
        case.items.append(ExpItem(f"KP-{n}", theme.upper(), True, "satsingsområde"))
        b.para(w["prose"])
        for g, (goal, strategies) in enumerate(goals, 1):
            b.para(f"{n}.{g} {goal}", bold=True)
            case.items.append(ExpItem(f"KP-{n}.{g}", goal, True, "mål"))
            b.para(w["vi_vil"])
            _strategies(b, case, f"KP-{n}.{g}", strategies[:2])
    n += 1
    b.para(f"{n} {w['areal'].upper()}", bold=True)
    b.bullets(w["area_points"])


def k18_inline_labels_and_three_columns(b: DocBuilder, case: KpCase, w: dict, seed: int) -> None:
    """«Mål: …» and «Strategi: …» on the goal's own line under typed themes, and a «Hovedmål | Delmål |
    Strategier» table with merged cells."""
    themes = _themes(case.language, seed + 17)
    _cover(b, case, w)
    o = Outline(b, "typed")
    _front(b, o, w)
    theme, goals = themes[0]
    n = o.heading(theme)
    case.items.append(ExpItem(f"KP-{n}", theme, True, "satsingsområde"))
    for g, (goal, strategies) in enumerate(goals, 1):
        b.para(f"Mål: {goal}")
        gid = f"KP-{n}.{letters(g)}"
        case.items.append(ExpItem(gid, goal, False, "mål"))
        b.para(w["prose"])
        for k, st in enumerate(strategies[:2], 1):
            b.para(f"Strategi: {st}")
            case.items.append(ExpItem(f"{gid}.{letters(k)}", st, False, "strategi"))
    theme, goals = themes[1]
    n = o.heading(theme)
    case.items.append(ExpItem(f"KP-{n}", theme, True, "satsingsområde"))
    rows: list[list] = [[w["hovedmaal"], w["delmaal"], w["strategy_col"]]]
    merges = []
    main = goals[0][0]
    mid = f"KP-{n}.a"
    case.items.append(ExpItem(mid, main, False, "mål"))
    first = len(rows)
    for d, (sub, strategies) in enumerate(goals[1:] + [(goals[0][1][0], goals[0][1][1:])], 1):
        did = f"{mid}.{letters(d)}"
        case.items.append(ExpItem(did, sub, False, "mål"))
        dfirst = len(rows)
        for k, st in enumerate(strategies[:2], 1):
            rows.append([main, sub, st])
            case.items.append(ExpItem(f"{did}.{letters(k)}", st, False, "strategi"))
        merges.append((1, dfirst, len(rows) - 1))
    merges.append((0, first, len(rows) - 1))
    b.table(rows, vmerge=merges)
    _back(b, o, w)


def k19_distractions(b: DocBuilder, case: KpCase, w: dict, seed: int) -> None:
    """Theme chapters full of what is not a goal: facts introduced by «Kommunen har i dag:», a bold figure caption,
    a bold «Utfordringer» with bullets, a statistics table, and a comment; the goals are «Mål:» lists."""
    b.number_headings([("decimal", "%1"), ("decimal", "%1.%2")])
    themes = _themes(case.language, seed + 18)
    _cover(b, case, w)
    o = Outline(b, "auto")
    _front(b, o, w)
    facts = (["Tre barnehager", "To barneskoler", "Ett bibliotek"] if case.language == "nb" else
             ["Tre barnehagar", "To barneskular", "Eitt bibliotek"])
    for t, (theme, goals) in enumerate(themes):
        n = o.heading(theme)
        case.items.append(ExpItem(f"KP-{n}", theme, True, "satsingsområde"))
        intro = b.para(w["prose"])
        if t == 0:
            b.comment(intro, "Sjekk tallene med statistikken")
        b.para("Kommunen har i dag:" if case.language == "nb" else "Kommunen har i dag:")
        b.bullets(facts)
        b.image("Diagram over befolkningen")
        b.para(f"Figur {t + 1}: Befolkningsutvikling 2010–2024", bold=True)
        b.table([["År", "Innbyggere" if case.language == "nb" else "Innbyggjarar"], ["2010", "5 512"], ["2024", "5 630"]])
        b.para("Utfordringer" if case.language == "nb" else "Utfordringar", bold=True)
        b.bullets(["Færre unge flytter tilbake" if case.language == "nb" else "Færre unge flyttar tilbake"])
        b.para(w["maal"], bold=True)
        b.bullets([g for g, _ in goals])
        for k, (goal, _) in enumerate(goals, 1):
            case.items.append(ExpItem(f"KP-{n}.{letters(k)}", goal, False, "mål"))
    _back(b, o, w)


FORMS = [k01_auto_numbered, k02_typed_numbers, k03_bullet_goals, k04_unnumbered_goal_headings, k05_bold_goals,
         k06_word_labels, k07_typed_under_unnumbered, k08_roman_and_letters, k09_goal_table, k10_labels,
         k11_overrides_and_legal, k12_handlingsdel, k13_bullets_without_label, k14_question_headings,
         k15_bold_goals_only, k16_letters_and_theme_table, k17_no_heading_styles,
         k18_inline_labels_and_three_columns, k19_distractions]


def build(form, language: str, kommune: tuple[str, str], seed: int) -> KpCase:
    case = KpCase(f"kp-{form.__name__[:3]}-{language}", form.__name__[4:].replace("_", " "), language, kommune,
                  "", "samfunnsdel")
    b = DocBuilder(language)
    form(b, case, KP_WORDS[language], seed)
    case.data = b.save()
    return case
