from app.factory import create_app

app, logger = create_app("api")


@app.get("/health")
def health():
    return {"status": "ok"}
