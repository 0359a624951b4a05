"""The ``docplan`` command line: each command parses, calls one library function and prints.

One module per command group (`data`: render/validate/init; `document`: insert/refresh/list/kp/extract;
`check`; `template`; `batch`; `serve`; `workspace`: import/export; `addin`: manifest; `cycle`: diff), registered here explicitly. Command modules import only
click at load time, so ``docplan check`` starts without Flask, the renderer or the server.

Exit codes: 0 success; 1 input error (bad data, document or template; findings at or above
--fail-on for ``check``); 2 usage, configuration or system error (bad option, LibreOffice missing,
disk full, no write access); 3 conflict (an update would overwrite a planner's manual edit, or the
document is open or changed meanwhile); 4 internal error (a bug: please report it). Errors are
printed as one Norwegian line per problem; ``--debug`` adds the traceback.
"""

from __future__ import annotations

import sys
import traceback

import click

from docplan import __version__
from docplan.errors import DocplanError

EXIT_CODES_HELP = ("Avslutningskoder: 0 ok, 1 feil i inndata, 2 bruks-, oppsett- eller systemfeil, 3 konflikt, "
                   "4 intern feil.")
INTERNAL_ERROR = 4

def _norwegian_click() -> None:
    """Make click speak Norwegian: it looks its words up with gettext at run time."""
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.types

    from docplan.i18n import click_word as translate

    def ntranslate(singular: str, plural: str, n: int) -> str:
        return translate(singular if n == 1 else plural)

    for module in (click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.types):
        if hasattr(module, "_"):
            module._ = translate  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ntranslate  # type: ignore[attr-defined]


_norwegian_click()


class DocplanGroup(click.Group):
    """A click group that turns every error into Norwegian lines and the right exit code.

    `DocplanError` → its message and the class's exit code; an operating-system error reading or writing
    a file → exit 2 naming the file; anything else is a bug → a short message and exit 4 (the traceback
    with ``--debug``).
    """

    def invoke(self, ctx: click.Context):
        from docplan.files import os_error

        def debug() -> bool:  # set by the group's own callback, inside super().invoke
            return bool(ctx.obj and ctx.obj.get("debug"))

        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except DocplanError as exc:
            if debug():
                traceback.print_exc()
            click.echo(f"Feil: {exc.format()}", err=True)
            ctx.exit(self._exit_code(ctx, exc))
        except OSError as exc:
            if debug():
                traceback.print_exc()
            err = os_error(exc, exc.filename or "?", "lese eller skrive")
            click.echo(f"Feil: {err.format()}", err=True)
            ctx.exit(err.exit_code)
        except KeyboardInterrupt:
            click.echo("Avbrutt.", err=True)
            ctx.exit(130)
        except Exception as exc:  # a bug in docplan: never a bare traceback for the planner
            if debug():
                traceback.print_exc()
            click.echo(f"Feil: en uventet feil oppstod i docplan ({type(exc).__name__}). Kjør på nytt med "
                       "«docplan --debug …» og meld feilen til den som drifter docplan.", err=True)
            ctx.exit(INTERNAL_ERROR)


    @staticmethod
    def _exit_code(ctx: click.Context, exc: DocplanError) -> int:
        """The error's own exit code, unless the command gives input errors another (``check``: 2)."""
        from docplan.errors import InputError

        command = ctx.command.get_command(ctx, ctx.invoked_subcommand) if ctx.invoked_subcommand else None
        override = getattr(command, "input_error_exit", None)
        return override if override is not None and isinstance(exc, InputError) else exc.exit_code


@click.group(cls=DocplanGroup, epilog=EXIT_CODES_HELP)
@click.version_option(__version__, prog_name="docplan")
@click.option("--debug", is_flag=True, help="Vis full feilsporing (for utviklere).")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """docplan: rusmiddelpolitisk handlingsplan som data, Word-maler og kontroller."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def run() -> None:
    """Entry point used by ``python -m docplan``."""
    sys.exit(main(prog_name="docplan"))


def _register() -> None:
    from docplan.cli import addin, batch, check, cycle, data, document, serve, status, template, workspace

    for command in (data.render, data.validate, data.init, document.insert, document.refresh_cmd,
                    document.list_cmd, document.kp_group, document.extract_cmd, check.check, template.template,
                    batch.batch, serve.serve, serve.serve_token, workspace.workspace, addin.manifest, cycle.diff_cmd):
        main.add_command(command)
    main.add_command(status.status_group)
    _norwegian_usage(main)


def _norwegian_usage(command: click.Command) -> None:
    """Write the usage line's placeholders in Norwegian («Bruk: docplan check [VALG] [PLAN]»)."""
    command.options_metavar = "[VALG]"
    if isinstance(command, click.Group):
        command.subcommand_metavar = "KOMMANDO [ARGUMENTER]..."
        for sub in command.commands.values():
            _norwegian_usage(sub)


_register()
