import gradio as gr
from fastapi import FastAPI

app = FastAPI()


@app.get("/health")
def health():
    return {"ok": True}


demo = gr.Interface(fn=lambda x: x, inputs="text", outputs="text")
app = gr.mount_gradio_app(app, demo, path="/")
