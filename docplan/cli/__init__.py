"""The ``docplan`` command line: each command parses, calls one library function and prints.

One module per command group (`data`: render/validate/init; `document`: insert/refresh/list/kp/extract;
`check`; `template`; `batch`; `serve`; `workspace`: import/export; `manifest`; `cycle`: diff, roll; `report`; `status`), named
here in `COMMANDS` and imported only when their command runs (or ``--help`` lists it). Command modules
import only click at load time, so ``docplan check`` starts without Flask, pydantic, the renderer or the
server.

Exit codes: 0 success; 1 input error (bad data, document or template; findings at or above
--fail-on for ``check``); 2 usage, configuration or system error (bad option, LibreOffice missing,
disk full, no write access); 3 conflict (an update would overwrite a planner's manual edit, or the
document is open or changed meanwhile); 4 internal error (a bug: please report it). Errors are
printed as one Norwegian line per problem; ``--debug`` adds the traceback.
"""

from __future__ import annotations

import sys

import click

from docplan import __version__
from docplan.errors import DocplanError
from docplan.i18n import _

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
                import traceback

                traceback.print_exc()
            click.echo(_("Feil: {message}").format(message=exc.format()), err=True)
            ctx.exit(self._exit_code(ctx, exc))
        except OSError as exc:
            if debug():
                import traceback

                traceback.print_exc()
            err = os_error(exc, exc.filename or "?", "lese eller skrive")
            click.echo(_("Feil: {message}").format(message=err.format()), err=True)
            ctx.exit(err.exit_code)
        except KeyboardInterrupt:
            click.echo(_("Avbrutt."), err=True)
            ctx.exit(130)
        except Exception as exc:  # a bug in docplan: never a bare traceback for the planner
            if debug():
                import traceback

                traceback.print_exc()
            click.echo(_("Feil: en uventet feil oppstod i docplan ({name}). Kjør på nytt med «docplan --debug …» og "
                         "meld feilen til den som drifter docplan.").format(name=type(exc).__name__), err=True)
            ctx.exit(INTERNAL_ERROR)


    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, name: str):
        command = self.commands.get(name)
        if command is None and name in COMMANDS:
            module, attr = COMMANDS[name]
            command = getattr(_command_module(module), attr)
            _norwegian_usage(command)
            self.commands[name] = command
        return command

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


main.options_metavar = "[VALG]"
main.subcommand_metavar = "KOMMANDO [ARGUMENTER]..."


def run() -> None:
    """Entry point used by ``python -m docplan``."""
    sys.exit(main(prog_name="docplan"))


#: Command name → (module in docplan.cli, attribute). A command's module is imported only when that
#: command runs (or help lists it), so ``docplan check`` does not load the renderer, batch or server code.
COMMANDS = {
    "render": ("data", "render"), "validate": ("data", "validate"), "init": ("data", "init"),
    "insert": ("document", "insert"), "refresh": ("document", "refresh_cmd"), "list": ("document", "list_cmd"),
    "kp": ("document", "kp_group"), "extract": ("document", "extract_cmd"), "check": ("check", "check"),
    "template": ("template", "template"), "batch": ("batch", "batch"), "serve": ("serve", "serve"),
    "serve-token": ("serve", "serve_token"), "workspace": ("workspace", "workspace"),
    "manifest": ("addin", "manifest"), "diff": ("cycle", "diff_cmd"), "roll": ("cycle", "roll_cmd"),
    "report": ("report", "report_cmd"), "status": ("status", "status_group"),
}


def _norwegian_usage(command: click.Command) -> None:
    """Write the usage line's placeholders in Norwegian («Bruk: docplan check [VALG] [PLAN]»)."""
    command.options_metavar = "[VALG]"
    if isinstance(command, click.Group):
        command.subcommand_metavar = "KOMMANDO [ARGUMENTER]..."
        for sub in command.commands.values():
            _norwegian_usage(sub)


def _command_module(name: str):
    """Import one command module of docplan.cli by name (plain imports, so tools can follow them)."""
    if name == "data":
        from docplan.cli import data as module
    elif name == "document":
        from docplan.cli import document as module
    elif name == "check":
        from docplan.cli import check as module
    elif name == "template":
        from docplan.cli import template as module
    elif name == "batch":
        from docplan.cli import batch as module
    elif name == "workspace":
        from docplan.cli import workspace as module
    elif name == "addin":
        from docplan.cli import addin as module
    elif name == "cycle":
        from docplan.cli import cycle as module
    elif name == "report":
        from docplan.cli import report as module
    elif name == "status":
        from docplan.cli import status as module
    else:
        from docplan.cli import serve as module
    return module
