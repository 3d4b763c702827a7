from langchain_huggingface import HuggingFaceEmbeddings
from fastapi import FastAPI

embeddings = HuggingFaceEmbeddings(model_name="sentence-transformers/all-mpnet-base-v2")
app = FastAPI()


@app.get("/health")
def health():
    return {"ok": True}
