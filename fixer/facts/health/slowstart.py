"""Whether an app may take longer to start than a healthcheck waits: it loads a model, its
command sleeps, installs or downloads before it starts the server (`sleep 60 && uvicorn ...`,
`python download_model.py && uvicorn ...`), or a start-up function of the app (`lifespan`,
an `on_event("startup")` handler, one handed to the app: `startup_requests.py`) makes an
HTTP request (`client.post(".../api/pull")`),
itself or in a function it calls, directly or through further functions, by name or on a
module of the app, in any module of the import path (`await register_service()` of
`app/sd.py`: `startup_requests.py`). A request in a function only route handlers or
middleware call, or nothing calls, is none: it runs per request or never; nor is one in a
function a start-up function runs as a task of its own (`asyncio.create_task(sync())`),
which runs beside it while the app listens.

Uvicorn listens only once the app module is imported and its lifespan has started, and a
model loaded on the way (`AutoModel.from_pretrained(...)`, a `transformers` pipeline, a
`SentenceTransformer`) may first be downloaded (or a file fetched from S3 with boto3's
`s3.download_file`, or the ffmpeg binaries `static_ffmpeg.add_paths()` fetches on its first
run; not in a route's handler, which runs per request): minutes, where the
healthcheck C004 writes gives up after about 40 s (`start_period: 10s`, then three
failures 10 s apart). A service gated on it with `condition: service_healthy` then stops
`docker compose up` with "dependency failed to start", where the short form started it
and let it wait. fixer cannot tell how long a load takes, so a call that loads one in the
modules on the app's import path (at import, in its lifespan, in a function) is a reason
to doubt a gate on the app, never a finding of its own; not one in a route's handler, nor
in a function only route handlers call, directly or through functions only they call, in
any module of the import path (a lazy `get_model()`, a `download(name)` that
`@app.get("/files/{name}")` calls): that runs per request. One also called at import, in a
lifespan or a startup handler, in a factory, or named where fixer cannot tell when it runs
(handed on, imported under another name) may run at start-up. A call on something
(`store.download(name)`, `self.download`) calls a method, not the function `download` (one
on an import, `storage.download`, may call either; one on a module a plain `import` binds,
`json.load`, calls the module's function, never a method); a function's call of itself is
no caller of it; a class's `__init__` runs where the class is called (`Chunker()` in a
route's handler). Nor is a load in a function or method nothing calls a reason: no file of
the service writes its name but in its `def` or on a library module it imports (`json.load`
where the service holds no module `json`), and no decorator, dunder or library's base
class calls it. An import of a library that serves or runs models (`vllm`, `faster_whisper`,
`torch`) is a reason too: their loaders are many (`LLM(model=...)`, `WhisperModel(
"large-v3")`, `torch.load(...)`), and a call fixer does not know is no proof that the app
starts in time; not a package of the app's own import root by that name (a `vllm/`
folder holding the repository's HTTP client), which Python imports in its place. So is a
module of the import path whose own body sleeps 10 s or more or trains a model
(`importwork.py`).
"""

from __future__ import annotations

import ast
import posixpath
import re
import tomllib
from collections.abc import Callable, Iterator
from functools import partial
from typing import NamedTuple

from fixer.core import tree_index
from fixer.core.derived import Memo
from fixer.core.lazyre import lazy_compile
from fixer.core.textfile import TextFile
from fixer.facts.health.importwork import import_work
from fixer.facts.health.startup_requests import (
    IMPORTED, SLEEP_DOUBT, Caller, StartupRequest, http_request, loop_wait, startup_functions,
    startup_request)
from fixer.model import appmodule
from fixer.model.depends import HEALTHY, dependencies
from fixer.model.image_paths import entrypoint_program, in_image, workdir
from fixer.model.listen import RUNS_ARGUMENTS
from fixer.model.services import (
    BuiltService, Service, relative_bind_mounts, volume_mounts)
from fixer.model.workspace import Workspace
from fixer.sources.dockerfile import chain, entrypoint
from fixer.sources.launch import Launch
from fixer.sources.portsites import run_env
from fixer.sources.fastapi_routes import handles_a_route
from fixer.sources.python import dotted_name, parse
from fixer.sources.python_modules import Modules
from fixer.sources.shellquote import without_comment_lines

# Calls that load, and may first download, a model: by the name called (`x.from_pretrained`,
# `SentenceTransformer(...)`); `torch.hub.load`, `spacy.load` and a `transformers` pipeline by
# what they are called on or imported from.
_LOADER_NAMES = frozenset({"from_pretrained", "SentenceTransformer", "CrossEncoder",
                           "hf_hub_download", "snapshot_download", "load_model",
                           # LangChain's and LlamaIndex's embedding wrappers, KeyBERT: each
                           # downloads a sentence-transformers model when built
                           "HuggingFaceEmbeddings", "HuggingFaceEmbedding",
                           "HuggingFaceBgeEmbeddings", "HuggingFaceInstructEmbeddings",
                           "KeyBERT",
                           # a file fetched over HTTP at import (`urlretrieve(WEIGHTS_URL, ...)`)
                           "urlretrieve",
                           # not a model: debugpy waits, on the import path, for a debugger
                           # to attach, and the app listens only once one has
                           "wait_for_client"})
# boto3's S3 downloads (`s3.download_file(bucket, key, path)`, `download_fileobj`): a model
# or data file fetched from a bucket, gigabytes for a pickled model; a method of a client or
# a bucket, so only called on something
_S3_DOWNLOADS = frozenset({"download_file", "download_fileobj",
                           # `s3.get_object(Bucket=..., Key=...)["Body"].read()`: the same
                           # file read into memory (`_S3_READS`)
                           "get_object"})
# `get_object` is also what a repository's own services and ORMs call a lookup
# (`UserService.get_object(email=...)`): a read from S3 only on an `s3` client, or in a
# module that imports an S3 client library
_S3_READS = "get_object"
_S3_LIBRARIES = frozenset({"boto3", "aioboto3", "botocore", "aiobotocore", "minio"})
# `torch.hub.load`, `spacy.load`, `nltk.download("punkt")`
# `ollama.pull("llama3.1")`: the Ollama client asks its server to download a model (the
# client alone, an HTTP client, loads nothing)
_LOADER_OWNERS = {"load": frozenset({"hub", "spacy"}), "download": frozenset({"nltk"}),
                  "pull": frozenset({"ollama"})}
