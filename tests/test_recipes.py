"""The recipes users copy: the pre-commit hooks (run by the real pre-commit) and the CI
jobs of docs/ci (their shell run in bash against a repository with a bare remote)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from support import APP, REPO, git, write_tree
from test_boot import free_port
from test_probe import serving, single_service

VENV_BIN = Path(sys.executable).parent
HEALTH = ("python", "-c", "import urllib.request; "
          "urllib.request.urlopen('http://localhost:8001/health')")
# One seeded defect: compose sends traffic to 8001, the app listens on 8000 (P001).
SEEDED = {
    "compose.yaml": ('services:\n  web:\n    build: ./web\n    ports:\n      - "8001:8001"\n'
                     f'    healthcheck:\n      test: ["CMD", "{HEALTH[0]}", "{HEALTH[1]}", '
                     f'"{HEALTH[2]}"]\n      interval: 30s\n'),
    "web/Dockerfile": ("FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\n"
                       "RUN pip install --no-cache-dir -r requirements.txt\nCOPY app ./app\n"
                       'EXPOSE 8000\nCMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", '
                       '"--port", "8000"]\n'),
    "web/requirements.txt": "fastapi\nuvicorn\n", "web/app/__init__.py": "", "web/app/main.py": APP,
}
FIX_COMMAND = "fixer fix --branch fixer/autofix --push origin --pr-body pr.md"
PROBE_COMMAND = "fixer probe --wait --timeout 120"
AUTOFIX_JOBS = ["fixer-autofix", "fixer-merge-request"]


def shell_env(home: Path, **extra: str) -> dict[str, str]:
    """A CI-like environment: fixer from the venv on PATH, no user git config."""
    # PYTHONPATH, when set, is kept: the fixer the jobs run is the one under test.
    kept = {k: v for k, v in os.environ.items() if k == "PYTHONPATH"}
    return {"PATH": f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin", "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"), "LANG": "C.UTF-8", **kept, **extra}


def seeded_repo(tmp_path: Path, files: dict[str, str] = SEEDED) -> Path:
    """A checkout of `main` whose `origin` is a bare repository."""
    repo = write_tree(tmp_path / "checkout", files)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    git(tmp_path, "init", "-q", "--bare", "remote.git")
    git(repo, "remote", "add", "origin", str(tmp_path / "remote.git"))
    git(repo, "push", "-q", "origin", "main")
    return repo


def remote_count(tmp_path: Path) -> str | None:
    """Commits on the remote's fixer/autofix since main; None when it has no such branch."""
    remote = tmp_path / "remote.git"
    if not git(remote, "branch", "--list", "fixer/autofix"):
        return None
    return git(remote, "rev-list", "--count", "main..fixer/autofix").strip()


# -- pre-commit ---------------------------------------------------------------------------

