"""The final stage starts the app with a shell-form CMD or ENTRYPOINT.

## What it does
Finds a `CMD` or `ENTRYPOINT` written in shell form (`CMD uvicorn app.main:app`) in
the final stage (or the stage `build.target` names) of every built service, or the one it
inherits from the stage it is built FROM (`FROM base AS release` with no CMD runs base's;
an ENTRYPOINT of the stage's own resets the inherited CMD, as Docker does), once per
instruction. Exec forms are never reported, `["sh", "-c", "…"]` wrappers that expand a
variable included.

## Why is this bad?
Shell form runs `/bin/sh -c "…"`: the shell is PID 1, and `docker stop` sends SIGTERM
to the shell, which does not pass it on. The server never shuts down gracefully; it
is killed after the stop timeout, dropping in-flight requests. On an image without a
shell (distroless, `scratch`) it is worse: there is no `/bin/sh` to run, and the
container does not start. Under an init in ENTRYPOINT (`tini`, `dumb-init`) the shell is
the init's child instead, and still between it and the app; `tini -g` and `dumb-init`
(unless `--single-child`) signal the child's whole group, so the finding says the app gets
SIGTERM there. Under a bash `SHELL` a lone command, its expansions included, and the last
command of an `&&` list replace the shell (bash 5.2 does that for `-c`, not for a pipeline,
a subshell, a redirect of that command, a trap or a `;` list; dash, Debian's `/bin/sh`,
does not); BusyBox sh, the `/bin/sh` of Alpine images, does it for a lone command (not for
an `&&` list). The finding says so there: exec form, or `exec` before the command, starts
the app the same way without depending on the shell.

## Example
```dockerfile
CMD uvicorn app.main:app --host 0.0.0.0 --port 8000
```

## Use instead
```dockerfile
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
```

A shell form whose chain already `exec`s its last command (`CMD exec uvicorn … --port
$PORT`) is not reported: the server replaces the shell as PID 1 and gets SIGTERM. Nor is
one whose author switched the same check off for another linter: BuildKit's `# check=skip=
JSONArgsRecommended` (or `skip=all`) at the top of the Dockerfile, or hadolint's `# hadolint
ignore=DL3025` right above it (`# hadolint global ignore=DL3025` anywhere).

## Fix safety
Safe when the command is plain words: the JSON array runs exactly what the shell
ran, minus the shell. Unsafe when it uses shell features (`$VAR`, `&&`, `;`, `&`,
redirects, globs, a trailing `#` comment, whose words exec form would pass to the program
while the shell drops them): it becomes `["sh", "-c", "… exec LAST"]` (the stage's `SHELL`
when it sets one), with `exec` before the last command of the `&&`/`;`/`&` chain,
so the server replaces the shell and gets SIGTERM (`celery … & exec uvicorn …`).
Also unsafe when exec form changes how CMD and ENTRYPOINT combine: a shell-form
ENTRYPOINT ignores CMD, compose `command:` and the `args:` a Kubernetes manifest or Helm
values file of the repository gives the image (its container's image is the service's, as
P001 matches deployments, or the repository builds one app), an exec-form one appends
them; a CMD after an ENTRYPOINT (not one `ENTRYPOINT []` clears) is passed to it as `sh -c`
arguments in shell form, unless that
ENTRYPOINT is an init in exec form (`["/usr/bin/tini", "--"]`, `dumb-init`), which runs
the CMD as its child and passes it signals: exec form is how a CMD follows one.
Unsafe as well when the command runs a `./…` or `….sh` script fixer does not find in the
repository: one without a `#!` line runs only under sh. Display-only where it finds the
script without a `#!` line (sh reads such a file itself; exec form makes the kernel run it,
which fails with "exec format error"): the reason says to give it one, and an `exec`.
Display-only when the instruction is in a stage that another stage is built FROM too
(`base`, under `release` and `worker`): exec form there changes that image as well. So is
a command that reads a build arg the container does not have (`ARG PORT=8080`, no `ENV
PORT=${PORT}`, no compose `environment` setting it: `--port $PORT`): Docker substitutes no
variable in CMD or ENTRYPOINT, the shell expands it to nothing, and `sh -c` would not start
the app either; the reason says to add the `ENV`.
A shell-form `sh -c "…"` wrapper keeps its shell and gets the same `exec` (unsafe
when its script uses shell features), behind a wrapper program too (`uv run sh -c "…"`).
Display-only where no `exec` can reach the server: a pipeline, `||` (but that of an
earlier command where a `;` or a line break starts the last: `alembic upgrade head ||
exit 1; uvicorn …` gets its `exec`), a subshell,
or a chain that ends in a builtin such as `wait` keeps the shell as PID 1 (run
the commands from a script that ends in `exec`); a chain whose server is not its last
command (`uvicorn …; sleep infinity`, `uvicorn … && echo stopped`), where `exec` would
go to that command; under a non-POSIX `SHELL` (BusyBox's `/busybox/sh` of a distroless
`:debug` image is a POSIX one); where the stage's `SHELL` sets something up
that exec form
would skip (a wrapper such as `conda run -n svc /bin/bash -c` or `micromamba run`, a login
or interactive shell, `bash --login -c`, that reads profile files, or bash with `BASH_ENV`
set): the app may need the environment it puts on PATH; and for
a list in single quotes (`CMD ['uvicorn', ...]`), which Docker does not read as JSON:
wrapped in `sh -c` it would stay broken, and the author writes the double quotes; so is a
list that does not parse as JSON (`"--port". "8000"`, a missing `]`, words left
unquoted: `[uvicorn, app.main:app]`), with the parse error. Unsafe as well where the
base image may set the Python interpreter as its ENTRYPOINT (Chainguard's python images,
their `-dev` tags too) and the stage sets none: the CMD is its arguments in either form.
Display-only on an image without a shell (distroless, `scratch`, no shell copied in)
when exec form would not start it either: the command needs a shell (shell features, a
`sh -c` wrapper), or it is a CMD under distroless Python's inherited ENTRYPOINT (the
interpreter), which would run `python3 python …`; the reason says what to write (where the
CMD runs a virtualenv's program, `/app/.venv/bin/uvicorn` or a venv's `bin` first on PATH,
the image's interpreter does not see the venv's packages: the reason says how it can).
"""

