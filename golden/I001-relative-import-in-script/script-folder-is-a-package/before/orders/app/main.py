from fastapi import FastAPI

from .config import settings

app = FastAPI(title=settings["name"])


@app.get("/health")
def health():
    return {"status": "ok"}


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, host="0.0.0.0", port=8000)
