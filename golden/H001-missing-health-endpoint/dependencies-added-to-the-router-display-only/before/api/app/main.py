from fastapi import Depends, FastAPI, Header, HTTPException


def require_key(x_api_key: str = Header(None)):
    if x_api_key != "secret":
        raise HTTPException(401)


app = FastAPI()
app.router.dependencies.append(Depends(require_key))


@app.get("/items")
def items():
    return []
