import os

import uvicorn
from fastapi import FastAPI

app = FastAPI()


@app.get("/")
def index():
    return {"service": "admin"}


if __name__ == "__main__":
    server_config = {"app": "main:app", "host": "0.0.0.0", "port": 8000}
    server_config["port"] = int(os.environ["PORT"])
    uvicorn.run(**server_config)
