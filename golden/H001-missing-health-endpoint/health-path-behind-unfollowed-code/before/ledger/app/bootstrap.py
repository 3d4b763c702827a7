"""Routes are registered here so that tests can build the app without side effects."""
from fastapi import FastAPI


def _live() -> dict[str, str]:
    return {"status": "ok"}


def register_routes(app: FastAPI) -> None:
    app.add_api_route("/livez", _live, methods=["GET"])
    app.add_api_route("/entries", lambda: [], methods=["GET"])
