"""Configuration: fixer.toml or [tool.fixer] in pyproject.toml, validated, with CLI flags over it;
exclude globs, per-service-ignores and configured stacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fixer.app import configfile
from fixer.core.errors import InputError
from fixer.core.exclude import PathFilter
from fixer.core.tree import FolderSource
from fixer.app.configpaths import move_glob
from support import git, run_cli, write_tree

COMPOSE = 'services:\n  web:\n    build: ./web\n    ports:\n      - "8001:8001"\n'
DOCKERFILE = ('FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nEXPOSE 8000\n'
              'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n')
APP = ('from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/health")\n'
       'def health() -> dict[str, str]:\n    return {"status": "ok"}\n')


def web_tree(root: Path, folder: str = "web", compose: str = COMPOSE,
             **files: str) -> Path:
    """One service `web`: compose claims 8001, the app listens on 8000 (P001, and C004)."""
    base = {"compose.yaml": compose.replace("./web", f"./{folder}"),
            f"{folder}/Dockerfile": DOCKERFILE, f"{folder}/app/__init__.py": "",
            f"{folder}/app/main.py": APP, f"{folder}/requirements.txt": "fastapi\nuvicorn\n"}
    base.update(files)
    return write_tree(root, base)


def codes(root: Path, *args: str) -> list[str]:
    code, out, err = run_cli("check", root, "--format", "json", *args)
    assert code in (0, 1), err
    return [f["code"] for f in json.loads(out)["findings"]]


# -- where the configuration comes from ----------------------------------------------------------


def test_pyproject_tool_fixer_selects_rules(tmp_path: Path) -> None:
    web_tree(tmp_path)
    assert codes(tmp_path) == ["C004", "P001"]
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.fixer]\n'
                                             'select = ["P001"]\n')
    assert codes(tmp_path) == ["P001"]


def test_fixer_toml_wins_over_pyproject(tmp_path: Path) -> None:
    web_tree(tmp_path, **{"pyproject.toml": '[tool.fixer]\nselect = ["P001"]\n',
                          "fixer.toml": 'select = ["C004"]\n'})
    assert codes(tmp_path) == ["C004"]


def test_a_pyproject_without_tool_fixer_is_no_configuration(tmp_path: Path) -> None:
    web_tree(tmp_path, **{"pyproject.toml": '[tool.ruff]\nline-length = 99\n'})
    assert codes(tmp_path) == ["C004", "P001"]


# The file selects P and C and ignores P001: of web_tree's P001 and C004, C004 runs.
SELECTING = 'select = ["P", "C"]\nignore = ["P001"]\n'


@pytest.mark.parametrize("flags, expected", [
    ((), ["C004"]),
    # no --select: --ignore and --extend-select change what the file chose, its ignore kept
    (("--ignore", "C"), []),
    (("--ignore", "P"), ["C004"]),
    (("--extend-select", "P001"), ["C004", "P001"]),   # the command line's layer is last
    (("--extend-select", "P001", "--ignore", "C"), ["P001"]),
    # --select is the base: the file's select and ignore are dropped, as in ruff
    (("--select", "P001"), ["P001"]),
    (("--select", "P"), ["P001"]),
    (("--select", "C"), ["C004"]),
    (("--select", "C", "--extend-select", "P001"), ["C004", "P001"]),
    (("--select", "P,C", "--ignore", "P001"), ["C004"]),
    (("--select", "P001", "--ignore", "P"), ["P001"]),   # the more specific one wins
], ids=lambda value: " ".join(value) if isinstance(value, tuple) else None)
def test_cli_selection_layers_over_the_file_as_in_ruff(tmp_path: Path, flags: tuple[str, ...],
                                                       expected: list[str]) -> None:
    web_tree(tmp_path, **{"fixer.toml": SELECTING})
    assert codes(tmp_path, *flags) == expected


@pytest.mark.parametrize("flags, fixed", [
    (("--ignore", "C"), False),    # the file's ignore of P001 still holds
    (("--select", "P001"), True),  # a --select drops it
    (("--select", "C004"), False),
    (("--extend-select", "P001"), True),
])
def test_fix_follows_the_same_selection(tmp_path: Path, flags: tuple[str, ...],
                                        fixed: bool) -> None:
    web_tree(tmp_path, **{"fixer.toml": SELECTING})
    _, diff, _ = run_cli("fix", tmp_path, *flags)
    assert ('"--port", "8001"]' in diff) is fixed, diff
    run_cli("fix", "--apply", tmp_path, *flags)
    assert ("8001" in (tmp_path / "web/Dockerfile").read_text()) is fixed


def test_report_follows_the_same_selection(tmp_path: Path) -> None:
    web_tree(tmp_path, **{"fixer.toml": SELECTING})
    assert "P001" not in run_cli("report", tmp_path, "--ignore", "C")[1]
    assert "❌ **web** - 1 critical issue (Port Configuration)" in \
        run_cli("report", tmp_path, "--select", "P001")[1]


def test_a_cli_select_keeps_per_service_ignores_and_comments(tmp_path: Path) -> None:
    """What the user turned off for a service or a line is not the selection a --select
    replaces: `fixer check --select P001` still leaves those findings out."""
    web_tree(tmp_path, **{"fixer.toml": SELECTING + '\n[per-service-ignores]\nweb = ["C004"]\n'})
    assert codes(tmp_path, "--select", "C004") == []
    assert codes(tmp_path, "--select", "P001") == ["P001"]
    compose = (tmp_path / "compose.yaml").read_text()
    (tmp_path / "compose.yaml").write_text(compose.replace('"8001:8001"',
                                                           '"8001:8001"  # fixer: ignore[P001]'))
    assert codes(tmp_path, "--select", "P001") == []
    code, diff, err = run_cli("fix", tmp_path, "--select", "P001")
    assert (code, diff) == (0, ""), err


def test_port_source_from_the_file_and_overridden_on_the_cli(tmp_path: Path) -> None:
    web_tree(tmp_path, **{"fixer.toml": 'port-source = "dockerfile"\n'})
    _, diff, _ = run_cli("fix", tmp_path, "--select", "P001")
    assert "+++ b/compose.yaml" in diff and "web/Dockerfile" not in diff
    _, diff, _ = run_cli("fix", tmp_path, "--select", "P001", "--port-source", "compose")
    assert "+++ b/web/Dockerfile" in diff and "compose.yaml" not in diff


def test_port_source_auto_is_the_default_and_accepted_everywhere(tmp_path: Path) -> None:
    # `ports: 8001:8001` and the app on 8000: with no peer, compose's port stays (app moves)
    web_tree(tmp_path)
    _, default, _ = run_cli("fix", tmp_path, "--select", "P001")
    assert "+++ b/web/Dockerfile" in default and "compose.yaml" not in default
    # a peer calls the app on 8000: auto keeps the port it calls and moves the target
    compose = COMPOSE + "  worker:\n    image: busybox\n    environment:\n" \
                        "      API: http://web:8000/jobs\n"
    web_tree(tmp_path, compose=compose, **{"fixer.toml": 'port-source = "auto"\n'})
    _, auto, _ = run_cli("fix", tmp_path, "--select", "P001")
    assert '+      - "8001:8000"' in auto and "web/Dockerfile" not in auto
    (tmp_path / "fixer.toml").write_text('port-source = "dockerfile"\n')
    assert run_cli("fix", tmp_path, "--select", "P001", "--port-source", "auto")[1] == auto
    code, out, err = run_cli("check", tmp_path, "--select", "P001", "--port-source", "auto")
    assert code == 1 and "P001" in out, err


def test_unsafe_fixes_from_the_file_and_no_unsafe_fixes_flag(tmp_path: Path) -> None:
    # S003: uvicorn is not in requirements.txt; adding it is an unsafe fix.
    web_tree(tmp_path, **{"web/requirements.txt": "fastapi\n"})
    _, diff, _ = run_cli("fix", tmp_path, "--select", "S003")
    assert diff == ""
    (tmp_path / "fixer.toml").write_text("unsafe-fixes = true\n")
    _, diff, _ = run_cli("fix", tmp_path, "--select", "S003")
    assert "+uvicorn" in diff
    _, diff, _ = run_cli("fix", tmp_path, "--select", "S003", "--no-unsafe-fixes")
    assert diff == ""


def test_postgres_image_from_the_file(tmp_path: Path) -> None:
    compose = COMPOSE.replace("    ports:", "    environment:\n"
                              "      DATABASE_URL: postgresql://app:pw@db:5432/app\n    ports:")
    web_tree(tmp_path, compose=compose, **{"fixer.toml": 'postgres-image = "postgres:16"\n'})
    _, diff, _ = run_cli("fix", tmp_path, "--select", "C001")
    assert "image: postgres:16" in diff
    _, diff, _ = run_cli("fix", tmp_path, "--select", "C001", "--postgres-image",
                         "postgis/postgis:16-3.4")
    assert "image: postgis/postgis:16-3.4" in diff and "postgres:16" not in diff
    # an image that does not start as the official one gets no safe service
    _, diff, _ = run_cli("fix", tmp_path, "--select", "C001", "--postgres-image", "pg:1")
    assert diff == ""


def test_severity_from_the_file_and_overridden_on_the_cli(tmp_path: Path) -> None:
    # web_tree: P001 is an error, C004 a warning.
    web_tree(tmp_path, **{"pyproject.toml": '[tool.fixer]\nseverity = "error"\n'})
    assert codes(tmp_path) == ["P001"]
    assert codes(tmp_path, "--severity", "warning") == ["C004", "P001"]
    (tmp_path / "web/Dockerfile").write_text(DOCKERFILE.replace("8000", "8001"))
    assert run_cli("check", tmp_path)[0] == 0                  # a warning alone: exit 0
    assert run_cli("check", tmp_path, "--severity", "warning")[0] == 1
    code, diff, _ = run_cli("fix", tmp_path)                   # fix still fixes warnings
    assert code == 1 and "healthcheck:" in diff


# -- errors name the file, the line and the key --------------------------------------------------


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("pyproject.toml", '[project]\nname = "x"\n\n[tool.fixer]\nselect = ["P001"]\nselec = []\n',
     'pyproject.toml:6: [tool.fixer] unknown key "selec"'),
    ("fixer.toml", '# settings\nunsafe-fixes = "yes"\n',
     'fixer.toml:2: "unsafe-fixes" must be true or false, not "yes"'),
    ("fixer.toml", 'port-source = "both"\n',
     'fixer.toml:1: "port-source" must be one of auto, compose, dockerfile, not "both"'),
    ("fixer.toml", 'select = "P001"\n',
     'fixer.toml:1: "select" must be a list of strings, not "P001"'),
    ("fixer.toml", 'ignore = ["P001", "X999"]\n',
     'fixer.toml:1: "ignore": unknown rule code X999'),
    ("fixer.toml", 'exclude = ["a"]\n\n[per-service-ignores]\nweb = ["P001"]\napi = "P"\n',
     'fixer.toml:5: "per-service-ignores.api" must be a list of strings, not "P"'),
    ("fixer.toml", 'stacks = [["compose.yaml", "compose.prod.yaml"]]\n',
     'fixer.toml:1: "stacks": no compose file compose.prod.yaml'),
    ("fixer.toml", 'stacks = ["compose.yaml"]\n',
     'fixer.toml:1: "stacks" must be a list of non-empty lists of compose files'),
    ("fixer.toml", 'select = ["P"]\nseverity = "info"\n',
     'fixer.toml:2: "severity" must be one of error, warning, not "info"'),
    ("fixer.toml", 'health-paths = ["ping"]\n',
     'fixer.toml:1: "health-paths": \'ping\' is not a URL path (it must start with "/")'),
    ("pyproject.toml", '[tool]\nfixer = 3\n', "pyproject.toml:2: [tool.fixer] must be a table"),
    ("fixer.toml", 'select = [\n', "fixer.toml:1: invalid TOML"),
    ("pyproject.toml", '[tool.black]\nline-length = 88\n\n[tool.fixer]\nselect = [\n',
     "pyproject.toml:5: invalid TOML"),
    ("fixer.toml", '\ufeffselect = ["P"]\nseverity = "info"\n',
     'fixer.toml:2: "severity" must be one of error, warning, not "info"'),
    ("fixer.toml", 'fix-time-budget = nan\n',
     'fixer.toml:1: "fix-time-budget" must be a number of seconds over 0, not nan'),
])
def test_a_bad_configuration_is_an_error_naming_file_line_and_key(
        tmp_path: Path, name: str, text: str, expected: str) -> None:
    web_tree(tmp_path, **{name: text})
    for command in ("check", "fix"):
        code, out, err = run_cli(command, tmp_path)
        assert code == 2 and out == ""
        assert f"{tmp_path}/{expected}" in err


def test_an_invalid_pyproject_that_never_names_fixer_configures_nothing(
        tmp_path: Path) -> None:
    """The project's own pyproject.toml, broken where a tool of its own reads it (isort's
    `include_trailing_comma = Itrue`), holds no [tool.fixer]: the run checks the tree as
    without the file, the same findings, and no error."""
    web_tree(tmp_path)
    _, unconfigured, _ = run_cli("check", tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.isort]\nprofile = "black"\ninclude_trailing_comma = Itrue\n')
    for command in ("check", "fix"):
        code, out, err = run_cli(command, tmp_path)
        assert code != 2 and "invalid TOML" not in err, err
    assert run_cli("check", tmp_path)[1] == unconfigured


def test_error_path_is_shown_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    web_tree(tmp_path, **{"pyproject.toml": "[tool.fixer]\nselec = []\n"})
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli("check")
    assert code == 2 and 'pyproject.toml:2: [tool.fixer] unknown key "selec"' in err
    assert str(tmp_path) not in err


@pytest.mark.slow   # a fixer process of its own: a blocking open would hang this one
@pytest.mark.parametrize("name", ["fixer.toml", "pyproject.toml"])
def test_a_configuration_file_that_is_a_fifo_is_refused_not_read(tmp_path: Path,
                                                                  name: str) -> None:
    web_tree(tmp_path)
    os.mkfifo(tmp_path / name)
    run = subprocess.run([sys.executable, "-m", "fixer.cli", "check", str(tmp_path)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and run.stdout == ""
    assert f"{tmp_path}/{name}:1: not a regular file" in run.stderr


def test_a_configuration_file_linked_from_outside_the_root_is_refused(tmp_path: Path) -> None:
    root = web_tree(tmp_path / "repo")
    (tmp_path / "elsewhere.toml").write_text('select = ["P001"]\n')
    (root / "fixer.toml").symlink_to(tmp_path / "elsewhere.toml")
    code, out, err = run_cli("check", root)
    assert code == 2 and out == ""
    assert f"{root}/fixer.toml:1: symlink to a file outside the repository" in err


@pytest.mark.parametrize(("value", "size"), [
    ("1024", 1024), ('"5 MiB"', 5 << 20), ('"512KiB"', 512 << 10), ('"2 GiB"', 2 << 30)])
def test_max_file_size_from_the_file(tmp_path: Path, value: str, size: int) -> None:
    web_tree(tmp_path, **{"fixer.toml": f"max-file-size = {value}\n"})
    assert configfile.settings(tmp_path, str(tmp_path)).config.max_file_size == size


@pytest.mark.parametrize("value", ["0", "-1", '"5MB"', "true", "1.5", '"big"'])
def test_a_max_file_size_that_is_no_size_is_an_error(tmp_path: Path, value: str) -> None:
    web_tree(tmp_path, **{"fixer.toml": f"# cap\nmax-file-size = {value}\n"})
    code, out, err = run_cli("check", tmp_path)
    assert code == 2 and out == ""
    assert f'{tmp_path}/fixer.toml:2: "max-file-size" must be a size: a number of bytes' in err


def test_a_file_over_the_configured_size_is_reported_not_read(tmp_path: Path) -> None:
    web_tree(tmp_path, **{"fixer.toml": 'max-file-size = "1 KiB"\n',
                          "web/app/main.py": APP + "#" * 1024 + "\n"})
    config = configfile.settings(tmp_path, str(tmp_path)).config
    with pytest.raises(InputError) as caught:
        FolderSource(tmp_path, config.max_file_size).read_bytes("web/app/main.py")
    assert str(caught.value) == "web/app/main.py:1: larger than 1 KiB (max-file-size); not read"
    assert FolderSource(tmp_path, config.max_file_size).read_bytes("web/Dockerfile") \
        == DOCKERFILE.encode()


def test_check_reports_a_file_over_the_configured_size(tmp_path: Path) -> None:
    web_tree(tmp_path, **{"fixer.toml": 'max-file-size = "1 KiB"\n',
                          "web/app/main.py": APP + "#" * 1024 + "\n"})
    code, _out, err = run_cli("check", tmp_path)
    assert code == 2
    assert f"{tmp_path}/web/app/main.py:1: larger than 1 KiB (max-file-size); not read" in err


# -- exclude -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("pattern", "path", "excluded"), [
    ("legacy", "legacy/compose.yaml", True),
    ("legacy/", "legacy/svc/Dockerfile", True),
    ("legacy/**", "legacy/svc/Dockerfile", True),
    ("legacy/**", "legacy2/compose.yaml", False),
    ("legacy", "new/legacy/compose.yaml", True),       # no slash: a name at any depth
    ("svc/legacy", "new/svc/legacy/x.py", False),       # with a slash: from the root
    ("*.gen.yml", "a/b/docker-compose.gen.yml", True),
    ("a/*/Dockerfile", "a/b/Dockerfile", True),
    ("a/*/Dockerfile", "a/b/c/Dockerfile", False),
    ("**/fixtures/*.yaml", "tests/x/fixtures/compose.yaml", True),
    ("**/fixtures/*.yaml", "fixtures/compose.yaml", True),
    ("svc[12]", "svc1/app.py", True),
    ("svc[!12]", "svc1/app.py", False),
    ("./deploy/", "deploy/compose.yaml", True),
])
def test_exclude_glob_syntax(pattern: str, path: str, excluded: bool) -> None:
    assert PathFilter([pattern]).excluded(path) is excluded


def test_excluded_compose_files_are_not_read(tmp_path: Path) -> None:
    web_tree(tmp_path)
    write_tree(tmp_path, {"legacy/compose.yaml": "services:\n  a: [\n"})  # broken YAML
    code, _, err = run_cli("check", tmp_path, "--select", "P001")
    assert code == 2 and "legacy/compose.yaml" in err
    (tmp_path / "fixer.toml").write_text('exclude = ["legacy"]\n')
    code, out, err = run_cli("check", tmp_path, "--select", "P001")
    assert code == 1 and "legacy" not in out + err


def test_a_service_whose_folder_is_excluded_is_left_alone(tmp_path: Path) -> None:
    web_tree(tmp_path, **{"fixer.toml": 'exclude = ["web/"]\n'})
    assert codes(tmp_path, "--select", "ALL") == []   # no S001 for a hidden Dockerfile
    code, diff, _ = run_cli("fix", tmp_path, "--select", "ALL", "--unsafe-fixes")
    assert code == 0 and diff == ""


# -- per-service-ignores and stacks --------------------------------------------------------------


def test_per_service_ignores_drop_codes_for_that_service_only(tmp_path: Path) -> None:
    compose = COMPOSE + '  api:\n    build: ./api\n    ports:\n      - "9001:9001"\n'
    web_tree(tmp_path, compose=compose)
    write_tree(tmp_path, {f"api/{p.name}": p.read_text() for p in (tmp_path / "web").iterdir()
                          if p.is_file()} | {"api/app/main.py": APP, "api/app/__init__.py": ""})
    assert codes(tmp_path, "--select", "P001") == ["P001", "P001"]
    (tmp_path / "fixer.toml").write_text('[per-service-ignores]\nweb = ["P"]\n')
    code, out, _ = run_cli("check", tmp_path, "--select", "P001", "--format", "json")
    assert [f["service"] for f in json.loads(out)["findings"]] == ["api"]
    _, diff, _ = run_cli("fix", tmp_path, "--select", "P001")
    assert "api/Dockerfile" in diff and "web/Dockerfile" not in diff


def test_per_service_ignores_naming_no_service_warn_with_a_close_match(tmp_path: Path) -> None:
    web_tree(tmp_path)
    clean = run_cli("check", tmp_path)[0]
    (tmp_path / "fixer.toml").write_text('ignore = ["D"]\n\n[per-service-ignores]\n'
                                         'wbe = ["P001"]\nzzz = ["C004"]\n')
    warned = [f'fixer: warning: {tmp_path}/fixer.toml:4: per-service-ignores names "wbe", a '
              'service no compose file defines (did you mean "web"?): it turns nothing off',
              f'fixer: warning: {tmp_path}/fixer.toml:5: per-service-ignores names "zzz", a '
              "service no compose file defines: it turns nothing off"]
    for command in ("check", "fix"):
        code, _, err = run_cli(command, tmp_path)
        assert err.splitlines()[:2] == warned, err
        assert code == clean == 1   # a warning, not an error
    (tmp_path / "pyproject.toml").write_text('[tool.fixer.per-service-ignores]\nweb = ["P"]\n'
                                             'wbe = ["P"]\n')
    (tmp_path / "fixer.toml").unlink()
    err = run_cli("check", tmp_path)[2]
    assert f"{tmp_path}/pyproject.toml:3: per-service-ignores names \"wbe\"" in err
    assert '"web",' not in err


def test_a_service_of_another_folder_checked_is_no_unknown_service(tmp_path: Path) -> None:
    # one configuration above two repositories: each names services of both
    web_tree(tmp_path / "a")
    web_tree(tmp_path / "b", folder="api", compose=COMPOSE.replace("web", "api"))
    (tmp_path / "fixer.toml").write_text('[per-service-ignores]\napi = ["C004"]\n')
    assert "fixer: warning" not in run_cli("check", tmp_path / "a", tmp_path / "b")[2]
    err = run_cli("check", tmp_path / "a")[2]
    assert 'names "api", a service no compose file defines' in err


def test_configured_stacks_merge_files_compose_would_not_group(tmp_path: Path) -> None:
    # Two standalone files (each names the build): Compose reads them apart unless told.
    base = "services:\n  web:\n    build: ../web\n"
    ports = 'services:\n  web:\n    build: ../web\n    ports:\n      - "8001:8001"\n'
    web_tree(tmp_path, **{"deploy/docker-compose.base.yml": base,
                          "deploy/docker-compose.ports.yml": ports})
    (tmp_path / "compose.yaml").unlink()
    assert codes(tmp_path, "--select", "P001") == ["P001"]  # the ports file, as its own stack
    (tmp_path / "fixer.toml").write_text(
        'stacks = [["deploy/docker-compose.base.yml", "./deploy/docker-compose.ports.yml"]]\n')
    code, out, _ = run_cli("check", tmp_path, "--select", "P001", "--format", "json")
    [finding] = json.loads(out)["findings"]
    assert finding["path"] == "deploy/docker-compose.ports.yml" and finding["service"] == "web"


# -- a configuration above PATH, and --config ----------------------------------------------------


def test_a_configuration_above_path_applies_to_it(tmp_path: Path) -> None:
    sub = web_tree(tmp_path / "sub")
    assert codes(sub) == ["C004", "P001"]
    (tmp_path / "pyproject.toml").write_text('[tool.fixer]\nselect = ["P001"]\n')
    assert codes(sub) == ["P001"]
    assert codes(tmp_path / "sub" / ".." / "sub") == ["P001"]


def test_the_nearest_configuration_wins(tmp_path: Path) -> None:
    sub = web_tree(tmp_path / "a" / "sub")
    (tmp_path / "fixer.toml").write_text('select = ["P001"]\n')
    (tmp_path / "a" / "pyproject.toml").write_text('[tool.fixer]\nselect = ["C004"]\n')
    assert codes(sub) == ["C004"]   # a nearer pyproject.toml over a farther fixer.toml
    (sub / "fixer.toml").write_text('select = ["ALL"]\nignore = ["C004"]\n')
    assert "C004" not in codes(sub) and "P001" in codes(sub)


def test_a_pyproject_without_tool_fixer_does_not_stop_the_search(tmp_path: Path) -> None:
    sub = web_tree(tmp_path / "sub", **{"pyproject.toml": '[tool.ruff]\nline-length = 99\n'})
    (tmp_path / "fixer.toml").write_text('select = ["P001"]\n')
    assert codes(sub) == ["P001"]


def test_the_search_stops_at_the_top_of_the_git_work_tree(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    sub = web_tree(repo / "sub")
    git(repo, "init", "-q", "--template=")
    (tmp_path / "fixer.toml").write_text('select = ["P001"]\n')   # another project's
    assert codes(sub) == ["C004", "P001"]
    (repo / "fixer.toml").write_text('select = ["C004"]\n')       # the top itself is read
    assert codes(sub) == ["C004"]


def test_an_error_in_a_configuration_above_names_it_from_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    web_tree(tmp_path / "sub")
    (tmp_path / "pyproject.toml").write_text('[tool.fixer]\nselec = []\n')
    monkeypatch.chdir(tmp_path / "sub")
    code, out, err = run_cli("check")
    assert code == 2 and out == ""
    assert '../pyproject.toml:2: [tool.fixer] unknown key "selec"' in err


def test_exclude_from_a_configuration_above_is_moved_to_path(tmp_path: Path) -> None:
    sub = web_tree(tmp_path / "sub")
    write_tree(sub, {"legacy/compose.yaml": "services:\n  a: [\n"})   # broken YAML
    (tmp_path / "fixer.toml").write_text('exclude = ["sub/legacy/"]\n')
    code, out, err = run_cli("check", sub, "--select", "P001")
    assert code == 1 and "legacy" not in out + err, err
    # anchored where the file is: sub/new/legacy is not sub/legacy
    write_tree(sub, {"new/legacy/compose.yaml": "services:\n  a: [\n"})
    code, _, err = run_cli("check", sub, "--select", "P001")
    assert code == 2 and "new/legacy/compose.yaml" in err
    assert "sub/legacy/compose.yaml" not in err


# Two files Compose would read apart: the base claims 8001, the other runs the app on 8001.
# Grouped as one stack, the app listens where compose says; apart, the base is a P001.
STACK_BASE = 'services:\n  web:\n    build: ../web\n    ports:\n      - "8001:8001"\n'
STACK_CMD = ("services:\n  web:\n    build: ../web\n"
             "    command: uvicorn app.main:app --host 0.0.0.0 --port 8001\n")


def stacked_tree(root: Path) -> Path:
    web_tree(root, **{"deploy/docker-compose.base.yml": STACK_BASE,
                      "deploy/docker-compose.cmd.yml": STACK_CMD})
    (root / "compose.yaml").unlink()
    return root


def test_stacks_from_a_configuration_above_are_moved_to_path(tmp_path: Path) -> None:
    sub = stacked_tree(tmp_path / "sub")
    write_tree(tmp_path, {"other/compose.yaml": "services:\n  x:\n    image: busybox\n"})
    assert codes(sub, "--select", "P001") == ["P001"]
    (tmp_path / "fixer.toml").write_text(
        'stacks = [["sub/deploy/docker-compose.base.yml", "sub/deploy/docker-compose.cmd.yml"],'
        ' ["other/compose.yaml"]]\n')
    assert codes(sub, "--select", "P001") == []          # one stack: no mismatch
    assert codes(tmp_path, "--select", "P001") == []     # as from the file's own folder


def test_config_option_names_the_file_and_nothing_is_searched(tmp_path: Path) -> None:
    repo = web_tree(tmp_path / "repo", **{"fixer.toml": 'select = ["C004"]\n'})
    write_tree(repo, {"legacy/compose.yaml": "services:\n  a: [\n"})
    settings = write_tree(tmp_path / "settings", {
        "ci.toml": 'select = ["P001"]\nexclude = ["../repo/legacy"]\n',
        "pyproject.toml": '[project]\nname = "x"\n\n[tool.fixer]\nselect = ["C004"]\n'
                          'exclude = ["../repo/legacy/"]\n'})
    assert codes(repo, "--config", settings / "ci.toml") == ["P001"]
    assert codes(repo, "--config", settings / "pyproject.toml") == ["C004"]
    _, diff, _ = run_cli("fix", repo, "--config", settings / "ci.toml")
    assert "+++ b/web/Dockerfile" in diff and "healthcheck" not in diff
    code, out, _ = run_cli("report", repo, "--config", settings / "ci.toml")
    assert code == 0 and "Port" in out and "Healthcheck" not in out
    assert "Healthcheck" in run_cli("report", repo, "--select", "C004")[1]


@pytest.mark.parametrize("command", ["check", "fix", "report"])
def test_a_config_option_naming_no_file_exits_2(tmp_path: Path, command: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    web_tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(command, ".", "--config", "conf/nope.toml")
    assert code == 2 and out == "" and "conf/nope.toml: no such file" in err


def test_a_config_option_naming_a_pyproject_without_tool_fixer_exits_2(tmp_path: Path) -> None:
    web_tree(tmp_path, **{"other/pyproject.toml": "[tool.ruff]\n"})
    code, _, err = run_cli("check", tmp_path, "--config", tmp_path / "other/pyproject.toml")
    assert code == 2 and f"{tmp_path}/other/pyproject.toml: no [tool.fixer] table" in err


def test_verbose_names_a_configuration_that_is_not_paths_own(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    web_tree(tmp_path / "sub")
    (tmp_path / "fixer.toml").write_text('select = ["P001"]\n')
    monkeypatch.chdir(tmp_path / "sub")
    assert "config: ../fixer.toml" in run_cli("check", "-v")[2]
    assert "config:" not in run_cli("check")[2]
    assert "config: ../fixer.toml" in run_cli("fix", "-v")[2]
    (tmp_path / "sub" / "fixer.toml").write_text('select = ["P001"]\n')
    assert "config:" not in run_cli("check", "-v")[2]
    assert "config: ../fixer.toml" in run_cli("check", "-v", "--config", "../fixer.toml")[2]


@pytest.mark.parametrize(("pattern", "folder", "path", "moved"), [
    ("sub/legacy/", ".", "sub", ["legacy/**"]),
    ("sub/legacy", ".", "sub", ["legacy/**"]),
    ("sub/legacy/**", ".", "sub", ["legacy/**"]),
    ("./sub/a/*.yml", ".", "sub", ["a/*.yml"]),
    ("*/legacy/", ".", "sub", ["legacy/**"]),
    ("legacy", ".", "sub", ["legacy"]),                      # a name at any depth stays
    ("**/fixtures/*.yaml", ".", "sub", ["**/fixtures/*.yaml"]),
    ("**/sub/x/y", ".", "a/sub", ["**/sub/x/y", "x/y"]),    # `**` over PATH's folders, or not
    ("other/legacy/", ".", "sub", []),                      # beside PATH: dropped
    ("sub/a/", ".", "sub/a", []),                           # PATH itself: it was named
    ("sub/**", ".", "sub", []),
    ("a/b", ".", "a/b/c", []),                              # a folder above PATH
    ("x/y", "ci", ".", ["ci/x/y"]),                         # the file below PATH
    ("../legacy/", "ci", ".", ["legacy/**"]),
    ("../../x/y", "a/ci", "b", []),
])
def test_moving_an_exclude_glob_to_path(tmp_path: Path, pattern: str, folder: str, path: str,
                                        moved: list[str]) -> None:
    (tmp_path / path).mkdir(parents=True, exist_ok=True)
    assert move_glob(pattern, tmp_path / folder, tmp_path / path) == moved


def test_a_bare_name_left_at_paths_top_also_names_its_file(tmp_path: Path) -> None:
    write_tree(tmp_path, {"sub/compose.gen.yml": "services: {}\n"})
    assert move_glob("sub/compose.gen.yml", tmp_path, tmp_path / "sub") \
        == ["compose.gen.yml", "compose.gen.yml/**"]
    assert move_glob("sub/compose.gen.yml/", tmp_path, tmp_path / "sub") \
        == ["compose.gen.yml/**"]


def test_a_fix_run_past_the_configured_time_budget_stops_and_writes_nothing(
        tmp_path: Path) -> None:
    web_tree(tmp_path, **{"fixer.toml": "fix-time-budget = 0.001\n"})
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    code, _out, err = run_cli("fix", "--apply", tmp_path)
    assert code == 2
    assert "fixer: fixer fix stopped after 0 rounds" in err
    assert "over its time budget of 0 s (fix-time-budget); nothing was written" in err
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize(("line", "message"), [
    ("fix-time-budget = 0", '"fix-time-budget" must be a number of seconds over 0, not 0'),
    ('fix-memory-budget = "4 GB"', '"fix-memory-budget" must be a whole number of MB over 0'),
])
def test_budgets_must_be_positive_numbers(tmp_path: Path, line: str, message: str) -> None:
    web_tree(tmp_path, **{"fixer.toml": line + "\n"})
    code, _out, err = run_cli("check", tmp_path)
    assert code == 2 and f"fixer.toml:1: {message}" in err
