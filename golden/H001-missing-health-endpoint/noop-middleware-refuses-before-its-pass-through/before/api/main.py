from fastapi import FastAPI, HTTPException, Request
from starlette.middleware.base import BaseHTTPMiddleware


class RateLimitMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next):
        if "x-key" not in request.headers:
            raise HTTPException(status_code=401)
        if not request.url.path.endswith("/predict"):
            return await call_next(request)
        raise HTTPException(status_code=429, detail="Rate limit exceeded")


app = FastAPI()
app.add_middleware(RateLimitMiddleware)


@app.post("/predict")
def predict():
    return {"y": 1}
