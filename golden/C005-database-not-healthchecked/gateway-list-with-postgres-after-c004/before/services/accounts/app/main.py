from fastapi import FastAPI

app = FastAPI()


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/accounts/{account_id}")
def account(account_id: str):
    return {"id": account_id}
