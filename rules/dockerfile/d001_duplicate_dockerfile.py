"""A stray Dockerfile inside the app package, beside the one compose builds.

## What it does
Finds a `Dockerfile` in a folder the service's code comes from, when compose builds
the service-root Dockerfile: the app module's folder (`app/` for `uvicorn
app.main:app`, and for `uvicorn main:app` after `COPY ./app /code`; where no command names
the module, an `app/` package only when the image copies it: a base image that copies
nothing takes no code from there), and each folder
the final stage copies that holds Python files (`COPY src/ ./app`) and is no project of
its own (a shared library the image copies, with its `pyproject.toml` or `setup.py`,
builds its own image from its Dockerfile), nor a library that the builds of other
Dockerfiles copy too (`COPY libs/common ./common` in several services'). Every built
service is checked (Flask apps and workers too); a Dockerfile that compose builds is
never a stray, and the service folder itself is the service root. Neither is a
`Dockerfile` in the folder of the one compose builds (`server/Dockerfile` beside the
`server/dev.Dockerfile` that compose builds from the repository root): it is that
folder's other image (production, a Makefile's `docker build .`), not a copy inside the
app package; nor one in a copied folder that holds the app module's folder (`COPY
services/api …` with the app in `services/api/api/`): that folder is the service root.
Nor one whose content differs and that builds its own folder: every file it copies is
there, and some are not in the service's build context (`agent/Dockerfile` with `COPY
__main__.py ./agent/`, in the `agent/` the service's image copies): an image of its own.

## Why is this bad?
Two Dockerfiles drift apart: people edit the one that is never built, CI or a
teammate builds the wrong one, and the image that ships is not the one reviewed.

## Example
```text
gateway_service/Dockerfile        <- compose builds this one
gateway_service/app/Dockerfile    <- a copy nobody builds
```

## Use instead
```text
gateway_service/Dockerfile
```

## Fix safety
Safe when the copy is byte-identical to the built Dockerfile, or differs only in
what the builder ignores (CRLF line endings, a UTF-8 BOM; the finding says so), and
nothing in the repository (compose files, CI files, Makefiles, scripts) refers to it: the
deletion loses nothing. Any YAML file counts (a compose file named `production.yml`,
which fixer does not load, may build it), and so do Windows scripts (`.bat`, `.cmd`,
`.ps1`, whose `svc\\app\\Dockerfile` reads as `svc/app/Dockerfile`), bake files, the
scripts of `package.json` and `pyproject.toml`, and a dev container's `devcontainer.json`;
a path written there from a folder fixer does not resolve (`dockerfile: app/Dockerfile`
under a bake target's `context = "api"`, `../api/app/Dockerfile`) counts when it ends the
copy's path, and so does, in a script or Makefile as well, a path a variable begins whose
literal tail ends it (`-f "${svc}/app/Dockerfile"` in a loop over the services, a
Makefile's `$$s/app/Dockerfile`). A compose file's context is read from the compose
file's folder, as Compose resolves it: `context: ./app` in `legacy/compose.yaml` builds
`legacy/app/Dockerfile` where that exists, not the stray `app/Dockerfile`. Unsafe otherwise: the copy may hold changes someone meant
to keep, or a pipeline may build it. Display-only when its content differs and something
refers to it (a CI job's `file: svc/app/Dockerfile`, or a build that names only its
folder as the context, `context: ./svc/app`, `docker build svc/app`): it may be an image
of its own.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from functools import partial

from fixer.core.edits import DeleteFile, Edit
from fixer.core.errors import InputError
from fixer.core.lazyre import lazy_compile
from fixer.core.textfile import TextFile
from fixer.core.tree_index import files_in, is_folder
from fixer.facts.image.buildscripts import is_build_script
from fixer.model import appmodule
from fixer.model.image_paths import context_path
from fixer.model.rule import Category, Fix, Safety, Severity, Violation
from fixer.model.services import BuiltService
from fixer.model.stacks import is_compose_name
from fixer.model.workspace import Workspace
from fixer.sources import dockerfile
from fixer.sources.dockerfile import chain

CODE = "D001"
NAME = "duplicate-dockerfile"
CATEGORY = Category.DOCKERFILE
SEVERITY = Severity.WARNING
SAFETY = (Safety.SAFE, Safety.UNSAFE, Safety.DISPLAY)


def detect(ws: Workspace) -> Iterator[Violation]:
    seen: set[str] = set()
    built = {s.app.dockerfile.path for s in ws.apps() if s.app is not None}
    mentions = _mentions(ws)
    shared = _shared_folders(ws)
    for service in ws.apps():
        for stray in _strays(ws, service, shared):
            if stray in seen or stray in built:
                continue
            seen.add(stray)
            found = _report(ws, service, stray, mentions)
            if found is not None:
                yield found


def _strays(ws: Workspace, service: BuiltService, shared: set[str]) -> list[str]:
    """The Dockerfiles in the folders the service's code comes from, other than the folder
    of the Dockerfile compose builds: a `Dockerfile` beside the `dev.Dockerfile` compose
    builds is the folder's other build (a production image, a Makefile's `docker build
    .`), not a stray copy inside the app package."""
    own = posixpath.dirname(service.app.dockerfile.path)
    found = (posixpath.join(folder, "Dockerfile")
             for folder in _code_folders(ws, service, shared) if folder != own)
    return [path for path in found if ws.tree.exists(path)]


def _code_folders(ws: Workspace, service: BuiltService, shared: set[str]) -> list[str]:
    """Folders of the build context that hold the service's code: the app module's folder
    (`app/` for `app.main:app`, and for a `main:app` served from what `COPY ./app /code`
    copied), then each folder the final stage COPYs that holds Python files (`COPY src/
    ./app`) and is no project of its own (a shared library with its pyproject.toml), nor
    one the builds of other Dockerfiles copy too (`shared`: a library of several
    services, whose Dockerfile builds that library), nor one that holds the app module's
    folder. The context itself is the service root, never a code folder."""
    context = service.app.build.context
    module = appmodule.find(ws, service)
    folders: list[str] = []
    # the module the command names, or a guess (the usual layout: an app/ package) where
    # the image copies it: a base image that copies nothing takes no code from there
    guess = posixpath.dirname(module.path) if module is not None else \
        posixpath.join(context, "app") if is_folder(ws.tree, posixpath.join(context, "app")) \
        else None
    if guess is not None and _inside(guess, context) and (
            module is not None and module.from_command or _brings(service, guess)):
        folders.append(guess)
    for folder in _copied_folders(ws, service):
        names = {posixpath.basename(p) for p in files_in(ws.tree, folder)}
        if folder not in folders and folder not in shared and not _holds(folders, folder) \
                and any(n.endswith(".py") for n in names) and not names & _PROJECT_FILES:
            folders.append(folder)
    return folders


def _holds(code: list[str], folder: str) -> bool:
    """A copied folder that holds the app package is the service's root, not its code
    (`COPY services/api /workspace/services/api` with the app in `services/api/api/`): its
    own Python files are tests and tooling (`conftest.py`), and its Dockerfile is the
    service's other image."""
    return any(f.startswith(folder + "/") for f in code)


