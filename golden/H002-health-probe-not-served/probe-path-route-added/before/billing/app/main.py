from fastapi import FastAPI

app = FastAPI()


@app.get("/health/db")
def database_health():
    return {"db": "ok"}
