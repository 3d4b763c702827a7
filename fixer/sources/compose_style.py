"""A compose file's own style, and YAML fragments rendered in it.

New text must read as if the file's author wrote it: the same indentation
step, sequences indented (or not) under their key as the file does, the quotes
the file puts around flow items, `environment` as a map or a list, healthcheck
tests as flow or block sequences, blank lines between services or not.
Fragments are built as plain strings; the surrounding file is never re-dumped.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TypeVar, Union

import yaml

from fixer.core.derived import Memo
from fixer.core.lazyre import lazy_compile
from fixer.sources.compose import ComposeDoc, Node, Value, get

_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# a plain scalar may not start with an indicator (a `-`, `?` or `:` must have text after it)
_PLAIN_START = lazy_compile(r"[-?:](?=\S)|[^-?:,\[\]{}#&*!|>'\"%@`\s]")


def yaml_scalar(value: str, style: str, flow: bool) -> str:
    """`value` as a YAML scalar: plain, 'single' or "double" as the file writes them,
    falling back to double quotes where that style cannot hold the value."""
    if style == "plain" and _plain_ok(value, flow):
        return value
    if style == "single" and "'" not in value:
        return f"'{value}'"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _plain_ok(value: str, flow: bool) -> bool:
    if not value or value != value.strip() or not _PLAIN_START.match(value):
        return False
    if ": " in value or " #" in value or value.endswith(":"):
        return False
    if flow and any(c in value for c in ",[]{}"):
        return False
    resolved = yaml.safe_load(value)
    return isinstance(resolved, str)


@dataclass(frozen=True)
class Flow:
    """A flow sequence of scalars: `["CMD", "pg_isready"]`."""

    items: tuple[str, ...]
    quote: str | None = None    # the items' quote; None: the file's quote for flow items


@dataclass(frozen=True)
class FlowMap:
    """A flow mapping: `{condition: service_healthy}`."""

    pairs: tuple[tuple[str, Fragment], ...]


@dataclass(frozen=True)
class Seq:
    """A block sequence of scalars."""

    items: tuple[str, ...]
    quote: str | None = None    # the items' quote; None: the file's quote for block values


@dataclass(frozen=True)
class Map:
    """A block mapping; an empty one renders as a null value (`db_data:`)."""

    pairs: tuple[tuple[str, Fragment], ...]


Fragment = Union[str, int, Flow, FlowMap, Seq, Map]  # int: written as a YAML integer


@dataclass(frozen=True)
class Style:
    newline: str = "\n"
    unit: int = 2               # indentation step of block mappings
    seq_offset: int = 2         # columns from a key to the `-` of its block sequence
    flow_quote: str = '"'       # quote around flow sequence items: '"', "'" or "" (plain)
    value_quote: str = ""       # quote around block scalar values that need none
    # the quote character the file writes where a value needs one (`- '8000:8000'`): new
    # text that needs quoting takes it too
    needed_quote: str = '"'
    env_list: bool = False      # `environment` as `- KEY=value`
    flow_tests: bool = True     # healthcheck `test` as a flow sequence
    blank_between: bool = False  # a blank line between two services
    flow_pad: str = ""          # inside the brackets of flow argv lists: `[ "CMD", ... ]`
    key_quote: str = ""         # quote around mapping keys: a file that quotes every key
    # (key column, step) of the file's nested block mappings, by the column of their key
    # (`services:` and a service's keys by 4, `build:` by 2); those under `services:` where
    # it has any (a top-level `networks:` indented otherwise says nothing of a service's)
    column_steps: tuple[tuple[int, int], ...] = ()
    # (key column, offset) of the block sequences under keys at that column, counted as
    # `column_steps` is (a service's keys at 6 with their lists' `-` at 8: 2): how the
    # author nests under those keys where no mapping shows it
    list_steps: tuple[tuple[int, int], ...] = ()
    # key -> the quote the file's block values of that key take, where it writes some
    # (`interval: 5s` bare in a file whose environment values are all quoted)
    key_values: tuple[tuple[str, str], ...] = ()

    def quote_for(self, key: str, siblings: tuple[str, ...] = ()) -> str:
        """The quote for a new block value of `key`: the file's for that key, else the one
        its written siblings of the new block take (`start_period` as `interval`), else
        its values' habit."""
        known = dict(self.key_values)
        if key in known:
            return known[key]
        found = Counter(known[name] for name in siblings if name in known)
        return found.most_common(1)[0][0] if found else self.value_quote

    def step_at(self, column: int) -> int:
        """The indentation step from a key at `column` to its nested mapping's keys: the
        file's own there, else how the lists under keys at that column are nested (a
        service's `ports:` with its `- "8000:8000"` 2 in), else that of the nearest column
        to the left, a mapping's or a list's (deeper levels follow the ones above them: a
        `condition:` under a `depends_on` entry nests as that entry did), else `unit`."""
        own = dict(self.column_steps).get(column) or dict(self.list_steps).get(column)
        if own:
            return own
        left = [(at, step) for at, step in (*self.column_steps, *self.list_steps)
                if at < column]
        return max(left, key=lambda pair: pair[0])[1] if left else self.unit


