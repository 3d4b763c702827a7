from fastapi import FastAPI
app = FastAPI()
def h():
    return "ok"
app.get("/health")(h)
