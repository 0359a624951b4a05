"""PDF conversion through LibreOffice headless: one soffice process converts many files."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from docplan.errors import ConfigError, DocumentError, Location

#: Seconds one soffice run may take, per file converted (plus a fixed start-up allowance).
TIMEOUT_PER_FILE = int(os.environ.get("DOCPLAN_SOFFICE_TIMEOUT", 60))


def find_soffice() -> str:
    """Return the LibreOffice executable, or raise `ConfigError` telling how to install it."""
    for name in (os.environ.get("DOCPLAN_SOFFICE"), "soffice", "libreoffice"):
        if name and (path := shutil.which(name)):
            return path
    raise ConfigError("LibreOffice (soffice) er ikke installert, så PDF kan ikke lages; installer for eksempel "
                      "pakken libreoffice-writer-nogui", code="no_soffice")


def convert(paths: list[Path], out_dir: Path, fmt: str = "pdf") -> list[Path]:
    """Convert .docx files with one LibreOffice run; return the output paths in the same order."""
    if not paths:
        return []
    soffice = find_soffice()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="docplan-lo-") as profile:
        cmd = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", fmt, "--outdir", str(out_dir), *[str(p) for p in paths]]
        try:
            subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False,
                           timeout=30 + TIMEOUT_PER_FILE * len(paths))
        except subprocess.TimeoutExpired as exc:
            raise DocumentError("LibreOffice brukte for lang tid på konverteringen", Location(file=str(paths[0])),
                                code="soffice_timeout") from exc
    outputs = [out_dir / (p.stem + "." + fmt) for p in paths]
    for src, out in zip(paths, outputs):
        if not out.is_file() or out.stat().st_size == 0:
            raise DocumentError("LibreOffice klarte ikke å lage PDF av dokumentet", Location(file=str(src)),
                                code="soffice_failed")
    return outputs


def to_pdf(docx_path: Path, pdf_path: Path) -> Path:
    """Convert one .docx to a PDF at ``pdf_path`` (written atomically)."""
    with tempfile.TemporaryDirectory(prefix="docplan-pdf-") as tmp:
        staged = Path(tmp) / (pdf_path.stem + ".docx")
        shutil.copyfile(docx_path, staged)
        (out,) = convert([staged], Path(tmp))
        from docplan.package import write_atomic

        write_atomic(pdf_path, out.read_bytes())
    return pdf_path
