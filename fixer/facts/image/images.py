"""What a Dockerfile stage's image holds: the tools its base image ships (the known images
below, also listed by `fixer explain D003`), and the tools the stage (or a stage it is built
FROM) installs.

Only the images of the table are judged, by name and tag as their maintainers publish
them: `python` full / slim / alpine, `nginx` alpine (the official image installs curl;
`-alpine-slim` does not), `node` full / slim / alpine, `alpine`, `debian`, `ubuntu`,
`gcr.io/distroless/*`, `cgr.dev/chainguard/python` (not its `-dev` tags), `scratch`,
uv's images derived from these, `nvidia/cuda` tags of Ubuntu (`-base`, `-runtime`,
`-devel`), `pytorch/pytorch` `-runtime` and `-devel` tags of PyTorch 2, and `rabbitmq`
from 3.7 on (Ubuntu or Alpine; management tags too). A registry
prefix (`docker.io/library/`, or a mirror of the official images:
`public.ecr.aws/docker/library/`, `mirror.gcr.io/library/`), a digest or a
`${VAR:-default}` tag resolves to the same entry; any other image, or a tag variant the table does not name
(`-windowsservercore`, `:debug`, `nvidia/cuda:12.1.1-runtime-ubi8`), is unknown, and
rules judge nothing about it. A Debian-based image whose release's package archive is gone
(`releases`) ships what the table says, but nothing more can be installed on it.
"""

from __future__ import annotations

import posixpath
import sys
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass

from fixer.core.derived import Memo
from fixer.core.lazyre import lazy_compile
from fixer.facts.image.installs import (
    PackageInstall,
    installs,
    removed,
    runs_a_script,
    runs_every_build,
    surely_removed,
)
from fixer.facts.image.releases import SUITES, Release, release
from fixer.model.services import Service
from fixer.sources.dockerfile import Dockerfile, Stage, chain
from fixer.sources.hubname import hub_name

HEALTH_TOOLS = ("curl", "wget")        # what a healthcheck runs, and D003 installs
TOOLS = (*HEALTH_TOOLS, "python")      # what the table judges
# Images built on the official python ones (same tags, same variants).
_PYTHON_LIKE = ("python", "tiangolo/uvicorn-gunicorn-fastapi", "tiangolo/uvicorn-gunicorn")
# Packages that put a Python on the PATH: `python3`, `python3.11`, and the packages that
# depend on one (Debian's `python3-pip`, `python3-venv`, `python3.11-dev`, `python-is-python3`;
# Alpine's `py3-pip`). A `-doc` package or a wheel bundle (`python3-pip-whl`) brings none.
_PYTHON_PACKAGE = lazy_compile(
    r"python3?|python-is-python3|python3(?:\.\d+)?(?:-[\w.+-]+)?|py3-[\w.+-]+")
_NO_PYTHON = lazy_compile(r".+-(?:doc|whl)")
_PYTHON_BINARY = lazy_compile(r"python(?:3(?:\.\d+)?)?")  # a copied interpreter


@dataclass(frozen=True)
class Family:
    name: str                     # the table's row: "python-slim", "nginx-alpine", ...
    label: str                    # for messages: "Debian/Ubuntu"
    manager: str | None           # "apt" or "apk": how to install a tool; None: no shell
    tools: frozenset[str]         # the tools of TOOLS the base image ships
    unjudged: frozenset[str] = frozenset()   # tools the table says nothing about
    python: str | None = None     # the image's Python command, when it has one

    @property
    def known(self) -> bool:
        return self.name != "unknown"

    def has(self, tool: str) -> bool | None:
        """Whether the base image ships `tool`; None when fixer does not know."""
        if tool in self.tools:
            return True
        return None if not self.known or tool in self.unjudged else False


def _family(name: str, label: str, manager: str | None, tools: str,
            unjudged: str = "", python: str | None = None) -> Family:
    return Family(name, label, manager, frozenset(tools.split()), frozenset(unjudged.split()),
                  python)


