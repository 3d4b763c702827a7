"""One image, three roles: the first argument picks which one this container plays."""
import subprocess
import sys

import uvicorn
from celery import Celery
from fastapi import FastAPI

queue = Celery("run", broker="redis://broker:6379/0")
app = FastAPI()


@app.get("/health")
def health() -> dict:
    return {"status": "ok"}


if __name__ == "__main__":
    role = sys.argv[1] if len(sys.argv) > 1 else "api"
    if role == "api":
        uvicorn.run(app, host="0.0.0.0", port=8000)
    elif role == "worker":
        queue.worker_main(["worker", "--loglevel=info"])
    else:
        subprocess.run(["celery", "-A", "run.queue", "flower", "--port=5555"], check=True)
