from fastapi import FastAPI

app = FastAPI()


@app.get("/")
def root():
    return {"a": 1}

@app.get("/items")
def items():
    return []
