from fastapi import FastAPI

from users_api import *  # noqa: F403

api = FastAPI(title="users")


@api.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
