"""Score kp import, extract and check on the generated test set, per form; print the tables of docs/import.md.

    python -m tests.realdocs.score            # print the Markdown tables
    python -m tests.realdocs.score --write    # put them into docs/import.md (between the «scores» markers)

Items are matched by title (case and spacing ignored), one to one. Recall is matched / expected, precision
matched / found. For kp import «ids right» counts the numbered items found whose id is the one the document
shows. For extract, «fields right» counts the found measures whose responsible, cost and years all equal the
expected ones. For check, the precision is the findings judged real (planted in the document, listed in its
case) over all findings.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from tests.realdocs.cases import kp_cases, plan_cases

TODAY = dt.date(2025, 6, 1)
DOC = Path(__file__).resolve().parents[2] / "docs" / "import.md"
BEGIN, END = "<!-- scores:begin (python -m tests.realdocs.score --write) -->", "<!-- scores:end -->"


def norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", (text or "")).strip().rstrip(":.").casefold()


@dataclass
class Tally:
    """Counts for one measure over some documents."""

    docs: int = 0
    expected: int = 0
    found: int = 0
    matched: int = 0
    checked: int = 0  # ids or fields compared
    right: int = 0
    generated: int = 0  # unnumbered items found (kp import): their ids are docplan's own
    generated_right: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    def add(self, other: "Tally") -> None:
        for name in ("docs", "expected", "found", "matched", "checked", "right", "generated", "generated_right"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.misses += other.misses
        self.extras += other.extras
        self.wrong += other.wrong

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 1.0

    @property
    def accuracy(self) -> float:
        return self.right / self.checked if self.checked else 1.0


def match(expected: list[str], found: list[str]) -> list[tuple[int, int]]:
    """Return (expected index, found index) pairs of equal titles, each used once, in document order."""
    free: dict[str, list[int]] = defaultdict(list)
    for j, title in enumerate(found):
        free[norm(title)].append(j)
    pairs = []
    for i, title in enumerate(expected):
        slots = free.get(norm(title))
        if slots:
            pairs.append((i, slots.pop(0)))
    return pairs


def score_kp(case, items) -> Tally:
    """Score one catalogue (a list of `KpItem`) against a generated kommuneplan."""
    t = Tally(docs=1, expected=len(case.items), found=len(items))
    pairs = match([e.title for e in case.items], [i.title for i in items])
    t.matched = len(pairs)
    hit_e, hit_f = {i for i, _ in pairs}, {j for _, j in pairs}
    t.misses = [f"{case.name}: {e.id} «{e.title}»" for i, e in enumerate(case.items) if i not in hit_e]
    t.extras = [f"{case.name}: {x.id} «{x.title}»" for j, x in enumerate(items) if j not in hit_f]
    for i, j in pairs:
        e, x = case.items[i], items[j]
        if e.numbered:
            t.checked += 1
            if x.id == e.id and x.numbered is not False:
                t.right += 1
            else:
                t.wrong.append(f"{case.name}: «{e.title}» {x.id}, ventet {e.id}")
        else:
            t.generated += 1
            if x.id == e.id and x.numbered is False:
                t.generated_right += 1
            else:
                t.wrong.append(f"{case.name}: «{e.title}» {x.id} (numbered: {x.numbered}), ventet {e.id}")
    return t


def score_goals(case, goals: list[dict]) -> Tally:
    expected = [g[1] for g in case.goals] + [s[1] for g in case.goals for s in g[2]]
    found = [g["title"] for g in goals] + [s["title"] for g in goals for s in g.get("sub_goals", [])]
    t = Tally(docs=1, expected=len(expected), found=len(found))
    pairs = match(expected, found)
    t.matched = len(pairs)
    hit_e, hit_f = {i for i, _ in pairs}, {j for _, j in pairs}
    t.misses = [f"{case.name}: «{x}»" for i, x in enumerate(expected) if i not in hit_e]
    t.extras = [f"{case.name}: «{x}»" for j, x in enumerate(found) if j not in hit_f]
    return t


def score_measures(case, measures: list[dict]) -> Tally:
    """Recall and precision of measures by title; ``right``: found measures with responsible, cost and years right."""
    t = Tally(docs=1, expected=len(case.measures), found=len(measures))
    pairs = match([m.title for m in case.measures], [m["title"] for m in measures])
    t.matched = len(pairs)
    hit_e, hit_f = {i for i, _ in pairs}, {j for _, j in pairs}
    t.misses = [f"{case.name}: «{m.title}»" for i, m in enumerate(case.measures) if i not in hit_e]
    t.extras = [f"{case.name}: «{m['title']}»" for j, m in enumerate(measures) if j not in hit_f]
    for i, j in pairs:
        e, x = case.measures[i], measures[j]
        t.checked += 1
        got = (norm(x.get("responsible")) or None, x.get("cost_nok"), tuple(x.get("years") or ()))
        want = (norm(e.responsible) or None, e.cost_nok, e.years)
        if got == want:
            t.right += 1
        else:
            t.wrong.append(f"{case.name}: «{e.title}» {got}, ventet {want}")
    return t


def score_meta(case, result) -> Tally:
    """Title, kommune, period, adoption date, case number and language: each right or not."""
    t = Tally(docs=1)
    checks = {
        "tittel": (norm(result.title), norm(case.title)),
        "kommune": (result.municipality[0] if result.municipality else None, case.kommune[0]),
        "periode": (result.period, case.period),
        "vedtaksdato": (result.adopted, case.adopted),
        "saksnummer": (result.case_no, case.case_no),
        "målform": (result.language, case.language),
    }
    for what, (got, want) in checks.items():
        t.checked += 1
        if got == want:
            t.right += 1
        else:
            t.wrong.append(f"{case.name}: {what} {got!r}, ventet {want!r}")
    return t


def score_check(case, findings) -> Tally:
    """``found``: all findings; ``matched``: those judged real; ``expected``: the planted ones."""
    t = Tally(docs=1, expected=len(case.findings), found=len(findings))
    seen = {(f.rule, f.subject) for f in findings}
    real = [f for f in findings if (f.rule, f.subject) in case.findings]
    t.matched = len(real)
    t.extras = [f"{case.name}: {f.rule} «{f.subject}» {f.message}" for f in findings
                if (f.rule, f.subject) not in case.findings]
    t.misses = [f"{case.name}: {rule} «{subject}»" for rule, subject in sorted(case.findings)
                if (rule, subject) not in seen]
    return t


@cache
def run_kp() -> dict[str, Tally]:
    from docplan.kommuneplan import import_kommuneplan

    out: dict[str, Tally] = defaultdict(Tally)
    for case in kp_cases():
        result = import_kommuneplan(case.data, name=f"{case.name}.docx")
        out[case.form].add(score_kp(case, result.master_plan.items))
    return dict(out)


@cache
def run_extract() -> dict[str, dict[str, Tally]]:
    from docplan.extract import extract_plan

    out: dict[str, dict[str, Tally]] = defaultdict(lambda: defaultdict(Tally))
    for case in plan_cases():
        result = extract_plan(case.data, name=f"{case.name}.docx")
        out[case.form]["goals"].add(score_goals(case, result.goals))
        out[case.form]["measures"].add(score_measures(case, result.measures))
        out[case.form]["meta"].add(score_meta(case, result))
    return {k: dict(v) for k, v in out.items()}


@cache
def run_check() -> dict[str, Tally]:
    from docplan.checks import run_checks

    out: dict[str, Tally] = defaultdict(Tally)
    for case in plan_cases():
        out[case.form].add(score_check(case, run_checks(document=case.data, today=TODAY)))
    return dict(out)


def total(tallies) -> Tally:
    t = Tally()
    for x in tallies:
        t.add(x)
    return t


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def markdown() -> str:
    """Return the scores as the Markdown tables of docs/import.md."""
    kp = run_kp()
    lines = [f"### kp import ({len(kp_cases())} kommuneplaner)", "",
             "| form | docs | items | found | recall | precision | ids right (numbered) | generated ids as documented |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for form, t in list(kp.items()) + [("**all**", total(kp.values()))]:
        lines.append(f"| {form} | {t.docs} | {t.expected} | {t.found} | {_pct(t.recall)} | {_pct(t.precision)} | "
                     f"{t.right}/{t.checked} | {t.generated_right}/{t.generated} |")
    ex = run_extract()
    lines += ["", f"### extract ({len(plan_cases())} rusplaner)", "",
              "| form | docs | goals recall | goals precision | measures recall | measures precision | "
              "responsible+cost+years right | plan facts right |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    rows = list(ex.items()) + [("**all**", {k: total(v[k] for v in ex.values()) for k in ("goals", "measures", "meta")})]
    for form, d in rows:
        g, m, meta = d["goals"], d["measures"], d["meta"]
        lines.append(f"| {form} | {g.docs} | {_pct(g.recall)} | {_pct(g.precision)} | {_pct(m.recall)} | "
                     f"{_pct(m.precision)} | {m.right}/{m.checked} ({_pct(m.accuracy)}) | {meta.right}/{meta.checked} |")
    ch = run_check()
    lines += ["", "### check on the hand-written rusplaner (no data)", "",
              "| form | docs | findings | judged real | precision | planted found |", "|---|---:|---:|---:|---:|---:|"]
    for form, t in list(ch.items()) + [("**all**", total(ch.values()))]:
        planted = t.expected - len(t.misses)
        lines.append(f"| {form} | {t.docs} | {t.found} | {t.matched} | {_pct(t.precision)} | {planted}/{t.expected} |")
    return "\n".join(lines)


def write_doc(path: Path = DOC) -> None:
    """Replace the scores section of docs/import.md with freshly measured tables."""
    text = path.read_text("utf-8")
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    path.write_text(f"{head}{BEGIN}\n{markdown()}\n{END}{tail}", "utf-8")


def doc_scores(path: Path = DOC) -> str:
    """Return the scores section docs/import.md holds."""
    return path.read_text("utf-8").partition(BEGIN)[2].partition(END)[0].strip()


if __name__ == "__main__":
    if "--write" in sys.argv[1:]:
        write_doc()
    else:
        print(markdown())
