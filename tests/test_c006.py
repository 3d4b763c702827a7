"""C006 undocumented-variable: variables with no default that nothing defines get a line in
`.env.example`.

Each golden stack is fixed for real and then resolved by the real Compose binary with the
example file as its only env file: every variable that C006 documented is set (Compose
warns about none of them), and `config -q` passes.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixer_rules.compose import c006_undocumented_variable as c006
from fixer_rules.compose.c006_undocumented_variable import EXAMPLES, is_example_name
from kit import check, fix, read_folder
from support import GOLDEN, compose_binary, compose_stacks, git, make_repo, run_cli, write_tree

HEADER = "services:\n  api:\n    image: python:3.12-slim\n"
CASES = sorted(p.parent for p in (GOLDEN / "C006-undocumented-variable").glob("*/before"))


def env(environment: str, extra: dict[str, str | bytes] | None = None) -> dict[str, str | bytes]:
    return {"docker-compose.yml": HEADER + "    environment:\n" + environment, **(extra or {})}


@pytest.mark.parametrize(("environment", "extra"), [
    pytest.param("      A: ${A:-x}\n      B: ${B-}\n", {}, id="defaults"),
    pytest.param("      A: ${A:?set A}\n      B: ${B?}\n", {}, id="required-markers"),
    pytest.param("      A: ${A:+on}\n      B: ${B+on}\n", {}, id="alternative-values"),
    pytest.param("      A: ${A}\n", {".env": "A=\n"}, id="dotenv-empty-value"),
    pytest.param("      A: $A\n", {".env": "export A=1\n"}, id="dotenv-export"),
    pytest.param("      A: ${A}\n", {".env.sample": "A=x\n"}, id="env-sample"),
    pytest.param("      A: ${A}\n", {".env.template": "# A\nA='x'\n"}, id="env-template"),
    pytest.param("      A: ${A}\n", {"example.env": "A=x\n"}, id="example-env"),
    pytest.param("      A: ${A}\n", {".env.dist": "A=x\n"}, id="env-dist"),
    pytest.param("      A: ${A}\n", {".example.env": "A=x\n"}, id="dot-example-env"),
    pytest.param("      A: ${A}\n", {".env.local.example": "A=x\n"}, id="env-local-example"),
    pytest.param("      A: ${A}\n", {".env_example": 'export A="x"\n'}, id="env-underscore-example"),
    pytest.param("      A: $$A\n      B: $${B}\n      C: \"$$$$C\"\n", {}, id="escapes"),
    pytest.param("      A: $1 and $$2\n", {}, id="not-a-name"),
    pytest.param("      P: /opt/x:${PATH}\n      O: ${USER}\n      D: $PWD/data\n"
                 "      H: ${HOME}/.aws\n      L: $LOGNAME $SHELL\n", {}, id="set-by-the-shell"),
    # a script that runs Compose sets it for Compose
    pytest.param("      A: ${HOST_ROOT}\n",
                 {"Makefile": "up:\n\tHOST_ROOT=$(CURDIR) docker compose up -d\n"},
                 id="set-in-front-of-the-command"),
    pytest.param("      A: ${TAG}\n      B: ${REGISTRY}\n",
                 {"deploy.sh": "#!/bin/sh\nexport TAG=$(git rev-parse --short HEAD)\n"
                               ': "${REGISTRY:?set REGISTRY}"\ndocker-compose up -d\n'},
                 id="exported-or-required-by-the-script"),
    # a Python script that runs Compose sets it in the environment Compose runs with
    pytest.param("      A: ${A}\n      B: ${B}\n      C: ${C}\n      D: ${D}\n",
                 {"tools/run.py": "import os, subprocess\nos.environ['A'] = '1'\n"
                                  "os.putenv('B', '1')\nos.environ.setdefault('C', '1')\n"
                                  "subprocess.run(['docker-compose', 'up'], env={'D': '1'})\n"},
                 id="set-by-a-python-script"),
    pytest.param("      A: ${A}\n      B: ${B}\n",
                 {"run_tests.py": "import os, subprocess\nenv = dict(os.environ)\n"
                                  "env['A'] = '1'\nenv.update({'B': '1'})\n"
                                  "subprocess.run('docker compose up', shell=True, env=env)\n"},
                 id="set-in-the-env-a-python-script-gives"),
])
def test_c006_noop(environment: str, extra: dict[str, str | bytes]) -> None:
    assert check(env(environment, extra), select="C006") == []


@pytest.mark.parametrize("include", ["  - ./ml/docker-compose.yml\n",
                                     "  - path: ml/docker-compose.yml\n"])
def test_c006_an_included_file_is_documented_by_the_including_project(include: str) -> None:
    """Compose interpolates `ml/docker-compose.yml` with the root project's `.env`: the
    root's `.env.example` documents its variables, and no second example goes into ml/."""
    files: dict[str, str | bytes] = {
        "docker-compose.yml": HEADER + "include:\n" + include,
        "ml/docker-compose.yml": "services:\n  trainer:\n    image: python:3.12-slim\n"
                                 "    environment:\n      DB_PASSWORD: ${DB_PASSWORD}\n",
        ".env.example": "DB_PASSWORD=\n"}
    assert check(files, select="C006") == []
    del files[".env.example"]
    assert [f.path for f in check(files, select="C006")] == ["ml/docker-compose.yml"]


def test_c006_an_include_entrys_env_file_defines_the_included_files_variables() -> None:
    files: dict[str, str | bytes] = {
        "docker-compose.yml": HEADER + "include:\n  - path: ml/docker-compose.yml\n"
                              "    env_file: ml/ml.env\n",
        "ml/docker-compose.yml": "services:\n  trainer:\n    image: python:3.12-slim\n"
                                 "    environment:\n      DB_PASSWORD: ${DB_PASSWORD}\n",
        "ml/ml.env": "DB_PASSWORD=x\n"}
    assert check(files, select="C006") == []


def test_c006_a_script_that_does_not_run_compose_sets_nothing_for_it() -> None:
    files = env("      A: ${HOST_ROOT}\n", {"Makefile": "test:\n\tHOST_ROOT=$(CURDIR) pytest\n"})
    assert [f.code for f in check(files, select="C006")] == ["C006"]


def test_c006_a_python_script_that_does_not_run_compose_sets_nothing_for_it() -> None:
    files = env("      A: ${A}\n", {"conftest.py": "import os\nos.environ['A'] = '1'\n"})
    assert [f.code for f in check(files, select="C006")] == ["C006"]