from __future__ import annotations

import ast
import json
import posixpath
import re
from collections.abc import Iterator
from dataclasses import replace
from functools import partial

from fixer.core.edits import Edit
from fixer.core.lazyre import lazy_compile
from fixer.facts.image.images import Family, base_image, family_of, interpreter_entrypoint
from fixer.facts.pydeps.install_paths import active_venv, venv_of
from fixer.facts.ports.kubernetes import builds_one_app, container_args, deployed_images
from fixer.model.rule import Category, Fix, Safety, Severity, Violation
from fixer.model.appservice import is_app_service
from fixer.model.image_paths import locate, workdir
from fixer.model.services import BuiltService, by_stage, runs_the_image
from fixer.model.workspace import Workspace
from fixer.sources.dockerfile import (
    Dockerfile,
    Instruction,
    Stage,
    chain,
    cmd_in_force,
    entrypoint,
    heir_beside,
    stage_at,
)
from fixer.sources.dockertext import commands, program_at, tokenize
from fixer.sources.launch import SERVERS, SHELL_NAMES, find_launch
from fixer.sources.lintskips import skipped_by
from fixer.sources.portsites import build_only

from .execform import (
    DEFAULT_SHELL,
    POSIX_SHELLS,
    bash_hands_over,
    convert,
    exec_last,
    exec_shown,
    json_array,
    shell_features,
    wrapped_script,
)

CODE = "D002"
NAME = "shell-form-cmd"
CATEGORY = Category.DOCKERFILE
SEVERITY = Severity.WARNING
SAFETY = (Safety.SAFE, Safety.UNSAFE, Safety.DISPLAY)


def detect(ws: Workspace) -> Iterator[Violation]:
    # One finding per instruction: the stages built FROM one stage (`release`, `worker`)
    # run the CMD they inherit from it, and a fix of it is a fix of each.
    found: dict[tuple[str, int], tuple[Instruction, list[Stage]]] = {}
    groups: dict[tuple[str, int], list[BuiltService]] = {}
    for services in by_stage(ws.apps()).values():
        app = services[0].app
        for instruction in _in_force(app.dockerfile, app.stage):
            key = (app.dockerfile.path, instruction.start)
            found.setdefault(key, (instruction, []))[1].append(app.stage)
            groups.setdefault(key, services)
    for key, (instruction, finals) in found.items():
        services = groups[key]
        app = services[0].app
        if not _hands_over(services, app.dockerfile, app.stage, instruction) and \
                skipped_by(app.dockerfile.file.text, instruction.start,
                           "JSONArgsRecommended", "DL3025") is None:
            report = _report(ws, services, app.dockerfile, app.stage, instruction)
            yield _shared_stage(report, app.dockerfile, finals, instruction)


