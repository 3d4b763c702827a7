from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.middleware.base import BaseHTTPMiddleware


class TokenContext(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next):
        request.state.user = None
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            if header != "Bearer good":
                return JSONResponse(status_code=401, content={"detail": "bad token"})
            request.state.user = "someone"
        return await call_next(request)


app = FastAPI()
app.add_middleware(TokenContext)


@app.get("/health")
def health():
    return {"status": "ok"}
