from fastapi import Depends, FastAPI, Header, HTTPException


def require_key(x_api_key: str = Header(None)):
    if x_api_key != "secret":
        raise HTTPException(status_code=403)


app_kwargs = {"title": "items"}
app_kwargs["dependencies"] = [Depends(require_key)]
app = FastAPI(**app_kwargs)


@app.get("/items")
def items():
    return []
