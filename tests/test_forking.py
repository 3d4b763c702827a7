"""`fork_quietly`: SIGINT held across the fork, the child ready for Ctrl-C before it is let
through, the parent as it was."""

from __future__ import annotations

import os
import signal
import sys

import pytest

from fixer.engine.forking import fork_quietly

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "win32",
                                reason="fork")


def test_the_child_ends_quietly_on_ctrl_c_and_the_parent_is_as_it_was() -> None:
    handler, mask = signal.getsignal(signal.SIGINT), signal.pthread_sigmask(signal.SIG_BLOCK, [])
    pid = fork_quietly()
    if pid == 0:   # the child: default action, nothing held, then Ctrl-C ends it
        ready = signal.getsignal(signal.SIGINT) is signal.SIG_DFL and \
            signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])
        if not ready:
            os._exit(3)
        os.kill(os.getpid(), signal.SIGINT)
        os._exit(4)   # not reached: SIGINT's default action ends the process
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGINT, status
    assert signal.getsignal(signal.SIGINT) is handler
    assert signal.pthread_sigmask(signal.SIG_BLOCK, []) == mask
