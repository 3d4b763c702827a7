from fastapi import FastAPI
from starlette.middleware.base import BaseHTTPMiddleware


async def lookup_user(token):
    return None


class SessionAuthMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request, call_next):
        request.state.user = None
        token = request.cookies.get("session")
        if token:
            user = await lookup_user(token)
            if user:
                request.state.user = user
        return await call_next(request)


app = FastAPI()
app.add_middleware(SessionAuthMiddleware)


@app.get("/health")
def health():
    return {"status": "ok"}
