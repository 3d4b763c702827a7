from fastapi import FastAPI

app = FastAPI()


@app.router.get("/health", include_in_schema=False)
def health():
    return {"status": "ok"}


@app.get("/")
def root():
    return {}
