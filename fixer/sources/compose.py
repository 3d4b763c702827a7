"""Compose files, parsed for meaning with positions.

Detection uses PyYAML's C composer: it is ten times faster than a round-trip
load and keeps a mark (offset, line, column) on every node. Nothing here dumps
YAML; fixes splice text at these marks.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import yaml

from fixer.core.errors import InputError
from fixer.core.lazyre import lazy_compile
from fixer.core.textfile import TextFile
from fixer.sources.anchors import AnchorSpan, anchor_around, anchor_at, shared_anchors
from fixer.sources.compose_shape import check_document, compose_text, kind
from fixer.sources.compose_keys import (
    BUILD_KEYS,
    DEPENDENCY_KEYS,
    HEALTHCHECK_KEYS,
    PORT_KEYS,
    SERVICE_KEYS,
    TOP_LEVEL,
)
from fixer.sources.shortports import short_port_problem

try:  # the C composer; the pure-Python one gives the same nodes, slower
    _Composer: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - wheels ship libyaml
    _Composer = yaml.SafeLoader


class _Loader(_Composer):  # type: ignore[misc]
    """The composer, cheaper per node. It calls back into Python to tag every node: a
    plain scalar's tag is resolved once per text here (the services of a large file
    repeat the same values), and the path-resolver hooks it calls around every node are
    skipped, as fixer registers no path resolver (`yaml.add_path_resolver`)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._tags: dict[tuple[type, str | None, object], str] = {}

    def resolve(self, kind: type, value: str | None, implicit: object) -> str:
        key = (kind, value, implicit)
        tag = self._tags.get(key)
        if tag is None:
            tag = self._tags[key] = super().resolve(kind, value, implicit)
        return tag

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

Node = yaml.Node
MERGE_KEY = "<<"


class Value(NamedTuple):
    """A node reached from a service definition, and whether that path crossed an alias.
    A named tuple rather than a frozen dataclass: one is made for every key and item the
    rules read, and a tuple is made in half the time."""

    node: Node
    aliased: bool = False


@dataclass
class ComposeDoc:
    """One compose file."""

    file: TextFile
    root: yaml.MappingNode
    services: dict[str, Value] = field(default_factory=dict)
    # (service, key, the error) of each key a service leaves empty (`environment:` with
    # nothing under it): Compose validates the merged project, where an earlier file's value
    # of the key stands; with none, the stack records the error
    empty_overrides: list[tuple[str, str, InputError]] = field(default_factory=list)
    _anchors: list[AnchorSpan] | None = field(default=None, repr=False, compare=False)

    # Kept once computed: asked some two hundred thousand times a run (through each
    # stack's name), and a document's file never changes.
    @functools.cached_property
    def path(self) -> str:
        return self.file.path

    def line(self, node: Node) -> int:
        return int(node.start_mark.line) + 1

    def column(self, node: Node) -> int:
        return int(node.start_mark.column) + 1

    def source(self, node: Node) -> str:
        """The node's text exactly as written (quotes included)."""
        return self.file.text[node.start_mark.index:node.end_mark.index]

    def shared_anchor_at(self, start: int, end: int) -> str | None:
        """The anchor (aliased elsewhere) that text[start:end] touches; None when unshared."""
        return anchor_at(self._shared_anchors(), start, end)

    def shared_anchor_around(self, start: int, end: int) -> str | None:
        """The anchor (aliased elsewhere) that holds all of text[start:end]."""
        return anchor_around(self._shared_anchors(), start, end)

    def _shared_anchors(self) -> list[AnchorSpan]:
        if self._anchors is None:
            self._anchors = shared_anchors(self.file.text) if "&" in self.file.text else []
        return self._anchors


