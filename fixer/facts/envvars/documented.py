"""What defines the variables a stack's compose files read, as C006 counts it: the project
folder's `.env`, the `--env-file`s and variables the build scripts give a Compose command
that may run the stack, what a Python script that runs Compose sets, the `.env` of one
environment committed in the project folder (`.env.prod`), the `.env` and example files of
a project that `include:`s the stack's files, and the stack's example files. The stack
check asks it too: a service whose `environment` reads a variable nothing defines may stop
at start-up, and a gate on it stops the stack."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from fixer.core.derived import Memo
from fixer.core.envfile import Reference, references
from fixer.core.lazyre import lazy_compile
from fixer.core.tree_index import files_in
from fixer.facts.envvars.examples import (
    commented_names,
    documented_names,
    env_names,
    examples,
    guide_names,
    guide_text,
    guides,
    stack_examples,
    valued_names,
)
from fixer.facts.database.images import family
from fixer.facts.envvars.dotenvwrites import written_to_dotenv
from fixer.facts.envvars.pythonset import python_set
from fixer.facts.image.buildscripts import compose_variables, env_files, exported
from fixer.model.services import Service, Stack
from fixer.model.stacks import folders_above
from fixer.model.workspace import Workspace
from fixer.sources.compose import Value, elements, get, joined_text, mapping_or_list, scalar

# The `.env` of one environment, committed beside the project's (`.env.prod`, or `prod.env`,
# which a README says to copy to `.env` or to pass with `--env-file`): what it sets is
# documented
_ENVIRONMENTS = r"(?:dev|development|prod|production|docker|staging|stage|test|testing|ci|qa)"
_ENVIRONMENT_FILE = lazy_compile(rf"\.env\.{_ENVIRONMENTS}|{_ENVIRONMENTS}\.env", re.I)
# What the shell that runs Compose always exports: never empty, never the user's to set. A
# `.env.example` line `PATH=` copied to a `.env` that is also an env_file emptied the
# containers' PATH (UID and GID are shell variables, not exported: they stay findings).
_SHELL_SET = frozenset({"PATH", "HOME", "USER", "LOGNAME", "SHELL", "PWD",
                        # and what Windows sets for every process (a compose file written
                        # for Docker Desktop mounts `${USERPROFILE}/.aws`)
                        "USERPROFILE", "APPDATA", "LOCALAPPDATA", "USERNAME", "HOMEDRIVE",
                        "HOMEPATH", "COMPUTERNAME", "SYSTEMROOT", "PROGRAMDATA", "TEMP",
                        "TMP",
                        # and what a desktop session sets, which a service forwarding X11 or
                        # Wayland to a window reads (`DISPLAY: ${DISPLAY}`)
                        "DISPLAY", "WAYLAND_DISPLAY", "XDG_RUNTIME_DIR",
                        # and what Compose itself sets for interpolation: the project name
                        "COMPOSE_PROJECT_NAME"})
# what a CI runner sets for the jobs it runs (`CI=true`, `GITHUB_SHA`, GitLab's `CI_*`):
# empty on a developer's machine, as intended
_RUNNER_SET = lazy_compile(r"CI|(?:CI|GITHUB|GITLAB|RUNNER|BUILDKITE|CIRCLE|TRAVIS|"
                           r"BITBUCKET|DRONE|JENKINS|TEAMCITY|TF_BUILD|APPVEYOR)_\w+|TF_BUILD|"
                           # and what Coolify generates for the compose files it deploys
                           # (`SERVICE_FQDN_API`, `SERVICE_PASSWORD_GRAFANA`)
                           r"SERVICE_(?:FQDN|URL|USER|PASSWORD|PASSWORD_64|BASE64|BASE64_64|"
                           r"BASE64_128|REALBASE64|REALBASE64_64|REALBASE64_128)_\w+")


def set_outside(name: str) -> bool:
    """The shell that runs Compose sets the variable (`PATH`, `HOME`), or Compose does
    (`COMPOSE_PROJECT_NAME`), or a CI runner does (`CI`, `GITHUB_SHA`), or the platform
    that deploys the file does (Coolify's `SERVICE_FQDN_API`): never the repository's to
    define."""
    return name in _SHELL_SET or _RUNNER_SET.fullmatch(name) is not None


@dataclass(frozen=True)
class StackVariables:
    """What defines the variables of one stack (the env_files of its services aside)."""

    # set for Compose: by a file it reads for the stack, or a script that runs it
    defined: frozenset[str]
    # documented by an example file, each with the first that does
    examples: Mapping[str, str]
    # of those, the ones an example file gives a value (`NAME=x`)
    valued: frozenset[str]
    # named where the reader sets the others: a line of the `.env` commented out (never
    # set, so neither defined nor an example's)
    mentioned: frozenset[str] = frozenset()

    def documents(self, name: str) -> bool:
        return name in self.defined or name in self.examples or name in self.mentioned


# per workspace: each stack's defined and documented variables (C006 asks once per stack, the
# stack check for every gated service of every fix round)
_STACK_VARIABLES: Memo[dict[Stack, StackVariables]] = Memo("variables each stack defines")


def stack_variables(ws: Workspace, stack: Stack) -> StackVariables:
    """What defines the stack's variables, as the module's docstring lists it: computed once
    per stack and workspace."""
    return ws.derived.keyed(_STACK_VARIABLES, stack, lambda: _stack_variables(ws, stack))


def _stack_variables(ws: Workspace, stack: Stack) -> StackVariables:
    names = set(stack.dotenv) | compose_variables(ws, stack) | python_set(ws) | \
        written_to_dotenv(ws, stack)
    for path in env_files(ws, stack):
        names |= env_names(ws, path)
    documenting = [path for paths in stack_examples(ws, stack).values() for path in paths]
    for folder, env_files_given in including(ws, stack):
        for path in env_files_given or [posixpath.join(folder, ".env")]:
            names |= env_names(ws, path)
        documenting.extend(examples(ws, folder, set()))
    for path in files_in(ws.tree, stack.folder):
        if _ENVIRONMENT_FILE.fullmatch(posixpath.basename(path)):
            names |= env_names(ws, path)
    documented: dict[str, str] = {}
    valued: set[str] = set()
    for path in documenting:
        file = ws.read(path)
        if file is not None:
            documented.update((name, path) for name in documented_names(file.text)
                              if name not in documented)
            valued |= valued_names(file.text)
    mentioned: set[str] = set()
    own = {posixpath.join(stack.folder, ".env"), *env_files(ws, stack)}
    for path in guides(ws, stack.folder):   # a README's `.env` block to write
        text = guide_text(ws, path)
        names |= sourced(ws, stack, path, text)
        for name, given in guide_names(ws, text,
                                       _elsewhere(path, stack.folder, own)).items():
            documented.setdefault(name, path)
            if given:
                valued.add(name)
    for path in [posixpath.join(stack.folder, ".env"), *env_files(ws, stack)]:
        mentioned |= commented_names(ws, path)   # `# MONGO_USER=admin`: uncomment to set
    return StackVariables(frozenset(names), documented, frozenset(valued),
                          frozenset(mentioned))


def _elsewhere(guide: str, folder: str, own: set[str]) -> Callable[[str], bool]:
    """Whether a file a guide names by its folder (`backend/.env`), from the guide's folder,
    the stack's or the root, is none of `own` (the stack's `.env` and its services' env
    files): its variables are not the ones Compose reads for the stack."""
    def other(named: str) -> bool:
        return not any(posixpath.normpath(posixpath.join(base, named)) in own
                       for base in (posixpath.dirname(guide), folder, ""))
    return other


# The variables a database image's entrypoint gives a default when they are empty, as when
# unset: the official postgres image's `POSTGRES_USER` (postgres) and `POSTGRES_DB` (the
# user's name); or that it only skips when empty: mysql's and mariadb's user, its password
# and database (it creates none; only an empty root password stops it). Empty, the server
# starts all the same.
_SKIPPED_EMPTY = frozenset({"MYSQL_USER", "MYSQL_PASSWORD", "MYSQL_DATABASE"})
_DEFAULTED = {"postgres": frozenset({"POSTGRES_USER", "POSTGRES_DB"}),
              "mysql": _SKIPPED_EMPTY,
              "mariadb": _SKIPPED_EMPTY | {"MARIADB_USER", "MARIADB_PASSWORD", "MARIADB_DATABASE"}}
# The variables a database or broker image's own entrypoint reads, by family: another one
# in its `environment` (`REDIS_PASSWORD` on the official redis image, which reads none) does
# nothing unless its command names it (`redis-server --requirepass $$REDIS_PASSWORD`).
_IMAGE_READS: dict[str, tuple[str, ...]] = {
    "postgres": ("POSTGRES_", "PG"), "mysql": ("MYSQL_",), "mariadb": ("MARIADB_", "MYSQL_"),
    "mongo": ("MONGO_INITDB_",), "rabbitmq": ("RABBITMQ_",), "redis": (), "valkey": ()}


# `source env.sh`, `. ./scripts/env.sh`: a script a guide has the reader run in the shell
# that then runs Compose
_SOURCED = lazy_compile(r"(?:^|[\s;&(`$])(?:source|\.)[ \t]+([\w./-]+\.(?:sh|env|bash))\b",
                        re.M)


# per workspace and guide text: the scripts it says to source, as written
_SOURCED_NAMES: Memo[dict[str, list[str]]] = Memo("scripts guides source")


def sourced(ws: Workspace, stack: Stack, guide: str, text: str) -> frozenset[str]:
    """The variables the shell scripts a guide tells the reader to source export
    (`source env.sh` before `docker compose up`, which exports `CURRENT_UID`): set for
    Compose when the reader follows it. A script is looked for beside the guide, in the
    stack's folder and at the repository's root."""
    found: set[str] = set()
    # each stack asks of every guide: the names a text sources are read once per workspace
    for written in ws.derived.keyed(_SOURCED_NAMES, text,
                                    lambda: list(dict.fromkeys(_SOURCED.findall(text)))):
        for folder in dict.fromkeys([posixpath.dirname(guide), stack.folder, ""]):
            path = posixpath.normpath(posixpath.join(folder, written))
            file = ws.scan(path) if not path.startswith("..") else None
            if file is not None:
                found |= exported(file.text)
                break
    return frozenset(found)


# variables whose empty value is the ordinary "none" (`HTTP_PROXY=${HTTP_PROXY}` passes a
# proxy only where the host has one): empty, they stop nothing
_EMPTY_IS_NONE = frozenset({"HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY", "FTP_PROXY"})


@dataclass(frozen=True)
class Unset:
    """A variable a service's `environment` reads that Compose substitutes empty."""

    key: str               # the container's variable it sets (`DATABASE_URL`)
    reference: Reference   # `${DATABASE_URL}`
    example: str | None    # the example file that documents it with no value, if one does
    # the service's env_file that sets the variable, which Compose does not interpolate from
    env_file: str | None = None
    # the stack's `.env`, where it sets the variable empty (`DB_PASS=`, a template's line)
    emptied_in: str | None = None