# a folder with one of these is a project of its own (a shared library the image copies):
# its Dockerfile builds that project, not the service
_PROJECT_FILES = frozenset({"pyproject.toml", "setup.py", "setup.cfg"})


def _inside(folder: str, context: str) -> bool:
    """A folder strictly inside the context (repository-relative paths)."""
    if folder in ("", ".", context) or folder.startswith("../"):
        return False
    return not context or folder.startswith(context + "/")


def _shared_folders(ws: Workspace) -> set[str]:
    """The folders that the builds of two Dockerfiles or more copy (`COPY libs/common
    ./common` in each service's): a library the services share, no one service's code."""
    copiers: dict[str, set[str]] = {}
    for service in ws.apps():
        for folder in _copied_folders(ws, service):
            copiers.setdefault(folder, set()).add(service.app.dockerfile.path)
    return {folder for folder, dockerfiles in copiers.items() if len(dockerfiles) > 1}


def _copied_folders(ws: Workspace, service: BuiltService) -> list[str]:
    """Build-context folders that the final stage (or a stage it is built FROM) copies."""
    context = service.app.build.context
    return [folder for folder in _sources(service)
            if _inside(folder, context) and is_folder(ws.tree, folder)]


def _sources(service: BuiltService) -> Iterator[str]:
    """The repository paths the final stage (or a stage it is built FROM) copies from the
    build context (`COPY . .` gives the context itself)."""
    context = service.app.build.context
    for stage in chain(service.app.dockerfile, service.app.stage):
        for instruction in stage.find("COPY") + stage.find("ADD"):
            if any(f.startswith("--from=") for f in instruction.flags):
                continue
            for source in instruction.value[:-1]:
                yield posixpath.normpath(posixpath.join(context, context_path(source)))


