"""facts/health/slowstart.py: the model loads that make a gate on an app unsafe (C003, and every
fix that writes `condition: service_healthy` on an app through the stack check's verdict)."""

from __future__ import annotations

import pytest

from fixer.core.textfile import TextFile
from fixer.facts.health.slowstart import Load, _loads
from kit import check, fix

COMPOSE = """services:
  api:
    build: ./api
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:8000/health"]
  ui:
    build: ./ui
    depends_on:
      - api
"""
DOCKERFILE = ('FROM python:3.12\nWORKDIR /srv\nCOPY app ./app\n'
              'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n')
MAIN = ('from fastapi import FastAPI\n{head}\napp = FastAPI()\n\n\n@app.get("/health")\n'
        'def health():\n    return {{"status": "ok"}}\n')


def stack(head: str) -> dict[str, str]:
    return {"docker-compose.yml": COMPOSE, "api/Dockerfile": DOCKERFILE,
            "api/app/__init__.py": "", "api/app/main.py": MAIN.format(head=head),
            "ui/Dockerfile": "FROM nginx:1.27\n"}


def _first_load(file: TextFile) -> tuple[int, str, bool, str, bool, bool] | None:
    found = _loads(file)
    return found[0][0] if found else None


@pytest.mark.parametrize(("text", "found"), [
    ("from transformers import AutoModel\nmodel = AutoModel.from_pretrained('bert')\n",
     (2, "AutoModel.from_pretrained", False)),
    ("from transformers import pipeline\n\nclassify = pipeline('sentiment-analysis')\n",
     (3, "pipeline", False)),
    ("import transformers\nclassify = transformers.pipeline('ner')\n",
     (2, "transformers.pipeline", False)),
    ("import torch\nnet = torch.hub.load('pytorch/vision', 'resnet18')\n", (2, "hub.load", False)),
    ("import spacy\nnlp = spacy.load('en_core_web_sm')\n", (2, "spacy.load", False)),
    ("from sentence_transformers import SentenceTransformer\n\n\ndef load():\n"
     "    return SentenceTransformer('all-MiniLM-L6-v2')\n", (5, "SentenceTransformer", False)),
    ("from huggingface_hub import hf_hub_download\npath = hf_hub_download('a/b', 'c.bin')\n",
     (2, "hf_hub_download", False)),
    # the Ollama client asks its server to download a model; the client alone loads none
    ("import ollama\n\nollama.pull('llama3.1')\n", (3, "ollama.pull", False)),
    # ... and through a client of its own, as Ollama's README writes it
    ("from ollama import AsyncClient\n\nclient = AsyncClient()\nclient.pull('llama3:8b')\n",
     (4, "client.pull", False)),
    # a file read from S3 into memory: as long as a download of it
    ("import boto3\n\nbody = boto3.client('s3').get_object(Bucket='b', Key='m')['Body']\n",
     (3, "get_object", False)),
    # ... on an `s3` client another module builds
    ("from app.deps import s3\n\nbody = s3.get_object(Bucket='b', Key='m')['Body']\n",
     (3, "s3.get_object", False)),
    # boto3's download, on an S3 client ...
    ("import boto3\n\ns3 = boto3.client('s3')\ns3.download_file('b', 'k', '/m')\n",
     (4, "s3.download_file", False)),
    # ... and a method of that name on something no S3 client shows for: a file downloaded
    ("from app.chat import telegram\n\ntelegram.download_file('f', '/tmp/f')\n",
     (3, "download:telegram.download_file", False)),
    # a library that serves or runs models, whose loader fixer does not know by name
    ("from vllm import LLM\n\nllm = LLM(model='facebook/opt-125m')\n", (1, "vllm", True)),
    ("import os\nfrom faster_whisper import WhisperModel\nm = WhisperModel('large-v3')\n",
     (2, "faster_whisper", True)),
    ("import torch\nnet = torch.load('model.pt')\n", (1, "torch", True)),
    ("import onnxruntime.capi\n", (1, "onnxruntime", True)),
    ("from spleeter.separator import Separator\nsplitter = Separator('spleeter:2stems')\n",
     (1, "spleeter", True)),
])
def test_a_model_load_is_found_with_its_line(text: str, found: tuple[int, str, bool]) -> None:
    load = _first_load(TextFile("api/app/main.py", text))
    assert load is not None and load[:3] == found


def test_a_lookup_named_get_object_is_no_s3_read() -> None:
    """`get_object` is also a repository's own lookup (a service or ORM class method): a
    read from S3 only on an `s3` client or in a module that imports an S3 client library."""
    text = ("from app.services import UserService\n\n\nasync def login(email):\n"
            "    return await UserService.get_object(email=email)\n")
    assert _first_load(TextFile("api/app/admin.py", text)) is None


