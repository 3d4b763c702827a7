from fastapi import FastAPI

app = FastAPI(title="shop")


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
