"""The container ports a repository's Kubernetes manifests name for a compose service.

A repository that deploys with Kubernetes as well as compose builds the same images for
both: a Service's `targetPort` and a workload's `containerPort` are where Kubernetes sends
traffic. A fix that moves the port an image listens on (P001's app side) makes them point at
nothing, and fixer edits no manifest. So such a move is unsafe when a manifest about the
service names the port it listens on now.

A Helm chart's templates are not YAML until rendered, and its ports usually come from
`values.yaml`: fixer does not render charts, so a chart about the service (its folder or its
`Chart.yaml` name fits the service's name, or one of its files names the service) that
writes the port anywhere (`containerPort: 8080` in values.yaml) makes such a move unsafe too
(`helm_port`).

A shell-form ENTRYPOINT ignores the `args:` a container gives it, an exec-form one appends
them: D002 reads which manifests, or Helm values files, run a service's image with `args:`
(`container_args`).

A manifest is "about" a compose service when one of its names (`metadata.name`, a label or
selector value, a container's name or image) begins with the service's name as a whole
word (`tasks-service`, `tasks-api` for `tasks`); a longer service name of the same stack
that fits wins (`api-gateway-svc` is api-gateway's, not api's).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import yaml

from fixer.core.derived import Memo
from fixer.core.lazyre import lazy_compile
from fixer.facts.image.builttags import (INFRA_IMAGES, image_name, image_path,
                                         names_built_from, same_image)
from fixer.model.appservice import app_services
from fixer.model.stacks import is_compose_name
from fixer.model.workspace import Workspace
from fixer.sources import yamldata

_WORD = lazy_compile(r"[-_.:/]")


@dataclass(frozen=True)
class ManifestPort:
    path: str
    names: frozenset[str]   # the manifest's names, lowercased
    port: int
    images: frozenset[str] = frozenset()   # its containers' `image_path`s (`envoyproxy/envoy`)


_PORTS: Memo[list[ManifestPort]] = Memo("Kubernetes manifest ports")


def manifest_ports(ws: Workspace) -> list[ManifestPort]:
    """Every container port a Kubernetes manifest of the repository names, read once."""
    return ws.derived.get(_PORTS, lambda: list(_read(ws)))


def ports_for(ws: Workspace, service: str, stack: Iterable[str], images: Iterable[str] = (),
              only_app: Callable[[], bool] = lambda: False) -> list[ManifestPort]:
    """The ports of the manifests about `service`, of the stack whose services are `stack`
    (a manifest that a longer name of them fits is that one's), or that run one of its
    `images` (`image_path`s, compared by `same_image`); every manifest's when `only_app()` (the
    repository builds no other app: a manifest named for the project deploys the one image
    there is). Never one that runs only well-known servers' images (an `api-gateway`
    Deployment of envoy), nor a Service named as one of those. The names are listed only
    when the repository has a manifest: asked for each service, that is quadratic."""
    manifests = manifest_ports(ws)
    if not manifests:
        return []
    servers = _servers_only(manifests)
    if only_app():   # but not a manifest of a well-known server (grafana on 8000)
        return [m for m in manifests if not servers(m)]
    own = list(images)
    names = [service, *(name for name in stack if name != service)]
    return [m for m in manifests if any(same_image(a, b) for a in own for b in m.images) or (
        _owner(m.names, names) == service and not servers(m))]


def _servers_only(manifests: list[ManifestPort]) -> Callable[[ManifestPort], bool]:
    """Whether a manifest is about well-known servers only: its containers all run their
    images (an nginx sidecar beside the app's container is not), or it runs none (a
    Service) and every name it has is one only such manifests have, so a label the app's
    manifests share (`app.kubernetes.io/part-of: shop`) keeps it the app's."""
    def servers(m: ManifestPort) -> bool:
        return bool(m.images) and {posixpath.basename(i) for i in m.images} <= INFRA_IMAGES
    theirs = {n for m in manifests if servers(m) for n in m.names}
    others = {n for m in manifests if not servers(m) and m.images for n in m.names}
    only_theirs = theirs - others
    return lambda m: servers(m) or (not m.images and bool(m.names) and m.names <= only_theirs)


def _owner(names: frozenset[str], services: list[str]) -> str | None:
    fitting = [s for s in services if any(_names_word(n, s.lower()) for n in names)]
    return max(fitting, key=len, default=None)


