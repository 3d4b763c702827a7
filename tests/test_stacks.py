"""How the workspace reads a repository (RULES.md, "How fixer reads a repository"): stacks,
overrides and overlays, build contexts, case-exact Dockerfiles, encodings kept on write."""

from __future__ import annotations

import codecs
import time
from pathlib import Path

import pytest

from fixer.sources.compose import elements, scalar
from fixer.sources.compose import parse as parse_compose
from fixer.model.stacks import group_stacks
from fixer.core.textfile import TextFile
from fixer.core.tree import FolderSource, Tree
from fixer.model.workspace import Workspace
from support import compose_config, run_cli
from test_cli import APP, dockerfile, write_tree

WEB = 'services:\n  web:\n    build: ./web\n    ports: ["8001:8001"]\n'


def load(root: Path) -> Workspace:
    return Workspace.load(Tree(FolderSource(root)))


def stacks(root: Path) -> list[list[str]]:
    ws = load(root)
    assert not ws.errors, ws.errors
    return [[doc.path for doc in stack.docs] for stack in ws.stacks]


MULTI_STAGE_WORKER = ("FROM python:3.12-slim AS run\nCMD [\"python\", \"-m\", \"worker\"]\n"
                      "FROM run AS test\nCMD [\"pytest\"]\n")


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


ALTERNATIVE = ("services:\n  web:\n    build:\n      context: ./web\n"
               "      dockerfile: {dockerfile}\n{target}  db:\n    {db}\n")


@pytest.mark.parametrize(("prod_target", "expected"), [
    pytest.param("", [["docker-compose.yml", "docker-compose.dev.yml"],
                      ["docker-compose.yml", "docker-compose.prod.yml"]],
                 id="built-otherwise-alternatives"),
    pytest.param("      target: development\n",
                 [["docker-compose.yml", "docker-compose.dev.yml", "docker-compose.prod.yml"]],
                 id="built-alike-layers"),
])
def test_overlays_building_a_service_otherwise_are_alternative_stacks(
        tmp_path: Path, prod_target: str, expected: list[list[str]]) -> None:
    """Each relies on the base's `db`; merged, dev's `target: development` would be looked
    for in prod's Dockerfile (a false input error that stopped every fix)."""
    dev = ALTERNATIVE.format(dockerfile="Dockerfile", target="      target: development\n",
                             db='ports: ["5432:5432"]')
    prod = ALTERNATIVE.format(dockerfile="Dockerfile" if prod_target else "Dockerfile.prod",
                              target=prod_target, db="restart: always")
    base = "services:\n  db:\n    image: postgres:16\n  web:\n    build: ./web\n"
    write_tree(tmp_path, {"docker-compose.yml": base, "docker-compose.dev.yml": dev,
                          "docker-compose.prod.yml": prod,
                          "web/Dockerfile": "FROM node:22 AS development\nFROM node:22\n",
                          "web/Dockerfile.prod": "FROM node:22 AS builder\nFROM nginx:1.27\n"})
    assert stacks(tmp_path) == expected


def test_an_overlay_of_overrides_is_merged_not_a_stack(tmp_path: Path) -> None:
    overlay = ("services:\n  web:\n    healthcheck:\n      interval: 10s\n"
               "    build:\n      cache_from: [type=gha]\n")
    write_tree(tmp_path, {"docker-compose.yml": WEB, "docker-compose.ci.yml": overlay})
    [stack] = load(tmp_path).stacks
    assert [d.path for d in stack.docs] == ["docker-compose.yml", "docker-compose.ci.yml"]
    assert len(stack.services["web"].definitions) == 2


@pytest.mark.parametrize("tagged", ["    volumes: !reset []\n",
                                    "    ports: !override\n      - \"9000:8001\"\n"])
def test_a_service_with_a_merge_tag_overrides_even_with_a_build_of_its_own(
        tmp_path: Path, tagged: str) -> None:
    # `!reset` and `!override` mean something only over a base: `-f base -f prod`
    overlay = "services:\n  web:\n    build:\n      context: ./web\n" + tagged
    write_tree(tmp_path, {"docker-compose.yml": WEB, "docker-compose.prod.yml": overlay})
    assert stacks(tmp_path) == [["docker-compose.yml", "docker-compose.prod.yml"]]


