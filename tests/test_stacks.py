"""How the workspace reads a repository (RULES.md, "How fixer reads a repository"): stacks,
overrides and overlays, build contexts, case-exact Dockerfiles, encodings kept on write."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from fixer.tree import FolderSource, Tree
from fixer.workspace import Workspace
from support import run_cli
from test_cli import APP, dockerfile, write_tree

WEB = 'services:\n  web:\n    build: ./web\n    ports: ["8001:8001"]\n'


def load(root: Path) -> Workspace:
    return Workspace.load(Tree(FolderSource(root)))


def stacks(root: Path) -> list[list[str]]:
    ws = load(root)
    assert not ws.errors, ws.errors
    return [[doc.path for doc in stack.docs] for stack in ws.stacks]


def service(image: str = "nginx") -> str:
    return f"services:\n  web:\n    image: {image}\n"


# -- stacks -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("present", "winner"), [
    pytest.param(["compose.yaml", "compose.yml"], "compose.yaml", id="yaml-over-yml"),
    pytest.param(["compose.yml", "docker-compose.yaml"], "compose.yml", id="compose-first"),
    pytest.param(["docker-compose.yaml", "docker-compose.yml"], "docker-compose.yaml",
                 id="docker-compose-yaml"),
    pytest.param(["docker-compose.yml"], "docker-compose.yml", id="alone"),
])
def test_the_canonical_name_wins_and_takes_the_override(tmp_path: Path, present: list[str],
                                                        winner: str) -> None:
    write_tree(tmp_path, {name: service() for name in present})
    override = "compose.override.yaml" if winner.startswith("compose") else \
        "docker-compose.override.yml"
    write_tree(tmp_path, {override: "services:\n  web:\n    environment: {A: '1'}\n"})
    found = stacks(tmp_path)
    assert found[0] == [winner, override]
    assert all(override not in stack for stack in found[1:])


def test_override_is_merged_by_service_name(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "docker-compose.yml": "services:\n  web:\n    image: a\n    ports: ['80:80']\n",
        "docker-compose.override.yml": "services:\n  web:\n    ports: ['81:81']\n"
                                       "  extra:\n    image: b\n",
    })
    [stack] = load(tmp_path).stacks
    web = stack.services["web"]
    assert [doc.path for doc, _ in web.definitions] == ["docker-compose.yml",
                                                        "docker-compose.override.yml"]
    ports = web.get("ports")
    assert ports is not None and ports[0].path == "docker-compose.override.yml"  # last file wins
    assert web.scalar("image") == "a"
    assert sorted(stack.services) == ["extra", "web"]


def test_a_dev_variant_with_services_is_its_own_stack(tmp_path: Path) -> None:
    write_tree(tmp_path, {"docker-compose.yml": service(),
                          "docker-compose-dev.yml": WEB, "docker-compose.prod.yaml": service()})
    assert stacks(tmp_path) == [["docker-compose.yml"], ["docker-compose-dev.yml"],
                                ["docker-compose.prod.yaml"]]


def test_an_overlay_of_overrides_is_merged_not_a_stack(tmp_path: Path) -> None:
    overlay = ("services:\n  web:\n    healthcheck:\n      interval: 10s\n"
               "    build:\n      cache_from: [type=gha]\n")
    write_tree(tmp_path, {"docker-compose.yml": WEB, "docker-compose.ci.yml": overlay})
    [stack] = load(tmp_path).stacks
    assert [d.path for d in stack.docs] == ["docker-compose.yml", "docker-compose.ci.yml"]
    assert len(stack.services["web"].definitions) == 2


def test_a_file_with_only_networks_and_volumes_is_no_stack(tmp_path: Path) -> None:
    write_tree(tmp_path, {"compose.yaml": "networks:\n  shared: {}\nvolumes:\n  data: {}\n",
                          "svc/compose.yaml": WEB, "other/compose.yaml": "services:\n"})
    assert stacks(tmp_path) == [["svc/compose.yaml"]]


def test_compose_in_a_subfolder_resolves_contexts_from_its_own_folder(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "deploy/docker-compose.yml": "services:\n  web:\n    build: ../web\n"
                                     "  api:\n    build:\n      context: ../services/api\n",
        "web/Dockerfile": dockerfile(8000), "services/api/Dockerfile": dockerfile(8000),
    })
    ws = load(tmp_path)
    apps = {s.name: s.app for s in ws.apps()}
    assert apps["web"] is not None and apps["api"] is not None
    assert (apps["web"].folder, apps["web"].dockerfile.path) == ("web", "web/Dockerfile")
    assert apps["api"].dockerfile.path == "services/api/Dockerfile"


# -- build: forms and Dockerfiles -------------------------------------------------------------

MULTI_STAGE = ("FROM python:3.12 AS build\nRUN pip wheel .\n"
               "FROM python:3.12-slim AS runtime\nCMD [\"uvicorn\", \"app.main:app\"]\n"
               "FROM runtime AS debug\nCMD [\"sleep\", \"infinity\"]\n")


def test_long_build_form_with_context_dockerfile_and_target(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "compose.yaml": "services:\n  api:\n    build:\n      context: ./api\n"
                        "      dockerfile: docker/Prod.Dockerfile\n      target: runtime\n"
                        "  tail:\n    build:\n      context: api\n"
                        "      dockerfile: docker/Prod.Dockerfile\n",
        "api/docker/Prod.Dockerfile": MULTI_STAGE,
    })
    apps = {s.name: s.app for s in load(tmp_path).apps()}
    api, tail = apps["api"], apps["tail"]
    assert api is not None and tail is not None
    assert (api.build.context, api.build.dockerfile) == ("api", "api/docker/Prod.Dockerfile")
    assert api.build.target == "runtime" and api.stage.name == "runtime"
    assert tail.stage.name == "debug"  # no target: the last stage


def test_long_form_without_context_builds_the_compose_folder(tmp_path: Path) -> None:
    write_tree(tmp_path, {"svc/compose.yaml": "services:\n  a:\n    build:\n"
                                              "      dockerfile: Dockerfile\n",
                          "svc/Dockerfile": dockerfile(8000)})
    [app] = [s.app for s in load(tmp_path).apps()]
    assert app is not None and app.dockerfile.path == "svc/Dockerfile"


def test_the_dockerfile_is_matched_case_sensitively(tmp_path: Path) -> None:
    write_tree(tmp_path, {"compose.yaml": "services:\n  a:\n    build: ./a\n"
                                          "  b:\n    build:\n      context: ./a\n"
                                          "      dockerfile: dockerfile\n",
                          "a/dockerfile": dockerfile(8000)})
    ws = load(tmp_path)
    services = {s.name: s for s in ws.services()}
    assert services["a"].app is None  # Linux builds look for "Dockerfile" exactly
    assert services["b"].app is not None


# -- encodings and line endings, kept on write ------------------------------------------------

def encoded(text: str, kind: str) -> bytes:
    if kind == "utf-16-le-bom":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    return (codecs.BOM_UTF8 if kind == "utf-8-bom" else b"") + text.encode("utf-8")


@pytest.mark.parametrize("kind", ["utf-8", "utf-8-bom", "utf-16-le-bom"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_encoding_and_newlines_survive_a_fix(tmp_path: Path, kind: str, newline: str) -> None:
    compose = WEB.replace("\n", newline)
    docker = dockerfile(8000).replace("\n", newline)
    write_tree(tmp_path, {"compose.yaml": encoded(compose, kind),
                          "web/Dockerfile": encoded(docker, kind),
                          "web/app/__init__.py": "", "web/app/main.py": APP})
    ws = load(tmp_path)
    assert [s.app.listen.port for s in ws.apps() if s.app] == [8000]
    file = ws.tree.read("compose.yaml")
    assert file.newline == newline and file.encode() == encoded(compose, kind)
    code, _, err = run_cli("fix", "--apply", tmp_path, "--select", "P001")
    assert code == 1, err
    assert (tmp_path / "compose.yaml").read_bytes() == encoded(compose, kind)
    assert (tmp_path / "web/Dockerfile").read_bytes() == encoded(docker.replace("8000", "8001"),
                                                                 kind)
