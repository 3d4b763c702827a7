"""Whether a service calls the database it names in `depends_on`, or a server outside the
stack (`fixer/facts/database/elsewhere.py`)."""

from __future__ import annotations

import pytest

from fixer.core.config import Config
from fixer.facts.database.elsewhere import called_elsewhere, outside_doubt
from fixer.model.workspace import Workspace
from kit import tree

ATLAS = "mongodb+srv://app:secret@cluster0.ab1cd.mongodb.net/?retryWrites=true"


def call(environment: str, kind: str = "mongo", extra: str = "") -> tuple[str, str] | None:
    compose = ("services:\n  db:\n    image: mongo:7\n" + extra +
               "  api:\n    image: example/api\n    environment:\n" + environment +
               "    depends_on:\n      - db\n")
    ws = Workspace.load(tree({"compose.yaml": compose, ".env": "DB_HOST=db\n"}), Config())
    [stack] = ws.stacks
    found = called_elsewhere(ws, stack.services["api"], stack.services["db"], kind)
    return (found.variable, found.host) if found is not None else None


@pytest.mark.parametrize(("environment", "expected"), [
    pytest.param(f"      MONGO_URL: {ATLAS}\n", ("MONGO_URL", "cluster0.ab1cd.mongodb.net"),
                 id="a-managed-cluster"),
    pytest.param("      MONGO_URL: mongodb://app:secret@db:27017/app\n", None, id="the-service"),
    pytest.param(f"      MONGO_URL: {ATLAS}\n      CACHE_DB: mongodb://db:27017/cache\n", None,
                 id="one-url-names-the-service"),
    pytest.param("      MONGO_URL: mongodb://app:pa#ss@rs0.example.net:27017/app\n",
                 ("MONGO_URL", "rs0.example.net"), id="a-password-holding-a-hash"),
    pytest.param("      MONGO_URL: mongodb://app@${DB_HOST}:27017/app\n", None,
                 id="an-interpolated-host-may-be-the-service"),
    pytest.param("      MONGO_URL: mongodb://localhost:27017/app\n", None, id="loopback"),
    pytest.param("      MONGO_URL: mongodb://mongo:27017/app\n", None,
                 id="a-single-word-host-may-be-an-alias"),
    pytest.param("      MONGO_URL: mongodb://10.0.0.5:27017/app\n", None,
                 id="an-address-may-be-the-services-own"),
    pytest.param("      MONGO_URL: mongodb://a.example.com:27017,db:27017/app\n", None,
                 id="a-seed-list-naming-the-service"),
    pytest.param("      REDIS_URL: redis://cache.example.com:6379/0\n", None,
                 id="another-kinds-url-says-nothing"),
])
def test_a_service_calls_a_database_outside_the_stack(
        environment: str, expected: tuple[str, str] | None) -> None:
    assert call(environment) == expected


def test_a_network_alias_of_the_database_is_the_database() -> None:
    alias = ("    networks:\n      default:\n        aliases:\n"
             "          - cluster0.ab1cd.mongodb.net\n")
    assert call(f"      MONGO_URL: {ATLAS}\n", extra=alias) is None


@pytest.mark.parametrize(("ports", "expected"), [
    pytest.param('    ports:\n      - "27018:27017"\n', None, id="short-syntax"),
    pytest.param("    ports:\n      - target: 27017\n        published: 27018\n", None,
                 id="long-syntax"),
    pytest.param('    ports:\n      - "27019:27017"\n',
                 ("MONGO_URL", "host.docker.internal"), id="another-port-of-the-host"),
    pytest.param("", ("MONGO_URL", "host.docker.internal"), id="nothing-published"),
])
def test_the_docker_host_on_a_port_the_database_publishes_is_the_database(
        ports: str, expected: tuple[str, str] | None) -> None:
    """`host.docker.internal:27018` where db publishes `27018:27017`: the service reaches db
    through the host, and a gate on db is one on what it calls."""
    url = "      MONGO_URL: mongodb://host.docker.internal:27018/app\n"
    assert call(url, extra=ports) == expected


def test_driver_schemes_count_for_their_kind() -> None:
    url = "postgresql+asyncpg://app@orders.c1x2ab.eu-west-1.rds.amazonaws.com:5432/app"
    assert call(f"      DATABASE_URL: {url}\n", kind="postgres") == \
        ("DATABASE_URL", "orders.c1x2ab.eu-west-1.rds.amazonaws.com")
    assert call(f"      DATABASE_URL: {url}\n", kind="mongo") is None


def test_the_reason_names_every_service_once() -> None:
    ws = Workspace.load(tree({"compose.yaml": "services:\n  db:\n    image: mongo\n"
                              "  a:\n    image: x\n    environment:\n"
                              f"      MONGO_URL: {ATLAS}\n"
                              "  b:\n    image: x\n    environment:\n"
                              f"      MONGO_URL: {ATLAS}\n"}), Config())
    [stack] = ws.stacks
    calls = [c for name in ("a", "b") if (c := called_elsewhere(
        ws, stack.services[name], stack.services["db"], "mongo")) is not None]
    assert outside_doubt("db", calls) == (
        "a's MONGO_URL calls cluster0.ab1cd.mongodb.net, outside the stack, not db (and so do "
        "those of b): a and b may not use db, and a gate would hold them back on a server they "
        "do not call")
