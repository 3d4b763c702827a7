"""D003 healthcheck-tool-missing: image families, probes, installs, the Python strategy,
and the seed fleet's curl healthchecks."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from fixer.facts.health.probes import (
    dockerfile_test,
    from_compose_test,
    healthcheck_commands,
    python_code,
)
from fixer.facts.image.images import (
    archive_gone,
    archive_leaving,
    classify,
    debian_release,
    tool_status,
    tools_present,
)
from fixer.facts.image.releases import PYTHON_LAST_ON_BULLSEYE, PYTHON_LAST_ON_BUSTER
from fixer.sources.dockerfile import parse
from fixer.core.textfile import TextFile
import kit
from kit import FixOutcome, app_service, check, codes

CURL_TEST = '["CMD", "curl", "-f", "http://localhost:8000/health"]'


@pytest.mark.parametrize(("image", "family", "tools"), [
    pytest.param("python:3.12", "python-full", {"curl", "wget", "python"}, id="python-full"),
    pytest.param("python:3.11-bookworm", "python-full", {"curl", "wget", "python"},
                 id="python-full-bookworm"),
    pytest.param("python:3-trixie", "python-full", {"curl", "wget", "python"}, id="python-trixie"),
    pytest.param("python:latest", "python-full", {"curl", "wget", "python"}, id="python-latest"),
    pytest.param("python:3.11-slim", "python-slim", {"python"}, id="python-slim"),
    pytest.param("python:3.12-slim-bookworm", "python-slim", {"python"}, id="python-slim-bookworm"),
    pytest.param("python:slim", "python-slim", {"python"}, id="python-slim-alias"),
    pytest.param("docker.io/library/python:3.11-slim@sha256:ab12", "python-slim", {"python"},
                 id="registry-prefix-and-digest"),
    pytest.param("python:3.12-alpine3.20", "python-alpine", {"wget", "python"},
                 id="python-alpine"),
    pytest.param("nginx:alpine", "nginx-alpine", {"curl", "wget"}, id="nginx-alpine"),
    pytest.param("nginx:1.27-alpine", "nginx-alpine", {"curl", "wget"}, id="nginx-version-alpine"),
    pytest.param("nginx:stable-alpine-perl", "nginx-alpine", {"curl", "wget"},
                 id="nginx-alpine-perl"),
    pytest.param("nginx:1.27-alpine-slim", "alpine", {"wget"}, id="nginx-alpine-slim"),
    pytest.param("nginx:1.27", "unknown", set(), id="nginx-debian-unknown"),
    pytest.param("node:20", "node-full", {"curl", "wget"}, id="node-full"),
    pytest.param("node:lts-bookworm", "node-full", {"curl", "wget"}, id="node-lts-bookworm"),
    pytest.param("node:20-slim", "node-slim", set(), id="node-slim"),
    pytest.param("node:22-bookworm-slim", "node-slim", set(), id="node-bookworm-slim"),
    pytest.param("node:20-alpine3.19", "node-alpine", {"wget"}, id="node-alpine"),
    pytest.param("alpine:3.20", "alpine", {"wget"}, id="alpine"),
    pytest.param("debian:12-slim", "debian", set(), id="debian-slim"),
    pytest.param("ubuntu:24.04", "debian", set(), id="ubuntu"),
    pytest.param("gcr.io/distroless/python3-debian12", "distroless", {"python"},
                 id="distroless-python"),
    pytest.param("gcr.io/distroless/base-debian12:nonroot", "distroless", set(),
                 id="distroless-base"),
    pytest.param("gcr.io/distroless/python3-debian12:debug", "unknown", set(),
                 id="distroless-debug-has-busybox"),
    pytest.param("scratch", "scratch", set(), id="scratch"),
    pytest.param("python:3.12-windowsservercore", "unknown", set(), id="unknown-variant"),
    pytest.param("ghcr.io/acme/python-base:3.12-slim", "unknown", set(), id="unknown-image"),
    pytest.param("cgr.dev/chainguard/python:latest", "distroless", {"python"},
                 id="chainguard-python"),
    pytest.param("cgr.dev/chainguard/python:latest-dev", "unknown", set(),
                 id="chainguard-dev-has-a-shell"),
    pytest.param("python:${PY}-slim", "unknown", set(), id="unresolved-variable"),
    # uv's images derived from the official ones, with uv added
    pytest.param("ghcr.io/astral-sh/uv:python3.12-bookworm-slim", "python-slim", {"python"},
                 id="uv-python-slim"),
    pytest.param("astral/uv:0.8.11-python3.13-trixie-slim", "python-slim", {"python"},
                 id="uv-versioned-python-slim"),
    pytest.param("ghcr.io/astral-sh/uv:python3.14-alpine3.23", "python-alpine",
                 {"wget", "python"}, id="uv-python-alpine"),
    pytest.param("ghcr.io/astral-sh/uv:0.5-python3.12-bookworm", "python-full",
                 {"curl", "wget", "python"}, id="uv-python-full"),
    pytest.param("ghcr.io/astral-sh/uv:bookworm-slim", "debian", set(), id="uv-debian-slim"),
    pytest.param("ghcr.io/astral-sh/uv:alpine", "alpine", {"wget"}, id="uv-alpine"),
    pytest.param("ghcr.io/astral-sh/uv:0.5", "unknown", set(), id="uv-binaries-only"),
    # NVIDIA's CUDA images on Ubuntu, and PyTorch's (conda's Python on the PATH)
    pytest.param("nvidia/cuda:12.1.1-runtime-ubuntu22.04", "cuda-ubuntu", set(),
                 id="cuda-runtime"),
    pytest.param("nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04", "cuda-ubuntu", set(),
                 id="cuda-cudnn-devel"),
    pytest.param("nvidia/cuda:11.8.0-base-ubuntu20.04", "cuda-ubuntu", set(), id="cuda-base"),
    pytest.param("nvidia/cuda:12.1.1-runtime-ubi8", "unknown", set(), id="cuda-ubi-no-apt"),
    pytest.param("nvidia/cuda:latest", "unknown", set(), id="cuda-no-flavour"),
    pytest.param("pytorch/pytorch:2.2.2-cuda12.1-cudnn8-runtime", "pytorch", {"python"},
                 id="pytorch-runtime"),
    pytest.param("pytorch/pytorch:2.5.1-cuda12.4-cudnn9-devel", "pytorch", {"python"},
                 id="pytorch-devel"),
    pytest.param("pytorch/pytorch:latest", "unknown", set(), id="pytorch-no-variant"),
    pytest.param("pytorch/pytorch:1.13.1-cuda11.6-cudnn8-runtime", "unknown", set(),
                 id="pytorch-1-built-otherwise"),
    # RabbitMQ's: Ubuntu with the fetching wget purged, or Alpine's busybox wget
    pytest.param("rabbitmq:3-management", "rabbitmq", set(), id="rabbitmq-management"),
    pytest.param("rabbitmq", "rabbitmq", set(), id="rabbitmq-untagged"),
    pytest.param("rabbitmq:4.1.2", "rabbitmq", set(), id="rabbitmq-pinned"),
    pytest.param("rabbitmq:3.8.9-management", "rabbitmq", set(), id="rabbitmq-3.8"),
    pytest.param("docker.io/library/rabbitmq:management", "rabbitmq", set(),
                 id="rabbitmq-alias-with-registry"),
    pytest.param("rabbitmq:3.13.7-management-alpine", "rabbitmq-alpine", {"wget"},
                 id="rabbitmq-alpine"),
    pytest.param("rabbitmq:alpine", "rabbitmq-alpine", {"wget"}, id="rabbitmq-alias-alpine"),
    pytest.param("rabbitmq:3.6-management", "unknown", set(), id="rabbitmq-3.6-debian"),
    pytest.param("rabbitmq:3.12-windowsservercore", "unknown", set(),
                 id="rabbitmq-unknown-variant"),
    pytest.param("bitnami/rabbitmq:3.12", "unknown", set(), id="rabbitmq-not-official"),
])
def test_known_images(image: str, family: str, tools: set[str]) -> None:
    found = classify(image)
    assert (found.name, set(found.tools)) == (family, tools)


def test_unjudged_tools_are_unknown_not_absent() -> None:
    assert classify("node:20").has("python") is None
    assert classify("node:20").has("curl") is True
    assert classify("python:3.12-slim").has("curl") is False
    assert classify("ghcr.io/acme/base:1").has("curl") is None
    assert classify("rabbitmq:3-management").has("python") is None
    assert classify("rabbitmq:3-management").has("curl") is False


@pytest.mark.parametrize(("image", "release"), [
    pytest.param("python:3.10-slim-buster", "Debian buster", id="suite-in-tag"),
    pytest.param("python:3.7-stretch", "Debian stretch", id="stretch"),
    pytest.param("python:2.7-jessie", "Debian jessie", id="jessie"),
    pytest.param("node:14-buster-slim", "Debian buster", id="node-suite"),
    pytest.param("buildpack-deps:buster-curl", "Debian buster", id="buildpack-deps"),
    pytest.param("debian:buster-slim", "Debian buster", id="debian-codename"),
    pytest.param("debian:10", "Debian buster", id="debian-version"),
    pytest.param("debian:10.13-slim", "Debian buster", id="debian-point-release"),
    pytest.param("debian:bookworm-20240612-slim", "Debian bookworm", id="debian-dated"),
    pytest.param("debian:12-slim", "Debian bookworm", id="debian-current"),
    pytest.param("debian:stable-slim", None, id="debian-alias"),
    pytest.param("python:3.9.4-slim", "Debian buster or older", id="patch-pinned-3.9"),
    pytest.param("python:3.9.6", "Debian buster or older", id="boundary-3.9"),
    pytest.param("python:3.8.11-slim", "Debian buster or older", id="boundary-3.8"),
    pytest.param("python:3.7.0", "Debian buster or older", id="oldest-3.7"),
    pytest.param("python:3.6.15-slim", "Debian buster or older", id="every-pinned-3.6"),
    pytest.param("python:3.9.0rc1-slim", "Debian buster or older", id="release-candidate"),
    pytest.param("docker.io/library/python:3.8.5-slim@sha256:ab12", "Debian buster or older",
                 id="registry-prefix-and-digest"),
    pytest.param("python:3.5-slim", "Debian buster or older", id="series-ended-before-the-move"),
    pytest.param("python:2.7", "Debian buster or older", id="python-2"),
    pytest.param("python:3.9.7-slim", "Debian bullseye", id="first-bullseye-3.9"),
    pytest.param("python:3.8.12", "Debian bullseye", id="first-bullseye-3.8"),
    pytest.param("python:3.10.0-slim", "Debian bullseye", id="series-after-the-first-move"),
    pytest.param("python:3.11.4-slim", "Debian bullseye", id="boundary-bookworm-3.11"),
    pytest.param("python:3.11.5-slim", None, id="first-bookworm-3.11"),
    pytest.param("python:3.9.18", None, id="first-bookworm-3.9"),
    pytest.param("python:3.12.0-slim", None, id="series-after-the-second-move"),
    pytest.param("python:3.9-slim", None, id="unpinned-is-current"),
    pytest.param("python:3.12", None, id="current"),
    pytest.param("python:3", None, id="major-only"),
    pytest.param("python:3.9.4-slim-bullseye", "Debian bullseye", id="suite-beats-version"),
    pytest.param("python:3.9.4-alpine", None, id="alpine-is-not-debian"),
    pytest.param("ubuntu:18.04", None, id="ubuntu-not-judged"),
    pytest.param("tiangolo/uvicorn-gunicorn-fastapi:python3.7", None, id="derived-image"),
])
def test_debian_releases(image: str, release: str | None) -> None:
    found = debian_release(image)
    assert (str(found).split(" (")[0] if found else None) == release


@pytest.mark.parametrize(("image", "gone"), [
    pytest.param("python:3.10-slim-buster", True, id="buster"),
    pytest.param("debian:9-slim", True, id="stretch"),
    pytest.param("python:3.9.4-slim", True, id="pinned-before-the-move"),
    pytest.param("python:3.11-slim-bullseye", False, id="bullseye"),
    pytest.param("python:3.12-slim-bookworm", False, id="bookworm"),
    pytest.param("node:22-trixie-slim", False, id="trixie"),
    pytest.param("python:3.9-slim", False, id="unpinned"),
    pytest.param("gcr.io/distroless/python3-debian10", False, id="no-package-manager"),
])
def test_archived_releases(image: str, gone: bool) -> None:
    assert (archive_gone(image) is not None) is gone


def test_archive_reason_says_how_fixer_knows() -> None:
    assert archive_gone("debian:buster-slim") == \
        "debian:buster-slim is Debian buster, whose package archive is gone"
    assert archive_gone("python:3.9.4-slim") == (
        "python:3.9.4-slim is Debian buster or older (the official python images moved to "
        "bullseye in August 2021, after python 3.9.6), whose package archive is gone")


def test_the_python_boundary_table_names_the_last_buster_patch_release() -> None:
    for (major, minor), last in PYTHON_LAST_ON_BUSTER.items():
        assert archive_gone(f"python:{major}.{minor}.{last}-slim") is not None
        assert archive_gone(f"python:{major}.{minor}.{last + 1}-slim") is None
        assert archive_gone(f"python:{major}.{minor}-slim") is None


def test_the_python_boundary_table_names_the_last_bullseye_patch_release() -> None:
    """`python:3.11.2-slim` is bullseye, whose packages leave deb.debian.org on a day fixer
    cannot know; the first release built after the move to bookworm, or an unpinned tag, is
    a current image."""
    for (major, minor), last in PYTHON_LAST_ON_BULLSEYE.items():
        buster = PYTHON_LAST_ON_BUSTER.get((major, minor), -1)
        assert archive_leaving(f"python:{major}.{minor}.{buster + 1}-slim") is not None
        assert archive_leaving(f"python:{major}.{minor}.{last}") is not None
        assert archive_leaving(f"python:{major}.{minor}.{last + 1}-slim") is None
        assert archive_leaving(f"python:{major}.{minor}-slim") is None
    assert archive_leaving("python:3.11.2-slim") == (
        "python:3.11.2-slim is Debian bullseye (the official python images moved to bookworm "
        "in June 2023, after python 3.11.4), whose support ended in August 2026: once its "
        "packages move to archive.debian.org, `apt-get update` fails and the build with it")
    assert archive_leaving("python:3.12.1-slim") is None
    assert archive_leaving("python:3.11.2-alpine") is None


def stage_tools(text: str) -> set[str]:
    dockerfile = parse(TextFile("Dockerfile", text))
    return tools_present(dockerfile, dockerfile.stages[-1])


def test_tools_follow_the_stage_chain_and_meta_args() -> None:
    assert stage_tools("ARG PY=3.12\nFROM python:${PY}\n") == {"curl", "wget", "python"}
    assert stage_tools("ARG PY=3.12\nFROM python:${PY}-slim\n") == {"python"}
    assert stage_tools("ARG PY\nFROM python:${PY:-3.12}\n") == {"curl", "wget", "python"}
    builder_only = ("FROM python:3.12-slim AS build\nRUN apt-get update && apt-get install -y curl\n"
                    "FROM python:3.12-slim\n")
    assert stage_tools(builder_only) == {"python"}
    inherited = builder_only.replace("FROM python:3.12-slim\n", "FROM build AS final\n")
    assert stage_tools(inherited) == {"curl", "python"}
    copied = "FROM gcr.io/distroless/base\nCOPY --from=tools /usr/bin/curl /usr/bin/curl\n"
    assert stage_tools(copied) == {"curl"}
    apk = "FROM python:3.12-alpine\nRUN apk add --no-cache --virtual .deps curl gcc\n"
    assert stage_tools(apk) == {"curl", "wget", "python"}
    deleted = apk.replace("gcc\n", "gcc && pip install x && apk del .deps\n")
    assert stage_tools(deleted) == {"wget", "python"}
    assert stage_tools("FROM debian:12\nRUN apt-get install -y python3-minimal\n") == {"python"}
    # a later stage purges what its base installed, or what the image ships
    purged = inherited + "RUN pip install x && apt-get purge -y --auto-remove curl\n"
    assert stage_tools(purged) == {"python"}
    assert stage_tools("FROM python:3.12\nRUN apt-get remove -y curl wget\n") == {"python"}
    # `autoremove` takes out the packages it is named too; options may come first
    assert stage_tools(inherited + "RUN apt-get autoremove -y gcc curl\n") == {"python"}
    assert stage_tools("FROM python:3.12\nRUN apt-get -y purge curl\n") == {"wget", "python"}
    assert stage_tools("FROM python:3.12\nRUN apt-get -o Debug::X=1 remove wget\n") == \
        {"curl", "python"}
    assert stage_tools(inherited + "RUN apt-get autoremove -y\n") == {"curl", "python"}
    assert stage_tools(purged + "FROM final\nRUN apt-get install -y curl\n") == {"curl", "python"}
    # in one stage a removal reads as coming after its installs (a build-deps cleanup): the
    # cautious side, since a tool wrongly taken as present gives a probe that never passes
    assert stage_tools(purged + "RUN apt-get install -y curl\n") == {"python"}


@pytest.mark.parametrize(("install", "python"), [
    pytest.param("apt-get install -y python3.11", True, id="versioned"),
    pytest.param("apt-get install -y --no-install-recommends python3-pip", True, id="pip"),
    pytest.param("apt-get install -y python3-venv python3-dev", True, id="venv-dev"),
    pytest.param("apt-get install -y python3.12-venv", True, id="versioned-venv"),
    pytest.param("apk add --no-cache py3-pip", True, id="alpine-py3"),
    pytest.param("apt-get install -y python3-pip-whl python3-doc", False, id="wheel-and-docs"),
    pytest.param("apt-get install -y python-is-python3", True, id="python-is-python3"),
    pytest.param("apt-get install -y libpython3.11", False, id="library-only"),
])
def test_packages_that_bring_a_python(install: str, python: bool) -> None:
    assert ("python" in stage_tools(f"FROM debian:12-slim\nRUN {install}\n")) is python


def test_a_copied_file_is_python_only_when_it_is_an_interpreter() -> None:
    base = "FROM gcr.io/distroless/base-debian12\n"
    assert stage_tools(base + "COPY --from=py /usr/local/bin/python3.12 /usr/local/bin/\n") \
        == {"python"}
    assert stage_tools(base + "COPY py3-requirements.txt python3-notes.md /srv/\n") == set()


def test_compose_build_args_pick_the_base() -> None:
    dockerfile = parse(TextFile("Dockerfile", "ARG BASE=python:3.12-slim\nFROM ${BASE}\n"))
    stage = dockerfile.stages[-1]
    assert tool_status(dockerfile, stage, "curl") is False
    assert tool_status(dockerfile, stage, "curl", {"BASE": "python:3.12"}) is True
    assert tool_status(dockerfile, stage, "curl", {"BASE": None}) is None  # from the shell
    assert tool_status(dockerfile, stage, "curl", {"OTHER": "x"}) is False


@pytest.mark.parametrize(("test", "tool", "url"), [
    pytest.param(["CMD", "curl", "-f", "http://localhost:8000/health"], "curl",
                 "http://localhost:8000/health", id="cmd"),
    pytest.param(["CMD-SHELL", "curl -fsS localhost:8000/health || exit 1"], "curl",
                 "http://localhost:8000/health", id="cmd-shell-no-scheme"),
    pytest.param(["wget -qO- http://127.0.0.1:9000/ready"], "wget", "http://127.0.0.1:9000/ready",
                 id="string"),
    pytest.param(["CMD", "/usr/bin/curl", "--fail", "http://localhost/health"], "curl",
                 "http://localhost/health", id="absolute-path"),
    pytest.param(["CMD", "sh", "-c", "curl -f http://localhost/health"], "curl",
                 "http://localhost/health", id="through-sh-c"),
])
def test_probes(test: list[str], tool: str, url: str) -> None:
    probe = from_compose_test(test)
    assert probe is not None and (probe.tool, probe.url, probe.plain) == (tool, url, True)


@pytest.mark.parametrize(("test", "expected"), [
    pytest.param(["CMD", "env", "LANG=C", "curl", "-f", "http://x"], [["curl", "-f", "http://x"]],
                 id="env-and-assignment"),
    pytest.param(["CMD", "sh", "-c", "exec wget -q http://x || exit 1"],
                 [["wget", "-q", "http://x"], ["exit", "1"]], id="sh-c"),
    pytest.param(["CMD-SHELL", "pg_isready -U app && sh -c 'curl http://x'"],
                 [["pg_isready", "-U", "app"], ["curl", "http://x"]], id="cmd-shell-nested-sh-c"),
    pytest.param(["python3.12 -c 'print(1)'"], [["python3.12", "-c", "print(1)"]], id="string"),
    pytest.param(["NONE"], [], id="none"),
    pytest.param(dockerfile_test(("CMD", "curl -f http://x || exit 1"), False),
                 [["curl", "-f", "http://x"], ["exit", "1"]], id="dockerfile-shell-form"),
    pytest.param(dockerfile_test(("CMD", "curl", "-f", "http://x"), True),
                 [["curl", "-f", "http://x"]], id="dockerfile-exec-form"),
    pytest.param(dockerfile_test(("NONE",), False), [], id="dockerfile-none"),
    # Docker runs `sh -c curl -f http://x`: the words after the script are its $0, $1
    pytest.param(["CMD-SHELL", "curl", "-f", "http://x"], [["curl"]], id="cmd-shell-words"),
])
def test_the_commands_a_healthcheck_runs(test: list[str], expected: list[list[str]]) -> None:
    assert healthcheck_commands(test) == expected


@pytest.mark.parametrize(("test", "unused"), [
    (["CMD-SHELL", "pg_isready", "-U", "app"], ("-U", "app")),
    (["CMD-SHELL", "curl -f $0", "http://x"], ()),      # the script reads them
    (["CMD-SHELL", "pg_isready -U app"], ()),
    (["CMD", "curl", "-f", "http://x"], ()),
])
def test_words_after_a_shell_script_are_its_parameters(test: list[str],
                                                       unused: tuple[str, ...]) -> None:
    from fixer.facts.health.probes import unused_shell_words
    assert unused_shell_words(test) == unused


def test_probe_options_a_python_probe_cannot_mirror() -> None:
    probe = from_compose_test(["CMD", "curl", "-H", "Host: x", "http://localhost/health"])
    assert probe is not None and not probe.plain
    assert from_compose_test(["CMD", "python", "-c", python_code("http://x")]) is None
    assert from_compose_test(["NONE"]) is None


def repo(dockerfile: str, test: str = CURL_TEST, extra: str = "") -> dict[str, str | bytes]:
    return {"api/app/main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
            "api/Dockerfile": dockerfile.encode(),
            "docker-compose.yml": f"services:\n  api:\n    build: ./api\n{extra}    healthcheck:\n"
                                  f"      test: {test}\n"}


def fix(files: dict[str, str | bytes], **options: Any) -> FixOutcome:
    """`fixer fix --select D003`, which must fix something."""
    outcome = kit.fix(files, select="D003", **options)
    assert outcome.clean and outcome.applied, outcome
    return outcome


def healthcheck_test(outcome: FixOutcome) -> object:
    return yaml.safe_load(outcome.text("docker-compose.yml"))["services"]["api"]["healthcheck"][
        "test"]


def unchanged(files: dict[str, str | bytes], **options: Any) -> FixOutcome:
    """`fixer fix --select D003` that changes nothing and fails nothing."""
    outcome = kit.fix(files, select="D003", **options)
    assert (outcome.diff, outcome.clean) == ("", True), outcome
    return outcome


LAYER = ("# hadolint ignore=DL3008{nl}RUN apt-get update && apt-get install -y "
         "--no-install-recommends curl && rm -rf /var/lib/apt/lists/*{nl}")


# (before, after) where the repository runs hadolint: the layer carries its pin rules' pragmas
FIXES = [
    pytest.param("FROM python:3.12-slim\r\nUSER 1000\r\nCMD [\"uvicorn\"]\r\n",
                 "FROM python:3.12-slim\r\n" + LAYER.format(nl="\r\n") + "USER 1000\r\nCMD [\"uvicorn\"]\r\n",
                 id="crlf-before-user"),
    pytest.param("FROM python:3.12-slim\nUSER root\nRUN echo\nUSER app\n",
                 "FROM python:3.12-slim\nUSER root\n" + LAYER.format(nl="\n") + "RUN echo\nUSER app\n",
                 id="root-user-is-no-switch"),
    pytest.param("FROM python:3.12-slim\n\nARG V=1\nENV A=1\n\n# deps\nCOPY . .\n",
                 "FROM python:3.12-slim\n\nARG V=1\nENV A=1\n\n" + LAYER.format(nl="\n")
                 + "\n# deps\nCOPY . .\n", id="after-setup-before-commented-copy"),
    pytest.param("FROM python:3.12-alpine\nRUN apk add --no-cache --virtual .b gcc && apk del .b\n",
                 "FROM python:3.12-alpine\n# hadolint ignore=DL3018\nRUN apk add --no-cache curl\n"
                 "RUN apk add --no-cache --virtual .b gcc && apk del .b\n",
                 id="virtual-group-is-not-extended"),
    pytest.param("FROM python:3.12-alpine\nRUN pip install --no-cache-dir fastapi==0.115.0\n",
                 "FROM python:3.12-alpine\n# hadolint ignore=DL3018\nRUN apk add --no-cache curl\n"
                 "# hadolint ignore=DL3059\nRUN pip install --no-cache-dir fastapi==0.115.0\n",
                 id="apk-layer-before-a-one-command-run"),
    pytest.param("FROM python:3.12-slim\nWORKDIR /app",
                 "FROM python:3.12-slim\nWORKDIR /app\n" + LAYER.format(nl="\n").rstrip("\n"),
                 id="no-anchor-no-final-newline"),
    pytest.param("FROM python:3.12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends"
                 " gcc=4:12.2.0-3 && rm -rf /var/lib/apt/lists/*\n",
                 "FROM python:3.12-slim\n# hadolint ignore=DL3008\nRUN apt-get update && apt-get install -y "
                 "--no-install-recommends curl gcc=4:12.2.0-3 && rm -rf /var/lib/apt/lists/*\n",
                 id="pinned-list-gets-the-pragma"),
    pytest.param("FROM python:3.12-slim\nRUN apt-get install -y \\\n    wget \\\n    zlib1g\n",
                 "FROM python:3.12-slim\nRUN apt-get install -y \\\n    curl \\\n    wget \\\n    zlib1g\n",
                 id="sorted-one-per-line"),
    pytest.param("FROM python:3.12-slim\nRUN apt-get install -y \\\n    zlib1g \\\n    gcc\n",
                 "FROM python:3.12-slim\nRUN apt-get install -y \\\n    zlib1g \\\n    gcc \\\n    curl\n",
                 id="unsorted-appended"),
]


@pytest.mark.parametrize(("before", "after"), FIXES)
def test_d003_fixes(before: str, after: str) -> None:
    files = {**repo(before), ".hadolint.yaml": "ignored:\n  - DL3013\n"}
    assert fix(files).tree["api/Dockerfile"].decode() == after


@pytest.mark.parametrize(("before", "after"), FIXES)
def test_d003_fixes_carry_the_pragma_where_nothing_names_hadolint(before: str,
                                                                  after: str) -> None:
    """No hadolint configuration, hook or CI step, no `# hadolint` comment: hadolint may
    still run (an editor, a CI job kept elsewhere), and the fixed file gains no finding."""
    assert fix(repo(before)).tree["api/Dockerfile"].decode() == after


@pytest.mark.parametrize(("where", "text"), [
    pytest.param(".hadolint.yml", "failure-threshold: error\n", id="configuration"),
    pytest.param(".pre-commit-config.yaml", "repos:\n  - repo: https://github.com/hadolint/"
                 "hadolint\n    rev: v2.12.0\n    hooks:\n      - id: hadolint-docker\n",
                 id="pre-commit-hook"),
    pytest.param(".github/workflows/lint.yml", "jobs:\n  lint:\n    steps:\n"
                 "      - uses: super-linter/super-linter@v7\n", id="super-linter"),
    pytest.param("worker/Dockerfile", "FROM python:3.12-slim\n# hadolint ignore=DL3013\n"
                 "RUN pip install celery\n", id="pragma-in-another-dockerfile"),
    pytest.param("README.md", "# api\n", id="no-hadolint-anywhere"),
])
def test_d003_pragma_whatever_else_the_repository_holds(where: str, text: str) -> None:
    files = {**repo("FROM python:3.12-slim\nWORKDIR /app\n"), where: text}
    assert "# hadolint ignore=DL3008\nRUN apt-get update" in \
        fix(files).tree["api/Dockerfile"].decode()


@pytest.mark.parametrize("configuration", ["ignored:\n  - DL3008\n  - DL3013\n",
                                           "failure-threshold: error\nignored: [DL3013, DL3008]\n"])
def test_d003_no_pragma_for_a_rule_the_configuration_ignores(configuration: str) -> None:
    files = {**repo("FROM python:3.12-slim\nWORKDIR /app\n"), ".hadolint.yaml": configuration}
    dockerfile = fix(files).tree["api/Dockerfile"].decode()
    assert "RUN apt-get update" in dockerfile and "hadolint ignore" not in dockerfile


@pytest.mark.parametrize(("dockerfile", "test"), [
    pytest.param("FROM python:3.12\n", CURL_TEST, id="full-image"),
    pytest.param("FROM python:3.12-alpine\n", '["CMD", "wget", "-q", "--spider", "http://localhost/"]',
                 id="busybox-wget"),
    pytest.param("FROM python:3.12-slim\nRUN apt-get install -y curl\n", CURL_TEST, id="installed"),
    pytest.param("FROM ghcr.io/acme/base:1.4\n", CURL_TEST, id="unknown-family"),
    pytest.param("FROM python:3.12-slim\n", '["CMD", "python", "-c", "print(1)"]', id="no-tool"),
    pytest.param("FROM python:3.12-slim\nHEALTHCHECK NONE\n", '["NONE"]', id="disabled"),
])
def test_d003_noop(dockerfile: str, test: str) -> None:
    assert unchanged(repo(dockerfile, test)).applied == []


@pytest.mark.parametrize("dockerfile", [
    pytest.param("FROM python:3.10-slim-buster\nWORKDIR /app\nCOPY . .\n", id="suite-in-tag"),
    pytest.param("FROM python:3.7.3-slim\nRUN apt-get update && apt-get install -y "
                 "--no-install-recommends gcc && rm -rf /var/lib/apt/lists/*\n",
                 id="existing-apt-install-not-extended"),
    pytest.param("ARG PY=3.8.5\nFROM python:${PY}-slim AS runtime\n", id="version-from-an-arg"),
])
def test_d003_archived_release_probes_with_python(dockerfile: str) -> None:
    outcome = fix(repo(dockerfile))
    assert outcome.text("api/Dockerfile") == dockerfile
    assert healthcheck_test(outcome) == [
        "CMD", "python", "-c", python_code("http://localhost:8000/health")]
    assert check(outcome.tree, select="D003") == []


GONE = "is Debian buster, whose package archive is gone: apt-get cannot install curl"


@pytest.mark.parametrize(("dockerfile", "test", "reason"), [
    pytest.param("FROM debian:buster-slim\nCOPY exporter /usr/local/bin/\nCMD [\"exporter\"]\n",
                 CURL_TEST,
                 f"debian:buster-slim {GONE}", id="no-python"),
    pytest.param("FROM node:14-buster-slim\nCOPY . .\n", CURL_TEST, f"node:14-buster-slim {GONE}",
                 id="python-not-judged"),
    pytest.param("FROM python:3.10-slim-buster\n",
                 '["CMD", "curl", "-f", "-H", "X-Probe: 1", "http://localhost:8000/health"]',
                 f"python:3.10-slim-buster {GONE}, and the curl probe uses options a Python "
                 "urllib probe cannot mirror", id="probe-options"),
])
def test_d003_archived_release_display_only(dockerfile: str, test: str, reason: str) -> None:
    [finding] = unchanged(repo(dockerfile, test)).remaining
    assert not finding.fixable and reason in (finding.reason or ""), finding.reason


def test_python_strategy_keeps_the_image_and_the_url() -> None:
    outcome = fix(repo("FROM python:3.12-slim\n"), healthcheck_strategy="python")
    assert outcome.text("api/Dockerfile") == "FROM python:3.12-slim\n"
    assert healthcheck_test(outcome) == [
        "CMD", "python", "-c", python_code("http://localhost:8000/health")]


def test_python_strategy_needs_a_python_in_the_image() -> None:
    distroless = repo("FROM gcr.io/distroless/python3-debian12\n")
    assert unchanged(distroless).applied == []  # nothing to install with
    test = healthcheck_test(fix(distroless, healthcheck_strategy="python"))
    assert test[:2] == ["CMD", "python3"]  # type: ignore[index]
    # no Python: curl installed
    nginx = fix(repo("FROM nginx:1.27-alpine-slim\nCOPY . /usr/share/nginx/html\n"),
                healthcheck_strategy="python")
    assert nginx.text("api/Dockerfile") == (
        "FROM nginx:1.27-alpine-slim\n# hadolint ignore=DL3018\nRUN apk add --no-cache curl\n"
        "COPY . /usr/share/nginx/html\n")
    assert healthcheck_test(nginx) == json.loads(CURL_TEST)


STRATEGY = '`healthcheck-strategy = "python"` (`--healthcheck-strategy python`)'


@pytest.mark.parametrize(("dockerfile", "test", "named"), [
    pytest.param("FROM gcr.io/distroless/python3-debian12\n", CURL_TEST, True,
                 id="distroless-python"),
    pytest.param("FROM python:3.12-slim AS base\nRUN useradd app\nUSER app\nFROM base\n",
                 CURL_TEST, True, id="inherited-user"),
    pytest.param("FROM gcr.io/distroless/base-debian12\n", CURL_TEST, False,
                 id="distroless-without-python"),
    pytest.param("FROM gcr.io/distroless/python3-debian12\n",
                 '"curl -f http://localhost:8000/health || exit 1"', False,
                 id="string-test-needs-a-shell"),
    pytest.param("FROM python:3.12-slim AS base\nRUN useradd app\nUSER app\nFROM base\n",
                 '["CMD", "curl", "-f", "-H", "X-Probe: 1", "http://localhost:8000/health"]',
                 False, id="options-a-urllib-probe-cannot-mirror"),
])
def test_display_only_reason_names_the_python_strategy_where_it_works(
        dockerfile: str, test: str, named: bool) -> None:
    """Where nothing can be installed but the stage has a Python and the probe is a plain
    GET, the Python strategy fixes the finding: the reason says so."""
    [finding] = unchanged(repo(dockerfile, test)).remaining
    assert not finding.fixable and (STRATEGY in (finding.reason or "")) is named, finding.reason
    if named:
        assert fix(repo(dockerfile, test), healthcheck_strategy="python").applied


def test_python_strategy_is_display_only_through_an_alias() -> None:
    files = repo("FROM python:3.12-slim\n") | {"docker-compose.yml": (
        "x-health: &health\n  test: " + CURL_TEST + "\nservices:\n  api:\n    build: ./api\n"
        "    healthcheck: *health\n")}
    [finding] = unchanged(files, healthcheck_strategy="python").remaining
    assert "YAML alias" in (finding.reason or "")
    assert fix(files).applied  # installing curl needs no edit there


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_python_probe_passes_on_a_live_app_and_fails_on_http_errors(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text(
        "from fastapi import FastAPI\napp = FastAPI()\n\n@app.get('/health')\n"
        "def health() -> dict[str, str]:\n    return {'status': 'ok'}\n")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "main:app", "--port", str(port)],
                              cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        probe = [sys.executable, "-c", python_code(f"http://127.0.0.1:{port}/health")]
        deadline = time.monotonic() + 20
        while subprocess.run(probe, capture_output=True).returncode != 0:
            assert time.monotonic() < deadline, "the app did not come up"
            time.sleep(0.2)
        missing = [sys.executable, "-c", python_code(f"http://127.0.0.1:{port}/nope")]
        assert subprocess.run(missing, capture_output=True).returncode == 1
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert subprocess.run(probe, capture_output=True).returncode == 1  # refused: unhealthy


def test_seed_fleet_dockerfiles_install_the_curl_their_healthchecks_run(
        seed_fleet_fixed: FixOutcome) -> None:
    assert seed_fleet_fixed.clean and seed_fleet_fixed.applied
    compose = yaml.safe_load(seed_fleet_fixed.text("docker-compose.yml"))
    curl_services = [name for name, service in compose["services"].items()
                     if "curl" in service.get("healthcheck", {}).get("test", [])]
    assert len(curl_services) == 7
    for name in curl_services:
        text = seed_fleet_fixed.text(f"{name}/Dockerfile")
        assert "curl" in stage_tools(text), name
        assert "apt-get install -y --no-install-recommends curl" in text
    assert check(seed_fleet_fixed.tree, select="D003") == []


@pytest.mark.parametrize("runner", ["", "sudo ", "command ", "env DEBIAN_FRONTEND=noninteractive ",
                                    "DEBIAN_FRONTEND=noninteractive "])
def test_an_install_behind_a_runner_counts(runner: str) -> None:
    # `command apt-get install` installs as `apt-get install` does: the program is the word
    # after `sudo`, `env`, `exec`, `command` and the assignments before it
    files = app_service(healthcheck="curl")
    files["api/Dockerfile"] = files["api/Dockerfile"].replace(
        "WORKDIR /app\n", "RUN apt-get update && " + runner + "apt-get install -y --no-install-"
        "recommends curl && rm -rf /var/lib/apt/lists/*\nWORKDIR /app\n")
    assert codes(check(files)) == []
    assert codes(check(app_service(healthcheck="curl"))) == ["D003"]


def test_a_tool_the_build_purges_is_absent_and_not_installed_again() -> None:
    """Installed by the base stage, purged by the final one: a curl probe never passes, and
    an install layer above the purge would be undone. D003 leaves it to the author, and
    C004 probes with the image's Python instead."""
    dockerfile = ("FROM python:3.12-slim AS base\nRUN apt-get update && apt-get install -y curl\n"
                  "FROM base AS final\nWORKDIR /srv\nCOPY . .\n"
                  "RUN pip install -r requirements.txt && apt-get purge -y curl\n"
                  'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n')
    [finding] = kit.check(repo(dockerfile), select="D003")
    assert not finding.fixable and "removes curl" in (finding.reason or ""), finding.reason
    files = repo(dockerfile, extra="")
    files["docker-compose.yml"] = b"services:\n  api:\n    build: ./api\n"
    files["api/app/main.py"] = (b"from fastapi import FastAPI\napp = FastAPI()\n\n\n"
                                b'@app.get("/health")\ndef health():\n    return {}\n')
    outcome = kit.fix(files, select="C004")
    assert outcome.clean and [f.code for f in outcome.applied] == ["C004"], outcome
    assert outcome.tree["api/Dockerfile"] == dockerfile.encode()
    assert "urllib" in outcome.text("docker-compose.yml")


