from fastapi import FastAPI

app = FastAPI(title="svc")


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/items")
def items() -> list[str]:
    return []
