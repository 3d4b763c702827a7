"""`depends_on` of a service: reading its entries and setting their conditions.

Compose reads the short form (`- db`, `[db, cache]`) as the long form with
`condition: service_started`. Setting one entry's condition therefore turns a
short form into the long form, every other entry saying `service_started`,
which is exactly what it meant. Comments stay where they were: items are
rewritten one line at a time, never re-dumped. Whether they can be written
(`conditions_refused`) is judged on the nodes and offsets the edits use, so a
fix reports it in `fixer check` and builds its edits only when applied.

Compose merges the entries of a stack's files by name, the last file's winning: a short
entry that a later file writes with a condition is dead there (`decided_elsewhere`). The
service an entry names may come from a file the stack's `include:` loads (`target_of`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import yaml

from fixer.core.derived import Memo
from fixer.core.lazyre import lazy_compile
from fixer.core.edits import TextEdit
from fixer.model.services import Service, Stack
from fixer.model.stacks import included_paths
from fixer.model.workspace import Workspace
from fixer.sources.compose import ComposeDoc, Node, Value, elements, get, items, key_node, scalar
from fixer.sources.compose_edit import (
    Unfixable,
    add_entry,
    after_line,
    anchor_name,
    entry_point,
    flow_append,
    insert_lines,
    item_end,
    line_start,
    replace_scalar,
    value_end,
    value_is_alias,
)
from fixer.sources.compose_style import FlowMap, Map, Style, block, flow, is_flow
from fixer.sources.compose_style import key as key_text

HEALTHY, STARTED = "service_healthy", "service_started"


@dataclass(frozen=True)
class Dependency:
    name: str
    condition: str | None      # None: short form, or long form without a condition
    doc: ComposeDoc
    definition: Value          # the service's mapping in `doc`
    node: Value                # the entry: a scalar item, or the long form's value
    required: bool = True
    listed: bool = False       # an item of a short list (`depends_on: [db]`)


_DEPENDENCIES: Memo[tuple[Dependency, ...]] = Memo("depends_on entries")


def dependencies(service: Service) -> tuple[Dependency, ...]:
    """Every entry of every file's `depends_on`, in load order; read once per service (the
    rules and the stack check each ask, for every service)."""
    return service.derived.get(_DEPENDENCIES, lambda: tuple(_dependencies(service)))


def _dependencies(service: Service) -> list[Dependency]:
    found: list[Dependency] = []
    for doc, definition in service.definitions:
        value = get(definition, "depends_on")
        if value is None:
            continue
        if isinstance(value.node, yaml.SequenceNode):
            found += [Dependency(scalar(e) or "", None, doc, definition, e, listed=True)
                      for e in elements(value)]
            continue
        for name, entry in items(value):
            condition = scalar(get(entry, "condition"))
            required = (scalar(get(entry, "required")) or "true").lower() != "false"
            found.append(Dependency(name, condition, doc, definition, entry, required))
    return found


def decided_elsewhere(service: Service, dependency: Dependency) -> Dependency | None:
    """The entry of another file of the stack whose explicit condition is the author's choice
    for `dependency`, written with none: one in a later file (Compose merges the entries by
    name and the last file's wins, so this one changes nothing in the merged stack), or one
    in an earlier file other than `service_healthy` (this one only repeats what the short
    form means there, `service_started`, or undoes a choice that a gate would overrule).
    None for an entry with a condition of its own, and where no other file decides it."""
    if dependency.condition is not None:
        return None
    # files before a `depends_on: !reset` or `!override` are not merged
    live = [doc for doc, _value in service.all("depends_on")]
    order = {id(doc): index for index, doc in enumerate(live)}
    mine = order.get(id(dependency.doc))
    for other in dependencies(service):
        where = order.get(id(other.doc))
        if other.name != dependency.name or other.condition is None or where is None \
                or other.doc is dependency.doc or mine is None:
            continue
        if where > mine or other.condition != HEALTHY:
            return other
    return None


def target_of(ws: Workspace, service: Service, name: str) -> Service | None:
    """The service a `depends_on` entry of `service` names: one of its stack, else one a file
    of the stack brings in with `include:` (`included_services`)."""
    found = service.stack.services.get(name)
    return found if found is not None else included_services(ws, service.stack).get(name)


# per workspace: stack name -> the services its files' `include:` brings in, by name
_INCLUDED: Memo[dict[str, Mapping[str, Service]]] = Memo("services brought in by include")


def included_services(ws: Workspace, stack: Stack) -> Mapping[str, Service]:
    """The services the stack's top-level `include:` brings into its project (through the
    files it includes, followed through), each as the included file's own stack defines it:
    Compose loads an included file as a project of its own (its folder, its `.env`) and adds
    its services. Only what the included file defines itself: its folder's override file, or
    an overlay fixer joined to it (a `-f` file that relies on one of its services), is no
    part of what `include:` loads, and a service such a file overrides is left out."""
    per_stack = ws.derived.get(_INCLUDED, dict)
    if stack.name not in per_stack:
        per_stack[stack.name] = _included(ws, stack)
    return per_stack[stack.name]


def _included(ws: Workspace, stack: Stack) -> dict[str, Service]:
    by_file = {other.docs[0].path: other for other in ws.stacks}
    found: dict[str, Service] = {}
    seen = {doc.path for doc in stack.docs}
    waiting = [path for doc in stack.docs for path in included_paths(doc, plain=True)]
    while waiting:
        path = waiting.pop(0)
        included = by_file.get(path) if path is not None and path not in seen else None
        if included is None:
            continue
        seen.update((included.name, included.docs[0].path))
        base = included.docs[0]
        for name, service in included.services.items():
            if all(doc is base for doc, _value in service.definitions):
                found.setdefault(name, service)
        waiting += included_paths(base, plain=True)
    return found


def including_stacks(ws: Workspace, stack: Stack) -> list[Stack]:
    """The other stacks whose `include:` brings this stack's services into their project:
    their services' `depends_on` may name them."""
    return ws.derived.get(_INCLUDERS, lambda: _includers(ws)).get(stack.name, [])


