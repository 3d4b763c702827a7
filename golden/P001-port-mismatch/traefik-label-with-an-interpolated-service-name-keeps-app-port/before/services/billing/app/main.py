from fastapi import FastAPI

app = FastAPI(title="billing")


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