def test_an_overlay_that_resets_a_build_is_left_out(tmp_path: Path) -> None:
    # `docker compose -f docker-compose.yml -f docker-compose.ecr.yml pull`: merged, it
    # would leave no build to check in the stack a plain `docker compose up` builds
    registry = "services:\n  web:\n    build: !reset null\n    image: registry/web:1\n"
    write_tree(tmp_path, {"docker-compose.yml": WEB, "docker-compose.ecr.yml": registry})
    assert stacks(tmp_path) == [["docker-compose.yml"]]


def test_a_file_that_only_swaps_images_is_left_out(tmp_path: Path) -> None:
    # `-f docker-compose.yml -f docker-compose.ci.yml`, each image pulled from a mirror:
    # alone it would run a postgres with no password (C010's false error)
    base = WEB + "  db:\n    image: postgres:17\n    environment: {POSTGRES_PASSWORD: pw}\n" \
        "  cache:\n    image: redis:7\n"
    mirror = "services:\n  db:\n    image: public.ecr.aws/docker/library/postgres:17\n" \
        "  cache:\n    image: redis:7\n"
    write_tree(tmp_path, {"docker-compose.yml": base, "docker-compose.ci.yml": mirror})
    assert stacks(tmp_path) == [["docker-compose.yml"]]


@pytest.mark.parametrize("other", [
    pytest.param(service("redis:6"), id="another-image"),
    pytest.param(service("redis:7"), id="the-same-image"),
    pytest.param(service("mirror.example/redis:6"), id="another-tag"),
    pytest.param(service("registry.example/web:1"), id="an-image-where-the-base-builds"),
    pytest.param("services:\n  cache:\n    image: mirror.example/redis:7\n",
                 id="a-service-the-base-lacks"),
    pytest.param("services:\n  web:\n    image: mirror.example/redis:7\n"
                 "    command: [redis-server]\n", id="more-than-an-image"),
])
def test_a_file_of_images_is_a_stack_where_it_swaps_no_mirror_in(
        tmp_path: Path, other: str) -> None:
    base = service("redis:7") if "web:1" not in other else WEB
    write_tree(tmp_path, {"compose.yaml": base, "compose.test.yaml": other})
    assert sorted(stacks(tmp_path)) == [["compose.test.yaml"], ["compose.yaml"]]


def test_a_file_with_only_networks_and_volumes_is_no_stack(tmp_path: Path) -> None:
    write_tree(tmp_path, {"compose.yaml": "networks:\n  shared: {}\nvolumes:\n  data: {}\n",
                          "svc/compose.yaml": WEB, "other/compose.yaml": "services: {}\n"})
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


# -- overlays in other folders (`-f` files) ----------------------------------------------------

BASE = ("services:\n  api:\n    build: ./services/api\n    env_file: ./services/api/.env\n"
        "  worker:\n    build:\n      context: ./services/worker\n      target: run\n"
        "  db:\n    image: postgres:17-alpine\n")
CI = ("# docker compose -f docker-compose.yml -f ci/docker-compose.ci.yml up\nservices:\n"
      "  api:\n    build:\n      cache_from: [\"type=gha,scope=api\"]\n"
      "    env_file: ./ci/api.env\n"
      "  worker:\n    build: {cache_from: [\"type=gha\"], target: test}\n")
SERVICES = {"services/api/Dockerfile": dockerfile(8000), "services/api/.env": "A=base\n",
            "ci/api.env": "A=ci\nB=1\n", "services/worker/Dockerfile": MULTI_STAGE_WORKER}


def test_a_ci_overlay_in_a_subfolder_joins_its_base_and_resolves_from_it(tmp_path: Path) -> None:
    write_tree(tmp_path, {"docker-compose.yml": BASE, "ci/docker-compose.ci.yml": CI,
                          **SERVICES})
    assert stacks(tmp_path) == [["docker-compose.yml", "ci/docker-compose.ci.yml"]]
    ws = load(tmp_path)
    services = ws.stacks[0].services
    api, worker = services["api"].app, services["worker"].app
    # `build: {cache_from}` overrides the base's build: the context stays ./services/api
    assert api is not None and api.build.dockerfile == "services/api/Dockerfile"
    assert api.build.doc.path == "docker-compose.yml"
    assert worker is not None and (worker.folder, worker.build.target) == ("services/worker",
                                                                           "test")
    # the overlay's env_file resolves from the project folder, as `-f` resolves it
    assert services["api"].environment(ws.tree) == {"A": "ci", "B": "1"}
    assert [d.path for d in ws.stacks[0].overlays()] == ["ci/docker-compose.ci.yml"]
    code, out, err = run_cli("check", tmp_path, "--select", "S001")
    assert (code, out) == (0, ""), err


