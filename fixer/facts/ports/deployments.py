"""Container ports that deployment files other than Kubernetes manifests and Helm charts
write: an ECS task definition (`"containerPort": 8080` in JSON), Terraform or HCL
(`containerPort = 8080` in a `jsonencode`, `container_port = 8080` of a Cloud Run or load
balancer block), CloudFormation (`ContainerPort: 8080`), an AWS Copilot manifest's
`port:`, and the port option of a deploy command in a script, Makefile or CI file
(`gcloud run deploy api --port 8000`, and 8080, Cloud Run's default, where it has none;
`az containerapp create --target-port 8000`), a Nomad job's `port "http" { to = 8080 }`
(or `static = 8080` with no `to`) and a Render blueprint's `PORT` (`render.yaml`).

Such a deployment sends the image's traffic to that port, and fixer edits none of them: a
fix that moves the port the app listens on (P001's app side) is unsafe where one about the
service writes the port it listens on now. Read as text, whatever the format: a file is
about the service when it names the service or its image as a word (the compose `image:`,
or a name CI or a script builds its context with: `facts/image/builttags.py`), or when the
repository builds no other app. A Terraform variable is read from the module's `.tfvars`,
else its `default`, a `local` from its `locals` block, and one fixer cannot read counts
as the port.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from fixer.core import tree_index
from fixer.core.derived import Memo
from fixer.core.lazyre import lazy_compile
from fixer.model.stacks import is_compose_name
from fixer.model.workspace import Workspace

_SUFFIXES = (".json", ".tf", ".hcl", ".nomad", ".yml", ".yaml")
# `containerPort: 8080` (ECS, Terraform, CloudFormation), an Azure deploy action's
# `targetPort: 8000`, Terraform's `container_port = var.api_port`
_CONTAINER_PORT = lazy_compile(r"""\b(?:container|target)_?port["']?\s*[:=]\s*["']?"""
                               r"""(\d{1,5}|\$\{\{?[^}]*\}\}?|(?:var|local)\.\w+)""", re.I)
# a Nomad job's `port "http" { to = 8080 }`: the container port the task's traffic goes to
_NOMAD_PORT = lazy_compile(r"""\bport\s+"[^"]*"\s*\{(?:[^}]*?\bto\s*=\s*(\d{2,5})|"""
                           r"""[^}]*?\bstatic\s*=\s*(\d{2,5})(?![^}]*\bto\s*=))""")
# a Render service that runs no image: its `runtime:` (or older `env:`) is a language's
_NATIVE = lazy_compile(r"^[ \t]*(?:-[ \t]+)?(?:runtime|env):[ \t]*['\"]?(?!docker|image)\w",
                       re.M)
# a Render blueprint's `envVars: - key: PORT  value: 8080`: the port Render sends traffic to
_RENDER_PORT = lazy_compile(r"""\bkey:\s*["']?PORT["']?\s*\n\s*value:\s*["']?(\d{2,5})""")
# a command that deploys the image with the port it sends traffic to: `gcloud run deploy
# api --port 8000` (a script, a Makefile, Cloud Build's `args`, a workflow's `flags`),
# `az containerapp create --target-port 8000`
_DEPLOY_COMMAND = lazy_compile(r"run\W+deploy|deploy-cloudrun|containerapp")
_CLOUD_RUN = lazy_compile(r"\bgcloud[ \t]+(?:beta[ \t]+)?run[ \t]+deploy\b|deploy-cloudrun")
_PORT_OPTION = lazy_compile(r"""--(?:target-)?port(?:=|\s+|["']?\s*,\s*["']?)["']?"""
                            r"""(\d{2,5}|\$\{\{?[^}]*\}\}?|\$\([^)]*\)|\$\w+)""")
