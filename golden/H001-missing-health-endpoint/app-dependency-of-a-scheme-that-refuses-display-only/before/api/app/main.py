from fastapi import Depends, FastAPI
from fastapi.security import APIKeyHeader

token = APIKeyHeader(name="X-Token", auto_error=False)

app = FastAPI(dependencies=[Depends(APIKeyHeader(name="X-Token", auto_error=True))])


@app.get("/items")
def items():
    return []
