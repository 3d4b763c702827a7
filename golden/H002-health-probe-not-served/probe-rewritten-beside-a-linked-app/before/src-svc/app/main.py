from fastapi import FastAPI

app = FastAPI()


@app.get("/items")
def items():
    return []


@app.get("/healthz")
def healthz():
    return {"ok": True}
