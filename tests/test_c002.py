"""C002 unknown-dependency: `depends_on` names a service no compose file defines (display-only)."""

from __future__ import annotations

import pytest

from kit import check, fix

API = "services:\n  api:\n    image: example/api:1.0\n    depends_on: {deps}\n{more}"


@pytest.mark.parametrize(("deps", "more", "files"), [
    pytest.param("[cache]", "  cache:\n    image: redis:7\n", {}, id="defined"),
    pytest.param("[worker]", "", {"docker-compose.workers.yml":
                                  "services:\n  worker:\n    image: example/worker:1.0\n"},
                 id="split-stack-sibling-file"),
    pytest.param("{tracing: {condition: service_started, required: false}}",
                 "  tracing:\n    image: jaegertracing/all-in-one:1.57\n    profiles: [trace]\n",
                 {}, id="optional-and-profiled"),
    pytest.param("[worker]", "  worker:\n    image: example/worker:1.0\n    profiles: [$P]\n",
                 {}, id="profile-read-from-a-variable"),
    pytest.param("[db]", "    environment:\n      DATABASE_URL: postgresql://a:b@db/a\n", {},
                 id="database-host-c001-adds"),
])
def test_c002_noop(deps: str, more: str, files: dict[str, str]) -> None:
    repo = {"docker-compose.yml": API.format(deps=deps, more=more), **files}
    assert check(repo, select="C002") == []


@pytest.mark.parametrize(("deps", "more", "hint"), [
    pytest.param("[cahce]", "  cache:\n    image: redis:7\n", None, id="typo"),
    pytest.param("\n      - postgres", "  db:\n    image: postgres:17\n    container_name: postgres\n",
                 "container name or alias of `db`", id="container-name"),
    pytest.param("{mysql: {condition: service_healthy}}", "", None, id="long-form"),
    pytest.param("{tracing: {condition: service_started, required: false}}", "",
                 "spares only a service that profiles disable", id="optional-but-undefined"),
    pytest.param("[worker]", "  worker:\n    image: example/worker:1.0\n    profiles: [jobs]\n",
                 "runs only under the profile `jobs`", id="profiled"),
])
def test_c002_reports(deps: str, more: str, hint: str | None) -> None:
    repo = {"docker-compose.yml": API.format(deps=deps, more=more)}
    [finding] = check(repo, select="C002")
    assert not finding.fixable and finding.service == "api"
    assert finding.line == 4 + deps.startswith("\n")
    if hint:
        assert hint in finding.message
    outcome = fix(repo, select="C002")
    assert (outcome.files, outcome.diff, outcome.clean) == ({}, "", True)
