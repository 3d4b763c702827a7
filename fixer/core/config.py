"""Options that change what rules find and how they fix.

`fixer.app.configfile` reads them from fixer.toml or `[tool.fixer]` in pyproject.toml;
CLI flags override what the file says.
"""

from __future__ import annotations

from dataclasses import dataclass

from fixer.core.tree import MAX_FILE_BYTES

# Which side of a port mismatch stays: "auto" weighs the references (`fixer explain P001`); the
# old names force a side and keep their meaning: "compose" fixes the app, "dockerfile"
# fixes compose.
PORT_SOURCES = ("auto", "compose", "dockerfile")
DEFAULT_POSTGRES_IMAGE = "postgres:17-alpine"


@dataclass(frozen=True)
class Config:
    port_source: str = "auto"               # which side of a port mismatch is the truth
    # "install" the tool, or rewrite to "python"; "auto" installs unless the stack's other
    # healthchecks all probe with Python (its authors keep curl out of their images)
    healthcheck_strategy: str = "auto"
    # the image of a database C001 adds; None: not configured, so the one the stack's other
    # PostgreSQL services run, when they all run the same, else DEFAULT_POSTGRES_IMAGE
    postgres_image: str | None = None
    unsafe_fixes: bool = False
    # Globs of repository paths fixer never reads nor edits (fixer.core.exclude has the syntax).
    exclude: tuple[str, ...] = ()
    # (service name, rule codes or prefixes) pairs: findings about that service are dropped.
    # Tuples, not a dict, so that a Config stays hashable.
    per_service_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # The codes of the rules this run runs (after --select and --ignore); None: every rule.
    # A fix asks before it makes another rule's change on the way (fixer.model.optout).
    rules_run: tuple[str, ...] | None = None
    # The codes and prefixes `--ignore` (or the file's `ignore`) names: said no to, where
    # `rules_run` also leaves out what a `--select` does not name (fixer.model.optout).
    ignored: tuple[str, ...] = ()
    # Groups of compose files (repository paths, base first) read as one stack each.
    stacks: tuple[tuple[str, ...], ...] = ()
    # Health paths besides `/health` and any path ending in `/health` (H001, C004, H002).
    health_paths: tuple[str, ...] = ("/healthz", "/livez", "/readyz")
    # Files larger than this many bytes are reported and not read (`max-file-size`).
    max_file_size: int = MAX_FILE_BYTES
    # A fix run stops with an error past this wall time (seconds) or peak memory (MB):
    # gen_monorepo's 3,000 services take about a minute and 0.7 GB.
    fix_time_budget: float = 1800.0
    fix_memory_budget: int = 4096

    def ignored_for(self, service: str | None) -> tuple[str, ...]:
        """The codes (or prefixes) `per-service-ignores` turns off for this service."""
        if service is None:
            return ()
        return tuple(code for name, codes in self.per_service_ignores if name == service
                     for code in codes)