def _in_force(dockerfile: Dockerfile, stage: Stage) -> list[Instruction]:
    """The shell-form CMD and ENTRYPOINT the stage runs: its own, else those it inherits
    from the stage it is built FROM."""
    found = (cmd_in_force(dockerfile, stage), entrypoint(dockerfile, stage))
    return [i for i in found if i is not None and not i.json]


def _shared_stage(report: Violation, dockerfile: Dockerfile, finals: list[Stage],
                  instruction: Instruction) -> Violation:
    """The finding with no fix where the instruction is in a stage that another target is
    built FROM too (`base`, under `release` and `worker`): exec form there changes what
    that image runs as well, which this finding does not judge."""
    holder = stage_at(dockerfile, instruction.start)
    other = next((o for final in finals if holder is not None
                  for o in [heir_beside(dockerfile, holder, final)] if o is not None), None)
    if report.fix is None or holder is None or other is None:
        return report
    return replace(report, fix=None, reason=(
        f"the {instruction.cmd} is in stage `{holder.name or holder.index}`, which stage "
        f"`{other.name or other.index}` is also built FROM: exec form there changes that "
        f"image too; give the final stage a {instruction.cmd} of its own in exec form"))


def _hands_over(services: list[BuiltService], dockerfile: Dockerfile, stage: Stage,
                instruction: Instruction) -> bool:
    """The shell `exec`s the last command of its chain itself (`CMD exec uvicorn …`, `. venv/
    bin/activate && exec uvicorn …`): the server replaces it as PID 1 and gets SIGTERM, and
    `["sh", "-c", …]` would run the same. Not where the image has no shell to start with."""
    command = " ".join(instruction.value)
    return exec_last(command) == command and \
        _shellless_base(services, dockerfile, stage) is None


def _subject(stage: Stage, kind: str) -> str:
    return f"{kind}:{stage.name or stage.index}"


def _stage_shell(dockerfile: Dockerfile, stage: Stage, before: Instruction) -> tuple[str, ...]:
    """The SHELL in force at `before` (the stage's own, else a parent stage's)."""
    for link in chain(dockerfile, stage):
        shells = [i for i in link.find("SHELL") if i.json and i.start < before.start]
        if shells:
            return shells[-1].value
    return DEFAULT_SHELL


def _combination_risk(ws: Workspace, services: list[BuiltService], dockerfile: Dockerfile,
                      stage: Stage, kind: str) -> str | None:
    if kind == "ENTRYPOINT":
        if cmd_in_force(dockerfile, stage) is not None:   # own or inherited
            return "an exec-form ENTRYPOINT appends the stage's CMD, which shell form ignored"
        if any(s.command() is not None for s in services):
            return "an exec-form ENTRYPOINT appends compose `command:`, which shell form ignored"
        deployed = _deployed_with_args(ws, services)
        return None if deployed is None else (
            f"{deployed} runs the image with `args:`, which an exec-form ENTRYPOINT appends "
            "and shell form ignored")
    if entrypoint(dockerfile, stage) is not None and \
            _init_entrypoint(dockerfile, stage) is None:   # own or inherited
        return "the CMD is passed to the ENTRYPOINT as arguments, which exec form changes"
    base = base_image(dockerfile, stage, services[0].build_args() if services else None)
    if entrypoint(dockerfile, stage) is None and interpreter_entrypoint(base):
        return (f"the base image {base} may set the Python interpreter as its ENTRYPOINT, "
                "which takes the CMD as its arguments in either form: write the CMD as the "
                "interpreter's arguments (`[\"-m\", \"uvicorn\", …]`) or set an ENTRYPOINT")
    return None


