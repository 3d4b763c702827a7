"""The port an app service listens on (RULES.md, "Listen port"), and where it is written.

First match wins: compose `command:`, the final stage's CMD then ENTRYPOINT,
`uvicorn.run(port=N)` in the script the command runs, then the server's default.
"""

from __future__ import annotations

import ast
import posixpath
import re
import shlex
from dataclasses import dataclass

from fixer.commands import DEFAULT_PORT, Launch, find_launch, resolve_token
from fixer.sources.compose import ComposeDoc, Value
from fixer.sources.dockerfile import Dockerfile, Instruction, Stage
from fixer.tree import Tree


@dataclass(frozen=True)
class Site:
    """Where a port number is written: the digits at text[start:end] of `path`."""

    path: str
    start: int
    end: int


@dataclass(frozen=True)
class Region:
    """The text a command was read from: a compose `command:` or a Dockerfile instruction."""

    path: str
    start: int
    end: int
    kind: str                       # "command", "CMD", "ENTRYPOINT", "script"
    instruction: Instruction | None = None


@dataclass(frozen=True)
class ListenPort:
    port: int | None
    origin: str
    sites: tuple[Site, ...] = ()
    launch: Launch | None = None
    region: Region | None = None
    reason: str = ""

    @property
    def known(self) -> bool:
        return self.port is not None


def resolve(tree: Tree, folder: str, dockerfile: Dockerfile, stage: Stage,
            command: tuple[ComposeDoc, Value, list[str]] | None,
            env: dict[str, str], env_sites: dict[str, Site]) -> ListenPort:
    env = {**_stage_env(dockerfile, stage)[0], **env}
    sites_by_var = {**_stage_env(dockerfile, stage)[1], **env_sites}
    for region, launch in _launches(dockerfile, stage, command):
        if launch.runs_script:
            return _from_script(tree, folder, launch, region)
        if launch.port_token is None:
            return ListenPort(DEFAULT_PORT, f"{launch.server} default", (), launch, region)
        port, var = resolve_token(launch.port_token, env)
        if port is None:
            return ListenPort(None, region.kind, (), launch, region,
                              f"port `{launch.port_token}` cannot be resolved")
        if var is not None and var in sites_by_var and _env_wins(var, launch.port_token, env):
            return ListenPort(port, f"{var} in {region.kind}", (sites_by_var[var],), launch, region)
        sites = tuple(_digits(tree.read(region.path).text, region, str(port)))
        return ListenPort(port, region.kind, sites, launch, region)
    return ListenPort(None, "none", reason="no uvicorn, gunicorn, fastapi or hypercorn command found")


def _env_wins(var: str, token: str, env: dict[str, str]) -> bool:
    return env.get(var, "") != ""


def _launches(dockerfile: Dockerfile, stage: Stage,
              command: tuple[ComposeDoc, Value, list[str]] | None) -> list[tuple[Region, Launch]]:
    found: list[tuple[Region, Launch]] = []
    if command is not None:
        doc, value, argv = command
        region = Region(doc.path, value.node.start_mark.index, value.node.end_mark.index, "command")
        words = argv
        if len(argv) == 1:
            try:
                words = shlex.split(argv[0])
            except ValueError:
                words = argv[0].split()
        launch = find_launch(words)
        return [(region, launch)] if launch else []
    for kind in ("CMD", "ENTRYPOINT"):
        instruction = stage.last(kind)
        if instruction is None:
            continue
        launch = find_launch(list(instruction.value), shell_form=not instruction.json)
        if launch is not None:
            found.append((Region(dockerfile.path, instruction.start, instruction.end, kind,
                                 instruction), launch))
    return found