def _plain(style: str | None) -> bool:
    return not style  # PyYAML's C composer says "", the Python one None


def walk(root: Node) -> list[Node]:
    """Every node once, in document order; an alias's target is not visited twice."""
    seen: set[int] = set()
    found: list[Node] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        found.append(node)
        if isinstance(node, yaml.MappingNode):
            stack.extend(c for pair in reversed(node.value) for c in reversed(pair))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
    return found


T = TypeVar("T")


def _most(counter: Counter[T], default: T) -> T:
    return counter.most_common(1)[0][0] if counter else default


_STYLE: Memo[Style] = Memo("compose style")


def detect(doc: ComposeDoc) -> Style:
    """The file's style; kept with its text, as every finding in a file asks again."""
    return doc.file.derived.get(_STYLE, lambda: _detect(doc))


def _detect(doc: ComposeDoc) -> Style:
    nodes = walk(doc.root)
    steps: Counter[int] = Counter()
    offsets: Counter[int] = Counter()
    for node in nodes:
        if not isinstance(node, yaml.MappingNode) or node.flow_style:
            continue
        for key, value in node.value:
            if isinstance(value, yaml.MappingNode) and not value.flow_style and value.value \
                    and value.start_mark.line > key.start_mark.line:
                step = int(value.value[0][0].start_mark.column - key.start_mark.column)
                steps[step] += 1
            elif isinstance(value, yaml.SequenceNode) and not value.flow_style and value.value:
                offsets[int(value.start_mark.column - key.start_mark.column)] += 1
    unit = _most(Counter({k: v for k, v in steps.items() if k > 0}), 2)
    column_steps, list_steps = _nesting(_nested_blocks(doc.root), unit)
    by_key = _key_value_quotes(nodes)
    value_quote = _most(sum(by_key.values(), Counter()), "")
    chars = _quote_chars(doc.root, nodes)
    needed_quote = "'" if chars["'"] > chars['"'] else '"'
    key_values = tuple(sorted((name, _most(counted, value_quote))
                              for name, counted in by_key.items()))
    return Style(
        newline=doc.file.newline, unit=unit, seq_offset=_most(offsets, unit),
        # with no flow list to follow, the quote of the file's values (`'10s'`), else the
        # one it writes where a value needs one
        flow_quote=_most(_flow_quotes(nodes), value_quote or needed_quote),
        value_quote=value_quote, needed_quote=needed_quote,
        flow_pad=_most(_flow_pads(doc.file.text, nodes), ""), key_quote=_key_quote(nodes),
        env_list=_env_list(doc), flow_tests=_flow_tests(doc),
        blank_between=_blank_between(doc), column_steps=column_steps, key_values=key_values,
        list_steps=list_steps,
    )


