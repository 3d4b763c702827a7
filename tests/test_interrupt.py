"""Ctrl-C while fixer reads, checks or computes fixes: `fixer: interrupted` on stderr, exit 130
(as a shell reports an interrupted command), no traceback, nothing written. The write phase
of --apply has its own tests in test_hardening.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from support import REPO, process_stat, process_stats

GENERATOR = REPO / "bench" / "gen_monorepo.py"


def cpu_seconds(pid: int, seen: set[int]) -> float:
    """User plus system time the process and its children (a forked check, the compile
    worker) have used so far (Linux /proc); the children's ids go into `seen`."""
    total = 0.0
    for number, fields in process_stats():
        if fields[1] == str(pid):
            seen.add(number)
        if number == pid or fields[1] == str(pid):
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def running(pid: int) -> bool:
    fields = process_stat(pid)
    return fields is not None and fields[0] != "Z"


def interrupted_run(root: Path, *args: str, group: bool,
                    ignored: bool = False) -> subprocess.CompletedProcess[str]:
    """Run fixer on the tree and send SIGINT once it has worked for half a second of CPU
    time: past its imports (0.1 to 0.4 s, with or without bytecode), before the end of the
    run (about 2 s for `check` on this tree). To the process alone (`kill -INT`), or to its
    process group, as a terminal's Ctrl-C does. Its output goes to files, not pipes: a run
    that finished before the signal must not block on a full pipe that nobody reads yet.
    No process it started may outlive it."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        # SIGINT's disposition in the child is the test's, not the suite's: a suite run in
        # the background (`make test &`) ignores it, and the child would inherit that
        process = subprocess.Popen([sys.executable, "-m", "fixer.cli", *args, str(root)],
                                   cwd=REPO, stdout=out, stderr=err, text=True,
                                   start_new_session=group,
                                   preexec_fn=_ignore_sigint if ignored else _default_sigint)
        children: set[int] = set()
        while process.poll() is None and cpu_seconds(process.pid, children) < 0.5:
            time.sleep(0.01)
        assert process.poll() is None, "the run ended before it could be interrupted"
        if group:
            os.killpg(process.pid, signal.SIGINT)
        else:
            process.send_signal(signal.SIGINT)
        process.wait(timeout=120)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    deadline = time.monotonic() + 5   # an orphan is reaped by init, not at once
    while any(running(c) for c in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(running(c) for c in children)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def monorepo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("monorepo")
    subprocess.run([sys.executable, str(GENERATOR), "1000", str(root)], check=True,
                   capture_output=True, timeout=120)
    return root


@pytest.mark.slow   # fixer processes of their own on a 1,000-service tree
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads CPU time from /proc")
@pytest.mark.parametrize("args, group", [(("check",), False), (("check",), True),
                                         (("check", "--format", "json"), False),
                                         (("fix",), False), (("fix", "--apply"), True)])
def test_ctrl_c_during_the_run_says_interrupted_and_exits_130(monorepo: Path,
                                                              args: tuple[str, ...],
                                                              group: bool) -> None:
    # a check of 1,000 services runs on two cores: the forked child goes down with it
    before = files(monorepo)
    run = interrupted_run(monorepo, *args, group=group)
    assert (run.returncode, run.stderr, run.stdout) == (130, "fixer: interrupted\n", "")
    assert files(monorepo) == before


@pytest.mark.slow   # a fixer process of its own on a 1,000-service tree
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads CPU time from /proc")
def test_an_ignored_sigint_is_left_alone(monorepo: Path) -> None:
    """Started with SIGINT ignored (a background job of a shell script, `nohup`), fixer
    keeps it ignored: the Ctrl-C was meant for the foreground, and the run ends as usual."""
    run = interrupted_run(monorepo, "check", "--format", "json", group=False, ignored=True)
    assert run.returncode == 1 and run.stdout.startswith("{"), run.stderr
    assert "interrupted" not in run.stderr


def test_ctrl_c_while_the_command_line_loads_says_interrupted_too() -> None:
    """The interrupt lands while `fixer.cli.entry` is imported (made to happen there)."""
    code = ("import builtins, fixer.__main__ as script\n"
            "real = builtins.__import__\n"
            "def importing(name, *args, **kwargs):\n"
            "    if name == 'fixer.cli.entry':\n"
            "        raise KeyboardInterrupt\n"
            "    return real(name, *args, **kwargs)\n"
            "builtins.__import__ = importing\n"
            "script.run()\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=REPO, timeout=60, check=False)
    assert (done.returncode, done.stderr) == (130, "fixer: interrupted\n")
