"""The names the repository's build scripts give the images they build, and from which
Dockerfile.

A deployment file names an image, not a compose service: `ghcr.io/acme/orders-api:${tag}`
in Terraform is the `api` service's image when CI builds `api/Dockerfile` with that tag. Two
kinds of build are read: a `docker build -t NAME [-f FILE] CONTEXT` line of a script,
Makefile or CI file, and a CI step that builds with `context:` (and `file:`) and `tags:`
(GitHub's `docker/build-push-action`), whose tags may come from the `images:` of the
`docker/metadata-action` step they name (`tags: ${{ steps.meta.outputs.tags }}`); and the
artifacts of a Skaffold file (`image:` built from `context:` and `docker.dockerfile:`).

Images are compared by their path, not their last part alone: `$(REGISTRY)/orders/api` and
`$(REGISTRY)/billing/api` are two images (`image_path`, `same_image`).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from typing import NamedTuple

import yaml

from fixer.core.derived import Memo
from fixer.core.lazyre import lazy_compile
from fixer.core.textfile import TextFile
from fixer.facts.image.buildscripts import is_build_script
from fixer.model.workspace import Workspace
from fixer.sources import yamldata
from fixer.sources.workflows import is_workflow, workflow_jobs

# per workspace: image name (registry and path kept, no tag) -> the Dockerfiles it is built
# from, as repository paths
_BUILT: Memo[dict[str, list[str]]] = Memo("image names built by scripts")
_BUILDS: Memo[list[ScriptBuild]] = Memo("builds of the scripts")
_DOCKER_BUILD = lazy_compile(r"\bdocker[ \t]+(?:buildx[ \t]+)?build\b[^\n;&|]*")
_SKAFFOLD = lazy_compile(r"(^|/)skaffold[^/]*\.ya?ml$")
# `steps.meta.outputs.tags`: the metadata step whose tags a build step takes
_STEP_TAGS = lazy_compile(r"steps\.([\w-]+)\.outputs\.tags")


def script_texts(ws: Workspace) -> Iterator[tuple[str, str, TextFile]]:
    """Each build script, its continued lines (`docker run --rm \\` then `-p 8080:8080 \\`)
    joined with their offsets kept."""
    for path in ws.tree.sorted_paths():
        file = ws.scan(path) if is_build_script(path) else None
        if file is not None:
            yield path, joined_lines(file.text), file


def joined_lines(text: str) -> str:
    """The text with each line a backslash continues joined to the next, every offset kept
    (the backslash and the line end become blanks)."""
    return re.sub(r"\\(\r?\n)", lambda m: " " * len(m.group()), text)


class ScriptBuild(NamedTuple):
    """One build a script, Makefile, workflow or Skaffold file makes."""

    path: str                  # the file that builds
    context: str               # repository paths
    dockerfile: str
    tags: tuple[str, ...]      # image names given, untagged


def built_images(ws: Workspace) -> dict[str, list[str]]:
    """Image name -> the Dockerfiles the build scripts build it from."""
    return ws.derived.get(_BUILT, lambda: _built(ws))


def script_builds(ws: Workspace) -> list[ScriptBuild]:
    """Every build the repository's scripts make, tagged or not, in path order."""
    return ws.derived.get(_BUILDS, lambda: list(_script_builds(ws)))


def names_built_from(ws: Workspace, dockerfile: str) -> list[str]:
    """The `image_path` of each image name built from this Dockerfile."""
    return sorted({image_path(name) for name, built in built_images(ws).items()
                   if dockerfile in built} - {""})


# images of well-known servers that are no Python app, by their last name: a Kubernetes
# manifest that runs them is about them whatever port it names (`facts/ports/kubernetes.py`),
# and a service built on one with the image's own command runs that server
# (`facts/builds/runs.py`)
INFRA_IMAGES = frozenset({
    "grafana", "prometheus", "alertmanager", "loki", "tempo", "jaeger", "postgres", "redis",
    "mysql", "mariadb", "mongo", "nginx", "traefik", "haproxy", "envoy", "caddy", "httpd",
    "rabbitmq", "kafka",
    "zookeeper", "elasticsearch", "kibana", "opensearch", "minio", "memcached", "keycloak",
    "vault", "consul", "mkdocs-material", "pgadmin4", "adminer", "mailhog", "otel-collector",
    "opentelemetry-collector", "opentelemetry-collector-contrib", "busybox", "alpine",
    # databases and brokers by other names (`postgis/postgis:16-3.4`)
    "postgis", "timescaledb", "pgvector", "valkey", "mosquitto", "eclipse-mosquitto", "nats",
    "etcd", "influxdb", "clickhouse-server", "qdrant", "neo4j",
    # sidecars a pod runs beside the app
    "cloud-sql-proxy", "gce-proxy", "oauth2-proxy", "fluent-bit", "fluentd", "vault-agent",
    "linkerd-proxy", "proxyv2", "datadog-agent", "pgbouncer"})


def image_name(image: str) -> str:
    """`registry/org/fastapi-web:1.2` -> `fastapi-web`, as deployment files name it."""
    return posixpath.basename(image_path(image))


def image_path(image: str) -> str:
    """`ghcr.io/acme/orders-api:1.2` -> `ghcr.io/acme/orders-api`, lowercased; what follows
    the last part a variable writes (`$(REGISTRY)/orders/api` -> `orders/api`)."""
    parts = untagged(image.split("@")[0]).lower().split("/")
    written = [i for i, part in enumerate(parts) if any(c in part for c in "${}()")]
    return "/".join(p for p in parts[written[-1] + 1 if written else 0:] if p)


