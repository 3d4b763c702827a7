"""The wheel must carry every package in the source tree, the rules included."""

from __future__ import annotations

import tomllib

from support import REPO


def test_every_package_folder_is_listed_in_pyproject() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    on_disk = {".".join(p.parent.relative_to(REPO).parts) for p in REPO.glob("fixer/**/__init__.py")}
    assert on_disk <= listed, f"missing from [tool.setuptools] packages: {on_disk - listed}"
    assert config["package-dir"]["fixer_rules"] == "rules" and "fixer_rules" in listed
