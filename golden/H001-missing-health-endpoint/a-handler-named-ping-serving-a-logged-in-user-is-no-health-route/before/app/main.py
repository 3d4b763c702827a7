from fastapi import Depends, FastAPI, Header

app = FastAPI()


def current_user(authorization: str = Header()) -> str:
    return authorization


@app.get("/users/me")
async def ping(user: str = Depends(current_user)):
    return {"user": user}
