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


QUEUES = "from fastapi import BackgroundTasks\nfrom app.storage import download"


def test_a_download_a_helper_of_the_handler_queues_is_no_slow_start() -> None:
    """`background_tasks.add_task(download, name)` runs the download once the response of
    the request is sent: where the helper that queues it runs, on request only."""
    files = app(imports=QUEUES, serve="queue(name, BackgroundTasks())",
                extra="\n\ndef queue(name: str, tasks: BackgroundTasks):\n"
                      "    tasks.add_task(download, name)\n")
    [finding] = check(files, select="C004")
    assert finding.safety.value == "safe"


def test_a_download_a_startup_handler_queues_stays_a_doubt() -> None:
    files = app(imports=QUEUES, extra='\n\n@app.on_event("startup")\ndef warm_cache():\n'
                                      '    BackgroundTasks().add_task(download, "index.json")\n')
    assert c004_reason(files) == DOUBT.format(when="which may run at start-up")


UNCALLED = app(imports="from app import storage", serve='"unused"')
SCRIPT = "def download(path):\n    return path\n\n\nprint(download(__file__))\n"


def test_a_scripts_own_function_of_the_name_calls_nothing_of_the_app() -> None:
    """The app's `download` is named nowhere; a script of the build context defines and calls
    a `download` of its own, which Python binds to that one."""
    [finding] = check({**UNCALLED, "scripts/report.py": SCRIPT}, select="C004")
    assert finding.safety.value == "safe"


def test_a_script_calling_the_apps_function_keeps_the_doubt() -> None:
    script = "from app.storage import download\n\nprint(download('index.json'))\n"
    assert c004_reason({**UNCALLED, "scripts/report.py": script}) == \
        DOUBT.format(when="which may run at start-up")


def test_a_download_no_s3_client_shows_for_is_no_s3_download() -> None:
    """A `download_file` of a chat client's (httpx underneath) is a download from anywhere;
    "from S3" only where an S3 client shows for it."""
    chat = ("import httpx\n\n\nclass Chat:\n    def download_file(self, url: str) -> bytes:\n"
            "        return httpx.get(url).content\n\n\ntelegram = Chat()\n")
    files = app(imports="from app.chat import telegram",
                extra='\n\n@app.on_event("startup")\ndef warm():\n'
                      '    telegram.download_file("https://example.com/index.json")\n')
    assert c004_reason({**files, "app/chat.py": chat}) == (
        "fixer cannot tell whether api starts before the healthcheck gives up (about 40 s): "
        "main.py:10 downloads a file (`telegram.download_file`) in `warm()`, which may run at "
        "start-up, and fixer cannot tell how long it takes")


LAZY = ("_model = None\n\n\ndef get_model():\n    global _model\n    if _model is None:\n"
        "        from faster_whisper import WhisperModel\n\n"
        "        _model = WhisperModel('small')\n    return _model\n")


def test_a_library_a_function_only_routes_call_imports_is_no_slow_start() -> None:
    """A lazy loader imports its model library where it is called: per request here."""
    files = {**app(imports="from app.models import get_model", serve="get_model()"),
             "app/models.py": LAZY}
    [finding] = check(files, select="C004")
    assert finding.safety.value == "safe"
    warmed = app(imports="from app.models import get_model",
                 extra='\n\n@app.on_event("startup")\ndef warm():\n    get_model()\n')
    assert c004_reason({**warmed, "app/models.py": LAZY}) == (
        "fixer cannot tell whether api starts before the healthcheck gives up (about 40 s): "
        "app/models.py:7 imports faster_whisper, a library that loads models in `get_model()`, "
        "which may run at start-up, and the model may be downloaded first")
