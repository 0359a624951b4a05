"""Real, partly broken .docx files from ../shared/corpus posted to /check: findings or a clean JSON refusal."""

from __future__ import annotations

import pytest

from tests.addin_server.conftest import TYNSET, auth

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

pytestmark = [pytest.mark.corpus, pytest.mark.slow]


def test_corpus_documents_are_checked_or_refused_cleanly(client, corpus_dir):
    files = sorted(p for p in corpus_dir.rglob("*") if p.is_file() and p.suffix.lower() in (".docx", ".docm", ".dotx"))
    assert len(files) > 100
    sample = files[::6]  # a fixed spread across the corpus keeps the suite fast
    outcomes: dict[int, int] = {}
    for path in sample:
        r = client.post("/api/v1/plans/osterdalen/municipalities/3427/check", headers=auth(TYNSET),
                        data=path.read_bytes(), content_type=DOCX)
        body = r.get_json()
        assert r.status_code in (200, 400, 413), (path.name, r.status_code, body)
        if r.status_code == 200:
            assert isinstance(body["findings"], list)
        else:
            assert body["code"] and body["message"] and "Traceback" not in body["message"], path.name
        outcomes[r.status_code] = outcomes.get(r.status_code, 0) + 1
    assert outcomes.get(200, 0) > 0 and outcomes.get(400, 0) > 0, outcomes
