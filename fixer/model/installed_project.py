"""Where the packages of the project an image installs from its own build context are.

`COPY src ./src` + `RUN pip install .` of a src layout puts `billing_api` in site-packages,
not in the working directory: `hypercorn billing_api.main:app` imports it from there. Its
source is the project's package folder in the repository: `src/` by convention, or the one
pyproject.toml names (`[tool.setuptools.packages.find] where`, `package-dir`, Poetry's
`packages` `from`, Hatch's wheel `packages`, uv's `module-root`). Only the project whose
pyproject.toml the build context holds and the install reads counts: `pip install .`,
`pip install -e .`, `uv sync` and `poetry install` (not `--no-root`, nor
`--no-install-project`), run where the context's pyproject.toml lands in the image.
"""

from __future__ import annotations

import posixpath
import re
import tomllib
from typing import Any

from fixer.core.errors import InputError
from fixer.core.lazyre import lazy_compile
from fixer.core.tree import Tree
from fixer.model.image_paths import in_image, run_workdir
from fixer.model.services import BuiltService
from fixer.sources.dockerfile import Stage, chain
from fixer.sources.dockertext import program_at, run_commands

# a pip operand that is the project in the working directory: `.`, `./`, `.[server]`
PROJECT_OPERAND = lazy_compile(r"^\.(?:/)?(\[[^\]]*\])?$")
_PIP = lazy_compile(r"^pip(?:\d+(?:\.\d+)?)?$")
# options of `uv sync` and `poetry install` that leave the project itself out
_NOT_THE_PROJECT = frozenset({"--no-root", "--no-install-project", "--no-install-workspace",
                              "--package", "--only-group"})


def installed_roots(tree: Tree, service: BuiltService) -> list[str]:
    """The repository folders that hold the packages of the project the image installs
    (`services/billing/src`), as sys.path entries; empty when it installs none fixer reads."""
    app = service.app
    project = posixpath.join(app.folder, "pyproject.toml") if app.folder else "pyproject.toml"
    if not tree.exists(project) or not _installs_project(tree, service, project):
        return []
    try:
        data = tomllib.loads(tree.read(project).text)
    except (InputError, tomllib.TOMLDecodeError):
        return []   # no TOML: an input error, reported where its dependencies are read
    named = _named_folders(data) or ["src"]
    # the project's root itself is the working directory the app module is looked for in
    return [posixpath.normpath(posixpath.join(app.folder, folder)) for folder in named
            if posixpath.normpath(folder) != "." and not folder.startswith("..")]


def _installs_project(tree: Tree, service: BuiltService, project: str) -> bool:
    """A RUN of the final stage (or of a stage it is built FROM) installs the project, in a
    working directory where the build context's pyproject.toml lands; or a RUN of another
    stage installs it under a prefix (`pip install --prefix=/install .`) that the final
    stage copies over the interpreter's own (`COPY --from=builder /install /usr/local`)."""
    app = service.app
    final = chain(app.dockerfile, app.stage)
    if any(_installed_in(tree, service, stage, project, None) for stage in final):
        return True
    return any(_installed_in(tree, service, built, project, prefix)
               for built, prefix in _prefixes_copied(service) if built not in final)


def _installed_in(tree: Tree, service: BuiltService, stage: Stage, project: str,
                  prefix: str | None) -> bool:
    """A RUN of the stage, or of a stage it is built FROM, installs the project whose
    pyproject.toml is `project`, under `prefix` when one is given."""
    app = service.app
    text = app.dockerfile.file.text
    for each in chain(app.dockerfile, stage):
        for instruction in each.find("RUN"):
            cwd = run_workdir(app.dockerfile, each, instruction)
            if any(_installs_itself(words) and (prefix is None or _prefix(words) == prefix)
                   for words in run_commands(text, instruction)) and \
                    in_image(tree, app.folder, app.dockerfile, stage,
                             posixpath.join(cwd, "pyproject.toml")) == project:
                return True
    return False


def _prefixes_copied(service: BuiltService) -> list[tuple[Stage, str]]:
    """(stage, folder) of each `COPY --from=stage folder /usr/local` of the final stage (or
    a stage it is built FROM): what an install under that prefix put there lands in the
    interpreter's own site-packages."""
    app = service.app
    found: list[tuple[Stage, str]] = []
    for stage in chain(app.dockerfile, app.stage):
        for instruction in stage.find("COPY"):
            origin = instruction.flag("--from")
            built = app.dockerfile.stage_from(origin) if origin is not None else None
            if built is not None and len(instruction.value) == 2 and \
                    posixpath.normpath(instruction.value[1]) == "/usr/local":
                found.append((built, posixpath.normpath(instruction.value[0])))
    return found


def _prefix(argv: list[str]) -> str | None:
    """The folder `--prefix` installs under (`--prefix=/install`, `--prefix /install`)."""
    for at, word in enumerate(argv):
        if word.startswith("--prefix="):
            return posixpath.normpath(word.split("=", 1)[1])
        if word == "--prefix" and at + 1 < len(argv):
            return posixpath.normpath(argv[at + 1])
    return None


