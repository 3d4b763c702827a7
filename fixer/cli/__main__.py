"""`python -m fixer.cli`: the same as the `fixer` console script."""

from fixer.cli.entry import run

run()
