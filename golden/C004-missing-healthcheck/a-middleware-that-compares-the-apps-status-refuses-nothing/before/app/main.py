import logging

from fastapi import FastAPI, Request

logger = logging.getLogger(__name__)
app = FastAPI()


@app.middleware("http")
async def log_failures(request: Request, call_next):
    response = await call_next(request)
    if response.status_code in [400, 401, 403]:
        logger.error("failed %s", request.url.path)
    return response


@app.get("/items")
def items():
    return []
