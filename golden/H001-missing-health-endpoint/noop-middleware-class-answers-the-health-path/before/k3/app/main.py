from fastapi import FastAPI

health_app = FastAPI()


@health_app.get("/")
def ok():
    return {"status": "ok"}


app = FastAPI()
app.mount("/health", health_app)
