from fastapi import FastAPI

from api.handlers import register

app = FastAPI()
register(app)


@app.get("/health")
def health():
    return {"status": "ok"}