def test_a_model_load_in_a_function_names_it() -> None:
    """A load inside a function may run per request: the reason names the function."""
    text = "def transcribe(path):\n    import whisper\n\n    model = whisper.load_model('base')\n"
    assert _first_load(TextFile("api/app/asr.py", text)) == (4, "whisper.load_model", False,
                                                             "transcribe", False, False)


def test_an_http_call_of_a_start_up_function_is_a_slow_start() -> None:
    """An Ollama pull in the lifespan, before the app listens; not one in a request."""
    text = ("import httpx\n\nasync def lifespan(app):\n    async with httpx.AsyncClient() as c:\n"
            "        await c.post('http://ollama:11434/api/pull', json={})\n    yield\n\n"
            "async def chat(prompt):\n    async with httpx.AsyncClient() as client:\n"
            "        return await client.post('http://ollama:11434/api/generate')\n")
    assert _first_load(TextFile("api/app/main.py", text)) == (5, "c.post", False, "lifespan",
                                                              True, False)
    request_only = text.replace("async def lifespan(app):", "async def pull(app):")
    assert _first_load(TextFile("api/app/main.py", request_only)) is None


@pytest.mark.parametrize("text", [
    "import json\nsettings = json.load(open('settings.json'))\n",
    # a pipeline of the app's own, not transformers'
    "def pipeline(steps):\n    return steps\n\n\nrun = pipeline([1, 2])\n",
    "# from_pretrained is mentioned in a comment only\nx = 1\n",
    "from_pretrained = None\n",
    "import ollama\n\n\ndef chat(p):\n    return ollama.chat(model='m', messages=[p])\n",
    # `.pull()` of a module that does not import ollama (a git repository's)
    "import git\n\nrepo = git.Repo('.')\nrepo.remotes.origin.pull()\n",
    # a module of the app's own named like a library, imported relatively
    "from .torch import helpers\n",
])
def test_other_calls_are_no_model_load(text: str) -> None:
    assert _first_load(TextFile("api/app/main.py", text)) is None


@pytest.mark.parametrize(("head", "why"), [
    pytest.param("from transformers import pipeline\n\nclassify = pipeline('ner')\n",
                 "api/app/main.py:4 loads a model (`pipeline`)", id="known-loader"),
    pytest.param("from vllm import LLM\n\nllm = LLM(model='facebook/opt-125m')\n",
                 "api/app/main.py:2 imports vllm, a library that loads models",
                 id="model-server-library"),
])
def test_a_gate_on_an_app_that_loads_a_model_is_unsafe_with_the_reason(head: str,
                                                                        why: str) -> None:
    files = stack(head)
    [finding] = check(files, select="C003")
    assert finding.safety.value == "unsafe"
    assert finding.reason == ("fixer cannot tell whether api starts before its healthcheck "
                              f"gives up: {why}, which may be downloaded first")
    assert fix(files, select="C003").diff == ""
    assert "condition: service_healthy" in fix(files, select="C003", unsafe=True).diff


def test_a_spacy_model_is_loaded_not_downloaded() -> None:
    """`spacy.load` reads a package the image installed, and raises where it is missing:
    the reason speaks of the time loading takes, not of a download."""
    [finding] = check(stack("import spacy\n\nnlp = spacy.load('en_core_web_lg')\n"),
                      select="C003")
    assert finding.safety.value == "unsafe"
    assert finding.reason == ("fixer cannot tell whether api starts before its healthcheck "
                              "gives up: api/app/main.py:4 loads a model (`spacy.load`) at "
                              "import, and fixer cannot tell how long loading it takes")


def test_a_gate_on_an_app_that_loads_none_stays_safe() -> None:
    [finding] = check(stack(""), select="C003")
    assert finding.safety.value == "safe"


def test_a_healthcheck_on_an_app_that_loads_a_model_is_unsafe() -> None:
    # the healthcheck C004 writes gives up after about 40 s: a model server is then marked
    # unhealthy, and the gate it reveals (C003) would stop `docker compose up`
    files = stack("import torch\n\nnet = torch.load('model.pt')\n")
    files["docker-compose.yml"] = COMPOSE.replace(
        '    healthcheck:\n      test: ["CMD", "curl", "-f", "http://localhost:8000/health"]\n', "")
    [finding] = check(files, select="C004")
    assert finding.safety.value == "unsafe"
    assert finding.reason == (
        "fixer cannot tell whether api starts before the healthcheck gives up (about 40 s): "
        "api/app/main.py:2 imports torch, a library that loads models, which may be "
        "downloaded first")
    assert fix(files, select=["C003", "C004"]).diff == ""
    assert "healthcheck:" in fix(files, select="C004", unsafe=True).diff


