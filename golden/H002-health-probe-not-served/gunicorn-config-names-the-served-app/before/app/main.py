from fastapi import FastAPI

app = FastAPI()  # legacy, not served


@app.get("/healthz")
def healthz():
    return {"status": "ok"}