def test_an_overlay_may_add_services_of_its_own(tmp_path: Path) -> None:
    ci = CI + ("  tests:\n    build:\n      context: .\n      dockerfile: tests/Dockerfile\n"
               "    command: pytest -q\n")
    write_tree(tmp_path, {"docker-compose.yml": BASE, "ci/docker-compose.ci.yml": ci,
                          "tests/Dockerfile": "FROM python:3.12-slim\nCOPY . .\n", **SERVICES})
    ws = load(tmp_path)
    assert [[d.path for d in s.docs] for s in ws.stacks] == [
        ["docker-compose.yml", "ci/docker-compose.ci.yml"]]
    tests = ws.stacks[0].services["tests"].app
    assert tests is not None and (tests.folder, tests.dockerfile.path) == ("", "tests/Dockerfile")


PROD_PROXY = ("services:\n  nginx:\n    image: nginx:alpine\n    depends_on:\n      - api\n")


def test_a_file_relying_on_a_service_it_does_not_define_joins_the_base(tmp_path: Path) -> None:
    # Compose refuses the file alone ("depends on undefined service"): `-f base -f prod`
    write_tree(tmp_path, {"compose.yaml": 'services:\n  api:\n    build: ./api\n',
                          "compose.prod.yaml": PROD_PROXY, "api/Dockerfile": dockerfile(8000),
                          "api/app/main.py": APP})
    assert stacks(tmp_path) == [["compose.yaml", "compose.prod.yaml"]]
    assert compose_config(tmp_path, ["compose.prod.yaml"]).returncode != 0
    assert compose_config(tmp_path, ["compose.yaml", "compose.prod.yaml"]).returncode == 0



def test_a_chain_of_files_each_relying_on_the_last_is_one_stack(tmp_path: Path) -> None:
    # `-f db.yml -f apps.yml -f web.yml`: web's file needs api, which apps' file brings to
    # db's stack once it joins it; each file alone, or web's with db's, Compose refuses
    write_tree(tmp_path, {"compose.db.yml": "services:\n  db:\n    image: postgres:17\n",
                          "compose.apps.yml": "services:\n  api:\n    build: ./api\n"
                                              "    depends_on:\n      - db\n",
                          "compose.web.yml": PROD_PROXY, "api/Dockerfile": dockerfile(8000),
                          "api/app/main.py": APP})
    chain = ["compose.db.yml", "compose.apps.yml", "compose.web.yml"]
    assert stacks(tmp_path) == [chain]
    assert compose_config(tmp_path, ["compose.db.yml", "compose.web.yml"]).returncode != 0
    assert compose_config(tmp_path, chain).returncode == 0

def test_a_fragment_joins_the_base_its_builds_resolve_from(tmp_path: Path) -> None:
    fragment = ("services:\n  api:\n    build: ../services/api\n    depends_on:\n"
                "      - rabbitmq\n")
    write_tree(tmp_path, {"deploy/docker-compose.yml": "services:\n  rabbitmq:\n    image: r\n",
                          "services/api/docker-compose.yml": fragment,
                          "services/api/Dockerfile": dockerfile(8000),
                          "services/api/app/main.py": APP})
    assert stacks(tmp_path) == [["deploy/docker-compose.yml", "services/api/docker-compose.yml"]]
    api = load(tmp_path).stacks[0].services["api"].app
    assert api is not None and api.dockerfile.path == "services/api/Dockerfile"
    code, out, err = run_cli("check", tmp_path, "--select", "S001")
    assert (code, out) == (0, ""), err


def test_a_file_whose_builds_resolve_only_from_its_own_folder_joins_no_other(
        tmp_path: Path) -> None:
    # its own `./api` is there, not beside the other folder's file that defines `web`
    own = "services:\n  api:\n    build: ./api\n    depends_on:\n      - web\n"
    write_tree(tmp_path, {"docker-compose.override.yml": own, "api/Dockerfile": dockerfile(8000),
                          "api/app/main.py": APP, "other/docker-compose.yml": service()})
    assert stacks(tmp_path) == [["docker-compose.override.yml"], ["other/docker-compose.yml"]]