def test_no_curl_installed_for_a_probe_that_calls_no_http_url() -> None:
    """`curl -f postgresql://…` fails with curl installed: the install would only make a
    probe that never passes run. The reason shows the URL without its credentials."""
    files = repo("FROM python:3.12-slim\nCOPY . .\n",
                 test='["CMD", "curl", "-f", "postgresql://app:pw@db:5432/app"]')
    unchanged(files)
    [found] = [f for f in check(files, select="D003")]
    assert not found.fixable
    assert found.reason == ("the healthcheck's curl calls `postgresql://db:5432/app`, no HTTP "
                            "URL: with curl installed it fails as well")


def _published(files: dict[str, str], test: str) -> dict[str, str]:
    """`files` with compose naming a published image beside the build and running `test`."""
    compose = files["compose.yaml"].replace("    build: ./api\n", "    build: ./api\n"
                                            "    image: ghcr.io/acme/api:latest\n")
    compose = re.sub(r"test: .*", f"test: {test}", compose)
    return {**files, "compose.yaml": compose}


def test_a_pulled_distroless_image_gets_no_string_probe() -> None:
    # the string runs through /bin/sh, which a distroless image does not have
    files = _published(app_service(healthcheck="curl", base="gcr.io/distroless/python3-debian12"),
                       "curl -fsS http://localhost:8000/health || exit 1")
    [found] = check(files, select="D003")
    assert found.safety.value == "display-only" and "has no shell" in (found.reason or "")


