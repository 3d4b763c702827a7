from fastapi import FastAPI

app = FastAPI(title="legacy")


@app.get("/health")
def health():
    return {"status": "ok"}