def test_an_overlay_joins_the_nearest_base_that_defines_its_services(tmp_path: Path) -> None:
    api = "services:\n  api:\n    image: api\n"
    write_tree(tmp_path, {
        "docker-compose.yml": api, "deploy/docker-compose.yml": api + "  web:\n    image: w\n",
        "deploy/ci/compose.ci.yaml": "services:\n  api:\n    healthcheck: {interval: 5s}\n",
        "tools/compose.lint.yml": "services:\n  web:\n    environment: [A=1]\n",
        "other/compose.yml": "services:\n  db:\n    image: postgres\n",
        "other/compose.debug.yml": "services:\n  nobody:\n    environment: [A=1]\n",
    })
    assert stacks(tmp_path) == [
        ["docker-compose.yml"],
        ["deploy/docker-compose.yml", "deploy/ci/compose.ci.yaml", "tools/compose.lint.yml"],
        ["other/compose.yml", "other/compose.debug.yml"],  # overrides of nothing: its folder's
    ]


def test_an_overlay_joins_a_base_above_that_defines_all_it_overrides(tmp_path: Path) -> None:
    # `-f docker-compose.yml -f ci/compose.ci.yml [-f ci/compose.prebuilt.yml]`: the file of
    # `image:` lines beside the CI overlay defines `api` only, the base above it `worker` too
    write_tree(tmp_path, {
        "docker-compose.yml": "services:\n  api:\n    build: ./api\n"
                              "  worker:\n    build: ./api\n",
        "ci/compose.prebuilt.yml": "services:\n  api:\n    image: registry/api:rc\n",
        "ci/compose.ci.yml": "services:\n  api:\n    restart: 'no'\n"
                             "  worker:\n    restart: 'no'\n",
        "api/Dockerfile": dockerfile(8000), "api/app/main.py": APP,
    })
    assert stacks(tmp_path) == [["docker-compose.yml", "ci/compose.ci.yml"],
                                ["ci/compose.prebuilt.yml"]]
    assert compose_config(tmp_path, ["docker-compose.yml", "ci/compose.ci.yml"]).returncode == 0


def test_a_variant_with_a_service_of_overrides_is_an_overlay_of_its_folder(
        tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "docker-compose.dev.yml": "services:\n  api:\n    build: ./api\n",
        "docker-compose.ci.yml": "services:\n  api:\n    build:\n      cache_from: [x]\n"
                                 "  e2e:\n    image: playwright\n",
        "docker-compose.prod.yml": "services:\n  api:\n    image: registry/api\n",
        "api/Dockerfile": dockerfile(8000),
    })
    assert stacks(tmp_path) == [["docker-compose.dev.yml", "docker-compose.ci.yml"],
                                ["docker-compose.prod.yml"]]


def test_build_merges_key_by_key_over_the_override(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "compose.yaml": "services:\n  api:\n    build:\n      context: ./api\n",
        "compose.override.yaml": "services:\n  api:\n    build:\n"
                                 "      dockerfile: Dockerfile.dev\n",
        "api/Dockerfile.dev": dockerfile(8000),
    })
    [app] = [s.app for s in load(tmp_path).apps()]
    # the override names the Dockerfile; the context is still the base's
    assert app is not None and app.dockerfile.path == "api/Dockerfile.dev"
    assert (app.build.doc.path, app.folder) == ("compose.override.yaml", "api")


PROD_SWAP = "services:\n  api:\n    build:\n      dockerfile: Dockerfile.prod\n"


def test_a_file_that_only_swaps_the_dockerfile_is_an_overlay_of_its_base(
        tmp_path: Path) -> None:
    # `-f docker-compose.yml -f docker-compose.prod.yml`: read alone, the prod file builds its
    # own folder, which has no Dockerfile.prod; Compose merges `build` over the base's context
    write_tree(tmp_path, {
        "docker-compose.yml": "services:\n  api:\n    build: ./api\n    ports: ['8000:8000']\n",
        "docker-compose.prod.yml": PROD_SWAP,
        "api/Dockerfile": dockerfile(8000), "api/Dockerfile.prod": dockerfile(8000),
    })
    assert stacks(tmp_path) == [["docker-compose.yml", "docker-compose.prod.yml"]]
    ws = load(tmp_path)
    [app] = [s.app for s in ws.apps()]
    assert app is not None and app.dockerfile.path == "api/Dockerfile.prod"
    assert [d.path for d in ws.stacks[0].overlays()] == ["docker-compose.prod.yml"]
    merged = compose_config(tmp_path, ["docker-compose.yml", "docker-compose.prod.yml"])
    assert merged.returncode == 0, merged.stderr
    code, out, err = run_cli("check", tmp_path, "--select", "S001")
    assert (code, out) == (0, ""), err


