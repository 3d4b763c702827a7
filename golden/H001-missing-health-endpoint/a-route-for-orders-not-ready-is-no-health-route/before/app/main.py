from fastapi import Depends, FastAPI, Header, HTTPException

app = FastAPI()


def current_worker(authorization: str = Header(...)):
    if authorization != "Bearer secret":
        raise HTTPException(status_code=401)
    return "worker"


@app.get("/orders/not_ready")
async def list_orders_not_ready(worker: str = Depends(current_worker)):
    return []
