"""``docplan template …``: lint, fields, schema, preview, diff and publish for template maintainers."""

from __future__ import annotations

import json
from pathlib import Path

import click

from docplan.cli.common import guard_outputs
from docplan.cli.data import EXIT_CODES_HELP
from docplan.i18n import _, ngettext

TEMPLATE = click.Path(exists=True, dir_okay=False, path_type=Path)
OUT = click.Path(dir_okay=False, path_type=Path)


def _echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@click.group(epilog=EXIT_CODES_HELP)
def template() -> None:
    """Verktøy for dem som vedlikeholder Word-malene (se docs/maintainers.md)."""


@template.command(epilog=EXIT_CODES_HELP)
@click.argument("template_path", metavar="MAL.docx", type=TEMPLATE)
@click.option("--fix", is_flag=True, help="Slå sammen malkoder som Word har delt opp, og skriv en rettet kopi.")
@click.option("-o", "--output", type=OUT, help="Fila den rettede malen skrives til (med --fix).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--required-chapter", "required", multiple=True, metavar="TITTEL",
              help="Kapittel som må finnes (kan gjentas). Standard: kapitlene registeret krever for malen.")
@click.option("--strict", is_flag=True, help="Avslutt med kode 1 også ved advarsler.")
@click.option("--force", is_flag=True, help="Skriv over den rettede kopien (-o) om den finnes fra før.")
def lint(template_path: Path, fix: bool, output: Path | None, fmt: str, required: tuple[str, ...],
         strict: bool, force: bool) -> None:
    """Kontroller en mal: syntaks, felt mot datamodellen, tabell-løkker, stiler, språk og kapitler."""
    from docplan.package import write_atomic
    from docplan.templating import fix_split_tags, lint_template

    if output and not fix:
        raise click.UsageError(_("-o/--output brukes bare sammen med --fix"))
    if fix:
        if output is None:
            raise click.UsageError(_("--fix trenger -o/--output; malen du ga, blir ikke overskrevet"))
        # the same file by any name (a link too) is refused: the template given is never overwritten
        guard_outputs({"-o/--output": output}, [template_path], force=force)
        data, fixed, skipped = fix_split_tags(template_path)
        write_atomic(output, data)
        if fmt == "text":
            line = ngettext("Slo sammen {n} delt malkode og skrev {output}.",
                            "Slo sammen {n} delte malkoder og skrev {output}.", fixed).format(n=fixed, output=output)
            if skipped:
                line += " " + ngettext("{n} kunne ikke rettes trygt og må rettes i Word.",
                                       "{n} kunne ikke rettes trygt og må rettes i Word.", skipped).format(n=skipped)
            click.echo(line)
        template_path = output
    report = lint_template(template_path, required_chapters=list(required) or None)
    if fmt == "json":
        _echo_json(report.to_dict())
    else:
        for f in report.findings:
            click.echo(f.format())
        verdict = _("OK") if report.ok else _("IKKE OK")
        click.echo(_("{verdict}: {template} – {errors}, {warnings}.").format(
            verdict=verdict, template=report.template,
            errors=ngettext("{n} feil", "{n} feil", len(report.errors)).format(n=len(report.errors)),
            warnings=ngettext("{n} advarsel", "{n} advarsler", len(report.warnings)).format(n=len(report.warnings))))
    if not report.ok or (strict and report.warnings):
        click.get_current_context().exit(1)


@template.command(epilog=EXIT_CODES_HELP)
@click.argument("template_path", metavar="MAL.docx", type=TEMPLATE)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def fields(template_path: Path, fmt: str) -> None:
    """List feltene malen bruker, med sted (del, avsnitt, tabellcelle)."""
    from docplan.templating import template_fields

    uses = template_fields(template_path)
    if fmt == "json":
        _echo_json(uses)
        return
    for u in uses:
        where = f"{u['part']}, avsnitt {u['paragraph']}"
        if u["table"]:
            where += f", tabell {u['table'][0]} rad {u['table'][1]} celle {u['table'][2]}"
        click.echo(f"{u['path'] or '?'}\t{u['expression']}\t{where}")


