"""What a Dockerfile stage's image holds: its base-image family, the tools it ships,
and the tools the stage (or a stage it is built FROM) installs.

Families are told apart by the image name and tag, as their maintainers publish them:
- Debian/Ubuntu slim (`python:3.x-slim`, `-slim-bookworm`, `debian:*`, `ubuntu:*`):
  apt, neither curl nor wget;
- Alpine (`python:3.x-alpine`, `alpine:*`): apk, busybox `wget` but no curl;
- full `python:3.x` / `python:3.x-bookworm` (built on buildpack-deps): curl and wget;
- distroless and `scratch`: no shell and no package manager.
Anything else is unknown, and rules judge nothing about it.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from fixer.image.installs import PackageInstall, installs
from fixer.sources.dockerfile import Dockerfile, Stage

HEALTH_TOOLS = ("curl", "wget")
_DEBIAN_RELEASES = ("bookworm", "bullseye", "buster", "trixie", "stretch")
# Images built on the official python ones (same tags, same variants).
_PYTHON_LIKE = ("python", "tiangolo/uvicorn-gunicorn-fastapi", "tiangolo/uvicorn-gunicorn")


@dataclass(frozen=True)
class Family:
    name: str                     # "debian", "alpine", "python", "distroless", "unknown"
    label: str                    # for messages: "Debian slim"
    manager: str | None           # "apt" or "apk": how to install a tool
    tools: frozenset[str]         # the health tools the base image ships
    python: str | None = None     # the image's Python command, when it has one

    @property
    def known(self) -> bool:
        return self.name != "unknown"


DEBIAN = Family("debian", "Debian/Ubuntu", "apt", frozenset())
ALPINE = Family("alpine", "Alpine", "apk", frozenset({"wget"}))
FULL_PYTHON = Family("python", "full Debian", "apt", frozenset(HEALTH_TOOLS), "python")
DISTROLESS = Family("distroless", "distroless", None, frozenset())
UNKNOWN = Family("unknown", "unknown", None, frozenset())


def classify(image: str) -> Family:
    """The family of an image reference such as `docker.io/library/python:3.11-slim@sha256:..`."""
    name, tag = _split(image.strip().lower())
    if name == "scratch" or "distroless" in name or name.startswith("cgr.dev/chainguard/"):
        return DISTROLESS if not tag.endswith("-dev") else UNKNOWN
    variant = tag.split("-", 1)[1] if "-" in tag else ""
    is_python = name in _PYTHON_LIKE
    if "alpine" in tag or name == "alpine":
        return _with_python(ALPINE, is_python)
    if "slim" in tag:
        return _with_python(DEBIAN, is_python)
    if name in ("debian", "ubuntu"):
        return DEBIAN
    if name == "buildpack-deps":
        return Family("debian", "buildpack-deps", "apt", frozenset(HEALTH_TOOLS))
    if is_python and "$" not in tag and \
            (variant == "" or variant in _DEBIAN_RELEASES or tag in _DEBIAN_RELEASES):
        return FULL_PYTHON
    return UNKNOWN


def _with_python(family: Family, is_python: bool) -> Family:
    if not is_python:
        return family
    return Family(family.name, family.label, family.manager, family.tools, "python")


def _split(image: str) -> tuple[str, str]:
    image = image.split("@", 1)[0]
    slash = image.rfind("/")
    colon = image.rfind(":")
    name, tag = (image[:colon], image[colon + 1:]) if colon > slash else (image, "latest")
    for prefix in ("docker.io/", "index.docker.io/", "registry-1.docker.io/"):
        if name.startswith(prefix):
            name = name[len(prefix):]
    if name.startswith("library/"):
        name = name[len("library/"):]
    return name, tag


def meta_args(dockerfile: Dockerfile) -> dict[str, str]:
    """`ARG NAME=value` defaults declared before the first FROM (they may name the base)."""
    text = dockerfile.file.text
    first = dockerfile.stages[0].instructions[0].start if dockerfile.stages else len(text)
    pattern = re.compile(r"^[ \t]*ARG[ \t]+(\w+)=[\"']?([^\s\"']*)", re.I | re.M)
    return {m.group(1): m.group(2) for m in pattern.finditer(text, 0, first)}


def resolve_image(image: str, args: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(3)
        default = match.group(2) or ""
        return args.get(name) or default
    return re.sub(r"\$\{(\w+)(?::?-([^}]*))?\}|\$(\w+)", value, image)


def chain(dockerfile: Dockerfile, stage: Stage) -> list[Stage]:
    """The stage, then the stage it is built FROM, and so on (a `FROM builder` chain)."""
    by_name = {s.name.lower(): s for s in dockerfile.stages if s.name}
    out = [stage]
    while out[-1].base.lower() in by_name:
        parent = by_name[out[-1].base.lower()]
        if parent in out or parent.index >= out[-1].index:
            break
        out.append(parent)
    return out


def base_image(dockerfile: Dockerfile, stage: Stage) -> str:
    """The external image at the root of the stage's chain, ARG defaults substituted."""
    return resolve_image(chain(dockerfile, stage)[-1].base, meta_args(dockerfile))


def family_of(dockerfile: Dockerfile, stage: Stage) -> Family:
    return classify(base_image(dockerfile, stage))


def tools_present(dockerfile: Dockerfile, stage: Stage) -> set[str]:
    """Health tools the stage's image has: from its base, its installs, or copied binaries."""
    present = set(family_of(dockerfile, stage).tools)
    for link in chain(dockerfile, stage):
        for install in installs(dockerfile, link):
            present.update(t for t in HEALTH_TOOLS if t in install.names())
        for instruction in link.find("COPY") + link.find("ADD"):
            words = [posixpath.basename(w.rstrip("/")) for w in instruction.value]
            present.update(t for t in HEALTH_TOOLS if t in words)
    return present


def stage_installs(dockerfile: Dockerfile, stage: Stage, manager: str) -> list[PackageInstall]:
    """The stage's own `apt-get install` / `apk add` commands (not its parents')."""
    return [i for i in installs(dockerfile, stage) if i.manager == manager]
