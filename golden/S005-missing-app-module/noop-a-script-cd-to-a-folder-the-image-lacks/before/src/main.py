from fastapi import FastAPI

app = FastAPI()


@app.get("/trades")
def trades():
    return []
