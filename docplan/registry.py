"""The template registry: a folder of versioned .docx templates and an ``index.yaml`` describing them.

Maintainers publish a new version by adding a file and an index entry, never by overwriting one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from docplan.errors import ConfigError, Location
from docplan.i18n import _


@dataclass(frozen=True)
class TemplateEntry:
    """One published template version."""

    id: str
    version: str
    language: str
    path: Path
    required_chapters: tuple[str, ...] = field(default_factory=tuple)

    @property
    def version_key(self) -> tuple[int, ...]:
        return version_key(self.version)


def version_key(version: str) -> tuple[int, ...]:
    """Return a sortable key for a dotted version such as ``1.10.0``."""
    return tuple(int(x) for x in re.findall(r"\d+", str(version))) or (0,)


def default_registry_dir() -> Path:
    """Return the registry shipped with docplan (installed as the ``docplan.templates`` package)."""
    try:
        # the package's own folder: what importlib.resources would answer, without its ~7 ms import
        from docplan import templates as package

        folder = Path(package.__file__).parent
        if (folder / "index.yaml").is_file():
            return folder
    except (ImportError, TypeError):
        pass
    return Path(__file__).resolve().parent.parent / "templates"


def load_registry(folder: Path | None = None) -> list[TemplateEntry]:
    """Return every template entry of a registry folder, as listed in its index.yaml."""
    folder = Path(folder) if folder else default_registry_dir()
    index = folder / "index.yaml"
    try:
        mtime = index.stat().st_mtime_ns
    except FileNotFoundError:
        raise ConfigError(_("malregisteret mangler index.yaml"), Location(file=str(index))) from None
    return list(_load_index(str(index), mtime))


@lru_cache(maxsize=16)
def _load_index(index_path: str, mtime_ns: int) -> tuple[TemplateEntry, ...]:
    # cached per file version: a publish (new mtime) is seen at once, a render loop does not re-read YAML
    index = Path(index_path)
    folder = index.parent
    try:
        data = yaml.safe_load(index.read_text("utf-8")) or {}
    except FileNotFoundError:
        raise ConfigError(_("malregisteret mangler index.yaml"), Location(file=str(index))) from None
    except yaml.YAMLError as exc:
        raise ConfigError(_("index.yaml i malregisteret er ugyldig: {error}").format(error=exc),
                          Location(file=str(index))) from exc
    out = []
    for i, t in enumerate(data.get("templates") or []):
        try:
            out.append(TemplateEntry(str(t["id"]), str(t["version"]), str(t["language"]), folder / t["file"],
                                     tuple(t.get("required_chapters") or ())))
        except (KeyError, TypeError) as exc:
            raise ConfigError(_("oppføring nr. {i} i index.yaml mangler {error}").format(i=i + 1, error=exc),
                              Location(file=str(index))) from exc
    return tuple(out)


def latest(template_id: str | None = None, language: str = "nb", folder: Path | None = None) -> TemplateEntry:
    """Return the newest version of a template (default: the standard plan template) for a language."""
    entries = [e for e in load_registry(folder) if e.language == language
               and (template_id is None or e.id == template_id)]
    if template_id is None:
        entries = [e for e in entries if e.id == "rusplan-standard"] or entries
    if not entries:
        raise ConfigError(_("ingen mal «{value}» for språket «{language}» i registeret").format(
                              value=template_id or 'rusplan-standard', language=language))
    return max(entries, key=lambda e: e.version_key)


def find(template_id: str, version: str, language: str | None = None, folder: Path | None = None) -> TemplateEntry | None:
    """Return a specific published version, or None."""
    for e in load_registry(folder):
        if e.id == template_id and e.version == version and (language is None or e.language == language):
            return e
    return None
