"""The rule test kit (tests/kit.py) and the in-memory source under it: what they run is what
the command line runs on the same files on disk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fixer.core.errors import InputError
from fixer.core.tree import FolderSource, MemorySource, Tree
from kit import (
    FixOutcome, KitError, app_service, check, codes, content, fix, lines, read_folder, run_check,
)
from support import SEED_FLEET, run_cli, write_tree


def test_a_healthy_app_service_has_no_finding() -> None:
    assert check(app_service()) == []
    assert check(app_service(), select="ALL") == []
    assert check(app_service(name="orders", port=9000, compose_port="80:9000",
                             routes=("/orders", "/healthz"), healthcheck="python")) == []


@pytest.mark.parametrize(("variation", "code"), [
    pytest.param({"compose_port": "8000:9000"}, "P001", id="port-mismatch"),
    pytest.param({"cmd_form": "shell"}, "D002", id="shell-form-cmd"),
    pytest.param({"healthcheck": "curl"}, "D003", id="healthcheck-tool-missing"),
    pytest.param({"healthcheck": None}, "C004", id="missing-healthcheck"),
    pytest.param({"requirements": "fastapi\n"}, "S003", id="missing-server-dependency"),
    pytest.param({"environment": {"DATABASE_URL": "postgresql://u:p@db/app"}}, "C001",
                 id="missing-database-service"),
])
def test_one_defect_gives_exactly_its_code(variation: dict[str, object], code: str) -> None:
    assert codes(check(app_service(**variation))) == [code]  # type: ignore[arg-type]


def test_lines_read_as_golden_cases_state_findings() -> None:
    assert lines(check(app_service(compose_port="8000:9000"))) == [
        "compose.yaml:5: P001 safe api: compose expects container port 9000 (ports) but the app "
        "listens on 8000 (CMD)"]


def test_variations_are_dict_updates() -> None:
    files = app_service() | {"api/app/Dockerfile": app_service()["api/Dockerfile"]}
    del files["api/app/__init__.py"]
    assert codes(check(files)) == ["D001", "S002"]
    assert codes(check(files, ignore="D")) == ["S002"]
    unserved = app_service() | {"api/app/main.py": "from fastapi import FastAPI\napp = FastAPI()\n"}
    assert codes(check(unserved)) == ["H002"]
    # no route and no healthcheck: H001 adds /health, C004 a healthcheck probing it
    assert codes(check(app_service(routes=(), healthcheck=None))) == ["H001", "C004"]


def test_fix_returns_the_new_text_the_applied_findings_and_the_diff() -> None:
    outcome = fix(app_service(port=8000, compose_port="8080:9000"), select="P001",
                  port_source="dockerfile")
    assert codes(outcome.applied) == ["P001"]
    assert (outcome.failed, outcome.remaining, outcome.errors) == ([], [], [])
    assert outcome.files == {"compose.yaml": app_service(compose_port="8080:8000")["compose.yaml"]}
    assert outcome.diff == (
        "diff --git a/compose.yaml b/compose.yaml\n"
        "--- a/compose.yaml\n+++ b/compose.yaml\n"
        "@@ -2,7 +2,7 @@\n"
        "   api:\n     build: ./api\n     ports:\n"
        '-      - "8080:9000"\n+      - "8080:8000"\n'
        "     healthcheck:\n"
        "       test: [\"CMD\", \"python\", \"-c\", \"import urllib.request; urllib.request."
        "urlopen('http://localhost:8000/health', timeout=3)\"]\n"
        "       interval: 10s\n")
    assert outcome.tree["compose.yaml"] == content(outcome.files["compose.yaml"] or "")
    assert fix(outcome.tree, select="P001").files == {}


def test_by_default_the_compose_port_stays_and_the_app_follows() -> None:
    before, after = app_service(compose_port="8080:9000"), app_service(port=9000,
                                                                       compose_port="8080:9000")
    assert fix(before, select="P001").files == {
        path: text for path, text in after.items() if before[path] != text}


def test_a_deleted_file_is_none_and_its_mode_is_in_the_diff() -> None:
    files = app_service() | {"api/app/Dockerfile": app_service()["api/Dockerfile"]}
    outcome = fix(files, select="D001", modes={"api/app/Dockerfile": 0o755})
    assert outcome.files == {"api/app/Dockerfile": None}
    assert "deleted file mode 100755\n" in outcome.diff
    assert "api/app/Dockerfile" not in outcome.tree


def test_unsafe_fixes_need_unsafe() -> None:
    files = app_service(requirements="fastapi\n")
    assert fix(files, select="S003").files == {}
    assert fix(files, select="S003", unsafe=True).files == {
        "api/requirements.txt": "fastapi\nuvicorn\n"}


def test_options_are_config_fields() -> None:
    files = app_service(healthcheck=None)
    assert "curl" in (fix(files, select="C004").files["compose.yaml"] or "")
    python = fix(files, select="C004", healthcheck_strategy="python").files["compose.yaml"]
    assert "urllib" in (python or "")
    assert check(files, per_service_ignores=(("api", ("C",)),)) == []


def test_blocks_are_dedented_and_other_text_is_kept_exactly() -> None:
    assert content("\n    services:\n      api: {}\n") == b"services:\n  api: {}\n"
    assert content("  x\r\n  y") == b"  x\r\n  y"
    assert content(b"\n  raw") == b"\n  raw"
    files = app_service(extra_services="""
        cache:
          image: redis:7
    """)
    assert files["compose.yaml"].endswith("\n  cache:\n    image: redis:7\n")


def test_errors_fail_the_test_unless_allowed() -> None:
    files = app_service() | {"compose.yaml": "services: [\n"}
    with pytest.raises(KitError, match="compose.yaml:"):
        check(files)
    outcome = run_check(files)
    assert [e.path for e in outcome.errors] == ["compose.yaml"]
    assert check(files, allow_errors=True) == []


def test_the_kit_refuses_what_it_would_ignore() -> None:
    with pytest.raises(ValueError, match="fixer.toml"):
        check(app_service() | {"fixer.toml": 'select = ["P001"]\n'})
    with pytest.raises(ValueError, match="unknown rule code: X9"):
        check(app_service(), select="X9")


def test_memory_source_gives_the_tree_a_folder_gives(tmp_path: Path) -> None:
    files = {"a.txt": "one\r\n", "sub/b.bin": b"\xff\xfe", ".git/config": "x",
             "web/node_modules/m.js": "x", "web/.venvrc": "kept"}
    root = write_tree(tmp_path, files)
    (root / "a.txt").chmod(0o755)
    memory, folder = MemorySource(files, {"a.txt": 0o755}), FolderSource(root)
    assert memory.paths() == folder.paths() == ["a.txt", "sub/b.bin", "web/.venvrc"]
    assert [memory.read_bytes(p) for p in memory.paths()] == [
        folder.read_bytes(p) for p in folder.paths()]
    assert [memory.mode(p) for p in memory.paths()] == [folder.mode(p) for p in folder.paths()]
    with pytest.raises(InputError, match="cannot read"):
        Tree(memory).read("missing.txt")


def test_check_in_memory_reports_what_the_cli_reports_on_the_seed_fleet(
        seed_fleet: dict[str, bytes]) -> None:
    _, out, _ = run_cli("check", SEED_FLEET, "--format", "json")
    on_disk = [(f["code"], f["path"], f["line"], f["message"])
               for f in json.loads(out)["findings"]]
    in_memory = [(f.code, f.path, f.line, f.message) for f in check(seed_fleet)]
    assert in_memory == on_disk != []
    assert seed_fleet == read_folder(SEED_FLEET)


def test_fix_in_memory_prints_the_diff_the_cli_prints_on_the_seed_fleet(
        seed_fleet_fixed: FixOutcome) -> None:
    """The session's in-memory run, which other test files read, is the CLI's run."""
    _, on_disk, _ = run_cli("fix", SEED_FLEET)
    assert seed_fleet_fixed.diff == on_disk
    assert len(seed_fleet_fixed.applied) > 10 and seed_fleet_fixed.failed == []


def test_the_same_dict_on_disk_gives_the_same_diff(tmp_path: Path) -> None:
    files = app_service(compose_port="8000:9000", cmd_form="shell", healthcheck="curl") | {
        "api/app/main.py": """
            from fastapi import FastAPI

            app = FastAPI()
        """}
    _, on_disk, _ = run_cli("fix", write_tree(tmp_path, files))
    outcome = fix(files)
    assert outcome.diff == on_disk
    assert sorted(codes(outcome.applied)) == ["D002", "D003", "H002", "P001"]
    assert outcome.files["api/app/main.py"] == files["api/app/main.py"][1:].replace("    ", "") + (
        '\n\n@app.get("/health")\ndef health():\n    return {"status": "ok"}\n')
    assert check(outcome.tree) == []
