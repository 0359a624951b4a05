"""``docplan manifest``: write an installation's own manifest for the Word add-in."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from docplan.cli.common import guard_outputs
from docplan.i18n import _


@click.command()
@click.option("--public-url", required=True, metavar="https://…",
              help="Adressen docplan-tjeneren nås på fra brukernes maskiner (https).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Fila manifestet skrives til (uten: skrives til skjermen).")
@click.option("--force", is_flag=True, help="Skriv over en fil som finnes fra før.")
def manifest(public_url: str, output: Path | None, force: bool) -> None:
    """Skriv manifestet for Word-tillegget på denne adressen.

    Alle adresser i manifestet peker på --public-url over https. Id-en er avledet av adressen: den er
    den samme hver gang for samme adresse og forskjellig for hver installasjon. Versjonen er docplans.
    «docplan serve --public-url» med samme adresse gir det samme manifestet på /manifest.xml.
    """
    from addin_server.manifest import manifest_xml, public_base
    from docplan.errors import ConfigError
    from docplan.files import write_atomic

    try:
        xml = manifest_xml(public_url)
    except ConfigError as exc:
        raise click.BadParameter(exc.message, param_hint="--public-url") from None
    if output is None:
        sys.stdout.buffer.write(xml)
        sys.stdout.flush()
        return
    guard_outputs({"-o/--output": output}, [], force=force)
    write_atomic(output, xml)
    click.echo(_("Skrev {output} for {public_base}. Neste steg: se docs/install-addin.md.").format(
                   output=output, public_base=public_base(public_url)), err=True)
