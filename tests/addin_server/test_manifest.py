"""manifest.xml validated offline against Microsoft's XSDs in ../shared (see that folder's README)."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from lxml import etree

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
def manifest() -> etree._ElementTree:
    return etree.parse(str(STATIC / "manifest.xml"))


def test_manifest_is_valid_against_the_xsds(schema, manifest):
    assert schema.validate(manifest), schema.error_log.filter_from_errors()


def test_served_manifest_with_configured_url_is_valid(schema, client):
    served = etree.fromstring(client.get("/manifest.xml").data)
    assert schema.validate(served), schema.error_log.filter_from_errors()
    assert served.find("o:DefaultSettings/o:SourceLocation", NS).get("DefaultValue") == \
        "https://plan.example.no/src/taskpane/taskpane.html"


def test_the_validator_rejects_a_broken_manifest(schema, manifest):
    broken = etree.fromstring(etree.tostring(manifest))
    broken.remove(broken.find("o:Id", NS))
    assert not schema.validate(broken)
    assert "Id" in str(schema.error_log.last_error)


def test_manifest_is_a_word_task_pane_with_wordapi_13_and_read_write(manifest):
    root = manifest.getroot()
    assert root.get("{http://www.w3.org/2001/XMLSchema-instance}type") == "TaskPaneApp"
    assert [h.get("Name") for h in root.findall("o:Hosts/o:Host", NS)] == ["Document"]
    sets = root.findall("o:Requirements/o:Sets/o:Set", NS)
    assert [(s.get("Name"), s.get("MinVersion")) for s in sets] == [("WordApi", "1.3")]
    assert root.findtext("o:Permissions", namespaces=NS) == "ReadWriteDocument"
    assert root.findtext("o:DefaultLocale", namespaces=NS) == "nb-NO"


def test_every_url_is_https_and_every_icon_exists_at_its_size(manifest):
    urls = [el.get("DefaultValue") for el in manifest.iter() if (el.get("DefaultValue") or "").startswith("http")]
    assert urls and all(u.startswith("https://localhost:3000/") for u in urls)
    for image in manifest.getroot().iterfind(".//bt:Images/bt:Image", NS):
        path = STATIC / image.get("DefaultValue").removeprefix("https://localhost:3000/")
        head = path.read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", head[16:24])
        assert f"Icon.{width}" == image.get("id") and width == height


def test_every_resid_is_defined(manifest):
    ids = {el.get("id") for el in manifest.getroot().iterfind(".//ov:Resources//*[@id]", NS)}
    used = {el.get("resid") for el in manifest.iter() if el.get("resid")}
    assert used and used <= ids
