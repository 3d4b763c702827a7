import uvicorn
from fastapi import FastAPI

from settings import APP_PATH

app = FastAPI()


@app.get("/items")
def items():
    return []


if __name__ == "__main__":
    uvicorn.run(APP_PATH, host="0.0.0.0", port=8000)
