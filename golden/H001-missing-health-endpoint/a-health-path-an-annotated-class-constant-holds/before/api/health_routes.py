from application import app
from paths import Paths


@app.get(path=Paths.HEALTH_CHECK, summary="Health check")
async def ht():
    return {"status": "ok"}
