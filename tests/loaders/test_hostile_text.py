"""Loading half of the hostile-text property: whatever text a planner's file holds, `load_plan`
either keeps it exactly or refuses it with a location. (Rendering such text is tested with the
renderer.)"""

from __future__ import annotations

import json

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docplan.errors import DataError
from docplan.loaders import load_plan

FRAGMENTS = [
    "{{ plan.title }}", "{% if x %}", "{%- endif -%}", "{_{", "}}", "{#", "& < > \" '", "&amp;", "<w:t>",
    "]]>", "\u200f", "\u202e", "\u2066", "\U0001F600", "\U0001F3F3\ufe0f\u200d\U0001F308", "\a", "\f", "\v",
    "\x00", "\x1b[31m", "\x7f", "\x85", "\u2028", "\ufeff", "\ufffe", "\uffff", "\ud800", "\t", "\r\n", "\n",
    " ", "\u00a0", "æøå ÆØÅ", "'", '"', "\\", "%", "#", ": ", "- ", "!!python/object", "*alias", "&anchor",
    "~", "null", "yes", "0301", "1e400",
]

HOSTILE = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=8), min_size=1, max_size=12).map("".join),
    st.text(st.characters(codec="utf-8"), min_size=1, max_size=40),
    st.builds(lambda piece, n: (piece * n)[:50_000], st.sampled_from(FRAGMENTS + ["x", "Æ"]),
              st.just(50_000)),
)

#: Text fields of the plan, each with a path to put a hostile string at.
FIELDS = [
    ("plan", "title"), ("plan", "subtitle"), ("plan", "vision"), ("plan", "legal_basis", 0),
    ("plan", "follow_up", "reporting"), ("goals", 0, "title"), ("goals", 0, "text"),
    ("goals", 0, "sub_goals", 0, "title"), ("measures", 0, "title"), ("measures", 0, "text"),
    ("measures", 0, "responsible"), ("measures", 0, "target_group"), ("measures", 0, "partners", 0),
    ("measures", 0, "indicator"), ("measures", 0, "funding", 0, "source"),
    ("municipalities", 0, "role"), ("municipalities", 0, "adoption", "case_no"),
]


def minimal_plan() -> dict:
    return {
        "plan": {"id": "P", "title": "Plan", "subtitle": "Under", "vision": "Visjon", "legal_basis": ["lov"],
                 "follow_up": {"reporting": "årlig"}, "period": {"start_year": 2024, "end_year": 2027}},
        "municipalities": [{"number": "3427", "name": "Tynset", "role": "vert",
                            "adoption": {"case_no": "24/1"}}],
        "goals": [{"id": "HM-1", "title": "Mål", "text": "Tekst",
                   "sub_goals": [{"id": "DM-1.1", "title": "Delmål"}]}],
        "measures": [{"id": "T-01", "title": "Tiltak", "text": "Tekst", "responsible": "NAV",
                      "target_group": "unge", "partners": ["skolen"], "indicator": "antall",
                      "goal_ids": ["DM-1.1"], "funding": [{"source": "Kommunen"}]}],
    }


def put(data: dict, path: tuple, value: str) -> None:
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


def get(plan, path: tuple):
    node = plan
    for key in path:
        node = node[key] if isinstance(key, int) else getattr(node, "info" if key == "plan" else key)
    return node


def write(tmp_path, data: dict, fmt: str) -> object:
    if fmt == "yaml":
        # PyYAML's emitter writes NEL, LS and PS unescaped in a quoted scalar, where YAML reads them as line
        # breaks (folded to a space): such a file does not hold the text, so they are written escaped
        raw = json.dumps(data)
        unicode_ok = not any(c in raw for c in ("\\u0085", "\\u2028", "\\u2029"))
        text = yaml.safe_dump(data, allow_unicode=unicode_ok, sort_keys=False)
    elif fmt == "yaml-ascii":
        text = yaml.safe_dump(data, allow_unicode=False, sort_keys=False)
    else:
        text = json.dumps(data, ensure_ascii=fmt == "json-ascii", indent=2)
    path = tmp_path / ("plan.json" if fmt.startswith("json") else "plan.yaml")
    # A lone surrogate cannot be UTF-8; "surrogatepass" writes the bytes an editor would, which the
    # loader must refuse at their line.
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    return path


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(texts=st.dictionaries(st.sampled_from(FIELDS), HOSTILE, min_size=1, max_size=4),
       fmt=st.sampled_from(["yaml", "yaml-ascii", "json", "json-ascii"]))
def test_loading_hostile_text_keeps_it_exactly_or_refuses_it_at_a_location(tmp_path, texts, fmt):
    data = minimal_plan()
    for path, text in texts.items():
        put(data, path, text)
    path = write(tmp_path, data, fmt)
    try:
        plan = load_plan(path)
    except DataError as exc:
        if exc.problems:
            assert all(p.location.line is not None for p in exc.problems), exc.format()
        else:
            assert exc.location.line is not None, exc.format()
        return
    # What the file says is what its format's reference reader reads (YAML folds the line-break
    # characters NEL, LS and PS inside quoted scalars, as YAML 1.1 specifies); the model strips whitespace
    # around a text (str_strip_whitespace); nothing else may change.
    said = (json.loads if fmt.startswith("json") else yaml.safe_load)(path.read_text("utf-8"))
    for field in texts:
        node = said
        for key in field:
            node = node[key]
        assert get(plan, field) == node.strip(), field
