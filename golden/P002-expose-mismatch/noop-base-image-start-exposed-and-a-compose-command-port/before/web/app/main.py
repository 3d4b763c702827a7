from fastapi import FastAPI

app = FastAPI(title="orders")


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
