from fastapi import FastAPI
from fastapi.responses import JSONResponse

app = FastAPI()
app.state.draining = False


@app.on_event("shutdown")
def start_draining() -> None:
    app.state.draining = True


@app.get("/health")
def health():
    if app.state.draining:
        return JSONResponse({"status": "draining"}, status_code=503)
    return {"status": "ok"}
