"""A folder fixer found no compose file in: every command says so alike (exit 2, one line on
stderr, an error of the JSON and SARIF reports), since a check of nothing is a wrong path or
compose files under other names, never a clean repository. A project template's repository,
whose compose files are all in the template folders fixer skips, is the exception: it has
nothing to check, and that is no error."""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Sequence
from pathlib import Path

from fixer.core.config import Config
from fixer.core.errors import InputError, NoComposeFile
from fixer.core.lazyre import lazy_compile
from fixer.core.tree import SKIPPED_DIRS, Tree, skipped_dir
from fixer.facts.image.buildscripts import is_build_script
from fixer.model.stacks import is_compose_name
from fixer.model.workspace import Workspace

# A YAML file with a top-level `services:` key: a compose file by another name, perhaps
_SERVICES_KEY = lazy_compile(r"^services\s*:", re.MULTILINE)
_NAMED_AT_MOST = 3   # candidates the message names


def error(ws: Workspace, root: Path, shown: str, where: str = "",
          untracked: Sequence[str] = ()) -> NoComposeFile | None:
    """The error of a folder with no compose file; None when it has one, one it could not
    read (an error of its own), or when its compose files are all in project template
    folders (`template_only`). `root`: the folder on disk; `where`: words after its name
    (the commit it was read from); `untracked`: the compose files of the working tree that
    git does not track, which that commit thus lacks."""
    if ws.compose_docs or ws.errors or template_only(root) is not None:
        return None
    empty = _empty_compose_files(ws.tree)
    if empty:
        return NoComposeFile(f"No compose file to read in {shown}{where}: {_listed(empty)} "
                             f"{'is' if len(empty) == 1 else 'are'} empty (no YAML, or "
                             "comments only), which Compose refuses too: nothing was checked.")
    hint = _commit_first(untracked) if untracked else _how_to_name(ws.tree)
    return NoComposeFile(f"No compose file found in {shown}{where}: nothing was checked. {hint}")


def _empty_compose_files(tree: Tree) -> list[str]:
    """Files named as compose files that hold no YAML document: found, then read as none."""
    return [path for path in sorted(tree.paths()) if is_compose_name(path)]


def _listed(paths: list[str]) -> str:
    shown = ", ".join(paths[:_NAMED_AT_MOST])
    return shown + (f" and {len(paths) - _NAMED_AT_MOST} more" if len(paths) > _NAMED_AT_MOST
                    else "")


def error_in(tree: Tree, config: Config, root: Path, shown: str, where: str = "",
             untracked: Sequence[str] = ()) -> NoComposeFile | None:
    """`error` for a run with no workspace at hand (a fix run, clean or with nothing to
    read: the workspace is loaded again only then)."""
    return error(Workspace.load(tree, config), root, shown, where, untracked)


def _commit_first(untracked: Sequence[str]) -> str:
    one = len(untracked) == 1
    return (f"{', '.join(untracked)} {'is' if one else 'are'} untracked: commit "
            f"{'it' if one else 'them'} first, since the branch is made from the commit.")


def _how_to_name(tree: Tree) -> str:
    """Where compose files under other names go, naming the YAML files that look like ones
    (`local.yml`, `production.yml`)."""
    found = _lookalikes(tree)
    if not found:
        return ("Compose files are found by name (any .yml or .yaml file whose name holds "
                "`compose`); others go in the `stacks` setting of fixer.toml "
                "(stacks = [[\"deploy/app.yml\"]]).")
    one = len(found) == 1
    grouped, where = _loaded_together(tree, found)
    groups = [*grouped, *([path] for path in found if not any(path in g for g in grouped))]
    example = ", ".join("[" + ", ".join(f'"{path}"' for path in group) + "]"
                        for group in groups[:_NAMED_AT_MOST])
    together = f", as {where} loads them together" if where else "" if one else (
        "; files Compose loads together (`-f a.yml -f b.yml`) go in one group")
    return (f"{_listed(found)} {'has' if one else 'have'} a `services:` key: to read "
            f"{'it' if one else 'them'} as compose files, name "
            f"{'it' if one else 'them'} in the `stacks` setting of fixer.toml "
            f"(stacks = [{example}]{together}).")


def _loaded_together(tree: Tree, found: list[str]) -> tuple[list[list[str]], str]:
    """The groups of `found` that a build script's Compose command loads together (`-f
    app.yaml -f storages.yaml`, its make variables read: `-f ${APP_FILE}`), and where the
    first is ("Makefile:18"); none when no command names two of them."""
    groups: list[list[str]] = []
    where = ""
    for path in sorted(p for p in tree.paths() if is_build_script(p) and p not in found):
        text = _text(tree, path)
        if "-f" not in text and "--file" not in text:
            continue
        values = dict(_MAKE_VARIABLE.findall(text))
        for number, line in enumerate(text.splitlines(), 1):
            named = [posixpath.normpath(posixpath.join(posixpath.dirname(path), _SET.sub(
                lambda m: values.get(m[1] or m[2], m[0]), written)))
                for written in _FILE_OPTION.findall(line)]
            group = list(dict.fromkeys(n for n in named if n in found))
            if len(group) > 1 and group not in groups:
                groups.append(group)
                where = where or f"{path}:{number}"
    # `down` of two of the files `up` loads with a third: the larger group says it
    return [g for g in groups if not any(set(g) < set(other) for other in groups)], where


# a make variable (`APP_FILE = docker_compose/app.yaml`), what reads one (`${APP_FILE}`,
# `$(APP_FILE)`), and a compose file given to a command
_MAKE_VARIABLE = lazy_compile(r"^([A-Za-z_]\w*)[ \t]*[:?]?=[ \t]*(\S+)[ \t]*$", re.MULTILINE)
_SET = lazy_compile(r"\$\{(\w+)\}|\$\((\w+)\)")
_FILE_OPTION = lazy_compile(r"(?:^|\s)(?:-f|--file)(?:[ \t]+|=)[\"']?([^\s\"']+)")


def _lookalikes(tree: Tree) -> list[str]:
    found = []
    for path in sorted(tree.paths()):
        if path.endswith((".yml", ".yaml")) and not is_compose_name(path) and \
                _has_services(tree, path):
            found.append(path)
    return found


def _has_services(tree: Tree, path: str) -> bool:
    return bool(_SERVICES_KEY.search(_text(tree, path)))


def _text(tree: Tree, path: str) -> str:
    """The file's text, searched for a hint only: "" for one that is gone or unreadable (a
    workflow in UTF-16, a binary named .yml), which is not worth naming nor an error."""
    try:
        return tree.read(path).text if tree.exists(path) else ""
    except InputError:
        return ""


def template_only(root: Path) -> str | None:
    """The compose files below a project template's folders under `root`, listed
    (`{{cookiecutter.project_slug}}/docker-compose.yml, …`): fixer skips those folders
    (their files are Jinja until the template is rendered), so such a repository has
    nothing to check. Walked only when nothing else was found, and in name order, so that
    the files named are the same on every run."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        inside = Path(folder).relative_to(root)
        if any(skipped_dir(part) for part in inside.parts):
            found += [(inside / name).as_posix() for name in sorted(files)
                      if is_compose_name(name)]
    return _listed(found) if found else None


def template_warning(shown: str, template: str) -> str:
    return (f"Compose files in {shown} are only in project template folders, which fixer "
            f"skips ({template}): nothing was checked.")
