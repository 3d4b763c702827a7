import io
import os

import torch
from fastapi import FastAPI, UploadFile
from PIL import Image

from app.preprocess import transform

model = torch.hub.load(os.getenv("HUB_REPO", "pytorch/vision:v0.17.0"), os.getenv("HUB_MODEL", "resnet50"), weights="DEFAULT")
model.eval()

app = FastAPI()


@app.get("/ping")
def ping():
    return "pong"


@app.post("/classify")
async def classify(file: UploadFile):
    img = Image.open(io.BytesIO(await file.read())).convert("RGB")
    with torch.no_grad():
        logits = model(transform(img).unsqueeze(0))
    return {"class": int(logits.argmax())}
