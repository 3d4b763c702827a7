from fastapi import FastAPI

app = FastAPI(title="search")


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
