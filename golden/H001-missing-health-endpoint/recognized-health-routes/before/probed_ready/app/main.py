from fastapi import FastAPI

app = FastAPI()


@app.api_route("/ready", methods=["GET", "HEAD"])
def ready():
    return {"ready": True}
