"""What a user installs: the wheel, in a fresh virtual environment holding only the declared
dependencies, runs `fixer check`; the sdist carries the tests, golden cases and examples, and
its tests run against the package built from it. Built from a copy of the working tree with
the build backend this interpreter has and installed from a local wheelhouse: no network."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

from support import (REPO, SEED_FLEET, copy_project, offline_pip_env, offline_wheelhouse,
                     run_cli)

pytestmark = pytest.mark.slow  # builds fixer, makes virtual environments, runs pip


def _run(args: list[str | Path], cwd: Path, env: dict[str, str],
         timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(sdist, wheel, the copy of the working tree they were built from): `python -m build`
    makes the sdist, then the wheel from the sdist, so the wheel is proof that the sdist
    holds what the package needs."""
    root = tmp_path_factory.mktemp("build")
    source = copy_project(root / "source")
    result = _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", root / "dist",
                   source], cwd=root, env=offline_pip_env(root, root / "none"))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    [sdist] = (root / "dist").glob("fixer-*.tar.gz")
    [wheel] = (root / "dist").glob("fixer-*.whl")
    return sdist, wheel, source


def wheel_metadata(wheel: Path) -> tuple[list[str], dict[str, list[str]]]:
    """(file names, METADATA fields by name, each with its values in order)."""
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        [metadata] = [n for n in names if n.endswith(".dist-info/METADATA")]
        message = Parser().parsestr(archive.read(metadata).decode())
    fields: dict[str, list[str]] = {}
    for key, value in message.items():
        fields.setdefault(key, []).append(value)
    return names, fields


def declared(wheel: Path) -> list[str]:
    """The wheel's requirements, its extras' left out."""
    return [r for r in wheel_metadata(wheel)[1]["Requires-Dist"] if "extra ==" not in r]


