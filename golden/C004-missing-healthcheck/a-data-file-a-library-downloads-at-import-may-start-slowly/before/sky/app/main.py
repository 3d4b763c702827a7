from fastapi import FastAPI
from skyfield.api import load as load_file

app = FastAPI()
planets = load_file("de440s.bsp")


@app.get("/health")
def health():
    return {"ok": True}


@app.get("/planets")
def names():
    return planets.names()
