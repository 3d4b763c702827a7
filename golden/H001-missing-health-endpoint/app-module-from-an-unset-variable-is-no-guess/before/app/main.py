from fastapi import FastAPI

app = FastAPI()  # legacy, not served
