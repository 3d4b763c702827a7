from fastapi import FastAPI

from ratelimit import RateLimitMiddleware

app = FastAPI()
app.add_middleware(RateLimitMiddleware)


@app.get("/health")
def health():
    return {"status": "ok"}
