"""Hostile .docx packages are refused before parsing; outputs are written atomically."""

from __future__ import annotations

import csv
import io
import zipfile

import docx
import pytest

from docplan.errors import DocumentError
from docplan.package import Limits, inspect_package, open_docx, write_atomic


def minimal_docx() -> bytes:
    buf = io.BytesIO()
    docx.Document().save(buf)
    return buf.getvalue()


def rebuild(data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None,
            compression=zipfile.ZIP_DEFLATED) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, (replace or {}).get(info.filename, src.read(info)))
        for name, blob in (add or {}).items():
            dst.writestr(name, blob)
    return out.getvalue()


def test_a_plain_document_passes():
    info = inspect_package(minimal_docx(), name="ok.docx")
    assert info.main_part == "word/document.xml"


@pytest.mark.parametrize("data, code", [
    (b"", "empty"),
    (b"Dette er tekst, ikke Word", "not_a_package"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "encrypted_or_legacy"),
    (b"PK\x03\x04garbage", "bad_zip"),
])
def test_not_a_docx_is_refused(data, code):
    with pytest.raises(DocumentError) as err:
        inspect_package(data, name="x.docx")
    assert err.value.code == code
    assert err.value.location.file == "x.docx"


def test_truncated_file_is_refused():
    data = minimal_docx()
    with pytest.raises(DocumentError) as err:
        open_docx(data[: len(data) // 2], name="halv.docx")
    assert err.value.code in ("bad_zip", "unreadable")


def test_zip_bomb_is_refused_by_ratio():
    bomb = rebuild(minimal_docx(), add={"word/media/bomb.bin.xml": b"\0" * (20 * 1024 * 1024)})
    assert len(bomb) < 200_000
    with pytest.raises(DocumentError) as err:
        inspect_package(bomb, name="bomb.docx")
    assert err.value.code == "zip_bomb" and err.value.location.part == "word/media/bomb.bin.xml"


def test_oversized_file_is_refused_before_reading():
    with pytest.raises(DocumentError) as err:
        inspect_package(minimal_docx(), limits=Limits(max_bytes=1000))
    assert err.value.code == "too_large"


@pytest.mark.parametrize("doctype", [
    b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>',
])
def test_dtd_and_entities_are_refused(doctype):
    data = minimal_docx()
    doc = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    body = doc.split(b"?>", 1)[1]
    with pytest.raises(DocumentError) as err:
        open_docx(rebuild(data, {"word/document.xml": doctype + body}), name="xxe.docx")
    assert err.value.code == "dtd"


def test_strict_ooxml_macro_and_template_are_named():
    data = minimal_docx()
    rels = zipfile.ZipFile(io.BytesIO(data)).read("_rels/.rels")
    strict = rels.replace(b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
                          b"http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument")
    with pytest.raises(DocumentError) as err:
        inspect_package(rebuild(data, {"_rels/.rels": strict}))
    assert err.value.code == "strict_ooxml" and "Strict" in err.value.message
    ct = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml")
    main = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    for replacement, code in ((b"application/vnd.ms-word.document.macroEnabled.main+xml", "macro_enabled"),
                              (b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
                               "word_template")):
        with pytest.raises(DocumentError) as err:
            inspect_package(rebuild(data, {"[Content_Types].xml": ct.replace(main, replacement)}))
        assert err.value.code == code


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "ut.docx"

    def explode(fh):
        fh.write(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomic(target, explode)
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_keeps_a_backup_when_asked(tmp_path):
    target = tmp_path / "plan.docx"
    target.write_bytes(b"old")
    write_atomic(target, b"new", backup=True)
    assert target.read_bytes() == b"new"
    assert (tmp_path / "plan.docx.bak").read_bytes() == b"old"


@pytest.mark.corpus
def test_every_corpus_file_is_opened_or_refused_cleanly(corpus_dir):
    """Each of the ~325 real files either opens or gives a DocumentError, never another exception."""
    with (corpus_dir / "MANIFEST.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert len(rows) > 300
    opened = refused = 0
    for row in rows:
        path = corpus_dir / row["relpath"]
        try:
            open_docx(path)
            opened += 1
        except DocumentError as exc:
            assert exc.message and exc.location.file
            refused += 1
    # python-docx alone opens 306; we refuse macro/template/Strict/encrypted files on purpose
    assert opened > 250
    assert opened + refused == len(rows)


def test_atomic_write_gives_normal_permissions_and_keeps_existing_ones(tmp_path):
    import os
    import stat

    fresh = write_atomic(tmp_path / "ny.docx", b"x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask
    shared = tmp_path / "delt.docx"
    shared.write_bytes(b"old")
    shared.chmod(0o664)
    write_atomic(shared, b"new")
    assert stat.S_IMODE(shared.stat().st_mode) == 0o664


_DOCTYPE = '<!DOCTYPE w [<!ENTITY sec SYSTEM "file:///etc/passwd"><!ENTITY a "aaaa">]>'


def _hostile_main_part(encoding: str, bom: bool, comment: int) -> bytes:
    body = zipfile.ZipFile(io.BytesIO(minimal_docx())).read("word/document.xml").decode("utf-8").split("?>", 1)[1]
    body = body.replace("<w:body>", "<w:body><w:p><w:r><w:t>&sec;&a;</w:t></w:r></w:p>", 1)
    label = "UTF-16" if encoding.startswith("utf-16") else "UTF-8"
    text = f'<?xml version="1.0" encoding="{label}" standalone="yes"?>' + (
        f"<!-- {'x' * comment} -->" if comment else "") + _DOCTYPE + body
    data = text.encode(encoding)
    if bom:
        data = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff", "utf-8": b"\xef\xbb\xbf"}[encoding] + data
    return data


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("bom", [False, True])
@pytest.mark.parametrize("comment", [0, 9000])
def test_a_doctype_is_refused_in_any_encoding_and_after_a_long_comment(encoding, bom, comment):
    """The refusal happens after decoding, wherever the declaration is in the prolog (the 8 KiB head
    scan this replaces let a UTF-16 part, or one with a 9 000-character comment first, through)."""
    from docplan.document import PlanDocument

    data = rebuild(minimal_docx(), {"word/document.xml": _hostile_main_part(encoding, bom, comment)})
    for opener in (inspect_package, PlanDocument.open):
        with pytest.raises(DocumentError) as err:
            opener(data, name="xxe.docx")
        assert err.value.code == "dtd" and err.value.location.part == "word/document.xml"


@pytest.mark.parametrize("command", [["check"], ["list"], ["extract", "-o", "ut.yaml"]])
def test_commands_refuse_a_utf16_doctype_with_a_clear_message(command, tmp_path):
    from click.testing import CliRunner

    from docplan.cli import main

    path = tmp_path / "xxe.docx"
    path.write_bytes(rebuild(minimal_docx(), {"word/document.xml": _hostile_main_part("utf-16-le", False, 9000)}))
    args = [*command[:1], str(path), *[str(tmp_path / a) if a.endswith(".yaml") else a for a in command[1:]]]
    result = CliRunner().invoke(main, args)
    assert result.exit_code in (1, 2) and "DOCTYPE" in result.output and "Traceback" not in result.output
    assert "root:" not in result.output  # /etc/passwd was never read


@pytest.mark.parametrize("compression", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
def test_a_damaged_part_anywhere_in_it_is_refused_when_the_package_is_opened(compression):
    big = b"<w:document>" + b"<w:p/>" * 5000 + b"</w:document>"
    data = rebuild(minimal_docx(), replace={"word/document.xml": big}, compression=compression)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    damaged = bytearray(data)
    damaged[start + info.compress_size - 40] ^= 0x55  # near the end: past any head a shortcut would read
    with pytest.raises(DocumentError) as exc:
        inspect_package(bytes(damaged))
    assert exc.value.code == "bad_zip" and exc.value.location.part == "word/document.xml"
