import time

from fastapi import FastAPI

time.sleep(90)  # let the upstream feed warm up before serving
app = FastAPI()


@app.get("/items")
def items():
    return []
