"""``docplan status export|import``: the yearly status workbook the responsible units fill in."""

from __future__ import annotations

from pathlib import Path

import click

from docplan.cli.common import guard_outputs
from docplan.cli.data import DATA, EXIT_CODES_HELP, OUT

_YEAR = click.IntRange(1990, 2100)
_WORKBOOK = click.Path(exists=False, dir_okay=False, path_type=Path)


@click.group("status", epilog=EXIT_CODES_HELP)
def status_group() -> None:
    """Årlig status fra de ansvarlige enhetene: lag arbeidsboken de fyller ut, og les den inn igjen.

    Rekkefølgen er «docplan status export» (én fane per ansvarlig enhet), utfylling i Excel eller
    LibreOffice, og så «docplan status import», som skriver rapportene for året inn i plandataene.
    """


@status_group.command("export", epilog=EXIT_CODES_HELP)
@click.argument("data", type=DATA)
@click.option("--year", "--år", "year", required=True, type=_YEAR, help="Året enhetene rapporterer for.")
@click.option("-o", "--output", required=True, type=OUT, help="Arbeidsboken som skal lages (.xlsx).")
@click.option("--kommune", "municipality", metavar="NNNN",
              help="Ta bare med tiltakene som gjelder denne kommunen (felles + lokale).")
@click.option("--lang", type=click.Choice(["nb", "nn"]), help="Målform i arbeidsboken (standard: planens).")
@click.option("--force", is_flag=True, help="Skriv over utfila om den finnes fra før.")
def export_cmd(data: Path, year: int, output: Path, municipality: str | None, lang: str | None,
               force: bool) -> None:
    """Lag statusarbeidsboken for ett år fra DATA (YAML, JSON eller XLSX).

    Ett ark per ansvarlig enhet med tiltakene, fjorårets status og kolonnene som skal fylles ut: Status
    (nedtrekksliste), Hva ble gjort, Brukt (kr) og Kommentar. Resten er låst.
    """
    from docplan.files import write_atomic
    from docplan.loaders import load_plan
    from docplan.i18n import _, language
    from docplan.status import export_status, measures_by_unit

    if output.suffix.lower() != ".xlsx":
        raise click.BadParameter(_("utfila må slutte på .xlsx"), param_hint="-o/--output")
    guard_outputs({"-o/--output": output}, [data], force=force)
    plan = load_plan(data)
    with language(plan.language):
        if municipality and plan.municipality(municipality) is None:
            raise click.BadParameter(_("kommune {number} er ikke med i planen").format(number=municipality),
                                     param_hint="--kommune")
        period = plan.info.period
        if not period.start_year <= year <= period.end_year:
            raise click.BadParameter(_("{year} er utenfor planperioden {period}").format(year=year, period=period),
                                     param_hint="--year")
        write_atomic(output, export_status(plan, year, municipality=municipality, lang=lang))
        measures = plan.measures_for(municipality) if municipality else plan.measures
        units = measures_by_unit(measures)
        click.echo(_("Skrev {output}: {n} tiltak på {sheets} ark for {year}.").format(
            output=output, n=len(measures), sheets=len(units), year=year))


@status_group.command("import", epilog=EXIT_CODES_HELP)
@click.argument("workbook", type=_WORKBOOK)
@click.argument("data", type=DATA)
@click.option("-o", "--output", required=True, type=OUT,
              help="Plandataene med rapportene for året (.yaml eller .json); aldri den samme som DATA.")
@click.option("--force", is_flag=True, help="Skriv over utfila om den finnes fra før.")
def import_cmd(workbook: Path, data: Path, output: Path, force: bool) -> None:
    """Les den utfylte statusarbeidsboken WORKBOOK inn i DATA og skriv resultatet til -o.

    Rapportene for året arbeidsboken gjelder blir lagt under tiltakenes «reports», og tiltakets status
    blir den nyeste rapportens. Ukjente tiltak, ugyldige statuser og beløp meldes med ark og celle, og da
    skrives ingenting. Å lese den samme arbeidsboken inn igjen endrer ingenting.
    """
    from docplan.files import write_atomic
    from docplan.i18n import _, ngettext
    from docplan.status import import_status

    suffix = output.suffix.lower()
    if suffix not in (".yaml", ".yml", ".json"):
        raise click.BadParameter(_("utfila må slutte på .yaml, .yml eller .json"), param_hint="-o/--output")
    guard_outputs({"-o/--output": output}, [workbook, data], force=force)
    result = import_status(workbook, data, suffix)
    for warning in result.warnings:
        click.echo(_("Advarsel: {warning}").format(warning=warning.format()), err=True)
    if result.rewritten:
        click.echo(_("Merk: {data} kunne ikke endres bare der rapportene står, så hele fila er skrevet på nytt "
                     "(kommentarer inne i fila er borte).").format(data=data), err=True)
    write_atomic(output, result.data)
    imported, summary = result.imported, result.summary
    click.echo(ngettext("Skrev {output}: {n} rapport for {year} (nye: {added}, endret: {changed}, uendret: {same}).",
                        "Skrev {output}: {n} rapporter for {year} (nye: {added}, endret: {changed}, uendret: {same}).",
                        len(imported.reports)).format(
        output=output, n=len(imported.reports), year=imported.year, added=len(summary.added),
        changed=len(summary.changed), same=len(summary.unchanged)))
    if imported.blank:
        rows = ", ".join(_("{id} (ark «{sheet}»)").format(id=ident, sheet=sheet) for ident, sheet in imported.blank)
        click.echo(_("Ikke fylt ut ({n}): {rows}").format(n=len(imported.blank), rows=rows))
