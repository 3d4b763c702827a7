from fastapi import FastAPI

app = FastAPI()
api = FastAPI()


@api.get("/items")
def items():
    return []


app.mount("/api", api)


@app.get("/")
def root():
    return {"name": "svc"}
