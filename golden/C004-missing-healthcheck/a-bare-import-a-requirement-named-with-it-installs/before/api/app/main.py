from fastapi import FastAPI

from app.speech import engine, whisper

app = FastAPI()


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok", "models": str(len(engine.MODELS)), "engine": whisper.__name__}