def unset_in_environment(ws: Workspace, service: Service) -> Unset | None:
    """The first bare `${VAR}` or `$VAR` (no default, no required marker; `$$VAR` is the
    container's) of the service's `environment`, in any file of the stack that defines it,
    whose variable nothing Compose interpolates from defines: no `.env`, `--env-file` or
    example file of the stack. The service's own `env_file` does not count here, as it does
    for C006's documentation: Compose substitutes `${VAR}` from the shell and the project's
    `.env` alone, and the `environment` entry then sets the key empty over the env_file's
    value. Or one an example file documents with no value (`VAR=`, `# VAR=x`): a `.env`
    copied from it sets VAR empty (C006's own fix writes such a line). What defines the
    stack's variables is read only when the environment has such a reference."""
    kind = family(service.scalar("image") or "") or ""
    defaulted = _DEFAULTED.get(kind, frozenset())
    bare = [(key, ref) for _doc, value in service.all("environment")
            for key, raw, _node in mapping_or_list(value) if raw is not None and "$" in raw
            and key not in defaulted and key.upper() not in _EMPTY_IS_NONE
            and _read_there(service, kind, key)
            for ref in references(raw) if ref.bare and not set_outside(ref.name)]
    if not bare:
        return None
    known = stack_variables(ws, service.stack)
    for key, ref in bare:
        example = known.examples.get(ref.name)
        if _emptied(ws, service.stack, ref.name):
            return Unset(key, ref, example, emptied_in=service.stack.dotenv_path)
        if ref.name in known.defined or (example is not None and ref.name in known.valued):
            continue
        setter = next((path for path in service.env_files()
                       if ref.name in env_names(ws, path)), None)
        return Unset(key, ref, example, setter)
    return None


