"""Bad input is an error that names the file and line (exit 2); nothing is written, and the
other stacks are still checked and reported."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from support import compose_config, git, init_repo, run_cli
from test_cli import APP, dockerfile, service_tree, snapshot, write_tree

def case(files: dict[str, str | bytes], message: str, id: str) -> object:
    return pytest.param((files, message), id=id)


BAD_CASES = [
    case({"bad/compose.yaml": "services:\n  a:\n    image: x\n    command: foo: bar\n"},
                 "bad/compose.yaml:4: invalid YAML: mapping values are not allowed",
                 id="malformed-yaml"),
    case({"bad/compose.yaml": "services:\n\n  a:\n\timage: x\n"},
                 "bad/compose.yaml:4: invalid YAML", id="tab-indentation"),
    case({"bad/compose.yaml": "services:\n  a:\n    image: x\n---\nservices:\n  b:\n"
                              "    image: y\n"},
         "bad/compose.yaml:4: several YAML documents (`---`) in one compose file: fixer "
         "reads a compose file of one document only", id="several-documents"),
    case({"bad/compose.yaml": "- services\n- a\n"},
                 "bad/compose.yaml:1: a compose file must be a mapping", id="not-a-mapping"),
    case({"bad/compose.yaml": "# list\nservices:\n  - a\n"},
                 "bad/compose.yaml:3: `services` must be a mapping", id="services-not-a-mapping"),
    case({"bad/compose.yaml": "services:\n  a:\n    build: ./svc\n",
                  "bad/svc/Dockerfile": b"FROM python:3.12-slim\n\x00\x01\x02"},
                 "bad/svc/Dockerfile:2: binary file", id="nul-byte-dockerfile"),
    case({"bad/compose.yaml": b"services:\n  a:\n    image: caf\xe9\n"},
                 "bad/compose.yaml:3: not valid utf-8", id="latin-1-compose"),
    case({"bad/compose.yaml": "services:\n  a:\n    image: x\n  b:\n"
                                      "    build: ../../elsewhere\n"},
                 "bad/compose.yaml:5: build path ../../elsewhere is outside PATH, the folder fixer "
                 "was given; run fixer on a folder that holds it",
                 id="context-outside-root"),
    case({"bad/compose.yaml": "services:\n  a:\n    build: ./svc\n",
          "bad/svc/Dockerfile": "FROM python:3.12-slim\n"
                                "HEALTHCHECK --interval=30s CMD-SHELL curl -f http://x || exit 1\n"},
         "bad/svc/Dockerfile:2: HEALTHCHECK takes CMD or NONE, not `CMD-SHELL` (compose's "
         "form): the build fails", id="healthcheck-cmd-shell"),
    # Compose's schema: a service's `volumes` is a list (`config` says "must be a array")
    case({"bad/compose.yaml": "services:\n  db:\n    image: postgres:16\n    volumes:\n"
                              "      data: /var/lib/postgresql/data\n"},
         "bad/compose.yaml:5: services.db.volumes must be a list", id="volumes-as-a-mapping"),
    case({"bad/compose.yaml": "services:\n  a:\n    image: x\n    networks: default\n"},
         "bad/compose.yaml:4: services.a.networks must be a list or a mapping, not a string "
         "(default)", id="networks-as-a-string"),
]


@pytest.fixture
def good_and_bad(tmp_path: Path, request: pytest.FixtureRequest) -> tuple[Path, str]:
    files, message = request.param
    repo = service_tree(tmp_path, folder="good")  # a P001 finding with a safe fix
    write_tree(repo, files)
    return repo, message


@pytest.mark.parametrize("good_and_bad", BAD_CASES, indirect=True)
def test_check_reports_the_error_and_the_good_stack(good_and_bad: tuple[Path, str]) -> None:
    repo, message = good_and_bad
    code, out, err = run_cli("check", repo, "--select", "P001")
    assert code == 2
    assert f"{repo}/{message}" in err
    assert re.search(r"^\S+:\d+: ", err.splitlines()[0])
    assert out.startswith(f"{repo}/good/compose.yaml:5:") and " P001 " in out
    # the good stack's fix is counted, and so is that `--apply` writes none of it for now
    assert "(1 fixable with `fixer fix`); 1 error in the input. `fixer fix --apply` writes " \
        "none of the fixes while the input errors remain." in err, err


@pytest.mark.parametrize("good_and_bad", BAD_CASES, indirect=True)
def test_json_lists_the_error_with_its_line(good_and_bad: tuple[Path, str]) -> None:
    repo, message = good_and_bad
    code, out, _ = run_cli("check", repo, "--format", "json", "--select", "P001")
    assert code == 2
    document = json.loads(out)
    path, line, text = message.split(":", 2)
    assert [(e["path"], e["line"]) for e in document["errors"]] == [(path, int(line))]
    assert text.strip() in document["errors"][0]["message"]
    assert [f["code"] for f in document["findings"]] == ["P001"]


@pytest.mark.parametrize("good_and_bad", BAD_CASES, indirect=True)
def test_fix_writes_nothing_even_with_apply(good_and_bad: tuple[Path, str]) -> None:
    repo, message = good_and_bad
    before = snapshot(repo)
    code, diff, err = run_cli("fix", "--apply", repo, "--select", "P001")
    assert code == 2
    assert diff == "" and snapshot(repo) == before
    assert f"{repo}/{message}" in err and "Nothing was written" in err
    code, diff, err = run_cli("fix", repo, "--select", "P001")
    assert code == 2 and snapshot(repo) == before
    assert diff.startswith("diff --git a/good/web/Dockerfile b/good/web/Dockerfile\n")


def test_a_fix_never_touches_an_undecodable_file(tmp_path: Path) -> None:
    """The service whose Dockerfile cannot be read is skipped, not guessed at."""
    repo = service_tree(tmp_path)
    (repo / "web/Dockerfile").write_bytes(b"\xff\xfeFROM!")  # a UTF-16 BOM, odd length
    code, out, err = run_cli("check", repo, "--format", "json")
    assert code == 2
    document = json.loads(out)
    assert document["findings"] == []
    assert document["errors"] == [{"kind": "input", "path": "web/Dockerfile", "line": 1,
                                   "message": "not valid utf-16-le text"}]


def test_a_dangling_symlink_is_a_missing_file(tmp_path: Path) -> None:
    """A link to nothing is no file, as Docker and Compose find none there: a Dockerfile
    linked to a path that is gone is a build that stops (S001), not an input error."""
    repo = service_tree(tmp_path / "repo", folder="good")
    write_tree(repo, {"bad/compose.yaml": "services:\n  a:\n    build: ./svc\n"})
    (repo / "bad/svc").mkdir()
    (repo / "bad/svc/Dockerfile").symlink_to(tmp_path / "gone")
    code, out, err = run_cli("check", repo, "--select", "P001,S001")
    assert code == 1 and "cannot read" not in err, err
    assert "bad/compose.yaml:3:12: S001 " in out and " P001 " in out


def test_a_dangling_env_link_is_no_env_file(tmp_path: Path) -> None:
    """`.env -> ../.env`, the file a person writes from its template: until then Compose
    reads no `.env` there (`config` accepts the project), and every fix is still written."""
    repo = service_tree(tmp_path / "repo", folder="good")
    (repo / "good/.env").symlink_to("../.env")
    code, out, err = run_cli("fix", repo, "--select", "P001", "--apply")
    assert code == 1 and "cannot read" not in err and "Applied 1 fix" in err, err
    assert run_cli("check", repo, "--select", "P001")[0] == 0
    assert (repo / "good/.env").is_symlink() and not (repo / ".env").exists()


def test_a_dangling_link_read_only_for_hints_stops_no_fix(tmp_path: Path) -> None:
    # a Render blueprint linked to a path that does not exist: fixer reads such a file only
    # for hints (the Dockerfiles it may build), so the fixes of the stack are still written
    repo = service_tree(tmp_path / "repo", folder="good")
    (repo / "config").mkdir()
    (repo / "config/render.yaml").symlink_to("render/render.yaml")
    code, out, err = run_cli("check", repo)
    assert "render.yaml" not in err + out
    assert code == 1 and " P001 " in out


def test_a_fix_that_moves_an_error_the_file_had_is_not_blamed_for_it(tmp_path: Path) -> None:
    # the C003 gate adds a line above a build context outside the repository: the same input
    # error one line lower is not "the fixed file does not parse"
    write_tree(tmp_path, {
        "compose.yaml": "services:\n  web:\n    build: ./web\n    ports: [\"8000:8000\"]\n"
                        "    healthcheck:\n      test: [\"CMD\", \"python\", \"-c\", \"import "
                        "urllib.request; urllib.request.urlopen('http://localhost:8000/health')"
                        "\"]\n  worker:\n    build: ./worker\n    depends_on:\n      - web\n"
                        "  extra:\n    build: ..\n",
        "web/Dockerfile": dockerfile(8000), "web/app/__init__.py": "", "web/app/main.py": APP,
        "worker/Dockerfile": "FROM busybox\nCMD [\"sleep\", \"infinity\"]\n",
    })
    code, diff, err = run_cli("fix", tmp_path, "--select", "C003")
    assert code == 2   # the input error stays, and nothing may be written while it does
    assert "compose.yaml:12: build path .. is outside PATH, the folder fixer was given" in err
    assert "fix failed" not in err, err
    assert "+        condition: service_healthy\n" in diff


# -- an env file nobody can read holds unknown values: it is no bad input ----------------------

# git-crypt's header, then ciphertext: what a commit, and a clone not unlocked, hold
ENCRYPTED = b"\x00GITCRYPT\x00\x9c\x1f\x14\x0e\x08\x03\xa7Q\xe2\x00\x7fK"
ENV_FILES = ('services:\n  web:\n    build: ./web\n    ports:\n      - "8001:8001"\n'
             '    env_file:\n      - config/web.env\n      - config/secrets.env\n')


def encrypted_env_tree(root: Path) -> Path:
    repo = service_tree(root, **{"compose.yaml": ENV_FILES, "config__web.env": "LOG=info\n",
                                 "config__secrets.env": ENCRYPTED, ".env": ENCRYPTED,
                                 ".gitattributes": "config/secrets.env filter=git-crypt\n"})
    return repo


def test_an_env_file_git_crypt_encrypts_is_read_as_unknown_values(tmp_path: Path) -> None:
    repo = encrypted_env_tree(tmp_path)
    code, out, err = run_cli("check", repo, "--format", "json", "--select", "P001")
    assert code == 1, err
    document = json.loads(out)
    assert document["errors"] == []
    assert [f["code"] for f in document["findings"]] == ["P001"]


def test_a_port_an_encrypted_env_file_may_set_is_not_probed_as_safe(tmp_path: Path) -> None:
    """As for an env_file not in the repository: the file may set the app's PORT."""
    repo = encrypted_env_tree(tmp_path)
    write_tree(repo, {"web/Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\n"
                                        'CMD ["python", "-m", "app.main"]\n',
                      "web/app/main.py": APP + '\n\nif __name__ == "__main__":\n    import os\n'
                      "    import uvicorn\n    uvicorn.run(app, host=\"0.0.0.0\", "
                      "port=int(os.getenv(\"PORT\", \"8001\")))\n"})
    code, out, err = run_cli("check", repo, "--format", "json", "--select", "C004")
    assert code == 1, err
    document = json.loads(out)
    assert document["errors"] == []
    [finding] = document["findings"]
    assert finding["fix"]["safety"] == "unsafe"
    assert "config/secrets.env" in finding["fix"]["title"]


