from fastapi import FastAPI

app = FastAPI(title="auth")


@app.get("/health")
def health():
    return {"status": "ok"}


@app.post("/token")
def token():
    return {"access_token": "x"}