PYTHON_FULL = _family("python-full", "full Debian", "apt", "curl wget python", python="python")
PYTHON_SLIM = _family("python-slim", "Debian/Ubuntu", "apt", "python", python="python")
PYTHON_ALPINE = _family("python-alpine", "Alpine", "apk", "wget python", python="python")
NGINX_ALPINE = _family("nginx-alpine", "nginx Alpine", "apk", "curl wget")
NODE_FULL = _family("node-full", "full Debian", "apt", "curl wget", unjudged="python")
NODE_SLIM = _family("node-slim", "Debian/Ubuntu", "apt", "", unjudged="python")
NODE_ALPINE = _family("node-alpine", "Alpine", "apk", "wget", unjudged="python")
ALPINE = _family("alpine", "Alpine", "apk", "wget")
DEBIAN = _family("debian", "Debian/Ubuntu", "apt", "")
BUILDPACK = _family("buildpack-deps", "buildpack-deps", "apt", "curl wget", unjudged="python")
DISTROLESS = _family("distroless", "distroless", None, "")
DISTROLESS_PYTHON = _family("distroless", "distroless", None, "python", python="python3")
SCRATCH = _family("scratch", "scratch", None, "")
CHAINGUARD_PYTHON = _family("distroless", "Chainguard", None, "python", python="python")
# NVIDIA's CUDA images on Ubuntu: their Dockerfiles install curl to fetch the apt keyring
# and purge it in the same layer; no Python
CUDA_UBUNTU = _family("cuda-ubuntu", "CUDA Ubuntu", "apt", "")
# PyTorch's images: Ubuntu (with CUDA) and a conda Python in /opt/conda/bin on the PATH;
# their final stage installs no curl or wget
PYTORCH = _family("pytorch", "PyTorch Ubuntu", "apt", "python", python="python")
# RabbitMQ's official images from 3.7 on: Ubuntu, the wget that fetched RabbitMQ purged
# again; the Alpine ones keep busybox's wget. The management tags of some releases add a
# python3 for rabbitmqadmin, so Python is not judged.
RABBITMQ = _family("rabbitmq", "RabbitMQ Ubuntu", "apt", "", unjudged="python")
RABBITMQ_ALPINE = _family("rabbitmq-alpine", "RabbitMQ Alpine", "apk", "wget",
                          unjudged="python")
UNKNOWN = _family("unknown", "unknown", None, "")


# official images whose own CMD or ENTRYPOINT starts only a shell or an interpreter, never a
# server: a stage FROM one that sets no CMD starts nothing of its own
_IDLE_STARTS = frozenset({
    "python", "pypy", "debian", "ubuntu", "alpine", "busybox", "node", "buildpack-deps",
    "fedora", "rockylinux", "almalinux", "amazonlinux", "ghcr.io/astral-sh/uv",
    "gcr.io/distroless/python3", "gcr.io/distroless/python3-debian12",
    "cgr.dev/chainguard/python", "continuumio/miniconda3", "condaforge/miniforge3",
    "mcr.microsoft.com/devcontainers/python", "mcr.microsoft.com/vscode/devcontainers/python"})


def starts_idle(image: str) -> bool:
    """The image's own start runs no server (`python:3.12-slim`: python3; `debian`: bash);
    False for one fixer does not know (`tiangolo/uvicorn-gunicorn-fastapi` starts gunicorn
    on port 80)."""
    name, _tag = _split(image.strip().lower())
    return name in _IDLE_STARTS or name.startswith(("redhat/ubi", "registry.access.redhat.com/ubi"))


# images known to declare EXPOSE, and the ports: a stage built FROM one inherits them
_EXPOSES = {"tiangolo/uvicorn-gunicorn-fastapi": ("80",), "tiangolo/uvicorn-gunicorn": ("80",)}