def test_hook_manifest_is_valid() -> None:
    from pre_commit.clientlib import load_manifest
    hooks = {h["id"]: h for h in load_manifest(str(REPO / ".pre-commit-hooks.yaml"))}
    assert set(hooks) == {"fixer-check", "fixer-fix"}
    assert hooks["fixer-check"]["entry"] == "fixer check --baseline-if-exists .fixer-baseline.json"
    assert hooks["fixer-fix"]["entry"] == "fixer fix --apply"
    assert all(h["language"] == "python" and h["pass_filenames"] is False
               for h in hooks.values())


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The project's installable files, committed in a repository of their own, so that
    try-repo installs exactly this working tree at a fixed ref."""
    project = tmp_path_factory.mktemp("hook-repo")
    for name in ["pyproject.toml", "README.md", ".pre-commit-hooks.yaml"]:
        shutil.copy2(REPO / name, project / name)
    for folder in ["fixer", "rules"]:
        shutil.copytree(REPO / folder, project / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "hooks")
    return project, git(project, "rev-parse", "HEAD").strip()


def try_repo(hook_repo: tuple[Path, str], target: Path,
             *hook: str) -> subprocess.CompletedProcess[str]:
    project, ref = hook_repo
    env = shell_env(target.parent, PIP_DISABLE_PIP_VERSION_CHECK="1")
    env["HOME"] = os.environ.get("HOME", str(target.parent))  # keep pip's download cache
    return subprocess.run(
        [str(VENV_BIN / "pre-commit"), "try-repo", str(project), *hook, "--ref", ref,
         "--all-files"], cwd=target, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_pre_commit_hooks_check_then_fix(hook_repo: tuple[Path, str], tmp_path: Path) -> None:
    target = seeded_repo(tmp_path)
    first = try_repo(hook_repo, target)  # both hooks, in id order: check, then fix
    assert first.returncode == 1, first.stdout + first.stderr
    assert re.search(r"^fixer check\.+Failed$", first.stdout, re.M), first.stdout
    assert "P001 [error] web: compose expects container port 8001" in first.stdout
    assert re.search(r"^fixer fix\.+Failed$", first.stdout, re.M)
    assert "files were modified by this hook" in first.stdout
    assert '"--port", "8001"' in (target / "web" / "Dockerfile").read_text()
    second = try_repo(hook_repo, target, "fixer-check")
    assert second.returncode == 0, second.stdout + second.stderr
    assert re.search(r"^fixer check\.+Passed$", second.stdout, re.M)


# -- the autofix jobs: GitHub Actions and GitLab CI -----------------------------------------
# Each job's shell is run in bash against a checkout whose `origin` is a local bare
# repository. GitHub's and GitLab's APIs cannot be reached from a test: `gh` and `curl` are
# shell functions that log their arguments (and curl answers the merge-request query with
# $MR_LIST), so a test reads what the recipe asked of the API.

GH_STUB = """gh() { printf '%s\\n' "gh $*" >> "$API_LOG"; }\n"""
CURL_STUB = """curl() { printf '%s\\n' "curl $*" >> "$API_LOG"
  case " $* " in *" --get "*) printf '%s' "${MR_LIST:-[]}";; esac; }\n"""


@dataclass(frozen=True)
class CiRun:
    code: int          # the pipeline's: 0 when every job passed
    status: str        # fixer's exit status, as the recipe recorded it
    stale: bool        # the recipe read fixer's output as "the branch is stale"
    api: str           # what the jobs asked of GitHub's or GitLab's API, a line per call


def github_workflow() -> dict[object, object]:
    loaded = yaml.safe_load((REPO / "docs" / "ci" / "github-actions.yml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def autofix_steps() -> dict[str, dict[str, object]]:
    steps = github_workflow()["jobs"]["autofix"]["steps"]  # type: ignore[index]
    return {s.get("name") or s["uses"]: s for s in steps}


def gitlab_jobs() -> dict[str, dict[str, object]]:
    loaded = yaml.safe_load((REPO / "docs" / "ci" / "gitlab-ci.yml").read_text())
    jobs = {name: job for name, job in loaded.items() if isinstance(job, dict) and "script" in job}
    for name, job in jobs.items():  # GitLab rejects a script entry that YAML made a mapping
        assert all(isinstance(line, str) for line in job["script"]), name
    return jobs


def test_github_workflow_shape() -> None:
    workflow = github_workflow()
    assert {"push", "workflow_dispatch"} <= set(workflow[True])  # type: ignore[call-overload]
    permissions = workflow["permissions"]
    assert permissions == {"contents": "write", "pull-requests": "write"}
    steps = autofix_steps()
    assert steps["actions/checkout@v5"]["with"] == {"fetch-depth": 0}
    assert FIX_COMMAND in steps["Fix on a branch"]["run"]  # type: ignore[operator]
    opening = steps["Open or update the pull request"]
    assert opening["if"] == "steps.fixer.outputs.status == '1'"
    assert "gh pr create" in str(opening["run"]) and "--body-file pr.md" in str(opening["run"])
    assert steps["Close the stale pull request"]["if"] == "steps.fixer.outputs.stale == 'true'"
    assert steps["Keep the report"]["with"] == {"name": "fixer-report", "path": "fixer-report.md"}


@pytest.mark.slow  # a Go binary
def test_github_workflow_passes_actionlint() -> None:
    lint = subprocess.run([str(VENV_BIN / "actionlint"), "-no-color",
                           str(REPO / "docs" / "ci" / "github-actions.yml")],
                          capture_output=True, text=True, timeout=120)
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_gitlab_jobs_shape() -> None:
    jobs = gitlab_jobs()
    assert list(jobs) == [*AUTOFIX_JOBS, "fixer-probe"]
    autofix, request = jobs["fixer-autofix"], jobs["fixer-merge-request"]
    assert autofix["variables"]["GIT_DEPTH"] == "0"  # type: ignore[index]
    assert any(FIX_COMMAND in line for line in autofix["script"])  # type: ignore[attr-defined]
    assert autofix["artifacts"] == {"paths": ["pr.md", "fixer-report.md"],
                                    "reports": {"dotenv": "fixer.env"}}
    assert request["needs"] == ["fixer-autofix"]
    script = "\n".join(request["script"])  # type: ignore[arg-type]
    # the description goes from the file: "$(cat pr.md)" would pass it as one argument
    assert "description@pr.md" in script and "cat pr.md" not in script


def _ci_env(repo: Path, **extra: str) -> dict[str, str]:
    return shell_env(repo.parent, API_LOG=str(repo.parent / "api.log"), **extra)


def _api_log(repo: Path) -> str:
    log = repo.parent / "api.log"
    return log.read_text() if log.exists() else ""


def _bash(script: str, repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=180)


def run_github_job(repo: Path) -> CiRun:
    """The job's `run:` steps whose `if:` holds, as the runner runs them (bash -eo pipefail,
    GITHUB_OUTPUT); actions (`uses:`) and the network install are left out."""
    output = repo.parent / "github_output"
    output.write_text("")
    env = _ci_env(repo, GITHUB_OUTPUT=str(output), GITHUB_REF_NAME="main",
                  **github_workflow()["jobs"]["autofix"]["env"])  # type: ignore[index]
    code = 0
    for name, step in autofix_steps().items():
        if "run" not in step or name.startswith("Install") or not _holds(step, output):
            continue
        run = str(step["run"])
        assert "${{" not in run, "a step the test runs must not need expressions"
        code = _bash(GH_STUB + run, repo, env).returncode
        if code:
            break
    outputs = _outputs(output)
    return CiRun(code, outputs["status"], outputs.get("stale") == "true", _api_log(repo))


def _outputs(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


def _holds(step: dict[str, object], output: Path) -> bool:
    if "if" not in step:
        return True
    match = re.fullmatch(r"steps\.fixer\.outputs\.(\w+) == '(\w+)'", str(step["if"]))
    assert match, f"the test cannot evaluate {step['if']!r}"
    return _outputs(output).get(match.group(1)) == match.group(2)


def run_gitlab_pipeline(repo: Path, mr_list: str = "[]") -> CiRun:
    """Each job's `script:` lines as one bash script (GitLab runs them so, with -eo
    pipefail), in a detached checkout; dotenv reports feed the next job, as `needs:` does.
    `mr_list` is what GitLab answers when asked for the branch's open merge requests."""
    git(repo, "checkout", "-q", "--detach")
    env = _ci_env(repo, CI_DEFAULT_BRANCH="main", CI_PROJECT_PATH="group/project",
                  CI_PROJECT_ID="7", CI_API_V4_URL="https://gitlab.test/api/v4",
                  FIXER_TOKEN="token", MR_LIST=mr_list)
    code, found = 0, {}
    for name in AUTOFIX_JOBS:
        lines: list[str] = gitlab_jobs()[name]["script"]  # type: ignore[assignment]
        code = _bash(CURL_STUB + "\n".join(lines), repo, env).returncode
        if (repo / "fixer.env").exists():
            found = _outputs(repo / "fixer.env")
            env.update(found)
        if code:
            break
    return CiRun(code, found.get("FIXER_STATUS", ""), found.get("FIXER_STALE") == "true",
                 _api_log(repo))


