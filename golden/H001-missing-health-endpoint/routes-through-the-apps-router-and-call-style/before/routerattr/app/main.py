from fastapi import FastAPI
app = FastAPI()
def h():
    return "ok"
app.router.add_api_route("/health", h)
