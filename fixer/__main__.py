"""`python -m fixer` and the `fixer` console script: the command line.

The command line's modules are imported inside `run`, so that a Ctrl-C while they load ends
as any other interrupt does (`fixer: interrupted`, exit 130), not with a traceback.
"""

import gc
import sys

# fixer.cli.shared.EXIT_INTERRUPTED, written out: importing it is what may be interrupted
EXIT_INTERRUPTED = 130


def run() -> None:
    # Without the cyclic collector from the start (fixer.cli.entry's `run` keeps it off):
    # loading the modules makes thousands of lasting objects, and the collector walked
    # them again and again, a tenth of the import time of every command.
    gc.disable()
    try:
        from fixer.cli.entry import run as process
    except KeyboardInterrupt:
        sys.stderr.write("fixer: interrupted\n")
        sys.exit(EXIT_INTERRUPTED)
    process()


if __name__ == "__main__":
    run()
