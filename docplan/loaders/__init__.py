"""Load plan data from YAML, JSON or XLSX into a validated `Plan`, with precise error locations.

`load_plan` dispatches on the file suffix. Each format loader returns the raw data plus a map from
data path to `Location`; `validate_plan` turns that into a `Plan` or one `DataError` listing every
problem (pydantic's and the cross-reference checks'), each at its file/line/column or sheet/cell.
"""

from __future__ import annotations

import copy
import os
import re
import stat
from pathlib import Path
from typing import Any, Callable

from pydantic import ValidationError

from docplan.errors import DataError, Location, Problem
from docplan.model import (HOURS_TAGS, Goal, KnowledgeBase, Measure, Meta, Municipality, Plan, PlanInfo,
                           reference_problems)
from docplan.municipalities import lookup_municipality
from docplan.i18n import N_, _, language, ngettext

#: Data files larger than this are refused before parsing.
MAX_DATA_BYTES = int(os.environ.get("DOCPLAN_MAX_DATA_BYTES", 20 * 1024 * 1024))

PositionMap = dict[tuple, Location]

_SECTION_NAMES = {
    "measures": N_("tiltak"),
    "goals": N_("hovedmål"),
    "sub_goals": N_("delmål"),
    "municipalities": N_("kommune"),
    "master_plans": N_("kommuneplan"),
    "items": N_("kommuneplanpunkt"),
    "funding": N_("finansiering"),
    "indicators": N_("indikator"),
    "values": N_("tall"),
    "reports": N_("rapport"),
    "participation": N_("medvirkning"),
}


#: Groups of fields whose inner keys alone would not say which value is meant.
_NESTED_FIELDS = {"alcohol_policy", "sales_hours", "serving_hours", "outlets", "hearing", "organisation"}


_NOT_REGULAR = (
    (stat.S_ISDIR, N_("dette er en mappe, ikke en fil")),
    (stat.S_ISFIFO, N_("dette er et navngitt rør (FIFO), ikke en vanlig fil")),
    (stat.S_ISCHR, N_("dette er en enhetsfil, ikke en vanlig fil")),
    (stat.S_ISBLK, N_("dette er en enhetsfil, ikke en vanlig fil")),
    (stat.S_ISSOCK, N_("dette er en socket, ikke en vanlig fil")),
)


def _refuse_unless_regular(mode: int, file: str) -> None:
    if stat.S_ISREG(mode):
        return
    reason = next((text for test, text in _NOT_REGULAR if test(mode)), N_("dette er ikke en vanlig fil"))
    raise DataError(_("{reason}; oppgi en plandatafil (.yaml, .json eller .xlsx)").format(reason=_(reason)),
                    Location(file=file),
                    code="not_a_file")


def read_limited(path: Path, *, binary: bool = False) -> bytes:
    """Return the bytes of a data file after checking that it exists, is a regular file, is small
    enough and is not empty.

    A FIFO or a device would block the read (or never end), so anything that is not a regular file is
    refused before it is opened, and checked again on the open descriptor in case it was swapped.
    """
    file = str(path)
    try:
        _refuse_unless_regular(os.stat(path).st_mode, file)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise DataError(_("filen finnes ikke"), Location(file=file), code="not_found") from None
    except PermissionError:
        raise DataError(_("filen kan ikke leses (mangler tilgang)"), Location(file=file), code="unreadable") from None
    except OSError as exc:
        raise DataError(_("filen kan ikke leses ({reason})").format(reason=exc.strerror), Location(file=file),
                        code="unreadable") from exc
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        _refuse_unless_regular(info.st_mode, file)
        if info.st_size > MAX_DATA_BYTES:
            raise _too_large(info.st_size, file)
        data = fh.read(MAX_DATA_BYTES + 1)
    if len(data) > MAX_DATA_BYTES:  # the file grew after fstat
        raise _too_large(len(data), file)
    if not data.strip():
        raise DataError(_("filen er tom"), Location(file=file), code="empty")
    return data