def fresh_venv(folder: Path, wheel: Path) -> Path:
    """A new virtual environment, with no pip, holding the wheel and its declared
    dependencies, installed by this interpreter's pip from a wheelhouse of installed
    distributions. Its bin folder."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", folder / "venv"],
                   check=True, timeout=120)
    python = folder / "venv" / "bin" / "python"
    house = offline_wheelhouse(folder / "wheelhouse", declared(wheel))
    result = _run([sys.executable, "-m", "pip", "--python", python, "install",
                   "--find-links", wheel.parent, wheel], cwd=folder,
                  env=offline_pip_env(folder, house))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return python.parent


def imported_from(venv_bin: Path, cwd: Path, env: dict[str, str]) -> list[Path]:
    """The virtual environment (or folder) that `fixer` and `fixer_rules` are imported from,
    run in `cwd`: where a test would pick up this working tree by mistake, it shows."""
    code = ("import fixer, fixer_rules, pathlib;"
            "print(*(pathlib.Path(m.__file__).parents[1] for m in (fixer, fixer_rules)))")
    result = _run([venv_bin / "python", "-c", code], cwd=cwd, env=env)
    assert result.returncode == 0, result.stderr
    return [site if site.name != "site-packages" else site.parents[2]
            for site in map(Path, result.stdout.split())]


def test_the_wheel_holds_the_packages_and_no_tests(dist: tuple[Path, Path, Path]) -> None:
    names, fields = wheel_metadata(dist[1])
    tops = {n.split("/")[0] for n in names}
    assert not {"tests", "golden", "examples", "docs", "bench"} & tops, tops
    sources = {f"fixer/{p.relative_to(REPO / 'fixer').as_posix()}"
               for p in (REPO / "fixer").rglob("*.py")}
    sources |= {f"fixer_rules/{p.relative_to(REPO / 'rules').as_posix()}"
                for p in (REPO / "rules").rglob("*.py")}
    assert sources <= set(names), sorted(sources - set(names))
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert fields["License-Expression"] == ["MIT"]


def test_the_wheel_runs_with_only_the_declared_dependencies(dist: tuple[Path, Path, Path],
                                                             tmp_path: Path) -> None:
    _, fields = wheel_metadata(dist[1])
    venv_bin = fresh_venv(tmp_path, dist[1])
    env = {"PATH": f"{venv_bin}:/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    assert imported_from(venv_bin, tmp_path, env) == [venv_bin.parent] * 2
    listed = _run([sys.executable, "-m", "pip", "--python", venv_bin / "python", "list",
                   "--format", "json"], cwd=tmp_path, env=offline_pip_env(tmp_path, tmp_path))
    installed = {p["name"].lower() for p in json.loads(listed.stdout)}
    assert installed == {"fixer", "click", "pyyaml", "libcst", "gitpython", "gitdb", "smmap",
                         "unidiff"}
    version = _run([venv_bin / "python", "-m", "fixer", "--version"], cwd=tmp_path, env=env)
    assert version.returncode == 0 and fields["Version"][0] in version.stdout, version
    check = _run([venv_bin / "fixer", "check", "--format", "json", SEED_FLEET], cwd=tmp_path,
                 env=env)
    assert check.returncode == 1, check.stderr
    findings = json.loads(check.stdout)["findings"]
    assert {"P001", "D001", "D003", "C001"} <= {f["code"] for f in findings}
    # The installed wheel finds what the working tree finds, finding for finding.
    code, out, _ = run_cli("check", "--format", "json", SEED_FLEET)
    assert (code, json.loads(out)["findings"]) == (1, findings)


def test_the_sdist_holds_the_tests_and_what_they_read(dist: tuple[Path, Path, Path]) -> None:
    sdist, _, source = dist
    with tarfile.open(sdist) as archive:
        names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
    # a folder a link of the tree points at is archived once, under either name (setuptools
    # follows the link, and keeps the first path of a file it walks to)
    links = {p.relative_to(source).as_posix(): p.resolve().relative_to(source.resolve())
             .as_posix() for p in source.rglob("*") if p.is_symlink() and p.is_dir()}
    for folder in ("tests", "golden", "examples", "docs"):
        files = {p.relative_to(source).as_posix() for p in (source / folder).rglob("*")
                 if p.is_file()}
        missing = {f for f in files - names
                   if not any(f.startswith(target + "/") and link + f[len(target):] in names
                              for link, target in links.items())}
        assert not missing, sorted(missing)[:10]
    assert {"LICENSE", "README.md", "CHANGELOG.md", "pyproject.toml", "action.yml",
            "Dockerfile", ".pre-commit-hooks.yaml"} <= names


def test_the_sdist_tests_run_from_the_unpacked_sdist(dist: tuple[Path, Path, Path],
                                                     tmp_path: Path) -> None:
    """The sdist's own tests, run in its unpacked tree against the wheel built from it. The
    test tools come from this environment: its site-packages as a path entry (whose .pth
    files, this working tree's editable install among them, are not read) and the programs
    of its bin folder (hadolint, shellcheck) beside the new interpreter."""
    sdist, wheel, _ = dist
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path, filter="tar")
    [tree] = tmp_path.glob("fixer-*")
    venv_bin = fresh_venv(tmp_path, wheel)
    site = next((venv_bin.parent / "lib").glob("python*/site-packages"))
    (site / "test-tools.pth").write_text(
        "\n".join(p for p in sys.path if p.endswith("site-packages")) + "\n")
    for program in Path(sys.executable).parent.iterdir():
        if not (venv_bin / program.name).exists():
            (venv_bin / program.name).symlink_to(program)
    env = {"PATH": f"{venv_bin}:/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    # fixer from the unpacked tree (pytest runs there), fixer_rules from the wheel.
    assert imported_from(venv_bin, tree, env) == [tree, venv_bin.parent]
    result = _run([venv_bin / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m",
                   "not slow", "tests/test_registry.py", "tests/test_packaging.py"],
                  cwd=tree, env=env, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert re.search(r"^\d+ passed", result.stdout, re.M), result.stdout[-2000:]
