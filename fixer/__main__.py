"""`python -m fixer`: the command line, as the `fixer` script runs it."""

from fixer.cli.entry import run

run()
