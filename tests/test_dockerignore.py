"""The `.dockerignore` matcher: what a build context leaves out, as moby's patternmatcher
reads the file (Go's filepath.Match with `**`, `!` exceptions, later lines winning)."""

from __future__ import annotations

import pytest

from fixer.core.dockerignore import context_files, drops, parse
from fixer.core.tree import MemorySource, Tree

ALLOW_LIST = "# allow-list: only what the image needs\n*\n!requirements.txt\n!app/\n"


@pytest.mark.parametrize(("text", "path", "dropped"), [
    pytest.param(ALLOW_LIST, "requirements.txt", False, id="allow-list-keeps-a-file"),
    pytest.param(ALLOW_LIST, "app/main.py", False, id="allow-list-keeps-a-folder"),
    pytest.param(ALLOW_LIST, "settings/config.py", True, id="allow-list-drops-the-rest"),
    pytest.param(ALLOW_LIST, "Dockerfile", True, id="allow-list-drops-the-dockerfile"),
    pytest.param("shared/\n", "shared/acme/text.py", True, id="folder-drops-what-it-holds"),
    pytest.param("shared/\n", "services/shared/x.py", False, id="anchored-at-the-root"),
    pytest.param("/shared\n", "shared/x.py", True, id="leading-slash-stripped"),
    pytest.param("./shared\n", "shared/x.py", True, id="leading-dot-slash-stripped"),
    pytest.param("*.pyc\n", "app/x.pyc", False, id="star-stays-in-one-segment"),
    pytest.param("**/*.pyc\n", "app/sub/x.pyc", True, id="double-star-any-depth"),
    pytest.param("**/*.pyc\n", "x.pyc", True, id="double-star-no-folder"),
    pytest.param("**/__pycache__\n", "a/__pycache__/m.cpython-312.pyc", True,
                 id="double-star-folder"),
    pytest.param("docs/**\n", "docs/a/b.md", True, id="trailing-double-star"),
    pytest.param("a/**/b.py\n", "a/b.py", True, id="double-star-matches-no-folder"),
    pytest.param("a/**/b.py\n", "a/x/y/b.py", True, id="double-star-matches-folders"),
    pytest.param("app?\n", "app1/main.py", True, id="question-mark"),
    pytest.param("app[0-9]\n", "appx/main.py", False, id="character-class"),
    pytest.param("app[^0-9]\n", "appx/main.py", True, id="negated-class"),
    pytest.param("\\*.py\n", "*.py", True, id="escaped-star"),
    pytest.param("\\*.py\n", "main.py", False, id="escaped-star-is-literal"),
    pytest.param("app\n!app/keep.py\n", "app/keep.py", False, id="exception-re-includes"),
    pytest.param("app\n!app/keep.py\n", "app/drop.py", True, id="exception-only-its-own"),
    pytest.param("!app/keep.py\napp\n", "app/keep.py", True, id="later-line-wins"),
    pytest.param("*.md\n!README*.md\nREADME-secret.md\n", "README-secret.md", True,
                 id="docker-docs-example"),
    pytest.param("# app\n\n   \n", "app/main.py", False, id="comments-and-blank-lines"),
    pytest.param(" app \n", "app/main.py", True, id="spaces-trimmed"),
    pytest.param(" # app\n", "app/main.py", False, id="indented-hash-is-a-pattern"),
    pytest.param("\ufeffapp\n", "app/main.py", True, id="byte-order-mark"),
    pytest.param("app/../lib\n", "lib/x.py", True, id="cleaned-like-a-path"),
])
def test_drops(text: str, path: str, dropped: bool) -> None:
    assert drops(parse(text), path) is dropped


def test_indented_hash_is_a_pattern_name() -> None:
    """Only a line starting with `#` is a comment; trimmed, ` # app` names `# app`."""
    assert drops(parse(" # app\n"), "# app")


def test_context_files_prefers_the_dockerfiles_own_ignore_file() -> None:
    tree = Tree(MemorySource({
        "api/.dockerignore": "settings/\n", "api/Dockerfile.dockerignore": "tests/\n",
        "api/Dockerfile": "FROM python:3.12-slim\n", "api/settings/config.py": "",
        "api/tests/test_x.py": "", "api/app/main.py": ""}))
    files = context_files(tree, "api", "api/Dockerfile")
    assert files.has_file("settings/config.py") and not files.has_file("tests/test_x.py")
    assert files.has_folder("app") and not files.has_folder("tests")
    assert not context_files(tree, "api", "api/Dockerfile.dev").has_file("settings/config.py")


def test_context_files_without_an_ignore_file_keep_everything() -> None:
    tree = Tree(MemorySource({"Dockerfile": "FROM python:3.12\n", "app/main.py": ""}))
    files = context_files(tree, "", "Dockerfile")
    assert files.ignore is None and files.has_file("app/main.py") and files.has_folder(".")
