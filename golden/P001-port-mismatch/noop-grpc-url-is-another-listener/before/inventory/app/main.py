from fastapi import FastAPI

app = FastAPI(title="inventory")


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
