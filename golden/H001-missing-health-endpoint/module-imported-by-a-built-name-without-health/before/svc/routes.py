from main import app


@app.get("/items")
def items():
    return []
