from fastapi import FastAPI

app = FastAPI(title="notify")


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
