from fastapi import FastAPI

app = FastAPI()


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


if __name__ == "__main__":
    import uvicorn

    from .settings import PORT

    uvicorn.run(app, host="0.0.0.0", port=PORT)
