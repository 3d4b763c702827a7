"""A service names a network, volume, secret or config that no compose file defines.

## What it does
Reads each service's `networks` (list or mapping), its named volumes (`data:/var/lib/x`,
or the long form's `source` with `type: volume`), its `secrets` and its `configs`, and
reports a name that the top-level `networks:`, `volumes:`, `secrets:` or `configs:` of
no file of the stack defines. One finding per name and compose file, at its first use,
naming every service that uses it.

Left alone: a service under `profiles:` (Compose refuses only a run that enables the
profile); the `default` network; a service with `network_mode` (it joins no network of
its own); a name that reads a variable that neither the stack's `.env` nor a default
sets (`${NET:-backend}` is read as `backend`, and so is a volume's
`${KEY_PATH:-dummy-key}:/run/key`, a named volume unless the variable is set); a name
that another compose file of the repository defines (the files may be run together: a
split stack, as C002 reads it), but not one that also defines the service using it (an
alternative stack, `docker-compose.dev.yml` with its own `rabbitmq` and volume, which
`docker compose up` does not load); a
stack that `include:`s other files or a service with `extends:` (their definitions come
from files fixer does not merge); a bind mount (`./data:/data`, `/srv:/srv`, `~/x:/x`).

## Why is this bad?
Compose refuses the whole project before it starts anything: "service … refers to
undefined network …: invalid compose project". Usually a name was renamed in one
place, or the top-level definition was never written.

## Example
```yaml
services:
  api:
    build: ./api
    networks: [backend]
    volumes:
      - uploads:/srv/uploads
networks:
  back-end:
```

## Use instead
```yaml
services:
  api:
    build: ./api
    networks: [backend]
    volumes:
      - uploads:/srv/uploads
networks:
  backend:
volumes:
  uploads:
```

## Fix safety
Display-only: whether the reference or the definition holds the name that was meant, and
what a new network or volume should be, needs a person.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field

import yaml

from fixer.core.envfile import resolved
from fixer.core.lazyre import lazy_compile
from fixer.model.rule import Category, Safety, Severity, Violation
from fixer.model.services import Service
from fixer.model.stacks import included_paths
from fixer.model.workspace import Workspace
from fixer.sources.compose import ComposeDoc, Value, elements, get, items, scalar

CODE = "C008"
NAME = "undefined-reference"
CATEGORY = Category.COMPOSE
SEVERITY = Severity.ERROR
SAFETY = (Safety.DISPLAY,)

# the top-level key that defines each kind, and how Compose's error names it
KINDS = {"networks": "network", "volumes": "volume", "secrets": "secret", "configs": "config"}


@dataclass
class _Use:
    """One undefined name as one compose file uses it: where first, and who uses it."""

    doc: ComposeDoc
    node: Value
    services: list[str] = field(default_factory=list)


def detect(ws: Workspace) -> Iterator[Violation]:
    definers = _definers(ws.compose_docs.values())
    seen: dict[tuple[str, str, str], _Use] = {}
    for stack in ws.stacks:
        if any(included_paths(doc) for doc in stack.docs):
            continue   # an included file may define any of them
        defined = _defined(stack.docs)
        for service in stack.services.values():
            if service.get("extends") is not None or service.get("profiles") is not None:
                continue   # merged from a file fixer does not read; or started by a profile
            for key, doc, name, node in _references(service):
                if name in defined[key] or any(service.name not in other.services
                                               for other in definers[key].get(name, [])):
                    continue   # a file that completes this one defines it (a split stack)
                use = seen.setdefault((doc.path, key, name), _Use(doc, node))
                if service.name not in use.services:
                    use.services.append(service.name)
    for (_path, key, name), use in seen.items():
        yield _violation(key, name, use, _defined_in_its_stack(name, key, use, ws))


def _defined_in_its_stack(name: str, key: str, use: _Use, ws: Workspace) -> set[str]:
    """The names the top-level `key:` of the stacks the use's file belongs to define."""
    return {n for stack in ws.stacks if any(d is use.doc for d in stack.docs)
            for n in _defined(stack.docs)[key]}


def _violation(key: str, name: str, use: _Use, defined: Collection[str] = ()) -> Violation:
    kind = KINDS[key]
    # `pgadmin-data/:/var/lib/pgadmin` beside a defined `pgadmin-data`: the slash makes a
    # name Docker refuses anyway, and the one meant is plain
    meant = name.rstrip("/") if name.endswith("/") and name.rstrip("/") in defined else None
    fix = (f"remove the trailing `/` from `{name}`: `{meant}` is defined" if meant else
           f"define `{name}` under the top-level `{key}:`, or name the {kind} that was meant")
    users = use.services
    who = users[0] if len(users) == 1 else ", ".join(users[:-1]) + " and " + users[-1]
    return Violation(
        message=(f"{who} {'uses' if len(users) == 1 else 'use'} the {kind} `{name}`, which no "
                 f"top-level `{key}:` defines: Compose refuses the project (\"refers to "
                 f"undefined {kind}\")"),
        path=use.doc.path, line=use.doc.line(use.node.node), column=use.doc.column(use.node.node),
        service=users[0], subject=f"{kind} {name}", reason=fix)