# per workspace: stack name -> the stacks whose `include:` brings its services in
_INCLUDERS: Memo[dict[str, list[Stack]]] = Memo("stacks that include a stack")


def _includers(ws: Workspace) -> dict[str, list[Stack]]:
    found: dict[str, list[Stack]] = {}
    for stack in ws.stacks:
        for included in {service.stack.name for service in included_services(ws, stack).values()}:
            found.setdefault(included, []).append(stack)
    return found


def entry_position(doc: ComposeDoc, definition: Value, entry: Value) -> tuple[int, int]:
    """An entry's line and column: where a finding about it is reported, and (the line)
    where a `# fixer: ignore[...]` comment covers it. For an entry written at an anchor,
    the position of this service's `depends_on`."""
    key = key_node(definition, "depends_on")
    node = key if entry.aliased and key is not None else entry.node
    return doc.line(node), doc.column(node)


def entry_line(doc: ComposeDoc, definition: Value, entry: Value) -> int:
    return entry_position(doc, definition, entry)[0]


def where_aliased(doc: ComposeDoc, definition: Value) -> str | None:
    """Why `depends_on` of this definition cannot be edited in place, or None."""
    if definition.aliased:
        return _anchor_reason(doc, definition.node)
    value = get(definition, "depends_on")
    if value is None:
        return None
    key = key_node(definition, "depends_on")
    if value.aliased or (key is not None and value_is_alias(doc.file.text, key)):
        return _anchor_reason(doc, value.node)
    aliased = [e for e in elements(value) if e.aliased]
    if aliased:
        return _anchor_reason(doc, aliased[0].node)
    shared = doc.shared_anchor_around(value.node.start_mark.index, value.node.end_mark.index)
    if shared is not None:   # `api: &api` that `api-replica: *api` repeats whole
        return (f"depends_on lies in the anchor `&{shared}`, which other services share; "
                "fixer does not edit it")
    return None


def _anchor_reason(doc: ComposeDoc, node: Node) -> str:
    anchor = anchor_name(doc, node)
    if anchor is None:
        return "depends_on is reached through a YAML alias; fixer does not edit through one"
    return (f"depends_on comes from the anchor `&{anchor}`, which aliases share; fixer does not "
            "edit it")