def _deployed_with_args(ws: Workspace, services: list[BuiltService]) -> str | None:
    """A Kubernetes manifest or Helm values file that runs the services' image with `args:`
    (matched by image as P001 matches deployments; any, when the repository builds one app):
    Kubernetes gives them to the ENTRYPOINT as Docker gives a CMD."""
    for service in services:
        images = deployed_images(ws, service.scalar("image"), service.app.dockerfile.path)
        found = container_args(ws, service.name, images, lambda: builds_one_app(ws))
        if found is not None:
            return found
    return None


# init processes made to run the CMD as their child and pass it signals
_INITS = frozenset({"tini", "tini-static", "dumb-init"})


def _init_entrypoint(dockerfile: Dockerfile, stage: Stage) -> str | None:
    """`tini` when the ENTRYPOINT in force is an init in exec form with options only
    (`["/usr/bin/tini", "--"]`, `["dumb-init", "--"]`): it runs the CMD's argv as its child,
    so exec form is how a CMD is meant to follow it."""
    found = entrypoint(dockerfile, stage)
    words = found.value if found is not None and found.json else ()
    name = posixpath.basename(words[0]) if words else ""
    return name if name in _INITS and all(w.startswith("-") for w in words[1:]) else None


def _signals_group(dockerfile: Dockerfile, stage: Stage) -> bool:
    """The init sends signals to its child's whole process group, the app included:
    `tini -g`, and `dumb-init` unless `--single-child` (`-c`) turns its default off."""
    found = entrypoint(dockerfile, stage)
    if found is None or not found.json or not found.value:
        return False
    options = found.value[1:]
    short = "".join(w[1:] for w in options if w.startswith("-") and not w.startswith("--"))
    if posixpath.basename(found.value[0]) == "dumb-init":
        return "--single-child" not in options and "c" not in short
    return "g" in short


def _broken_json(command: str) -> str | None:
    """Why `["uvicorn", "app.main:app", "--port". "8000"]` (a typo in a list of double-quoted
    words, a missing `]`, words left unquoted: `[uvicorn, app.main:app]`) is no JSON:
    Docker falls back to shell form with it. A shell test (`[ -f .env ] && ...`) is none."""
    text = command.strip()
    meant = text.startswith('["') or re.match(r"\[[^\s\[\]'\"]+,", text) is not None
    if not meant or _single_quoted_list(text):
        return None
    try:
        json.loads(text)
    except ValueError as exc:
        return f"{exc.msg} at character {exc.pos}" if isinstance(exc, json.JSONDecodeError) \
            else str(exc)
    return None


def _who_stops(replaced: str) -> str:
    """Which container a broken instruction stops: every one, or, where each service built
    from the image sets its own `command:` (or `entrypoint:`), one run without it."""
    if not replaced:
        return "the container does not start"
    return (f"a container run from the image without a `{replaced}:` (`docker run`) does not "
            f"start; every service built from it here sets its own")


def _single_quoted_list(command: str) -> bool:
    """`CMD ['uvicorn', 'app.main:app']`: meant as exec form, read by Docker as shell form
    (JSON takes double quotes only). Wrapping it in `sh -c` keeps it broken."""
    text = command.strip()
    if not (text.startswith("[") and text.endswith("]") and "'" in text):
        return False
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return False
    return isinstance(value, list) and all(isinstance(word, str) for word in value)


def _replaces(service: BuiltService, key: str) -> bool:
    """The service sets its own `command:` (or `entrypoint:`) where it is deployed: not
    only in a dev container's overlay (`.devcontainer/docker-compose.yml`), whose idle
    command keeps the editor's container up while `docker compose up` runs the CMD."""
    return any(".devcontainer" not in doc.path.split("/") for doc, _value in service.all(key))


