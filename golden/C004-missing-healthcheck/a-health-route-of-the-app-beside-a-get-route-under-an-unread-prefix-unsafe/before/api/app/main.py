from fastapi import FastAPI

from app.auth import router as auth_router
from app.prefixes import Prefixes

app = FastAPI(title="accounts")


@app.get("/healthcheck", include_in_schema=False)
async def healthcheck() -> dict[str, str]:
    return {"status": "ok"}


app.include_router(auth_router, prefix=Prefixes.auth())
