"""The design lives in the repository: code cites only documents a reader of the repository
has (docs/rules.md, docs/architecture.md, `fixer explain CODE`), and docs/architecture.md
stays linked and names only paths that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from support import REPO

# Documents that shaped the project but are not part of the repository: the product spec,
# the design notes, the field notes and the audit report the project started from.
OUTSIDE = re.compile(r"RULES\.md|DESIGN\.md|REAL-WORLD|(?i:seed[- ](?:audit|report))")
ARCHITECTURE = REPO / "docs" / "architecture.md"
# Repository paths the architecture page names, such as `fixer/engine.py`; templates such as
# `rules/<code>_<name>.py` do not match.
NAMED_PATH = re.compile(r"\b(?:fixer|rules|tests|docs|golden)/[\w./-]*\w\.(?:py|md)\b")


def python_files() -> list[Path]:
    return sorted(p for folder in ("fixer", "rules") for p in (REPO / folder).rglob("*.py"))


def outside_citations(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [f"{path.relative_to(REPO)}:{number}: {line.strip()}"
            for number, line in enumerate(lines, 1) if OUTSIDE.search(line)]


@pytest.mark.parametrize("text", [
    'RULES.md "Severity": an error breaks the stack',
    "the CLI contract (DESIGN.md)",
    "patterns of REAL-WORLD.md",
    "see seed-audit-report.md",
    "in the seed audit's shape",
    "as the Seed Report marks them",
])
def test_the_pattern_finds_each_outside_document(text: str) -> None:
    assert OUTSIDE.search(text)


@pytest.mark.parametrize("text", [
    "docs/rules.md", "docs/architecture.md", "`fixer explain P001`", "examples/seed-fleet",
    "the rules of the design",
])
def test_the_pattern_leaves_documents_of_the_repository_alone(text: str) -> None:
    assert not OUTSIDE.search(text)


def test_no_python_file_cites_a_document_outside_the_repository() -> None:
    files = python_files()
    assert len(files) > 50, "fixer/ and rules/ not found"
    found = [hit for path in files for hit in outside_citations(path)]
    assert not found, ("cite docs/rules.md, docs/architecture.md or `fixer explain CODE`, "
                       "or say the fact:\n" + "\n".join(found))


def test_the_architecture_page_cites_nothing_outside_either() -> None:
    assert not outside_citations(ARCHITECTURE)


def test_the_readme_development_section_links_the_architecture_page() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    development = readme.split("\n## Development\n", 1)[1].split("\n## ", 1)[0]
    assert "(docs/architecture.md)" in development


def test_every_path_the_architecture_page_names_exists() -> None:
    named = set(NAMED_PATH.findall(ARCHITECTURE.read_text(encoding="utf-8")))
    assert len(named) > 5, named
    missing = sorted(path for path in named if not (REPO / path).exists())
    assert not missing, f"docs/architecture.md names paths that do not exist: {missing}"


def test_the_architecture_page_names_every_package() -> None:
    page = ARCHITECTURE.read_text(encoding="utf-8")
    packages = sorted(p.parent.name for p in (REPO / "fixer").glob("*/__init__.py"))
    assert packages, "no package under fixer/"
    missing = [name for name in packages if f"{name}/" not in page]
    assert not missing, f"docs/architecture.md does not describe fixer/{missing}"
