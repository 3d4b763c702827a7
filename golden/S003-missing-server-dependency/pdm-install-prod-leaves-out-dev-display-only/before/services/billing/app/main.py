from fastapi import FastAPI

app = FastAPI(title="billing")


@app.get("/health")
def health():
    return {"status": "ok"}