# a variable as the file writes it: `${_PORT}` (Cloud Build), `$(PORT)` (make), `$PORT`
_VARIABLE = lazy_compile(r"\$\{\{?\s*([\w.]+)[^}]*\}\}?|\$\(([\w.]+)\)|\$(\w+)")
_SCRIPTS = (".sh", ".bash", ".mk", ".yml", ".yaml", ".json", ".ps1")
# an AWS Copilot service manifest (`copilot/api/manifest.yml`): `image: port: 8000`
_COPILOT_PORT = lazy_compile(r"^\s+port:\s*['\"]?(\d{2,5})\b", re.M)


@dataclass(frozen=True)
class DeploymentPort:
    path: str
    line: int
    port: int | None   # None: a variable fixer cannot read (`${{ vars.API_PORT }}`)
    text: str          # what says which service it is about, lowercased: the deploy
    # command's own lines, or the whole file


_FOUND: Memo[list[DeploymentPort]] = Memo("container ports of deployment files")


def deployment_port(ws: Workspace, service: str, images: Iterable[str], port: int,
                    only_app: Callable[[], bool],
                    others: Callable[[], Iterable[str]] = lambda: ()) -> \
        DeploymentPort | None:
    """The first place a deployment file about `service` (or one of its `images`, as
    `image_path` writes them: `orders/api` is not found in `billing/api`) writes `port`, or a
    variable fixer cannot read, as a container port. `only_app()`: the repository builds no
    other app, so every deployment file is about this one, but for a place that names one of
    `others` (another built service's name, folder or image: a frontend's deploy step)."""
    return next((p for p in deployment_ports(ws, service, images, only_app, others)
                 if p.port in (port, None)), None)


def deployment_ports(ws: Workspace, service: str, images: Iterable[str],
                     only_app: Callable[[], bool],
                     others: Callable[[], Iterable[str]] = lambda: ()) -> list[DeploymentPort]:
    """Every container port a deployment file about `service` writes: those naming it or one
    of its `images` first, then, when `only_app()`, every other one that names none of
    `others`."""
    found = ws.derived.get(_FOUND, lambda: list(_read(ws)))
    if not found:
        return []
    about = [p for p in found if _names(p.text, [service.lower(), *images])]
    if not only_app():
        return about
    foreign = [o.lower() for o in others()]   # asked only here: a pass over every service
    return about + [p for p in found if p not in about and not _names(p.text, foreign)]


def _names(text: str, names: Iterable[str]) -> bool:
    """Whether the text names one of them as a word (`orders/api` is no `billing/api`)."""
    return any(re.search(rf"(?<![\w-]){re.escape(n)}(?![\w])", text) for n in names if n)


def _read(ws: Workspace) -> Iterator[DeploymentPort]:
    for path in sorted(ws.tree.paths()):
        name = posixpath.basename(path)
        script = path.endswith(_SCRIPTS) or name in ("Makefile", "Justfile")
        if not (script or path.endswith(_SUFFIXES)) or is_compose_name(path):
            continue
        file = ws.tree.peek(path)   # unreadable: no deployment file, and no error of fixer's
        if file is None:
            continue
        text = file.text
        for pattern in _patterns(path, text, script):
            for match in pattern.finditer(text):
                if _commented(text, match.start()):
                    continue   # a comment: `# gcloud run deploy api --port 8000`
                about = _command(path, text, match.start()) if pattern is _PORT_OPTION \
                    else _list_item(text, match.start()) if pattern is _RENDER_PORT \
                    else _top_block(text, match.start()) if path.endswith((".tf", ".hcl")) \
                    else text
                if about is None or pattern is _RENDER_PORT and _NATIVE.search(about):
                    continue   # another command's option (`gcloud run services proxy --port`),
                    # or a Render service built without an image (`runtime: node`)
                written = match.group(match.lastindex or 1)
                port = _terraform(ws, path, written) if written.startswith(("var.", "local.")) \
                    else _port(text, written)
                yield DeploymentPort(path, text.count("\n", 0, match.start()) + 1, port,
                                     about.lower())
        if script:
            yield from _cloud_run_defaults(path, text)