def _definers(docs: Iterable[ComposeDoc]) -> dict[str, dict[str, list[ComposeDoc]]]:
    """Per kind, per name, the compose files whose top-level key defines it. One that also
    defines the service using it is an alternative stack (`docker-compose.dev.yml` beside
    `docker-compose.yml`, each with its own `rabbitmq`), not the rest of a split one: its
    definition is not loaded with the file that lacks it."""
    found: dict[str, dict[str, list[ComposeDoc]]] = {key: {} for key in KINDS}
    for doc in docs:
        for key, names in _defined([doc]).items():
            for name in names:
                found[key].setdefault(name, []).append(doc)
    return found


def _defined(docs: Iterable[ComposeDoc]) -> dict[str, set[str]]:
    """The names each kind's top-level key defines in the files."""
    found: dict[str, set[str]] = {key: set() for key in KINDS}
    for doc in docs:
        for key in KINDS:
            value = get(Value(doc.root), key)
            if value is not None:
                found[key].update(name for name, _v in items(value))
    return found


def _references(service: Service) -> Iterator[tuple[str, ComposeDoc, str, Value]]:
    """(kind's key, file, name, node) of each named network, volume, secret and config the
    service uses, as Compose reads it from `.env` or a default (`${NET:-backend}`); names
    that read a variable nothing sets left out."""
    for key in KINDS:
        if key == "networks" and service.get("network_mode") is not None:
            continue
        for doc, value in service.all(key):
            for written, node in _names(key, value):
                name = resolved(written, service.stack.dotenv)
                if _checked(key, name):
                    yield key, doc, name or "", node


def _checked(key: str, name: str | None) -> bool:
    """A name to look up: read whole (no variable left), never the `default` network, and
    no path a variable gave a volume entry (`${DATA:-./data}` is a bind mount)."""
    return bool(name) and "$" not in (name or "") and \
        not (key == "networks" and name == "default") and \
        not (key == "volumes" and _is_path(name or ""))


def _names(key: str, value: Value) -> list[tuple[str, Value]]:
    if key == "networks":   # a list of names, or a mapping keyed by them
        listed = [(scalar(e) or "", e) for e in elements(value)]
        return listed or [(name, _key_node(value, name)) for name, _v in items(value)]
    if key == "volumes":
        return [found for e in elements(value) if (found := _named_volume(e)) is not None]
    # secrets and configs: a name, or the long form's `source`
    return [(scalar(e) or scalar(get(e, "source")) or "", e) for e in elements(value)]


def _named_volume(entry: Value) -> tuple[str, Value] | None:
    """The named volume an entry mounts: `data:/var/lib/x[:ro]`, or the long form with
    `type: volume` and a `source`; None for a bind mount, an anonymous volume, a tmpfs."""
    text = scalar(entry)
    if text is not None:
        source = _before_colon(text)
        if source is None:
            return None   # `/data`: an anonymous volume
        return None if _is_path(source) else (source, entry)
    if (scalar(get(entry, "type")) or "") != "volume":
        return None
    source = scalar(get(entry, "source")) or ""
    return (source, entry) if source and not _is_path(source) else None


def _before_colon(text: str) -> str | None:
    """What a short volume entry names before its first `:` outside a `${...}` (the colon
    of `${KEY_PATH:-dummy-key}:/run/key` is the variable's); None with no such colon."""
    depth = 0
    for index, char in enumerate(text):
        if text.startswith("${", index):
            depth += 1
        elif char == "}" and depth:
            depth -= 1
        elif char == ":" and not depth:
            return text[:index]
    return None


def _is_path(source: str) -> bool:
    """Compose reads a source that starts like a path as a bind mount (a Windows drive
    letter too, alone or with its path: `D:/data` a variable's default gives)."""
    return source.startswith((".", "/", "~", "\\")) or (len(source) == 1 and source.isalpha()) \
        or _DRIVE_PATH.match(source) is not None


_DRIVE_PATH = lazy_compile(r"[A-Za-z]:[\\/]")


def _key_node(value: Value, name: str) -> Value:
    """The key node of `name` in a mapping (where a finding about it goes)."""
    for key, _child in value.node.value:
        if isinstance(key, yaml.ScalarNode) and key.value == name:
            return Value(key)
    return value
