from fastapi import FastAPI


def health():
    return {"status": "ok"}


app = FastAPI()
app.add_api_route("/health", health)
