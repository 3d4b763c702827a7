from .main import app


@app.get("/orders")
def list_orders():
    return []
