"""C002 unknown-dependency: `depends_on` names a service no compose file defines (display-only)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support import run_cli


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, content in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content)
    return root


def c002(root: Path, select: str = "C002") -> list[dict[str, object]]:
    code, out, err = run_cli("check", root, "--format", "json", "--select", select)
    document = json.loads(out)
    assert document["errors"] == [], err
    return [f for f in document["findings"] if f["code"] == "C002"]


API = "services:\n  api:\n    image: example/api:1.0\n    depends_on: {deps}\n{more}"


@pytest.mark.parametrize(("deps", "more", "files"), [
    pytest.param("[cache]", "  cache:\n    image: redis:7\n", {}, id="defined"),
    pytest.param("[worker]", "", {"docker-compose.workers.yml":
                                  "services:\n  worker:\n    image: example/worker:1.0\n"},
                 id="split-stack-sibling-file"),
    pytest.param("{tracing: {condition: service_started, required: false}}", "", {},
                 id="optional"),
    pytest.param("[db]", "    environment:\n      DATABASE_URL: postgresql://a:b@db/a\n", {},
                 id="database-host-c001-adds"),
])
def test_c002_noop(tmp_path: Path, deps: str, more: str, files: dict[str, str]) -> None:
    root = write(tmp_path, {"docker-compose.yml": API.format(deps=deps, more=more), **files})
    assert c002(root) == []


@pytest.mark.parametrize(("deps", "more", "hint"), [
    pytest.param("[cahce]", "  cache:\n    image: redis:7\n", None, id="typo"),
    pytest.param("\n      - postgres", "  db:\n    image: postgres:17\n    container_name: postgres\n",
                 "container name or alias of `db`", id="container-name"),
    pytest.param("{mysql: {condition: service_healthy}}", "", None, id="long-form"),
])
def test_c002_reports(tmp_path: Path, deps: str, more: str, hint: str | None) -> None:
    root = write(tmp_path, {"docker-compose.yml": API.format(deps=deps, more=more)})
    [finding] = c002(root)
    assert finding["fix"] is None and finding["service"] == "api"
    assert finding["line"] == 4 + deps.startswith("\n")
    if hint:
        assert hint in str(finding["message"])
    code, diff, _ = run_cli("fix", root, "--select", "C002")
    assert (code, diff) == (0, "")