def test_c006_env_file_defines_it_for_its_service_only() -> None:
    compose = (HEADER + "    env_file: [api.env]\n    environment:\n      A: ${A}\n"
               "  worker:\n    image: python:3.12-slim\n    environment:\n      A: ${A}\n")
    found = check({"docker-compose.yml": compose, "api.env": "A=1\n"}, select="C006")
    assert [(f.service, f.line) for f in found] == [("worker", 10)]


def test_c006_command_escapes_are_the_containers() -> None:
    compose = HEADER + '    command: sh -c "echo $$HOME $${PATH} $TAG"\n'
    assert [f.message for f in check({"docker-compose.yml": compose}, select="C006")] == [
        "api reads `$TAG` with no default, and no .env, env_file or .env.example defines TAG: "
        "Compose substitutes an empty string"]


@pytest.mark.parametrize("script", [
    "ollama serve & SERVER_PID=$! ; ollama pull llama3 ; wait $SERVER_PID",
    "for f in /init/*.sql; do psql -f $f; done",
    "read -r line < /etc/hostname; echo $line",
])
def test_c006_a_variable_the_script_sets_itself_is_left_to_the_author(script: str) -> None:
    """Compose substitutes the script's own variable before the shell runs: `$$` is the fix,
    and a blank line in `.env.example` would call it Compose's."""
    compose = HEADER + f"    command: [\"sh\", \"-c\", \"{script}\"]\n"
    [finding] = check({"docker-compose.yml": compose}, select="C006")
    assert not finding.fixable and "sets " in (finding.reason or "") and \
        "for the shell to read it" in (finding.reason or ""), finding.reason


def test_c006_literal_block_reports_the_line_of_the_use() -> None:
    compose = HEADER + "    command: |\n      sh -c 'echo start'\n      run --token ${TOKEN}\n"
    assert [f.line for f in check({"docker-compose.yml": compose}, select="C006")] == [6]


def test_c006_anchor_is_read_by_every_service_that_aliases_it() -> None:
    compose = ("x-env: &env\n  REGION: ${REGION}\nservices:\n  api:\n    image: a\n"
               "    environment: *env\n  worker:\n    image: b\n    environment: *env\n")
    outcome = fix({"docker-compose.yml": compose}, select="C006")
    assert outcome.applied
    assert (outcome.files[".env.example"] or "").endswith(
        "# api (docker-compose.yml)\n# REGION is also read by worker\nREGION=\n")


def test_c006_shell_variable_the_service_sets_is_display_only() -> None:
    compose = (HEADER + "    environment:\n      USER_NAME: app\n"
               '    healthcheck:\n      test: ["CMD-SHELL", "check $USER_NAME"]\n')
    outcome = fix({"docker-compose.yml": compose}, select="C006")
    [finding] = outcome.remaining
    assert not finding.fixable and outcome.files == {} and outcome.clean
    assert "which the container reads only through a shell: `sh -c` with `$$USER_NAME`" in (
        finding.reason or "")


def test_c006_a_command_variable_the_image_sets_is_display_only() -> None:
    # `ENV PORT 80` in the image, `--port $PORT` in compose's command: Compose substitutes
    # `$PORT` from .env first (an empty string), so a `PORT=` line in an example file keeps
    # the command broken; the container's variable needs `sh -c` and `$$PORT`
    compose = ("services:\n  web:\n    build: ./web\n"
               "    command: uvicorn main:app --host 0.0.0.0 --port $PORT\n")
    dockerfile = ("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nENV PORT 80\n"
                  'CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "80"]\n')
    outcome = fix({"docker-compose.yml": compose, "web/Dockerfile": dockerfile,
                   "web/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n"},
                  select="C006")
    [finding] = outcome.remaining
    assert not finding.fixable and outcome.files == {} and outcome.clean
    assert finding.reason == ("the image's `ENV` of web sets PORT, which the container reads "
                              "only through a shell: `sh -c` with `$$PORT` if that is what "
                              "was meant")


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
def test_c006_fixes(environment: str, extra: dict[str, str | bytes], example: str | None) -> None:
    outcome = fix(env(environment, extra), select="C006")
    assert outcome.clean and outcome.applied
    assert fix(outcome.tree, select="C006").diff == ""
    if example is None:
        assert ".env.example" not in outcome.tree
        assert outcome.tree[".env.sample"] == b"X=1\n\n# api (docker-compose.yml)\nA=\n"
    else:
        assert outcome.tree[".env.example"].decode("utf-8") == example


@pytest.mark.slow  # the Compose binary, per golden case
@pytest.mark.parametrize("case", [c for c in CASES if (c / "expected.diff").stat().st_size],
                         ids=lambda c: c.name)
