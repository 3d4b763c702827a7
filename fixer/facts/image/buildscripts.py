"""The repository's build scripts: CI workflows, Makefiles, shell scripts and the other
files that build images or run Compose. What they say about a build that the compose files
do not (a Dockerfile they name, the `--project-directory` or `--env-file` they run Compose
with) is evidence a rule weighs before it calls something missing or unused.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass

from fixer.core.derived import Memo
from fixer.core.envfile import parse_env
from fixer.core.lazyre import lazy_compile
from fixer.core.tree_index import within
from fixer.model.services import Stack
from fixer.model.stacks import CANONICAL, OVERRIDES, is_compose_name
from fixer.model.workspace import Workspace
from fixer.sources.dockerfile import Dockerfile, Stage, chain
from fixer.sources.workflows import is_workflow, workflow, workflow_jobs

# Files that may build or name a Dockerfile by path, or run Compose.
_SCRIPT = lazy_compile(
    r"(^|/)(\.github/workflows/[^/]+\.ya?ml|\.gitlab-ci\.ya?ml|Makefile|[^/]+\.mk|Jenkinsfile|"
    r"[^/]+\.(?:sh|bash)|\.circleci/config\.ya?ml|azure-pipelines[^/]*\.ya?ml|"
    r"bitbucket-pipelines\.yml|skaffold[^/]*\.ya?ml|docker-bake[^/]*\.(hcl|json)|"
    r"[^/]*compose[^/]*\.ya?ml|\.drone\.ya?ml|cloudbuild[^/]*\.ya?ml|Tiltfile|"
    r"\.?[Jj]ustfile|Taskfile\.ya?ml)$"
)
# `--project-directory DIR`, `--env-file=PATH`: an option of Compose and the path it takes
_OPTION_PATH = r"{}(?:=|\s+)[\"']?([\w./-]+)"
_PROJECT_DIRECTORY = lazy_compile(_OPTION_PATH.format("--project-directory"))
_ENV_FILE = lazy_compile(_OPTION_PATH.format("--env-file"))
# the whole word an `--env-file` takes, where a variable of the script decides part of it
# (`--env-file docker/$(ENV_FILE)`, `--env-file "$ENV_FILE"`)
_ENV_FILE_WORD = lazy_compile(r"""--env-file(?:=|\s+)["']?([^\s"';&|]+)""")

# Compose run by a script line: `docker compose`, `docker-compose`
_RUNS_COMPOSE = lazy_compile(r"docker[ \t]+compose\b|docker-compose\b")
# `HOST_ROOT=$(CURDIR) docker compose up`: assignments in front of the command on its line,
# each value of quoted, substituted (`$(id -u)`, `` `id -u` ``) and plain parts
_INLINE = lazy_compile(r"((?:\b[A-Za-z_]\w*=(?:\"[^\"\n]*\"|'[^'\n]*'|\$\([^()\n]*\)|`[^`\n]*`"
                       r"|[^\s'\"`$]|\$(?!\())*[ \t]+)+)"
                       r"(?:sudo[ \t]+|env[ \t]+)?(?:docker[ \t]+compose\b|docker-compose\b)")
_ASSIGNED = lazy_compile(r"\b([A-Za-z_]\w*)=")
# `export NAME=...`, `export NAME` (shell, make); `: "${NAME:?set it}"` (a script that stops
# unless the caller sets it)
# `export NAME=...`, `export IMAGE_URI ENV_FILE_PATH`: the rest of the line, whose words
# each name a variable (`_EXPORTED_NAME`)
_EXPORTED = lazy_compile(r"^[ \t]*export[ \t]+([^\n;&|#]*)", re.M)
_EXPORTED_NAME = lazy_compile(r"(?:^|(?<=\s))([A-Za-z_]\w*)(?==|\s|$)")
_REQUIRED = lazy_compile(r"\$\{([A-Za-z_]\w*):?\?")

# per workspace: the folders Compose is run from with `--project-directory`
_PROJECT_DIRECTORIES: Memo[list[str]] = Memo("compose project directories")
# per workspace: the files Compose reads its variables from with `--env-file`
_ENV_FILES: Memo[list[EnvFileGiven]] = Memo("compose env files")
# per workspace: the variables the scripts that run Compose set for it, with its commands
_SCRIPT_SET: Memo[list[VariablesSet]] = Memo("variables scripts set for compose")
# per workspace: the Compose commands of the build scripts, with the `--env-file`s they give
_RUNS: Memo[list[ComposeRun]] = Memo("compose commands of the build scripts")
# the files Compose loads with no `-f` (and no COMPOSE_FILE): the canonical ones, overrides
DEFAULT_FILES = frozenset([*CANONICAL, *OVERRIDES.values()])


# How every name `_SCRIPT` accepts ends: a path that ends otherwise (most of a tree) takes no
# pass of the pattern, which has no literal to scan for and is asked of every path, often
_SCRIPT_ENDINGS = (".yml", ".yaml", "Makefile", ".mk", "Jenkinsfile", ".sh", ".bash", ".hcl",
                   ".json", "Tiltfile", "justfile", "Justfile")


def is_build_script(path: str) -> bool:
    # `$` also matches before a final newline, which a file's name may end with
    if not path.endswith(_SCRIPT_ENDINGS) and not path.endswith("\n"):
        return False
    return bool(_SCRIPT.search(path))


def project_directories(ws: Workspace) -> list[str]:
    """The folders the build scripts give Compose with `--project-directory`, as repository
    paths ("" for the root), each resolved from its script's folder; and those the
    repository's root README and other Markdown guides there show it run with (`docker
    compose -f deploy/docker-compose.yml --project-directory . up`, from the root)."""
    return ws.derived.get(_PROJECT_DIRECTORIES,
                          lambda: _option_paths(ws, "--project-directory", _PROJECT_DIRECTORY))


def _option_paths(ws: Workspace, option: str, pattern: re.Pattern[str]) -> list[str]:
    """The paths the build scripts give `option`, in script order, once each; none that
    leaves the repository."""
    found: list[str] = []
    for path in [*sorted(p for p in ws.tree.paths() if is_build_script(p)), *_guides(ws)]:
        file = ws.scan(path)
        if file is None or option not in file.text:
            continue
        runs_in = _runs_in(ws, path, file.text)
        for match in pattern.finditer(file.text):
            folder = _resolved(runs_in, match.group(1))
            if folder is not None:
                found.append(folder)
    return list(dict.fromkeys(found))


def _guides(ws: Workspace) -> list[str]:
    """The Markdown guides at the repository's root (README.md, CONTRIBUTING.md, ...)."""
    return [p for p in ws.tree.sorted_paths() if "/" not in p and p.lower().endswith(".md")]


def _runs_in(ws: Workspace, path: str, text: str) -> str:
    """The folder a script's Compose commands run in: its own, or the repository's root
    where the compose files its `-f` options name are there and not below its own folder
    (`scripts/compose/prod.sh` with `-f ./docker/compose/docker-compose.yaml`, which CI
    runs from the root)."""
    own = posixpath.dirname(path)
    written = [w for w in _COMPOSE_FILE.findall(text) if "$" not in w]
    if not own or not written:
        return own
    from_root = [_resolved("", w) for w in written]
    if all(p is not None and p in ws.compose_docs for p in from_root) and \
            not any(_resolved(own, w) in ws.compose_docs for w in written):
        return ""
    return own


def _resolved(folder: str, written: str) -> str | None:
    """A path written in a command run in `folder`, as a repository path ("" for the root);
    None where it leaves the repository."""
    resolved = posixpath.normpath(posixpath.join(folder, written))
    if resolved == ".." or resolved.startswith("../"):
        return None
    return "" if resolved == "." else resolved


@dataclass(frozen=True)
class ComposeCommand:
    """A Compose command of a build script, with what fixer knows of it: the folder it runs
    in (`folder`: the line's `cd`, else the script's own, the checkout's root for a CI file)
    and the compose files it names with `-f` or `--file` (`named`); None where fixer cannot
    tell (`cd "$ROOT"`, `-f $(COMPOSE_FILE)`, a shell script that changed folder on an
    earlier line)."""

    folder: str | None
    named: tuple[str, ...] | None
    # the `-f` paths as written (`docker-compose.prod.yml`): what an unplaced command names
    written: tuple[str, ...] = ()

    def may_run(self, ws: Workspace, stack: Stack) -> bool:
        """Whether the command may run `stack`: it names one of the stack's compose files;
        naming none that fixer knows, it runs in the stack's project folder, one below it
        (`make -C`, a CI step's `working-directory`) or one above it (Compose looks for its
        file up the folders). A command fixer cannot place may run any stack."""
        if self.folder is None or self.named is None:
            return True
        known = [path for path in self.named if path in ws.compose_docs]
        if known:
            return any(doc.path in known for doc in stack.docs)
        return within(stack.folder, self.folder) or within(self.folder, stack.folder)

    def may_load(self, ws: Workspace, path: str) -> bool:
        """Whether the command may load the compose file at `path`: it names it with `-f`;
        naming none fixer knows, only a default file (`compose.yaml`, its override) of its
        folder, one above or one below it, as `may_run` places a stack: never one that only
        `-f` brings in (`docker-compose.prod.yml`). Unplaced, or placed where no file it
        names is there (`-f docker-compose.yml` in `scripts/deploy.sh`, run from the root),
        a file whose path ends with one it names, never a default file it does not name;
        any file when it names one through a variable (`-f $FILE`)."""
        if self.folder is not None and self.named is not None:
            if any(named in ws.compose_docs for named in self.named):
                return path in self.named
            files = [w for w in self.written if w.endswith((".yml", ".yaml"))]
            if files:   # `-f` given: Compose loads those alone, never its default files
                return any(_same_tail(path, posixpath.normpath(w)) for w in files)
        elif any("$" in w for w in self.written):
            return True
        elif self.written:
            return any(_same_tail(path, posixpath.normpath(w)) for w in self.written)
        folder, name = posixpath.split(path)
        return name in DEFAULT_FILES and (self.folder is None or within(folder, self.folder)
                                          or within(self.folder, folder))


def unseen_files(ws: Workspace, command: ComposeCommand) -> list[str]:
    """The `-f` files the command loads, as written, that no file of the repository may be
    (`"$BASE_DIR/auth/docker-compose-auth.yml"`, in a submodule a clone without
    `--recurse-submodules` leaves empty): their services are ones fixer does not see. A
    path read from a variable as a whole (`-f $FILE`) may be any file: none; nor is a word
    that names no YAML file (`logs -f backend` follows a service's logs)."""
    found = []
    for written in command.written:
        tail = _LEADING_VARIABLE.sub("", written)
        if "$" not in tail and tail.endswith((".yml", ".yaml")) and not any(
                _same_tail(path, posixpath.normpath(tail)) for path in ws.tree.paths()):
            found.append(written)
    return found


# `$BASE_DIR/`, `${ROOT}/`: the folder a script finds for itself, before a path
_LEADING_VARIABLE = lazy_compile(r"^\$(?:\{\w+\}|\w+)/")


def _same_tail(path: str, written: str) -> bool:
    """Whether a path written where fixer cannot tell the folder (`../compose.prod.yml`,
    `/srv/app/compose.prod.yml`) may be the repository's `path`: one ends with the other's
    segments."""
    tail = written
    while tail.startswith(("../", "/")):
        tail = tail[3:] if tail.startswith("../") else tail[1:]
    return path == tail or path.endswith("/" + tail) or written.endswith("/" + path)


@dataclass(frozen=True)
class ComposeRun:
    """A Compose command of a build script (`script`, `line`), placed, with the files it
    gives `--env-file` (repository paths, in order; none when it gives none)."""

    script: str
    line: int
    command: ComposeCommand
    env_files: tuple[str, ...]
    # the `--env-file`s it gives whose path a variable decides, as written
    unread_env_files: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        return f"{self.script}:{self.line}"


def compose_runs(ws: Workspace, path: str) -> list[ComposeRun]:
    """The Compose commands of the build scripts that may load the compose file at `path`
    (`ComposeCommand.may_load`), in script order. A command that runs Compose through a
    variable (`$(COMPOSE) up`) is none fixer sees."""
    found = ws.derived.get(_RUNS, lambda: _compose_runs(ws))
    return [run for run in found if run.command.may_load(ws, path)]


def files_named_before(ws: Workspace, path: str) -> list[tuple[str, ...]] | None:
    """For each Compose command of the build scripts and of the root's Markdown guides that
    names the compose file `path` with `-f`, the files it names before it (`-f
    docker-compose.yml -f docker-compose.dev.yml`: the base a `-f` file with a build of its
    own is merged over). None where no command names it, or where one fixer cannot place
    may load it (alone, for all fixer can tell)."""
    found: list[tuple[str, ...]] = []
    for command in ws.derived.get(_COMMANDS, lambda: _script_and_guide_commands(ws)):
        if command.folder is None or command.named is None:
            if command.may_load(ws, path):
                return None
        elif path in command.named:
            found.append(command.named[:command.named.index(path)])
    return found or None


# per workspace: the Compose commands of the build scripts and of the root's guides
_COMMANDS: Memo[list[ComposeCommand]] = Memo("compose commands of scripts and guides")


def _script_and_guide_commands(ws: Workspace) -> list[ComposeCommand]:
    """The Compose commands of the build scripts (those `compose_runs` reads), then those
    of the root's Markdown guides."""
    scripts = [run.command for run in ws.derived.get(_RUNS, lambda: _compose_runs(ws))]
    guides = [command for path in _guides(ws) if (file := ws.scan(path)) is not None
              and "compose" in file.text for command in _compose_commands(path, file.text)]
    return list(dict.fromkeys([*scripts, *guides]))


def _compose_runs(ws: Workspace) -> list[ComposeRun]:
    found: list[ComposeRun] = []
    for path in sorted(p for p in ws.tree.paths() if is_build_script(p)
                       and p not in ws.compose_docs):
        file = ws.scan(path)
        if file is None or "compose" not in file.text:
            continue
        text = file.text
        for named_at, command in _compose_programs(path, text):
            # the command's own options: up to the next command of its line
            _first, last = _line_span(text, named_at, named_at)
            ends = _SEPARATOR.search(text, named_at, last)
            end = ends.start() if ends else last
            # one outside the repository (`../secrets/prod.env`) is given too, as written
            given = tuple(g.path if (g := _env_file_given(path, text, match)) else match[1]
                          for match in _ENV_FILE.finditer(text, named_at, end)
                          if not _decided_by_a_variable(text, match))
            unread = tuple(m[1] for m in _ENV_FILE_WORD.finditer(text, named_at, end)
                           if _VARIABLE.search(m[1]))
            found.append(ComposeRun(path, text.count("\n", 0, named_at) + 1, command, given,
                                    unread))
    return found


# a variable's value in a script's word: `$NAME`, `${NAME}`, `$(NAME)` (make), `` `cmd` ``,
# `{{ .Env }}` (a template)
_VARIABLE = lazy_compile(r"[$`]|\{\{")


def _decided_by_a_variable(text: str, match: re.Match[str]) -> bool:
    """The path `_ENV_FILE` read goes on with a variable's value (`docker/` of
    `docker/$(ENV_FILE)`): only part of the path, which the variable decides."""
    return bool(_VARIABLE.match(text, match.end()))


def unread_env_files(ws: Workspace, stack: Stack) -> list[str]:
    """`Makefile:78 gives Compose --env-file docker/$(ENV_FILE)`: each Compose command of
    the build scripts that may run `stack` with an env file a variable of the script
    decides, which fixer does not work out."""
    runs = ws.derived.get(_RUNS, lambda: _compose_runs(ws))
    return [f"{run.where} gives Compose `--env-file {written}`" for run in runs
            if run.unread_env_files and run.command.may_run(ws, stack)
            for written in run.unread_env_files]


@dataclass(frozen=True)
class EnvFileGiven:
    """An `--env-file` a build script gives Compose, as a repository path, and the command
    it gives it to."""

    path: str
    command: ComposeCommand


def env_files(ws: Workspace, stack: Stack) -> list[str]:
    """The files the build scripts give Compose with `--env-file` (read in place of the
    project folder's `.env`) in a command that may run `stack` (`ComposeCommand.may_run`),
    as repository paths, each resolved from the folder its command runs in. Only Compose's
    option counts: `docker run --env-file .env.dev app` sets a container's variables, and
    Compose never reads that file."""
    given = ws.derived.get(_ENV_FILES, lambda: _env_files_given(ws))
    return list(dict.fromkeys(each.path for each in given if each.command.may_run(ws, stack)))


# the end of a line that a backslash continues
_CONTINUED = ("\\\n", "\\\r\n")
_JOINED = lazy_compile(r"\\\r?\n")
# what ends one command of a line and starts the next: `cd api && docker compose up`
_SEPARATOR = lazy_compile(r"&&|\|\||[;|`]")
# the program a command runs, by the word that names it (`/usr/bin/docker` too); Compose is
# `docker-compose`, or `docker` (`podman`, `nerdctl`) with the word `compose` after it
_DOCKER = lazy_compile(r"""(?:^|[\s"'/(\[,])"""
                       r"""(docker-compose|podman-compose|docker|podman|nerdctl)(?=$|[\s"',])""")
_COMPOSE_WORD = lazy_compile(r"""(?:^|[\s"',])compose(?=$|[\s"',])""")
# `cd api`, `pushd "services/api"`: where the rest of the line runs
_CD = lazy_compile(r"""\b(?:cd|pushd)[ \t]+(["']?)([^\s;&|"'()]+)\1""")
# a line that changes the folder of the lines after it (a shell script, a CI step)
_MOVES = lazy_compile(r"^[ \t]*(?:-[ \t]+)?(?:cd|pushd)[ \t]", re.M)
# `-f infra/docker-compose.yml`, `--file=compose.prod.yml`: a compose file the command names
_COMPOSE_FILE = lazy_compile(r"""(?:^|\s)(?:-f|--file)(?:=|[ \t]+)["']?([^\s"';&|]+)""")
# CI files run their steps from the repository's root
CI_FILE = lazy_compile(r"(^|/)(\.github/workflows/[^/]+|\.gitlab-ci\.ya?ml|\.circleci/[^/]+)$")
# files whose every line runs in a shell of its own: a `cd` moves only the rest of its line
_ONE_SHELL_A_LINE = ("Makefile", ".mk", "justfile")


def _env_files_given(ws: Workspace) -> list[EnvFileGiven]:
    found: list[EnvFileGiven] = []
    for path in sorted(p for p in ws.tree.paths() if is_build_script(p)):
        file = ws.scan(path)
        if file is None or "--env-file" not in file.text:
            continue
        for match in _ENV_FILE.finditer(file.text):
            if _decided_by_a_variable(file.text, match):
                continue
            given = _env_file_given(path, file.text, match)
            if given is not None:
                found.append(given)
    return found


def _env_file_given(path: str, text: str, match: re.Match[str]) -> EnvFileGiven | None:
    """The `--env-file` `match` finds in the script at `path`; None where it is another
    program's option or its file is outside the repository."""
    command = _compose_command(path, text, match.start(), match.end())
    if command is None:
        return None
    folder = script_folder(path) if command.folder is None else command.folder
    env_file = _resolved(folder, match.group(1))
    return None if env_file is None else EnvFileGiven(env_file, command)


def _compose_command(path: str, text: str, start: int, end: int) -> ComposeCommand | None:
    """The command of the script at `path` that holds text[start:end] (an option, or the
    end of the words that name Compose), placed; None where that command is not Compose's
    (`_for_compose`)."""
    first, last = _line_span(text, start, end)
    line_before = _JOINED.sub(" ", text[first:start])
    head = _SEPARATOR.split(line_before)[-1]
    if not _for_compose(head):
        return None
    tail = _SEPARATOR.split(_JOINED.sub(" ", text[end:last]), maxsplit=1)[0]
    folder = placed_folder(path, text, first, line_before[:len(line_before) - len(head)])
    written = _COMPOSE_FILE.findall(head) + _COMPOSE_FILE.findall(tail)
    named = None if folder is None or any("$" in w for w in written) else \
        tuple(p for w in written if (p := _resolved(folder, w)) is not None)
    return ComposeCommand(folder, named, tuple(written))


# `config > docker-stack.yml`, `config -o stack.yml`, `config --output=stack.yml`: the file a
# Compose `config` command writes the model it merged to
_CONFIG_OUTPUT = lazy_compile(r"""(?:^|\s)config\b[^\n;&|`]*?"""
                              r"""(?:\s(?:-o|--output)(?:=|[ \t]+)|>{1,2}[ \t]*)"""
                              r"""["']?([^\s"';&|`)]+)""")


def rendered_by(path: str, text: str, written: str) -> ComposeCommand | None:
    """The Compose `config` command of the script at `path` (its text) that writes the file a
    command of that script names as `written` (`docker-compose -f docker-compose.yml config >
    docker-stack.yml` before `docker stack deploy -c docker-stack.yml`): what that file
    holds comes from the compose files the command loads. None where no command writes it."""
    if "config" not in text:
        return None
    joined = _JOINED.sub(" ", text)
    target = posixpath.normpath(written)
    for match in _CONFIG_OUTPUT.finditer(joined):
        if posixpath.normpath(match.group(1)) == target:
            command = _compose_command(path, joined, match.start(), match.end())
            if command is not None:
                return command
    return None


def line_start(text: str, at: int) -> int:
    """Where the command line that holds text[at] starts, with the lines before it that a
    trailing backslash continues."""
    first = text.rfind("\n", 0, at) + 1
    while first > 0 and text.endswith(_CONTINUED, 0, first):
        first = text.rfind("\n", 0, first - 1) + 1
    return first


def _line_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Where the line that holds text[start:end] starts and ends, with the lines a trailing
    backslash continues."""
    first = line_start(text, start)
    last = text.find("\n", end)
    while last >= 0 and text.endswith(_CONTINUED, 0, last + 1):
        last = text.find("\n", last + 1)
    return first, len(text) if last < 0 else last


def _for_compose(head: str) -> bool:
    """Whether an option after `head`, the start of its command, may be Compose's: the last
    program the command names is Compose, or it names none fixer can tell from a variable
    (`ENV = --env-file=prod.env` keeps the option for a recipe to pass on, `$(COMPOSE)
    --env-file .env up` runs a command a variable holds). Not `docker run --env-file`, nor
    `node --env-file=.env`: they set a process's variables."""
    programs = list(_DOCKER.finditer(head))
    if programs:
        last = programs[-1]
        return last.group(1).endswith("-compose") or \
            _COMPOSE_WORD.search(head, last.end()) is not None
    return "$" in head or "=" in head or not head.strip()


def placed_folder(path: str, text: str, first: int, line_before: str) -> str | None:
    """The folder the command of the script at `path` whose line starts at text[first] runs
    in (`command_folder`); None also in a shell script or CI step that changed folder on an
    earlier line, which fixer does not follow. A guide's code blocks are steps of their own,
    each run from the checkout's root: a `cd api` of an earlier block moves none of the
    next."""
    since = _block_start(text, first) if path.lower().endswith(".md") else 0
    if not path.endswith(_ONE_SHELL_A_LINE) and _MOVES.search(text, since, first) is not None:
        return None
    return command_folder(path, line_before)


def _block_start(text: str, at: int) -> int:
    """Where the Markdown code block holding text[at] starts: past its opening fence."""
    return max(text.rfind("```", 0, at), text.rfind("~~~", 0, at), 0)


def command_folder(path: str, line_before: str) -> str | None:
    """The folder a command of the script at `path` runs in: the script's own (the
    checkout's root for a CI file), moved by each `cd` before it on its line
    (`line_before`); None where a `cd` goes where fixer cannot follow (`cd "$ROOT"`, `cd
    /srv`) or leaves the repository."""
    folder: str | None = script_folder(path)
    for _quote, written in _CD.findall(line_before):
        if folder is None or written.startswith(("/", "~")) or "$" in written or "`" in written:
            return None
        folder = _resolved(folder, written)
    return folder


def script_folder(path: str) -> str:
    """The folder the script at `path` runs its commands in: its own, the repository's root
    for a CI file (its steps run from the checkout)."""
    return "" if CI_FILE.search(path) else posixpath.dirname(path)


def moves_folder(line_before: str) -> bool:
    """Whether the command line changes folder (`cd api && ...`) before the command."""
    return _CD.search(line_before) is not None



@dataclass(frozen=True)
class VariablesSet:
    """Variables a build script sets for Compose, and the Compose commands they reach: the
    one an assignment in front of it is for, or every Compose command of a script that
    exports them or stops unless its caller set them."""

    names: frozenset[str]
    commands: tuple[ComposeCommand, ...]


def exported(text: str) -> frozenset[str]:
    """The variables a shell script exports (`export NAME=...`): set in the shell that
    sources it."""
    return frozenset(_exported_names(text))


def _exported_names(text: str) -> list[str]:
    """Each name an `export` line of the text names (`export A=1 B` exports A and B)."""
    return [name for rest in _EXPORTED.findall(text) for name in _EXPORTED_NAME.findall(rest)]


def compose_variables(ws: Workspace, stack: Stack) -> frozenset[str]:
    """The variables a build script sets for a Compose command that may run `stack`
    (`ComposeCommand.may_run`), which reads them from its environment: in front of the
    command (`HOST_ROOT=$(CURDIR) docker compose up`), in a workflow's `env:` for the step
    that runs it (`_workflow_variables`), or, for every Compose command of the
    script, with `export` or by stopping unless its caller set them
    (`: "${RDS_ENDPOINT:?}"`). A sibling project's Makefile sets them for its own stack."""
    found = ws.derived.get(_SCRIPT_SET, lambda: _script_variables(ws))
    return frozenset(name for each in found
                     if any(command.may_run(ws, stack) for command in each.commands)
                     for name in each.names)


def _script_variables(ws: Workspace) -> list[VariablesSet]:
    found: list[VariablesSet] = []
    # not a compose file (`[^/]*compose[^/]*.yml` counts for `env_file` and build args):
    # a `test_compose_on_xeon.sh` is a script like any other
    for path in sorted(p for p in ws.tree.paths() if is_build_script(p)
                       and not is_compose_name(p)):
        file = ws.scan(path)
        if file is not None and path.endswith("Jenkinsfile"):
            found += _jenkins_variables(ws, path, file.text)
        if file is None or not _RUNS_COMPOSE.search(file.text):
            continue
        for match in _INLINE.finditer(file.text):
            command = _compose_command(path, file.text, match.end(), match.end())
            if command is not None:
                found.append(VariablesSet(frozenset(_ASSIGNED.findall(match.group(1))),
                                          (command,)))
        found += _workflow_variables(path, file.text)
        exported = frozenset(_exported_names(file.text) + _REQUIRED.findall(file.text)) | \
            _make_exports(ws, path, file.text) | _just_dotenv(ws, path, file.text)
        # Compose run only through a variable fixer does not follow (`DC=docker-compose`,
        # then `$DC up`): a command fixer cannot place, which may run any stack
        commands = _compose_commands(path, file.text) or (ComposeCommand(None, None),)
        if exported:
            found.append(VariablesSet(exported, commands))
        found += _sourced_variables(ws, path, file.text, commands)
    return found


# a Jenkins pipeline's `environment { IMAGE_TAG = "${BUILD_NUMBER}" }`, of the pipeline or
# of a stage: set for each of its steps, a shared library's calls included
_JENKINS_ENVIRONMENT = lazy_compile(r"\benvironment\s*\{((?:[^{}]|\$\{[^{}\n]*\})*)\}")
_JENKINS_ASSIGNED = lazy_compile(r"^[ \t]*([A-Za-z_]\w*)[ \t]*=", re.M)
# a quoted path of a YAML file: a compose file the pipeline hands to a step or a library
# call (`composeFile: 'deploy/docker-compose.prod.yml'`)
_QUOTED_YAML = lazy_compile(r"""["']\.?/?([\w./-]+\.ya?ml)["']""")


def _jenkins_variables(ws: Workspace, path: str, text: str) -> list[VariablesSet]:
    """The variables a Jenkins pipeline's `environment` blocks set, for the Compose commands
    of its steps and for each compose file of the repository the pipeline names, which a
    shared library fixer cannot read may deploy with them (`deployWithCompose(composeFile:
    'deploy/docker-compose.prod.yml', ...)`)."""
    names = frozenset(name for block in _JENKINS_ENVIRONMENT.findall(text)
                      for name in _JENKINS_ASSIGNED.findall(block))
    if not names:
        return []
    folder = script_folder(path)
    named = dict.fromkeys(resolved for written in _QUOTED_YAML.findall(text)
                          if (resolved := _resolved(folder, written)) in ws.compose_docs)
    commands = _compose_commands(path, text) + tuple(
        ComposeCommand(folder, (named_path,), (named_path,)) for named_path in named)
    return [VariablesSet(names, commands)] if commands else []


# `source ./set_env.sh`, `. env.sh`: a script that sets variables in the shell that runs it
_SOURCED = lazy_compile(r"^[ \t]*(?:source|\.)[ \t]+([\"']?)([^\s\"';&|$]+)\1[ \t]*(?:$|[;&|#])",
                        re.M)


def _sourced_variables(ws: Workspace, path: str, text: str,
                       commands: tuple[ComposeCommand, ...]) -> list[VariablesSet]:
    """The variables the scripts a script sources export (`source ./set_env.sh` before
    `docker compose up`), for its Compose commands: the sourced file is looked for where the
    command runs; where fixer cannot place it (`cd "$(dirname "$0")/../deploy/cpu"` first),
    each file of that name in the repository counts for the stacks of its own folder, where
    the `cd` must have gone for `./set_env.sh` to be found."""
    found: list[VariablesSet] = []
    for match in _SOURCED.finditer(text):
        written = posixpath.normpath(match.group(2))
        if written.startswith(("/", "~")):
            continue
        for command in commands:
            for candidate in _sourced_files(ws, path, written, command):
                sourced = ws.scan(candidate)
                names = exported(sourced.text) if sourced is not None else frozenset()
                if names:
                    found.append(VariablesSet(names, (_placed_at(command, candidate),)))
    return found


def _placed_at(command: ComposeCommand, sourced: str) -> ComposeCommand:
    """The command, run in the folder of the script it sources (`./set_env.sh`, found
    there): its `-f` files as written, from that folder."""
    if command.folder is not None:
        return command
    folder = posixpath.dirname(sourced)
    named = tuple(p for w in command.written if "$" not in w
                  and (p := _resolved(folder, w)) is not None)
    return ComposeCommand(folder, named if len(named) == len(command.written) else None,
                          command.written)


def _sourced_files(ws: Workspace, path: str, written: str,
                   command: ComposeCommand) -> list[str]:
    """The repository files a `source` of `written` may read for `command`: from its folder
    (its script's, where fixer does not know it), or, unplaced, any of that path's tail."""
    if command.folder is not None:
        candidate = _resolved(command.folder, written)
        return [candidate] if candidate is not None and ws.tree.exists(candidate) else []
    own = _resolved(posixpath.dirname(path), written)
    if own is not None and ws.tree.exists(own):
        return [own]
    return [p for p in ws.tree.sorted_paths() if _same_tail(p, written)][:_SOURCED_LIMIT]


# the files of one name a `source` fixer cannot place reads, at most
_SOURCED_LIMIT = 100


def _workflow_variables(path: str, text: str) -> list[VariablesSet]:
    """The variables a GitHub Actions workflow gives the Compose commands of a step's `run`:
    the `env:` of the workflow, of the job and of the step (`DOCKER_IMAGE_BACKEND: ${{
    steps.prep.outputs.tagged_image }}` for `docker compose run --rm web ...`)."""
    if not is_workflow(path) or "env:" not in text:
        return []
    top = workflow(text)
    programs = list(_compose_programs(path, text))
    found: list[VariablesSet] = []
    for job in workflow_jobs(text):
        steps = job.get("steps")
        for step in steps if isinstance(steps, list) else []:
            run = step.get("run") if isinstance(step, dict) else None
            lines = [line.strip() for line in run.splitlines() if line.strip()] \
                if isinstance(run, str) else []
            start = text.find(lines[0]) if lines else -1
            end = text.find(lines[-1], start) + len(lines[-1]) if start >= 0 else -1
            commands = tuple(c for at, c in programs if start <= at <= end)
            names = frozenset(name for scope in (top, job, step)
                              for name in _env_names(scope.get("env")))
            if commands and names:
                found.append(VariablesSet(names, commands))
    return found


def _env_names(env: object) -> list[str]:
    return [name for name in env if isinstance(name, str)] if isinstance(env, dict) else []


# Make: `include env.app`, `-include .env`, `sinclude a.mk b.mk`
_MAKE_INCLUDE = lazy_compile(r"^[ \t]*-?s?include[ \t]+([^#\n$]+)", re.M)
# Make exports variables to the commands it runs: a bare `export`, `.EXPORT_ALL_VARIABLES:`,
# or `export` of names fixer does not settle (`export $(shell sed 's/=.*//' env.app)`)
_MAKE_EXPORTS_ALL = lazy_compile(r"^[ \t]*(?:export[ \t]*$|export[ \t]+\$|\.EXPORT_ALL_VARIABLES:)",
                                 re.M)
_MAKE_ASSIGNED = lazy_compile(r"^[ \t]*(?:export[ \t]+)?([A-Za-z_]\w*)[ \t]*[:?+!]?=", re.M)


def _make_exports(ws: Workspace, path: str, text: str) -> frozenset[str]:
    """The variables a Makefile exports to its commands all at once: where it exports every
    variable, or names fixer cannot read, those it assigns and those of the files it
    includes (`-include env.app` of `NAME=value` lines)."""
    if not path.endswith(("Makefile", ".mk")) or not _MAKE_EXPORTS_ALL.search(text):
        return frozenset()
    names = set(_MAKE_ASSIGNED.findall(text))
    folder = posixpath.dirname(path)
    for match in _MAKE_INCLUDE.finditer(text):
        for written in match.group(1).split():
            included = ws.scan(posixpath.normpath(posixpath.join(folder, written)))
            names |= set(_MAKE_ASSIGNED.findall(included.text)) if included is not None else set()
    return frozenset(names)


# just loads an env file into its recipes' environment where a setting names one or asks
# for it: `set dotenv-load`, `set dotenv-filename := ".env.base"`, `set dotenv-path := ...`
_JUST_DOTENV = lazy_compile(r"^set[ \t]+dotenv-(load|required|override|filename|path)\b"
                            r"(?:[ \t]*:=[ \t]*(?:true|[\"']([^\"'\n]+)[\"']))?[ \t]*(?:#.*)?$",
                            re.M)


def _just_dotenv(ws: Workspace, path: str, text: str) -> frozenset[str]:
    """The variables a justfile's recipes get from the env file its settings load: a
    `dotenv-path` from the justfile's folder, a `dotenv-filename` (`.env` where only
    loading is asked) from it or the nearest folder above that holds one. Names only: the
    file is the checkout's, read where the repository holds it."""
    if posixpath.basename(path).lower().lstrip(".") != "justfile":
        return frozenset()
    settings = {m.group(1): m.group(2) for m in _JUST_DOTENV.finditer(text)
                if m.group(1) not in ("filename", "path") or m.group(2)}
    if not settings:
        return frozenset()
    folder = posixpath.dirname(path)
    if "path" in settings:
        candidates = [posixpath.normpath(posixpath.join(folder, settings["path"]))]
    else:
        name = settings.get("filename") or ".env"
        candidates = [posixpath.join(above, name) if above else name
                      for above in _folders_up(folder)]
    for candidate in candidates:
        file = ws.scan(candidate)
        if file is not None:
            return frozenset(parse_env(file.text))
    return frozenset()


def _folders_up(folder: str) -> list[str]:
    """The folder and each above it, to the repository's root ("")."""
    found = [folder]
    while folder:
        folder = posixpath.dirname(folder)
        found.append(folder)
    return found


def _compose_commands(path: str, text: str) -> tuple[ComposeCommand, ...]:
    """The Compose commands of the script at `path`, placed, once each."""
    return tuple(dict.fromkeys(command for _at, command in _compose_programs(path, text)))


# a package manager's install up to the word: what follows names a package
_INSTALLED = lazy_compile(r"\b(?:apt-get|apt|apk|yum|dnf|pip3?|pipx|brew|snap|choco|npm)"
                          r"\b[^\n;&|]*\b(?:install|add)\b[^\n;&|]*$")


def _compose_programs(path: str, text: str) -> Iterator[tuple[int, ComposeCommand]]:
    """Each Compose command of the script at `path`, placed, with the offset where the
    words that name it end: each program `_DOCKER` finds that is Compose (`docker-compose`,
    or `docker` with the word `compose` after it in its command)."""
    for program in _DOCKER.finditer(text):
        named_at = program.end()
        first, _last = _line_span(text, program.start(), program.start())
        if _INSTALLED.search(text, first, program.start()):
            continue   # `apt-get install docker-compose -y`: a package's name, no command
        if not program.group(1).endswith("-compose"):
            _first, last = _line_span(text, program.end(), program.end())
            ends = _SEPARATOR.search(text, program.end(), last)
            word = _COMPOSE_WORD.search(text, program.end(), ends.start() if ends else last)
            if word is None:
                continue
            named_at = word.end()
        command = _compose_command(path, text, named_at, named_at)
        if command is not None:
            yield named_at, command


def build_argument_set(ws: Workspace, name: str, dockerfile: str) -> tuple[str, int] | None:
    """Where a build script sets the build argument `name` for a build of `dockerfile`
    (path, line): `--build-arg NAME=...` on a `docker build` line, a workflow step's
    `build-args:` line `NAME=...`, or `NAME = ...` in the `args` of a `docker-bake.hcl`
    target. A build of another Dockerfile does not count (`--build-arg PORT=3000 ./web` for
    the frontend); one whose context or file fixer cannot read does."""
    pattern = re.compile(rf"""--build-arg[ \t=]+["']?{re.escape(name)}=|"""
                         rf"""^[ \t]*["']?{re.escape(name)}["']?[ \t]*=""", re.M)
    for path in ws.tree.sorted_paths():
        if not is_build_script(path) or "compose" in posixpath.basename(path):
            continue
        file = ws.tree.peek(path)
        text = file.text if file is not None else ""
        for found in pattern.finditer(text) if name in text else ():
            line = text[text.rfind("\n", 0, found.start()) + 1:found.start()]
            command = found.group().startswith("--")
            if "#" in line or (not command and not _in_build_args(text, found.start())):
                continue
            built = _built_file(path, text, found.start(), command)
            if built is None or built == dockerfile:
                return path, text.count("\n", 0, found.start()) + 1
    return None


def _built_file(path: str, text: str, at: int, command: bool) -> str | None:
    """The Dockerfile the build that sets an argument at `at` builds, as a repository path:
    the `docker build` line's `-f`, else `CONTEXT/Dockerfile`; a workflow step's `file:`,
    else its `context:` (from the checkout's root); a bake target's `dockerfile`, from its
    `context` (from the bake file's folder). None where fixer cannot tell."""
    folder = posixpath.dirname(path)
    if command:   # the line's command that holds `at`: `docker build ... ./api && ...`
        start, end = text.rfind("\n", 0, at) + 1, text.find("\n", at)
        line = text[start:end if end >= 0 else len(text)]
        cut = [m.end() for m in re.finditer(r"&&|\|\||[;|&]", line[:at - start])]
        rest = line[cut[-1] if cut else 0:]
        words = re.split(r"&&|\|\||[;|&]", rest, maxsplit=1)[0].split()
        files = [w.strip("\"'") for i, w in enumerate(words[1:]) if words[i] in ("-f", "--file")]
        context = words[-1].strip("\"'") if words else "$"
        named = files[-1] if files else posixpath.join(context, "Dockerfile")
        return None if "$" in named else posixpath.normpath(posixpath.join(folder, named))
    if path.endswith((".hcl", ".json")):   # a bake target: `target "api" { ... }`
        start = text.rfind("target ", 0, at)
        end = text.find("\n}", at)
        block = text[start:end if end >= 0 else len(text)] if start >= 0 else ""
        settings = dict(_BAKE_SETTING.findall(block))
        context = posixpath.join(folder, settings.get("context", "."))
        named = posixpath.join(context, settings.get("dockerfile", "Dockerfile"))
    else:   # a workflow step: from its `- ` line to the next line as little indented
        block = _step_around(text, at)
        settings = dict(_STEP_SETTING.findall(block))
        named = settings.get("file") or posixpath.join(settings.get("context", "."),
                                                       "Dockerfile")
    built = posixpath.normpath(named)
    return None if "$" in built or built.startswith("..") else built


def _step_around(text: str, at: int) -> str:
    """The YAML list item that holds `at` (a workflow step), by indentation."""
    line_start = text.rfind("\n", 0, at) + 1
    depth = len(text[line_start:at]) - len(text[line_start:at].lstrip())
    items = [m for m in re.finditer(r"^([ \t]*)- ", text[:at], re.M) if len(m.group(1)) < depth]
    if not items:
        return text
    start, own = items[-1].start(), len(items[-1].group(1))
    after = re.compile(rf"^[ \t]{{0,{own}}}\S", re.M).search(text, text.find("\n", at) + 1)
    return text[start:after.start() if after and text.find("\n", at) >= 0 else len(text)]


# a bake target's `context = "api"`, `dockerfile = "Dockerfile.prod"`
_BAKE_SETTING = lazy_compile(r'^[ \t]*(context|dockerfile)[ \t]*=[ \t]*"([^"]*)"', re.M)
# a workflow step's `context: ./api`, `file: ./api/Dockerfile.prod`
_STEP_SETTING = lazy_compile(r"""^[ \t]*(context|file):[ \t]*["']?([^\s"'#]+)""", re.M)


def _in_build_args(text: str, at: int) -> bool:
    """`NAME=...` at the start of a line is a build argument inside a workflow step's
    `build-args:` block or a bake target's `args = {` block: one of them opens above it,
    with no line between them that closes or leaves it."""
    before = text[:at]
    opened = max(before.rfind("build-args:"), before.rfind("args = {"), before.rfind("args={"))
    if opened < 0:
        return False
    between = before[opened:].splitlines()[1:]
    return all(line.strip() and not line.strip().startswith(("}", "- ", "with:", "tags"))
               for line in between[:-1])


def base_argument_set(ws: Workspace, dockerfile: Dockerfile, stage: Stage) -> str | None:
    """Where a build script sets a build argument that the stage's base image reads (`FROM
    ${PYTHON_IMAGE}` built by CI with `build-args: PYTHON_IMAGE=python:3.12-alpine`), as
    `path:line sets NAME`: the file is built from another base there, where an install
    written for this one breaks the build. None where no script sets one."""
    base = chain(dockerfile, stage)[-1].base
    for name in re.findall(r"\$\{?(\w+)", base):
        found = build_argument_set(ws, name, dockerfile.path)
        if found is not None:
            return f"{found[0]}:{found[1]} sets the build argument {name}"
    return None
