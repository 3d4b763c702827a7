import whisper


def transcribe(path: str) -> str:
    return whisper.load_model("base").transcribe(path)["text"]
