"""Nothing entered disappears: every field of the plan model, filled with a unique marker, is found in the
rendered standard template (bokmål and nynorsk), or is listed as data-only in docs/maintainers.md."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import types
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from docplan import model
from docplan.formatting import display_value
from docplan.render import render_plan, standard_template
from testkit import docx_all_text

ROOT = Path(__file__).resolve().parent.parent
#: Fields whose values hold opening hours (`docplan.model.Hours`): a marker there must be a time range.
HOURS_FIELDS = {"weekdays", "before_holidays", "group_1_2", "group_3"}
#: Literal fields get the value that makes the most of the plan show (a local measure names its municipalities).
LITERAL_CHOICE = {"scope": "lokal"}
#: How a value shows when not as itself: a local measure says which municipalities it applies to.
SHOWN_AS = {"measures[].scope": ["Gjelder: ", "Gjeld: "]}


def data_only_fields() -> set[str]:
    """Return the field paths docs/maintainers.md lists as data-only (not shown by the standard templates)."""
    text = (ROOT / "docs" / "maintainers.md").read_text("utf-8")
    block = text[text.index("<!-- BEGIN data-only -->"):text.index("<!-- END data-only -->")]
    return set(re.findall(r"`([a-z_\[\].]+)`", block))


class Markers:
    """Unique values per type, and what each must look like in the document."""

    def __init__(self):
        self._text = itertools.count(1)
        self._number = itertools.count(7301)
        self._year = itertools.count(2041)
        self._day = itertools.count(0)
        self._minute = itertools.count(1)
        self.expected: dict[str, list[str]] = {}  # field path → texts of which one must be in the document
        self.fields: set[str] = set()  # every field path walked (yes/no fields have no marker)
        self.unique: set[str] = set()  # the paths whose marker is unique (not a fixed value such as «nb»)

    def expect(self, path: str, *shown: str) -> None:
        self.fields.add(path)
        self.expected.setdefault(path, []).extend(shown)

    def text(self, path: str) -> str:
        self.unique.add(path)
        value = f"MRK{next(self._text):03d}X"
        self.expect(path, value)
        return value

    def number(self, path: str, name: str) -> int:
        self.unique.add(path)
        n = next(self._year) if "year" in name else next(self._number)
        self.expect(path, str(n), f"{n:,}".replace(",", "\u00a0"))
        return n

    def date(self, path: str) -> str:
        self.unique.add(path)
        day = dt.date(2031, 1, 1) + dt.timedelta(days=next(self._day) * 3)
        self.expect(path, day.strftime("%d.%m.%Y"))
        return day.isoformat()

    def hours(self, path: str) -> str:
        self.unique.add(path)
        m = next(self._minute)
        self.expect(path, f"09.{m:02d}–17.{m:02d}")
        return f"09:{m:02d}-17:{m:02d}"


def _unwrap(annotation):
    """Return the annotation without Optional/Annotated wrappers."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def fill(cls: type[BaseModel], path: str, markers: Markers) -> dict:
    """Return raw data for ``cls`` with every field set to a unique marker (lists with one element)."""
    raw = {}
    for name, info in cls.model_fields.items():
        key = info.alias or name
        field_path = f"{path}.{key}" if path else key
        if name in HOURS_FIELDS:
            raw[key] = markers.hours(field_path)
            continue
        raw[key] = _value(_unwrap(info.annotation), field_path, name, markers)
    return raw


def _value(annotation, path: str, name: str, markers: Markers):
    origin = typing.get_origin(annotation)
    if origin is list:
        (inner,) = typing.get_args(annotation)
        return [_value(_unwrap(inner), path + "[]", name, markers)]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return fill(annotation, path, markers)
    if origin is typing.Literal:
        value = LITERAL_CHOICE.get(name, typing.get_args(annotation)[0])
        markers.expect(path, *SHOWN_AS.get(path, [display_value(value, "nb"), display_value(value, "nn")]))
        return value
    if annotation is bool:
        markers.fields.add(path)  # shown through what it switches on (meta.fictional: the disclaimer)
        return True
    if annotation is int:
        return markers.number(path, name)
    if annotation is dt.date:
        return markers.date(path)
    if name in ("number", "host_municipality", "municipality") or path.endswith("measures[].municipalities[]"):
        n = str(next(markers._number))
        markers.expect(path, n)
        return n
    return markers.text(path)


@pytest.fixture(scope="module")
def marked():
    markers = Markers()
    raw = fill(model.Plan, "", markers)
    raw["plan"]["period"]["end_year"] = raw["plan"]["period"]["start_year"] + 3
    markers.expected["plan.period.end_year"] = [str(raw["plan"]["period"]["end_year"])]
    plan = model.Plan.model_validate(raw)
    texts = {lang: docx_all_text(io.BytesIO(render_plan(plan, standard_template(lang)))) for lang in ("nb", "nn")}
    return markers, texts


def test_the_walk_reaches_every_field_of_the_model(marked):
    markers, _ = marked
    paths = set(markers.expected)
    for expected in ("municipalities[].alcohol_policy.serving_hours.group_3", "knowledge_base.indicators[].values[].county",
                     "organisation.hearing.responses", "measures[].target_group", "measures[].indicator",
                     "goals[].sub_goals[].indicator.name", "measures[].funding[].budget_ref"):
        assert expected in paths


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_every_field_entered_is_shown_in_the_rendered_plan_or_listed_as_data_only(marked, lang):
    markers, texts = marked
    text = texts[lang]
    data_only = data_only_fields()
    missing = [path for path, shown in markers.expected.items()
               if path not in data_only and not any(s in text for s in shown)]
    assert missing == [], f"not in the {lang} document and not listed as data-only: {missing}"


def test_the_data_only_list_names_only_fields_the_model_has_and_none_the_templates_show(marked):
    markers, texts = marked
    for path in data_only_fields():
        assert path in markers.fields, f"{path} is not a field of the model"
        if path in markers.unique:
            assert not any(s in texts["nb"] for s in markers.expected[path]), f"{path} is listed but is shown"
