"""Container ports that deployment files other than Kubernetes manifests and Helm charts
write: an ECS task definition (`"containerPort": 8080` in JSON), Terraform or HCL
(`containerPort = 8080` in a `jsonencode`, `container_port = 8080` of a Cloud Run or load
balancer block), CloudFormation (`ContainerPort: 8080`), an AWS Copilot manifest's
`port:`, and the port option of a deploy command in a script, Makefile or CI file
(`gcloud run deploy api --port 8000`, `az containerapp create --target-port 8000`).

Such a deployment sends the image's traffic to that port, and fixer edits none of them: a
fix that moves the port the app listens on (P001's app side) is unsafe where one about the
service writes the port it listens on now. Read as text, whatever the format: a file is
about the service when it names the service or its image as a word, or when the repository
builds no other app.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from fixer.core.derived import Memo
from fixer.model.stacks import is_compose_name
from fixer.model.workspace import Workspace

_SUFFIXES = (".json", ".tf", ".hcl", ".yml", ".yaml")
_CONTAINER_PORT = re.compile(r"""\bcontainer_?port["']?\s*[:=]\s*["']?(\d{1,5})\b""", re.I)
# a command that deploys the image with the port it sends traffic to: `gcloud run deploy
# api --port 8000` (a script, a Makefile, Cloud Build's `args`, a workflow's `flags`),
# `az containerapp create --target-port 8000`
_DEPLOY_COMMAND = re.compile(r"run\W+deploy|deploy-cloudrun|containerapp")
_PORT_OPTION = re.compile(r"""--(?:target-)?port(?:=|\s+|["']?\s*,\s*["']?)["']?(\d{2,5})\b""")
_SCRIPTS = (".sh", ".bash", ".mk", ".yml", ".yaml", ".json", ".ps1")
# an AWS Copilot service manifest (`copilot/api/manifest.yml`): `image: port: 8000`
_COPILOT_PORT = re.compile(r"^\s+port:\s*['\"]?(\d{2,5})\b", re.M)


@dataclass(frozen=True)
class DeploymentPort:
    path: str
    line: int
    port: int
    text: str   # the file's text, lowercased: what says which service it is about


_FOUND: Memo[list[DeploymentPort]] = Memo("container ports of deployment files")


def deployment_port(ws: Workspace, service: str, image: str | None, port: int,
                    only_app: Callable[[], bool]) -> DeploymentPort | None:
    """The first place a deployment file about `service` (or its `image`) writes `port`
    as a container port. `only_app()`: the repository builds no other app, so every
    deployment file is about this one."""
    found = [p for p in ws.derived.get(_FOUND, lambda: list(_read(ws))) if p.port == port]
    if not found:
        return None
    names = [service.lower()]
    if image:
        names.append(posixpath.basename(image.split("@")[0]).split(":")[0].lower())
    words = [re.compile(rf"(?<![\w-]){re.escape(n)}(?![\w])") for n in names if n]
    return next((p for p in found if any(w.search(p.text) for w in words)), None) or \
        (found[0] if only_app() else None)


def _read(ws: Workspace) -> Iterator[DeploymentPort]:
    for path in sorted(ws.tree.paths()):
        name = posixpath.basename(path)
        script = path.endswith(_SCRIPTS) or name in ("Makefile", "Justfile")
        if not (script or path.endswith(_SUFFIXES)) or is_compose_name(path):
            continue
        file = ws.tree.peek(path)   # unreadable: no deployment file, and no error of fixer's
        if file is None:
            continue
        for pattern in _patterns(path, file.text, script):
            for match in pattern.finditer(file.text):
                yield DeploymentPort(path, file.text.count("\n", 0, match.start()) + 1,
                                     int(match.group(1)), file.text.lower())


def _patterns(path: str, text: str, script: bool) -> Iterator[re.Pattern[str]]:
    """What writes a container port in this file."""
    if path.endswith(_SUFFIXES) and re.search("container_?port", text, re.I) and \
            not ("apiVersion" in text and "kind" in text):
        yield _CONTAINER_PORT   # a Kubernetes manifest is read as one (`kubernetes.py`)
    if script and _DEPLOY_COMMAND.search(text):
        yield _PORT_OPTION
    if "copilot/" in f"/{path}" and posixpath.basename(path) == "manifest.yml":
        yield _COPILOT_PORT
