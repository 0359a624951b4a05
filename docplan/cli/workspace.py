"""``docplan workspace import|export``: copy the add-in server's workspace between a folder and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import click
from docplan.i18n import _

_DATABASE = click.option("--database", envvar="DOCPLAN_DATABASE", required=True, metavar="postgresql://…",
                         help="PostgreSQL-databasen (også DOCPLAN_DATABASE).")
_OVERWRITE = click.option("--overwrite", is_flag=True,
                          help="Skriv over planer, vedtak og nøkler som finnes med annet innhold i målet.")


@click.group()
def workspace() -> None:
    """Flytt arbeidsområdet til Word-tillegget mellom en mappe og PostgreSQL.

    Kopien tar med planer, vedtak, tilgangsnøkler og vedtaksloggen. Det som alt finnes likt i målet,
    blir stående, så en ny kjøring endrer ingenting; finnes noe med annet innhold, skrives ingenting
    uten --overwrite."""


@workspace.command("import")
@click.argument("folder", type=click.Path(file_okay=False, exists=True, path_type=Path))
@_DATABASE
@_OVERWRITE
def import_cmd(folder: Path, database: str, overwrite: bool) -> None:
    """Kopier arbeidsområdet i MAPPE inn i databasen."""
    from addin_server.postgres import PostgresStorage
    from addin_server.storage import copy_workspace
    from addin_server.workspace import Workspace

    source = Workspace.open(folder)
    target = PostgresStorage.open(database, pool_size=2)
    try:
        report = copy_workspace(source, target, overwrite=overwrite)
    finally:
        target.close()
    click.echo(_("Importert til databasen: {summary}.").format(summary=report.summary()))


@workspace.command("export")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@_DATABASE
@_OVERWRITE
def export_cmd(folder: Path, database: str, overwrite: bool) -> None:
    """Kopier arbeidsområdet i databasen ut til MAPPE (lages om den ikke finnes)."""
    from addin_server.postgres import PostgresStorage
    from addin_server.storage import copy_workspace
    from addin_server.workspace import Workspace

    if folder.is_dir() and any(folder.iterdir()) and not (folder / "plans").is_dir():
        raise click.UsageError(_("mappen {folder} finnes og er ikke et arbeidsområde (mangler «plans»); velg en ny "
                                 "eller tom mappe").format(folder=folder))
    source = PostgresStorage.open(database, pool_size=2)
    try:
        report = copy_workspace(source, Workspace.create(folder), overwrite=overwrite)
    finally:
        source.close()
    click.echo(_("Eksportert til {folder}: {summary}.").format(folder=folder, summary=report.summary()))
