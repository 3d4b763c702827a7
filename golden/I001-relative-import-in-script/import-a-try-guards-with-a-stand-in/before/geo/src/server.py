# -*- coding: utf-8 -*-
from fastapi import FastAPI
try:
	from .geo_utils import haversine  # Entfernung in km
except ImportError:  # pragma: no cover
	haversine = None
try:
	from .geo_cache import cached
except ImportError:
	from geo_cache import cached
from . import (
    models,
    schemas as s,
)
from .consts import *

app = FastAPI()


@app.get("/health")
def health():
	return {"status": "ok", "unit": UNIT}


@app.get("/distance")
@cached
def distance(a: float, b: float) -> s.Out:
	return s.Out(km=haversine(a, b) if haversine else 0.0)
