"""How much time and memory a fix run may take before it stops.

A run on a repository far larger than any fixer was measured on, or a rule that turns
quadratic on an input nobody foresaw, must not hold a CI job for hours or push the machine
into swap: between rounds the run compares its wall time and peak memory with the budget
(`Config.fix_time_budget`, `Config.fix_memory_budget`) and stops with a clear error. Nothing
is written: a run cut short has verified only some of its fixes. Cycles are not collected
while a run goes (core/collector.py): past half the memory budget, each round starts with a
collection, so that only memory the run still holds can stop it.
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Sequence

from fixer.core.config import Config
from fixer.core.errors import BudgetExceeded

try:   # not on Windows, where the memory budget is not enforced
    import resource
except ImportError:  # pragma: no cover
    resource = None  # type: ignore[assignment]


class Budget:
    def __init__(self, config: Config) -> None:
        self.seconds = config.fix_time_budget
        self.megabytes = config.fix_memory_budget
        self.started = time.monotonic()

    def check(self, rounds: int, others: Sequence[int] = ()) -> None:
        """BudgetExceeded once either limit is passed; the memory of the run's other
        processes (`others`: the fix run's partner) counts too."""
        spent = time.monotonic() - self.started
        if spent > self.seconds:
            raise BudgetExceeded(f"fixer fix stopped after {_rounds(rounds)} and {spent:.0f} s: "
                                 f"over its time budget of {self.seconds:.0f} s "
                                 "(fix-time-budget); nothing was written")
        peak = peak_megabytes(others)
        if peak is not None and peak > self.megabytes // 2:
            gc.collect()
        if peak is not None and peak > self.megabytes:
            raise BudgetExceeded(f"fixer fix stopped after {_rounds(rounds)}: its memory "
                                 f"reached {peak:,} MB, over its budget of {self.megabytes:,} MB "
                                 "(fix-memory-budget); nothing was written")


def _rounds(count: int) -> str:
    return "1 round" if count == 1 else f"{count} rounds"


def peak_megabytes(others: Sequence[int] = ()) -> int | None:
    """The process's peak resident memory so far, plus each of `others`' (processes of
    the run, by pid; Linux says, elsewhere they count nothing); None where the platform
    does not say."""
    if resource is None:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # kilobytes on Linux, bytes on macOS
    own = int(peak / (1024 * 1024 if sys.platform == "darwin" else 1024))
    return own + sum(_peak_of(pid) for pid in others)


def _peak_of(pid: int) -> int:
    """Another process's peak resident memory in MB (`VmHWM`); 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            line = next((ln for ln in status if ln.startswith("VmHWM:")), "")
    except OSError:
        return 0
    parts = line.split()
    return int(parts[1]) // 1024 if len(parts) > 1 and parts[1].isdigit() else 0
