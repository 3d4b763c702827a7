"""Files that deploy or run the repository's images outside Compose, whatever port they say.

P001's own readers find the port a deployment sends traffic to where they can: Kubernetes
manifests, Helm charts, task definitions and Terraform, Fly.io, Render, Nomad, `docker run
-p`. Many deployments say it where none of them looks, or not at all: Cloud Run's default
8080 (a `deploy-cloudrun` step, `gcloud run services replace` of a Knative service with no
`ports:`), App Runner's `image_configuration { port }`, App Service's `WEBSITES_PORT`, a
Swarm stack's traefik label, a CI smoke test on the host network, a helmfile's values for a
remote chart, a Tiltfile. A fix that moves the port the app listens on cannot show that such
a deployment still reaches it, so it is unsafe where one may run the service's image.

A file deploys when its name says so (`docker-stack.yml`, a helmfile, a
Tiltfile, a Terraform file that names an image, a Kubernetes manifest or an ECS task
definition that runs one) or a line of a script or CI file does (`docker push`, `docker
run`, `kubectl apply`, `gcloud run deploy`, ...). It is about a service when it names the
service, its build folder, its Dockerfile or an image built from it, and about every
service when it names none of the repository's apps (it may deploy any of them). A file a
specific reader tied to the service (a manifest, a task definition whose port it read) is
that reader's to judge, and a chart's files are the chart reader's.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, replace

from fixer.core import tree_index
from fixer.core.derived import Memo
from fixer.core.lazyre import lazy_compile
from fixer.facts.image.buildscripts import is_build_script
from fixer.facts.image.builttags import INFRA_IMAGES, built_images, image_path, same_image
from fixer.facts.ports.dockerrun import DOCKER_RUN, run_image, runs_a_command
from fixer.facts.ports.kubernetes import deployed_images
from fixer.model.services import BuiltService
from fixer.model.stacks import is_compose_name
from fixer.model.workspace import Workspace

# a command of a script or CI file that deploys, pushes or runs an image outside Compose
_DEPLOYS = lazy_compile(
    r"\bdocker[ \t]+(?:image[ \t]+)?push\b|\bdocker[ \t]+(?:container[ \t]+)?run\b|"
    r"\bdocker[ \t]+stack[ \t]+deploy\b|build-push-action|deploy-cloudrun|"
    r"\bgcloud[ \t]+(?:beta[ \t]+)?(?:run|app)[ \t]+(?:deploy|services[ \t]+replace)|"
    r"\bkubectl[ \t]+(?:apply|create|replace|set[ \t]+image|rollout)\b|"
    r"\bhelm(?:file)?[ \t]+(?:upgrade|install|apply|sync)\b|\baws[ \t]+ecs\b|"
    r"amazon-ecs-deploy|\bfly(?:ctl)?[ \t]+deploy\b|\baz[ \t]+(?:webapp|containerapp)\b|"
    r"webapps-deploy|\bheroku[ \t]+container\b|\bskaffold[ \t]+(?:run|deploy)\b|"
    r"\bcopilot[ \t]+(?:svc[ \t]+)?deploy\b|\bterraform[ \t]+apply\b")
# a word each command of `_DEPLOYS` has: most files have none, and the pattern above costs
# seconds on a workflow of megabytes
_KEYWORDS = lazy_compile(r"docker|kubectl|helm|gcloud|aws|amazon|fly|az|webapps|heroku|skaffold|"
                         r"copilot|terraform|deploy|build-push")
# files that are deployments by their name
# files that are deployments by their name (`fly.toml` and `render.yaml` have readers of
# their own: P001's, and `deployments.py`; Render finds the port an image listens on)
# a line that prints what follows on it, in quotes: `echo "`, `printf '`, `Write-Host "`
_PRINTED = lazy_compile(r"""\b(?:echo|printf|Write-Host|Write-Output)\b[^"'\n]*["'][^"'\n]*$""")
_DEPLOYMENT_NAME = lazy_compile(
    r"(^|/)(heroku\.yml|Tiltfile|helmfile[^/]*\.ya?ml|docker-stack[^/]*\.ya?ml|"
    r"[^/]+\.nomad(\.hcl)?|app\.ya?ml)$")
# how each name `_DEPLOYMENT_NAME` matches ends: a path that ends otherwise is not tried
_NAMED_ENDINGS = (".yml", ".yaml", "Tiltfile", ".nomad", ".hcl")
# a manifest or definition that runs an image: Kubernetes (`kind:` beside `image:`), an
# ECS task definition, Terraform or CloudFormation naming an image
_RUNS_IMAGE = lazy_compile(r"""image\w*["']?\s*[:=]""", re.I)
_KUBERNETES = lazy_compile(r"^kind:[ \t]*\w", re.M)
_IMAGE = lazy_compile(r"""^[ \t-]*image:[ \t]*["']?([^\s"'#]+)""", re.M)
_DEFINITIONS = (".tf", ".json", ".hcl")
_WORD = lazy_compile(r"[\w.@${}:-]+(?:/[\w.@${}:-]+)*")


