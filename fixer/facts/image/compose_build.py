"""Pointing a compose `build:` at another Dockerfile, as a text splice in the file's style:
the `dockerfile:` scalar rewritten, added to a `build:` mapping, or a `build: ./dir`
string turned into `context:` plus `dockerfile:`. `plan_reference` judges from the nodes
whether and where it can be done; the plan renders its edits only when a fix is applied.
And the build args compose passes.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from fixer.core.edits import TextEdit
from fixer.core.lazyre import lazy_compile
from fixer.model.services import Build, Service
from fixer.sources.compose import ComposeDoc, Node, Value, get, key_node, scalar
from fixer.sources.compose_edit import is_block, node_end
from fixer.sources.compose_style import yaml_scalar



@dataclass(frozen=True)
class Rename:
    """The `dockerfile:` value, written as `raw` at offset `start`, renamed to `relative`."""

    doc: ComposeDoc
    start: int
    raw: str
    relative: str

    def edits(self) -> list[TextEdit]:
        new = _renamed(self.raw, self.relative)
        return [TextEdit(self.doc.path, self.start, self.start + len(self.raw), new)]


@dataclass(frozen=True)
class LongForm:
    """`build: ./svc` (the scalar `build`, under the key `key` of the service mapping
    `parent`) turned into `context: ./svc` plus `dockerfile: relative`."""

    doc: ComposeDoc
    parent: Value
    key: Node
    build: Value
    relative: str

    def edits(self) -> list[TextEdit]:
        return _long_form(self)


@dataclass(frozen=True)
class AddKey:
    """A `dockerfile: relative` entry added to the `build:` mapping `build`, which has
    entries: after its `context:`, else first."""

    doc: ComposeDoc
    build: Value
    relative: str

    def edits(self) -> list[TextEdit]:
        return _add_key(self)


Reference = Rename | LongForm | AddKey
_CONTROL = lazy_compile(r"[\x00-\x1f\x7f]")   # what no scalar on one line can hold as is
# A reference to make, or (None, why it cannot be made).
Planned = tuple[Reference | None, str | None]


def plan_reference(service: Service, build: Build, relative: str) -> Planned:
    """How to make `build` name `relative` (a path inside its context), judged from its
    nodes, or why it cannot be done."""
    if build.node.aliased:
        return None, "the build section is reached through a YAML alias"
    if build.dockerfile_node is not None:
        return _rename(build.doc, build.dockerfile_node, relative)
    parent = _service_mapping(service, build)
    if parent is None:
        return None, "the build section could not be located"
    if isinstance(build.node.node, yaml.ScalarNode):
        if _CONTROL.search(str(build.node.node.value)):
            return None, "the build context holds a line break or a control character"
        if _block_comment(build.doc, build.node.node):
            return None, "the build context is a block scalar with a comment on its header"
        key = key_node(parent, "build")
        if key is None:
            return None, "the build key could not be located"
        return LongForm(build.doc, parent, key, build.node, relative), None
    if not _entries(build.node):
        return None, "the build section is empty"
    return AddKey(build.doc, build.node, relative), None


def _rename(doc: ComposeDoc, node: Value, relative: str) -> Planned:
    """Where the `dockerfile:` value's text sits in the file, or why it cannot be renamed."""
    raw = scalar(node) or ""
    if node.aliased or "$" in raw:
        return None, "the dockerfile path is interpolated or reached through a YAML alias"
    at = doc.source(node.node).find(raw)
    if at < 0 or _renamed(raw, relative).lower() != raw.lower():
        return None, "the dockerfile path is written in a form fixer cannot rewrite"
    return Rename(doc, node.node.start_mark.index + at, raw, relative), None


def _renamed(raw: str, relative: str) -> str:
    """`raw` with its path parts spelled as in `relative`; `.` and empty parts kept."""
    parts = iter(relative.split("/"))
    renamed = []
    for part in raw.split("/"):
        renamed.append(part if part in ("", ".") else next(parts, part))
    return "/".join(renamed)


