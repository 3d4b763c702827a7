"""facts/health/slowstart.py: a load in a function that only route handlers call, in any module
of the import path and through functions only they call, runs per request and makes no gate
on the app unsafe; one also called where the app starts (or where fixer cannot tell) does."""

from __future__ import annotations

import pytest

from kit import check

COMPOSE = 'services:\n  api:\n    build: .\n    ports: ["8000:8000"]\n'
DOCKERFILE = ('FROM python:3.12\nWORKDIR /srv\nCOPY . .\nRUN pip install -r requirements.txt\n'
              'EXPOSE 8000\nCMD ["uvicorn", "main:app", "--host", "0.0.0.0"]\n')
STORAGE = ('from minio import Minio\n\nclient = Minio("minio:9000", access_key="a", '
           'secret_key="b", secure=False)\n\n\ndef download(name: str):\n'
           '    return client.get_object("bucket", name)\n')
MAIN = ('from fastapi import FastAPI\n\n{imports}\n\napp = FastAPI()\n{extra}\n\n'
        '@app.get("/health")\ndef health():\n    return {{"status": "ok"}}\n\n\n'
        '@app.get("/files/{{name}}")\ndef get_file(name: str):\n    return {serve}\n')
DOUBT = ("fixer cannot tell whether api starts before the healthcheck gives up (about 40 s): "
         "app/storage.py:7 downloads a file from S3 (`client.get_object`) in `download()`, "
         "{when}, and fixer cannot tell how long it takes")


def app(extra: str = "", serve: str = "download(name)",
        imports: str = "from app.storage import download") -> dict[str, str]:
    main = MAIN.format(imports=imports, extra=extra, serve=serve)
    return {"compose.yaml": COMPOSE, "Dockerfile": DOCKERFILE,
            "requirements.txt": "fastapi\nuvicorn\nminio\n", "app/__init__.py": "",
            "app/storage.py": STORAGE, "main.py": main}


def c004_reason(files: dict[str, str]) -> str | None:
    [finding] = check(files, select="C004")
    return finding.reason


@pytest.mark.parametrize("files", [
    pytest.param(app(), id="called-by-a-route-handler"),
    pytest.param(app(imports="from app import storage", serve="storage.download(name)"),
                 id="called-on-its-module"),
    # through a helper that only a route handler calls itself
    pytest.param(app(extra="\n\ndef fetch(name: str):\n    return download(name)\n",
                     serve="fetch(name)"), id="through-a-helper-of-the-handler"),
])
def test_a_download_only_route_handlers_run_is_no_slow_start(files: dict[str, str]) -> None:
    [finding] = check(files, select="C004")
    assert finding.safety.value == "safe"


@pytest.mark.parametrize(("extra", "when"), [
    pytest.param('\n\n@app.on_event("startup")\ndef warm_cache():\n'
                 '    download("index.json")\n', "which may run at start-up",
                 id="also-in-a-startup-handler"),
    pytest.param('\nindex = download("index.json")\n', "which runs at import (main.py:7)",
                 id="also-at-import"),
    # a helper the startup handler calls: the download runs at start-up through it
    pytest.param('\n\ndef fetch(name: str):\n    return download(name)\n\n\n'
                 '@app.on_event("startup")\ndef warm_cache():\n    fetch("index.json")\n',
                 "which may run at start-up", id="through-a-helper-a-startup-handler-calls"),
    # handed on: fixer cannot tell when what it is given to calls it
    pytest.param("\nfetcher = download\n", "which may run at start-up", id="handed-on"),
])
def test_a_download_also_run_at_start_up_stays_a_doubt(extra: str, when: str) -> None:
    assert c004_reason(app(extra=extra)) == DOUBT.format(when=when)


def test_a_download_imported_under_another_name_stays_a_doubt() -> None:
    """`from app.storage import download as fetch`: fixer does not follow the new name."""
    files = app(imports="from app.storage import download as fetch", serve="fetch(name)")
    assert c004_reason(files) == DOUBT.format(when="which may run at start-up")


def test_a_download_a_factory_calls_stays_a_doubt() -> None:
    """An app factory runs before the app listens, though its route handlers do not."""
    files = app()
    files["Dockerfile"] = DOCKERFILE.replace('"main:app"', '"main:create_app", "--factory"')
    files["main.py"] = ('from fastapi import FastAPI\n\nfrom app.storage import download\n\n\n'
                        'def create_app():\n    download("index.json")\n    app = FastAPI()\n\n'
                        '    @app.get("/health")\n    def health():\n'
                        '        return {"status": "ok"}\n\n'
                        '    @app.get("/files/{name}")\n    def get_file(name: str):\n'
                        '        return download(name)\n\n    return app\n')
    assert c004_reason(files) == DOUBT.format(when="which may run at start-up")
    routes_only = files["main.py"].replace('    download("index.json")\n', "")
    [finding] = check({**files, "main.py": routes_only}, select="C004")
    assert finding.safety.value == "safe"
