from fastapi import FastAPI

api = FastAPI(title="users")


@api.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
