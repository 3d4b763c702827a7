"""The GitHub Action at the repository's root (action.yml): its shape, actionlint on a
workflow that uses it and on its own steps, shellcheck on its scripts, and its steps run as
the runner runs a composite action's, against a repository with a bare remote (as the CI
recipes of tests/test_recipes.py are run). Inputs must reach the scripts as environment
variables: no input can inject shell code."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from support import REPO, copy_project, git, offline_pip_env, offline_wheelhouse
from test_recipes import _outputs, remote_count, seeded_repo, shell_env

BIN = Path(sys.executable).parent
EXPRESSION = re.compile(r"\$\{\{\s*([\w.-]+)\s*\}\}")


def action() -> dict[str, Any]:
    loaded = yaml.safe_load((REPO / "action.yml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def run_steps() -> list[dict[str, Any]]:
    return [s for s in action()["runs"]["steps"] if "run" in s]


# -- shape --------------------------------------------------------------------------------

def test_action_shape() -> None:
    meta = action()
    assert {"name", "description", "inputs", "outputs", "runs"} <= set(meta)
    assert meta["runs"]["using"] == "composite"
    assert set(meta["inputs"]) >= {"path", "mode", "args"}
    assert (meta["inputs"]["path"]["default"], meta["inputs"]["mode"]["default"],
            meta["inputs"]["args"]["default"]) == (".", "check", "")
    assert all(i.get("description") for i in meta["inputs"].values())
    assert all(s.get("shell") == "bash" for s in run_steps())
    ids = {s.get("id") for s in meta["runs"]["steps"]}
    for output in meta["outputs"].values():
        match = EXPRESSION.fullmatch(output["value"])
        assert match and re.fullmatch(r"steps\.([\w-]+)\.outputs\.[\w-]+", match.group(1))
        assert match.group(1).split(".")[1] in ids, output


def test_inputs_reach_scripts_only_through_the_environment() -> None:
    """No `${{ }}` in a script: GitHub splices it into the text before bash reads it. Each
    input is used, as an environment variable or a `with:` of an action."""
    used = set()
    for step in action()["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step["name"]
        for value in [*step.get("env", {}).values(), *step.get("with", {}).values()]:
            match = EXPRESSION.fullmatch(str(value))
            assert match, f"{value!r}: an expression alone, not text around one"
            used.add(match.group(1))
    assert {f"inputs.{name}" for name in action()["inputs"]} <= used


def test_scripts_pass_shellcheck(tmp_path: Path) -> None:
    for number, step in enumerate(run_steps()):
        script = tmp_path / f"step{number}.sh"
        script.write_text(step["run"])
        result = subprocess.run([str(BIN / "shellcheck"), "--shell=bash", str(script)],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, step["name"] + "\n" + result.stdout


# -- actionlint ---------------------------------------------------------------------------

def actionlint(project: Path, workflow: dict[str, Any] | str) -> list[str]:
    """actionlint's messages on the workflow (a mapping, or YAML text), in a repository that
    holds this action at its root (actionlint reads a local action's inputs and outputs
    from there)."""
    folder = project / ".github" / "workflows"
    folder.mkdir(parents=True, exist_ok=True)
    text = workflow if isinstance(workflow, str) else yaml.safe_dump(workflow, sort_keys=False)
    (folder / "fixer.yml").write_text(text)
    if not (project / ".git").exists():
        shutil.copy2(REPO / "action.yml", project / "action.yml")
        git(project, "init", "-q")
    result = subprocess.run([str(BIN / "actionlint"), "-shellcheck", str(BIN / "shellcheck"),
                             "-format", "{{json .}}", ".github/workflows/fixer.yml"],
                            cwd=project, capture_output=True, text=True, timeout=60)
    assert result.returncode in (0, 1), result.stderr
    return [e["message"] for e in json.loads(result.stdout or "[]")]


def using_workflow(**inputs: str) -> dict[str, Any]:
    """A workflow that checks out, runs the action with these inputs and reads its output."""
    return {"name": "fixer", "on": {"push": None}, "permissions": {"contents": "write"},
            "jobs": {"fixer": {"runs-on": "ubuntu-latest", "steps": [
                {"uses": "actions/checkout@v5", "with": {"fetch-depth": 0}},
                {"id": "fixer", "uses": "./", "with": inputs},
                {"if": "steps.fixer.outputs.status == '1'",
                 "run": 'echo "fixes were pushed"'}]}}}


@pytest.mark.slow   # actionlint, a real tool
def test_actionlint_accepts_workflows_that_use_the_action(tmp_path: Path) -> None:
    assert actionlint(tmp_path, using_workflow(path=".", args="--format github")) == []
    assert actionlint(tmp_path, using_workflow(mode="branch", branch="fixer/autofix",
                                               push="origin", **{"python-version": "3.13"})) == []
    # Not vacuous: actionlint reads the action's inputs.
    messages = actionlint(tmp_path, using_workflow(folder="."))
    assert len(messages) == 1 and 'input "folder" is not defined' in messages[0], messages


@pytest.mark.slow   # actionlint, a real tool
def test_actionlint_accepts_the_action_steps_as_a_reusable_workflow(tmp_path: Path) -> None:
    """actionlint lints workflows, not action metadata: the action's steps, in a workflow
    called with the same inputs, get its checks (actions' inputs, expressions, shellcheck)."""
    meta = action()
    inputs = {name: {"type": "string", "required": False, "default": spec["default"]}
              for name, spec in meta["inputs"].items()}
    workflow = {"name": "fixer-action", "on": {"workflow_call": {"inputs": inputs}},
                "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": meta["runs"]["steps"]}}}
    assert actionlint(tmp_path, workflow) == []


