"""`# fixer: ignore[CODE,...]` on a finding's line or alone on the line above: in compose files,
Dockerfiles (alone above only) and Python files. Suppressed findings are counted, not shown, not
fixed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fixer.sources.suppressions import comments
from fixer.core.textfile import TextFile
from support import GOLDEN, run_cli
from test_config import APP, COMPOSE, DOCKERFILE, web_tree

PORT_LINE = '      - "8001:8001"\n'


def compose_with(comment_line: str | None = None, trailing: str = "") -> str:
    """COMPOSE with a trailing comment on the port line (P001's line) and/or a line above it."""
    above = comment_line + "\n" if comment_line is not None else ""
    return COMPOSE.replace(PORT_LINE, above + PORT_LINE.rstrip("\n") + trailing + "\n")


def check(root: Path, *args: str) -> tuple[int, list[str], str]:
    code, out, err = run_cli("check", root, "--format", "json", *args)
    return code, [f["code"] for f in json.loads(out)["findings"]], err


@pytest.mark.parametrize(("compose", "suppressed"), [
    (compose_with(trailing="  # fixer: ignore[P001]"), True),
    (compose_with(trailing="  #fixer:ignore[ C004 , P001 ]"), True),
    (compose_with(trailing="  # fixer: ignore[P]"), True),             # a prefix, as --ignore
    (compose_with(trailing="  # fixer: ignore[ALL]"), True),
    (compose_with("      # fixer: ignore[P001]"), True),               # alone on the line above
    (compose_with(trailing="  # fixer: ignore[P002]"), False),          # another code
    (compose_with(trailing="  # fixer: ignore"), False),                # no codes: nothing
    (compose_with("      # fixer: ignore[P001]\n      # another comment"), False),  # two above
    (COMPOSE.replace("    ports:\n", "    ports: # fixer: ignore[P001]\n"), False),  # trailing,
])                                                                        # on the line above
def test_compose_suppression(tmp_path: Path, compose: str, suppressed: bool) -> None:
    web_tree(tmp_path, compose=compose)
    code, found, err = check(tmp_path, "--select", "P001")
    assert found == ([] if suppressed else ["P001"])
    assert code == (0 if suppressed else 1)


def test_summary_counts_suppressed_findings_on_stderr(tmp_path: Path) -> None:
    web_tree(tmp_path, compose=compose_with(trailing="  # fixer: ignore[P001]"))
    code, out, err = run_cli("check", tmp_path)
    assert code == 1 and "P001" not in out and "C004" in out
    assert err.strip().endswith("1 suppressed.")
    code, out, err = run_cli("check", tmp_path, "--select", "P001")
    assert code == 0 and out == "" and err.strip() == "All checks passed. 1 suppressed."


def test_crlf_compose_file(tmp_path: Path) -> None:
    compose = compose_with("      # fixer: ignore[P001]").replace("\n", "\r\n")
    web_tree(tmp_path, compose=compose)
    assert check(tmp_path, "--select", "P001")[1] == []


def test_dockerfile_suppression(tmp_path: Path) -> None:
    shell_form = DOCKERFILE.replace(
        'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]',
        "CMD uvicorn app.main:app --host 0.0.0.0 --port 8000")
    web_tree(tmp_path, **{"web/Dockerfile": shell_form})
    assert check(tmp_path, "--select", "D002")[1] == ["D002"]
    suppressed = shell_form.replace("CMD uvicorn", "# fixer: ignore[D002]\nCMD uvicorn")
    web_tree(tmp_path, **{"web/Dockerfile": suppressed})
    assert check(tmp_path, "--select", "D002")[1] == []
    code, diff, err = run_cli("fix", tmp_path, "--select", "D002")
    assert code == 0 and diff == ""                      # a suppressed finding is not fixed


IMPORTS = "from fastapi import FastAPI\nfrom .util import x{tail}\n\napp = FastAPI()\n"


@pytest.mark.parametrize(("main", "suppressed"), [
    (IMPORTS.format(tail="  # fixer: ignore[I002]"), True),
    ("# fixer: ignore[I002]\n" + IMPORTS.format(tail=""), False),       # two lines above
    (IMPORTS.format(tail="").replace("from .util", "# fixer: ignore[I002]\nfrom .util"), True),
    (IMPORTS.format(tail='; S = "# fixer: ignore[I002]"'), False),   # in a string: no comment
    (IMPORTS.format(tail="  # fixer: ignore[I001]"), False),
])
def test_python_suppression(tmp_path: Path, main: str, suppressed: bool) -> None:
    web_tree(tmp_path, **{"web/app/main.py": main + APP.split("\n", 3)[3],
                          "web/app/util.py": "x = 1\n"})
    assert check(tmp_path, "--select", "I002")[1] == ([] if suppressed else ["I002"])


def test_fix_leaves_suppressed_findings_and_fixes_the_rest(tmp_path: Path) -> None:
    compose = compose_with(trailing="  # fixer: ignore[P001]")
    web_tree(tmp_path, compose=compose)
    code, diff, err = run_cli("fix", tmp_path)
    assert code == 1
    assert "healthcheck" in diff and "+EXPOSE 8001" not in diff   # C004 fixed, P001 not


# -- unused suppressions -------------------------------------------------------------------------


def test_show_unused_suppressions(tmp_path: Path) -> None:
    compose = compose_with("      # fixer: ignore[P001, P002]")
    dockerfile = "# fixer: ignore[D002]\n" + DOCKERFILE
    web_tree(tmp_path, compose=compose, **{"web/Dockerfile": dockerfile})
    code, out, _ = run_cli("check", tmp_path, "--select", "P", "--show-unused-suppressions")
    # P002 ran and matched nothing; D002 did not run this time, so it is not called unused.
    assert out == f"{tmp_path}/compose.yaml:5:7: unused suppression ignore[P002]\n"
    assert code == 1
    code, out, _ = run_cli("check", tmp_path, "--select", "P")
    assert code == 0 and out == ""
    code, out, _ = run_cli("check", tmp_path, "--select", "P,D", "--show-unused-suppressions")
    assert out.splitlines() == [
        f"{tmp_path}/compose.yaml:5:7: unused suppression ignore[P002]",
        f"{tmp_path}/web/Dockerfile:1:1: unused suppression ignore[D002]",
    ]


def test_unused_suppressions_are_in_the_summary_and_the_machine_formats(tmp_path: Path) -> None:
    """They fail the check as findings do (exit 1): the summary, JSON and SARIF say so."""
    web_tree(tmp_path, compose=compose_with("      # fixer: ignore[P002]"))
    args = ("check", tmp_path, "--select", "P002", "--show-unused-suppressions")
    code, out, err = run_cli(*args)
    assert code == 1 and err.strip() == "No findings; 1 unused suppression."
    code, out, err = run_cli(*args, "--format", "json")
    assert code == 1 and err == ""
    assert json.loads(out)["unused_suppressions"] == [{
        "code": "P002", "path": "compose.yaml", "line": 5, "column": 7,
        "message": "unused suppression ignore[P002]"}]
    code, out, err = run_cli(*args, "--format", "sarif")
    [run] = json.loads(out)["runs"]
    [result] = run["results"]
    assert code == 1 and result["ruleId"] == "unused-suppression"
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "unused-suppression"
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 5,
                                                                    "startColumn": 7}
    assert "unused_suppressions" not in json.loads(run_cli(*args[:-1], "--format", "json")[1])


