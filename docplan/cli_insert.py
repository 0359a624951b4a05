"""CLI commands that edit the planner's own document: insert, refresh, list, kp import, extract."""

from __future__ import annotations

import json
from pathlib import Path

import click

from docplan.cli import EXIT_CODES_HELP, main
from docplan.document import PlanDocument
from docplan.insert import (STATUS_NB, WHAT, Target, insert_items, list_items, output_path, raise_for_conflicts,
                            refresh)

DOCX = click.Path(exists=False, dir_okay=False, path_type=Path)


def _load(data: Path):
    from docplan.loaders import load_plan

    return load_plan(data)


def _edit(document: Path, data: Path, output: Path | None, in_place: bool, action) -> None:
    """Open, apply ``action(doc, plan) -> Report``, save (atomically; in place only when changed), report."""
    target, backup = output_path(document, output, in_place)  # refuse before any work
    plan = _load(data)
    doc = PlanDocument.open(document)
    report = action(doc, plan)
    saved = report.changed or not in_place
    if saved:
        doc.save(target, backup=backup)
    for line in report.lines():
        click.echo(line)
    click.echo(f"Lagret: {target}" if saved else f"Ingen endringer; {target} er ikke skrevet på nytt.")
    raise_for_conflicts(report, target if saved else None)


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("document", type=DOCX)
@click.argument("data", type=DOCX)
@click.option("--what", "what", type=click.Choice(WHAT), default="all", show_default=True,
              help="Hva som skal settes inn. kp-refs gjør også hver [[kp:3427:KP-3.2]] i teksten om til en "
                   "kommuneplanreferanse.")
@click.option("--at", "heading", metavar="OVERSKRIFT", help="Sett inn rett etter denne overskriften (tekst eller nummer).")
@click.option("--at-end", "heading_end", metavar="OVERSKRIFT", help="Sett inn på slutten av kapitlet med denne overskriften.")
@click.option("--at-document-end", "document_end", is_flag=True, help="Sett inn til slutt i dokumentet.")
@click.option("--bookmark", metavar="BOKMERKE", help="Sett inn etter avsnittet med dette bokmerket.")
@click.option("--placeholder", metavar="TEKST", help="Erstatt avsnittet med denne teksten, f.eks. [[tiltaksplan]].")
@click.option("--kommune", "municipality", metavar="NNNN", help="Bare tiltakene som gjelder denne kommunen.")
@click.option("--lang", type=click.Choice(["nb", "nn"]), help="Språk for tekstene docplan lager (standard: dataene).")
@click.option("--force", is_flag=True, help="Overskriv også elementer planleggeren har endret for hånd.")
@click.option("-o", "--output", type=DOCX, help="Ny Word-fil (dokumentet selv endres ikke).")
@click.option("--in-place", is_flag=True, help="Endre dokumentet selv (en kopi lagres som .bak).")
def insert(document: Path, data: Path, what: str, heading, heading_end, document_end: bool, bookmark, placeholder,
           municipality, lang, force: bool, output: Path | None, in_place: bool) -> None:
    """Sett inn eller oppdater mål, tiltak, tiltakstabell og kommuneplanreferanser i DOCUMENT."""
    given = [x for x in (heading, heading_end, document_end, bookmark, placeholder) if x]
    if len(given) > 1:
        raise click.UsageError("bruk bare én av --at, --at-end, --at-document-end, --bookmark og --placeholder")
    target = Target(heading, heading_end, bookmark, placeholder, document_end)
    _edit(document, data, output, in_place,
          lambda doc, plan: insert_items(doc, plan, what, target, force=force, lang=lang, municipality=municipality))


@main.command("refresh", epilog=EXIT_CODES_HELP)
@click.argument("document", type=DOCX)
@click.argument("data", type=DOCX)
@click.option("--lang", type=click.Choice(["nb", "nn"]), help="Språk for tekstene docplan lager.")
@click.option("--force", is_flag=True, help="Overskriv også elementer planleggeren har endret for hånd.")
@click.option("-o", "--output", type=DOCX, help="Ny Word-fil (dokumentet selv endres ikke).")
@click.option("--in-place", is_flag=True, help="Endre dokumentet selv (en kopi lagres som .bak).")
def refresh_cmd(document: Path, data: Path, lang, force: bool, output: Path | None, in_place: bool) -> None:
    """Oppdater alle docplan-elementer i DOCUMENT fra dataene og kommuneplankatalogen."""
    _edit(document, data, output, in_place, lambda doc, plan: refresh(doc, plan, force=force, lang=lang))


@main.command("list", epilog=EXIT_CODES_HELP)
@click.argument("document", type=DOCX)
@click.argument("data", type=DOCX, required=False)
@click.option("--json", "as_json", is_flag=True, help="Skriv resultatet som JSON.")
def list_cmd(document: Path, data: Path | None, as_json: bool) -> None:
    """Vis docplan-elementene i DOCUMENT med status (med DATA: også om dataene er endret)."""
    doc = PlanDocument.open(document)
    items = list_items(doc, _load(data) if data else None)
    if as_json:
        click.echo(json.dumps([i.to_dict() for i in items], ensure_ascii=False, indent=2))
        return
    if not items:
        click.echo("Dokumentet har ingen docplan-elementer.")
    for i in items:
        where = f"avsnitt {i.paragraph}" if i.paragraph is not None else "-"
        click.echo(f"{i.tag}\t{STATUS_NB.get(i.status, i.status)}\t{where}\t{i.text}")


@main.group("kp")
def kp_group() -> None:
    """Kommuneplanen: les inn katalogen over mål og strategier."""


@kp_group.command("import", epilog=EXIT_CODES_HELP)
@click.argument("document", type=DOCX)
@click.option("-o", "--output", required=True, type=DOCX, help="YAML-fil for katalogen.")
@click.option("--part", type=click.Choice(["samfunnsdel", "handlingsdel", "økonomiplan"]),
              help="Hvilken del av kommuneplanen dokumentet er (standard: gjettes fra tittelen).")
def kp_import(document: Path, output: Path, part: str | None) -> None:
    """Les en kommuneplan (samfunnsdel/handlingsdel) og lag katalogen over nummererte punkter."""
    from docplan.cli import refuse_overwriting_inputs
    from docplan.kommuneplan import import_kommuneplan, write_catalogue

    refuse_overwriting_inputs(output, document)
    result = import_kommuneplan(document, part=part)
    write_catalogue(result, output)
    click.echo(f"Fant {len(result.master_plan.items)} punkter i «{result.master_plan.plan_name}». Lagret: {output}")
    for line in result.unrecognised:
        click.echo(f"Ikke gjenkjent: {line}")


@main.command("extract", epilog=EXIT_CODES_HELP)
@click.argument("document", type=DOCX)
@click.option("-o", "--output", required=True, type=DOCX, help="YAML-fil med planen som data.")
def extract_cmd(document: Path, output: Path) -> None:
    """Lag et utkast til plandata fra en eksisterende handlingsplan skrevet for hånd."""
    from docplan.cli import refuse_overwriting_inputs
    from docplan.extract import extract_plan, write_extract

    refuse_overwriting_inputs(output, document)
    result = extract_plan(document)
    write_extract(result, output)
    click.echo(f"Fant {len(result.goals)} mål og {len(result.measures)} tiltak. Lagret: {output}")
    for line in result.unrecognised:
        click.echo(f"Ikke gjenkjent: {line}")
