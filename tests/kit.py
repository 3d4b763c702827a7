"""The rule test kit: run fixer's real engine on a repository held in a dict, with no disk.

    assert codes(check(app_service(compose_port="8000:9000"))) == ["P001"]
    assert fix(app_service(cmd_form="shell"), select="D002").files == {...}

A repository is a mapping of repository paths to file contents. Text given as a triple-quoted
block that starts with a newline is dedented and loses that first newline; any other text is
taken exactly, and bytes are always taken exactly. Rules come from
`fixer.app.registry.discover()` and are chosen as the command line chooses them (`select` and
`ignore` take codes or prefixes, as `--select` and `--ignore` do); options are
`fixer.core.config.Config` fields given as keywords. A `fixer.toml` in the mapping is refused,
since nothing here reads it: pass its options instead.

`check` and `fix` fail the test when the input has errors or a rule crashes, unless
`allow_errors=True`; the findings are fixer's own `Finding` objects.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from fixer import engine
from fixer.app.registry import choose, discover, unknown_codes
from fixer.core.config import Config
from fixer.core.errors import InputError
from fixer.core.textfile import TextFile, decode
from fixer.core.tree import FolderSource, MemorySource, Tree
from fixer.formats import diff as diff_output
from fixer.model.rule import Finding, Rule
from fixer.model.workspace import Workspace

Files = Mapping[str, str | bytes]
Codes = str | Sequence[str] | None


class KitError(AssertionError):
    """The input had errors or a rule crashed where the test expected a clean run."""


# -- the repository ----------------------------------------------------------------------------

def content(data: str | bytes) -> bytes:
    """A file's bytes as the kit (and tests/support.write_tree) stores them."""
    if isinstance(data, bytes):
        return data
    if data.startswith("\n"):
        data = textwrap.dedent(data[1:])
    return data.encode("utf-8")


def file_bytes(files: Files) -> dict[str, bytes]:
    """Every file of the mapping as bytes, normalized as `content` says."""
    return {path: content(data) for path, data in files.items()}


def tree(files: Files, modes: Mapping[str, int] | None = None) -> Tree:
    """The files as fixer's Tree; the configuration comes from keywords, never a fixer.toml."""
    if "fixer.toml" in files:
        raise ValueError("the kit reads no fixer.toml: pass its options as keyword arguments")
    return Tree(MemorySource(file_bytes(files), modes))


def read_folder(root: Path) -> dict[str, bytes]:
    """A folder's files as fixer lists them, for comparing a run in memory with one on disk."""
    source = FolderSource(root)
    return {path: source.read_bytes(path) for path in source.paths()}


def folder_modes(root: Path) -> dict[str, int]:
    """The permission bits of a folder's files (a deleted file's diff header shows them)."""
    source = FolderSource(root)
    return {path: source.mode(path) for path in source.paths()}


# -- rules and options -------------------------------------------------------------------------

@cache
def catalogue() -> tuple[Rule, ...]:
    return tuple(discover())


def _code_list(codes: Codes) -> list[str] | None:
    if codes is None:
        return None
    return [codes] if isinstance(codes, str) else list(codes)


def rules(select: Codes = None, ignore: Codes = None) -> list[Rule]:
    """The rules `--select`/`--ignore` would run; no select: the rules on by default."""
    wanted, unwanted = _code_list(select), _code_list(ignore)
    every = list(catalogue())
    unknown = unknown_codes(every, (wanted or []) + (unwanted or []))
    if unknown:
        raise ValueError(f"unknown rule code: {', '.join(unknown)}")
    return choose(every, wanted, unwanted)


def config(unsafe: bool = False, chosen: Sequence[Rule] | None = None, **options: Any) -> Config:
    """The options as keywords; with `chosen`, the rules the run runs, as `fixer` tells the
    rules (a fix asks before it makes another rule's change)."""
    if chosen is not None:
        options.setdefault("rules_run", tuple(rule.code for rule in chosen))
    return Config(unsafe_fixes=unsafe, **options)