# Calls that download files on their first run, by what they are called on:
# `static_ffmpeg.add_paths()` fetches the ffmpeg binaries, blocking until they are in
_DOWNLOAD_OWNERS = {"add_paths": frozenset({"static_ffmpeg"})}
# ... and `client.pull(model)` on the module's own `ollama.Client`/`AsyncClient`, the form
# Ollama's README shows: a `.pull()` in a module that imports ollama
_CLIENT_PULLS = "ollama"
_PIPELINE_SOURCE = "transformers"
# Libraries that load models to serve or run them, by top-level package: an app importing one
# may load a model through a call not listed above.
_MODEL_LIBRARIES = frozenset({
    "vllm", "sglang", "llama_cpp", "exllamav2", "ctranslate2", "faster_whisper", "whisper",
    "whisperx", "torch", "tensorflow", "keras", "jax", "mlx", "onnxruntime", "diffusers",
    "ultralytics", "TTS", "kokoro", "nemo", "paddleocr", "easyocr", "open_clip", "timm",
    "fastembed", "FlagEmbedding", "gensim", "sentence_transformers", "transformers",
    "keybert", "langchain_huggingface", "torchvision", "torchaudio", "stanza", "flair",
    # wrappers that fetch and load their own weights (`Separator('spleeter:2stems')`, a
    # deepface or insightface model, rembg's `new_session()`)
    "spleeter", "deepface", "insightface", "rembg"})
# Functions that download the data files they open, where the image lacks them, by the
# module they are imported from: skyfield's `load("de421.bsp")` fetches a 17 MB ephemeris.
_FETCHERS = {"skyfield.api": frozenset({"load"})}
# Every name above appears in the text of a module that calls or imports it: most modules are
# skipped without a walk of their tree.
_WORDS = (*_LOADER_NAMES, *_S3_DOWNLOADS, "hub.load", "spacy.load", "nltk.download",
          *(f"{owner}.{name}" for name, owners in _DOWNLOAD_OWNERS.items() for owner in owners),
          _CLIENT_PULLS, "pipeline", *_MODEL_LIBRARIES, *_FETCHERS, "lifespan", "startup")


# how `ModelLoad.call` marks a `_FETCHERS` call (`fetch:load`), and a `download_file` on
# something no S3 client shows for (`telegram.download_file`: a file, from anywhere)
_FETCHED = "fetch:"
_DOWNLOADED = "download:"


class ModelLoad(NamedTuple):
    path: str
    line: int
    call: str       # as written: `AutoModel.from_pretrained`, `pipeline`; or the library
    imported: bool = False   # `call` is a library the module imports, not a call
    within: str = ""         # the function the call is in ("" at the module's top level)
    network: bool = False    # an HTTP call of the app's start-up (`lifespan`), not a load
    # for a `sleep` in a loop of the start-up: the loop retries what it tries (`LoopWait`)
    retry: bool = False
    # `path:line` of a call of `within` that runs when a module of the import path is
    # imported (`model = get_segmentator()` at its top level): "" when fixer sees none
    runs_at: str = ""
    # for an HTTP call in a function a start-up function calls: the functions calling
    # `within`, its own caller first and the start-up function last
    callers: tuple[Caller, ...] = ()


def _when(load: ModelLoad) -> str:
    """When the call runs: at import, or in the function it is in, which runs at import
    where a module's top level calls it; else fixer cannot tell (at start-up or per
    request)."""
    if not load.within:
        return "at import"
    if load.runs_at:
        return f"in `{load.within}()`, which runs at import ({load.runs_at})"
    return f"in `{load.within}()`, which may run at start-up"


def _at_startup(load: ModelLoad) -> str:
    """How the function the HTTP call is in runs at start-up: it is a start-up function
    (" at start-up"), or the chain of calls from one, its nearest caller first (", which
    `initial_sync()` calls (path:line), which `lifespan()` calls at start-up (path:line)")."""
    if not load.callers:
        return " at start-up"
    *between, first = load.callers
    last = f", which the top level of {first.at.rsplit(':', 1)[0]} calls at import " \
        f"({first.at})" if first.name == IMPORTED else \
        f", which `{first.name}()` calls at start-up ({first.at})"
    return "".join(f", which `{caller.name}()` calls ({caller.at})" for caller in between) + \
        last


def described(load: ModelLoad) -> str:
    """`api/app/main.py:4 loads a model (`pipeline`), which may be downloaded first`."""
    if load.network:
        does = f"sleeps in a loop (`{load.call}`)" if _a_wait(load.call) else \
            f"calls `{load.call}`"
        where = f" in `{load.within}()`{_at_startup(load)}" if load.within else " at import"
        return (f"{load.path}:{load.line} {does}{where}, and fixer cannot tell how long it "
                "takes (a model pulled, a service awaited)")
    if load.call.endswith("wait_for_client"):
        # most often under an `if` on the environment (a debugging run), which fixer does
        # not evaluate: "may"
        return (f"{load.path}:{load.line} may wait for a debugger to attach (`{load.call}`) "
                "before the app listens")
    if load.call.startswith(_FETCHED):
        return (f"{load.path}:{load.line} downloads the data file it opens where the image "
                f"lacks it (`{load.call.removeprefix(_FETCHED)}`) {_when(load)}, and fixer "
                "cannot tell how long it takes")
    if load.call.startswith(_DOWNLOADED):
        return (f"{load.path}:{load.line} downloads a file "
                f"(`{load.call.removeprefix(_DOWNLOADED)}`) {_when(load)}, and fixer cannot "
                "tell how long it takes")
    if load.call.rsplit(".", 1)[-1] in _S3_DOWNLOADS:
        return (f"{load.path}:{load.line} downloads a file from S3 (`{load.call}`) "
                f"{_when(load)}, and fixer cannot tell how long it takes")
    what = f"imports {load.call}, a library that loads models" if load.imported else \
        f"loads a model (`{load.call}`)"
    if not load.imported and load.call.rsplit(".", 2)[-2:] == ["spacy", "load"]:
        # spaCy loads a package the image installed, never a download: only its time counts
        return (f"{load.path}:{load.line} {what} {_when(load)}, and fixer cannot tell how "
                "long loading it takes")
    if load.within:
        return (f"{load.path}:{load.line} {what} {_when(load)}, and the model may be "
                "downloaded first")
    return f"{load.path}:{load.line} {what}, which may be downloaded first"


# `sleep 60 && uvicorn ...`: seconds the command waits before its server starts; from 10 s
# on, a quarter of the about 40 s a healthcheck fixer writes waits, the start is in doubt
# `sleep 60`, `sleep 1m`, `sleep ${STARTUP_DELAY:-30}` (its default)
_SLEEP = lazy_compile(r"(?<![\w-])sleep\s+(?:\$\{\w+:?-)?[\"']?(\d+(?:\.\d+)?)(s|m)?\b")


# installs and downloads a command runs before its server: minutes on a first start; so
# may a test suite it runs first (`pytest -v`, `python -m pytest`, `tox`)
_INSTALLS = lazy_compile(r"(?<![\w-])(?:pip3?\s+install|uv\s+(?:sync|pip\s+install)|poetry\s+"
                         r"install|(?:python[\d.]*\s+-m\s+)?pytest\b|tox\b|nox\b|"
                         r"coverage\s+run\b|pipenv\s+install|apt-get\s+install|apk\s+add|npm\s+"
                         r"(?:install|ci)|spacy\s+download|huggingface-cli\s+download|"
                         r"ollama\s+pull|dvc\s+pull|git\s+lfs\s+pull|gsutil\s+(?:-m\s+)?cp|"
                         r"aws\s+s3\s+(?:cp|sync)|wget\s|curl\s[^\n&;|]*\s-[oO]\b|"
                         # a script of the repository that fetches, prepares or loads data
                         # first (`python load_taxi_data.py`, `python -m app.seed`)
                         r"python[\d.]*\s+(?:-m\s+)?[\w./-]*(?:download|fetch|pull|prefetch|"
                         r"warm|prepare|load|seed|ingest|populate|import)[\w./-]*)")


