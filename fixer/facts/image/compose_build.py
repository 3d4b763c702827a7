"""Pointing a compose `build:` at another Dockerfile, as a text splice in the file's style:
the `dockerfile:` scalar rewritten, added to a `build:` mapping, or a `build: ./dir`
string turned into `context:` plus `dockerfile:`. And the build args compose passes.
"""

from __future__ import annotations

import re

import yaml

from fixer.core.edits import TextEdit
from fixer.core.envfile import interpolate
from fixer.facts.health.rewrite import yaml_scalar
from fixer.model.services import Build, Service
from fixer.sources.compose import ComposeDoc, Value, get, key_node, mapping_or_list, scalar

Result = tuple[list[TextEdit], str | None]
_REFERENCE = re.compile(r"\$\{(\w+)([^}]*)\}|\$(\w+)")


def reference_edit(service: Service, build: Build, relative: str) -> Result:
    """Edits that make `build` name `relative` (a path inside its context), or why not."""
    if build.node.aliased:
        return [], "the build section is reached through a YAML alias"
    if build.dockerfile_node is not None:
        return _rewrite_scalar(build.doc, build.dockerfile_node, relative)
    parent = _service_mapping(service, build)
    if parent is None:
        return [], "the build section could not be located"
    if isinstance(build.node.node, yaml.ScalarNode):
        return _long_form(build.doc, parent, build.node, relative)
    return _add_key(build.doc, build.node, relative)


def build_args(service: Service) -> dict[str, str | None]:
    """`build.args` as compose passes them; None for a value fixer cannot know (taken from
    the shell's environment, or interpolating a variable no `.env` defines)."""
    found = service.get("build")
    args = get(found[1], "args") if found is not None else None
    out: dict[str, str | None] = {}
    for name, raw, _node in mapping_or_list(args):
        needed = [m.group(1) or m.group(3) for m in _REFERENCE.finditer(raw or "")
                  if "-" not in (m.group(2) or "")]   # `${X:-d}` has a value anyway
        known = raw is not None and all(n in service.stack.dotenv for n in needed)
        out[name] = interpolate(raw, service.stack.dotenv) if known and raw is not None else None
    return out


def _rewrite_scalar(doc: ComposeDoc, node: Value, relative: str) -> Result:
    raw = scalar(node) or ""
    if node.aliased or "$" in raw:
        return [], "the dockerfile path is interpolated or reached through a YAML alias"
    parts = iter(relative.split("/"))
    renamed = []
    for part in raw.split("/"):
        renamed.append(part if part in ("", ".") else next(parts, part))
    new = "/".join(renamed)
    source = doc.source(node.node)
    at = source.find(raw)
    if at < 0 or new.lower() != raw.lower():
        return [], "the dockerfile path is written in a form fixer cannot rewrite"
    start = node.node.start_mark.index + at
    return [TextEdit(doc.path, start, start + len(raw), new)], None


def _service_mapping(service: Service, build: Build) -> Value | None:
    for doc, value in reversed(service.definitions):
        if doc is build.doc and get(value, "build") is not None:
            return value
    return None


def _long_form(doc: ComposeDoc, parent: Value, build: Value, relative: str) -> Result:
    """`build: ./svc` -> `build:` with `context: ./svc` and `dockerfile: NAME` below it."""
    key = key_node(parent, "build")
    if key is None:
        return [], "the build key could not be located"
    context = doc.source(build.node)
    if getattr(parent.node, "flow_style", False):
        text = "{context: " + context + ", dockerfile: " + yaml_scalar(relative, "plain", True) + "}"
        return [TextEdit(doc.path, build.node.start_mark.index, build.node.end_mark.index, text)], None
    indent = " " * (key.start_mark.column + _step(doc, parent, key))
    newline = doc.file.newline
    children = (f"{newline}{indent}context: {context}{newline}{indent}dockerfile: "
                f"{yaml_scalar(relative, 'plain', False)}")
    end = build.node.end_mark.index
    line_end = doc.file.text.find("\n", end)
    line_end = len(doc.file.text) if line_end < 0 else line_end
    line_end -= doc.file.text[line_end - 1:line_end] == "\r"
    if not doc.file.text[end:line_end].strip():
        return [TextEdit(doc.path, key.end_mark.index, end, ":" + children)], None
    # `build: ./svc  # comment`: the comment stays on the `build:` line
    return [TextEdit(doc.path, key.end_mark.index, end, ":"),
            TextEdit(doc.path, line_end, line_end, children)], None


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


def _add_key(doc: ComposeDoc, build: Value, relative: str) -> Result:
    """A `dockerfile:` entry in a `build:` mapping: after its `context:`, else first."""
    node = build.node
    if not isinstance(node, yaml.MappingNode) or not node.value:
        return [], "the build section is empty"
    flow = bool(node.flow_style)
    value = yaml_scalar(relative, "plain", flow)
    context = get(build, "context")
    if context is not None and isinstance(context.node, yaml.ScalarNode) and not context.aliased:
        at = context.node.end_mark.index
        first_key = node.value[0][0]
        separator = ", " if flow else doc.file.newline + " " * first_key.start_mark.column
        return [TextEdit(doc.path, at, at, f"{separator}dockerfile: {value}")], None
    first_key = node.value[0][0]
    at = first_key.start_mark.index
    separator = " " if flow else doc.file.newline + " " * first_key.start_mark.column
    return [TextEdit(doc.path, at, at, f"dockerfile: {value},{separator}" if flow
                     else f"dockerfile: {value}{separator}")], None