def parse(file: TextFile) -> ComposeDoc | None:
    """The parsed file; None when it is empty. InputError when it is not YAML, or not a
    compose file Compose itself would load (see `check_document`, `Shape`)."""
    root = _compose(file)
    if root is None:
        return None
    if not isinstance(root, yaml.MappingNode):
        if not _DEFAULT_NAME.search(file.path):
            return None   # a list (an Ansible playbook) named for the stack: no compose file
        raise InputError(file.path, root.start_mark.line + 1, "a compose file must be a mapping")
    if _other_kind(root):
        return None   # a workflow or manifest named for the stack, not a compose file
    check_document(file.path, root)
    doc = ComposeDoc(file, root)
    _check_top_level(doc, root)
    services = get(Value(root), "services")
    if services is not None and isinstance(services.node, yaml.MappingNode):
        _check_service_names(doc, services.node)
        for key, value in items(services):
            doc.services[key] = value
    elif services is not None:   # Compose refuses an empty `services:` too
        raise InputError(file.path, doc.line(services.node), "`services` must be a mapping")
    for name, value in doc.services.items():
        _check_service(doc, name, value)
        _check_ports(doc, name, value)
        _check_build_rules(doc, name, value)
    return doc


# top-level keys of CI pipelines (GitHub Actions workflows and actions, GitLab CI, Azure
# Pipelines, CircleCI, Bitbucket) that no compose file has: `deploy-docker-compose.yml` in
# `.github/workflows` is found by its name, and is no file Compose loads
_CI_KEYS = frozenset({"on", "jobs", "steps", "runs", "stages", "pipelines", "workflows",
                      "trigger", "pool"})
# the names Compose loads by default: a file of such a name is meant as a compose file
_DEFAULT_NAME = lazy_compile(r"(?:^|/)(?:docker-)?compose(?:\.override)?\.ya?ml$")


def _other_kind(root: yaml.MappingNode) -> bool:
    """The document is of another kind, with no `services`: a CI pipeline (a key of one at
    the top), a Kubernetes manifest (`apiVersion` and `kind`), or another program's settings
    (`config/docker-compose.yaml` that the app reads: `server:`, `redis:`), none of whose
    keys a compose file has or reads as one misspelt (`servics:`, which Compose refuses),
    but for the names any data has (`name:`, `version:` beside `id:` and `summary:` in a
    knowledge base's `docker-compose.yaml` entry)."""
    keys = {str(key.value) for key, _value in root.value}
    if "services" in keys:
        return False
    composed = {key for key in keys if _compose_key(key)}
    return bool(keys & _CI_KEYS) or {"apiVersion", "kind"} <= keys or not composed or \
        (composed <= _COMMON_KEYS and keys != composed)


# top-level keys of a compose file that other YAML documents have as well
_COMMON_KEYS = frozenset({"name", "version"})


def _compose_key(key: str) -> bool:
    """A top-level key of a compose file, an extension, or one misspelt (`servics`)."""
    return key in TOP_LEVEL or key.startswith("x-") or key == MERGE_KEY or \
        bool(difflib.get_close_matches(key, TOP_LEVEL, n=1, cutoff=0.8))


def _check_build_rules(doc: ComposeDoc, name: str, service: Value) -> None:
    """InputError for a build Compose refuses past its schema: `dockerfile` beside
    `dockerfile_inline`. (What other files of the stack may change, such as `networks` beside
    `network_mode` that an override resets, is not judged on one file.)"""
    build = get(service, "build")
    clash = get(build, "dockerfile_inline") if build is not None and \
        get(build, "dockerfile") is not None else None
    if clash is not None:
        raise InputError(doc.path, doc.line(clash.node),
                         f"services.{name}: `dockerfile` and `dockerfile_inline` exclude each "
                         "other: Compose refuses the file")


def _check_top_level(doc: ComposeDoc, root: yaml.MappingNode) -> None:
    """InputError for a top-level key Compose's schema does not have (`servics:`): Compose
    refuses the file, which fixer would otherwise pass as one with no services. So for a
    value of a kind it refuses there (`version: 3.8`, which YAML reads as a number, or a
    `volumes:` with nothing under it)."""
    for key, value in root.value:
        name = str(key.value)
        if name not in TOP_LEVEL and not name.startswith("x-") and not key.tag.endswith(":merge"):
            raise InputError(doc.path, doc.line(key), f"`{name}` is no top-level key of a "
                             "compose file: Compose refuses the file")
        shape = _TOP_LEVEL_SHAPES.get(name)
        if shape is not None and not _allowed_scalar(value, shape):
            _check_shape(doc, value, name, shape)


