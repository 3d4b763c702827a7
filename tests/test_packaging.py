"""The wheel must carry every package in the source tree, the rules included; the metadata
names the project; the container image of fixer itself is small, non-root and hadolint-clean."""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from importlib.metadata import PackageMetadata, distributions
from pathlib import Path

from fixer.core.textfile import decode
from fixer.sources.dockerfile import parse as parse_dockerfile
from support import REPO, run_cli
from test_dockerfile_parser import assert_same_as_buildkit


def test_every_package_folder_is_listed_in_pyproject() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    on_disk = {".".join(p.parent.relative_to(REPO).parts) for p in REPO.glob("fixer/**/__init__.py")}
    assert on_disk <= listed, f"missing from [tool.setuptools] packages: {on_disk - listed}"
    assert config["package-dir"]["fixer_rules"] == "rules" and "fixer_rules" in listed


# The import name of each dependency the project declares.
IMPORTED_AS = {"click": "click", "pyyaml": "yaml", "libcst": "libcst", "gitpython": "git",
               "gitdb": "gitdb", "unidiff": "unidiff", "ruamel.yaml": "ruamel",
               "dockerfile": "dockerfile"}


def third_party_imports() -> set[str]:
    """Top-level names of every module fixer/ and rules/ import that is not fixer's own
    or the standard library's (imports inside functions included)."""
    found: set[str] = set()
    for path in [*REPO.glob("fixer/**/*.py"), *REPO.glob("rules/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
    return {n for n in found if n not in sys.stdlib_module_names
            and n not in ("fixer", "fixer_rules")}


def test_the_declared_dependencies_are_the_ones_imported() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    declared = {re.split(r"[<>=!~\[ ]", d, maxsplit=1)[0].lower()
                for d in project["dependencies"]}
    unknown = declared - IMPORTED_AS.keys()
    assert not unknown, f"no import name known for {unknown}"
    assert {IMPORTED_AS[d] for d in declared} == third_party_imports()


# -- metadata ---------------------------------------------------------------------------------

def installed_metadata() -> PackageMetadata:
    """fixer's metadata as pip installed it in this interpreter's environment (a stale
    fixer.egg-info left in the working folder by a setuptools build would shadow it)."""
    [dist] = distributions(name="fixer", path=[sysconfig.get_paths()["purelib"]])
    return dist.metadata


def test_the_installed_metadata_has_classifiers_and_project_urls() -> None:
    metadata = installed_metadata()
    classifiers = set(metadata.get_all("Classifier") or [])
    assert {"Environment :: Console", "Operating System :: OS Independent",
            "Topic :: Software Development :: Quality Assurance",
            "Programming Language :: Python :: 3 :: Only"} <= classifiers
    supported = {c.rpartition(" :: ")[2] for c in classifiers
                 if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)}
    assert supported == {"3.11", "3.12", "3.13"}
    assert metadata["Requires-Python"] == ">=" + min(supported, key=lambda v: int(v[2:]))
    # The license is an SPDX expression with its file; setuptools refuses a classifier too.
    assert metadata["License-Expression"] == "MIT"
    assert metadata.get_all("License-File") == ["LICENSE"]
    urls = dict(u.split(", ", 1) for u in metadata.get_all("Project-URL") or [])
    assert set(urls) == {"Homepage", "Documentation", "Issues", "Changelog"}
    home = urls["Homepage"]
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", home), home
    assert all(u.startswith(home + "/") for name, u in urls.items() if name != "Homepage")
    assert urls["Documentation"].endswith("/docs/rules.md") and (REPO / "docs/rules.md").exists()
    assert urls["Changelog"].endswith("/CHANGELOG.md") and (REPO / "CHANGELOG.md").exists()


# -- the container image ----------------------------------------------------------------------

def test_the_image_dockerfile_is_hadolint_clean() -> None:
    result = subprocess.run([str(Path(sys.executable).parent / "hadolint"), "-f", "json",
                             str(REPO / "Dockerfile")], capture_output=True, text=True,
                            timeout=60)
    assert (result.returncode, json.loads(result.stdout)) == (0, []), result.stderr
    # Clean without blanket waivers: one pragma, for the apt package left unpinned on purpose.
    text = (REPO / "Dockerfile").read_text()
    assert re.findall(r"hadolint ignore=(\S+)", text) == ["DL3008"]


def test_the_image_runs_as_a_user_and_carries_only_the_package() -> None:
    file = decode("Dockerfile", (REPO / "Dockerfile").read_bytes())
    assert_same_as_buildkit(file)  # no Docker engine here: BuildKit's parser reads it at least
    build, final = parse_dockerfile(file).stages
    user, entrypoint = final.last("USER"), final.last("ENTRYPOINT")
    assert user and user.value[0].split(":")[0] not in ("root", "0")
    assert entrypoint and entrypoint.json and entrypoint.value == ("fixer",)
    assert all(s.base.startswith("python:3.12-slim-") for s in (build, final))
    # The final stage takes the build stage's virtual environment, not the sources.
    assert [(i.flags, i.value) for i in final.find("COPY")] == [
        (("--from=build",), ("/opt/fixer", "/opt/fixer"))]
    ignore = (REPO / ".dockerignore").read_text().splitlines()
    assert ignore[ignore.index("*") + 1:][:6] == ["!pyproject.toml", "!README.md", "!LICENSE",
                                                  "!MANIFEST.in", "!fixer/", "!rules/"]


def test_the_root_files_are_no_stack(tmp_path: Path) -> None:
    """The image's Dockerfile and the action at the repository's root build no service:
    a folder with only them has no compose file to check."""
    for name in ("Dockerfile", ".dockerignore", "action.yml", "pyproject.toml"):
        shutil.copy2(REPO / name, tmp_path / name)
    code, out, err = run_cli("check", tmp_path)
    assert code != 1 and out == "", (code, out, err)
    assert "no compose file" in err.lower()
