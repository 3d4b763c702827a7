from fastapi import FastAPI

application = FastAPI(title="users")


@application.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