def test_c006_golden_stack_resolves_with_the_example_file(tmp_path: Path, case: Path) -> None:
    before = read_folder(case / "before")
    documented = {m.group(1) for f in check(before, select="C006") if f.fixable
                  for m in [re.search(r"defines (\w+):", f.message)] if m}
    assert documented
    outcome = fix(before, select="C006")
    assert outcome.applied
    root = write_tree(tmp_path / "repo", outcome.tree)
    # the file the fix wrote: the project folder's, or one the stack is run with elsewhere
    # (the template of the `--env-file` a script runs an overlay with), read after it
    [written] = outcome.files
    for files in compose_stacks(root):
        folder = (root / files[0]).parent
        named = [folder / name for name in EXAMPLES if (folder / name).exists()]
        example = (named or sorted(p for p in folder.iterdir() if is_example_name(p.name)) or
                   [root / written])[0]
        args = [str(compose_binary()), "--env-file", str(example)]
        if example != root / written:
            args += ["--env-file", str(root / written)]
        for name in files:
            args += ["-f", str(root / name)]
        result = subprocess.run(args + ["config", "-q"], cwd=folder, capture_output=True,
                                text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        unset = set(re.findall(r'The \\"(\w+)\\" variable is not set', result.stderr))
        assert not unset & documented, result.stderr


def test_c006_extends_an_example_env_rather_than_writing_a_second_file() -> None:
    outcome = fix(env("      A: ${A}\n", {"example.env": b"X=1\n"}), select="C006")
    assert outcome.clean and ".env.example" not in outcome.tree
    assert outcome.tree["example.env"] == b"X=1\n\n# api (docker-compose.yml)\nA=\n"


@pytest.mark.parametrize("name", [".env.local", ".envrc", "secrets.env", "environment.yml",
                                  "examples.txt", "envoy.example.yaml"])
def test_c006_a_file_that_is_no_example_documents_nothing(name: str) -> None:
    """Only a name with the word `env` and a word such as example or defaults documents."""
    [finding] = check(env("      A: ${A}\n", {name: "A=x\n"}), select="C006")
    assert finding.fixable and finding.fix_title == "Document A in .env.example"


@pytest.mark.parametrize(("value", "glued"), [
    ("uZq3P4qWm8v6y$B+E(H@McQ", True),      # a `$` inside a secret
    ("pa55$word", True),
    ("https://host:$PORT/x", False),         # after a delimiter: a variable
    ("$A", False),
    ("x${A}", False),                        # braces say it is one
])
def test_c006_a_dollar_glued_to_a_word_is_left_to_the_user(value: str, glued: bool) -> None:
    [finding] = check(env(f"      S: '{value}'\n"), select="C006")
    assert finding.fixable is not glued
    if glued:
        assert "write `$$` if the `$` is literal" in (finding.reason or "")


def test_c006_uid_is_no_exported_variable() -> None:
    """bash sets UID and GID for itself and exports neither: Compose reads them empty."""
    found = check(env("      U: ${UID}\n      G: ${GID}\n"), select="C006")
    assert [f.fix_title for f in found] == ["Document UID in .env.example",
                                            "Document GID in .env.example"]


@pytest.mark.parametrize("name", [".env.dist", "env.example", ".env.defaults"])
def test_c006_writes_no_line_into_a_file_a_service_loads(name: str) -> None:
    """An `env_file` is set in the container: `A=` there would give it an empty A. Whatever
    its name, it documents nothing, and the line goes to a new .env.example."""
    compose = HEADER + f"    env_file: {name}\n    environment:\n      B: ${{B}}\n"
    outcome = fix({"docker-compose.yml": compose, name: "A=1\n"}, select="C006")
    assert outcome.clean and outcome.tree[name] == b"A=1\n"
    assert outcome.tree[".env.example"].endswith(b"B=\n")


def test_c006_a_new_example_beside_a_dotenv_says_to_add_to_it() -> None:
    """"Copy this file to .env" would drop what the repository's .env already sets."""
    outcome = fix(env("      A: ${A}\n      B: ${B}\n", {".env": "A=1\n"}), select="C006")
    assert outcome.tree[".env.example"].decode().splitlines()[0] == \
        "# Variables the compose files read that .env does not set: add them there."
    alone = fix(env("      B: ${B}\n"), select="C006")
    assert alone.tree[".env.example"].decode().startswith("# Variables the compose files read. "
                                                          "Copy this file to .env")


# -- an example file git ignores ---------------------------------------------------------------

DB = "services:\n  db:\n    image: postgres:16-alpine\n    ports:\n      - \"${DB_PORT}:5432\"\n"


@pytest.mark.parametrize(("gitignore", "created"), [
    pytest.param(".env\n.env.*\n", None, id="env-star-ignores-every-name"),
    pytest.param(".env\n", ".env.example", id="env-only"),
    pytest.param(".env\n.env.*\n!.env.example\n", ".env.example", id="negated"),
    pytest.param(".env.example\n", ".env.sample", id="next-name"),
])
def test_c006_never_creates_an_example_file_git_ignores(tmp_path: Path, gitignore: str,
                                                         created: str | None) -> None:
    """A run that leaves ignored files out would not see the file it wrote, and propose it
    again; a commit would leave it out. Display-only when git ignores every name."""
    repo = make_repo(tmp_path / "repo", {"docker-compose.yml": DB, ".gitignore": gitignore})
    code, diff, err = run_cli("fix", repo, "--select", "C006")
    if created is None:
        assert (code, diff) == (0, "")
        assert "the repository's .gitignore ignores .env.example, so a new example file " \
               "would not be committed" in err
        return
    assert code == 1 and f"+++ b/{created}\n" in diff and diff.count("+++ b/") == 1
    assert run_cli("fix", "--apply", repo, "--select", "C006")[0] == 1
    assert run_cli("fix", repo, "--select", "C006")[:2] == (0, "")   # it sees what it wrote
    assert git(repo, "status", "--porcelain") == f"?? {created}\n"   # and git would commit it


@pytest.mark.parametrize(("gitignore", "created"), [
    pytest.param(".env\n.env.*\n", None, id="env-star-ignores-every-name"),
    pytest.param(".env\n.env.*\n!.env.example\n", ".env.example", id="negated"),
    pytest.param(".env.example\n", ".env.sample", id="next-name"),
])
def test_c006_reads_the_gitignore_of_a_folder_outside_git(tmp_path: Path, gitignore: str,
                                                          created: str | None) -> None:
    """An exported checkout (no `.git`) is judged as its repository would be: git cannot be
    asked, but the folder's `.gitignore` still says `.env.example` is never committed."""
    repo = write_tree(tmp_path / "export", {"docker-compose.yml": DB, ".gitignore": gitignore})
    code, diff, err = run_cli("fix", repo, "--select", "C006")
    if created is None:
        assert (code, diff) == (0, ""), err
        assert "the repository's .gitignore ignores .env.example, so a new example file " \
               "would not be committed" in err
    else:
        assert code == 1 and f"+++ b/{created}\n" in diff and diff.count("+++ b/") == 1, err


def test_c006_extends_a_tracked_example_file_an_ignore_pattern_matches(tmp_path: Path) -> None:
    """git commits the changes of a tracked file whatever .gitignore says."""
    repo = make_repo(tmp_path / "repo", {"docker-compose.yml": DB, ".gitignore": ".env.*\n"})
    write_tree(repo, {".env.example": "X=1\n"})
    git(repo, "add", "-f", ".env.example")
    git(repo, "commit", "-q", "-m", "example")
    code, diff, _ = run_cli("fix", repo, "--select", "C006")
    assert code == 1 and "+++ b/.env.example\n" in diff and "+DB_PORT=\n" in diff


def test_c006_appends_nothing_to_an_example_file_git_ignores(tmp_path: Path) -> None:
    """--no-respect-gitignore reads the ignored file: its lines would still not be committed."""
    repo = make_repo(tmp_path / "repo", {"docker-compose.yml": DB, ".gitignore": ".env.*\n"})
    write_tree(repo, {".env.example": "X=1\n"})
    code, diff, err = run_cli("fix", repo, "--no-respect-gitignore", "--select", "C006")
    assert (code, diff) == (0, "")
    assert "the repository's .gitignore ignores .env.example, so lines added to it would not " \
           "be committed" in err


def test_c006_branch_commits_no_example_file_git_ignores(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"docker-compose.yml": DB, ".gitignore": ".env.*\n"})
    code, _, err = run_cli("fix", repo, "--branch", "fixer/docs", "--select", "C006")
    assert code == 0 and "the repository's .gitignore ignores .env.example" in err
    assert "fixer/docs" not in git(repo, "branch", "--list")


