#!/usr/bin/env bash
# Install the system programs docplan's tests use: LibreOffice Writer and Calc (PDF, document checks),
# poppler-utils (pdftotext/pdftoppm), Chromium (task pane tests), Node.js/npm (add-in JS tests),
# the PostgreSQL server (the storage tests start a throwaway cluster with its initdb/pg_ctl, which
# Debian keeps in /usr/lib/postgresql/<version>/bin, off PATH), and a C compiler with Python's headers
# (the checker's compiled walk, built by pip install).
# Skips what is already there; needs root (or sudo) only when something is missing.
set -euo pipefail
need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
# python3-uno: LibreOffice's UNO bridge for Debian's python3, which keeps PDF converters running (docplan/convert.py)
/usr/bin/python3 -c 'import uno' >/dev/null 2>&1 || need+=(python3-uno)
# Calc opens the workbooks docplan writes (the status workbook)
compgen -G "/usr/lib/libreoffice/program/libsclo.so" >/dev/null || need+=(libreoffice-calc-nogui)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
command -v cc >/dev/null 2>&1 || need+=(gcc libc6-dev)
{ command -v initdb >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; } || need+=(postgresql)
"${PYTHON:-python3}" -c 'import os, sys, sysconfig; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
  2>/dev/null || need+=(python3-dev)
if [ ${#need[@]} -eq 0 ]; then
  echo "system dependencies: all present"
  exit 0
fi
echo "installing system packages: ${need[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
