import os

from fastapi import FastAPI, HTTPException

AUTH_SERVICE_URL = os.environ.get("AUTH_SERVICE_URL", "http://localhost:8001")
BILLING_SERVICE_URL = os.environ.get("BILLING_SERVICE_URL", "http://localhost:8010")
USAGE_SERVICE_URL = os.environ.get("USAGE_SERVICE_URL", "http://localhost:8000")

UPSTREAMS = {
    "auth": AUTH_SERVICE_URL,
    "billing": BILLING_SERVICE_URL,
    "usage": USAGE_SERVICE_URL,
}

app = FastAPI(title="Gateway Service")


@app.get("/health")
def health():
    return {"status": "ok", "service": "gateway_service"}


@app.get("/upstreams")
def list_upstreams():
    return {"upstreams": UPSTREAMS}


@app.get("/upstreams/{name}")
def get_upstream(name: str):
    if name not in UPSTREAMS:
        raise HTTPException(status_code=404, detail="unknown upstream")
    return {"name": name, "url": UPSTREAMS[name]}
