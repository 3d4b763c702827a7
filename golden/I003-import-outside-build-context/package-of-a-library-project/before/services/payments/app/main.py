from fastapi import FastAPI

from common.money import Money

app = FastAPI()


@app.get("/health")
def health():
    return {"status": "ok"}


@app.post("/charge")
def charge(amount: int):
    return {"charged": str(Money(amount))}
