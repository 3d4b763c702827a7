from fastapi import Header, HTTPException


async def require_key(x_api_key: str = Header(...)):
    if x_api_key != "secret":
        raise HTTPException(status_code=403)