# What each recipe asks of the API to open and to close a pull/merge request. GitLab's
# merge request 7 is the open one (`mr_list`).
RUNNERS = {"github": run_github_job, "gitlab": run_gitlab_pipeline}
OPENS = {"github": "gh pr create --base main --head fixer/autofix",
         "gitlab": "--data-urlencode description@pr.md https://gitlab.test/api/v4/projects/7"
                   "/merge_requests\n"}
CLOSES = {"github": ["gh pr close fixer/autofix --comment fixer: nothing is left to fix"],
          "gitlab": ["--data-urlencode body@pr.md https://gitlab.test/api/v4/projects/7/"
                     "merge_requests/7/notes",
                     "--request PUT --data state_event=close",
                     "--request DELETE https://gitlab.test/api/v4/projects/7/repository/"
                     "branches/fixer%2Fautofix"]}
CI = pytest.mark.parametrize("ci", list(RUNNERS))


def run_ci(ci: str, repo: Path, mr_list: str = "[]") -> CiRun:
    return run_github_job(repo) if ci == "github" else run_gitlab_pipeline(repo, mr_list)


def remote_tip(tmp_path: Path) -> str | None:
    refs = git(tmp_path / "remote.git", "for-each-ref", "--format=%(objectname)",
               "refs/heads/fixer/autofix")
    return refs.strip() or None


