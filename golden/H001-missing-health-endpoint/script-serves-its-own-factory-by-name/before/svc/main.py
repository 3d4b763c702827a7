import uvicorn
from fastapi import FastAPI


def make_ledger():
    ledger = FastAPI()

    @ledger.get("/entries")
    def entries():
        return []

    return ledger


if __name__ == "__main__":
    uvicorn.run("main:make_ledger", factory=True, host="0.0.0.0", port=8000)
