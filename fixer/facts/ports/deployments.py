"""Container ports that deployment files other than Kubernetes manifests and Helm charts
write: an ECS task definition (`"containerPort": 8080` in JSON), Terraform or HCL
(`containerPort = 8080` in a `jsonencode`, `container_port = 8080` of a Cloud Run or load
balancer block), CloudFormation (`ContainerPort: 8080`).

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
        if not path.endswith(_SUFFIXES) or is_compose_name(path):
            continue
        file = ws.tree.peek(path)   # unreadable: no deployment file, and no error of fixer's
        if file is None or not re.search("container_?port", file.text, re.I) or \
                ("apiVersion" in file.text and "kind" in file.text):
            continue   # a Kubernetes manifest is read as one (`kubernetes.py`)
        lowered = file.text.lower()
        for match in _CONTAINER_PORT.finditer(file.text):
            yield DeploymentPort(path, file.text.count("\n", 0, match.start()) + 1,
                                 int(match.group(1)), lowered)
