"""`depends_on` names a service that no compose file of the repository defines.

## What it does
Checks every `depends_on` entry (short or long form) against the services of
the stack, an overlay's entries against the stack it is loaded over. A name
that a sibling compose file defines is a split stack (the files are run
together by hand or by a script), not a defect, and so is one a YAML file beside the
compose file defines under its `services:` though its name is no compose file's
(`broker.yaml`, run with `-f broker.yaml -f docker-compose.yaml`); a database host that C001
reports is left to C001. An entry with `required: false` is skipped only when the service
it names is defined and its `profiles` leave it out: Compose refuses a dependency on an
undefined service whatever `required` says. A service that always runs (no `profiles`, or
one the project's `.env` enables with `COMPOSE_PROFILES`) and depends on one that runs only
under profiles is reported too: `docker compose up` without them refuses the project. Each
way the stack is started is judged on its own files: `docker compose up` (the base file and
its override file), then each `-f` overlay over it, so a profile an overlay sets counts only
where that overlay is loaded, with the `depends_on` entries left after its `!override`.
Nothing is reported for a stack a build script runs with a `-f` file the repository does
not hold (`-f "$BASE_DIR/auth/docker-compose-auth.yml"`, in a git submodule a clone without
`--recurse-submodules` leaves empty), as for one that `include:`s a file fixer cannot read:
that file may define any service.

## Why is this bad?
`docker compose up` refuses the whole stack: "service X depends on undefined
service Y". Often the dependency was renamed, or it is the `container_name`
rather than the service name.

## Example
```yaml
services:
  api:
    depends_on: [postgres]
  db:
    image: postgres:17-alpine
```

## Use instead
```yaml
services:
  api:
    depends_on: [db]
```
```yaml
services:
  catalog:
    depends_on:
      search:
        condition: service_started
        required: false       # catalog runs without it
```

## Fix safety
Display-only: which service was meant (a rename, a missing file, a typo) needs
a person, and so does whether a service needs a profiled one always (its
`profiles` go) or only when they are enabled (`required: false`).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import replace

import yaml

from fixer.core.derived import Memo
from fixer.core.lazyre import lazy_compile
from fixer.core.tree_index import files_in
from fixer.facts.database import dbusage
from fixer.facts.image.buildscripts import compose_runs, unseen_files
from fixer.model.depends import Dependency, dependencies
from fixer.model.rule import Category, Safety, Severity, Violation
from fixer.model.services import Service, Stack
from fixer.model.workspace import Workspace
from fixer.sources.compose import ComposeDoc, elements, get, scalar

CODE = "C002"
NAME = "unknown-dependency"
CATEGORY = Category.COMPOSE
SEVERITY = Severity.ERROR
SAFETY = (Safety.DISPLAY,)


def detect(ws: Workspace) -> Iterator[Violation]:
    defined = _defined_anywhere(ws)
    repository = dbusage.repository_names(ws)
    for stack in ws.stacks:
        included = dbusage.included_names(ws, stack)
        if included is None:   # an included file fixer cannot read may define any name
            continue
        if _unseen_overlay(ws, stack) is not None:   # so may a `-f` file a script loads
            continue
        known = defined | included | set(dbusage.missing_hosts(ws, stack, repository))
        active = _active_profiles(stack)
        for service in stack.services.values():
            entries = dependencies(service)
            merged = _merged_required(entries)
            for dependency in entries:
                found = _violation(ws, stack, service, replace(
                    dependency, required=merged.get(dependency.name, dependency.required)),
                    known, active)
                if found is not None:
                    yield found


def _unseen_overlay(ws: Workspace, stack: Stack) -> str | None:
    """A `-f` file a build script's Compose command loads with the stack's base that the
    repository does not hold (`-f "$BASE_DIR/auth/docker-compose-auth.yml"`, in a git
    submodule): it may define the services the stack depends on."""
    return next((unseen[0] for run in compose_runs(ws, stack.docs[0].path)
                 if (unseen := unseen_files(ws, run.command))), None)


def _merged_required(entries: tuple[Dependency, ...]) -> dict[str, bool]:
    """Each entry's `required` as Compose merges the files' `depends_on` by name: the last
    file that writes it for the name wins (`required: false` in a `-f` overlay spares the
    base file's entry)."""
    found: dict[str, bool] = {}
    for entry in entries:
        if not entry.listed and get(entry.node, "required") is not None:
            found[entry.name] = entry.required
    return found


def _violation(ws: Workspace, stack: Stack, service: Service, dependency: Dependency,
               known: set[str], active: frozenset[str] | None) -> Violation | None:
    """What Compose refuses about one entry: a service no file defines (`required: false`
    spares only one that profiles disable), or, for a service that always runs, one that
    runs only under profiles. `known`: names other files define (a split stack), C001's."""
    name = dependency.name
    target = stack.services.get(name)
    if target is not None:
        gap = next(((command, profiles) for command, run in _runs(stack)
                    if (profiles := _profile_gap(service, target, active, dependency, run))),
                   None) if dependency.required else None
        if gap is None:
            return None
        command, profiles = gap
        listed = ", ".join(f"`{p}`" for p in sorted(profiles))
        noun = "profile" if len(profiles) == 1 else "profiles"
        return _at(dependency, service,
                   f"{service.name} depends on `{name}`, which runs only under the {noun} "
                   f"{listed}: `{command}` without it refuses the project",
                   f"give {service.name} the {noun} {listed} too, or the entry "
                   "`required: false` if it runs without it")
    if name in known:
        return None
    if name in _sibling_yaml_services(ws, stack):
        return None
    optional = "" if dependency.required else \
        " (`required: false` spares only a service that profiles disable)"
    return _at(dependency, service,
               f"{service.name} depends on `{name}`, which no compose file defines"
               + optional + _hint(stack, name), "name the service that was meant")


def _at(dependency: Dependency, service: Service, message: str, reason: str) -> Violation:
    doc = dependency.doc
    return Violation(message=message, path=doc.path, line=doc.line(dependency.node.node),
                     service=service.name, subject=f"depends_on {dependency.name}",
                     reason=reason)


def _runs(stack: Stack) -> list[tuple[str, list[ComposeDoc]]]:
    """(the command, its files) of each way the stack is started: `docker compose up`,
    which loads the base and its override file, then each `-f` overlay over them. A profile
    one overlay sets and a dependency another drops (`depends_on: !override {}`) meet in
    no run."""
    base, plain = stack.docs[0], stack.plain_run()
    runs = [("docker compose up", plain)]
    for overlay in (doc for doc in stack.docs if all(doc is not p for p in plain)):
        files = " ".join(f"-f {doc.path}" for doc in (base, overlay))
        runs.append((f"docker compose {files} up", [*plain, overlay]))
    return runs


def _profile_gap(service: Service, target: Service, active: frozenset[str] | None,
                 dependency: Dependency, run: list[ComposeDoc]) -> frozenset[str]:
    """The profiles `target` runs under when the run's plain `up` starts `service` but not
    `target`, where the run merges the dependency; empty otherwise, or when a profile is
    not a literal name."""
    if all(doc is not dependency.doc for doc, _value in service.all("depends_on", run)):
        return frozenset()   # a file of the run drops it, or it is not loaded
    own, theirs = _profiles(service, run), _profiles(target, run)
    if active is None or own is None or theirs is None or "*" in active:
        return frozenset()
    if (own and not own & active) or not theirs or theirs & active:
        return frozenset()
    return theirs


def _profiles(service: Service, run: list[ComposeDoc]) -> frozenset[str] | None:
    """The profiles a service runs under in the run (none: always); None when one is not a
    literal name (which one it is is only known at run time)."""
    written = service.all("profiles", run)
    found = written[-1] if written else None
    if found is not None and not isinstance(found[1].node, yaml.SequenceNode):
        return None
    names = [scalar(item) for item in elements(found[1])] if found else []
    if any(n is None or "$" in n for n in names):
        return None
    return frozenset(n for n in names if n is not None)


def _active_profiles(stack: Stack) -> frozenset[str] | None:
    """The profiles `docker compose up` enables with no `--profile`: those `COMPOSE_PROFILES`
    of the project's `.env` names; None when it reads a variable."""
    value = stack.dotenv.get("COMPOSE_PROFILES", "")
    if "$" in value:
        return None
    return frozenset(p.strip() for p in value.split(",") if p.strip())


# per workspace: stack name -> the services YAML files beside its compose files define
_SIBLING_SERVICES: Memo[dict[str, frozenset[str]]] = Memo("services of sibling YAML files")


def _sibling_yaml_services(ws: Workspace, stack: Stack) -> frozenset[str]:
    """The services that a YAML file beside one of the stack's compose files defines under a
    top-level `services:`, though its name is not a compose file's (`broker.yaml`, run with
    `-f broker.yaml -f docker-compose.yaml`): a split stack too. Read only where an entry
    names a service no compose file defines."""
    per_stack = ws.derived.get(_SIBLING_SERVICES, dict)
    if stack.name not in per_stack:
        folders = dict.fromkeys(posixpath.dirname(doc.path) for doc in stack.docs)
        per_stack[stack.name] = frozenset(
            name for folder in folders for path in files_in(ws.tree, folder)
            if path.endswith((".yml", ".yaml")) and path not in ws.compose_docs
            for name in _services_of(ws, path))
    return per_stack[stack.name]


def _services_of(ws: Workspace, path: str) -> list[str]:
    file = ws.scan(path)
    if file is None or not _SERVICES_KEY.search(file.text):
        return []
    try:
        data = yaml.safe_load(file.text)
    except yaml.YAMLError:
        return []
    services = data.get("services") if isinstance(data, dict) else None
    return [str(name) for name in services] if isinstance(services, dict) else []


_SERVICES_KEY = lazy_compile(r"(?m)^services:")


def _defined_anywhere(ws: Workspace) -> set[str]:
    return {name for doc in ws.compose_docs.values() for name in doc.services}


def _hint(stack: Stack, name: str) -> str:
    owner: Service | None = next((s for s in stack.services.values() if name in s.names()), None)
    if owner is None:
        return ""
    return f" (it is the container name or alias of `{owner.name}`; use the service name)"