def _brings(service: BuiltService, folder: str) -> bool:
    """Whether the image copies the folder, or a folder that holds it (`COPY . .`): a base
    image that copies nothing (`FROM python` and an install) takes no code from `app/`."""
    return any(source in (folder, ".") or folder.startswith(source + "/")
               for source in _sources(service))


def _report(ws: Workspace, service: BuiltService, stray: str,
            mentions: Mentions) -> Violation | None:
    built = service.app.dockerfile.path
    stray_file = ws.read(stray)
    # Identical to the built Dockerfile now, or before fixer edited it in this run.
    original = ws.tree.original(built)
    copy = _copy_of(stray_file, [service.app.dockerfile.file,
                                 *([original] if original is not None else [])])
    same = copy is not None
    if not same and _builds_own_folder(ws, stray_file, service.app.build.context):
        return None
    referrers = _referrers(ws, stray, service.app.build.context, mentions)
    what = "duplicates" if same else "is a second Dockerfile beside"
    # each finding built once, not built then changed with `dataclasses.replace`
    found = partial(Violation, path=stray, line=1, service=service.name, subject=stray)
    if not same and referrers:   # another image a pipeline builds: nothing to delete
        # the message says what was found and the reason what it means: the fix output and
        # the report print both, so neither repeats the other
        facts = (f"its content differs and {', '.join(referrers)} "
                 f"{'refers' if len(referrers) == 1 else 'refer'} to it")
        return found(message=f"{stray} {what} {built}, which compose builds ({facts})",
                     reason="it may be an image of its own, not a stray copy")
    if copy is not None and not referrers:
        safety, why = Safety.SAFE, copy
    else:
        safety = Safety.UNSAFE
        why = "its content differs" if not same else f"referenced by {', '.join(referrers)}"
    return found(message=f"{stray} {what} {built}, which compose builds ({why})",
                 fix=Fix(f"Delete {stray}", safety, partial(_deleted, stray)),
                 reason=why if safety is Safety.UNSAFE else None)


def _builds_own_folder(ws: Workspace, stray: TextFile | None, context: str) -> bool:
    """The stray builds its own folder, an image of its own (an agent's, a worker's in the
    code the service copies): every file it copies is in its folder, and some of them are
    not in the service's build context (`COPY __main__.py ./agent/` beside `agent/`'s own
    `requirements.txt`), so it is no copy of the service's Dockerfile gone stale."""
    if stray is None:
        return False
    try:
        stages = dockerfile.parse(stray).stages
    except InputError:   # not a Dockerfile fixer reads: the finding stands as it was
        return False
    sources = [context_path(source) for stage in stages
               for instruction in stage.find("COPY") + stage.find("ADD")
               if not any(f.startswith("--from=") for f in instruction.flags)
               for source in instruction.value[:-1]]
    if not sources or any(_GLOB.search(s) or "://" in s or "$" in s for s in sources):
        return False
    own = posixpath.dirname(stray.path)
    return all(_held(ws, posixpath.join(own, s)) for s in sources) and \
        any(s != "." and not _held(ws, posixpath.join(context, s)) for s in sources)


# a COPY source that names files by a pattern: which files it takes is not read here
_GLOB = lazy_compile(r"[*?\[]")


def _held(ws: Workspace, path: str) -> bool:
    path = posixpath.normpath(path)
    return ws.tree.exists(path) or is_folder(ws.tree, path)


def _copy_of(stray: TextFile | None, versions: list[TextFile]) -> str | None:
    """How the stray copies one of the versions of the built Dockerfile: "an identical
    copy", or one but for what the builder ignores (CRLF line endings, a UTF-8 BOM: the
    image is the same); None when its content differs."""
    if stray is None:
        return None
    if any(stray.encode() == version.encode() for version in versions):
        return "an identical copy"
    for version in versions:
        if (stray.encoding, _lf(stray.text)) != (version.encoding, _lf(version.text)):
            continue
        ignored = [what for what, differs in (("line endings", stray.text != version.text),
                                              ("BOM", stray.bom != version.bom)) if differs]
        return f"an identical copy but for its {' and '.join(ignored)}"
    return None


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n")