def test_branch_mode_reads_the_encrypted_blob_of_an_env_file(tmp_path: Path) -> None:
    """The working tree is unlocked (plain text), the commit holds the encrypted bytes."""
    repo = encrypted_env_tree(tmp_path)
    init_repo(repo)
    (repo / "config/secrets.env").write_text("API_KEY=k\n")
    code, out, err = run_cli("fix", repo, "--branch", "fixer/autofix", "--select", "P001")
    assert code == 1 and "fix(P001)" in err and "binary" not in err, err
    assert git(repo, "rev-parse", "--verify", "-q", "fixer/autofix").strip()


def test_a_latin_1_dockerfile_is_read_and_fixed_byte_for_byte(tmp_path: Path) -> None:
    """BuildKit reads a Dockerfile's bytes: a Latin-1 comment builds, so the file is read (its
    other bytes as one character each) and every byte no fix touched is written back."""
    repo = service_tree(tmp_path, folder="good")
    path = repo / "good" / "web" / "Dockerfile"
    original = path.read_bytes()
    path.write_bytes(original.replace(b"FROM", b"# caf\xe9 au lait\nFROM", 1))
    code, out, err = run_cli("fix", "--apply", repo, "--select", "P001,P002")
    assert code == 1 and "Applied" in err, err
    code, out, err = run_cli("check", repo, "--select", "P001,P002")
    assert (code, out) == (0, ""), err
    assert path.read_bytes().startswith(b"# caf\xe9 au lait\nFROM")


