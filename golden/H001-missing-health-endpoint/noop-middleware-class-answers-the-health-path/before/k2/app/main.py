from fastapi import FastAPI
from starlette.responses import PlainTextResponse
from starlette.routing import Route


async def health(request):
    return PlainTextResponse("ok")


app = FastAPI(routes=[Route("/health", health)])


@app.get("/")
def root():
    return {}
