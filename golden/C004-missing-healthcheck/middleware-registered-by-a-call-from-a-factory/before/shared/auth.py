from fastapi import Request
from fastapi.responses import JSONResponse


def build_auth_middleware(token: str):
    async def middleware(request: Request, call_next):
        if request.headers.get("authorization") != f"Bearer {token}":
            return JSONResponse({"detail": "unauthorized"}, status_code=401)
        return await call_next(request)

    return middleware
