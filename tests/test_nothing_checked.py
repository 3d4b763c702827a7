"""`fixer check` on a folder with no compose file to read: a wrong path (exit 2), unless its
compose files are all in project template folders, which fixer skips (exit 0)."""

from __future__ import annotations

import json
from pathlib import Path

from support import run_cli

_COMPOSE = "services:\n  api:\n    build: ./{{cookiecutter.service}}\n"


def _template(root: Path) -> Path:
    slug = root / "{{cookiecutter.project_slug}}"
    (slug / "deploy").mkdir(parents=True)
    (slug / "deploy" / "docker-compose.yml").write_text(_COMPOSE)
    (root / "cookiecutter.json").write_text('{"project_slug": "orders"}\n')
    return root


def test_compose_files_only_in_template_folders_are_named_and_no_error(tmp_path: Path) -> None:
    root = _template(tmp_path)
    code, out, err = run_cli("check", root)
    assert (code, out) == (0, "")
    assert err == (f"Compose files in {root} are only in project template folders, which "
                   "fixer skips ({{cookiecutter.project_slug}}/deploy/docker-compose.yml): "
                   "nothing was checked.\n")
    code, out, err = run_cli("check", root, "--format", "json")
    assert code == 0 and json.loads(out)["findings"] == [] and "template folders" in err
    assert "All checks passed." not in err


def test_a_template_repository_beside_a_wrong_path_still_exits_2(tmp_path: Path) -> None:
    root = _template(tmp_path / "template")
    (tmp_path / "empty" / "node_modules" / "{{x}}").mkdir(parents=True)
    # a compose file in a folder fixer never reads (node_modules) is not a template's
    (tmp_path / "empty" / "node_modules" / "{{x}}" / "docker-compose.yml").write_text(_COMPOSE)
    code, _out, err = run_cli("check", root, tmp_path / "empty", "-q")
    assert code == 2
    assert f"No compose file found in {tmp_path / 'empty'}: nothing was checked." in err
    assert "template folders" in err
