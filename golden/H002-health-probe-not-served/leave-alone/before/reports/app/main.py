from fastapi import FastAPI

app = FastAPI(title="reports")


@app.get("/reports")
def reports():
    return []
