"""How bench/run.py shows a figure: the targets of issue 13 beside it, marked met or NOT met
where they are set (at 1,000 services; growth from 1,000 to 3,000), shown without a mark
elsewhere."""

from __future__ import annotations

from measure import Limits, Run

SEED_SECONDS = 0.3  # check and fix on the seed fleet, interpreter start included
TARGET_SIZE = 1000
SECONDS = {"check": 2.0, "fix": 5.0, "apply": 6.0}  # wall time at TARGET_SIZE
BRANCH_MS = 15.0  # per commit, the whole run included
PEAK_MB = 1000.0
SPEEDUP = 8.0  # check against hadolint + dclint
GROWTH = 3.5  # cost of 3,000 services over the cost of 1,000
LABELS = {"check": "fixer check", "fix": "fixer fix (dry run)", "apply": "fixer fix --apply",
          "branch": "fixer fix --branch", "hadolint": "hadolint", "dclint": "dclint"}


def line(label: str, figure: str, target: str = "") -> None:
    print(f"  {label:<20} {figure:<64} {target}".rstrip(), flush=True)


def counted(count: int, noun: str) -> str:
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def verdict(ok: bool, target: str, judged: bool, where: str = f"at {TARGET_SIZE:,}") -> str:
    """Met or not where the target is set; elsewhere only the target, and where it is set."""
    if not judged:
        return f"(target {target} {where})"
    return f"target {target}: {'met' if ok else 'NOT met'}"


def megabytes(run: Run) -> float:
    return run.peak_kb * 1024 / 1e6  # ru_maxrss is in KiB on Linux


def exceeded(run: Run, limits: Limits) -> str:
    return f"{limits.ceiling_mb:g} MB" if run.over_memory else f"{limits.timeout:g} s"


def shown(run: Run, limits: Limits, peak: bool = True) -> str:
    if run.seconds is None:
        return f"> {exceeded(run, limits)} (killed)"
    text = f"{run.seconds:.2f} s (cpu {run.cpu:.2f} s)"
    if peak:
        text += f", peak {megabytes(run):.0f} MB"
    if run.code not in (0, 1):
        text += f", exit {run.code} (an error: the figure means little)"
    return text


def show_step(key: str, run: Run, limits: Limits, judged: bool) -> None:
    if key != "branch":
        ok = run.seconds is not None and run.seconds <= SECONDS[key]
        line(LABELS[key], shown(run, limits), verdict(ok, f"<= {SECONDS[key]:g} s", judged))
        return
    if run.seconds is None or not run.count:
        line(LABELS[key], f"{shown(run, limits)}, {counted(run.count, 'commit')}",
             verdict(False, f"<= {BRANCH_MS:g} ms/commit", judged))
        return
    per_commit = run.seconds * 1000 / run.count
    figure = f"{shown(run, limits)}, {counted(run.count, 'commit')}, {per_commit:.1f} ms/commit"
    line(LABELS[key], figure,
         verdict(per_commit <= BRANCH_MS, f"<= {BRANCH_MS:g} ms/commit", judged))


def show_peak(runs: dict[str, Run], limits: Limits, judged: bool) -> None:
    target = f"<= {PEAK_MB / 1000:g} GB"
    if any(run.over_memory for run in runs.values()):
        line("peak RSS", f"> {limits.ceiling_mb:g} MB: a run was killed at that ceiling",
             verdict(False, target, judged))
        return
    finished = [run for run in runs.values() if run.seconds is not None]
    if not finished:
        return
    peak = max(megabytes(run) for run in finished)
    note = "" if len(finished) == len(runs) else " (runs killed at the timeout not counted)"
    line("peak RSS", f"{peak:.0f} MB, the largest of the fixer runs{note}",
         verdict(peak <= PEAK_MB, target, judged))


def show_speedup(check: Run | None, others: dict[str, Run], judged: bool) -> None:
    if check is None or check.seconds is None or not others:
        return
    if any(run.seconds is None for run in others.values()):
        line("check speed-up", "not measured: a linter was killed")
        return
    total = sum(run.seconds or 0.0 for run in others.values())
    names = " + ".join(others) + ("" if "dclint" in others else " alone, dclint skipped")
    ratio = total / check.seconds
    line("check speed-up", f"{ratio:.1f}x ({names} {total:.2f} s / check {check.seconds:.2f} s)",
         verdict(ratio >= SPEEDUP, f">= {SPEEDUP:g}x", judged))


def show_growth(tree: str, figures: dict[int, dict[str, Run]]) -> None:
    sizes = sorted(figures)
    for small, large in zip(sizes, sizes[1:]):
        print(f"== growth, {tree}, {small:,} -> {large:,} services ({large / small:g}x)")
        judged = (small, large) == (TARGET_SIZE, 3 * TARGET_SIZE)
        for key in ("check", "fix", "apply", "branch"):
            before, after = figures[small].get(key), figures[large].get(key)
            if before is None or after is None or not before.seconds:
                line(LABELS[key], "not measured at both sizes")
            elif after.seconds is None:
                line(LABELS[key], f"killed at {large:,} services: no ratio")
            else:
                ratio = after.seconds / before.seconds
                line(LABELS[key], f"{ratio:.2f}x the time", verdict(
                    ratio <= GROWTH, f"<= {GROWTH:g}x", judged, "from 1,000 to 3,000 services"))
