"""``docplan report``: the årsrapport of one year as Word, Excel or JSON."""

from __future__ import annotations

from pathlib import Path

import click

from docplan.cli.common import guard_outputs
from docplan.cli.data import DATA, EXIT_CODES_HELP, OUT

#: The output formats, by the output file's ending.
SUFFIXES = (".docx", ".xlsx", ".json")


def _known_format(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    """Refuse an output whose ending names no format the report is written in."""
    from docplan.i18n import _

    if value.suffix.lower() not in SUFFIXES:
        raise click.BadParameter(_("utfila må slutte på .docx, .xlsx eller .json"))
    return value


@click.command("report", epilog=EXIT_CODES_HELP)
@click.argument("data", type=DATA)
@click.option("--year", required=True, type=click.IntRange(1990, 2100), metavar="ÅR",
              help="Året årsrapporten gjelder, f.eks. 2025.")
@click.option("-o", "--output", required=True, type=OUT, callback=_known_format,
              help="Fila som skal lages: .docx (Word), .xlsx (Excel) eller .json.")
@click.option("--kommune", "municipality", metavar="NNNN",
              help="Ta bare med tiltakene som gjelder denne kommunen (felles + kommunens egne).")
@click.option("--standard", type=click.Choice(["nb", "nn"]),
              help="Skriv rapporten på bokmål (nb) eller nynorsk (nn). Standard: språket i dataene.")
@click.option("--force", is_flag=True, help="Skriv over utfila om den finnes fra før.")
def report_cmd(data: Path, year: int, output: Path, municipality: str | None, standard: str | None,
               force: bool) -> None:
    """Lag årsrapporten for ett år fra DATA: status, hva som ble gjort, brukt mot planlagt og indikatorene.

    Rapporten har én tabell per hovedmål, antall tiltak per status, tiltak som har passert fristen og et
    kort sammendrag. For å sette den inn i kommunens egen årsmelding: «docplan insert ÅRSMELDING.docx DATA
    --what report --year 2025 --at "Rusmiddelpolitisk handlingsplan"».
    """
    from docplan.files import write_atomic
    from docplan.i18n import _, language
    from docplan.loaders import load_plan
    from docplan.report import WRITERS, build_report

    guard_outputs({"-o/--output": output}, [data], force=force)
    plan = load_plan(data)
    if municipality and plan.municipality(municipality) is None:
        raise click.BadParameter(_("kommune {number} er ikke med i planen").format(number=municipality),
                                 param_hint="--kommune")
    report = build_report(plan, year, municipality=municipality, lang=standard)
    write_atomic(output, WRITERS[output.suffix.lower()](report))
    with language(report.language):
        click.echo(report.title)
        click.echo(report.summary())
    click.echo(_("Lagret: {path}").format(path=output))
