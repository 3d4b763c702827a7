"""A fork whose child cannot be interrupted before it is ready for Ctrl-C.

Ctrl-C reaches every process of the group: one that lands in the instant of `os.fork`
raises KeyboardInterrupt inside Python's after-fork hooks in the child, which prints
"Exception ignored in: <function _after_fork>" and a traceback before the child has set
its own handler. SIGINT is held while the process forks; the child takes the default
action (a quiet end) before the signal is let through, and the parent gets its own
handling back as it was.
"""

from __future__ import annotations

import os
import signal


def fork_quietly() -> int:
    """`os.fork()`, with SIGINT held across it: 0 in the child, whose Ctrl-C then ends it
    quietly, the child's pid in the parent. OSError as `os.fork` raises it."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        pid = os.fork()
    except BaseException:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        raise
    if pid == 0:   # pragma: no cover - the child
        signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_SETMASK, held)
    return pid
