"""Data paths that are not regular files are refused before they are opened, never waited on."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from docplan.errors import DataError
from docplan.loaders import load_plan

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")


def run_cli(*args: str, cwd) -> subprocess.CompletedProcess:
    """Run the docplan CLI; a hang fails the test after 60 s instead of blocking the suite."""
    return subprocess.run([sys.executable, "-m", "docplan", *args], capture_output=True, text=True, timeout=60,
                          cwd=cwd, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("name", ["plan.yaml", "plan.json", "plan.xlsx"])
def test_validate_refuses_a_fifo_instead_of_hanging(tmp_path, name):
    fifo = tmp_path / name
    os.mkfifo(fifo)
    result = run_cli("validate", str(fifo), cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "navngitt rør (FIFO)" in result.stderr and str(fifo) in result.stderr
    assert "Traceback" not in result.stderr


def test_render_refuses_a_fifo_instead_of_hanging(tmp_path):
    fifo = tmp_path / "plan.yaml"
    os.mkfifo(fifo)
    result = run_cli("render", str(fifo), "-o", str(tmp_path / "plan.docx"), cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "navngitt rør (FIFO)" in result.stderr
    assert not (tmp_path / "plan.docx").exists()


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_device_behind_a_data_file_name_is_refused(tmp_path):
    link = tmp_path / "plan.yaml"
    link.symlink_to("/dev/zero")
    with pytest.raises(DataError) as err:
        load_plan(link)
    assert err.value.code == "not_a_file" and "enhetsfil" in err.value.message


def test_a_directory_is_refused(tmp_path):
    folder = tmp_path / "plan.yaml"
    folder.mkdir()
    with pytest.raises(DataError, match="mappe"):
        load_plan(folder)


def test_a_regular_file_through_a_symlink_is_read(tmp_path, example_path):
    link = tmp_path / "plan.yaml"
    link.symlink_to(example_path)
    assert len(load_plan(link).measures) == 20