# -- an example file beside the env file the stack is run with ---------------------------------

INFRA = ("services:\n  api:\n    image: python:3.12-slim\n    env_file: ../.env\n"
         "    ports:\n      - \"${API_PORT}:8000\"\n      - \"${DEBUG_PORT}:5678\"\n")


@pytest.mark.parametrize(("extra", "reported", "target"), [
    # beside an env_file only: that .env sets the containers' variables, and may not reach
    # Compose's interpolation; documented there, but which file to extend is left to a person
    pytest.param({"infra/docker-compose.yml": INFRA}, ["DEBUG_PORT"], None,
                 id="env-file-folder"),
    pytest.param({"infra/docker-compose.yml": INFRA.replace("../.env", "../config/app.env"),
                  "config/.env.sample": "DEBUG_PORT=5678\n"}, ["API_PORT"], None,
                 id="only-the-env-file-folder"),
    pytest.param({"infra/docker-compose.yml": INFRA,
                  "Makefile": "up:\n\tdocker compose --env-file .env -f infra/docker-compose.yml up\n"},
                 ["DEBUG_PORT"], ".env.example", id="env-file-folder-given-to-compose"),
    pytest.param({"infra/docker-compose.yml": INFRA.replace("    env_file: ../.env\n", ""),
                  "Makefile": "up:\n\tdocker compose --env-file .env -f infra/docker-compose.yml up\n"},
                 ["DEBUG_PORT"], ".env.example", id="build-script-env-file"),
    pytest.param({"infra/docker-compose.yml": INFRA.replace("    env_file: ../.env\n", "")},
                 ["API_PORT", "DEBUG_PORT"], "infra/.env.example",
                 id="no-link-to-the-root-example"),
    pytest.param({"infra/docker-compose.yml": INFRA, "infra/.env.sample": "X=1\n"},
                 ["DEBUG_PORT"], "infra/.env.sample", id="project-folder-first"),
])
def test_c006_example_beside_the_stacks_env_file_documents_it(
        extra: dict[str, str | bytes], reported: list[str], target: str | None) -> None:
    """`env_file: ../.env` and `--env-file .env`: the stack's variables come from the root
    `.env`, whose template `.env.example` documents them; an example elsewhere does not. The
    lines it lacks go there when a build script gives Compose that `.env`; beside an
    env_file only, the finding is display-only. The project folder's own example file comes
    first."""
    found = check({".env.example": "API_PORT=8000\n", **extra}, select="C006")
    assert [f.subject for f in found] == [f"variable {name}" for name in reported]
    if target is None:
        assert all(f.fix_title is None and "beside the env_file its services load" in
                   (f.reason or "") for f in found)
    else:
        assert [f.fix_title.partition(" (")[0] for f in found if f.fix_title] == \
            [f"Document {n} in {target}" for n in reported]
        # the root .env.example documents API_PORT: a second example file with it is the
        # author's call
        assert [f.safety.value for f in found] == \
            ["unsafe" if n == "API_PORT" else "safe" for n in reported]


def test_c006_leaves_the_example_to_a_person_where_compose_is_given_another_file() -> None:
    """A build script gives Compose `--env-file ./config/prod.env` for a stack in infra/:
    Compose reads the variables from that file, not infra/.env, and which example should
    document the one it lacks (infra/.env.example, or a template of prod.env) is the
    author's call. The file itself documents what it sets."""
    found = check({".env.example": "API_PORT=8000\n",
                   "infra/docker-compose.yml": INFRA.replace("    env_file: ../.env\n", ""),
                   "Makefile": "ENV = --env-file=./config/prod.env\n",
                   "config/prod.env": "DEBUG_PORT=5678\n"}, select="C006")
    assert [f.subject for f in found] == ["variable API_PORT"]
    assert found[0].fix_title is None
    assert "runs Compose with `--env-file config/prod.env`, outside the project folder " \
        "infra" in (found[0].reason or "")


def test_c006_extends_the_example_beside_the_env_file_not_a_new_one() -> None:
    """A stack in docker/ run with the root .env: a second, partial docker/.env.example
    would split the stack's variables over two files."""
    compose = ("services:\n  api:\n    image: python:3.12-slim\n    env_file: ../.env\n"
               "    ports: [\"${API_PORT}:8000\"]\n  store:\n    image: minio/minio\n"
               "    environment:\n      MINIO_ROOT_USER: ${STORE_USER}\n")
    run = {"Makefile": "up:\n\tdocker compose --env-file .env -f docker/docker-compose.yml up\n"}
    outcome = fix({"docker/docker-compose.yml": compose, ".env.example": b"API_PORT=8000\r\n",
                   **run}, select="C006")
    assert outcome.clean and list(outcome.files) == [".env.example"]
    assert outcome.tree[".env.example"] == \
        b"API_PORT=8000\r\n\r\n# store (docker/docker-compose.yml)\r\nSTORE_USER=\r\n"


def test_c006_examples_in_two_other_folders_are_display_only() -> None:
    """Services run with ../.env and ../config/app.env, each with its template: which one
    should document the variable is the author's choice."""
    compose = INFRA + "  worker:\n    image: python:3.12-slim\n    env_file: ../config/app.env\n"
    outcome = fix({"infra/docker-compose.yml": compose, ".env.example": "API_PORT=8000\n",
                   "config/.env.sample": "X=1\n"}, select="C006")
    [finding] = outcome.remaining
    assert not finding.fixable and outcome.files == {}
    assert finding.reason == ("the stack's variables are documented in .env.example and "
                              "config/.env.sample: which one to extend is for a person to choose")


def test_c006_appends_nothing_to_an_ignored_example_beside_the_env_file(tmp_path: Path) -> None:
    """The root example is the stack's; git ignores it, so no line goes there, and none to a
    new infra/.env.example either: display-only."""
    repo = make_repo(tmp_path / "repo", {"infra/docker-compose.yml": INFRA,
                                         ".gitignore": ".env.*\n", "Makefile": "up:\n\t"
                                         "docker compose --env-file .env -f "
                                         "infra/docker-compose.yml up\n"})
    write_tree(repo, {".env.example": "API_PORT=8000\n"})
    code, diff, err = run_cli("fix", repo, "--no-respect-gitignore", "--select", "C006")
    assert (code, diff) == (0, "")
    assert "the repository's .gitignore ignores .env.example, so lines added to it would not " \
           "be committed" in err