def test_unknown_codes_in_a_suppression_are_unused(tmp_path: Path) -> None:
    web_tree(tmp_path, **{"web/app/util.py": "x = 1  # fixer: ignore[Z999]\n"})
    code, out, _ = run_cli("check", tmp_path, "--select", "P001", "--show-unused-suppressions")
    assert f"{tmp_path}/web/app/util.py:1:8: unused suppression ignore[Z999]" in out


@pytest.mark.parametrize(("case", "select", "shown"), [
    # above the Dockerfile's HEALTHCHECK and on the compose `test:` line, not at the FROM
    ("D003-healthcheck-tool-missing/noop-suppressed-at-the-healthcheck-that-runs-curl",
     "D003", []),
    # one of two healthchecks: the other is still reported, the comment takes its own out
    ("D003-healthcheck-tool-missing/one-of-two-healthchecks-suppressed", "D003", ["D003"]),
    # on the only consumer's depends_on entry, not at the database's `image:`
    ("C005-database-not-healthchecked/noop-only-consumer-entry-suppressed", "C005", []),
    # on one consumer's entry: the fix leaves it alone and gates the other
    ("C005-database-not-healthchecked/one-consumer-entry-suppressed-c003-would-gate-it",
     "C005", ["C005"]),
])
def test_a_comment_at_a_part_of_a_finding_is_used(case: str, select: str,
                                                  shown: list[str]) -> None:
    """A comment at a part of a finding (a healthcheck that runs the missing tool, a
    consumer's entry the fix would gate) is used, whether or not it suppresses the finding."""
    code, out, _ = run_cli("check", GOLDEN / case / "before", "--select", select,
                           "--show-unused-suppressions", "--format", "json")
    report = json.loads(out)
    assert [f["code"] for f in report["findings"]] == shown
    assert report["unused_suppressions"] == []
    assert code == (1 if shown else 0)


def test_comment_scan_positions() -> None:
    text = 'a: 1\n  # fixer: ignore[C001,c003]\nb: "# fixer: ignore[X]"  # fixer: ignore[P001]\n'
    found = comments(TextFile("compose.yaml", text))
    assert [(s.line, s.column, s.codes, s.own_line) for s in found] == [
        (2, 3, ("C001", "C003"), True), (3, 26, ("P001",), False)]


@pytest.mark.parametrize("path", ["web/Dockerfile", "Dockerfile.prod", "api.dockerfile",
                                  "Containerfile"])
def test_a_dockerfile_comment_counts_only_alone_on_its_line(path: str) -> None:
    """Docker reads a `#` after an instruction as its argument: no comment, no suppression."""
    text = "# fixer: ignore[D002]\nCMD uvicorn app.main:app\nEXPOSE 8000  # fixer: ignore[P002]\n"
    found = comments(TextFile(path, text))
    assert [(s.line, s.codes, s.own_line) for s in found] == [(1, ("D002",), True)]


@pytest.mark.parametrize(("pattern", "uppercase_too", "expected"), [
    pytest.param("web/dockerfile", False, [], id="the-lowercase-file-it-builds"),
    pytest.param("dockerfile", False, [], id="a-name-at-any-depth"),
    pytest.param("web/dockerfile", True, ["C004", "P001"], id="a-lowercase-file-it-does-not-build"),
])
def test_a_service_whose_lowercase_dockerfile_is_excluded_is_left_alone(
        tmp_path: Path, pattern: str, uppercase_too: bool, expected: list[str]) -> None:
    """With no `build.dockerfile` and no `Dockerfile`, the build reads `dockerfile`: excluding
    that file hides the service, never turns it into a missing Dockerfile (S001)."""
    root = web_tree(tmp_path, **{"fixer.toml": f'exclude = ["{pattern}"]\n'})
    (root / "web" / "dockerfile").write_bytes((root / "web" / "Dockerfile").read_bytes())
    if not uppercase_too:
        (root / "web" / "Dockerfile").unlink()
    assert sorted(check(root)[1]) == expected