def base_exposes(image: str) -> tuple[str, ...]:
    """The TCP ports the image's own EXPOSE declares, of the images fixer knows to have one
    (`tiangolo/uvicorn-gunicorn-fastapi`: 80); none for any other."""
    return _EXPOSES.get(_split(image.strip().lower())[0], ())


def interpreter_entrypoint(image: str) -> bool:
    """The image's own ENTRYPOINT may be the Python interpreter, which takes a CMD as its
    arguments: Chainguard's python images (the `-dev` tags with a shell too)."""
    name, _tag = _split(image.strip().lower())
    return name == "cgr.dev/chainguard/python"


def classify(image: str) -> Family:
    """The table's entry for an image reference such as
    `docker.io/library/python:3.11-slim@sha256:..`; UNKNOWN when it has none."""
    name, tag = _split(image.strip().lower())
    if "$" in name + tag or not name:
        return UNKNOWN
    if name.startswith("gcr.io/distroless/"):
        if "debug" in tag.split("-"):   # the debug tags add a busybox shell
            return UNKNOWN
        return DISTROLESS_PYTHON if name.split("/")[-1].startswith("python") else DISTROLESS
    if name == "scratch":
        return SCRATCH
    if name == "cgr.dev/chainguard/python":   # no shell, no package manager; `-dev` has both
        return UNKNOWN if "dev" in tag.split("-") else CHAINGUARD_PYTHON
    if name in ("alpine", "debian", "ubuntu"):
        return ALPINE if name == "alpine" else DEBIAN
    if name == "buildpack-deps":
        return BUILDPACK
    if name == "nvidia/cuda":
        return CUDA_UBUNTU if _CUDA_UBUNTU_TAG.fullmatch(tag) else UNKNOWN
    if name == "pytorch/pytorch":
        return PYTORCH if _PYTORCH_TAG.fullmatch(tag) else UNKNOWN
    if name in _UV_IMAGES:
        return _uv_image(tag)
    if name == "rabbitmq":
        return _rabbitmq(tag)
    return _by_variant(name, _variant(tag, ("perl", "otel") if name == "nginx" else ()))


# `12.1.1-runtime-ubuntu22.04`, `12.1.1-cudnn8-devel-ubuntu22.04`: not the `ubi`,
# `rockylinux` or `centos` flavours, which have no apt
_CUDA_UBUNTU_TAG = lazy_compile(r"\d+(?:\.\d+)*(?:-cudnn\d*)?-(?:base|runtime|devel)-ubuntu[\d.]+")
# `2.2.2-cuda12.1-cudnn8-runtime`; `latest` names no variant, and older releases' images
# were built from other Dockerfiles over the years
_PYTORCH_TAG = lazy_compile(r"2(?:\.\d+)*-cuda[\d.]+-cudnn\d+-(?:runtime|devel)")


# uv's images derived from others (docs.astral.sh/uv, "Using uv in Docker"): `python3.12-
# bookworm-slim` is `python:3.12-slim-bookworm` with uv added, `alpine` is `alpine`,
# `bookworm-slim` `debian:bookworm-slim`, `bookworm` `buildpack-deps:bookworm`; a version
# may lead the tag (`0.5-python3.12-alpine`). The bare `uv:0.5` holds only uv: unknown.
_UV_IMAGES = ("ghcr.io/astral-sh/uv", "astral/uv")
_UV_PYTHON = lazy_compile(r"python(3\.\d+)")


def _uv_image(tag: str) -> Family:
    words = tag.split("-")
    if re.fullmatch(r"\d+(?:\.\d+)*", words[0]):
        words = words[1:]
    python = _UV_PYTHON.fullmatch(words[0]) if words else None
    if python is not None:
        return _by_variant("python", _variant("-".join([python.group(1), *words[1:]]), ()))
    if not words or words[0] in ("latest",):
        return UNKNOWN
    if _ALPINE_WORD.fullmatch(words[0]):
        return ALPINE
    base = _variant("-".join(["x", *words]), ())
    if base is None or words[0] not in (*SUITES, "debian"):
        return UNKNOWN
    return DEBIAN if "slim" in base else BUILDPACK


