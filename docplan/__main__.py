"""``python -m docplan`` runs the command line."""

from docplan.cli import main

main(prog_name="docplan")
