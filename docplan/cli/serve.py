"""``docplan serve`` and ``docplan serve-token``: run the add-in backend and make access tokens."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import click

from docplan.errors import ConfigError
from docplan.i18n import N_, _, ngettext


@click.command()
@click.option("--workspace", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Arbeidsområdet (mappe med workspace.yaml og plans/). Uten: et innebygd eksempel.")
@click.option("--database", envvar="DOCPLAN_DATABASE", metavar="postgresql://…",
              help="PostgreSQL i stedet for en mappe (for flere tjenere); også DOCPLAN_DATABASE.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Adressen tjeneren lytter på.")
@click.option("--port", default=3000, show_default=True, type=int, help="Porten tjeneren lytter på.")
@click.option("--https", "use_https", is_flag=True,
              help="Bruk HTTPS med utviklersertifikat (office-addin-dev-certs eller openssl).")
@click.option("--public-url", metavar="https://…",
              help="Adressen Word skal bruke; /manifest.xml blir det samme som «docplan manifest» gir for den.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 256),
              help="Antall tråder som svarer på forespørsler (i hver prosess).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Antall tjenerprosesser (gunicorn på Linux/macOS; på Windows én prosess med så mange "
                   "dokumentprosesser).")
def serve(workspace: Path | None, database: str | None, host: str, port: int, use_https: bool,
          public_url: str | None, threads: int, workers: int) -> None:
    """Kjør tjeneren for Word-tillegget (waitress; HTTPS med --https: hypercorn; --workers: gunicorn)."""
    from addin_server.manifest import public_base

    scheme = "https" if use_https else "http"
    if public_url:
        try:  # HTTP is accepted for a local test harness only; Word itself needs HTTPS
            public_url = public_base(public_url, allow_http=True)
        except ConfigError as exc:
            raise click.BadParameter(exc.message, param_hint="--public-url") from None
        if public_url.startswith("http:"):
            click.echo(_("Merk: Word laster bare tillegg over https; en http-adresse duger bare til testoppsett."),
                       err=True)
    config = {"WORKSPACE": str(workspace) if workspace else None, "DATABASE": database or None,
              "PUBLIC_URL": public_url or f"{scheme}://{'localhost' if host in ('127.0.0.1', '::1') else host}:{port}"}
    if workers > 1 and sys.platform != "win32":
        if use_https:
            raise ConfigError(_("--https kan ikke brukes med --workers over 1: sett en TLS-proxy (nginx, Caddy) "
                                "foran tjenerne, se docs/deployment.md"), code="https_with_workers")
        _serve_processes(config, host, port, workers, threads)
        return
    if workers > 1:  # Windows: no fork, so one waitress process; document work in as many job processes
        config["WORKERS"] = workers
        click.echo(_("Windows: én tjenerprosess med {threads} og {workers}.").format(
            threads=ngettext("{n} tråd", "{n} tråder", threads).format(n=threads),
            workers=ngettext("{n} dokumentprosess", "{n} dokumentprosesser", workers).format(n=workers)), err=True)
    from addin_server import create_app
    from addin_server.serving import make_server

    app = create_app(config)
    if app.config.get("SAMPLE"):
        click.echo(_(SAMPLE_NOTE))
    cert, key = dev_certificate() if use_https else (None, None)
    try:
        server = make_server(app, host, port, threads=threads, certfile=cert, keyfile=key)
    except OSError as exc:
        raise _cannot_listen(host, port, exc) from None
    click.echo(_("Manifest: {url}").format(url=f"{app.config['PUBLIC_URL']}/manifest.xml"))
    click.echo(_("Lytter på {scheme}://{host}:{port} (Ctrl-C stopper).").format(
                   scheme=server.scheme, host=host, port=server.port), err=True)
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo(_("Stoppet."), err=True)
    finally:
        server.close()
        app.extensions["docplan.jobs"].shutdown()
        app.extensions["docplan.workspace"].close()


SAMPLE_NOTE = N_("Bruker eksempeldata (Østerdalen). Tilgangsnøkler: demo-3427 … demo-korus.")


def _cannot_listen(host: str, port: int, exc: OSError) -> ConfigError:
    return ConfigError(_("kan ikke lytte på {host}:{port} ({reason}); velg en annen port med --port").format(
                           host=host, port=port, reason=exc.strerror or exc),
                       code="cannot_listen")


def _serve_processes(config: dict, host: str, port: int, workers: int, threads: int) -> None:
    """Run ``workers`` gunicorn processes on one workspace (`addin_server.serving.MultiProcessServer`).

    The workspace is opened here once, so a bad one is one Norwegian line before any process starts; the
    sample is copied here, once, for all workers to share. Workers are forked from this process and leave
    through the same code, so only the parent cleans up."""
    import shutil
    import tempfile

    from addin_server.storage import open_storage
    from addin_server.workspace import sample_root

    try:
        from addin_server.serving import MultiProcessServer
    except ImportError:
        raise ConfigError(_("--workers over 1 krever gunicorn; installer med «pip install 'docplan[server]'»"),
                          code="gunicorn_missing") from None
    parent = os.getpid()
    sample = None
    if not config["WORKSPACE"] and not config["DATABASE"]:
        sample = tempfile.mkdtemp(prefix="docplan-sample-")
        config["WORKSPACE"] = str(Path(sample) / "workspace")
        shutil.copytree(sample_root(), config["WORKSPACE"])
        click.echo(_(SAMPLE_NOTE))
    try:
        open_storage(workspace=config["WORKSPACE"], database=config["DATABASE"], pool_size=1).close()
        try:
            server = MultiProcessServer(config, host, port, workers=workers, threads=threads)
        except OSError as exc:
            raise _cannot_listen(host, port, exc) from None
        click.echo(_("Manifest: {url}").format(url=f"{config['PUBLIC_URL']}/manifest.xml"))
        click.echo(_("Lytter på {scheme}://{host}:{port} med {workers} (gunicorn, {threads} hver; Ctrl-C "
                     "stopper).").format(
            scheme=server.scheme, host=host, port=server.port,
            workers=ngettext("{n} prosess", "{n} prosesser", workers).format(n=workers),
            threads=ngettext("{n} tråd", "{n} tråder", threads).format(n=threads)), err=True)
        try:
            server.run()
        finally:
            if os.getpid() == parent:
                server.close()
    finally:
        if os.getpid() == parent:
            if sample:
                shutil.rmtree(sample, ignore_errors=True)
            click.echo(_("Stoppet."), err=True)


@click.command("serve-token")
@click.option("--kommune", "numbers", multiple=True, metavar="NNNN",
              help="Kommunenummer nøkkelen gir tilgang til (kan gjentas).")
@click.option("--all", "maintainer", is_flag=True, help="Nøkkel for KoRus/forvalter: alle kommuner.")
@click.option("--name", default="ny nøkkel", show_default=True, help="Navn på nøkkelen i workspace.yaml.")
def serve_token(numbers: tuple[str, ...], maintainer: bool, name: str) -> None:
    """Lag en ny tilgangsnøkkel og linjene som skal inn i workspace.yaml."""
    from addin_server.storage import hash_token

    if not numbers and not maintainer:
        raise click.UsageError(_("oppgi --kommune NNNN eller --all"))
    token = secrets.token_urlsafe(24)
    scope = '"*"' if maintainer else "[" + ", ".join(f'"{n}"' for n in numbers) + "]"
    click.echo(_("Nøkkel (gi den til brukeren, lagres ikke): {token}").format(token=token))
    click.echo(_("Legg dette under «tokens:» i workspace.yaml:"))
    click.echo(f"  - name: {name}\n    municipalities: {scope}\n    sha256: {hash_token(token)}")


def dev_certificate() -> tuple[Path, Path]:
    """Return (cert, key): office-addin-dev-certs' files if present, else a self-signed openssl pair."""
    home = Path.home() / ".office-addin-dev-certs"
    cert, key = home / "localhost.crt", home / "localhost.key"
    if cert.is_file() and key.is_file():
        return cert, key
    cert, key = home / "docplan-localhost.crt", home / "docplan-localhost.key"
    if cert.is_file() and key.is_file():
        return cert, key
    home.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "365",
                        "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                        "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        raise ConfigError(_("fant ikke utviklersertifikat og kunne ikke lage et med openssl; kjør «npx "
                            "office-addin-dev-certs install»"), code="no_certificate") from exc
    click.echo(_("Laget selvsignert sertifikat {cert}; stol på det i operativsystemet før du bruker Word.").format(
                   cert=cert))
    return cert, key
