"""A fix writes no file the repository would not keep, and none beside the recipe the
repository builds the context with: S002's `__init__.py` that `.gitignore` ignores (the
next run, reading what git keeps, would find it missing again) and S001's stock Dockerfile
where CI builds the context from another one are display-only, with the reason."""

from __future__ import annotations

import json
from pathlib import Path

from support import run_cli

GOLDEN = Path(__file__).parent.parent / "golden"


def _reasons(case: str, code: str) -> list[tuple[object, object]]:
    status, out, err = run_cli("check", GOLDEN / case / "before", "--select", code,
                               "--format", "json")
    assert status == 1, err
    return [(f["fix"], f["reason"]) for f in json.loads(out)["findings"]]


def test_an_init_file_the_gitignore_ignores_is_not_written() -> None:
    assert _reasons("S002-missing-package-init/init-file-the-gitignore-ignores", "S002") == [
        (None, "the repository's .gitignore ignores api/app/__init__.py: a file written there "
               "would not be committed")]


def test_a_context_ci_builds_from_another_dockerfile_gets_no_stock_one() -> None:
    assert _reasons("S001-missing-dockerfile/ci-builds-the-context-with-a-dockerfile-elsewhere",
                    "S001") == [
        (None, ".github/workflows/images.yml builds services/api with docker/api/Dockerfile: "
               "point `build.dockerfile` at it (`dockerfile: ../../docker/api/Dockerfile`)")]
