"""`python -m fixer.cli`: the same as the `fixer` console script."""

import gc

gc.disable()   # as fixer/__main__.py: no cyclic collection while the modules load

from fixer.cli.entry import run  # noqa: E402

run()
