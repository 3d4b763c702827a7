from main import app


@app.get("/items")
def items():
    return []


@app.get("/health")
def health():
    return {"status": "ok"}
