from fastapi import FastAPI

from api.routers import hooks

app = FastAPI()
app.include_router(hooks.router)


@app.get("/health")
def health():
    return {"status": "ok"}
