"""D005 unexpanded-variable: the reason's `sh -c` form is one that starts, so it says when the
variable it expands is one nothing of the repository sets."""

from __future__ import annotations

import pytest

from kit import check

COMPOSE = "services:\n  api:\n    build: ./api\n    ports:\n      - \"8000:8000\"\n{env}"
APP = "from fastapi import FastAPI\n\napp = FastAPI()\n"


def repo(port: str, env: str = "", dockerfile_env: str = "") -> dict[str, str | bytes]:
    return {"docker-compose.yml": COMPOSE.format(env=env),
            "api/Dockerfile": (f"FROM python:3.12-slim\nWORKDIR /app\n{dockerfile_env}"
                               "COPY . .\nRUN pip install fastapi uvicorn\n"
                               "CMD [\"uvicorn\", \"main:app\", \"--host\", \"0.0.0.0\", "
                               f"\"--port\", \"{port}\"]\n"),
            "api/main.py": APP}


UNSET = ", though nothing in the repository sets PORT (no ENV of the image, nothing in api's " \
    "compose environment or env_file): give it a value too, or a default (`${PORT:-...}`)"


@pytest.mark.parametrize(("port", "env", "dockerfile_env", "unset"), [
    pytest.param("$PORT", "", "", True, id="set-nowhere"),
    pytest.param("${PORT}", "", "ENV PORT=8000\n", False, id="env-of-the-image"),
    pytest.param("$PORT", "    environment:\n      PORT: \"8000\"\n", "", False,
                 id="compose-environment"),
    pytest.param("$PORT", "    env_file: api.env\n", "", False, id="env-file"),
    pytest.param("${PORT:-8000}", "", "", False, id="a-default"),
])
def test_the_reason_says_when_nothing_sets_the_variable(
        port: str, env: str, dockerfile_env: str, unset: bool) -> None:
    """`sh -c "exec uvicorn ... --port $PORT"` with PORT set nowhere gives `--port` an empty
    value: the reason's form starts only once something sets it."""
    files = {**repo(port, env, dockerfile_env), "api.env": "PORT=8000\n"}
    [found] = check(files, select="D005")
    assert found.reason is not None and "one that expands it: `CMD [\"sh\", \"-c\"" in \
        found.reason, found.reason
    assert found.reason.endswith(UNSET) == unset, found.reason
