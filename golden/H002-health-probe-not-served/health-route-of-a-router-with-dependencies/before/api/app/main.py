from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Request
from fastapi.responses import JSONResponse


def require_api_key(x_api_key: str = Header(...)):
    if x_api_key != "secret":
        raise HTTPException(status_code=401)


router = APIRouter()


@router.get("/health")
def health():
    return {"ok": True}


app = FastAPI()
app.include_router(router, prefix="/api", dependencies=[Depends(require_api_key)])
