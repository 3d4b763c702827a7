from fastapi import FastAPI

HEALTH_PATH = "/health"
app = FastAPI()


@app.get(HEALTH_PATH)
def health():
    return {"status": "ok"}