def _harm(dockerfile: Dockerfile, stage: Stage, kind: str, command: str, runner: str,
          shell: str = "", app: str = "the app", replaced: str = "") -> str:
    """What shell form does here, for the finding's message; `app` names what the command
    runs (`_what_runs`); `replaced`, the compose key every service built from the image
    replaces the instruction with, where each does (`command`)."""
    if _single_quoted_list(command) or _broken_json(command) is not None:
        return (f"it is meant as a JSON list but is not valid JSON, so {runner} runs it as "
                f"one broken command and {_who_stops(replaced)}")
    init = _init_entrypoint(dockerfile, stage) if kind == "CMD" else None
    if init is not None and _signals_group(dockerfile, stage):
        return (f"{init} runs {runner}, not {app}, as its child (it signals the whole group, "
                f"so {app} gets SIGTERM too)")
    handed, through = _handed_over(dockerfile, stage, command, runner, shell)
    if init is not None and handed is None:
        return f"{init} passes SIGTERM to {runner}, which does not pass it to {app}"
    if kind == "CMD" and init is None and entrypoint(dockerfile, stage) is not None:
        return (f"the ENTRYPOINT is given it as `{runner} -c \"…\"`, and that shell does not "
                f"pass SIGTERM to {app}")
    if handed is not None:
        same = "exec form starts" if not shell_features(command) else "`exec` before it starts"
        return (f"it runs through {through}, which hands {handed} its process; {same} "
                f"{app} the same way without depending on the shell")
    where = (f" where the image runs without a `{replaced}:` (every service built from it "
             "here sets its own)") if replaced else ""
    return f"{runner} is PID 1 and does not pass SIGTERM to {app}{where}"


def _handed_over(dockerfile: Dockerfile, stage: Stage, command: str, runner: str,
                 shell: str) -> tuple[str | None, str]:
    """What the shell runs in its own process, replacing itself, and how the message names
    that shell: bash -c execs a lone simple command (and the last of an `&&` list); so does
    BusyBox sh, the `/bin/sh` of Alpine images, for a lone command (checked with `ps`:
    `busybox sh -c 'sleep 9'` leaves no shell, `… && sleep 9` keeps it). dash, Debian's
    `/bin/sh`, execs neither."""
    if wrapped_script(command) is not None:
        return None, ""
    if posixpath.basename(runner) == "bash":
        return bash_hands_over(command), f"`{shell}`"
    lone = bash_hands_over(command) == "a lone command"
    if lone and runner == "/bin/sh" and family_of(dockerfile, stage).manager == "apk":
        return "a lone command", "`/bin/sh` (BusyBox, on this Alpine base)"
    return None, ""


def _what_runs(ws: Workspace, services: list[BuiltService], command: str) -> str:
    """"the app" where the command starts a server fixer knows (uvicorn, gunicorn, …), or
    a script that app services run (`python main.py` calling `uvicorn.run`); else "the
    process": a test runner or a worker is no app, and the message must not call it one."""
    launch = find_launch(command.split(), shell_form=True)
    if launch is None:
        return "the process"
    if launch.server is not None or all(is_app_service(ws, s) for s in services):
        return "the app"
    return "the process"


