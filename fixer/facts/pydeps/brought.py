"""Packages a requirement is known to bring with it: its own dependencies, as the wheel
metadata (`Requires-Dist`) of the releases it names declares them. Only for the packages a
service needs to start (the server, the FastAPI CLI, FastAPI): the projects below are
known to bring them with some extras or releases, and those of `_BRINGS_NONE` to bring
none. Any other requirement, an extra fixer does not know, or a release before the ones
it knows, may bring anything (`knows_dependencies`), and a rule judges nothing then.
"""

from __future__ import annotations

from dataclasses import dataclass

from fixer.core.lazyre import lazy_compile
from fixer.facts.pydeps.versions import Release, unbounded_above, within

_SERVER_AND_CLI = frozenset({"uvicorn", "fastapi-cli"})
_FASTAPI_AND_SERVER = frozenset({"fastapi", "uvicorn"})
_LAST: Release = (10_000,)   # above every release: a range with no end


@dataclass(frozen=True)
class _Brings:
    project: str                               # normalized
    extra: str | None                          # brought with this extra; None: by any install
    releases: tuple[Release, Release] | None   # only by releases in [first, end); None: all
    names: frozenset[str]
    # an install with no upper bound gets the newest release, which brings them
    newest: bool = False
    # the releases before it fixer does not know: one of them may bring anything
    known_from: Release | None = None


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
    _Brings("gradio", None, ((3,), _LAST), _FASTAPI_AND_SERVER, newest=True, known_from=(3,)),
    # NiceGUI is built on FastAPI and serves with uvicorn[standard] from 1.0 on (0.x ran on
    # JustPy, which brings uvicorn)
    _Brings("nicegui", None, ((1,), _LAST), _FASTAPI_AND_SERVER, newest=True, known_from=(1,)),
    # `sentry-sdk[fastapi]` requires fastapi
    _Brings("sentry-sdk", "fastapi", None, frozenset({"fastapi"})),
    # fastapi-users is an extension of FastAPI: it requires fastapi (and no server with any
    # of its extras: the database adapters, oauth, redis)
    _Brings("fastapi-users", None, None, frozenset({"fastapi"})),
    # ML servers that run an OpenAI-style API on FastAPI: vLLM requires fastapi and
    # uvicorn[standard]; the `server` extra of llama-cpp-python (0.2 on) and of
    # infinity-emb, `ray[serve]` (Ray 2) and `litellm[proxy]` (1.0 on) require both
    _Brings("vllm", None, None, _FASTAPI_AND_SERVER),
    _Brings("llama-cpp-python", "server", ((0, 2), _LAST), _FASTAPI_AND_SERVER, newest=True,
            known_from=(0, 2)),
    _Brings("infinity-emb", "server", None, _FASTAPI_AND_SERVER),
    _Brings("ray", "serve", ((2,), _LAST), _FASTAPI_AND_SERVER, newest=True, known_from=(2,)),
    _Brings("litellm", "proxy", ((1,), _LAST), _FASTAPI_AND_SERVER, newest=True,
            known_from=(1,)),
)

# _KNOWN by project: most requirements are of none of them, and every requirement of every
# image asks
_KNOWN_BY_PROJECT: dict[str, tuple[_Brings, ...]] = {
    project: tuple(k for k in _KNOWN if k.project == project) for project in
    dict.fromkeys(k.project for k in _KNOWN)}

_EVERY_EXTRA = "*"
_TABLE_ENTRY = lazy_compile(r"([a-z0-9-]+)(?:\[([a-z0-9,*-]+)\])?")


def _brings_none(table: str) -> dict[str, frozenset[str]]:
    """`name[extra,...]` words -> the extras named (`*`: every extra it has)."""
    return {m[1]: frozenset((m[2] or "").split(",")) - {""} for m in _TABLE_ENTRY.finditer(table)}


# Projects whose dependencies, in every release, bring none of the packages a service needs
# to start (fastapi, fastapi-cli, uvicorn, gunicorn, hypercorn, granian, uvicorn-worker)
# beyond what `_KNOWN` says, without an extra or with the extras named. Beside these and
# `_KNOWN`, fixer knows no project's dependencies: `transformers[serving]` brings fastapi
# and uvicorn, and huggingface-hub's `testing` extra gradio.
_BRINGS_NONE = _brings_none("""
    fastapi-users[*]
    uvicorn[standard] gunicorn[*] hypercorn[*] granian[*] starlette[full] pydantic[*]
    pydantic-core pydantic-settings[*] annotated-types typing-extensions anyio[trio] sniffio
    idna certifi h11 httpcore[*] httpx[*] requests[*] urllib3[*] charset-normalizer
    aiohttp[speedups] websockets watchfiles uvloop httptools python-dotenv[cli]
    python-multipart jinja2[i18n] markupsafe pyyaml orjson ujson email-validator click
    typer rich itsdangerous aiofiles sqlalchemy[*] sqlmodel alembic[tz] psycopg2
    psycopg2-binary psycopg[binary,c,pool] psycopg-binary psycopg-pool asyncpg aiosqlite
    pymysql[*] redis[hiredis] pymongo[*] celery[*] kombu passlib[*] bcrypt pyjwt[crypto]
    python-jose[cryptography] cryptography boto3 botocore numpy pandas scipy scikit-learn
    joblib torch torchvision transformers huggingface-hub openai tiktoken pillow structlog
    loguru tenacity prometheus-client pytest six python-dateutil pytz tzdata attrs packaging
    protobuf grpcio marshmallow greenlet tqdm regex filelock fsspec safetensors tokenizers
    sentence-transformers flask[async,dotenv] django aio-pika aiokafka kafka-python debugpy
    pip setuptools wheel uv poetry poetry-core poetry-plugin-export pip-tools pdm build
    virtualenv mkdocs mkdocs-material aiosmtplib opensearch-py stripe weasyprint
""")


def knows_dependencies(project: str, extras: frozenset[str], specifier: str) -> bool:
    """Whether fixer knows what installing the normalized `project[extras]` with a version
    `specifier` brings of what a service needs: a project of its tables, with extras they
    name, in releases they cover. Else the requirement may bring anything."""
    known = _KNOWN_BY_PROJECT.get(project, ())
    if not known and project not in _BRINGS_NONE:
        return False
    plain = _BRINGS_NONE.get(project, frozenset())
    if _EVERY_EXTRA not in plain and extras - plain - {k.extra for k in known}:
        return False
    return all(k.known_from is None or within(specifier, k.known_from, _LAST) or
               _newest(specifier) for k in known if k.extra is None or k.extra in extras)


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
    """What installing the normalized `project`, of known dependencies, may bring though
    fixer does not know that it does: one whose version a build variable gives
    (`fastapi==$FASTAPI_VERSION`) may be a release that brings them."""
    if "$" in specifier:
        return frozenset(name for known in _KNOWN_BY_PROJECT.get(project, ())
                         if known.extra is None or known.extra in extras
                         for name in known.names)
    return frozenset()
