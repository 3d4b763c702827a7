from fastapi import FastAPI

app = FastAPI(title="legacy")


@app.get("/status")
def status():
    return {"ok": True}
