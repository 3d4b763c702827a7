from fastapi import FastAPI

app = FastAPI()


@app.get("/health")
def health():
    return {"ok": True}


@app.get("/health/{component}")
def component_health(component: str):
    return {"component": component, "ok": True}
