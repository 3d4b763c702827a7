from fastapi import FastAPI

app = FastAPI(title="search")


@app.get("/livez")
async def live():
    return {"status": "ok"}


@app.get("/readyz")
async def ready():
    return {"status": "ready"}
