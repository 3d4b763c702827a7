"""Where new text goes in a compose file, and the splices that put it there.

PyYAML's marks say where a node starts; where a block *ends* needs care: a
block collection's end mark runs on past trailing comments up to the next
key, a block scalar's past its trailing blank lines, and an aliased value's
marks point at the anchor. The helpers here find the last character that
really belongs to an entry, so an insertion lands right after it and every
comment stays beside the text it describes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import yaml

from fixer.core.edits import TextEdit
from fixer.core.lazyre import lazy_compile
from fixer.sources.compose import ComposeDoc, Node
from fixer.sources.compose_style import Fragment, Style, block, detect, flow, is_flow, walk

_ALIAS = lazy_compile(r"\*[^\s,\[\]{}#]+")


class Unfixable(Exception):
    """The edit would have to go through an alias or into a shape fixer does not rewrite."""


# -- where things end ----------------------------------------------------------------------

def node_end(text: str, node: Node) -> int:
    """Offset just past the node's last character of its own (comments excluded)."""
    if isinstance(node, yaml.MappingNode) and not is_flow(node) and node.value:
        key, value = node.value[-1]
        return value_end(text, key, value)
    if isinstance(node, yaml.SequenceNode) and not is_flow(node) and node.value:
        return item_end(text, node, len(node.value) - 1)
    end = int(node.end_mark.index)
    if is_block(node) and not _keeps(text, node):
        # clip or strip chomping: trailing blank lines are not part of the value
        while end > node.start_mark.index and text[end - 1] in " \t\r\n":
            end -= 1
    return end


def is_block(node: Node) -> bool:
    """A block scalar (`|` literal or `>` folded): its text runs over the lines below its key."""
    return isinstance(node, yaml.ScalarNode) and node.style in ("|", ">")


def _keeps(text: str, node: Node) -> bool:
    """A block scalar with `+` chomping: its trailing blank lines belong to the value."""
    start = int(node.start_mark.index)
    header = text[start:text.find("\n", start)].split("#")[0]
    return re.search(r"[|>][1-9]?\+", header) is not None


def alias_after(text: str, offset: int, item: bool = False) -> re.Match[str] | None:
    """The `*alias` token that is the first thing after `key:` at `offset` (with `item`:
    after the previous sequence item, so a `,` or `- ` comes first)."""
    skipped = " \t\r\n" + (",-" if item else ":")
    index = offset
    while index < len(text) and text[index] in skipped:
        index += 1
    return _ALIAS.match(text, index)


def value_is_alias(text: str, key: Node) -> bool:
    return alias_after(text, int(key.end_mark.index)) is not None


def value_end(text: str, key: Node, value: Node) -> int:
    alias = alias_after(text, int(key.end_mark.index))
    if alias is not None:
        return alias.end()
    if isinstance(value, yaml.ScalarNode) and value.start_mark.index == value.end_mark.index:
        return int(key.end_mark.index) + 1  # `key:` with nothing after: end at the colon
    return node_end(text, value)


def item_end(text: str, seq: Node, index: int) -> int:
    item = seq.value[index]
    previous = seq.value[index - 1] if index else None
    start = node_end(text, previous) if previous is not None else int(seq.start_mark.index)
    if item.start_mark.index < start:  # an alias: its node lies at the anchor
        alias = alias_after(text, start + (previous is None), item=True)
        if alias is None:
            raise Unfixable("cannot find the end of an aliased item")
        return alias.end()
    return node_end(text, item)


def line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def after_line(text: str, offset: int) -> int:
    """Offset of the line after the one holding `offset`; len(text) on the last line."""
    newline = text.find("\n", offset)
    return len(text) if newline < 0 else newline + 1


def entries_column(node: Node) -> int:
    return int(node.value[0][0].start_mark.column) if node.value else 0


def block_append_point(text: str, node: Node) -> int:
    """Where a new last entry of a block mapping (or item of a block sequence) goes.

    After the last entry's line, and after comment lines below it that are
    indented deeper than the entries (they belong to the last entry), or as deep
    and right below it (`# redis is optional, so not listed` under a `depends_on`
    list); before blank lines and shallower comments (they belong to what follows).
    Past a blank line, a deeper comment that reads as prose (`# Frontend service` over
    the next service's key) is a heading of what follows; one that reads as YAML
    (`# - other-net`, `# restart: always`) still belongs to the entry.
    A line commented out by a `#` in its first column (`#      - db` below `- cache`)
    is as deep as its text was: the entry goes after it, or uncommenting it would
    put it in the new entry; so does a first-column heading over such lines
    (`# To use a named database, uncomment:`), with them.
    """
    if isinstance(node, yaml.MappingNode):
        column = entries_column(node)
    else:
        column = int(node.start_mark.column)
    point = after_line(text, node_end(text, node) - 1)
    probe = point
    gap = False   # a blank line since the last entry
    while probe < len(text):
        end = after_line(text, probe)
        line = text[probe:end]
        stripped = line.lstrip(" ")
        indent = _comment_depth(line) if line.startswith("#") else len(line) - len(stripped)
        if stripped.startswith("#") and (indent > column and not (gap and _prose(stripped))
                                         or (indent == column and not gap)):
            point = probe = end
        elif stripped.startswith("#") and not gap and \
                (continued := _commented_continuation(text, probe, column)) is not None:
            point = probe = continued
        elif not stripped.strip():
            probe, gap = end, True
        else:
            break
    return point


