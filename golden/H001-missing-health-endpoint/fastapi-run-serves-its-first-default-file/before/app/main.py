from fastapi import FastAPI

app = FastAPI()  # not served: fastapi run finds ./app.py first
