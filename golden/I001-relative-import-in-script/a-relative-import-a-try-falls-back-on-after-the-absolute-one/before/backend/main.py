from fastapi import FastAPI

try:
    from util import GREETING
except ImportError:
    from .util import GREETING

app = FastAPI()


@app.get("/health")
def health():
    return {"status": GREETING}