def same_image(a: str, b: str) -> bool:
    """Two `image_path`s name one image: the shorter ends the longer, part for part
    (`orders-api` and `ghcr.io/acme/orders-api`; not `orders/api` and `billing/api`)."""
    first, second = a.split("/"), b.split("/")
    shorter, longer = sorted((first, second), key=len)
    return bool(shorter[0]) and longer[len(longer) - len(shorter):] == shorter


def untagged(image: str) -> str:
    """`ghcr.io/acme/api:1.2` -> `ghcr.io/acme/api`; a registry's port stays."""
    return image.rsplit(":", 1)[0] if ":" in image.rsplit("/", 1)[-1] else image


def _built(ws: Workspace) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for build in script_builds(ws):
        for tag in build.tags:
            found.setdefault(tag, []).append(build.dockerfile)
    return found


def _script_builds(ws: Workspace) -> Iterator[ScriptBuild]:
    for path, text, _file in script_texts(ws):
        folder = posixpath.dirname(path)
        for build in _docker_builds(text):
            words = build.group().split()
            tags = [words[i + 1] for i, w in enumerate(words[:-1]) if w in ("-t", "--tag")]
            files = [words[i + 1] for i, w in enumerate(words[:-1]) if w in ("-f", "--file")]
            context = _repo_path(posixpath.join(folder, words[-1].strip("\"'")))
            dockerfile = _repo_path(posixpath.join(folder, files[-1].strip("\"'"))) if files \
                else posixpath.join(context, "Dockerfile")
            yield ScriptBuild(path, context, dockerfile,
                              tuple(untagged(tag.strip("\"'")) for tag in tags))
        if is_workflow(path) and "context" in text:
            for tags, context, dockerfile in _workflow_builds(text):
                yield ScriptBuild(path, context, dockerfile, tuple(map(untagged, tags)))
        if _SKAFFOLD.search(path) and "artifacts" in text:
            for tag, context, dockerfile in _skaffold_builds(text, folder):
                yield ScriptBuild(path, context, dockerfile, (untagged(tag),))


def _docker_builds(text: str) -> Iterator[re.Match[str]]:
    """What `_DOCKER_BUILD.finditer(text)` finds, tried only where "docker" is written, where
    each of its matches starts: opening with `\\b`, the pattern has no literal to scan for and
    is tried at every offset of every script (a compose file of a thousand services)."""
    at = text.find("docker")
    while at >= 0:
        build = _DOCKER_BUILD.match(text, at)   # `\b` reads the text before `at` as well
        if build is not None:
            yield build
        at = text.find("docker", build.end() if build is not None else at + 1)


def _skaffold_builds(text: str, folder: str) -> Iterator[tuple[str, str, str]]:
    """(image name, context, Dockerfile) of each artifact a Skaffold file builds, in its
    `build:` and
    its profiles' (`image:`, `context:` from the file's folder, `docker.dockerfile:` from
    the context, `Dockerfile` when unset)."""
    try:
        documents = yamldata.load_all(text)
    except yaml.YAMLError:
        return
    for document in documents:
        if not isinstance(document, dict):
            continue
        profiles = document.get("profiles")
        builds = [document.get("build"), *(p.get("build") for p in profiles
                                           if isinstance(p, dict))] \
            if isinstance(profiles, list) else [document.get("build")]
        for build in builds:
            listed = build.get("artifacts") if isinstance(build, dict) else None
            for artifact in listed if isinstance(listed, list) else []:
                image = artifact.get("image") if isinstance(artifact, dict) else None
                context = artifact.get("context", ".") if isinstance(artifact, dict) else None
                if not isinstance(image, str) or not isinstance(context, str) or \
                        "$" in context:
                    continue
                docker = artifact.get("docker")
                named = docker.get("dockerfile") if isinstance(docker, dict) else None
                root = _repo_path(posixpath.join(folder, context))
                yield image, root, _repo_path(posixpath.join(
                    root, named if isinstance(named, str) else "Dockerfile"))


def _repo_path(path: str) -> str:
    """A path as the workspace writes it: `./api/` -> `api`, the root ""."""
    normal = posixpath.normpath(path)
    return "" if normal == "." else normal


def _workflow_builds(text: str) -> Iterator[tuple[list[str], str, str]]:
    """(image names, context, Dockerfile) of each step of a GitHub workflow that builds with
    `context:` (paths from the checkout's root), its names from `tags:`."""
    for job in workflow_jobs(text):
        listed = job.get("steps")
        steps: list[dict[object, object]] = \
            [s for s in listed if isinstance(s, dict)] if isinstance(listed, list) else []
        # `docker/metadata-action`'s `images:`, by the id of its step
        images = {str(s.get("id")): _words(given.get("images")) for s in steps
                  if isinstance(given := s.get("with"), dict) and given.get("images")}
        for step in steps:
            given = step.get("with")
            if not isinstance(given, dict):
                continue
            context = given.get("context")
            if not isinstance(context, str) or "$" in context:
                continue
            file = given.get("file")
            dockerfile = _repo_path(file) if isinstance(file, str) else \
                posixpath.join(_repo_path(context), "Dockerfile")
            names = [name for tag in _words(given.get("tags"))
                     for named in [_STEP_TAGS.search(tag)]
                     for name in (images.get(named.group(1), []) if named else [tag])]
            yield names, _repo_path(context), dockerfile


def _words(value: object) -> list[str]:
    """A YAML value of image names: a string of lines or commas, or a list of them."""
    items = value if isinstance(value, list) else [value]
    return [word.strip() for item in items if isinstance(item, str)
            for word in re.split(r"[\n,]", item) if word.strip()]
