from fastapi import FastAPI
from platform_kit.health import with_health

app = FastAPI(title="orders")
app = with_health(app)


@app.get("/orders")
def orders():
    return []
