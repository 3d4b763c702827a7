import uvicorn
from fastapi import FastAPI

if __name__ == "__main__":
    app = FastAPI()

    @app.get("/items")
    def items():
        return []

    uvicorn.run(app, host="0.0.0.0", port=8080)
