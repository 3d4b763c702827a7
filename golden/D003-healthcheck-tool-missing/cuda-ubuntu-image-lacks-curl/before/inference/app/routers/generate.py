from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from transformers import TextIteratorStreamer
from threading import Thread

router = APIRouter()


class Prompt(BaseModel):
    prompt: str
    max_new_tokens: int = 256


@router.post("/generate")
def generate(body: Prompt, request: Request):
    tok = request.app.state.tokenizer
    model = request.app.state.model
    inputs = tok(body.prompt, return_tensors="pt").to(model.device)
    streamer = TextIteratorStreamer(tok, skip_prompt=True)
    Thread(target=model.generate, kwargs={**inputs, "streamer": streamer, "max_new_tokens": body.max_new_tokens}).start()
    return StreamingResponse((t for t in streamer), media_type="text/plain")
