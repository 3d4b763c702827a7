from fastapi import FastAPI
from starlette.responses import JSONResponse

app = FastAPI()


@app.route("/health")
async def health(request):
    return JSONResponse({"status": "ok"})
