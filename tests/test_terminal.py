"""Colour and progress on a real terminal (a pty), none in a pipe, none with NO_COLOR or
--no-color. `fixer` runs in a subprocess whose stdout/stderr are pseudo-terminals."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from test_config import COMPOSE, web_tree

pytestmark = pytest.mark.slow  # each test starts fixer in a subprocess, most on a pseudo-terminal

ESC = "\x1b["


def _drain(fd: int, chunks: list[bytes]) -> None:
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:  # EIO: the child closed its side of the pty
            return
        if not data:
            return
        chunks.append(data)


def run_fixer(*args: str | Path, tty_out: bool = True, tty_err: bool = True,
              env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `fixer ARGS` with each stream a pty or a pipe."""
    environment = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    environment.update({"TERM": "xterm", "COLUMNS": "120"}, **(env or {}))
    streams: list[tuple[int, int]] = []   # (fd to read, fd the child writes) per stream
    for tty in (tty_out, tty_err):
        master, slave = pty.openpty() if tty else os.pipe()
        streams.append((master, slave))
    process = subprocess.Popen([sys.executable, "-m", "fixer.cli", *map(str, args)],
                               stdin=subprocess.DEVNULL, stdout=streams[0][1],
                               stderr=streams[1][1], env=environment)
    outputs: list[list[bytes]] = [[], []]
    readers = []
    for (reader, writer), chunks in zip(streams, outputs):
        os.close(writer)  # only the child writes now: reading ends when it exits
        thread = threading.Thread(target=_drain, args=(reader, chunks), daemon=True)
        thread.start()
        readers.append(thread)
    code = process.wait(timeout=120)
    for thread, (reader, _) in zip(readers, streams):
        thread.join(timeout=10)
        os.close(reader)
    out, err = (b"".join(chunks).decode() for chunks in outputs)
    return code, out, err


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return web_tree(tmp_path)


def bold(colour: int, text: str) -> tuple[str, str]:
    """The two orders in which a terminal style may set bold and a foreground colour."""
    return f"{ESC}1m{ESC}{colour}m{text}{ESC}0m", f"{ESC}{colour}m{ESC}1m{text}{ESC}0m"


def test_findings_are_coloured_by_severity_on_a_terminal(repo: Path) -> None:
    code, out, _ = run_fixer("check", repo)
    assert code == 1
    warning, error = out.splitlines()   # C004 on compose.yaml line 3, P001 on line 5
    assert any(styled in error for styled in bold(31, "P001"))       # red: an error
    assert f"{ESC}31m[error]{ESC}0m" in error
    assert any(styled in warning for styled in bold(33, "C004"))     # yellow: a warning
    assert f"{ESC}33m[warning]{ESC}0m" in warning


def test_diffs_are_coloured_on_a_terminal(repo: Path) -> None:
    code, out, _ = run_fixer("fix", repo, "--select", "P001")
    assert code == 1
    assert f"{ESC}32m+EXPOSE 8001{ESC}0m" in out
    assert f"{ESC}31m-EXPOSE 8000{ESC}0m" in out
    assert f"{ESC}36m@@ " in out
    assert f"{ESC}1mdiff --git a/web/Dockerfile b/web/Dockerfile{ESC}0m" in out


# (command, what its stdout shows)
RUNS = ((("check",), "P001"), (("fix", "--select", "P001"), "+EXPOSE 8001"))


@pytest.mark.parametrize(("args", "env"), [
    ((), {"NO_COLOR": "1"}),
    ((), {"NO_COLOR": ""}),            # any value, even empty
    (("--no-color",), {}),
], ids=["NO_COLOR=1", "NO_COLOR-empty", "--no-color"])
def test_colour_can_be_turned_off(repo: Path, args: tuple[str, ...],
                                  env: dict[str, str]) -> None:
    for command, shown in RUNS:
        code, out, err = run_fixer(command[0], repo, *command[1:], *args, env=env)
        assert code == 1 and shown in out and ESC not in out + err


def test_piped_output_has_no_colour(repo: Path) -> None:
    for command, shown in RUNS:
        code, out, err = run_fixer(command[0], repo, *command[1:], tty_out=False, tty_err=False)
        assert code == 1 and shown in out and ESC not in out + err


# -- progress bar ------------------------------------------------------------------------------


def many_services(root: Path, count: int) -> Path:
    services = "".join(f"  s{i}:\n    image: nginx:1.27\n" for i in range(count))
    web_tree(root, compose=COMPOSE + services)
    return root


def test_progress_bar_on_a_terminal_for_more_than_50_services(tmp_path: Path) -> None:
    many_services(tmp_path, 50)   # 51 with web
    code, out, err = run_fixer("check", tmp_path, tty_out=False)
    assert code == 1 and "Checking" in err and "%" in err
    assert out.count("P001") == 1 and ESC not in out


def test_no_progress_bar_when_piped_or_small(tmp_path: Path) -> None:
    many_services(tmp_path / "big", 50)
    code, _, err = run_fixer("check", tmp_path / "big", tty_out=False, tty_err=False)
    assert code == 1 and "Checking" not in err
    many_services(tmp_path / "small", 49)  # 50 services: no bar
    code, _, err = run_fixer("check", tmp_path / "small", tty_out=False)
    assert code == 1 and "Checking" not in err and ESC not in err

