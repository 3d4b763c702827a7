"""Rewriting a healthcheck's command in place: a compose `healthcheck.test` (flow list,
block list or string, in the file's own quoting) or a Dockerfile HEALTHCHECK.
"""

from __future__ import annotations

import json
import re
import shlex

import yaml

from fixer.core.edits import TextEdit
from fixer.sources.compose import ComposeDoc, Value, elements
from fixer.sources.compose_style import yaml_scalar
from fixer.sources.dockerfile import Dockerfile, Instruction

def scalar_style(node: yaml.Node) -> str:
    style = getattr(node, "style", None)
    return {'"': "double", "'": "single"}.get(style or "", "plain")


def shell_join(argv: list[str]) -> str:
    """argv as a shell command: plain words bare, others in double quotes where nothing in
    them expands there (the Python probe's code), else single-quoted."""
    out = []
    for arg in argv:
        if re.fullmatch(r"[\w@%+=:,./-]+", arg):
            out.append(arg)
        elif not re.search(r'["$`\\!]', arg):
            out.append(f'"{arg}"')
        else:
            out.append(shlex.quote(arg))
    return " ".join(out)


def compose_test_edit(doc: ComposeDoc, test: Value, argv: list[str]) -> TextEdit | None:
    """Make `test` run `argv` (the CMD form), keeping the node's list style and quoting.
    A string test (a shell script) stays a string."""
    node = test.node
    if isinstance(node, yaml.ScalarNode) and node.style in (">", "|"):
        return _block_scalar_edit(doc, node, shell_join(argv))
    if isinstance(node, yaml.ScalarNode):
        script = shell_join(argv)
        flow = _in_flow(doc, node)
        text = yaml_scalar(script, scalar_style(node), flow)
        return TextEdit(doc.path, node.start_mark.index, node.end_mark.index, text)
    items = elements(test)
    if not isinstance(node, yaml.SequenceNode) or not items:
        return None
    style = scalar_style(items[0].node)
    values = ["CMD", *argv]
    first, last = items[0].node, items[-1].node
    if node.flow_style:
        rendered = [yaml_scalar(v, style, True) for v in values]
        separator = _separator(doc, items)
        text = separator.join(rendered)
    else:
        text_before = doc.file.text[:first.start_mark.index]
        prefix = text_before[text_before.rfind("\n") + 1:]   # `    - `, as each item starts
        if prefix.strip() != "-":
            return None
        rendered = [yaml_scalar(v, style, False) for v in values]
        text = rendered[0] + "".join(f"{doc.file.newline}{prefix}{r}" for r in rendered[1:])
    return TextEdit(doc.path, first.start_mark.index, _end_of(doc, last), text)


def _end_of(doc: ComposeDoc, node: yaml.Node) -> int:
    """Where a node's own text ends: a folded or literal block's node runs on to where the
    next key starts, past the line break and indentation the text after it needs."""
    end = int(node.end_mark.index)
    if isinstance(node, yaml.ScalarNode) and node.style in (">", "|"):
        start = int(node.start_mark.index)
        return start + len(doc.file.text[start:end].rstrip())
    return end


def _block_scalar_edit(doc: ComposeDoc, node: yaml.ScalarNode, script: str) -> TextEdit:
    """A folded or literal test (`test: >` and the script on the lines below) keeps its
    header and indentation, with the script on one line: its node ends where the next key
    starts, so a quoted scalar in its place would swallow the line break before it."""
    text = doc.file.text
    start = text.find("\n", node.start_mark.index) + 1   # past the `>` header line
    body = text[start:node.end_mark.index]
    first = next((line for line in body.splitlines() if line.strip()), "")
    indent = first[:len(first) - len(first.lstrip(" "))]
    return TextEdit(doc.path, start, _end_of(doc, node), indent + script)


def _separator(doc: ComposeDoc, items: list[Value]) -> str:
    if len(items) < 2:
        return ", "
    return doc.file.text[items[0].node.end_mark.index:items[1].node.start_mark.index]


def _in_flow(doc: ComposeDoc, node: yaml.Node) -> bool:
    """Whether a scalar sits inside a flow collection (`{test: ...}`): plain text there
    cannot hold `,[]{}`."""
    before = doc.file.text[:node.start_mark.index]
    return before.count("{") + before.count("[") > before.count("}") + before.count("]")


def healthcheck_edit(dockerfile: Dockerfile, instruction: Instruction,
                     argv: list[str]) -> TextEdit | None:
    """Replace what a HEALTHCHECK's CMD runs with `argv` in exec (JSON) form: it needs
    no shell, and hadolint's DL3025 asks for it."""
    text = dockerfile.file.text
    body = text[instruction.start:instruction.end]
    match = re.search(r"(?i)(?<=\s)CMD\s+", body)
    if match is None:
        return None
    start = instruction.start + match.end()
    rendered = "[" + ", ".join(json.dumps(a) for a in argv) + "]"
    return TextEdit(dockerfile.path, start, instruction.end, rendered)
