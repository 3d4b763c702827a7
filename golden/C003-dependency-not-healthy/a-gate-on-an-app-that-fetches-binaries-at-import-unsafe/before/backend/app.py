import static_ffmpeg

static_ffmpeg.add_paths()  # fetches the ffmpeg binaries on first run

from fastapi import FastAPI

app = FastAPI()


@app.get("/items")
def items():
    return []