def _emptied(ws: Workspace, stack: Stack, name: str) -> bool:
    """The stack's `.env` sets the variable empty and no build script or workflow writes
    it there: Compose substitutes the empty string unless the shell sets it."""
    return stack.dotenv.get(name) == "" and name not in written_to_dotenv(ws, stack)


def _read_there(service: Service, kind: str, key: str) -> bool:
    """Whether the container's variable `key` is read: by an image fixer does not know, as
    any may be; by a known database or broker image, when its entrypoint reads it
    (`_IMAGE_READS`) or its command or entrypoint names it."""
    prefixes = _IMAGE_READS.get(kind)
    if prefixes is None or key.startswith(prefixes):
        return True
    return any(key in text for name in ("command", "entrypoint")
               if (found := service.get(name)) is not None and (text := joined_text(found[1])))


def environment_doubt(ws: Workspace, target: Service) -> str | None:
    """A variable the target's `environment` reads that Compose substitutes empty (nothing
    defines it, or the example file leaves it empty): an app that reads it at import
    (`create_engine(os.getenv("DATABASE_URL"))`), or a database image that needs its
    password, stops at start-up, and the gate would stop the services waiting for it, which
    start without it. Unknown, never broken: the app may well start without it."""
    unset = unset_in_environment(ws, target)
    if unset is None:
        return None
    name, takes = unset.reference.name, \
        f"its environment takes {unset.key} from `{unset.reference.text}`"
    if unset.emptied_in is not None:
        return (f"{takes}, which {unset.emptied_in} sets empty (`{name}=`): Compose "
                f"substitutes an empty string unless the shell sets it, and {target.name} "
                "may stop at start-up")
    if unset.env_file is not None:
        return (f"{takes}, which only its env_file {unset.env_file} sets: Compose fills "
                "`${...}` from the shell and the project's .env alone, so the entry sets "
                f"{unset.key} empty over the env_file's value, and {target.name} may stop at "
                "start-up")
    if unset.example is None:
        return (f"{takes}, which no .env, env_file or example file of the stack defines "
                f"(C006): Compose substitutes an empty string, and {target.name} may stop "
                "at start-up")
    if _written_in_run(ws, unset.example, name):   # C006's line of this run, not the
        # author's: the variable is as undefined as where no example names it
        return (f"{takes}, which nothing of the stack defines (this run's C006 fix lists it "
                f"in {unset.example} with no value): Compose substitutes an empty string, and "
                f"{target.name} may stop at start-up")
    return (f"{takes}, which {unset.example} documents with no value: a .env copied from it "
            f"leaves {name} empty, and {target.name} may stop at start-up")