def _stage_env(dockerfile: Dockerfile, stage: Stage) -> tuple[dict[str, str], dict[str, Site]]:
    """ENV and ARG defaults of the final stage, and where each value is written."""
    values: dict[str, str] = {}
    sites: dict[str, Site] = {}
    for instruction in stage.instructions:
        if instruction.cmd not in ("ENV", "ARG"):
            continue
        pairs = _pairs(instruction)
        for name, value in pairs:
            values[name] = value
            if value.isdigit():
                text = dockerfile.file.text
                pattern = re.compile(rf"\b{re.escape(name)}(?:=|\s+)[\"']?({value})\b")
                match = pattern.search(text, instruction.start, instruction.end)
                if match:
                    sites[name] = Site(dockerfile.path, match.start(1), match.end(1))
    return values, sites


def _pairs(instruction: Instruction) -> list[tuple[str, str]]:
    if instruction.cmd == "ARG":
        out = []
        for arg in instruction.value:
            name, sep, value = arg.partition("=")
            if sep:
                out.append((name, value))
        return out
    values = instruction.value
    return [(values[i], values[i + 1]) for i in range(0, len(values) - 1, 2)]


# A port as written after a flag: `--port 8000`, `--port=8000`, `"--port", "8000"`,
# `-b 0.0.0.0:8000`, and `${VAR:-8000}` defaults.
_FLAG_DIGITS = (
    r"(?:--port|-p)(?:\s*=\s*|\s+|\"\s*,\s*\"|'\s*,\s*')(?:\$\{{\w+:?-)?({port})\b",
    r"(?:--bind|-b)(?:\s*=\s*|\s+|\"\s*,\s*\"|'\s*,\s*')[^\s\"',]*?:({port})\b",
    r"\$\{{\w+:?-({port})\}}",
)


def _digits(text: str, region: Region, port: str) -> list[Site]:
    sites: list[Site] = []
    for pattern in _FLAG_DIGITS:
        for match in re.finditer(pattern.format(port=port), text[region.start:region.end]):
            start = region.start + match.start(1)
            site = Site(region.path, start, start + len(port))
            if site not in sites:
                sites.append(site)
    return sites


def _from_script(tree: Tree, folder: str, launch: Launch, region: Region) -> ListenPort:
    """`python main.py` / `python -m app.main`: read `uvicorn.run(..., port=N)` in that file."""
    target = launch.target or ""
    relative = target[3:].replace(".", "/") + ".py" if target.startswith("-m ") else target
    path = posixpath.normpath(posixpath.join(folder, relative))
    if not tree.exists(path):
        return ListenPort(None, "script", (), launch, region, f"{relative} not found")
    source = tree.read(path).text
    try:
        module = ast.parse(source)
    except SyntaxError as exc:
        return ListenPort(None, "script", (), launch, region, f"{path}: {exc.msg}")
    for node in ast.walk(module):
        if isinstance(node, ast.Call) and _is_uvicorn_run(node.func):
            for keyword in node.keywords:
                if keyword.arg == "port" and isinstance(keyword.value, ast.Constant) \
                        and isinstance(keyword.value.value, int):
                    start = _offset(source, keyword.value.lineno, keyword.value.col_offset)
                    end = _offset(source, keyword.value.end_lineno or keyword.value.lineno,
                                  keyword.value.end_col_offset or 0)
                    site = Site(path, start, end)
                    return ListenPort(keyword.value.value, f"uvicorn.run in {path}", (site,),
                                      launch, region)
            return ListenPort(DEFAULT_PORT, "uvicorn default", (), launch, region)
    return ListenPort(None, "script", (), launch, region, f"no uvicorn.run(...) in {path}")


def _is_uvicorn_run(func: ast.expr) -> bool:
    return isinstance(func, ast.Attribute) and func.attr == "run" and \
        isinstance(func.value, ast.Name) and func.value.id == "uvicorn"


def _offset(source: str, line: int, byte_column: int) -> int:
    """ast columns count UTF-8 bytes; convert to a character offset."""
    starts = [0] + [m.end() for m in re.finditer("\n", source)]
    line_text = source[starts[line - 1]:]
    return starts[line - 1] + len(line_text.encode("utf-8")[:byte_column].decode("utf-8", "ignore"))
