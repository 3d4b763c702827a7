from fastapi import FastAPI

app = FastAPI()


@app.get("/ping")
def ping():
    """Checks that errors reach the error tracker."""
    raise Exception("ping")


@app.get("/items")
def items():
    return []
