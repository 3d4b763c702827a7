"""Python requirements a service declares, and the edit that declares one more.

Sources: requirements files (with their `-r` includes), pyproject.toml (PEP 621
`[project] dependencies`, Poetry `[tool.poetry.dependencies]`) and the arguments of a
`pip install` command line. Names compare PEP 503-normalized; extras, markers and
versions do not matter for matching. What installs something no name can be read from
(a path, a wheel, a wildcard, a variable) is reported as such, so that callers can
refrain from judging.
"""

from __future__ import annotations

import bisect
import posixpath
import re
import tomllib
from dataclasses import dataclass, field

from fixer.core.derived import Memo
from fixer.core.edits import TextEdit
from fixer.core.lazyre import lazy_compile
from fixer.core.textfile import TextFile
from fixer.facts.pydeps.versions import poetry_specifier
from fixer.model.installed_project import PROJECT_OPERAND

_NAME = lazy_compile(r"^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?")
_EGG = lazy_compile(r"#egg=([A-Za-z0-9._-]+)")
_URL = lazy_compile(r"^(?:[\w.+-]+://|git\+|hg\+|svn\+|bzr\+)")
_ARCHIVES = (".whl", ".tar.gz", ".tgz", ".zip", ".tar.bz2")
# pip options that take a value (the value is no requirement).
_PIP_VALUED = {"-c", "--constraint", "-i", "--index-url", "--extra-index-url", "-f",
               "--find-links", "--platform", "--python-version", "--implementation", "--abi",
               "--src", "--upgrade-strategy", "--progress-bar", "--cache-dir", "--trusted-host",
               "--timeout", "--retries", "--python", "-p", "--only-binary", "--no-binary",
               "--config-settings", "-C", "--global-option", "--log", "--report"}
