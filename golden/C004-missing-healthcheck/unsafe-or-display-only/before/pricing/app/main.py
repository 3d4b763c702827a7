from fastapi import FastAPI

app = FastAPI(title="pricing")


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
