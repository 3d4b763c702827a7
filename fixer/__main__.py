"""`python -m fixer` and the `fixer` console script: the command line.

The command line's modules are imported inside `run`, so that a Ctrl-C while they load ends
as any other interrupt does (`fixer: interrupted`, exit 130), not with a traceback.

The process runs without the cyclic garbage collector (fixer/core/collector.py): a command
ends with its process, and once a run had restored it, one collection while the report was
written walked every object the run kept, about 0.8 s on 1,000 services.
"""

import gc
import sys

# fixer.cli.shared.EXIT_INTERRUPTED, written out: importing it is what may be interrupted
EXIT_INTERRUPTED = 130


def run() -> None:
    gc.disable()
    try:
        from fixer.cli.entry import main
    except KeyboardInterrupt:
        sys.stderr.write("fixer: interrupted\n")
        sys.exit(EXIT_INTERRUPTED)
    sys.exit(main())


if __name__ == "__main__":
    run()