@dataclass(frozen=True)
class Deployment:
    """A file that deploys or runs images: where, and the words it is written with."""

    path: str
    line: int
    what: str               # the command or kind of file, for the reason
    words: frozenset[str]   # its words and paths, `./` and a trailing `/` dropped


# per workspace: the deployments of the repository
_DEPLOYMENTS: Memo[list[Deployment]] = Memo("deployments outside compose")


def deployments(ws: Workspace) -> list[Deployment]:
    return ws.derived.get(_DEPLOYMENTS, lambda: list(_read(ws)))


def deployment_of(ws: Workspace, service: BuiltService, built: Iterable[BuiltService],
                  judged: Collection[str]) -> Deployment | None:
    """The first deployment that may run the service's image, less the `judged` files (those
    P001's own readers tied to the service and read its port in): one that names it, else
    one that names none of the other `built` services (a frontend's image or folder makes
    a workflow that frontend's)."""
    found = [d for d in deployments(ws) if d.path not in judged]
    if not found:
        return None
    marks = service_marks(ws, service)
    named = next((d for d in found if d.words & marks), None)
    if named is not None:
        return _at_mark(ws, named, named.words & marks)
    others = [service_marks(ws, other) for other in built
              if other.app.dockerfile.path != service.app.dockerfile.path]
    return next((d for d in found if not any(d.words & o for o in others)), None)


def _at_mark(ws: Workspace, deployment: Deployment, marks: Collection[str]) -> Deployment:
    """A definition that runs images, cited at its first line naming the service (the
    `kyc-service:latest` of a Terraform file whose first image is another service's); a
    script stays at its command."""
    file = ws.tree.peek(deployment.path)
    if file is None or deployment.what.startswith("runs `"):
        return deployment
    words = "|".join(re.escape(m) for m in sorted(marks, key=len, reverse=True))
    found = re.search(rf"(?<![\w.-])(?:{words})(?![\w-])", file.text)
    return deployment if found is None else \
        replace(deployment, line=file.text.count("\n", 0, found.start()) + 1)


def other_marks(ws: Workspace, service: BuiltService) -> list[str]:
    """The words that name the other built services of the repository (their names, build
    folders, Dockerfiles, images), less those that name this one too."""
    own = service_marks(ws, service)
    return sorted({mark for other in ws.apps()
                   if other.app.dockerfile.path != service.app.dockerfile.path
                   for mark in service_marks(ws, other)} - own)


# per workspace: (stack, service) -> its marks; asked for every other service of each one
_MARKS: Memo[dict[tuple[str, str], frozenset[str]]] = Memo("words naming a service")


def service_marks(ws: Workspace, service: BuiltService) -> frozenset[str]:
    known = ws.derived.get(_MARKS, dict)
    key = (service.stack.name, service.name)
    if key not in known:
        known[key] = _service_marks(ws, service)
    return known[key]


def _service_marks(ws: Workspace, service: BuiltService) -> frozenset[str]:
    """The words that name the service in a deployment: its names, its build folder, its
    Dockerfile, and the images its compose file and the build scripts give it."""
    folder = service.app.folder
    images = deployed_images(ws, service.scalar("image"), service.app.dockerfile.path)
    found = {*service.names(), service.app.dockerfile.path, *images,
             *(posixpath.basename(i) for i in images)}
    if folder:
        found |= {folder, posixpath.basename(folder)}
    return frozenset(found)