def _report(ws: Workspace, services: list[BuiltService], dockerfile: Dockerfile, stage: Stage,
            instruction: Instruction) -> Violation:
    kind = instruction.cmd
    command = " ".join(instruction.value)
    # `sh -c "uvicorn … ${PORT}"`: the features are the wrapper's script's, not the CMD's
    features = shell_features(command) if wrapped_script(command) is None else []
    shellless = _shellless_base(services, dockerfile, stage)
    shell = _stage_shell(dockerfile, stage, instruction)
    runs = _past_env(shell)
    runner = "/bin/sh" if shell == DEFAULT_SHELL else runs[0]   # what Docker runs it with
    key = "command" if kind == "CMD" else "entrypoint"
    replaced = key if services and all(_replaces(s, key) for s in services) else ""
    harm = _harm(dockerfile, stage, kind, command, runner, " ".join(runs),
                 _what_runs(ws, services, command), replaced) if shellless is None else \
        f"the {shellless.label} base image has no /bin/sh, so the container cannot start"
    # the service the finding is about: one that runs the instruction (a `command:` of
    # compose replaces the CMD), else the first
    running = next((s for s in services if runs_the_image(s, kind)), services[0])
    base = Violation(
        message=f"{kind} in shell form: {harm}",
        path=dockerfile.path, line=instruction.line, service=running.name,
        subject=_subject(stage, kind))
    if _single_quoted_list(command):
        return replace(base, reason=f"the {kind} is a list in single quotes, which Docker does "
                                    "not read as JSON: sh runs it as one broken command; write "
                                    "it with double quotes")
    broken = _broken_json(command)
    if broken is not None:
        return replace(base, reason=f"the {kind} is meant as a JSON list but does not parse "
                                    f"({broken}): sh runs it as one broken command and "
                                    f"{_who_stops(replaced)}; correct the JSON")
    unset = _build_arg_read(ws, services, dockerfile, stage, command)
    if unset is not None:
        return replace(base, reason=(
            f"the {kind} reads the build arg {unset}, which the container does not have: "
            f"its shell expands `${unset}` to nothing, in shell form and in `sh -c` alike; "
            f"add `ENV {unset}=${{{unset}}}` after the ARG"))
    if shellless is not None:
        doubt = _shellless_doubt(shellless, dockerfile, stage, kind, command)
        if doubt is not None:
            return replace(base, reason=doubt)
    if features and not POSIX_SHELLS.match(runs[0]):
        return replace(base, reason=f"the stage's SHELL {runs[0]} is not a POSIX shell")
    setup = None if features else _shell_setup(dockerfile, stage, runs)
    if setup is not None:
        return replace(base, reason=f"the stage's SHELL {setup}, and exec form skips that: the "
                                    "app may not start without what it sets up (an "
                                    "environment on PATH); write the exec form by hand")
    risk = _combination_risk(ws, services, dockerfile, stage, kind)
    script = command if features else wrapped_script(command)
    if script is not None and exec_last(script) is None:
        return replace(base, reason="a pipeline, `||`, a subshell, an `if` or loop block or a "
                                    "trailing builtin keeps the shell as PID 1: no `exec` hands "
                                    "SIGTERM to the server (run it from a script that ends in "
                                    "`exec`)")
    last = _after_the_server(script) if script is not None else None
    if last is not None:
        return replace(base, reason=f"the server is not the script's last command: `exec` "
                                    f"would go to `{last}`, and the server would still not "
                                    "get SIGTERM (end the script with the server)")
    build = partial(_exec_form, dockerfile, instruction, shell)
    if features:
        why = f"it uses shell features ({', '.join(features)})"
        # the stage's SHELL as the fix writes it (`["/bin/bash", "-o", "pipefail", "-c", …]`)
        title = f"Run it as {json_array([*shell, exec_shown(command) or '…'])} ({why})"
        return replace(base, fix=Fix(title, Safety.UNSAFE, build), reason=why)
    inner = shell_features(script) if script is not None else []
    if inner:   # `sh -c "a & b"`: exec before b changes which process is PID 1
        risk = f"`exec` before the last command of its script, which uses {', '.join(inner)}"
    elif script is None:
        unsure, found = _script_without_shebang(ws, services[0], command) or (None, None)
        if found is not None:   # exec form cannot run it at all: no fix to offer
            return replace(base, message=f"{kind} in shell form: {runner} reads {found} itself "
                                         f"(it has no `#!` line){_signal_left(ws, found)}",
                           reason=f"{unsure}: give it a `#!/bin/sh` line and end it with "
                                  "`exec` before its server, then use exec form")
        risk = risk or unsure
    safety = Safety.UNSAFE if risk else Safety.SAFE
    rest = None if risk or script is not None else _script_keeps_the_signal(
        ws, services[0], command)
    note = f" ({risk})" if risk else f" ({rest})" if rest else ""
    return replace(base, fix=Fix(f"Use exec form{note}", safety, build), reason=risk)


# `$PORT`, `${PORT}`: a read with no default (`${PORT:-8000}` has one)
_PLAIN_READ = lazy_compile(r"\$(?:(\w+)|\{(\w+)\})")


def _build_arg_read(ws: Workspace, services: list[BuiltService], dockerfile: Dockerfile,
                    stage: Stage, command: str) -> str | None:
    """A variable the command reads with no default that is only a build arg (`ARG PORT`,
    no `ENV PORT=${PORT}`) and that compose does not set for every service: Docker
    substitutes no variable in CMD or ENTRYPOINT, and the ARG is gone at run time."""
    for match in _PLAIN_READ.finditer(command):
        name = match.group(1) or match.group(2)
        if build_only(dockerfile, stage, name) and \
                not all(name in s.environment(ws.tree) for s in services):
            return name
    return None


