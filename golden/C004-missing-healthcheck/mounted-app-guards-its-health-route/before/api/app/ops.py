from fastapi import Depends, FastAPI, Header, HTTPException


def require_token(authorization: str = Header(default="")) -> None:
    if authorization != "Bearer ops":
        raise HTTPException(status_code=401)


ops = FastAPI(dependencies=[Depends(require_token)])


@ops.get("/health")
def ops_health():
    return {"status": "ok"}
