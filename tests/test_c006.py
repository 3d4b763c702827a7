"""C006 undocumented-variable: variables with no default that nothing defines get a line in
`.env.example`.

Each golden stack is fixed for real and then resolved by the real Compose binary with the
example file as its only env file: every variable that C006 documented is set (Compose
warns about none of them), and `config -q` passes.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from support import GOLDEN, compose_binary, compose_stacks, copy_tree, run_cli

HEADER = "services:\n  api:\n    image: python:3.12-slim\n"
CASES = sorted(p.parent for p in (GOLDEN / "C006-undocumented-variable").glob("*/before"))


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            (root / rel).write_bytes(content)
        else:
            (root / rel).write_bytes(content.encode())
    return root


def findings(root: Path) -> list[dict[str, object]]:
    code, out, err = run_cli("check", root, "--select", "C006", "--format", "json")
    assert code in (0, 1), err
    found: list[dict[str, object]] = json.loads(out)["findings"]
    return found


@pytest.mark.parametrize(("environment", "extra"), [
    pytest.param("      A: ${A:-x}\n      B: ${B-}\n", {}, id="defaults"),
    pytest.param("      A: ${A:?set A}\n      B: ${B?}\n", {}, id="required-markers"),
    pytest.param("      A: ${A:+on}\n      B: ${B+on}\n", {}, id="alternative-values"),
    pytest.param("      A: ${A}\n", {".env": "A=\n"}, id="dotenv-empty-value"),
    pytest.param("      A: $A\n", {".env": "export A=1\n"}, id="dotenv-export"),
    pytest.param("      A: ${A}\n", {".env.sample": "A=x\n"}, id="env-sample"),
    pytest.param("      A: ${A}\n", {".env.template": "# A\nA='x'\n"}, id="env-template"),
    pytest.param("      A: $$A\n      B: $${B}\n      C: \"$$$$C\"\n", {}, id="escapes"),
    pytest.param("      A: $1 and $$2\n", {}, id="not-a-name"),
])
def test_c006_noop(tmp_path: Path, environment: str, extra: dict[str, str | bytes]) -> None:
    write(tmp_path, {"docker-compose.yml": HEADER + "    environment:\n" + environment, **extra})
    assert findings(tmp_path) == []


def test_c006_env_file_defines_it_for_its_service_only(tmp_path: Path) -> None:
    compose = (HEADER + "    env_file: [api.env]\n    environment:\n      A: ${A}\n"
               "  worker:\n    image: python:3.12-slim\n    environment:\n      A: ${A}\n")
    write(tmp_path, {"docker-compose.yml": compose, "api.env": "A=1\n"})
    assert [(f["service"], f["line"]) for f in findings(tmp_path)] == [("worker", 10)]


def test_c006_command_escapes_are_the_containers(tmp_path: Path) -> None:
    compose = HEADER + '    command: sh -c "echo $$HOME $${PATH} $TAG"\n'
    write(tmp_path, {"docker-compose.yml": compose})
    assert [f["message"] for f in findings(tmp_path)] == [
        "api reads `$TAG` with no default, and no .env, env_file or .env.example defines TAG: "
        "Compose substitutes an empty string"]


def test_c006_literal_block_reports_the_line_of_the_use(tmp_path: Path) -> None:
    compose = HEADER + "    command: |\n      sh -c 'echo start'\n      run --token ${TOKEN}\n"
    write(tmp_path, {"docker-compose.yml": compose})
    assert [f["line"] for f in findings(tmp_path)] == [6]


def test_c006_anchor_is_read_by_every_service_that_aliases_it(tmp_path: Path) -> None:
    compose = ("x-env: &env\n  REGION: ${REGION}\nservices:\n  api:\n    image: a\n"
               "    environment: *env\n  worker:\n    image: b\n    environment: *env\n")
    write(tmp_path, {"docker-compose.yml": compose})
    assert run_cli("fix", "--apply", tmp_path, "--select", "C006")[0] == 1
    assert (tmp_path / ".env.example").read_text().endswith(
        "# api (docker-compose.yml)\n# REGION is also read by worker\nREGION=\n")


def test_c006_shell_variable_the_service_sets_is_display_only(tmp_path: Path) -> None:
    compose = (HEADER + "    environment:\n      USER_NAME: app\n"
               '    healthcheck:\n      test: ["CMD-SHELL", "check $USER_NAME"]\n')
    write(tmp_path, {"docker-compose.yml": compose})
    [finding] = findings(tmp_path)
    assert finding["fix"] is None
    code, _out, err = run_cli("fix", tmp_path, "--select", "C006")
    assert code == 0 and "write `$$USER_NAME` if the container's shell should read it" in err


@pytest.mark.parametrize(("environment", "extra", "example"), [
    pytest.param("      A: ${A}\n      B: ${B:-two words}\n      C: $B\n", {},
                 "# Variables the compose files read. Copy this file to .env and set them.\n\n"
                 "# api (docker-compose.yml)\nA=\nB='two words'\n", id="new-file-default-quoted"),
    pytest.param("      DB_PASSWORD: ${DB_PASSWORD}\n      URL: x://${DB_PASSWORD:-postgres}\n",
                 {}, "# Variables the compose files read. Copy this file to .env and set them.\n"
                     "\n# api (docker-compose.yml)\nDB_PASSWORD=\n", id="secret-never-copied"),
    pytest.param("      A: ${A}\n", {".env.example": b"\xef\xbb\xbfX=1\r\n\r\n"},
                 "\ufeffX=1\r\n\r\n# api (docker-compose.yml)\r\nA=\r\n", id="bom-crlf-blank-end"),
    pytest.param("      A: ${A}\n", {".env.example": b"X=1"},
                 "X=1\n\n# api (docker-compose.yml)\nA=", id="no-final-newline"),
    pytest.param("      A: ${A}\n", {".env.example": b""},
                 "# api (docker-compose.yml)\nA=\n", id="empty-file"),
    pytest.param("      A: ${A}\n", {".env.sample": b"X=1\n"}, None, id="extends-env-sample"),
])
def test_c006_fixes(tmp_path: Path, environment: str, extra: dict[str, str | bytes],
                    example: str | None) -> None:
    write(tmp_path, {"docker-compose.yml": HEADER + "    environment:\n" + environment, **extra})
    code, _out, err = run_cli("fix", "--apply", tmp_path, "--select", "C006")
    assert code == 1, err
    assert run_cli("fix", tmp_path, "--select", "C006")[:2] == (0, "")
    if example is None:
        assert not (tmp_path / ".env.example").exists()
        assert (tmp_path / ".env.sample").read_text() == "X=1\n\n# api (docker-compose.yml)\nA=\n"
    else:
        assert (tmp_path / ".env.example").read_bytes().decode("utf-8") == example


@pytest.mark.parametrize("case", [c for c in CASES if (c / "expected.diff").stat().st_size],
                         ids=lambda c: c.name)
def test_c006_golden_stack_resolves_with_the_example_file(tmp_path: Path, case: Path) -> None:
    root = copy_tree(case / "before", tmp_path / "repo")
    documented = {m.group(1) for f in findings(root) if f["fix"]
                  for m in [re.search(r"defines (\w+):", str(f["message"]))] if m}
    assert documented
    assert run_cli("fix", "--apply", root, "--select", "C006")[0] == 1
    for files in compose_stacks(root):
        folder = (root / files[0]).parent
        args = [str(compose_binary()), "--env-file", str(folder / ".env.example")]
        for name in files:
            args += ["-f", str(root / name)]
        result = subprocess.run(args + ["config", "-q"], cwd=folder, capture_output=True,
                                text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        unset = set(re.findall(r'The \\"(\w+)\\" variable is not set', result.stderr))
        assert not unset & documented, result.stderr
