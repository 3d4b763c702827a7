# -*- coding: klingon -*-
from fastapi import FastAPI

app = FastAPI()
