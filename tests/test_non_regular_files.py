"""A FIFO or a device where a command expects a file is refused at once with a message, never read
(found by tools/reliability.py: ``check --config`` and ``refresh --in-place`` waited on a FIFO for ever,
and read /dev/zero until memory ran out). Real processes with a timeout, as a planner runs them."""

from __future__ import annotations

import os
import resource
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")


def docplan(*args, cwd):
    def bounded():  # /dev/zero read for ever stops at 2 GB instead of filling the machine
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024 ** 3, 2 * 1024 ** 3))

    return subprocess.run([sys.executable, "-m", "docplan", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=60, preexec_fn=bounded)


@pytest.fixture()
def folder(tmp_path, example_path):
    (tmp_path / "plan.yaml").write_bytes(example_path.read_bytes())
    assert docplan("render", "plan.yaml", "-o", "plan.docx", cwd=tmp_path).returncode == 0
    os.mkfifo(tmp_path / "rør.yaml")
    os.mkfifo(tmp_path / "rør.docx")
    os.symlink("/dev/zero", tmp_path / "null.docx")
    return tmp_path


def test_a_fifo_as_the_check_configuration_is_refused(folder):
    done = docplan("check", "plan.docx", "--config", "rør.yaml", cwd=folder)
    assert done.returncode == 2 and "ikke en vanlig fil" in done.stderr and "rør.yaml" in done.stderr, done.stderr


@pytest.mark.parametrize("document", ["rør.docx", "null.docx"])
def test_refresh_in_place_refuses_a_fifo_or_a_device_and_leaves_nothing(folder, document):
    done = docplan("refresh", document, "plan.yaml", "--in-place", cwd=folder)
    assert done.returncode == 1 and "ikke en vanlig fil" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["null.docx", "plan.docx", "plan.yaml", "rør.docx",
                                                        "rør.yaml"]


def test_in_place_on_a_missing_document_says_the_file_is_missing(folder):
    done = docplan("refresh", "mangler.docx", "plan.yaml", "--in-place", cwd=folder)
    assert done.returncode == 1 and "mangler.docx: filen finnes ikke" in done.stderr, done.stderr
