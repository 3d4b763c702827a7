from fastapi import FastAPI

from backend.users import find_user

app = FastAPI()


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/users/{user_id}")
def read_user(user_id: int) -> dict[str, object]:
    return find_user(user_id)
