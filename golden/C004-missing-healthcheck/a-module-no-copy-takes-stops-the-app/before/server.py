from fastapi import FastAPI

from settings import TITLE
from routes.items import router

app = FastAPI(title=TITLE)
app.include_router(router)


@app.get("/health")
def health():
    return {"status": "ok"}
