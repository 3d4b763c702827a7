"""How Compose reads a YAML node, where that differs from what PyYAML composed.

Compose parses YAML 1.2 (Go's yaml.v3): `yes`, `on` and `12:30` are strings there, `010` is
the integer 8, `2001-12-14` is a date, and `true` is the only spelling of a boolean. PyYAML
resolves plain scalars by YAML 1.1, so a node's tag alone says neither whether Compose's
schema takes it as a string nor what text Compose gives a variable set to it. The document
checks that need no knowledge of services (duplicate keys, alias expansion) are here too.
"""

from __future__ import annotations

import datetime
import functools
import math

import yaml
import yaml.resolver

from fixer.core.envfile import interpolation_problem
from fixer.core.errors import InputError
from fixer.core.lazyre import lazy_compile

Node = yaml.Node

_TAGS = {"str": "string", "binary": "string", "int": "integer", "float": "float",
         "bool": "boolean", "null": "null", "timestamp": "date"}
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False,
          "FALSE": False}
_SPECIAL_FLOATS = {f"{sign}{dot}": value for sign, value in (("", math.inf), ("+", math.inf),
                                                             ("-", -math.inf))
                   for dot in (".inf", ".Inf", ".INF")} | {n: math.nan for n in
                                                           (".nan", ".NaN", ".NAN")}
_INT = lazy_compile(r"[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)")
_FLOAT = lazy_compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_DATE = lazy_compile(r"(\d{4})-(\d\d?)-(\d\d?)(?:(?:[Tt](\d\d?):(\d\d?):(\d\d?)(?:\.\d+)?"
                     r"(?:Z|[-+]\d\d:\d\d))|(?: (\d\d?):(\d\d?):(\d\d?)(?:\.\d+)?))?")
_PYYAML = yaml.resolver.Resolver()
# yaml.v3's alias budget (a fact of the library Compose uses): past 100 aliased nodes in a
# document of over 1,000, at most 99% of the nodes may come from aliases up to 400,000
# nodes, a share that falls to 10% at 4,000,000.
_ALIAS_LOW, _ALIAS_HIGH = 400_000, 4_000_000


def kind(node: yaml.ScalarNode) -> str:
    """What Compose reads the scalar as: string, integer, float, boolean, null or date.

    Memoized on the node, as `compose.items` is: the shape check at load and then the
    rules (`compose.scalar`) ask about the same scalars."""
    found: str | None = node.__dict__.get("_fixer_kind")
    if found is None:
        found = node.__dict__["_fixer_kind"] = _kind(node)
    return found


def _kind(node: yaml.ScalarNode) -> str:
    tagged = _TAGS.get(node.tag.rsplit(":", 1)[-1], "string")
    if node.style:   # quoted or a block: the tag says it
        return tagged
    text = str(node.value)
    plain = _plain_kind(text)[0]
    if plain == tagged or node.tag != _implicit_tag(text):   # agreed, or an explicit tag
        return tagged
    return plain


@functools.lru_cache(maxsize=4096)   # the same few values recur in every service
def _implicit_tag(text: str) -> str:
    """The tag PyYAML gives the text as an untagged plain scalar."""
    resolve = _PYYAML.resolve
    tag: str = resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return tag


