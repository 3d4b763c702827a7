import os

from fastapi import FastAPI

if os.getenv("DEBUGGER") == "1":
    import debugpy
    debugpy.listen(("0.0.0.0", 5678))
    debugpy.wait_for_client()

app = FastAPI()


@app.get("/")
def root():
    return {"ok": True}
