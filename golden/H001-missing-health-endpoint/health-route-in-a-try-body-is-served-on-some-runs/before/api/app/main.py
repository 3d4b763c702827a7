from fastapi import FastAPI

app = FastAPI()


@app.get("/items")
def list_items():
    return []


try:
    from app.probes import readiness

    @app.get("/healthz")
    def healthz():
        return {"ready": readiness()}
except ImportError:
    pass