# `3.13`, `3-management`, `4.1.2-management-alpine`, `management`, `latest`: releases
# before 3.7 were built on Debian from other Dockerfiles, and stay unknown
_RABBITMQ_VERSION = lazy_compile(r"(\d+)(?:\.(\d+))?(?:\.\d+)*")
_RABBITMQ_WORDS = frozenset(("management", "alpine"))


def _rabbitmq(tag: str) -> Family:
    words = tag.split("-")
    version = _RABBITMQ_VERSION.fullmatch(words[0])
    if version is not None:
        major, minor = int(version.group(1)), int(version.group(2) or 99)
        if (major, minor) < (3, 7):
            return UNKNOWN
        words = [w for w in words[1:] if not re.fullmatch(r"rc\.?\d+", w)]
    elif words == ["latest"]:
        words = []
    if not set(words) <= _RABBITMQ_WORDS or "" in words:
        return UNKNOWN
    return RABBITMQ_ALPINE if "alpine" in words else RABBITMQ


def uv_derived(image: str) -> bool:
    """One of uv's images derived from an image of the table: the official python image, or
    an OS image, with uv added (`ghcr.io/astral-sh/uv:python3.12-bookworm-slim`)."""
    name, _tag = _split(image.strip().lower())
    return name in _UV_IMAGES and classify(image).known


def _by_variant(name: str, variant: set[str] | None) -> Family:
    if variant is None:
        return UNKNOWN
    kind = "alpine" if "alpine" in variant else "slim" if "slim" in variant else "full"
    if name in _PYTHON_LIKE:
        return {"alpine": PYTHON_ALPINE, "slim": PYTHON_SLIM, "full": PYTHON_FULL}[kind]
    if name == "node":
        return {"alpine": NODE_ALPINE, "slim": NODE_SLIM, "full": NODE_FULL}[kind]
    if name == "nginx" and kind == "alpine":   # `alpine-slim` lacks the curl `alpine` adds
        return ALPINE if "slim" in variant else NGINX_ALPINE
    return UNKNOWN


def _variant(tag: str, extras: tuple[str, ...]) -> set[str] | None:
    """The variant words of a tag (`3.12-slim-bookworm` -> {slim, bookworm}); None when a
    word is not one the table knows (`windowsservercore`, a custom suffix)."""
    words = tag.split("-")
    if not _variant_word(words[0], extras):
        words = words[1:]   # the version or alias (`3.12`, `lts`, `iron`, `latest`)
    found: set[str] = set()
    for word in words:
        normal = _variant_word(word, extras)
        if normal is None:
            return None
        found.add(normal)
    return found


_ALPINE_WORD = lazy_compile(r"alpine[\d.]*")
_VARIANT_WORDS = frozenset(("slim", "rc", *SUITES))   # built once: asked of every tag word


def _variant_word(word: str, extras: tuple[str, ...]) -> str | None:
    if _ALPINE_WORD.fullmatch(word):
        return "alpine"
    return word if word in _VARIANT_WORDS or word in extras else None


def debian_release(image: str) -> Release | None:
    """The Debian release of a Debian-based image of the table, where its reference tells
    it (`releases`); None for other images."""
    if classify(image).manager != "apt":
        return None
    return release(*_split(image.strip().lower()))


def archive_gone(image: str) -> str | None:
    """Why no package can be installed on this image: its Debian release's package archive
    is gone; None when fixer knows no reason."""
    found = debian_release(image)
    if found is None or not found.archived:
        return None
    return f"{image} is {found}, whose package archive is gone"


def archive_leaving(image: str) -> str | None:
    """Why a build that starts to install packages on this image may stop building: its
    Debian release's support has ended, and its packages leave deb.debian.org on a day
    fixer cannot know; None when fixer knows no such release."""
    found = debian_release(image)
    ended = found.support_ended if found is not None else None
    if ended is None:
        return None
    return (f"{image} is {found}, whose support ended in {ended}: once its packages move "
            "to archive.debian.org, `apt-get update` fails and the build with it")


