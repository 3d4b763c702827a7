"""Whether the command that starts the app runs a script of the repository by its path
(`./wait.sh && uvicorn ...`, `CMD ["./start.sh"]`) that the image holds without execute
permission: the shell refuses it ("Permission denied", exit 126), and the server never
starts. COPY and ADD keep a file's mode, so the image's is the checkout's, unless the
Dockerfile changes it (`RUN chmod +x`, `COPY --chmod=755`): any `chmod` there counts.

Read only where the checkout's modes mean something: on a POSIX system (Windows reports
no execute bit, and Docker Desktop gives every file one). A script run as a shell's
argument (`sh wait.sh`, `bash ./wait.sh`) needs none.
"""

from __future__ import annotations

import os
import posixpath

from fixer.core.lazyre import lazy_compile
from fixer.model.image_paths import locate, workdir
from fixer.model.services import BuiltService, Service
from fixer.model.workspace import Workspace

# a path at a command's place: the text's start, after `&&`, `||`, `;`, `|`, `exec`, a
# `sh -c` script's opening quote (`sh -c "./wait.sh && ...`, or an exec form's `"-c",
# "./wait.sh && ...`), or first in an exec-form list (`["./start.sh"`); a relative path
# (`./wait.sh`) or an absolute one to a shell script (`/app/start.sh`, not
# `/usr/local/bin/uvicorn`)
_RUN_BY_PATH = lazy_compile(
    r"""(?:^|\n|&&|\|\||;|\||\bexec\b|-c\s+["']|-c["']\s*,\s*["']|\[\s*["'])\s*"""
    r"""(?P<path>\.\.?/[\w./-]+|/[\w./-]+\.sh)(?![\w./-])""")

# the permission bits that let someone run the file
_EXECUTE = 0o111


def unexecutable_script(ws: Workspace, service: Service) -> str | None:
    """`the app stops at start-up: its command runs ./wait.sh, which the image holds
    without execute permission (docker/wait.sh has mode 644 in the checkout ...`; None
    where the command runs no such script, its mode is not known, or the Dockerfile may
    set it."""
    if os.name != "posix" or not isinstance(service, BuiltService):
        return None
    region = service.app.listen.region
    file = ws.read(region.path) if region is not None else None
    if region is None or file is None or "chmod" in service.app.dockerfile.file.text:
        return None
    for found in _RUN_BY_PATH.finditer(region.run_text(file.text)):
        written = found.group("path")
        path = locate(ws.tree, service, workdir(service), written)
        if path is None or posixpath.splitext(path)[1] not in ("", ".sh", ".bash"):
            continue
        mode = ws.tree.mode(path)
        if not mode & _EXECUTE:
            return (f"the app stops at start-up: its command runs {written}, which the "
                    f"image holds without execute permission ({path} has mode {mode:o} in "
                    "the checkout, which COPY keeps) and no `chmod` of its Dockerfile sets "
                    "it: the shell refuses it (Permission denied)")
    return None