def _read(ws: Workspace) -> Iterable[Deployment]:
    ours = _ours(ws)
    charts = [posixpath.dirname(p) + "/"
              for p in tree_index.named_under(ws.tree, "", "Chart.yaml")]
    for path in sorted(ws.tree.paths()):
        by_name = path.endswith(_NAMED_ENDINGS) and bool(_DEPLOYMENT_NAME.search(path))
        script = is_build_script(path)
        definition = path.endswith(_DEFINITIONS) or path.endswith((".yml", ".yaml"))
        # what the file is, then whether it is compose's or a chart's: most files of a
        # large tree (source) are none of the three, and are passed over by the first test
        if not (by_name or script or definition) or \
                is_compose_name(posixpath.basename(path)) or \
                any(path.startswith(chart) for chart in charts):
            continue
        file = ws.tree.peek(path)   # unreadable (encrypted): no deployment, and no error
        text = file.text if file is not None else ""
        at, what = _deploys(path, text, by_name, script, ours)
        if at is not None:
            yield Deployment(path, text.count("\n", 0, at) + 1, what, _words(text))


def _ours(ws: Workspace) -> Callable[[str | None], bool]:
    """Whether a `docker run` may run one of the repository's images: one it cannot read
    (`$IMAGE`), one a build script builds, or one named like a compose service (`api:ci`);
    not `wiremock/wiremock:3.6.0` or `postgres:16`."""
    built = list(built_images(ws))
    services = {name for stack in ws.stacks for name in stack.services}

    def ours(image: str | None) -> bool:
        if image is None or "$" in image:
            return True
        path = image_path(image)
        last = posixpath.basename(path)
        return any(same_image(path, b) for b in built) or any(s in last for s in services)
    return ours


def _deploys(path: str, text: str, by_name: bool, script: bool,
             ours: Callable[[str | None], bool]) -> tuple[int | None, str]:
    """Where the file deploys or runs an image, and how, for the reason; None where not. A
    command in a comment (`# gcloud run deploy ...`) does not, nor one in the text a step
    prints (`echo "  - K8s: kubectl apply -f canary.yaml"`), nor a `docker run` of an
    image that is not the repository's."""
    if by_name:
        return 0, "deploys images"
    for command in _DEPLOYS.finditer(text) if script and _KEYWORDS.search(text) else ():
        line = text[text.rfind("\n", 0, command.start()) + 1:command.start()]
        if "#" in line or _PRINTED.search(line):
            continue   # a comment, or text a step prints (`echo "  - kubectl apply ..."`)
        run = DOCKER_RUN.match(text, command.start())
        if run is not None and (not ours(run_image(run.group())) or
                                runs_a_command(run.group())):
            continue   # another image, or the image running tests instead of its server
        return command.start(), f"runs `{' '.join(command.group().split())}`"
    if path.endswith(".json") and "ontainerDefinitions" not in text:
        return None, ""   # not an ECS task definition or CloudFormation (`package.json`)
    image = _RUNS_IMAGE.search(text)
    if image is None:
        return None, ""
    if path.endswith((".yml", ".yaml")) and (not _KUBERNETES.search(text) or _servers_only(text)):
        return None, ""
    return image.start(), "runs an image"


def _servers_only(manifest: str) -> bool:
    """A Kubernetes manifest whose containers all run well-known servers' images (an envoy
    gateway): no deployment of an app."""
    images = {posixpath.basename(image_path(m.group(1))) for m in _IMAGE.finditer(manifest)}
    return bool(images) and images <= INFRA_IMAGES


def _words(text: str) -> frozenset[str]:
    """The words and paths of a text as a deployment names a service: `./api/` is `api`,
    `ghcr.io/acme/api:1.2` is kept whole, without its tag and as its last part."""
    found: set[str] = set()
    for word in _WORD.findall(text):
        word = word.strip(".:-'\"").removeprefix("./").rstrip("/")
        if not word:
            continue
        found.add(word)
        if "/" in word or ":" in word:
            path = image_path(word)
            found |= {path, posixpath.basename(path)}
    return frozenset(found)