@pytest.mark.parametrize("env", [
    pytest.param(b"# r\xe9glages\nPORT=8001\n", id="latin-1-comment"),
    pytest.param(b"\xef\xbb\xbfPORT=8001\n# r\xe9glages\n", id="bom-before-the-first-key"),
])
def test_a_latin_1_byte_in_an_env_file_leaves_its_values_read(tmp_path: Path, env: bytes) -> None:
    """Compose reads `.env` as bytes: one Latin-1 comment does not hide the PORT it sets, and
    a UTF-8 BOM stays apart from `PORT` on its first line."""
    repo = service_tree(tmp_path, folder="good")
    (repo / "good" / ".env").write_bytes(env)
    compose = repo / "good" / "compose.yaml"
    compose.write_text(compose.read_text().replace('"8001:8001"', '"8001:${PORT}"'))
    code, out, err = run_cli("check", repo, "--select", "P001")
    assert code == 1 and "compose expects container port 8001" in out, (out, err)


WORKFLOW = """\
name: Test Docker Compose
on:
  push:
    branches: [main]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: docker compose build
      - run: docker compose up -d --wait
        env:
          DOMAIN: ${{ vars.DOMAIN }}
"""


PLAYBOOK = ("- hosts: all\n  tasks:\n    - name: start the stack\n"
            "      command: docker compose up -d\n")