_PIP_LOCATIONS = {"--prefix", "--target", "-t", "--root"}
# a requirement whose variable is only in its version (`poetry==$POETRY_VERSION`,
# `uvicorn[standard]>=${UVICORN_VERSION:-0.29}`): the project it installs is known, the
# release is not; a marker, a URL or a command substitution after the operator is no version
_VERSION_VARIABLE = lazy_compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?(?:\[[^\]$`]*\])?"
                                 r"\s*(?:===?|~=|!=|<=|>=|<|>)[^\s;@#`()]*$")


_SEPARATORS = lazy_compile(r"[-_.]+")
# compiled once: every line of every requirements file passes through these
_BARE_URL = lazy_compile(r"^\s*[\w.+-]+://")
_SPECIFIER_END = lazy_compile(r"[;@#]|\s-")
_COMMENT = lazy_compile(r"(^|\s)#.*")
_EDITABLE = lazy_compile(r"^(?:-e|--editable)(?:\s+|=)(\S+)")
_INCLUDE = lazy_compile(r"^(-r|--requirement)(?:\s+|=)(\S+)")
_LINE_END = lazy_compile(r"(?<=\n)")


def normalize(name: str) -> str:
    """PEP 503: `Uvicorn_Worker` and `uvicorn.worker` are `uvicorn-worker`."""
    if "_" not in name and "." not in name and "--" not in name:
        return name.lower()   # no run of separators to join: most names, asked most often
    return _SEPARATORS.sub("-", name).lower()


@dataclass(frozen=True)
class Requirement:
    name: str                     # normalized
    extras: frozenset[str]
    start: int                    # the line's offset in its file
    text: str                     # the line as written (continuations joined)


def parse_requirement(spec: str) -> tuple[str, frozenset[str]] | None:
    """`uvicorn[standard]>=0.29 ; python_version > "3.8"` -> ("uvicorn", {"standard"})."""
    if _BARE_URL.match(spec):   # a bare URL names no project
        return None
    match = _NAME.match(spec)
    if match is None:
        return None
    extras = match.group(2)
    if not extras:   # most requirements name none
        return normalize(match.group(1)), frozenset()
    names = frozenset(normalize(e) for e in extras.strip("[]").split(",") if e.strip())
    return normalize(match.group(1)), names


def specifier_of(spec: str) -> str:
    """The version specifier of a requirement: `fastapi[all] (==0.111.0) ; python_version >
    "3.8" --hash=sha256:...` -> `==0.111.0`; "" for a bare name or a direct URL (`x @ URL`)."""
    text = _SPECIFIER_END.split(spec, maxsplit=1)[0]
    match = _NAME.match(text)
    return text[match.end():].strip().strip("()").strip() if match else ""


@dataclass
class PipArgs:
    """What the arguments of one `pip install` name."""

    packages: list[str] = field(default_factory=list)    # requirement specs
    files: list[str] = field(default_factory=list)       # `-r FILE`
    project: frozenset[str] | None = None                # `pip install .[a,b]`: its extras
    opaque: str | None = None                            # what it installs unnamed, and how
    location: str | None = None                          # --prefix/--target/--root, --user
    no_index: bool = False                               # only from --find-links
    no_deps: bool = False                                # `--no-deps`: the lines alone


def pip_args(args: list[str], sync: bool = False) -> PipArgs:
    """`-r f --prefix=/install fastapi .` -> files, location, packages, project. `sync`:
    the operands are requirements files, all that `uv pip sync` and `pip-sync` take."""
    out = PipArgs()
    words = iter(args)
    for word in words:
        option, equals, attached = word.partition("=") if word.startswith("--") else \
            (word, "", "")
        value = attached if equals else None
        if option in ("-r", "--requirement"):
            out.files.append(value if value is not None else next(words, ""))
        elif re.match(r"^-r\S", word):                     # `-rrequirements.txt`
            out.files.append(word[2:].lstrip("="))
        elif option in _PIP_LOCATIONS:
            out.location = value or next(words, None)
        elif option == "--user":
            out.location = "~/.local"
        elif option == "--no-index":
            out.no_index = True
        elif option == "--no-deps":
            out.no_deps = True
        elif option in ("-e", "--editable"):
            _operand(value or next(words, ""), out)
        elif option in _PIP_VALUED:
            if value is None:
                next(words, None)
        elif sync and not word.startswith("-"):
            out.files.append(word)
        elif not word.startswith("-"):
            _operand(word, out)
    return out


def _operand(word: str, out: PipArgs) -> None:
    kind, value = operand_kind(word)
    if kind == "package":
        out.packages.append(value)
    elif kind == "project":
        out.project = frozenset(normalize(e) for e in value.split(",") if e.strip())
    elif out.opaque is None:
        out.opaque = value


def operand_kind(word: str) -> tuple[str, str]:
    """("package", spec) | ("project", extras) for `.` | ("opaque", why) for what names nothing."""
    if ("$" in word or "`" in word) and not _VERSION_VARIABLE.match(word):
        return "opaque", f"`{word}` is expanded at build time"
    project = PROJECT_OPERAND.match(word)
    if project:
        return "project", (project.group(1) or "").strip("[]")
    if _URL.match(word):
        egg = _EGG.search(word)
        return ("package", egg.group(1)) if egg else ("opaque", f"`{word}` is a URL")
    words = word.split()
    first = words[0] if words else word
    if first.startswith((".", "/", "~")) or "*" in first or "?" in first or \
            first.lower().endswith(_ARCHIVES) or ("/" in first and "@" not in word):
        return "opaque", f"`{word}` is a path, a wildcard or an archive"
    return "package", word


def unreadable_lines(text: str) -> list[str]:
    """Why lines of a requirements file install what no name can be read from."""
    found: list[str] = []
    for raw in text.splitlines():
        line = _without_comment(raw)
        editable = _EDITABLE.match(line)
        if editable:
            line = editable.group(1)
        elif not line or line.startswith("-"):
            continue
        kind, why = operand_kind(line)
        if kind != "package":
            found.append(why if kind == "opaque" else f"`{line}` installs a local project")
    return found


def _without_comment(line: str) -> str:
    """The line without its comment (a `#` that starts it or follows a space), stripped."""
    if "#" not in line:   # most lines have none: no pass of the pattern
        return line.strip()
    return _COMMENT.sub("", line).strip()


def requirements_lines(text: str) -> tuple[list[Requirement], list[str]]:
    """The requirements of a requirements file, and the files it includes with `-r`."""
    found: list[Requirement] = []
    includes: list[str] = []
    offset = 0
    for raw in _LINE_END.split(text):
        start, offset = offset, offset + len(raw)
        line = _without_comment(raw)
        if not line:
            continue
        option = _INCLUDE.match(line)
        if option:
            includes.append(option.group(2))
            continue
        egg = _EGG.search(raw) if line.startswith("-e") else None
        if egg:
            found.append(Requirement(normalize(egg.group(1)), frozenset(), start, line))
            continue
        if line.startswith("-"):
            continue
        parsed = parse_requirement(line)
        if parsed is not None:
            found.append(Requirement(parsed[0], parsed[1], start, line))
    return found, includes


@dataclass(frozen=True)
class RequirementsFile:
    """What a requirements file says: why lines install what no name can be read from, its
    requirements, the files it includes, and whether a compiler wrote it."""

    unreadable: tuple[str, ...]
    entries: tuple[Requirement, ...]
    includes: tuple[str, ...]
    compiled: tuple[str, list[str]] | None   # `compiled_from`: its compiler and sources


_READ: Memo[RequirementsFile] = Memo("requirements file")


def read_requirements_file(file: TextFile) -> RequirementsFile:
    """The file read once: every image that installs it asks, again each fix round its
    Dockerfile changes."""
    return file.derived.get(_READ, lambda: _read(file.text))


def _read(text: str) -> RequirementsFile:
    entries, includes = requirements_lines(text)
    return RequirementsFile(tuple(unreadable_lines(text)), tuple(entries), tuple(includes),
                            compiled_from(text))


_COMPILED_BY = lazy_compile(r"^#\s*This file (?:is|was) autogenerated by (pip-compile|uv)\b",
                            re.M | re.I)
_VIA = lazy_compile(r"^[ \t]+#[ \t]+via\b", re.M)
_UV_EXPORT = lazy_compile(r"^#\s+uv export\b", re.M)
# the compile command in the header: `#    pip-compile --output-file=requirements.txt
# requirements.in`, `#    uv pip compile requirements.in -o requirements.txt`
_COMMAND = lazy_compile(r"^#\s+((?:pip-compile|uv pip compile)\b[^\n]*)", re.M)
_SOURCE = lazy_compile(r"^[^-=\s][^=\s]*\.(?:in|toml|cfg|py)$")


def compiled_from(text: str) -> tuple[str, list[str]] | None:
    """Whether a requirements file is the output of pip-compile or `uv pip compile` (its
    header says so, or its lines carry `# via` comments): the compiler, and the source
    files its header's command names (`requirements.in`); None for a file written by hand."""
    header = _COMPILED_BY.search(text)
    if header is None and _VIA.search(text) is None:
        return None
    command = _COMMAND.search(text)
    words = command.group(1).split() if command else []
    if header is not None and header.group(1) == "uv" and _UV_EXPORT.search(text):
        return "`uv export`", ["pyproject.toml"]   # from the project and its uv.lock
    tool = "`pip-compile`" if header is None or header.group(1) == "pip-compile" else \
        "`uv pip compile`"
    return tool, [w for w in words if _SOURCE.match(w)]


def include_path(owner: str, included: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(owner), included))