def test_a_pulled_image_that_installs_python_gets_a_python_probe() -> None:
    files = app_service(healthcheck="curl", base="ubuntu:24.04")
    files["api/Dockerfile"] = files["api/Dockerfile"].replace(
        "FROM ubuntu:24.04\n", "FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y "
        "--no-install-recommends python3 python3-pip && rm -rf /var/lib/apt/lists/*\n")
    [found] = check(_published(files, CURL_TEST), select="D003")
    assert found.safety.value == "safe" and "Python urllib" in (found.fix_title or "")


@pytest.mark.parametrize("run", ["RUN sh /tmp/install-system-deps.sh",
                                 "RUN bash scripts/setup.sh && rm -rf /var/lib/apt/lists/*",
                                 "RUN ./bootstrap.sh"])
def test_a_script_a_run_executes_may_install_the_tool(run: str) -> None:
    # fixer does not read what the script installs: no finding, no second install
    files = app_service(healthcheck="curl")
    files["api/Dockerfile"] = files["api/Dockerfile"].replace(
        "WORKDIR /app\n", f"WORKDIR /app\nCOPY install-system-deps.sh /tmp/\n{run}\n")
    assert codes(check(files, select="D003")) == []
    assert codes(check(app_service(healthcheck="curl"), select="D003")) == ["D003"]


@pytest.mark.parametrize(("image", "pulled"), [
    ("ghcr.io/acme/api:${TAG:-latest}", True),
    ("${API_IMAGE:-acme/api:1.4}", True),
    ("api:cpu-${VARIANT:-server}", False),   # a local tag: its variable is in the tag
    ("api", False),
])
def test_a_published_image_is_a_registrys_or_a_variables(image: str, pulled: bool) -> None:
    files = app_service(healthcheck="curl")
    files["compose.yaml"] = files["compose.yaml"].replace(
        "    build: ./api\n", f"    build: ./api\n    image: {image}\n")
    [found] = check(files, select="D003")
    assert ("Python urllib" in (found.fix_title or "")) is pulled, found.fix_title
