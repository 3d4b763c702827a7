from fastapi import FastAPI
from fastapi.middleware.trustedhost import TrustedHostMiddleware

app = FastAPI()
app.add_middleware(TrustedHostMiddleware, allowed_hosts=["accounts.example.com", "*.example.com"])


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/me")
def me():
    return {"id": 1}