def _installs_itself(argv: list[str]) -> bool:
    """`pip install .`, `python -m pip install -e .`, `uv pip install .`, `uv sync`,
    `poetry install`: a command that installs the project of its working directory."""
    words = argv[program_at(argv):]
    if len(words) > 2 and re.match(r"^python[\d.]*$", posixpath.basename(words[0])) and \
            words[1] == "-m":
        words = words[2:]
    if not words:
        return False
    tool = posixpath.basename(words[0])
    if tool == "uv" and words[1:2] == ["pip"]:
        tool, words = "pip", words[1:]
    if _PIP.match(tool):
        return words[1:2] == ["install"] and any(PROJECT_OPERAND.match(w) for w in words[2:])
    verb = {"uv": "sync", "poetry": "install"}.get(tool)
    return verb is not None and words[1:2] == [verb] and \
        not any(w.partition("=")[0] in _NOT_THE_PROJECT for w in words[2:])


def _named_folders(data: dict[str, Any]) -> list[str]:
    """The folders pyproject.toml names as where its packages are."""
    tool = _table(data, "tool")
    setuptools = _table(tool, "setuptools")
    found = _strings(_table(setuptools, "packages", "find").get("where"))
    package_dir = setuptools.get("package-dir")
    if isinstance(package_dir, dict) and isinstance(package_dir.get(""), str):
        found.append(package_dir[""])
    for entry in _list(_table(tool, "poetry").get("packages")):
        if isinstance(entry, dict) and isinstance(entry.get("from"), str):
            found.append(entry["from"])
    wheel = _table(tool, "hatch", "build", "targets", "wheel")
    found.extend(posixpath.dirname(p.rstrip("/")) for p in _strings(wheel.get("packages")))
    found.extend(_strings(_table(tool, "uv", "build-backend").get("module-root")))
    return list(dict.fromkeys(f or "." for f in found))


def _table(data: dict[str, Any], *keys: str) -> dict[str, Any]:
    for key in keys:
        value = data.get(key)
        data = value if isinstance(value, dict) else {}
    return data


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _strings(value: object) -> list[str]:
    """A string or a list of strings, as pyproject.toml writes a folder or several."""
    if isinstance(value, str):
        return [value]
    return [v for v in _list(value) if isinstance(v, str)]


# the tools whose install verb installs a project (and a workspace's members) from the
# working directory, whatever options it is given
_PROJECT_INSTALLERS = {"uv": "sync", "poetry": "install", "pdm": "install", "pipenv": "install",
                       "hatch": "env", "rye": "sync"}


def installs_local_code(service: BuiltService) -> bool:
    """A RUN of the final stage (or of a stage it is built FROM) may install code of the
    build context as a package (`uv sync --package api`, `pip install ./libs/core`,
    `pip install dist/app.whl`, `python setup.py install`): its modules then import from
    site-packages, where fixer does not follow them."""
    app = service.app
    text = app.dockerfile.file.text
    return any(_installs_local(words) for stage in chain(app.dockerfile, app.stage)
               for instruction in stage.find("RUN") for words in run_commands(text, instruction))


def _installs_local(argv: list[str]) -> bool:
    words = argv[program_at(argv):]
    if len(words) > 2 and re.match(r"^python[\d.]*$", posixpath.basename(words[0])):
        if words[1] == "-m":
            words = words[2:]
        elif posixpath.basename(words[1]) == "setup.py":
            return True
    if len(words) < 2:
        return False
    tool = posixpath.basename(words[0])
    if tool == "uv" and words[1] == "pip":
        tool, words = "pip", words[1:]
    if _PIP.match(tool):
        return words[1:2] == ["install"] and any(_local_operand(w) for w in _operands(words[2:]))
    return _PROJECT_INSTALLERS.get(tool) == words[1]


# pip install's options that take the next word as their value (`-r /code/requirements.txt`
# names a requirements file, not code to install)
_VALUED = frozenset({"-r", "--requirement", "-c", "--constraint", "-i", "--index-url",
                     "--extra-index-url", "-f", "--find-links", "-t", "--target", "--prefix",
                     "--root", "--cache-dir", "--src", "--python-version", "--platform",
                     "--implementation", "--abi", "--progress-bar", "--trusted-host",
                     "--upgrade-strategy", "--log", "--proxy", "--retries", "--timeout",
                     "--exists-action", "--cert", "--client-cert", "--report",
                     "--config-settings", "-C", "--global-option", "--no-binary",
                     "--only-binary"})


def _operands(words: list[str]) -> list[str]:
    """The words of a `pip install` that are not an option's value (`-e`'s is one: it is
    what is installed)."""
    found: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word in _VALUED:
            skip = True
        else:
            found.append(word)
    return found


def _local_operand(word: str) -> bool:
    """A pip operand that names files rather than a requirement of an index: a path, a
    wheel or an editable install (`-e`, `--editable`)."""
    return word.startswith((".", "/", "-e", "--editable")) or word.endswith((".whl", ".tar.gz")) \
        or ("/" in word and "://" not in word and not word.startswith("-"))