def pyproject_requirements(text: str
                           ) -> tuple[list[tuple[str, frozenset[str], str]], str | None]:
    """((name, extras, PEP 440 version specifier) of each requirement, "pep621" | "poetry" |
    None: which table an addition goes to)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return [], None
    out: list[tuple[str, frozenset[str], str]] = []
    project = data.get("project")
    poetry = data.get("tool", {}).get("poetry", {}).get("dependencies")
    if isinstance(project, dict):
        for spec in project.get("dependencies") or []:
            parsed = parse_requirement(str(spec))
            if parsed is not None:
                out.append((*parsed, specifier_of(str(spec))))
    if isinstance(poetry, dict):
        for name, value in poetry.items():
            if name == "python":   # the Python it runs on, not a package
                continue
            extras = value.get("extras", []) if isinstance(value, dict) else []
            version = value.get("version", "") if isinstance(value, dict) else value
            out.append((normalize(name), frozenset(normalize(e) for e in extras),
                        poetry_specifier(version) if isinstance(version, str) else ""))
    if isinstance(project, dict) and "dependencies" in project:
        return out, "pep621"
    if isinstance(poetry, dict):
        return out, "poetry"
    return out, None


def add_to_requirements(file: TextFile, line: str) -> TextEdit:
    """A new requirement line: at its sorted place when the file's names are sorted,
    else at the end (a file without a final newline keeps that)."""
    text, newline = file.text, file.newline
    entries, _ = requirements_lines(text)
    names = [e.name for e in entries]
    parsed = parse_requirement(line)
    name = parsed[0] if parsed else normalize(line)
    if len(names) > 1 and names == sorted(names):
        position = bisect.bisect(names, name)
        if position < len(entries):
            at = entries[position].start
            return TextEdit(file.path, at, at, line + newline)
    end = len(text)
    if not text:
        return TextEdit(file.path, 0, 0, line + newline)
    if text.endswith("\n"):
        return TextEdit(file.path, end, end, line + newline)
    return TextEdit(file.path, end, end, newline + line)
