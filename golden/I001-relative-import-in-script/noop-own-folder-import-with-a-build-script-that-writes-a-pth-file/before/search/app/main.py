import os

import uvicorn
from fastapi import FastAPI

from app.routers import search

app = FastAPI()
app.include_router(search.router, prefix="/api")

if __name__ == "__main__":
    uvicorn.run(app, host="0.0.0.0", port=int(os.getenv("APP_PORT", "8000")))
