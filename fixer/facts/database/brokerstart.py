"""A start-up that connects to a message broker of the stack before the app listens, while
nothing holds the service back until the broker is ready.

Counted, outside a `try` that handles what they raise, in a start-up function of a module of
the app's import path (`startup_requests.startup_functions`: a `lifespan`, an
`on_event("startup")` handler, one handed to the app) or at a module's top level (it runs as
the app is imported):
- aiokafka: `await producer.start()`, where `producer` (or `app.state.producer`) is bound in
  that function or at the module's top level to `AIOKafkaProducer(...)` or
  `AIOKafkaConsumer(...)`;
- kafka-python: `KafkaProducer(...)` or `KafkaConsumer(...)`, which connect as they are built
  (NoBrokersAvailable);
- aio-pika and aiormq: `connect(...)` or `connect_robust(...)` of the module, and pika's
  `BlockingConnection(...)`, whose first connection raises when the broker does not answer.
A function the start-up calls is not followed.

The broker is a service of the stack whose image or name says Kafka (`bitnami/kafka`,
`confluentinc/cp-kafka`, `redpanda`) or RabbitMQ. The service is held back when a
`depends_on` entry waits for that service to be healthy, or its start script waits for it on
its own with a waiter that does not give up (`selfwait.gives_up`: wait-for-it without
`--strict` starts the server after 15 s, ready or not). Otherwise, while the broker is not
ready yet (Kafka often takes longer than that), the app stops at start-up and its
healthcheck never passes: a doubt about a gate on the app (`stackcheck.gate.start_doubt`),
never a finding. A broker outside the stack is not judged.
"""

from __future__ import annotations

import ast
from typing import NamedTuple

from fixer.core.lazyre import lazy_compile
from fixer.facts.database.selfwait import gives_up, waits_on_its_own
from fixer.facts.health.startup_requests import guarded_nodes, startup_functions, startup_nodes
from fixer.model import appmodule
from fixer.model.appservice import is_app_service
from fixer.model.depends import HEALTHY, dependencies, target_of
from fixer.model.services import BuiltService, Service
from fixer.model.workspace import Workspace
from fixer.sources.hubname import image_name
from fixer.sources.python import dotted_name, main_guard, parse

# the words a module that connects to a broker writes: no parse of the others
_CLIENTS = lazy_compile(r"aiokafka|kafka|aio_pika|aiormq|pika")
# aiokafka's classes whose `start()` connects
_STARTED = frozenset({"AIOKafkaProducer", "AIOKafkaConsumer"})
# (package, callable): what connects as it is called, and to which broker
_CONNECTS = {("kafka", "KafkaProducer"): "kafka", ("kafka", "KafkaConsumer"): "kafka",
             ("pika", "BlockingConnection"): "rabbitmq", ("aio_pika", "connect"): "rabbitmq",
             ("aio_pika", "connect_robust"): "rabbitmq", ("aiormq", "connect"): "rabbitmq"}
# the last part of the name of an image that runs each broker (`bitnami/kafka`,
# `confluentinc/cp-kafka`, `redpandadata/redpanda`; not `provectuslabs/kafka-ui`), and the
# name of a service built from a Dockerfile of its own that runs one
_BROKER_IMAGES = {"kafka": lazy_compile(r"(?:cp-)?kafka(?:-native)?|cp-server|redpanda"),
                  "rabbitmq": lazy_compile(r"rabbitmq")}
_BROKER_NAMES = {"kafka": lazy_compile(r"(?:kafka|redpanda|broker)\d*"),
                 "rabbitmq": lazy_compile(r"rabbit(?:mq)?\d*")}
_SHOWN = {"kafka": "Kafka", "rabbitmq": "RabbitMQ"}


class BrokerCall(NamedTuple):
    kind: str     # "kafka" or "rabbitmq"
    path: str
    line: int
    shown: str    # the call as written (`producer.start()`)


