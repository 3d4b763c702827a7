"""Benchmark: `fixer check` on a generated 1,000-service repository, and the tools it replaces.

Prints figures; asserts nothing (targets live in DESIGN.md: <= 2 s on 2 cores, and at least
8 times faster than hadolint plus dclint on the same tree).
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402

SERVICES = 1000


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def best_of(argv: list[str], runs: int = 3) -> float:
    return min(timed(argv) for _ in range(runs))


def _linters(root: Path) -> dict[str, float]:
    """hadolint on every Dockerfile and dclint on the compose file, where installed."""
    found: dict[str, float] = {}
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if Path(hadolint).exists():
        dockerfiles = [str(p) for p in sorted(root.glob("svc*/Dockerfile"))]
        found[f"hadolint ({len(dockerfiles)} Dockerfiles)"] = best_of(
            [hadolint, "--no-fail", *dockerfiles], runs=1)
    local = Path(__file__).resolve().parent / "node_modules" / ".bin" / "dclint"
    dclint = shutil.which("dclint") or (str(local) if local.exists() else None)
    if dclint:
        found["dclint (compose file)"] = best_of([dclint, str(root / "docker-compose.yml")], runs=1)
    else:
        print("dclint not installed (make bench installs it with npm): not measured")
    return found


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "repo"
        generate(root, SERVICES)
        fixer = [sys.executable, "-m", "fixer.cli"]
        check = best_of(fixer + ["check", str(root)])
        print(f"fixer check, {SERVICES} services: {check:.2f} s (budget 2.00 s)")
        fix = best_of(fixer + ["fix", str(root)], runs=1)
        print(f"fixer fix (dry run), {SERVICES} services: {fix:.2f} s")
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        print(f"peak memory of a child run: {usage.ru_maxrss / 1024:.0f} MiB")
        others = _linters(root)
        if others:
            total = sum(others.values())
            for name, seconds in others.items():
                print(f"{name}: {seconds:.2f} s")
            print(f"fixer check is {total / check:.1f}x faster than "
                  f"{' plus '.join(others)} (target: at least 8x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
