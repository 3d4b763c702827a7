"""Compose files a build script deploys as a Swarm stack (`docker stack deploy -c FILE`).

`docker stack deploy` reads a compose file through the version 3 schema, whatever the file
declares, and that schema takes `depends_on` only as a list of names: the long form
(`db: {condition: service_healthy}`) stops the deploy with "depends_on must be a list".
Swarm ignores `depends_on` anyway. So a fix that writes a list in the long form, or adds a
`depends_on` mapping, is no fix for such a file, however right it is for `docker compose up`.

A file is deployed so when a line of a build script (a Makefile, a shell script, a CI file)
runs `docker stack deploy` (or its alias `docker stack up`) and names it with `-c` or
`--compose-file`, resolved from the folder the command runs in. Where the command names its
file through a variable (`-c $(STACK_FILE)`), every compose file of the repository may be
the one; where fixer cannot tell the folder (a shell script that changed folder on an
earlier line), each compose file with the name it gives. A file the same script renders
first (`docker-compose -f docker-compose.yml config > docker-stack.yml`, then `docker stack
deploy -c docker-stack.yml`) stands for the compose files that `config` command loads: the
long form written there reaches the deploy.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from fixer.core.derived import Memo
from fixer.core.lazyre import lazy_compile
from fixer.facts.image.buildscripts import (
    ComposeCommand,
    is_build_script,
    line_start,
    placed_folder,
    rendered_by,
)
from fixer.model.stacks import is_compose_name
from fixer.model.workspace import Workspace

_STACK_DEPLOY = lazy_compile(r"\bdocker[ \t]+stack[ \t]+(?:deploy|up)\b")
# `-c stack.yml`, `--compose-file=stack.yml`, `-cstack.yml`: the files the command deploys
_COMPOSE_FILE = lazy_compile(
    r"""(?:^|\s)(?:-c|--compose-file)(?:=|[ \t]+)?["']?([^\s"';&|)]+)""")
# what ends the command on its line: `docker stack deploy -c a.yml app && echo done`
_COMMAND_END = lazy_compile(r"&&|\|\||[;|`\n]")


@dataclass(frozen=True)
class StackDeploy:
    """A `docker stack deploy` line of a build script and the compose files it deploys
    (None: any file of the repository may be the one, `-c $(STACK_FILE)`); `named` are the
    names it gives where fixer cannot tell the folder it runs in; `rendered` the `config`
    commands that wrote the files it names, whose own compose files it deploys."""

    script: str
    line: int
    command: str
    files: tuple[str, ...] | None
    named: tuple[str, ...] = ()
    rendered: tuple[ComposeCommand, ...] = ()

    def deploys(self, ws: Workspace, path: str) -> bool:
        if any(config.may_load(ws, path) for config in self.rendered):
            return True
        if self.files is None:
            return not self.named or posixpath.basename(path) in self.named
        return path in self.files


# per workspace: the repository's `docker stack deploy` commands
_DEPLOYS: Memo[list[StackDeploy]] = Memo("swarm stack deploys")


def swarm_deploy(ws: Workspace, path: str) -> StackDeploy | None:
    """The first `docker stack deploy` of the build scripts that may deploy the compose
    file at `path`, or None."""
    found = ws.derived.get(_DEPLOYS, lambda: _read(ws))
    return next((deploy for deploy in found if deploy.deploys(ws, path)), None)


def list_only(ws: Workspace, path: str) -> str | None:
    """Why the compose file at `path` keeps its `depends_on` lists short: the reason a fix
    that would write one in the long form gives, or None."""
    deploy = swarm_deploy(ws, path)
    if deploy is None:
        return None
    through = " through the file a `config` command renders from it" if any(
        config.may_load(ws, path) for config in deploy.rendered) else ""
    return (f"`{deploy.command}` ({deploy.script}:{deploy.line}) deploys {path}{through} as a "
            "Swarm stack, whose schema takes `depends_on` only as a list of names: the long "
            "form would stop that deploy (Swarm ignores `depends_on`)")


def _read(ws: Workspace) -> list[StackDeploy]:
    found: list[StackDeploy] = []
    for path in sorted(p for p in ws.tree.paths() if is_build_script(p)
                       and not is_compose_name(posixpath.basename(p))):
        file = ws.scan(path)
        if file is None or "stack" not in file.text:
            continue
        for match in _STACK_DEPLOY.finditer(file.text):
            deploy = _deploy(path, file.text, match)
            if deploy is not None:
                found.append(deploy)
    return found


def _deploy(path: str, text: str, match: re.Match[str]) -> StackDeploy | None:
    """The deploy `match` starts, placed; None in a comment."""
    first = line_start(text, match.start())
    line_before = text[first:match.start()].replace("\\\n", " ")
    if "#" in line_before:
        return None
    rest = re.sub(r"\\\r?\n", " ", text[match.end():])
    end = _COMMAND_END.search(rest)
    command = " ".join((match.group() + rest[:end.start() if end else len(rest)]).split())
    written = _COMPOSE_FILE.findall(command)
    line = text.count("\n", 0, match.start()) + 1
    if not written or any("$" in w or "`" in w for w in written):
        return StackDeploy(path, line, command, None)
    rendered = {w: config for w in written if (config := rendered_by(path, text, w))}
    written = [w for w in written if w not in rendered]
    if rendered and not written:
        return StackDeploy(path, line, command, (), rendered=tuple(rendered.values()))
    folder = placed_folder(path, text, first, line_before)
    if folder is None:
        return StackDeploy(path, line, command, None,
                           tuple(posixpath.basename(w) for w in written),
                           tuple(rendered.values()))
    files = tuple(posixpath.normpath(posixpath.join(folder, w)) for w in written)
    return StackDeploy(path, line, command, files, rendered=tuple(rendered.values()))