def _check_service_names(doc: ComposeDoc, services: yaml.MappingNode) -> None:
    """InputError for a service name YAML reads as no string (`1:`, `true:`): Compose
    refuses it (quoted, `"1":` is a name)."""
    for key, _value in services.value:
        if not key.tag.endswith(":merge") and key.value != MERGE_KEY and kind(key) != "string":
            raise InputError(doc.path, doc.line(key), f"service name `{key.value}` is not a "
                             "string: Compose refuses the file (quote it)")


def _check_ports(doc: ComposeDoc, name: str, service: Value) -> None:
    """InputError for a `ports` entry Compose refuses, whose port a rule would read and
    move the app to: a short entry whose container port is no port (`8080:80001`,
    `8080:0`, `8080:abc`), whose host port is none (`70000:8000`), whose protocol is
    unknown (`8000/xyz`), whose two ranges differ in length, or whose first of three parts
    is no IP address (`9000:8000:1`, read as written its container port is 1); a long
    entry with no `target`, or one that is no number."""
    ports = get(service, "ports")
    for index, entry in enumerate(elements(ports)):
        text = scalar(entry)
        if isinstance(entry.node, yaml.MappingNode):
            why = _long_port_problem(entry)
        else:
            why = short_port_problem(text) if text is not None and "$" not in text else None
        if why is not None:
            raise InputError(doc.path, doc.line(entry.node),
                             f"services.{name}.ports[{index}]: {why}: Compose refuses the file")


def _long_port_problem(entry: Value) -> str | None:
    """No `target`, or one Compose cannot read as a port number: a string that is no run of
    digits (`abc`, ` 80`), a negative number, a fraction (`80.5`; `80.0` is 80)."""
    target = get(entry, "target")
    if target is None:
        return "a long entry with no `target` (the container port)"
    node = target.node
    if not isinstance(node, yaml.ScalarNode) or not node.tag.startswith(_YAML_TAG):
        return None
    text, what = str(node.value), kind(node)
    if what == "string" and "$" not in text and not text.removeprefix("+").isdigit():
        return f"`target: {text}` is no number"
    if what in ("integer", "float") and (float(compose_text(node) or 0) < 0 or
                                          not float(compose_text(node) or 0).is_integer()):
        return f"`target: {text}` is no port number"
    return None


def _why(exc: yaml.MarkedYAMLError) -> str:
    """The one-line reason of a YAML error. Several documents (`---` between them) are valid
    YAML, and Compose merges them; fixer reads a compose file of one document only."""
    if isinstance(exc, yaml.composer.ComposerError) and "another document" in str(exc.problem):
        return ("several YAML documents (`---`) in one compose file: fixer reads a compose "
                "file of one document only")
    return f"invalid YAML: {exc.problem or exc.context}"


class _EscapedQuoteLoader(yaml.SafeLoader):
    """The pure-Python composer, taking a backslash before `'` in a double-quoted scalar
    for the quote alone, as Compose's YAML library does (YAML has no such escape, and
    PyYAML refuses it): a file Compose loads is no input error. The text is not changed,
    so every node's offsets are the file's own."""

    # the stubs call it Final; PyYAML's scanner reads it from the instance's class
    ESCAPE_REPLACEMENTS = {  # type: ignore[misc]
        **yaml.SafeLoader.ESCAPE_REPLACEMENTS, "'": "'"}


