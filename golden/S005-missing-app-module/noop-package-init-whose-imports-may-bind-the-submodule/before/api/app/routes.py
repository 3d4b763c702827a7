from app.app import app


@app.get("/items")
def items() -> list[str]:
    return []
