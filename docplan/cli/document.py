"""Commands that work on the planner's own document: insert, refresh, list, kp import, extract."""

from __future__ import annotations

import json
from pathlib import Path

import click

from docplan.cli.common import edit_in_place, guard_outputs
from docplan.cli.data import EXIT_CODES_HELP
from docplan.i18n import _, language, ngettext

DOCX = click.Path(exists=False, dir_okay=False, path_type=Path)
#: The same as ``docplan.insert.WHAT`` (kept here so the command line starts without the document engine).
WHAT = ("goals", "measures", "measure-table", "kp-refs", "all", "report")


def _edit(document: Path, data: Path, output: Path | None, in_place: bool, force_output: bool, action) -> None:
    """Open, apply ``action(doc, plan) -> Report``, save, report; exit 3 when items were left alone.

    With ``--in-place`` the document is read and written under a lock (a ``.bak`` copy keeps what it
    was) and only when something changed; otherwise the result goes to a new file.
    """
    from docplan.document import PlanDocument
    from docplan.errors import ConflictError
    from docplan.loaders import load_plan

    if in_place and output is not None:
        raise click.UsageError(_("bruk enten -o/--output eller --in-place, ikke begge"))
    if not in_place and output is None:
        raise click.UsageError(_("oppgi utfil med -o/--output, eller --in-place for å endre dokumentet selv"))
    guard_outputs({"-o/--output": output}, [document, data], force=force_output, force_flag="--overwrite")
    plan = load_plan(data)
    with language(plan.language):
        if in_place:
            with edit_in_place(document) as editing:
                doc = PlanDocument.open(document)
                report = action(doc, plan)
                if report.changed:
                    editing.write(doc.to_bytes())
            target, saved = document, report.changed
        else:
            doc = PlanDocument.open(document)
            report = action(doc, plan)
            doc.save(output)
            target, saved = output, True
        for line in report.lines():
            click.echo(line)
        if saved:
            click.echo(_("Lagret: {target}").format(target=target))
        else:
            click.echo(_("Ingen endringer; {target} er ikke skrevet på nytt.").format(target=target))
        if report.conflicts:
            n = len(report.conflicts)
            if saved:
                message = ngettext("{n} element er endret for hånd og ble ikke oppdatert; bruk --force for å overskrive. "
                                   "Resten er lagret i {target}.",
                                   "{n} elementer er endret for hånd og ble ikke oppdatert; bruk --force for å "
                                   "overskrive. Resten er lagret i {target}.", n)
            else:
                message = ngettext("{n} element er endret for hånd og ble ikke oppdatert; bruk --force for å overskrive.",
                                   "{n} elementer er endret for hånd og ble ikke oppdatert; bruk --force for å "
                                   "overskrive.", n)
            raise ConflictError(message.format(n=n, target=target), problems=report.conflicts)


_OUTPUT = click.option("-o", "--output", type=DOCX, help="Ny Word-fil (dokumentet selv endres ikke).")
_IN_PLACE = click.option("--in-place", is_flag=True, help="Endre dokumentet selv (en kopi lagres som .bak).")
_OVERWRITE = click.option("--overwrite", "force_output", is_flag=True,
                          help="Skriv over utfila (-o) om den finnes fra før.")


@click.command(epilog=EXIT_CODES_HELP)
@click.argument("document", type=DOCX)
@click.argument("data", type=DOCX)
@click.option("--what", "what", type=click.Choice(WHAT), default="all", show_default=True,
              help="Hva som skal settes inn. kp-refs gjør også hver [[kp:3427:KP-3.2]] i teksten om til en "
                   "kommuneplanreferanse; report er årsrapporten for året i --year.")
@click.option("--year", "year", type=click.IntRange(1990, 2100), metavar="ÅR",
              help="Året årsrapporten gjelder (må oppgis med --what report).")