def _written_in_run(ws: Workspace, example: str, name: str) -> bool:
    """The example file names the variable only since a fix of this run wrote it."""
    original = ws.tree.original(example)
    return original is None or re.search(rf"(?m)^\s*#?\s*{re.escape(name)}=",
                                         original.text) is None


def env_file_names(ws: Workspace, service: Service) -> set[str]:
    """The names the service's `env_file`s define."""
    return {name for path in service.env_files() for name in env_names(ws, path)}


def including(ws: Workspace, stack: Stack) -> list[tuple[str, tuple[str, ...]]]:
    """(project folder, `env_file`s of the `include:` entry) of each compose file that
    `include:`s one of the stack's files: Compose interpolates an included file with the
    including project's variables (its `.env`, or the entry's `env_file`), so what documents
    those documents the included file's too."""
    included = ws.derived.get(_INCLUDED, lambda: _included(ws))
    above = run_from_above(ws, stack)
    return list(dict.fromkeys([*(found for doc in stack.docs
                                 for found in included.get(doc.path, [])),
                               *([(above, ())] if above is not None else [])]))


def run_from_above(ws: Workspace, stack: Stack) -> str | None:
    """The folder of a compose file above the stack's that it is run from with `-f`: a
    build of the stack names a Dockerfile that is not there from its own folder and is
    from that one (`docker/docker-compose.release.yml` building `./` with
    `docker/app/Dockerfile`). Compose reads that folder's `.env` for it. Found once per
    stack: C006 asks for each of its findings."""
    return ws.derived.keyed(_RUN_FROM_ABOVE, stack, lambda: _run_from_above(ws, stack))


_RUN_FROM_ABOVE: Memo[dict[Stack, str | None]] = Memo("folder each stack is run from")


def _run_from_above(ws: Workspace, stack: Stack) -> str | None:
    folders = folders_above(ws.compose_docs, stack.folder)
    builds = [(scalar(b) or scalar(get(b, "context")) or ".",
               scalar(get(b, "dockerfile")) or "Dockerfile")
              for service in stack.services.values() for _doc, b in service.all("build")]
    builds = [(c, d) for c, d in builds if "$" not in c + d and "://" not in c
              and not d.startswith("/")]
    if not folders or not builds or all(
            ws.tree.exists(posixpath.normpath(posixpath.join(stack.folder, c, d)))
            for c, d in builds):
        return None
    return next((folder for folder in folders if all(
        ws.tree.exists(posixpath.normpath(posixpath.join(folder, c, d))) for c, d in builds)),
        None)


# per workspace: each included compose file, with the folder and `env_file`s of each entry
# that includes it
_INCLUDED: Memo[dict[str, list[tuple[str, tuple[str, ...]]]]] = Memo("compose files included")


def _included(ws: Workspace) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    found: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for doc in ws.compose_docs.values():
        folder = posixpath.dirname(doc.path)
        for entry in elements(get(Value(doc.root), "include")):
            written = scalar(entry) or scalar(get(entry, "path"))
            if not written or "$" in written:
                continue
            given = get(entry, "env_file") if scalar(entry) is None else None
            env_paths = tuple(posixpath.normpath(posixpath.join(folder, p)) for p in
                              ([scalar(given)] if scalar(given) else
                               [scalar(e) for e in elements(given)]) if p)
            path = posixpath.normpath(posixpath.join(folder, written))
            found.setdefault(path, []).append((folder, env_paths))
    return found
