import uvicorn
from fastapi import FastAPI

from . import (settings, jobs as queue)

app = FastAPI()


@app.get("/health")
def health():
    return {"jobs": len(queue.JOBS)}


if __name__ == "__main__":
    uvicorn.run(app, host="0.0.0.0", port=settings.PORT)
