from fastapi import FastAPI

from app.render import title

app = FastAPI()


@app.get("/health")
def health():
    return {"ok": True}


@app.get("/report/{name}")
def report(name: str):
    return {"title": title({"name": name})}
