from fastapi import FastAPI

app = FastAPI(title="auth")


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/token")
async def token() -> dict[str, str]:
    return {"access_token": "", "token_type": "bearer"}
