"""The ``docplan`` command line: each command parses, calls one library function and prints.

Exit codes: 0 success; 1 input error (bad data, document or template; findings at or above
--fail-on for ``check``); 2 usage or configuration error (bad option, LibreOffice missing);
3 conflict (an update would overwrite a planner's manual edit). Errors are printed as one
Norwegian line per problem; ``--debug`` adds the traceback.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import click

from docplan import __version__
from docplan.errors import DocplanError

EXIT_CODES_HELP = "Avslutningskoder: 0 ok, 1 feil i inndata, 2 bruks- eller oppsettfeil, 3 konflikt."


class DocplanGroup(click.Group):
    """A click group that turns `DocplanError` into Norwegian messages and the class's exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DocplanError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                traceback.print_exc()
            click.echo(f"Feil: {exc.format()}", err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=DocplanGroup, epilog=EXIT_CODES_HELP)
@click.version_option(__version__, prog_name="docplan")
@click.option("--debug", is_flag=True, help="Vis full feilsporing (for utviklere).")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """docplan: rusmiddelpolitisk handlingsplan som data, Word-maler og kontroller."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


DATA = click.Path(exists=False, dir_okay=False, path_type=Path)


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("data", type=DATA)
@click.option("-t", "--template", type=click.Path(dir_okay=False, path_type=Path),
              help="Egen docxtpl-mal (.docx).")
@click.option("--standard", type=click.Choice(["nb", "nn"]),
              help="Bruk standardmalen på bokmål (nb) eller nynorsk (nn). Standard: språket i dataene.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Word-fila som skal lages (.docx).")
@click.option("--pdf", is_flag=True, help="Lag også PDF ved siden av (krever LibreOffice).")
@click.option("--kommune", "municipality", metavar="NNNN",
              help="Ta bare med tiltakene som gjelder denne kommunen (felles + lokale).")
def render(data: Path, template: Path | None, standard: str | None, output: Path, pdf: bool,
           municipality: str | None) -> None:
    """Lag plandokumentet (.docx) fra DATA (YAML, JSON eller XLSX)."""
    from docplan.loaders import load_plan
    from docplan.package import write_atomic
    from docplan.render import render_plan, standard_template

    if template and standard:
        raise click.UsageError("bruk enten --template eller --standard, ikke begge")
    refuse_overwriting_inputs(output, data, template)
    plan = load_plan(data)
    if municipality and plan.municipality(municipality) is None:
        raise click.BadParameter(f"kommune {municipality} er ikke med i planen", param_hint="--kommune")
    chosen = template or standard_template(standard or plan.meta.language)
    write_atomic(output, render_plan(plan, chosen, municipality=municipality))
    click.echo(f"Skrev {output}")
    if pdf:
        from docplan.convert import to_pdf

        pdf_path = to_pdf(output, output.with_suffix(".pdf"))
        click.echo(f"Skrev {pdf_path}")


def refuse_overwriting_inputs(output: Path | None, *inputs: Path | None) -> None:
    """Raise a usage error when ``output`` is one of the input files (docplan never overwrites its inputs)."""
    if output is None:
        return
    for source in inputs:
        if source is not None and source.exists() and output.exists() and output.samefile(source):
            raise click.UsageError(f"utfila {output} er den samme som en av inndatafilene; velg et annet navn")


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("data", type=DATA)
def validate(data: Path) -> None:
    """Kontroller at DATA kan leses og henger sammen (id-er, kommunenummer, mål)."""
    from docplan.loaders import load_plan_with_warnings

    plan, warnings = load_plan_with_warnings(data)
    for warning in warnings:
        click.echo(f"Advarsel: {warning.format()}", err=True)
    subs = sum(len(g.sub_goals) for g in plan.goals)
    click.echo(f"OK: {data} – {len(plan.municipalities)} kommune(r), {len(plan.goals)} hovedmål, "
               f"{subs} delmål, {len(plan.measures)} tiltak.")


@main.command(epilog=EXIT_CODES_HELP)
@click.option("--kommune", "number", required=True, metavar="NNNN", help="Kommunenummer (2024), f.eks. 3427.")
@click.option("-o", "--output", default=Path("plan.yaml"), show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="YAML-fila som skal lages.")
@click.option("--xlsx", type=click.Path(dir_okay=False, path_type=Path),
              help="Lag også en Excel-arbeidsbok med de samme arkene.")
@click.option("--language", "--språk", "language", type=click.Choice(["nb", "nn"]), default="nb",
              show_default=True, help="Målform for planen.")
@click.option("--force", is_flag=True, help="Overskriv filer som finnes fra før.")
def init(number: str, output: Path, xlsx: Path | None, language: str, force: bool) -> None:
    """Lag en kommentert startfil (YAML, og ev. XLSX) for en kommune."""
    from docplan.package import write_atomic
    from docplan.starter import starter_xlsx, starter_yaml

    for path in filter(None, (output, xlsx)):
        if path.exists() and not force:
            raise click.UsageError(f"{path} finnes fra før; bruk --force for å overskrive")
    text = starter_yaml(number, language=language, file=output.name)
    write_atomic(output, text.encode("utf-8"))
    click.echo(f"Skrev {output}")
    if xlsx:
        write_atomic(xlsx, starter_xlsx(number, language=language))
        click.echo(f"Skrev {xlsx}")


def _load_extensions() -> None:
    """Register the command modules of the other capabilities (insert, check, template, batch, serve)."""
    import importlib

    for name in ("docplan.cli_insert", "docplan.cli_check", "docplan.cli_template", "docplan.cli_batch",
                 "addin_server.cli"):
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            # only the optional module (or its package) being absent is fine; a missing dependency is a bug
            if not exc.name or not (name == exc.name or name.startswith(exc.name + ".")):
                raise


_load_extensions()


def run() -> None:
    """Entry point used by ``python -m docplan``."""
    sys.exit(main(prog_name="docplan"))


if __name__ == "__main__":
    run()
