from fastapi import FastAPI

app = FastAPI(title="accounts")


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
