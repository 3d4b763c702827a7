from fastapi import FastAPI

app = FastAPI(title="svc")


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/items")
def items():
    return []
