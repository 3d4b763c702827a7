from fastapi import FastAPI

from plugins import load_routers

app = FastAPI()
for router in load_routers():
    app.include_router(router)


@app.get("/health")
def health():
    return {"status": "ok"}