@click.option("--at", "heading", metavar="OVERSKRIFT", help="Sett inn rett etter denne overskriften (tekst eller nummer).")
@click.option("--at-end", "heading_end", metavar="OVERSKRIFT", help="Sett inn på slutten av kapitlet med denne overskriften.")
@click.option("--at-document-end", "document_end", is_flag=True, help="Sett inn til slutt i dokumentet.")
@click.option("--bookmark", metavar="BOKMERKE", help="Sett inn etter avsnittet med dette bokmerket.")
@click.option("--placeholder", metavar="TEKST", help="Erstatt avsnittet med denne teksten, f.eks. [[tiltaksplan]].")
@click.option("--kommune", "municipality", metavar="NNNN", help="Bare tiltakene som gjelder denne kommunen.")
@click.option("--lang", type=click.Choice(["nb", "nn"]), help="Språk for tekstene docplan lager (standard: dataene).")
@click.option("--force", is_flag=True, help="Overskriv også elementer planleggeren har endret for hånd.")
@_OUTPUT
@_IN_PLACE
@_OVERWRITE
def insert(document: Path, data: Path, what: str, year: int | None, heading, heading_end, document_end: bool,
           bookmark, placeholder, municipality, lang, force: bool, output: Path | None, in_place: bool,
           force_output: bool) -> None:
    """Sett inn eller oppdater mål, tiltak, tiltakstabell, kommuneplanreferanser eller årsrapporten i DOCUMENT."""
    from docplan.insert import Target, insert_items

    if what == "report" and year is None:
        raise click.UsageError(_("--what report trenger året årsrapporten gjelder: legg til --year, f.eks. --year "
                                 "2025"))
    if what != "report" and year is not None:
        raise click.UsageError(_("--year brukes bare med --what report"))
    given = [x for x in (heading, heading_end, document_end, bookmark, placeholder) if x]
    if len(given) > 1:
        raise click.UsageError(_("bruk bare én av --at, --at-end, --at-document-end, --bookmark og --placeholder"))
    target = Target(heading, heading_end, bookmark, placeholder, document_end)
    _edit(document, data, output, in_place, force_output,
          lambda doc, plan: insert_items(doc, plan, what, target, force=force, lang=lang, municipality=municipality,
                                         year=year))


@click.command("refresh", epilog=EXIT_CODES_HELP)
@click.argument("document", type=DOCX)
@click.argument("data", type=DOCX)
@click.option("--lang", type=click.Choice(["nb", "nn"]), help="Språk for tekstene docplan lager.")
@click.option("--force", is_flag=True, help="Overskriv også elementer planleggeren har endret for hånd.")
@_OUTPUT
@_IN_PLACE
@_OVERWRITE
def refresh_cmd(document: Path, data: Path, lang, force: bool, output: Path | None, in_place: bool,
                force_output: bool) -> None:
    """Oppdater alle docplan-elementer i DOCUMENT fra dataene og kommuneplankatalogen."""
    from docplan.refresh import refresh

    _edit(document, data, output, in_place, force_output, lambda doc, plan: refresh(doc, plan, force=force, lang=lang))


@click.command("list", epilog=EXIT_CODES_HELP)
@click.argument("document", type=DOCX)
@click.argument("data", type=DOCX, required=False)
@click.option("--json", "as_json", is_flag=True, help="Skriv resultatet som JSON.")
def list_cmd(document: Path, data: Path | None, as_json: bool) -> None:
    """Vis docplan-elementene i DOCUMENT med status (med DATA: også om dataene er endret)."""
    from docplan.document import PlanDocument
    from docplan.loaders import load_plan
    from docplan.refresh import list_items, status_label

    doc = PlanDocument.open(document)
    items = list_items(doc, load_plan(data) if data else None)
    if as_json:
        click.echo(json.dumps([i.to_dict() for i in items], ensure_ascii=False, indent=2))
        return
    if not items:
        click.echo(_("Dokumentet har ingen docplan-elementer."))
    for i in items:
        where = _("avsnitt {n}").format(n=i.paragraph) if i.paragraph is not None else "-"
        click.echo(f"{i.tag}\t{status_label(i.status)}\t{where}\t{i.text}")


@click.group("kp")
def kp_group() -> None:
    """Kommuneplanen: les inn katalogen over mål og strategier."""


@kp_group.command("import", epilog=EXIT_CODES_HELP)
@click.argument("document", type=DOCX)
@click.option("-o", "--output", required=True, type=DOCX, help="YAML-fil for katalogen.")
@click.option("--kommune", "municipality", metavar="NNNN",
              help="Kommunenummeret kommuneplanen gjelder (standard: kommunen dokumentet nevner som «<navn> kommune»).")