def _cloud_run_defaults(path: str, text: str) -> Iterator[DeploymentPort]:
    """A Cloud Run deploy with no port option of its own (`gcloud run deploy api --image
    ...`, a `deploy-cloudrun` step without `--port` in its flags) sends traffic to 8080,
    Cloud Run's default."""
    owned = {at for m in _PORT_OPTION.finditer(text)
             if not _commented(text, m.start()) and (at := _owner(text, m.start())) is not None}
    for deploy in _CLOUD_RUN.finditer(text):
        start = text.rfind("\n", 0, deploy.start()) + 1
        # the deploy word `_owner` finds (`run deploy`) sits inside this match (`gcloud run
        # deploy`): a port option of its own
        if any(deploy.start() <= at < deploy.end() for at in owned) or \
                "#" in text[start:deploy.start()]:
            continue
        about = _list_item(text, deploy.start()) if path.endswith((".yml", ".yaml")) else \
            _continued(text, start)
        yield DeploymentPort(path, text.count("\n", 0, deploy.start()) + 1, 8080, about.lower())


def _commented(text: str, at: int) -> bool:
    """`at` is in a comment of its line (`# gcloud run deploy ... --port 8000`, or after
    ` # ` at its end)."""
    before = text[text.rfind("\n", 0, at) + 1:at]
    return before.lstrip().startswith("#") or re.search(r"\s#", before) is not None


def _owner(text: str, at: int) -> int | None:
    """Where the deploy command a port option belongs to starts (see `_command`)."""
    deploys = list(_DEPLOY_COMMAND.finditer(text, 0, at))
    return deploys[-1].start() if deploys else None


def _continued(text: str, start: int) -> str:
    """A script's command line from `start`, with the lines a trailing `\\` continues."""
    end = start
    while True:
        stop = text.find("\n", end)
        if stop < 0:
            return text[start:]
        if not text[end:stop].rstrip().endswith("\\"):
            return text[start:stop]
        end = stop + 1


def _terraform(ws: Workspace, path: str, written: str) -> int | None:
    """The number a Terraform module gives `var.NAME` (what its `.tfvars` files set, else
    the variable's `default`) or `local.NAME` (in a `locals` block); None when fixer cannot
    tell, or the files disagree."""
    kind, name = written.split(".", 1)
    folder = posixpath.dirname(path)
    texts = {p: f.text for p in sorted(tree_index.files_in(ws.tree, folder))
             if p.endswith((".tf", ".tfvars")) and (f := ws.tree.peek(p)) is not None}
    assigned = re.compile(rf"^[ \t]*{re.escape(name)}[ \t]*=[ \t]*\"?(\d{{2,5}})\b", re.M)
    if kind == "local":
        found = {v for p, t in texts.items() if p.endswith(".tf")
                 for block in _blocks(t, "locals") for v in assigned.findall(block)}
    else:
        found = {v for p, t in texts.items() if p.endswith(".tfvars")
                 for v in assigned.findall(t)}
        if not found:   # no `.tfvars` sets it: the variable's default
            found = {v for p, t in texts.items() if p.endswith(".tf")
                     for block in _blocks(t, f'variable "{name}"')
                     for v in re.findall(r"\bdefault\s*=\s*\"?(\d{2,5})\b", block)}
    return int(found.pop()) if len(found) == 1 else None


def _blocks(text: str, head: str) -> Iterator[str]:
    """The bodies of the HCL blocks that open with `head {` (braces counted)."""
    for match in re.finditer(rf"^[ \t]*{re.escape(head)}[ \t]*\{{", text, re.M):
        depth, at = 1, match.end()
        while depth and at < len(text):
            depth += {"{": 1, "}": -1}.get(text[at], 0)
            at += 1
        yield text[match.end():at - 1]


