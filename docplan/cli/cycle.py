"""The yearly cycle on the command line: ``docplan diff`` (what changed between two versions)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from docplan.cli.common import guard_outputs
from docplan.cli.data import DATA, EXIT_CODES_HELP, OUT


@click.command("diff", epilog=EXIT_CODES_HELP)
@click.argument("old", type=DATA)
@click.argument("new", type=DATA)
@click.option("-o", "--output", type=OUT, help="Skriv endringene som en Word-tabell (.docx) eller JSON (.json).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Format på skjermen.")
@click.option("--lang", type=click.Choice(["nb", "nn"]), help="Målform (standard: den nye versjonens).")
@click.option("--force", is_flag=True, help="Skriv over utfila om den finnes fra før.")
def diff_cmd(old: Path, new: Path, output: Path | None, fmt: str, lang: str | None, force: bool) -> None:
    """Vis hva som er endret fra OLD til NEW: to versjoner av plandataene, eller to dokumenter laget av docplan.

    Mål, tiltak, kommuneplanpunkter og kommunenes vedtak som er lagt til, fjernet eller endret, felt for felt.
    """
    from docplan.diff import diff_documents, diff_plans
    from docplan.files import write_atomic
    from docplan.loaders import load_plan

    guard_outputs({"-o/--output": output}, [old, new], force=force)
    documents = [p.suffix.lower() == ".docx" for p in (old, new)]
    if any(documents) and not all(documents):
        raise click.UsageError("sammenlign to versjoner av plandataene, eller to Word-dokumenter – ikke ett av hvert")
    if all(documents):
        result = diff_documents(old, new, old_name=old.name, new_name=new.name, lang=lang)
    else:
        result = diff_plans(load_plan(old, check_references=False), load_plan(new, check_references=False),
                            old_name=old.name, new_name=new.name, lang=lang)
    if output is not None:
        if output.suffix.lower() == ".json":
            write_atomic(output, json.dumps(result.to_dict(), ensure_ascii=False, indent=2).encode("utf-8"))
        elif output.suffix.lower() == ".docx":
            write_atomic(output, result.to_docx())
        else:
            raise click.BadParameter("utfila må slutte på .docx eller .json", param_hint="-o/--output")
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        for line in result.lines():
            click.echo(line)
