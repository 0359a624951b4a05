"""The yearly cycle on the command line: ``docplan diff`` (what changed) and ``docplan roll`` (next year)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from docplan.cli.common import guard_outputs
from docplan.cli.data import DATA, EXIT_CODES_HELP, OUT
from docplan.i18n import _


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
        raise click.UsageError(_("sammenlign to versjoner av plandataene, eller to Word-dokumenter – ikke ett av "
                                 "hvert"))
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
            raise click.BadParameter(_("utfila må slutte på .docx eller .json"), param_hint="-o/--output")
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        for line in result.lines():
            click.echo(line)


@click.command("roll", epilog=EXIT_CODES_HELP)
@click.argument("data", type=DATA)
@click.option("--to", "to_year", type=click.IntRange(1990, 2100), required=True,
              help="Året planen rulleres til (neste budsjettår).")
@click.option("-o", "--output", type=OUT, required=True,
              help="Neste års plandata (.yaml, eller .json); plandataene selv endres ikke.")
@click.option("--force", is_flag=True, help="Skriv over utfila om den finnes fra før.")
@click.pass_context
def roll_cmd(ctx: click.Context, data: Path, to_year: int, output: Path, force: bool) -> None:
    """Rull plandataene til neste år: avslutt gjennomførte tiltak, viderefør utsatte, og list det som må avgjøres.

    Ingenting avgjøres for deg: tiltak fjernes ikke og frister flyttes ikke. Det som må avgjøres, skrives
    ut og som en kommentar øverst i utfila. Avslutter med kode 3 når noe må avgjøres.
    """
    from docplan.datafile import write_back
    from docplan.files import write_atomic
    from docplan.i18n import _, language, ngettext
    from docplan.loaders import load_raw, validate_plan
    from docplan.roll import roll_plan

    guard_outputs({"-o/--output": output}, [data], force=force)
    suffix = output.suffix.lower()
    if suffix not in (".yaml", ".yml", ".json"):
        raise click.BadParameter(_("utfila må slutte på .yaml, .yml eller .json"), param_hint="-o/--output")
    raw, positions = load_raw(data)
    plan = validate_plan(raw, positions, str(data))
    with language(plan.language):
        result = roll_plan(raw, plan, to_year)
        validate_plan(result.data, positions, str(data))  # the rolled data must be valid, or nothing is written
        # (write_back checks that an edited YAML text reads back as exactly this data)
        written, rewritten = write_back(data, raw, result.data, suffix, keys=("years",),
                                        header=result.comment_block(data.name))
        write_atomic(output, written)
        if rewritten:
            click.echo(_("Merk: {path} er skrevet på nytt i sin helhet (tiltakene kunne ikke endres på stedet); "
                         "kommentarer inne i dataene er ikke med.").format(path=output))
        for change in result.changes:
            click.echo(f"- {change}")
        click.echo(_("Lagret: {path}").format(path=output))
        if result.pending:
            click.echo(ngettext("Må avgjøres ({n} punkt):", "Må avgjøres ({n} punkter):",
                                len(result.decisions)).format(n=len(result.decisions)))
            for i, decision in enumerate(result.decisions, 1):
                click.echo(f"  {i}. {decision}")
            ctx.exit(3)