@pytest.mark.parametrize("texts", [
    pytest.param({"Dockerfile.prod": dockerfile(8000)}, id="its-own-folder-has-the-dockerfile"),
    pytest.param({"docker-compose.yml": "services:\n  web:\n    build: ./api\n"},
                 id="no-other-file-defines-the-service"),
])
def test_a_dockerfile_only_build_stays_a_stack_of_its_own(tmp_path: Path,
                                                          texts: dict[str, str]) -> None:
    write_tree(tmp_path, {"docker-compose.yml": "services:\n  api:\n    build: ./api\n",
                          "docker-compose.prod.yml": PROD_SWAP,
                          "api/Dockerfile": dockerfile(8000), **texts})
    assert stacks(tmp_path) == [["docker-compose.yml"], ["docker-compose.prod.yml"]]


@pytest.mark.slow
def test_grouping_overlays_stays_linear(tmp_path: Path) -> None:
    # every folder's base and overlay name the same service: no overlay scans every base
    texts = {}
    for i in range(3_000):
        texts[f"s{i}/docker-compose.yml"] = "services:\n  app:\n    build: .\n"
        texts[f"s{i}/ci/docker-compose.ci.yml"] = "services:\n  app:\n    build: {cache_from: [x]}\n"
    docs = [d for d in (parse_compose(TextFile(p, t)) for p, t in texts.items()) if d is not None]
    started = time.perf_counter()
    grouped = group_stacks(docs)
    assert time.perf_counter() - started < 2.0   # linear: a fraction; quadratic: many seconds
    assert len(grouped) == 3_000
    assert all(b.path.split("/")[0] == o.path.split("/")[0] for b, o in grouped)


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


@pytest.mark.parametrize("build", [
    pytest.param("${PWD}/api", id="braces"),
    pytest.param("$PWD/api", id="bare"),
    pytest.param("{context: '$PWD', dockerfile: '${PWD}/api/Dockerfile'}",
                 id="dockerfile-from-the-project-folder"),
])
def test_pwd_in_a_build_path_is_the_project_folder(tmp_path: Path, build: str) -> None:
    # the shell that runs `docker compose` in the project folder sets PWD to it; read as
    # empty, `${PWD}/api` was an absolute path, an input error
    write_tree(tmp_path, {"deploy/compose.yaml": f"services:\n  api:\n    build: {build}\n",
                          "deploy/api/Dockerfile": dockerfile(8000)})
    ws = load(tmp_path)
    assert not ws.errors, ws.errors
    [app] = [s.app for s in ws.apps()]
    assert app is not None and app.dockerfile.path == "deploy/api/Dockerfile"


@pytest.mark.parametrize("build", [
    pytest.param("{context: ., dockerfile: '${IMAGE_DIR}/Dockerfile'}", id="dockerfile"),
    pytest.param("${SERVICE_DIR}", id="context"),
])
def test_a_build_path_reading_an_unset_variable_is_no_input_error(tmp_path: Path,
                                                                   build: str) -> None:
    # the shell running Compose (or its `--env-file`) sets it: read as empty, the path was
    # absolute, an input error that stopped every fix of the repository
    write_tree(tmp_path, {"compose.yaml": f"services:\n  api:\n    build: {build}\n",
                          "Dockerfile": dockerfile(8000)})
    ws = load(tmp_path)
    assert ws.errors == [] and list(ws.apps()) == []


