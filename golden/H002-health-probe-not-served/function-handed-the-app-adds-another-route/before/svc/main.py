from fastapi import FastAPI

from decorator.health_check import with_health

app = FastAPI(title="orders")
app = with_health(app)


@app.get("/orders")
def orders():
    return []
