from fastapi import FastAPI

app = FastAPI(title="Storefront")


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/")
async def index() -> dict[str, str]:
    return {"hello": "storefront"}
