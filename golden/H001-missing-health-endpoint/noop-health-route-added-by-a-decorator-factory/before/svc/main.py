from fastapi import FastAPI

from decorator.health_check import health_check_middleware

app = FastAPI(title="orders")

app = health_check_middleware("orders")(app)


@app.get("/orders")
def orders():
    return []
