from fastapi import FastAPI

app = FastAPI()


@app.get("/healthz")
def healthz():
    return {"ok": True}


@app.get("/search")
def search(q: str = ""):
    return {"q": q, "hits": []}
