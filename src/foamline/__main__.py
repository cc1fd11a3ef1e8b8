"""``python -m foamline`` runs the command line."""

from foamline.cli import main

main()
