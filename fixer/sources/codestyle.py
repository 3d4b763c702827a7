"""What a repository's Python linters and formatters hold new code to, for a file.

Code a fix writes (H001's health route) follows the file's own style; where the project's
tooling decides a point for every file, it follows that: the quote its formatter writes
(ruff's `format.quote-style`, black's double quotes, blue's single ones), or the one ruff's
flake8-quotes rule asks for where ruff selects Q000 (a check that fails, over a
formatter), the two blank lines around a module-level function that black, blue, ruff's
formatter, flake8 (E302, on unless ignored) and ruff's preview E302 want, a docstring
where ruff selects D103, a return annotation where it selects ANN201. Each is read from the
settings nearest the file, as the tools find theirs, from the root's
`.pre-commit-config.yaml` hooks, and from a task file of the root that runs a formatter
(`ruff format .` in a Makefile's `lint` target).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from fixer.core.lazyre import lazy_compile
from fixer.sources.linelimit import ToolSettings, ini_file, nearest, ruff_settings, tool_table
from fixer.sources.ruffrules import lint_table, selects

Read = Callable[[str], str | None]

# a pre-commit hook of a formatter or of flake8: `- id: black`
_HOOK = lazy_compile(r"(?m)^\s*-?\s*id:\s*['\"]?(black|blue|ruff-format|flake8)['\"]?\s*$")
# what flake8's `ignore`/`extend-ignore` may name that switches E302 off
_E302_OFF = ("E302", "E30", "E3", "E")


class CodeStyle(NamedTuple):
    quote: str | None = None        # the quote the formatter writes strings in, if one does
    two_blank_lines: bool = False   # module-level definitions two blank lines apart
    docstrings: bool = False        # public functions need a docstring (ruff's D103)
    annotations: bool = False       # they need a return annotation (ruff's ANN201)


def code_style(read: Read, path: str) -> CodeStyle:
    """What the tooling of the repository holds the file `path` to. `read` gives a
    repository file's text (None when absent)."""
    config = read(".pre-commit-config.yaml") or ""
    hooks = {m[1] for m in _HOOK.finditer(config)}
    ruff = nearest(read, path, ruff_settings)
    formatter = _formatter(read, path, ruff, hooks)
    quote = {"black": '"', "blue": "'"}.get(formatter or "") if formatter != "ruff" else \
        _ruff_quote(ruff)
    if formatter == "black" and _black_keeps_quotes(read, path, config):
        quote = None
    if ruff is not None and selects(read, ruff, "Q000"):   # a lint rule: it fails the check
        quote = _inline_quote(ruff)
    flake8 = nearest(read, path, _flake8_checks_blank_lines)
    return CodeStyle(
        quote=quote,
        two_blank_lines=formatter is not None or bool(flake8) or "flake8" in hooks or
        (ruff is not None and _preview(ruff) and selects(read, ruff, "E302")),
        docstrings=ruff is not None and selects(read, ruff, "D103"),
        annotations=ruff is not None and selects(read, ruff, "ANN201"))


def _formatter(read: Read, path: str, ruff: ToolSettings | None,
               hooks: set[str]) -> str | None:
    """The formatter the project runs on the file: ruff's (a `format` table of its
    settings, or its pre-commit hook), blue or black (their `[tool.*]` table nearest the
    file, or their hook); None where fixer sees none."""
    run = _run_by_task(read)
    if ruff is not None and isinstance(ruff.table.get("format"), dict) or \
            "ruff-format" in hooks or run == "ruff":
        return "ruff"
    found = nearest(read, path, lambda r, folder: next(
        (tool for tool in ("blue", "black") if tool_table(r, folder, tool) is not None), None))
    return found or next((tool for tool in ("blue", "black") if tool in hooks), None) or \
        (run if run in ("blue", "black") else None)


# the task files at the root whose commands a project formats its code with (`make lint`
# running `ruff format .`), and such a command outside a comment
_TASK_FILES = ("Makefile", "makefile", "GNUmakefile", "justfile", "Justfile", "tox.ini",
               "noxfile.py")
_FORMAT_COMMAND = lazy_compile(r"(?m)^[^#\n]*?(?<![\w-])(ruff[ \t]+format|black|blue)(?![\w-])")


def _run_by_task(read: Read) -> str | None:
    """The formatter a task file of the root runs (`ruff format .` in a Makefile target):
    "ruff", "black" or "blue"; None for none."""
    for name in _TASK_FILES:
        found = _FORMAT_COMMAND.search(read(name) or "")
        if found is not None:
            return found.group(1).split()[0]
    return None


# black told to leave quotes alone: `-S`, `--skip-string-normalization` in a hook's args
_SKIPS_STRINGS = lazy_compile(r"(?<![\w-])(?:-S|--skip-string-normalization)(?![\w-])")
# black's pre-commit hook: from its `id: black` to the next hook or repository
_BLACK_HOOK = lazy_compile(r"(?ms)^\s*-?\s*id:\s*['\"]?black['\"]?\s*$(.*?)"
                           r"(?=^\s*-\s*(?:id|repo):|\Z)")


def _black_keeps_quotes(read: Read, path: str, config: str) -> bool:
    """Black runs with string normalization off: `skip-string-normalization = true` in its
    `[tool.black]` table nearest the file, or `-S` in the args of its pre-commit hook
    (from its `id: black` to the next hook)."""
    table = nearest(read, path, lambda r, folder: tool_table(r, folder, "black"))
    if table is not None and (table.get("skip-string-normalization") is True or
                              table.get("skip_string_normalization") is True):
        return True
    hook = _BLACK_HOOK.search(config)
    return hook is not None and _SKIPS_STRINGS.search(hook.group(1)) is not None


def _preview(ruff: ToolSettings) -> bool:
    """Ruff's preview rules are on (E302 is one): `preview = true`, top level or `[lint]`."""
    return lint_table(ruff.table).get("preview") is True


def _ruff_quote(ruff: ToolSettings | None) -> str | None:
    """The quote ruff's formatter writes: `quote-style`, double where it sets none;
    none for `preserve`."""
    table = ruff.table.get("format") if ruff is not None else None
    style = table.get("quote-style", "double") if isinstance(table, dict) else "double"
    return {"double": '"', "single": "'"}.get(style)


def _inline_quote(ruff: ToolSettings) -> str:
    """The quote ruff's flake8-quotes rule (Q000) wants: `inline-quotes`, double by
    default."""
    table = lint_table(ruff.table).get("flake8-quotes")
    style = table.get("inline-quotes") if isinstance(table, dict) else None
    return "'" if style == "single" else '"'


def _flake8_checks_blank_lines(read: Read, folder: str) -> bool | None:
    """Whether the folder's flake8 settings (setup.cfg, tox.ini, .flake8) leave E302 on:
    None where the folder has none."""
    for name in ("setup.cfg", "tox.ini", ".flake8"):
        parser = ini_file(read, f"{folder}/{name}" if folder else name, "flake8")
        if parser is None or not parser.has_section("flake8"):
            continue
        off = ",".join(parser.get("flake8", key, fallback="")
                       for key in ("ignore", "extend-ignore", "extend_ignore"))
        codes = {code.strip() for code in off.replace("\n", ",").split(",")}
        return not codes & set(_E302_OFF)
    return None
