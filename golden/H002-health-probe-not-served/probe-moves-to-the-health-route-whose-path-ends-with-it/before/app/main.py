from fastapi import FastAPI

app = FastAPI()


@app.get("/api/v1/health/live")
async def health_live():
    return {"status": "alive"}


@app.get("/api/v1/health/ready")
async def health_ready():
    return {"status": "ready"}


@app.get("/")
async def root():
    return {"health": "/api/v1/health/live"}
