"""``docplan render``, ``validate`` and ``init``: plan data in, documents and starter files out."""

from __future__ import annotations

from pathlib import Path

import click

from docplan.cli.common import guard_outputs
from docplan.i18n import _, language, ngettext

EXIT_CODES_HELP = ("Avslutningskoder: 0 ok, 1 feil i inndata, 2 bruks-, oppsett- eller systemfeil, 3 konflikt, "
                   "4 intern feil.")
DATA = click.Path(exists=False, dir_okay=False, path_type=Path)
OUT = click.Path(dir_okay=False, path_type=Path)


@click.command(epilog=EXIT_CODES_HELP)
@click.argument("data", type=DATA)
@click.option("-t", "--template", type=click.Path(dir_okay=False, path_type=Path), help="Egen docxtpl-mal (.docx).")
@click.option("--standard", type=click.Choice(["nb", "nn"]),
              help="Bruk standardmalen på bokmål (nb) eller nynorsk (nn). Standard: språket i dataene.")
@click.option("-o", "--output", required=True, type=OUT, help="Word-fila som skal lages (.docx).")
@click.option("--pdf", is_flag=True, help="Lag også PDF ved siden av (krever LibreOffice).")
@click.option("--kommune", "municipality", metavar="NNNN",
              help="Ta bare med tiltakene som gjelder denne kommunen (felles + lokale).")
@click.option("--force", is_flag=True, help="Skriv over utfila (og PDF-en) om de finnes fra før.")
def render(data: Path, template: Path | None, standard: str | None, output: Path, pdf: bool,
           municipality: str | None, force: bool) -> None:
    """Lag plandokumentet (.docx) fra DATA (YAML, JSON eller XLSX)."""
    from docplan.files import write_atomic
    from docplan.loaders import load_plan
    from docplan.render import render_plan, standard_template

    if template and standard:
        raise click.UsageError(_("bruk enten --template eller --standard, ikke begge"))
    guard_outputs({"-o/--output": output, "--pdf": output.with_suffix(".pdf") if pdf else None},
                  [data, template], force=force)
    plan = load_plan(data)
    with language(plan.language):
        if municipality and plan.municipality(municipality) is None:
            raise click.BadParameter(_("kommune {municipality} er ikke med i planen").format(municipality=municipality),
                                     param_hint="--kommune")
        if template is not None:  # the user's own template is code nobody vetted: bounded in time and memory
            from docplan.templating.bounded import render_bounded

            data_bytes = render_bounded(plan, template, municipality=municipality)
        else:
            data_bytes = render_plan(plan, standard_template(standard or plan.meta.language), municipality=municipality)
        write_atomic(output, data_bytes)
        click.echo(_("Skrev {output}").format(output=output))
        if pdf:
            from docplan.convert import to_pdf

            pdf_path = to_pdf(output, output.with_suffix(".pdf"))
            click.echo(_("Skrev {pdf_path}").format(pdf_path=pdf_path))


@click.command(epilog=EXIT_CODES_HELP)
@click.argument("data", type=DATA)
def validate(data: Path) -> None:
    """Kontroller at DATA kan leses og henger sammen (id-er, kommunenummer, mål)."""
    from docplan.loaders import load_plan_with_warnings

    plan, warnings = load_plan_with_warnings(data)
    with language(plan.language):
        for warning in warnings:
            click.echo(_("Advarsel: {message}").format(message=warning.format()), err=True)
        subs = sum(len(g.sub_goals) for g in plan.goals)
        counts = (ngettext("{n} kommune", "{n} kommuner", len(plan.municipalities)).format(n=len(plan.municipalities)),
                  ngettext("{n} hovedmål", "{n} hovedmål", len(plan.goals)).format(n=len(plan.goals)),
                  ngettext("{n} delmål", "{n} delmål", subs).format(n=subs),
                  ngettext("{n} tiltak", "{n} tiltak", len(plan.measures)).format(n=len(plan.measures)))
        click.echo(_("OK: {data} – {municipalities}, {goals}, {sub_goals}, {measures}.").format(
            data=data, municipalities=counts[0], goals=counts[1], sub_goals=counts[2], measures=counts[3]))


@click.command(epilog=EXIT_CODES_HELP)
@click.option("--kommune", "number", required=True, metavar="NNNN", help="Kommunenummer (2024), f.eks. 3427.")
@click.option("-o", "--output", default=Path("plan.yaml"), show_default=True, type=OUT,
              help="YAML-fila som skal lages.")
@click.option("--xlsx", type=OUT, help="Lag også en Excel-arbeidsbok med de samme arkene.")
@click.option("--language", "--språk", "language", type=click.Choice(["nb", "nn"]), default="nb",
              show_default=True, help="Målform for planen.")
@click.option("--force", is_flag=True, help="Overskriv filer som finnes fra før.")
def init(number: str, output: Path, xlsx: Path | None, language: str, force: bool) -> None:
    """Lag en kommentert startfil (YAML, og ev. XLSX) for en kommune."""
    from docplan.files import write_atomic
    from docplan.starter import starter_xlsx, starter_yaml

    guard_outputs({"-o/--output": output, "--xlsx": xlsx}, [], force=force)
    text = starter_yaml(number, language=language, file=output.name)
    write_atomic(output, text.encode("utf-8"))
    click.echo(_("Skrev {output}").format(output=output))
    if xlsx:
        write_atomic(xlsx, starter_xlsx(number, language=language))
        click.echo(_("Skrev {xlsx}").format(xlsx=xlsx))