def _split(image: str) -> tuple[str, str]:
    image = image.split("@", 1)[0]
    slash = image.rfind("/")
    colon = image.rfind(":")
    name, tag = (image[:colon], image[colon + 1:]) if colon > slash else (image, "latest")
    return hub_name(name), tag


_META_ARG = lazy_compile(r"^[ \t]*ARG[ \t]+(\w+)=[\"']?([^\s\"']*)", re.I | re.M)
# kept with the Dockerfile's file, which the Dockerfile is parsed from
_META_ARGS: Memo[dict[str, str]] = Memo("ARG defaults before the first FROM")


def meta_args(dockerfile: Dockerfile) -> dict[str, str]:
    """`ARG NAME=value` defaults declared before the first FROM (they may name the base).
    A new dict each time: callers may change theirs."""
    found = dockerfile.file.derived.get(_META_ARGS, lambda: _meta_args(dockerfile))
    return dict(found)


def _meta_args(dockerfile: Dockerfile) -> dict[str, str]:
    text = dockerfile.file.text
    first = dockerfile.stages[0].instructions[0].start if dockerfile.stages else len(text)
    return {m.group(1): m.group(2) for m in _META_ARG.finditer(text, 0, first)}


_VARIABLE = lazy_compile(r"\$\{(\w+)(?::?-([^}]*))?\}|\$(\w+)")