def _past_env(shell: tuple[str, ...]) -> tuple[str, ...]:
    """The SHELL as it runs past `/usr/bin/env` and its options (`["/usr/bin/env", "bash",
    "-c"]` runs bash); the SHELL itself otherwise."""
    if posixpath.basename(shell[0]) != "env":
        return shell
    rest = list(shell[1:])
    while rest and (rest[0].startswith("-") or "=" in rest[0]):
        rest.pop(0)
    return tuple(rest) or shell


def _shell_setup(dockerfile: Dockerfile, stage: Stage, shell: tuple[str, ...]) -> str | None:
    """What the stage's SHELL does before a shell-form command runs, besides starting a
    plain shell: a wrapper program (`conda run -n svc /bin/bash -c`, `micromamba run`), a
    login or interactive shell (`bash --login -c`, `-lc`: it reads profile files, where
    `conda activate` is often written), or bash with `BASH_ENV` set (bash reads it first).
    None for a plain POSIX shell with options such as `-o pipefail`."""
    if not POSIX_SHELLS.match(shell[0]):
        return f"runs the command through `{' '.join(shell)}`"
    flags = [w for w in shell[1:] if w.startswith("-")]
    if any(w in ("--login", "--rcfile", "--init-file") or
           (not w.startswith("--") and ("l" in w or "i" in w)) for w in flags):
        return (f"`{' '.join(shell)}` is a login or interactive shell, which reads profile "
                "files first")
    bash_env = posixpath.basename(shell[0]) == "bash" and any(
        "BASH_ENV" in i.value[0::2] for link in chain(dockerfile, stage) for i in link.find("ENV"))
    return "is bash with BASH_ENV set, which bash reads first" if bash_env else None


def _after_the_server(script: str) -> str | None:
    """The program of a chain's last command when a server runs before it (`uvicorn …;
    sleep infinity`, `uvicorn … && echo stopped`): the one `exec` would replace the shell
    with."""
    programs = [words[program_at([w.value for w in words])].value
                for words in commands(tokenize(script))
                if program_at([w.value for w in words]) < len(words)]
    servers = [i for i, program in enumerate(programs)
               if posixpath.basename(program) in SERVERS]
    if not servers or servers[-1] == len(programs) - 1:
        return None
    return programs[-1]


_SHELL_WORDS = frozenset({"fi", "done", "esac", "}", ")", "wait", "exit", "return"})


def _script_keeps_the_signal(ws: Workspace, service: BuiltService, command: str) -> str | None:
    """What exec form leaves for the author: the command is a script of the repository
    whose last command runs without `exec` (`python3 app/main.py`), so the script, now PID
    1, still does not hand SIGTERM to the app."""
    words = command.split()
    # `bash entrypoint.sh`: the shell named runs the script, and stays PID 1 as well
    run = words[1] if len(words) > 1 and posixpath.basename(words[0]) in SHELL_NAMES and \
        not words[1].startswith("-") else None
    program = run or words[0]
    if not (run or program.startswith("./") or program.endswith(".sh") or "/" in program):
        return None
    path = locate(ws.tree, service, workdir(service), program)
    file = ws.read(path) if path is not None else None
    lines = [line.strip() for line in file.text.splitlines()] if file is not None else []
    last = next((line for line in reversed(lines) if line and not line.startswith("#")), "")
    first = last.split()[0] if last.split() else ""
    if not last or first == "exec" or first in _SHELL_WORDS or last.endswith(("&", "\\")):
        return None
    chain = commands(tokenize(last))
    start = chain[-1][0].start if chain and chain[-1] else 0
    if chain and chain[-1] and chain[-1][0].value == "exec":
        return None   # `alembic upgrade head && exec gunicorn ...`
    # `exec` before the line's last command (`alembic upgrade head && exec gunicorn ...`)
    exec_last = f"{last[:start]}exec {last[start:]}"
    return (f"{path} then runs `{last}` without `exec`: end it with `{exec_last}` for the app "
            "to get SIGTERM")


# a script's command that replaces the shell (`exec uvicorn ...`)
_EXEC_LINE = lazy_compile(r"(?m)^[ \t]*exec[ \t]+\S")


def _signal_left(ws: Workspace, path: str) -> str:
    """What a shell reading the script leaves the app, for the message: SIGTERM, unless the
    script `exec`s a command (then only exec form's own failure is the matter)."""
    file = ws.read(path)
    if file is not None and _EXEC_LINE.search(file.text):
        return ", so only shell form runs it"
    return " and does not pass SIGTERM to what it starts"


