"""Helpers shared by the test modules: paths, real readers (python-docx, LibreOffice, pdftotext).

Kept out of conftest.py so that test modules import them by a unique name (several conftest.py exist).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("DOCPLAN_SHARED", ROOT.parent / "shared"))
EXAMPLE = ROOT / "examples" / "osterdalen.yaml"


def soffice_convert(paths: list[Path], out_dir: Path, fmt: str = "pdf") -> list[Path]:
    """Convert files with ONE LibreOffice run (fast for many files); return the outputs, failing on any miss."""
    from docplan.convert import convert

    return convert(list(paths), out_dir, fmt)


def pdf_text(pdf: Path) -> str:
    """Return the text of a PDF via pdftotext (poppler)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def docx_all_text(path_or_doc) -> str:
    """Return every paragraph's text of a .docx in document order, including tables and content controls.

    python-docx's ``Document.paragraphs``/``tables`` skip content inside ``w:sdt``; this walks the body XML.
    """
    import docx

    if isinstance(path_or_doc, (str, Path)):
        doc = docx.Document(str(path_or_doc))
    elif hasattr(path_or_doc, "read"):
        doc = docx.Document(path_or_doc)
    else:
        doc = path_or_doc
    body = doc.element.body
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    out = []
    for p in body.iter(f"{w}p"):
        out.append("".join(t.text or "" for t in p.iter(f"{w}t")))
    return "\n".join(out)


def docx_headings(path) -> list[tuple[str, str]]:
    """Return (style name, text) of every heading paragraph, including those inside content controls."""
    import docx

    doc = docx.Document(str(path))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    names = {s.style_id: s.name for s in doc.styles}
    out = []
    for p in doc.element.body.iter(f"{w}p"):
        style = p.find(f"{w}pPr/{w}pStyle")
        name = names.get(style.get(f"{w}val")) if style is not None else None
        if name and name.startswith("Heading"):
            out.append((name, "".join(t.text or "" for t in p.iter(f"{w}t"))))
    return out