def set_conditions(doc: ComposeDoc, definition: Value, wanted: dict[str, str],
                   style: Style) -> list[TextEdit]:
    """Edits giving each wanted entry its condition (added when missing). Unfixable with the
    reason `conditions_refused` gives."""
    reason = conditions_refused(doc, definition, wanted)
    if reason:
        raise Unfixable(reason)
    value = get(definition, "depends_on")
    if value is None:
        pairs = tuple((n, Map((("condition", c),))) for n, c in wanted.items())
        if is_flow(definition.node):
            flow_pairs = tuple((n, FlowMap((("condition", c),))) for n, c in wanted.items())
            return [add_entry(doc, definition.node, "depends_on", FlowMap(flow_pairs), style)]
        return [add_entry(doc, definition.node, "depends_on", Map(pairs), style)]
    if isinstance(value.node, yaml.SequenceNode):
        return _from_list(doc, definition, value.node, wanted, style)
    return _in_mapping(doc, value.node, wanted, style)


# -- can the conditions be written: judged on the nodes and offsets the edits would use ------

def conditions_refused(doc: ComposeDoc, definition: Value, wanted: dict[str, str]) -> str | None:
    """Why `set_conditions` cannot give the wanted entries their conditions (the edit would go
    through an alias, into a shape Compose does not accept, or where no entry can be added),
    or None. A fix judges its safety on this without building its edits; `set_conditions`
    raises with the same reason, so what this accepts it renders."""
    reason = where_aliased(doc, definition)
    if reason:
        return reason
    value = get(definition, "depends_on")
    if value is None:
        return append_refused(doc, definition.node)
    node = value.node
    if isinstance(node, yaml.SequenceNode):
        return _list_refused(doc, node)
    if isinstance(node, yaml.MappingNode):
        return _mapping_refused(doc, node, wanted)
    return "depends_on is neither a list nor a mapping"


def _list_refused(doc: ComposeDoc, node: Node) -> str | None:
    """A short list is rewritten item by item: each must be a plain name on a line of its own
    (block) inside plain brackets (flow), with an end the edit can find."""
    if any(scalar(Value(item)) is None for item in node.value):
        return "a depends_on item is not a plain name"
    text = doc.file.text
    start, end = int(node.start_mark.index), int(node.end_mark.index)
    if is_flow(node) and (text[start] != "[" or text[end - 1] != "]"):
        return "depends_on is not a plain flow list"
    for index, item in enumerate(node.value):
        item_start = int(item.start_mark.index)
        if not is_flow(node) and text[line_start(text, item_start):item_start].strip() != "-":
            return "a depends_on item shares its line with other text"
        try:
            item_end(text, node, index)
        except Unfixable as exc:
            return str(exc)
    return None


def _mapping_refused(doc: ComposeDoc, node: Node, wanted: dict[str, str]) -> str | None:
    existing = _entries(node)
    for name in wanted:
        if name in existing:
            reason = _entry_refused(doc, *existing[name])
        else:
            reason = append_refused(doc, node)
        if reason:
            return reason
    return None


def _entry_refused(doc: ComposeDoc, key: Node, entry: Node) -> str | None:
    if isinstance(entry, yaml.ScalarNode) and entry.start_mark.index == entry.end_mark.index:
        return None  # `db:` with nothing after: the condition goes on the next line
    if not isinstance(entry, yaml.MappingNode):
        return f"depends_on entry {key.value} is not a mapping"
    if any(sub_key.value == "condition" for sub_key, _value in entry.value):
        return None  # rewritten in place
    return append_refused(doc, entry)


def append_refused(doc: ComposeDoc, node: Node) -> str | None:
    """Why `add_entry` (or `flow_append`, on a flow mapping) cannot add an entry to `node`,
    or None: judged on the point where it would put it."""
    try:
        entry_point(doc, node)
    except Unfixable as exc:
        return str(exc)
    return None


# -- the edits, for what `conditions_refused` accepted -----------------------------------------

def _from_list(doc: ComposeDoc, definition: Value, node: Node, wanted: dict[str, str],
               style: Style) -> list[TextEdit]:
    names = [str(scalar(Value(item))) for item in node.value]
    conditions = {n: wanted.get(n, STARTED) for n in names}
    new = {n: c for n, c in wanted.items() if n not in conditions}
    if is_flow(node):
        return _flow_list(doc, node, conditions, new, style)
    key = key_node(definition, "depends_on")
    assert key is not None  # an own key: where_aliased refuses one merged in
    column = int(key.start_mark.column) + style.step_at(int(key.start_mark.column))
    text = doc.file.text
    edits: list[TextEdit] = []
    for index, item in enumerate(node.value):
        start = line_start(text, int(item.start_mark.index))
        end = item_end(text, node, index)
        edits.append(_keeping_comment_column(doc, start, end,
                                             " " * column + doc.source(item) + ":"))
        lines = block((("condition", conditions[names[index]]),), column + style.step_at(column),
                      style)
        edits.append(insert_lines(doc, after_line(text, end), lines))
    last = after_line(text, item_end(text, node, len(node.value) - 1))
    for name, condition in new.items():
        entry = block(((name, Map((("condition", condition),))),), column, style)
        edits.append(insert_lines(doc, last, entry))
    return edits


