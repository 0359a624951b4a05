"""Consistency checks for plan data and documents (rule plugins).

A rule is a small function registered with `rule`; it receives a `CheckContext` (the plan data,
the document view, the kommuneplan catalogue) and yields `Finding`s. Rules never raise for a
problem in the plan: a problem is a finding. `run_checks` runs every enabled rule once over a
document read once, then applies the configuration (disabled rules, changed severities, per
municipality). Rule ids are stable and dotted (``measures.without_goal``) and are the same in the
text report, JSON, SARIF, Word comments and tests; see ``docs/checks.md``.
"""

from __future__ import annotations

import datetime as dt
import enum
import os
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from docplan.errors import ConfigError, Location
from docplan.i18n import N_
from docplan.i18n import _

if TYPE_CHECKING:
    from docplan.checks.context import CheckContext


class Severity(str, enum.Enum):
    """How serious a finding is; ``rank`` orders them (error highest)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]

    @property
    def label(self) -> str:
        """Return the Norwegian word the planner reads (in the current målform)."""
        from docplan.i18n import translate

        return translate(_SEVERITY_LABELS[self.value])


_SEVERITY_LABELS = {"error": N_("feil"), "warning": N_("advarsel"), "info": N_("merknad")}


@dataclass(frozen=True)
class Finding:
    """One inconsistency: rule id, severity, Norwegian message and fix, where it is, what it is about."""

    rule: str
    severity: Severity
    message: str
    fix: str = ""
    location: Location = field(default_factory=Location)
    subject: str | None = None
    chapter: str | None = None
    municipality: str | None = None

    def to_dict(self) -> dict:
        from docplan.checks.report import finding_dict

        return finding_dict(self)


@dataclass(frozen=True)
class Rule:
    """A registered rule: id, default severity, one-line Norwegian title, the code it matches.

    ``title`` is the bokmål title as registered (a catalogue message); `display_title` reads it in the
    current målform.
    """

    id: str
    severity: Severity
    title: str
    func: Callable[["CheckContext"], Iterable[Finding]]
    known_issue: str | None = None

    @property
    def display_title(self) -> str:
        from docplan.i18n import translate

        return translate(self.title)

    def finding(self, message: str, fix: str = "", *, location: Location | None = None, subject: str | None = None,
                chapter: str | None = None, municipality: str | None = None) -> Finding:
        return Finding(self.id, self.severity, message, fix, location or Location(), subject, chapter, municipality)


RULES: dict[str, Rule] = {}


def rule(rule_id: str, severity: Severity | str, title: str, *, known_issue: str | None = None):
    """Register a rule function under a stable dotted id (decorator)."""

    def deco(func):
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id} registered twice")
        RULES[rule_id] = Rule(rule_id, Severity(severity), title, func, known_issue)
        func.rule = RULES[rule_id]
        return func

    return deco


# -- configuration -----------------------------------------------------------------------------

@dataclass(frozen=True)
class RuleSetting:
    enabled: bool = True
    severity: Severity | None = None


@dataclass
class CheckConfig:
    """Disabled rules and changed severities, globally and per municipality (kommunenummer); and the other
    names a municipality gives the required chapters (``kapitler``: chapter → names, or None: not required)."""

    rules: dict[str, RuleSetting] = field(default_factory=dict)
    municipalities: dict[str, dict[str, RuleSetting]] = field(default_factory=dict)
    chapters: dict[str, list[str] | None] = field(default_factory=dict)
    municipality_chapters: dict[str, dict[str, list[str] | None]] = field(default_factory=dict)

    def chapter_names(self, municipality: str | None = None) -> dict[str, list[str] | None]:
        """Return required chapter → the other names it goes by (None: not required), for one municipality."""
        return {**self.chapters, **self.municipality_chapters.get(municipality or "", {})}

    def setting(self, rule_id: str, municipality: str | None = None) -> RuleSetting:
        base = self.rules.get(rule_id, RuleSetting())
        local = self.municipalities.get(municipality or "", {}).get(rule_id)
        if local is None:
            return base
        return RuleSetting(local.enabled, local.severity or base.severity)


def _parse_settings(raw, where: str, file: str) -> dict[str, RuleSetting]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ConfigError(_("«{where}» må være en liste med regel-id: innstilling").format(where=where),
                          Location(file=file))
    out = {}
    for rule_id, value in raw.items():
        rule_id = str(rule_id)
        if rule_id not in RULES:
            known = ", ".join(sorted(RULES))
            raise ConfigError(_("ukjent regel «{rule_id}» under «{where}»; kjente regler: {known}").format(
                                  rule_id=rule_id, where=where, known=known), Location(file=file))
        if value in (False, "off", "av"):
            out[rule_id] = RuleSetting(False)
        elif value in (True, "on", "på"):
            out[rule_id] = RuleSetting(True)
        elif isinstance(value, str) and value in Severity._value2member_map_:
            out[rule_id] = RuleSetting(True, Severity(value))
        elif isinstance(value, dict) and set(value) <= {"enabled", "severity"}:
            sev = value.get("severity")
            if sev is not None and sev not in Severity._value2member_map_:
                raise ConfigError(_("regel «{rule_id}»: alvorlighet må være error, warning eller info, ikke "
                                    "«{sev}»").format(
                                      rule_id=rule_id, sev=sev),
                                  Location(file=file))
            out[rule_id] = RuleSetting(bool(value.get("enabled", True)), Severity(sev) if sev else None)
        else:
            raise ConfigError(_("regel «{rule_id}»: bruk off, en alvorlighet (error/warning/info) eller {{enabled: "
                                "…, severity: …}}").format(rule_id=rule_id), Location(file=file))
    return out


def _parse_chapters(raw, where: str, file: str) -> dict[str, list[str] | None]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ConfigError(_("«{where}» må være en liste med kapittel: [andre navn]").format(where=where),
                          Location(file=file))
    out: dict[str, list[str] | None] = {}
    for chapter, names in raw.items():
        if names in (False, "off", "av"):
            out[str(chapter)] = None
        elif isinstance(names, str):
            out[str(chapter)] = [names]
        elif isinstance(names, list) and all(isinstance(n, str) for n in names):
            out[str(chapter)] = list(names)
        else:
            raise ConfigError(_("kapittel «{chapter}» under «{where}»: oppgi andre navn som en liste med tekst, "
                                "eller off om kapitlet ikke kreves").format(chapter=chapter, where=where),
                              Location(file=file))
    return out


def load_config(path: str | Path | None) -> CheckConfig:
    """Read a check configuration (YAML): ``rules:`` for everyone, ``kommuner: {NNNN: {rules: …}}`` per municipality;
    ``kapitler:`` (also per municipality) gives the required chapters' other names."""
    _load_rule_modules()
    if path is None:
        return CheckConfig()
    import yaml

    file = str(path)
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a FIFO would wait forever, a device never end
            raise ConfigError(_("konfigurasjonsfila er ikke en vanlig fil (en FIFO, en enhet, en mappe eller "
                                "lignende), og blir ikke lest"), Location(file=file), code="not_a_file")
        raw = yaml.safe_load(Path(path).read_text("utf-8")) or {}
    except FileNotFoundError:
        raise ConfigError(_("konfigurasjonsfila finnes ikke"), Location(file=file)) from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(_("konfigurasjonsfila er ikke gyldig YAML ({error})").format(error=exc),
                          Location(file=file)) from exc
    if not isinstance(raw, dict) or not set(raw) <= {"rules", "kommuner", "kapitler"}:
        raise ConfigError(_("konfigurasjonsfila kan bare ha feltene «rules», «kapitler» og «kommuner»"),
                          Location(file=file))
    munis, muni_chapters = {}, {}
    for number, section in (raw.get("kommuner") or {}).items():
        section = section or {}
        if not isinstance(section, dict) or not set(section) <= {"rules", "kapitler"}:
            raise ConfigError(_("«kommuner.{number}» kan bare ha feltene «rules» og «kapitler»").format(number=number),
                              Location(file=file))
        key = f"{number:04d}" if isinstance(number, int) else str(number)
        munis[key] = _parse_settings(section.get("rules"), f"kommuner.{number}.rules", file)
        muni_chapters[key] = _parse_chapters(section.get("kapitler"), f"kommuner.{number}.kapitler", file)
    return CheckConfig(_parse_settings(raw.get("rules"), "rules", file), munis,
                       _parse_chapters(raw.get("kapitler"), "kapitler", file), muni_chapters)


