"""A variable the stack reads has no default and nothing defines it.

## What it does
Reads every value of the stack's compose files (services, build args, `env_file`
paths, networks, `x-` extensions) for `${VAR}` and `$VAR` with no default
(`${VAR:-x}`, `${VAR-x}`), required marker (`${VAR:?message}`, `${VAR?}`) or
alternative (`${VAR:+:$VAR@}`, empty while VAR is unset, as meant),
and reports each variable that neither the `.env` of the stack's project folder,
nor an `env_file` of a service that reads it, nor an `--env-file` that a build script
gives a Compose command that may run the stack, nor an example file
(`.env.example` and the other names, or a file a README says to copy to the `.env`:
`cp .env-semple .env`, `cp setup/.env.template .env`, or a file anywhere a README line
names with the project folder's `.env` by its path: "copy `setup/docker.env` to
`deploy/.env`") defines: one in the project
folder, or beside a service's `env_file` or such an
`--env-file` (`../.env` -> `../.env.example`, the template of the file the stack is run
with). Such a command (a Makefile's `docker compose --env-file .env -f a/compose.yml up`)
names one of the stack's compose files with `-f`; naming none fixer knows, it runs in the
stack's project folder, a folder above it or one below it (its script's folder, or the one
its line's `cd` moves to; a CI workflow's steps run from the repository's root): a
sibling project's Makefile documents only its own stack. A command fixer cannot place
(`cd "$ROOT"`, `-f $(FILE)`, a shell script that changed folder on an earlier line) may
run any stack, and so may options a variable holds (`ENV = --env-file=prod.env`) or a
command it holds (`$(COMPOSE) --env-file .env up`). Another program's `--env-file`
(`docker run --env-file .env.dev app`, `node --env-file=.env`) sets a process's variables
and documents nothing. Nor one that a script sets for a Compose command that may run the
stack (placed as for `--env-file`): in the `env:` of a GitHub Actions workflow, of its job
or of the step whose `run` has the command, in front of the command
(`HOST_ROOT=$(CURDIR) docker compose up`), or, when one of the script's Compose commands
may run the stack, with `export`, in a script it sources first (`source ./set_env.sh`,
looked for where the command runs, or, where fixer cannot place it, in the folder of each
file of that name, for the stacks there), or by stopping unless its caller sets it
(`: "${RDS_ENDPOINT:?}"`), or a Makefile's that exports every variable (a bare `export`,
`.EXPORT_ALL_VARIABLES:`, `export $(shell sed 's/=.*//' env.app)`): those it assigns and
those of the files it includes (`-include env.app`), or a justfile's (`Justfile` too) that
loads an env file into its recipes' environment (`set dotenv-load`, `set dotenv-filename
:= ".env.base"`, `set dotenv-path := ...`): the names that file holds; a Makefile that
runs only a sibling project's stack sets them for that stack alone; a Jenkins pipeline's `environment`
block sets them for its steps' Compose commands and for each compose file it names
(`composeFile: 'deploy/docker-compose.prod.yml'` handed to a shared library's deploy).
Nor one that a Python script that runs Compose
(`["docker", "compose", "up"]`) sets in `os.environ` (`os.environ["TEST_PATH"] = ...`,
`putenv`, `setdefault`, `update`) or in the `env=` it runs a process with. Nor one a build
script or CI workflow writes by name into the stack's `.env` (`echo "IMAGE_TAG=$(TAG)" >
.env` in a Makefile's target, `printf 'ACME_MAIL=%s\n' ... > .env` or a heredoc `cat > .env
<<EOF` in a deploy step, `>> $ENV_FILE` after `ENV_FILE=".env"`; from the script's
folder, a workflow's from the root, and a script's from the root too where the repository
runs it by its path from there: `./scripts/gen_env.sh` in the README or a script). A file
another compose file `include:`s is also
documented by the including project's `.env` and example files: Compose interpolates it
with that project's variables. So is a variable that a Markdown file of the project folder,
the repository's root or their `docs/` sets in a code block, fenced or indented, or in a
list item (a README's `## .env File` section listing `DB_NAME=backend`, `- MONGO_USER=<user>`,
`OLLAMA_URL = "http://..."`, `DB_PASSWORD=$(openssl rand -hex 24)`, a command's output;
not a line of a Python block, nor one whose value reads another variable, `- DB_NAME=
${DB_NAME}` quoting the compose file, nor a block the line above introduces as another
file's, "Create `backend/.env`:" where Compose reads neither that file nor its values):
the checkout is told to write it. Not one its prose or a table only names: a new `.env.example` lists it too,
or a `cp .env.example .env` would leave it out. So is one a shell script exports that such
a file tells the reader to source (`source env.sh` before `docker compose up`, the script
beside the Markdown file, in the project folder or at the root). So is one the project
folder's `.env` holds commented out (`# MONGO_USER=admin`, uncommented to set it), and a
Markdown file fixer cannot read as text (a NUL byte in a tree drawing) is no input error: it
is read for what it tells, never built. Example files are `.env.example`, `.env.sample`,
`.env.template`, `.env.tpl`, `.env.dist`, `example.env`, `sample.env`, `env.example`,
`env.sample`, and any other file whose name has the word `env` and one of example, sample,
template, tpl, dist or default, or the word for example in Portuguese, Spanish, French,
Italian or German (`.env.exemplo`, `ejemplo`, `exemple`, `esempio`, `beispiel`):
`.example.env`, `.env.local.example`, `.env.default`, `.env.defaults`; never one a
service loads as its `env_file`, whose values are set in the container. The fix writes
only into the template of the `.env` Compose reads: not one whose name makes it another
env file's (`mail-credentials.env.example`, `.env.local.example`), unless a guide copies it
to the `.env` or a build script gives Compose the file it templates with `--env-file`;
where the folder has only such files, display-only; so in the folder of the `.env` a build
script gives Compose with `--env-file` (`.env.tracing.example` beside it). The `.env` of one
environment committed in the project folder (`.env.dev`,
`.env.prod`, `.env.docker`, `.env.staging`, `.env.test`, or named the other way round,
`dev.env`, `prod.env`; not `.env.local`, one person's), which a README copies to `.env` or
passes with `--env-file`, documents what it sets too; fixer never writes to it. Where a
build script that may run the stack gives Compose an env file a variable of the script
decides (`--env-file docker/$(ENV_FILE)`), the fix is display-only: which file sets the
variables, and which documents them, fixer does not work out (an empty `VAR=` written into
the very file the stack runs with would hide the finding and change nothing).
A compose file in a sub-folder run with `-f` from a folder above (its builds' Dockerfiles
are found only from there) is read with that folder's `.env` and example files, and its
variables go into that folder's example file: unsafe, with the reason, where no script or
guide runs it from there (`-f` from that folder, `--project-directory`), since run from its
own folder Compose reads the `.env` there.
`$$VAR` is an escaped dollar that the container's shell expands, never a variable of
Compose. `PATH`, `HOME`, `USER`,
`LOGNAME`, `SHELL` and `PWD` are never reported: the shell that runs Compose sets them;
nor are those Windows sets for every process (`USERPROFILE`, `APPDATA`, `LOCALAPPDATA`,
`USERNAME`, `TEMP`, ...), which a compose file written for Docker Desktop reads, nor what
a desktop session sets (`DISPLAY`, `WAYLAND_DISPLAY`, `XDG_RUNTIME_DIR`), which a service
forwarding X11 reads, nor `COMPOSE_PROJECT_NAME`, which Compose sets to the project's name.
Nor are the variables a CI runner sets (`CI`, `GITHUB_*`, GitLab's `CI_*`, `BUILDKITE_*`,
...), empty on a developer's machine as intended, nor those Coolify generates for the
compose files it deploys (`SERVICE_FQDN_API`, `SERVICE_PASSWORD_ADMIN`, `SERVICE_URL_*`).
A variable that another use marks required (`${VAR:?}`) in the same file or the stack's
base is no finding: unset, Compose stops with that error instead of substituting an empty
string. A commented-out assignment in an example file (`# VAR=value  # leave unset`)
documents the variable. One finding per variable, at its first use.

## Why is this bad?
Compose warns of the unset variable at most, so a value the stack needs (a password, a
host, a port, an image tag) may be empty, and what breaks then breaks further from the
cause; where the empty value leaves a volume or a port that Compose cannot read
(`:/var/lib/mysql`), it refuses the file. And no `.env.example` lists it for the next
person to set.

## Example
```yaml
services:
  api:
    build: ./api
    environment:
      DATABASE_URL: postgresql://app:${DB_PASSWORD}@db/orders
      LOG_LEVEL: ${LOG_LEVEL:-info}
```

## Use instead
A `.env.example` beside the compose file, which `cp .env.example .env` turns into
the values Compose reads:
```shell
# api (docker-compose.yml)
DB_PASSWORD=
```

## Fix safety
Safe: the fix only documents; Compose never reads `.env.example`, so the stack
runs as before. It extends the first example file of the project folder (in the
order above); with none there, the example file beside the `.env` a build script gives
Compose with `--env-file` in a command that runs the stack (the root `.env.example` of a
stack in `docker/` run with `--env-file .env -f docker/docker-compose.yml`): a new file
in the project folder would split the stack's variables over two files. So does a file
another compose file `include:`s with no example file in its own folder: its variables go
into the including project's example file (Compose interpolates it with that project's
`.env`), under `# grafana (infra/observability.yaml)`,
and the comment on a variable names the services that read it, in either file (the
first five, and how many more read it).
A variable read only in files that every Compose command of the build scripts loading
them runs with `--env-file` (an overlay, `docker compose -f docker-compose.yml -f
docker-compose.prod.yml --env-file .env.production up`) goes into the template of the
file given instead: the example file beside it that documents the stack (one named after
it where there is one, `env.production.example`; in the project folder only such a one,
its others being the `.env`'s), as Compose never reads the project folder's `.env` for
that overlay. Not for a file `docker compose up` loads by itself (`docker-compose.yml`, its
override), nor with COMPOSE_FILE set, nor where no script loads it or one loads it with
no `--env-file`: the project folder's `.env` may be read for it there. Display-only where
the files given have several templates, or one has none: which example documents the
variable is for a person to choose, and the project folder's is not it.
Unsafe where an example file elsewhere in the repository documents the variable already
(`app/.env.example` in a service's build folder; not another stack's project folder,
which documents that stack): the finding names it, and a second example file holding the
same variables may be a duplicate the project would rather not have (copying or moving
that file is the author's call).
Display-only when the example file says a tool writes it (a first line "AUTO-GENERATED
by scripts/gen_env.py -- DO NOT EDIT"): an edit is lost when it is generated again.
Display-only when the example file is itself a service's `env_file` (`env_file:
.env.example`): a line written there reaches that container as an empty value, over the
default its code may read. Display-only when the stack is documented only beside a
service's `env_file` (that `.env` sets the containers' variables, and Compose interpolates from the
project folder's `.env` unless it is given another), or only by the templates of the
`env_file`s its services load (`template.base.env` of `.base.env`, `orders.env.example`
of `orders.env`, in the same folder): a variable written into one service's template
would document it where neither Compose nor the service reading it looks. When such
files are in several
folders (`../.env.example` and `../config/.env.sample`): which one to extend is for a
person to choose. With no example
file, and a Markdown file that lists other variables the stack reads in a code block (a
README's `.env` to write), display-only: the variable belongs in that list, and a new
`.env.example` would list the stack's variables in two places. With neither, it creates
`.env.example` in the project folder (`.env.sample`, `.env.template` when
git ignores it), or beside the `.env` a build script gives Compose from a folder outside it
(a Makefile's `ENV = --env-file .env` for a stack in `docker_compose/`: Compose never
reads the project folder's `.env` then; display-only where the file given is another or
several), never a file the repository's git ignore rules leave out: it would not be
committed, and a run that skips ignored files would write it again. Display-only when git
ignores them all (`.env.*` in `.gitignore`), and where a service loads the missing `.env`
as its `env_file` (C007), a service of this stack or of another whose compose file sits in
the same folder (the dev stack beside `docker-compose.prod.yml`), or bind-mounts it into
a container (`./.env:/app/.env`, which the app's settings read), or a folder holding it
into the container of an app whose code reads a `.env` (`./:/usr/src/app` beside pydantic's
`env_file=".env"`, `load_dotenv()`): a new example file
would list what the compose files read, not what the services read from that file, which
fixer does not gather from their code (and it would pass for the template C007 asks for). A folder outside a git work tree (an exported
checkout) is judged by the `.gitignore` files it holds, as its repository would be. The
fix writes one `VAR=` line per variable under a comment naming the service (and file,
from the example file's folder) that reads
it first, with the other readers named, in the order of first use. A default that another
use in the stack, or in another stack of the project folder (it reads the same `.env`,
where an empty `NAME=` would override its `${NAME-default}`), gives is filled in, unless
uses give different ones (`${DB_USER:-neo4j}` and `${DB_USER:-postgres}`: either written in
changes what the other's service runs with) (not a
volume's, `${MODEL_DIR:-/tmp/empty}:/models`: a placeholder host path); else,
for an `environment` entry that passes the variable on (`LOG_LEVEL: ${LOG_LEVEL}`) where
the image sets it (`ENV LOG_LEVEL=info`), the image's value, which Compose's empty string
replaces (the message says so), except
for names that look like secrets
(password, secret, token, key, credential, auth, DSN), which stay empty: a secret
is never invented nor copied. An existing file keeps its bytes; the lines are
appended in its line endings and its assignments' style (`DB_PASSWORD  =` where its lines
set `=` apart, in the column where they align it), with or without its final newline, its
BOM kept, at the
end of the service's group where a comment heads one (fixer's own, or one naming the
service alone in the file's framing: `# ── api ───`).
Display-only when a `command`, `entrypoint` or `healthcheck` reads `$VAR` that the
service's own `environment` or its image's `ENV` sets, or that its script sets itself
(`SERVER_PID=$!`, `for f in`): the container's shell was probably meant to read it
(`$$VAR`), which needs a person to confirm; so is another variable the same script reads
(`sh -c "echo sending $GREETING to $TARGET"` where only TARGET is set for the container):
the script was written for the container's shell. Display-only too where the `environment` sets
a variable from itself (`PYTHONPATH: /code:$PYTHONPATH`): Compose fills it from the host's
shell, where the image's own value was meant, which only writing it out in full gives.
Display-only too when a service of the stack's plain run (its base file and Compose's
override) has neither `image`, `build` nor `extends` there (`main:` with only `depends_on`,
in a generated `jobs/*.compose.yml`; not a `-f` overlay's service the base lacks):
Compose refuses the files as they stand, so another file completes them, one fixer does
not see, which may set the variable.
Display-only too when every use is an unbraced `$VAR` right after a letter or digit
(`SECRET_KEY=uZq3$B+E(H@`): a `$` inside a password or a hash reads so, and documenting `B`
would call it a variable where `$$` is the fix. So is one inside single quotes of a
command's or healthcheck's shell script (`mosquitto_sub -t '$SYS/broker/uptime'`, MQTT's
own topic), where the shell would read it as written; not the quotes that hand `sh -c` its
script. And so is one the project's `.env` sets written otherwise (`POSTGRES_PW` for
`POSTGRES_PASSWORD`: the same first word, most letters alike): one of the names is
misspelt, and documenting the other would keep them apart; so is one whose name differs by
a letter or two from another the stack reads and defines (`DEECHECKS_SECRET` beside a
`DEEPCHECKS_SECRET` a script exports, whatever their first words; not names that differ
only in their digits, `GEMINI_KEY_1` and `GEMINI_KEY_2`, nor two that nothing defines,
`DB_URL_SYNC` and `DB_URL_ASYNC`). A variable inside another's
default (`${A:-${B}}`) is read too, as Compose reads it where `A` is unset; not one inside
a `:+` alternative (`${P:+:$P@}`), read only where its variable is set.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from functools import partial

import yaml

from fixer.core.generated import generated_by
from fixer.core.wording import names
from fixer.core.derived import Memo
from fixer.core.edits import CreateFile, Edit, SharedPoint, TextEdit
from fixer.core.envfile import Reference, references
from fixer.core.lazyre import lazy_compile
from fixer.core.textfile import TextFile
from fixer.core.tree_index import files_under, within
from fixer.facts.envvars.documented import (
    env_file_names,
    run_from_above,
    set_outside,
    stack_variables,
)
from fixer.facts.envvars.examples import (
    EXAMPLE_WORD,
    EXAMPLES,
    copied_to_dotenv,
    documented_names,
    example_file_names,
    examples,
    is_example_name,
    loaded_env_files,
    stack_examples,
)
from fixer.facts.image.buildscripts import (
    DEFAULT_FILES,
    ComposeRun,
    compose_runs,
    compose_variables,
    env_files,
    project_directories,
    unread_env_files,
)
from fixer.model.rule import Category, Fix, Safety, Severity, Violation
from fixer.model.services import BuiltService, Service, Stack, relative_bind_mounts
from fixer.model.stacks import included_paths
from fixer.model.workspace import Workspace
from fixer.sources.compose import (
    ComposeDoc,
    Value,
    items,
    mapping_or_list,
)
from fixer.sources.portsites import run_env
from fixer.sources.scriptport import LOADS_DOTENV


CODE = "C006"
NAME = "undocumented-variable"
CATEGORY = Category.COMPOSE
SEVERITY = Severity.WARNING
SAFETY = (Safety.SAFE, Safety.UNSAFE, Safety.DISPLAY)
# Last: it only documents, and its fixes share one file, one per round; other rules' fixes
# of the same service must not wait behind them.
FIX_ORDER = 200

# The names fixer may create, in order, when git ignores the first: the usual spellings. A
# repository that ignores all three (`.env.*`) ignores env files of that form on purpose, and
# `example.env` would only slip past its rule.
_CREATED = EXAMPLES[:3]
_SECRET = lazy_compile(r"PASS|SECRET|TOKEN|KEY|CREDENTIAL|PRIVATE|DSN|AUTH", re.I)
_PLAIN = lazy_compile(r"[\w@%+=:,./-]*")
_SHELL_KEYS = ("command", "entrypoint", "healthcheck")
_INTRO = "# Variables the compose files read. Copy this file to .env and set them."
# beside a `.env` of its own: copying this over it would drop what it sets
_INTRO_BESIDE_DOTENV = "# Variables the compose files read that .env does not set: add them there."


@dataclass(frozen=True)
class Use:
    """One reference in one scalar: the file, line, and who reads it."""

    ref: Reference
    doc: ComposeDoc
    line: int
    readers: tuple[str, ...]   # services (through aliases too); else the top-level key
    services: tuple[str, ...]  # the services among them
    shell: frozenset[str]      # services that read it in a command, entrypoint or healthcheck
    # `$NAME` right after a letter or digit (`…6y$B+E(H@`): maybe a literal `$` in a secret
    glued: bool = False
    assigned: bool = False     # a command or healthcheck script that sets NAME itself
    column: int = 1            # of the reference as written
    # inside single quotes of a shell script (`mosquitto_sub -t '$SYS/broker/uptime'`),
    # where the shell would read it as written: maybe a literal `$`
    quoted: bool = False
    # in a volume's entry (`${MODEL_DIR:-/tmp/empty}:/models`): a default there is a host
    # path to mount, no value for the variable's other uses
    mounted: bool = False


def detect(ws: Workspace) -> Iterator[Violation]:
    seen: set[tuple[str, str]] = set()
    found = [(stack, _home(ws, stack), _by_name(stack)) for stack in ws.stacks]
    for stack, home, by_name in found:
        if not by_name:
            continue
        defined = _Definitions(ws, stack)
        scripts = _by_script(by_name)
        for name, uses in by_name.items():
            if set_outside(name):
                continue
            requiring = _requiring_docs(uses)
            open_uses = [u for u in uses if u.ref.bare and not defined.covers(u)
                         and not _required(requiring, u, stack)]
            if open_uses and (home.folder, name) not in seen:
                seen.add((home.folder, name))
                # the stacks the same example file documents read it too: name them all
                kin = [u for other, its_home, names in found if its_home.folder == home.folder
                       and other is not stack for u in names.get(name, [])]
                beside = [u for u in scripts.get((open_uses[0].doc.path, open_uses[0].line), [])
                          if u.ref.name != name]
                twin = _read_twin(name, by_name, defined.names(by_name))
                yield _report(ws, stack, name, open_uses[0], uses, home, kin, beside, twin)


# per workspace, of each stack: facts every finding of the stack asks for (a stack of a
# thousand undocumented variables asked a thousand times)
_UNRUNNABLE: Memo[dict[Stack, str | None]] = Memo("service no plain run can create")
_TARGET: Memo[dict[Stack, tuple[str | None, str | None]]] = Memo("example file to extend")
_CONSEQUENCE: Memo[dict[Stack, str]] = Memo("what Compose does with an unset variable")
# per workspace, of each example file and of each folder
_LOADED_BY: Memo[dict[str, str | None]] = Memo("service loading an example file")
_DOTENV_REQUIRED: Memo[dict[str, tuple[Stack, str] | None]] = Memo("stack requiring the .env")


def _unrunnable(stack: Stack) -> str | None:
    """A service that the stack's plain run (`docker compose up`: the base file and its
    override) defines with neither `image`, `build` nor `extends` (`main:` with only
    `depends_on`): Compose refuses the files as they stand, so they are a fragment that a
    file fixer does not see completes (a harness's own compose file). A `-f` overlay's
    service the base lacks (a production file's `worker: {restart: always}`) leaves the
    plain run whole."""
    run = stack.plain_run()
    return next((name for name, service in stack.services.items()
                 if any(doc is d for doc, _value in service.definitions for d in run)
                 and all(not service.all(key, run) for key in ("image", "build", "extends"))),
                None)


def _by_script(by_name: dict[str, list[Use]]) -> dict[tuple[str, int], list[Use]]:
    """The uses in a command, entrypoint or healthcheck script, by its file and line: the
    variables one script reads."""
    found: dict[tuple[str, int], list[Use]] = {}
    for uses in by_name.values():
        for use in uses:
            if use.shell:
                found.setdefault((use.doc.path, use.line), []).append(use)
    return found


def _by_name(stack: Stack) -> dict[str, list[Use]]:
    by_name: dict[str, list[Use]] = {}
    for use in _uses(stack):
        by_name.setdefault(use.ref.name, []).append(use)
    return by_name


class _Definitions:
    """What defines a variable for a use: the project folder's `.env` and example files,
    and the `env_file`s of the services that read it (read once, when first asked)."""

    def __init__(self, ws: Workspace, stack: Stack) -> None:
        self.ws, self.stack = ws, stack
        self.documented = stack_variables(ws, stack)
        self.env_files: dict[str, set[str]] = {}
        self._names: _NearNames | None = None

    def names(self, by_name: Mapping[str, list[Use]]) -> _NearNames:
        """The names among `by_name` that something defines (set outside Compose, or a use
        covered); found once per stack: a stack of a thousand variables asked for each."""
        if self._names is None:
            self._names = _NearNames(other for other, uses in by_name.items()
                                     if set_outside(other) or any(self.covers(u) for u in uses))
        return self._names

    def covers(self, use: Use) -> bool:
        name = use.ref.name
        return self.documented.documents(name) or \
            any(name in self._env_file(s) for s in use.services)

    def _env_file(self, service: str) -> set[str]:
        if service not in self.env_files:
            self.env_files[service] = env_file_names(self.ws, self.stack.services[service])
        return self.env_files[service]


def _home(ws: Workspace, stack: Stack) -> Stack:
    """The stack whose example file documents this one's variables: the one that
    `include:`s its files when their folder has no example file of its own (Compose
    interpolates an included file with the including project's `.env`: a new example file
    beside it would split the project's variables over two files); else the stack itself."""
    if examples(ws, stack.folder, loaded_env_files(stack)):
        return stack
    above = run_from_above(ws, stack)
    ran_by = [other for other in ws.stacks if above is not None and other.folder == above]
    if ran_by:   # its variables are the project folder's it is run from
        return ran_by[0]
    includers = ws.derived.get(_INCLUDERS, lambda: _includers(ws))
    found = list(dict.fromkeys(other for doc in stack.docs
                               for other in includers.get(doc.path, []) if other is not stack))
    return found[0] if len(found) == 1 else stack


# per workspace: the stacks whose files `include:` each compose file
_INCLUDERS: Memo[dict[str, list[Stack]]] = Memo("stacks including each compose file")


def _includers(ws: Workspace) -> dict[str, list[Stack]]:
    found: dict[str, list[Stack]] = {}
    for stack in ws.stacks:
        for doc in stack.docs:
            for path in included_paths(doc):
                if path is not None:
                    found.setdefault(path, []).append(stack)
    return found


def _requiring_docs(uses: list[Use]) -> set[int]:
    """The ids of the compose files where a use of the variable marks it required
    (`${VAR:?}`): worked out once per variable, not once per use (a variable a thousand
    services read)."""
    return {id(use.doc) for use in uses if use.ref.operator in ("?", ":?")}


def _required(requiring: set[int], use: Use, stack: Stack) -> bool:
    """Another use of the variable marks it required (`${VAR:?}`, `requiring`) in a file
    loaded whenever this use's is (its own, or the stack's base): unset, Compose stops with
    an error there instead of substituting an empty string."""
    return id(use.doc) in requiring or id(stack.docs[0]) in requiring


def _env_file_templates(examples: list[str], loaded: set[str], dotenv: str) -> set[str]:
    """The examples that are the template of an `env_file` a service loads, by name, in
    its folder: `template.base.env` of `.base.env`, `app.env.example` of `app.env`. They
    document the containers' variables, not the `.env` Compose interpolates from (whose
    own template, `.env.example`, stays the project's even where a service loads `.env`
    too)."""
    keys = {_name_key(path) for path in loaded if path != dotenv}
    return {path for path in examples if _name_key(path) in keys}


def _other_templates(ws: Workspace, stack: Stack, examples: list[str],
                     folder: str | None = None) -> set[str]:
    """The examples (of the folder, the project folder unless given) whose name makes them
    the template of another env file than the `.env` Compose interpolates from
    (`mail-credentials.env.example` of `mail-credentials.env`, `.env.dev.example` of
    `.env.dev`), unless a guide says to copy one to the `.env` or a build script gives
    Compose the file it templates (`--env-file .env.dev`)."""
    given = {_name_key(path) for path in env_files(ws, stack)}
    copied = set(copied_to_dotenv(ws, stack.folder if folder is None else folder))
    return {path for path in examples if _names_another(path)
            and _name_key(path) not in given and path not in copied}


def _names_another(path: str) -> bool:
    """The example's name holds a word besides `env` and the example words
    (`mail-credentials.env.example`, `.env.local.example`; not `.env.defaults`,
    `.exampleenv`)."""
    words = re.split(r"[._-]+", posixpath.basename(path).lower())
    return any(w and w != "env" and not EXAMPLE_WORD.search(w) for w in words)


def _name_key(path: str) -> tuple[str, ...]:
    """The folder and the words of a file name, without the example words:
    `template.base.env` and `.base.env` both give (folder, base, env)."""
    folder, name = posixpath.split(path)
    words = re.split(r"[._-]+", name.lower())
    return folder, *sorted(w for w in words if w and not EXAMPLE_WORD.fullmatch(w))


def _uses(stack: Stack) -> Iterator[Use]:
    """Every reference of the stack's files, in file and text order. A scalar of an anchor
    is read by every service that aliases it, and counted once."""
    for doc in stack.docs:
        if not _may_interpolate(doc.file.text):
            continue
        readers, shell, mounted = _service_scalars(doc)
        seen: set[int] = set()
        for key, value in doc.root.value:
            for node in _scalars(value, seen):
                text = str(node.value)
                for ref in references(text):
                    services = tuple(readers.get(id(node), ()))
                    glued = not ref.text.startswith("${") and ref.start > 0 and \
                        text[ref.start - 1].isalnum()
                    scripts = frozenset(shell.get(id(node), ()))
                    line, column = _position(doc, node, ref)
                    yield Use(ref, doc, line, services or (str(key.value),),
                              services, scripts, glued,
                              bool(scripts) and _assigns(text, ref.name), column,
                              bool(scripts) and _single_quoted(text, ref.start),
                              id(node) in mounted or str(key.value) == "volumes")


def _assigns(script: str, name: str) -> bool:
    """The shell script sets the variable itself (`SERVER_PID=$!`, `for f in`, `read f`):
    its `$NAME` is the shell's, which Compose substitutes first unless written `$$NAME`."""
    return re.search(rf"(?:^|[\s;&|(]|\bexport\s+)(?:{name}=|for\s+{name}\s+in\b|"
                     rf"read(?:\s+-\w+)*\s+{name}\b)", script) is not None


def _near_miss(name: str, dotenv: Mapping[str, str], stack: Stack) -> str | None:
    """A name the project's `.env` sets that reads as the same one written otherwise
    (`POSTGRES_PW` for `POSTGRES_PASSWORD`, `PGADMIN_MAIL` for `PGADMIN_EMAIL`): the same
    first word, and most of the letters in the same order; not one the stack reads itself
    (`REDIS_PORT` beside `REDIS_PASSWORD`: two variables)."""
    head = name.split("_", 1)[0]
    alike = [other for other in sorted(dotenv) if other != name and
             other.split("_", 1)[0] == head and
             SequenceMatcher(None, other, name).ratio() >= _NEAR]
    read = set(_by_name(stack)) if alike else set()
    return next((other for other in alike if other not in read), None)


# how alike two names are, at the least, to read as one (difflib's ratio): `DB_HOST` and
# `DB_PORT` (0.71) are two names
_NEAR = 0.75
# how alike two names the stack both reads are, at the least, to read as one misspelt:
# `DEECHECKS_SECRET` and `DEEPCHECKS_SECRET` (0.97); numbered pairs are two whatever their
# likeness (`_numbered_pair`)
_TWIN = 0.9


class _NearNames:
    """Names, each found by those at most two edits from it (`_edits`): two such names
    become one string when each loses two letters or fewer (a letter replaced: lost on
    both sides), so each name is kept under every string it makes so, and a name asks for
    those its own such strings find. Comparing each undefined name with every defined one
    cost the square of a stack's variables."""

    def __init__(self, names: Iterable[str]) -> None:
        self._by_shortened: dict[str, set[str]] = {}
        for name in names:
            for shortened in _shortened(name):
                self._by_shortened.setdefault(shortened, set()).add(name)

    def near(self, name: str) -> list[str]:
        """The names at most two edits from `name` (and some a little further), sorted."""
        return sorted({other for shortened in _shortened(name)
                       for other in self._by_shortened.get(shortened, ())})


def _shortened(name: str) -> set[str]:
    """The name, and every string it makes by losing one or two letters."""
    once = {name[:at] + name[at + 1:] for at in range(len(name))}
    return {name, *once, *(word[:at] + word[at + 1:] for word in once
                           for at in range(len(word)))}


def _read_twin(name: str, by_name: Mapping[str, list[Use]],
               defined: _NearNames) -> tuple[str, str] | None:
    """(name, where) of another variable the stack reads and defines (`defined`: an example
    file, an env_file, a script that exports it) whose name differs from this undefined
    one's by a letter or two (`DEECHECKS_SECRET` beside `DEEPCHECKS_SECRET`), the first
    by name: this one is probably misspelt. Two undefined names so alike (`DB_URL_SYNC`,
    `DB_URL_ASYNC`) are two variables as far as fixer can tell."""
    for other in defined.near(name):
        if other != name and not _numbered_pair(other, name) and \
                SequenceMatcher(None, other, name).ratio() >= _TWIN and \
                _edits(other, name) <= 2:
            uses = by_name[other]
            return other, f"{uses[0].doc.path}:{uses[0].line}"
    return None


def _edits(one: str, other: str) -> int:
    """The letters to insert, delete or replace to turn one name into the other: two long
    names of one scheme (`POSTGRES_FARM_DATABASE_NAME`, `POSTGRES_RULE_DATABASE_NAME`) are
    alike by ratio, yet a word apart, not a letter or two."""
    previous = list(range(len(other) + 1))
    for i, letter in enumerate(one, 1):
        current = [i]
        for j, theirs in enumerate(other, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (letter != theirs)))
        previous = current
    return previous[-1]


def _numbered_pair(one: str, other: str) -> bool:
    """The names differ only in their digits (`GEMINI_KEY_2` and `GEMINI_KEY_10`, `DB1_HOST`
    and `DB2_HOST`): numbered variables of one kind, not a misspelling."""
    return re.sub(r"\d+", "#", one) == re.sub(r"\d+", "#", other)


def _single_quoted(script: str, at: int) -> bool:
    """The offset `at` of the shell script lies inside single quotes (those of a double
    quoted part, and an escaped one, are no quotes), other than those that hand a shell
    its script (`sh -c 'uvicorn main:app --port $PORT'`, a command Compose splits)."""
    quote: str | None = None
    opened = 0
    escaped = False
    for index, char in enumerate(script[:at]):
        if escaped:
            escaped = False
        elif char == "\\" and quote != "'":
            escaped = True
        elif quote is None and char in "'\"":
            quote, opened = char, index
        elif char == quote:
            quote = None
    return quote == "'" and _SCRIPT_OPTION.search(script, 0, opened) is None


# the end of a shell's options before its script: `sh -c `, `bash -lc `
_SCRIPT_OPTION = lazy_compile(r"(?:^|\s)-[a-z]*c\s+$")


def _may_interpolate(text: str) -> bool:
    """A scalar's value holds a `$` only when the file's text has one, or a backslash (the
    escape `"\\x24"` of a double-quoted scalar): a file with neither reads no variable and
    is not walked, twice, node by node."""
    return "$" in text or "\\" in text


def _service_scalars(doc: ComposeDoc
                     ) -> tuple[dict[int, list[str]], dict[int, list[str]], set[int]]:
    """Which services read each scalar node, which read it as a shell command, and the
    nodes of their `volumes` entries."""
    readers: dict[int, list[str]] = {}
    shell: dict[int, list[str]] = {}
    mounted: set[int] = set()
    for name, value in doc.services.items():
        seen: set[int] = set()
        for key, child in items(Value(value.node)):
            for node in _scalars(child.node, seen):
                readers.setdefault(id(node), []).append(name)
                if key in _SHELL_KEYS:
                    shell.setdefault(id(node), []).append(name)
                if key == "volumes":
                    mounted.add(id(node))
    return readers, shell, mounted


def _scalars(node: yaml.Node, seen: set[int]) -> Iterator[yaml.ScalarNode]:
    """Scalar values (never keys) below `node` holding a `$`; an alias is the node it names."""
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        if "$" in str(node.value):
            yield node
    elif isinstance(node, yaml.SequenceNode):
        for child in node.value:
            yield from _scalars(child, seen)
    elif isinstance(node, yaml.MappingNode):
        for _key, child in node.value:
            yield from _scalars(child, seen)


def _position(doc: ComposeDoc, node: yaml.ScalarNode, ref: Reference) -> tuple[int, int]:
    """The line of the reference: a literal block's (`|`) own line of it, else the scalar's
    first line, where a `# fixer: ignore` comment can go (a folded `>` or plain scalar's
    later lines take none); and its column as written where it is on that line (the same
    occurrence of its text in the scalar's source as in its value: quotes and escapes move
    it), else the scalar's."""
    value, raw = str(node.value), doc.source(node)
    line = doc.line(node) + 1 + value.count("\n", 0, ref.start) if node.style == "|" \
        else doc.line(node)
    nth = value.count(ref.text, 0, ref.start)
    at = -1
    for _ in range(nth + 1):
        at = raw.find(ref.text, at + 1)
        if at < 0:
            return line, doc.column(node)
    text = doc.file.text
    offset = node.start_mark.index + at
    if text.count("\n", 0, offset) + 1 != line:
        return line, doc.column(node)
    return line, offset - text.rfind("\n", 0, offset)


def _consequence(ws: Workspace, stack: Stack) -> str:
    """What Compose does with the unset variable in a checkout of the repository."""
    if stack.requires_missing_dotenv(ws.tree):
        return ("Compose stops until someone writes the .env an env_file requires, and "
                "substitutes an empty string where that file does not set it")
    return "Compose substitutes an empty string"


def _report(ws: Workspace, stack: Stack, name: str, first: Use, uses: list[Use], home: Stack,
            kin: list[Use], beside: list[Use],
            twin: tuple[str, str] | None = None) -> Violation:
    """The finding at the first open use; its fix documents `name` in `home`'s example
    file, naming the readers among `uses` and `kin` (those of the stacks it documents too).
    `beside`: the uses of other variables in the script of the first use; `twin`: a
    variable of a name a letter or two off that the stack defines (`_read_twin`)."""
    service = first.services[0] if first.services else None
    reader = service or f"the top-level `{first.readers[0]}`"
    # a project may keep its example file where fixer does not count it (`app/`)
    elsewhere = _documented_elsewhere(ws, stack, name)
    of_folder = f" of the project folder{' ' + stack.folder if stack.folder else ''}" \
        if elsewhere else ""
    # `./.env.example` for the root's, not to be read as the project folder's own
    shown = next((p if "/" in p else f"./{p}" for p in elsewhere[:1]), "")
    only = f" (only {shown} does)" if shown else ""
    emptied = _image_value_replaced(stack, first.services, name)
    consequence = ws.derived.keyed(_CONSEQUENCE, stack, lambda: _consequence(ws, stack))
    over = f", over the `{name}={emptied[1]}` the image of {emptied[0]} sets" if emptied else ""
    base = Violation(
        message=f"{reader} reads `{first.ref.text}` with no default, and no .env, env_file or "
                f"{EXAMPLES[0]}{of_folder} defines {name}{only}: {consequence}"
                f"{over}",
        path=first.doc.path, line=first.line, column=first.column, service=service,
        subject=f"variable {name}")
    meant = next(((s, where) for s in first.shell
                  if (where := _container_sets(stack.services[s], name))), None)
    if meant:
        return replace(base, reason=f"{meant[1]} of {meant[0]} sets {name}, which the "
                                    f"container reads only through a shell: `sh -c` with "
                                    f"`$${name}` if that is what was meant")
    sibling = next(((u, s, where) for u in beside if first.shell for s in u.shell
                    if (where := _container_sets(stack.services[s], u.ref.name))), None)
    if sibling:
        use, reader_of, where = sibling
        return replace(base, reason=f"the same script reads `{use.ref.text}`, which {where} of "
                                    f"{reader_of} sets for the container's shell: write "
                                    f"`$${name}` too if the container's shell was meant to "
                                    "read it")
    if any(u.assigned for u in uses):
        return replace(base, reason=f"the script of {reader} sets {name} itself: Compose "
                                    f"substitutes `{first.ref.text}` before the shell runs; "
                                    f"write `$${name}` for the shell to read it")
    itself = next((s for s in first.services if _reads_itself(stack.services[s], name)), None)
    if itself is not None:
        return replace(base, reason=f"the `environment` of {itself} sets {name} from itself "
                                    f"(`{name}: ...{first.ref.text}`): Compose fills it from "
                                    f"the shell that runs it, the host's {name}, not the "
                                    "image's; if the image's value was meant, write it out in "
                                    f"full (nothing expands a `$${name}` there)")
    if all(u.glued for u in uses if u.ref.bare):
        return replace(base, reason=f"`{first.ref.text}` follows a letter or digit, as a `$` "
                                    f"inside a password or hash does: write `$$` if the `$` "
                                    f"is literal{_also_at(first, uses + kin)}; documenting "
                                    f"{name} would call it a variable")
    if twin is not None:
        return replace(base, reason=f"the stack also reads {twin[0]} ({twin[1]}), which it "
                                    f"defines, a name that differs from {name} by a letter or "
                                    "two: if they are one "
                                    "value, one of the two is misspelt, and documenting "
                                    f"{name} would keep them apart")
    near = _near_miss(name, stack.dotenv, stack)
    if near is not None:
        return replace(base, reason=f"the project's .env sets {near}, not {name}: if they are "
                                    "one value, one of the two names is misspelt, and "
                                    f"documenting {name} would keep them apart")
    # `'$SYS/broker'` reads as the literal text; a `${NAME}` in quotes that an
    # `environment:` entry also reads is Compose's variable
    quoted = next((u for u in uses if u.quoted and u.ref.bare and (
        not u.ref.text.startswith("${") or all(o.quoted for o in uses if o.ref.bare))), None)
    if quoted is not None:
        return replace(base, reason=f"`{quoted.ref.text}` is inside single quotes of the shell "
                                    f"script at {quoted.doc.path}:{quoted.line}, where the "
                                    f"shell reads it as written: if the `$` is literal, write "
                                    f"`$$`{_also_at(first, uses + kin)}; documenting {name} "
                                    f"would call it a variable")
    fragment = ws.derived.keyed(_UNRUNNABLE, stack, lambda: _unrunnable(stack))
    if fragment is not None:
        return replace(base, reason=f"Compose refuses "
                                    f"{names([d.path for d in stack.plain_run()])} "
                                    f"as it stands: "
                                    f"{fragment} has neither an image nor a build, so another "
                                    f"file completes it, one fixer does not see, which may set "
                                    f"{name}")
    target, blocked = _env_file_target(ws, stack, home, name, uses + kin) or \
        ws.derived.keyed(_TARGET, home, lambda: _target(ws, home))
    if target is None:
        return replace(base, reason=blocked)
    generated = _generated(ws, target)
    if generated is not None:
        return replace(base, reason=f"{target} says it is generated (`{generated}`): an edit "
                                    f"is lost when it is generated again; document {name} "
                                    "where it is generated from")
    loader = ws.derived.keyed(_LOADED_BY, target, lambda: _loaded_by(ws, target))
    if loader is not None:
        return replace(base, reason=f"{target} is also the env_file of {loader}: a `{name}=` "
                                    "written there would reach its container as an empty "
                                    "value, over the default its code may read")
    requiring = None if ws.tree.exists(target) else \
        ws.derived.keyed(_DOTENV_REQUIRED, posixpath.dirname(target),
                         lambda: _dotenv_required(ws, posixpath.dirname(target)))
    if requiring is not None:
        stack_requiring, how = requiring
        of = "" if stack_requiring is home else f" of {stack_requiring.docs[0].path}"
        return replace(base, reason=(
            f"a service{of} {how}: an example file written now would list what the compose "
            "files read, not what the services read from that file, which fixer does not "
            "gather from their code: write it by hand"))
    # the image's value, where Compose's empty string replaces it: what a copied example
    # then keeps
    kept = emptied[1] if emptied else ""
    build = (lambda: [_edit(ws, home, target, name, first, uses + kin, kept)])
    why = (f"{elsewhere[0]} documents {name} already: the fix writes it into {target} "
           "too, where copying or moving that file may be what the project wants") \
        if elsewhere else _run_from_above_guessed(ws, stack, home, target)
    if why:
        return replace(base, reason=why,
                       fix=Fix(f"Document {name} in {target} ({why})", Safety.UNSAFE, build))
    return replace(base, fix=Fix(f"Document {name} in {target}", Safety.SAFE, build))


def _generated(ws: Workspace, path: str) -> str | None:
    """The line of the file's first ones that says a tool writes it ("AUTO-GENERATED by
    scripts/gen_env.py -- DO NOT EDIT"), shortened; None where it says none."""
    file = ws.read(path) if ws.tree.exists(path) else None
    return generated_by(ws.tree, path, file.text) if file is not None else None


def _loaded_by(ws: Workspace, path: str) -> str | None:
    """The first service, of any stack, that loads the file as its `env_file`: an example
    file loaded so is the container's configuration too, not documentation only."""
    return next((service.name for each in ws.stacks for service in each.services.values()
                 if path in service.env_files()), None)


def _run_from_above_guessed(ws: Workspace, stack: Stack, home: Stack,
                            target: str) -> str | None:
    """Why the example file may be the wrong one: fixer documents the stack's variables in
    the folder above, from which it takes the stack to be run (`run_from_above`: its builds
    name Dockerfiles found only from there), where no script or guide runs it so (`-f` from
    that folder, `--project-directory`). Run from its own folder, Compose reads the `.env`
    there."""
    above = run_from_above(ws, stack)
    if home is stack or above is None or above != home.folder or above in \
            project_directories(ws):
        return None
    if any(run.command.folder == above for doc in stack.docs
           for run in compose_runs(ws, doc.path)):
        return None   # a script runs it from there
    first = stack.docs[0].path
    return (f"fixer takes {first} to be run from {above or 'the root'} (given with "
            f"`--project-directory {above or '.'}`, or with `-f` after a compose file there), as "
            "its builds name Dockerfiles found only from there, but nothing in the repository "
            f"runs it so: run from {stack.folder}/, Compose reads {stack.folder}/.env, which "
            f"{target} does not document")


def _dotenv_required(ws: Workspace, folder: str) -> tuple[Stack, str] | None:
    """A stack, and how it does, that gives its containers the folder's `.env`, which the
    repository does not hold: one of the folder (this one, or another whose compose file
    sits beside it, the dev stack's file beside a `docker-compose.prod.yml`) that loads it
    as an env_file, or a stack of another folder that loads it (`env_file: ../.env`):
    C007's error, which a new example file there would pass for the answer to; or a stack
    that bind-mounts it into a container (`_dotenv_mounted`)."""
    dotenv = posixpath.join(folder, ".env")
    loading = next((each for each in ws.stacks
                    if each.folder == folder and each.requires_missing_dotenv(ws.tree)),
                   None) or \
        next((each for each in ws.stacks if each.requires_missing(ws.tree, dotenv)), None)
    if loading is not None:
        return loading, "loads the .env, which the repository does not hold, as its env_file"
    return next(_dotenv_mounted(ws, posixpath.normpath(dotenv)), None)


def _dotenv_mounted(ws: Workspace, dotenv: str) -> Iterator[tuple[Stack, str]]:
    """Each stack that bind-mounts the `.env` into a container, and how: the file itself
    (`./.env:/app/.env`, read by the app's settings), or a folder holding it (`./:/app`)
    into the container of an app whose code reads a `.env` (`env_file=".env"`)."""
    for stack in ws.stacks:
        for service in stack.services.values():
            for written, path, target in relative_bind_mounts(service):
                if path == dotenv:
                    yield stack, (f"mounts the .env, which the repository does not hold, "
                                  f"into its container (`{written}:{target}`)")
                elif within(dotenv, "" if path == "." else path) and \
                        (reader := _reads_a_dotenv(ws, service)) is not None:
                    yield stack, (f"mounts the folder of the .env, which the repository does "
                                  f"not hold, into a container (`{written}:{target}`) whose "
                                  f"app reads a .env ({reader})")


# pydantic settings that read a `.env` file (`env_file=".env"`); python-dotenv's loaders
# are `LOADS_DOTENV`
_SETTINGS_DOTENV = lazy_compile(r"""\benv_file\s*=\s*\(?\s*["'][^"'\n]*\.env["']""")
# the most files of a build context read for it
_DOTENV_READERS_READ = 500


def _reads_a_dotenv(ws: Workspace, service: Service) -> str | None:
    """The first Python file of the service's build context that reads a `.env` file, as
    `path:line`; None for a service fixer builds no image of, or whose code reads none."""
    if not isinstance(service, BuiltService):
        return None
    python = [p for p in files_under(ws.tree, service.app.folder) if p.endswith(".py")]
    for path in python[:_DOTENV_READERS_READ]:
        file = ws.scan(path)
        found = [m for pattern in (_SETTINGS_DOTENV, LOADS_DOTENV)
                 if file is not None and (m := pattern.search(file.text)) is not None]
        if file is not None and found:
            first = min(m.start() for m in found)
            return f"{path}:{file.text.count(chr(10), 0, first) + 1}"
    return None


def _also_at(first: Use, uses: list[Use]) -> str:
    """The other places the same text is written (`, also at docker-compose.prod.yml:11`):
    a `$$` is an edit at each, and the stacks of one folder share this one finding."""
    places = dict.fromkeys(f"{u.doc.path}:{u.line}" for u in uses if u.ref.bare and
                           (u.doc.path, u.line) != (first.doc.path, first.line))
    return f", also at {', '.join(places)}" if places else ""


# per workspace: each variable the example files of the repository document, with the files
_EXAMPLE_NAMES: Memo[dict[str, list[str]]] = Memo("variables of every example file")


def _documented_elsewhere(ws: Workspace, stack: Stack, name: str) -> list[str]:
    """The example files elsewhere in the repository that document `name`, in path order:
    not the project folder's (the variable would be covered), nor those of another stack's
    project folder, which document that stack."""
    found = ws.derived.get(_EXAMPLE_NAMES, lambda: _example_names(ws))
    projects = {other.folder for other in ws.stacks if other is not stack}
    return [path for path in found.get(name, []) if posixpath.dirname(path) not in projects]


def _example_names(ws: Workspace) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in files_under(ws.tree, ""):
        name = posixpath.basename(path)
        # peeked: a file no rule reads is no input error of this run (git-crypt, binary)
        file = ws.tree.peek(path) if name in EXAMPLES or is_example_name(name) else None
        if file is not None:
            for defined in documented_names(file.text):
                found.setdefault(defined, []).append(path)
    return found


def _reads_itself(service: Service, name: str) -> bool:
    """The service's `environment` extends `name` with its own value (`PYTHONPATH:
    /code:$PYTHONPATH`): what was meant is the container's value, which Compose never sees.
    A plain pass-through (`PORT: ${PORT}`) is Compose's own use of it, not this, a stray
    quote beside it too (`POSTGRES_USER: ${POSTGRES_USER}"`)."""
    pattern = re.compile(rf"(?<!\$)\$(?:\{{{name}\}}|{name}\b)")
    return any(key == name and raw is not None and pattern.search(raw) is not None and
               pattern.sub("", raw).strip(" \t\"'") != ""
               for _doc, value in service.all("environment")
               for key, raw, _node in mapping_or_list(value))


def _container_sets(service: Service, name: str) -> str:
    """What gives the container the variable: "the `environment`" (compose) or "the image's
    `ENV`" (the final stage of the Dockerfile it builds); "" when neither does."""
    if name in _environment_keys(service):
        return "the `environment`"
    app = service.app
    if app is not None and any(i.cmd == "ENV" and name in i.value[::2]
                               for i in app.stage.instructions):
        return "the image's `ENV`"
    return ""


def _image_value_replaced(stack: Stack, services: Iterable[str], name: str
                          ) -> tuple[str, str] | None:
    """(service, value) where the service's `environment` passes `name` on (`NAME:
    ${NAME}`) and the image it builds sets it (`ENV NAME=info`): the empty string Compose
    substitutes replaces the image's value."""
    for each in services:
        service = stack.services[each]
        app = service.app
        if app is None or not _passes_on(service, name):
            continue
        # the build args compose gives (`UI_VERSION: ${UI_VERSION}`) replace the ARG
        # defaults an ENV reads: such a value is not the image's to keep
        value = run_env(app.dockerfile, app.stage, service.build_args()).values.get(name)
        if value and "$" not in value:
            return each, value
    return None


def _passes_on(service: Service, name: str) -> bool:
    return any(key == name and raw is not None and raw.strip() in (f"${{{name}}}", f"${name}")
               for _doc, value in service.all("environment")
               for key, raw, _node in mapping_or_list(value))


def _environment_keys(service: Service) -> set[str]:
    return {key for _doc, value in service.all("environment")
            for key, _val, _node in mapping_or_list(value)}


def _target(ws: Workspace, stack: Stack) -> tuple[str | None, str | None]:
    """The example file to write, or None and why there is none. The stack's example file
    that exists: the project folder's first, else the first of the one other folder that
    has them, when a build script gives Compose the `.env` beside it (`--env-file .env` for a
    stack in docker/): a new file in the project folder would split the stack's variables
    over two files. Beside an `env_file` only, that `.env` may not reach Compose's
    interpolation: display-only. Examples in
    several other folders: which one documents the stack is for a person to choose. With
    none, the first of _CREATED in the project folder, or beside the `.env` a build script
    gives Compose from another folder (a Makefile's `--env-file .env` for a stack in
    docker_compose/; another name or several such files: display-only). Never one git
    ignores: its lines
    would not be committed, and a run that leaves ignored files out would not see them and
    write them again."""
    unread = unread_env_files(ws, stack)
    if unread:
        return None, (f"{unread[0]}, a file a variable of the script decides: which file "
                      "sets the stack's variables, and which documents them, is for a person "
                      "to tell")
    readable = {folder: kept for folder, paths in stack_examples(ws, stack).items()
                if (kept := [p for p in paths if ws.read(p) is not None])}
    own = readable.pop(stack.folder, [])
    # another stack's env_file too (`env.dev.example` of the dev stack's `.env.dev`)
    loaded = {path for each in ws.stacks for path in loaded_env_files(each)}
    templates = _env_file_templates(own, loaded, posixpath.join(stack.folder, ".env"))
    if own and len(templates) == len(own):
        mine = {_name_key(path) for path in loaded_env_files(stack)}
        whose = "its services load" if all(_name_key(p) in mine for p in templates) else \
            "services of the folder's other compose files load"
        return None, (f"the stack's variables are documented in {names(own)}, "
                      f"the templates of the env_files {whose}; Compose reads "
                      f"`${{VAR}}` from {posixpath.join(stack.folder, '.env')}: which example "
                      "documents it is for a person to choose")
    own = [p for p in own if p not in templates]
    others = _other_templates(ws, stack, own)
    if own and len(others) == len(own):
        return None, (f"the folder's example files ({names(own)}) are the templates of other "
                      f"env files than the {posixpath.join(stack.folder, '.env')} Compose "
                      "reads `${VAR}` from: which file documents the stack's variables is for "
                      "a person to choose")
    own = [p for p in own if p not in others]
    # so are those of the folder of the `.env` a build script gives Compose with
    # `--env-file` (`.env.obs.dev.example` beside it, for a stack in compose/)
    run_with = {posixpath.dirname(p) for p in env_files(ws, stack)}
    elsewhere = {folder: sorted(set(paths) - _other_templates(ws, stack, paths, folder),
                                key=paths.index) if folder in run_with else paths
                 for folder, paths in readable.items()}
    if not own and readable and not any(elsewhere.values()):
        shown = [p for paths in readable.values() for p in paths]
        return None, (f"the example files beside the env file the stack is run with "
                      f"({names(shown)}) are the templates of other env files: which file "
                      "documents the stack's variables is for a person to choose")
    readable = {folder: paths for folder, paths in elsewhere.items() if paths}
    guide = None if own or readable else _env_guide(ws, stack)
    if guide is not None:
        return None, (f"{guide} lists the `.env` to write for the stack's variables: document "
                      f"it there, beside them (a new {_CREATED[0]} would list them in two "
                      "places)")
    if not own and len(readable) > 1:
        firsts = names([paths[0] for paths in readable.values()])
        return None, (f"the stack's variables are documented in {firsts}: which one to extend "
                      "is for a person to choose")
    given = {posixpath.dirname(p) for p in env_files(ws, stack)}
    if not own and readable and next(iter(readable)) not in given:
        # beside an `env_file` only: that `.env` sets the containers' variables, and Compose
        # reads `${VAR}` from the project folder's `.env` unless it is given another
        first = next(iter(readable.values()))[0]
        return None, (f"the stack's variables are documented in {first}, beside the env_file "
                      f"its services load; Compose reads `${{VAR}}` from "
                      f"{posixpath.join(stack.folder, '.env')} unless a script gives it that "
                      "file with `--env-file`: which example documents it is for a person "
                      "to choose")
    outside = [p for p in env_files(ws, stack) if not within(posixpath.dirname(p), stack.folder)]
    if not own and not readable and outside:
        if len(outside) > 1 or posixpath.basename(outside[0]) != ".env":
            return None, (f"a build script runs Compose with `--env-file {outside[0]}`"
                          f"{' (and others)' if len(outside) > 1 else ''}, outside the "
                          f"project folder {stack.folder or '.'}: which example documents "
                          "the variables it reads is for a person to choose")
    # beside the one `.env` a build script gives Compose (`--env-file .env` for a stack in
    # docker/): the project folder's `.env` is not read then
    home = posixpath.dirname(outside[0]) if not own and not readable and outside \
        else stack.folder
    candidates = own or next(iter(readable.values()), []) or \
        [posixpath.join(home, n) for n in _CREATED]
    ignored = ws.tree.ignored(candidates)
    kept = [p for p in candidates if p not in ignored]
    if kept:
        return kept[0], None
    what = "lines added to it" if ws.tree.exists(candidates[0]) else "a new example file"
    return None, (f"the repository's .gitignore ignores {candidates[0]}, so {what} would not "
                  "be committed")


def _env_guide(ws: Workspace, stack: Stack) -> str | None:
    """The Markdown file whose code block lists variables the stack reads (a README's
    "## .env" section), where the stack has no example file."""
    read = set(_by_name(stack))
    return next((path for name, path in stack_variables(ws, stack).examples.items()
                 if name in read and path.lower().endswith(".md")), None)


def _env_file_target(ws: Workspace, stack: Stack, home: Stack, name: str,
                     uses: list[Use]) -> tuple[str | None, str | None] | None:
    """The example file to write, or None and why there is none, where every Compose
    command of the build scripts that loads a file reading `name` gives `--env-file`
    (`docker compose -f docker-compose.yml -f docker-compose.prod.yml --env-file
    .env.production up`): Compose never reads the project folder's `.env` for that file,
    and `.env.example`, that file's template, is not where anyone looks for the variable.
    The target is then the one template of the files given, the example file beside each
    that `stack_examples` counts (`_templates`); where the files have several, or one has
    none, which example documents it is for a person to choose. None (the project folder's
    example stands) where a file reading it may be loaded with that `.env`: a default file
    `docker compose up` loads, COMPOSE_FILE set, a command with no `--env-file`, or no
    command of a script that loads the file at all (a person's, by hand)."""
    paths = list(dict.fromkeys(u.doc.path for u in uses if u.ref.bare))
    runs: list[ComposeRun] = []
    for path in paths:
        found = [] if posixpath.basename(path) in DEFAULT_FILES else compose_runs(ws, path)
        if not found or any(not run.env_files for run in found):
            return None
        runs.extend(found)
    if _compose_file_set(ws, stack, home):
        return None
    loaded = loaded_env_files(stack)
    by_run = [list(dict.fromkeys(t for given in run.env_files
                                 for t in _templates(ws, home, given, loaded))) for run in runs]
    dotenv = posixpath.join(home.folder, ".env")
    head = (f"every Compose command that loads {names(paths)} gives `--env-file` "
            f"({names(list(dict.fromkeys(run.where for run in runs)))}), so Compose reads "
            f"{name} from the files given, never from {dotenv}")
    lacking = list(dict.fromkeys(given for run, found in zip(runs, by_run) if not found
                                 for given in run.env_files))
    if lacking:
        return None, (f"{head}, and no example file is the template of {names(lacking)}: "
                      f"which one documents {name} is for a person to choose")
    candidates = list(dict.fromkeys(t for found in by_run for t in found))
    if len(candidates) > 1:
        return None, (f"{head}, and their templates are {names(candidates)}: which one "
                      f"documents {name} is for a person to choose")
    if ws.tree.ignored(candidates):
        return None, (f"the repository's .gitignore ignores {candidates[0]}, so lines added "
                      "to it would not be committed")
    return candidates[0], None


def _compose_file_set(ws: Workspace, stack: Stack, home: Stack) -> bool:
    """COMPOSE_FILE is set for Compose (in the project folder's `.env` or its template, or
    by a build script): a `docker compose up` with no `-f` may then load any file of the
    stack, with that `.env`."""
    key = "COMPOSE_FILE"
    return key in stack.dotenv or key in home.dotenv or key in compose_variables(ws, stack) \
        or any(key in example_file_names(ws, p) for p in examples(ws, home.folder, set()))


def _templates(ws: Workspace, home: Stack, given: str, loaded: set[str]) -> list[str]:
    """The example files that document the env file `given` (a build script's
    `--env-file`): those of its folder, which `stack_examples` counts for the stack; of
    them, those with its name where there are any (`env.production.example` of
    `.env.production`). In the project folder, only those: its others are the template of
    the `.env` the command does not read."""
    folder = posixpath.dirname(given)
    readable = [p for p in examples(ws, folder, loaded) if ws.read(p) is not None]
    named = [p for p in readable if _name_key(p) == _name_key(given)]
    return named if named or folder == home.folder else readable


def _edit(ws: Workspace, stack: Stack, target: str, name: str, first: Use,
          uses: list[Use], fallback: str = "") -> Edit:
    # named from the example file's folder: the root one of a stack in docker/ says so
    where = posixpath.relpath(first.doc.path, posixpath.dirname(target) or ".")
    header = f"# {first.readers[0]} ({where})"
    others = [r for r in dict.fromkeys(r for u in uses for r in u.readers) if r != first.readers[0]]
    file = ws.read(target)
    lines = ([f"# {name} is also read by {_readers(others)}"] if others else []) + \
        [_assignment(file, name, _value(name, uses + _folder_uses(ws, stack, name), fallback))]
    if file is None:
        beside = ws.tree.exists(posixpath.join(stack.folder, ".env"))
        intro = _INTRO_BESIDE_DOTENV if beside else _INTRO
        return CreateFile(target, "\n".join([intro, "", header, *lines]) + "\n")
    opens = partial(_opens_group, header=header, service=first.readers[0])
    into = _group_end(file, header, first.readers[0])
    if into is not None:   # the service's group, written by an earlier fix or by hand
        return TextEdit(target, into, into, file.newline.join(lines) + file.newline)
    first_uses = ws.derived.keyed(_FIRST_USES, stack, lambda: _first_uses(stack))
    before = _later_paragraph(ws, target, file, first_uses, name)
    if before is not None:
        paragraph = file.newline.join([header, *lines]) + file.newline * 2
        return TextEdit(target, before, before, paragraph,
                        _shares(stack, file, first_uses.get(name), header))
    text, apart = _appended(file, header, lines, opens)
    return TextEdit(target, len(file.text), len(file.text), text,
                    _shares(stack, file, first_uses.get(name), header) if apart else None)


def _shares(stack: Stack, file: TextFile, rank: tuple[int, int] | None,
            header: str) -> SharedPoint | None:
    """What lets the paragraph under `header` go where another variable's does in one fix
    round: each was written without the other, and they go in the order of first use,
    where `_later_paragraph` would have put each, one fix at a time. Not where the file
    sets `=` apart (`_assignment`): one written line may change how the next is aligned."""
    if rank is None or _assignment(file, "X", "") != "X=":
        return None
    return SharedPoint("C006 " + ",".join(doc.path for doc in stack.docs), rank, header)


# the other readers a comment names: a variable every service of a thousand reads is not
# documented by a line of ten thousand characters
_READERS_NAMED = 5


def _readers(others: list[str]) -> str:
    """`a, b, c`; past `_READERS_NAMED` of them, `a, b, c, d, e and 995 more`."""
    return ", ".join(others) if len(others) <= _READERS_NAMED else \
        names(others, most=_READERS_NAMED)


def _later_paragraph(ws: Workspace, target: str, file: TextFile,
                     first: Mapping[str, tuple[int, int]], name: str) -> int | None:
    """Where a new paragraph for `name` goes among those earlier fixes of this run wrote:
    before the first whose variables the stack reads first after `name` (`first`: where
    the stack first reads each), so the file lists them in the order of first use whichever
    fix a run applies first. None: at the end. An author's paragraphs keep their place, and
    what follows them stays appended."""
    mine = first.get(name)
    original = ws.tree.original(target)
    written_from = len(original.text) if original is not None else 0
    if mine is None:
        return None
    for start, text in _paragraphs(file.text):
        if start < written_from:
            continue
        ranks = [first[n] for n, _before, _after in _ASSIGNED.findall(text) if n in first]
        if ranks and min(ranks) > mine:
            return start
    return None


# per workspace: where each stack's files first read each variable (a run builds the edits
# of every pending fix each round, and each asks for the order)
_FIRST_USES: Memo[dict[Stack, dict[str, tuple[int, int]]]] = Memo("first use of each variable")
# a variable read (`${NAME}`, `${NAME:-x}`, `$NAME`; not `$$NAME`, the container shell's)
_READ = lazy_compile(r"(?<!\$)\$\{?([A-Za-z_][A-Za-z0-9_]*)")


def _first_uses(stack: Stack) -> dict[str, tuple[int, int]]:
    """Where the stack's files first read each variable: its file's place among them and
    the offset there, the order `_uses` walks them in; found by a search of the texts."""
    found: dict[str, tuple[int, int]] = {}
    for at, doc in enumerate(stack.docs):
        for read in _READ.finditer(doc.file.text):
            found.setdefault(read.group(1), (at, read.start()))
    return found


def _paragraphs(text: str) -> Iterator[tuple[int, str]]:
    """(offset, text) of each paragraph of the file: lines between blank ones."""
    start: int | None = None
    offset = 0
    for line in text.splitlines(keepends=True):
        if line.strip() and start is None:
            start = offset
        elif not line.strip() and start is not None:
            yield start, text[start:offset]
            start = None
        offset += len(line)
    if start is not None:
        yield start, text[start:]


# what frames a heading comment's name: `# ── ms-chatbot ─────`, `# --- api ---`
_FRAMING = " \t#─━═-=*_~|:>"


def _opens_group(line: str, header: str, service: str) -> bool:
    """The line heads the service's group: the header fixer writes, or a comment naming the
    service alone in the file's own framing (`# ── ms-chatbot ───`)."""
    line = line.rstrip("\r\n")
    return line == header or line.lstrip().startswith("#") and \
        line.strip(_FRAMING).lower() == service.lower()


def _group_end(file: TextFile, header: str, service: str) -> int | None:
    """The offset just after the last line of the paragraph that the service's heading
    (`_opens_group`) heads, when that is not the file's last paragraph (`_appended` extends
    that one) and its lines end with a line ending; None otherwise."""
    groups = file.derived.get(_HEADINGS, lambda: _Headings(file.text))
    found = [at for at in (groups.exact.get(header), groups.framed.get(service.lower()))
             if at is not None]
    if not found:
        return None
    lines = groups.lines
    end = min(found)
    while end + 1 < len(lines) and lines[end + 1].strip():
        end += 1
    if end >= groups.last_filled or not lines[end].endswith("\n"):
        return None
    return groups.starts[end + 1]


class _Headings:
    """The lines of an example file that may head a service's group (`_opens_group`), by
    what they say: each fix of a round looks for its service's, and a file of a thousand
    groups was read line by line for each."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines(keepends=True)
        self.starts = [0]
        self.exact: dict[str, int] = {}    # a comment line as written: fixer's own header
        self.framed: dict[str, int] = {}   # the name a framed comment gives, in lower case
        self.last_filled = -1              # the last line that is not blank
        for index, line in enumerate(self.lines):
            self.starts.append(self.starts[-1] + len(line))
            if line.strip():
                self.last_filled = index
            if line.lstrip().startswith("#"):
                bare = line.rstrip("\r\n")
                self.exact.setdefault(bare, index)
                self.framed.setdefault(bare.strip(_FRAMING).lower(), index)


# per example file's text: its group headings
_HEADINGS: Memo[_Headings] = Memo("group headings of an example file")


def _folder_uses(ws: Workspace, stack: Stack, name: str) -> list[Use]:
    """The uses of `name` with a default in the other stacks of the project folder: they
    read the same `.env`, where `NAME=` (empty, but set) would override a `${NAME-dflt}`
    default of theirs."""
    return [use for other in ws.stacks if other is not stack and other.folder == stack.folder
            for use in _uses(other) if use.ref.name == name and use.ref.default]


# an assignment line of an env file, up to its value: the name and the blanks around `=`
_ASSIGNED = lazy_compile(r"^[ \t]*([A-Za-z_]\w*)([ \t]*)=([ \t]*)", re.M)


def _assignment(file: TextFile | None, name: str, value: str) -> str:
    """`NAME=value`, in the style of the file's own assignments: `NAME = value` where they
    all set `=` apart, its column kept where they align it (`DB_USER      = postgres`)."""
    written = _ASSIGNED.findall(file.text) if file is not None else []
    if not written or not all(before and after for _name, before, after in written):
        return f"{name}={value}"
    columns = {len(n) + len(before) for n, before, _after in written}
    column = columns.pop() if len(columns) == 1 and len(written) > 1 else 0
    return f"{name.ljust(column - 1)} = {value}".rstrip()


def _value(name: str, uses: list[Use], fallback: str = "") -> str:
    """A default another use gives (else `fallback`), written so that Compose's .env parser
    reads it back; not a volume's (`${MODEL_DIR:-/tmp/empty}:/models`), a placeholder host
    path where the app may read the variable's emptiness. None where the uses give
    different defaults (`${DB_USER:-neo4j}` and `${DB_USER:-postgres}`): one of them
    written in would change what the other's service does."""
    defaults = list(dict.fromkeys(u.ref.default for u in uses if u.ref.default and not u.mounted))
    if len(defaults) > 1:
        return ""
    default = defaults[0] if defaults else fallback
    if not default or _SECRET.search(name) or "${" in default:  # a nested one: not a value
        return ""
    if _PLAIN.fullmatch(default):
        return default
    return f"'{default}'" if "'" not in default and "\n" not in default else ""


def _appended(file: TextFile, header: str, lines: list[str],
              opens: Callable[[str], bool]) -> tuple[str, bool]:
    """What to add at the end of `file`: in its last paragraph when a line that `opens` the
    service's group heads it, else a new paragraph under `header`; in the file's line
    endings, and with a final newline only when the file ends with one. And whether it is
    a paragraph a blank line sets apart from all before it (others may go beside it)."""
    existing = file.text.splitlines()
    paragraph: list[str] = []
    for line in reversed(existing):
        if not line.strip():
            break
        paragraph.insert(0, line)
    block = lines if paragraph and opens(paragraph[0]) else [header, *lines]
    if block[0] == header and existing and existing[-1].strip():
        block = ["", *block]
    newline = file.newline
    if not file.text or file.ends_with_newline:
        return newline.join(block) + newline, block[0] == ""
    return newline + newline.join(block), block[0] == ""

