"""P002's reasons where compose moves the port an image listens on, on real Dockerfile and
compose text."""

from __future__ import annotations

from kit import check

APP = {"quotes/app/__init__.py": "",
       "quotes/app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n"}


def test_p002_names_the_build_argument_that_moves_the_port() -> None:
    """Compose sets the build argument APP_PORT, which the image's `ENV PORT=${APP_PORT}`
    takes: the reason names the argument, not a PORT compose does not set."""
    files = {**APP,
             "compose.yaml": "services:\n  quotes:\n    build:\n      context: ./quotes\n"
                             "      args:\n        APP_PORT: 9000\n",
             "quotes/Dockerfile": "FROM python:3.12-slim\nARG APP_PORT=8000\n"
                                  "ENV PORT=${APP_PORT} \\\n    PYTHONUNBUFFERED=1\n"
                                  "COPY app ./app\nEXPOSE 8000\n"
                                  'CMD ["sh", "-c", "exec uvicorn app.main:app --host 0.0.0.0 '
                                  '--port ${PORT}"]\n'}
    [finding] = check(files, select="P002")
    assert (finding.message, finding.fixable) == ("EXPOSE 8000 but the app listens on 9000",
                                                  False)
    assert finding.reason == (
        "the image's own port is 8000, which its EXPOSE documents; compose sets the build "
        "argument APP_PORT=9000 (the image's ENV PORT=${APP_PORT}) for quotes, which moves "
        "it to 9000: whether EXPOSE should follow one deployment (Traefik routes to the "
        "exposed port) is the author's call")