Steps = tuple[tuple[int, int], ...]


def _nesting(pairs: list[tuple[Node, Node]], unit: int) -> tuple[Steps, Steps]:
    """(column, step) of the block mappings and of the block sequences nested below keys,
    the most common step at each key column (`Style.column_steps`, `Style.list_steps`)."""
    by_column, lists = _counted(pairs)
    return _steps(by_column, unit), _steps(lists, unit)


def _counted(pairs: list[tuple[Node, Node]]) -> tuple[dict[int, Counter[int]],
                                                     dict[int, Counter[int]]]:
    """Per key column, how often each step nests a block mapping, and a block sequence,
    below a key there."""
    by_column: dict[int, Counter[int]] = {}
    lists: dict[int, Counter[int]] = {}
    for key, value in pairs:
        first = value.value[0][0] if isinstance(value, yaml.MappingNode) else value
        step = int(first.start_mark.column - key.start_mark.column)
        if step > 0:
            counted = by_column if isinstance(value, yaml.MappingNode) else lists
            counted.setdefault(int(key.start_mark.column), Counter())[step] += 1
    return by_column, lists


def _steps(counted: dict[int, Counter[int]], unit: int) -> Steps:
    return tuple(sorted((column, _most(steps, unit)) for column, steps in counted.items()))


def detect_for(doc: ComposeDoc, service: Node) -> Style:
    """The file's style for new text inside one service's mapping. Its nesting is read from
    the services whose keys stand in the same column as this one's (a file may nest one
    service's keys by 4 and the next one's by 2: their deeper columns say nothing of each
    other), then from the service itself: a mapping it nests there, unless that one is the
    odd one out (`build:` by 2 where the service's lists and the other services' mappings
    nest by 4), else its lists where they all nest alike (a `db:` with nothing but lists
    by 2 beside a `web:` whose `build:` nests by 6). Kept with the file's text: every
    fix in a file of a thousand services asks it."""
    return doc.file.derived.keyed(_SERVICE_STYLES, id(service),
                                  lambda: _detect_for(doc, service))


_SERVICE_STYLES: Memo[dict[int, Style]] = Memo("compose style of each service")


@dataclass(frozen=True)
class _Nested:
    """What one service's nesting shows (`_counted` of its blocks), and its keys' column."""

    name: Node
    column: int
    maps: dict[int, Counter[int]]
    lists: dict[int, Counter[int]]


# the nesting of each service (by node id), and the totals of the services whose keys
# stand in each column: counted once per file, not once per service asked
_NESTINGS: Memo[tuple[dict[int, _Nested], dict[int, tuple[Counter[tuple[int, int]],
                                                         Counter[tuple[int, int]]]]]] = \
    Memo("nesting of each compose service")


def _nestings(doc: ComposeDoc) -> tuple[dict[int, _Nested],
                                         dict[int, tuple[Counter[tuple[int, int]],
                                                         Counter[tuple[int, int]]]]]:
    each: dict[int, _Nested] = {}
    totals: dict[int, tuple[Counter[tuple[int, int]], Counter[tuple[int, int]]]] = {}
    for key, value in _service_pairs(doc.root):
        column = _keys_column(value)
        if column is None:
            continue
        maps, lists = _counted([(key, value), *_block_pairs(walk(value))])
        each[id(value)] = _Nested(key, column, maps, lists)
        group = totals.setdefault(column, (Counter(), Counter()))
        for total, counted in zip(group, (maps, lists)):
            total.update(_flat(counted))
    return each, totals


