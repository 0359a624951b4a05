#!/usr/bin/env bash
# The main job on the embedded example (examples/osterdalen.yaml, fictional data):
# render nb and nn (.docx + PDF), check the plan with Word comments at each finding, and make one
# edition per municipality in a batch; a second run replaces the first run's files (--force).
# `make serve` then serves the Word add-in on the sample workspace.
set -euo pipefail
PY=${1:-python3}
OUT=${2:-demo-out}
DATA=examples/osterdalen.yaml
mkdir -p "$OUT"
"$PY" -m docplan validate "$DATA"
"$PY" -m docplan render "$DATA" --standard nb -o "$OUT/osterdalen-nb.docx" --pdf --force
"$PY" -m docplan render "$DATA" --standard nn -o "$OUT/osterdalen-nn.docx" --pdf --force
"$PY" -m docplan check "$OUT/osterdalen-nb.docx" --data "$DATA" --fail-on never \
  --annotate "$OUT/osterdalen-nb-kontrollert.docx" -o "$OUT/kontroll.txt" --force
"$PY" -m docplan check "$OUT/osterdalen-nb.docx" --data "$DATA" --fail-on never --format json --force \
  -o "$OUT/kontroll.json"
"$PY" -m docplan batch "$DATA" --all -o "$OUT/kommuner"
echo
echo "Ferdig: se $OUT/ (plan på bokmål og nynorsk, PDF, kontrollrapport, kommentert dokument, én utgave per kommune)."
echo "Word-tillegget: make serve  (http://localhost:3000, token demo-3427)"
