"""`depends_on` names a service that no compose file of the repository defines.

## What it does
Checks every `depends_on` entry (short or long form) against the services of
the stack, an overlay's entries against the stack it is loaded over. A name
that a sibling compose file defines is a split stack (the files are run
together by hand or by a script), not a defect; a database host that C001
reports is left to C001. Entries with `required: false` are skipped.

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

## Fix safety
Display-only: which service was meant (a rename, a missing file, a typo) needs
a person.
"""

from __future__ import annotations

from collections.abc import Iterator

from fixer.facts.database import dbusage
from fixer.model.depends import dependencies
from fixer.model.rule import Category, Safety, Severity, Violation
from fixer.model.services import Service, Stack
from fixer.model.workspace import Workspace

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
        added_by_c001 = set(dbusage.missing_hosts(ws, stack, repository))
        for service in stack.services.values():
            for dependency in dependencies(service):
                name = dependency.name
                if name in stack.services or name in defined or name in added_by_c001 \
                        or name in included or not dependency.required:
                    continue
                doc = dependency.doc
                yield Violation(
                    message=f"{service.name} depends on `{name}`, which no compose file defines"
                            + _hint(stack, name),
                    path=doc.path, line=doc.line(dependency.node.node), service=service.name,
                    subject=f"depends_on {name}", reason="name the service that was meant",
                )


def _defined_anywhere(ws: Workspace) -> set[str]:
    return {name for doc in ws.compose_docs.values() for name in doc.services}


def _hint(stack: Stack, name: str) -> str:
    owner: Service | None = next((s for s in stack.services.values() if name in s.names()), None)
    if owner is None:
        return ""
    return f" (it is the container name or alias of `{owner.name}`; use the service name)"
