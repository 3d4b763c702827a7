from fastapi import FastAPI, status
from fastapi.responses import JSONResponse

app = FastAPI()


@app.get("/health")
async def health() -> JSONResponse:
    return JSONResponse({"ok": True}, status_code=status.HTTP_200_OK)


@app.post("/orders")
async def create_order() -> JSONResponse:
    return JSONResponse({"id": 1}, status_code=201)