def _no_errors(errors: Sequence[InputError], allow: bool) -> None:
    if errors and not allow:
        raise KitError("the run had errors:\n" + "\n".join(str(e) for e in errors))


# -- check -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CheckOutcome:
    findings: list[Finding]
    errors: list[InputError]       # input errors and rule crashes
    suppressed: list[Finding]      # by `# fixer: ignore[...]` comments
    workspace: Workspace


def run_check(files: Files, select: Codes = None, ignore: Codes = None,
              **options: Any) -> CheckOutcome:
    """`fixer check` on the files, everything it produced."""
    chosen = rules(select, ignore)
    ws = Workspace.load(tree(files), config(chosen=chosen, **options))
    result = engine.check(ws, chosen)
    return CheckOutcome(result.findings, result.errors, result.suppressed, ws)


def check(files: Files, select: Codes = None, ignore: Codes = None,
          allow_errors: bool = False, **options: Any) -> list[Finding]:
    """The findings of `fixer check --select SELECT` on the files, in report order."""
    outcome = run_check(files, select, ignore, **options)
    _no_errors(outcome.errors, allow_errors)
    return outcome.findings


# -- fix ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FixOutcome:
    files: dict[str, str | None]    # changed files: path -> new text, None when deleted
    applied: list[Finding]          # the findings whose fixes were kept, in the order applied
    failed: list[tuple[Finding, str]]   # fixes that failed verification, with the reason
    remaining: list[Finding]        # what a check of the fixed tree reports
    diff: str                       # the dry-run diff, as `fixer fix` prints it
    errors: list[InputError]
    problems: list[str]             # "did not converge"
    tree: dict[str, bytes] = field(repr=False)   # the whole repository after the fixes
    result: engine.FixResult = field(repr=False)

    @property
    def clean(self) -> bool:
        """No failed fix, no error, converged: nothing that makes `fixer fix` exit 2."""
        return not (self.errors or self.failed or self.problems)

    def text(self, path: str) -> str:
        """A file of the repository after the fixes, changed or not."""
        return decode(path, self.tree[path]).text


def fix(files: Files, select: Codes = None, ignore: Codes = None, unsafe: bool = False,
        allow_errors: bool = False, modes: Mapping[str, int] | None = None,
        **options: Any) -> FixOutcome:
    """`fixer fix --select SELECT [--unsafe-fixes]` on the files, as a dry run."""
    base = file_bytes(files)
    chosen = rules(select, ignore)
    result = engine.fix(tree(base, modes), chosen, config(unsafe, chosen, **options))
    _no_errors(result.errors, allow_errors)
    changes = result.tree.changes()
    return FixOutcome(
        files={path: None if new is None else new.text for path, (_, new) in changes.items()},
        applied=[a.finding for a in result.applied],
        failed=[(f.finding, f.reason) for f in result.failed],
        remaining=list(result.remaining), diff=diff_output.render(changes, result.tree.mode),
        errors=list(result.errors), problems=list(result.problems),
        tree=_after(base, changes), result=result)


def _after(base: dict[str, bytes],
           changes: Mapping[str, tuple[TextFile | None, TextFile | None]]) -> dict[str, bytes]:
    after = dict(base)
    for path, (_, new) in changes.items():
        if new is None:
            after.pop(path, None)
        else:
            after[path] = new.encode()
    return after


# -- reading findings --------------------------------------------------------------------------

def codes(findings: Iterable[Finding]) -> list[str]:
    return [f.code for f in findings]


def lines(findings: Iterable[Finding]) -> list[str]:
    """`path:line: CODE safety message`, as golden cases write expected.findings."""
    return [f"{f.path}:{f.line}: {f.code} {f.safety.value} {f.message}" for f in findings]


# -- an app service ----------------------------------------------------------------------------

PYTHON_PROBE = ('["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen('
                "'http://localhost:{port}{path}', timeout=3)\"]")