def _commented_continuation(text: str, start: int, column: int) -> int | None:
    """Where a run of comment lines right below the entries ends, when it goes on with YAML
    commented out in the first column as deep as the entries or deeper (`# To use a named
    database, uncomment:` over `#      - POSTGRES_DB=shop`): the run, its heading too, belongs
    to the entries, which uncommenting extends. The end of its last such line; None when the
    run holds none."""
    found = None
    probe = start
    while probe < len(text):
        end = after_line(text, probe)
        line = text[probe:end]
        if not line.lstrip(" ").startswith("#"):
            break
        if line.startswith("#") and not _prose(line) and _comment_depth(line) >= column:
            found = end
        probe = end
    return found


# a comment whose text is a list item or a `key:` line: YAML commented out, not a heading
_COMMENTED_YAML = lazy_compile(r"#+\s*(-(\s|$)|[\w.-]+:(\s|$))")


def _prose(comment: str) -> bool:
    return _COMMENTED_YAML.match(comment) is None


def _comment_depth(line: str) -> int:
    """The column a line commented out by a leading `#` stood at: where its text starts,
    less the `#` put before it (`#      - db` was `      - db`); a comment `# ...` is 1."""
    text = line[1:].lstrip(" ")
    return len(line) - len(text) - 1 if text.strip() else 0


# -- splices -------------------------------------------------------------------------------

def insert_lines(doc: ComposeDoc, offset: int, lines: list[str], blank_before: bool = False,
                 ) -> TextEdit:
    """Whole lines inserted at a line start; at the end of a file with no final newline the
    text goes after a newline and itself ends without one, as the file did."""
    newline = detect(doc).newline  # cached: TextFile.newline counts the whole text
    body = ([""] if blank_before else []) + lines
    text = doc.file.text
    if offset == len(text) and text and not text.endswith("\n"):
        return TextEdit(doc.path, offset, offset, newline + newline.join(body))
    return TextEdit(doc.path, offset, offset, "".join(line + newline for line in body))


def entry_point(doc: ComposeDoc, mapping: Node) -> int:
    """Where `add_entry` puts a new last entry of the mapping. Unfixable where none can go:
    an empty `key:`, an empty anchored flow mapping, a last item written as an alias whose
    end fixer cannot find. A fix judges itself on this offset (is it inside an anchor other
    services share?) before any text is rendered, and the splice lands exactly here."""
    if is_flow(mapping):
        return flow_append_point(doc.file.text, mapping)
    if isinstance(mapping, yaml.ScalarNode):  # `key:` with no value yet
        raise Unfixable("the mapping is empty")
    return block_append_point(doc.file.text, mapping)


def add_entry(doc: ComposeDoc, mapping: Node, name: str, value: Fragment, style: Style,
              indent: int | None = None, blank_before: bool = False) -> TextEdit:
    """A new last entry `name: value` of a mapping, block or flow, at its `entry_point`."""
    at = entry_point(doc, mapping)
    if is_flow(mapping):
        return _flow_insert(doc, mapping, at, f"{name}: {flow(value, style)}")
    column = entries_column(mapping) if indent is None else indent
    lines = block(((name, value),), column, style)
    return insert_lines(doc, at, lines, blank_before)


def flow_append_point(text: str, node: Node) -> int:
    """Where `flow_append` puts a new last entry of a flow mapping or sequence: right after
    the opening bracket when it is empty, else right after its last entry."""
    if not node.value:
        opening = int(node.start_mark.index)
        if text[opening] == "&":
            raise Unfixable("the collection is an anchor")
        return opening + 1
    last = node.value[-1]
    if isinstance(last, tuple):
        return value_end(text, last[0], last[1])
    return item_end(text, node, len(node.value) - 1)


def flow_append(doc: ComposeDoc, node: Node, item: str) -> TextEdit:
    """`item` as the last entry of a flow mapping or sequence."""
    return _flow_insert(doc, node, flow_append_point(doc.file.text, node), item)


def _flow_insert(doc: ComposeDoc, node: Node, at: int, item: str) -> TextEdit:
    return TextEdit(doc.path, at, at, f", {item}" if node.value else item)


def replace_scalar(doc: ComposeDoc, node: Node, value: str) -> TextEdit:
    """The scalar's text replaced, keeping its quotes."""
    start, end = int(node.start_mark.index), int(node.end_mark.index)
    style = getattr(node, "style", None)
    quote = style if style in ('"', "'") else ""
    return TextEdit(doc.path, start, end, f"{quote}{value}{quote}")


def merge_inserts(edits: Iterable[TextEdit]) -> list[TextEdit]:
    """Insertions at one offset joined in the order given (splice refuses two at one point)."""
    merged: list[TextEdit] = []
    inserts: dict[tuple[str, int], int] = {}  # (path, offset) -> index in merged
    for edit in edits:
        same = inserts.get((edit.path, edit.start)) if edit.start == edit.end else None
        if same is None:
            if edit.start == edit.end:
                inserts[(edit.path, edit.start)] = len(merged)
            merged.append(edit)
        else:
            first = merged[same]
            merged[same] = TextEdit(first.path, first.start, first.end, first.text + edit.text)
    return merged


def anchor_name(doc: ComposeDoc, node: Node) -> str | None:
    """The anchor (`&name`) that defines the node or the innermost one around it."""
    best: tuple[int, str] | None = None
    for anchored in walk(doc.root):
        start, end = int(anchored.start_mark.index), int(anchored.end_mark.index)
        if start <= node.start_mark.index <= end and (best is None or start > best[0]):
            match = re.match(r"&([^\s,\[\]{}]+)", doc.file.text[start:])
            if match:
                best = (start, match.group(1))
    return best[1] if best else None
