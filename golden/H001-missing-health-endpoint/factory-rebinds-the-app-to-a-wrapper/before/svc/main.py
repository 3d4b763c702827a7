import uvicorn
from fastapi import FastAPI

from guard import KeyGuard


def create_app():
    app = FastAPI()

    @app.get("/items")
    def items():
        return []

    app = KeyGuard(app)
    return app


if __name__ == "__main__":
    uvicorn.run(create_app(), host="0.0.0.0", port=8000)
