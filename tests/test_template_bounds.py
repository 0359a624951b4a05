"""A user's template is bounded: endless loops, huge texts and runaway recursion end in a clear
Norwegian error («malen brukte for lang tid / for mye minne»), never a hang or a traceback; `template
lint` warns about the constructs that cause them."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from docplan.errors import TemplateError
from docplan.render import CompiledTemplate, build_context
from docplan.templating import lint_template
from docplan.templating.bounded import Bounds, render_bounded
from tests.test_render_security import make_template

NESTED_RANGES = "{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}"
MULTIPLIED = "{{ 'a' * 10**10 }}"
RECURSIVE = "{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(1) }}"
GROWING = ("{% set ns = namespace(x=[]) %}{% for i in range(100000) %}"
           "{% set ns.x = ns.x + ['x' * 9000000] %}{% endfor %}{{ ns.x | length }}")


def test_an_endless_template_is_stopped_with_a_message(tmp_path, sample_plan):
    path = make_template(tmp_path, "Plan", NESTED_RANGES)
    start = time.monotonic()
    with pytest.raises(TemplateError) as err:
        render_bounded(sample_plan, path, bounds=Bounds(seconds=2, memory_mb=2048))
    assert time.monotonic() - start < 30  # stopped, not waited out
    assert "malen brukte for lang tid" in err.value.message and err.value.code == "template_timeout"
    assert err.value.location.file == "mal.docx"


def test_a_huge_text_is_refused_at_once_in_process(tmp_path, sample_plan):
    path = make_template(tmp_path, "Plan", MULTIPLIED)
    with pytest.raises(TemplateError) as err:
        CompiledTemplate(path).render(build_context(sample_plan))
    assert "malen brukte for mye minne" in err.value.message and err.value.location.paragraph == 2


def test_a_macro_that_calls_itself_ends_in_a_message(tmp_path, sample_plan):
    path = make_template(tmp_path, "Plan", RECURSIVE)
    with pytest.raises(TemplateError) as err:
        render_bounded(sample_plan, path, bounds=Bounds(seconds=60, memory_mb=2048))
    assert "malen brukte for mye minne" in err.value.message


@pytest.mark.skipif(sys.platform == "win32", reason="the memory bound is an rlimit on POSIX; Windows has the timeout")
def test_a_template_that_eats_memory_is_stopped_at_the_bound(tmp_path, sample_plan):
    path = make_template(tmp_path, "Plan", GROWING)
    with pytest.raises(TemplateError) as err:
        render_bounded(sample_plan, path, bounds=Bounds(seconds=60, memory_mb=1024))
    assert "malen brukte for mye minne" in err.value.message and err.value.code == "template_memory"


def test_errors_inside_the_worker_come_back_with_their_location(tmp_path, sample_plan):
    path = make_template(tmp_path, "Plan", "{{ finnes_ikke }}")
    with pytest.raises(TemplateError) as err:
        render_bounded(sample_plan, path)
    assert "finnes_ikke" in err.value.message and err.value.location.paragraph == 2


def test_a_good_template_renders_the_same_bounded_or_not(tmp_path, sample_plan):
    path = make_template(tmp_path, "{{ plan.title }}", "{% for m in measures %}{{ m.id }} {% endfor %}")
    assert render_bounded(sample_plan, path) == CompiledTemplate(path).render(build_context(sample_plan))


def test_the_render_command_bounds_a_users_template(tmp_path, example_path):
    path = make_template(tmp_path, "Plan", NESTED_RANGES)
    env = {**os.environ, "DOCPLAN_TEMPLATE_SECONDS": "2"}
    done = subprocess.run([sys.executable, "-m", "docplan", "render", str(example_path), "-t", str(path), "-o",
                           str(tmp_path / "ut.docx")], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "malen brukte for lang tid" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "ut.docx").exists()


@pytest.mark.parametrize("text, code", [(NESTED_RANGES, "nested_range_loops"), (MULTIPLIED, "multiplied_text"),
                                        (RECURSIVE, "recursive_macro")])
def test_lint_warns_about_what_can_run_away(tmp_path, text, code):
    report = lint_template(make_template(tmp_path, "Plan", text), required_chapters=[])
    hits = [f for f in report.warnings if f.code == code]
    assert hits and hits[0].location.paragraph == 2, report.to_dict()


def test_lint_does_not_warn_about_ordinary_loops_and_arithmetic(tmp_path):
    report = lint_template(make_template(
        tmp_path, "{% for m in measures %}{% for y in m.years %}{{ y * 2 }}{% endfor %}{% endfor %}",
        "{% for i in range(3) %}{{ i }}{% endfor %}"), required_chapters=[])
    assert not report.codes("warning") & {"nested_range_loops", "multiplied_text", "recursive_macro"}
