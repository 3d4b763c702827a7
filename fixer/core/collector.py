"""No cyclic garbage collection while the rules run.

A run allocates millions of small objects (syntax trees, YAML nodes, facts) that live until
it ends, and the cyclic collector walked them again and again as they aged: a quarter of
`fixer check` on 1,000 services with CPython's default thresholds, and still 10 s of 38 s of
`fixer fix` on 3,000 services with fewer collections. What a run drops is freed by reference
counting or is small next to what it keeps: its peak memory is the same without the collector
(bench/README.md). So the collector is off while a run goes, and its state is restored when
the run ends, so a program that calls fixer keeps its own. A fix run whose memory passes half
its budget collects between rounds (engine/budget.py), before the budget stops it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_cyclic_collection() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
