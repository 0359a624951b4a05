"""What the command line loads at start: each command imports only what it needs.

Checked in fresh interpreters (``sys.modules`` after the import or the command), never timed here;
bench/bench_startup.py measures the time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

#: Loaded by the add-in server, the renderer or data validation only; never by ``import docplan.cli``.
SERVER_AND_MODEL = ("flask", "waitress", "hypercorn", "werkzeug", "pydantic", "docxtpl", "jinja2", "openpyxl",
                    "docplan.model", "docplan.render", "addin_server")


def _loaded(code: str) -> set[str]:
    """Run ``code`` in a fresh interpreter and return the top-level and docplan modules it left loaded."""
    script = code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    return set(json.loads(proc.stdout.strip().splitlines()[-1]))


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in SERVER_AND_MODEL))


def test_importing_the_cli_loads_neither_the_server_nor_the_data_model():
    modules = _loaded("import docplan.cli")
    assert "docplan.cli" in modules
    assert _heavy(modules) == []
    assert not {"docplan.cli.batch", "docplan.cli.serve", "docplan.cli.template"} & modules


@pytest.fixture(scope="module")
def example_docx(tmp_path_factory) -> Path:
    from docplan.loaders import load_plan
    from docplan.render import render_plan
    from testkit import EXAMPLE

    path = tmp_path_factory.mktemp("startup") / "plan.docx"
    path.write_bytes(render_plan(load_plan(EXAMPLE)))
    return path


def test_checking_a_document_loads_neither_the_server_nor_pydantic(example_docx):
    modules = _loaded(
        "from docplan.cli import main\n"
        f"try:\n    main(['check', {str(example_docx)!r}, '--fail-on', 'never'])\n"
        "except SystemExit as exc:\n    assert exc.code == 0, exc.code\n")
    assert "docplan.checks" in modules and "lxml.etree" in modules  # the check did run
    assert _heavy(modules) == []


def test_checking_with_data_still_loads_the_data_model(example_docx):
    from testkit import EXAMPLE

    modules = _loaded(
        "from docplan.cli import main\n"
        f"try:\n    main(['check', {str(example_docx)!r}, '--data', {str(EXAMPLE)!r}, '--fail-on', 'never'])\n"
        "except SystemExit as exc:\n    assert exc.code == 0, exc.code\n")
    assert "docplan.model" in modules and "pydantic" in modules
    assert not {"flask", "waitress"} & modules


def test_help_still_lists_every_command():
    from click.testing import CliRunner

    from docplan.cli import COMMANDS, main

    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output


def test_startup_benchmark_smoke():
    import importlib.util
    import io

    path = Path(__file__).resolve().parent.parent / "bench" / "bench_startup.py"
    spec = importlib.util.spec_from_file_location("bench_startup", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = io.StringIO()
    result = module.run(repeat=2, out=out)
    assert result["rounds"] == 2 and result["ratio"] > 0 and result["low"] <= result["ratio"] <= result["high"]
    assert "ratio:" in out.getvalue() and "python-docx" in out.getvalue()
