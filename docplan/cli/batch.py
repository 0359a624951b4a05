"""``docplan batch``: one plan document per municipality (see `docplan.batch`)."""

from __future__ import annotations

import re
import sys
import traceback
from pathlib import Path

import click

from docplan.cli.data import EXIT_CODES_HELP
from docplan.i18n import N_, _

_STATUS_WORDS = {"laget": N_("laget"), "uendret": N_("uendret (hoppet over)"), "feilet": N_("FEILET")}


def _progress_printer():
    """Return (callback, close): click's progress bar on a terminal, plain lines in CI logs and pipes."""
    if sys.stderr.isatty():
        bar = None

        def on_result(result, done, total):
            nonlocal bar
            if bar is None:
                bar = click.progressbar(length=total, label=_("Lager planer"), file=sys.stderr,
                                        item_show_func=lambda r: f"{r.number} {r.status}" if r else None)
                bar.__enter__()
            bar.update(1, result)

        def close():
            if bar is not None:
                bar.__exit__(None, None, None)

        return on_result, close

    def on_line(result, done, total):
        width = len(str(total))
        line = f"[{done:>{width}}/{total}] {result.number} {result.name}: {_(_STATUS_WORDS[result.status])}"
        if result.file and result.status != "feilet":
            line += f" – {result.file}"
        click.echo(line, err=True)

    return on_line, lambda: None


def _table(summary) -> str:
    rows = [(_("Nr."), _("Kommune"), _("Målform"), _("Status"), _("Fil / melding"))]
    for r in summary.results:
        detail = r.file or ""
        if r.pdf:
            detail += f" + {r.pdf}"
        if r.message:
            detail = r.message.splitlines()[0] if not detail else f"{detail}: {r.message.splitlines()[0]}"
        rows.append((r.number, r.name, r.language or "", _(_STATUS_WORDS[r.status]), detail))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = []
    for k, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4])
        if k == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 13)
    return "\n".join(lines)


def _start_converters() -> None:
    """Start LibreOffice for ``--pdf`` at once: it takes longer to start than the documents take to make."""
    from docplan.convert import shared_pool
    from docplan.errors import ConfigError

    try:
        shared_pool().launch(1)  # another when the work pays for it
    except ConfigError:
        pass  # no LibreOffice: reported when the PDFs are made, after the documents


#: Names a batch writes in its output folder (besides the summary and the manifest).
_OUTPUT_NAME = re.compile(r"\d{4}(-.*)?\.(docx|pdf)", re.IGNORECASE)


def _guard_inputs(data: Path, template: Path | None, out_dir: Path) -> None:
    """Refuse a run that would write over its own input: a re-run replaces the documents in the output
    folder (as documented), so an input kept there under a name the batch writes would be lost."""
    from docplan.batch import MANIFEST_NAME, SUMMARY_NAME
    from docplan.cli.common import same_file

    if data.is_dir() and same_file(data, out_dir):
        raise click.UsageError(_("utmappen {out_dir} er datamappen selv; sammendraget ville blitt lest som en "
                                 "planfil neste gang – velg en annen utmappe").format(out_dir=out_dir))
    for label, path in (("DATA", data), ("-t/--template", template)):
        if path is None or path.is_dir() or not out_dir.is_dir() or not same_file(path.parent, out_dir):
            continue
        if path.name in (SUMMARY_NAME, MANIFEST_NAME) or _OUTPUT_NAME.fullmatch(path.name):
            raise click.UsageError(_("{path} ({label}) ligger i utmappen med et navn batch skriver til, og ville "
                                     "blitt overskrevet; flytt fila eller velg en annen utmappe").format(
                                       path=path, label=label))


def _check_jobs(ctx, param, value):
    if value is not None and value < 1:
        raise click.BadParameter(_("må være minst 1"), param_hint="--jobs")
    return value


