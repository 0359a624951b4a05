"""The installation guide admins read covers every step of a real deployment, and the README links it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from docplan.cli import main

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "install-addin.md"


def test_the_readme_has_a_short_section_that_points_to_the_guide():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Installere Word-tillegget", 1)[1].split("\n## ", 1)[0].strip()
    assert "docs/install-addin.md" in section and len(section.splitlines()) <= 3


@pytest.mark.parametrize("topic", [
    r"\\\\filserver\\Office-tillegg",                       # a shared-folder catalog (UNC path)
    r"Klareringssenter", r"Klarerte tilleggskataloger",       # Trust Center
    r"gruppepolicy", r"WEF\\TrustedCatalogs",                 # Group Policy / registry rollout
    r"%LOCALAPPDATA%\\Microsoft\\Office\\16.0\\Wef",          # clearing the add-in cache
    r"Integrerte apper", r"Last opp\s+egendefinerte apper",   # Microsoft 365 admin center
    r"brukere og grupper", r"24 timer",                       # assignment, propagation
    r"ekte sertifikat", r"appsforoffice\.microsoft\.com",     # certificate, the Office.js CDN
    r"docplan serve-token", r"Trekke tilbake en nøkkel",      # tokens handed out and revoked
    r"Word 2021", r"Word på nettet", r"Microsoft 365",        # supported hosts
])
def test_the_guide_covers(topic):
    assert re.search(topic, GUIDE.read_text(encoding="utf-8")), topic


def test_every_command_the_guide_shows_exists():
    text = GUIDE.read_text(encoding="utf-8")
    commands = set(re.findall(r"^docplan ([a-z-]+)", text, re.MULTILINE))
    assert {"serve", "manifest", "serve-token"} <= commands
    for command in commands:
        assert CliRunner().invoke(main, [command, "--help"]).exit_code == 0, command