def slow_start(ws: Workspace, service: Service, ready: bool | None = None) -> str | None:
    """Why the app may not listen before a healthcheck gives up: its command sleeps or
    installs packages first, or it loads a model (`model_load`). None when fixer sees
    none of them. `ready`: whether what the service depends on is healthy before it starts,
    where not as its `depends_on` says (True: once other fixes gate every entry)."""
    waited = command_sleep(ws, service)
    if waited is not None:
        return f"its command sleeps {waited:g} s before the server starts"
    looped = command_loop(ws, service)
    if looped is not None:
        return (f"its command waits in a loop before the server starts (`{looped}` each "
                "turn), for as long as what it waits for takes")
    installs = command_installs(ws, service)
    if installs in _LOADER_NAMES:
        return f"its command loads a model (`{installs}`) before the server starts"
    if installs is not None:
        return f"its command runs `{installs}` before the server starts"
    installs = entrypoint_installs(ws, service)
    if installs in _LOADER_NAMES:
        return f"its ENTRYPOINT script loads a model (`{installs}`) before the server starts"
    if installs is not None:
        return f"its ENTRYPOINT script runs `{installs}` before the server starts"
    synced = uv_run_sync(ws, service)
    if synced is not None:
        return synced
    step = _slow_step(ws, service)
    if step is not None:
        what = f"loads a model (`{step[1]}`)" if step[1] in _LOADER_NAMES else f"runs `{step[1]}`"
        return f"its command runs {step[0]} before the server starts, which {what}"
    work = _import_work(ws, service)
    if work is not None:
        return work
    load = model_load(ws, service, ready)
    return described(load) if load is not None else None


def _import_work(ws: Workspace, service: Service) -> str | None:
    """`api/app/main.py:5 sleeps 90 s at import (`time.sleep`)`: the first module on the
    app's import path whose own body holds the server back (`importwork`)."""
    module = appmodule.find(ws, service)
    for path in appmodule.import_path(ws, module) if module is not None else []:
        file = ws.read(path)
        found = import_work(file) if file is not None else None
        if found is not None:
            return f"{path}:{found[0]} {found[1]}"
    return None


# `uv run` with what keeps it from syncing the environment first, or from adding the dev group
_UV_RUN = lazy_compile(r"(?<![\w-])uv\s+run\b(?P<options>(?:\s+-[-\w]+(?:[= ][\w.,-]+)?)*)")
_UV_RUN_KEEPS = ("--no-sync", "--no-dev", "--no-default-groups", "--only-group")
_UV_SYNC_NO_DEV = lazy_compile(r"(?<![\w-])uv\s+sync\b[^\n&;|]*?\s--(?:no-dev|"
                               r"no-default-groups|only-group)\b")
_UV_ENV_KEEPS = ("UV_NO_SYNC", "UV_NO_DEV", "UV_NO_DEFAULT_GROUPS")
# what sets a list's words apart: JSON's brackets, quotes and commas, YAML's `- ` items
_LIST_PUNCTUATION = lazy_compile(r"""[\[\]"',]|\n\s*-\s""")


def uv_run_sync(ws: Workspace, service: Service) -> str | None:
    """Why `uv run` in the command (or its ENTRYPOINT script) installs packages before the
    server starts: it syncs the project's environment first, with the `dev` dependency
    group, which the image's `uv sync --no-dev` left out; or the whole environment, which a
    bind mount hides (`uv_run_hidden_environment`). None where it cannot (`--no-sync`,
    `--no-dev`, `UV_NO_SYNC` or `UV_NO_DEV` set) or the project declares no dev group."""
    found = _uv_runs(ws, service)
    if found is None:
        return None   # the common case, asked of every app service: nothing more to read
    options, built, kept = found
    hidden = _hidden_environment(ws, service, options, built, kept)
    if hidden is not None:
        return hidden
    if not any(not any(keep in o for keep in _UV_RUN_KEEPS) for o in options) or \
            not _UV_SYNC_NO_DEV.search(built) or kept & set(_UV_ENV_KEEPS) or \
            service.app is None or not _dev_group(ws, service.app.folder):
        return None
    return ("its command runs `uv run`, which first installs the `dev` dependency group "
            "the image's `uv sync` left out, before the server starts")


def _uv_runs(ws: Workspace, service: Service) -> tuple[list[str], str, set[str]] | None:
    """The options of each `uv run` of the command (or its ENTRYPOINT script), the RUN
    instructions of the image's stages, and the environment variables the image or the
    service set; None where the command runs no `uv run`."""
    app = service.app
    region = app.listen.region if app is not None else None
    file = ws.read(region.path) if region is not None else None
    if app is None or region is None or file is None:
        return None
    # an exec form's or a YAML list's words read as a shell line: `["uv", "run", ...]`
    words = _LIST_PUNCTUATION.sub(" ", region.run_text(file.text))
    texts = (words, entrypoint_prefix(ws, service))
    options = [m.group("options") for text in texts for m in _UV_RUN.finditer(text)]
    if not options:
        return None
    dockerfile = app.dockerfile.file.text
    built = "\n".join(dockerfile[i.start:i.end] for stage in chain(app.dockerfile, app.stage)
                      for i in stage.find("RUN"))
    kept = set(run_env(app.dockerfile, app.stage).values) | set(service.environment(ws.tree))
    return options, built, kept


# what makes `uv run` use an environment other than the project's `.venv`, sync none, or
# find the project elsewhere
_OTHER_ENVIRONMENT = ("--no-sync", "--active", "--no-project", "--project", "--directory",
                      "--isolated", "--script")
_OTHER_ENVIRONMENT_VARIABLES = ("UV_NO_SYNC", "UV_PROJECT_ENVIRONMENT", "UV_PROJECT")
_UV_SYNC = lazy_compile(r"(?<![\w-])uv\s+sync\b")


def _hidden_environment(ws: Workspace, service: Service, options: list[str], built: str,
                        kept: set[str]) -> str | None:
    """Why `uv run` builds the project's whole environment before the server starts: a
    bind mount of a repository folder holding the project (its `pyproject.toml`) over the
    container's working folder (`./src/api:/app`) hides the `.venv` the image's `uv sync`
    built there, and no volume keeps it (`- /app/.venv`)."""
    if not isinstance(service, BuiltService) or not _UV_SYNC.search(built) or \
            kept & set(_OTHER_ENVIRONMENT_VARIABLES) or \
            all(any(other in o for other in _OTHER_ENVIRONMENT) for o in options):
        return None
    folder = workdir(service)
    environment = posixpath.join(folder, ".venv")
    if any(target == environment for _volume, target in volume_mounts(service)):
        return None
    for written, source, target in relative_bind_mounts(service):
        if folder != target and not folder.startswith(target.rstrip("/") + "/"):
            continue
        project = posixpath.normpath(posixpath.join(source, posixpath.relpath(folder, target)))
        if ws.tree.exists(posixpath.join(project, "pyproject.toml")) and \
                not ws.tree.exists(posixpath.join(project, ".venv")):
            return (f"its command runs `uv run`, and the bind mount `{written}:{target}` "
                    f"hides the environment the image's `uv sync` built in {environment}: uv "
                    "installs the project's dependencies before the server starts")
    return None


