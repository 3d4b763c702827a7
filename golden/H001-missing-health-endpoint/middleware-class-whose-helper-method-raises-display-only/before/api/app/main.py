from fastapi import FastAPI, Request
from starlette.middleware.base import BaseHTTPMiddleware


class TenantMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next):
        self.check(request)
        return await call_next(request)

    def check(self, request: Request) -> None:
        if "x-tenant" not in request.headers:
            raise ValueError("tenant header missing")


app = FastAPI()
app.add_middleware(TenantMiddleware)


@app.get("/")
def root():
    return {"ok": True}
