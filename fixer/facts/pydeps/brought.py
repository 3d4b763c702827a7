"""Packages a requirement is known to bring with it: its own dependencies, as the wheel
metadata (`Requires-Dist`) of the releases it names declares them. Only for the packages a
service needs to start (the server, the FastAPI CLI); a requirement not listed here
brings nothing as far as fixer knows, except what a framework or an extension built on
FastAPI may bring (`may_bring`), where fixer does not judge.
"""

from __future__ import annotations

from dataclasses import dataclass

from fixer.facts.pydeps.versions import Release, unbounded_above, within

_SERVER_AND_CLI = frozenset({"uvicorn", "fastapi-cli"})


@dataclass(frozen=True)
class _Brings:
    project: str                               # normalized
    extra: str | None                          # brought with this extra; None: by any install
    releases: tuple[Release, Release] | None   # only by releases in [first, end); None: all
    names: frozenset[str]
    # an install with no upper bound gets the newest release, which brings them
    newest: bool = False


_KNOWN = (
    # `fastapi[standard]` (0.112.0 on) and `fastapi[all]` require fastapi-cli[standard]
    # and uvicorn[standard]
    _Brings("fastapi", "standard", None, _SERVER_AND_CLI),
    _Brings("fastapi", "all", None, _SERVER_AND_CLI),
    # `standard-no-fastapi-cloud-cli` (0.116 on) is `standard` without fastapi-cloud-cli
    _Brings("fastapi", "standard-no-fastapi-cloud-cli", None, _SERVER_AND_CLI),
    # fastapi 0.111.0 and 0.111.1 require `fastapi-cli>=0.0.2` and `uvicorn[standard]`
    # without an extra; 0.110.3 requires neither, and 0.112.0 moved both to `standard`
    _Brings("fastapi", None, ((0, 111), (0, 112)), _SERVER_AND_CLI),
    # fastapi-cli requires uvicorn[standard] without an extra from 0.0.5 on (0.0.34 too),
    # and in 0.0.2 and 0.0.3; 0.0.4 only with `standard`, which brings it from 0.0.2 on
    _Brings("fastapi-cli", "standard", ((0, 0, 2), (1,)), frozenset({"uvicorn"}), newest=True),
    _Brings("fastapi-cli", None, ((0, 0, 5), (1,)), frozenset({"uvicorn"}), newest=True),
    # uvicorn-worker (gunicorn's `uvicorn_worker.UvicornWorker`) requires gunicorn and
    # uvicorn from 0.2.0 on; 0.1.0 declared no dependencies
    _Brings("uvicorn-worker", None, ((0, 2), (1,)), frozenset({"gunicorn", "uvicorn"}),
            newest=True),
    # fastapi-slim is FastAPI without the standard extras: it installs the `fastapi` package
    _Brings("fastapi-slim", None, None, frozenset({"fastapi"})),
    # gradio serves its apps with FastAPI and uvicorn: both are dependencies from 3.0 on
    _Brings("gradio", None, ((3,), (100,)), frozenset({"fastapi", "uvicorn"}), newest=True),
    # NiceGUI is built on FastAPI and serves with uvicorn[standard] from 1.0 on (0.x ran on
    # JustPy, without fastapi)
    _Brings("nicegui", None, ((1,), (100,)), frozenset({"fastapi", "uvicorn"}), newest=True),
    # `sentry-sdk[fastapi]` requires fastapi
    _Brings("sentry-sdk", "fastapi", None, frozenset({"fastapi"})),
)

# _KNOWN by project: most requirements are of none of them, and every requirement of every
# image asks
_KNOWN_BY_PROJECT: dict[str, tuple[_Brings, ...]] = {
    project: tuple(k for k in _KNOWN if k.project == project) for project in
    dict.fromkeys(k.project for k in _KNOWN)}

# Frameworks built on FastAPI whose dependencies fixer does not know release by release
# (nicegui before 1.0 ran on JustPy, which brings uvicorn): they may bring fastapi and a
# server. So may a `fastapi-*` extension (fastapi-users, fastapi-pagination) bring
# fastapi, unless it is one of those known above.
_BUILT_ON_FASTAPI = frozenset({"reflex", "chainlit", "nicegui"})
_FRAMEWORK_MAY_BRING = frozenset({"fastapi", "uvicorn", "gunicorn"})
_EXTENSION_PREFIX = "fastapi-"


def brought_by(project: str, extras: frozenset[str], specifier: str) -> frozenset[str]:
    """What installing `project[extras]` with a version `specifier` (PEP 440) surely
    brings: a fact tied to some releases holds only when the specifier admits no other."""
    found: set[str] = set()
    for known in _KNOWN_BY_PROJECT.get(project, ()):
        if known.extra is not None and known.extra not in extras:
            continue
        if known.releases is None or within(specifier, *known.releases) or (
                known.newest and _newest(specifier)):
            found |= known.names
    return frozenset(found)


def _newest(specifier: str) -> bool:
    """pip installs the newest release the specifier admits: with no upper bound (none at
    all, or `>=0.0.3`), that is the newest release published."""
    return unbounded_above(specifier)


def may_bring(project: str, extras: frozenset[str] = frozenset(),
              specifier: str = "") -> frozenset[str]:
    """What installing the normalized `project` may bring, though fixer does not know that
    it does: a requirement whose dependencies fixer does not know is no evidence either way,
    so a rule does not judge what it may bring. Nor is one whose version a build variable
    gives (`fastapi==$FASTAPI_VERSION`): the release may be one that brings them."""
    if project in _BUILT_ON_FASTAPI:
        return _FRAMEWORK_MAY_BRING
    if project.startswith(_EXTENSION_PREFIX) and project not in _KNOWN_BY_PROJECT:
        return frozenset({"fastapi"})
    if "$" in specifier:
        return frozenset(name for known in _KNOWN_BY_PROJECT.get(project, ())
                         if known.extra is None or known.extra in extras
                         for name in known.names)
    return frozenset()
