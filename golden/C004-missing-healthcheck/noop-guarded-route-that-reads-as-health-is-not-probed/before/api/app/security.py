from fastapi import Header, HTTPException


def require_key(x_api_key: str = Header(default="")) -> None:
    if x_api_key != "secret":
        raise HTTPException(status_code=401)
