from fastapi import FastAPI, Request

app = FastAPI()


@app.middleware("http")
async def record_every_request(request: Request, call_next):
    response = await call_next(request)
    with open("/srv/requests.log", "a") as fh:
        fh.write(f"{request.method} {request.url.path} {response.status_code}\n")
    return response


@app.get("/stats")
def stats():
    with open("/srv/requests.log") as fh:
        return {"requests": sum(1 for _ in fh)}