MANIFEST = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n"
            "  replicas: 1\n")
# an app's own settings, which its service mounts (`APP_CONFIG: /config/docker-compose.yaml`)
SETTINGS = "server:\n  listen_address: ':8000'\nredis:\n  url: 'redis://redis:6379/0'\n"


@pytest.mark.parametrize(("path", "text"), [
    (".github/workflows/test-docker-compose.yml", WORKFLOW),
    ("ci/docker-compose-pipeline.yaml", WORKFLOW),
    ("deploy/docker-compose-setup.yml", PLAYBOOK),
    ("k8s/compose-api-deployment.yaml", MANIFEST),
    ("config/docker-compose.yaml", SETTINGS),
    ("tests/volumes/settings-dockercompose.yaml", "MYAPP:\n  storage: /data\n"),
    # a knowledge base's entry: `name` is all a compose file would have of it
    ("docs/patterns/docker-compose.yaml",
     "id: docker-compose\nname: Docker Compose patterns\nsummary: one entry\n")])
def test_a_file_of_another_kind_named_for_compose_is_no_compose_file(
        tmp_path: Path, path: str, text: str) -> None:
    """A file whose name holds `compose` is found by its name, but a pipeline (`on:`,
    `jobs:`), an Ansible playbook (a list), a Kubernetes manifest or an app's settings (no
    key a compose file has, nor one misspelt) is not a file Compose loads: no input error,
    the stack is checked."""
    repo = service_tree(tmp_path, folder="good")
    write_tree(repo, {path: text})
    code, _, err = run_cli("check", repo)
    assert code == 1 and "in the input" not in err and path not in err, err


