from pkg.app import app


@app.get("/health")
async def get_health():
    return {"status": "ok", "modules": {}}