def _script_without_shebang(ws: Workspace, service: BuiltService,
                            command: str) -> tuple[str, str | None] | None:
    """Why exec form may not run the command's script, and the script's path where fixer
    found it without a `#!` line (exec form then surely fails): sh runs such a file as a
    shell script (the kernel refuses it, ENOEXEC, and sh reads it itself); `execve` in exec
    form fails with "exec format error". None when it is no script of the repository's, or
    its first line is a `#!`."""
    words = command.split()
    program = words[1] if words[:1] == ["exec"] and len(words) > 1 else words[0]
    script_like = program.startswith("./") or program.endswith(".sh")
    path = locate(ws.tree, service, workdir(service), program) \
        if script_like or "/" in program else None
    if path is None:
        return (f"fixer does not find {program} in the repository (a build may make it): a "
                "script without a `#!` line runs under sh but not in exec form", None) \
            if script_like else None
    file = ws.read(path)
    if file is None or file.text.startswith("#!"):
        return None
    return (f"{path} has no `#!` line: sh runs it as a shell script, exec form makes the "
            "kernel run it and fails with \"exec format error\"", path)


def _shellless_base(services: list[BuiltService], dockerfile: Dockerfile,
                    stage: Stage) -> Family | None:
    """The base image's entry when it surely has no shell (distroless, `scratch`) for every
    service built from the stage, and no stage of the chain copies one in."""
    families = {family_of(dockerfile, stage, s.build_args()) for s in services}
    if len(families) != 1:
        return None
    family = families.pop()
    if not family.known or family.manager is not None:
        return None
    copies = (i for link in chain(dockerfile, stage) for i in link.find("COPY"))
    if any(_brings_shell(" ".join(i.value)) for i in copies):
        return None
    return family


def _brings_shell(copied: str) -> bool:
    return "busybox" in copied.lower() or any(
        word.rstrip("/").endswith(("/sh", "/bin")) for word in copied.split())


def _shellless_doubt(family: Family, dockerfile: Dockerfile, stage: Stage, kind: str,
                     command: str) -> str | None:
    """Why exec form would not start the app either, on an image without a shell."""
    script = wrapped_script(command)
    if shell_features(command) or script is not None:
        needs = "`sh -c`" if script is not None else "its shell features"
        return (f"the command needs a shell ({needs}), which the image lacks: start the "
                "server without one")
    own_entrypoint = any(link.find("ENTRYPOINT") for link in chain(dockerfile, stage))
    if kind == "CMD" and family.python is not None and not own_entrypoint:
        program = command.split()[0]
        runs = (f"the {family.label} Python image's ENTRYPOINT is the interpreter, which "
                "receives the CMD as its arguments: in exec form it would run "
                f"`python3 {program} …`")
        venv = _venv_run(dockerfile, stage, program)
        if venv is None:
            return f"{runs}; write the CMD as the interpreter's arguments " \
                "(`[\"-m\", \"uvicorn\", …]`)"
        # the image's interpreter does not see the venv's packages: `-m uvicorn` alone
        # fails with "No module named uvicorn"
        return (f"{runs}, and that interpreter does not see the packages of the virtualenv "
                f"{venv}: put its site-packages on PYTHONPATH (`ENV PYTHONPATH={venv}/lib/"
                "python3.X/site-packages`) and write the CMD as `[\"-m\", \"uvicorn\", …]`, "
                f"or set `ENTRYPOINT [\"{venv}/bin/python\"]` where the venv's `bin/python` "
                "links to this image's interpreter")
    return None


def _venv_run(dockerfile: Dockerfile, stage: Stage, program: str) -> str | None:
    """The virtualenv whose program the command runs: by its path (`/app/.venv/bin/
    uvicorn`), or a bare name found first on the PATH the stage's ENV sets."""
    if program.startswith("/"):
        return venv_of(posixpath.dirname(program))
    return active_venv(dockerfile, stage) if "/" not in program else None


def _exec_form(dockerfile: Dockerfile, instruction: Instruction,
               shell: tuple[str, ...]) -> list[Edit]:
    conversion = convert(dockerfile, instruction, shell)
    return list(conversion.edits) if conversion else []
