from fastapi import FastAPI

from mw import JwtUserMiddleware

app = FastAPI()
app.add_middleware(JwtUserMiddleware)


@app.get("/health")
def health():
    return {"status": "ok"}