def _dev_group(ws: Workspace, folder: str) -> bool:
    """The project of the build context declares a `dev` dependency group (`[dependency-
    groups] dev`, or uv's older `[tool.uv] dev-dependencies`)."""
    file = ws.scan(posixpath.join(folder, "pyproject.toml"))
    if file is None:
        return False
    try:
        data = tomllib.loads(file.text)
    except tomllib.TOMLDecodeError:
        return False
    groups = data.get("dependency-groups")
    tool = data.get("tool")
    uv = tool.get("uv") if isinstance(tool, dict) else None
    return (isinstance(groups, dict) and bool(groups.get("dev"))) or \
        (isinstance(uv, dict) and bool(uv.get("dev-dependencies")))


# a step of the command that runs a file of the repository: `python -m app.setup_models`,
# `python scripts/prepare.py`, `sh prestart.sh`, `./prestart.sh`
_STEP = lazy_compile(r"(?<![\w./-])(?:python[\d.]*\s+(?:-u\s+)?-m\s+([\w.]+)|"
                     r"python[\d.]*\s+(?:-u\s+)?([\w./-]+\.py)|(?:sh|bash)\s+([\w./-]+)|"
                     r"(\./[\w./-]+))")


def _slow_step(ws: Workspace, service: Service) -> tuple[str, str] | None:
    """(file, what) for a file of the build context the command runs before its server
    that installs, downloads or loads a model (`python -m app.setup_models` calling
    `snapshot_download`, a `prestart.sh` running `huggingface-cli download`)."""
    app = service.app
    region = app.listen.region if app is not None else None
    file = ws.read(region.path) if region is not None else None
    if app is None or region is None or file is None:
        return None
    for match in _STEP.finditer(region.run_text(file.text)):
        module, script, shell, local = match.groups()
        written = module.replace(".", "/") + ".py" if module else script or shell or local
        path = _in_context(ws, app.folder, written.removeprefix("./"))
        step = ws.read(path) if path is not None else None
        found = _INSTALLS.search(step.text) or _SCRIPT_LOAD.search(step.text) \
            if step is not None else None
        if found is not None and path is not None:
            return path, found.group(0)
    return None


def _in_context(ws: Workspace, folder: str, written: str) -> str | None:
    """The file of the build context a command names relative to its working directory
    (`app/setup_models.py` is `api/app/setup_models.py` or `api/src/app/setup_models.py`)."""
    tail = "/" + written.lstrip("/")
    found = [p for p in tree_index.files_under(ws.tree, folder) if ("/" + p).endswith(tail)]
    return min(found, key=len) if found else None


def command_sleep(ws: Workspace, service: Service) -> float | None:
    """The seconds the command that starts the server sleeps first (`sh -c "sleep 60 &&
    uvicorn ..."`, a compose `command:` or the image's CMD), when 10 or more."""
    app = service.app
    region = app.listen.region if app is not None else None
    file = ws.read(region.path) if region is not None else None
    if region is None or file is None:
        return None
    waited = _slept(region.run_text(file.text)) + _entrypoint_sleep(ws, service)
    return waited if waited >= SLEEP_DOUBT else None


def command_loop(ws: Workspace, service: Service) -> str | None:
    """The `sleep` of a loop the command (or its ENTRYPOINT script) runs before the server
    (`while ! nc -z db 5432; do sleep 10; done`), when one turn sleeps 10 s or more: it
    waits as long as what it waits for, no fixed time, and `command_sleep` does not count
    it. A loop of short turns is a readiness wait like any other."""
    app = service.app
    region = app.listen.region if app is not None else None
    file = ws.read(region.path) if region is not None else None
    if region is None or file is None:
        return None
    for text in (region.run_text(file.text), entrypoint_prefix(ws, service)):
        for loop in _LOOP.finditer(text):
            found = _SLEEP.search(loop.group(0))
            if found is not None and _slept(found.group(0)) >= SLEEP_DOUBT:
                return found.group(0)
    return None


def command_installs(ws: Workspace, service: Service) -> str | None:
    """The install the command that starts the server runs first (`pip install -r
    requirements.txt && uvicorn ...`), or a model it loads first (`python -c "...
    snapshot_download(...)" && uvicorn ...`)."""
    app = service.app
    region = app.listen.region if app is not None else None
    file = ws.read(region.path) if region is not None else None
    if app is None or region is None or file is None:
        return None
    text = region.run_text(file.text)
    stop = _server_at(text, 0, len(text), app.listen.launch)
    found = _INSTALLS.search(text, 0, stop) or _SCRIPT_LOAD.search(text, 0, stop)
    return found.group(0) if found is not None else None


def _server_at(text: str, start: int, end: int, launch: Launch | None) -> int:
    """Where the command starts its server: what it runs after (`uvicorn ... && pytest`)
    runs once the server has stopped, no part of its start."""
    for word in (launch.target, launch.server) if launch is not None else ():
        at = text.find(word, start, end) if word else -1
        if at >= 0:
            return at
    return end


def entrypoint_installs(ws: Workspace, service: Service) -> str | None:
    """What the image's ENTRYPOINT script installs or downloads before it runs the command
    it is given (`pip install -r extra.txt`, `huggingface-cli download`), or a model it
    loads there (`python -c "...from_pretrained(...)"`)."""
    script = entrypoint_prefix(ws, service)
    found = _INSTALLS.search(script) or _SCRIPT_LOAD.search(script)
    return found.group(0) if found is not None else None


# a model load a start script runs (`python -c "...from_pretrained(...)"`)
_SCRIPT_LOAD = lazy_compile(r"\b(?:%s)\b" % "|".join(sorted(_LOADER_NAMES)))


def _slept(text: str) -> float:
    """The seconds the text sleeps outside loops (a loop's sleep is `command_loop`'s) and
    outside comment lines (`#sleep 60`, left from debugging, sleeps nothing)."""
    outside = _LOOP.sub("", without_comment_lines(text))
    return sum(float(n) * (60 if unit == "m" else 1) for n, unit in _SLEEP.findall(outside))


# a shell loop, from its `while`/`until` to its `done`
_LOOP = lazy_compile(r"(?<![\w-])(?:while|until)\b.*?(?<![\w-])done\b", re.S)


def _entrypoint_sleep(ws: Workspace, service: Service) -> float:
    """The seconds the image's ENTRYPOINT script sleeps before it runs the command it is
    given (`sleep 60; alembic upgrade head; exec "$@"`)."""
    return _slept(entrypoint_prefix(ws, service))


