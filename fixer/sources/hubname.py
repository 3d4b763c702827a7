"""The name an image of Docker Hub goes by, whichever way a reference writes it."""

from __future__ import annotations

import posixpath

_REGISTRIES = ("docker.io/", "index.docker.io/", "registry-1.docker.io/")
# Docker Hub's per-architecture namespaces republish the official images for one platform
# each (`arm64v8/python:3.11-alpine` is `python:3.11-alpine` as arm64 pulls it). Not
# `windows-amd64`, whose plain tags are Windows images.
ARCHITECTURES = frozenset({"amd64", "arm32v5", "arm32v6", "arm32v7", "arm64v8", "i386",
                           "mips64le", "ppc64le", "riscv64", "s390x"})


# registries that republish Docker Hub's official images as they are, under `library/`
# (`public.ecr.aws/docker/library/python:3.13-slim` is `python:3.13-slim`)
_MIRRORS = ("public.ecr.aws/docker/library/", "mirror.gcr.io/library/")


def hub_name(name: str) -> str:
    """`docker.io/library/python`, `library/python` and `arm64v8/python` -> `python`, and
    so do the official images' mirrors (`public.ecr.aws/docker/library/python`); any other
    name as it is, past a Docker Hub registry prefix. The name has no tag or digest."""
    for prefix in _REGISTRIES:
        name = name.removeprefix(prefix)
    if name.startswith(_MIRRORS):   # to `library/python`, as Docker Hub names it
        name = "library/" + name.split("/library/", 1)[1]
    namespace, slash, rest = name.partition("/")
    if slash and rest and "/" not in rest and \
            (namespace == "library" or namespace in ARCHITECTURES):
        return rest
    return name


def image_name(reference: str) -> str:
    """`docker.io/library/postgres:16-alpine@sha256:..` -> `postgres`: a reference's Docker
    Hub name, lowercased, with no tag or digest."""
    name = reference.strip().split("@", 1)[0].lower()
    if ":" in posixpath.basename(name):
        name = name.rsplit(":", 1)[0]
    return hub_name(name)
