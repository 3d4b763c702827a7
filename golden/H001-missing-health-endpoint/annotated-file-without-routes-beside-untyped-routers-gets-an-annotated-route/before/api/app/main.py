from fastapi import FastAPI

from app.routes import router

app = FastAPI()
app.include_router(router)


@app.on_event("startup")
async def startup() -> None:
    pass
