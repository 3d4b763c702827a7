from fastapi import FastAPI, Request, Response

app = FastAPI()


@app.middleware("http")
async def db_session_middleware(request: Request, call_next):
    response = Response("Internal server error", status_code=500)
    if request.headers.get("x-key") != "k":
        return response
    response = await call_next(request)
    return response


@app.get("/")
def root():
    return {"hello": "world"}
