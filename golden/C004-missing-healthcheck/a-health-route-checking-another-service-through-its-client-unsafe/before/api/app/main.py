from elasticsearch import Elasticsearch
from fastapi import FastAPI

app = FastAPI()
es = Elasticsearch("http://search:9200")


@app.get("/")
def root():
    return {"hello": "world"}


@app.get("/search/health")
def search_health():
    return dict(es.cluster.health())