def entrypoint_prefix(ws: Workspace, service: Service) -> str:
    """What the image's ENTRYPOINT script runs before the command it is given (all of it
    when it runs none), where compose does not replace the ENTRYPOINT; "" when there is no
    script fixer can read."""
    app = service.app
    if app is None or service.get("entrypoint") is not None:
        return ""
    found = entrypoint(app.dockerfile, app.stage)
    program = entrypoint_program(found) if found is not None else None
    path = in_image(ws.tree, app.folder, app.dockerfile, app.stage, program) \
        if program else None
    script = ws.read(path) if path is not None else None
    region = app.listen.region
    if script is None or region is not None and region.path == path:
        return ""   # the server starts in that script: its region is read already
    runs = RUNS_ARGUMENTS.search(script.text)
    return script.text[:runs.start()] if runs else script.text


# (line, call, imported, within, network, retry) of the loads in a module's text, first first,
# each
# with the key (`_key`) of the function it is in that may run only on request, which
# `model_load` follows to its callers ("" at the top level, in a start-up function, for an
# import): kept with the text
Load = tuple[tuple[int, str, bool, str, bool, bool], str]
_LOADS: Memo[list[Load]] = Memo("model loads")


def model_load(ws: Workspace, service: Service, ready: bool | None = None) -> ModelLoad | None:
    """The first call that loads a model in the modules on the app's import path. Not one in
    a route's handler, nor in a function that runs only on request (a lazy `get_model()`
    the first `POST /predict` runs, `runs_on_request`): never before the app listens; nor in
    one nothing calls (`_never_runs`). Else the first HTTP request of a function that a
    start-up function calls (`startup_requests`)."""
    module = appmodule.find(ws, service)
    if module is None:
        return None
    paths = appmodule.import_path(ws, module)
    known: dict[str, bool] = {}
    launch = service.app.listen.launch if service.app is not None else None
    # a server imports the app's modules: none runs its `if __name__ == "__main__":` block
    imported = launch is not None and launch.server is not None and not launch.runs_script
    waits = not (_ready_first(service) if ready is None else ready)
    modules = Modules(ws.read, module.root, module.python_path)
    for path in paths:
        file = ws.read(path)
        for found, helper in file.derived.get(_LOADS, lambda: _loads(file)) if file else []:
            if not waits and found[5]:   # a retry that connects at once: no doubt
                continue
            if found[2] and _own_package(ws, modules, found[1]):
                continue
            def never(key: str) -> bool:
                return _never_runs(ws, service, paths, key)
            if not helper or not (runs_on_request(ws, paths, helper, known, never, imported)
                                  or never(helper)):
                load = ModelLoad(path, *found)
                return load._replace(runs_at=_called_at_import(ws, paths, load))
    request = startup_request(Modules(ws.read, module.root, module.python_path), paths, waits)
    return _from_request(request) if request is not None else None


def _own_package(ws: Workspace, modules: Modules, name: str) -> bool:
    """The import root holds a module or package of the library's name (a `vllm/` folder of
    the repository's own HTTP client): the app imports that one, which loads no model."""
    return modules.path_of(name) is not None or \
        bool(tree_index.files_under(ws.tree, posixpath.join(modules.root, name)))


def _a_wait(call: str) -> bool:
    """The call a start-up's loop waits with (`asyncio.sleep`), not a request or a load."""
    return call.rsplit(".", 1)[-1] == "sleep"


def unready(service: Service) -> list[str]:
    """The services the service depends on without waiting until they are healthy (or have
    completed): a gate on each makes its start-up's retries end at once."""
    return [entry.name for entry in dependencies(service) if entry.condition not in _READY]


def _ready_first(service: Service) -> bool:
    """Whether Compose starts the service only once every service it depends on is healthy
    (or has completed): a loop of its start-up that retries a connection to one of them
    then ends at once. One with no `depends_on` may wait for anything."""
    entries = dependencies(service)
    return bool(entries) and all(entry.condition in _READY for entry in entries)


_READY = frozenset({HEALTHY, "service_completed_successfully"})


def _from_request(request: StartupRequest) -> ModelLoad:
    return ModelLoad(request.path, request.line, request.call, within=request.within,
                     network=True, callers=request.callers)


def _key(name: str, method: bool) -> str:
    """How a function is filed: `download`, and `.download` for a method of a class. Methods
    are called on something (`store.download(name)`, `self.download`), functions by name or
    on their module (`storage.download`); fixer does not tell apart the classes a method of
    one name belongs to, so their callers are counted for each."""
    return f".{name}" if method else name


class _Place(NamedTuple):
    """Where a module names a function (`download(name)`, `storage.download`)."""

    within: str         # the key of the function whose body holds it; "" at the top level
    # in a route handler's body, or a function defined in one; or handed to a task queue
    # (`process.delay(job_id)`), whose worker runs it: never in the app's start-up
    on_request: bool
    called: bool        # called there, not handed on (`Depends(download)`, `x = download`)
    # in the module's `if __name__ == "__main__":` block: it runs only where the module runs
    # as a script, never where a server imports it
    script_only: bool = False


def runs_on_request(ws: Workspace, paths: list[str], key: str,
                    known: dict[str, bool] | None = None,
                    never: Callable[[str], bool] | None = None,
                    imported: bool = False) -> bool:
    """Whether the function (`_key`) runs only when a request comes: each place a module of
    the import path names it, but its own body, is in a route handler, or a call in a
    function that runs only on request itself, or in one nothing calls (`never`: a
    `@property` no code reads). A function named nowhere (a startup handler its decorator
    registers, an app factory uvicorn calls) or in a cycle of calls may run at start-up.
    `imported`: a server imports every module of the import path, none runs as a script:
    a place in an `if __name__ == "__main__":` block never runs (one named there alone runs
    never). `known`: the answers so far, shared by the questions of one import path."""
    known = {} if known is None else known
    if key not in known:
        known[key] = False   # while its callers are followed: a cycle proves nothing
        # a call of itself runs only once something else has called it
        named = [place for path in paths for place in _places(ws, path, key)
                 if place.within != key]
        places = [place for place in named if not (imported and place.script_only)]
        if named and not places:
            known[key] = True   # named in a script's own block alone: not on import
            return True
        known[key] = bool(places) and all(
            place.on_request or (place.called and bool(place.within) and (
                runs_on_request(ws, paths, place.within, known, never, imported)
                or (never is not None and never(place.within))))
            for place in places)
    return known[key]


class _Names(NamedTuple):
    """What a module's code says of the functions it names and defines, by `_key`."""

    places: dict[str, list[_Place]]
    # those that may run where no code names them (`_called_unnamed`)
    unnamed: set[str]
    # each method's classes, and each class's bases (the last part of their dotted names)
    owners: dict[str, list[str]]
    bases: dict[str, list[tuple[str, ...]]]


# per file: what its code says of the functions it names and defines; None where it does
# not parse
_NAMES: Memo[_Names | None] = Memo("functions named and defined, with where")