# -- running -----------------------------------------------------------------------------------

def _load_rule_modules() -> None:
    from docplan.checks import (  # noqa: F401  (importing registers the rules)
        accessibility, economy, goals, measures, numbering, period, references, structure)
    from docplan.checks import alcohol, knowledge, national_plans, participation, people, yearly  # noqa: F401


def run_checks(*, document=None, data=None, kp=None, config: CheckConfig | None = None,
               municipality: str | None = None, today: dt.date | None = None,
               only: Iterable[str] | None = None, lang: str | None = None) -> "Findings":
    """Return the findings for a document and/or plan data, sorted by paragraph, then data order.

    ``document`` is a path, bytes or `DocumentView`; ``data`` a path or `Plan`; ``kp`` a catalogue
    file or a list of `Municipality`. Input that cannot be read raises a `DocplanError`. Messages are in
    ``lang`` ("nb"/"nn"), else in the document's language, else the plan data's (`finding_language`).
    """
    from docplan.checks.context import build_context
    from docplan.i18n import language

    _load_rule_modules()
    config = config or CheckConfig()
    ctx = build_context(document=document, data=data, kp=kp, today=today, municipality=municipality, config=config)
    chosen = finding_language(ctx.doc, ctx.plan, lang)
    with language(chosen):
        return Findings(_run(ctx, config, municipality, only), chosen)


