"""The task pane's textHash (word.js) equals docplan.ooxml.text.text_hash for any text.

Both sides must agree, or every item the pane recorded would look edited by hand (or worse, an
edited one would look untouched). Runs the real word.js under node, one process per example batch.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docplan.ooxml.text import text_hash

WORD_JS = Path(__file__).resolve().parents[2] / "addin_server" / "static" / "src" / "taskpane" / "word.js"
# Every character Python's \s matches, plus U+FEFF (whitespace in JS, not in Python) and U+200B.
SPACES = "\t\n\v\f\r \x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2005\u200a\u2028\u2029\u202f\u205f\u3000\ufeff\u200b\x07"
SCRIPT = """
const { textHash } = await import(process.argv[1]);
let input = "";
for await (const chunk of process.stdin) input += chunk;
const out = [];
for (const text of JSON.parse(input)) out.push(await textHash(text));
process.stdout.write(JSON.stringify(out));
"""


def js_hashes(texts: list[str]) -> list[str]:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("node is not installed (CI must have it)")
        pytest.skip("node is not installed")
    done = subprocess.run([node, "--input-type=module", "-e", SCRIPT, WORD_JS.as_uri()],
                          input=json.dumps(texts), capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout)


texts = st.text(alphabet=st.one_of(st.sampled_from(SPACES), st.characters(exclude_categories=["Cs"])), max_size=40)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(texts, min_size=1, max_size=60))
def test_js_text_hash_equals_python_text_hash(batch):
    assert js_hashes(batch) == [text_hash(t) for t in batch]


def test_known_values_and_every_python_whitespace_character():
    batch = ["", "Tiltak", "  Tiltak\n\tT-01 \u00a0 Ungdata\u2003", "a\ufeffb", "T-01\x07Tittel\r\x07\x07",
             *(f"x{c}y{c}" for c in SPACES)]
    assert js_hashes(batch) == [text_hash(t) for t in batch]
