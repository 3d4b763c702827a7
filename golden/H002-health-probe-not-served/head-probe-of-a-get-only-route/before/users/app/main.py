from fastapi import FastAPI

app = FastAPI()


@app.get("/health", include_in_schema=False)
async def healthz():
    return {"ok": True}


@app.get("/users")
async def list_users():
    return []
