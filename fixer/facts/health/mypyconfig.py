"""Whether the mypy configuration that applies to a folder requires annotated functions, and
type parameters on generic types.

A function added without annotations fails `mypy` where that configuration sets
`disallow_untyped_defs` (or `strict`, which turns it on); a bare `dict` annotation fails
where it sets `disallow_any_generics` (or `strict`): "Missing type parameters for generic
type". Neither fails where the configuration turns its error code off (`disable_error_code`
with `no-untyped-def`, `type-arg`) or every error (`ignore_errors`). mypy takes the first
configuration file it finds from its working directory up to the repository's root: in
each folder `mypy.ini`, `.mypy.ini`, then `pyproject.toml` with `[tool.mypy]` and
`setup.cfg` with `[mypy]` (those two without such a section, or a file that does not parse,
it passes over). Per-module sections (`[mypy-app.*]`, `[[tool.mypy.overrides]]`) are not
read: the configuration's own setting decides.
"""

from __future__ import annotations

import configparser
import posixpath
import tomllib
from collections.abc import Iterator

from fixer.core.derived import Read

# the files mypy looks for in each folder, in its order
_CONFIG_NAMES = ("mypy.ini", ".mypy.ini", "pyproject.toml", "setup.cfg")


def annotations_required(read: Read, folder: str) -> bool:
    """`folder` (repository-relative, "" the root) is where mypy runs from."""
    return _reported(_in_force(read, folder), "disallow_untyped_defs", "no-untyped-def")


def type_parameters_required(read: Read, folder: str) -> bool:
    """Whether mypy, run from `folder`, rejects a generic type without its parameters
    (`-> dict`)."""
    return _reported(_in_force(read, folder), "disallow_any_generics", "type-arg")


def _reported(section: dict[str, object] | None, flag: str, code: str) -> bool:
    """Whether mypy under the configuration `section` reports the errors `flag` turns on,
    which carry the error code `code`."""
    if section is None or not _flag(section, flag) or _true(section.get("ignore_errors")):
        return False
    return code not in _codes(section.get("disable_error_code"))


def _codes(value: object) -> set[str]:
    """Error codes as TOML lists them, or as INI writes them (`type-arg, no-untyped-def`)."""
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return set()
    return {code.strip() for code in value if isinstance(code, str)}


def _in_force(read: Read, folder: str) -> dict[str, object] | None:
    """The global options of the configuration file mypy takes when run from `folder`."""
    for where in _upwards(folder):
        for name in _CONFIG_NAMES:
            file = read(posixpath.join(where, name))
            section = _mypy_section(name, file.text) if file is not None else None
            if section is not None:
                return section
    return None


def _upwards(folder: str) -> Iterator[str]:
    """The folder, then each one above it, to the repository's root ("")."""
    while folder:
        yield folder
        folder = posixpath.dirname(folder)
    yield ""


def _mypy_section(name: str, text: str) -> dict[str, object] | None:
    """The global options of a configuration file mypy takes; None for one it passes over.
    A `mypy.ini` without `[mypy]` is taken all the same, and sets nothing."""
    if name == "pyproject.toml":
        try:
            tool = tomllib.loads(text).get("tool")
        except tomllib.TOMLDecodeError:
            return None
        found = tool.get("mypy") if isinstance(tool, dict) else None
        return found if isinstance(found, dict) else None
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    if not parser.has_section("mypy"):
        return None if name == "setup.cfg" else {}
    return dict(parser["mypy"])


def _flag(section: dict[str, object], name: str) -> bool:
    """`disallow_X` where the section sets it (`allow_X` is its inverse), else `strict`:
    mypy applies a flag written beside `strict` after it."""
    if name in section:
        return _true(section[name])
    inverse = name.removeprefix("dis")
    if inverse in section:
        return not _true(section[inverse])
    return _true(section.get("strict", False))


def _true(value: object) -> bool:
    """A TOML boolean, or an INI one as configparser reads it (`True`, `yes`, `1`, `on`)."""
    if isinstance(value, str):
        return configparser.RawConfigParser.BOOLEAN_STATES.get(value.strip().lower(), False)
    return value is True
