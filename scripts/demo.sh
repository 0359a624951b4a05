#!/usr/bin/env bash
# The main job on the embedded example: render examples/osterdalen.yaml to nb and nn, .docx + PDF.
set -euo pipefail
PY=${1:-python3}
OUT=${2:-demo-out}
mkdir -p "$OUT"
"$PY" -m docplan validate examples/osterdalen.yaml
"$PY" -m docplan render examples/osterdalen.yaml --standard nb -o "$OUT/osterdalen-nb.docx" --pdf
"$PY" -m docplan render examples/osterdalen.yaml --standard nn -o "$OUT/osterdalen-nn.docx" --pdf
if [ -x scripts/demo-extra.sh ]; then bash scripts/demo-extra.sh "$PY" "$OUT"; fi
echo "Ferdig: se $OUT/"
