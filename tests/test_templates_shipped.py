"""The shipped standard templates: reproducible from the builder, registered, and installed with the package."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from docplan.ooxml.props import read_core_properties, template_identity
from docplan.registry import latest, load_registry

ROOT = Path(__file__).resolve().parent.parent


def test_committed_templates_are_what_the_builder_makes(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "tools" / "build_templates.py"), str(tmp_path)], check=True,
                   capture_output=True)
    for entry in load_registry():
        built = tmp_path / entry.path.name
        assert built.read_bytes() == entry.path.read_bytes(), f"{entry.path.name} is stale: run tools/build_templates.py"


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_registry_names_a_template_per_language_with_identity(lang):
    entry = latest(None, lang)
    data = entry.path.read_bytes()
    assert template_identity(data) == ("rusplan-standard", entry.version, lang)
    assert read_core_properties(data)["language"] == f"{lang}-NO"
    assert entry.required_chapters, "the template must declare its required chapters"


@pytest.mark.slow
def test_pip_install_ships_templates_and_municipality_list(tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "-q",
                    "--target", str(target), str(ROOT)], check=True, capture_output=True)
    wheel_files = {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()}
    assert "docplan/data/kommuner-2024.csv" in wheel_files
    assert "docplan/templates/index.yaml" in wheel_files
    for entry in load_registry():
        assert f"docplan/templates/{entry.path.name}" in wheel_files
    # the checker's compiled walk is built and installed where Cython is at hand (it is in the test extras)
    if importlib.util.find_spec("Cython") is not None:
        assert any(f.startswith("docplan/checks/_cwalk.") and f.endswith((".so", ".pyd")) for f in wheel_files)
    # the installed copy finds its own templates and its compiled walk, without the source tree
    code = ("import docplan.registry as r, docplan.render as d; p=d.standard_template('nn'); "
            "print(p); assert 'site' in str(p) and p.is_file(); import docplan.checks.docview as v; "
            f"assert v.COMPILED or {importlib.util.find_spec('Cython') is None}")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp_path, env={"PYTHONPATH": str(target)})


def test_templates_are_valid_zip_packages():
    for entry in load_registry():
        with zipfile.ZipFile(entry.path) as zf:
            assert zf.testzip() is None
            assert "docProps/custom.xml" in zf.namelist()