SEGMENTATION = ("import torch\n\n\ndef get_segmentator():\n"
                "    return torch.hub.load('pytorch/vision', 'deeplabv3_resnet101')\n")


@pytest.mark.parametrize("head", [
    pytest.param("from app.segmentation import get_segmentator\n\n\ndef warm():\n"
                 "    return get_segmentator()\n", id="a-function-nothing-calls"),
    pytest.param("from app.segmentation import get_segmentator\n\nif __name__ == '__main__':\n"
                 "    model = get_segmentator()\n", id="a-main-block-a-server-never-runs"),
])
def test_a_load_that_never_runs_where_a_server_imports_the_app_is_no_reason(head: str) -> None:
    """`warm()` is named nowhere, and `if __name__ == "__main__":` of the module uvicorn
    imports never runs: the load they would run never runs; the module's import of torch
    is the reason left."""
    files = {**stack(head), "api/app/segmentation.py": SEGMENTATION}
    files["docker-compose.yml"] = COMPOSE.replace(
        '    healthcheck:\n      test: ["CMD", "curl", "-f", "http://localhost:8000/health"]\n', "")
    [finding] = check(files, select="C004")
    assert finding.reason is not None and "imports torch" in finding.reason
    assert "get_segmentator" not in finding.reason


@pytest.mark.parametrize(("head", "when"), [
    pytest.param("from app.segmentation import get_segmentator\n\nmodel = get_segmentator()\n",
                 "which runs at import (api/app/main.py:4)", id="called-at-the-top-level"),
    pytest.param("from app.segmentation import get_segmentator\n\n\ndef warm():\n"
                 "    return get_segmentator()\n\n\nWARMERS = [warm]\n",
                 "which may run at start-up", id="called-in-a-function-handed-on"),
])
def test_a_load_in_a_function_a_module_calls_at_import_runs_at_import(head: str,
                                                                     when: str) -> None:
    """The reason says when the function that loads runs: at import where a module of the
    import path calls it at its top level (`model = get_segmentator()`), else maybe."""
    files = {**stack(head), "api/app/segmentation.py": SEGMENTATION}
    files["docker-compose.yml"] = COMPOSE.replace(
        '    healthcheck:\n      test: ["CMD", "curl", "-f", "http://localhost:8000/health"]\n', "")
    [finding] = check(files, select="C004")
    assert finding.reason == (
        "fixer cannot tell whether api starts before the healthcheck gives up (about 40 s): "
        "api/app/segmentation.py:5 loads a model (`hub.load`) in `get_segmentator()`, "
        f"{when}, and the model may be downloaded first")


@pytest.mark.parametrize(("command", "unsafe"), [
    pytest.param('["sh", "-c", "sleep 60 && uvicorn app.main:app --host 0.0.0.0 --port 8000"]',
                 "its command sleeps 60 s before the server starts", id="sleep-60"),
    pytest.param('["sh", "-c", "sleep 1m; exec uvicorn app.main:app --host 0.0.0.0"]',
                 "its command sleeps 60 s before the server starts", id="sleep-1m"),
    pytest.param('["sh", "-c", "sleep 3 && exec uvicorn app.main:app --host 0.0.0.0"]', None,
                 id="a-short-sleep"),
    pytest.param('["sh", "-c", "python load_taxi_data.py && exec uvicorn app.main:app"]',
                 "its command runs `python load_taxi_data.py` before the server starts",
                 id="a-data-load"),
    pytest.param('["sh", "-c", "pytest -q && exec uvicorn app.main:app"]',
                 "its command runs `pytest` before the server starts", id="the-test-suite"),
    pytest.param('["sh", "-c", "uvicorn app.main:app --host 0.0.0.0 && pytest -q"]', None,
                 id="tests-once-the-server-stops"),
])
def test_a_command_that_sleeps_before_its_server_starts_slowly(command: str,
                                                               unsafe: str | None) -> None:
    """`sleep 60 && uvicorn ...`: the healthcheck C004 writes gives up after about 40 s,
    before the server listens; a gate on it (C003) would stop `docker compose up`."""
    files = stack("")
    files["api/Dockerfile"] = DOCKERFILE.replace(
        'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]', f"CMD {command}")
    [gate] = check(files, select="C003")
    without = dict(files, **{"docker-compose.yml": COMPOSE.replace(
        '    healthcheck:\n      test: ["CMD", "curl", "-f", "http://localhost:8000/health"]\n',
        "")})
    [probe] = check(without, select="C004")
    if unsafe is None:
        assert (gate.safety.value, probe.safety.value) == ("safe", "safe")
    else:
        assert (gate.safety.value, probe.safety.value) == ("unsafe", "unsafe")
        assert unsafe in (gate.reason or "") and unsafe in (probe.reason or "")


