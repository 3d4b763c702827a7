from fastapi import Depends, FastAPI, Header


def token(x_token: str = Header()):
    return x_token


app = FastAPI(dependencies=[Depends(token)])


@app.get("/items")
def items():
    return []