def broker_doubt(ws: Workspace, service: Service) -> str | None:
    """Why the app may stop at start-up: it connects to a broker of its stack there, and
    nothing holds it back until that broker is ready; else None."""
    if not isinstance(service, BuiltService) or not is_app_service(ws, service):
        return None
    module = appmodule.find(ws, service)
    call = _first_call(ws, appmodule.import_path(ws, module)) if module is not None else None
    if call is None:
        return None
    brokers = [s for s in service.stack.services.values()
               if s is not service and _is_broker(s, call.kind)]
    if not brokers or any(_held_back(ws, service, broker) for broker in brokers):
        return None
    broker = brokers[0]
    short = next((why for b in brokers if (why := gives_up(ws, service, b.name))), None)
    how = f" ({short}, then starts the server anyway)" if short else ""
    return (f"{service.name}'s start-up connects to {_SHOWN[call.kind]} (`{call.shown}`, "
            f"{call.path}:{call.line}) before the app listens, and nothing holds it back until "
            f"{broker.name} is ready{how}: while it is not, the app stops at start-up")


def _is_broker(service: Service, kind: str) -> bool:
    """The service runs a broker of `kind`: its image's name says so, or, built from a
    Dockerfile of its own, its name does."""
    image = service.scalar("image")
    if image and not isinstance(service, BuiltService):
        return bool(_BROKER_IMAGES[kind].fullmatch(image_name(image).rsplit("/", 1)[-1]))
    return bool(_BROKER_NAMES[kind].fullmatch(service.name.lower()))


def _held_back(ws: Workspace, service: Service, broker: Service) -> bool:
    """A `depends_on` entry waits for the broker to be healthy, or the start script waits for
    it with a waiter that does not give up."""
    if any(entry.condition == HEALTHY and target_of(ws, service, entry.name) is broker
           for entry in dependencies(service)):
        return True
    return waits_on_its_own(ws, service, broker.name) and gives_up(ws, service,
                                                                  broker.name) is None


def _first_call(ws: Workspace, paths: list[str]) -> BrokerCall | None:
    for path in paths:
        file = ws.read(path)
        if file is None or not _CLIENTS.search(file.text):
            continue
        tree = parse(file)
        if tree is None:
            continue
        sources = _imported_from(tree)
        started = _started_names(tree.body, sources)
        top = [stmt for stmt in tree.body if not main_guard(stmt) and not isinstance(
            stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
        scopes = [(top, [n for stmt in top for n in ast.walk(stmt)]),
                  *((f.body, startup_nodes(f)) for f in startup_functions(tree, file.text))]
        for body, nodes in scopes:
            found = _connects(body, nodes, started, sources, path)
            if found is not None:
                return found
    return None


def _imported_from(tree: ast.Module) -> dict[str, str]:
    """Each name the module binds by importing it, with the top-level package it comes from
    (`from aio_pika import connect_robust`: connect_robust -> aio_pika; `import pika`)."""
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                found[alias.asname or alias.name] = node.module.split(".")[0]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                found[(alias.asname or alias.name).split(".")[0]] = alias.name.split(".")[0]
    return found


def _connects(body: list[ast.stmt], nodes: list[ast.AST], started: set[str],
              sources: dict[str, str], path: str) -> BrokerCall | None:
    """The first broker connection of the nodes outside a `try` that handles it."""
    guarded = {i for stmt in body for i in guarded_nodes(stmt)}
    names = started | _started_names(body, sources)
    for node in nodes:
        if not isinstance(node, ast.Call) or id(node) in guarded:
            continue
        kind = _kind(node, names, sources)
        if kind is not None:
            return BrokerCall(kind, path, node.lineno, ast.unparse(node))
    return None


def _kind(call: ast.Call, started: set[str], sources: dict[str, str]) -> str | None:
    """The broker the call connects to, as its package tells: kafka-python's `KafkaProducer`
    (not a class of the app's own of that name), aio-pika's `connect_robust`."""
    name = dotted_name(call.func) or ""
    head, _, last = name.rpartition(".")
    if last == "start" and head in started:
        return "kafka"
    package = sources.get(name.split(".")[0], "")
    return _CONNECTS.get((package, last))


def _started_names(body: list[ast.stmt], sources: dict[str, str]) -> set[str]:
    """The names (and attributes: `app.state.producer`) the statements bind to an aiokafka
    producer or consumer, at any depth of them."""
    found: set[str] = set()
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and \
                    isinstance(node.value, ast.Call) and _is_started(node.value, sources):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                found.update(ast.unparse(target) for target in targets)
    return found


def _is_started(call: ast.Call, sources: dict[str, str]) -> bool:
    name = dotted_name(call.func) or ""
    return sources.get(name.split(".")[0]) == "aiokafka" and \
        name.rsplit(".", 1)[-1] in _STARTED