def resolve_image(image: str, args: dict[str, str]) -> str:
    """`${VAR}` / `$VAR` substituted from `args`, else the reference's default, else ""."""
    def value(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(3)
        default = match.group(2) or ""
        return args.get(name) or default
    return _VARIABLE.sub(value, image)


# A stage of a Dockerfile and the compose build args it is built with: what the facts below
# are kept by, with the Dockerfile's file.
_StageKey = tuple[int, tuple[tuple[str, str | None], ...]]


def _stage_key(stage: Stage, build_args: Mapping[str, str | None] | None) -> _StageKey:
    if not build_args:   # most services pass none: asked some ten thousand times a run
        return stage.index, ()
    return stage.index, tuple(sorted(build_args.items()))


# per Dockerfile (kept with its file): stage index and compose build args -> the base image
_BASES: Memo[dict[_StageKey, str]] = Memo("base images")


def base_image(dockerfile: Dockerfile, stage: Stage,
               build_args: Mapping[str, str | None] | None = None) -> str:
    """The external image at the root of the stage's chain, ARG defaults (and the compose
    build args that override them) substituted. A variable with no value and no default
    stays as written: such an image is unknown."""
    return dockerfile.file.derived.keyed(_BASES, _stage_key(stage, build_args),
                                         lambda: _base_image(dockerfile, stage, build_args or {}))


def _base_image(dockerfile: Dockerfile, stage: Stage,
                overrides: Mapping[str, str | None]) -> str:
    defaults = meta_args(dockerfile)

    def value(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(3)
        found = overrides[name] if name in overrides else defaults.get(name)
        if found and "$" not in found:
            return found
        # an arg compose passes from the environment, or one that is itself interpolated
        unresolvable = (name in overrides and found is None) or "$" in (found or "")
        default = match.group(2)
        return default if default is not None and not unresolvable else match.group(0)
    return _VARIABLE.sub(value, chain(dockerfile, stage)[-1].base)


# `python:3.12-slim`, `pypy:3.10`: the version the image's reference names; also a tag that
# leads with it, as images built on python's name their variants
# (`tiangolo/uvicorn-gunicorn-fastapi:python3.8`, `ghcr.io/astral-sh/uv:python3.12-bookworm`)
_PYTHON_TAG = lazy_compile(r"^(?:(?:python|pypy):|[\w.-]+:python)(\d+)\.(\d+)(?:[.-]|$)")


def image_python(dockerfile: Dockerfile, stage: Stage,
                 build_args: Mapping[str, str | None] | None = None) -> tuple[int, int] | None:
    """The Python (major, minor) of the stage's image when its reference names it
    (`python:3.8-slim`); None when it does not (`python:latest`, a base of one's own). With
    compose's build args that pick another version, the older of the two: the file is
    built with its defaults too."""
    versions = _pythons(dockerfile, stage, build_args)
    return None if None in versions else min(v for v in versions if v is not None)


def _pythons(dockerfile: Dockerfile, stage: Stage,
             build_args: Mapping[str, str | None] | None) -> set[tuple[int, int] | None]:
    """The Python of the image built with the file's defaults, and with compose's args."""
    found: set[tuple[int, int] | None] = set()
    for args in [None, build_args] if build_args else [None]:
        match = _PYTHON_TAG.match(base_image(dockerfile, stage, args).split("/")[-1])
        found.add(None if match is None else (int(match[1]), int(match[2])))
    return found


def may_run_newer_python(dockerfile: Dockerfile, stage: Stage,
                         than: tuple[int, int] | None = None,
                         build_args: Mapping[str, str | None] | None = None) -> bool:
    """The image's Python may accept syntax that the Python fixer runs on (or the Python
    `than`) rejects: it is newer, or its version is unknown (S004, and the stack check's
    compile verdict), with the file's defaults or with compose's build args."""
    return any(v is None or v > (than or sys.version_info[:2])
               for v in _pythons(dockerfile, stage, build_args))


def service_python(service: Service) -> tuple[int, int] | None:
    """`image_python` of the image a built service runs; None for a service that is not."""
    app = service.app
    return None if app is None else image_python(app.dockerfile, app.stage, app.args)


# (stage index, build args) -> the base image's entry, kept with the Dockerfile's text:
# tools_present and tool_status ask for every service
_FAMILIES: Memo[dict[_StageKey, Family]] = Memo("base image families")


def family_of(dockerfile: Dockerfile, stage: Stage,
              build_args: Mapping[str, str | None] | None = None) -> Family:
    return dockerfile.file.derived.keyed(
        _FAMILIES, _stage_key(stage, build_args),
        lambda: classify(base_image(dockerfile, stage, build_args)))


# (stage index, build args) -> the tools it has, kept with the Dockerfile's text: D003, C004
# and the stack check ask for every service of every round
_TOOLS: Memo[dict[_StageKey, frozenset[str]]] = Memo("tools present")


def tools_present(dockerfile: Dockerfile, stage: Stage,
                  build_args: Mapping[str, str | None] | None = None) -> set[str]:
    """The tools of TOOLS (curl, wget, python) the stage surely has: its base image's (when
    the table knows it), what it or a stage it is built FROM installs, copied binaries.
    A tool missing here is absent only when `tool_status` says False."""
    present: frozenset[str] = dockerfile.file.derived.keyed(
        _TOOLS, _stage_key(stage, build_args),
        lambda: frozenset(_tools_present(dockerfile, stage, build_args)))
    return set(present)


def _tools_present(dockerfile: Dockerfile, stage: Stage,
                   build_args: Mapping[str, str | None] | None) -> set[str]:
    present = set(family_of(dockerfile, stage, build_args).tools)
    for link in reversed(chain(dockerfile, stage)):   # the base first, as the build runs
        deleted = removed(dockerfile, link)
        for install in _kept_installs(dockerfile, link, deleted):
            present.update(_provided(install.names(), _brings_python))
        for instruction in link.find("COPY") + link.find("ADD"):
            copied = (posixpath.basename(w.rstrip("/")) for w in instruction.value)
            present.update(_provided(copied, _is_python_binary))
        # a stage that purges curl (or wget) it or its base installed has none: read as
        # coming after the installs, the order of a build-dependency cleanup
        present -= {tool for tool in HEALTH_TOOLS if tool in deleted}
    return present


def _kept_installs(dockerfile: Dockerfile, link: Stage,
                  deleted: Collection[str]) -> Iterator[PackageInstall]:
    """The package installs of the stage that every build runs and whose virtual group
    (`apk add --virtual .build-deps`) the stage does not delete again."""
    for install in installs(dockerfile, link):
        if (install.group is None or install.group not in deleted) and \
                runs_every_build(dockerfile, install):
            yield install


def installs_package(dockerfile: Dockerfile, stage: Stage, package: str) -> bool:
    """Whether every build of the stage (or a stage it is built FROM) installs the package
    by its own name (`apk add python3`, which brings the `python3` command), and no later
    RUN of it removes that again."""
    links = chain(dockerfile, stage)
    gone = {name for link in links for name in removed(dockerfile, link)}
    return package not in gone and any(
        package in install.names() for link in links
        for install in _kept_installs(dockerfile, link, removed(dockerfile, link)))


# per Dockerfile (kept with its file): stage index -> the health tools its build removes
_REMOVED: Memo[dict[int, frozenset[str]]] = Memo("health tools a stage removes")


def tools_removed(dockerfile: Dockerfile, stage: Stage) -> frozenset[str]:
    """The health tools a stage of the chain removes and no later one installs again."""
    return dockerfile.file.derived.keyed(_REMOVED, stage.index,
                                         lambda: _tools_removed(dockerfile, stage))


def _tools_removed(dockerfile: Dockerfile, stage: Stage, surely: bool = False
                   ) -> frozenset[str]:
    gone: set[str] = set()
    for link in reversed(chain(dockerfile, stage)):
        gone -= {t for install in installs(dockerfile, link) for t in install.names()}
        names = surely_removed(dockerfile, link) if surely else removed(dockerfile, link)
        gone |= {tool for tool in HEALTH_TOOLS if tool in names}
    return frozenset(gone)


def tool_status(dockerfile: Dockerfile, stage: Stage, tool: str,
                build_args: Mapping[str, str | None] | None = None) -> bool | None:
    """Whether the stage has `tool`: True, False, or None when its base image is unknown
    (or the table does not say) and the stage does not add it."""
    if tool in tools_present(dockerfile, stage, build_args):
        return True
    if tool in tools_removed(dockerfile, stage):   # a purge under an `if` may not run
        return False if tool in _tools_removed(dockerfile, stage, surely=True) else None
    if any(tool in _provided(install.names(), _brings_python) or
           any("$" in w.value for w in install.packages)
           for link in chain(dockerfile, stage) for install in installs(dockerfile, link)
           if not runs_every_build(dockerfile, install) or
           any("$" in w.value for w in install.packages)):
        return None   # installed only on some builds (`if [ "$DEV" = true ]; then ...`), or
        # a package fixer cannot name (`for pkg in curl libpq5; do apt-get install "$pkg"`)
    if any(runs_a_script(dockerfile, link) for link in chain(dockerfile, stage)):
        return None   # `RUN sh /tmp/install-deps.sh`: it may install the tool
    return family_of(dockerfile, stage, build_args).has(tool)


def _provided(names: Iterable[str], python: Callable[[str], bool]) -> set[str]:
    """The tools of TOOLS that packages or copied files of these names bring."""
    words = set(names)
    found = {t for t in HEALTH_TOOLS if t in words}
    if any(python(w) for w in words):
        found.add("python")
    return found


def _brings_python(package: str) -> bool:
    return bool(_PYTHON_PACKAGE.fullmatch(package)) and not _NO_PYTHON.fullmatch(package)


def _is_python_binary(name: str) -> bool:
    return bool(_PYTHON_BINARY.fullmatch(name))


def stage_installs(dockerfile: Dockerfile, stage: Stage, manager: str) -> list[PackageInstall]:
    """The stage's own `apt-get install` / `apk add` commands (not its parents')."""
    return [i for i in installs(dockerfile, stage) if i.manager == manager]
