import uvicorn
from fastapi import FastAPI

app = FastAPI()


@app.get("/books")
def books() -> list[str]:
    return []


def run() -> None:
    uvicorn.run(app, host="0.0.0.0", port=8000)
