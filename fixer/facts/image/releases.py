"""The Debian release a Debian-based image is built on, where its reference tells it, and
whether that release's packages can still be installed.

Debian moves a release's packages from deb.debian.org to archive.debian.org after its
long-term support ends. On an image of such a release `apt-get update` fails with 404,
so an install layer added there breaks the build, and a fix that breaks the build is never
safe: fixer offers none.

The facts below are data, read from the image's name and tag only:
- a release codename in the tag (`python:3.10-slim-buster`, `node:14-buster-slim`,
  `debian:buster-slim`) is the release;
- `debian:N` tags name the release by its version number;
- a `python:` tag tells it by its version: the official python images moved their
  default from buster to bullseye in August 2021 and to bookworm in June 2023, so
  `python:3.9.4-slim` is buster and `python:3.11.2-slim` bullseye although their names
  do not say so, and every tag of a series that stopped being built before the first
  move (`python:3.5-slim`, `python:2.7`) is buster or older. An unpinned tag of a series
  built since (`python:3.9-slim`, `python:3.12`) is a current image.

Not judged here (out of scope so far): Alpine branches whose repositories are gone (an
`apk add` is offered on every Alpine image the known-images table names), Ubuntu releases
moved to old-releases.ubuntu.com, and the release of `node` tags that name none
(`node:10`, `node:12.22.1-slim`).
"""

from __future__ import annotations

from dataclasses import dataclass

from fixer.core.lazyre import lazy_compile

# Debian releases by codename, with the version number `debian:N` tags use.
SUITES: dict[str, int] = {"wheezy": 7, "jessie": 8, "stretch": 9, "buster": 10,
                          "bullseye": 11, "bookworm": 12, "trixie": 13}
# Releases whose packages deb.debian.org no longer serves.
ARCHIVED = frozenset({"wheezy", "jessie", "stretch", "buster"})
# Releases whose long-term support has ended, whose packages move to archive.debian.org
# on a day fixer cannot know (bullseye's support ended in August 2026): an install layer
# builds today and may not tomorrow.
SUPPORT_ENDED: dict[str, str] = {"bullseye": "August 2026"}

# The official python images: per series, the last patch release whose plain tags may be
# built on buster or an older release (the default moved to bullseye in August 2021; a
# boundary release counts as the older one: fixing less is better than fixing wrong).
PYTHON_LAST_ON_BUSTER: dict[tuple[int, int], int] = {
    (3, 9): 6, (3, 8): 11, (3, 7): 11, (3, 6): 15}
# The same for bullseye: the default moved to bookworm in June 2023, a week after the
# releases named here, whose tags were built on both (read in docker-library/python).
PYTHON_LAST_ON_BULLSEYE: dict[tuple[int, int], int] = {
    (3, 11): 4, (3, 10): 12, (3, 9): 17, (3, 8): 17, (3, 7): 17}
# Series older than this stopped being built before the move: every tag of them, pinned
# to a patch version or not, is buster or older.
PYTHON_OLDEST_REBUILT = (3, 6)
_PYTHON_MOVED = "the official python images moved to bullseye in August 2021"
_PYTHON_MOVED_AGAIN = "the official python images moved to bookworm in June 2023"
_VERSION = lazy_compile(r"(\d+)(?:\.(\d+)(?:\.(\d+)(?:(?:a|b|rc)\d+)?)?)?")


@dataclass(frozen=True)
class Release:
    suite: str              # the codename; with `or_older`, the newest it can be
    or_older: bool = False
    because: str = ""       # how fixer knows, when the tag does not name the release

    @property
    def archived(self) -> bool:
        return self.suite in ARCHIVED

    @property
    def support_ended(self) -> str | None:
        """When the release's long-term support ended, where its archive is not gone yet."""
        return SUPPORT_ENDED.get(self.suite)

    def __str__(self) -> str:
        older = " or older" if self.or_older else ""
        return f"Debian {self.suite}{older}" + (f" ({self.because})" if self.because else "")


def release(name: str, tag: str) -> Release | None:
    """The release of a Debian-based image `name:tag` (registry prefix and digest already
    removed); None when its reference does not tell, or names a current python image."""
    words = tag.split("-")
    named = next((w for w in words if w in SUITES), None)
    if named is not None:
        return Release(named)
    if name == "debian":
        number = words[0].split(".")[0]
        return next((Release(s) for s, n in SUITES.items() if str(n) == number), None)
    return _python_release(words[0]) if name == "python" else None


def _python_release(version: str) -> Release | None:
    match = _VERSION.fullmatch(version)
    if match is None:
        return None   # `latest`, `slim`, `rc`: a current image
    major, minor, patch = (int(g) if g is not None else -1 for g in match.groups())
    if (major, minor if minor >= 0 else 99) < PYTHON_OLDEST_REBUILT:
        return Release("buster", True, f"python {version} images stopped being built before "
                                       f"{_PYTHON_MOVED}")
    if patch < 0:
        return None   # unpinned: rebuilt on the current default
    for suite, lasts, moved in (("buster", PYTHON_LAST_ON_BUSTER, _PYTHON_MOVED),
                                ("bullseye", PYTHON_LAST_ON_BULLSEYE, _PYTHON_MOVED_AGAIN)):
        last = lasts.get((major, minor), -1)
        if patch <= last:
            return Release(suite, suite == "buster",
                           f"{moved}, after python {major}.{minor}.{last}")
    return None   # released after the last move
