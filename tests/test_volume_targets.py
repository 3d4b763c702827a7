"""Mount targets as Compose reads them: fixer's container paths of `volumes:` entries are
the ones real Compose v2 gives in `config`, however the entry is written."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from fixer.model.services import volume_targets
from fixer.model.workspace import Workspace
from kit import tree
from support import compose_binary

# each entry as a person may write it: a slash too many after the colon, doubled slashes
# inside, a trailing slash, `.` and `..` steps; short and long syntax, bind and volume
ENTRIES = [
    "pgdata://var/lib/postgresql/data",
    "pgdata:/var/lib/postgresql/data/",
    "./src:/app//code/./pkg/",
    "./src:/app/code/../other:ro",
    "/srv/only//anonymous/",
    "{type: volume, source: pgdata, target: //var/lib/postgresql//data/}",
    "{type: bind, source: ./src, target: /app/./x/../y/}",
]


def _compose(entries: list[str]) -> str:
    listed = "".join(f"      - {entry}\n" for entry in entries)
    return f"services:\n  db:\n    image: postgres\n    volumes:\n{listed}volumes:\n  pgdata:\n"


def _compose_targets(root: Path) -> list[str]:
    result = subprocess.run([str(compose_binary()), "config", "--format", "json"], cwd=root,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return [v["target"] for v in json.loads(result.stdout)["services"]["db"]["volumes"]]


@pytest.mark.parametrize("entry", ENTRIES)
def test_a_mount_target_is_the_one_compose_reads(tmp_path: Path, entry: str) -> None:
    text = _compose([entry])
    (tmp_path / "docker-compose.yml").write_text(text)
    (tmp_path / "src").mkdir()
    ws = Workspace.load(tree({"docker-compose.yml": text}))
    [service] = [s for s in ws.services() if s.name == "db"]
    assert volume_targets(service) == _compose_targets(tmp_path)