def _names_word(name: str, service: str) -> bool:
    """`web` names `web`, `web-api` and, with the project's prefix, `fastapi-web`."""
    if name == service:
        return True
    if name.startswith(service) and _WORD.match(name, len(service)) is not None:
        return True
    at = len(name) - len(service)
    return at > 0 and name.endswith(service) and _WORD.match(name, at - 1) is not None


def _read(ws: Workspace) -> Iterator[ManifestPort]:
    for path, document in _manifests(ws):
        names = frozenset(n.lower() for n in _names(document))
        images = frozenset(image_path(i) for i in _images(document))
        for port in sorted(set(_ports(document))):
            yield ManifestPort(path, names, port, images)


_DOCUMENTS: Memo[list[tuple[str, dict[object, object]]]] = Memo("Kubernetes manifests")


def _manifests(ws: Workspace) -> list[tuple[str, dict[object, object]]]:
    """Each Kubernetes document of the repository (a mapping with a `kind`) and its path,
    parsed once: ports and container arguments are read from the same documents."""
    return ws.derived.get(_DOCUMENTS, lambda: list(_parse(ws)))


def _parse(ws: Workspace) -> Iterator[tuple[str, dict[object, object]]]:
    for path in sorted(ws.tree.paths()):
        if not path.endswith((".yml", ".yaml")) or is_compose_name(path):
            continue
        file = ws.tree.peek(path)   # a YAML file fixer cannot read is no manifest, no error
        if file is None or "apiVersion" not in file.text or "kind" not in file.text:
            continue
        try:
            documents = yamldata.load_all(file.text)
        except yaml.YAMLError:   # a template (Helm) or not YAML: nothing fixer can read
            continue
        for document in documents:
            if isinstance(document, dict) and isinstance(document.get("kind"), str):
                yield path, document


def container_args(ws: Workspace, service: str, images: Iterable[str],
                   only_app: Callable[[], bool] = lambda: False) -> str | None:
    """The first manifest, or Helm values file, that runs `service`'s image with `args:`
    and no `command:` (Kubernetes then passes the args to the image's ENTRYPOINT, as Docker
    passes a CMD): a container whose image is one of `images` (`image_path`s, compared by
    `same_image`) or is named for the service (`payments` in `acme/payments:1.8`); any
    container's but a well-known server's or sidecar's, or any chart's values, when
    `only_app()` (the repository builds no other app). A chart's values are read when the
    chart is about the service, as for ports."""
    own = list(images)
    for path, document in _manifests(ws):
        for mapping in _mappings(document):
            image = mapping.get("image")
            if isinstance(image, str) and _passes_args(mapping) and (
                    any(same_image(image_path(image), i) for i in own) or
                    _names_word(image_name(image), service.lower()) or
                    only_app() and image_name(image) not in INFRA_IMAGES):
                return path   # not a sidecar's (`cloud-sql-proxy` with its own `args:`)
    return next((f.path for f in _chart_files_about(ws, service, only_app)
                 if posixpath.basename(f.path).startswith("values") and _values_args(f.text)),
                None)


def deployed_images(ws: Workspace, image: str | None, dockerfile: str) -> list[str]:
    """What deployment files may call a service's image (`image_path`s): its compose
    `image:`, and the names build scripts and CI give images built from its Dockerfile."""
    return sorted({*([image_path(image)] if image else []),
                   *names_built_from(ws, dockerfile)} - {""})


def builds_one_app(ws: Workspace) -> bool:
    """The repository builds one app: every manifest or chart is about it. Services that
    build one Dockerfile are one app; two Dockerfiles of one context are two. Asked for
    each service: judged once."""
    return ws.derived.get(_ONE_APP, lambda: len({s.app.dockerfile.path
                                                 for s in app_services(ws)}) == 1)


_ONE_APP: Memo[bool] = Memo("the repository builds one app")


def _passes_args(container: dict[object, object]) -> bool:
    """A container that gives its image's ENTRYPOINT arguments: `args:` not empty, and no
    `command:`, which would replace the ENTRYPOINT itself."""
    return bool(container.get("args")) and not container.get("command")


def _values_args(text: str) -> bool:
    """A Helm values file that sets `args:` (not empty) where no `command:` sits beside it;
    a file that does not parse counts when it writes `args:` with a value."""
    try:
        documents = yamldata.load_all(text)
    except yaml.YAMLError:
        return re.search(r"^\s*args:[ \t]*(?:\S|\n\s*-)", text, re.M) is not None
    return any(_passes_args(m) for d in documents for m in _mappings(d))