def _referrers(ws: Workspace, stray: str, context: str,
               mentions: Mentions) -> list[str]:
    """Files that name the stray: by its repository path, or, inside the service folder, by
    its path from there (`app/Dockerfile`), or build its folder by context. A longer path
    ending in it also counts: a false match only makes the fix unsafe."""
    inside = stray[len(context) + 1:] if context else stray
    found = []
    for path, (written, built, elsewhere) in mentions.items():
        local = not context or path.startswith(context + "/")
        loose = _may_build(path)   # its paths' base is not known
        if _builds(stray, stray, built, elsewhere) or \
                (local and _builds(inside, stray, built, elsewhere)) or any(
                _names(w, stray) or (local and _names(w, inside)) or
                ((loose or w.startswith(_VARIABLE)) and _tail_of(w, stray)) for w in written):
            found.append(path)
    return found


def _builds(named: str, stray: str, built: set[str], elsewhere: dict[str, str]) -> bool:
    """The file's build contexts name the stray (`named`: its path as the file may write it),
    unless the file is a compose file whose context, read from its own folder, is another
    Dockerfile (`elsewhere`)."""
    return named in built and elsewhere.get(named, stray) == stray


def _elsewhere(ws: Workspace, path: str, built: set[str]) -> dict[str, str]:
    """For a compose file, the Dockerfiles its contexts name that Compose finds from its own
    folder, each with where (`context: ./app` of `legacy/compose.yaml` builds
    `legacy/app/Dockerfile`, not the stray `app/Dockerfile`). Elsewhere the base of its
    paths is not known (a CI job's context is the checkout's, a script's the folder it runs
    in): a name that ends the stray's path may be it."""
    if not is_compose_name(path):
        return {}
    folder = posixpath.dirname(path)
    resolved = {b: posixpath.normpath(posixpath.join(folder, b)) for b in built}
    return {b: where for b, where in resolved.items() if ws.tree.exists(where)}


def _names(written: str, path: str) -> bool:
    return written == path or written.endswith("/" + path)


def _tail_of(written: str, path: str) -> bool:
    """`app/Dockerfile`, written from a build context fixer may not resolve (a compose file
    it does not load, `dockerfile: app/Dockerfile` under `context: ./svc`), ends the path."""
    # `../api/app/Dockerfile` from a `.devcontainer/` folder; `$/app/Dockerfile` after a
    # variable (`${svc}/app/Dockerfile` in a loop over the services)
    tail = written.removeprefix(_VARIABLE).lstrip("./")
    return "/" in tail and (path == tail or path.endswith("/" + tail))


# A path to a Dockerfile as written in a CI file, Makefile or compose file: what the pattern
# `[\w./-]*Dockerfile[\w.-]*` finds, found without it. A pattern that starts with a repeated
# class is retried from every position of a long run of path characters (quadratic: minutes
# on a 200 KB token); here each run is walked once, from each occurrence of the word.
_RUN = lazy_compile(r"[\w./-]*")
_SUFFIX = lazy_compile(r"[\w.-]*")
_WORD = "Dockerfile"


def _dockerfile_paths(text: str) -> set[str]:
    found: set[str] = set()
    done = 0   # where the last path ended: a path never starts before it
    at = text.find(_WORD)
    while at != -1:
        start = at
        while start > done and (text[start - 1].isalnum() or text[start - 1] in "_./-"):
            start -= 1
        run_end = _end(_RUN.match(text, at), at)
        last = text.rfind(_WORD, at, run_end)   # the greedy pattern reaches the last one
        done = _end(_SUFFIX.match(text, last + len(_WORD)), last + len(_WORD))
        found.add(text[start:done])
        tail = _after_variable(text, start, done)
        if tail is not None:
            found.add(_VARIABLE + tail)
        at = text.find(_WORD, done)
    return found


# marks a path written after a variable (`"${svc}/app/Dockerfile"`): `$/app/Dockerfile`
_VARIABLE = "$"


def _after_variable(text: str, start: int, end: int) -> str | None:
    """The literal tail of a path that a variable begins: `/app/Dockerfile` of
    `${svc}/app/Dockerfile`, `$(SVC)/app/Dockerfile`, `$svc/app/Dockerfile` and a
    Makefile's `$$s/app/Dockerfile`; None for a path written whole."""
    path = text[start:end]
    if start > 0 and text[start - 1] in "})" and path.startswith("/"):
        return path
    if start > 0 and text[start - 1] == "$" and "/" in path:
        return path[path.index("/"):]   # `$svc/…`: the variable's name is no folder
    return None