def test_reset_and_override_tags_merge_as_compose_merges_them(tmp_path: Path) -> None:
    # `build: !reset null` in the override leaves an image-only service (no `null/Dockerfile`
    # to find); `!override` replaces the base's ports instead of adding to them
    write_tree(tmp_path, {
        "compose.yaml": 'services:\n  api:\n    build: ./api\n    ports: ["8000:8000"]\n',
        "compose.override.yaml": "services:\n  api:\n    image: registry/api:1\n"
                                 "    build: !reset null\n    ports: !override [\"9000:9000\"]\n",
        "api/Dockerfile": dockerfile(8000)})
    ws = load(tmp_path)
    [service] = ws.services()
    assert ws.errors == [] and service.app is None and service.get("build") is None
    assert [scalar(e) for _doc, value in service.all("ports") for e in elements(value)] == [
        "9000:9000"]
    code, out, err = run_cli("check", tmp_path, "--select", "S001")
    assert (code, out) == (0, ""), err


def test_the_dockerfile_is_matched_case_sensitively(tmp_path: Path) -> None:
    write_tree(tmp_path, {"compose.yaml": "services:\n  a:\n    build:\n      context: ./a\n"
                                          "      dockerfile: Dockerfile\n"
                                          "  b:\n    build:\n      context: ./a\n"
                                          "      dockerfile: dockerfile\n"
                                          "  c:\n    build: ./c\n",
                          "a/dockerfile": dockerfile(8000), "c/DockerFile": dockerfile(8000)})
    apps = {s.name: s.app for s in load(tmp_path).services()}
    a, b, c = apps["a"], apps["b"], apps["c"]
    # `dockerfile: Dockerfile` written out falls back to `dockerfile` as the default does
    # (moby#10858)
    assert a is not None and not a.name_case_differs
    assert a.build.dockerfile == a.dockerfile.path == "a/dockerfile"
    assert b is not None and not b.name_case_differs
    # the builders' fallback is to `dockerfile` only, never to another casing
    assert c is not None and c.name_case_differs
    assert (c.build.dockerfile, c.dockerfile.path) == ("c/Dockerfile", "c/DockerFile")


@pytest.mark.parametrize(("compose", "context"), [
    pytest.param("services:\n  api:\n    build: ./api\n", "api", id="string"),
    pytest.param("services:\n  api:\n    build:\n      context: api\n      network: host\n",
                 "api", id="mapping"),
    pytest.param("services:\n  api:\n    build:\n      args: {A: '1'}\n", "", id="root-context"),
])
def test_with_no_dockerfile_named_the_lowercase_default_is_built(
        tmp_path: Path, compose: str, context: str) -> None:
    """BuildKit and the classic builder read `dockerfile` when the context has no
    `Dockerfile` and none is named: that file is the service's Dockerfile."""
    lowercase = f"{context}/dockerfile" if context else "dockerfile"
    write_tree(tmp_path, {"compose.yaml": compose, lowercase: dockerfile(8000)})
    [app] = [s.app for s in load(tmp_path).apps()]
    assert app is not None and not app.name_case_differs and not app.build.named
    assert app.build.dockerfile == app.dockerfile.path == lowercase
    assert app.listen.port == 8000


def test_dockerfile_wins_over_the_lowercase_default(tmp_path: Path) -> None:
    write_tree(tmp_path, {"compose.yaml": "services:\n  api:\n    build: ./api\n",
                          "api/Dockerfile": dockerfile(8000), "api/dockerfile": dockerfile(9000)})
    [app] = [s.app for s in load(tmp_path).apps()]
    assert app is not None and app.dockerfile.path == "api/Dockerfile"
    assert app.listen.port == 8000


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


def test_a_configured_stack_file_is_read_whatever_its_name(tmp_path: Path) -> None:
    """`stacks` names the files a Makefile joins with `-f` (`docker_compose/app.yaml`): each
    is read as compose, though no "compose" is in its name; unnamed, it is no compose file."""
    compose = "services:\n  api:\n    build: ../svc\n"
    write_tree(tmp_path, {"deploy/app.yaml": compose, "svc/Dockerfile": dockerfile(8000),
                          "svc/app/__init__.py": "", "svc/app/main.py": APP})
    code, out, err = run_cli("check", tmp_path, "--select", "C004")
    assert code == 2 and "No compose file found" in err, err
    (tmp_path / "fixer.toml").write_text('stacks = [["deploy/app.yaml"]]\n')
    code, out, err = run_cli("check", tmp_path, "--select", "C004")
    assert code == 1 and "deploy/app.yaml:" in out and "C004" in out, out + err