PROBES = {
    "python": PYTHON_PROBE,
    "curl": '["CMD", "curl", "-f", "http://localhost:{port}{path}"]',
    "wget": '["CMD", "wget", "-q", "-O", "-", "http://localhost:{port}{path}"]',
}


def app_service(name: str = "api", port: int = 8000, compose_port: str | None = "8000:8000",
                routes: Sequence[str] = ("/health",), cmd_form: str = "exec",
                healthcheck: str | None = "python", requirements: str = "fastapi\nuvicorn\n",
                environment: Mapping[str, str] | None = None, extra_services: str = "",
                base: str = "python:3.12-slim") -> dict[str, str]:
    """A FastAPI app service that every default rule accepts, and its compose file.

    `port` is where uvicorn listens (and the Dockerfile's EXPOSE); `compose_port` the `ports`
    entry (None: no ports); `routes` the GET routes of the app; `cmd_form` "exec" or "shell";
    `healthcheck` the probe the compose healthcheck runs ("python", "curl", "wget", or None
    for none) on the first route; `extra_services` YAML added under `services:` (written at
    the left margin). Variations beyond these are dict updates of the result."""
    return {
        "compose.yaml": _compose(name, port, compose_port, routes, healthcheck, environment,
                                 extra_services),
        f"{name}/Dockerfile": _dockerfile(port, cmd_form, base),
        f"{name}/requirements.txt": requirements,
        f"{name}/app/__init__.py": "",
        f"{name}/app/main.py": _main(routes),
    }


def _compose(name: str, port: int, compose_port: str | None, routes: Sequence[str],
             healthcheck: str | None, environment: Mapping[str, str] | None,
             extra_services: str) -> str:
    text = f"services:\n  {name}:\n    build: ./{name}\n"
    if compose_port is not None:
        text += f'    ports:\n      - "{compose_port}"\n'
    if environment:
        text += "    environment:\n" + "".join(f"      {k}: {v}\n" for k, v in environment.items())
    if healthcheck is not None:
        probe = PROBES[healthcheck].format(port=port, path=routes[0] if routes else "/health")
        text += (f"    healthcheck:\n      test: {probe}\n      interval: 10s\n"
                 "      timeout: 5s\n      retries: 3\n      start_period: 10s\n")
    return text + textwrap.indent(content(extra_services).decode(), "  ")


def _dockerfile(port: int, cmd_form: str, base: str) -> str:
    if cmd_form not in ("exec", "shell"):
        raise ValueError(f"cmd_form is exec or shell, not {cmd_form!r}")
    argv = ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", str(port)]
    cmd = " ".join(argv) if cmd_form == "shell" else "[" + ", ".join(f'"{a}"' for a in argv) + "]"
    return (f"FROM {base}\nWORKDIR /app\nCOPY requirements.txt .\n"
            "RUN pip install --no-cache-dir -r requirements.txt\n"
            f"COPY . .\nEXPOSE {port}\nCMD {cmd}\n")


def _main(routes: Sequence[str]) -> str:
    text = "from fastapi import FastAPI\n\napp = FastAPI()\n"
    for number, path in enumerate(routes):
        text += (f'\n\n@app.get("{path}")\ndef route_{number}() -> dict[str, str]:\n'
                 '    return {"status": "ok"}\n')
    return text


def calls(monkeypatch: Any, module: object, *names: str) -> list[tuple[str, Any]]:
    """The module's functions (or classes) `names` replaced, for the test, by ones that note
    each call as (name, what it returned), in order: the renderers a rule's fix builds its
    edits with, watched to show that `check` leaves them alone."""
    noted: list[tuple[str, Any]] = []

    def spy(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def noting(*args: Any, **kwargs: Any) -> Any:
            slot = len(noted)   # in the order the calls start: an outer renderer first
            noted.append((name, None))
            noted[slot] = (name, function(*args, **kwargs))
            return noted[slot][1]
        return noting

    for name in names:
        monkeypatch.setattr(module, name, spy(name, getattr(module, name)))
    return noted
