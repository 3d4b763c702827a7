"""What the commands share: exit codes, the usage error, the rule catalogue, common options."""

from __future__ import annotations

import os
from pathlib import Path

import click

from fixer.app.registry import discover
from fixer.model.rule import Rule

EXIT_CLEAN, EXIT_FOUND, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130   # 128 + SIGINT, what a shell reports for a command it interrupted


class UsageProblem(click.UsageError):
    exit_code = EXIT_ERROR


def catalogue() -> list[Rule]:
    """Every rule, the ones off by default included (tests replace `discover` here)."""
    return discover()


def root_folder(path: str) -> Path:
    """PATH, the folder of a repository; a usage error says what else it is."""
    root = Path(path)
    if root.is_dir():
        return root
    if not root.exists():
        raise UsageProblem(f"{path}: does not exist")
    if root.is_file():   # `fixer check docker-compose.yml`: fixer reads the whole folder
        raise UsageProblem(f"{path}: a file, not a folder; pass the folder that holds it: "
                           f"{_command_on(os.path.dirname(path) or '.')}")
    raise UsageProblem(f"{path}: not a folder")


def _command_on(folder: str) -> str:
    """`fixer check orders`: the command that was run, on `folder` instead."""
    context = click.get_current_context(silent=True)
    return f"`fixer {context.info_name} {folder}`" if context is not None else folder


def echo_err(line: str) -> None:
    click.echo(line, err=True)


def plural(count: int, word: str) -> str:
    if count == 1:
        return f"1 {word}"
    return f"{count} {word}{'es' if word.endswith('x') else 's'}"


def _joined(_context: click.Context, _param: click.Parameter,
            value: tuple[str, ...]) -> str | None:
    """A repeated option adds up, as in ruff: `--select P --select C` is `--select P,C`."""
    return ",".join(value) if value else None


select_option = click.option("--select", multiple=True, callback=_joined,
                             help="Rule codes or prefixes to run (P, P001, ALL); repeatable.")
extend_select_option = click.option(
    "--extend-select", multiple=True, callback=_joined,
    help="Rule codes or prefixes to run beside the selected (or default) ones; repeatable.")
ignore_option = click.option("--ignore", multiple=True, callback=_joined,
                             help="Rule codes or prefixes to leave out; repeatable.")
verbose_option = click.option(
    "-v", "--verbose", is_flag=True,
    help="Name the configuration file in force when it is not PATH's own, and show the "
         "traceback of a rule that crashed (a bug in fixer).")
gitignore_option = click.option(
    "--respect-gitignore/--no-respect-gitignore", default=True, show_default=True,
    help="Leave out what .gitignore leaves out, in a git work tree.")
config_option = click.option(
    "--config", "config_file", metavar="FILE",
    help="Use this configuration file (fixer.toml keys, or a pyproject.toml's [tool.fixer]) "
         "instead of searching PATH and the folders above it; its paths are relative to its "
         "own folder.")