@pytest.mark.parametrize(("step", "files", "reason"), [
    ("python -m app.setup_models", {"api/app/setup_models.py": "from huggingface_hub import "
                                    "snapshot_download\n\nsnapshot_download('BAAI/bge-m3')\n"},
     "api/app/setup_models.py before the server starts, which loads a model "
     "(`snapshot_download`)"),
    ("sh prestart.sh", {"api/prestart.sh": "#!/bin/sh\nhuggingface-cli download BAAI/bge-m3\n"},
     "api/prestart.sh before the server starts, which runs `huggingface-cli download`"),
    ("python -m app.init_db", {"api/app/init_db.py": "print('tables created')\n"}, None),
])
def test_a_file_the_command_runs_first_is_read(step: str, files: dict[str, str],
                                               reason: str | None) -> None:
    # named for what it does, not what it is called: `setup_models` downloads, `init_db` not
    tree = {**stack(""), **files}
    tree["docker-compose.yml"] = COMPOSE.replace(
        '    healthcheck:\n      test: ["CMD", "curl", "-f", "http://localhost:8000/health"]\n',
        f'    command: sh -c "{step} && uvicorn app.main:app --host 0.0.0.0 --port 8000"\n')
    [finding] = check(tree, select="C004")
    assert finding.reason == (None if reason is None else
                              "fixer cannot tell whether api starts before the healthcheck "
                              f"gives up (about 40 s): its command runs {reason}")


def test_a_load_in_a_route_handler_or_a_helper_only_handlers_call_runs_per_request() -> None:
    """A load in `@app.post` runs per request: left out. One in a lazy getter only route
    handlers call is kept with the getter's name, which `model_load` looks for in the other
    modules of the import path (a lifespan there may warm it at start-up)."""
    text = ("import xgboost as xgb\nfrom fastapi import FastAPI\n\napp = FastAPI()\n"
            "_model = None\n\n\ndef get_model():\n    global _model\n    if _model is None:\n"
            "        _model = xgb.Booster()\n        _model.load_model('model.json')\n"
            "    return _model\n\n\n"
            "@app.post('/predict')\ndef predict():\n    return get_model().predict([])\n\n\n"
            "@app.post('/reload')\ndef reload():\n    return xgb.Booster().load_model('m.json')\n")
    found: list[Load] = _loads(TextFile("api/app/main.py", text))
    assert [(load[0], load[1], helper) for load, helper in found] == [
        (12, "_model.load_model", "get_model")]


def test_a_debugger_wait_is_one_the_app_may_make() -> None:
    """`debugpy.wait_for_client()` under an `if` on the environment waits only in a debugging
    run, which fixer does not tell from others: the reason says the app may wait."""
    head = ('import os\n\nif os.getenv("DEBUGGER") == "1":\n    import debugpy\n'
            '    debugpy.wait_for_client()\n')
    [finding] = check(stack(head), select="C003")
    assert finding.safety.value == "unsafe", finding.reason
    assert "api/app/main.py:6 may wait for a debugger to attach (`debugpy.wait_for_client`) " \
        "before the app listens" in (finding.reason or ""), finding.reason


_EMBEDDER = ("from huggingface_hub import snapshot_download\n\n\nclass Embedder:\n"
             "    def __init__(self):\n        self.path = snapshot_download('BAAI/bge-m3')\n"
             "\n\nif __name__ == '__main__':\n    print(Embedder().path)\n")


@pytest.mark.parametrize(("cmd", "safe"), [
    pytest.param('["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]', True,
                 id="a-server-imports-the-module"),
    pytest.param('["python", "-m", "app.main"]', False, id="the-app-module-runs-as-a-script"),
])
def test_a_load_a_modules_main_block_makes_runs_only_as_a_script(cmd: str, safe: bool) -> None:
    """`Embedder()` downloads a model in `__init__`; a POST handler builds one, and so do the
    `if __name__ == "__main__":` blocks of app/models.py and app/main.py, which never run
    where uvicorn imports them: no reason to doubt the gate on api. Where app/main.py runs
    as a script, its block builds one before `uvicorn.run` serves the app."""
    files = stack("from app.models import Embedder\n")
    files["api/app/main.py"] += ("\n\n@app.post('/embed')\ndef embed():\n"
                                 "    return Embedder().path\n\n\nif __name__ == '__main__':\n    import uvicorn\n\n"
                                 "    Embedder()\n"
                                 "    uvicorn.run(app, host='0.0.0.0', port=8000)\n")
    files["api/app/models.py"] = _EMBEDDER
    files["api/Dockerfile"] = DOCKERFILE.replace(
        '["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]', cmd)
    [gate] = check(files, select="C003")
    assert (gate.safety.value == "safe") is safe, gate.reason
