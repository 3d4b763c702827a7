from fastapi import FastAPI

from app.middleware import DEFAULT_EXCLUDE_PATHS, AuthMiddleware

app = FastAPI()
app.add_middleware(AuthMiddleware, exclude_paths=DEFAULT_EXCLUDE_PATHS)


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