class Findings(list):
    """The findings of one check (a list), with the målform their messages are in (``language``), so a
    report or Word comments written from them use the same."""

    def __init__(self, findings=(), language: str = "nb"):
        super().__init__(findings)
        self.language = language


def finding_language(document=None, plan=None, lang: str | None = None) -> str:
    """Return the målform of a check's messages: ``lang`` when given, else the document's language, else
    the plan data's, else bokmål."""
    from docplan.i18n import normalise_lang

    if lang:
        return normalise_lang(lang)
    doc_lang = getattr(document, "language", None)
    return normalise_lang(doc_lang) if doc_lang else normalise_lang(getattr(plan, "language", None))


def _run(ctx, config: CheckConfig, municipality: str | None, only) -> list[Finding]:
    selected = set(only) if only is not None else None
    findings: list[Finding] = []
    for rule_id, r in RULES.items():
        if selected is not None and rule_id not in selected:
            continue
        for f in r.func(ctx):
            setting = config.setting(rule_id, f.municipality or municipality or ctx.single_municipality)
            if not setting.enabled:
                continue
            if setting.severity is not None:
                f = replace(f, severity=setting.severity)
            if f.chapter is None and ctx.doc is not None:
                f = replace(f, chapter=ctx.doc.chapter_of(f.location.paragraph))
            findings.append(f)
    return sorted(findings, key=_order)


def _order(f: Finding):
    loc = f.location
    return (loc.paragraph is None, loc.paragraph or 0, loc.line or 0, f.rule, f.subject or "")


def all_rules() -> list[Rule]:
    """Return every registered rule, sorted by id."""
    _load_rule_modules()
    return [RULES[k] for k in sorted(RULES)]


__all__ = ["Finding", "Severity", "Rule", "RULES", "rule", "CheckConfig", "RuleSetting", "load_config",
           "run_checks", "all_rules", "finding_language", "Findings"]