def compose_text(node: yaml.ScalarNode) -> str | None:
    """The scalar as the text Compose makes of it (`010` -> `8`, `True` -> `true`, `1e3` ->
    `1000`); None for null."""
    what = kind(node)
    if what == "null":
        return None
    if node.style or what in ("string", "date"):
        return str(node.value)
    found, value = _plain_kind(str(node.value))
    if found != what:   # an explicit tag PyYAML agreed with: read the text as written
        return str(node.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return _go_float(value) if isinstance(value, float) else str(node.value)


def _plain_kind(text: str) -> tuple[str, bool | int | float | str | None]:
    """yaml.v3's resolution of an untagged plain scalar: (kind, value)."""
    if text in _NULLS:
        return "null", None
    if text in _BOOLS:
        return "boolean", _BOOLS[text]
    if text in _SPECIAL_FLOATS:
        return "float", _SPECIAL_FLOATS[text]
    if not text or text[0] not in "0123456789+-.":
        return "string", text
    if _is_date(text):
        return "date", text
    plain = text.replace("_", "") if text[0] != "." else text
    if _INT.fullmatch(plain) and -(2 ** 63) <= (number := _go_int(plain)) < 2 ** 64:
        return "integer", number
    if _FLOAT.fullmatch(plain) and math.isfinite(float(plain)):
        return "float", float(plain)
    return "string", text


def _go_int(text: str) -> int:
    """An integer literal as Go reads it with base 0 (a leading 0 is octal)."""
    sign = -1 if text[0] == "-" else 1
    digits = text.lstrip("+-")
    bases = {"x": 16, "o": 8, "b": 2}
    if len(digits) > 2 and digits[0] == "0" and digits[1].lower() in bases:
        return sign * int(digits[2:], bases[digits[1].lower()])
    if len(digits) > 1 and digits[0] == "0":
        return sign * int(digits[1:], 8)
    return sign * int(digits)


def _is_date(text: str) -> bool:
    match = _DATE.fullmatch(text)
    if match is None:
        return False
    year, month, day, *clock = (int(g) if g else 0 for g in match.groups())
    hour, minute, second = clock[:3] if match.group(4) else clock[3:]
    try:
        datetime.datetime(year, month, day, hour, minute, second)
    except ValueError:
        return False
    return True


def _go_float(value: float) -> str:
    """Go's shortest `%g` (strconv 'g', -1): what Compose prints a float as."""
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if math.isnan(value):
        return "NaN"
    import decimal   # here: few compose files hold a float, and the import costs ~1 ms
    sign, digits, exponent = decimal.Decimal(repr(value)).normalize().as_tuple()
    assert isinstance(exponent, int), "a finite float"
    text = "".join(map(str, digits))
    point = len(text) + exponent   # where the decimal point goes
    minus = "-" if sign else ""
    if point - 1 < -4 or point - 1 >= 6:
        mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
        return f"{minus}{mantissa}e{'-' if point - 1 < 0 else '+'}{abs(point - 1):02d}"
    if point <= 0:
        return f"{minus}0.{'0' * -point}{text}"
    if point >= len(text):
        return f"{minus}{text}{'0' * (point - len(text))}"
    return f"{minus}{text[:point]}.{text[point:]}"


# -- the document as a whole -------------------------------------------------------------------

def check_document(path: str, root: Node) -> None:
    """InputError for a document Compose refuses before reading any service: a key written
    twice, an alias inside the node it names, aliases that expand past yaml.v3's budget
    (an alias bomb: every reader after this one may walk the expansion). One pass over
    the distinct nodes (aliases share the node their anchor composed), so a bomb costs
    what its text costs."""
    distinct, uses = _walk(path, root)
    if uses:
        _check_aliases(path, distinct, uses)


def _walk(path: str, root: Node) -> tuple[int, list[tuple[Node, int]]]:
    """The number of distinct nodes, and each alias use: (the node it names, the line it
    is on), in document order, where the first visit of a node is its anchor. Refuses a
    mapping with a key written twice on the way."""
    seen: set[int] = set()
    # each node goes with the node whose line an alias there is on (its key, or its
    # sequence: an alias node keeps only its anchor's position); None for the root. The
    # line is read only for the few alias uses: this runs for every node of the document
    uses: list[tuple[Node, Node | None]] = []
    stack: list[tuple[Node, Node | None]] = [(root, None)]
    push, mapping, sequence = stack.append, yaml.MappingNode, yaml.SequenceNode
    reset: set[int] = set()   # the nodes below a `!reset`: Compose drops them uninterpolated
    while stack:
        node, on = stack.pop()
        if id(node) in seen:
            uses.append((node, on))
            continue
        seen.add(id(node))
        if node.tag == "!reset":
            reset.update(id(below) for below in _below(node))
        if isinstance(node, mapping):
            _check_unique_keys(path, node)
            # pushed value first, so the key is visited first (a plain loop)
            for key, value in reversed(node.value):
                push((value, key))
                push((key, key))
        elif isinstance(node, sequence):
            stack.extend([(child, node) for child in reversed(node.value)])
        elif on is not node and "${" in node.value and id(node) not in reset:
            _check_interpolation(path, node)   # a value Compose interpolates
    return len(seen), [(node, 1 if on is None else on.start_mark.line + 1) for node, on in uses]


def _below(node: Node) -> list[Node]:
    """The nodes below `node`, each once (an alias inside the node it names is a cycle,
    refused after the walk)."""
    found: dict[int, Node] = {}
    stack = _children(node)
    while stack:
        child = stack.pop()
        if id(child) not in found:
            found[id(child)] = child
            stack.extend(_children(child))
    return list(found.values())


def _check_interpolation(path: str, node: Node) -> None:
    """A value whose `${...}` Compose cannot read (`${API_PORT:-8080`, `${}`): it refuses the
    whole file, an `x-` extension's value too (keys are not interpolated)."""
    problem = interpolation_problem(str(node.value))
    if problem is not None:
        raise InputError(path, node.start_mark.line + 1,
                         f"invalid interpolation: {problem} (`$$` is a literal `$`): Compose "
                         "refuses the file")


def _check_aliases(path: str, distinct: int, uses: list[tuple[Node, int]]) -> None:
    """The expanded document is its distinct nodes plus, for every alias use, the
    expansion of the node it names: refused past yaml.v3's budget, at the largest use."""
    size: dict[int, int] = {}
    for node, _line in uses:
        _size(path, node, size)
    aliased = sum(size[id(node)] for node, _line in uses)
    if _over_budget(aliased, distinct + aliased):
        line = max(uses, key=lambda use: size[id(use[0])])[1]
        raise InputError(path, line, f"YAML aliases expand to {distinct + aliased:,} nodes "
                                     "(an alias bomb); not read")


def _size(path: str, top: Node, size: dict[int, int]) -> None:
    """size[id(node)]: how many nodes `top` and each node below it expand to (memoized);
    InputError on an alias inside the node it names, which no reader could expand."""
    open_nodes: set[int] = set()   # the path from `top` to the node being sized
    stack: list[tuple[Node, bool]] = [(top, False)]
    while stack:
        node, done = stack.pop()
        if done:
            open_nodes.discard(id(node))
            size[id(node)] = 1 + sum(size[id(c)] for c in _children(node))
            continue
        if id(node) in size:
            continue
        open_nodes.add(id(node))
        stack.append((node, True))
        for child in _children(node):
            if id(child) in open_nodes:
                raise InputError(path, child.start_mark.line + 1,
                                 "an alias refers to a node it is part of (a cycle): "
                                 "Compose refuses the file")
            if id(child) not in size:
                stack.append((child, False))


def _over_budget(aliased: int, decoded: int) -> bool:
    if aliased <= 100 or decoded <= 1000:
        return False
    if decoded <= _ALIAS_LOW:
        allowed = 0.99
    elif decoded >= _ALIAS_HIGH:
        allowed = 0.10
    else:
        allowed = 0.99 - 0.89 * (decoded - _ALIAS_LOW) / (_ALIAS_HIGH - _ALIAS_LOW)
    return aliased / decoded > allowed


def _children(node: Node) -> list[Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_unique_keys(path: str, node: yaml.MappingNode) -> None:
    """A key written twice in one mapping: YAML forbids it and Compose refuses the file,
    while a reader that takes the first (or the last) would fix a value Compose never
    uses. Compose compares keys as text (`1` and `"1"` clash). A key that is a list or a
    mapping (`? [a, b]`) Compose refuses too: no key of its files may be one."""
    keys = {str(k.value) if isinstance(k, yaml.ScalarNode) else None for k, _ in node.value}
    if None in keys or len(keys) != len(node.value):
        _raise_duplicate(path, node)
    if "<<" in keys:
        _check_merges(path, node)


def _check_merges(path: str, node: yaml.MappingNode) -> None:
    """A merge key (`<<:`) takes a mapping, or a list of mappings (an alias of one counts):
    Compose refuses `<<: 5` or `<<: [*a, 5]`, which PyYAML composes without a word."""
    for key, value in node.value:
        if not key.tag.endswith(":merge"):
            continue
        merged = value.value if isinstance(value, yaml.SequenceNode) else [value]
        if not all(isinstance(item, yaml.MappingNode) for item in merged):
            raise InputError(path, key.start_mark.line + 1,
                             "a merge key (`<<`) takes a mapping or a list of mappings: "
                             "Compose refuses the file")


def _raise_duplicate(path: str, node: yaml.MappingNode) -> None:
    first: dict[str, Node] = {}
    for key, _value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            raise InputError(path, key.start_mark.line + 1,
                             "a key that is a list or a mapping: Compose refuses the file "
                             "(its keys are strings)")
        earlier = first.setdefault(str(key.value), key)
        if earlier is not key:
            raise InputError(path, key.start_mark.line + 1,
                             f"duplicate key `{key.value}` (first at line "
                             f"{earlier.start_mark.line + 1}): Compose refuses the file")
