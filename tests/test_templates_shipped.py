"""The shipped standard templates: reproducible from the builder, registered, and installed with the package."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from docplan.document import PlanDocument
from docplan.ooxml.props import template_identity
from docplan.registry import latest, load_registry

ROOT = Path(__file__).resolve().parent.parent


def test_committed_templates_are_what_the_builder_makes(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "tools" / "build_templates.py"), str(tmp_path)], check=True,
                   capture_output=True)
    newest = {e.language: latest(None, e.language).version for e in load_registry()}
    for entry in load_registry():
        if entry.version != newest[entry.language]:
            continue  # a published earlier version is kept as it was, never rebuilt
        built = tmp_path / entry.path.name
        assert built.read_bytes() == entry.path.read_bytes(), f"{entry.path.name} is stale: run tools/build_templates.py"
    assert (tmp_path / "index.yaml").read_text("utf-8") == (ROOT / "templates" / "index.yaml").read_text("utf-8")


def test_published_versions_stay_in_the_registry():
    versions = {(e.language, e.version) for e in load_registry()}
    assert {("nb", "1.0.0"), ("nn", "1.0.0"), ("nb", "1.1.0"), ("nn", "1.1.0"), ("nb", "1.2.0"), ("nn", "1.2.0")} <= versions
    for entry in load_registry():
        assert entry.path.is_file(), entry.path


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_registry_names_a_template_per_language_with_identity(lang):
    entry = latest(None, lang)
    doc = PlanDocument.open(entry.path)
    assert template_identity(doc.custom_properties) == ("rusplan-standard", entry.version, lang)
    assert doc.core_properties["language"] == f"{lang}-NO"
    assert entry.required_chapters, "the template must declare its required chapters"


@pytest.mark.slow
def test_the_wheel_is_pure_python_and_ships_templates_catalogues_and_municipality_list(tmp_path):
    built = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(built), str(ROOT)], check=True, capture_output=True)
    wheels = list(built.glob("docplan-*.whl"))
    assert len(wheels) == 1 and wheels[0].name.endswith("-py3-none-any.whl"), wheels
    with zipfile.ZipFile(wheels[0]) as zf:
        assert not [n for n in zf.namelist() if n.endswith((".so", ".pyd", ".c", ".pyx"))]
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
                    str(wheels[0])], check=True, capture_output=True)
    wheel_files = {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()}
    assert "docplan/data/kommuner-2024.csv" in wheel_files
    assert "docplan/templates/index.yaml" in wheel_files
    assert "docplan/templating/lint.py" in wheel_files
    assert "docplan/locale/nn/LC_MESSAGES/docplan.mo" in wheel_files
    assert "docplan/locale/nb/LC_MESSAGES/click.mo" in wheel_files
    for entry in load_registry():
        assert f"docplan/templates/{entry.path.name}" in wheel_files
    # the installed copy finds its own templates and catalogue without the source tree
    code = ("import docplan.registry as r, docplan.render as d; p=d.standard_template('nn'); "
            "print(p); assert 'site' in str(p) and p.is_file(); import docplan.templating as t; "
            "assert 'site' in t.__file__; from docplan.i18n import translate; "
            "assert translate('Tiltak uten ansvarlig', 'nn') == 'Tiltak utan ansvarleg'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp_path, env={"PYTHONPATH": str(target)})


def test_templates_are_valid_zip_packages():
    for entry in load_registry():
        with zipfile.ZipFile(entry.path) as zf:
            assert zf.testzip() is None
            assert "docProps/custom.xml" in zf.namelist()
