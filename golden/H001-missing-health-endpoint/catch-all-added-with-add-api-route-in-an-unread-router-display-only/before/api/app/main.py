from fastapi import FastAPI

from app import routers

app = FastAPI()

for r in routers.ALL:
    app.include_router(r)


@app.get("/")
def root():
    return {"ok": True}
