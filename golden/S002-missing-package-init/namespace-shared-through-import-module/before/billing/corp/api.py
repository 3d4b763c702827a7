from fastapi import FastAPI

from corp.pricing import total

app = FastAPI()


@app.get("/total")
def get_total() -> dict[str, int]:
    return {"total": total([250, 125])}