def _end(match: re.Match[str] | None, at: int) -> int:
    return match.end() if match else at   # a `*` pattern always matches; mypy cannot tell


# Files that may build a Dockerfile beyond the build scripts fixer reads for Compose: any YAML
# (a compose file named `production.yml`, which fixer does not load), Windows scripts, bake
# files; and by name, the task runners of package.json and pyproject.toml and a dev
# container's `"dockerfile"`. Their paths are written from folders fixer does not resolve.
_MAY_BUILD = (".yml", ".yaml", ".bat", ".cmd", ".ps1", ".hcl")
_MAY_BUILD_NAMES = ("package.json", "pyproject.toml", "devcontainer.json", ".devcontainer.json")


def _may_build(path: str) -> bool:
    return path.lower().endswith(_MAY_BUILD) or posixpath.basename(path) in _MAY_BUILD_NAMES


# per file that may build a Dockerfile: the Dockerfile paths it writes, the Dockerfiles of
# the build contexts it names (`context: ./app` builds `app/Dockerfile`), looked up whole,
# and those of a compose file found from its own folder (`_elsewhere`)
Mentions = dict[str, tuple[set[str], set[str], dict[str, str]]]


def _mentions(ws: Workspace) -> Mentions:
    """Each file that may build a Dockerfile -> the Dockerfile paths it writes (`\\` read
    as `/`: `docker build -f svc\\app\\Dockerfile`) and those its contexts build; read
    once."""
    out: Mentions = {}
    for path in sorted(p for p in ws.tree.paths() if is_build_script(p) or _may_build(p)):
        file = ws.scan(path)   # a hint: one it cannot read (a link to nowhere) stops nothing
        if file is not None:
            text = file.text.replace("\\", "/")
            built = _context_dockerfiles(text)
            out[path] = _dockerfile_paths(text), built, _elsewhere(ws, path, built)
    return out


# a build that names only its context builds the Dockerfile there: a CI step's
# `context: ./app`, `docker build -t api ./app` (the last word of its command: a `&&`, `;`,
# `|` or `)` may follow it, `docker build -t tests libs/common && docker run --rm tests`)
_CONTEXT = lazy_compile(r"^\s*-?\s*context:\s*[\"']?([\w./-]+?)/?[\"']?\s*$|"
                        r"\bdocker(?:\s+buildx)?\s+build\b[^\n;&|]*?\s([\w./-]+?)/?\s*"
                        r"(?:$|[;&|)])", re.M)


def _context_dockerfiles(text: str) -> set[str]:
    """`app/Dockerfile` for each build context the text names (`context: ./app`)."""
    found = set()
    for match in _context_matches(text):
        folder = (match.group(1) or match.group(2) or "").removeprefix("./")
        if folder and folder != ".":
            found.add(f"{folder}/Dockerfile")
    return found


def _context_matches(text: str) -> Iterator[re.Match[str]]:
    """What `_CONTEXT.finditer(text)` finds, each tried only where a match may start: with no
    literal to scan for, the pattern is tried at every offset of a large compose file
    otherwise (most of the rule's time). The earliest start past the last match is the
    match `finditer` finds; `^` and `\\b` read the text before a start as they do there."""
    end = 0
    for start in _context_starts(text):
        if start >= end:
            match = _CONTEXT.match(text, start)
            if match is not None:
                yield match
                end = match.end()   # never empty: it holds `context:` or `docker`


def _context_starts(text: str) -> list[int]:
    """Where a match of `_CONTEXT` may start, in order: at each `docker`, and at each line
    start that only blanks and dashes separate from a `context:` after it."""
    starts = _offsets(text, "docker")
    for at in _offsets(text, "context:"):
        first = at
        while first > 0 and (text[first - 1].isspace() or text[first - 1] == "-"):
            first -= 1
        starts.extend(s for s in range(first, at + 1) if s == 0 or text[s - 1] == "\n")
    return sorted(set(starts))


def _offsets(text: str, word: str) -> list[int]:
    found = []
    at = text.find(word)
    while at >= 0:
        found.append(at)
        at = text.find(word, at + 1)
    return found


def _deleted(stray: str) -> list[Edit]:
    return [DeleteFile(stray)]