def _service_mapping(service: Service, build: Build) -> Value | None:
    for doc, value in reversed(service.definitions):
        if doc is build.doc and get(value, "build") is not None:
            return value
    return None


def _long_form(plan: LongForm) -> list[TextEdit]:
    """`build: ./svc` -> `build:` with `context: ./svc` and `dockerfile: NAME` below it."""
    doc, build, key = plan.doc, plan.build.node, plan.key
    flow = bool(getattr(plan.parent.node, "flow_style", False))
    context = _context_text(doc, build, flow)
    if flow:
        text = f"{{context: {context}, dockerfile: {yaml_scalar(plan.relative, 'plain', True)}}}"
        return [TextEdit(doc.path, build.start_mark.index, build.end_mark.index, text)]
    indent = " " * (key.start_mark.column + _step(doc, plan.parent, key))
    newline = doc.file.newline
    children = (f"{newline}{indent}context: {context}{newline}{indent}dockerfile: "
                f"{yaml_scalar(plan.relative, 'plain', False)}")
    end = node_end(doc.file.text, build)   # a block scalar's end mark is past its line break
    line_end = doc.file.text.find("\n", end)
    line_end = len(doc.file.text) if line_end < 0 else line_end
    line_end -= doc.file.text[line_end - 1:line_end] == "\r"
    if not doc.file.text[end:line_end].strip():
        return [TextEdit(doc.path, key.end_mark.index, end, ":" + children)]
    # `build: ./svc  # comment`: the comment stays on the `build:` line
    return [TextEdit(doc.path, key.end_mark.index, end, ":"),
            TextEdit(doc.path, line_end, line_end, children)]


def _block_comment(doc: ComposeDoc, node: yaml.Node) -> bool:
    """A `>-  # why` header: turning the scalar into `context:` would lose the comment."""
    if not is_block(node):
        return False
    start = int(node.start_mark.index)
    end = doc.file.text.find("\n", start)
    return "#" in doc.file.text[start:end if end >= 0 else None]


def _context_text(doc: ComposeDoc, build: yaml.Node, flow: bool) -> str:
    """The `build:` string as `context:` writes it: as written, but a block scalar (`>-` and
    its lines) is one value, written as one scalar on the key's line."""
    if is_block(build):
        return yaml_scalar(str(build.value), "plain", flow)
    return doc.source(build)


def _step(doc: ComposeDoc, parent: Value, key: yaml.Node) -> int:
    """The file's indentation step: how far a service's keys sit right of its name."""
    services = get(Value(doc.root), "services")
    if services is not None and isinstance(services.node, yaml.MappingNode):
        for name, value in services.node.value:
            if value is parent.node:
                step = key.start_mark.column - name.start_mark.column
                if step > 0:
                    return int(step)
    return 2


def _entries(build: Value) -> list[tuple[Node, Node]]:
    """The entries of a `build:` mapping: where a new key can go (none: it cannot)."""
    node = build.node
    return list(node.value) if isinstance(node, yaml.MappingNode) else []


def _add_key(plan: AddKey) -> list[TextEdit]:
    """A `dockerfile:` entry in a `build:` mapping: after its `context:`, else first."""
    doc, build = plan.doc, plan.build
    flow = bool(getattr(build.node, "flow_style", False))
    value = yaml_scalar(plan.relative, "plain", flow)
    first_key = _entries(build)[0][0]
    context = get(build, "context")
    if context is not None and isinstance(context.node, yaml.ScalarNode) and not context.aliased:
        at = context.node.end_mark.index
        separator = ", " if flow else doc.file.newline + " " * first_key.start_mark.column
        return [TextEdit(doc.path, at, at, f"{separator}dockerfile: {value}")]
    at = first_key.start_mark.index
    separator = " " if flow else doc.file.newline + " " * first_key.start_mark.column
    return [TextEdit(doc.path, at, at, f"dockerfile: {value},{separator}" if flow
                     else f"dockerfile: {value}{separator}")]
