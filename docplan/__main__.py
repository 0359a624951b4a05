"""``python -m docplan`` runs the command line."""

from docplan.cli import run

run()
