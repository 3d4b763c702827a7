import uvicorn
from fastapi import FastAPI

app = FastAPI()


@app.get("/")
def index():
    return {"service": "api"}


if __name__ == "__main__":
    server_config = {
        "app": "main:app",
        "host": "0.0.0.0",
        "port": 40111,
        "log_level": "info",
    }
    uvicorn.Server(uvicorn.Config(**server_config)).run()