def shallow_clone(tmp_path: Path, name: str) -> Path:
    """A depth-1 clone of the remote, as CI checks out by default."""
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "main",
        f"file://{tmp_path / 'remote.git'}", name)
    assert (tmp_path / name / ".git" / "shallow").exists()
    return tmp_path / name


@CI
@pytest.mark.slow
def test_recipe_pushes_the_branch_and_opens_a_request(tmp_path: Path, ci: str) -> None:
    repo = seeded_repo(tmp_path)
    run = run_ci(ci, repo)
    assert (run.code, run.status, run.stale) == (0, "1", False)
    assert OPENS[ci] in run.api
    assert remote_count(tmp_path) == "1"
    assert "| P001 | web |" in (repo / "pr.md").read_text()
    assert (repo / "fixer-report.md").read_text().startswith("#")


@pytest.mark.slow
def test_gitlab_updates_the_open_merge_request_from_the_file(tmp_path: Path) -> None:
    run = run_gitlab_pipeline(seeded_repo(tmp_path), mr_list='[{"iid": 7}]')
    assert run.status == "1"
    assert ("--request PUT --data-urlencode description@pr.md "
            "https://gitlab.test/api/v4/projects/7/merge_requests/7\n") in run.api
    assert "--request POST" not in run.api


@CI
@pytest.mark.slow
def test_recipe_does_nothing_on_a_clean_repository(tmp_path: Path, ci: str) -> None:
    clean = {**SEEDED, "web/Dockerfile": SEEDED["web/Dockerfile"].replace("8000", "8001")}
    run = run_ci(ci, seeded_repo(tmp_path, clean))
    assert (run.code, run.status, run.stale, run.api) == (0, "0", False, "")
    assert remote_count(tmp_path) is None


@CI
@pytest.mark.slow
def test_recipe_leaves_a_branch_a_person_edited_alone(tmp_path: Path, ci: str) -> None:
    """A person's commit on the branch: a green job that touches neither the branch nor
    its pull request."""
    repo = seeded_repo(tmp_path)
    git(repo, "commit", "-q", "--allow-empty", "-m", "human")
    git(repo, "push", "-q", "origin", "HEAD:fixer/autofix")
    git(repo, "reset", "-q", "--hard", "HEAD~1")
    tip = remote_tip(tmp_path)
    run = run_ci(ci, repo)
    assert (run.code, run.status, run.stale, run.api) == (0, "0", False, "")
    assert remote_tip(tmp_path) == tip


@CI
@pytest.mark.slow
def test_recipe_fails_when_fixer_cannot_sign(tmp_path: Path, ci: str) -> None:
    """commit.gpgsign with no key: fixer refuses (never an unsigned commit), the job is red."""
    repo = seeded_repo(tmp_path)
    git(repo, "config", "commit.gpgsign", "true")
    git(repo, "config", "gpg.format", "ssh")   # ssh signing: no key set, no agent started
    run = run_ci(ci, repo)
    assert (run.code, run.status, run.api) == (2, "2", "")
    assert remote_tip(tmp_path) is None


@CI
@pytest.mark.slow
def test_recipe_closes_the_request_of_a_stale_branch(tmp_path: Path, ci: str) -> None:
    """The fixes were merged: nothing is left to fix, and the branch fixer made is still
    there. fixer says it is stale; the recipe closes its request and deletes the branch."""
    repo = seeded_repo(tmp_path)
    assert run_ci(ci, repo).status == "1"
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--ff-only", "fixer/autofix")
    git(repo, "push", "-q", "origin", "main")
    (tmp_path / "api.log").unlink()
    run = run_ci(ci, repo, mr_list='[{"iid": 7}]')
    assert (run.code, run.status, run.stale) == (0, "0", True)
    assert all(call in run.api for call in CLOSES[ci]), run.api
    assert (repo / "pr.md").read_text().startswith("fixer: nothing is left to fix on ")
    if ci == "github":   # the branch is deleted with git (GitLab's recipe asks its API)
        assert remote_tip(tmp_path) is None


