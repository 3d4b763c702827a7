from fastapi import FastAPI

from shared.schemas import Order

app = FastAPI()


@app.get("/health")
def health():
    return {"ok": Order.__name__}
