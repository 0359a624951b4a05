"""The checker over the real, partly broken corpus: every file is checked or refused cleanly."""

from __future__ import annotations

import pytest

from docplan.checks import run_checks
from docplan.checks.docview import read_document
from docplan.checks.report import annotate, to_json, to_sarif, to_text
from docplan.errors import DocplanError


@pytest.mark.corpus
@pytest.mark.slow
def test_checker_never_crashes_on_the_corpus(corpus_dir):
    files = sorted(p for p in corpus_dir.rglob("*") if p.is_file() and p.suffix.lower() in (".docx", ".docm", ".dotx"))
    assert len(files) > 100
    checked = refused = 0
    for path in files:
        try:
            view = read_document(path)
            findings = run_checks(document=view)
        except DocplanError as exc:
            assert exc.message and exc.exit_code in (1, 2)
            refused += 1
            continue
        to_text(findings), to_json(findings), to_sarif(findings)
        if findings:
            again = read_document(annotate(view.document, findings[:5]), name=path.name)
            assert len(again.paragraphs) >= len(view.paragraphs)
        checked += 1
    assert checked > refused