@pytest.mark.parametrize("name", [".env.default", ".env.defaults", "defaults.env"])
def test_c006_a_defaults_template_documents_and_is_extended(name: str) -> None:
    """`cp .env.default .env` is the README's step: the template documents what it defines,
    and a missing variable goes there, not into a second, competing .env.example."""
    files = env("      A: ${A}\n      B: ${B}\n", {name: "A=localhost:3000\nSECRET_KEY=x\n"})
    [finding] = check(files, select="C006")
    assert finding.fix_title == f"Document B in {name}"
    outcome = fix(files, select="C006")
    assert outcome.clean and ".env.example" not in outcome.tree
    assert outcome.tree[name] == \
        b"A=localhost:3000\nSECRET_KEY=x\n\n# api (docker-compose.yml)\nB=\n"


def test_c006_a_defaults_file_a_service_loads_is_no_template() -> None:
    compose = HEADER + "    env_file: .env.default\n    environment:\n      B: ${B}\n"
    outcome = fix({"docker-compose.yml": compose, ".env.default": "A=1\n"}, select="C006")
    assert outcome.clean and outcome.tree[".env.default"] == b"A=1\n"
    assert outcome.tree[".env.example"].endswith(b"B=\n")


def test_c006_a_line_joins_its_services_group() -> None:
    """A variable of a service whose group the example file has (written by an earlier fix
    of the run, in fixer's own header) goes into that group, not into a second one."""
    compose = ("services:\n  db:\n    image: postgres:16\n    environment:\n"
               "      POSTGRES_USER: ${POSTGRES_USER}\n      POSTGRES_DB: ${POSTGRES_DB}\n"
               "  web:\n    image: nginx:1.27\n    environment:\n      URL: ${DATABASE_URL}\n")
    example = ("# db (docker-compose.yml)\nPOSTGRES_USER=\n\n"
               "# web (docker-compose.yml)\nDATABASE_URL=\n")
    outcome = fix({"docker-compose.yml": compose, ".env.example": example}, select="C006")
    assert outcome.clean
    assert outcome.text(".env.example") == (
        "# db (docker-compose.yml)\nPOSTGRES_USER=\nPOSTGRES_DB=\n\n"
        "# web (docker-compose.yml)\nDATABASE_URL=\n")


@pytest.mark.parametrize("name", [".env.prod", ".env.dev", ".env.docker", ".env.staging",
                                  "dev.env", "prod.env"])
def test_c006_a_committed_env_of_one_environment_documents_what_it_sets(name: str) -> None:
    compose = HEADER + "    environment:\n      DB: ${POSTGRES_DB}\n      KEY: ${API_KEY}\n"
    outcome = fix({"docker-compose.yml": compose, name: "POSTGRES_DB=orders\n"}, select="C006")
    [finding] = outcome.applied
    assert "API_KEY" in finding.message   # only what the file does not set
    assert ".env.example" in outcome.files and "POSTGRES_DB" not in outcome.files[".env.example"]


@pytest.mark.parametrize("name", ["CI", "GITHUB_SHA", "CI_COMMIT_SHORT_SHA", "BUILDKITE_BRANCH"])
def test_c006_a_variable_a_ci_runner_sets_is_no_finding(name: str) -> None:
    # empty on a developer's machine, as intended: `CI=${CI}` tells a test runner where it is
    assert check(env(f"      {name}: ${{{name}}}\n"), select="C006") == []


def test_c006_a_name_that_only_starts_like_a_runner_variable_is_reported() -> None:
    [finding] = check(env("      CIPHER: ${CIPHER}\n"), select="C006")
    assert "CIPHER" in finding.message


def test_c006_another_stacks_example_file_leaves_the_fix_safe() -> None:
    """Each stack of a monorepo documents its own variables: `billing/.env.example` naming
    DB_USER says nothing of the `orders` stack's, whose fix stays safe. An example file in
    no project folder (a service's build folder) documents it, and the fix is unsafe."""
    stack = "services:\n  db:\n    image: postgres:17\n    environment:\n" \
            "      POSTGRES_USER: ${DB_USER}\n"
    found = check({"orders/compose.yaml": stack, "billing/compose.yaml": stack,
                   "billing/.env.example": "DB_USER=billing\n"}, select="C006")
    assert [(f.path, f.safety.value) for f in found] == [("orders/compose.yaml", "safe")]
    found = check({"orders/compose.yaml": stack, "orders/db/.env.example": "DB_USER=app\n"},
                  select="C006")
    assert [(f.safety.value, f.violation.reason) for f in found] == [
        ("unsafe", "orders/db/.env.example documents DB_USER already: the fix writes it into "
                   "orders/.env.example too, where copying or moving that file may be what the "
                   "project wants")]
    assert "(only orders/db/.env.example does)" in found[0].message


@pytest.mark.parametrize(("value", "position"), [
    pytest.param("TOKEN: ${API_TOKEN}", (5, 14), id="plain"),
    pytest.param('TOKEN: "Bearer ${API_TOKEN}"', (5, 22), id="double-quoted"),
    pytest.param("TOKEN: ${OTHER:-x}-${API_TOKEN}", (5, 26), id="second-reference"),
    pytest.param("TOKEN: |\n        a\n        b ${API_TOKEN}", (7, 11), id="literal-block"),
])
def test_c006_points_at_the_reference(value: str, position: tuple[int, int]) -> None:
    """Annotations land on the `${...}` itself, not on column 1 of its line."""
    compose = f"services:\n  api:\n    image: x\n    environment:\n      {value}\n"
    [finding] = [f for f in check({"compose.yaml": compose}, select="C006")
                 if "API_TOKEN" in f.message]
    assert (finding.line, finding.column) == position


def test_a_literal_dollar_names_every_file_that_writes_it() -> None:
    """Two stacks of one folder share one finding per variable: for a `$` inside a secret,
    whose remedy is a `$$` at each place, the reason names the other file's line too."""
    case = GOLDEN / "C006-undocumented-variable" / \
        "dollar-inside-a-secret-in-two-files-of-one-folder"
    [finding] = [f for f in check(read_folder(case / "before"), select="C006")
                 if "`$B`" in f.message]
    assert finding.path == "docker-compose.yml" and finding.line == 5
    assert "write `$$` if the `$` is literal, also at docker-compose.prod.yml:5;" in \
        (finding.reason or ""), finding.reason


@pytest.mark.parametrize(("env_file", "stops"), [
    pytest.param("    env_file: .env\n", True, id="required"),
    pytest.param("    env_file:\n      - path: .env\n        required: false\n", False,
                 id="optional"),
    pytest.param("", False, id="none")])
