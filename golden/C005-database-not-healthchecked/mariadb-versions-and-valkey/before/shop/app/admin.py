from fastapi import FastAPI

app = FastAPI(title="legacy admin")


@app.get("/health")
def health():
    return {"status": "ok"}
