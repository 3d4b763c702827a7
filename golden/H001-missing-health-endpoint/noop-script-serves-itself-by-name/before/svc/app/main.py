from fastapi import FastAPI

app = FastAPI(title="legacy")


@app.get("/items")
def list_items():
    return []