def _top_block(text: str, at: int) -> str:
    """The top-level HCL block that holds `at` (`resource "aws_ecs_task_definition" "orders"
    { ... }`, from its first line to its closing brace at the line start): what names the
    service a port is written for, not another resource of the same file. The whole text
    where no block holds it, or `locals` and variables hold what names it."""
    starts = [m.start() for m in re.finditer(r"^[A-Za-z_]", text[:at], re.M)]
    if not starts:
        return text
    end = re.compile(r"^\}", re.M).search(text, at)
    block = text[starts[-1]:end.end() if end is not None else len(text)]
    return block if re.match(r"(?:resource|module|service|job)\b", block) else text


def _list_item(text: str, at: int) -> str:
    """The entry of a top-level YAML list (a Render blueprint's `services:`) that holds
    `at`: from the nearest `- ` line less indented than the lines before `at` to the next
    one as indented; what names the service (`name: api`, `dockerContext: ./api`)."""
    items = list(re.finditer(r"^([ \t]*)-[ \t]", text, re.M))
    starts = [m for m in items if m.start() <= at]
    if not starts:
        return text
    depth = min(len(m.group(1)) for m in items)
    first = next((m for m in reversed(starts) if len(m.group(1)) == depth), starts[0])
    after = next((m.start() for m in items if m.start() > at and len(m.group(1)) == depth),
                 len(text))
    return text[first.start():after]


def _command(path: str, text: str, at: int) -> str | None:
    """The deploy command a port option belongs to: from the line of the last deploy word
    before it to the option's line (`gcloud run deploy orders \\` ... `--port 8000`, or a
    YAML list of arguments); None when the option is another command's (no deploy word
    before it, or, in a script, a line between them that ends the command)."""
    deploys = list(_DEPLOY_COMMAND.finditer(text, 0, at))
    if not deploys:
        return None
    start = deploys[-1].start()   # not the line's: `deploy users … && deploy orders --port`
    end = text.find("\n", at)
    lines = text[start:end if end >= 0 else len(text)].splitlines()
    if not path.endswith((".yml", ".yaml", ".json")) and \
            any(not line.rstrip().endswith("\\") for line in lines[:-1]):
        return None
    return _VARIABLE.sub(lambda m: _value(text, next(g for g in m.groups() if g)) or m.group(),
                         "\n".join(lines))   # `${_SERVICE}` names the service it deploys


def _port(text: str, written: str) -> int | None:
    """A port as written, or the value the file gives its variable (`_PORT: "8000"`, a
    Cloud Build substitution, for `${_PORT}`; `PORT ?= 8000` in a Makefile for
    `$(PORT)`); None for a variable fixer cannot read."""
    if written.isdigit():
        return int(written)
    found = _VARIABLE.match(written)
    value = _value(text, next(g for g in found.groups() if g)) if found is not None else None
    return int(value) if value is not None and value.isdigit() else None


def _value(text: str, name: str) -> str | None:
    """What the file sets `name` to: `NAME: value` (YAML, Cloud Build substitutions),
    `NAME ?= value`, `NAME := value` or `NAME=value` (make, shell)."""
    given = re.search(rf"""^\s*(?:export\s+)?{re.escape(name)}\s*(?::|[?:+]?=)\s*["']?"""
                      r"""([\w.-]+)""", text, re.M)
    return given.group(1) if given is not None else None


def _patterns(path: str, text: str, script: bool) -> Iterator[re.Pattern[str]]:
    """What writes a container port in this file."""
    if path.endswith(_SUFFIXES) and re.search("(?:container|target)_?port", text, re.I) and \
            not ("apiVersion" in text and "kind" in text):
        yield _CONTAINER_PORT   # a Kubernetes manifest is read as one (`kubernetes.py`)
    if script and _DEPLOY_COMMAND.search(text):
        yield _PORT_OPTION
    if "copilot/" in f"/{path}" and posixpath.basename(path) == "manifest.yml":
        yield _COPILOT_PORT
    if path.endswith((".nomad", ".hcl")) and "port" in text:
        yield _NOMAD_PORT
    if posixpath.basename(path) in ("render.yaml", "render.yml"):
        yield _RENDER_PORT