def _read_names(ws: Workspace, path: str, name: str) -> tuple[bool, _Names | None]:
    """Whether the module's text holds the name, and what its code says of it."""
    file = ws.read(path)
    if file is None or not re.search(rf"\b{re.escape(name)}\b", file.text):
        return False, None
    return True, file.derived.get(_NAMES, lambda: _names_in(parse(file)))


def _places(ws: Workspace, path: str, key: str) -> list[_Place]:
    """The places the module names the function; one fixer cannot place (not on request,
    not called) when the module names it but does not parse."""
    holds, names = _read_names(ws, path, key.lstrip("."))
    if not holds:
        return []
    return names.places.get(key, []) if names is not None else [_Place("", False, False)]


def _names_in(tree: ast.Module | None) -> _Names | None:
    """The functions the module names, each with where, and those it defines: a function's
    decorators, defaults and annotations run where it is defined, its body where it is
    called."""
    if tree is None:
        return None
    imported, modules = _imported(tree), _modules_imported(tree)
    found = _Names({}, set(), {}, {})
    # each node with its place, and the class whose body holds it directly ("" if none)
    todo: list[tuple[ast.AST, _Place, str]] = [(tree, _Place("", False, False), "")]
    top = {id(stmt) for stmt in tree.body}   # where an `if __name__ == "__main__":` may be
    while todo:
        node, place, owner = todo.pop()
        for key in _keys_read(node, imported, modules):
            found.places.setdefault(key, []).append(place)
        outside = place._replace(called=False)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            key = _defined(found, node, owner)
            body = _Place(key, place.on_request or handles_a_route(node), False)
            todo += [(statement, body, "") for statement in node.body]
            todo += [(part, outside, "") for part in (*node.decorator_list, node.args,
                                                      node.returns) if part is not None]
            continue
        if isinstance(node, ast.ClassDef):
            found.bases.setdefault(node.name, []).append(tuple(map(_last_name, node.bases)))
            todo += [(statement, outside, node.name) for statement in node.body]
            todo += [(part, outside, "") for part in (*node.bases, *node.keywords,
                                                      *node.decorator_list)]
            continue
        if _enqueued(node):
            outside = outside._replace(on_request=True)
        if isinstance(node, ast.If) and id(node) in top and \
                _MAIN_GUARD.fullmatch(ast.unparse(node.test)):
            outside = outside._replace(script_only=True)
        todo += [(child, outside._replace(called=_calls(node, child)), "")
                 for child in ast.iter_child_nodes(node)]
    return found


def _calls(node: ast.AST, child: ast.AST) -> bool:
    """Whether the node calls what its child names: the function of a call, or the one a
    call hands to Starlette's `background_tasks.add_task(store_media, url)`, which runs it
    once the response of the request that queued it is sent: where the queuing code runs,
    so only on request where that code runs only on request."""
    if not isinstance(node, ast.Call):
        return False
    queued = isinstance(node.func, ast.Attribute) and node.func.attr == "add_task" \
        and bool(node.args) and child is node.args[0]
    return child is node.func or queued


# Celery's ways to queue a task (`task.delay(...)`, `task.apply_async(...)`, a signature
# `task.s(...)` for a chain): a worker runs it, not the app that queues it
_ENQUEUES = frozenset({"delay", "apply_async", "s", "si", "signature"})


def _enqueued(node: ast.AST) -> bool:
    """`process_document.delay` (`tasks.process_document.delay`): the task is named to be
    queued, not called."""
    return isinstance(node, ast.Attribute) and node.attr in _ENQUEUES \
        and isinstance(node.value, (ast.Name, ast.Attribute))


def _imported(tree: ast.Module) -> frozenset[str]:
    """The names the module's imports bind: `storage` of `from app import storage`, `app`
    of `import app.storage`."""
    return frozenset(alias.asname or alias.name.split(".")[0] for node in ast.walk(tree)
                     if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names)


def _modules_imported(tree: ast.Module) -> frozenset[str]:
    """The names a plain `import` binds, each a module (`json` of `import json`, `np` of
    `import numpy as np`): what is read on one of them is the module's, never a method."""
    plain: set[str] = set()
    rebound: set[str] = set()   # by a `from` import too: what the name is depends on order
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            (plain if isinstance(node, ast.Import) else rebound).update(
                alias.asname or alias.name.split(".")[0] for alias in node.names)
    return frozenset(plain - rebound)