def _detect_for(doc: ComposeDoc, service: Node) -> Style:
    style = detect(doc)
    each, totals = doc.file.derived.get(_NESTINGS, lambda: _nestings(doc))
    own = each.get(id(service))
    if own is None:
        return style
    # the peers: the services of the same keys' column, this one left out
    maps, lists = ({at: _most(steps, style.unit) for at, steps in
                    _by_column(total - _flat(counted)).items()}
                   for total, counted in zip(totals[own.column], (own.maps, own.lists)))
    # the service's lists where they agree (`networks:` by 1 beside `depends_on:` by 2 says
    # nothing): the peers' otherwise
    own_lists = {at: next(iter(steps)) for at, steps in own.lists.items() if len(steps) == 1}
    mine = dict(_steps(own.maps, style.unit))
    for at, step in mine.items():
        if own_lists.get(at, step) == step:   # its mappings and lists agree
            maps[at] = step
        elif at not in maps:   # its odd mapping (`build:` by 3 beside lists by 2), with no
            maps[at] = own_lists[at]   # peer to say which is the file's: as its lists nest
        # else the peers' nesting, the file's
    for at, step in own_lists.items():
        # nothing but lists there: a new mapping nests as they do (not by 1, the offset of
        # a `- item` hung one column in, which no mapping of the file takes)
        if at not in mine and step > 1:
            maps[at] = step
    lists.update(own_lists)
    above = int(own.name.start_mark.column)
    return replace(
        style,
        column_steps=tuple(sorted([*(p for p in style.column_steps if p[0] < above),
                                   *maps.items()])),
        list_steps=tuple(sorted([*(p for p in style.list_steps if p[0] < above),
                                 *lists.items()])))


def _flat(counted: dict[int, Counter[int]]) -> Counter[tuple[int, int]]:
    return Counter({(at, step): n for at, steps in counted.items() for step, n in steps.items()})


def _by_column(flat: Counter[tuple[int, int]]) -> dict[int, Counter[int]]:
    found: dict[int, Counter[int]] = {}
    for (at, step), n in flat.items():
        if n > 0:
            found.setdefault(at, Counter())[step] = n
    return found


def _keys_column(service: Node) -> int | None:
    """The column of a service's keys; None for a flow or empty mapping."""
    if not isinstance(service, yaml.MappingNode) or service.flow_style or not service.value:
        return None
    return int(service.value[0][0].start_mark.column)


def _service_pairs(root: Node) -> list[tuple[Node, Node]]:
    services = _services_node(root)
    return list(services.value) if isinstance(services, yaml.MappingNode) else []


def _services_node(root: Node) -> Node | None:
    if not isinstance(root, yaml.MappingNode):
        return None
    return next((value for key, value in root.value if isinstance(key, yaml.ScalarNode)
                 and key.value == "services"), None)


def _nested_blocks(root: Node) -> list[tuple[Node, Node]]:
    """(key, block mapping or sequence) of each block collection nested below a key on a
    line of its own: those inside `services:` (and `services:` itself) where it has any
    mapping, else the file's."""
    services = _services_node(root)
    within = _block_pairs(walk(services)) if services is not None else []
    if any(isinstance(value, yaml.MappingNode) for _key, value in within):
        return [pair for pair in _block_pairs([root]) if pair[1] is services] + within
    return _block_pairs(walk(root))


def _block_pairs(nodes: list[Node]) -> list[tuple[Node, Node]]:
    return [(key, value) for node in nodes
            if isinstance(node, yaml.MappingNode) and not node.flow_style
            for key, value in node.value
            if isinstance(value, (yaml.MappingNode, yaml.SequenceNode))
            and not value.flow_style and value.value
            and value.start_mark.line > key.start_mark.line]


_ARGV_KEYS = frozenset({"test", "command", "entrypoint"})


def _flow_argv_lists(nodes: list[Node]) -> Iterator[yaml.SequenceNode]:
    """The flow argv lists (`test`, `command`, `entrypoint`) with items: the lists new text
    writes. Name lists (`networks: [backend]`, `depends_on: [db]`) are mostly plain even
    where commands are quoted, so they do not count."""
    for node in nodes:
        if not isinstance(node, yaml.MappingNode):
            continue
        for key, value in node.value:
            if key.value in _ARGV_KEYS and isinstance(value, yaml.SequenceNode) \
                    and value.flow_style and value.value:
                yield value


