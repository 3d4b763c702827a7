"""A folder whose name is not UTF-8 (`stack\\xe9/`, a Latin-1 byte): every report format and
the fix run read it, fingerprint it and show it without a traceback, in a form the format
can carry."""

from __future__ import annotations

import json
import os
import sys
import xml.dom.minidom
from pathlib import Path

import pytest

from support import run_cli

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="bytes names: Linux only")

_COMPOSE = b'services:\n  api:\n    build: ./api\n    ports:\n      - "9000:8000"\n'
_DOCKERFILE = (b'FROM python:3.12-slim\nWORKDIR /app\nCOPY app ./app\nEXPOSE 8000\n'
               b'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n')
_MAIN = (b'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/health")\n'
         b'def health():\n    return {"status": "ok"}\n')


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    stack = os.path.join(os.fsencode(tmp_path), b"stack\xe9")
    for folder in (b"api", b"api/app"):
        os.makedirs(os.path.join(stack, folder))
    for name, data in ((b"docker-compose.yml", _COMPOSE), (b"api/Dockerfile", _DOCKERFILE),
                       (b"api/requirements.txt", b"fastapi\nuvicorn\n"),
                       (b"api/app/__init__.py", b""), (b"api/app/main.py", _MAIN)):
        with open(os.path.join(stack, name), "wb") as out:
            out.write(data)
    return tmp_path


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "gitlab", "github", "junit",
                                 "markdown"])
def test_every_format_reports_the_finding_in_the_folder(tree: Path, fmt: str) -> None:
    code, out, err = run_cli("check", "--format", fmt, tree)
    assert code == 1 and "Traceback" not in err
    if fmt in ("json", "sarif", "gitlab"):
        assert "C004" in json.dumps(json.loads(out))
    elif fmt == "junit":
        assert "C004" in xml.dom.minidom.parseString(out.encode("utf-8")).toxml()
    else:
        assert "C004" in out


def test_the_text_report_escapes_the_byte_and_sarif_percent_encodes_it(tree: Path) -> None:
    assert "stack\\udce9/docker-compose.yml:2:3: C004" in run_cli("check", tree)[1]
    sarif = json.loads(run_cli("check", "--format", "sarif", tree)[1])
    uris = [loc["physicalLocation"]["artifactLocation"]["uri"]
            for result in sarif["runs"][0]["results"] for loc in result["locations"]]
    assert uris == ["stack%E9/docker-compose.yml"]


def test_fix_writes_the_files_of_the_folder(tree: Path) -> None:
    code, _out, err = run_cli("fix", "--apply", tree)
    assert code == 1 and "Traceback" not in err
    compose = os.path.join(os.fsencode(tree), b"stack\xe9", b"docker-compose.yml")
    with open(compose, "rb") as written:
        assert b"healthcheck:" in written.read()
