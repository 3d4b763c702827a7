from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Request
from fastapi.responses import JSONResponse


def require_api_key(x_api_key: str = Header(...)):
    if x_api_key != "secret":
        raise HTTPException(status_code=401)


app = FastAPI()


@app.get("/health", dependencies=[Depends(require_api_key)])
def health():
    return {"ok": True}
