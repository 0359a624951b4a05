"""docplan.i18n: one catalogue for bokmål and nynorsk, complete and compiled; the language per run."""

from __future__ import annotations

import ast
import re
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


# -- every planner-facing message goes through the catalogue --------------------------------------------

#: Words that mark a message as Norwegian (with æ, ø and å); developer-only errors are in English.
_NORWEGIAN = re.compile(
    r"[æøåÆØÅ]|\b(ikke|ikkje|finnes|finst|mangler|manglar|fant|fann|skrev|skreiv|feil|filen|fila|mappen|kommune|"
    r"kommuner|kommunen|er|og|eller|uten|utan|med|til|som|har|ble|vart|lagret|avbrutt|stoppet|ugyldig|ukjent|"
    r"kunne|inneholder|tom|skal|ingen|denne|dette|den|det|en|et|ei|av|på|fra|frå|bruk|oppgi|velg|prøv|igjen|"
    r"malen|planen|tiltak|tiltaket|målet|arket|cellen|kolonnen|dokumentet|teksten|verdien|nøkkel|lytter)\b",
    re.IGNORECASE)

#: Technical text the command line prints as it is (keys of a YAML snippet to paste).
_TECHNICAL_WORDS = {"name", "municipalities", "sha256"}


def _literal_text(node) -> str | None:
    """Return the words of a string literal or f-string (placeholders dropped), or None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return " ".join(v.value for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        parts = [_literal_text(node.left), _literal_text(node.right)]
        return None if parts == [None, None] else " ".join(p or "" for p in parts)
    if isinstance(node, ast.IfExp):
        parts = [_literal_text(node.body), _literal_text(node.orelse)]
        return None if parts == [None, None] else " ".join(p or "" for p in parts)
    return None


def _source_files():
    for folder in ("docplan", "addin_server"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text("utf-8"))


def _constructor_name(func) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def test_no_error_is_raised_or_built_with_a_norwegian_literal_instead_of_a_catalogue_message():
    offenders = []
    for rel, tree in _source_files():
        for node in ast.walk(tree):
            call = node.exc if isinstance(node, ast.Raise) else node
            if not isinstance(call, ast.Call) or not call.args:
                continue
            if not (isinstance(node, ast.Raise)
                    or _constructor_name(call.func).endswith(("Error", "Problem", "BadParameter"))):
                continue
            text = _literal_text(call.args[0])
            if text is not None and _NORWEGIAN.search(text):
                offenders.append(f"{rel}:{call.lineno}: {text[:60]!r}")
    assert offenders == [], "wrap in _() / ngettext() with named placeholders:\n" + "\n".join(offenders)


def test_the_command_line_echoes_no_bare_words_only_catalogue_messages_and_pure_formatting():
    offenders = []
    for rel, tree in _source_files():
        if not rel.startswith("docplan/cli/"):
            continue
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("echo", "secho") and node.args):
                continue
            text = _literal_text(node.args[0])
            words = set(re.findall(r"[^\W\d_][^\W_]+", text or ""))
            if words - _TECHNICAL_WORDS:
                offenders.append(f"{rel}:{node.lineno}: {text[:60]!r}")
    assert offenders == [], "wrap in _() / ngettext() with named placeholders:\n" + "\n".join(offenders)


def test_the_checks_above_catch_a_bare_norwegian_message_and_let_english_and_formatting_through():
    def flagged(source: str) -> bool:
        call = ast.parse(source).body[0].exc
        text = _literal_text(call.args[0])
        return text is not None and bool(_NORWEGIAN.search(text))

    assert flagged('raise DataError(f"fant ikke {name} i {path}")')
    assert flagged('raise ValueError("filen er tom")')
    assert not flagged('raise DataError(_("fant ikke {name}").format(name=name))')
    assert not flagged('raise ValueError(f"last is not a following sibling of {first}")')
    assert not flagged('raise KeyError(goal_id)')


# -- the målform of the plan (or the request) reaches its messages ----------------------------------------

EXAMPLE = ROOT / "examples" / "osterdalen.yaml"


def _example_in(lang: str, tmp_path: Path, *, break_period: bool = False) -> Path:
    text = EXAMPLE.read_text("utf-8").replace("\n  language: nb\n", f"\n  language: {lang}\n", 1)
    assert f"language: {lang}" in text
    if break_period:
        text = re.sub(r"start_year: (\d+)", r"start_year: x\1", text, count=1)
    path = tmp_path / f"plan-{lang}.yaml"
    path.write_text(text, "utf-8")
    return path


def test_a_data_file_error_in_a_nynorsk_plan_is_written_in_nynorsk(tmp_path):
    from docplan.errors import DataError
    from docplan.loaders import load_plan

    with pytest.raises(DataError) as nn:
        load_plan(_example_in("nn", tmp_path, break_period=True))
    assert nn.value.message == "plandataa har 1 feil"
    assert nn.value.problems[0].message == "felt «start_year»: må vere eit heiltal"
    with pytest.raises(DataError) as nb:
        load_plan(_example_in("nb", tmp_path, break_period=True))
    assert nb.value.message == "plandataene har 1 feil"
    assert nb.value.problems[0].message == "felt «start_year»: må være et heltall"
    assert i18n.current_language() == "nb"  # loading set the plan's målform for its own messages only


def test_an_error_raised_before_the_plans_language_is_known_stays_bokmal(tmp_path):
    from docplan.errors import DataError
    from docplan.loaders import load_plan

    with pytest.raises(DataError) as missing:
        load_plan(tmp_path / "finnes-ikke.yaml")
    assert missing.value.message == "filen finnes ikke"


def test_render_and_validate_report_in_the_plans_malform(tmp_path):
    from docplan.cli import main

    runner = CliRunner()
    nn, nb = _example_in("nn", tmp_path), _example_in("nb", tmp_path)
    out = tmp_path / "plan.docx"
    rendered = runner.invoke(main, ["render", str(nn), "-o", str(out)])
    assert rendered.exit_code == 0, rendered.output
    assert rendered.output.strip() == f"Skreiv {out}"
    checked = runner.invoke(main, ["validate", str(nn)])
    assert "9 kommunar, 4 hovudmål, 11 delmål, 20 tiltak." in checked.output
    checked = runner.invoke(main, ["validate", str(nb)])
    assert "9 kommuner, 4 hovedmål, 11 delmål, 20 tiltak." in checked.output


def test_counts_in_command_lines_take_the_singular_for_one_in_both_malformer():
    forms = {lang: [i18n.ngettext("{n} kommune", "{n} kommuner", n, lang).format(n=n) for n in (1, 2)]
             for lang in ("nb", "nn")}
    assert forms == {"nb": ["1 kommune", "2 kommuner"], "nn": ["1 kommune", "2 kommunar"]}