def test_c006_says_compose_stops_first_where_an_env_file_requires_the_missing_env(
        env_file: str, stops: bool) -> None:
    """With a required `env_file: .env` and no `.env` in the repository, `docker compose up`
    stops at the missing file: it never gets to substitute an empty string."""
    compose = HEADER + env_file + "    environment:\n      A: ${A}\n"
    [found] = check({"docker-compose.yml": compose}, select="C006")
    assert found.message.endswith(
        ": Compose stops until someone writes the .env an env_file requires, and substitutes "
        "an empty string where that file does not set it" if stops
        else ": Compose substitutes an empty string"), found.message
    # an example file of the compose file's variables alone would pass for the whole `.env`
    # the services read, which only their authors can write: none is written then
    assert (found.violation.fix is None) is stops, found
    assert ("which fixer does not gather from their code" in (found.reason or "")) is stops, \
        found.reason


def test_c006_names_the_root_example_file_apart_from_the_project_folders() -> None:
    """The stack's project folder is compose/; the only example file is the repository
    root's. The message writes it `./.env.example`: a bare `.env.example` read as the
    project folder's own one, which it had just said does not define the variable."""
    stack = "services:\n  db:\n    image: postgres:17\n    environment:\n" \
            "      POSTGRES_USER: ${DB_USER}\n"
    [finding] = check({"compose/docker-compose.yml": stack, ".env.example": "DB_USER=app\n"},
                      select="C006")
    assert "of the project folder compose defines DB_USER (only ./.env.example does)" in \
        finding.message, finding.message


BASE = "services:\n  grafana:\n    image: grafana/grafana\n"
PROD = ("services:\n  grafana:\n    environment:\n"
        "      GF_SECURITY_ADMIN_PASSWORD: ${GRAFANA_ADMIN_PASSWORD}\n")
RUN_PROD = "docker compose -f docker-compose.yml -f docker-compose.prod.yml"


@pytest.mark.parametrize(("extra", "target"), [
    # a Makefile of the root: `.env.production`, whose template is named after it
    pytest.param({"Makefile": f"up:\n\t{RUN_PROD} --env-file .env.production up -d\n",
                  ".env.production.example": "DOMAIN=example.org\n"},
                 ".env.production.example", id="template-named-after-the-env-file"),
    # a script that changed folder: its `--env-file` is read beside it, as fixer counts it
    pytest.param({"deploy/deploy.sh": f'cd "$(dirname "$0")/.."\n{RUN_PROD} --env-file '
                                      ".env.production up -d\n",
                  "deploy/env.production.example": "DOMAIN=example.org\n"},
                 "deploy/env.production.example", id="template-beside-the-scripts-env-file"),
    # a command with no `--env-file` reads the root .env too
    pytest.param({"Makefile": f"up:\n\t{RUN_PROD} --env-file .env.production up -d\n"
                              f"dev:\n\t{RUN_PROD} up\n",
                  ".env.production.example": "DOMAIN=example.org\n"},
                 ".env.example", id="another-command-without-an-env-file"),
    # COMPOSE_FILE in the root .env: `docker compose up` loads the overlay with that .env
    pytest.param({"Makefile": f"up:\n\t{RUN_PROD} --env-file .env.production up -d\n",
                  ".env.production.example": "DOMAIN=example.org\n",
                  ".env.example": "COMPOSE_FILE=docker-compose.yml:docker-compose.prod.yml\n"},
                 ".env.example", id="compose-file-set-in-the-root-env"),
    # an unplaced command that names another compose file runs another stack
    pytest.param({"deploy/staging.sh": 'cd "$ROOT"\ndocker compose -f staging.yml --env-file '
                                       ".env.staging up\n",
                  "deploy/env.staging.example": "X=1\n"},
                 ".env.example", id="unplaced-command-of-another-file"),
    # no script runs the overlay: a person does, from the root
    pytest.param({"deploy/env.production.example": "DOMAIN=example.org\n"}, ".env.example",
                 id="no-script-runs-it"),
])
def test_c006_a_file_run_only_with_an_env_file_is_documented_in_its_template(
        extra: dict[str, str | bytes], target: str) -> None:
    """`docker-compose.prod.yml` is loaded only by commands that give `--env-file`: Compose
    never reads the root `.env` for it, whose template `.env.example` is then not where the
    variable belongs; the template of the file those commands give is."""
    files = {"docker-compose.yml": BASE, "docker-compose.prod.yml": PROD,
             ".env.example": "DEV_ONLY=1\n", **extra}
    [finding] = check(files, select="C006")
    assert (finding.fix_title, finding.safety.value) == \
        (f"Document GRAFANA_ADMIN_PASSWORD in {target}", "safe")
    outcome = fix(files, select="C006")
    assert outcome.clean and list(outcome.files) == [target]


def test_c006_a_default_file_run_with_an_env_file_keeps_the_root_example() -> None:
    """`docker compose up` loads docker-compose.yml with the root `.env`, whatever the
    scripts give: its variables stay in `.env.example`."""
    files = {"docker-compose.yml": BASE + "    environment:\n      A: ${A}\n",
             "Makefile": "up:\n\tdocker compose --env-file .env.production up -d\n",
             ".env.production.example": "DOMAIN=example.org\n", ".env.example": "B=1\n"}
    [finding] = check(files, select="C006")
    assert finding.fix_title == "Document A in .env.example"