@click.option("--part", type=click.Choice(["samfunnsdel", "handlingsdel", "økonomiplan"]),
              help="Hvilken del av kommuneplanen dokumentet er (standard: gjettes fra tittelen).")
@click.option("--prefix", default="KP-", show_default=True, metavar="TEKST",
              help="Det id-ene starter med (KP-3.2); bruk --prefix '' for bare nummeret (3.2).")
@click.option("--force", is_flag=True, help="Skriv over utfila om den finnes fra før.")
def kp_import(document: Path, output: Path, municipality: str | None, part: str | None, prefix: str,
              force: bool) -> None:
    """Les en kommuneplan (samfunnsdel/handlingsdel) og lag katalogen over mål og strategier.

    Katalogen har samme form som «municipalities» i plandataene, og kan brukes direkte med
    «docplan check --kp».
    """
    from docplan.kommuneplan import import_kommuneplan, write_catalogue

    guard_outputs({"-o/--output": output}, [document], force=force)
    result = import_kommuneplan(document, part=part, municipality=municipality, prefix=prefix)
    write_catalogue(result, output)
    items = result.master_plan.items
    unnumbered = sum(1 for i in items if not i.numbered)
    number, name = result.municipality or ("", "")
    click.echo(ngettext("Fant {n} punkt ({unnumbered} uten nummer i dokumentet) i «{plan_name}» for {name} "
                        "({number}). Lagret: {output}",
                        "Fant {n} punkter ({unnumbered} uten nummer i dokumentet) i «{plan_name}» for {name} "
                        "({number}). Lagret: {output}", len(items)).format(
        n=len(items), unnumbered=unnumbered, plan_name=result.master_plan.plan_name, name=name, number=number,
        output=output))
    for line in result.unrecognised:
        click.echo(_("Ikke gjenkjent: {line}").format(line=line))


@click.command("extract", epilog=EXIT_CODES_HELP)
@click.argument("document", type=DOCX)
@click.option("-o", "--output", required=True, type=DOCX, help="YAML-fil med planen som data.")
@click.option("--force", is_flag=True, help="Skriv over utfila om den finnes fra før.")
def extract_cmd(document: Path, output: Path, force: bool) -> None:
    """Lag et utkast til plandata fra en eksisterende handlingsplan skrevet for hånd.

    Det som ikke ble forstått, listes med avsnittsnummer og tekst (også øverst i utfila), så du vet hva
    som må legges inn for hånd.
    """
    from docplan.extract import extract_plan, write_extract

    guard_outputs({"-o/--output": output}, [document], force=force)
    result = extract_plan(document)
    write_extract(result, output)
    subs = sum(len(g["sub_goals"]) for g in result.goals)
    found = _("{goals} ({sub_goals}) og {measures}").format(
        goals=ngettext("{n} mål", "{n} mål", len(result.goals)).format(n=len(result.goals)),
        sub_goals=ngettext("{n} delmål", "{n} delmål", subs).format(n=subs),
        measures=ngettext("{n} tiltak", "{n} tiltak", len(result.measures)).format(n=len(result.measures)))
    period = f"{result.period[0]}–{result.period[1]}" if result.period else None
    fields = dict(found=found, title=result.title, period=period, output=output,
                  name=result.municipality[1] if result.municipality else None,
                  number=result.municipality[0] if result.municipality else None)
    if result.municipality and period:
        line = _("Fant {found} i «{title}» for {name} ({number}) {period}. Lagret: {output}")
    elif result.municipality:
        line = _("Fant {found} i «{title}» for {name} ({number}). Lagret: {output}")
    elif period:
        line = _("Fant {found} i «{title}» {period}. Lagret: {output}")
    else:
        line = _("Fant {found} i «{title}». Lagret: {output}")
    click.echo(line.format(**fields))
    for line in result.warnings:
        click.echo(_("Advarsel: {message}").format(message=line))
    for line in result.unrecognised:
        click.echo(_("Ikke gjenkjent: {line}").format(line=line))