def _key_quote(nodes: list[Node]) -> str:
    """The quote around every mapping key of the file (`"services":`), else none: keys
    written plain anywhere are the file's habit."""
    styles = {key.style or "" for node in nodes if isinstance(node, yaml.MappingNode)
              for key, _value in node.value if isinstance(key, yaml.ScalarNode)}
    return styles.pop() if len(styles) == 1 else ""


def _flow_quotes(nodes: list[Node]) -> Counter[str]:
    """Quotes around the items of flow argv lists."""
    return Counter(item.style or "" for value in _flow_argv_lists(nodes) for item in value.value
                   if isinstance(item, yaml.ScalarNode) and item.style in ('"', "'", "", None))


def _flow_pads(text: str, nodes: list[Node]) -> Counter[str]:
    """The space between the brackets of flow argv lists and their items (`[ "CMD", "x" ]`
    or none), where both ends agree on one line."""
    pads: Counter[str] = Counter()
    for value in _flow_argv_lists(nodes):
        opening = text[value.start_mark.index + 1:value.value[0].start_mark.index]
        closing = text[value.value[-1].end_mark.index:value.end_mark.index - 1]
        if opening == closing and opening in ("", " "):
            pads[opening] += 1
    return pads


def _quote_chars(root: Node, nodes: list[Node]) -> Counter[str]:
    """The quote characters of the file's quoted scalars: whether it writes `'8000:8000'`
    or `"8000:8000"`. Not its keys, nor the top-level `version: '3.8'` most files copy from
    one example or another."""
    skipped = {id(key) for node in nodes if isinstance(node, yaml.MappingNode)
               for key, _value in node.value}
    if isinstance(root, yaml.MappingNode):
        skipped |= {id(value) for key, value in root.value if key.value == "version"}
    return Counter(node.style for node in nodes if isinstance(node, yaml.ScalarNode)
                   and node.style in ('"', "'") and id(node) not in skipped)


def _key_value_quotes(nodes: list[Node]) -> dict[str, Counter[str]]:
    """Per key, the quotes around its block values that would be fine plain: the author's
    habit, not a need (all keys together: the file's habit)."""
    found: dict[str, Counter[str]] = {}
    for node in nodes:
        if isinstance(node, yaml.MappingNode) and not node.flow_style:
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and isinstance(value, yaml.ScalarNode) \
                        and value.style in ('"', "'", "", None) and value.value \
                        and plain_ok(value.value, flow=False):
                    found.setdefault(str(key.value), Counter())[value.style or ""] += 1
    return found


def _service_values(doc: ComposeDoc, key: str) -> list[Value]:
    return [v for s in doc.services.values() if (v := get(s, key)) is not None]


def _env_list(doc: ComposeDoc) -> bool:
    kinds = Counter(isinstance(v.node, yaml.SequenceNode) for v in _service_values(doc, "environment"))
    return kinds[True] > kinds[False]


def _flow_tests(doc: ComposeDoc) -> bool:
    tests = [get(h, "test") for h in _service_values(doc, "healthcheck")]
    kinds = Counter(bool(t.node.flow_style) for t in tests
                    if t is not None and isinstance(t.node, yaml.SequenceNode))
    return kinds[True] >= kinds[False]


def _blank_between(doc: ComposeDoc) -> bool:
    services = get(Value(doc.root), "services")
    if services is None or not isinstance(services.node, yaml.MappingNode):
        return False
    lines = doc.file.text.splitlines()
    keys = [k for k, _v in services.node.value][1:]
    blank = [k for k in keys if k.start_mark.line > 0 and _blank_or_comment_before(lines, k.start_mark.line)]
    return bool(keys) and len(blank) * 2 >= len(keys)


def _blank_or_comment_before(lines: list[str], line: int) -> bool:
    """A blank line right above the key, or above the comments that introduce it."""
    index = line - 1
    while index >= 0 and lines[index].lstrip().startswith("#"):
        index -= 1
    return index >= 0 and not lines[index].strip()


