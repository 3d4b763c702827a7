from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.responses import PlainTextResponse

app = FastAPI()

app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],
    allow_methods=["*"],
    allow_headers=["*"],
)


@app.on_event('startup')
def startup():
    pass


@app.on_event('shutdown')
def shutdown():
    pass


def hello(request):
    return PlainTextResponse


app.add_route('/hello', hello)
