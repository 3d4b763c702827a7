from fastapi import FastAPI
from fastapi.middleware.trustedhost import TrustedHostMiddleware

app = FastAPI()
allowed_hosts = ["example.com"]
app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)


@app.get("/")
def root():
    return {"message": "hi"}
