import os

from fastapi import Depends, FastAPI, Header, HTTPException

API_KEY = os.environ.get("API_KEY", "dev")


def verify_key(x_api_key: str = Header(default="")):
    if x_api_key != API_KEY:
        raise HTTPException(status_code=401)


app = FastAPI()
router = app.router
router.dependencies.append(Depends(verify_key))


@app.get("/")
def root():
    return {"ok": True}
