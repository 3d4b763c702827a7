from fastapi import FastAPI

from shared.auth import build_auth_middleware

app = FastAPI()
app.middleware("http")(build_auth_middleware("s3cret"))


@app.get("/health")
def health():
    return {"ok": True}