@pytest.mark.parametrize(("base_sets", "overlay", "refused"), [
    pytest.param(True, "services:\n  web:\n    environment:\n", False,
                 id="an-overlay-empties-what-the-base-sets"),
    pytest.param(False, "services:\n  web:\n    environment:\n", True,
                 id="an-overlay-empties-what-nothing-sets"),
])
def test_a_key_an_overlay_leaves_empty_merges_away(tmp_path: Path, base_sets: bool,
                                                    overlay: str, refused: bool) -> None:
    """Compose validates the merged project: `environment:` left empty in a `-f` overlay
    merges away where the base sets it; where nothing does, Compose refuses it, and so does
    fixer (an input error at its line)."""
    repo = service_tree(tmp_path, folder="good")
    if base_sets:
        base = repo / "good" / "compose.yaml"
        base.write_text(base.read_text() + "    environment:\n      LOG_LEVEL: info\n")
    write_tree(repo, {"good/compose.prod.yaml": overlay})
    merged = compose_config(repo, ["good/compose.yaml", "good/compose.prod.yaml"])
    assert (merged.returncode != 0) is refused, merged.stderr
    code, _, err = run_cli("check", repo)
    assert ("compose.prod.yaml:3: services.web.environment must be a mapping or a list, "
            "not null" in err) is refused, err
    assert code == (2 if refused else 1), err


def test_a_binary_python_file_the_repository_search_meets_is_no_input_error(
        tmp_path: Path) -> None:
    """A macOS `._draft.py` beside someone's notes is read only by searches of the whole
    repository (the variables a Python script that runs Compose sets): not text, it stops
    nothing, and no input error turns the run into exit 2."""
    repo = service_tree(tmp_path, folder="good")
    compose = repo / "good" / "compose.yaml"
    compose.write_text(compose.read_text() + "    environment:\n      TOKEN: ${TOKEN:-}\n")
    write_tree(repo, {"notes/._draft.py": b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X  \x00"})
    code, _, err = run_cli("check", repo)
    assert code == 1 and "in the input" not in err and "._draft.py" not in err, err


def test_a_dangling_env_link_in_a_commit_is_no_env_file(tmp_path: Path) -> None:
    """The same link committed, read from the commit by `fix --branch`: no file there."""
    repo = service_tree(tmp_path / "repo", folder="good")
    (repo / "good/.env").symlink_to("../.env")
    init_repo(repo)
    code, _, err = run_cli("fix", repo, "--select", "P001", "--branch", "fixer/ports")
    assert code != 2 and "cannot read" not in err, err
    assert git(repo, "log", "--format=%s", "fixer/ports").count("\n") >= 1


def test_a_profile_service_built_from_a_sibling_checkout_stops_no_fix(tmp_path: Path) -> None:
    """A service that starts only under a profile, built from outside the folder (a sibling
    checkout), is a build fixer does not read, as a remote one: the other fixes are written."""
    repo = service_tree(tmp_path, folder="good")  # a P001 finding with a safe fix
    write_tree(repo, {"good/compose.override.yaml":
                      "services:\n  agent:\n    profiles: [\"extra\"]\n"
                      "    build:\n      context: ../../agent-repo\n"})
    before = snapshot(repo)
    code, _out, err = run_cli("fix", "--apply", repo)
    assert "outside PATH" not in err
    assert code != 2   # no input error: the P001 fix is written
    assert snapshot(repo) != before
