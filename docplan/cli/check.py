"""``docplan check``: the consistency checker on the command line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from docplan.cli.common import guard_outputs
from docplan.i18n import _

FAIL_ON = ("error", "warning", "info", "never")
EXIT_HELP = ("Avslutningskoder: 0 ingen funn på eller over --fail-on, 1 funn på eller over --fail-on, "
             "2 bruks-, inndata- eller systemfeil, 4 intern feil.")
PATH = click.Path(dir_okay=False, path_type=Path)


class CheckCommand(click.Command):
    """``check`` keeps exit code 1 for findings, so an error in the input exits with 2 (the group reads
    `input_error_exit`); every other error keeps its own code."""

    input_error_exit = 2


@click.command(cls=CheckCommand, epilog=EXIT_HELP)
@click.argument("plan", required=False, type=PATH)
@click.option("--data", type=PATH, help="Plandata (YAML, JSON eller XLSX).")
@click.option("--kp", type=PATH, help="Gjeldende kommuneplankatalog (YAML/JSON med «municipalities»).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text", show_default=True)
@click.option("--annotate", type=PATH, help="Skriv en kopi av dokumentet med en Word-kommentar ved hvert funn "
                                            "(kommentarer fra en tidligere kontroll erstattes).")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default="warning", show_default=True,
              help="Laveste alvorlighet som gir avslutningskode 1.")
@click.option("--config", type=PATH, help="Regeloppsett (YAML): slå av regler eller endre alvorlighet, også per kommune.")
@click.option("--kommune", "municipality", metavar="NNNN", help="Bruk regeloppsettet for denne kommunen.")
@click.option("--lang", type=click.Choice(["nb", "nn"]),
              help="Målform for funn og kommentarer (standard: dokumentets språk, ellers plandataenes).")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Dato kontrollen regner fra (for tester).")
@click.option("-o", "--output", type=PATH, help="Skriv rapporten til fil.")
@click.option("--force", is_flag=True, help="Skriv over rapporten/kopien om de finnes fra før.")
@click.pass_context
def check(ctx, plan, data, kp, fmt, annotate, fail_on, config, municipality, lang, today, output, force):
    """Kontroller at PLAN (.docx) og/eller plandataene henger sammen."""
    from docplan.checks import load_config, run_checks
    from docplan.i18n import language

    if plan is None and data is None:
        raise click.UsageError(_("oppgi et plandokument (.docx), --data eller begge"))
    if annotate is not None and plan is None:
        raise click.UsageError(_("--annotate krever et plandokument (.docx)"))
    guard_outputs({"-o/--output": output, "--annotate": annotate}, [plan, data, kp, config], force=force)
    cfg = load_config(config)
    doc = None
    if plan is not None:
        from docplan.checks.docview import read_document

        doc = read_document(plan)
    findings = run_checks(document=doc, data=data, kp=kp, config=cfg, municipality=municipality,
                          today=today.date() if today else dt.date.today(), lang=lang)
    with language(findings.language):
        _report(ctx, findings, fmt, plan, doc, data, annotate, output, fail_on)


def _report(ctx, findings, fmt, plan, doc, data, annotate, output, fail_on) -> None:
    """Write the report (and the annotated copy) in the current målform, and exit with the check's code."""
    from docplan.checks import Severity, report
    from docplan.files import write_atomic
    from docplan.i18n import ngettext

    if fmt == "json":
        out = report.to_json(findings, document=str(plan) if plan else None, data=str(data) if data else None)
    elif fmt == "sarif":
        out = report.to_sarif(findings)
    else:
        out = report.to_text(findings)
    if annotate is not None:
        write_atomic(annotate, report.annotate(doc.document, findings))
    if output is not None:
        write_atomic(output, (out + "\n").encode("utf-8"))
    else:
        click.echo(out)
    if annotate is not None:
        click.echo(ngettext("Skrev {file} med {n} kommentar.", "Skrev {file} med {n} kommentarer.",
                            len(findings)).format(file=annotate, n=len(findings)), err=True)
    if fail_on != "never" and any(f.severity.rank >= Severity(fail_on).rank for f in findings):
        ctx.exit(1)
    ctx.exit(0)
