import uvicorn
from fastapi import FastAPI

app = FastAPI()


@app.get("/hotels")
def hotels():
    return []


if __name__ == "__main__":
    uvicorn.run("main:app", reload=True, host="0.0.0.0")
