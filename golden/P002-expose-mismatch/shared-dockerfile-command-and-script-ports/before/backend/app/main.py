from fastapi import FastAPI

app = FastAPI(title="Shop API")


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/products")
def products() -> list[dict[str, str]]:
    return []
