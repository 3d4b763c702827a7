from starlette.requests import Request
from starlette.responses import JSONResponse

PUBLIC = ("/", "/docs", "/openapi.json")


class NotAuthorized(Exception):
    status_code = 401


async def guard(request: Request, call_next):
    try:
        if request.url.path in PUBLIC:
            return await call_next(request)
        if "authorization" not in request.headers:
            raise NotAuthorized()
        return await call_next(request)
    except NotAuthorized as error:
        return JSONResponse({"detail": "unauthorized"}, status_code=error.status_code)
