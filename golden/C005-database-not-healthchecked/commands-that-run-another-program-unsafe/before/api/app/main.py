from fastapi import FastAPI

app = FastAPI(title="api")


@app.get("/health")
def health():
    return {"status": "ok"}