def _compose(file: TextFile) -> Node | None:
    try:
        node: Node | None = yaml.compose(file.text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        if (exc.problem or "").startswith("found unknown escape character") and \
                "\\'" in file.text:
            try:   # the one escape Compose takes beyond YAML's
                return yaml.compose(file.text, Loader=_EscapedQuoteLoader)
            except yaml.YAMLError:
                pass
        raise InputError(file.path, _error_line(exc), _why(exc)) from None
    except yaml.reader.ReaderError as exc:
        # No mark, only a position: a byte offset in the UTF-8 text the C reader is fed,
        # a character offset in the pure-Python one.
        before = (file.text.encode("utf-8", "surrogatepass")[:exc.position].count(b"\n")
                  if _Composer is not yaml.SafeLoader else file.text.count("\n", 0, exc.position))
        reason = str(exc).split("\n", 1)[0]    # the rest names "<unicode string>"
        raise InputError(file.path, before + 1, f"invalid YAML: {reason}") from None
    except yaml.YAMLError as exc:
        raise InputError(file.path, 1, f"invalid YAML: {exc}") from None
    return node


def _error_line(exc: yaml.MarkedYAMLError) -> int:
    """The line the mistake is on. A key without its `:` is found only where the scanner
    gives up, often lines later: the key's own line is the context mark."""
    mark = exc.problem_mark or exc.context_mark
    if exc.context == "while scanning a simple key" and exc.context_mark is not None:
        mark = exc.context_mark
    return int(mark.line) + 1 if mark is not None else 1


@dataclass(frozen=True)
class Shape:
    """The node kinds Compose's schema allows for a value fixer reads, checked before any
    rule reads it: a rule that finds a string where it expects a list would read nothing
    and report the service as clean, and one that reads `8000` where Compose wants a
    string would fix a file Compose refuses."""

    says: str                     # what it must be, as the error says it
    scalars: frozenset[str] = frozenset()   # the scalar kinds (`compose_shape.kind`) allowed
    sequence: bool = False
    mapping: bool = False
    element: Shape | None = None  # every element of a sequence
    member: Shape | None = None   # every value of a mapping
    keys: tuple[tuple[str, Shape], ...] = ()   # the values of these keys of a mapping
    # the keys Compose's schema allows in the mapping (and `x-` extensions), with what the
    # mapping is called: a key outside them (`enviroment:`) makes Compose refuse the file.
    # Empty: any key.
    allowed: frozenset[str] = frozenset()
    called: str = ""
    # what a string's text must match, unless a `$` makes it Compose's to substitute first
    # (`interval: 5x` is no duration): the error says `says`
    pattern: re.Pattern[str] | None = None

    @functools.cached_property
    def named(self) -> dict[str, Shape]:
        """`keys` as a dict, made once: every mapping of every service is checked."""
        return dict(self.keys)


_STRING = frozenset({"string"})
_NUMBER = frozenset({"string", "integer"})
_TEXT = Shape("a string", _STRING)
_TEXTS = Shape("a string or a list of strings", _STRING, sequence=True, element=_TEXT)
_COMMAND = Shape("a string or a list of strings", _STRING | {"null"}, sequence=True,
                 element=_TEXT)
# Go's durations as Compose reads them (`30s`, `1m30s`, `500ms`), and `0`
_DURATION = Shape("a duration (`30s`, `1m30s`)", _STRING, pattern=re.compile(
    r"[-+]?(?:0|(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|\u00b5s|\u03bcs|ms|s|m|h|d|w))+)"))
_CONDITION = Shape("`service_started`, `service_healthy` or `service_completed_successfully`",
                   _STRING, pattern=re.compile(
                       r"service_started|service_healthy|service_completed_successfully"))
_LABELS = Shape("a mapping or a list", mapping=True, sequence=True)
# a service's `volumes`, `secrets` and `configs`: short strings or long mappings
_MOUNTS = Shape("a list", sequence=True, element=Shape("a string or a mapping", _STRING,
                                                       mapping=True))
_STRINGS = Shape("a list of strings", sequence=True, element=_TEXT)
_PORT = Shape("a number, a string or a mapping", _NUMBER, mapping=True, keys=(
    ("target", Shape("a number or a string", _NUMBER | {"float"})),
    ("published", Shape("a number or a string", _NUMBER))),
    allowed=PORT_KEYS, called="a port")
_SERVICE = Shape("a mapping", mapping=True, allowed=SERVICE_KEYS, called="a service", keys=(
    ("build", Shape("a string or a mapping", _STRING, mapping=True,
                    keys=(("context", _TEXT), ("dockerfile", _TEXT), ("target", _TEXT)),
                    allowed=BUILD_KEYS, called="`build`")),
    ("healthcheck", Shape("a mapping", mapping=True, keys=(
        ("test", _TEXTS), ("interval", _DURATION), ("timeout", _DURATION),
        ("start_period", _DURATION), ("start_interval", _DURATION),
        ("retries", Shape("a number", _NUMBER | {"float"}, pattern=re.compile(r"[-+]?\d+")))),
        allowed=HEALTHCHECK_KEYS, called="`healthcheck`")),
    ("image", _TEXT), ("restart", _TEXT), ("container_name", _TEXT), ("labels", _LABELS),
    ("stop_grace_period", _DURATION),
    ("profiles", Shape("a list of strings", sequence=True, element=_TEXT)),
    ("ports", Shape("a list", sequence=True, element=_PORT)),
    ("expose", Shape("a list", sequence=True, element=Shape("a number or a string", _NUMBER))),
    ("depends_on", Shape("a list or a mapping", sequence=True, mapping=True, element=_TEXT,
                         member=Shape("a mapping", mapping=True,
                                      keys=(("condition", _CONDITION),),
                                      allowed=DEPENDENCY_KEYS,
                                      called="a `depends_on` entry"))),
    ("environment", Shape("a mapping or a list", mapping=True, sequence=True, element=_TEXT,
                          member=Shape("a string, a number, a boolean or null",
                                       _NUMBER | {"float", "boolean", "null"}))),
    ("command", _COMMAND),
    ("entrypoint", _COMMAND),
    ("env_file", Shape("a string or a list", _STRING, sequence=True,
                       element=Shape("a string or a mapping", _STRING, mapping=True,
                                     keys=(("path", _TEXT),)))),
    # what Compose's schema refuses of a service's mounts and attachments (checked with
    # `docker compose config`): `volumes:` written as a mapping, `networks: default`
    ("volumes", _MOUNTS), ("secrets", _MOUNTS), ("configs", _MOUNTS),
    ("networks", Shape("a list or a mapping", sequence=True, mapping=True, element=_TEXT)),
    ("cap_add", _STRINGS), ("cap_drop", _STRINGS),
    ("extra_hosts", Shape("a mapping or a list", mapping=True, sequence=True)),
))
_RESOURCES = Shape("a mapping", mapping=True)
_TOP_LEVEL_SHAPES = {"version": _TEXT, "name": _TEXT, "networks": _RESOURCES,
                     "volumes": _RESOURCES, "secrets": _RESOURCES, "configs": _RESOURCES}
_KIND_NAMES = {"integer": "a number", "float": "a number", "boolean": "a boolean",
               "null": "null", "date": "a date", "string": "a string"}


def _check_service(doc: ComposeDoc, name: str, service: Value) -> None:
    """`_check_shape` of a service, but for the keys it leaves empty, which wait for the
    stack (`ComposeDoc.empty_overrides`): over an earlier file's value they merge away."""
    if not isinstance(service.node, yaml.MappingNode) or not service.node.tag.startswith(
            _YAML_TAG):
        _check_shape(doc, service.node, f"services.{name}", _SERVICE)
        return
    _check_keys(doc, service, f"services.{name}", _SERVICE,
                lambda key, error: doc.empty_overrides.append((name, key, error)))


def _check_shape(doc: ComposeDoc, node: Node, where: str, shape: Shape) -> None:
    """InputError at the node when its kind is not one `shape` allows. Values under a tag
    of Compose's own (`!reset`, `!override`) are left to Compose. One test of the node's
    class decides both what it may be and what to check below it: this runs for every
    value the shapes name, in every service."""
    if not node.tag.startswith(_YAML_TAG):
        return
    if isinstance(node, yaml.ScalarNode):
        if kind(node) not in shape.scalars or not _matches(node, shape):
            raise _wrong_kind(doc, node, where, shape)
    elif isinstance(node, yaml.SequenceNode):
        if not shape.sequence:
            raise _wrong_kind(doc, node, where, shape)
        element = shape.element
        if element is not None:
            for index, child in enumerate(node.value):
                if not _allowed_scalar(child, element):
                    _check_shape(doc, child, f"{where}[{index}]", element)
    elif isinstance(node, yaml.MappingNode):
        if not shape.mapping:
            raise _wrong_kind(doc, node, where, shape)
        _check_keys(doc, Value(node), where, shape)
    else:
        raise _wrong_kind(doc, node, where, shape)


def _wrong_kind(doc: ComposeDoc, node: Node, where: str, shape: Shape) -> InputError:
    return InputError(doc.path, doc.line(node),
                      f"{where} must be {shape.says}{_not(node, shape)}")


def _not(node: Node, shape: Shape) -> str:
    """`, not a number (8000)`: a scalar YAML reads as another type is easy to miss; a
    string of the right kind whose text is wrong is shown as written (`5x`, quoted)."""
    if not isinstance(node, yaml.ScalarNode):
        return ""
    if kind(node) in shape.scalars:
        return f", not `{node.value}`"
    shown = f" ({node.value})" if node.value and len(node.value) <= 40 else ""
    return f", not {_KIND_NAMES[kind(node)]}{shown}"


def _check_keys(doc: ComposeDoc, value: Value, where: str, shape: Shape,
                empty: Callable[[str, InputError], None] | None = None) -> None:
    """`empty`: told of each key left empty that the shape refuses so, instead of raising
    (an overriding service's, which a base's value may stand for)."""
    named, member, allowed = shape.named, shape.member, shape.allowed
    for key, child in items(value):
        if allowed and key not in allowed and not key.startswith("x-"):
            raise _unknown_key(doc, value.node, key, where, shape)
        inner = named.get(key, member)
        if inner is None or _allowed_scalar(child.node, inner):
            continue
        if empty is not None and isinstance(child.node, yaml.ScalarNode) and \
                child.node.tag.startswith(_YAML_TAG) and kind(child.node) == "null":
            empty(key, _wrong_kind(doc, child.node, f"{where}.{key}", inner))
            continue
        _check_shape(doc, child.node, f"{where}.{key}", inner)


def _unknown_key(doc: ComposeDoc, node: Node, key: str, where: str, shape: Shape) -> InputError:
    """The error for a key Compose's schema does not have (`enviroment`, with the key it
    is closest to), at the key's line (its mapping's where a merge key brought it)."""
    import difflib   # here: only a refused file asks
    line = next((doc.line(k) for k, _v in node.value
                 if isinstance(k, yaml.ScalarNode) and k.value == key), doc.line(node))
    close = difflib.get_close_matches(key, sorted(shape.allowed), n=1)
    hint = f" (did you mean `{close[0]}`?)" if close else ""
    return InputError(doc.path, line, f"{where}: `{key}` is no key of {shape.called}{hint}: "
                      "Compose refuses the file")


_YAML_TAG = "tag:yaml.org,2002:"


def _allowed_scalar(node: Node, shape: Shape) -> bool:
    """A scalar `_check_shape` lets through: most values checked are, and settled here they
    cost no call of it and no name of where they are, which only its error shows."""
    return isinstance(node, yaml.ScalarNode) and node.tag.startswith(_YAML_TAG) and \
        kind(node) in shape.scalars and _matches(node, shape)


def _matches(node: yaml.ScalarNode, shape: Shape) -> bool:
    pattern = shape.pattern
    return pattern is None or kind(node) != "string" or "$" in node.value or \
        pattern.fullmatch(node.value) is not None


def _is_null(node: Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and kind(node) == "null"


def _owned(parent: Node, child: Node) -> bool:
    """A child whose text lies outside its parent's was reached through an alias."""
    return bool(parent.start_mark.index <= child.start_mark.index <= parent.end_mark.index)


def items(value: Value) -> list[tuple[str, Value]]:
    """Key/value pairs of a mapping, merge keys (`<<:`) expanded, own keys winning.

    Memoized on the node: parsed documents are cached and shared between
    workspace rebuilds, and services ask for the same mappings many times.
    """
    node = value.node
    if not isinstance(node, yaml.MappingNode):
        return []
    memo: dict[bool, list[tuple[str, Value]]] = node.__dict__.setdefault("_fixer_items", {})
    found = memo.get(value.aliased)
    if found is None:
        found = memo[value.aliased] = _items(node, value.aliased)
    return found


def _items(node: yaml.MappingNode, aliased_parent: bool) -> list[tuple[str, Value]]:
    own: list[tuple[str, Value]] = []
    merged: list[tuple[str, Value]] = []
    # `_owned`, inline: this runs for every key of every mapping a rule reads
    first, last = node.start_mark.index, node.end_mark.index
    for key, child in node.value:
        # a value always follows its key: one that starts before it was reached through an
        # alias (`api-replica: *api`, the alias of a sibling service)
        at = child.start_mark.index
        aliased = aliased_parent or not first <= at <= last or at < key.end_mark.index
        if key.tag.endswith(":merge") or key.value == MERGE_KEY:
            for source in child.value if isinstance(child, yaml.SequenceNode) else [child]:
                merged.extend((k, Value(v.node, True)) for k, v in items(Value(source, True)))
            continue
        own.append((str(key.value), Value(child, aliased)))
    if not merged:
        return own
    seen = {k for k, _ in own}
    for k, v in merged:
        if k not in seen:
            seen.add(k)
            own.append((k, v))
    return own


def get(value: Value | None, key: str) -> Value | None:
    if value is None:
        return None
    # the memo `_by_key` keeps first: `get` is asked hundreds of thousands of times a run
    node, aliased = value
    known: dict[bool, dict[str, Value]] | None = node.__dict__.get("_fixer_keys")
    if known is not None:
        by_key = known.get(aliased)
        if by_key is not None:
            return by_key.get(key)
    if not isinstance(node, yaml.MappingNode):
        return None
    return _by_key(value).get(key)


def _by_key(value: Value) -> dict[str, Value]:
    """`items` as a dict, the first of a key winning as in `items`, memoized beside it: the
    `services` mapping of a thousand services is asked for each of them."""
    memo: dict[bool, dict[str, Value]] = value.node.__dict__.setdefault("_fixer_keys", {})
    found = memo.get(value.aliased)
    if found is None:
        found = {}
        for k, v in items(value):
            found.setdefault(k, v)
        memo[value.aliased] = found
    return found


def key_node(value: Value, key: str) -> Node | None:
    """The key node itself (own keys only, the first of a key), for edits next to it."""
    if not isinstance(value.node, yaml.MappingNode):
        return None
    return _key_nodes(value.node).get(key)


def _key_nodes(node: yaml.MappingNode) -> dict[str, Node]:
    """A mapping's own scalar keys, the first of each, memoized on the node as `_by_key`:
    the stack check asks where each of a thousand services is defined."""
    found: dict[str, Node] | None = node.__dict__.get("_fixer_key_nodes")
    if found is None:
        found = {}
        for k, _ in node.value:
            if isinstance(k.value, str):
                found.setdefault(k.value, k)
        node.__dict__["_fixer_key_nodes"] = found
    return found


def elements(value: Value | None) -> list[Value]:
    """A sequence's items. Memoized on the node as `items` is (the list is shared: read
    it, do not change it): the rules ask for the same `ports` and `test` lists many times."""
    if value is None or not isinstance(value.node, yaml.SequenceNode):
        return []
    node, aliased = value
    memo: dict[bool, list[Value]] = node.__dict__.setdefault("_fixer_elements", {})
    found = memo.get(aliased)
    if found is None:
        found = memo[aliased] = [Value(c, aliased or not _owned(node, c)) for c in node.value]
    return found


def scalar(value: Value | None) -> str | None:
    """A scalar's value as Compose reads it (YAML 1.2), whatever YAML 1.1 would resolve
    it to: `8001:8000` unquoted is a base-60 integer to YAML 1.1, a string to Compose;
    `PORT: 0x1F40` is the number 8000 to Compose, so its variable holds `8000`.
    """
    if value is None or not isinstance(value.node, yaml.ScalarNode):
        return None
    return compose_text(value.node)


def string_list(value: Value | None) -> list[str] | None:
    """A string or a list of strings (compose's `command`, `healthcheck.test`)."""
    if value is None:
        return None
    if isinstance(value.node, yaml.SequenceNode):
        return [scalar(v) or "" for v in elements(value)]
    text = scalar(value)
    return None if text is None else [text]


def joined_text(value: Value) -> str:
    """A string, or a list's strings joined by spaces (`command:` as text, to search)."""
    return scalar(value) or " ".join(scalar(item) or "" for item in elements(value))


def mapping_or_list(value: Value | None) -> list[tuple[str, str | None, Value]]:
    """`environment`-style: a mapping or a list of KEY=VALUE; (key, value, node)."""
    if value is None:
        return []
    if isinstance(value.node, yaml.MappingNode):
        return [(k, scalar(v), v) for k, v in items(value)]
    out: list[tuple[str, str | None, Value]] = []
    for item in elements(value):
        text = scalar(item)
        if text is None:
            continue
        name, sep, val = text.partition("=")
        out.append((name.strip(), val if sep else None, item))
    return out