@pytest.mark.parametrize(("extra", "reason"), [
    pytest.param({"Makefile": f"prod:\n\t{RUN_PROD} --env-file .env.production up -d\n"
                              f"staging:\n\t{RUN_PROD} --env-file .env.staging up -d\n",
                  ".env.production.example": "DOMAIN=example.org\n",
                  ".env.staging.example": "DOMAIN=staging.example.org\n"},
                 "every Compose command that loads docker-compose.prod.yml gives `--env-file` "
                 "(Makefile:2 and Makefile:4), so Compose reads GRAFANA_ADMIN_PASSWORD from "
                 "the files given, never from .env, and their templates are "
                 ".env.production.example and .env.staging.example: which one documents "
                 "GRAFANA_ADMIN_PASSWORD is for a person to choose",
                 id="two-templates"),
    pytest.param({"Makefile": f"up:\n\t{RUN_PROD} --env-file .env.production up -d\n"},
                 "every Compose command that loads docker-compose.prod.yml gives `--env-file` "
                 "(Makefile:2), so Compose reads GRAFANA_ADMIN_PASSWORD from the files given, "
                 "never from .env, and no example file is the template of .env.production: "
                 "which one documents GRAFANA_ADMIN_PASSWORD is for a person to choose",
                 id="no-template"),
    pytest.param({"Makefile": f"up:\n\t{RUN_PROD} --env-file ../secrets/prod.env up -d\n"},
                 "every Compose command that loads docker-compose.prod.yml gives `--env-file` "
                 "(Makefile:2), so Compose reads GRAFANA_ADMIN_PASSWORD from the files given, "
                 "never from .env, and no example file is the template of ../secrets/prod.env: "
                 "which one documents GRAFANA_ADMIN_PASSWORD is for a person to choose",
                 id="outside-the-repository"),
])
def test_c006_a_file_run_only_with_env_files_of_no_one_template_is_display_only(
        extra: dict[str, str | bytes], reason: str) -> None:
    """Where the files given have several templates, or one has none, fixer cannot tell
    which documents the variable; the root `.env.example` (beside it, here) does not."""
    files = {"docker-compose.yml": BASE, "docker-compose.prod.yml": PROD,
             ".env.example": "DEV_ONLY=1\n", **extra}
    outcome = fix(files, select="C006")
    [finding] = outcome.remaining
    assert (finding.fixable, finding.reason, outcome.files) == (False, reason, {})


def test_c006_says_an_entry_that_reads_itself_needs_the_value_written_out() -> None:
    """`PYTHONPATH: /code:$PYTHONPATH` reads the host's value: the image's is what was
    meant, and only writing it out gives it (a `$$` would pass the text itself)."""
    files = {"docker-compose.yml": "services:\n  api:\n    image: python:3.12\n"
                                   "    environment:\n      PYTHONPATH: /code:$PYTHONPATH\n"}
    [found] = check(files, select="C006")
    assert found.reason == (
        "the `environment` of api sets PYTHONPATH from itself (`PYTHONPATH: ...$PYTHONPATH`): "
        "Compose fills it from the shell that runs it, the host's PYTHONPATH, not the image's; "
        "if the image's value was meant, write it out in full (nothing expands a "
        "`$$PYTHONPATH` there)"), found.reason


def test_an_overlay_service_the_base_lacks_leaves_the_plain_run_whole() -> None:
    """A `-f` production file's `worker: {restart: always}`, which the base does not define,
    makes only that run incomplete: `docker compose up` runs the base, whose variable is
    documented as ever. A file whose own service has neither image nor build is a fragment."""
    files = {"docker-compose.yml": "services:\n  api:\n    build: ./api\n    environment:\n"
                                   "      SECRET_KEY: ${SECRET_KEY}\n",
             "deploy/docker-compose.prod.yml": "services:\n  api:\n    restart: always\n"
                                               "  worker:\n    restart: always\n",
             "api/Dockerfile": "FROM python:3.12-slim\nCOPY app ./app\n"
                               'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0"]\n',
             "api/app/__init__.py": "",
             "api/app/main.py": "import os\n\nfrom fastapi import FastAPI\n\n"
                                "SECRET = os.environ['SECRET_KEY']\napp = FastAPI()\n"}
    [finding] = check(files, select="C006")
    assert finding.fixable and finding.reason is None
    files["docker-compose.yml"] += "  worker:\n    restart: always\n"
    [finding] = check(files, select="C006")
    assert not finding.fixable
    assert finding.reason is not None and finding.reason.startswith(
        "Compose refuses docker-compose.yml as it stands: worker has neither an image nor a "
        "build")


@pytest.mark.parametrize("second", ["GEMINI_KEY_2", "GEMINI_KEY_10"])
def test_numbered_variables_are_no_misspelling_of_each_other(second: str) -> None:
    """`GEMINI_KEY_1` is documented, `GEMINI_KEY_2` is not: two keys of one kind, however
    alike their names; the undocumented one is documented like any other."""
    files = {"docker-compose.yml": "services:\n  api:\n    image: acme/api:1\n"
                                   "    environment:\n      A: ${GEMINI_KEY_1}\n"
                                   f"      B: ${{{second}}}\n",
             ".env.example": "GEMINI_KEY_1=\n"}
    [finding] = check(files, select="C006")
    assert second in finding.message and finding.fixable and finding.reason is None


def test_a_name_a_letter_off_one_the_stack_defines_is_display_only() -> None:
    files = {"docker-compose.yml": "services:\n  api:\n    image: acme/api:1\n"
                                   "    environment:\n      A: ${DEEPCHECKS_SECRET}\n"
                                   "      B: ${DEECHECKS_SECRET}\n",
             ".env.example": "DEEPCHECKS_SECRET=\n"}
    [finding] = check(files, select="C006")
    assert "DEECHECKS_SECRET" in finding.message and not finding.fixable
    assert finding.reason is not None and finding.reason.startswith(
        "the stack also reads DEEPCHECKS_SECRET (docker-compose.yml:5), which it defines")


@pytest.mark.parametrize(("dev_compose", "whose"), [
    (None, "its services load"),
    ("services:\n  api:\n    build: .\n    env_file: [.env.backend]\n",
     "services of the folder's other compose files load"),
])
def test_c006_the_templates_reason_says_whose_env_files_they_are(dev_compose: str | None,
                                                                  whose: str) -> None:
    """An env_file's template in the project folder leaves the choice of example to a person;
    the reason says whether the stack's own services load that env_file, or services of
    another compose file of the folder do (a prod file that loads none)."""
    prod = "services:\n  api:\n    image: ${REGISTRY}/api:1.0\n"
    if dev_compose is None:
        prod += "    env_file: [.env.backend]\n"
    files = {"compose.prod.yml": prod, ".env.backend.example": "DATABASE_URL=\n",
             ".env.backend": "DATABASE_URL=postgresql://db/app\n"}
    if dev_compose is not None:
        files["compose.yml"] = dev_compose
    found = [f for f in check(files, select="C006") if f.subject == "variable REGISTRY"]
    assert len(found) == 1 and found[0].fix_title is None
    assert f"the templates of the env_files {whose};" in (found[0].reason or ""), \
        found[0].reason


def test_the_reason_for_a_stack_run_from_above_names_how_compose_would_run_it(
        tmp_path: Path) -> None:
    """`-f deploy/docker-compose.yml` alone resolves from deploy/, as Compose's project
    directory is the first file's folder: the reason names what resolves from the root."""
    build = "    build:\n      context: ./api\n"
    write_tree(tmp_path, {
        "docker-compose.yml": "services:\n  api:\n" + build,
        "deploy/docker-compose.yml": "services:\n  api:\n" + build +
                                     "    environment:\n      - API_KEY=${API_KEY}\n",
        "api/Dockerfile": 'FROM python:3.12-slim\nCMD ["python", "-m", "http.server"]\n'})
    code, out, err = run_cli("fix", tmp_path)
    assert code == 0
    assert "to be run from the root (given with `--project-directory .`, or with `-f` after " \
           "a compose file there)" in out + err
    assert "(`-f deploy/docker-compose.yml`)" not in out + err