def _keys_read(node: ast.AST, imported: frozenset[str],
               modules: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """The keys of the functions a node names: `download` (and `download` of `from .storage
    import download as fetch`, then called by another name), `.download` of any attribute
    (`store.download`, `self.download`: a method, not the function `download`), and both
    where the attribute is read on an import (`storage.download`: a module's function, or
    a method of an object imported); only the function where it is read on a module
    itself (`json.load`, which calls no class's `load` method)."""
    if isinstance(node, ast.Name):
        return (node.id,)
    if isinstance(node, ast.alias):
        return (node.name,) if node.asname is not None else ()
    if not isinstance(node, ast.Attribute):
        return ()
    receiver = dotted_name(node.value)
    if receiver is not None and receiver in modules:
        return (node.attr,)
    on_import = receiver is not None and receiver.split(".")[0] in imported
    return (node.attr, _key(node.attr, True)) if on_import else (_key(node.attr, True),)


def _defined(found: _Names, function: ast.FunctionDef | ast.AsyncFunctionDef,
             owner: str) -> str:
    """Notes the function the module defines (a method of `owner` when a class's body holds
    it): whether it may run unnamed, and its class. Its key."""
    key = _key(function.name, bool(owner))
    if _called_unnamed(function):
        found.unnamed.add(key)
    if owner:
        found.owners.setdefault(key, []).append(owner)
    return key


# decorators that register nothing: what they decorate runs where code names it
_PLAIN_DECORATORS = frozenset({"staticmethod", "classmethod", "property", "cached_property",
                               "abstractmethod", "cache", "lru_cache"})


def _called_unnamed(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether something may call the function where no code names it: a decorator that may
    register it (`@app.on_event("startup")`, `@scheduler.scheduled_job(...)`), or Python
    itself (`__init__` when its class is called, `__call__`)."""
    dunder = function.name.startswith("__") and function.name.endswith("__")
    return dunder or any(_last_name(d.func if isinstance(d, ast.Call) else d)
                         not in _PLAIN_DECORATORS for d in function.decorator_list)


def _last_name(node: ast.AST) -> str:
    """`scheduled_job` of `scheduler.scheduled_job`; "" for what is not a dotted name."""
    return (dotted_name(node) or "").rsplit(".", 1)[-1]


def _never_runs(ws: Workspace, service: Service, paths: list[str], key: str) -> bool:
    """Whether nothing can call the function: no module of the import path names it, no file
    of the service writes its name but in a `def` of it (a callback handed on, a `getattr`
    string, a command's `main:create_app`), and nothing calls it unnamed
    (`_runs_named_only`)."""
    return not any(_places(ws, path, key) for path in paths) \
        and _runs_named_only(ws, paths, key) \
        and not _named_in_service(ws, service, key.lstrip("."))


def _runs_named_only(ws: Workspace, paths: list[str], key: str) -> bool:
    """Whether only code that names the function calls it: in each module of the import path
    that defines it, no decorator registers it, it is no dunder Python calls, and a method's
    classes derive from no library's class (`Thread` calls `run`, a middleware's base
    `dispatch`)."""
    for path in paths:
        holds, names = _read_names(ws, path, key.lstrip("."))
        if holds and (names is None or key in names.unnamed or not all(
                _plain_class(ws, paths, owner, set()) for owner in names.owners.get(key, []))):
            return False
    return True


# the bases of a class whose methods only the code that names them calls
_PLAIN_BASES = frozenset({"object", "ABC"})


def _plain_class(ws: Workspace, paths: list[str], name: str, seen: set[str]) -> bool:
    """Whether the class derives from `object` (or `ABC`) only, directly or through classes
    the modules of the import path define that do: no other class calls its methods."""
    if not name:
        return False   # a base that is no dotted name (`Generic[T]`): fixer cannot read it
    if name in seen:
        return True   # reached already by another base: its answer is that one's
    seen.add(name)
    found = [_read_names(ws, path, name) for path in paths]
    if any(holds and names is None for holds, names in found):
        return False
    defined = [bases for _holds, names in found if names is not None
               for bases in names.bases.get(name, [])]
    return bool(defined) and all(base in _PLAIN_BASES or _plain_class(ws, paths, base, seen)
                                 for bases in defined for base in bases)


# per workspace: (build folder, Dockerfile, name) -> whether those files write the name
_NAMED: Memo[dict[tuple[str, str, str], bool]] = Memo("names the files of a service write")


def _named_in_service(ws: Workspace, service: Service, name: str) -> bool:
    """Whether a file of the service (its build context, its Dockerfile, the compose files)
    writes the name other than in a `def` of it or a Python import that binds it as it is
    (`from app.storage import download_file`, which calls nothing: a call of it elsewhere
    is another place that names it)."""
    app = service.app
    folder, dockerfile = (app.folder, app.dockerfile.path) if app is not None else ("", "")
    found = ws.derived.get(_NAMED, dict)
    if (folder, dockerfile, name) not in found:
        word = re.compile(rf"\bdef\s+{re.escape(name)}\b|(?<!\w)({re.escape(name)})\b"
                          rf"(?!\s+as\b)")
        files = (ws.scan(path) for path in (*tree_index.files_under(ws.tree, folder),
                                            *ws.compose_docs, dockerfile) if path)
        found[(folder, dockerfile, name)] = any(
            file is not None and name in file.text
            and _names_outside_imports(file, word, name, partial(_own_module, ws, folder))
            for file in files)
    return found[(folder, dockerfile, name)]


# a Python import statement, a parenthesized list of names over several lines included
_IMPORT_STATEMENT = lazy_compile(r"^[ \t]*(?:from[ \t]+[\w.]+[ \t]+import[ \t]*"
                                 r"(?:\([^)]*\)|[^\n]*)|import[ \t][^\n]*)", re.M)


def _names_outside_imports(file: TextFile, word: re.Pattern[str], name: str,
                           own_module: Callable[[str], bool] = lambda _name: True) -> bool:
    """A match of `word`'s name group lies outside every import statement of the file and
    outside the body of a `def` of that name (its own `print("get_file_obj", key)`, or a
    call of itself, runs nothing): a Python file's imports and bodies found once, where a
    match asks. Nor a bare name where the file defines a function or class of that name at
    its top level (`scripts/report.py`'s own `size_of(path)`): Python binds it to that one.
    Nor one read on a library module the file imports (`json.load`, where the repository
    holds no module `json`: `own_module` says which it holds): that is the library's.
    """
    skipped: list[range] | None = None
    shadowed = False
    libraries: frozenset[str] = frozenset()
    for match in word.finditer(file.text):
        if not match.group(1):
            continue
        if not file.path.endswith(".py"):
            return True
        if skipped is None:
            skipped = [range(m.start(), m.end())
                       for m in _IMPORT_STATEMENT.finditer(file.text)] + \
                _own_bodies(file, name)
            shadowed = _defines_at_top(file, name)
            tree = parse(file)
            libraries = frozenset(m for m in _modules_imported(tree) if not own_module(m)) \
                if tree is not None else frozenset()
        bare = file.text[match.start() - 1:match.start()] not in (".", "'", '"', ":")
        if not any(match.start() in span for span in skipped) and not (shadowed and bare) \
                and _receiver(file.text, match.start()) not in libraries:
            return True
    return False


# the name an attribute is read on, just before it (`json` of `json.load`)
_RECEIVER = lazy_compile(r"(?<![\w.])([A-Za-z_]\w*)\.\Z")


def _receiver(text: str, at: int) -> str | None:
    found = _RECEIVER.search(text, max(0, at - 80), at)
    return found.group(1) if found else None


def _own_module(ws: Workspace, folder: str, name: str) -> bool:
    """Whether the service's folder holds a module or package of the name, anywhere (an
    import root fixer may not know): `import storage` may then be the repository's."""
    own = ws.derived.get(_OWN_MODULES, dict)
    if folder not in own:
        names: set[str] = set()
        for path in tree_index.files_under(ws.tree, folder):
            parts = path[len(folder) + 1:].split("/") if folder else path.split("/")
            names.update(parts[:-1])
            if parts[-1].endswith(".py"):
                names.add(parts[-1][:-3])
        own[folder] = frozenset(names)
    return name in own[folder]


# per service folder: the names of the folders and modules it holds
_OWN_MODULES: Memo[dict[str, frozenset[str]]] = Memo("module and folder names of a folder")


def _defines_at_top(file: TextFile, name: str) -> bool:
    """Whether the module's top level defines a function or class of the name."""
    tree = parse(file)
    return tree is not None and any(
        isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        and node.name == name for node in tree.body)


def _own_bodies(file: TextFile, name: str) -> list[range]:
    """The offsets of the bodies of the functions named `name` the file defines."""
    tree = parse(file)
    if tree is None:
        return []
    starts = file.line_starts()

    def start(line: int) -> int:   # of a 1-based line; past the last, the text's end
        return starts[line - 1] if line - 1 < len(starts) else len(file.text)

    return [range(start(node.body[0].lineno), start((node.end_lineno or node.lineno) + 1))
            for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name]


# per file: the functions its import calls by name, with the first line of each, and the
# names it imports from other modules (`from .segment import get_segmentator`)
_AT_IMPORT: Memo[tuple[dict[str, int], frozenset[str]]] = Memo("calls at import")


def _called_at_import(ws: Workspace, paths: list[str], load: ModelLoad) -> str:
    """`path:line` of a call of the function the load is in that runs when a module of the
    import path is imported: in the load's own module, or in one that imports the function
    by its name. "" when the load is in none, or fixer sees no such call."""
    if not load.within:
        return ""
    word = _word(load.within)
    for path in paths:
        file = ws.read(path)
        if file is None or not word.search(file.text):
            continue
        calls, imported = file.derived.get(_AT_IMPORT, lambda: _calls_at_import(file))
        line = calls.get(load.within)
        if line is not None and (path == load.path or load.within in imported):
            return f"{path}:{line}"
    return ""


def _calls_at_import(file: TextFile) -> tuple[dict[str, int], frozenset[str]]:
    tree = parse(file)
    calls: dict[str, int] = {}
    imported: set[str] = set()
    for node in _runs_at_import(tree.body if tree is not None else []):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            calls[node.func.id] = min(calls.get(node.func.id, node.lineno), node.lineno)
        elif isinstance(node, ast.ImportFrom):
            imported.update(alias.name for alias in node.names if alias.asname is None)
    return calls, frozenset(imported)


def _runs_at_import(body: list[ast.stmt]) -> Iterator[ast.AST]:
    """The nodes of a module that run when it is imported: not the bodies of its functions,
    nor that of `if __name__ == "__main__":` (it runs as a script only)."""
    todo: list[ast.AST] = list(body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) or (
                isinstance(node, ast.If) and _MAIN_GUARD.fullmatch(ast.unparse(node.test))):
            continue
        yield node
        todo.extend(ast.iter_child_nodes(node))


_MAIN_GUARD = lazy_compile(r"__name__ == '__main__'|'__main__' == __name__")


def _word(name: str) -> re.Pattern[str]:
    """The name as a word of a module's text, not an attribute (`x.name`)."""
    return re.compile(rf"(?<![\w.]){re.escape(name)}\b")


def _loads(file: TextFile) -> list[Load]:
    """The calls that load a model, then an HTTP call of a start-up function, else the first
    import of a model library; a load in a route's handler left out."""
    if not any(word in file.text for word in _WORDS):
        return []
    tree = parse(file)
    if tree is None:
        return []
    calls: list[ast.Call] = []
    libraries: list[tuple[int, str]] = []
    functions: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
    methods: dict[int, str] = {}   # the ids of the functions a class's body holds: its name
    pipelines = False   # `from transformers import pipeline`, or `import transformers`
    fetchers: set[str] = set()   # the names `_FETCHERS` are imported as
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            calls.append(node)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            functions.append(node)
        elif isinstance(node, ast.ClassDef):
            methods.update((id(statement), node.name) for statement in node.body)
        elif isinstance(node, ast.ImportFrom):
            fetching = _FETCHERS.get(node.module or "", frozenset())
            fetchers |= {alias.asname or alias.name for alias in node.names
                         if alias.name in fetching}
            if node.module == _PIPELINE_SOURCE:
                pipelines = pipelines or any(alias.name == "pipeline" for alias in node.names)
            if not node.level and node.module:
                libraries.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            pipelines = pipelines or any(a.name == _PIPELINE_SOURCE for a in node.names)
            libraries.extend((node.lineno, alias.name) for alias in node.names)
    found: list[Load] = []
    startup = {id(function) for function in startup_functions(tree, file.text)}
    handlers = [f for f in functions if handles_a_route(f)]
    pulls = any(module.split(".")[0] == _CLIENT_PULLS for _line, module in libraries)
    buckets = any(module.split(".")[0] in _S3_LIBRARIES for _line, module in libraries)
    for call in sorted(calls, key=lambda node: (node.lineno, node.col_offset)):
        fetched = isinstance(call.func, ast.Name) and call.func.id in fetchers
        name = f"{_FETCHED}{call.func.id}" if fetched and isinstance(call.func, ast.Name) \
            else _loader(call.func, pipelines, pulls, buckets)
        if name is None or _inside(handlers, call.lineno):
            continue   # a route's handler runs per request
        function = _innermost(functions, call.lineno)
        within = function.name if function is not None else ""
        found.append(((call.lineno, name, False, within, False, False),
                      _caller_key(function, methods, startup)))
    for function in functions:
        if id(function) not in startup:
            continue
        network = http_request(function)
        wait = loop_wait(function) if network is None else None
        waited = network or (wait.call if wait is not None else None)
        if waited is not None:
            found.append(((waited.lineno, ast.unparse(waited.func), False, function.name, True,
                           wait is not None and wait.retry), ""))
    imported = sorted((line, name.split(".")[0]) for line, name in libraries
                      if name.split(".")[0] in _MODEL_LIBRARIES)
    if imported:   # an import in a function (a lazy `get_model()`) runs where it is called
        function = _innermost(functions, imported[0][0])
        within = function.name if function is not None else ""
        found.append(((*imported[0], True, within, False, False),
                      _caller_key(function, methods, startup)))
    return found


def _caller_key(function: ast.FunctionDef | ast.AsyncFunctionDef | None,
                methods: dict[int, str],
                startup: set[int]) -> str:
    """The key (`_key`) of the function a load is in, whose callers decide when it runs; ""
    at the top level and in a start-up function, whose own run before the app listens. A
    class's `__init__` runs where the class is called (`Chunker()`): its callers are the
    places that name the class."""
    if function is None or id(function) in startup:
        return ""
    owner = methods.get(id(function))
    if owner is not None and function.name == "__init__":
        return _key(owner, False)
    return _key(function.name, owner is not None)


def _inside(functions: list[ast.FunctionDef | ast.AsyncFunctionDef], line: int) -> bool:
    return any(f.lineno < line <= (f.end_lineno or f.lineno) for f in functions)


def _innermost(functions: list[ast.FunctionDef | ast.AsyncFunctionDef],
               line: int) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    holding = [f for f in functions if f.lineno < line <= (f.end_lineno or f.lineno)]
    return max(holding, key=lambda f: f.lineno) if holding else None


def _loader(func: ast.expr, pipelines: bool, pulls: bool = False,
            buckets: bool = False) -> str | None:
    """The call as written when it loads a model, else None. `pulls`: the module imports
    ollama, whose clients' `.pull()` downloads one; `buckets`: it imports an S3 client
    library, whose clients' `.get_object()` reads a file and whose `.download_file()` is one
    from S3 (else from anywhere: `telegram.download_file`)."""
    if isinstance(func, ast.Name):
        loads = func.id in _LOADER_NAMES or (pipelines and func.id == "pipeline")
        return func.id if loads else None
    if not isinstance(func, ast.Attribute):
        return None
    owner = func.value.attr if isinstance(func.value, ast.Attribute) else \
        func.value.id if isinstance(func.value, ast.Name) else None
    on_s3 = buckets or any(word in (owner or "").lower() for word in ("s3", "bucket"))
    if func.attr == _S3_READS and not on_s3:
        return None
    if func.attr in _S3_DOWNLOADS and not on_s3 or \
            owner in _DOWNLOAD_OWNERS.get(func.attr, ()):
        return f"{_DOWNLOADED}{owner}.{func.attr}" if owner else _DOWNLOADED + func.attr
    if func.attr in _LOADER_NAMES or func.attr in _S3_DOWNLOADS or \
            owner in _LOADER_OWNERS.get(func.attr, ()) or (pulls and func.attr == "pull") or \
            (pipelines and func.attr == "pipeline" and owner == _PIPELINE_SOURCE):
        return f"{owner}.{func.attr}" if owner else func.attr
    return None
