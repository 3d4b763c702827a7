from fastapi import FastAPI

app = FastAPI()


@app.api_route("/livez")
def live():
    return "ok"
