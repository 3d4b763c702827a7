from fastapi import FastAPI

app = FastAPI(title="reports")


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
