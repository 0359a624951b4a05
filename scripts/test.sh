#!/usr/bin/env bash
# Run every test suite: JavaScript (add-in) when present, then pytest. pytest's exit 5
# ("no tests collected") is an error here: a suite that runs nothing must not pass.
set -uo pipefail
PY=${1:-python3}
status=0
if [ -f addin_server/static/package.json ]; then
  (cd addin_server/static && npm ci --no-audit --no-fund --loglevel=error && npm test) || status=1
fi
mkdir -p test-artifacts
"$PY" -m pytest -q -p no:cacheprovider
rc=$?
if [ $rc -eq 5 ]; then
  echo "pytest collected no tests: failing" >&2
  rc=1
fi
[ $rc -ne 0 ] && status=$rc
exit $status
