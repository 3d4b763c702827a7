"""The networks the database C001 adds joins: every network its users are on.

A container resolves another service's name only on a network both are on. A
service that names no `networks` is on the stack's `default` network; when
every user is there, the database names no networks either. Otherwise it joins
each network a user is on (`default` included, written out, when some user is
on it), by the name the users write. Every such network must be declared in
the file that gets the database or in one loaded before it, or Compose rejects
that file when it is loaded without the files that follow it.
"""

from __future__ import annotations

import yaml

from fixer.model.depends import dependencies
from fixer.model.services import Service, Stack
from fixer.sources.compose import ComposeDoc, Value, get, items, scalar, string_list
from fixer.sources.compose_edit import Unfixable
from fixer.sources.compose_style import Flow, Fragment, Seq, is_flow

DEFAULT = "default"


def users(stack: Stack, host: str, url_users: list[Service]) -> list[Service]:
    """The services that must reach the host: those with its URL, then those that depend
    on it by name (they wait for it, so they mean to talk to it)."""
    found = list(url_users)
    named = {s.name for s in found}   # by name: comparing services field by field is slow
    for service in stack.services.values():
        if service.name not in named and any(d.name == host for d in dependencies(service)):
            found.append(service)
    return found


def service_networks(service: Service) -> list[str]:
    """The networks a service's container joins, in the order written ([DEFAULT] for none);
    the files of the stack add up, as Compose merges them."""
    mode = service.scalar("network_mode")
    if mode is not None:
        raise Unfixable(f"{service.name} runs with `network_mode: {mode}`; fixer cannot tell "
                        "which network would reach the database")
    found: list[str] = []
    for _doc, value in service.all("networks"):
        for name in _names(value):
            if name not in found:
                found.append(name)
    return found or [DEFAULT]


def _names(value: Value) -> list[str]:
    if isinstance(value.node, yaml.SequenceNode):
        return string_list(value) or []
    return [name for name, _value in items(value)]


def joined(stack: Stack, doc: ComposeDoc, members: list[Service]) -> list[str]:
    """The networks the database joins when added to `doc`; [] for the default network only."""
    wanted: list[str] = []
    for member in members:
        for joined_by in [member, *_extended(stack, member)]:
            wanted += [n for n in service_networks(joined_by) if n not in wanted]
    shared = _external(stack, wanted)
    if shared is not None:
        raise Unfixable(f"the network `{shared}` is external, shared with containers of other "
                        "stacks: the database may run in one of them, and one added here "
                        "would answer to the same name beside it")
    if wanted == [DEFAULT]:
        return []
    declared = _declared(stack, doc)
    for name in wanted:
        if "$" in name:
            raise Unfixable(f"the network `{name}` is interpolated; fixer cannot tell its name")
        if name != DEFAULT and name not in declared:
            raise Unfixable(f"the network `{name}` is not declared in {doc.path} or a file "
                            "loaded before it, where the database would be added")
    return wanted


def _extended(stack: Stack, member: Service) -> list[Service]:
    """The service `member` extends, whose networks it joins too: one of its own file
    (`extends: api`), read as fixer reads any service. Unfixable where it extends one of
    another file, or one that extends in turn, which fixer does not follow."""
    extends = member.get("extends")
    if extends is None:
        return []
    value = extends[1]
    named = scalar(value) or scalar(get(value, "service"))
    base = stack.services.get(named or "") if get(value, "file") is None else None
    if base is None or base.get("extends") is not None:
        raise Unfixable(f"{member.name} `extends:` a service of another file, whose networks "
                        "it joins too: fixer does not follow that, so it cannot tell which "
                        "network the database must be on")
    return [base]


def _external(stack: Stack, names: list[str]) -> str | None:
    """The first of `names` a file of the stack declares `external` (true, or a mapping):
    a network other stacks' containers join too."""
    for doc in stack.docs:
        networks = get(Value(doc.root), "networks")
        for name, value in items(networks) if networks is not None else []:
            external = get(value, "external") if name in names else None
            if external is not None and scalar(external) not in ("false", "False"):
                return name
    return None


def _declared(stack: Stack, doc: ComposeDoc) -> set[str]:
    loaded = stack.docs[:stack.docs.index(doc) + 1] if doc in stack.docs else [doc]
    names: set[str] = set()
    for each in loaded:
        networks = get(Value(each.root), "networks")
        if networks is not None:
            names.update(name for name, _value in items(networks))
    return names


def fragment(names: list[str], members: list[Service]) -> Fragment:
    """The list written as the users write theirs: flow or block, with the same quotes."""
    for member in members:
        found = member.get("networks")
        if found is None or not isinstance(found[1].node, yaml.SequenceNode) \
                or not found[1].node.value:
            continue
        node = found[1].node
        first = node.value[0]
        quote = first.style if isinstance(first, yaml.ScalarNode) and first.style else ""
        return Flow(tuple(names), quote) if is_flow(node) else Seq(tuple(names), quote)
    return Seq(tuple(names))
