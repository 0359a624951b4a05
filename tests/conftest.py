"""Shared fixtures: the example plan, ../shared (skipped with a reason when absent), real readers."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from testkit import EXAMPLE, SHARED


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The ../shared folder; tests that need it skip (with the reason) in a user's own clone."""
    if not SHARED.is_dir():
        pytest.skip(f"../shared is not beside the project ({SHARED}); CI always has it")
    return SHARED


@pytest.fixture(scope="session")
def corpus_dir(shared_dir: Path) -> Path:
    path = shared_dir / "corpus" / "docx"
    if not path.is_dir():
        pytest.skip(f"the .docx corpus is missing at {path}")
    return path


@pytest.fixture(scope="session")
def example_path() -> Path:
    return EXAMPLE


@pytest.fixture()
def sample_plan():
    """A fresh `Plan` of the Østerdalen example (fictional data, nine municipalities)."""
    from docplan.loaders import load_plan

    return load_plan(EXAMPLE)


@pytest.fixture(scope="session")
def soffice() -> str:
    """The LibreOffice binary; in CI its absence is a failure, elsewhere a skip with the reason."""
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is not installed, but CI must have it (scripts/install-system-deps.sh)")
        pytest.skip("LibreOffice (soffice) is not installed; run `make system-deps`")
    return path
