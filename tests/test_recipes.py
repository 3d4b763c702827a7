"""The recipes users copy: the pre-commit hooks (run by the real pre-commit) and the CI
jobs of docs/ci (their shell run in bash against a repository with a bare remote)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
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
    return {"PATH": f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin", "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"), "LANG": "C.UTF-8", **extra}


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
    assert hooks["fixer-check"]["entry"] == "fixer check"
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


# -- GitHub Actions -----------------------------------------------------------------------

def github_workflow() -> dict[object, object]:
    loaded = yaml.safe_load((REPO / "docs" / "ci" / "github-actions.yml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def opens_pull_request(step: dict[str, str]) -> bool:
    return "pull request" in step.get("name", "").lower()


def test_github_workflow_shape() -> None:
    workflow = github_workflow()
    assert {"push", "workflow_dispatch"} <= set(workflow[True])  # type: ignore[call-overload]
    permissions = workflow["permissions"]
    assert permissions == {"contents": "write", "pull-requests": "write"}
    steps = workflow["jobs"]["autofix"]["steps"]  # type: ignore[index]
    fix_step = next(s for s in steps if s.get("id") == "fixer")
    assert FIX_COMMAND in fix_step["run"]
    pr_step = next(s for s in steps if opens_pull_request(s))
    assert pr_step["if"] == "steps.fixer.outputs.status == '1'"
    assert "gh pr create" in pr_step["run"] and "--body-file pr.md" in pr_step["run"]


def run_github_job(repo: Path) -> tuple[int, dict[str, str], list[str]]:
    """Run the job's `run:` steps as the runner would (bash -eo pipefail, GITHUB_OUTPUT);
    the pull-request step is only evaluated. (exit code, step outputs, steps run)."""
    job = github_workflow()["jobs"]["autofix"]  # type: ignore[index]
    output = repo.parent / "github_output"
    output.write_text("")
    env = shell_env(repo.parent, GITHUB_OUTPUT=str(output), GITHUB_REF_NAME="main")
    ran: list[str] = []
    for step in job["steps"]:
        if "run" not in step or step["name"].startswith("Install"):
            continue  # actions (checkout, setup-python) and the network install
        if opens_pull_request(step):
            if _condition_holds(step["if"], output):
                ran.append(step["name"])
            continue
        assert "${{" not in step["run"], "a step the test runs must not need expressions"
        result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c",
                                 step["run"]], cwd=repo, env={**env, **job.get("env", {})},
                                capture_output=True, text=True, timeout=120)
        ran.append(step["name"])
        if result.returncode != 0:
            return result.returncode, _outputs(output), ran
    return 0, _outputs(output), ran


def _outputs(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


def _condition_holds(condition: str, output: Path) -> bool:
    match = re.fullmatch(r"steps\.fixer\.outputs\.(\w+) == '(\w+)'", condition)
    assert match, f"the test cannot evaluate {condition!r}"
    return _outputs(output).get(match.group(1)) == match.group(2)


@pytest.mark.slow
def test_github_job_pushes_the_branch_and_opens_a_pull_request(tmp_path: Path) -> None:
    repo = seeded_repo(tmp_path)
    code, outputs, ran = run_github_job(repo)
    assert code == 0 and outputs == {"status": "1"}
    assert ran == ["Fix on a branch", "Open or update the pull request"]
    assert remote_count(tmp_path) == "1"
    assert "| P001 | web |" in (repo / "pr.md").read_text()


@pytest.mark.slow
def test_github_job_does_nothing_on_a_clean_repository(tmp_path: Path) -> None:
    clean = {**SEEDED, "web/Dockerfile": SEEDED["web/Dockerfile"].replace("8000", "8001")}
    repo = seeded_repo(tmp_path, clean)
    code, outputs, ran = run_github_job(repo)
    assert (code, outputs, ran) == (0, {"status": "0"}, ["Fix on a branch"])
    assert remote_count(tmp_path) is None


@pytest.mark.slow
def test_github_job_fails_when_fixer_refuses(tmp_path: Path) -> None:
    repo = seeded_repo(tmp_path)
    git(repo, "commit", "-q", "--allow-empty", "-m", "human")
    git(repo, "push", "-q", "origin", "HEAD:fixer/autofix")  # a branch with a human commit
    git(repo, "reset", "-q", "--hard", "HEAD~1")
    code, outputs, ran = run_github_job(repo)
    assert (code, outputs, ran) == (2, {"status": "2"}, ["Fix on a branch"])


# -- GitLab CI ----------------------------------------------------------------------------

def gitlab_jobs() -> dict[str, dict[str, object]]:
    loaded = yaml.safe_load((REPO / "docs" / "ci" / "gitlab-ci.yml").read_text())
    jobs = {name: job for name, job in loaded.items() if isinstance(job, dict) and "script" in job}
    for name, job in jobs.items():  # GitLab rejects a script entry that YAML made a mapping
        assert all(isinstance(line, str) for line in job["script"]), name
    return jobs


def test_gitlab_jobs_shape() -> None:
    jobs = gitlab_jobs()
    assert list(jobs) == [*AUTOFIX_JOBS, "fixer-probe"]
    script: list[str] = jobs["fixer-autofix"]["script"]  # type: ignore[assignment]
    assert any(FIX_COMMAND in line for line in script)
    assert jobs["fixer-autofix"]["artifacts"] == {"paths": ["pr.md"],
                                                  "reports": {"dotenv": "fixer.env"}}
    assert jobs["fixer-merge-request"]["needs"] == ["fixer-autofix"]
    glab = [line for line in jobs["fixer-merge-request"]["script"]  # type: ignore[attr-defined]
            if line.startswith("glab ")]
    assert len(glab) == 1 and "glab mr create" in glab[0] and '"$(cat pr.md)"' in glab[0]


def run_gitlab_pipeline(repo: Path) -> list[tuple[str, int, str]]:
    """Each job's `script:` lines as one bash script (GitLab runs them so, with -eo
    pipefail), in a detached checkout; `glab` lines are replaced by a marker. dotenv
    reports feed the next job, as `needs:` does. (job, exit code, stdout) per job run."""
    git(repo, "checkout", "-q", "--detach")
    env = shell_env(repo.parent, CI_DEFAULT_BRANCH="main", CI_PROJECT_PATH="group/project")
    results = []
    for name in AUTOFIX_JOBS:
        job = gitlab_jobs()[name]
        lines = [("echo MERGE-REQUEST-OPENED" if line.startswith("glab ") else line)
                 for line in job["script"]]  # type: ignore[attr-defined]
        result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c",
                                 "\n".join(lines)], cwd=repo, env=env, capture_output=True,
                                text=True, timeout=120)
        results.append((name, result.returncode, result.stdout))
        if result.returncode != 0:
            break
        dotenv = repo / "fixer.env"
        if dotenv.exists():
            env.update(_outputs(dotenv))
    return results


@pytest.mark.slow
def test_gitlab_pipeline_pushes_the_branch_and_opens_a_merge_request(tmp_path: Path) -> None:
    repo = seeded_repo(tmp_path)
    results = run_gitlab_pipeline(repo)
    assert [(name, code) for name, code, _ in results] == [("fixer-autofix", 0),
                                                          ("fixer-merge-request", 0)]
    assert "MERGE-REQUEST-OPENED" in results[1][2]
    assert remote_count(tmp_path) == "1"
    assert "| P001 | web |" in (repo / "pr.md").read_text()


@pytest.mark.slow
def test_gitlab_pipeline_opens_nothing_on_a_clean_repository(tmp_path: Path) -> None:
    clean = {**SEEDED, "web/Dockerfile": SEEDED["web/Dockerfile"].replace("8000", "8001")}
    repo = seeded_repo(tmp_path, clean)
    results = run_gitlab_pipeline(repo)
    assert [code for _, code, _ in results] == [0, 0]
    assert "MERGE-REQUEST-OPENED" not in results[1][2]
    assert remote_count(tmp_path) is None


@pytest.mark.slow
def test_gitlab_pipeline_fails_when_fixer_refuses(tmp_path: Path) -> None:
    repo = seeded_repo(tmp_path)
    git(repo, "commit", "-q", "--allow-empty", "-m", "human")
    git(repo, "push", "-q", "origin", "HEAD:fixer/autofix")  # a branch with a human commit
    git(repo, "reset", "-q", "--hard", "HEAD~1")
    results = run_gitlab_pipeline(repo)
    assert [(name, code) for name, code, _ in results] == [("fixer-autofix", 2)]


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