# the spaces between an item and its trailing comment (`- db      # the store`)
_BEFORE_COMMENT = lazy_compile(r"( +)#")


def _keeping_comment_column(doc: ComposeDoc, start: int, end: int, new: str) -> TextEdit:
    """The edit writing `new` over `start`..`end`, where a trailing comment follows on the
    line: the spaces before it take up the difference, so the comment keeps its column
    (`      - db      # the store` as `      db:       # the store`), as the file lines up
    its comments. One or two spaces are the file's spacing of a comment, not a column
    (`- db  # the store` as `db:  # the store`): they stay, and so do the spaces of a
    comment the new text reaches past."""
    gap = _BEFORE_COMMENT.match(doc.file.text, end)
    if gap is None or len(gap.group(1)) <= 2:
        return TextEdit(doc.path, start, end, new)
    spaces = len(gap.group(1)) + (end - start) - len(new)
    if spaces < 1:   # written deeper than it can go: the spaces it had
        spaces = len(gap.group(1))
    return TextEdit(doc.path, start, gap.end(1), new + " " * spaces)


def _flow_list(doc: ComposeDoc, node: Node, conditions: dict[str, str],
               new: dict[str, str], style: Style) -> list[TextEdit]:
    start, end = int(node.start_mark.index), int(node.end_mark.index)
    entries = [f"{key_text(n)}: {_flow_condition(c, style)}" for n, c in new.items()]
    if not node.value:
        return [TextEdit(doc.path, start, end, "{" + ", ".join(entries) + "}")]
    edits = [TextEdit(doc.path, start, start + 1, "{")]
    for index, item in enumerate(node.value):
        item_stop = item_end(doc.file.text, node, index)
        suffix = ": " + _flow_condition(conditions[str(scalar(Value(item)))], style)
        if index == len(node.value) - 1:
            suffix += "".join(f", {e}" for e in entries)
        edits.append(TextEdit(doc.path, item_stop, item_stop, suffix))
    edits.append(TextEdit(doc.path, end - 1, end, "}"))
    return edits


def _flow_condition(condition: str, style: Style) -> str:
    return flow(FlowMap((("condition", condition),)), style)


def _entries(node: Node) -> dict[str, tuple[Node, Node]]:
    """A depends_on mapping's own entries by name (the last of a repeated key, as written)."""
    return {str(k.value): (k, v) for k, v in node.value}


def _in_mapping(doc: ComposeDoc, node: Node, wanted: dict[str, str],
                style: Style) -> list[TextEdit]:
    edits: list[TextEdit] = []
    existing = _entries(node)
    for name, condition in wanted.items():
        if name not in existing:
            value = FlowMap((("condition", condition),)) if is_flow(node) \
                else Map((("condition", condition),))
            edits.append(add_entry(doc, node, name, value, style))
            continue
        key, entry = existing[name]
        edits += _entry_condition(doc, key, entry, condition, style)
    return edits


def _entry_condition(doc: ComposeDoc, key: Node, entry: Node, condition: str,
                     style: Style) -> list[TextEdit]:
    text = doc.file.text
    if isinstance(entry, yaml.ScalarNode):  # `db:` with nothing after (_entry_refused)
        column = int(key.start_mark.column) + style.step_at(int(key.start_mark.column))
        point = after_line(text, value_end(text, key, entry))
        return [insert_lines(doc, point, block((("condition", condition),), column, style))]
    for sub_key, sub_value in entry.value:
        if sub_key.value == "condition":
            if scalar(Value(sub_value)) == condition:
                return []
            return [replace_scalar(doc, sub_value, condition)]
    if is_flow(entry):
        return [flow_append(doc, entry, f"condition: {flow(condition, style, style.value_quote)}")]
    return [add_entry(doc, entry, "condition", condition, style)]
