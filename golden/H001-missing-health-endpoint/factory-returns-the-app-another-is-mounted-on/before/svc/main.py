import uvicorn
from fastapi import FastAPI


def create_app():
    api = FastAPI()

    @api.get("/items")
    def items():
        return []

    root = FastAPI()
    root.mount("/api", api)
    return root


if __name__ == "__main__":
    uvicorn.run(create_app(), host="0.0.0.0", port=8000)