def _too_large(size: int, file: str) -> DataError:
    return DataError(
        _("filen er for stor ({size} MB); største tillatte størrelse er {limit} MB").format(
            size=size // (1024 * 1024), limit=MAX_DATA_BYTES // (1024 * 1024)), Location(file=file), code="too_large")


def decode_text(data: bytes, file: str) -> str:
    """Decode UTF-8 text (with or without BOM), refusing binary content with a clear message."""
    if b"\x00" in data[:8192]:
        raise DataError(_("filen ser ut til å være binær, ikke tekst (YAML/JSON)"), Location(file=file), code="binary")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(_("filen er ikke gyldig UTF-8-tekst; lagre den som UTF-8"),
                        Location(file=file, line=line), code="encoding") from exc


def location_for(path: tuple, positions: PositionMap, file: str) -> Location:
    """Return the location of a data path, or of its nearest parent that has one."""
    for n in range(len(path), -1, -1):
        loc = positions.get(tuple(path[:n]))
        if loc is not None:
            return loc
    return Location(file=file)


def describe_path(path: tuple, raw: Any) -> str:
    """Return a planner-readable subject for a data path: «tiltak T-04, felt «cost_nok»»."""
    words: list[str] = []
    node = raw
    field_name = None
    trail: list[str] = []  # the keys since the last list index
    for i, key in enumerate(path):
        if isinstance(key, int):
            section = path[i - 1] if i else None
            ident = node[key].get("id") if isinstance(node, list) and key < len(node) and isinstance(node[key], dict) else None
            if ident is None and isinstance(node, list) and key < len(node) and isinstance(node[key], dict):
                ident = node[key].get("number") or node[key].get("plan_name")
            label = _SECTION_NAMES.get(section, None)
            ident = _shown(ident) if ident else ident
            if label and ident:
                words.append(f"{_(label)} {ident}")
            elif label:
                words.append(_("{section} nr. {n}").format(section=_(label), n=key + 1))
            else:
                words.append(_("element nr. {n}").format(n=key + 1))
            field_name = None
            trail = []
        else:
            field_name = key
            trail.append(str(key))
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            node = None
    if field_name is not None and field_name not in _SECTION_NAMES:
        if len(trail) > 1 and trail[0] in _NESTED_FIELDS:
            field_name = ".".join(trail)  # «alcohol_policy.serving_hours.group_3»: which hours
        words.append(_("felt «{name}»").format(name=_shown(field_name)))
    return ", ".join(words) or _("dokumentet")


_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _shown(value: Any, limit: int = 60) -> str:
    """Return a value as it can be shown in a message: control and direction characters escaped, cut short."""
    text = _UNPRINTABLE.sub(lambda m: f"\\u{ord(m[0]):04X}", str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


_PYDANTIC_NB: dict[str, Callable[[dict], str]] = {
    "missing": lambda e: _("mangler, men er påkrevd"),
    "extra_forbidden": lambda e: _("er ikke et kjent felt (skrivefeil?)"),
    "int_type": lambda e: _("må være et heltall"),
    "int_parsing": lambda e: _("må være et heltall"),
    "int_from_float": lambda e: _("må være et heltall uten desimaler"),
    "float_parsing": lambda e: _("må være et tall"),
    "string_type": lambda e: _("må være tekst"),
    "bool_type": lambda e: _("må være ja/nei (true/false)"),
    "bool_parsing": lambda e: _("må være ja/nei (true/false)"),
    "list_type": lambda e: _("må være en liste"),
    "dict_type": lambda e: _("må være en gruppe med felt (nøkkel: verdi)"),
    "model_type": lambda e: _("må være en gruppe med felt (nøkkel: verdi)"),
    "model_attributes_type": lambda e: _("må være en gruppe med felt (nøkkel: verdi)"),
    "date_type": lambda e: _("må være en dato (ÅÅÅÅ-MM-DD)"),
    "date_parsing": lambda e: _("må være en dato (ÅÅÅÅ-MM-DD)"),
    "date_from_datetime_parsing": lambda e: _("må være en dato (ÅÅÅÅ-MM-DD)"),
    "date_from_datetime_inexact": lambda e: _("må være en dato uten klokkeslett"),
    "literal_error": lambda e: _("må være en av: {choices}").format(choices=e.get("ctx", {}).get("expected", "")),
    "greater_than_equal": lambda e: _("må være minst {limit}").format(limit=e.get("ctx", {}).get("ge")),
    "less_than_equal": lambda e: _("kan ikke være over {limit}").format(limit=e.get("ctx", {}).get("le")),
    "too_short": lambda e: _("kan ikke være tom"),
    "value_error": lambda e: str(e.get("ctx", {}).get("error", e.get("msg"))),
    "hours_type": lambda e: _("må være et tidsrom som «08:00-20:00», eller tidsrom per dag eller sted "
                              "(for eksempel «fredag_lørdag: 10:00-02:00»)"),
}


def _pydantic_message(err: dict) -> str:
    fn = _PYDANTIC_NB.get(err["type"])
    return fn(err) if fn else _("ugyldig verdi ({reason})").format(reason=err["msg"])


def data_language(raw: Any) -> str | None:
    """Return the målform a plan's raw data says it is written in (``meta.language``), or None."""
    meta = raw.get("meta") if isinstance(raw, dict) else None
    value = meta.get("language") if isinstance(meta, dict) else None
    return value if value in ("nb", "nn") else None


def validate_plan(raw: Any, positions: PositionMap, file: str, *, check_references: bool = True) -> Plan:
    """Return the validated plan, or raise one `DataError` that lists every problem found.

    The problems are written in the plan's own målform when its data says which (``meta.language``).
    """
    with language(data_language(raw)):
        return _validate_plan(raw, positions, file, check_references=check_references)


def _validate_plan(raw: Any, positions: PositionMap, file: str, *, check_references: bool) -> Plan:
    if not isinstance(raw, dict):
        raise DataError(_("filen må inneholde en plan med feltene «plan», «municipalities», «goals» og «measures»"),
                        Location(file=file), code="not_a_plan")
    problems: list[Problem] = []
    plan = None
    try:
        plan = Plan.model_validate(raw)
    except ValidationError as exc:
        paths = []
        for err in exc.errors(include_url=False):
            path = _data_path(err["loc"])
            paths.append(path)
            subject = describe_path(path, raw)
            problems.append(Problem(f"{subject}: {_pydantic_message(err)}",
                                    location_for(path, positions, file), code=err["type"]))
        plan = _validate_pruned(raw, paths)
    if plan is not None and check_references:
        for path, message in reference_problems(plan):
            problems.append(Problem(message, location_for(path, positions, file), code="reference"))
    if problems:
        raise DataError(ngettext("plandataene har {n} feil", "plandataene har {n} feil", len(problems)).format(
            n=len(problems)), Location(file=file), problems=problems)
    assert plan is not None
    return plan


def _data_path(loc: tuple) -> tuple:
    path = tuple("plan" if k == "info" else k for k in loc)
    # pydantic puts literal/function validator names and union tags in some paths; they are not data keys
    return tuple(k for k in path if isinstance(k, int) or not (str(k).startswith(("literal[", "function-"))
                                                                or k in HOURS_TAGS))


def _validate_pruned(raw: dict, bad_paths: list[tuple]) -> Plan | None:
    """Return a partial plan made of the entries that validate once invalid values are dropped.

    This lets cross-reference problems (duplicate ids, unknown goals) be reported together with the
    structural ones, instead of only after the planner has fixed the first batch.
    """
    pruned = copy.deepcopy(raw)
    for path in bad_paths:
        node: Any = pruned
        for key in path[:-1]:
            try:
                node = node[key]
            except (KeyError, IndexError, TypeError):
                node = None
                break
        if isinstance(node, dict) and path and path[-1] in node:
            del node[path[-1]]

    def entries(key: str, cls: type) -> list:
        out = []
        values = pruned.get(key)
        for value in values if isinstance(values, list) else []:
            try:
                out.append(cls.model_validate(value))
            except ValidationError:
                out.append(None)  # keep indexes aligned with the data paths
        return out

    try:
        info = PlanInfo.model_validate(pruned.get("plan"))
    except ValidationError:
        info = None
    try:  # its series' municipalities and years are cross-checked too
        knowledge = KnowledgeBase.model_validate(pruned.get("knowledge_base") or {})
    except ValidationError:
        knowledge = KnowledgeBase()
    return Plan.model_construct(meta=Meta(), info=info, known_issues=[], knowledge_base=knowledge,
                                municipalities=entries("municipalities", Municipality),
                                goals=entries("goals", Goal), measures=entries("measures", Measure))


def validate_catalogue(raw: Any, positions: PositionMap, file: str) -> list[Municipality]:
    """Return the municipalities of a kommuneplan catalogue, or raise one `DataError` listing every problem.

    The catalogue has the one shape plan data gives it (``docplan kp import`` writes it):
    ``municipalities:`` with ``number``, ``name`` and ``master_plans:`` (``plan_name``, ``part``, ``items:``
    with ``id``, ``title``, ``text``, ``numbered``, ``number``, ``label``, ``kind``). A bare list of
    municipalities is read the same way.
    """
    if isinstance(raw, dict) and "municipalities" in raw:
        items, base = raw["municipalities"], ("municipalities",)
    elif isinstance(raw, list):
        items, base = raw, ()
    elif isinstance(raw, dict) and "master_plans" in raw:
        raise DataError(_("kommuneplankatalogen sier ikke hvilken kommune den gjelder; lag den på nytt med «docplan "
                          "kp import --kommune NNNN», eller legg master_plans under «municipalities: - number: …, "
                          "name: …»"),
                        Location(file=file), code="not_a_catalogue")
    else:
        raise DataError(_("kommuneplankatalogen må ha feltet «municipalities» med kommuner og deres kommuneplaner"),
                        Location(file=file), code="not_a_catalogue")
    if not isinstance(items, list):
        raise DataError(_("«municipalities» i kommuneplankatalogen må være en liste"),
                        location_for(base, positions, file),
                        code="not_a_catalogue")
    problems: list[Problem] = []
    out: list[Municipality] = []
    for i, item in enumerate(items):
        try:
            muni = Municipality.model_validate(item)
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                path = (*base, i, *_data_path(err["loc"]))
                problems.append(Problem(f"{describe_path(path, raw)}: {_pydantic_message(err)}",
                                        location_for(path, positions, file), code=err["type"]))
            continue
        out.append(muni)
        if lookup_municipality(muni.number) is None:
            problems.append(Problem(_("kommunenummer {number} finnes ikke i kommunelisten for 2024").format(
                                        number=muni.number),
                                    location_for((*base, i, "number"), positions, file), code="reference"))
        for j, mp in enumerate(muni.master_plans):
            seen: set[str] = set()
            for k, it in enumerate(mp.items):
                if it.id in seen:
                    problems.append(Problem(_("kommuneplanpunktet «{id}» i «{plan_name}» finnes fra før; hver id må "
                                              "være unik").format(id=it.id, plan_name=mp.plan_name),
                                            location_for((*base, i, "master_plans", j, "items", k, "id"),
                                                                         positions, file), code="reference"))
                seen.add(it.id)
    if problems:
        raise DataError(ngettext("kommuneplankatalogen har {n} feil", "kommuneplankatalogen har {n} feil",
                                 len(problems)).format(n=len(problems)), Location(file=file), problems=problems)
    return out


def load_catalogue(path: str | os.PathLike) -> list[Municipality]:
    """Load and validate a kommuneplan catalogue (YAML, JSON or XLSX; see `validate_catalogue`)."""
    raw, positions = load_raw(path)
    return validate_catalogue(raw, positions, str(path))


def load_raw_with_warnings(path: str | os.PathLike) -> tuple[Any, PositionMap, list[Problem]]:
    """Return the raw data, position map and warnings of a YAML, JSON or XLSX file.

    Warnings are things the planner should know that do not stop the file from loading, such as a
    workbook column docplan does not know (and so does not read).
    """
    from docplan.loaders import jsonfile, xlsx, yamlfile

    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return (*yamlfile.load(p), [])
    if suffix == ".json":
        return (*jsonfile.load(p), [])
    if suffix in (".xlsx", ".xlsm"):
        return xlsx.load(p)
    raise DataError(_("ukjent filtype «{suffix}»; bruk .yaml, .json eller .xlsx").format(suffix=p.suffix or _("(ingen)")),
                    Location(file=str(p)), code="unknown_format")


def load_raw(path: str | os.PathLike) -> tuple[Any, PositionMap]:
    """Return the raw data and position map of a YAML, JSON or XLSX file (without its warnings)."""
    raw, positions, _unused = load_raw_with_warnings(path)
    return raw, positions


def load_plan_with_warnings(path: str | os.PathLike, *,
                            check_references: bool = True) -> tuple[Plan, list[Problem]]:
    """Load and validate a plan; return it with the warnings found while reading the file."""
    raw, positions, warnings = load_raw_with_warnings(path)
    return validate_plan(raw, positions, str(path), check_references=check_references), warnings


def load_plan(path: str | os.PathLike, *, check_references: bool = True) -> Plan:
    """Load and validate a plan from a .yaml/.yml, .json or .xlsx file.

    With ``check_references=False`` only the structure is validated, so that the consistency
    checker can report broken references as findings instead of refusing the file. Warnings are
    not returned; use `load_plan_with_warnings` where the planner can be shown them.
    """
    return load_plan_with_warnings(path, check_references=check_references)[0]


__all__ = ["load_catalogue", "load_plan", "load_plan_with_warnings", "load_raw", "load_raw_with_warnings",
           "validate_catalogue", "validate_plan", "MAX_DATA_BYTES"]
