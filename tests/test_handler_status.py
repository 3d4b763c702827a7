"""A health route's handler that returns an error status, as the one that raises it: every
reader of `Route.error_answer` (C004's probe, C003's gate, H002's target) is in doubt."""

from __future__ import annotations

import ast

import pytest

from fixer.sources.fastapi_routes import Route
from kit import check

MAIN = "api/app/main.py"


def answer(body: str) -> str:
    """`error_answer` of a `/health` handler taking `response: Response`, whose body is
    `body` (indented by four spaces per line)."""
    source = "async def health(response: Response, request):\n" + "".join(
        f"    {line}\n" for line in body.splitlines())
    function = ast.parse(source).body[0]
    assert isinstance(function, ast.AsyncFunctionDef)
    return Route("/health", True, function, module=MAIN).error_answer()


@pytest.mark.parametrize("body", [
    pytest.param("return JSONResponse({'ok': True})", id="json-response-no-status"),
    pytest.param("return JSONResponse({'ok': True}, status_code=200)", id="literal-200"),
    pytest.param("return Response(status_code=204)", id="literal-204"),
    pytest.param("return PlainTextResponse('ok', 200)", id="positional-200"),
    pytest.param("return JSONResponse({}, status_code=status.HTTP_200_OK)", id="starlette-name"),
    pytest.param("return Response(status_code=HTTPStatus.NO_CONTENT)", id="httpstatus-204"),
    pytest.param("code = 200\nif request.query_params:\n    code = 204\n"
                 "return Response(status_code=code)", id="local-bound-to-successes"),
    pytest.param("return JSONResponse({}, status_code=503 if app.state.draining else 200)",
                 id="error-only-while-draining"),
    pytest.param("return HealthResponse('ok', uptime())", id="body-model-positional"),
    pytest.param("return HealthResponse(status='ok')", id="body-model-status-string"),
    pytest.param("logger.info('probe', status_code=code)\nreturn {}", id="logged-status"),
    pytest.param("job.status_code = compute()\nreturn {}", id="status-of-another-object"),
])
def test_handler_status_noop(body: str) -> None:
    assert answer(body) == ""


@pytest.mark.parametrize(("body", "why"), [
    pytest.param("return JSONResponse({'ok': ok}, status_code=200 if ok else 503)",
                 "its handler answers 503 in some state (api/app/main.py:2)", id="if-else"),
    pytest.param("return JSONResponse(content={}, status_code=503)",
                 "its handler answers 503 in some state (api/app/main.py:2)", id="literal"),
    pytest.param("return PlainTextResponse('down', 200 if ok else 503)",
                 "its handler answers 503 in some state", id="positional-if-else"),
    pytest.param("return Response(status_code=ok and 200 or 500)",
                 "its handler answers 500 in some state", id="and-or"),
    pytest.param("code = 200\ntry:\n    check()\nexcept OSError:\n    code = 503\n"
                 "return Response(status_code=code)",
                 "its handler answers 503 in some state (api/app/main.py:7)", id="local-name"),
    pytest.param("response.status_code = 200 if ok else 503\nreturn {}",
                 "its handler answers 503 in some state", id="response-parameter"),
    pytest.param("return JSONResponse({}, status_code=HTTPStatus.OK if ok else "
                 "HTTPStatus.SERVICE_UNAVAILABLE)", "its handler answers 503 in some state",
                 id="httpstatus-names"),
    pytest.param("reply = await client.get(URL)\n"
                 "return Response(reply.content, reply.status_code)",
                 "its handler answers a status fixer cannot read (`reply.status_code` at "
                 "api/app/main.py:3)", id="peer-status-passed-on"),
    pytest.param("response.status_code = checks.status\nreturn {}",
                 "its handler answers a status fixer cannot read (`checks.status`",
                 id="unread-on-response-parameter"),
    pytest.param("out = JSONResponse({})\nout.status_code = code_for(ok)\nreturn out",
                 "its handler answers a status fixer cannot read (`code_for(ok)`",
                 id="unread-on-built-response"),
    pytest.param("return Response(status_code=HEALTHY)",
                 "its handler answers a status fixer cannot read (`HEALTHY`",
                 id="module-constant"),
    pytest.param("raise HTTPException(status_code=error.status_code)",
                 "its handler answers a status fixer cannot read (`error.status_code`",
                 id="exception-with-unread-status"),
])
def test_handler_status_error(body: str, why: str) -> None:
    assert answer(body).startswith(why), answer(body)


def test_handler_status_prefers_a_literal_error_to_an_unread_status() -> None:
    body = ("if not ok:\n    return Response(status_code=code)\n"
            "return JSONResponse({}, status_code=200 if ready else 503)")
    assert answer(body).startswith("its handler answers 503 in some state"), answer(body)


HEALTH = ("from fastapi import FastAPI\nfrom fastapi.responses import JSONResponse\n\n"
          "app = FastAPI()\nPEERS_UP = {'ok': True}\n\n\n@app.get('/health')\n"
          "async def health() -> JSONResponse:\n    ok = PEERS_UP['ok']\n"
          "    return JSONResponse(content={'ok': ok}, status_code=200 if ok else 503)\n")
CMD = 'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n'
PROBE = ('    healthcheck:\n      test: ["CMD", "python", "-c", "import urllib.request; '
         "urllib.request.urlopen('http://localhost:8000/health')\"]\n")


def files(compose: str) -> dict[str, str]:
    return {"docker-compose.yml": compose, "api/app/__init__.py": "", MAIN: HEALTH,
            "api/Dockerfile": f"FROM python:3.12\nWORKDIR /app\nCOPY . .\n{CMD}"}


@pytest.mark.parametrize(("code", "compose", "safety", "why"), [
    pytest.param("C004", "services:\n  api:\n    build: ./api\n", "unsafe",
                 "/health: its handler answers 503 in some state", id="c004-probe"),
    pytest.param("C003", "services:\n  api:\n    build: ./api\n" + PROBE +
                 "  web:\n    build: ./api\n    depends_on:\n      - api\n", "unsafe",
                 "GET /health may be refused: its handler answers 503 in some state",
                 id="c003-gate"),
    pytest.param("H002", "services:\n  api:\n    build: ./api\n" +
                 PROBE.replace("/health'", "/healthz'"), "display-only",
                 "/health may refuse a probe too: its handler answers 503 in some state",
                 id="h002-target"),
])
def test_handler_status_returned_503_is_judged_as_a_raised_one(
        code: str, compose: str, safety: str, why: str) -> None:
    """Each reader of the handler's answer judges the returned 503 as it does a raised one:
    C004 probes it unsafely, C003 gates on it unsafely, H002 moves no probe to it."""
    [finding] = check(files(compose), select=code)
    assert finding.safety.value == safety, finding
    assert f"{why} (api/app/main.py:11)" in (finding.reason or ""), finding.reason