@click.command(epilog=EXIT_CODES_HELP + " Avbrutt med Ctrl-C: 130.")
@click.pass_context
@click.argument("data", type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Mappen dokumentene skal skrives til (lages om den ikke finnes).")
@click.option("--kommune", "selection", metavar="NNNN,NNNN",
              help="Kommunenumre (2024) det skal lages plan for, skilt med komma.")
@click.option("--all", "all_", is_flag=True, help="Lag plan for alle kommunene i dataene.")
@click.option("--pdf", is_flag=True, help="Lag også PDF (krever LibreOffice).")
@click.option("--force", is_flag=True, help="Lag alle dokumentene på nytt, også de som ikke er endret.")
@click.option("--jobs", "-j", type=int, callback=_check_jobs,
              help="Antall prosesser som arbeider samtidig. Standard: så mange som lønner seg for mengden "
                   "arbeid (én for noen få kommuner, ellers én per prosessorkjerne).")
@click.option("--language", "--språk", "language", type=click.Choice(["nb", "nn"]),
              help="Bruk denne målformen for alle. Standard: kommunens egen målform, ellers planens.")
@click.option("-t", "--template", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Egen docxtpl-mal (.docx) i stedet for standardmalene.")
def batch(ctx: click.Context, data: Path, out_dir: Path, selection: str | None, all_: bool, pdf: bool, force: bool,
          jobs: int | None, language: str | None, template: Path | None) -> None:
    """Lag ett plandokument per kommune fra DATA.

    DATA er enten én datafil (YAML, JSON eller XLSX) med felles plan og lokale deler for hver kommune,
    eller en mappe med én planfil per kommune. Uendrede kommuner hoppes over ved ny kjøring.
    En oversikt skrives til docplan-batch-sammendrag.json i mappen.
    """
    from docplan.batch import MANIFEST_NAME, SUMMARY_NAME, generate_batch, parse_selection
    from docplan.errors import DocplanError

    if bool(selection) == all_:
        raise click.UsageError(_("velg kommuner med enten --kommune 3421,3424 eller --all"))
    _guard_inputs(data, template, out_dir)
    debug = bool(ctx.obj and ctx.obj.get("debug"))
    numbers = parse_selection(selection) if selection else None
    if pdf and (force or not (out_dir / MANIFEST_NAME).is_file()):
        # before the data model and the renderer are imported and the data read (~0.5 s)
        _start_converters()
    callback, close = _progress_printer()
    try:
        summary = generate_batch(data, out_dir, municipalities=numbers, language=language, template=template,
                                 pdf=pdf, force=force, jobs=jobs, progress=callback)
    except KeyboardInterrupt:
        close()
        click.echo(_("Avbrutt. Ferdige dokumenter er lagret; ingen halvskrevne filer er igjen. Kjør samme kommando "
                     "igjen for å fortsette."), err=True)
        sys.exit(130)
    except DocplanError:
        close()
        raise  # the group prints it in Norwegian
    except Exception as exc:
        close()
        if debug:
            traceback.print_exc()
        detail = str(exc).strip().splitlines()
        what = f"{type(exc).__name__}: {detail[0]}" if detail else type(exc).__name__
        if debug:
            message = _("Feil: uventet feil ({what}); kjøringen stoppet. Ferdige dokumenter er lagret; kjør samme "
                        "kommando igjen for å fortsette.")
        else:
            message = _("Feil: uventet feil ({what}); kjøringen stoppet. Ferdige dokumenter er lagret; kjør samme "
                        "kommando igjen for å fortsette (med --debug for å se feilsporingen).")
        click.echo(message.format(what=what), err=True)
        sys.exit(1)
    close()
    click.echo(_table(summary))
    counts = dict(made=len(summary.made), skipped=len(summary.skipped), failed=len(summary.failed),
                  seconds=summary.seconds, workers=summary.workers, overview=out_dir / SUMMARY_NAME)
    if summary.workers > 1:
        line = _("{made} laget, {skipped} uendret, {failed} feilet på {seconds:.1f} s med {workers} prosesser. "
                 "Oversikt: {overview}")
    else:
        line = _("{made} laget, {skipped} uendret, {failed} feilet på {seconds:.1f} s. Oversikt: {overview}")
    click.echo("\n" + line.format(**counts))
    traced = [r for r in summary.failed if r.traceback]
    if traced and debug:
        for r in traced:
            click.echo(_("\nFeilsporing for {number} {name}:\n{traceback}").format(
                           number=r.number, name=r.name, traceback=r.traceback.rstrip()), err=True)
    elif traced:
        click.echo(_("Uventede feil er feil i docplan eller i malen; kjør med «docplan --debug batch …» for å se "
                     "feilsporingen."), err=True)
    if summary.failed:
        sys.exit(1)
