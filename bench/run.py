"""Benchmark of issue 13: what `fixer check`, `fix`, `fix --apply` and `fix --branch` cost on
generated repositories, their peak memory, and hadolint plus dclint on the same trees.

    python bench/run.py [--sizes 100,1000,3000] [--skip-branch] [--timeout SECONDS]
                          [--memory-limit MB]

Prints figures beside their targets, marked met or NOT met; asserts nothing. The targets are
set at 1,000 services (and for growth, from 1,000 to 3,000); see bench/README.md.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_shared import generate_shared  # noqa: E402
from gen_stacks import generate_stacks  # noqa: E402
from generate import generate  # noqa: E402
from measure import (BENCH, Limits, Run, best_of, fixer, measure_apply,  # noqa: E402
                     measure_branch, measure_check, measure_dclint, measure_fix,
                     measure_hadolint)
from show import (LABELS, SEED_SECONDS, TARGET_SIZE, counted, exceeded, line,  # noqa: E402
                  show_growth, show_peak, show_speedup, show_step, shown, verdict)

SEED_FLEET = BENCH.parent / "examples" / "seed-fleet"
# gen_stacks.py runs at the size nearest 1,000 divided by this: each of its services is a
# stack of its own, which reads every guide of the repository
STACKS_PER = 10
Maker = Callable[[int, Path], None]


def monorepo(size: int, root: Path) -> None:
    subprocess.run([sys.executable, str(BENCH / "gen_monorepo.py"), str(size), str(root),
                    "--seed-defects"], check=True)


def own(size: int, root: Path) -> None:
    generate(root, size)


def shared(size: int, root: Path) -> None:
    generate_shared(root, size)


def stacks(size: int, root: Path) -> None:
    generate_stacks(root, size)


@dataclass
class Bench:
    limits: Limits
    skip_branch: bool
    # (tree, measurement) -> what it was killed at: "1,000 services exceeded 300 s"
    killed: dict[tuple[str, str], str] = field(default_factory=dict)

    def attempt(self, tree: str, key: str, size: int, measure: Callable[[], Run | None]
                ) -> Run | None:
        """Measure, unless the same measurement was killed on a smaller tree: it would only
        be killed again, later."""
        if (tree, key) in self.killed:
            line(LABELS[key], f"not run: {key} at {self.killed[tree, key]}")
            return None
        run = measure()
        if run is not None and run.seconds is None:
            self.killed[tree, key] = f"{size:,} services exceeded {exceeded(run, self.limits)}"
        return run


def timed_steps(bench: Bench, tree: str, size: int, root: Path, scratch: Path
                ) -> dict[str, Run]:
    """check, fix and fix --apply; and fix --branch unless skipped."""
    steps: dict[str, Callable[[], Run | None]] = {
        "check": lambda: measure_check(root, bench.limits),
        "fix": lambda: measure_fix(root, bench.limits),
        "apply": lambda: measure_apply(root, scratch, bench.limits),
    }
    if not bench.skip_branch:
        steps["branch"] = lambda: measure_branch(root, scratch, bench.limits)
    runs: dict[str, Run] = {}
    for key, measure in steps.items():
        run = bench.attempt(tree, key, size, measure)
        if run is not None:
            runs[key] = run
            show_step(key, run, bench.limits, size == TARGET_SIZE)
    return runs


def linters(bench: Bench, tree: str, size: int, root: Path) -> dict[str, Run]:
    """hadolint on every Dockerfile and dclint on the compose file(s), each where installed."""
    found: dict[str, Run] = {}
    for key, measure, what in (("hadolint", measure_hadolint, "Dockerfile"),
                               ("dclint", measure_dclint, "compose file")):
        run = bench.attempt(tree, key, size, lambda: measure(root, bench.limits))
        if run is None and (tree, key) not in bench.killed:
            line(LABELS[key], "skipped: not installed"
                 + (" (make bench installs it with npm)" if key == "dclint" else ""))
        elif run is not None:
            found[key] = run
            figure = f"{shown(run, bench.limits, peak=False)} on {counted(run.count, what)}"
            line(LABELS[key], figure)
    return found


def bench_tree(bench: Bench, tree: str, make: Maker, size: int) -> dict[str, Run]:
    with tempfile.TemporaryDirectory(prefix="fixer-bench-") as folder:
        scratch = Path(folder)
        root = scratch / "tree"
        make(size, root)
        print(f"== {tree}, {size:,} services", flush=True)
        runs = timed_steps(bench, tree, size, root, scratch)
        judged = size == TARGET_SIZE
        show_peak(runs, bench.limits, judged)
        show_speedup(runs.get("check"), linters(bench, tree, size, root), judged)
    return runs


def bench_seed_fleet(bench: Bench) -> None:
    """The seed fleet stays fast: a slow start-up shows here first."""
    print("== examples/seed-fleet", flush=True)
    for key in ("check", "fix"):
        run = best_of(fixer(key, str(SEED_FLEET)), bench.limits)
        ok = run.seconds is not None and run.seconds <= SEED_SECONDS
        line(LABELS[key], shown(run, bench.limits), verdict(ok, f"<= {SEED_SECONDS:g} s", True))


def compile_bytecode() -> None:
    """Measure fixer as pip installs it: with its modules compiled to bytecode. An editable
    install run where PYTHONDONTWRITEBYTECODE is set never writes any, and every measured run
    would then compile fixer from source first (about 0.14 s, which is no cost of fixer's)."""
    for package in ("fixer", "fixer_rules"):
        spec = importlib.util.find_spec(package)
        for folder in (spec.submodule_search_locations or []) if spec else []:
            compileall.compile_dir(folder, quiet=1)


def header(limits: Limits) -> None:
    commit = subprocess.run(["git", "-C", str(BENCH.parent), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip() or "unknown"
    print(f"fixer at commit {commit}; {os.cpu_count()} cores; load average "
          f"{os.getloadavg()[0]:.2f}; a run is killed past {limits.timeout:g} s or "
          f"{limits.ceiling_mb:g} MB; check, hadolint and "
          f"dclint are the best of 3 runs, the others one run; fixer's bytecode compiled, "
          f"as pip install does", flush=True)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,3000",
                        help="gen_monorepo sizes, comma-separated (default: 100,1000,3000); "
                             "bench/generate.py and gen_shared.py run at the one nearest "
                             "1,000, gen_stacks.py at a tenth of it")
    parser.add_argument("--skip-branch", action="store_true", help="leave out fix --branch")
    parser.add_argument("--timeout", type=float, default=300.0,
                        help="seconds per run before it is killed (default: 300)")
    parser.add_argument("--memory-limit", type=float, default=4000.0, metavar="MB",
                        help="resident memory of a run before it is killed (default: 4000)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    sizes = sorted({int(size) for size in args.sizes.split(",")})
    bench = Bench(Limits(args.timeout, args.memory_limit), args.skip_branch)
    compile_bytecode()
    header(bench.limits)
    bench_seed_fleet(bench)
    nearest = min(sizes, key=lambda size: abs(size - TARGET_SIZE))
    trees: list[tuple[str, Maker, list[int]]] = [
        ("bench/generate.py", own, [nearest]),
        ("bench/gen_shared.py", shared, [nearest]),
        # a stack per folder, each asking of the same 200 guides: a tenth as many
        ("bench/gen_stacks.py", stacks, [max(nearest // STACKS_PER, 1)]),
        ("gen_monorepo.py --seed-defects", monorepo, sizes)]
    for tree, make, chosen in trees:
        figures = {size: bench_tree(bench, tree, make, size) for size in chosen}
        show_growth(tree, figures)
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