@pytest.mark.slow   # actionlint, a real tool
def test_actionlint_accepts_the_documented_workflows(tmp_path: Path) -> None:
    page = (REPO / "docs" / "ci" / "action.md").read_text()
    workflows = [block.replace("fixer-project/fixer@v1", "./")
                 for block in re.findall(r"```yaml\n(.*?)```", page, re.S) if "jobs:" in block]
    assert len(workflows) == 3 and all("uses: ./\n" in w for w in workflows)
    for workflow in workflows:
        assert actionlint(tmp_path, workflow) == [], workflow


def test_the_documented_sarif_upload_has_a_file_even_when_the_check_fails() -> None:
    """SARIF on stdout reaches only the log, and a step after one that fails on findings is
    skipped unless it runs `if: always()`."""
    page = (REPO / "docs" / "ci" / "action.md").read_text()
    jobs = [yaml.safe_load(block)["jobs"] for block in re.findall(r"```yaml\n(.*?)```", page,
                                                                  re.S) if "jobs:" in block]
    steps = [job["steps"] for each in jobs for job in each.values()
             if any("--format sarif" in s.get("with", {}).get("args", "") for s in job["steps"])]
    assert len(steps) == 1
    [fixer] = [s for s in steps[0] if "--format sarif" in s.get("with", {}).get("args", "")]
    args = fixer["with"]["args"].split()
    written = args[args.index("--output-file") + 1]
    [upload] = [s for s in steps[0] if "upload-sarif" in s.get("uses", "")]
    assert steps[0].index(upload) > steps[0].index(fixer)
    assert upload["if"] == "always()" and upload["with"]["sarif_file"] == written


# -- the steps, run -----------------------------------------------------------------------

def evaluate(value: str, context: dict[str, str]) -> str:
    """The `${{ name }}` expressions the action's env values are made of."""
    def one(match: re.Match[str]) -> str:
        assert match.group(1) in context, f"the test cannot evaluate {match.group(0)}"
        return context[match.group(1)]
    return EXPRESSION.sub(one, value)


