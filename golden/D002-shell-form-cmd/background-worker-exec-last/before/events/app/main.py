from fastapi import FastAPI

app = FastAPI(title="events")


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
