import whisper

MODELS = whisper.available_models()