def test_c006_lists_variables_in_the_order_of_first_use_whichever_fix_goes_first() -> None:
    """Unsafe C004 fixes of the api in two other stacks move the api's C006 fix to a later
    round than the worker's: the example file still lists API_IMAGE_TAG first, as a run
    without them does."""
    slow = ("services:\n  api:\n    build: ./api\n    ports:\n      - \"8000:8000\"\n"
            "    command: sh -c \"sleep 60 && uvicorn main:app --host 0.0.0.0 --port 8000\"\n")
    files = {"docker-compose.prod.yml": "services:\n  api:\n    image: api:${API_IMAGE_TAG}\n"
             "  worker:\n    image: worker:${WORKER_IMAGE_TAG}\n",
             "docker-compose.dev.yml": slow, "docker-compose.monitoring.yml": slow,
             "api/Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nEXPOSE 8000\n"
             "CMD [\"uvicorn\", \"main:app\", \"--host\", \"0.0.0.0\", \"--port\", \"8000\"]\n",
             "api/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
             "@app.get(\"/health\")\ndef health():\n    return {\"status\": \"ok\"}\n"}
    written = {unsafe: fix(files, select=["C006", "C004"], unsafe=unsafe).text(".env.example")
               for unsafe in (False, True)}
    assert written[True] == written[False]
    assert written[True].index("API_IMAGE_TAG=") < written[True].index("WORKER_IMAGE_TAG=")


# -- paragraphs of one round ----------------------------------------------------------------

# what the example file holds before the run: none, empty, without a final newline, ending
# in a blank line, with CRLF line endings, with the group of one service, in `NAME = value`
# style (whose alignment one written line may change: no two share a round there)
_EXAMPLE_STARTS = [None, "", "X=1\n", "X=1", "X=1\n\n", "X=1\r\nY=2\r\n",
                   "# s1 (compose.yaml)\nZ=\n\nX=1\n", "X = 1\nY = 2\n"]


@st.composite
def _stack_with_variables(draw: st.DrawFn) -> dict[str, str]:
    """Services reading variables of a small pool (several readers, a service's second
    variable), some in the override file, which the fix order takes first (by path) and
    Compose reads second; and an example file in one of its states."""
    files = {"compose.yaml": "services:\n", "compose.override.yaml": "services:\n"}
    for index in range(draw(st.integers(1, 6))):
        names = draw(st.lists(st.sampled_from("ABCDEFGH"), min_size=1, max_size=3,
                              unique=True))
        where = draw(st.sampled_from(["compose.yaml", "compose.override.yaml"])) if index \
            else "compose.yaml"
        files[where] += f"  s{index}:\n    image: nginx\n    environment:\n" + \
            "".join(f"      {name}{index}: ${{{name}}}\n" for name in names)
    if files["compose.override.yaml"] == "services:\n":
        del files["compose.override.yaml"]
    start = draw(st.sampled_from(_EXAMPLE_STARTS))
    return files if start is None else {**files, ".env.example": start}


@pytest.mark.slow  # hypothesis: two fix runs per generated stack
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_stack_with_variables())
def test_c006_paragraphs_of_one_round_are_those_of_one_fix_per_round(
        files: dict[str, str]) -> None:
    """Fixes writing paragraphs at one point of the example file share a round, and the file
    they write is the one that fixing one variable per round writes, byte for byte."""
    together = fix(files, select=["C006"])
    with patch.object(c006, "_shares", lambda *_args: None):
        one_by_one = fix(files, select=["C006"])
    assert together.clean and one_by_one.clean
    assert together.files == one_by_one.files
    assert [f.subject for f in together.applied] and \
        sorted(f.subject for f in together.applied) == \
        sorted(f.subject for f in one_by_one.applied)


def test_c006_a_hundred_variables_go_into_the_example_file_in_a_few_rounds() -> None:
    """One paragraph per service in one round, each service's second variable into its
    paragraph in the next: not a round per variable, each checking the whole stack again."""
    files = {"compose.yaml": "services:\n" + "".join(
        f"  s{i}:\n    image: nginx\n    environment:\n      A: ${{VAR_{i}}}\n"
        f"      B: ${{VBR_{i}}}\n" for i in range(50)), ".env.example": "X=1\n"}
    outcome = fix(files, select=["C006"])
    assert outcome.clean and len(outcome.applied) == 100
    steps = outcome.result.applied[0].history.steps
    assert len({id(round_) for round_, _position in steps}) <= 3
    written = outcome.text(".env.example")
    assert written.startswith("X=1\n\n# s0 (compose.yaml)\nVAR_0=\nVBR_0=\n\n# s1 (compose.yaml)\n")
    assert written.endswith("# s49 (compose.yaml)\nVAR_49=\nVBR_49=\n")


@settings(max_examples=300, deadline=None)
@given(st.text("AB_1", min_size=1, max_size=7), st.lists(st.text("AB_1", max_size=7),
                                                        max_size=12))
def test_names_near_a_name_are_all_those_two_edits_from_it(name: str,
                                                           defined: list[str]) -> None:
    """The index the misspelling check asks finds every defined name two edits or fewer
    away, as comparing with each of them does."""
    near = c006._NearNames(defined).near(name)
    assert {o for o in defined if c006._edits(o, name) <= 2} <= set(near) <= set(defined)
    assert near == sorted(near)


@pytest.mark.parametrize(("readers", "comment"), [
    pytest.param(3, "# SHARED_TOKEN is also read by s1, s2\n", id="every-reader"),
    pytest.param(30, "# SHARED_TOKEN is also read by s1, s2, s3, s4, s5 and 24 more\n",
                 id="five-and-how-many-more"),
])
def test_c006_the_comment_names_five_other_readers_at_most(readers: int, comment: str) -> None:
    """A variable every service of a large stack reads gets a comment line of a readable
    length, not every service's name."""
    files = {"compose.yaml": "services:\n" + "".join(
        f"  s{i}:\n    image: nginx\n    environment:\n      TOKEN: ${{SHARED_TOKEN}}\n"
        for i in range(readers))}
    written = fix(files, select=["C006"]).text(".env.example")
    assert comment + "SHARED_TOKEN=\n" in written
