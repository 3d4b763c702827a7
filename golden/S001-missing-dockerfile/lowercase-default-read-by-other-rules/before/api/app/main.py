from fastapi import FastAPI

app = FastAPI(root_path="/api")


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/orders")
def orders() -> list[dict[str, str]]:
    return []
