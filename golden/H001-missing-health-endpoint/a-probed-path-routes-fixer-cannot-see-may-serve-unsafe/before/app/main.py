from fastapi import FastAPI
from graph_serve import GraphServe

app = FastAPI()

serve = GraphServe(app=app)
serve.bind_api()
