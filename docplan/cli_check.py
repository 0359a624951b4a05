"""``docplan check``: the consistency checker on the command line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from docplan.cli import main
from docplan.errors import DocplanError

FAIL_ON = ("error", "warning", "info", "never")
EXIT_HELP = ("Avslutningskoder: 0 ingen funn på eller over --fail-on, 1 funn på eller over --fail-on, "
             "2 bruks- eller inndatafeil.")


@main.command(epilog=EXIT_HELP)
@click.argument("plan", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--data", type=click.Path(dir_okay=False, path_type=Path), help="Plandata (YAML, JSON eller XLSX).")
@click.option("--kp", type=click.Path(dir_okay=False, path_type=Path),
              help="Gjeldende kommuneplankatalog (YAML/JSON med «municipalities»).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text", show_default=True)
@click.option("--annotate", type=click.Path(dir_okay=False, path_type=Path),
              help="Skriv en kopi av dokumentet med en Word-kommentar ved hvert funn.")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default="warning", show_default=True,
              help="Laveste alvorlighet som gir avslutningskode 1.")
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path),
              help="Regeloppsett (YAML): slå av regler eller endre alvorlighet, også per kommune.")
@click.option("--kommune", "municipality", metavar="NNNN", help="Bruk regeloppsettet for denne kommunen.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Dato kontrollen regner fra (for tester).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Skriv rapporten til fil.")
@click.pass_context
def check(ctx, plan, data, kp, fmt, annotate, fail_on, config, municipality, today, output):
    """Kontroller at PLAN (.docx) og/eller plandataene henger sammen."""
    from docplan.checks import Severity, load_config, run_checks
    from docplan.checks import report
    from docplan.cli import refuse_overwriting_inputs
    from docplan.package import write_atomic

    refuse_overwriting_inputs(output, plan, data, kp, config)
    if plan is None and data is None:
        raise click.UsageError("oppgi et plandokument (.docx), --data eller begge")
    if annotate is not None and plan is None:
        raise click.UsageError("--annotate krever et plandokument (.docx)")
    if annotate is not None and plan is not None and annotate.resolve() == plan.resolve():
        raise click.UsageError("--annotate må være en ny fil; docplan overskriver ikke dokumentet du kontrollerer")
    try:
        cfg = load_config(config)
        doc = None
        if plan is not None:
            from docplan.checks.docview import read_document

            doc = read_document(plan)
        findings = run_checks(document=doc, data=data, kp=kp, config=cfg, municipality=municipality,
                              today=today.date() if today else dt.date.today())
        if fmt == "json":
            out = report.to_json(findings, document=str(plan) if plan else None, data=str(data) if data else None)
        elif fmt == "sarif":
            out = report.to_sarif(findings)
        else:
            out = report.to_text(findings)
        if annotate is not None:
            write_atomic(annotate, report.annotate(doc.data, findings, main_part=doc.main_part))
        if output is not None:
            write_atomic(output, (out + "\n").encode("utf-8"))
    except DocplanError as exc:
        if ctx.obj and ctx.obj.get("debug"):
            raise
        click.echo(f"Feil: {exc.format()}", err=True)
        ctx.exit(2)
    if output is None:
        click.echo(out)
    if annotate is not None:
        click.echo(f"Skrev {annotate} med {len(findings)} kommentar(er).", err=True)
    if fail_on != "never" and any(f.severity.rank >= Severity(fail_on).rank for f in findings):
        ctx.exit(1)
    ctx.exit(0)