@template.command(epilog=EXIT_CODES_HELP)
@click.option("--markdown", is_flag=True, help="Skriv feltoversikten (som i docs/maintainers.md) i stedet.")
@click.option("-o", "--output", type=OUT, help="Skriv til fil i stedet for skjermen.")
@click.option("--force", is_flag=True, help="Skriv over utfila om den finnes fra før.")
def schema(markdown: bool, output: Path | None, force: bool) -> None:
    """Skriv JSON Schema for dataene en mal kan bruke (laget fra datamodellen)."""
    from docplan.package import write_atomic
    from docplan.templating import context_schema, field_reference_markdown

    guard_outputs({"-o/--output": output}, [], force=force)
    text = field_reference_markdown() if markdown else json.dumps(context_schema(), ensure_ascii=False, indent=2)
    if output:
        write_atomic(output, (text + "\n").encode("utf-8"))
        click.echo(_("Skrev {output}").format(output=output))
    else:
        click.echo(text)


@template.command(epilog=EXIT_CODES_HELP)
@click.argument("template_path", metavar="MAL.docx", type=TEMPLATE)
@click.option("--data", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Plandata (YAML/JSON/XLSX). Standard: Østerdalen-eksempelet.")
@click.option("--kommune", "municipality", metavar="NNNN", help="Lag utgaven for én kommune.")
@click.option("-o", "--output", required=True, type=OUT, help="preview.pdf, eller preview.png (én fil per side).")
@click.option("--pages", type=click.IntRange(min=1), help="Bare de første N sidene (PNG).")
def preview(template_path: Path, data: Path | None, municipality: str | None, output: Path,
            pages: int | None) -> None:
    """Fyll ut malen med eksempeldata og lag PDF (eller PNG-sider) med LibreOffice."""
    from docplan.templating import preview as make_preview

    if output.suffix.lower() not in (".pdf", ".png"):
        raise click.BadParameter(_("må slutte på .pdf eller .png"), param_hint="-o/--output")
    for path in make_preview(template_path, output, data=data, municipality=municipality, pages=pages):
        click.echo(_("Skrev {path}").format(path=path))


@template.command(epilog=EXIT_CODES_HELP)
@click.argument("old", metavar="GAMMEL.docx", type=TEMPLATE)
@click.argument("new", metavar="NY.docx", type=TEMPLATE)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def diff(old: Path, new: Path, fmt: str) -> None:
    """Vis hva som er endret i struktur mellom to maler: kapitler, felt og innholdskontroller."""
    from docplan.templating import diff_templates

    d = diff_templates(old, new)
    if fmt == "json":
        _echo_json(d.to_dict())
    else:
        click.echo(d.format())


@template.command(epilog=EXIT_CODES_HELP)
@click.argument("template_path", metavar="MAL.docx", type=TEMPLATE)
@click.option("--registry", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Mappa med malregisteret (index.yaml og malfilene).")
@click.option("--version", "version", metavar="X.Y.Z", help="Versjonsnummer. Standard: det som står i malen.")
@click.option("--id", "template_id", help="Malens id. Standard: den som står i malen.")
@click.option("--language", type=click.Choice(["nb", "nn"]), help="Målform. Standard: den som står i malen.")
@click.option("--required-chapter", "required", multiple=True, metavar="TITTEL",
              help="Kapittel som må finnes (kan gjentas). Standard: som forrige versjon.")
def publish(template_path: Path, registry: Path, version: str | None, template_id: str | None,
            language: str | None, required: tuple[str, ...]) -> None:
    """Publiser malen som ny versjon i registeret (ny fil + ny linje i index.yaml; aldri overskriving)."""
    from docplan.templating import publish as do_publish

    pub = do_publish(template_path, registry, version=version, template_id=template_id, language=language,
                     required_chapters=list(required) or None)
    click.echo(_("Publiserte {id} {version} ({language}) som {path}").format(
                   id=pub.id, version=pub.version, language=pub.language, path=pub.path))