def run_step(step: dict[str, Any], workspace: Path, env: dict[str, str],
             context: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """One `run:` step as the runner runs `shell: bash` (bash -eo pipefail), its script and
    env evaluated as GitHub evaluates them (so a spliced input would show as injected)."""
    own = {name: evaluate(str(value), context) for name, value in step.get("env", {}).items()}
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c",
                           evaluate(step["run"], context)], cwd=workspace, env={**env, **own},
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the action's folder, the bin folder of the Python it set up): the install step, run
    with a fresh virtual environment's python on PATH standing in for actions/setup-python,
    and pip reaching only a wheelhouse of this environment's distributions (the build
    backend and fixer's dependencies) instead of the index."""
    root = tmp_path_factory.mktemp("action")
    source = copy_project(root / "action")
    project = tomllib.loads((source / "pyproject.toml").read_text())
    house = offline_wheelhouse(root / "wheelhouse", [*project["build-system"]["requires"],
                                                     *project["project"]["dependencies"]])
    subprocess.run([sys.executable, "-m", "venv", root / "python"], check=True, timeout=120)
    venv_bin = root / "python" / "bin"
    env = {**offline_pip_env(root, house), "PATH": f"{venv_bin}:/usr/bin:/bin"}
    [install] = [s for s in run_steps() if s["name"] == "Install fixer"]
    result = run_step(install, root, env, {"github.action_path": str(source)})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert (venv_bin / "fixer").exists()
    return source, venv_bin


def run_action(installed: tuple[Path, Path], workspace: Path,
               **given: str) -> tuple[int, dict[str, str], str, str]:
    """The action's run step with these inputs (the rest at their defaults), in the
    workspace: (exit code, step outputs, stdout, stderr)."""
    source, venv_bin = installed
    inputs = {name: spec["default"] for name, spec in action()["inputs"].items()}
    inputs.update(given)
    context = {f"inputs.{k}": v for k, v in inputs.items()}
    context["github.action_path"] = str(source)
    output = workspace.parent / "github_output"
    output.write_text("")
    env = shell_env(workspace.parent, PATH=f"{venv_bin}:/usr/bin:/bin", GITHUB_OUTPUT=str(output))
    env.pop("PYTHONPATH", None)  # the fixer that runs is the one the action installed
    [step] = [s for s in run_steps() if s.get("id") == "fixer"]
    result = run_step(step, workspace, env, context)
    return result.returncode, _outputs(output), result.stdout, result.stderr


@pytest.mark.slow
def test_check_mode_fails_on_findings(installed: tuple[Path, Path], tmp_path: Path) -> None:
    repo = seeded_repo(tmp_path)
    code, outputs, out, _ = run_action(installed, repo)
    assert (code, outputs) == (1, {"status": "1"})
    assert "P001 [error] web: compose expects container port 8001" in out
    code, outputs, out, err = run_action(installed, repo, args="--select D --format json")
    assert (code, outputs) == (0, {"status": "0"}), err
    assert json.loads(out)["findings"] == []


@pytest.mark.slow
def test_branch_mode_pushes_the_fixes_and_succeeds(installed: tuple[Path, Path],
                                                   tmp_path: Path) -> None:
    repo = seeded_repo(tmp_path)
    code, outputs, _, err = run_action(installed, repo, mode="branch", branch="fixer/autofix")
    assert (code, outputs) == (0, {"status": "1"}), err
    assert remote_count(tmp_path) == "1"
    code, outputs, _, err = run_action(installed, repo, mode="branch")  # nothing new
    assert (code, outputs) == (0, {"status": "0"}), err


@pytest.mark.slow
def test_inputs_are_data_not_code(installed: tuple[Path, Path], tmp_path: Path) -> None:
    repo = seeded_repo(tmp_path)
    code, _, _, err = run_action(installed, repo, path="$(touch pwned)")
    assert code == 2 and "$(touch pwned)" in err, err  # a folder of that name, not found
    code, _, _, err = run_action(installed, repo, args="--select P `touch pwned` ; touch pwned")
    assert code == 2, err
    assert list(tmp_path.rglob("pwned")) == []
    code, outputs, out, _ = run_action(installed, repo, mode="fix")
    assert (code, outputs) == (2, {}) and out.startswith("::error::")
