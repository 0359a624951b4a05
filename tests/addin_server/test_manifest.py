"""The add-in manifest: its template and every installation's own, validated offline against Microsoft's
XSDs in ../shared (see that folder's README); ``docplan manifest`` and the server's /manifest.xml agree."""

from __future__ import annotations

import re
import struct
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from addin_server import create_app
from addin_server.manifest import TEMPLATE, addin_id, manifest_xml, public_base
from docplan import __version__
from docplan.cli import main
from docplan.errors import ConfigError

STATIC = Path(__file__).resolve().parents[2] / "addin_server" / "static"
NS = {"o": "http://schemas.microsoft.com/office/appforoffice/1.1",
      "bt": "http://schemas.microsoft.com/office/officeappbasictypes/1.0",
      "ov": "http://schemas.microsoft.com/office/taskpaneappversionoverrides"}


@pytest.fixture(scope="module")
def schema(shared_dir) -> etree.XMLSchema:
    root = shared_dir / "schemas" / "office-addin-manifest" / "OfficeAppManifestV1_1.xsd"
    if not root.is_file():
        pytest.skip(f"the manifest XSDs are missing at {root.parent}")
    return etree.XMLSchema(etree.parse(str(root)))


@pytest.fixture(scope="module")
def template() -> etree._ElementTree:
    return etree.parse(str(TEMPLATE))


def parsed(xml: bytes) -> etree._Element:
    return etree.fromstring(xml)


def urls(root: etree._Element) -> list[str]:
    found = [el.get("DefaultValue") for el in root.iter() if (el.get("DefaultValue") or "").startswith("http")]
    found += [el.get("Value") for el in root.iter() if (el.get("Value") or "").startswith("http")]
    return found + [el.text for el in root.iterfind(".//o:AppDomain", NS)]


def test_the_template_is_valid_against_the_xsds(schema, template):
    assert schema.validate(template), schema.error_log.filter_from_errors()


@pytest.mark.parametrize("url", ["https://plan.kommune.no", "https://plan.kommune.no:8443",
                                 "https://intern.kommune.no/verktoy/docplan/", "https://10.0.0.5"])
def test_an_installations_manifest_is_valid_against_the_xsds(schema, url):
    root = parsed(manifest_xml(url))
    assert schema.validate(root), schema.error_log.filter_from_errors()


def test_every_url_of_an_installation_is_on_its_host_over_https():
    root = parsed(manifest_xml("https://plan.kommune.no/docplan/"))
    found = urls(root)
    assert len(found) >= 8 and "localhost" not in etree.tostring(root).decode()
    assert all(u.startswith("https://plan.kommune.no/docplan/") for u in found if u != "https://plan.kommune.no")
    assert root.find("o:DefaultSettings/o:SourceLocation", NS).get("DefaultValue") == \
        "https://plan.kommune.no/docplan/pane/taskpane.html"
    assert [d.text for d in root.iterfind("o:AppDomains/o:AppDomain", NS)] == ["https://plan.kommune.no"]


def test_the_id_is_stable_per_address_and_differs_between_installations():
    first, again = parsed(manifest_xml("https://plan.tynset.kommune.no")), parsed(manifest_xml("https://plan.tynset.kommune.no/"))
    other = parsed(manifest_xml("https://plan.alvdal.kommune.no"))
    ids = [r.findtext("o:Id", namespaces=NS) for r in (first, again, other)]
    assert ids[0] == ids[1] != ids[2]
    assert str(uuid.UUID(ids[0])) == ids[0]
    assert ids[0] != parsed(TEMPLATE.read_bytes()).findtext("o:Id", namespaces=NS)


@settings(max_examples=60, deadline=None)
@given(host=st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z][a-z0-9-]{0,12}){1,3}", fullmatch=True),
       other=st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z][a-z0-9-]{0,12}){1,3}", fullmatch=True))
def test_two_addresses_never_share_an_id(host, other):
    same = public_base(f"https://{host}") == public_base(f"https://{other}")
    assert (addin_id(public_base(f"https://{host}")) == addin_id(public_base(f"https://{other}"))) == same


def test_the_version_is_docplans_in_four_numbers():
    version = parsed(manifest_xml("https://plan.kommune.no")).findtext("o:Version", namespaces=NS)
    assert re.fullmatch(r"\d+\.\d+\.\d+\.\d+", version)
    assert version.startswith(__version__ + ".") or version == __version__


@pytest.mark.parametrize("url, why", [
    ("http://plan.kommune.no", "https"), ("ftp://plan.kommune.no", "fullstendig"), ("plan.kommune.no", "fullstendig"),
    ("https://", "fullstendig"), ("https://plan.kommune.no/?a=1", "«?»"), ("https://bruker:pw@plan.kommune.no", "passord"),
    ("https://plan.kommune.no/a/../b", "«..»"), ("https://plan.kommune.no:99999", "porten"),
])
def test_an_address_word_cannot_use_is_refused_with_the_reason(url, why):
    with pytest.raises(ConfigError) as caught:
        manifest_xml(url)
    assert why in caught.value.message and caught.value.code == "bad_public_url"


