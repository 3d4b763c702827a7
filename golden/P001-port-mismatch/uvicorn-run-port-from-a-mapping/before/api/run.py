import uvicorn

from app.main import app

SERVER = {"host": "0.0.0.0", "port": 9000}

if __name__ == "__main__":
    uvicorn.run(app, **SERVER)
