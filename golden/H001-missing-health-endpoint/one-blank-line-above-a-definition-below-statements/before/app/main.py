import logging

from fastapi import FastAPI

from app import posts

logger = logging.getLogger(__name__)

app = FastAPI(title="Post Service")

app.include_router(posts.router, prefix="/posts", tags=["posts"])

@app.on_event("startup")
async def on_startup():
    logger.info("started")