def test_the_manifest_command_writes_what_the_server_serves_for_the_same_address(tmp_path, workspace):
    out = tmp_path / "manifest.xml"
    result = CliRunner().invoke(main, ["manifest", "--public-url", "https://plan.kommune.no/", "-o", str(out)])
    assert result.exit_code == 0, result.output
    app = create_app({"TESTING": True, "WORKSPACE": str(workspace), "PUBLIC_URL": "https://plan.kommune.no"})
    try:
        served = app.test_client().get("/manifest.xml")
        assert served.status_code == 200 and served.data == out.read_bytes()
    finally:
        app.extensions["docplan.jobs"].shutdown()


def test_the_manifest_command_prints_to_stdout_and_never_overwrites_unasked(tmp_path):
    runner = CliRunner()
    shown = runner.invoke(main, ["manifest", "--public-url", "https://plan.kommune.no"])
    assert shown.exit_code == 0 and shown.stdout_bytes == manifest_xml("https://plan.kommune.no")
    out = tmp_path / "manifest.xml"
    out.write_text("eldre manifest", encoding="utf-8")
    refused = runner.invoke(main, ["manifest", "--public-url", "https://plan.kommune.no", "-o", str(out)])
    assert refused.exit_code == 2 and "--force" in refused.output
    assert out.read_text(encoding="utf-8") == "eldre manifest"
    forced = runner.invoke(main, ["manifest", "--public-url", "https://plan.kommune.no", "-o", str(out), "--force"])
    assert forced.exit_code == 0 and out.read_bytes() == manifest_xml("https://plan.kommune.no")


def test_the_manifest_command_refuses_http_with_a_norwegian_message(tmp_path):
    result = CliRunner().invoke(main, ["manifest", "--public-url", "http://plan.kommune.no", "-o",
                                       str(tmp_path / "m.xml")])
    assert result.exit_code == 2 and "bare tillegg over https" in result.output
    assert not (tmp_path / "m.xml").exists()


def test_served_manifest_with_configured_url_is_valid(schema, client):
    served = etree.fromstring(client.get("/manifest.xml").data)
    assert schema.validate(served), schema.error_log.filter_from_errors()
    assert served.find("o:DefaultSettings/o:SourceLocation", NS).get("DefaultValue") == \
        "https://plan.example.no/pane/taskpane.html"


def test_the_validator_rejects_a_broken_manifest(schema, template):
    broken = etree.fromstring(etree.tostring(template))
    broken.remove(broken.find("o:Id", NS))
    assert not schema.validate(broken)
    assert "Id" in str(schema.error_log.last_error)


def test_manifest_is_a_word_task_pane_with_wordapi_13_and_read_write(template):
    root = template.getroot()
    assert root.get("{http://www.w3.org/2001/XMLSchema-instance}type") == "TaskPaneApp"
    assert [h.get("Name") for h in root.findall("o:Hosts/o:Host", NS)] == ["Document"]
    sets = root.findall("o:Requirements/o:Sets/o:Set", NS)
    assert [(s.get("Name"), s.get("MinVersion")) for s in sets] == [("WordApi", "1.3")]
    assert root.findtext("o:Permissions", namespaces=NS) == "ReadWriteDocument"
    assert root.findtext("o:DefaultLocale", namespaces=NS) == "nb-NO"


def test_every_icon_the_manifest_names_exists_at_its_size(template):
    for image in template.getroot().iterfind(".//bt:Images/bt:Image", NS):
        path = STATIC / image.get("DefaultValue").removeprefix("https://localhost:3000/")
        head = path.read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", head[16:24])
        assert f"Icon.{width}" == image.get("id") and width == height


def test_the_pane_the_manifest_names_is_served(client):
    root = parsed(manifest_xml("https://plan.example.no"))
    for url in {u for u in urls(root) if "/" in u.removeprefix("https://")}:
        r = client.get(url.removeprefix("https://plan.example.no"))
        r.close()
        assert r.status_code == 200, url


def test_every_resid_is_defined(template):
    ids = {el.get("id") for el in template.getroot().iterfind(".//ov:Resources//*[@id]", NS)}
    used = {el.get("resid") for el in template.iter() if el.get("resid")}
    assert used and used <= ids


@pytest.mark.slow
def test_pip_install_ships_the_built_pane_and_the_manifest_template(tmp_path):
    """A server installed with pip (no Node.js) serves the pane and writes manifests."""
    import os
    import subprocess
    import sys

    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "-q",
                    "--target", str(target), str(STATIC.parents[1])], check=True, capture_output=True)
    shipped = {p.relative_to(target).as_posix() for p in (target / "addin_server").rglob("*") if p.is_file()}
    assert "addin_server/manifest.xml" in shipped and "addin_server/static/dist/taskpane.html" in shipped
    assert not any("/src/" in p or "node_modules" in p for p in shipped)
    code = ("import addin_server, pathlib, sys; from addin_server import create_app; "
            "from addin_server.manifest import manifest_xml; assert 'site' in addin_server.__file__; "
            "app = create_app({'TESTING': True}); r = app.test_client().get('/pane/taskpane.html'); "
            "assert r.status_code == 200 and b'taskpane-' in r.data; r.close(); "
            "assert b'https://x.no/pane/taskpane.html' in manifest_xml('https://x.no'); "
            "app.extensions['docplan.jobs'].shutdown()")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(target)})