# -- scalars -------------------------------------------------------------------------------

@functools.lru_cache(maxsize=4096)
def is_flow(node: Node) -> bool:
    """A flow collection (`[a, b]`, `{a: 1}`); scalars are not."""
    return bool(getattr(node, "flow_style", False))


@functools.lru_cache(maxsize=8192)
def plain_ok(value: str, flow: bool) -> bool:
    """The value reads back as this very string when written without quotes.
    Cached: a style scan asks this of every scalar of a large file, most of them alike."""
    if not value or value != value.strip() or "\n" in value or "\r" in value:
        return False
    probe = f"[{value}]" if flow else f"k: {value}"
    try:
        loaded = yaml.load(probe, Loader=_LOADER)
    except yaml.YAMLError:
        return False
    return bool(loaded == ([value] if flow else {"k": value}))


def quoted(value: str, quote: str) -> str:
    """The value in `quote`; in double quotes where single ones would double its own (a
    `python -c` probe's `'http://...'`), as a formatter that prefers single quotes does."""
    if quote == "'" and "\n" not in value and value.count("'") <= value.count('"'):
        return "'" + value.replace("'", "''") + "'"
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def scalar(value: str, quote: str = "", flow: bool = False, needed: str = '"') -> str:
    """A scalar in the given quote style; quoted anyway (with `needed`) when plain would
    change its meaning."""
    if quote:
        return quoted(value, quote)
    return value if plain_ok(value, flow) else quoted(value, needed)


def key(name: str, style: Style | None = None) -> str:
    return scalar(name, style.key_quote if style is not None else "")


# -- fragments -----------------------------------------------------------------------------

def flow(fragment: Fragment, style: Style, quote: str | None = None) -> str:
    """A fragment in flow style (one line). Sequence items take the quotes of the file's flow
    lists (commands, tests); mapping values the quotes of its block values."""
    if isinstance(fragment, int):
        return str(fragment)
    if isinstance(fragment, str):
        return scalar(fragment, style.flow_quote if quote is None else quote, flow=True,
                      needed=style.needed_quote)
    if isinstance(fragment, (Flow, Seq)):
        items_quote = style.flow_quote if fragment.quote is None else fragment.quote
        pad = style.flow_pad if fragment.items else ""
        return "[" + pad + ", ".join(scalar(i, items_quote, flow=True, needed=style.needed_quote)
                                     for i in fragment.items) + pad + "]"
    pairs = fragment.pairs
    return "{" + ", ".join(f"{key(k, style)}: {flow(v, style, style.value_quote)}"
                           for k, v in pairs) + "}"


def block(pairs: tuple[tuple[str, Fragment], ...], indent: int, style: Style) -> list[str]:
    """Lines (no line endings) of a block mapping whose keys start at column `indent`."""
    lines: list[str] = []
    pad = " " * indent
    for name, value in pairs:
        if isinstance(value, int):
            lines.append(f"{pad}{key(name, style)}: {value}")
        elif isinstance(value, str):
            siblings = tuple(n for n, v in pairs if isinstance(v, str))
            text = scalar(value, style.quote_for(name, siblings), needed=style.needed_quote)
            lines.append(f"{pad}{key(name, style)}: {text}")
        elif isinstance(value, (Flow, FlowMap)):
            lines.append(f"{pad}{key(name, style)}: {flow(value, style)}")
        elif isinstance(value, Seq):
            lines.append(f"{pad}{key(name, style)}:")
            dash = " " * (indent + style.seq_offset)
            quote = style.value_quote if value.quote is None else value.quote
            lines += [f"{dash}- {scalar(item, quote, needed=style.needed_quote)}"
                      for item in value.items]
        else:
            lines.append(f"{pad}{key(name, style)}:")
            lines += block(value.pairs, indent + style.step_at(indent), style)
    return lines

