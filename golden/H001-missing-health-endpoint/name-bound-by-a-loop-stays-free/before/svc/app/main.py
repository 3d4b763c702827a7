from fastapi import FastAPI

app = FastAPI()

CHECKS = {"db": "up", "cache": "up"}
for health in CHECKS.values():
    pass

if (status := "ready") != "ready":
    raise SystemExit(1)


@app.get("/stock")
def stock():
    return {"last": health, "status": status}
