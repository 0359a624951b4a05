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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from docplan.errors import ConfigError, Location

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
        """Return the Norwegian word the planner reads."""
        return {"error": "feil", "warning": "advarsel", "info": "merknad"}[self.value]


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
    """A registered rule: id, default severity, one-line Norwegian title, the code it matches."""

    id: str
    severity: Severity
    title: str
    func: Callable[["CheckContext"], Iterable[Finding]]
    known_issue: str | None = None

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
    """Disabled rules and changed severities, globally and per municipality (kommunenummer)."""

    rules: dict[str, RuleSetting] = field(default_factory=dict)
    municipalities: dict[str, dict[str, RuleSetting]] = field(default_factory=dict)

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
        raise ConfigError(f"«{where}» må være en liste med regel-id: innstilling", Location(file=file))
    out = {}
    for rule_id, value in raw.items():
        rule_id = str(rule_id)
        if rule_id not in RULES:
            known = ", ".join(sorted(RULES))
            raise ConfigError(f"ukjent regel «{rule_id}» under «{where}»; kjente regler: {known}", Location(file=file))
        if value in (False, "off", "av"):
            out[rule_id] = RuleSetting(False)
        elif value in (True, "on", "på"):
            out[rule_id] = RuleSetting(True)
        elif isinstance(value, str) and value in Severity._value2member_map_:
            out[rule_id] = RuleSetting(True, Severity(value))
        elif isinstance(value, dict) and set(value) <= {"enabled", "severity"}:
            sev = value.get("severity")
            if sev is not None and sev not in Severity._value2member_map_:
                raise ConfigError(f"regel «{rule_id}»: alvorlighet må være error, warning eller info, ikke «{sev}»",
                                  Location(file=file))
            out[rule_id] = RuleSetting(bool(value.get("enabled", True)), Severity(sev) if sev else None)
        else:
            raise ConfigError(f"regel «{rule_id}»: bruk off, en alvorlighet (error/warning/info) eller "
                              "{enabled: …, severity: …}", Location(file=file))
    return out


def load_config(path: str | Path | None) -> CheckConfig:
    """Read a check configuration (YAML): ``rules:`` for everyone, ``kommuner: {NNNN: {rules: …}}`` per municipality."""
    _load_rule_modules()
    if path is None:
        return CheckConfig()
    import yaml

    file = str(path)
    try:
        raw = yaml.safe_load(Path(path).read_text("utf-8")) or {}
    except FileNotFoundError:
        raise ConfigError("konfigurasjonsfila finnes ikke", Location(file=file)) from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"konfigurasjonsfila er ikke gyldig YAML ({exc})", Location(file=file)) from exc
    if not isinstance(raw, dict) or not set(raw) <= {"rules", "kommuner"}:
        raise ConfigError("konfigurasjonsfila kan bare ha feltene «rules» og «kommuner»", Location(file=file))
    munis = {}
    for number, section in (raw.get("kommuner") or {}).items():
        section = section or {}
        if not isinstance(section, dict):
            raise ConfigError(f"«kommuner.{number}» må ha feltet «rules»", Location(file=file))
        munis[f"{number:04d}" if isinstance(number, int) else str(number)] = \
            _parse_settings(section.get("rules"), f"kommuner.{number}.rules", file)
    return CheckConfig(_parse_settings(raw.get("rules"), "rules", file), munis)


# -- running -----------------------------------------------------------------------------------

def _load_rule_modules() -> None:
    from docplan.checks import (  # noqa: F401  (importing registers the rules)
        accessibility, economy, goals, measures, numbering, period, references, structure)


def run_checks(*, document=None, data=None, kp=None, config: CheckConfig | None = None,
               municipality: str | None = None, today: dt.date | None = None,
               only: Iterable[str] | None = None) -> list[Finding]:
    """Return the findings for a document and/or plan data, sorted by paragraph, then data order.

    ``document`` is a path, bytes or `DocumentView`; ``data`` a path or `Plan`; ``kp`` a catalogue
    file or a list of `Municipality`. Input that cannot be read raises a `DocplanError`.
    """
    from docplan.checks.context import build_context

    _load_rule_modules()
    ctx = build_context(document=document, data=data, kp=kp, today=today, municipality=municipality)
    config = config or CheckConfig()
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
           "run_checks", "all_rules"]