def _names(document: dict[object, object]) -> Iterator[str]:
    """metadata.name, label and selector values, and each container's name and image (not
    every `name`: an environment variable's is not the manifest's)."""
    metadata = document.get("metadata")
    if isinstance(metadata, dict) and isinstance(metadata.get("name"), str):
        yield metadata["name"]
    for mapping in _mappings(document):
        image = mapping.get("image")
        if isinstance(image, str):
            yield image_name(image)
            if isinstance(mapping.get("name"), str):
                yield str(mapping["name"])
        for key in ("labels", "matchLabels", "selector"):
            value = mapping.get(key)
            if isinstance(value, dict):
                yield from (v for v in value.values() if isinstance(v, str))


def _images(document: dict[object, object]) -> Iterator[str]:
    for mapping in _mappings(document):
        if isinstance(mapping.get("image"), str):
            yield str(mapping["image"])


def _ports(document: dict[object, object]) -> Iterator[int]:
    # a core Service sends on its targetPort; any other kind that runs containers (a
    # workload, Knative's `Service`, an Argo `Rollout`) declares its containerPort
    service = document.get("kind") == "Service" and document.get("apiVersion") == "v1"
    for mapping in _mappings(document):
        key = "targetPort" if service else "containerPort"
        value = mapping.get(key, mapping.get("port") if service and key not in mapping else None)
        if isinstance(value, int) and not isinstance(value, bool):
            yield value


def _mappings(node: object) -> Iterator[dict[object, object]]:
    """Each mapping once: aliases make the loaded document a graph, and a walk of every
    path through nested aliases would grow exponentially."""
    stack, seen = [node], set()
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, dict):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


@dataclass(frozen=True)
class ChartFile:
    chart: str          # the chart's folder
    name: str           # its `name:` in Chart.yaml, lowercased ("" when unread)
    path: str
    text: str


_CHARTS: Memo[list[ChartFile]] = Memo("Helm chart files")
_CHART_NAME = lazy_compile(r"^name:\s*['\"]?([\w.-]+)", re.M)


def helm_port(ws: Workspace, service: str, port: int,
              only_app: Callable[[], bool] = lambda: False) -> tuple[str, int] | None:
    """Where a Helm chart about `service` writes `port` (path, line): the first place. When
    `only_app()` (the repository builds no other app), every chart is about it: a chart
    named for the project (`charts/shop`) deploys the one image there is."""
    files = _chart_files_about(ws, service, only_app)
    if not files:
        return None   # most trees: no pattern to build for the port
    number = re.compile(rf"(?<![\w.]){port}(?![\w.])")
    for file in files:
        found = number.search(file.text)
        if found is not None:
            return file.path, file.text.count("\n", 0, found.start()) + 1
    return None


def _chart_files_about(ws: Workspace, service: str,
                       only_app: Callable[[], bool]) -> list[ChartFile]:
    """The files of the charts about `service`: its folder or its `Chart.yaml` name fits
    the service's name, or one of its files names the service; every chart's when
    `only_app()`."""
    files = ws.derived.get(_CHARTS, lambda: list(_chart_files(ws)))
    if not files:   # most trees: no pattern to build for each service
        return []
    everything = only_app()
    word = re.compile(rf"(?<![\w-]){re.escape(service.lower())}(?![\w])")
    about = {f.chart for f in files
             if everything or _names_word(posixpath.basename(f.chart).lower(), service.lower())
             or _names_word(f.name, service.lower()) or word.search(f.text.lower())}
    return [f for f in files if f.chart in about]


def _chart_files(ws: Workspace) -> Iterator[ChartFile]:
    paths = sorted(ws.tree.paths())
    charts = [posixpath.dirname(p) for p in paths if posixpath.basename(p) == "Chart.yaml"]
    for chart in charts:
        head = ws.tree.peek(posixpath.join(chart, "Chart.yaml"))
        named = _CHART_NAME.search(head.text) if head is not None else None
        prefix = chart + "/" if chart else ""
        for path in paths:
            if path.startswith(prefix) and path.endswith((".yaml", ".yml", ".tpl")):
                file = ws.tree.peek(path)
                if file is not None:
                    yield ChartFile(chart, named.group(1).lower() if named else "", path,
                                    file.text)
