"""The names the repository's build scripts give the images they build, and where from.

A deployment file names an image, not a compose service: `ghcr.io/acme/orders-api:${tag}`
in Terraform is the `api` service's image when CI builds `./api` with that tag. Two kinds
of build are read: a `docker build -t NAME ... CONTEXT` line of a script, Makefile or CI
file (its `-f` Dockerfile too), and a CI step that builds with `context:` and `tags:` (GitHub's
`docker/build-push-action`), whose tags may come from the `images:` of the job's
`docker/metadata-action` step (`tags: ${{ steps.meta.outputs.tags }}`).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

import yaml

from fixer.core.derived import Memo
from fixer.facts.image.buildscripts import is_build_script
from fixer.core.textfile import TextFile
from fixer.model.workspace import Workspace

# per workspace: image name (registry and path kept, no tag) -> the build contexts and
# Dockerfiles it is built from, as repository paths
_BUILT: Memo[dict[str, list[str]]] = Memo("image names built by scripts")
_DOCKER_BUILD = re.compile(r"\bdocker[ \t]+(?:buildx[ \t]+)?build\b[^\n;&|]*")
_WORKFLOW = re.compile(r"(^|/)\.github/workflows/[^/]+\.ya?ml$")


def script_texts(ws: Workspace) -> Iterator[tuple[str, str, TextFile]]:
    """Each build script, its continued lines (`docker run --rm \\` then `-p 8080:8080 \\`)
    joined with their offsets kept."""
    for path in ws.tree.paths():
        file = ws.read(path) if is_build_script(path) else None
        if file is not None:
            yield path, re.sub(r"\\(\r?\n)", lambda m: " " * len(m.group()), file.text), file


def built_images(ws: Workspace) -> dict[str, list[str]]:
    """Image name -> the contexts and Dockerfiles the build scripts build it from."""
    return ws.derived.get(_BUILT, lambda: _built(ws))


def names_built_from(ws: Workspace, *where: str) -> list[str]:
    """The last path part of each image name built from one of these contexts or
    Dockerfiles (`orders-api` of `ghcr.io/acme/orders-api`), lowercased."""
    return sorted({image_name(name) for name, built in built_images(ws).items()
                   if any(place in where for place in built)} - {""})


def image_name(image: str) -> str:
    """`registry/org/fastapi-web:1.2` -> `fastapi-web`, as deployment files name it."""
    return posixpath.basename(image.split("@")[0]).split(":")[0].lower()


def _built(ws: Workspace) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path, text, _file in script_texts(ws):
        folder = posixpath.dirname(path)
        for build in _DOCKER_BUILD.finditer(text):
            words = build.group().split()
            tags = [words[i + 1] for i, w in enumerate(words[:-1]) if w in ("-t", "--tag")]
            files = [words[i + 1] for i, w in enumerate(words[:-1]) if w in ("-f", "--file")]
            where = [_repo_path(posixpath.join(folder, w.strip("\"'")))
                     for w in files + words[-1:]]
            for tag in tags:
                found.setdefault(_untagged(tag.strip("\"'")), []).extend(where)
        if _WORKFLOW.search(path) and "context" in text:
            for tag, where in _workflow_builds(text):
                found.setdefault(_untagged(tag), []).extend(where)
    return found


def _repo_path(path: str) -> str:
    """A path as the workspace writes it: `./api/` -> `api`, the root ""."""
    normal = posixpath.normpath(path)
    return "" if normal == "." else normal


def _untagged(image: str) -> str:
    """`ghcr.io/acme/api:1.2` -> `ghcr.io/acme/api`; a registry's port stays."""
    return image.rsplit(":", 1)[0] if ":" in image.rsplit("/", 1)[-1] else image


def _workflow_builds(text: str) -> Iterator[tuple[str, list[str]]]:
    """(image name, [context, Dockerfile]) of each step of a GitHub workflow that builds
    with `context:` and `tags:` (paths from the checkout's root)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return
    jobs = data.get("jobs") if isinstance(data, dict) else None
    for job in jobs.values() if isinstance(jobs, dict) else ():
        steps = job.get("steps") if isinstance(job, dict) else None
        inputs = [s["with"] for s in steps if isinstance(s, dict) and
                  isinstance(s.get("with"), dict)] if isinstance(steps, list) else []
        # `docker/metadata-action`'s `images:`, which its `outputs.tags` tag
        named = [word for given in inputs for word in _words(given.get("images"))]
        for given in inputs:
            context = given.get("context")
            if not isinstance(context, str) or "$" in context:
                continue
            root = _repo_path(context)
            dockerfile = given.get("file")
            where = [root, _repo_path(dockerfile) if isinstance(dockerfile, str)
                     else posixpath.join(root, "Dockerfile")]
            for tag in _words(given.get("tags")):
                for name in named if "outputs.tags" in tag else [tag]:
                    yield name, where


def _words(value: object) -> list[str]:
    """A YAML value of image names: a string of lines or commas, or a list of them."""
    items = value if isinstance(value, list) else [value]
    return [word.strip() for item in items if isinstance(item, str)
            for word in re.split(r"[\n,]", item) if word.strip()]
