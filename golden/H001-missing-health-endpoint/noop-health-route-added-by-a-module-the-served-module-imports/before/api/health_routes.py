from application import app


@app.get("/health")
async def health():
    return {"status": "ok"}
