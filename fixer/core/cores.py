"""How many cores this process may run on: work goes to a second process only when one is
spare (a one-core container, or a CPU set of one, gains nothing and pays the start)."""

from __future__ import annotations

import os


def spare_core() -> bool:
    usable = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    return (len(usable) if usable is not None else os.cpu_count() or 1) > 1
