"""An installation's own add-in manifest: every URL on its host, its own ``<Id>``, docplan's version.

`manifest_xml` fills the template ``addin_server/manifest.xml``; ``docplan manifest --public-url …``
writes it and the server's ``/manifest.xml`` answers the same for its configured ``PUBLIC_URL``. The
``<Id>`` is a UUID derived from the address (uuid5), so re-running gives the same manifest while two
installations (two municipalities' servers) never share one: Office keys its add-in cache by it.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from docplan import __version__
from docplan.errors import ConfigError
from docplan.ooxml.parser import is_comment, parse_xml, serialize_document
from docplan.i18n import _

TEMPLATE = Path(__file__).resolve().parent / "manifest.xml"
#: The base URL the template is written with; replaced by the installation's.
TEMPLATE_BASE = "https://localhost:3000"
#: Where the task pane is served, below the base URL.
PANE_PATH = "/pane/taskpane.html"
#: Namespace of the installations' add-in ids (uuid5 of docplan's own name).
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://docplan.invalid/word-addin")
LOOPBACK = ("localhost", "127.0.0.1", "::1")

_NS = {"o": "http://schemas.microsoft.com/office/appforoffice/1.1"}


def public_base(url: str, *, allow_http: bool = False) -> str:
    """Return ``url`` as the base every manifest URL starts with (``https://host[:port][/path]``).

    Raise `ConfigError` for what Word cannot use: another scheme than HTTPS (HTTP only with
    ``allow_http``, for the local test harness), no host, a user name or password, a query or fragment.
    """
    text = (url or "").strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise ConfigError(_("«{text}» er ikke en gyldig adresse (porten eller vertsnavnet er ugyldig)").format(
                              text=text),
                          code="bad_public_url") from None
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http") or not parts.hostname:
        raise ConfigError(_("«{text}» er ikke en fullstendig adresse; skriv den som https://plan.kommune.no").format(
                              text=text),
                          code="bad_public_url")
    if scheme == "http" and not allow_http:
        raise ConfigError(f"«{text}» bruker http; Word laster bare tillegg over https (https://…)",
                          code="bad_public_url")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ConfigError(_("«{text}» kan ikke ha brukernavn, passord, «?» eller «#»; oppgi bare adressen tjeneren "
                            "nås på").format(text=text), code="bad_public_url")
    path = parts.path.rstrip("/")
    if any(segment in (".", "..") for segment in path.split("/")):
        raise ConfigError(_("«{text}» kan ikke ha «.» eller «..» i stien").format(text=text), code="bad_public_url")
    host = parts.hostname.lower()
    netloc = f"[{host}]" if ":" in host else host
    default_port = 443 if scheme == "https" else 80
    if port is not None and port != default_port:
        netloc += f":{port}"
    return f"{scheme}://{netloc}{path}"


def addin_id(base: str) -> str:
    """Return the add-in id of the installation at ``base`` (a `public_base` value): stable, per address."""
    return str(uuid.uuid5(ID_NAMESPACE, base))


def manifest_version(version: str = __version__) -> str:
    """Return ``version`` as Office writes versions: four numbers (``0.2.0`` → ``0.2.0.0``)."""
    release = re.match(r"\d+(?:\.\d+){0,3}", version)
    numbers = [min(int(n), 99999) for n in release.group(0).split(".")] if release else []
    return ".".join(str(n) for n in numbers + [0] * (4 - len(numbers)))


def manifest_xml(public_url: str, *, allow_http: bool = False, version: str = __version__) -> bytes:
    """Return the manifest of the installation served at ``public_url`` (UTF-8 XML)."""
    base = public_base(public_url, allow_http=allow_http)
    root = parse_xml(TEMPLATE.read_bytes())
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for name, value in el.attrib.items():
            if value.startswith(TEMPLATE_BASE):
                el.set(name, base + value[len(TEMPLATE_BASE):])
        if el.text and el.text.strip().startswith(TEMPLATE_BASE):
            el.text = base + el.text.strip()[len(TEMPLATE_BASE):]
    root.find("o:Id", _NS).text = addin_id(base)
    root.find("o:Version", _NS).text = manifest_version(version)
    for domain in root.iterfind("o:AppDomains/o:AppDomain", _NS):  # a domain is scheme, host and port only
        domain.text = origin(base)
    for node in root.itersiblings(preceding=True):
        if is_comment(node):
            node.text = f" docplan {version}: the manifest of the add-in served at {base} (docplan manifest) "
    return serialize_document(root)


def origin(base: str) -> str:
    """Return the scheme, host and port of ``base``."""
    parts = urlsplit(base)
    return f"{parts.scheme}://{parts.netloc}"
