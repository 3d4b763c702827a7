import os
from contextlib import asynccontextmanager

import torch
from fastapi import FastAPI
from transformers import AutoModelForCausalLM, AutoTokenizer

from app.routers import generate

MODEL_ID = os.environ.get("MODEL_ID", "mistralai/Mistral-7B-Instruct-v0.2")


@asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.tokenizer = AutoTokenizer.from_pretrained(MODEL_ID)
    app.state.model = AutoModelForCausalLM.from_pretrained(
        MODEL_ID, torch_dtype=torch.float16, device_map="auto"
    )
    yield


app = FastAPI(lifespan=lifespan)
app.include_router(generate.router, prefix="/v1")


@app.get("/healthz")
def healthz():
    return {"ok": True, "cuda": torch.cuda.is_available()}