@CI
@pytest.mark.slow
def test_recipe_runs_twice_in_depth_1_clones(tmp_path: Path, ci: str) -> None:
    """CI's default checkout is shallow: the run after main moved on rebuilds the branch,
    and the next is up to date (exit 0, nothing pushed), not an error."""
    repo = seeded_repo(tmp_path)
    assert run_ci(ci, repo).status == "1"
    git(repo, "checkout", "-q", "main")
    (repo / "NOTES.md").write_text("main moves on\n")
    git(repo, "add", "NOTES.md")
    git(repo, "commit", "-q", "-m", "notes")
    git(repo, "push", "-q", "origin", "main")
    first = run_ci(ci, shallow_clone(tmp_path, "ci-1"))
    assert (first.code, first.status) == (0, "1")
    tip = remote_tip(tmp_path)
    remote = tmp_path / "remote.git"
    assert git(remote, "rev-parse", f"{tip}^").strip() == git(remote, "rev-parse", "main").strip()
    second = run_ci(ci, shallow_clone(tmp_path, "ci-2"))
    assert (second.code, second.status, second.stale) == (0, "0", False)
    assert remote_tip(tmp_path) == tip


# -- fixer probe after `docker compose up -d` ---------------------------------------------

def test_github_health_job_shape() -> None:
    job = github_workflow()["jobs"]["health"]  # type: ignore[index]
    assert job["permissions"] == {"contents": "read"}
    names = [s.get("name") for s in job["steps"]]
    assert names[-4:] == ["Start the stack", "Probe the health routes",
                          "Show the logs of a failed start", "Stop the stack"]
    start, probe, logs, stop = job["steps"][-4:]
    assert start["run"].startswith("docker compose up -d")
    assert probe["run"] == PROBE_COMMAND
    assert (logs["if"], stop["if"]) == ("failure()", "always()")


def run_health_step(repo: Path) -> subprocess.CompletedProcess[str]:
    """The probe step as the runner runs it; the stack it probes is already up."""
    job = github_workflow()["jobs"]["health"]  # type: ignore[index]
    step = next(s for s in job["steps"] if s.get("name") == "Probe the health routes")
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c",
                           step["run"]], cwd=repo, env={**shell_env(repo.parent), **job["env"]},
                          capture_output=True, text=True, timeout=180)


@pytest.mark.slow
def test_github_health_step_passes_on_a_healthy_stack(tmp_path: Path) -> None:
    port = free_port()
    repo = single_service(tmp_path / "repo", port)
    with serving(repo / "late", port, delay=1.0):  # `compose up -d` returns before the app
        result = run_health_step(repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"http://127.0.0.1:{port}/health" in result.stdout


@pytest.mark.slow
def test_github_health_step_fails_when_nothing_can_be_probed(tmp_path: Path) -> None:
    repo = single_service(tmp_path / "repo", free_port())
    compose = repo / "compose.yaml"
    compose.write_text(re.sub(r"ports:\n.*\n", "expose: ['8000']\n", compose.read_text()))
    result = run_health_step(repo)
    assert result.returncode == 2
    assert "publishes its port to the host: nothing to probe" in result.stderr


@pytest.mark.slow
def test_gitlab_probe_job_probes_the_running_stack(tmp_path: Path) -> None:
    """The job's script with `docker compose` standing in for the stack the test starts,
    and PROBE_HOST set to where it listens (in GitLab: the docker:dind service)."""
    job = gitlab_jobs()["fixer-probe"]
    assert job["variables"]["PROBE_HOST"] == "docker"  # type: ignore[index]
    script: list[str] = job["script"]  # type: ignore[assignment]
    assert script[0].startswith("docker compose up -d") and PROBE_COMMAND in script[1]
    port = free_port()
    repo = single_service(tmp_path / "repo", port)
    lines = [("echo STACK-UP" if line.startswith("docker ") else line) for line in script]
    with serving(repo / "late", port):
        result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c",
                                 "\n".join(lines)], cwd=repo,
                                env=shell_env(tmp_path, PROBE_HOST="127.0.0.1"),
                                capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("STACK-UP\nlate ")
