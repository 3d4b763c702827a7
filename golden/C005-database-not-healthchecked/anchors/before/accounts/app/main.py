from fastapi import FastAPI

app = FastAPI(title="accounts")


@app.get("/health")
def health():
    return {"status": "ok"}
