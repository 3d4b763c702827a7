"""The final stage's EXPOSE does not name the port the app listens on.

## What it does
Compares the `EXPOSE` instructions of the final stage with the app's listen
port, and reports a final stage with no `EXPOSE` at all.

## Why is this bad?
`EXPOSE` is the image's documentation of its port: tools (`docker run -P`,
orchestrators, readers) trust it. A stale one points them at a dead port.

## Example
```dockerfile
EXPOSE 8001
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
```

## Use instead
```dockerfile
EXPOSE 8000
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
```

## Fix safety
Safe: `EXPOSE` changes no runtime behaviour. A single stale port is rewritten; a
missing `EXPOSE` is added just before the CMD/ENTRYPOINT. Display-only when the
stage exposes several ports, none of them the listen port.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from fixer.edits import Edit, TextEdit
from fixer.rule import Category, Finding, Report, Safety
from fixer.services import Service
from fixer.sources.dockerfile import Instruction
from fixer.workspace import Workspace

CODE = "P002"
NAME = "expose-mismatch"
CATEGORY = Category.PORTS
SAFETY = (Safety.SAFE, Safety.DISPLAY)


def detect(ws: Workspace) -> Iterator[Report]:
    seen: set[str] = set()
    for service in ws.apps():
        assert service.app is not None
        path = service.app.dockerfile.path
        if path in seen:  # one Dockerfile, one finding, even when several services build it
            continue
        seen.add(path)
        report = _check(service)
        if report is not None:
            yield report


def _exposed(instructions: list[Instruction]) -> list[str]:
    return [token.split("/")[0] for i in instructions for token in i.value
            if not token.endswith("/udp")]


def _check(service: Service) -> Report | None:
    app = service.app
    assert app is not None
    listen = app.listen.port
    if listen is None:
        return None
    exposes = app.stage.find("EXPOSE")
    ports = _exposed(exposes)
    if str(listen) in ports or any(not p.isdigit() for p in ports):
        return None  # a variable in EXPOSE cannot be judged
    path = app.dockerfile.path
    base = dict(path=path, service=service.name, subject="expose")
    if not exposes:
        anchor = app.stage.last("CMD") or app.stage.last("ENTRYPOINT")
        line = anchor.line if anchor else app.stage.instructions[-1].end_line
        return Report(message=f"final stage has no EXPOSE; the app listens on {listen}",
                      line=line, **base, safety=Safety.SAFE, fix_title=f"Add EXPOSE {listen}")
    first = exposes[0]
    message = f"EXPOSE {' '.join(ports)} but the app listens on {listen}"
    if len(ports) > 1:
        return Report(message=message, line=first.line, **base,
                      reason="several ports are exposed; which one is the app's is unclear")
    return Report(message=message, line=first.line, **base, safety=Safety.SAFE,
                  fix_title=f"Set EXPOSE to {listen}")


def fix(ws: Workspace, finding: Finding) -> list[Edit]:
    service = next(s for s in ws.apps() if s.name == finding.report.service
                   and s.app is not None and s.app.dockerfile.path == finding.report.path)
    app = service.app
    assert app is not None and app.listen.port is not None
    port, text = str(app.listen.port), app.dockerfile.file.text
    exposes = app.stage.find("EXPOSE")
    if exposes:
        first = exposes[0]
        match = re.search(r"(?<=\s)(\d+)(?=/|\s|$)", text[first.start:first.end])
        if match is None:
            return []
        return [TextEdit(finding.path, first.start + match.start(1), first.start + match.end(1), port)]
    anchor = app.stage.last("CMD") or app.stage.last("ENTRYPOINT")
    newline = app.dockerfile.file.newline
    if anchor is not None:
        line_start = text.rfind("\n", 0, anchor.start) + 1
        return [TextEdit(finding.path, line_start, line_start, f"EXPOSE {port}{newline}")]
    end = len(text)  # keep the file's lack of a final newline, if it lacks one
    addition = f"EXPOSE {port}{newline}" if text.endswith("\n") else f"{newline}EXPOSE {port}"
    return [TextEdit(finding.path, end, end, addition)]
