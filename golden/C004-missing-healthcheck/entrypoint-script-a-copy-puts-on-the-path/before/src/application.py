from fastapi import FastAPI

app = FastAPI()


@app.get("/users")
def users() -> list[str]:
    return []
