"""`docplan workspace import|export` between a folder and a real PostgreSQL (click's CliRunner)."""

from __future__ import annotations

import shutil

from click.testing import CliRunner

from addin_server.postgres import PostgresStorage
from addin_server.workspace import Workspace, sample_root
from docplan.cli import main
from docplan.model import Adoption


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_import_then_export_gives_the_same_workspace_and_a_rerun_changes_nothing(database_url, workspace, tmp_path):
    ws = Workspace.open(workspace)
    ws.write_adoption("osterdalen", "3427", Adoption(status="til behandling"), expected="0", actor="demo 3427")
    result = run("workspace", "import", str(workspace), "--database", database_url)
    assert result.exit_code == 0, result.output
    assert "1 plan, 1 vedtak, 10 tilgangsnøkler og 1 logglinje kopiert" in result.output
    assert "0 planer, 0 vedtak, 0 tilgangsnøkler og 0 logglinjer kopiert" in run(
        "workspace", "import", str(workspace), "--database", database_url).output
    out = tmp_path / "ut"
    result = run("workspace", "export", str(out), "--database", database_url)
    assert result.exit_code == 0, result.output
    assert (out / "plans" / "osterdalen.yaml").read_bytes() == (workspace / "plans" / "osterdalen.yaml").read_bytes()
    exported = Workspace.open(out)
    assert exported.grants() == ws.grants() and exported.audit_entries() == ws.audit_entries()
    assert exported.plan("osterdalen") == ws.plan("osterdalen")


def test_an_import_onto_different_records_is_a_conflict_that_writes_nothing(database_url, workspace):
    assert run("workspace", "import", str(workspace), "--database", database_url).exit_code == 0
    db = PostgresStorage.open(database_url, pool_size=1)
    try:
        db.write_adoption("osterdalen", "3427", Adoption(status="utsatt"), expected="0", actor="server")
        Workspace.open(workspace).write_adoption("osterdalen", "3427", Adoption(status="til behandling"),
                                                 expected="0", actor="folder")
        result = run("workspace", "import", str(workspace), "--database", database_url)
        assert result.exit_code == 3 and "ingenting er skrevet" in result.output and "--overwrite" in result.output
        assert "Traceback" not in result.output and db.adoption("osterdalen", "3427").value.status == "utsatt"
        result = run("workspace", "import", str(workspace), "--database", database_url, "--overwrite")
        assert result.exit_code == 0, result.output
        assert db.adoption("osterdalen", "3427").value.status == "til behandling"
    finally:
        db.close()


def test_export_refuses_a_folder_that_is_not_a_workspace(database_url, tmp_path):
    (tmp_path / "notes.txt").write_text("mine", "utf-8")
    result = run("workspace", "export", str(tmp_path), "--database", database_url)
    assert result.exit_code == 2 and "er ikke et arbeidsområde" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_an_unreachable_database_is_exit_2_and_one_norwegian_line(tmp_path):
    shutil.copytree(sample_root(), tmp_path / "ws")
    result = run("workspace", "import", str(tmp_path / "ws"), "--database",
                 f"postgresql://docplan:hemmelig@/x?host={tmp_path}&connect_timeout=2")
    assert result.exit_code == 2 and "kan ikke bruke databasen" in result.output
    assert "hemmelig" not in result.output and "Traceback" not in result.output
