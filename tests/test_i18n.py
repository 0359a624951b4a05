"""docplan.i18n: one catalogue for bokmål and nynorsk, complete and compiled; the language per run."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from docplan import i18n

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import messages  # noqa: E402  (tools/messages.py)


def test_every_marked_message_has_a_nynorsk_form_and_the_catalogue_holds_nothing_else():
    missing, leftover = messages.problems(messages.extract(), messages.read_catalogue())
    assert missing == [], "run python tools/messages.py and translate: " + "; ".join(missing[:10])
    assert leftover == [], "run python tools/messages.py: " + "; ".join(leftover[:10])


def test_the_compiled_catalogues_match_their_po_files():
    assert messages.stale_mo() == []


def test_the_check_mode_of_the_tool_agrees_with_the_tests():
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "messages.py"), "--check"], capture_output=True,
                          text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout


@pytest.mark.parametrize("value, expected", [
    ("nb", "nb"), ("nn", "nn"), ("nn-NO", "nn"), ("NB_no", "nb"), ("nynorsk", "nn"), ("Bokmål", "nb"),
    ("nno", "nn"), ("nob", "nb"), ("no", "nb"), ("sv", "nb"), ("", "nb"), (None, "nb"), (3, "nb")])
def test_language_codes_and_names_are_read_as_one_of_the_two_malformer(value, expected):
    assert i18n.normalise_lang(value) == expected


def test_the_language_is_set_for_the_code_inside_and_restored_after():
    assert i18n.current_language() == "nb"
    with i18n.language("nn"):
        assert i18n.current_language() == "nn"
        with i18n.language("nb"):
            assert i18n.current_language() == "nb"
        with i18n.language(None):  # None keeps the language around it
            assert i18n.current_language() == "nn"
        assert i18n.current_language() == "nn"
    assert i18n.current_language() == "nb"


def test_each_thread_has_its_own_language():
    seen = {}
    barrier = threading.Barrier(2)

    def work(lang):
        with i18n.language(lang):
            barrier.wait()
            seen[lang] = i18n.current_language()

    threads = [threading.Thread(target=work, args=(lang,)) for lang in ("nb", "nn")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {"nb": "nb", "nn": "nn"}


def test_bokmal_is_the_source_and_an_unknown_message_is_returned_as_written():
    assert i18n.translate("en tekst som ikke er i katalogen", "nn") == "en tekst som ikke er i katalogen"
    assert i18n.translate("ikke oppgitt", "nb") == "ikke oppgitt"


def test_plural_forms_follow_norwegian_rules_in_bokmal():
    assert i18n.ngettext("{n} merknad", "{n} merknader", 1, "nb").format(n=1) == "1 merknad"
    assert i18n.ngettext("{n} merknad", "{n} merknader", 0, "nb").format(n=0) == "0 merknader"
    assert i18n.ngettext("{n} merknad", "{n} merknader", 2, "nb").format(n=2) == "2 merknader"


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_numbers_are_grouped_by_thousands_with_no_break_spaces_in_both_malformer(n):
    for lang in ("nb", "nn"):
        text = i18n.format_number(n, lang)
        assert text.replace("\u00a0", "").replace("\u2212", "-") == str(n)
        groups = text.lstrip("-\u2212").split("\u00a0")
        assert all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3


def test_dates_are_written_the_norwegian_way():
    import datetime as dt

    assert i18n.format_date(dt.date(2024, 3, 14)) == "14.03.2024"
    assert i18n.format_date(dt.date(2024, 3, 14), "d. MMMM y", "nn") == "14. mars 2024"


def _all_commands(group, path=()):
    import click

    for name, command in group.commands.items():
        yield path + (name,)
        if isinstance(command, click.Group):
            yield from _all_commands(command, path + (name,))


def test_no_command_help_or_usage_error_shows_clicks_english_words():
    from docplan.cli import main

    runner = CliRunner()
    english = ("Show this message", "Usage:", "[OPTIONS]", "COMMAND [ARGS]", "Options:", "Commands:", "Error:")
    for path in [()] + list(_all_commands(main)):
        for args in (list(path) + ["--help"], list(path) + ["--no-such-option"]):
            out = runner.invoke(main, args).output
            assert not [w for w in english if w in out], (args, out)


def test_no_module_that_translates_with_underscore_also_uses_it_as_a_throwaway_name():
    """``_, x = pair`` in a function makes ``_`` local there: the function's messages would then fail."""
    import ast

    offenders = []
    for path in sorted((ROOT / "docplan").rglob("*.py")) + sorted((ROOT / "addin_server").rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        imports_underscore = any(isinstance(node, ast.ImportFrom) and node.module == "docplan.i18n"
                                 and any(alias.name == "_" for alias in node.names) for node in ast.walk(tree))
        if not imports_underscore:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
