"""What every test module shares: tests/ on the import path (kit, support, fleet_repos) and the
setups too costly to repeat per test."""

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kit import FixOutcome, fix, folder_modes, read_folder  # noqa: E402
from support import SEED_FLEET, git, make_repo  # noqa: E402


@pytest.fixture(scope="session")
def seed_fleet() -> dict[str, bytes]:
    """The seed fleet's files, read once (a read-only value: copy before changing it)."""
    return read_folder(SEED_FLEET)


@pytest.fixture(scope="session")
def seed_fleet_fixed(seed_fleet: dict[str, bytes]) -> FixOutcome:
    """`fixer fix` with the default options on the seed fleet, in memory, computed once for
    the test files that read the result (a read-only value: copy before changing it)."""
    return fix(seed_fleet, modes=folder_modes(SEED_FLEET))


@pytest.fixture(scope="session")
def committed_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """support.FILES committed in a repository once; tests that change a repository work on
    a copy (copying is three times cheaper than git init, add and commit). With its objects
    packed (and no sample hooks, support.init_repo) a copy is half the files, each of them
    written by the test and deleted by a later session."""
    repo = make_repo(tmp_path_factory.mktemp("committed") / "repo")
    git(repo, "repack", "-a", "-d", "-q")
    git(repo, "prune-packed")
    return repo


forks: list[list[int]] = []


def _audit(event: str, _args: tuple[object, ...]) -> None:
    if event == "os.fork":
        for seen in forks:
            seen.append(os.getpid())


sys.addaudithook(_audit)


@pytest.fixture
def forked() -> Iterator[list[int]]:
    """The forks made while the test runs, as the interpreter reports them."""
    seen: list[int] = []
    forks.append(seen)
    yield seen
    forks.remove(seen)
