"""facts/health/slowstart.py: the model loads that make a gate on an app unsafe (C003, and every
fix that writes `condition: service_healthy` on an app through the stack check's verdict)."""

from __future__ import annotations

import pytest

from fixer.core.textfile import TextFile
from fixer.facts.health.slowstart import _first_load
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


@pytest.mark.parametrize(("text", "found"), [
    ("from transformers import AutoModel\nmodel = AutoModel.from_pretrained('bert')\n",
     (2, "AutoModel.from_pretrained")),
    ("from transformers import pipeline\n\nclassify = pipeline('sentiment-analysis')\n",
     (3, "pipeline")),
    ("import transformers\nclassify = transformers.pipeline('ner')\n",
     (2, "transformers.pipeline")),
    ("import torch\nnet = torch.hub.load('pytorch/vision', 'resnet18')\n", (2, "hub.load")),
    ("import spacy\nnlp = spacy.load('en_core_web_sm')\n", (2, "spacy.load")),
    ("from sentence_transformers import SentenceTransformer\n\n\ndef load():\n"
     "    return SentenceTransformer('all-MiniLM-L6-v2')\n", (5, "SentenceTransformer")),
    ("from huggingface_hub import hf_hub_download\npath = hf_hub_download('a/b', 'c.bin')\n",
     (2, "hf_hub_download")),
])
def test_a_model_load_is_found_with_its_line(text: str, found: tuple[int, str]) -> None:
    assert _first_load(TextFile("api/app/main.py", text)) == found


@pytest.mark.parametrize("text", [
    "import json\nsettings = json.load(open('settings.json'))\n",
    # a pipeline of the app's own, not transformers'
    "def pipeline(steps):\n    return steps\n\n\nrun = pipeline([1, 2])\n",
    "# from_pretrained is mentioned in a comment only\nx = 1\n",
    "from_pretrained = None\n",
])
def test_other_calls_are_no_model_load(text: str) -> None:
    assert _first_load(TextFile("api/app/main.py", text)) is None


def test_a_gate_on_an_app_that_loads_a_model_is_unsafe_with_the_reason() -> None:
    files = stack("from transformers import pipeline\n\nclassify = pipeline('ner')\n")
    [finding] = check(files, select="C003")
    assert finding.safety.value == "unsafe"
    assert finding.reason == (
        "fixer cannot tell whether api starts before its healthcheck gives up: "
        "api/app/main.py:4 loads a model (`pipeline`), which may be downloaded first")
    assert fix(files, select="C003").diff == ""
    assert "condition: service_healthy" in fix(files, select="C003", unsafe=True).diff


def test_a_gate_on_an_app_that_loads_none_stays_safe() -> None:
    [finding] = check(stack(""), select="C003")
    assert finding.safety.value == "safe"
