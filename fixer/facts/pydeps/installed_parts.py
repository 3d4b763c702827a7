"""Which extras and dependency groups of a project `uv sync`, `poetry install` and
`pdm install` (and their `sync`) install, from the command's options, the stage's ENV and
the project's pyproject.toml, as each tool documents its defaults:

- uv installs its default groups (`[tool.uv] default-groups`, else `dev`) and no extra;
  `--no-dev`, `--only-dev`, `--group`, `--only-group`, `--no-group`, `--no-default-groups`,
  `--all-groups`, `--extra`, `--all-extras` and `--no-extra` change that.
- Poetry installs every group not marked `optional = true`; `--with`, `--without`,
  `--only`, `--all-groups`, the old `--no-dev` and `--only-root`, `--extras` and
  `--all-extras` change that.
- pdm installs the groups its lock file names when no option selects any; `--prod`
  leaves out the dev groups, `-G` names groups (a dev group named leaves out the other dev
  groups), `:all` every optional group, `--without` leaves out (alone: from every group).

Where the options cannot be read (a `$VARIABLE`, a short option with its value attached,
an ENV that selects uv's groups, a `default-groups` fixer does not read) or the lock file
decides, every extra and group counts: the image may hold them. The main dependencies
count whatever the options (`--only-group`, `poetry install --only dev` leave them out, and
an earlier or later command of the build usually installs them).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass

from fixer.core.lazyre import lazy_compile
from fixer.facts.pydeps.pyproject_deps import (
    dependency_groups,
    optional_dependencies,
    optional_groups,
    uv_default_groups,
)
from fixer.facts.pydeps.requirements import normalize


@dataclass(frozen=True)
class InstalledParts:
    """The extras and dependency groups an install takes beside the main dependencies, by
    normalized name; None: every one (fixer cannot tell which)."""

    extras: frozenset[str] | None = frozenset()
    groups: frozenset[str] | None = frozenset()


EVERY_PART = InstalledParts(None, None)

# ENV that selects uv's groups or extras: UV_DEV, UV_NO_DEV, UV_NO_GROUP, UV_NO_DEFAULT_GROUPS
_UV_SELECTING = lazy_compile(r"UV_\w*(?:DEV|GROUP|EXTRA)\w*")


def installed_parts(argv: list[str], env: Mapping[str, str], text: str) -> InstalledParts:
    """What the command `argv` (`uv sync --no-dev`) installs of the project whose
    pyproject.toml is `text`, in a stage whose ENV is `env`."""
    tool = posixpath.basename(argv[0])
    if any("$" in word for word in argv):
        return EVERY_PART
    if tool == "uv":
        return _uv(argv, env, text)
    if tool == "poetry":
        return _poetry(argv, text)
    if tool == "pdm":
        return _pdm(argv, text)
    return EVERY_PART


def _uv(argv: list[str], env: Mapping[str, str], text: str) -> InstalledParts:
    defaults = uv_default_groups(text)
    if defaults is None or any(_UV_SELECTING.fullmatch(name) for name in env):
        return EVERY_PART
    flags = _flags(argv)
    every = set(dependency_groups(text))
    only = _names(argv, "--only-group") | ({"dev"} if "--only-dev" in flags else set())
    include = _names(argv, "--group") | only | ({"dev"} if "--dev" in flags else set())
    if "--all-groups" in flags:
        include = every
    elif not only and "--no-default-groups" not in flags:
        include |= every if defaults == "all" else set(defaults)
    exclude = _names(argv, "--no-group") | ({"dev"} if "--no-dev" in flags else set())
    extras = set(optional_dependencies(text)) if "--all-extras" in flags else \
        _names(argv, "--extra")
    return InstalledParts(frozenset(extras - _names(argv, "--no-extra")),
                          frozenset(include - exclude))


def _poetry(argv: list[str], text: str) -> InstalledParts:
    flags = _flags(argv)
    if _attached(argv, "E"):
        return EVERY_PART
    extras = set(optional_dependencies(text)) if "--all-extras" in flags else \
        _names(argv, "-E", "--extras", split=r"[,\s]+")
    if "--only-root" in flags:   # the project alone, none of its dependencies
        return InstalledParts(frozenset(), frozenset())
    every = set(dependency_groups(text))
    chosen = every if "--all-groups" in flags else _names(argv, "--with", split=",")
    without = _names(argv, "--without", split=",") | ({"dev"} if "--no-dev" in flags else set())
    only = _names(argv, "--only", split=",")
    groups = only or ((every - optional_groups(text)) | chosen) - without
    return InstalledParts(frozenset(extras), frozenset(groups - {"main"}))


def _pdm(argv: list[str], text: str) -> InstalledParts:
    flags = _flags(argv)
    if _attached(argv, "Gd"):
        return EVERY_PART
    chosen = _names(argv, "-G", "--group", "--with", split=",")
    without = _names(argv, "--without", split=",")
    dev = True if flags & {"-d", "--dev"} else False if flags & {"--prod", "--production"} \
        else None
    if dev is None and not chosen and not without and "--no-default" not in flags:
        return EVERY_PART   # the groups the lock file was made for
    if without and not chosen and dev is None:
        chosen = {":all"}   # `--without x` alone: every group but x
    dev_groups, extras = set(dependency_groups(text)), set(optional_dependencies(text))
    if dev is not False and not chosen & dev_groups:
        chosen |= dev_groups   # naming a dev group selects it alone
    if ":all" in chosen:
        chosen |= extras
    chosen -= without
    return InstalledParts(frozenset(chosen & extras), frozenset(chosen & dev_groups))


def _flags(argv: list[str]) -> set[str]:
    return {word.split("=", 1)[0] for word in argv if word.startswith("-")}


def _names(argv: list[str], *options: str, split: str = "") -> set[str]:
    """The normalized names given to the options (`--group dev`, `--group=dev`), each value
    split by the `split` pattern (`--without dev,test`); `:all` kept as written."""
    found: set[str] = set()
    for index, word in enumerate(argv):
        option, equals, value = word.partition("=")
        if option not in options:
            continue
        if not equals:
            value = argv[index + 1] if index + 1 < len(argv) else ""
        parts = re.split(split, value) if split else [value]
        found |= {part if part == ":all" else normalize(part.strip())
                  for part in parts if part.strip()}
    return found


def _attached(argv: list[str], letters: str) -> bool:
    """A short option among `letters` written with its value or other flags attached
    (`-Gweb`, `-dG`), which fixer does not take apart."""
    return any(len(word) > 2 and word[0] == "-" and word[1] != "-" and
               any(letter in word[1:] for letter in letters) for word in argv)

